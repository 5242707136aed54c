package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// nat64ApplianceDesign: vpc-n (10.0.0.0/16, 2600:1f18:5::/56) with an
// internet gateway and an egress-only one. subnet-app (IPv6-only,
// rtb-app) routes 64:ff9b::/96 to eni-x, an appliance whose
// source/destination check is off, at 10.0.1.20 and 2600:1f18:5:1::20 in
// subnet-pub (AWS's NAT instance design, here for NAT64: Jool, Tayga).
// public is eni-x's public IPv4 address (invalid: none); pubV6 is where
// rtb-pub, subnet-pub's table, sends ::/0 (its 0.0.0.0/0 goes to the
// internet gateway).
func nat64ApplianceDesign(public netip.Addr, pubV6 reach.Route) func() (*reach.Model, error) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	return func() (*reach.Model, error) {
		return reach.NewBuilder().
			AddVPC(reach.VPC{ID: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:5::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-n"}).
			AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-n", VPC: "vpc-n"}).
			AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-n", VPC: "vpc-n"}).
			AddNetworkACL(nacl.NewDefault("acl-n", "vpc-n", true)).
			AddRouteTable(
				reach.RouteTable{ID: "rtb-pub", VPC: "vpc-n", Routes: []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n"), pubV6}},
				reach.RouteTable{ID: "rtb-app", VPC: "vpc-n", Routes: []reach.Route{
					r("64:ff9b::/96", reach.TargetInterface, "eni-x"), r("::/0", reach.TargetInternetGateway, "igw-n")}}).
			AddSubnet(
				reach.Subnet{ID: "subnet-pub", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:5:1::/64")}, RouteTable: "rtb-pub"},
				reach.Subnet{ID: "subnet-app", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("2600:1f18:5:2::/64")}, RouteTable: "rtb-app"}).
			AddSecurityGroup(openGroup("sg-open")).
			AddInterface(
				reach.Interface{ID: "eni-x", Name: "nat64", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.20"), ba("2600:1f18:5:1::20")},
					PublicIP: public, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
				reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("2600:1f18:5:2::10")}, Groups: []string{"sg-open"}}).
			Build()
	}
}

// TestNAT64ThroughAppliance: a route sends 64:ff9b::/96 to an appliance
// whose source/destination check is off. Whether its operating system
// translates IPv6 to IPv4 (a NAT64 instance) is not in the input, as
// for the IPv4 NAT instance (doc.go, APPLIANCE_TRANSLATION_UNKNOWN); the
// NAT64 rule cites what a NAT gateway does
// (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html),
// not that nothing else translates. The packet that reaches the internet
// gateway or the egress-only one unchanged is then undecided there, not a
// certain NAT64_NOT_TRANSLATED, and the walk goes on as the translated
// packet would: IPv4 from the appliance's address, routed from its
// subnet, the reply translated back by it. When that path fails too (no
// public address for the IPv4 packet) the answer is Unreachable.
func TestNAT64ThroughAppliance(t *testing.T) {
	igw := reach.Route{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"}
	eigw := reach.Route{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-n"}
	tcp := reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name   string
		public netip.Addr
		pubV6  reach.Route
		q      reach.Query
		want   reach.Outcome
		codes  []reach.Code
		walked bool // the translated packet reaches the internet and the reply comes back
	}{
		{"to the internet gateway", ba("54.0.0.20"), igw, tcp, reach.Indeterminate, []reach.Code{reach.ApplianceTranslationUnknown}, true},
		{"to the egress-only internet gateway", ba("54.0.0.20"), eigw, tcp, reach.Indeterminate, []reach.Code{reach.ApplianceTranslationUnknown}, true},
		{"udp", ba("54.0.0.20"), igw, reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, []reach.Code{reach.ApplianceTranslationUnknown}, true},
		{"ICMPv6, whose translation is not modelled", ba("54.0.0.20"), igw, reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.ICMPv6}, reach.Indeterminate, []reach.Code{reach.ApplianceTranslationUnknown}, false},
		{"an appliance without a public IPv4 address", netip.Addr{}, igw, tcp, reach.Unreachable, []reach.Code{reach.ApplianceTranslationUnknown, reach.NoPublicIP, reach.NoPublicIP.OnLeg(reach.Return)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := nat64ApplianceDesign(tc.public, tc.pubV6)
			m, err := build()
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Equal(t, tc.codes, r.Codes(), r.Text())
			assert.NotContains(t, r.Codes(), reach.NAT64NotTranslated, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			ref, err := buildReference(t, build).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(ref), pathOf(r), "the slow reference walk")
			und := r.Undecided()
			require.NotEmpty(t, und, r.Text())
			assert.Contains(t, und[0].Missing, "eni-x", r.Text())
			if !tc.walked {
				return
			}
			last := r.Forward[len(r.Forward)-1]
			assert.Equal(t, reach.KindInternet, last.Kind, r.Text())
			assert.Equal(t, "8.8.8.8", last.Packet.Dst.Addr().String(), r.Text())
			assert.Equal(t, "54.0.0.20", last.Packet.Src.Addr().String(), r.Text())
			require.NotEmpty(t, r.Return, r.Text())
			back := r.Return[len(r.Return)-1].Packet
			assert.Equal(t, "64:ff9b::808:808", back.Src.Addr().String(), "the reply comes from the NAT64 address\n%s", r.Text())
			assert.Equal(t, "2600:1f18:5:2::10", back.Dst.Addr().String(), r.Text())
		})
	}
}

// TestNAT64ThroughApplianceSetQuestions: Ports agrees with single checks
// through the appliance: every tcp port is undecided, none open or closed.
func TestNAT64ThroughApplianceSetQuestions(t *testing.T) {
	m, err := nat64ApplianceDesign(ba("54.0.0.20"), reach.Route{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"})()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, p.Open.IsEmpty(), p.Open.String())
	assert.Equal(t, "1-65535", p.Indeterminate.String())
}
