package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// publicEntryOpts shapes publicEntry's design.
type publicEntryOpts struct {
	noIGW     bool // no internet gateway
	privateV6 bool // the VPC's IPv6 block is private (VPC.PrivateIPv6)
	edit      []func(*reach.RouteTable)
}

// publicEntry is a VPC (10.1.0.0/16, 2001:db8:1::/56, that block
// private when o.privateV6) with an internet gateway (unless o.noIGW):
// app (10.1.1.10, public IP 198.51.100.10, 2001:db8:1:1::10; group
// sg-web: tcp 443 from anywhere) and db (10.1.1.20, no public IP,
// 2001:db8:1:1::20; group sg-ssh: tcp 22 from anywhere) in subnet-app,
// whose table rtb-app sends 0.0.0.0/0 and ::/0 to the internet gateway
// (if any) and whatever routes o.edit adds; web (10.1.2.10, public IP
// 198.51.100.20; sg-web) in subnet-web, whose table rtb-web sends
// 0.0.0.0/0 to the internet gateway only; box (10.1.3.10, an appliance:
// its source/destination check off; sg-web) in subnet-box, whose table
// rtb-box sends 203.0.113.0/24 to vgw-1 and 0.0.0.0/0 to the internet
// gateway. Both groups send anything; the
// network ACL allows everything. tgw-1's VPC attachment att-app
// (subnet-tgw) is associated with tgw-rtb-1, which lists its routes
// whole: 192.0.2.0/25 to att-vpn, a VPN attachment, nothing else.
func publicEntry(t *testing.T, o publicEntryOpts) *reach.Model {
	t.Helper()
	rt := reach.RouteTable{ID: "rtb-app", VPC: "vpc-app"}
	web := reach.RouteTable{ID: "rtb-web", VPC: "vpc-app"}
	if !o.noIGW {
		rt.Routes = append(rt.Routes, cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-app"), cidrRoute("::/0", reach.TargetInternetGateway, "igw-app"))
		web.Routes = append(web.Routes, cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-app"))
	}
	for _, e := range o.edit {
		e(&rt)
	}
	in := func(port uint16) []sg.Rule {
		return []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), Peer: sg.AnyIPv4},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), Peer: sg.AnyIPv6},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		}
	}
	box := reach.RouteTable{ID: "rtb-box", VPC: "vpc-app", Routes: []reach.Route{unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway")}}
	if !o.noIGW {
		box.Routes = append(box.Routes, cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-app"))
	}
	vpc := reach.VPC{ID: "vpc-app", CIDRs: pfxs("10.1.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-app", DefaultACL: "acl-app"}
	if o.privateV6 {
		vpc.PrivateIPv6 = pfxs("2001:db8:1::/56")
	}
	b := reach.NewBuilder().AddVPC(vpc).AddRouteTable(rt, web, box).
		AddNetworkACL(nacl.NewDefault("acl-app", "vpc-app", true)).
		AddSecurityGroup(sg.Group{ID: "sg-web", Rules: in(443)}, sg.Group{ID: "sg-ssh", Rules: in(22)}).
		AddSubnet(reach.Subnet{ID: "subnet-app", VPC: "vpc-app", CIDRs: pfxs("10.1.1.0/24", "2001:db8:1:1::/64")},
			reach.Subnet{ID: "subnet-web", VPC: "vpc-app", CIDRs: pfxs("10.1.2.0/24"), RouteTable: "rtb-web"},
			reach.Subnet{ID: "subnet-box", VPC: "vpc-app", CIDRs: pfxs("10.1.3.0/24"), RouteTable: "rtb-box"},
			reach.Subnet{ID: "subnet-tgw", VPC: "vpc-app", CIDRs: pfxs("10.1.9.0/24")}).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", Groups: []string{"sg-web"},
			PrivateIPs: addrs("10.1.1.10", "2001:db8:1:1::10"), PublicIP: ba("198.51.100.10")},
			reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-app", Groups: []string{"sg-ssh"},
				PrivateIPs: addrs("10.1.1.20", "2001:db8:1:1::20")},
			reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-web", Groups: []string{"sg-web"},
				PrivateIPs: addrs("10.1.2.10"), PublicIP: ba("198.51.100.20")},
			reach.Interface{ID: "eni-box", Name: "box", Subnet: "subnet-box", Groups: []string{"sg-web"},
				PrivateIPs: addrs("10.1.3.10"), SourceDestCheckDisabled: true}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Listed: true, Routes: []reach.TGWRoute{
			{Destination: bp("192.0.2.0/25"), Attachment: "att-vpn"}}}).
		AddTGWAttachment(reach.TGWAttachment{ID: "att-app", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-app", Subnets: []string{"subnet-tgw"}, RouteTable: "tgw-rtb-1"},
			reach.TGWAttachment{ID: "att-vpn", TransitGateway: "tgw-1", Type: "vpn", RouteTable: "tgw-rtb-1"})
	if !o.noIGW {
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-app", VPC: "vpc-app"})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// A public source outside the design may be no host on the internet: a
// network on premises may use public addresses, reached over a VPN. Where
// the way back to it from the destination's subnet (the reply's route)
// ends at what the design does not model (a virtual private gateway, a
// transit gateway's VPN attachment...), a request from it to an address
// of the destination's own most likely came in that way: indeterminate,
// naming it, never a certain NO_PUBLIC_IP, PRIVATE_ADDRESS_ON_INTERNET or
// NO_INTERNET_GATEWAY, nor a walk in through the internet gateway; named
// by ID, the destination is then addressed privately. Where the way back
// is the internet gateway (the usual 0.0.0.0/0), a blackhole or a
// certain drop, nothing changes.
func TestPublicSourceOutsideTheDesign(t *testing.T) {
	vgw := route(unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway"))
	vgw6 := route(unmodelledRoute("2600::/16", "vgw-1", "virtual private gateway"))
	for _, tc := range []struct {
		name     string
		o        publicEntryOpts
		from, to string
		port     uint16
		want     reach.Outcome
		code     reach.Code
		at       string    // the ID of the first hop with a code
		leg      reach.Leg // that hop's
		dst      string    // the packet's destination, when not to
		// groups is the code of the destination's groups, which judge a
		// request that may come in privately right after its undecided
		// hop: "" where they let it in
		groups reach.Code
	}{
		{name: "on premises over a VPN, to the private address (was NO_PUBLIC_IP)", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "10.1.1.20", port: 22,
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1"},
		{name: "on premises over a VPN, to a port the private address's group closes: certain (was undecided)", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "10.1.1.20",
			want: reach.Unreachable, code: reach.UnmodelledTarget, at: "vgw-1", groups: reach.SGNoAllow},
		{name: "named by its Name tag, the interface is addressed privately", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "app",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", dst: "10.1.1.10"},
		{name: "named by ID, a port its group closes: closed for certain whichever way it comes in (was undecided)", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "app", port: 22,
			want: reach.Unreachable, code: reach.UnmodelledTarget, at: "vgw-1", dst: "10.1.1.10", groups: reach.SGNoAllow},
		{name: "by interface ID too", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "eni-db", port: 22,
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", dst: "10.1.1.20"},
		{name: "a transit gateway's VPN attachment", o: publicEntryOpts{edit: fns(route(cidrRoute("192.0.2.0/24", reach.TargetTransitGateway, "tgw-1")))},
			from: "192.0.2.5", to: "app", want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "att-vpn", dst: "10.1.1.10"},
		{name: "IPv6 to a global address, no internet gateway (was NO_INTERNET_GATEWAY)", o: publicEntryOpts{noIGW: true, edit: fns(vgw6)}, from: "2600::5", to: "2001:db8:1:1::10",
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1"},
		{name: "IPv6 to a global address, a port the group closes (was walked in through the internet gateway)", o: publicEntryOpts{edit: fns(vgw6)}, from: "2600::5", to: "2001:db8:1:1::10", port: 22,
			want: reach.Unreachable, code: reach.UnmodelledTarget, at: "vgw-1", groups: reach.SGNoAllow},
		{name: "IPv6 to a private block (was PRIVATE_ADDRESS_ON_INTERNET)", o: publicEntryOpts{privateV6: true, edit: fns(vgw6)}, from: "2600::5", to: "2001:db8:1:1::20", port: 22,
			want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1"},
		{name: "a default route to the VPN gateway, no internet gateway", o: publicEntryOpts{noIGW: true, edit: fns(route(unmodelledRoute("0.0.0.0/0", "vgw-1", "virtual private gateway")))},
			from: "8.8.8.8", to: "db", port: 22, want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1", dst: "10.1.1.20"},

		{name: "the way back through an appliance whose subnet routes it to the VPN", o: publicEntryOpts{edit: fns(route(cidrRoute("203.0.113.0/24", reach.TargetInterface, "eni-box")))},
			from: "203.0.113.5", to: "10.1.1.20", port: 22, want: reach.Indeterminate, code: reach.UnmodelledTarget, at: "vgw-1"},

		{name: "the way back through an appliance whose subnet routes it to the internet gateway", o: publicEntryOpts{edit: fns(route(cidrRoute("198.51.100.0/24", reach.TargetInterface, "eni-box")))},
			from: "198.51.100.77", to: "10.1.1.20", port: 22, want: reach.Unreachable, code: reach.NoPublicIP, at: "igw-app"},
		{name: "the public address itself: in through the internet gateway, the reply to the VPN", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "198.51.100.10",
			want: reach.Indeterminate, code: reach.UnmodelledTarget.OnLeg(reach.Return), at: "vgw-1", leg: reach.Return},
		{name: "the public address itself, a port the group closes", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "198.51.100.10", port: 22,
			want: reach.Unreachable, code: reach.SGNoAllow, at: "sg-web"},
		{name: "the usual default route to the internet gateway: no public IP", o: publicEntryOpts{edit: fns(vgw)}, from: "8.8.8.8", to: "10.1.1.20", port: 22,
			want: reach.Unreachable, code: reach.NoPublicIP, at: "igw-app"},
		{name: "the usual default route, by ID: the public address", o: publicEntryOpts{edit: fns(vgw)}, from: "8.8.8.8", to: "app",
			want: reach.Reachable, dst: "198.51.100.10"},
		{name: "only another subnet's table routes it to the VPN", o: publicEntryOpts{edit: fns(vgw)}, from: "203.0.113.5", to: "web",
			want: reach.Reachable, dst: "198.51.100.20"},
		{name: "a blackhole for the range", o: publicEntryOpts{edit: fns(route(reach.Route{Destination: bp("203.0.113.0/24"), Target: reach.TargetBlackhole, TargetID: "vgw-old"}))},
			from: "203.0.113.5", to: "10.1.1.20", port: 22, want: reach.Unreachable, code: reach.NoPublicIP, at: "igw-app"},
		{name: "the transit gateway has no route back: certain", o: publicEntryOpts{edit: fns(route(cidrRoute("192.0.2.0/24", reach.TargetTransitGateway, "tgw-1")))},
			from: "192.0.2.200", to: "10.1.1.20", port: 22, want: reach.Unreachable, code: reach.NoPublicIP, at: "igw-app"},
		{name: "IPv6, the way back to the internet gateway", o: publicEntryOpts{edit: fns(vgw6)}, from: "2a00::5", to: "2001:db8:1:1::10",
			want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := publicEntry(t, tc.o)
			port := tc.port
			if port == 0 {
				port = 443
			}
			q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: port}
			r := check(t, m, q)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			dst := tc.dst
			if dst == "" {
				dst = tc.to
			}
			assert.Equal(t, ba(dst), r.Flow.Dst.Addr(), r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			if tc.want == reach.Reachable {
				return
			}
			assert.Equal(t, tc.code, r.Codes()[0], r.Text())
			b, ok := r.First()
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.at, b.ID, r.Text())
			assert.Equal(t, tc.leg, b.Leg, r.Text())
			if tc.code != reach.UnmodelledTarget {
				return
			}
			fwd := withoutACLs(r.Forward)
			require.Len(t, fwd, 2, "the request ends at once, at its destination's groups: %s", r.Text())
			assert.Empty(t, withoutACLs(r.Return), "the request ends there (the subnet's outbound ACL may judge the reply)")
			h, g := fwd[0], fwd[1]
			assert.Equal(t, flow.Indeterminate, h.Verdict)
			assert.Equal(t, reach.KindSecurityGroups, g.Kind, r.Text())
			assert.Equal(t, tc.groups, g.Code, r.Text())
			assert.Equal(t, ba(dst), g.Packet.Dst.Addr(), "the groups judge the request at the address it came to")
			assert.Contains(t, h.Reason(), "the source "+tc.from+" is a public address, but the way back to it", r.Text())
			assert.Contains(t, h.Missing, "whether "+tc.from+" sends through "+tc.at, r.Text())
			if tc.groups != "" {
				assert.Equal(t, []reach.Code{reach.UnmodelledTarget, tc.groups}, r.Codes(), r.Text())
				assert.Empty(t, h.Fix, "the way in does not decide: %s", r.Text())
				assert.Contains(t, strings.Join(g.Details(), "\n"), "it does not decide the answer", r.Text())
				return
			}
			assert.Contains(t, h.Fix, "check by hand whether "+tc.from+" reaches "+dst, r.Text())
			assert.NotContains(t, r.Text(), "not a public address", "a public source is worded as one")
		})
	}
}

// fns lists route table edits.
func fns(e ...func(*reach.RouteTable)) []func(*reach.RouteTable) { return e }

// Ports from a public source whose way back is a VPN, to an interface
// named by ID, answer as Verdict does port by port, at the private
// address: undecided where its groups let the request in (tcp 443),
// closed for certain elsewhere (they judge it whichever way it came).
func TestPublicSourceOutsideTheDesignPorts(t *testing.T) {
	m := publicEntry(t, publicEntryOpts{edit: fns(route(unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway")))})
	r, err := m.Ports(reach.PortsQuery{From: "203.0.113.5", To: "app", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, r.Open.IsEmpty(), r.String())
	assert.Equal(t, "443", r.Indeterminate.String(), r.String())
	r, err = m.Ports(reach.PortsQuery{From: "8.8.8.8", To: "app", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "443", r.Open.String(), "from the internet, at the public address")
}

// A unique local source with no private way in is walked as the
// internet's, and the internet gateway's hop says what is true of it:
// its destination is global, its source is not (not "IPv6 addresses are
// global").
func TestUniqueLocalSourceWording(t *testing.T) {
	m := privateEntry(t, true)
	r := check(t, m, reach.Query{From: "fd00:60::5", To: "2001:db8:1:1::10", Protocol: flow.TCP, Port: 443})
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.PrivateAddressOnInternet.OnLeg(reach.Return)}, r.Codes(), r.Text())
	var igw *reach.Hop
	for i := range r.Forward {
		if r.Forward[i].Kind == reach.KindInternetGateway {
			igw = &r.Forward[i]
		}
	}
	require.NotNil(t, igw, r.Text())
	assert.NotContains(t, igw.Reason(), "IPv6 addresses are global", r.Text())
	assert.Contains(t, igw.Reason(), "the destination 2001:db8:1:1::10 is a global IPv6 address", r.Text())
	assert.Contains(t, igw.Reason(), "the source fd00:60::5 is a unique local address", r.Text())
	r = check(t, m, reach.Query{From: "2600::5", To: "2001:db8:1:1::10", Protocol: flow.TCP, Port: 443})
	require.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "IPv6 addresses are global", "a global source keeps its words")
}
