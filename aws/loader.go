package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The loader's state and the helpers every reader uses: warnings, errors
// that name the file and JSON path, duplicate checks, decoding.

// origin is where a value sits in the input: a file and a JSON path.
type origin struct{ file, path string }

func (o origin) field(name string) origin { return origin{o.file, jsonloc.Join(o.path, name)} }

func (o origin) index(i int) origin { return origin{o.file, jsonloc.Index(o.path, i)} }

func (o origin) String() string {
	if o.path == "" {
		return o.file
	}
	return o.file + ": " + o.path
}

type loader struct {
	report *Report
	errs   []error

	vpcs       []*vpcRec
	subnets    []*subnetRec
	enisFile   map[string]*eniRec // from describe-network-interfaces
	enisInst   map[string]*eniRec // from describe-instances
	instances  map[string]*instRec
	groups     map[string]*groupRec
	ruleSets   map[string]*ruleSetRec
	ruleIDs    map[string]origin
	acls       []*aclRec
	rts        []*rtRec
	igws       []*igwRec
	nats       []*natRec
	lists      map[string]*listRec
	firewalls  []*fwRec
	policies   []*policyRec
	ruleGroups []*ruleGroupRec
	seen       map[string]origin // kind + " " + ID -> where it was first listed

	// Results of assemble, in builder order.
	out struct {
		vpcs     []*vpcRec
		subnets  []*subnetRec
		ifaces   []*eniRec
		groups   []sg.Group
		groupAt  []placed
		acls     []*aclRec
		rts      []*rtRec
		igws     []*igwRec
		nats     []*natRec
		lists    []*listRec
		fws      []reach.Firewall
		fwAt     []placed
		vpcByID  map[string]*vpcRec
		subnetBy map[string]*subnetRec
	}
}

// countKinds are the keys of Report.Counts.
var countKinds = []string{"vpcs", "subnets", "instances", "network-interfaces", "security-groups", "security-group-rules",
	"network-acls", "route-tables", "routes", "internet-gateways", "nat-gateways", "prefix-lists", "firewalls",
	"firewall-policies", "rule-groups"}

func newLoader() *loader {
	counts := make(map[string]int, len(countKinds))
	for _, k := range countKinds {
		counts[k] = 0
	}
	return &loader{
		report:    &Report{Counts: counts},
		enisFile:  map[string]*eniRec{},
		enisInst:  map[string]*eniRec{},
		instances: map[string]*instRec{},
		groups:    map[string]*groupRec{},
		ruleSets:  map[string]*ruleSetRec{},
		ruleIDs:   map[string]origin{},
		lists:     map[string]*listRec{},
		seen:      map[string]origin{},
	}
}

func (l *loader) warn(o origin, format string, args ...any) {
	l.report.Warnings = append(l.report.Warnings, o.String()+": "+fmt.Sprintf(format, args...))
}

// fail records a fault in the input at o, wrapping sentinel.
func (l *loader) fail(o origin, resource, text string, sentinel error, format string, args ...any) {
	l.errs = append(l.errs, &flow.InputError{File: o.file, Path: o.path, Resource: resource, Text: text,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))})
}

// parserErr records an error of another package's parser for file.
func (l *loader) parserErr(file string, err error) { l.errs = append(l.errs, inFile(err, file)) }

// inFile sets File on the *flow.InputError values err is made of (each
// error of a join), wrapping any other error in one.
func inFile(err error, file string) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = inFile(e, file)
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

// claim records that kind id is listed at o, and reports a second listing.
func (l *loader) claim(kind, id string, o origin) bool {
	key := kind + " " + id
	if first, dup := l.seen[key]; dup {
		l.fail(o, id, id, ErrInvalidDump, "%s %s is listed twice (first at %s)", kind, id, first)
		return false
	}
	l.seen[key] = o
	return true
}

// decode decodes raw, found at o, into v.
func (l *loader) decode(o origin, raw json.RawMessage, v any) bool {
	if err := jsonloc.Unmarshal(o.path, raw, v); err != nil {
		l.parserErr(o.file, err)
		return false
	}
	return true
}

// list decodes raw, found at o, as a JSON list whose elements are decoded
// one at a time (so that errors carry their index).
func (l *loader) list(o origin, raw json.RawMessage) []json.RawMessage {
	var items []json.RawMessage
	if !l.decode(o, raw, &items) {
		return nil
	}
	return items
}

// decodeList decodes raw, the JSON list at o, in one pass. Only when that
// fails does it decode element by element, with slow when given (for
// elements whose own lists need indices in errors), so that the error it
// records names the element.
func decodeList[T any](l *loader, o origin, raw json.RawMessage, slow func(o origin, raw json.RawMessage) bool) ([]T, bool) {
	var items []T
	if json.Unmarshal(raw, &items) == nil {
		return items, true
	}
	elems := l.list(o, raw)
	if elems == nil {
		return nil, false
	}
	for i, e := range elems {
		var ok bool
		if slow != nil {
			ok = slow(o.index(i), e)
		} else {
			var v T
			ok = l.decode(o.index(i), e, &v)
		}
		if !ok {
			return nil, false
		}
	}
	if !l.decode(o, raw, &items) {
		return nil, false
	}
	return items, true
}

// require reports a missing required field.
func (l *loader) require(o origin, resource, field, value string) bool {
	if value == "" {
		l.fail(o.field(field), resource, "", ErrInvalidDump, "%s is missing", field)
		return false
	}
	return true
}

func (l *loader) prefix(o origin, resource, s string) (netip.Prefix, bool) {
	p, err := flow.ParseCIDR(s)
	if err != nil {
		l.fail(o, resource, s, ErrInvalidDump, "not a CIDR block")
		return netip.Prefix{}, false
	}
	return p, true
}

func (l *loader) addr(o origin, resource, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		l.fail(o, resource, s, ErrInvalidDump, "not an IP address")
		return netip.Addr{}, false
	}
	return a, true
}

type tagJSON struct{ Key, Value string }

func nameTag(tags []tagJSON) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}
