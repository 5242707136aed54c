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

// nat64ZoneForkDesign: app (IPv6 only, vpc-a, its subnet in zone az)
// routes 64:ff9b::/96 to tgw-1, whose spoke table sends it to att-i, an
// appliance-mode attachment of the inspection VPC vpc-i with a subnet in
// each zone. In az-1, subnet-ti1 routes the prefix to NAT gateway nat-1;
// in az-2, subnet-ti2 routes it to appliance eni-ap2 (source/destination
// check off), whose subnet has the routes ap2 beside vpc-a's IPv6 block
// back to tgw-1. NAT subnets route 0.0.0.0/0 to igw-i and vpc-a's IPv6
// block back to tgw-1.
func nat64ZoneForkDesign(az string, ap2 []reach.Route) func() (*reach.Model, error) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	sub := func(id, vpc, az, rt string, cidrs ...string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, AvailabilityZone: az, RouteTable: rt, CIDRs: pfxs(cidrs...)}
	}
	back := r("2600:1f18:a::/56", reach.TargetTransitGateway, "tgw-1")
	return func() (*reach.Model, error) {
		return reach.NewBuilder().
			AddVPC(reach.VPC{ID: "vpc-a", CIDRs: pfxs("10.1.0.0/16", "2600:1f18:a::/56"), MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
				reach.VPC{ID: "vpc-i", CIDRs: pfxs("10.9.0.0/16", "2600:1f18:9::/56"), MainRouteTable: "rtb-nat", DefaultACL: "acl-i"}).
			AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-i", VPC: "vpc-i"}).
			AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), nacl.NewDefault("acl-i", "vpc-i", true)).
			AddRouteTable(
				reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{r("64:ff9b::/96", reach.TargetTransitGateway, "tgw-1")}},
				reach.RouteTable{ID: "rtb-ti1", VPC: "vpc-i", Routes: []reach.Route{r("64:ff9b::/96", reach.TargetNATGateway, "nat-1"), back}},
				reach.RouteTable{ID: "rtb-ti2", VPC: "vpc-i", Routes: []reach.Route{r("64:ff9b::/96", reach.TargetInterface, "eni-ap2"), back}},
				reach.RouteTable{ID: "rtb-ap2", VPC: "vpc-i", Routes: append([]reach.Route{back}, ap2...)},
				reach.RouteTable{ID: "rtb-nat", VPC: "vpc-i", Routes: []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-i"), back}}).
			AddSubnet(
				sub("subnet-a", "vpc-a", az, "rtb-a", "10.1.1.0/24", "2600:1f18:a:1::/64"),
				sub("subnet-ti1", "vpc-i", "az-1", "rtb-ti1", "10.9.1.0/24", "2600:1f18:9:1::/64"),
				sub("subnet-ti2", "vpc-i", "az-2", "rtb-ti2", "10.9.2.0/24", "2600:1f18:9:2::/64"),
				sub("subnet-nat1", "vpc-i", "az-1", "rtb-nat", "10.9.3.0/24", "2600:1f18:9:3::/64"),
				sub("subnet-ap2", "vpc-i", "az-2", "rtb-ap2", "10.9.4.0/24", "2600:1f18:9:4::/64"),
				sub("subnet-nat2", "vpc-i", "az-2", "rtb-nat", "10.9.5.0/24", "2600:1f18:9:5::/64")).
			AddNATGateway(
				reach.NATGateway{ID: "nat-1", Subnet: "subnet-nat1", PrivateIP: ba("10.9.3.30"), PublicIP: ba("54.0.0.31")},
				reach.NATGateway{ID: "nat-2", Subnet: "subnet-nat2", PrivateIP: ba("10.9.5.30"), PublicIP: ba("54.0.0.32")}).
			AddSecurityGroup(openGroup("sg-open")).
			AddInterface(
				reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("2600:1f18:a:1::10")}, Groups: []string{"sg-open"}},
				reach.Interface{ID: "eni-ap2", Name: "ap2", Subnet: "subnet-ap2", PrivateIPs: []netip.Addr{ba("10.9.4.5"), ba("2600:1f18:9:4::5")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true}).
			AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
			AddTGWRouteTable(
				reach.TGWRouteTable{ID: "tgw-rtb-spoke", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{{Destination: bp("64:ff9b::/96"), Attachment: "att-i"}}},
				reach.TGWRouteTable{ID: "tgw-rtb-insp", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{{Destination: bp("2600:1f18:a::/56"), Attachment: "att-a"}}}).
			AddTGWAttachment(
				reach.TGWAttachment{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-a"}, RouteTable: "tgw-rtb-spoke", IPv6Support: true},
				reach.TGWAttachment{ID: "att-i", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-i", Subnets: []string{"subnet-ti1", "subnet-ti2"}, RouteTable: "tgw-rtb-insp", IPv6Support: true, ApplianceMode: true}).
			Build()
	}
}

// TestNAT64ForkInApplianceZones: a request for the NAT64 prefix crosses a
// transit gateway to an appliance-mode attachment whose flow hash may
// pick either zone (AWS, "Stateful appliances and appliance mode"). In
// az-1 a NAT gateway translates and the session gets through; in az-2
// appliance eni-ap2 forwards the prefix, and if it is a NAT64 instance
// its translated IPv4 packet has no route (its subnet has none). So the
// answer is Indeterminate wherever the source sits: Check, Verdict,
// Ports and the slow reference walk agree, the undecided hop is one of
// the shown trace (the transit gateway's, when the shown zone's path
// meets no appliance: audit m17a, finding 1), and the words of each
// combination name the appliance (finding 5: no "if , ..."). When
// eni-ap2's subnet routes IPv4 too, every combination gets through.
func TestNAT64ForkInApplianceZones(t *testing.T) {
	toNAT2 := []reach.Route{{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-2"}}
	toNAT2v4 := append([]reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-2"}}, toNAT2...)
	for _, tc := range []struct {
		name     string
		az       string
		ap2      []reach.Route
		want     reach.Outcome
		undecide reach.Kind // the undecided hop's kind, when Indeterminate
		id       string     // and its ID
	}{
		{"source in az-1: the shown path meets no appliance", "az-1", toNAT2, reach.Indeterminate, reach.KindTransitGateway, "tgw-rtb-spoke"},
		{"source in az-2: the shown path meets the appliance", "az-2", toNAT2, reach.Indeterminate, reach.KindInterface, "eni-ap2"},
		{"source in az-1, the appliance's IPv4 routed", "az-1", toNAT2v4, reach.Reachable, "", ""},
		{"source in az-2, the appliance's IPv4 routed", "az-2", toNAT2v4, reach.Reachable, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := nat64ZoneForkDesign(tc.az, tc.ap2)
			m, err := build()
			require.NoError(t, err)
			q := reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP, Port: 443}
			res, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Outcome, res.Text())
			assert.NotContains(t, res.Text(), "if , ", res.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			ref, err := buildReference(t, build).Check(q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(ref), pathOf(res), "the slow reference walk")
			p, err := m.Ports(reach.PortsQuery{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP})
			require.NoError(t, err)
			if tc.want == reach.Reachable {
				assert.True(t, p.Open.Contains(443), "Ports: 443 open: %s", p.Open)
				assert.Empty(t, res.Undecided(), res.Text())
				return
			}
			assert.False(t, p.Open.Contains(443), "Ports says 443 open for certain: %s", p.Open)
			assert.True(t, p.Indeterminate.Contains(443), "Ports: 443 undecided")
			und := res.Undecided()
			require.NotEmpty(t, und, res.Text())
			assert.Equal(t, tc.undecide, und[0].Kind, res.Text())
			assert.Equal(t, tc.id, und[0].ID, res.Text())
			assert.Contains(t, und[0].Missing, "eni-ap2", res.Text())
		})
	}
}
