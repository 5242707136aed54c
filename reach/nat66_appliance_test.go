package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// nat66Design is vpc-n (10.6.0.0/16, the unique local block fd12:6::/56
// and the global 2600:1f18:6::/56): subnet-priv (10.6.1.0/24 and
// privCIDR) holds priv (privAddr) and routes ::/0 and 0.0.0.0/0 to
// appliance nat66 (eni-nat66: source/destination check off, its own
// addresses natAddrs, public IPv4 54.0.6.10) in subnet-pub (10.6.2.0/24,
// pubCIDR), which routes ::/0 to
// gw ("igw" or "eigw") and 0.0.0.0/0 to the internet gateway. AWS
// documents such NAT66/NPTv6 instances ("Centralized egress for IPv6").
func nat66Design(t *testing.T, gw, privCIDR, privAddr, pubCIDR string, natAddrs ...string) *reach.Model {
	t.Helper()
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	v6 := r("::/0", reach.TargetInternetGateway, "igw-n")
	if gw == "eigw" {
		v6 = r("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-n")
	}
	addrs := []netip.Addr{ba("10.6.2.10")}
	for _, a := range natAddrs {
		addrs = append(addrs, ba(a))
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-n", CIDRs: []netip.Prefix{bp("10.6.0.0/16"), bp("fd12:6::/56"), bp("2600:1f18:6::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-n"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-n", VPC: "vpc-n"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-n", VPC: "vpc-n"}).
		AddNetworkACL(nacl.NewDefault("acl-n", "vpc-n", true)).
		AddSecurityGroup(openGroup("sg-open")).
		AddRouteTable(reach.RouteTable{ID: "rtb-pub", VPC: "vpc-n", Routes: []reach.Route{v6, r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n")}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-n", Routes: []reach.Route{r("::/0", reach.TargetInterface, "eni-nat66"), r("0.0.0.0/0", reach.TargetInterface, "eni-nat66")}}).
		AddSubnet(reach.Subnet{ID: "subnet-priv", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.6.1.0/24"), bp(privCIDR)}, RouteTable: "rtb-priv"},
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.6.2.0/24"), bp(pubCIDR)}, RouteTable: "rtb-pub"})
	b.AddInterface(
		reach.Interface{ID: "eni-priv", Name: "priv", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.6.1.10"), ba(privAddr)}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-nat66", Name: "nat66", Subnet: "subnet-pub", PrivateIPs: addrs, PublicIP: ba("54.0.6.10"),
			Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// nat66Central is dualStackTGWDesign with centralized IPv6 egress through
// an appliance: vpc-a (no internet gateway) routes ::/0 to tgw-1, which
// sends it to vpc-b, whose main table routes ::/0 to nat66 (source and
// destination check off, the global 2001:db8:b:2::20) in subnet-b2, whose
// table routes ::/0 to igw-b and vpc-a's blocks back to tgw-1.
func nat66Central(t *testing.T) *reach.Model {
	t.Helper()
	d := dualStackTGWDesign()
	d.atts[0].IPv6Support, d.atts[1].IPv6Support = true, true
	d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("::/0"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.routes("tgw-rtb-1", tgwRoute("::/0", "att-b", false))
	d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("::/0"), Target: reach.TargetInterface, TargetID: "eni-nat66"})
	d.rts = append(d.rts, reach.RouteTable{ID: "rtb-b2", VPC: "vpc-b", Routes: []reach.Route{
		{Destination: pfx("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"},
		{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"},
		{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"},
		{Destination: pfx("2001:db8:a::/56"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}}})
	for i := range d.subnets {
		if d.subnets[i].ID == "subnet-b2" {
			d.subnets[i].RouteTable = "rtb-b2"
		}
	}
	d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-nat66", Name: "nat66", Subnet: "subnet-b2", PrivateIPs: []netip.Addr{ba("10.2.2.20"), ba("2001:db8:b:2::20")},
		PublicIP: ba("54.0.2.20"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
	b := reach.NewBuilder().AddVPC(d.vpcs...).AddSubnet(d.subnets...).AddNetworkACL(d.acls...).
		AddSecurityGroup(openGroup("sg-open")).AddInterface(d.ifaces...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1", Name: "hub"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"})
	b.AddRouteTable(d.rts...)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// An appliance with a global IPv6 address of its own that forwards an
// IPv6 request whose source the internet would refuse (unique local) or
// never answer (a VPC with no internet gateway) may be a NAT66 or NPTv6
// instance: undecided, as for an IPv4 NAT instance. Without such an
// appliance on the path the refusal stays certain.
func TestNAT66ApplianceUndecided(t *testing.T) {
	ula := func(gw, pubCIDR string, natAddrs ...string) func(t *testing.T) *reach.Model {
		return func(t *testing.T) *reach.Model {
			return nat66Design(t, gw, "fd12:6:0:1::/64", "fd12:6:0:1::10", pubCIDR, natAddrs...)
		}
	}
	web := reach.Query{From: "priv", To: "2606:4700::1", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name string
		m    func(t *testing.T) *reach.Model
		q    reach.Query
		want reach.Outcome
		code reach.Code
		gw   reach.Kind // the undecided or refusing hop's kind
	}{
		{"IPv4 reference: NAT instance", ula("igw", "2600:1f18:6:2::/64", "2600:1f18:6:2::10"),
			reach.Query{From: "priv", To: "198.51.100.7", Protocol: flow.TCP, Port: 443}, reach.Indeterminate, reach.ApplianceTranslationUnknown, reach.KindInternetGateway},
		{"unique local source, internet gateway", ula("igw", "2600:1f18:6:2::/64", "2600:1f18:6:2::10"), web, reach.Indeterminate, reach.ApplianceTranslationUnknown, reach.KindInternetGateway},
		{"unique local source, egress-only internet gateway", ula("eigw", "2600:1f18:6:2::/64", "2600:1f18:6:2::10"), web, reach.Indeterminate, reach.ApplianceTranslationUnknown, reach.KindEgressOnlyInternetGateway},
		{"centralized egress over a transit gateway", nat66Central,
			reach.Query{From: "app-a", To: "2606:4700::1", Protocol: flow.TCP, Port: 443}, reach.Indeterminate, reach.ApplianceTranslationUnknown, reach.KindInternetGateway},
		{"appliance with only a unique local IPv6 address", ula("igw", "fd12:6:0:2::/64", "fd12:6:0:2::10"), web, reach.Unreachable, reach.PrivateAddressOnInternet, reach.KindInternetGateway},
		{"appliance with no IPv6 address", ula("eigw", "2600:1f18:6:2::/64"), web, reach.Unreachable, reach.PrivateAddressOnInternet, reach.KindEgressOnlyInternetGateway},
		{"global source: unchanged, no doubt", func(t *testing.T) *reach.Model {
			return nat66Design(t, "igw", "2600:1f18:6:1::/64", "2600:1f18:6:1::10", "2600:1f18:6:2::/64", "2600:1f18:6:2::10")
		}, web, reach.Reachable, "", reach.KindInternetGateway},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m(t)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.code == "" {
				assert.Empty(t, r.Codes(), r.Text())
				return
			}
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			var gw *reach.Hop
			for i := range r.Forward {
				if r.Forward[i].Kind == tc.gw {
					gw = &r.Forward[i]
				}
			}
			require.NotNil(t, gw, r.Text())
			assert.Equal(t, tc.code, gw.Code, r.Text())
			if tc.code == reach.ApplianceTranslationUnknown && tc.q.To != "198.51.100.7" {
				assert.Contains(t, gw.Missing, "eni-nat66", r.Text())
				assert.Contains(t, gw.Reason(), "NAT66", r.Text())
				require.NotEmpty(t, r.Return, r.Text())
				last := r.Return[len(r.Return)-1]
				assert.Equal(t, netip.MustParseAddr(r.Forward[0].Packet.Src.Addr().String()), last.Packet.Dst.Addr(), "the reply goes back to the original source")
			}
		})
	}
}

// The set answers (Ports, Sources, Matrix, Audit) agree with Check, hop
// by hop, on the designs whose IPv6 internet traffic a NAT66 appliance
// may translate.
func TestNAT66ApplianceSetAnswers(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	for name, m := range map[string]func(t *testing.T) *reach.Model{
		"unique local, internet gateway": func(t *testing.T) *reach.Model {
			return nat66Design(t, "igw", "fd12:6:0:1::/64", "fd12:6:0:1::10", "2600:1f18:6:2::/64", "2600:1f18:6:2::10")
		},
		"unique local, egress-only internet gateway": func(t *testing.T) *reach.Model {
			return nat66Design(t, "eigw", "fd12:6:0:1::/64", "fd12:6:0:1::10", "2600:1f18:6:2::/64", "2600:1f18:6:2::10")
		},
		"centralized": nat66Central,
	} {
		t.Run(name, func(t *testing.T) {
			brute.CheckSetAnswers(t, m(t), brute.Options{IPv6: true, Few: true})
		})
	}
}
