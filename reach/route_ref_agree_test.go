// The tests of the slow routing reference (route_ref_test.go): the
// randomized test that demands the engine agree with it, and the
// single-VPC design whose answers are worked out by hand.

package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func TestRoutingWalkAgreesWithSlowReference(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs, flows := 400, 60
	if testing.Short() || raceOn {
		designs = 200
	}
	start := time.Now()
	stats := map[string]int{}
	for seed := range uint64(designs) {
		n, srcs, dsts := openDesign(seed)
		n.stats = stats
		m, err := n.build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
		rng := rand.New(rand.NewPCG(seed, 12))
		for range flows {
			f := randomFlow(rng, srcs, dsts)
			r, err := m.CheckFlow(f)
			if errors.Is(err, reach.ErrQuery) {
				stats["not a question (skipped)"]++
				continue
			}
			require.NoError(t, err, "seed %d: %s", seed, f)
			stats["checked"]++
			want := n.refCheck(f, n.sourceIface(f.Src.Addr()))
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err, "seed %d: %s\n%s", seed, f, r.Text())
			ret, err := routingHops(r.Return)
			require.NoError(t, err, "seed %d: %s\n%s", seed, f, r.Text())
			explain := func(leg string) string {
				return fmt.Sprintf("seed %d, %s: the %s legs differ\nreference forward:\n  %s\nreference return:\n  %s\nengine:\n%s",
					seed, f, leg, hopLines(want.fwd), hopLines(want.ret), r.Text())
			}
			// Compared cheaply first: the messages cost more than the check.
			if !slices.Equal(want.fwd, fwd) {
				require.Equal(t, hopLines(want.fwd), hopLines(fwd), explain("forward"))
			}
			if !slices.Equal(want.ret, ret) {
				require.Equal(t, hopLines(want.ret), hopLines(ret), explain("return"))
			}
			if want.reachable != r.Reachable || want.outcome != r.Outcome {
				require.Equal(t, want.reachable, r.Reachable, explain("verdicts of the"))
				require.Equal(t, want.outcome, r.Outcome, explain("outcomes of the"))
			}
			elsewhere := slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, "the reply arrives at") })
			if want.elsewhere != elsewhere {
				require.Equal(t, want.elsewhere, elsewhere, explain("reply ends of the"))
			}
			if elsewhere {
				stats["the reply arrives elsewhere"]++
			}
			if r.Reachable {
				stats["reachable"]++
				for _, k := range []reach.Kind{reach.KindPeering, reach.KindTransitGateway, reach.KindGatewayEndpoint, reach.KindInterface} {
					if slices.ContainsFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == k }) {
						stats["reachable across a "+string(k)]++
						if f.Dst.Addr().Is6() {
							stats["reachable over IPv6 across a "+string(k)]++
						}
					}
				}
			}
			stats["outcome "+r.Outcome.String()]++
			if slices.ContainsFunc(r.Forward, func(h reach.Hop) bool { return h.Code == reach.ApplianceTranslationUnknown }) && r.Return != nil &&
				slices.ContainsFunc(r.Return, func(h reach.Hop) bool { return h.Kind == reach.KindInterface }) {
				stats["a reply through a NAT instance"]++
			}
			if i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Code == reach.SourceDestCheckUnknown }); i >= 0 &&
				slices.ContainsFunc(r.Forward[i+1:], func(h reach.Hop) bool { return h.Code != "" && !h.Undecided() }) {
				stats["a certain block past an appliance whose check is unknown"]++
			}
			for _, h := range slices.Concat(want.fwd, want.ret) {
				if h.code != "" {
					stats[string(h.code)]++
				}
				if h.kind != reach.KindRouteTable {
					stats[string(h.kind)]++
				}
			}
			for _, h := range slices.Concat(r.Forward, r.Return) {
				if h.Kind == reach.KindRouteTable && strings.Contains(h.Rule, "pl-") {
					stats["prefix-list route"]++
				}
				if h.Kind == reach.KindInternetGateway && h.Code == "" && strings.Contains(h.Reason(), "192.0.2.") {
					stats["an Elastic IP on a secondary private address"]++
				}
			}
		}
	}
	t.Logf("%d designs, %d flows each, in %s: %v", designs, flows, time.Since(start).Round(time.Millisecond), stats)
	for _, want := range []string{"reachable", "prefix-list route", "a CIDR route beats a prefix list of equal length",
		"a prefix-list route beats a propagated one", "a static route beats a propagated one", "a propagated route matches",
		"prefix-list routes tie", "prefix-list routes to one target", string(reach.RouteTie), string(reach.RouteIndeterminate), "a route by an unresolved list of the other family", "a middlebox replaces the local route", string(reach.NoRoute), string(reach.BlackholeRoute), string(reach.RoutingLoop),
		string(reach.UnknownDestination), string(reach.DelegatedPrefixesUnknown), string(reach.NATNoInbound), string(reach.NoPublicIP), string(reach.PrivateAddressOnInternet),
		"a private source that may come in privately", "a public source that may come in privately", string(judgedAt),
		string(reach.ReplyViaNAT), "an Elastic IP on a secondary private address",
		string(reach.AsymmetricRoute), string(reach.KindNATGateway), string(reach.KindFirewall), string(reach.KindInterface),
		string(reach.KindInternetGateway), string(delivered),
		// Multi-VPC designs.
		string(reach.PeeringNotActive), string(reach.PeeringStatusUnknown), string(reach.PeeringAddressOutsideVPC),
		"peering: a source from outside the near VPC", "peering: no transit to a third VPC", "peering: no edge-to-edge",
		string(reach.TGWNoRoute), string(reach.TGWBlackholeRoute), string(reach.TGWNoAssociation), string(reach.TGWNoAttachmentInAZ),
		string(reach.TGWRoutesUnknown), string(reach.UnmodelledTarget), "a transit gateway route to a VPN attachment",
		string(reach.GatewayEndpointSource), string(reach.GatewayEndpointProtocol), string(reach.GatewayEndpointIPTypeUnknown), string(reach.KindService),
		"reachable over IPv6 across a " + string(reach.KindGatewayEndpoint),
		"a static TGW route beats a propagated one", "the zone is unknown: the attachment subnets alike", "perhaps an attachment subnet in the zone",
		"the source's zone unknown: perhaps no attachment subnet there", "a route the input does not hold (a VPN propagates) may decide",
		string(reach.TGWIPv6Unsupported), "an IPv6 block not propagated (no IPv6 support)", "IPv6 through a transit gateway",
		"reachable over IPv6 across a " + string(reach.KindTransitGateway),
		string(reach.SourceDestCheck), string(reach.SourceDestCheckUnknown), "reachable across a " + string(reach.KindInterface),
		"a certain block past an appliance whose check is unknown", string(reach.ApplianceTranslationUnknown), "a reply through a NAT instance",
		"reachable across a " + string(reach.KindPeering), "reachable across a " + string(reach.KindTransitGateway), "reachable across a " + string(reach.KindGatewayEndpoint),
		"outcome " + reach.Indeterminate.String(), "outcome " + reach.Unreachable.String(), "outcome " + reach.Reachable.String()} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
}

