package jsonloc

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Top decodes data, a whole document that should be a JSON object, in a
// single streaming pass over its bytes (a leading UTF-8 byte order mark
// dropped): for each top-level key, into(key) returns a non-nil pointer
// that the key's value is decoded into, element by element, straight from
// data (with encoding/json's semantics, as [Unmarshal] decodes), or nil to
// keep only the value's text. Top returns every key's text as a slice of
// data, without a copy. The pass validates the whole document and refuses
// a key given twice in any object, as [Document] does.
//
// ok is false when this fast path does not take the document: not an
// object, invalid JSON, a key twice in one object, a key that is not valid
// UTF-8, a value into wants that does not decode (a value of the wrong
// type...), anything after the object. The caller then decodes data with
// [Document] and its own per-value decoding, which give the exact error
// (or, for a document that is no object, whatever the caller says of
// it); the values into handed out may have been written in part and are
// to be thrown away. When ok is true, [Document] would have decoded data
// into a map[string]json.RawMessage equal to the map returned, and
// [Unmarshal] each value into the pointer into gave as Top did.
//
// A value decoded through into is read once, from data, without the
// validation pass and the copies of decoding the document first and each
// value from its text afterwards: for a dump of 20,000 interfaces, this
// is most of the time and memory of its decoding.
func Top(data []byte, into func(key string) any) (map[string]json.RawMessage, bool) {
	return top(data, into, fastOptions)
}

// top is [Top] decoding the values into hands out with opts.
func top(data []byte, into func(key string) any, opts jsonv2.Options) (top map[string]json.RawMessage, ok bool) {
	data = StripBOM(data)
	dec := jsontext.NewDecoder(bytes.NewBuffer(data), opts)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	top = map[string]json.RawMessage{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil || tok.Kind() != '"' {
			return nil, false
		}
		key := tok.String()
		if !utf8.ValidString(key) {
			return nil, false // encoding/json would have replaced the bytes
		}
		start := valueStart(data, dec.InputOffset())
		if v := into(key); v != nil {
			err = jsonv2.UnmarshalDecode(dec, v, opts)
		} else {
			_, err = dec.ReadValue()
		}
		if err != nil {
			return nil, false
		}
		end := dec.InputOffset()
		top[key] = json.RawMessage(data[start:end:end])
	}
	if _, err := dec.ReadToken(); err != nil { // the closing brace
		return nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF { // nothing after it
		return nil, false
	}
	return top, true
}

// valueStart returns the offset of the value that follows the key ending
// at offset off of data: past the spaces and the colon between them.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':':
			off++
		default:
			return off
		}
	}
	return off
}
