package flow

import (
	"errors"
	"fmt"
	"strings"
)

// Action is what a rule does with the packets it matches, in every filter:
// a security group rule (AWS rules only pass; Alibaba rules pass or drop),
// a network ACL entry (allow is Pass, deny is Drop), and an AWS Network
// Firewall rule (pass, drop, reject, alert, and the stateless engine's
// forward to the stateful engine).
//
// The zero Action is unset. A filter's Compile rejects a rule, entry or
// default action that can deny and says none, rather than guess: a
// forgotten field must not pass or drop everything. Only an AWS security
// group rule, which can only allow, may leave it unset (it means Pass).
type Action uint8

// The actions.
const (
	_ Action = iota // unset
	// Pass lets the packet through this rule's filter: AWS's "allow",
	// Alibaba's "accept", Network Firewall's "pass".
	Pass
	// Drop discards the packet silently: a network ACL's "deny",
	// Alibaba's "drop", Network Firewall's "drop".
	Drop
	// Reject discards the packet and answers with a TCP reset or an ICMP
	// unreachable (Network Firewall stateful rules).
	Reject
	// Alert logs the packet and decides nothing (Network Firewall stateful
	// rules): evaluation goes on.
	Alert
	// Forward hands the packet to the stateful engine (Network Firewall
	// stateless rules' aws:forward_to_sfe).
	Forward
)

// ErrAction is wrapped by the errors of [ParseAction].
var ErrAction = errors.New("invalid action")

var actionNames = [...]string{0: "unset", Pass: "pass", Drop: "drop", Reject: "reject", Alert: "alert", Forward: "forward"}

// String returns "pass", "drop", "reject", "alert" or "forward", and
// "unset" for the zero Action.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// IsValid reports whether a is one of the actions above (not unset).
func (a Action) IsValid() bool { return a != 0 && int(a) < len(actionNames) }

// Verdict returns the verdict a rule with this action gives: Allow for
// Pass, Deny for Drop and Reject. Alert and Forward decide nothing
// themselves, and an unset Action says nothing: they return Indeterminate.
func (a Action) Verdict() Verdict {
	switch a {
	case Pass:
		return Allow
	case Drop, Reject:
		return Deny
	}
	return Indeterminate
}

// ParseAction reads an action in any letter case, with the clouds' words:
// "pass", "allow" or "accept" (Pass); "drop" or "deny" (Drop); "reject";
// "alert"; "forward" or "forward_to_sfe" (Forward), with or without the
// "aws:" prefix Network Firewall writes.
func ParseAction(s string) (Action, error) {
	switch strings.TrimPrefix(strings.ToLower(s), "aws:") {
	case "pass", "allow", "accept":
		return Pass, nil
	case "drop", "deny":
		return Drop, nil
	case "reject":
		return Reject, nil
	case "alert":
		return Alert, nil
	case "forward", "forward_to_sfe":
		return Forward, nil
	}
	return 0, fmt.Errorf("%w %q: want pass, drop, reject, alert or forward", ErrAction, s)
}

// MarshalText implements [encoding.TextMarshaler].
func (a Action) MarshalText() ([]byte, error) {
	if !a.IsValid() {
		return nil, fmt.Errorf("%w: %d", ErrAction, uint8(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseAction].
func (a *Action) UnmarshalText(b []byte) error {
	v, err := ParseAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
