package firewall_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestBoundsVaryingAddressesRecordEitherFamily: when the Bounds vary the
// addresses, a rule counts whatever the family of the packet asked
// about: its address sets, IPv4 or IPv6, are recorded for a packet from
// and to 0.0.0.0 and for one from and to ::. The reach package asks each
// firewall once, with IPv4 packets, for the sets that tell apart the
// addresses an interface may get (firewallSets, firewallAddrBounds in
// reach/edges.go), IPv6 ones included.
func TestBoundsVaryingAddressesRecordEitherFamily(t *testing.T) {
	p := netip.MustParsePrefix
	r6 := flow.AddrRange{From: netip.MustParseAddr("2001:db8:1::20"), To: netip.MustParseAddr("2001:db8:1::2f")}
	r4 := flow.AddrRange{From: netip.MustParseAddr("10.0.1.16"), To: netip.MustParseAddr("10.0.1.31")}
	tests := []struct {
		name      string
		stateless []stateless.Rule
		stateful  string
		proto     flow.Protocol
		want      flow.AddrRange
	}{
		{name: "stateless IPv6 destination", proto: flow.TCP, want: r6,
			stateless: []stateless.Rule{{Priority: 1, Action: flow.Drop, Protocols: []flow.Protocol{flow.TCP}, Destinations: []netip.Prefix{p("2001:db8:1::20/124")}}}},
		{name: "stateless IPv6 source, ICMPv6 only", proto: flow.ICMPv6, want: r6,
			stateless: []stateless.Rule{{Priority: 1, Action: flow.Drop, Protocols: []flow.Protocol{flow.ICMPv6}, Sources: []netip.Prefix{p("2001:db8:1::20/124")}}}},
		{name: "stateless IPv4 destination", proto: flow.UDP, want: r4,
			stateless: []stateless.Rule{{Priority: 1, Action: flow.Drop, Destinations: []netip.Prefix{p("10.0.1.16/28")}}}},
		{name: "stateful IPv6 destination", proto: flow.TCP, want: r6,
			stateful: `drop tcp any any -> 2001:db8:1::20/124 443 (sid:1;)`},
		{name: "stateful ipv6 protocol", proto: flow.UDP, want: r6,
			stateful: `drop ipv6 2001:db8:1::20/124 any -> any any (sid:1;)`},
		{name: "stateful icmp, IPv6 source", proto: flow.ICMP, want: r6,
			stateful: `drop icmp 2001:db8:1::20/124 any -> any any (sid:1;)`},
		{name: "stateful IPv4 destination", proto: flow.TCP, want: r4,
			stateful: `drop tcp any any -> 10.0.1.16/28 any (sid:1;)`},
	}
	for _, tt := range tests {
		var sf []string
		if tt.stateful != "" {
			sf = []string{tt.stateful}
		}
		e := compilePolicy(t, newPolicy(flow.Forward, tt.stateless, noDefaults, sf...))
		for _, zero := range []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()} {
			t.Run(tt.name+" asked with "+zero.String(), func(t *testing.T) {
				b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
				b.RecordRanges()
				f := flow.Flow{Protocol: tt.proto, Src: netip.AddrPortFrom(zero, 0), Dst: netip.AddrPortFrom(zero, 0)}
				e.Bounds(firewall.Connection{Flow: f}, b)
				for _, field := range []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr} {
					require.Contains(t, b.AddrSets(field), []flow.AddrRange{tt.want}, "field %v", field)
					atoms := b.AddrAtoms(field, tt.want.From.Prev(), tt.want.To.Next())
					assert.Len(t, atoms, 3, "the rule's block is an atom of field %v: %v", field, atoms)
				}
			})
		}
	}
}
