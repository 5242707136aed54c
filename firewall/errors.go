package firewall

import "errors"

// Sentinel errors wrapped by the *flow.InputError values this package
// returns.
var (
	// ErrInvalidRule: a rule's fields are out of range or inconsistent.
	ErrInvalidRule = errors.New("invalid firewall rule")
	// ErrInvalidGroup: a rule group is inconsistent (duplicate sids,
	// unknown variables, ...).
	ErrInvalidGroup = errors.New("invalid firewall rule group")
	// ErrInvalidPolicy: a firewall policy is inconsistent.
	ErrInvalidPolicy = errors.New("invalid firewall policy")
	// ErrUnresolved: a variable, IP set reference or rule group ARN is not
	// known.
	ErrUnresolved = errors.New("unresolved reference")
)
