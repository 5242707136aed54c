package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// AWS withholds the block of a VPC that overlaps another VPC's propagated
// before it (Amazon VPC Transit Gateways, "Amazon VPC attachments",
// Limits); a route a VPN (or Direct Connect gateway, Connect) attachment
// propagates does not stop it: both are kept, the longest prefix wins,
// and at the same prefix the VPC-propagated route wins over the
// VPN-propagated one ("How transit gateways work", Route evaluation
// order). A propagated blackhole names no attachment, so the VPC block it
// overlaps is undecided.
func TestTransitGatewayPropagationBesideOtherKinds(t *testing.T) {
	tests := []struct {
		name    string
		routes  []reach.TGWRoute
		to      string
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"a more specific VPN-propagated route inside vpc-b's block", []reach.TGWRoute{tgwRoute("10.2.1.0/24", "att-vpn", true)},
			"app-b2", reach.Reachable, nil},
		{"the more specific VPN-propagated route wins where it matches", []reach.TGWRoute{tgwRoute("10.2.1.0/24", "att-vpn", true)},
			"app-b", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}},
		{"an on-premises summary wider than vpc-b's block", []reach.TGWRoute{tgwRoute("10.0.0.0/8", "att-vpn", true)},
			"app-b", reach.Reachable, nil},
		{"the same prefix from the VPN: the VPC-propagated route wins", []reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-vpn", true)},
			"app-b", reach.Reachable, nil},
		{"listed both: the VPC-propagated route wins whatever the order", []reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-vpn", true), tgwRoute("10.2.0.0/16", "att-b", true)},
			"app-b", reach.Reachable, nil},
		{"a VPC-propagated route listed still withholds an overlapping VPC's block", []reach.TGWRoute{tgwRoute("10.2.1.0/24", "att-a", true)},
			"app-b2", reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"a static route still wins over both", []reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-vpn", true), tgwRoute("10.2.0.0/16", "", false)},
			"app-b", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"a propagated blackhole of unnamed attachment: the overlapping VPC block is undecided", []reach.TGWRoute{tgwRoute("10.2.1.0/24", "", true)},
			"app-b2", reach.Indeterminate, []reach.Code{reach.TGWPropagationUnknown}},
		{"a propagated blackhole drops what it matches", []reach.TGWRoute{tgwRoute("10.2.1.0/24", "", true)},
			"app-b", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			d.routes("tgw-rtb-1", tt.routes...)
			m := d.build(t)
			q := tcp("app-a", tt.to, 443)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// Propagated routes of one prefix: from attachments of different types
// AWS keeps both; two of one type, or one whose place in the evaluation
// order is unknown (a propagated blackhole), are refused as before.
func TestTransitGatewayPropagatedRoutesOfOnePrefix(t *testing.T) {
	tests := []struct {
		name   string
		routes []reach.TGWRoute
		ok     bool
	}{
		{"a VPC's and a VPN's", []reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-vpn", true), tgwRoute("10.5.0.0/16", "att-b", true)}, true},
		{"two VPCs'", []reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-a", true), tgwRoute("10.5.0.0/16", "att-b", true)}, false},
		{"a propagated blackhole and a VPN's", []reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-vpn", true), tgwRoute("10.5.0.0/16", "", true)}, false},
		{"a static and a propagated", []reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-vpn", false), tgwRoute("10.5.0.0/16", "att-b", true)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			d.atts[0].Propagations, d.atts[1].Propagations = nil, nil
			d.routes("tgw-rtb-1", tt.routes...)
			_, err := d.builder().Build()
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, "destination already routed by Routes[1]")
			}
		})
	}
}

// The set questions answer as Check does beside a VPN's propagated routes.
func TestTransitGatewayPropagationBesideOtherKindsSets(t *testing.T) {
	for _, r := range []reach.TGWRoute{tgwRoute("10.2.1.0/24", "att-vpn", true), tgwRoute("10.2.1.0/24", "", true)} {
		t.Run(r.Destination.String()+" "+r.Attachment, func(t *testing.T) {
			d := newTGWDesign()
			d.routes("tgw-rtb-1", r)
			brute.CheckSetAnswers(t, d.build(t), brute.Options{Few: true,
				Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-a", To: "app-b2", Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-b2", Protocol: flow.TCP, Port: 443}},
			})
		})
	}
}
