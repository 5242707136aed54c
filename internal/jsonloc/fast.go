package jsonloc

import (
	"errors"
	"reflect"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The fast path of decoding. github.com/go-json-experiment/json is the
// mirror of encoding/json/v2, which Go 1.26 ships only under
// GOEXPERIMENT=jsonv2 (it becomes the standard library's in Go 1.27, where
// the module aliases it). It decodes in one pass where encoding/json
// validates the whole input first and then decodes it, and copies less; a
// dump of 20,000 interfaces loads several times faster through it. It runs
// here with the options that give encoding/json's semantics (names
// matched case-insensitively as encoding/json matches them, null leaving
// a value as it is, invalid UTF-8 replaced...), except that a key given
// twice in one object is refused: when the fast path succeeds, the input
// is valid JSON without duplicate keys, decoded as encoding/json decodes
// it. When it fails, for whatever reason, the caller decodes again with
// encoding/json, which gives the result and the error.

// fastOptions are encoding/json's semantics without duplicate keys.
var fastOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.AllowDuplicateNames(false))

// fastUnmarshal decodes data into v, a non-nil pointer, through the fast
// path. On an error it leaves v zero, for the slow path to start afresh.
func fastUnmarshal(data []byte, v any) error {
	err := jsonv2.Unmarshal(data, v, fastOptions)
	if err != nil {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv.Elem().SetZero()
		}
	}
	return err
}

// fastDocument decodes data, a whole document, into v through the fast
// path. Success means what [Document] checks holds: the JSON is valid and
// no object holds a key twice.
func fastDocument(data []byte, v any) error { return fastUnmarshal(data, v) }

// duplicateAt reports whether err is the fast path's refusal of a key
// that repeats one of its object (exactly, or naming one struct field but
// for case), and the offset of that key's opening quote.
func duplicateAt(err error) (int, bool) {
	var se *jsonv1.SyntaxError
	if errors.As(err, &se) && strings.Contains(se.Error(), "duplicate object member name") {
		return int(se.Offset), true
	}
	return 0, false
}
