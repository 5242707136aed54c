package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The generated estate's sizes.
const (
	estateVPCs            = 20
	estateSubnets         = 4 // workload subnets per VPC, alternating between two zones
	estateIfacesPerSubnet = 5 // 400 interfaces in all
)

// estateTopology generates a 20-VPC, 2-transit-gateway estate. Transit
// gateway peering attachments are not modelled (a route to one is
// undecided), so the two gateways meet in a hub VPC attached to both:
//
//   - vpc-II is 10.I.0.0/16, with four workload subnets 10.I.S.0/24 (S =
//     0–3, zones az-a and az-b in turn) of five interfaces h-II-S-K
//     (10.I.S.10+K), one security group of ten rules (tcp 22, 443, 5432,
//     8080-8090, udp 53, icmp from 10.0.0.0/8, a self-reference...) and the
//     VPC's default network ACL;
//   - vpc-00 is the hub: attached to tgw-a and tgw-b, through an
//     attachment subnet per gateway and zone (10.0.254.0/28 ...); its route
//     table sends each other VPC's block to that VPC's gateway;
//   - every other VPC is attached to one gateway (tgw-a when I is even,
//     tgw-b when odd) through attachment subnets 10.I.254.0/28 (az-a) and
//     10.I.254.16/28 (az-b), and routes 10.0.0.0/8 to it;
//   - each gateway's route table (tgw-rtb-a, tgw-rtb-b) is associated with
//     its attachments, which propagate to it, and holds a static
//     10.0.0.0/8 to the hub's attachment, so traffic for the other
//     gateway's VPCs goes through the hub; tgw-rtb-a blackholes
//     10.4.3.0/24;
//   - VPC peerings join vpc-01–vpc-02, vpc-03–vpc-04, ... vpc-17–vpc-18
//     (nine), each routed on both sides by the peer's /16.
func estateTopology() *reach.Builder {
	p := netip.MustParsePrefix
	gw := func(i int) string { return "tgw-" + string(rune('a'+i%2)) }
	vpcID := func(i int) string { return fmt.Sprintf("vpc-%02d", i) }
	b := reach.NewBuilder()
	b.AddTransitGateway(reach.TransitGateway{ID: "tgw-a"}, reach.TransitGateway{ID: "tgw-b"})
	for _, g := range []string{"tgw-a", "tgw-b"} {
		rt := reach.TGWRouteTable{ID: "tgw-rtb-" + g[4:], TransitGateway: g, Routes: []reach.TGWRoute{
			{Destination: p("10.0.0.0/8"), Attachment: "tgw-attach-00-" + g[4:]},
		}}
		if g == "tgw-a" {
			rt.Routes = append(rt.Routes, reach.TGWRoute{Destination: p("10.4.3.0/24"), Blackhole: true})
		}
		b.AddTGWRouteTable(rt)
	}
	peer := func(i int) int { // the VPC i is peered with, or -1
		switch {
		case i == 0 || i == estateVPCs-1:
			return -1
		case i%2 == 1:
			return i + 1
		}
		return i - 1
	}
	for i := range estateVPCs {
		id := vpcID(i)
		rt := reach.RouteTable{ID: fmt.Sprintf("rtb-%02d", i), VPC: id}
		switch {
		case i == 0:
			for j := 1; j < estateVPCs; j++ {
				rt.Routes = append(rt.Routes, reach.Route{Destination: p(fmt.Sprintf("10.%d.0.0/16", j)), Target: reach.TargetTransitGateway, TargetID: gw(j)})
			}
		default:
			rt.Routes = append(rt.Routes, reach.Route{Destination: p("10.0.0.0/8"), Target: reach.TargetTransitGateway, TargetID: gw(i)})
		}
		if j := peer(i); j >= 0 {
			lo, hi := min(i, j), max(i, j)
			rt.Routes = append(rt.Routes, reach.Route{Destination: p(fmt.Sprintf("10.%d.0.0/16", j)), Target: reach.TargetPeering,
				TargetID: fmt.Sprintf("pcx-%02d-%02d", lo, hi)})
			if i == lo {
				b.AddPeering(reach.Peering{ID: fmt.Sprintf("pcx-%02d-%02d", lo, hi), RequesterVPC: vpcID(lo), AccepterVPC: vpcID(hi), Status: reach.PeeringActive})
			}
		}
		group := fmt.Sprintf("sg-%02d", i)
		b.AddVPC(reach.VPC{ID: id, CIDRs: []netip.Prefix{p(fmt.Sprintf("10.%d.0.0/16", i))}, MainRouteTable: rt.ID, DefaultACL: "acl-" + id}).
			AddRouteTable(rt).
			AddNetworkACL(nacl.NewDefault("acl-"+id, id, false)).
			AddSecurityGroup(estateGroup(group, id))
		zones := []string{"az-a", "az-b"}
		for s := range estateSubnets {
			sub := fmt.Sprintf("subnet-%02d-%d", i, s)
			b.AddSubnet(reach.Subnet{ID: sub, VPC: id, CIDRs: []netip.Prefix{p(fmt.Sprintf("10.%d.%d.0/24", i, s))}, AvailabilityZone: zones[s%2]})
			for k := range estateIfacesPerSubnet {
				b.AddInterface(reach.Interface{ID: fmt.Sprintf("eni-%02d-%d-%d", i, s, k), Name: fmt.Sprintf("h-%02d-%d-%d", i, s, k), Subnet: sub,
					PrivateIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i), byte(s), byte(10 + k)})}, Groups: []string{group}})
			}
		}
		gws := []int{i % 2}
		if i == 0 {
			gws = []int{0, 1}
		}
		for n, g := range gws {
			att := reach.TGWAttachment{ID: fmt.Sprintf("tgw-attach-%02d-%s", i, gw(g)[4:]), TransitGateway: gw(g), Type: "vpc", VPC: id,
				RouteTable: "tgw-rtb-" + gw(g)[4:], Propagations: []string{"tgw-rtb-" + gw(g)[4:]}}
			for z, zone := range zones {
				sub := fmt.Sprintf("subnet-%02d-tgw-%s-%s", i, gw(g)[4:], zone[3:])
				b.AddSubnet(reach.Subnet{ID: sub, VPC: id, CIDRs: []netip.Prefix{p(fmt.Sprintf("10.%d.254.%d/28", i, 32*n+16*z))}, AvailabilityZone: zone})
				att.Subnets = append(att.Subnets, sub)
			}
			b.AddTGWAttachment(att)
		}
	}
	return b
}

