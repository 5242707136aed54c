package jsonloc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
)

// Locating a decoding error: encoding/json names the struct fields on the
// way to a value of the wrong type ("Subnets.Tags.Key") but not the list
// indices or map keys, and nothing at all for an error of an
// UnmarshalJSON method. locate walks the input and the Go type together,
// down the first member that fails to decode on its own, to the innermost
// value that fails: its full path ("Subnets[0].Tags[2].Key") and its own
// error. It runs only once a decode has failed, so the successful decode
// pays nothing; each level decodes the members before the failing one
// again, so the cost is the input's size times the type's depth.

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// locate returns the path, the text and the error of the innermost value
// of data, read as a t at path, that fails to decode; err is the error
// decoding data as a whole gave, kept when no member fails on its own.
func locate(data []byte, t reflect.Type, path string, err error) (string, []byte, error) {
	for {
		for t.Kind() == reflect.Pointer && !custom(t) {
			t = t.Elem()
		}
		if custom(t) {
			return path, data, err
		}
		var elem func(key string) (reflect.Type, bool)
		want := json.Delim('{') // the value t decodes from
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			elem = func(key string) (reflect.Type, bool) { return fields.find(key) }
		case reflect.Map:
			elem = func(string) (reflect.Type, bool) { return t.Elem(), true }
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 { // []byte: a base64 string
				return path, data, err
			}
			elem = func(string) (reflect.Type, bool) { return t.Elem(), true }
			want = '['
		default:
			return path, data, err
		}
		next, member, nextT, nextErr := failingMember(data, want, elem)
		if nextErr == nil {
			return path, data, err
		}
		data, t, path, err = member, nextT, next(path), nextErr
	}
}

// custom reports whether values of t decode themselves (or are any value).
func custom(t reflect.Type) bool {
	if t.Kind() == reflect.Interface {
		return true
	}
	pt := reflect.PointerTo(t)
	return t.Implements(unmarshalerType) || pt.Implements(unmarshalerType) || pt.Implements(textUnmarshalerType)
}

// failingMember returns the first member of the object or list data that
// fails to decode as the type elem gives it (members elem has no type for
// are skipped), with the function that extends a path to it. The error is
// nil when data is not the object or list (as want says) the type wants,
// which is then the value at fault, or when every member decodes.
func failingMember(data []byte, want json.Delim, elem func(key string) (reflect.Type, bool)) (func(string) string, []byte, reflect.Type, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, nil, nil
	}
	if delim, _ := tok.(json.Delim); delim != want {
		return nil, nil, nil, nil
	}
	delim := want
	for i := 0; dec.More(); i++ {
		key := ""
		if delim == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, nil, nil, nil
			}
			key, _ = k.(string)
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return nil, nil, nil, nil
		}
		t, ok := elem(key)
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			if delim == '[' {
				return func(p string) string { return Index(p, i) }, raw, t, err
			}
			return func(p string) string { return Key(p, key) }, raw, t, err
		}
	}
	return nil, nil, nil, nil
}

// fieldList is a struct's fields as encoding/json sees them: by JSON name,
// embedded structs' fields included.
type fieldList []struct {
	name string
	typ  reflect.Type
}

// find returns the type of the field key names: the exact name first, else
// a name equal under case folding, as encoding/json matches.
func (fl fieldList) find(key string) (reflect.Type, bool) {
	for _, f := range fl {
		if f.name == key {
			return f.typ, true
		}
	}
	for _, f := range fl {
		if strings.EqualFold(f.name, key) {
			return f.typ, true
		}
	}
	return nil, false
}

func jsonFields(t reflect.Type) fieldList {
	var fl fieldList
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				fl = append(fl, jsonFields(et)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fl = append(fl, struct {
			name string
			typ  reflect.Type
		}{name, ft})
	}
	return fl
}
