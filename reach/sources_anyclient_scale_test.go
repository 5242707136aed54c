package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// anyClientFirewall builds the design of the scale27 audit's finding 1,
// trimmed: nIfaces interfaces in 4 subnets behind a Network Firewall
// (strict order, aws:drop_established) whose nRules Suricata rules use
// IP-set and port-set variables, port lists, ranges and negations, with
// nStateless stateless rules of many destination-port ranges ahead.
func anyClientFirewall(nIfaces, nRules, nStateless int, seed uint64) *reach.Builder {
	rng := rand.New(rand.NewPCG(seed, 72))
	pfx := netip.MustParsePrefix
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-f", CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}, MainRouteTable: "rtb-w", DefaultACL: "acl-f"})
	b.AddNetworkACL(nacl.NewDefault("acl-f", "vpc-f", false))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-f", VPC: "vpc-f"})
	fw := func(dst string) reach.Route {
		return reach.Route{Destination: pfx(dst), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-f"}
	}
	const subnets = 4
	var edge []reach.Route
	for s := range subnets {
		edge = append(edge, fw(fmt.Sprintf("10.2.%d.0/22", 4*s)))
	}
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-w", VPC: "vpc-f", Routes: []reach.Route{fw("0.0.0.0/0")}},
		reach.RouteTable{ID: "rtb-fwsub", VPC: "vpc-f", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-f"}}},
		reach.RouteTable{ID: "rtb-edge", VPC: "vpc-f", Gateways: []string{"igw-f"}, Routes: edge},
	)
	b.AddSubnet(reach.Subnet{ID: "subnet-fw", VPC: "vpc-f", CIDRs: []netip.Prefix{pfx("10.2.250.0/24")}, RouteTable: "rtb-fwsub"})
	b.AddSecurityGroup(sg.Group{ID: "sg-f", VPCID: "vpc-f", Rules: []sg.Rule{
		{ID: "in-all", Direction: flow.Inbound, Protocol: flow.AllProtocols, Peer: sg.AnyIPv4, ICMPType: -1, ICMPCode: -1},
		{ID: "out-all", Direction: flow.Outbound, Protocol: flow.AllProtocols, Peer: sg.AnyIPv4, ICMPType: -1, ICMPCode: -1},
	}})
	for s := range subnets {
		sub := fmt.Sprintf("subnet-f%d", s)
		b.AddSubnet(reach.Subnet{ID: sub, VPC: "vpc-f", CIDRs: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 2, byte(4 * s), 0}), 22)}})
		for k := range nIfaces / subnets {
			off := 10 + k
			b.AddInterface(reach.Interface{ID: fmt.Sprintf("eni-f%d%04d", s, k), Name: fmt.Sprintf("f-%d-%04d", s, k), Subnet: sub,
				PrivateIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, 2, byte(4 * s), byte(off)})},
				PublicIP:   netip.AddrFrom4([4]byte{52, 96, byte(4 * s), byte(off)}),
				Groups:     []string{"sg-f"}})
		}
	}
	var sl []stateless.Rule
	for i := range nStateless {
		r := stateless.Rule{Priority: 10 + i, Action: flow.Forward}
		for range 1 + rng.IntN(20) {
			lo := uint16(1 + rng.IntN(65000))
			r.DestinationPorts = append(r.DestinationPorts, flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(300))})
		}
		for range rng.IntN(5) {
			r.Sources = append(r.Sources, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(20 + rng.IntN(200)), byte(rng.IntN(256)), 0, 0}), 16))
		}
		switch {
		case i%7 == 3:
			r.Action = flow.Pass
		case i%11 == 5:
			r.Action = flow.Drop
		}
		sl = append(sl, r)
	}
	sl = append(sl, stateless.Rule{Priority: 60000, Action: flow.Forward})
	ipsets := map[string][]netip.Prefix{}
	for v := range 10 {
		var ps []netip.Prefix
		for range 3 + rng.IntN(10) {
			ps = append(ps, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(20 + rng.IntN(200)), byte(rng.IntN(256)), byte(rng.IntN(256)), 0}), 24))
		}
		ipsets[fmt.Sprintf("NET%d", v)] = ps
	}
	portsets := map[string][]flow.PortRange{}
	for v := range 5 {
		var ps []flow.PortRange
		for range 3 + rng.IntN(10) {
			lo := uint16(1 + rng.IntN(65000))
			ps = append(ps, flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(100))})
		}
		portsets[fmt.Sprintf("PORTS%d", v)] = ps
	}
	addr := func() string {
		switch rng.IntN(7) {
		case 0:
			return "any"
		case 1:
			return "$HOME_NET"
		case 2:
			return "$EXTERNAL_NET"
		case 3:
			return fmt.Sprintf("$NET%d", rng.IntN(10))
		case 4:
			return fmt.Sprintf("[10.2.%d.0/22,!10.2.%d.%d/32]", 4*rng.IntN(subnets), 4*rng.IntN(subnets), 10+rng.IntN(200))
		case 5:
			return fmt.Sprintf("!$NET%d", rng.IntN(10))
		}
		return fmt.Sprintf("%d.%d.0.0/16", 20+rng.IntN(200), rng.IntN(256))
	}
	port := func() string {
		switch rng.IntN(6) {
		case 0:
			return "any"
		case 1:
			return fmt.Sprintf("$PORTS%d", rng.IntN(5))
		case 2:
			lo := 1 + rng.IntN(65000)
			return fmt.Sprintf("[%d:%d,%d]", lo, lo+rng.IntN(300), 1+rng.IntN(65535))
		case 3:
			lo := 1 + rng.IntN(65000)
			return fmt.Sprintf("!%d:%d", lo, lo+rng.IntN(300))
		}
		return fmt.Sprint(1 + rng.IntN(65535))
	}
	var sb strings.Builder
	for i := range nRules {
		act := []string{"pass", "pass", "pass", "drop", "reject", "alert"}[rng.IntN(6)]
		switch rng.IntN(8) {
		case 0:
			fmt.Fprintf(&sb, "%s icmp %s any -> %s any (itype:%d; sid:%d;)\n", act, addr(), addr(), rng.IntN(16), i+1)
		case 1:
			fmt.Fprintf(&sb, "%s udp %s %s -> %s %s (sid:%d;)\n", act, addr(), port(), addr(), port(), i+1)
		case 2:
			fmt.Fprintf(&sb, "%s ip %s any -> %s any (sid:%d;)\n", act, addr(), addr(), i+1)
		case 3:
			fmt.Fprintf(&sb, "%s tcp %s any <> %s %s (flow:established; sid:%d;)\n", act, addr(), addr(), port(), i+1)
		default:
			fmt.Fprintf(&sb, "%s tcp %s %s -> %s %s (flow:to_server; sid:%d;)\n", act, addr(), port(), addr(), port(), i+1)
		}
	}
	fwdAll := stateless.DefaultAction{Action: flow.Forward}
	p := firewall.Policy{
		Name:      "fw-policy",
		Stateless: stateless.Config{Default: fwdAll, FragmentDefault: fwdAll, Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: sl}}}},
		Stateful: stateful.Config{Order: stateful.StrictOrder, Defaults: stateful.Defaults{DropEstablished: true},
			Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{Name: "sf", RuleOrder: stateful.StrictOrder, RulesString: sb.String(), IPSets: ipsets, PortSets: portsets}}}},
	}
	b.AddFirewall(reach.Firewall{ID: "fw-f", Name: "fw-f", VPC: "vpc-f", Policy: p, Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-f", Subnet: "subnet-fw"}}})
	return b
}

// TestSourcesAnyClientWalksBounded holds Sources and Audit from every
// client port, through a firewall whose rules cut the client ports into
// many atoms, to a walk count near that of one client port where most
// address atoms get through from the default client port: such an atom
// is walked once, and its client atoms are not cut (they used to be
// walked one by one until one reached: about address atoms × client
// atoms). The answers are those of the walk of every client atom
// (SetAnyClientFirst(false)).
func TestSourcesAnyClientWalksBounded(t *testing.T) {
	tests := []struct {
		name          string
		ifaces, rules int
		seed          uint64
		audit         bool
	}{
		{"60 rules", 8, 60, 1, false}, // under -race: 4 interfaces, 30 rules
		{"30 rules, audit too", 4, 30, 1, true},
	}
	if raceOn { // the reference (every client atom) is slow under -race
		tests[0].ifaces, tests[0].rules = 4, 30
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			build := func() *reach.Model {
				m, err := anyClientFirewall(tt.ifaces, tt.rules, 0, tt.seed).Build()
				require.NoError(t, err)
				return m
			}
			sq := reach.SourcesQuery{To: "f-1-0000", Protocol: flow.TCP, Port: 443}
			one, err := build().Sources(sq)
			require.NoError(t, err)
			sq.AnyClientPort = true
			m := build()
			got, err := m.Sources(sq)
			require.NoError(t, err)
			restore := reach.SetAnyClientFirst(false)
			ref, err := build().Sources(sq)
			restore()
			require.NoError(t, err)
			assert.Equal(t, ref.Internet, got.Internet)
			assert.Equal(t, ref.InternetIndeterminate, got.InternetIndeterminate)
			assert.Equal(t, ref.Interfaces, got.Interfaces)
			require.NotEmpty(t, got.Internet)
			// one walk per address atom from the default client port; an
			// atom it does not reach adds a cut, a check and its client atoms
			bound := 5 * one.Atoms
			t.Logf("address atoms %d, walks any-client %d (with cuts %d), every client atom %d", one.Atoms, got.Atoms, reach.SourceWalks(m), ref.Atoms)
			assert.LessOrEqual(t, got.Atoms, bound, "walks from every client port")
			assert.LessOrEqual(t, int(reach.SourceWalks(m)), bound+one.Atoms, "walks and client cuts")
			if !tt.audit {
				return
			}
			ma, mr := build(), build()
			a, err := ma.Audit(reach.AuditOptions{Workers: 1})
			require.NoError(t, err)
			restore = reach.SetAnyClientFirst(false)
			r, err := mr.Audit(reach.AuditOptions{Workers: 1})
			restore()
			require.NoError(t, err)
			assert.Equal(t, r, a, "Audit's answer")
			t.Logf("audit walks %d, every client atom %d", reach.SourceWalks(ma), reach.SourceWalks(mr))
			assert.Less(t, reach.SourceWalks(ma), reach.SourceWalks(mr), "Audit's walks")
		})
	}
}

