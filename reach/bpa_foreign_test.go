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

// centralIGW: app-b (vpc-b, 2001:db8:b:1::10) sends IPv6 for the
// internet to the transit gateway, which sends it into vpc-a, whose
// attachment subnet (subnet-ta) routes ::/0 to vpc-a's internet gateway
// (or egress-only internet gateway, eigw). vpc-b has an internet gateway
// of its own (so the reply has a way in). app-a (subnet-a of vpc-a)
// routes ::/0 to the same gateway.
func centralIGW(t *testing.T, eigw bool, bpa reach.BlockPublicAccess) *reach.Model {
	t.Helper()
	d := dualStackTGWDesign()
	d.atts[0].IPv6Support, d.atts[1].IPv6Support = true, true
	d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("::/0"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.routes("tgw-rtb-1", tgwRoute("::/0", "att-a", false))
	b := reach.NewBuilder().AddVPC(d.vpcs...).AddSubnet(d.subnets...).AddNetworkACL(d.acls...).
		AddSecurityGroup(openGroup("sg-open")).AddInterface(d.ifaces...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1", Name: "hub"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"})
	if eigw {
		d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"})
		b.AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"})
	} else {
		d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"})
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	}
	b.AddRouteTable(d.rts...).SetBlockPublicAccess(bpa)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// VPC Block Public Access applies at the gateway's VPC: in
// block-bidirectional mode "all traffic to and from internet gateways and
// egress-only internet gateways in this Region (except for excluded VPCs
// and subnets) is blocked"
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html),
// whatever VPC the packet comes from. A packet from another VPC is judged
// by the subnet of the gateway's VPC it leaves from (the transit gateway
// attachment's subnet-ta), or by that VPC's exclusion; the source's VPC's
// exclusion does not count there. A source in the gateway's own VPC is
// judged by its own subnet, as before.
func TestBlockPublicAccessForeignSource(t *testing.T) {
	x := func(id, target string, mode reach.ExclusionMode) reach.BlockExclusion {
		if target[:4] == "vpc-" {
			return reach.BlockExclusion{ID: id, VPC: target, Mode: mode}
		}
		return reach.BlockExclusion{ID: id, Subnet: target, Mode: mode}
	}
	bidir := func(xs ...reach.BlockExclusion) reach.BlockPublicAccess {
		return reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: xs}
	}
	excludeB := x("x-b", "vpc-b", reach.AllowBidirectional) // for the reply, which comes back through igw-b
	for _, tt := range []struct {
		name    string
		from    string
		bpa     reach.BlockPublicAccess
		blocked bool // at vpc-a's gateway, on the forward leg
	}{
		{"no exclusion", "app-b", bidir(), true},
		{"only the source's VPC excluded", "app-b", bidir(excludeB), true},
		{"a subnet of vpc-a off the path excluded", "app-b", bidir(excludeB, x("x-a", "subnet-a", reach.AllowBidirectional)), true},
		{"the attachment's subnet excluded allow-egress", "app-b", bidir(excludeB, x("x-ta", "subnet-ta", reach.AllowEgress)), false},
		{"vpc-a excluded allow-bidirectional", "app-b", bidir(excludeB, x("x-a", "vpc-a", reach.AllowBidirectional)), false},
		{"block-ingress: traffic out passes", "app-b", reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: []reach.BlockExclusion{excludeB}}, false},
		{"own VPC: judged by the source's subnet, not the attachment's", "app-a", bidir(x("x-ta", "subnet-ta", reach.AllowBidirectional)), true},
		{"own VPC: the source's subnet excluded", "app-a", bidir(x("x-a", "subnet-a", reach.AllowEgress)), false},
	} {
		for _, eigw := range []bool{false, true} {
			gw := "igw-a"
			if eigw {
				gw = "eigw-a"
			}
			t.Run(tt.name+" "+gw, func(t *testing.T) {
				m := centralIGW(t, eigw, tt.bpa)
				r := check(t, m, reach.Query{From: tt.from, To: "2001:db8:ff::7", Protocol: flow.TCP, Port: 443})
				if !tt.blocked {
					assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
					return
				}
				require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
				b, ok := r.First()
				require.True(t, ok, r.Text())
				assert.Equal(t, reach.VPCBlockPublicAccess, b.Code, r.Text())
				assert.Equal(t, gw, b.ID, "the gateway the packet crosses is blamed:\n%s", r.Text())
				assert.Equal(t, reach.Forward, b.Leg, r.Text())
				assert.NotEmpty(t, b.Fix, r.Text())
			})
		}
	}
}

