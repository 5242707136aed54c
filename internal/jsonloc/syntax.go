package jsonloc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/reachsim/reachsim/flow"
)

// syntaxError is the error of a syntax fault encoding/json found in data,
// the value at path (a whole document when path is ""): a
// *flow.InputError whose Path is path joined with the path of the
// innermost value open at the fault (faultPath), whose Text quotes the
// input just before it, and whose message says where it is: the line and
// column (1-based, in bytes) of the offending byte in a whole document, or
// its byte offset within the value at path.
func syntaxError(path string, data []byte, syn *json.SyntaxError) error {
	at := min(max(syn.Offset-1, 0), int64(len(data))) // the offending byte: encoding/json counts it read
	if syn.Error() == "unexpected end of JSON input" {
		at = int64(len(data)) // the fault is the end: just past the last byte
	}
	where := fmt.Sprintf("byte %d of the value", at+1)
	if path == "" {
		line, col := lineColumn(data, at)
		where = fmt.Sprintf("line %d, column %d", line, col)
	}
	return &flow.InputError{Path: joinPath(path, faultPath(data)), Text: near(data, syn.Offset),
		Err: fmt.Errorf("%w: %v (%s)", flow.ErrJSON, syn, where)}
}

// lineColumn returns the line and the column, both from 1, of the byte at
// offset at of data; the column counts bytes.
func lineColumn(data []byte, at int64) (line, col int) {
	before := data[:at]
	return bytes.Count(before, []byte{'\n'}) + 1, len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// faultPath returns the path, within data, of the value where data's
// syntax first fails, as encoding/json/v2's decoder points at it (the
// value being read, or the object or list it is in; "" at the top
// level), in this package's form (Key, Index). Duplicate keys and invalid
// UTF-8, which encoding/json accepts, do not stop it.
func faultPath(data []byte) string {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var err error
	for err == nil {
		_, err = dec.ReadToken()
	}
	var syn *jsontext.SyntacticError
	if !errors.As(err, &syn) {
		return ""
	}
	path, level := "", 0
	for tok := range syn.JSONPointer.Tokens() {
		level++
		if level > dec.StackDepth() {
			break // the pointer names more than the decoder holds open: stop at what is sure
		}
		switch kind, _ := dec.StackIndex(level); kind {
		case '{':
			path = Key(path, tok)
		case '[':
			n, err := strconv.Atoi(tok)
			if err != nil {
				return path
			}
			path = Index(path, n)
		}
	}
	return path
}
