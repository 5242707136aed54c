package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// hairpin is the sample design with a second web server, web-2
// (10.0.1.11, public 203.0.113.11), beside web-1, and a firewall policy
// in strict order made of rules. web-1 calling web-2 at its public
// address crosses the firewall endpoint twice on the request: on the way
// out to the internet gateway (10.0.1.10 -> 203.0.113.11), and, after the
// gateway has translated both addresses, on the way back in through the
// edge route table (203.0.113.10 -> 10.0.1.11).
func hairpin(rules string) *sample.Design {
	d := sample.ThreeTierDesign()
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-web2", Name: "web-2", Instance: "i-web2", Subnet: "subnet-public",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.11")}, PublicIP: netip.MustParseAddr("203.0.113.11"), Groups: []string{"sg-web"}})
	fwd := stateless.DefaultAction{Action: flow.Forward}
	d.Firewalls[0].Policy = firewall.Policy{Name: "hairpin-policy",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
		Stateful: stateful.Config{Order: stateful.StrictOrder, Groups: []stateful.GroupRef{
			{Priority: 10, Group: stateful.RuleGroup{Name: "rules", RulesString: rules, RuleOrder: stateful.StrictOrder}},
		}}}
	return d
}

// firewallHops returns the firewall hops of a leg.
func firewallHops(hops []reach.Hop) []reach.Hop {
	var out []reach.Hop
	for _, h := range hops {
		if h.Kind == reach.KindFirewall {
			out = append(out, h)
		}
	}
	return out
}

func TestEveryFirewallCrossingIsJudged(t *testing.T) {
	const pass = `pass tcp any any -> any 443 (msg:"HTTPS"; sid:2;)`
	// Only the second crossing carries the translated source 203.0.113.10.
	const dropSecond = `drop tcp 203.0.113.10 any -> 10.0.1.11 443 (msg:"no hairpin"; sid:1;)
` + pass
	q := tcp("web-1", "203.0.113.11", 443)
	first := flow.MustParse("tcp 10.0.1.10:50000 -> 203.0.113.11:443")
	second := flow.MustParse("tcp 203.0.113.10:50000 -> 10.0.1.11:443")

	t.Run("both crossings pass", func(t *testing.T) {
		r, err := build(t, hairpin(pass)).Check(q)
		require.NoError(t, err)
		assert.True(t, r.Reachable, r.Text())
		fwd, ret := firewallHops(r.Forward), firewallHops(r.Return)
		require.Len(t, fwd, 2, r.Text())
		require.Len(t, ret, 2, r.Text())
		assert.Equal(t, []flow.Flow{first, second}, []flow.Flow{fwd[0].Packet, fwd[1].Packet}, "each crossing sees the packet as translated so far")
		assert.Equal(t, []flow.Flow{second.Reverse(), first.Reverse()}, []flow.Flow{ret[0].Packet, ret[1].Packet}, "the reply crosses in the opposite order")
		assert.Contains(t, fwd[0].Reason(), "(the request's crossing 1 of 2 of vpce-fw, seen as tcp 10.0.1.10:50000 -> 203.0.113.11:443)")
		assert.Contains(t, fwd[1].Reason(), "(the request's crossing 2 of 2 of vpce-fw, seen as tcp 203.0.113.10:50000 -> 10.0.1.11:443)")
		assert.Contains(t, ret[1].Reason(), "(the reply's crossing 2 of 2 of vpce-fw, seen as tcp 203.0.113.11:443 -> 10.0.1.10:50000)")
		for _, h := range append(fwd, ret...) {
			assert.Equal(t, flow.Allow, h.Verdict, h.Packet.String())
			assert.Contains(t, h.Reason(), "sid 2", "every crossing is judged by the rule that decides its own flow: %s", h.Packet)
			assert.Equal(t, "rules sid 2: pass tcp any any -> any 443 (msg:\"HTTPS\"; sid:2;)", h.Rule, h.Packet.String())
		}
	})

	t.Run("a drop rule that matches the second crossing only", func(t *testing.T) {
		r, err := build(t, hairpin(dropSecond)).Check(q)
		require.NoError(t, err)
		assert.False(t, r.Reachable, r.Text())
		fwd := firewallHops(r.Forward)
		require.Len(t, fwd, 2, r.Text())
		assert.Equal(t, flow.Allow, fwd[0].Verdict, "the first crossing's flow matches no drop rule")
		assert.Contains(t, fwd[0].Reason(), "sid 2")
		assert.Equal(t, flow.Deny, fwd[1].Verdict)
		assert.Equal(t, reach.FirewallDrop, fwd[1].Code)
		assert.Contains(t, fwd[1].Reason(), "sid 1")
		require.Len(t, r.Blocks, 1, r.Text())
		b := r.Blocks[0]
		assert.Equal(t, reach.Forward, b.Leg)
		assert.Equal(t, reach.FirewallDrop, b.Code)
		assert.Equal(t, second, r.Forward[b.Hop-1].Packet, "the block is on the second crossing")
		assert.NotEmpty(t, b.Fix)
		ret := firewallHops(r.Return)
		require.Len(t, ret, 2, r.Text())
		assert.Contains(t, ret[0].Reason(), "stopped the session on the request", "the reply's first crossing belongs to the dropped session")
		assert.Contains(t, ret[1].Reason(), "sid 2", "the reply's second crossing belongs to the first, passed, session")
	})

	t.Run("a drop rule that matches the first crossing only", func(t *testing.T) {
		r, err := build(t, hairpin(`drop tcp 10.0.1.10 any -> 203.0.113.11 443 (sid:1;)
`+pass)).Check(q)
		require.NoError(t, err)
		assert.Equal(t, []reach.Code{reach.FirewallDrop}, r.Codes(), r.Text())
		assert.Equal(t, first, r.Forward[r.Blocks[0].Hop-1].Packet)
	})
}
