package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// plRoute is a route of a reference to prefix list pl in a transit
// gateway route table: to att, or a blackhole when att is "".
func plRoute(dest, att, pl string) reach.TGWRoute {
	return reach.TGWRoute{Destination: pfx(dest), Attachment: att, PrefixList: pl, Blackhole: att == ""}
}

// withPeering is newTGWDesign with a peering attachment (a transit
// gateway peering or Cloud WAN), att-peer.
func withPeering() *tgwDesign {
	d := newTGWDesign()
	d.atts = append(d.atts, reach.TGWAttachment{ID: "att-peer", TransitGateway: "tgw-1", Type: "peering"})
	return d
}

// AWS ranks the routes of one prefix in a transit gateway route table:
// static, then a prefix list reference's, then VPC-, Direct Connect
// gateway-, Connect-, VPN-, peering-propagated (Amazon VPC Transit
// Gateways, "How transit gateways work", Route evaluation order). vpc-b's
// 10.2.0.0/16 is propagated by att-b in every case.
func TestTransitGatewayPrefixListRouteRank(t *testing.T) {
	tests := []struct {
		name    string
		routes  []reach.TGWRoute
		to      string
		outcome reach.Outcome
		codes   []reach.Code
		rule    string // the transit gateway hop's rule, when it matters
	}{
		{"a prefix list's route to the VPN beats the VPC-propagated route",
			[]reach.TGWRoute{plRoute("10.2.0.0/16", "att-vpn", "pl-onprem")},
			"app-b", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, "10.2.0.0/16 via att-vpn (prefix list pl-onprem)"},
		{"a prefix list's blackhole beats the VPC-propagated route",
			[]reach.TGWRoute{plRoute("10.2.0.0/16", "", "pl-drop")},
			"app-b", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}, "10.2.0.0/16 blackhole (prefix list pl-drop)"},
		{"a static route beats a prefix list's",
			[]reach.TGWRoute{plRoute("10.2.0.0/16", "att-vpn", "pl-onprem"), tgwRoute("10.2.0.0/16", "att-b", false)},
			"app-b", reach.Reachable, nil, "10.2.0.0/16 via att-b (static)"},
		{"a static blackhole beats a prefix list's route",
			[]reach.TGWRoute{plRoute("10.2.0.0/16", "att-b", "pl-b"), tgwRoute("10.2.0.0/16", "", false)},
			"app-b", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}, "10.2.0.0/16 blackhole (static)"},
		{"a longer VPC-propagated prefix beats a prefix list's wider route",
			[]reach.TGWRoute{plRoute("10.0.0.0/8", "att-vpn", "pl-onprem")},
			"app-b", reach.Reachable, nil, "10.2.0.0/16 via att-b (propagated)"},
		{"a prefix list's route to the destination's own attachment",
			[]reach.TGWRoute{plRoute("10.2.0.0/16", "att-b", "pl-b")},
			"app-b", reach.Reachable, nil, "10.2.0.0/16 via att-b (prefix list pl-b)"},
		{"a peering-propagated route loses to the VPC-propagated one",
			[]reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-peer", true)},
			"app-b", reach.Reachable, nil, "10.2.0.0/16 via att-b (propagated)"},
		{"a peering-propagated route loses to a VPN-propagated one",
			[]reach.TGWRoute{tgwRoute("10.7.0.0/16", "att-peer", true), tgwRoute("10.7.0.0/16", "att-vpn", true)},
			"10.7.0.1", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, "10.7.0.0/16 via att-vpn (propagated)"},
		{"a prefix list's blackhole beats a peering-propagated route",
			[]reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-peer", true), plRoute("10.2.0.0/16", "", "pl-drop")},
			"app-b", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}, "10.2.0.0/16 blackhole (prefix list pl-drop)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := withPeering()
			d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("10.7.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
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
			var rules []string
			for _, h := range r.Forward {
				if h.Kind == reach.KindTransitGateway {
					rules = append(rules, h.Rule)
				}
			}
			require.NotEmpty(t, rules, r.Text())
			assert.Equal(t, tt.rule, rules[0], r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// Build takes routes of one prefix and different ranks, as AWS holds
// them; two of one prefix and one rank between distinct targets it
// refuses, as before (ECMP is not modelled).
func TestTransitGatewayPrefixListRoutesOfOnePrefix(t *testing.T) {
	tests := []struct {
		name   string
		routes []reach.TGWRoute
		err    string // "" when Build takes them
	}{
		{"a prefix list's route to the VPN and a VPC-propagated route",
			[]reach.TGWRoute{plRoute("10.5.0.0/16", "att-vpn", "pl-1"), tgwRoute("10.5.0.0/16", "att-b", true)}, ""},
		{"a prefix list's blackhole and a VPC-propagated route",
			[]reach.TGWRoute{plRoute("10.5.0.0/16", "", "pl-1"), tgwRoute("10.5.0.0/16", "att-b", true)}, ""},
		{"a prefix list's route to another VPC and a VPC-propagated route",
			[]reach.TGWRoute{plRoute("10.5.0.0/16", "att-a", "pl-1"), tgwRoute("10.5.0.0/16", "att-b", true)}, ""},
		{"a prefix list's route and a propagated blackhole",
			[]reach.TGWRoute{plRoute("10.5.0.0/16", "att-a", "pl-1"), tgwRoute("10.5.0.0/16", "", true)}, ""},
		{"a static route and a prefix list's",
			[]reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-a", false), plRoute("10.5.0.0/16", "att-vpn", "pl-1")}, ""},
		{"a peering-propagated and a VPC-propagated route",
			[]reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-peer", true), tgwRoute("10.5.0.0/16", "att-b", true)}, ""},
		{"routes of two prefix lists of one prefix",
			[]reach.TGWRoute{plRoute("10.5.0.0/16", "att-a", "pl-1"), plRoute("10.5.0.0/16", "att-vpn", "pl-2")}, "destination already routed by Routes[1]"},
		{"a peering-propagated route and a propagated blackhole",
			[]reach.TGWRoute{tgwRoute("10.5.0.0/16", "att-peer", true), tgwRoute("10.5.0.0/16", "", true)}, "destination already routed by Routes[1]"},
		{"a prefix list's route marked propagated",
			[]reach.TGWRoute{{Destination: pfx("10.5.0.0/16"), Attachment: "att-a", PrefixList: "pl-1", Propagated: true}},
			"a route of a prefix list reference is not propagated by an attachment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := withPeering()
			d.atts[0].Propagations, d.atts[1].Propagations = nil, nil
			d.routes("tgw-rtb-1", tt.routes...)
			_, err := d.builder().Build()
			if tt.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, reach.ErrTopology)
				require.ErrorContains(t, err, tt.err)
			}
		})
	}
}

// The set questions answer as Check does beside a prefix list's routes.
func TestTransitGatewayPrefixListRouteSets(t *testing.T) {
	for _, r := range []reach.TGWRoute{plRoute("10.2.1.0/24", "att-vpn", "pl-onprem"), plRoute("10.2.0.0/16", "", "pl-drop"), plRoute("10.2.0.0/16", "att-vpn", "pl-onprem")} {
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
