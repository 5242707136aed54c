// Package jsonloc holds what the JSON readers of cloud formats share:
// the location of a value (file, JSON path, resource, rule) and the errors that name it,
// decoding with errors that carry the full JSON path of the value that
// failed (list indices and map keys included; for a syntax error, the
// line and column too: [Unmarshal]), whole
// documents (a byte order mark dropped, a key given twice an error:
// [Document], [CheckKeys]; in one streaming pass, typed where the caller
// asks and falling back to [Document] for exact errors: [Top]), and reading the loose shapes AWS and Alibaba
// emit (absent vs null vs empty, numbers as strings). Paths join fields
// with dots, list indices in brackets, and object keys that are no
// identifiers as quoted strings in brackets ([Key]).
package jsonloc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Unmarshal decodes data into v. A syntax error or a value of the wrong type
// becomes a *flow.InputError whose Path is path joined with the full path
// of the value that failed, list indices and map keys included
// ("Subnets[0].Tags[2].Key", `SyncStates["us-east-1a"].Attachment`), and
// whose Text quotes the input near the fault (a syntax error) or the value
// that failed. A syntax error's path is that of the value at fault (the
// value being read, or the object or list it is in), and its message ends
// with where the offending byte is: "(line 107, column 53)" when path is
// "" (data is a whole document), "(byte 10 of the value)" otherwise.
//
// The decode runs first through encoding/json/v2 (see fast.go) with the
// semantics of encoding/json and no duplicate key allowed: a single pass
// that is several times faster. Whatever it does not accept (a syntax
// error, a value of the wrong type, a duplicate key...) is decoded again
// by encoding/json, whose result and error are the ones returned, so that
// both are exactly those of encoding/json; except that two keys of one
// object that differ only in case and name one struct field
// ("CidrIp" and "cidrIp"), which encoding/json would both read into it,
// the last one winning, are an error ([CheckKeys]'s wording).
func Unmarshal(path string, data []byte, v any) error {
	err := fastUnmarshal(data, v)
	if err == nil {
		return nil
	}
	if dup := foldDuplicate(path, data, err); dup != nil {
		return dup
	}
	return unmarshalSlow(path, data, v)
}

// unmarshalSlow is [Unmarshal] through encoding/json alone.
func unmarshalSlow(path string, data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return syntaxError(path, data, syn)
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return &flow.InputError{Path: path, Err: fmt.Errorf("%w: %v", flow.ErrJSON, err)}
	}
	p, leaf, err := locate(data, t.Elem(), path, err)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		text := bytes.TrimSpace(leaf)
		if len(text) > 40 {
			text = []byte(near(leaf, typ.Offset))
		}
		return &flow.InputError{Path: p, Text: string(text), Err: fmt.Errorf("%w: a JSON %s where %s was expected%s", flow.ErrJSON, typ.Value, typeName(typ), notPlain(typ))}
	}
	if errors.Is(err, flow.ErrJSON) {
		return &flow.InputError{Path: p, Err: err}
	}
	return &flow.InputError{Path: p, Text: near(leaf, int64(len(leaf))), Err: fmt.Errorf("%w: %v", flow.ErrJSON, err)}
}

func typeName(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "another type"
	}
	switch k := e.Type.Kind(); k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := e.Type.Bits()
		return fmt.Sprintf("an integer from %d to %d", int64(-1)<<(bits-1), int64(1)<<(bits-1)-1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("an integer from 0 to %d", uint64(1)<<(e.Type.Bits()-1)*2-1)
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return e.Type.String()
}

// notPlain is, for a number in range for the integer field e is about
// but written with an exponent or a fraction part (1e3), the plain digits
// to write instead; "" for any other error.
func notPlain(e *json.UnmarshalTypeError) string {
	num, ok := strings.CutPrefix(e.Value, "number ")
	if !ok || e.Type == nil {
		return ""
	}
	plain, ok := plainInt(num)
	if !ok {
		return ""
	}
	var err error
	switch e.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(plain, 10, e.Type.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err = strconv.ParseUint(plain, 10, e.Type.Bits())
	default:
		return ""
	}
	if err != nil {
		return ""
	}
	return ", in plain digits: write it " + plain
}

// plainInt returns s, a JSON number, in plain decimal digits when it is an
// integer of at most 19 digits (1e3 is 1000).
func plainInt(s string) (string, bool) {
	neg, digits, exp, ok := splitNumber(s)
	if !ok || exp < 0 || len(digits)+exp > 19 {
		return "", false
	}
	plain := digits + strings.Repeat("0", exp)
	switch {
	case plain == "":
		plain = "0"
	case neg:
		plain = "-" + plain
	}
	return plain, true
}

