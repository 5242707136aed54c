package stateful

import (
	"fmt"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// Opaque rule groups: a group the policy references whose rules the input
// cannot hold (an AWS managed rule group, whose threat signatures AWS does
// not publish; a customer group outside a Terraform plan). Its rules may
// pass, drop or alert anything, so the group compiles into three rules
// that may match any packet, undecidably (Keyword UnknownOpaqueGroup):
// a pass of the flow, a pass of the packet alone and a drop. The worlds
// (worlds.go) try each matching and not at each stage they are met: a
// session whose answer they could change is Indeterminate, one an earlier
// rule (STRICT_ORDER) decides before them is not.

// UnknownOpaqueGroup is the Keyword of an [Unknown] that names a rule of
// an opaque group ([RuleGroup].Opaque): the group's rules are unknown, so
// it may pass or drop any packet. Its Why is the group's Opaque.
const UnknownOpaqueGroup = "opaque-group"

// opaquePriority is the Suricata priority of an opaque group's rules
// under DEFAULT_ACTION_ORDER: the lowest value, so they rank first in
// their action (a world in which one does not match is the world in which
// it ranks anywhere later).
const opaquePriority = 1

// The rules an opaque group stands for, in order: a pass of the flow, a
// pass of the packet alone (opaquePacketSid) and a drop.
var opaqueTexts = [...]string{
	`pass ip any any <> any any (msg:"a rule of the group, whose rules are unknown, may pass the flow"; sid:1;)`,
	`pass ip any any <> any any (msg:"a rule of the group, whose rules are unknown, may pass the packet alone"; sid:2;)`,
	`drop ip any any <> any any (msg:"a rule of the group, whose rules are unknown, may drop the packet"; sid:3;)`,
}

// opaquePacketSid is the sid of the opaque rule whose pass is of packet
// scope.
const opaquePacketSid = 2

// opaqueRules returns the rules an opaque group stands for, or an
// [ErrInvalidGroup] error when the group also holds rules.
func opaqueRules(g *RuleGroup) ([]suricata.Rule, error) {
	if g.RulesString != "" || len(g.StandardRules) > 0 || g.DomainList != nil {
		return nil, &flow.InputError{Resource: g.resource(), Path: "Opaque",
			Err: fmt.Errorf("%w: an opaque rule group (its rules unknown: %s) holds no rules source", ErrInvalidGroup, g.Opaque)}
	}
	out := make([]suricata.Rule, len(opaqueTexts))
	for i, text := range opaqueTexts {
		r, err := suricata.Parse(text)
		if err != nil {
			panic(err) // constant text
		}
		out[i] = r
	}
	return out, nil
}

// markOpaque makes the compiled rules of opaque group g undecidable
// wherever they are tried: every packet, every stage, whatever the
// addresses, named by g.Opaque.
func markOpaque(rules []rule, g *RuleGroup) {
	for i := range rules {
		r := &rules[i]
		r.opaque = true
		r.ipOnly, r.stream, r.prio = false, false, opaquePriority
		r.unknownKW, r.unknownWhy = UnknownOpaqueGroup, g.Opaque
		r.pktWhy = ""
		if r.sid == opaquePacketSid {
			r.pktWhy = "a rule of a group whose rules are unknown may be a packet rule"
		}
	}
}
