package terraform

import (
	"net/netip"
	"strings"
)

// Typed reads of an instance's planned values. Each records an error
// naming the resource address and the attribute when the value is of the
// wrong form, or when it is known only after apply and required.

// str reads string attribute attr: its value and whether it is set.
func (r *reader) str(in *instance, attr string, required bool) (string, bool) {
	v, ok := in.values[attr]
	s, isStr := v.(string)
	switch {
	case ok && isStr:
		return s, s != ""
	case ok && v != nil:
		r.fail(in, attr, "", ErrInvalidPlan, "not a string")
	case required && isUnknown(in.unknown, attr) && in.deferred:
		r.fail(in, attr, "", ErrUnknownValue, "%s, and the model needs it", deferredRead)
	case required && isUnknown(in.unknown, attr):
		r.fail(in, attr, "", ErrUnknownValue, "the model needs it")
	case required:
		r.fail(in, attr, "", ErrInvalidPlan, "missing")
	}
	return "", false
}

// prefixAt parses s, found at attribute path, as a CIDR block of the
// family its form says (an IPv6 block never becomes IPv4); host bits are
// masked as AWS does.
func (r *reader) prefixAt(in *instance, path, s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || p.Addr().Zone() != "" || p.Addr().Is4In6() {
		r.fail(in, path, s, ErrInvalidPlan, "not a CIDR block")
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

// prefix reads CIDR attribute attr; ok is false when it is not set.
func (r *reader) prefix(in *instance, attr string, required bool) (netip.Prefix, bool) {
	s, ok := r.str(in, attr, required)
	if !ok {
		return netip.Prefix{}, false
	}
	return r.prefixAt(in, attr, s)
}

// addr reads address attribute attr; ok is false when it is not set.
func (r *reader) addr(in *instance, attr string, required bool) (netip.Addr, bool) {
	s, ok := r.str(in, attr, required)
	if !ok {
		return netip.Addr{}, false
	}
	return r.parseAddr(in, attr, s)
}

// parseAddr parses s, the value at path of in, as an IP address (no zone,
// no IPv4-mapped IPv6), failing with the path and the text otherwise.
func (r *reader) parseAddr(in *instance, path, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		r.fail(in, path, s, ErrInvalidPlan, "not an IP address")
		return netip.Addr{}, false
	}
	return a, true
}

// boolean reads bool attribute attr (false when unset).
func (r *reader) boolean(in *instance, attr string) bool {
	b, _ := in.values[attr].(bool)
	return b
}

// nameTag returns the Name tag of in, "" when none.
func nameTag(in *instance) string {
	for _, attr := range []string{"tags", "tags_all"} {
		if m, ok := in.values[attr].(map[string]any); ok {
			if s, ok := m["Name"].(string); ok {
				return s
			}
		}
	}
	return ""
}