// near returns up to 40 bytes of data ending at offset, trimmed of spaces.
func near(data []byte, offset int64) string {
	end := min(int(offset), len(data))
	start := max(0, end-40)
	return string(bytes.TrimSpace(data[start:end]))
}

// Join appends a field name to a JSON path.
func Join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// Index appends a list index to a JSON path: Index("Groups", 2) is "Groups[2]".
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Int is a JSON number that AWS and Alibaba sometimes write as a string
// ("Priority": "1"). It records whether the key was present and not null.
type Int struct {
	Value int
	Set   bool
}

// UnmarshalJSON accepts a number, a string holding a decimal integer, or null.
func (n *Int) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Int{}
		return nil
	}
	s := string(b)
	if len(b) >= 2 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%w: %s is %s", flow.ErrJSON, b, intWant(b))
	}
	*n = Int{Value: v, Set: true}
	return nil
}

// Loc is where in the input a value sits: the file (when the reader knows
// it), the JSON path, and the resource and rule it belongs to as far as
// they are known. The zero Loc is the top of a document of an unnamed
// file. Every reader of a cloud format names places with a Loc.
type Loc struct {
	File, Path, Resource, Rule string
}

// Field returns l extended by a field name (or dotted names).
func (l Loc) Field(name string) Loc {
	l.Path = Join(l.Path, name)
	return l
}

// Key returns l extended by an object key that is data, not a field name
// (a map key such as an Availability Zone), written as [Key] writes it.
func (l Loc) Key(key string) Loc {
	l.Path = Key(l.Path, key)
	return l
}

// Index returns l extended by a list index.
func (l Loc) Index(i int) Loc {
	l.Path = Index(l.Path, i)
	return l
}

// String returns l as an error names it: "file: path (resource rule id)",
// leaving out what is empty.
func (l Loc) String() string {
	s := (&flow.InputError{File: l.File, Path: l.Path, Resource: l.Resource, Rule: l.Rule}).Error()
	return strings.TrimSuffix(strings.TrimSuffix(s, "invalid input"), ": ")
}

// Fail returns the *flow.InputError for the offending text at l; its Err
// wraps sentinel and reads "sentinel: message".
func (l Loc) Fail(text string, sentinel error, format string, args ...any) error {
	return &flow.InputError{
		File:     l.File,
		Path:     l.Path,
		Resource: l.Resource,
		Rule:     l.Rule,
		Text:     text,
		Err:      fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)),
	}
}

// Decode unmarshals data, found at l, into v. Errors carry l's file, path,
// resource and rule.
func (l Loc) Decode(data []byte, v any) error {
	err := Unmarshal(l.Path, data, v)
	if err != nil {
		err = WithFile(WithRule(WithResource(err, l.Resource), l.Rule), l.File)
	}
	return err
}

// ReadInt reads raw, the JSON value at l, as an [Int]: a number, a string
// holding a decimal integer, null or nothing (a nil raw: the key is absent)
// are fine, the last two unset. Anything else is an error at l that quotes
// raw and wraps [flow.ErrJSON].
func (l Loc) ReadInt(raw json.RawMessage) (Int, error) {
	var n Int
	if raw == nil {
		return n, nil
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return Int{}, l.Fail(string(raw), flow.ErrJSON, "%s", intWant(raw))
	}
	return n, nil
}

// intWant says what an Int wanted instead of raw (a number, or a string
// holding one, that strconv.Atoi refused): "not an integer" for a
// fraction (1.5) or what is no number at all; the range for an integer
// too large for one (1e+20); and, for an integer in range written with an
// exponent or a fraction part (1e3, 1000.0), that it is not in plain
// digits, which AWS CLI output always writes. The number is read from its
// digits, exactly (never through a float64, which would round
// 1.0000000000000000001 to an integer).
func intWant(raw []byte) string {
	s := string(raw)
	if len(raw) >= 2 && raw[0] == '"' {
		_ = json.Unmarshal(raw, &s)
	}
	plain, ok := plainInt(s)
	switch {
	case !ok && numberTooLarge(s):
		return fmt.Sprintf("not an integer from %d to %d", math.MinInt, math.MaxInt)
	case !ok:
		return "not an integer"
	}
	if _, err := strconv.Atoi(plain); err != nil {
		return fmt.Sprintf("not an integer from %d to %d", math.MinInt, math.MaxInt)
	}
	return "an integer not in plain digits: write it " + plain + " (the CLIs write integers without an exponent or a fraction part)"
}

// numberTooLarge reports whether s is a JSON number that is an integer of
// more than 19 digits.
func numberTooLarge(s string) bool {
	_, digits, exp, ok := splitNumber(s)
	return ok && exp >= 0 && len(digits)+exp > 19
}

