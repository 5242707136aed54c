package aws

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// Unknown keys inside the elements the loader decodes. Each element type
// declares the members of its EC2 API shape that the loader does not read
// as fields of type unread (zero-size: they cost no memory, and their
// values are skipped), so that a key neither read nor declared is one the
// API does not have (a misspelled "Ip_Ranges", an edited dump) and a
// warning names it: file, the object's JSON path and the key. The fast
// path decodes with jsonloc's strict options, which refuse such a key at
// no cost when there is none; an input that has one is decoded again and
// walked for them (jsonloc.UnknownKeys).

// unread is a member of an AWS API shape the loader does not read: a
// field of this type makes the key known, and its value is skipped.
type unread struct{}

// UnmarshalJSON skips the value (encoding/json's path).
func (*unread) UnmarshalJSON([]byte) error { return nil }

// UnmarshalJSONFrom skips the value (the fast path's).
func (*unread) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return dec.SkipValue() }

// unknownSeen aggregates the unknown keys of one file: one warning per key
// and shape (the path with its list indices dropped), at its first place,
// counting the others, so that a key AWS added to every instance of a
// large account gives one line, not thousands.
type unknownSeen struct {
	file  string
	order []string
	first map[string]jsonloc.Loc
	keys  map[string]string
	n     map[string]int
}

var listIndex = regexp.MustCompile(`\[[0-9]+\]`)

// note records the unknown keys found in the file's value.
func (u *unknownSeen) note(unknown []jsonloc.UnknownKey) {
	for _, k := range unknown {
		shape := listIndex.ReplaceAllString(k.Object, "[]") + "\x00" + k.Key
		if u.first == nil {
			u.first, u.keys, u.n = map[string]jsonloc.Loc{}, map[string]string{}, map[string]int{}
		}
		if _, ok := u.first[shape]; !ok {
			u.order = append(u.order, shape)
			u.first[shape] = jsonloc.Loc{File: u.file, Path: k.Object}
			u.keys[shape] = k.Key
		}
		u.n[shape]++
	}
}

// flush warns of the keys noted, and forgets them.
func (u *unknownSeen) flush(l *loader) {
	for _, shape := range u.order {
		more := ""
		if n := u.n[shape] - 1; n > 0 {
			more = fmt.Sprintf(" (and in %d more element(s) of this kind)", n)
		}
		l.warn(u.first[shape], "unknown key %s ignored: the AWS API has no such member here%s", strconv.Quote(u.keys[shape]), more)
	}
	*u = unknownSeen{file: u.file}
}

// decodeKnown decodes raw, found at o, into v, noting the keys no field
// of v reads or declares.
func (l *loader) decodeKnown(o jsonloc.Loc, raw json.RawMessage, v any) bool {
	unknown, err := o.DecodeKnown(raw, v)
	if err != nil {
		l.errs = append(l.errs, err)
		return false
	}
	l.unknown.note(unknown)
	return true
}
