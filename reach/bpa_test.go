package reach_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

func TestBlockPublicAccess(t *testing.T) {
	bpa := reach.VPCBlockPublicAccess
	excl := func(subnet string, mode reach.ExclusionMode) []reach.BlockExclusion {
		x := reach.BlockExclusion{ID: "vpcbpa-exclude-1", Subnet: subnet, Mode: mode}
		if subnet == "vpc-g" {
			x.VPC, x.Subnet = subnet, ""
		}
		return []reach.BlockExclusion{x}
	}
	// in: from the internet to web; out: web to the internet, directly;
	// nat: app to the internet through the NAT gateway (in subnet-pub).
	type want struct{ in, out, nat []reach.Code }
	for _, tt := range []struct {
		name string
		bpa  reach.BlockPublicAccess
		want want
	}{
		{"off", reach.BlockPublicAccess{}, want{}},
		{"block-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional},
			want{[]reach.Code{bpa}, []reach.Code{bpa}, []reach.Code{bpa}}},
		{"block-bidirectional, subnet excluded allow-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("subnet-pub", reach.AllowBidirectional)},
			want{}},
		{"block-bidirectional, VPC excluded allow-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("vpc-g", reach.AllowBidirectional)},
			want{}},
		{"block-bidirectional, subnet excluded allow-egress", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("subnet-pub", reach.AllowEgress)},
			want{in: []reach.Code{bpa}}},
		{"block-bidirectional, another subnet excluded", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("subnet-priv", reach.AllowBidirectional)},
			want{[]reach.Code{bpa}, []reach.Code{bpa}, []reach.Code{bpa}}}, // the NAT gateway's subnet decides
		{"block-ingress", reach.BlockPublicAccess{Mode: reach.BlockIngress},
			want{in: []reach.Code{bpa}, out: []reach.Code{bpa.OnLeg(reach.Return)}}},
		{"block-ingress, subnet excluded allow-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: excl("subnet-pub", reach.AllowBidirectional)},
			want{}},
		{"block-ingress, subnet excluded allow-egress (no effect)", reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: excl("subnet-pub", reach.AllowEgress)},
			want{in: []reach.Code{bpa}, out: []reach.Code{bpa.OnLeg(reach.Return)}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gateways(tt.bpa).Build()
			require.NoError(t, err)
			for _, v := range []verdict{
				{"8.8.8.8", "web", flow.TCP, tt.want.in},
				{"web", "8.8.8.8", flow.TCP, tt.want.out},
				{"app", "8.8.8.8", flow.TCP, tt.want.nat},
			} {
				r := v.run(t, m)
				for _, b := range r.Blocks {
					assert.Equal(t, reach.KindInternetGateway, b.Kind, "%s: BPA blocks at the internet gateway", r.Flow)
					assert.NotEmpty(t, b.Fix)
				}
			}
		})
	}
}

func TestBlockPublicAccessIsChecked(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    reach.BlockExclusion
		want string
	}{
		{"unknown subnet", reach.BlockExclusion{ID: "x-1", Subnet: "subnet-nope"}, "blockPublicAccess.Exclusions[0].Subnet (x-1): \"subnet-nope\": invalid topology: unknown subnet"},
		{"unknown VPC", reach.BlockExclusion{ID: "x-1", VPC: "vpc-nope"}, "unknown VPC"},
		{"both", reach.BlockExclusion{ID: "x-1", VPC: "vpc-g", Subnet: "subnet-pub"}, "an exclusion names a VPC or a subnet"},
		{"bad mode", reach.BlockExclusion{ID: "x-1", VPC: "vpc-g", Mode: 7}, "unknown exclusion mode"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gateways(reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: []reach.BlockExclusion{tt.x}}).Build()
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := gateways(reach.BlockPublicAccess{Mode: 9}).Build()
	assert.ErrorContains(t, err, "unknown Block Public Access mode")
	two := []reach.BlockExclusion{{ID: "x-1", VPC: "vpc-g"}, {ID: "x-2", VPC: "vpc-g", Mode: reach.AllowEgress}}
	_, err = gateways(reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: two}).Build()
	assert.ErrorContains(t, err, "vpc-g already has exclusion x-1")
	m, err := gateways(reach.BlockPublicAccess{Mode: reach.BlockIngress, Exclusions: []reach.BlockExclusion{{ID: "x-2", Subnet: "subnet-pub"}, {ID: "x-1", VPC: "vpc-g"}}}).Build()
	require.NoError(t, err)
	got := m.BlockPublicAccess()
	assert.Equal(t, reach.BlockIngress, got.Mode)
	assert.Equal(t, []string{"x-2", "x-1"}, []string{got.Exclusions[0].ID, got.Exclusions[1].ID}, "sorted by VPC, then subnet: subnet exclusions (no VPC) first")
	assert.Equal(t, "block-ingress", fmt.Sprint(got.Mode))
	assert.Equal(t, "allow-egress", reach.AllowEgress.String())
}

// AWS: block-bidirectional blocks traffic to and from egress-only
// internet gateways as it does internet gateways; block-ingress lets
// egress-only gateways through (they carry only connections their side
// opens); exclusions apply as at an internet gateway.
func TestBlockPublicAccessAtEgressOnlyInternetGateway(t *testing.T) {
	bpa := reach.VPCBlockPublicAccess
	excl := func(target string, mode reach.ExclusionMode) []reach.BlockExclusion {
		x := reach.BlockExclusion{ID: "vpcbpa-exclude-1", Subnet: target, Mode: mode}
		if target == "vpc-g" {
			x.VPC, x.Subnet = target, ""
		}
		return []reach.BlockExclusion{x}
	}
	for _, tt := range []struct {
		name string
		bpa  reach.BlockPublicAccess
		out  []reach.Code // app to the internet over IPv6, through eigw-g (nil: reachable, reply included)
	}{
		{"off", reach.BlockPublicAccess{}, nil},
		{"block-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional}, []reach.Code{bpa}},
		{"block-bidirectional, subnet excluded allow-egress", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("subnet-priv", reach.AllowEgress)}, nil},
		{"block-bidirectional, VPC excluded allow-bidirectional", reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: excl("vpc-g", reach.AllowBidirectional)}, nil},
		{"block-ingress: the request and its reply pass", reach.BlockPublicAccess{Mode: reach.BlockIngress}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gwBuilder(gwDesign(), false).SetBlockPublicAccess(tt.bpa).Build()
			require.NoError(t, err)
			r := verdict{"app", "2001:db8:ff::7", flow.TCP, tt.out}.run(t, m)
			for _, b := range r.Blocks {
				assert.Equal(t, reach.KindEgressOnlyInternetGateway, b.Kind, "BPA blocks at the egress-only internet gateway")
				assert.Equal(t, "eigw-g", b.ID)
				assert.Contains(t, b.Fix, "exclusion for subnet-priv")
			}
			// nothing from the internet comes in through it, whatever the mode
			verdict{"2001:db8:ff::7", "app", flow.TCP, []reach.Code{reach.EgressOnlyNoInbound}}.run(t, m)
		})
	}
}
