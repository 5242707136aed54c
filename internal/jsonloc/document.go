package jsonloc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/reachsim/reachsim/flow"
)

// Whole documents: a byte order mark, duplicate keys.

// bom is the UTF-8 byte order mark some Windows tools write first.
var bom = []byte{0xEF, 0xBB, 0xBF}

// StripBOM returns data without a leading UTF-8 byte order mark.
func StripBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// Document decodes a whole JSON document into v: a leading UTF-8 byte
// order mark is dropped, errors are those of [Unmarshal], and a key that
// appears twice in one object is an error ([CheckKeys]) rather than the
// last one silently winning; so are two keys that differ only in case
// where they name one struct field of v (a map keeps both apart).
func Document(data []byte, v any) error {
	data = StripBOM(data)
	err := fastDocument(data, v)
	if err == nil {
		return nil // valid, and no key twice
	}
	if dup := foldDuplicate("", data, err); dup != nil {
		return dup
	}
	if err := unmarshalSlow("", data, v); err != nil {
		return err
	}
	return CheckKeys(data)
}

// Key appends an object key to a JSON path: a key that is an identifier
// (letters, digits and _, not starting with a digit) as a field,
// Key("Tags", "Name") is "Tags.Name", any other in brackets, quoted:
// Key("SyncStates", "us-east-1a") is `SyncStates["us-east-1a"]`.
func Key(path, key string) string {
	if identifier(key) {
		return Join(path, key)
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func identifier(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// CheckKeys reports the first key that appears twice in one object of
// data, a JSON document that decodes (CheckKeys does not check the
// syntax: malformed JSON is an error it may report imprecisely). The
// error is a *flow.InputError whose Path is the second occurrence's, whose
// Text is the key, wrapping [flow.ErrJSON]. Keys compare after decoding
// their escapes, exactly (encoding/json matches struct fields ignoring
// case, so "VpcId" and "vpcid" still land in one field). The pass is
// linear in the size of data.
func CheckKeys(data []byte) error {
	s := keyScanner{data: data, foldAt: -1}
	s.value()
	return s.err
}

// keyScanner walks a JSON document keeping the path to the current value
// (as segments, rendered only for an error) and each open object's keys.
type keyScanner struct {
	data []byte
	i    int
	path []segment
	keys [][][]byte // the keys of each open object, reused across objects
	err  error
	// foldAt, when not -1, is the offset of a key that the fast decoder
	// found to name a struct field an earlier key of its object names
	// too, differing only in case: the scan reports that pair
	foldAt int
}

// foldDuplicate returns the error of a decode that the fast path refused
// because two keys of one object differ only in case and name one struct
// field (encoding/json would read both, the last one winning); nil for
// any other refusal. path is data's own path.
func foldDuplicate(path string, data []byte, err error) error {
	at, ok := duplicateAt(err)
	if !ok {
		return nil
	}
	s := keyScanner{data: data, foldAt: at}
	s.value()
	var ie *flow.InputError
	if errors.As(s.err, &ie) && ie.Text != "" {
		ie.Path = joinPath(path, ie.Path)
		return ie
	}
	return nil
}

// joinPath appends rel, a path within a value, to that value's path.
func joinPath(path, rel string) string {
	switch {
	case path == "":
		return rel
	case rel == "" || rel[0] == '[':
		return path + rel
	}
	return path + "." + rel
}

// segment is a step of a path: an object key, or a list index when key is
// not set.
type segment struct {
	key   []byte
	isKey bool
	index int
}

func (s *keyScanner) fail(format string, args ...any) {
	s.failText("", format, args...)
}

// failText is fail with the offending text.
func (s *keyScanner) failText(text, format string, args ...any) {
	if s.err == nil {
		s.err = &flow.InputError{Path: s.render(), Text: text, Err: fmt.Errorf("%w: "+format, append([]any{flow.ErrJSON}, args...)...)}
	}
}

// foldMatch returns the earlier key of an object (in keys, or in set past
// 16 keys) equal to key but for case, nil when there is none.
func foldMatch(keys [][]byte, set map[string]bool, key []byte) []byte {
	if set != nil {
		for k := range set {
			if bytes.EqualFold([]byte(k), key) {
				return []byte(k)
			}
		}
		return nil
	}
	for _, k := range keys {
		if bytes.EqualFold(k, key) {
			return k
		}
	}
	return nil
}

func (s *keyScanner) render() string {
	p := ""
	for _, seg := range s.path {
		if seg.isKey {
			p = Key(p, string(seg.key))
		} else {
			p = Index(p, seg.index)
		}
	}
	return p
}

func (s *keyScanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value scans one value.
func (s *keyScanner) value() {
	s.space()
	if s.err != nil || s.i >= len(s.data) {
		s.fail("unexpected end of input")
		return
	}
	switch s.data[s.i] {
	case '{':
		s.object()
	case '[':
		s.list()
	case '"':
		s.str()
	default:
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', ']', '}', ' ', '\t', '\r', '\n':
				return
			}
			s.i++
		}
	}
}

