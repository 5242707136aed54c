package reach_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// v6Design is vpc-u (10.9.0.0/16, the unique local block
// fd12:3456:789a::/56 and the global block 2001:db8:90::/56) with an
// internet gateway its main table routes 0.0.0.0/0 and ::/0 to, the
// default ACL (IPv6 too) and open groups. Subnet subnet-u
// (10.9.1.0/24, fd12:3456:789a:1::/64) holds ula (10.9.1.10,
// fd12:3456:789a:1::10); subnet-g (10.9.2.0/24, 2001:db8:90:2::/64) holds
// gua (10.9.2.10, 2001:db8:90:2::10). edit changes the VPC and the
// interfaces before the build.
func v6Design(t *testing.T, edit func(v *reach.VPC, ifs []reach.Interface)) *reach.Model {
	t.Helper()
	v := reach.VPC{ID: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.0.0/16"), bp("fd12:3456:789a::/56"), bp("2001:db8:90::/56")},
		MainRouteTable: "rtb-u", DefaultACL: "acl-u"}
	ifs := []reach.Interface{
		{ID: "eni-u", Name: "ula", Subnet: "subnet-u", PrivateIPs: []netip.Addr{ba("10.9.1.10"), ba("fd12:3456:789a:1::10")}, Groups: []string{"sg-open"}},
		{ID: "eni-g", Name: "gua", Subnet: "subnet-g", PrivateIPs: []netip.Addr{ba("10.9.2.10"), ba("2001:db8:90:2::10")}, Groups: []string{"sg-open"}},
	}
	if edit != nil {
		edit(&v, ifs)
	}
	b := reach.NewBuilder().AddVPC(v)
	b.AddRouteTable(reach.RouteTable{ID: "rtb-u", VPC: "vpc-u", Routes: []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-u"},
		{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-u"}}})
	b.AddNetworkACL(nacl.NewDefault("acl-u", "vpc-u", true))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-u", VPC: "vpc-u"})
	b.AddSecurityGroup(openGroup("sg-open"))
	b.AddSubnet(reach.Subnet{ID: "subnet-u", VPC: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.1.0/24"), bp("fd12:3456:789a:1::/64")}},
		reach.Subnet{ID: "subnet-g", VPC: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.2.0/24"), bp("2001:db8:90:2::/64")}})
	b.AddInterface(ifs...)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// blockAt returns the first hop of r with a code, on either leg.
func blockAt(r *reach.Result) (reach.Hop, bool) {
	for _, h := range append(append([]reach.Hop{}, r.Forward...), r.Return...) {
		if h.Code != "" {
			return h, true
		}
	}
	return reach.Hop{}, false
}

// TestInternetGatewayAddressesOffTheInternet: unique local addresses
// (fc00::/7, RFC 4193) and addresses of a VPC's private IPv6 blocks
// (VPC.PrivateIPv6: Ipv6AddressAttribute "private", which AWS "cannot
// advertise on the internet") are not on the internet, both ways: the
// internet gateway neither delivers the internet's packets to them nor
// sends theirs to the internet. The same design's global addresses
// reach the internet and are reached from it.
func TestInternetGatewayAddressesOffTheInternet(t *testing.T) {
	private := func(v *reach.VPC, _ []reach.Interface) { v.PrivateIPv6 = []netip.Prefix{bp("2001:db8:90::/56")} }
	privateSubnet := func(v *reach.VPC, _ []reach.Interface) { v.PrivateIPv6 = []netip.Prefix{bp("2001:db8:90:2::/64")} }
	for _, tc := range []struct {
		name     string
		edit     func(*reach.VPC, []reach.Interface)
		from, to string
		want     reach.Outcome
		code     reach.Code
	}{
		{"internet to a unique local address", nil, "2001:db8:ff::7", "fd12:3456:789a:1::10", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"unique local address to the internet", nil, "ula", "2001:db8:ff::7", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"internet to a global address", nil, "2001:db8:ff::7", "2001:db8:90:2::10", reach.Reachable, ""},
		{"global address to the internet", nil, "gua", "2001:db8:ff::7", reach.Reachable, ""},
		{"internet to a private VPC block", private, "2001:db8:ff::7", "2001:db8:90:2::10", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"private VPC block to the internet", private, "gua", "2001:db8:ff::7", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"internet to a private subnet block", privateSubnet, "2001:db8:ff::7", "2001:db8:90:2::10", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"private subnet block to the internet", privateSubnet, "gua", "2001:db8:ff::7", reach.Unreachable, reach.PrivateAddressOnInternet},
		{"IPv4 is not concerned", private, "gua", "198.51.100.7", reach.Unreachable, reach.NoPublicIP},
		{"private block to a private block, locally", private, "ula", "2001:db8:90:2::10", reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := v6Design(t, tc.edit)
			r, err := m.Check(reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.code == "" {
				return
			}
			h, ok := blockAt(r)
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.code, h.Code, r.Text())
			assert.Equal(t, reach.KindInternetGateway, h.Kind, r.Text())
			assert.NotEmpty(t, h.Fix)
		})
	}
}

// TestPrivateIPv6Checked: a private block must be IPv6 and inside one of
// the VPC's blocks.
func TestPrivateIPv6Checked(t *testing.T) {
	for _, p := range []string{"10.9.0.0/24", "2001:db8:91::/56", "2001:db8::/32"} {
		b := reach.NewBuilder().AddVPC(reach.VPC{ID: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.0.0/16"), bp("2001:db8:90::/56")},
			PrivateIPv6: []netip.Prefix{bp(p)}})
		_, err := b.Build()
		require.Error(t, err, p)
		assert.True(t, errors.Is(err, reach.ErrTopology), p)
		assert.Contains(t, err.Error(), "PrivateIPv6[0]", p)
	}
}

// TestDenyAllIGWTraffic: an interface whose DenyAllIgwTraffic is true
// ("inbound traffic from the internet is dropped") is not reached from
// the internet, over IPv6 or IPv4; the same interface without it is. It
// stays reachable from its VPC. The reply of a connection it opens to
// the internet is undecided: AWS does not say whether it is dropped.
func TestDenyAllIGWTraffic(t *testing.T) {
	deny := func(_ *reach.VPC, ifs []reach.Interface) {
		ifs[1].DenyAllIGWTraffic = true
		ifs[1].PublicIP = ba("203.0.113.20")
	}
	public := func(_ *reach.VPC, ifs []reach.Interface) { ifs[1].PublicIP = ba("203.0.113.20") }
	for _, tc := range []struct {
		name     string
		edit     func(*reach.VPC, []reach.Interface)
		from, to string
		want     reach.Outcome
		code     reach.Code
	}{
		{"internet to it over IPv6", deny, "2001:db8:ff::7", "2001:db8:90:2::10", reach.Unreachable, reach.DenyAllIGWTraffic},
		{"internet to it over IPv4", deny, "198.51.100.7", "203.0.113.20", reach.Unreachable, reach.DenyAllIGWTraffic},
		{"without the attribute, IPv6", public, "2001:db8:ff::7", "2001:db8:90:2::10", reach.Reachable, ""},
		{"without the attribute, IPv4", public, "198.51.100.7", "203.0.113.20", reach.Reachable, ""},
		{"from its VPC", deny, "ula", "2001:db8:90:2::10", reach.Reachable, ""},
		{"its connection to the internet", deny, "gua", "2001:db8:ff::7", reach.Indeterminate, reach.DenyAllIGWTraffic.OnLeg(reach.Return)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := v6Design(t, tc.edit)
			q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.code == "" {
				return
			}
			h, ok := blockAt(r)
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.code, h.Code.OnLeg(h.Leg), r.Text())
			assert.Equal(t, reach.KindInternetGateway, h.Kind)
			if tc.want == reach.Indeterminate {
				assert.Contains(t, h.Missing, "replies")
			}
		})
	}
}

// TestDenyAllIGWTrafficEgressOnly: the reply of a connection the
// interface opens through an egress-only internet gateway is undecided
// too.
func TestDenyAllIGWTrafficEgressOnly(t *testing.T) {
	for _, deny := range []bool{false, true} {
		b := reach.NewBuilder()
		b.AddVPC(reach.VPC{ID: "vpc-e", CIDRs: []netip.Prefix{bp("10.8.0.0/16"), bp("2001:db8:80::/56")}, MainRouteTable: "rtb-e", DefaultACL: "acl-e"})
		b.AddRouteTable(reach.RouteTable{ID: "rtb-e", VPC: "vpc-e", Routes: []reach.Route{
			{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-e"}}})
		b.AddNetworkACL(nacl.NewDefault("acl-e", "vpc-e", true))
		b.AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-e", VPC: "vpc-e"})
		b.AddSecurityGroup(openGroup("sg-open"))
		b.AddSubnet(reach.Subnet{ID: "subnet-e", VPC: "vpc-e", CIDRs: []netip.Prefix{bp("10.8.1.0/24"), bp("2001:db8:80:1::/64")}})
		b.AddInterface(reach.Interface{ID: "eni-e", Name: "e", Subnet: "subnet-e", PrivateIPs: []netip.Addr{ba("10.8.1.10"), ba("2001:db8:80:1::10")},
			Groups: []string{"sg-open"}, DenyAllIGWTraffic: deny})
		m, err := b.Build()
		require.NoError(t, err)
		r, err := m.Check(reach.Query{From: "e", To: "2001:db8:ff::7", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		want := reach.Reachable
		if deny {
			want = reach.Indeterminate
		}
		assert.Equal(t, want, r.Outcome, r.Text())
	}
}

// TestDelegatedPrefixChecked: a delegated prefix lies in the interface's
// subnet.
func TestDelegatedPrefixChecked(t *testing.T) {
	for _, p := range []string{"2001:db8:90:3:a::/80", "10.9.3.0/28", "10.9.0.0/16"} {
		b := reach.NewBuilder()
		b.AddVPC(reach.VPC{ID: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.0.0/16"), bp("2001:db8:90::/56")}, MainRouteTable: "rtb-u", DefaultACL: "acl-u"})
		b.AddRouteTable(reach.RouteTable{ID: "rtb-u", VPC: "vpc-u"})
		b.AddNetworkACL(nacl.NewDefault("acl-u", "vpc-u", true))
		b.AddSecurityGroup(openGroup("sg-open"))
		b.AddSubnet(reach.Subnet{ID: "subnet-g", VPC: "vpc-u", CIDRs: []netip.Prefix{bp("10.9.2.0/24"), bp("2001:db8:90:2::/64")}})
		_, err := b.AddInterface(reach.Interface{ID: "eni-g", Subnet: "subnet-g", PrivateIPs: []netip.Addr{ba("10.9.2.10")},
			Groups: []string{"sg-open"}, DelegatedPrefixes: []netip.Prefix{bp(p)}}).Build()
		require.Error(t, err, p)
		assert.Contains(t, err.Error(), "DelegatedPrefixes[0]", p)
	}
}

// TestSlowReferenceAtTheInternetGatewayIPv6: the slow routing reference
// (route_ref_test.go) and the engine agree, hop by hop and on the
// outcome, on unique local addresses, private IPv6 blocks,
// DenyAllIGWTraffic and delegated prefixes (their addresses the
// interface's, as destinations and sources), which the randomized designs
// do not all generate: every flow between the design's addresses and two
// internet hosts, both ways.
func TestSlowReferenceAtTheInternetGatewayIPv6(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	open := sg.Group{ID: "sg-open", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}}
	d := &sample.Design{
		VPCs: []reach.VPC{
			{ID: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("fd00:1::/56"), bp("2001:db8:10::/56"), bp("2001:db8:11::/56")},
				MainRouteTable: "rtb-1", DefaultACL: "acl-1", PrivateIPv6: []netip.Prefix{bp("2001:db8:11::/56")}},
			{ID: "vpc-2", CIDRs: []netip.Prefix{bp("10.2.0.0/16"), bp("2001:db8:20::/56")}, MainRouteTable: "rtb-2", DefaultACL: "acl-2"},
		},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}, {ID: "igw-2", VPC: "vpc-2"}},
		RouteTables: []reach.RouteTable{
			{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
				{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}},
			{ID: "rtb-2", VPC: "vpc-2", Routes: []reach.Route{{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-2"}}},
		},
		ACLs: []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", true), nacl.NewDefault("acl-2", "vpc-2", true)},
		Subnets: []reach.Subnet{
			{ID: "s-ula", VPC: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.1.0/24"), bp("fd00:1:0:1::/64")}},
			{ID: "s-gua", VPC: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.2.0/24"), bp("2001:db8:10:2::/64")}},
			{ID: "s-priv", VPC: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.3.0/24"), bp("2001:db8:11:3::/64")}},
			{ID: "s-2", VPC: "vpc-2", CIDRs: []netip.Prefix{bp("10.2.1.0/24"), bp("2001:db8:20:1::/64")}},
		},
		Groups: []sg.Group{open},
		Interfaces: []reach.Interface{
			{ID: "eni-ula", Subnet: "s-ula", PrivateIPs: []netip.Addr{ba("10.1.1.10"), ba("fd00:1:0:1::10")}, Groups: []string{"sg-open"}},
			{ID: "eni-gua", Subnet: "s-gua", PrivateIPs: []netip.Addr{ba("10.1.2.10"), ba("2001:db8:10:2::10")}, Groups: []string{"sg-open"},
				DelegatedPrefixes: []netip.Prefix{bp("2001:db8:10:2:a::/80")}},
			{ID: "eni-deny", Subnet: "s-gua", PrivateIPs: []netip.Addr{ba("10.1.2.20"), ba("2001:db8:10:2::20")}, Groups: []string{"sg-open"}, DenyAllIGWTraffic: true},
			{ID: "eni-priv", Subnet: "s-priv", PrivateIPs: []netip.Addr{ba("10.1.3.10"), ba("2001:db8:11:3::10")}, Groups: []string{"sg-open"}},
			{ID: "eni-p1", Subnet: "s-gua", PrivateIPs: []netip.Addr{ba("10.1.2.30")}, PublicIP: ba("203.0.113.30"), Groups: []string{"sg-open"}},
			{ID: "eni-p2", Subnet: "s-gua", PrivateIPs: []netip.Addr{ba("10.1.2.40")}, PublicIP: ba("203.0.113.40"), Groups: []string{"sg-open"}, DenyAllIGWTraffic: true},
			{ID: "eni-2", Subnet: "s-2", PrivateIPs: []netip.Addr{ba("10.2.1.10"), ba("2001:db8:20:1::10")}, Groups: []string{"sg-open"}},
		},
	}
	n := &refNet{d: d, stats: map[string]int{}}
	m, err := n.build()
	require.NoError(t, err)
	addrs := []string{"fd00:1:0:1::10", "2001:db8:10:2::10", "2001:db8:10:2::20", "2001:db8:11:3::10", "2001:db8:20:1::10",
		"2001:db8:10:2:a::5", "2001:db8:10:2:b::5", "2001:db8:ff::7"}
	codes := map[reach.Code]bool{}
	for _, src := range addrs {
		for _, dst := range addrs {
			if src == dst || n.sourceIface(ba(src)) == "" && (src != "2001:db8:ff::7") {
				continue
			}
			if n.sourceIface(ba(src)) != "" && n.sourceIface(ba(src)) == n.sourceIface(ba(dst)) {
				continue // an interface to its own address: a query error (TestQueryToItsOwnAddressIsAnError)
			}
			f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(ba(src), 50000), Dst: netip.AddrPortFrom(ba(dst), 443)}
			r, err := m.CheckFlow(f)
			require.NoError(t, err, "%s", f)
			want := n.refCheck(f, n.sourceIface(f.Src.Addr()))
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err, r.Text())
			ret, err := routingHops(r.Return)
			require.NoError(t, err, r.Text())
			require.Equal(t, hopLines(want.fwd), hopLines(fwd), "forward: %s", r.Text())
			require.Equal(t, hopLines(want.ret), hopLines(ret), "return: %s", r.Text())
			require.Equal(t, want.outcome, r.Outcome, r.Text())
			for _, h := range slices.Concat(want.fwd, want.ret) {
				codes[h.code] = true
			}
		}
	}
	for _, c := range []reach.Code{reach.PrivateAddressOnInternet, reach.DenyAllIGWTraffic, reach.UnknownDestination} {
		assert.True(t, codes[c], "the flows meet %s", c)
	}
	// The set answers (Ports, Sources, Matrix, Audit) agree with Verdict
	// on the same design, by brute force.
	var sources []reach.SourcesQuery
	for _, in := range d.Interfaces {
		v6 := slices.ContainsFunc(in.PrivateIPs, netip.Addr.Is6)
		sources = append(sources, reach.SourcesQuery{To: in.ID, Protocol: flow.TCP, Port: 443, IPv6: v6})
	}
	brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Sources: sources, Few: true, Ports: []reach.PortsQuery{
		{From: "2001:db8:ff::7", To: "eni-deny", Protocol: flow.TCP}, {From: "eni-deny", To: "2001:db8:ff::7", Protocol: flow.TCP},
		{From: "2001:db8:ff::7", To: "eni-priv", Protocol: flow.TCP}, {From: "eni-ula", To: "2001:db8:ff::7", Protocol: flow.UDP},
		{From: "198.51.100.7", To: "eni-p2", Protocol: flow.TCP}}})
	mx, err := m.Matrix(reach.MatrixOptions{Workers: 1})
	require.NoError(t, err)
	var p1, p2 string
	for _, c := range mx.Classes {
		for _, in := range c.Members {
			switch in.ID {
			case "eni-p1":
				p1 = c.Name
			case "eni-p2":
				p2 = c.Name
			}
		}
	}
	assert.NotEqual(t, p1, p2, "an interface with DenyAllIGWTraffic is a class apart")
}
