package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestVGWRoutePropagation: a route table with route propagation from a
// virtual private gateway (propagating_vgws, or an
// aws_vpn_gateway_route_propagation) gets at run time the routes the
// gateway learns, which no plan holds: a lookup such a route could change
// is undecided (ROUTE_INDETERMINATE), with a warning, not sent to the
// internet gateway for certain.
func TestVGWRoutePropagation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		plan    func() []planRes
		missing string
	}{
		{"propagating_vgws", func() []planRes {
			rs := existingPublicNet(false)
			rs[2].values["propagating_vgws"] = []any{"vgw-1"}
			rs[2].exprs["propagating_vgws"] = []any{"vgw-1"}
			return rs
		}, "aws_default_route_table.main: propagating_vgws[0] (the routes vgw-1 propagates at run time)"},
		{"propagating_vgws of a gateway the plan creates", func() []planRes {
			rs := existingPublicNet(false)
			rs[2].unknown = map[string]any{"propagating_vgws": true}
			rs[2].exprs["propagating_vgws"] = []string{"aws_vpn_gateway.vpn.id", "aws_vpn_gateway.vpn"}
			return append(rs, planRes{typ: "aws_vpn_gateway", name: "vpn", values: map[string]any{"vpc_id": "vpc-1"}, unknown: map[string]any{"id": true}})
		}, "aws_default_route_table.main: propagating_vgws (the routes aws_vpn_gateway.vpn propagates at run time)"},
		{"aws_vpn_gateway_route_propagation", func() []planRes {
			return append(existingPublicNet(false), planRes{typ: "aws_vpn_gateway_route_propagation", name: "p",
				values: map[string]any{"vpn_gateway_id": "vgw-1", "route_table_id": "rtb-main"}, unknown: map[string]any{"id": true}})
		}, "aws_vpn_gateway_route_propagation.p (the routes vgw-1 propagates at run time)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", planOf(t, append(tc.plan(), publicWeb())...), &rep)
			require.NoError(t, err)
			what, _, _ := strings.Cut(tc.missing, " (")
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), what+": route propagation from")
			r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.RouteIndeterminate}, r.Codes(), r.Text())
			assert.Contains(t, r.Text(), tc.missing)
		})
	}
	t.Run("a new table that does not set it", func(t *testing.T) {
		rs := existingPublicNet(false)
		rs[2].unknown = map[string]any{"propagating_vgws": true}
		m, err := terraform.Parse("plan.json", planOf(t, append(rs, publicWeb())...), nil)
		require.NoError(t, err)
		r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	})
}

// TestRouteToVGW: a route's gateway_id names an internet gateway or a
// virtual private gateway (vgw-…, or a reference to an aws_vpn_gateway),
// which reachsim does not model: a packet the route carries is undecided
// (UNMODELLED_TARGET), the rest keeps its answer.
func TestRouteToVGW(t *testing.T) {
	for _, tc := range []struct {
		name string
		plan func() []planRes
	}{
		{"vgw- ID", func() []planRes {
			rs := existingPublicNet(false)
			rs[2].values["route"] = append(rs[2].values["route"].([]any), map[string]any{"cidr_block": "192.168.0.0/16", "gateway_id": "vgw-1"})
			return rs
		}},
		{"aws_route to a gateway the plan creates", func() []planRes {
			return append(existingPublicNet(false),
				planRes{typ: "aws_vpn_gateway", name: "vpn", values: map[string]any{"vpc_id": "vpc-1"}, unknown: map[string]any{"id": true}},
				planRes{typ: "aws_route", name: "onprem", values: map[string]any{"route_table_id": "rtb-main", "destination_cidr_block": "192.168.0.0/16"},
					unknown: map[string]any{"id": true, "gateway_id": true},
					// after the adoption of rtb-main (planOf creates every resource)
					exprs: map[string]any{"gateway_id": []string{"aws_vpn_gateway.vpn.id", "aws_vpn_gateway.vpn"},
						"route_table_id": []string{"aws_default_route_table.main.id", "aws_default_route_table.main"}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(tc.plan(), publicWeb())...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.web", "192.168.1.1", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes(), r.Text())
			r, err = m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}
