package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// A prefix list reference in a transit gateway route table shows each
// entry of the list as a route of its own, of type propagated, with
// PrefixListId set (Amazon VPC Transit Gateways, "View prefix list
// references"; EC2 API TransitGatewayRoute.prefixListId). AWS ranks it
// after a static route and before every propagated one of its prefix,
// and ranks a peering's propagated route after a VPC's ("How transit
// gateways work", Route evaluation order). tgw-rtb-main holds the hub
// VPC's propagated 10.50.0.0/16 beside each route added here.
func TestLoadTransitGatewayPrefixListRoutes(t *testing.T) {
	tests := []struct {
		name    string
		routes  []string
		to      string
		outcome reach.Outcome
		codes   []reach.Code
		rule    string // the transit gateway hop's rule ("" when the table is undecided)
	}{
		{"a prefix list's route to the VPN beats the hub's VPC-propagated route",
			[]string{`{"DestinationCidrBlock": "10.50.0.0/16", "PrefixListId": "pl-0onprem", "TransitGatewayAttachments": [{"ResourceId": "vpn-0office", "TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceType": "vpn"}], "Type": "propagated", "State": "active"}`},
			"hub-1", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, "10.50.0.0/16 via tgw-attach-vpn (prefix list pl-0onprem)"},
		{"a prefix list's blackhole beats the hub's VPC-propagated route",
			[]string{`{"DestinationCidrBlock": "10.50.0.0/16", "PrefixListId": "pl-0drop", "Type": "propagated", "State": "blackhole"}`},
			"hub-1", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}, "10.50.0.0/16 blackhole (prefix list pl-0drop)"},
		{"a prefix list's route to another VPC's attachment is taken",
			[]string{`{"DestinationCidrBlock": "10.50.0.0/16", "PrefixListId": "pl-0x", "TransitGatewayAttachments": [{"ResourceId": "vpc-demo", "TransitGatewayAttachmentId": "tgw-attach-demo", "ResourceType": "vpc"}], "Type": "propagated", "State": "active"}`},
			// back into the demo VPC, whose attachment subnet routes it to
			// its internet gateway
			"hub-1", reach.Unreachable, []reach.Code{reach.PrivateAddressOnInternet}, "10.50.0.0/16 via tgw-attach-demo (prefix list pl-0x)"},
		{"a static route beats a prefix list's",
			[]string{`{"DestinationCidrBlock": "10.50.0.0/16", "PrefixListId": "pl-0onprem", "TransitGatewayAttachments": [{"ResourceId": "vpn-0office", "TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceType": "vpn"}], "Type": "propagated", "State": "active"}`,
				`{"DestinationCidrBlock": "10.50.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "vpc-hub", "TransitGatewayAttachmentId": "tgw-attach-hub", "ResourceType": "vpc"}], "Type": "static", "State": "active"}`},
			"hub-1", reach.Reachable, []reach.Code{}, "10.50.0.0/16 via tgw-attach-hub (static)"},
		{"a peering attachment's propagated route loses to the hub's VPC-propagated route",
			[]string{`{"DestinationCidrBlock": "10.50.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "core-network-1", "TransitGatewayAttachmentId": "tgw-attach-peer", "ResourceType": "peering"}], "Type": "propagated", "State": "active"}`},
			"hub-1", reach.Reachable, []reach.Code{}, "10.50.0.0/16 via tgw-attach-hub (propagated)"},
		// As before the fix: no CIDR, no addresses; what the table routes
		// is undecided.
		{"a prefix list's route with no DestinationCidrBlock",
			[]string{`{"PrefixListId": "pl-0onprem", "TransitGatewayAttachments": [{"ResourceId": "vpn-0office", "TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceType": "vpn"}], "Type": "propagated", "State": "active"}`},
			"hub-1", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
				for _, r := range tt.routes {
					loadAppend(doc, loadJSON(r), "Routes")
				}
			})
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			for _, w := range rep.Warnings {
				if tt.rule != "" {
					assert.NotContains(t, w, "tgw-rtb-main", "a prefix list's route with its CIDR is read whole")
				}
			}
			r, err := m.Check(tgwQuery(tt.to))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes != nil {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			var rules []string
			for _, h := range r.Forward {
				if h.Kind == reach.KindTransitGateway {
					rules = append(rules, h.Rule)
				}
			}
			require.NotEmpty(t, rules, r.Text())
			assert.Equal(t, tt.rule, rules[0], r.Text())
		})
	}
}
