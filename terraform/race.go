package terraform

import (
	"fmt"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// Changes whose outcome depends on the order Terraform runs them in.
// Terraform runs the delete of one resource and the create of another in
// parallel when nothing orders them. A standalone security group rule the
// plan creates with the permission (group, direction, protocol, ports,
// peer) of another rule resource the plan deletes, replaces or updates
// in place is such a pair: where the delete goes first the new rule
// holds the permission after apply; where the create goes first AWS
// refuses it (InvalidPermission.Duplicate) and the delete then revokes
// the permission. Whether the group holds it after apply is undecided.
//
// A replacement with create_before_destroy creates the new object while
// the old one stands: where the two hold the same permission, or the same
// ACL entry number and direction, AWS refuses the create
// (InvalidPermission.Duplicate, NetworkAclEntryAlreadyExists), the apply
// fails and the old object stays. Such a plan is refused, as other plans
// whose apply fails are.

// goneRule is a rule a standalone rule resource the plan deletes,
// replaces or updates in place had (its before values), with that
// resource.
type goneRule struct {
	in   *instance
	rule sg.Rule
}

// goneRulesByGroup returns, by the model ID of their group, the rules the
// standalone rule resources the plan deletes, replaces or updates in
// place had, read once.
func (r *reader) goneRulesByGroup() map[string][]goneRule {
	if r.sgs.goneBy != nil {
		return r.sgs.goneBy
	}
	out := map[string][]goneRule{}
	r.eachGoneRule(func(*instance) bool { return true }, func(in *instance, gid string, rule sg.Rule) {
		out[gid] = append(out[gid], goneRule{in, rule})
	})
	r.sgs.goneBy = out
	return out
}

// racingRules returns rules, the rules the standalone rule resource in
// gives group g, with those whose permission another rule resource the
// plan deletes, replaces or updates in place had made undecided
// (maybeRule): in is created, and nothing orders its create after that
// change (a resource the plan deletes is in no configuration to be
// referenced). A replacement of in itself is ordered, and left alone.
func (r *reader) racingRules(in *instance, g *sg.Group, rules []sg.Rule) []sg.Rule {
	if !in.created() || len(r.gone) == 0 {
		return rules
	}
	gone := r.goneRulesByGroup()[g.ID]
	for i, rule := range rules {
		for _, gr := range gone {
			if !sameRule(rule, gr.rule) {
				continue
			}
			if gr.in.addr == in.addr {
				if in.action.CreateBeforeDestroy() {
					r.fail(in, "", "", ErrInvalidPlan, "the plan replaces this rule with create_before_destroy, and the new rule holds a permission of the old one (%s): AWS refuses the create while the old rule stands (InvalidPermission.Duplicate), so the apply fails and the old rule stays; drop create_before_destroy, or change the permission in two applies", gr.rule.Peer)
				}
				continue // delete, then create: ordered
			}
			what := fmt.Sprintf("%s (whether %s holds it after apply: the plan %s %s, of the same permission, in no set order with its create, which fails with InvalidPermission.Duplicate where it goes first, the permission then revoked)",
				in.addr, g.ID, goneVerb(gr.in), gr.in.addr)
			rules[i] = r.maybeRule(in, what, rule)
			break
		}
	}
	return rules
}

// goneVerb says what the plan does to in, a resource of r.gone.
func goneVerb(in *instance) string {
	switch {
	case in.action.Replace():
		return "replaces"
	case in.action.Update():
		return "updates"
	}
	return "deletes"
}

// cbdSameEntry reports, recording an error wrapping [ErrInvalidPlan],
// whether in, an aws_network_acl_rule on ACL a, is replaced with
// create_before_destroy keeping its ACL, rule number and direction: AWS
// refuses the new entry while the old one stands
// (NetworkAclEntryAlreadyExists), so the apply fails.
func (r *reader) cbdSameEntry(in *instance, a *nacl.ACL) bool {
	if a == nil || !in.action.CreateBeforeDestroy() || isUnknown(in.unknown, "egress") {
		return false
	}
	n, ok := number_(in, "rule_number")
	if !ok {
		return false
	}
	egress, _ := in.values["egress"].(bool)
	for _, g := range r.goneOf("aws_network_acl_rule") {
		if g.addr != in.addr {
			continue
		}
		t := r.byID[fmt.Sprint(g.values["network_acl_id"])]
		gn, ok := number_(g, "rule_number")
		gEgress, _ := g.values["egress"].(bool)
		if t != nil && t.id == a.ID && ok && gn == n && gEgress == egress {
			r.fail(in, "rule_number", fmt.Sprint(n), ErrInvalidPlan, "the plan replaces this rule with create_before_destroy, keeping its network ACL, rule number and direction: AWS refuses the new entry while the old one stands (NetworkAclEntryAlreadyExists), so the apply fails and the old entry stays; give the new rule another rule_number, or drop create_before_destroy")
			return true
		}
	}
	return false
}
