package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// withVPNPropagation is newTGWDesign where att-vpn advertises by BGP: its
// static 10.9.0.0/16 route gone, it propagates to tgw-rtb-1, which is not
// listed whole.
func withVPNPropagation() *tgwDesign {
	d := newTGWDesign()
	d.tgwRTs[0].Routes = nil
	d.atts[2].Propagations = []string{"tgw-rtb-1"}
	return d
}

// A VPN, Direct Connect gateway or Connect attachment that propagates to
// a transit gateway route table adds the routes its peer advertises
// (Amazon VPC Transit Gateways, "How transit gateways work": route
// propagation, Route evaluation order), which a table not listed whole
// does not hold. A lookup such a route could decide (none found, or one
// a longer prefix, or one of its prefix earlier in the evaluation
// order, would beat) is undecided, never a certain TGW_NO_ROUTE.
func TestTransitGatewayHiddenPropagatedRoutes(t *testing.T) {
	tests := []struct {
		name    string
		d       func() *tgwDesign
		to      string
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"a VPN propagates, no route for the destination", withVPNPropagation,
			"10.9.1.1", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}},
		{"a VPN propagates: a longer prefix may beat the VPC's block", withVPNPropagation,
			"app-b", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}},
		{"a static host route: nothing beats it", func() *tgwDesign {
			d := withVPNPropagation()
			d.routes("tgw-rtb-1", tgwRoute("10.9.1.1/32", "", false))
			return d
		}, "10.9.1.1", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"a VPN-propagated host route listed, a Direct Connect gateway's of that prefix would win", func() *tgwDesign {
			d := withVPNPropagation()
			d.atts[2].Propagations = nil
			d.atts = append(d.atts, reach.TGWAttachment{ID: "att-dx", TransitGateway: "tgw-1", Type: "direct-connect-gateway", Propagations: []string{"tgw-rtb-1"}})
			d.routes("tgw-rtb-1", tgwRoute("10.2.1.10/32", "att-vpn", true))
			return d
		}, "app-b", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}},
		{"a VPC attachment whose VPC is not in the input propagates", func() *tgwDesign {
			d := withVPNPropagation()
			d.atts[2].Propagations = nil
			d.atts = append(d.atts, reach.TGWAttachment{ID: "att-x", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-x", Missing: "vpc-x (another account's)", Propagations: []string{"tgw-rtb-1"}})
			return d
		}, "10.9.1.1", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}},
		{"the table listed whole: its routes are all there", func() *tgwDesign {
			d := withVPNPropagation()
			d.tgwRTs[0].Listed = true
			d.routes("tgw-rtb-1", tgwRoute("10.1.0.0/16", "att-a", true), tgwRoute("10.2.0.0/16", "att-b", true))
			return d
		}, "10.9.1.1", reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"the VPN propagates to another table: certain", func() *tgwDesign {
			d := withVPNPropagation()
			d.atts[2].Propagations = []string{"tgw-rtb-iso"}
			return d
		}, "10.9.1.1", reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d().build(t)
			q := tcp("app-a", tt.to, 443)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			for _, h := range r.Undecided() {
				assert.NotEmpty(t, h.Missing, "an undecided hop names what is missing")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The set questions answer beside hidden propagated routes as Check does.
func TestTransitGatewayHiddenPropagatedRoutesSets(t *testing.T) {
	brute.CheckSetAnswers(t, withVPNPropagation().build(t), brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-a", To: "10.9.1.1", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a", Protocol: flow.TCP, Port: 443}},
	})
}

// The words of a lookup hidden routes leave undecided: the verb agrees
// with the attachments named, and the fix holds for a design of either
// origin (an AWS dump's table listed whole, a Terraform plan, which
// never holds what a peer advertises).
func TestTransitGatewayHiddenRoutesWording(t *testing.T) {
	two := func() *tgwDesign {
		d := withVPNPropagation()
		d.atts = append(d.atts, reach.TGWAttachment{ID: "att-dx", TransitGateway: "tgw-1", Type: "direct-connect-gateway", Propagations: []string{"tgw-rtb-1"}})
		return d
	}
	for _, tt := range []struct {
		name                string
		d                   func() *tgwDesign
		why, missing, fixOf string
	}{
		{"one attachment", withVPNPropagation, "but att-vpn propagates routes to it the input does not hold", "the routes att-vpn propagates to tgw-rtb-1",
			"a Terraform plan cannot show what att-vpn propagates), or stop propagation from att-vpn to tgw-rtb-1"},
		{"two attachments", two, "but att-vpn, att-dx propagate routes to it the input does not hold", "the routes att-vpn, att-dx propagate to tgw-rtb-1",
			"a Terraform plan cannot show what att-vpn, att-dx propagate), or stop propagation from att-vpn, att-dx to tgw-rtb-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, tt.d().build(t), tcp("app-a", "10.9.1.1", 443))
			hs := r.Undecided()
			require.Len(t, hs, 1, r.Text())
			assert.Contains(t, hs[0].Missing, tt.missing, r.Text())
			assert.Contains(t, r.Text(), tt.why)
			assert.Contains(t, hs[0].Fix, "list the routes AWS holds in tgw-rtb-1 once applied (aws ec2 search-transit-gateway-routes")
			assert.Contains(t, hs[0].Fix, tt.fixOf)
			assert.Contains(t, hs[0].Fix, "(Terraform: aws_ec2_transit_gateway_route)")
		})
	}
}
