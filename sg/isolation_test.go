package sg_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestIsolationWithdrawsOnlyInboundAuthorisation: a basic group's
// isolation (InnerAccessPolicy Drop) withdraws the implicit inbound
// authorisation of members, and nothing else. Alibaba documents that a
// basic group lets all outbound traffic out by default, that the
// isolation policy has the lowest priority, and that one inbound rule
// (AuthorizeSecurityGroup) is enough to let isolated members talk again
// (ModifySecurityGroupPolicy; semantics.md §E.3). So an outbound packet to
// a member that no outbound rule matches leaves by the basic default;
// an inbound one from a member that no inbound rule matches is denied by
// the isolation. Explain gives the same decision.
func TestIsolationWithdrawsOnlyInboundAuthorisation(t *testing.T) {
	withRule := aliGroup("sg-basic", sg.AlibabaBasic,
		ali(in("tcp 80", sg.GroupRef("sg-basic")), flow.Pass, 1), // the documented remedy: an inbound rule
		ali(out("tcp 22", sg.GroupRef("sg-basic")), flow.Drop, 1))
	withRule.InnerAccessDrop = true
	bare := aliGroup("sg-basic", sg.AlibabaBasic)
	bare.InnerAccessDrop = true

	tests := []struct {
		name    string
		group   sg.Group
		flow    string
		dir     flow.Direction
		allowed bool
		basis   sg.Basis
	}{
		{"outbound to a member, no outbound rule: the basic default lets it out", withRule,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:80", flow.Outbound, true, sg.DefaultAccept},
		{"inbound from a member, the inbound rule admits it", withRule,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:80", flow.Inbound, true, sg.ByRule},
		{"outbound to a member, an outbound drop rule still drops", withRule,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:22", flow.Outbound, false, sg.ByRule},
		{"inbound from a member, no inbound rule: isolated", withRule,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:443", flow.Inbound, false, sg.InnerIsolation},
		{"no rules, outbound to a member: let out", bare,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:80", flow.Outbound, true, sg.DefaultAccept},
		{"no rules, inbound from a member: isolated", bare,
			"tcp 10.0.5.1:40000 -> 10.0.5.2:80", flow.Inbound, false, sg.InnerIsolation},
		{"no rules, inbound from a non-member: the basic default denies", bare,
			"tcp 192.0.2.1:40000 -> 10.0.5.2:80", flow.Inbound, false, sg.DefaultDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := sg.Compile([]sg.Group{tt.group}, testResolver)
			require.NoError(t, err)
			f := flow.MustParse(tt.flow)
			d := e.Evaluate(f, tt.dir)
			assert.Equal(t, tt.allowed, d.Allowed(), "%s", d)
			assert.Equal(t, tt.basis, d.Basis, "%s", d)
			x := e.Explain(f, tt.dir)
			assert.Equal(t, d.Verdict, x.Verdict, "Explain: %s", x)
			assert.Equal(t, d.Basis, x.Basis, "Explain: %s", x)
		})
	}
}
