package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestUnmodelledGroupUse: a group something the design does not model
// uses (Builder.AddUnmodelledGroupUse) is never SG_UNUSED, its rules are
// never SG_RULE_IMPLIED, and a reference to it stands for members the
// model does not hold, so a CIDR rule covering its modelled members does
// not make the reference implied. Build refuses a use without an owner or
// with an empty group ID.
func TestUnmodelledGroupUse(t *testing.T) {
	design := func(uses ...reach.UnmodelledGroupUse) (*reach.Model, error) {
		d := sample.ThreeTierDesign()
		for i := range d.Groups {
			switch d.Groups[i].ID {
			case "sg-db": // beside sgr-db-pg (tcp/5432 from sg-app): the app subnet by its block
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-app-ip", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")})
			}
		}
		d.Groups = append(d.Groups, sg.Group{ID: "sg-lb", VPCID: d.Groups[0].VPCID, Name: "lb", Rules: []sg.Rule{
			{ID: "sgr-lb-a", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
			{ID: "sgr-lb-b", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")}}})
		return d.Builder().AddUnmodelledGroupUse(uses...).Build()
	}
	lb := reach.UnmodelledGroupUse{Owner: "eni-alb", What: "network interface of a load balancer", Groups: []string{"sg-lb", "sg-app"}}
	for _, tc := range []struct {
		name    string
		uses    []reach.UnmodelledGroupUse
		flagged map[string]bool // "ID resource rule" of the findings looked for
	}{
		{"no use outside", nil, map[string]bool{"SG_UNUSED sg-lb ": true, "SG_RULE_IMPLIED sg-lb sgr-lb-b": true, "SG_RULE_IMPLIED sg-db sgr-db-pg": true}},
		{"a load balancer uses sg-lb and sg-app", []reach.UnmodelledGroupUse{lb}, map[string]bool{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := design(tc.uses...)
			require.NoError(t, err)
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied, reach.LintSGUnused}})
			require.NoError(t, err)
			got := map[string]bool{}
			for _, f := range res.Findings {
				if k := f.ID + " " + f.Resource + " " + f.Rule; k == "SG_UNUSED sg-lb " || k == "SG_RULE_IMPLIED sg-lb sgr-lb-b" || k == "SG_RULE_IMPLIED sg-db sgr-db-pg" {
					got[k] = true
				}
			}
			assert.Equal(t, tc.flagged, got, "%+v", res.Findings)
			if len(tc.uses) > 0 {
				assert.Equal(t, tc.uses, m.UnmodelledGroupUses())
				assert.Contains(t, res.Skipped, "SG_RULE_IMPLIED: the rules of sg-lb are not weighed: eni-alb (network interface of a load balancer) uses it, which reachsim does not model (its other groups' rules may not cover them)")
			}
		})
	}
	for _, bad := range []reach.UnmodelledGroupUse{{Groups: []string{"sg-lb"}}, {Owner: "eni-alb", Groups: []string{""}}} {
		_, err := design(bad)
		assert.ErrorIs(t, err, reach.ErrTopology, "%+v", bad)
	}
}