// BenchmarkSourcesAnyClientFirewall is Sources from every client port
// through the trimmed firewall design of the scale27 audit: with 60 rules
// most address atoms get through from the default client port; with 250
// rules and 20 stateless rules naming the reply's destination ports, most
// get through from none, and every client atom of theirs is asked. fast
// answers those hop by hop, walks walks each client atom (the reference
// of TestAnyClientByHopAgreesWithWalks). audit is Audit on the same
// designs, its 35 services on every interface.
func BenchmarkSourcesAnyClientFirewall(b *testing.B) {
	for _, d := range []struct {
		name             string
		rules, stateless int
	}{{"60-rules", 60, 0}, {"250-rules-20-stateless", 250, 20}} {
		for _, hops := range []bool{true, false} {
			name := d.name + "/fast"
			if !hops {
				name = d.name + "/walks"
			}
			b.Run(name, func(b *testing.B) {
				defer reach.SetAnyClientHops(hops)()
				m, err := anyClientFirewall(8, d.rules, d.stateless, 1).Build()
				require.NoError(b, err)
				sq := reach.SourcesQuery{To: "f-1-0001", Protocol: flow.TCP, Port: 443, AnyClientPort: true}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := m.Sources(sq); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"-audit", func(b *testing.B) {
				defer reach.SetAnyClientHops(hops)()
				m, err := anyClientFirewall(8, d.rules, d.stateless, 1).Build()
				require.NoError(b, err)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := m.Audit(reach.AuditOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
