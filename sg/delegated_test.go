package sg_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/sg"
)

// prefixResolver is a GroupPrefixResolver: the static members, and the
// prefixes delegated to them.
type prefixResolver struct {
	sg.StaticResolver
	prefixes map[string][]netip.Prefix
}

func (r prefixResolver) GroupPrefixes(group string) []netip.Prefix { return r.prefixes[group] }

// TestGroupReferenceMatchesDelegatedPrefixes: with a GroupPrefixResolver,
// a rule referencing a group matches the addresses of the prefixes
// delegated to its members (Amazon EKS pods share their node's groups),
// as sources of inbound rules and destinations of outbound ones, with
// few prefixes (scanned) and many (searched by halves, or scanned under
// internal/slowpath); Bounds cuts at the prefixes' edges.
func TestGroupReferenceMatchesDelegatedPrefixes(t *testing.T) {
	for _, n := range []int{1, 20} {
		for _, slow := range []bool{false, true} {
			var ps []netip.Prefix
			for i := range n {
				ps = append(ps, netip.MustParsePrefix(fmt.Sprintf("10.0.%d.32/28", i+1)))
			}
			ps = append(ps, netip.MustParsePrefix("2001:db8:1:1:a::/80"))
			res := prefixResolver{StaticResolver: sg.StaticResolver{Members: map[string][]netip.Addr{"sg-node": addrs("10.0.1.10")}},
				prefixes: map[string][]netip.Prefix{"sg-node": ps}}
			g := sg.Group{ID: "sg-db", Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.GroupRef("sg-node")},
				{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8080), Peer: sg.GroupRef("sg-node")}}}
			restore := slowpath.Set(slow)
			ev, err := sg.Compile([]sg.Group{g}, res)
			restore()
			require.NoError(t, err)
			in := func(src string) flow.Verdict {
				f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(netip.MustParseAddr(src), 40000), Dst: netip.AddrPortFrom(netip.MustParseAddr("10.0.9.9"), 5432)}
				if f.Src.Addr().Is6() {
					f.Dst = netip.AddrPortFrom(netip.MustParseAddr("2001:db8:9::9"), 5432)
				}
				return ev.Evaluate(f, flow.Inbound).Verdict
			}
			for src, want := range map[string]flow.Verdict{
				"10.0.1.10": flow.Allow, "10.0.1.37": flow.Allow, "10.0.1.47": flow.Allow, fmt.Sprintf("10.0.%d.40", n): flow.Allow,
				"10.0.1.48": flow.Deny, "10.0.1.31": flow.Deny, "2001:db8:1:1:a::77": flow.Allow, "2001:db8:1:1:b::77": flow.Deny,
			} {
				assert.Equal(t, want, in(src), "n=%d slow=%v: from %s", n, slow, src)
			}
			out := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(netip.MustParseAddr("10.0.9.9"), 40000), Dst: netip.AddrPortFrom(netip.MustParseAddr("10.0.1.33"), 8080)}
			assert.Equal(t, flow.Allow, ev.Evaluate(out, flow.Outbound).Verdict, "an outbound rule matches a delegated destination")
			b := flow.NewBounds(flow.FieldSrcAddr)
			f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(netip.MustParseAddr("10.0.1.37"), 40000), Dst: netip.AddrPortFrom(netip.MustParseAddr("10.0.9.9"), 5432)}
			ev.Bounds(f, flow.Inbound, b)
			atoms := b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("10.0.1.0"), netip.MustParseAddr("10.0.1.255"))
			var edges []string
			for _, a := range atoms {
				edges = append(edges, a.From.String())
			}
			assert.Contains(t, edges, "10.0.1.32", "Bounds cuts at the prefix")
			assert.Contains(t, edges, "10.0.1.48", "Bounds cuts past the prefix")
		}
	}
	// without GroupPrefixes, the prefixes are no members
	ev, err := sg.Compile([]sg.Group{{ID: "sg-db", Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.GroupRef("sg-node")}}}},
		sg.StaticResolver{Members: map[string][]netip.Addr{"sg-node": addrs("10.0.1.10")}})
	require.NoError(t, err)
	f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(netip.MustParseAddr("10.0.1.37"), 40000), Dst: netip.AddrPortFrom(netip.MustParseAddr("10.0.9.9"), 5432)}
	assert.Equal(t, flow.Deny, ev.Evaluate(f, flow.Inbound).Verdict)
}
