package flow

import (
	"errors"
	"fmt"
	"strings"
)

// Direction says which way a packet crosses a filter: into the resource the
// filter protects (Inbound, AWS's ingress) or out of it (Outbound, egress).
// The zero value is Inbound.
type Direction uint8

// The two directions.
const (
	Inbound Direction = iota
	Outbound
)

// ErrDirection is wrapped by the errors of [ParseDirection].
var ErrDirection = errors.New("invalid direction")

// String returns "inbound" or "outbound".
func (d Direction) String() string {
	switch d {
	case Inbound:
		return "inbound"
	case Outbound:
		return "outbound"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// Opposite returns the other direction.
func (d Direction) Opposite() Direction { return 1 - d }

// ParseDirection reads "inbound"/"ingress"/"in" or
// "outbound"/"egress"/"out", in any letter case.
func ParseDirection(s string) (Direction, error) {
	switch strings.ToLower(s) {
	case "inbound", "ingress", "in":
		return Inbound, nil
	case "outbound", "egress", "out":
		return Outbound, nil
	}
	return 0, fmt.Errorf("%w %q: want inbound or outbound", ErrDirection, s)
}

// MarshalText implements [encoding.TextMarshaler].
func (d Direction) MarshalText() ([]byte, error) {
	if d > Outbound {
		return nil, fmt.Errorf("%w: %d", ErrDirection, uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseDirection].
func (d *Direction) UnmarshalText(b []byte) error {
	v, err := ParseDirection(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Verdict is what a filter does with a packet. The zero value is Deny, so a
// forgotten assignment fails closed.
type Verdict uint8

// The verdicts.
const (
	// Deny: the packet is dropped (or rejected).
	Deny Verdict = iota
	// Allow: the packet passes this filter.
	Allow
	// Indeterminate: the outcome depends on something a flow does not
	// describe (a payload, say); the decision that carries it names why.
	Indeterminate
)

var verdictNames = [...]string{Deny: "deny", Allow: "allow", Indeterminate: "indeterminate"}

// ErrVerdict is wrapped by the errors of [ParseVerdict].
var ErrVerdict = errors.New("invalid verdict")

// String returns "deny", "allow" or "indeterminate".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// ParseVerdict reads the String form, in any letter case.
func ParseVerdict(s string) (Verdict, error) {
	for v, n := range verdictNames {
		if strings.EqualFold(s, n) {
			return Verdict(v), nil
		}
	}
	return 0, fmt.Errorf("%w %q: want allow, deny or indeterminate", ErrVerdict, s)
}

// MarshalText implements [encoding.TextMarshaler].
func (v Verdict) MarshalText() ([]byte, error) {
	if int(v) >= len(verdictNames) {
		return nil, fmt.Errorf("%w: %d", ErrVerdict, uint8(v))
	}
	return []byte(v.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseVerdict].
func (v *Verdict) UnmarshalText(b []byte) error {
	x, err := ParseVerdict(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}
