package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// blackholeDesign: one VPC (10.2.0.0/16) with an internet gateway and the
// main table rtb-pub (0.0.0.0/0 to it); vsw-pub uses the main table;
// ecs-p in it, ecs-h in vsw-hole, in an Alibaba Cloud basic group that
// lets everything out. more adds to the design (the tables under test).
func blackholeDesign(t *testing.T, main []reach.Route, more func(b *reach.Builder)) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	if main == nil {
		main = []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: main}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}}).
		AddSecurityGroup(sg.Group{ID: "sg-e", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			{ID: "e-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1}}}).
		AddInterface(reach.Interface{ID: "eni-ecs-p", Name: "ecs-p", Subnet: "vsw-pub", PrivateIPs: []netip.Addr{a("10.2.1.10")}, PublicIP: a("198.51.100.10"), Groups: []string{"sg-e"}})
	more(b)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// holeSubnet adds vsw-hole (10.2.3.0/24) using table rt, and ecs-h in it.
func holeSubnet(b *reach.Builder, rt string) {
	b.AddSubnet(reach.Subnet{ID: "vsw-hole", VPC: "vpc-a", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.2.3.0/24")}, RouteTable: rt})
	b.AddInterface(reach.Interface{ID: "eni-ecs-h", Name: "ecs-h", Subnet: "vsw-hole", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.3.10")},
		PublicIP: netip.MustParseAddr("198.51.100.13"), Groups: []string{"sg-e"}})
}

// TestLintRouteBlackhole: a route to a deleted target (AWS's State
// "blackhole") is ROUTE_BLACKHOLE, medium where a subnet uses its table
// and it swallows destinations, low where nothing uses the table or other
// routes take all of it; the finding names the users and what it swallows,
// and Check agrees (BLACKHOLE_ROUTE where it swallows, not where a more
// specific route takes the destination). Audit alilint25, finding 3
// (TestAuditAlilint25BlackholeRouteLinted).
func TestLintRouteBlackhole(t *testing.T) {
	p := netip.MustParsePrefix
	hole := func(dst, target string) reach.Route {
		return reach.Route{Destination: p(dst), Target: reach.TargetBlackhole, TargetID: target}
	}
	igw := reach.Route{Destination: p("192.0.2.0/24"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}
	type probe struct {
		to   string
		want reach.Outcome
		code reach.Code
	}
	tests := []struct {
		name     string
		main     []reach.Route // the main table's routes; nil: 0.0.0.0/0 to igw-a
		more     func(b *reach.Builder)
		severity reach.Severity
		rule     string
		contains []string
		absent   []string
		probes   []probe // from ecs-h, tcp/443
	}{
		{name: "default route to a deleted NAT gateway", // the audit's probe
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("0.0.0.0/0", "nat-deleted")}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "0.0.0.0/0",
			contains: []string{"target nat-deleted no longer exists", "Subnet vsw-hole uses rtb-hole", "it swallows 0.0.0.0/0 except what", "10.2.0.0/16 via local"},
			absent:   []string{"may take some of it too"},
			probes:   []probe{{"192.0.2.7", reach.Unreachable, reach.BlackholeRoute}, {"8.8.8.8", reach.Unreachable, reach.BlackholeRoute}}},
		{name: "a more specific route takes part of it",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("0.0.0.0/0", "i-gone"), igw}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "0.0.0.0/0",
			contains: []string{"192.0.2.0/24 via igw-a", "an instance that exists (i-gone is gone)"},
			probes:   []probe{{"192.0.2.7", reach.Reachable, ""}, {"8.8.8.8", reach.Unreachable, reach.BlackholeRoute}}},
		{name: "more specific routes take all of it",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("192.0.2.0/24", "pcx-gone"),
					{Destination: p("192.0.2.0/25"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
					{Destination: p("192.0.2.128/25"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Low, rule: "192.0.2.0/24",
			contains: []string{"other routes take all of 192.0.2.0/24 (192.0.2.0/25 via igw-a, 192.0.2.128/25 via igw-a)", "never decides", "a peering connection that exists"},
			probes:   []probe{{"192.0.2.7", reach.Reachable, ""}, {"192.0.2.200", reach.Reachable, ""}}},
		// A route whose destination the input does not hold may take part
		// of what a blackhole swallows, not of what others take whole.
		{name: "a route of unknown destination beside it",
			more: func(b *reach.Builder) {
				b.AddPrefixList(reach.PrefixList{ID: "pl-x", EntriesUnknown: true})
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("0.0.0.0/0", "nat-gone"), {PrefixList: "pl-x", Target: reach.TargetInternetGateway, TargetID: "igw-a"}}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "0.0.0.0/0",
			contains: []string{"it swallows 0.0.0.0/0 except", "; a route may take some of it too, its destination not known"}},
		{name: "more specific routes take all of it, a route of unknown destination beside them",
			more: func(b *reach.Builder) {
				b.AddPrefixList(reach.PrefixList{ID: "pl-x", EntriesUnknown: true})
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("192.0.2.0/24", "pcx-gone"),
					{Destination: p("192.0.2.0/25"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
					{Destination: p("192.0.2.128/25"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
					{PrefixList: "pl-x", Target: reach.TargetInternetGateway, TargetID: "igw-a"}}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Low, rule: "192.0.2.0/24",
			contains: []string{"other routes take all of 192.0.2.0/24", "never decides"},
			absent:   []string{"may take some of it too"}},
		// A propagated route AWS ranks below the static blackhole of its
		// prefix takes none of it.
		{name: "a propagated route of the same block does not outrank it",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("192.0.2.0/24", "pcx-gone"),
					{Destination: p("192.0.2.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true}}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "192.0.2.0/24",
			contains: []string{"it swallows every destination in 192.0.2.0/24"},
			probes:   []probe{{"192.0.2.7", reach.Unreachable, reach.BlackholeRoute}}},
		// The local route beats a propagated route inside the VPC's
		// blocks, however specific: a propagated blackhole there never
		// decides.
		{name: "a propagated blackhole inside the VPC's block",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{igw,
					{Destination: p("10.2.5.0/24"), Target: reach.TargetBlackhole, TargetID: "vgw-gone", Propagated: true}}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Low, rule: "10.2.5.0/24",
			contains: []string{"other routes take all of 10.2.5.0/24 (the local route, which AWS prefers to a propagated route inside the VPC's blocks)"}},
		{name: "a subnet whose association is in transition",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("0.0.0.0/0", "nat-gone")}})
				b.AddSubnet(reach.Subnet{ID: "vsw-moving", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.4.0/24")}, RouteTablesMaybe: []string{"rtb-hole"}, RouteTablesWhy: "associating"})
			},
			severity: reach.Medium, rule: "0.0.0.0/0",
			contains: []string{"Subnet vsw-moving may use rtb-hole (an association in transition)", "; it swallows 0.0.0.0/0"}},
		{name: "an edge association in transition",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-edge", VPC: "vpc-a", GatewaysMaybe: []string{"igw-a"}, Routes: []reach.Route{hole("10.2.1.0/24", "eni-gone")}})
			},
			severity: reach.Medium, rule: "10.2.1.0/24",
			contains: []string{"Internet gateway igw-a may route the traffic entering the VPC by rtb-edge (an edge association in transition)", "it swallows every destination in 10.2.1.0/24"}},
		{name: "a static route of the same block outranks a prefix-list blackhole",
			more: func(b *reach.Builder) {
				b.AddPrefixList(reach.PrefixList{ID: "pl-doc", Entries: []netip.Prefix{p("192.0.2.0/24"), p("203.0.113.0/24")}, MaxEntries: 5})
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{
					{PrefixList: "pl-doc", Target: reach.TargetBlackhole, TargetID: "nat-gone"}, igw}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "pl-doc",
			contains: []string{"it swallows pl-doc's entries (192.0.2.0/24, 203.0.113.0/24) except what more specific or preferred routes take (192.0.2.0/24 via igw-a)"},
			probes:   []probe{{"192.0.2.7", reach.Reachable, ""}, {"203.0.113.9", reach.Unreachable, reach.BlackholeRoute}}},
		{name: "a blackhole to a prefix list whose entries the input does not hold",
			more: func(b *reach.Builder) {
				b.AddPrefixList(reach.PrefixList{ID: "pl-x", EntriesUnknown: true})
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{{PrefixList: "pl-x", Target: reach.TargetBlackhole, TargetID: "nat-gone"}, igw}})
				holeSubnet(b, "rtb-hole")
			},
			severity: reach.Medium, rule: "pl-x",
			contains: []string{"a route of rtb-hole is a blackhole (its target nat-gone no longer exists)", "Subnet vsw-hole uses rtb-hole",
				"which destinations it swallows is unknown: its destination is prefix list pl-x, whose entries the input does not hold"}},
		{name: "the edge table of the internet gateway",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-edge", VPC: "vpc-a", Gateways: []string{"igw-a"}, Routes: []reach.Route{hole("10.2.1.0/24", "eni-gone")}})
			},
			severity: reach.Medium, rule: "10.2.1.0/24",
			contains: []string{"Internet gateway igw-a routes the traffic entering the VPC by rtb-edge (edge association)", "it swallows every destination in 10.2.1.0/24"}},
		{name: "the table no subnet uses",
			more: func(b *reach.Builder) {
				b.AddRouteTable(reach.RouteTable{ID: "rtb-hole", VPC: "vpc-a", Routes: []reach.Route{hole("0.0.0.0/0", "")}})
			},
			severity: reach.Low, rule: "0.0.0.0/0",
			contains: []string{"its target no longer exists", "No subnet and no internet gateway uses rtb-hole, so it drops nothing today; a subnet that used the table would lose 0.0.0.0/0 except", "a target that exists"}},
		{name: "the main table, used by a subnet without a table of its own",
			main:     []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}, hole("203.0.113.0/24", "nat-old")},
			more:     func(b *reach.Builder) { holeSubnet(b, "") },
			severity: reach.Medium, rule: "203.0.113.0/24",
			contains: []string{"Subnets vsw-hole, vsw-pub use rtb-pub (the main route table of vpc-a)", "swallows every destination in 203.0.113.0/24"},
			probes:   []probe{{"203.0.113.9", reach.Unreachable, reach.BlackholeRoute}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := blackholeDesign(t, tc.main, tc.more)
			for _, pr := range tc.probes {
				r, err := m.Check(reach.Query{From: "ecs-h", To: pr.to, Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				require.Equal(t, pr.want, r.Outcome, "ecs-h to %s: %v", pr.to, r.Blocks)
				if pr.code != "" {
					assert.Equal(t, pr.code, r.Blocks[0].Code)
				}
			}
			res, err := m.Lint(reach.LintOptions{})
			require.NoError(t, err)
			var got []reach.LintFinding
			for _, f := range res.Findings {
				if f.ID == reach.LintRouteBlackhole {
					got = append(got, f)
				}
			}
			require.Len(t, got, 1, "%v", findingKeys(res))
			f := got[0]
			t.Logf("%s %s | %s", f.Severity, f.Message, f.Fix)
			assert.Equal(t, tc.severity, f.Severity)
			assert.Equal(t, reach.ResourceRouteTable, f.Kind)
			assert.Equal(t, tc.rule, f.Rule)
			for _, s := range tc.contains {
				assert.Contains(t, f.Message+" | "+f.Fix, s)
			}
			for _, s := range tc.absent {
				assert.NotContains(t, f.Message, s)
			}
		})
	}
}
