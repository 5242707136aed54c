package jsonloc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Keys no struct field reads. The fast path decodes with
// RejectUnknownMembers: when every key of the input names a field (the
// decoder looks each one up anyway), it costs nothing; when one does not,
// the value is decoded again as [Unmarshal] decodes it and [UnknownKeys]
// walks the input for the keys, which is slower but rare. A reader that
// declares the members of a format it does not read as fields of a
// zero-size type that skips its value learns this way of every key
// nothing declares: a misspelled key, or an edited input.

// strictOptions are fastOptions refusing a key no struct field reads.
var strictOptions = jsonv2.JoinOptions(fastOptions, jsonv2.RejectUnknownMembers(true))

// UnknownKey is a key of a JSON object that no field of the struct it is
// decoded into reads: Object is the JSON path of the object, Key the key.
type UnknownKey struct{ Object, Key string }

// UnmarshalKnown is [Unmarshal] that also returns the keys of data no
// struct field of v reads, in the order of the input ([UnknownKeys]).
func UnmarshalKnown(path string, data []byte, v any) ([]UnknownKey, error) {
	if err := jsonv2.Unmarshal(data, v, strictOptions); err == nil {
		return nil, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv.Elem().SetZero()
	}
	if err := Unmarshal(path, data, v); err != nil {
		return nil, err
	}
	return UnknownKeys(path, data, reflect.TypeOf(v)), nil
}

// DecodeKnown is [Loc.Decode] that also returns the keys no struct field
// of v reads ([UnmarshalKnown]).
func (l Loc) DecodeKnown(data []byte, v any) ([]UnknownKey, error) {
	unknown, err := UnmarshalKnown(l.Path, data, v)
	if err != nil {
		return nil, WithFile(WithRule(WithResource(err, l.Resource), l.Rule), l.File)
	}
	return unknown, nil
}

// TopKnown is [Top] whose fast path also refuses a key, in a value into
// hands out, that no struct field reads: the caller's slow path then
// finds it ([UnknownKeys]).
func TopKnown(data []byte, into func(key string) any) (map[string]json.RawMessage, bool) {
	return top(data, into, strictOptions)
}

// UnknownKeys returns the keys of the objects of data, valid JSON
// decoded into a value of type t at path, that no struct field reads:
// matched as encoding/json matches them (the field's name or its json
// tag, exactly or but for case, fields of embedded structs promoted).
// A value of a type that decodes itself (json.Unmarshaler: json.RawMessage,
// and the types that skip or read their own shapes), of an interface type
// or of the wrong JSON kind is not walked; a key no field reads is not
// walked into.
func UnknownKeys(path string, data []byte, t reflect.Type) []UnknownKey {
	dec := jsontext.NewDecoder(bytes.NewReader(StripBOM(data)), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var out []UnknownKey
	walkKnown(dec, t, path, &out)
	return out
}

// walkKnown reads the next value of dec, of type t at path.
func walkKnown(dec *jsontext.Decoder, t reflect.Type, path string, out *[]UnknownKey) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || reflect.PointerTo(t).Implements(unmarshalerType) {
		_ = dec.SkipValue()
		return
	}
	kind := dec.PeekKind()
	switch {
	case t.Kind() == reflect.Struct && kind == '{':
		fields := knownFields(t)
		_, _ = dec.ReadToken()
		for dec.PeekKind() != '}' && dec.PeekKind() != 0 {
			tok, err := dec.ReadToken()
			if err != nil {
				return
			}
			key := tok.String()
			ft, ok := fields.lookup(key)
			if !ok {
				*out = append(*out, UnknownKey{Object: path, Key: key})
				_ = dec.SkipValue()
				continue
			}
			walkKnown(dec, ft, Key(path, key), out)
		}
		_, _ = dec.ReadToken()
	case t.Kind() == reflect.Map && kind == '{':
		_, _ = dec.ReadToken()
		for dec.PeekKind() != '}' && dec.PeekKind() != 0 {
			tok, err := dec.ReadToken()
			if err != nil {
				return
			}
			walkKnown(dec, t.Elem(), Key(path, tok.String()), out)
		}
		_, _ = dec.ReadToken()
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && kind == '[':
		_, _ = dec.ReadToken()
		for i := 0; dec.PeekKind() != ']' && dec.PeekKind() != 0; i++ {
			walkKnown(dec, t.Elem(), Index(path, i), out)
		}
		_, _ = dec.ReadToken()
	default:
		_ = dec.SkipValue()
	}
}

// fieldSet is what knownFields finds of a struct type: its JSON names
// and their types.
type fieldSet map[string]reflect.Type

// lookup finds key's field: by its exact name, else but for case.
func (fs fieldSet) lookup(key string) (reflect.Type, bool) {
	if t, ok := fs[key]; ok {
		return t, true
	}
	for name, t := range fs {
		if strings.EqualFold(name, key) {
			return t, true
		}
	}
	return nil, false
}

var fieldSets sync.Map // reflect.Type -> fieldSet

// knownFields returns the JSON names of struct type t's fields, those of
// embedded structs promoted (a shallower name wins).
func knownFields(t reflect.Type) fieldSet {
	if fs, ok := fieldSets.Load(t); ok {
		return fs.(fieldSet)
	}
	fs := fieldSet{}
	addFields(fs, t, map[reflect.Type]bool{})
	fieldSets.Store(t, fs)
	return fs
}

func addFields(fs fieldSet, t reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs[name] = f.Type
	}
	for _, e := range embedded { // deeper: a name of t wins
		sub := fieldSet{}
		addFields(sub, e, seen)
		for n, ft := range sub {
			if _, ok := fs[n]; !ok {
				fs[n] = ft
			}
		}
	}
}