// splitNumber reads s, a JSON number, as neg, digits and exp: its value
// is (-1 if neg) × digits × 10^exp, digits holding no leading and no
// trailing zero ("" for zero, with exp 0). ok is false when s is no JSON
// number (leading zeros aside: a string may hold "007"). An exponent too large for an int is clamped (its sign kept): the
// value is then out of any int's range, or no integer.
func splitNumber(s string) (neg bool, digits string, exp int, ok bool) {
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[:i]
	if intPart == "" { // leading zeros are let through, as strconv.Atoi does
		return false, "", 0, false
	}
	s = s[i:]
	frac := ""
	if strings.HasPrefix(s, ".") {
		j := 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 1 {
			return false, "", 0, false
		}
		frac, s = s[1:j], s[j:]
	}
	if s != "" {
		if s[0] != 'e' && s[0] != 'E' {
			return false, "", 0, false
		}
		e, sign := s[1:], 1
		if strings.HasPrefix(e, "-") {
			sign = -1
		}
		if strings.HasPrefix(e, "-") || strings.HasPrefix(e, "+") {
			e = e[1:]
		}
		if e == "" || strings.Trim(e, "0123456789") != "" {
			return false, "", 0, false
		}
		n, err := strconv.Atoi(e)
		if err != nil { // too many digits: clamp
			n = math.MaxInt32
		}
		n = min(n, math.MaxInt32) * sign
		exp = n
	}
	digits = strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return neg, "", 0, true
	}
	exp -= len(frac)
	t := strings.TrimRight(digits, "0")
	exp += len(digits) - len(t)
	return neg, t, exp, true
}

// WithFile sets the File of the *flow.InputError values err is made of
// (each error of an errors.Join) that have none, and wraps any other error
// in a *flow.InputError naming file. A nil err stays nil.
func WithFile(err error, file string) error {
	if err == nil || file == "" {
		return err
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = WithFile(e, file)
		}
		return errors.Join(out...)
	}
	if ie, ok := err.(*flow.InputError); ok {
		if ie.File == "" {
			ie.File = file
		}
		return ie
	}
	return &flow.InputError{File: file, Err: err}
}

// WithResource sets the Resource of an *flow.InputError that has none.
func WithResource(err error, id string) error {
	var ie *flow.InputError
	if errors.As(err, &ie) && ie.Resource == "" {
		ie.Resource = id
	}
	return err
}

// WithRule sets the Rule of an *flow.InputError that has none.
func WithRule(err error, id string) error {
	var ie *flow.InputError
	if errors.As(err, &ie) && ie.Rule == "" {
		ie.Rule = id
	}
	return err
}

// PeekString returns the string field name of the JSON object data, or ""
// when data is not an object or the field is not a string. Error messages
// use it to name the resource of an element that failed to decode.
func PeekString(data []byte, name string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	var s string
	if raw, ok := m[name]; !ok || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// ReadCIDR reads the CIDR block s found at l, of the family the field
// promises (IPv6 when want6), through [flow.ParseCIDR], or through
// [flow.ParseAddrOrCIDR] when bareOK (a plain address is a /32 or /128
// block). Errors are at l and wrap sentinel: a missing block, a block that
// does not parse, a block of the other family.
func (l Loc) ReadCIDR(s string, want6, bareOK bool, sentinel error) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, l.Fail("", sentinel, "the CIDR block is missing")
	}
	parse := flow.ParseCIDR
	if bareOK {
		parse = flow.ParseAddrOrCIDR
	}
	p, err := parse(s)
	if err != nil {
		return netip.Prefix{}, l.Fail(s, sentinel, "%v", err)
	}
	if p.Addr().Is6() != want6 {
		want, got := "IPv4", "IPv6"
		if want6 {
			want, got = got, want
		}
		return netip.Prefix{}, l.Fail(s, sentinel, "an %s block where an %s block belongs", got, want)
	}
	return p, nil
}

// ReadAddrOrCIDR reads s, found at l, as a block of either family through
// [flow.ParseAddrOrCIDR]: a CIDR block (host bits masked) or a bare
// address, taken as its /32 or /128 block. A value that does not parse is
// an error at l that quotes s and wraps sentinel.
func (l Loc) ReadAddrOrCIDR(s string, sentinel error) (netip.Prefix, error) {
	p, err := flow.ParseAddrOrCIDR(s)
	if err != nil {
		return netip.Prefix{}, l.Fail(s, sentinel, "%v", err)
	}
	return p, nil
}

// Wrap returns the *flow.InputError for the offending text at l with err,
// an error that already says what is wrong and wraps its sentinel, as its
// Err. A nil err stays nil.
func (l Loc) Wrap(text string, err error) error {
	if err == nil {
		return nil
	}
	return &flow.InputError{File: l.File, Path: l.Path, Resource: l.Resource, Rule: l.Rule, Text: text, Err: err}
}
