package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// Keys that differ only in case. encoding/json, which terraform-json
// decodes a plan with, matches an object's keys to a struct's fields
// ignoring case, so an object holding both "type" and "Type" is read with
// the last one winning. terraform show -json never writes such a pair; a
// plan edited by hand, or forged, could, to have reachsim read another
// value than a reader of the file sees. checkFolds finds such a pair in
// every object the decoder reads into a struct, following the plan's
// types; the objects it reads into maps (a resource's values, tags) keep
// every key apart, and are not checked. Exact duplicates are refused
// before (jsonloc.Document).

// checkFolds reports the first object of data, a plan document, in which
// two keys differ only in case and name one field of the struct
// terraform-json reads the object into: an *flow.InputError naming the
// path and both keys, wrapping flow.ErrJSON.
func checkFolds(name string, data []byte) error {
	c := foldChecker{dec: jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))} // duplicates were refused before; bad UTF-8 reads as encoding/json reads it
	if err := c.value(planType); err != nil {
		var ie *flow.InputError
		if errors.As(err, &ie) {
			ie.File = name
			return ie
		}
		return &flow.InputError{File: name, Err: fmt.Errorf("%w: %w", flow.ErrJSON, err)}
	}
	return nil
}

var (
	planType       = reflect.TypeFor[tfjson.Plan]()
	expressionType = reflect.TypeFor[tfjson.Expression]()
	expressionData = reflect.TypeFor[tfjson.ExpressionData]()
)

// foldChecker walks a plan document with the types terraform-json reads
// it into.
type foldChecker struct {
	dec    *jsontext.Decoder
	path   []step // to the current value, rendered only for an error
	blocks int    // nested blocks around the current value, in one expression
}

// MaxBlockDepth is how deep the nested blocks of one expression of a
// plan's configuration may nest (a block inside a block inside …).
// terraform-json decodes each level of nested blocks again, whole, so a
// plan's decoding time grows with the square of that depth: at a few
// thousand levels a 30 KB plan took seconds and 80 KB minutes. The
// deepest blocks of the AWS provider (a WAF rule's statements, a Network
// Firewall rule group's match attributes) nest about a dozen levels.
const MaxBlockDepth = 32

// step is a step of a path: an object's key, or a list's index when key
// is not set.
type step struct {
	key   string
	isKey bool
	index int
}

// render writes the path the way errors name JSON paths.
func (c *foldChecker) render() string {
	path := ""
	for _, s := range c.path {
		if s.isKey {
			path = jsonloc.Key(path, s.key)
		} else {
			path = jsonloc.Index(path, s.index)
		}
	}
	return path
}

// value checks the next value, read as a value of type t.
func (c *foldChecker) value(t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind := c.dec.PeekKind()
	switch {
	case !holdsStruct(t):
		return c.dec.SkipValue() // a resource's values, a list of strings
	case t == expressionType && kind == '[':
		// a list of nested blocks: objects whose values are expressions
		if c.blocks == MaxBlockDepth {
			return &flow.InputError{Path: c.render(), Text: "[",
				Err: fmt.Errorf("%w: nested blocks more than %d deep in one expression; terraform-json would decode each level again, so a plan this deep is refused, not read for minutes", ErrInvalidPlan, MaxBlockDepth)}
		}
		c.blocks++
		err := c.list(reflect.TypeFor[map[string]*tfjson.Expression]())
		c.blocks--
		return err
	case t == expressionType:
		return c.value(expressionData)
	case kind == '{' && t.Kind() == reflect.Struct:
		return c.object(t)
	case kind == '{' && t.Kind() == reflect.Map:
		if _, err := c.dec.ReadToken(); err != nil {
			return err
		}
		for c.dec.PeekKind() != '}' {
			tok, err := c.dec.ReadToken()
			if err != nil {
				return err
			}
			c.path = append(c.path, step{key: tok.String(), isKey: true})
			if err := c.value(t.Elem()); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
		_, err := c.dec.ReadToken()
		return err
	case kind == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		return c.list(t.Elem())
	}
	return c.dec.SkipValue()
}

// list checks the elements of the next value, a list, as values of type
// elem.
func (c *foldChecker) list(elem reflect.Type) error {
	if _, err := c.dec.ReadToken(); err != nil {
		return err
	}
	for i := 0; c.dec.PeekKind() != ']'; i++ {
		c.path = append(c.path, step{index: i})
		if err := c.value(elem); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
	}
	_, err := c.dec.ReadToken()
	return err
}

// object checks the next value, an object read into struct t.
func (c *foldChecker) object(t reflect.Type) error {
	fields := fieldsOf(t)
	if _, err := c.dec.ReadToken(); err != nil {
		return err
	}
	var seen []string // the keys that named a field, as written
	for c.dec.PeekKind() != '}' {
		tok, err := c.dec.ReadToken()
		if err != nil {
			return err
		}
		key := tok.String()
		f, ok := fields.lookup(key)
		if !ok {
			if err := c.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		for _, other := range seen {
			if other != key && strings.EqualFold(other, key) {
				c.path = append(c.path, step{key: key, isKey: true})
				return &flow.InputError{Path: c.render(), Text: key,
					Err: fmt.Errorf("%w: the keys %q and %q differ only in case and name one field, and only one of their values would count", flow.ErrJSON, other, key)}
			}
		}
		seen = append(seen, key)
		c.path = append(c.path, step{key: key, isKey: true})
		if err := c.value(f.typ); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
	}
	_, err := c.dec.ReadToken()
	return err
}

// field is a struct field encoding/json decodes: its JSON name and type.
type field struct {
	name string
	typ  reflect.Type
}

// fieldSet is a struct's fields by JSON name.
type fieldSet struct {
	exact map[string]field
	all   []field
}

// lookup returns the field encoding/json reads key into: the one of that
// name, else the first whose name equals it but for case.
func (s fieldSet) lookup(key string) (field, bool) {
	if f, ok := s.exact[key]; ok {
		return f, true
	}
	for _, f := range s.all {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

var fieldSets sync.Map // reflect.Type → fieldSet

var structHolders sync.Map // reflect.Type → bool

// holdsStruct reports whether a value of type t can hold an object that
// encoding/json reads into a struct: t is one, or a pointer, list or map
// of such.
func holdsStruct(t reflect.Type) bool {
	if h, ok := structHolders.Load(t); ok {
		return h.(bool)
	}
	structHolders.Store(t, true) // while deciding: a type that holds itself
	h := false
	switch t.Kind() {
	case reflect.Struct:
		h = true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		h = holdsStruct(t.Elem())
	}
	structHolders.Store(t, h)
	return h
}

// fieldsOf returns the fields encoding/json decodes into struct t: its
// exported fields by their JSON names (a field tagged "-" is left out),
// and those of untagged embedded structs.
func fieldsOf(t reflect.Type) fieldSet {
	if s, ok := fieldSets.Load(t); ok {
		return s.(fieldSet)
	}
	s := fieldSet{exact: map[string]field{}}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for sf := range t.Fields() {
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if _, dup := s.exact[name]; !dup {
				s.exact[name] = field{name, sf.Type}
				s.all = append(s.all, field{name, sf.Type})
			}
		}
	}
	add(t)
	fieldSets.Store(t, s)
	return s
}
