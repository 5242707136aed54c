package terraform

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
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
	r.quietly(func() {
		for _, in := range r.goneOf("aws_security_group_rule") {
			g := r.groupOf(in, "security_group_id")
			typ, _ := in.values["type"].(string)
			if g == nil || typ != "ingress" && typ != "egress" {
				continue
			}
			dir := flow.Inbound
			if typ == "egress" {
				dir = flow.Outbound
			}
			for _, rule := range r.blockRules(in, "", dir, g.ID) {
				out[g.ID] = append(out[g.ID], goneRule{in, rule})
			}
		}
		for _, typ := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
			for _, in := range r.goneOf(typ) {
				if g, rule, ok := r.vpcGroupRule(in); ok && g != nil {
					out[g.ID] = append(out[g.ID], goneRule{in, rule})
				}
			}
		}
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
			if gr.in.addr == in.addr || !sameRule(rule, gr.rule) {
				continue
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