// str scans a string and returns it with its escapes decoded (a slice of
// the input when it has none).
func (s *keyScanner) str() []byte {
	start := s.i
	s.i++ // the opening quote
	escaped := false
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			raw := s.data[start:s.i]
			if !escaped {
				return raw[1 : len(raw)-1]
			}
			var out string
			if err := json.Unmarshal(raw, &out); err != nil {
				s.fail("bad string %s", raw)
			}
			return []byte(out)
		}
		s.i++
	}
	s.fail("unterminated string")
	return nil
}

// object scans an object, checking that no key appears twice. Up to 16
// keys are compared one by one; past that they go to a map, so that the
// pass stays linear.
func (s *keyScanner) object() {
	s.i++ // {
	depth := len(s.path)
	for len(s.keys) <= depth {
		s.keys = append(s.keys, nil)
	}
	keys := s.keys[depth][:0]
	var set map[string]bool
	for first := true; s.err == nil; first = false {
		s.space()
		if s.i < len(s.data) && s.data[s.i] == '}' && first {
			s.i++
			break
		}
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			s.fail("an object key expected")
			break
		}
		start := s.i
		key := s.str()
		dup := false
		switch {
		case set != nil:
			dup = set[string(key)]
			set[string(key)] = true
		default:
			for _, k := range keys {
				if bytes.Equal(k, key) {
					dup = true
					break
				}
			}
			keys = append(keys, key)
			if len(keys) > 16 {
				set = make(map[string]bool, 2*len(keys))
				for _, k := range keys {
					set[string(k)] = true
				}
			}
		}
		if !dup && start == s.foldAt {
			if other := foldMatch(keys, set, key); other != nil {
				s.path = append(s.path, segment{key: key, isKey: true})
				s.failText(string(key), "the keys %q and %q differ only in case and name one field, and only one of their values would count", other, key)
			}
		}
		s.path = append(s.path, segment{key: key, isKey: true})
		if dup {
			s.fail("the key %q appears twice in one object, and only one of its values would count", key)
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			s.fail("':' expected")
			break
		}
		s.i++
		s.value()
		s.path = s.path[:depth]
		s.space()
		if s.i < len(s.data) && s.data[s.i] == ',' {
			s.i++
			continue
		}
		if s.i < len(s.data) && s.data[s.i] == '}' {
			s.i++
			break
		}
		s.fail("',' or '}' expected")
	}
	s.keys[depth] = keys[:0]
	s.path = s.path[:depth]
}

// list scans a list.
func (s *keyScanner) list() {
	s.i++ // [
	depth := len(s.path)
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return
	}
	for i := 0; s.err == nil; i++ {
		s.path = append(s.path, segment{index: i})
		s.value()
		s.path = s.path[:depth]
		s.space()
		if s.i < len(s.data) && s.data[s.i] == ',' {
			s.i++
			continue
		}
		if s.i < len(s.data) && s.data[s.i] == ']' {
			s.i++
			return
		}
		s.fail("',' or ']' expected")
	}
}
