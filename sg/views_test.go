package sg_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestViews: an evaluator made with Either has its own view and the
// other, each deciding as it does alone (over the same source ports for
// a view of OverSourcePorts); any other evaluator is its one view.
func TestViews(t *testing.T) {
	g := aliGroup("sg-b", sg.AlibabaBasic,
		ali(in("tcp 22", sg.GroupRef("sg-a")), flow.Drop, 2),
		ali(in("tcp 22", sg.CIDR("10.2.1.0/24")), flow.Drop, 5))
	kept, err := sg.Compile([]sg.Group{g}, sg.StaticResolver{Members: map[string][]netip.Addr{"sg-a": addrs("10.2.1.10"), "sg-b": addrs("10.2.2.10")}})
	require.NoError(t, err)
	lost, err := kept.WithMembership(sg.StaticResolver{Members: map[string][]netip.Addr{"sg-a": nil, "sg-b": nil}})
	require.NoError(t, err)
	f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(addr("10.2.1.10"), 40000), Dst: netip.AddrPortFrom(addr("10.2.2.10"), 22)}
	either := lost.Either(kept)
	for _, c := range []struct {
		name  string
		ev    *sg.Evaluator
		rules []int // each view's deciding rule
	}{
		{"one view", kept, []int{0}},
		{"either: own, then the other", either, []int{1, 0}},
		{"either over source ports", either.OverSourcePorts(flow.PortRange{Lo: 1024, Hi: 65535}), []int{1, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs := c.ev.Views()
			require.Len(t, vs, len(c.rules))
			for i, v := range vs {
				d := v.Evaluate(f, flow.Inbound)
				assert.Equal(t, flow.Deny, d.Verdict)
				assert.Equal(t, c.rules[i], d.RuleIndex, "view %d", i)
			}
		})
	}
	assert.Nil(t, (*sg.Evaluator)(nil).Views())
}
