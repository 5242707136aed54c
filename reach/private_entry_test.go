package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// privateEntry is a VPC (10.1.0.0/16, 2001:db8:1::/56), with an internet
// gateway when igw: app (10.1.1.10, public IP 198.51.100.10, and
// 2001:db8:1:1::10) in subnet-app, whose table rtb-app sends 0.0.0.0/0
// and ::/0 to the internet gateway (if any) and whatever routes edit adds;
// subnet-other's table rtb-other routes 10.70.0.0/16 to vgw-other, so
// that a route of another subnet's table is at hand. Security groups
// and network ACLs allow everything. tgw-1 has the VPC attachment
// att-app (subnet-tgw, associated with tgw-rtb-1) and a VPN attachment
// att-vpn; tgw-rtb-1 lists its routes whole (10.60.0.0/16 to att-vpn,
// 10.61.0.0/16 a blackhole).
func privateEntry(t *testing.T, igw bool, edit ...func(*reach.RouteTable)) *reach.Model {
	t.Helper()
	rt := reach.RouteTable{ID: "rtb-app", VPC: "vpc-app"}
	if igw {
		rt.Routes = append(rt.Routes, cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-app"), cidrRoute("::/0", reach.TargetInternetGateway, "igw-app"))
	}
	for _, e := range edit {
		e(&rt)
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-app", CIDRs: pfxs("10.1.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-app", DefaultACL: "acl-app"}).
		AddRouteTable(rt, reach.RouteTable{ID: "rtb-other", VPC: "vpc-app", Routes: []reach.Route{
			{Destination: bp("10.70.0.0/16"), Target: reach.TargetUnmodelled, TargetID: "vgw-other", TargetType: "virtual private gateway"}}}).
		AddNetworkACL(nacl.NewDefault("acl-app", "vpc-app", true)).
		AddSecurityGroup(openGroup("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-app", VPC: "vpc-app", CIDRs: pfxs("10.1.1.0/24", "2001:db8:1:1::/64")},
			reach.Subnet{ID: "subnet-other", VPC: "vpc-app", CIDRs: pfxs("10.1.2.0/24"), RouteTable: "rtb-other"},
			reach.Subnet{ID: "subnet-tgw", VPC: "vpc-app", CIDRs: pfxs("10.1.9.0/24")}).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", Groups: []string{"sg-open"},
			PrivateIPs: addrs("10.1.1.10", "2001:db8:1:1::10"), PublicIP: ba("198.51.100.10")}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Listed: true, Routes: []reach.TGWRoute{
			{Destination: bp("10.60.0.0/16"), Attachment: "att-vpn"}, {Destination: bp("10.61.0.0/16"), Blackhole: true}}}).
		AddTGWAttachment(reach.TGWAttachment{ID: "att-app", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-app", Subnets: []string{"subnet-tgw"}, RouteTable: "tgw-rtb-1"},
			reach.TGWAttachment{ID: "att-vpn", TransitGateway: "tgw-1", Type: "vpn", RouteTable: "tgw-rtb-1"})
	if igw {
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-app", VPC: "vpc-app"})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// route adds a route to the table privateEntry edits.
func route(r reach.Route) func(*reach.RouteTable) {
	return func(rt *reach.RouteTable) { rt.Routes = append(rt.Routes, r) }
}

func unmodelledRoute(dst, id, what string) reach.Route {
	return reach.Route{Destination: bp(dst), Target: reach.TargetUnmodelled, TargetID: id, TargetType: what}
}

// A private source outside every VPC of the design (RFC 1918 or
// 100.64.0.0/10, a unique local or other non-global IPv6 address) is no
// internet host: the internet carries neither its packets nor the
// replies to it. But where the route back to it from the destination's subnet
// leads to what the design does not model (a virtual private gateway, a
// peering connection or transit gateway the input does not hold, a
// transit gateway's VPN attachment, a local gateway, a route whose
// destination is known only later), the host may sit there and send
// privately: the answer is indeterminate, naming it, never a certain
// PRIVATE_ADDRESS_ON_INTERNET. Where the way back leads to the internet
// gateway, nowhere or to a blackhole, no session can work: certain.
func TestPrivateSourceOutsideTheDesign(t *testing.T) {
	vgw := route(unmodelledRoute("10.50.0.0/16", "vgw-1", "virtual private gateway"))
	tgw := route(cidrRoute("10.60.0.0/15", reach.TargetTransitGateway, "tgw-1"))
	for _, tc := range []struct {
		name     string
		igw      bool
		edit     []func(*reach.RouteTable)
		from, to string
		want     reach.Outcome
		code     reach.Code
		at       string // the ID of the hop with the code
		leg      reach.Leg
		missing  []string // what Missing names, for an undecided answer
		dst      string   // the packet's destination, when not to
	}{
		{name: "a VPN through a virtual private gateway", igw: true, edit: []func(*reach.RouteTable){vgw}, from: "10.50.0.5", to: "10.1.1.10",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", missing: []string{"vgw-1", "10.50.0.5"}},
		{name: "the destination named by ID is addressed privately", igw: true, edit: []func(*reach.RouteTable){vgw}, from: "10.50.0.5", to: "app",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", missing: []string{"vgw-1"}, dst: "10.1.1.10"},
		{name: "the VPC without an internet gateway", edit: []func(*reach.RouteTable){vgw}, from: "10.50.0.5", to: "10.1.1.10",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", missing: []string{"vgw-1"}},
		{name: "shared address space behind a local gateway", igw: true, edit: []func(*reach.RouteTable){route(unmodelledRoute("100.64.0.0/10", "lgw-1", "local gateway"))},
			from: "100.64.7.7", to: "10.1.1.10", want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "lgw-1", missing: []string{"lgw-1"}},
		{name: "a peering connection to a VPC the input lacks", igw: true, edit: []func(*reach.RouteTable){route(unmodelledRoute("172.16.0.0/12", "pcx-gone", "peering connection"))},
			from: "172.20.0.5", to: "10.1.1.10", want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "pcx-gone", missing: []string{"pcx-gone"}},
		{name: "a transit gateway's VPN attachment", igw: true, edit: []func(*reach.RouteTable){tgw}, from: "10.60.0.5", to: "10.1.1.10",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "att-vpn", missing: []string{"att-vpn"}},
		{name: "routes propagated at run time", igw: true, edit: []func(*reach.RouteTable){route(reach.Route{Unknown: "aws_route_table.app: propagating_vgws[0]", Propagated: true,
			Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"})},
			from: "10.50.0.5", to: "10.1.1.10", want: reach.Indeterminate, code: reach.RouteIndeterminate, at: "rtb-app", missing: []string{"propagating_vgws"}},

		{name: "no such route: the way back is the internet gateway", igw: true, edit: []func(*reach.RouteTable){vgw}, from: "10.40.0.5", to: "10.1.1.10",
			want: reach.Unreachable, code: reach.PrivateAddressOnInternet, at: "igw-app"},
		{name: "only another subnet routes it to a gateway", igw: true, from: "10.70.0.5", to: "10.1.1.10",
			want: reach.Unreachable, code: reach.PrivateAddressOnInternet, at: "igw-app"},
		{name: "the destination's public address", igw: true, edit: []func(*reach.RouteTable){vgw}, from: "10.50.0.5", to: "198.51.100.10",
			want: reach.Unreachable, code: reach.PrivateAddressOnInternet, at: "igw-app"},
		{name: "the transit gateway's blackhole", igw: true, edit: []func(*reach.RouteTable){tgw}, from: "10.61.0.5", to: "10.1.1.10",
			want: reach.Unreachable, code: reach.PrivateAddressOnInternet, at: "igw-app"},
		{name: "a blackhole route", igw: true, edit: []func(*reach.RouteTable){route(reach.Route{Destination: bp("10.50.0.0/16"), Target: reach.TargetBlackhole, TargetID: "vgw-old"})},
			from: "10.50.0.5", to: "10.1.1.10", want: reach.Unreachable, code: reach.PrivateAddressOnInternet, at: "igw-app"},
		{name: "a unique local source through a virtual private gateway, no internet gateway", edit: []func(*reach.RouteTable){route(unmodelledRoute("fd00:50::/32", "vgw-1", "virtual private gateway"))},
			from: "fd00:50::5", to: "2001:db8:1:1::10", want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", missing: []string{"vgw-1", "fd00:50::5"}},
		{name: "a unique local source whose way back is the internet gateway", igw: true, edit: []func(*reach.RouteTable){route(unmodelledRoute("fd00:50::/32", "vgw-1", "virtual private gateway"))},
			from: "fd00:60::5", to: "2001:db8:1:1::10", want: reach.Unreachable, code: reach.PrivateAddressOnInternet.OnLeg(reach.Return), at: "igw-app", leg: reach.Return},
		{name: "no internet gateway and no way back", edit: []func(*reach.RouteTable){vgw}, from: "10.40.0.5", to: "10.1.1.10",
			want: reach.Unreachable, code: reach.NoInternetGateway, at: "vpc-app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := privateEntry(t, tc.igw, tc.edit...)
			q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443}
			r := check(t, m, q)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{tc.code}, r.Codes(), r.Text())
			b, ok := r.First()
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.at, b.ID, r.Text())
			assert.Equal(t, tc.leg, b.Leg)
			if tc.leg == reach.Forward {
				assert.Empty(t, withoutACLs(r.Return), "the request ends there (the subnet's outbound ACL may judge the reply)")
			}
			dst := tc.dst
			if dst == "" {
				dst = tc.to
			}
			assert.Equal(t, ba(dst), r.Flow.Dst.Addr())
			if tc.want == reach.Indeterminate {
				// the undecided way in, then the destination's groups,
				// which let it in (private_entry.go)
				fwd := withoutACLs(r.Forward)
				require.Len(t, fwd, 2, r.Text())
				h, g := fwd[0], fwd[1]
				assert.Equal(t, reach.KindSecurityGroups, g.Kind, r.Text())
				assert.Equal(t, flow.Allow, g.Verdict, r.Text())
				assert.Equal(t, h.Packet, g.Packet, "the groups judge the request as it came in")
				assert.Equal(t, flow.Indeterminate, h.Verdict)
				for _, s := range tc.missing {
					assert.Contains(t, h.Missing, s, r.Text())
				}
				assert.Contains(t, h.Reason(), "not a public address", r.Text())
				assert.NotEmpty(t, h.Fix)
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
		})
	}
}

// A security group that admits no such source decides for certain no
// more than the internet gateway does: the entry is undecided, and the
// set answers agree with Verdict on the private source (Ports) and leave
// private addresses out of the internet (Sources, Matrix, Audit).
func TestPrivateSourceOutsideTheDesignSets(t *testing.T) {
	m := privateEntry(t, true, route(unmodelledRoute("10.50.0.0/16", "vgw-1", "virtual private gateway")))
	r, err := m.Ports(reach.PortsQuery{From: "10.50.0.5", To: "app", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, r.Open.IsEmpty(), r.String())
	assert.True(t, r.Indeterminate.IsFull() || r.Indeterminate.ContainsRange(flow.Range[uint16]{Lo: 1, Hi: 65535}), r.String())
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "10.50.0.5", To: "app", Protocol: flow.TCP}, {From: "10.40.0.5", To: "app", Protocol: flow.TCP}, {From: "10.50.0.5", To: "app", Protocol: flow.ICMP}},
		Sources: []reach.SourcesQuery{{To: "app", Protocol: flow.TCP, Port: 443}}})
	s, err := m.Sources(reach.SourcesQuery{To: "app", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	for _, p := range append(s.Internet, s.InternetIndeterminate...) {
		assert.False(t, p.Overlaps(bp("10.0.0.0/8")), "no private block is the internet's: %s", p)
	}
}

// Where the way back crosses a transit gateway attachment with appliance
// mode, the flow hash picks the subnet it leaves by: a private source
// that one pick's way back may come from is undecided, though the other
// pick's ends for certain (here the first: no transit gateway route for
// 10.50.0.0/16 in tgw-rtb-insp; the second: vgw-1, beyond eni-ap2).
func TestPrivateSourceWayBackApplianceMode(t *testing.T) {
	for _, appliance := range []bool{true, false} {
		d := newApplianceDesign(appliance)
		d.rts = append(d.rts, reach.RouteTable{ID: "rtb-ap2", VPC: "vpc-i", Routes: []reach.Route{
			unmodelledRoute("10.50.0.0/16", "vgw-1", "virtual private gateway"), cidrRoute("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}})
		for i := range d.subnets {
			if d.subnets[i].ID == "subnet-ap2" {
				d.subnets[i].RouteTable = "rtb-ap2"
			}
		}
		m := d.build(t)
		q := reach.Query{From: "10.50.0.5", To: "app-a", Protocol: flow.TCP, Port: 443}
		r := check(t, m, q)
		if !appliance {
			// app-a's zone az-1 keeps the way back to subnet-ti1, eni-ap1
			// and the transit gateway, which has no route for it
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.NoInternetGateway}, r.Codes(), r.Text())
			continue
		}
		require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		b, ok := r.First()
		require.True(t, ok)
		assert.Equal(t, "vgw-1", b.ID, r.Text())
		assert.Equal(t, reach.UnmodelledTarget, b.Code)
		assert.Contains(t, r.Text(), "eni-ap2", "the details follow the way back")
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, v)
	}
}