// The set answers agree with Check where Block Public Access judges a
// packet from another VPC at vpc-a's gateways.
func TestBlockPublicAccessForeignSourceSets(t *testing.T) {
	for _, bpa := range []reach.BlockPublicAccess{
		{Mode: reach.BlockBidirectional, Exclusions: []reach.BlockExclusion{{ID: "x-b", VPC: "vpc-b", Mode: reach.AllowBidirectional}}},
		{Mode: reach.BlockBidirectional, Exclusions: []reach.BlockExclusion{{ID: "x-b", VPC: "vpc-b", Mode: reach.AllowBidirectional}, {ID: "x-ta", Subnet: "subnet-ta", Mode: reach.AllowEgress}}},
	} {
		for _, eigw := range []bool{false, true} {
			m := centralIGW(t, eigw, bpa)
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "app-b", To: "2001:db8:ff::7", Protocol: flow.TCP}, {From: "app-a", To: "2001:db8:ff::7", Protocol: flow.UDP}},
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443, IPv6: true}},
				IPv6:    true, Step: 257, Few: true,
			})
		}
	}
}

// carrierDesign is one VPC whose subnet routes 0.0.0.0/0 to a carrier
// gateway (AWS Wavelength), which reachsim does not model, as aws.Load
// gives a route with CarrierGatewayId.
func carrierDesign(t *testing.T, bpa reach.BlockPublicAccess) *reach.Model {
	t.Helper()
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-w", CIDRs: []netip.Prefix{pfx("10.7.0.0/16")}, MainRouteTable: "rtb-w", DefaultACL: "acl-w"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-w", VPC: "vpc-w", Routes: []reach.Route{
			{Destination: pfx("0.0.0.0/0"), Target: reach.TargetUnmodelled, TargetID: "cagw-1", TargetType: "carrier gateway"}}}).
		AddNetworkACL(nacl.NewDefault("acl-w", "vpc-w", false)).
		AddSecurityGroup(openGroup("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-w", VPC: "vpc-w", CIDRs: []netip.Prefix{pfx("10.7.1.0/24")}}).
		AddInterface(reach.Interface{ID: "eni-w", Name: "edge", Subnet: "subnet-w", PrivateIPs: []netip.Addr{ba("10.7.1.10")}, Groups: []string{"sg-open"}}).
		SetBlockPublicAccess(bpa).Build()
	require.NoError(t, err)
	return m
}

// VPC Block Public Access lists the AWS Wavelength carrier gateway among
// what it blocks: "AWS Wavelength carrier gateway: All inbound and
// outbound traffic is blocked" (Amazon VPC User Guide, "VPC BPA basics",
// "AWS service impact and support"). In block-bidirectional mode, unless
// the subnet or VPC is excluded, nothing passes it, whatever lies beyond:
// the answer is unreachable, with the internet gateway's code. Where BPA
// lets it out (an exclusion; block-ingress), what lies beyond stays
// unknown.
func TestBlockPublicAccessCarrierGateway(t *testing.T) {
	for _, tt := range []struct {
		name string
		bpa  reach.BlockPublicAccess
		want reach.Outcome
	}{
		{"off", reach.BlockPublicAccess{}, reach.Indeterminate},
		{"block-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional}, reach.Unreachable},
		{"block-bidirectional, subnet excluded allow-egress", reach.BlockPublicAccess{Mode: reach.BlockBidirectional,
			Exclusions: []reach.BlockExclusion{{ID: "x-w", Subnet: "subnet-w", Mode: reach.AllowEgress}}}, reach.Indeterminate},
		{"block-bidirectional, VPC excluded", reach.BlockPublicAccess{Mode: reach.BlockBidirectional,
			Exclusions: []reach.BlockExclusion{{ID: "x-w", VPC: "vpc-w", Mode: reach.AllowBidirectional}}}, reach.Indeterminate},
		{"block-ingress", reach.BlockPublicAccess{Mode: reach.BlockIngress}, reach.Indeterminate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, carrierDesign(t, tt.bpa), reach.Query{From: "edge", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
			require.Equal(t, tt.want, r.Outcome, r.Text())
			h := r.Forward[len(r.Forward)-1]
			assert.Equal(t, "cagw-1", h.ID, r.Text())
			if tt.want == reach.Unreachable {
				assert.Equal(t, []reach.Code{reach.VPCBlockPublicAccess}, r.Codes(), r.Text())
				assert.Contains(t, h.Reason(), "VPC Block Public Access is block-bidirectional, and neither subnet-w nor vpc-w is excluded", r.Text())
				assert.Contains(t, h.Fix, "exclusion for subnet-w (or vpc-w)", r.Text())
			} else {
				assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes(), r.Text())
			}
		})
	}
}