func hopLines(hs []refHop) string {
	lines := make([]string, len(hs))
	for i, h := range hs {
		lines[i] = h.String()
	}
	return strings.Join(lines, "\n  ")
}

// TestSlowRoutingReference pins the reference itself on a small design
// whose answers are worked out by hand (and checks that the engine gives
// them too): a more specific route wins (no /32 local route: AWS's local
// routes are the VPC's blocks exactly), a CIDR route beats a prefix list
// of the same length, blackholes and missing routes stop the packet, an
// appliance forwards it, the internet gateway translates the source.
func TestSlowRoutingReference(t *testing.T) {
	pfx := netip.MustParsePrefix
	ip := netip.MustParseAddr
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables: []reach.RouteTable{
			{ID: "rtb-main", VPC: "vpc-1"},
			{ID: "rtb-a", VPC: "vpc-1", Routes: []reach.Route{
				{PrefixList: "pl-x", Target: reach.TargetBlackhole, TargetID: "eni-gone"},
				{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
				{Destination: pfx("10.1.1.0/24"), Target: reach.TargetInterface, TargetID: "eni-fw"},
				{Destination: pfx("198.51.100.0/24"), Target: reach.TargetBlackhole, TargetID: "nat-gone"},
				{Destination: pfx("8.8.8.0/24"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
			}},
		},
		ACLs: []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false)},
		Subnets: []reach.Subnet{
			{ID: "subnet-a", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.0.0/24")}, RouteTable: "rtb-a"},
			{ID: "subnet-b", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.1.0/24")}},
		},
		Groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		}}},
		Interfaces: []reach.Interface{
			{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ip("10.1.0.10")}, PublicIP: ip("203.0.113.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.1.1.10")}, Groups: []string{"sg-open"}},
			{ID: "eni-fw", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.1.1.20")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
		},
	}
	n := &refNet{d: d, lists: []reach.PrefixList{{ID: "pl-x", Entries: []netip.Prefix{pfx("8.8.8.0/24"), pfx("9.9.9.0/24")}}}, stats: map[string]int{}}
	m, err := n.build()
	require.NoError(t, err)
	tcp := func(src, dst string) flow.Flow {
		return flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(ip(src), 50000), Dst: netip.AddrPortFrom(ip(dst), 443)}
	}
	for _, tc := range []struct {
		name string
		f    flow.Flow
		want []string // the request's routing hops
		ok   bool
	}{
		{"the /24 sends the subnet through the appliance, which delivers", tcp("10.1.0.10", "10.1.1.10"),
			[]string{"route-table rtb-a", "network-interface eni-fw", "delivered eni-b"}, true},
		{"the /24 sends the rest of the subnet through the appliance", tcp("10.1.0.10", "10.1.1.11"),
			[]string{"route-table rtb-a", "network-interface eni-fw", "route-table vpc-1 UNKNOWN_DESTINATION"}, false},
		{"a packet to the appliance itself arrives there", tcp("10.1.0.10", "10.1.1.20"),
			[]string{"route-table rtb-a", "delivered eni-fw"}, true},
		{"a blackhole /24 beats the default route", tcp("10.1.0.10", "198.51.100.9"),
			[]string{"route-table rtb-a BLACKHOLE_ROUTE"}, false},
		{"a CIDR route beats a prefix list of the same length", tcp("10.1.0.10", "8.8.8.8"),
			[]string{"route-table rtb-a", "internet-gateway igw-1", "internet internet"}, true},
		{"the prefix list's other entry is a blackhole", tcp("10.1.0.10", "9.9.9.9"),
			[]string{"route-table rtb-a BLACKHOLE_ROUTE"}, false},
		{"the main table routes only the VPC", tcp("10.1.1.10", "8.8.8.8"),
			[]string{"route-table rtb-main NO_ROUTE"}, false},
		{"inside a subnet, no table at all", tcp("10.1.1.10", "10.1.1.20"),
			[]string{"delivered eni-fw"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := n.refCheck(tc.f, n.sourceIface(tc.f.Src.Addr()))
			short := make([]string, len(got.fwd))
			for i, h := range got.fwd {
				short[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s", h.kind, h.id, h.code))
			}
			require.Equal(t, tc.want, short)
			require.Equal(t, tc.ok, got.reachable)
			r, err := m.CheckFlow(tc.f)
			require.NoError(t, err)
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err)
			require.Equal(t, hopLines(got.fwd), hopLines(fwd), r.Text())
			require.Equal(t, tc.ok, r.Reachable, r.Text())
		})
	}
	internet := n.refCheck(tcp("10.1.0.10", "8.8.8.8"), "eni-a")
	require.Equal(t, ip("203.0.113.10"), internet.fwd[2].pkt.Src.Addr(), "the internet gateway translates the source to the public IP")
}