// estateGroup is a VPC's security group: ten rules, services from the
// estate's 10.0.0.0/8, a reference to itself, everything out.
func estateGroup(id, vpc string) sg.Group {
	estate := sg.CIDR("10.0.0.0/8")
	in := func(proto flow.Protocol, lo, hi uint16) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: proto, Ports: flow.Range[uint16]{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1, Peer: estate}
	}
	return sg.Group{ID: id, VPCID: vpc, Rules: []sg.Rule{
		in(flow.TCP, 22, 22), in(flow.TCP, 443, 443), in(flow.TCP, 5432, 5432), in(flow.TCP, 8080, 8090), in(flow.TCP, 9100, 9100),
		in(flow.UDP, 53, 53), in(flow.UDP, 123, 123),
		{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: estate},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef(id)},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}}
}

// The estate benchmarks' queries.
var (
	estateCrossTGW = tcp("h-02-0-1", "h-19-0-3", 443) // tgw-a, the hub, tgw-b
	estatePeering  = tcp("h-01-1-0", "h-02-2-4", 5432)
	estateBlocked  = tcp("h-02-0-1", "h-04-3-2", 443) // tgw-rtb-a's blackhole
)

// The estate's queries answer as its description says, by the paths it
// says; the benchmarks time these.
func TestEstateTopology(t *testing.T) {
	m, err := estateTopology().Build()
	require.NoError(t, err)
	gateways := func(hops []reach.Hop) []string {
		var ids []string
		for _, h := range hops {
			if h.Kind == reach.KindTransitGateway || h.Kind == reach.KindPeering {
				ids = append(ids, h.ID)
			}
		}
		return ids
	}
	r := check(t, m, estateCrossTGW)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Equal(t, []string{"tgw-rtb-a", "tgw-rtb-b"}, gateways(r.Forward), r.Text())
	assert.Equal(t, []string{"tgw-rtb-b", "tgw-rtb-a"}, gateways(r.Return), r.Text())

	r = check(t, m, estatePeering)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Equal(t, []string{"pcx-01-02"}, gateways(r.Forward), r.Text())
	assert.Equal(t, []string{"pcx-01-02"}, gateways(r.Return), r.Text())

	r = check(t, m, estateBlocked)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.TGWBlackholeRoute}, r.Codes(), r.Text())
}

func BenchmarkEstateBuild(b *testing.B) {
	builder := estateTopology()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builder.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEstateCheck(b *testing.B) {
	m, err := estateTopology().Build()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cross-tgw", func(b *testing.B) { benchCheck(b, m, estateCrossTGW, true) })
	b.Run("peering", func(b *testing.B) { benchCheck(b, m, estatePeering, true) })
	b.Run("blocked", func(b *testing.B) { benchCheck(b, m, estateBlocked, false) })
}
