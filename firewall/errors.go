package firewall

import "errors"

// Sentinel errors of this package. The errors [Compile] returns wrap these
// or the sentinels of package stateless and package stateful; see the
// package doc.
var (
	// ErrInvalidPolicy: a policy or a firewall is inconsistent as a whole
	// (its stream exception policy; for input formats, a firewall that
	// names no policy, VPC or endpoint).
	ErrInvalidPolicy = errors.New("invalid firewall policy")
	// ErrUnresolved: a rule group a policy references (by ARN), or a
	// policy a firewall references, is not known. Input formats that bind
	// policies to their groups wrap it; an unknown variable or IP set
	// inside a stateful group is [stateful.ErrUnresolved].
	ErrUnresolved = errors.New("unresolved reference")
)
