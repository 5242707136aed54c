package terraform_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestKeptRouteToGoneInterface: TestKeptRouteTargets' design, whose
// rtb-priv keeps 0.0.0.0/0 -> network_interface_id eni-web, a route AWS
// holds and the configuration leaves out. Terminating an instance deletes
// the primary network interface it made at launch, so a kept route to the
// primary interface of an instance the plan deletes or replaces (the new
// instance launches with a new interface, of another ID) has no target
// after apply, and AWS keeps it as a blackhole (EC2 Route.State:
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html),
// as it does a route to a deleted aws_network_interface: Unreachable,
// BLACKHOLE_ROUTE. An interface the instance was launched with whose
// delete_on_termination is false outlives it, detached, and the plan does
// not hold it: indeterminate. An existing instance whose planned
// primary_network_interface_id is known only after apply keeps the
// interface the prior state names (a primary interface cannot be
// detached); without a prior state, the route may be to it: indeterminate,
// and the warning says so. A new instance's interface cannot be the
// target of a route that exists before apply.
func TestKeptRouteToGoneInterface(t *testing.T) {
	webENI := func() planRes {
		web := publicWeb()
		web.values["primary_network_interface_id"] = "eni-web"
		return web
	}
	newWeb := planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
		"associate_public_ip_address": true},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "primary_network_interface_id": true}}
	setBefore := func(t *testing.T, plan []byte, addr string, before map[string]any) []byte {
		return planEdit(t, plan, func(p map[string]any) {
			for _, c := range p["resource_changes"].([]any) {
				if c.(map[string]any)["address"] == addr {
					c.(map[string]any)["change"].(map[string]any)["before"] = before
				}
			}
		})
	}
	replaced := func(actions ...string) func(t *testing.T, rs []planRes) []byte {
		return func(t *testing.T, rs []planRes) []byte {
			plan := changePlan(t, nil, map[string][]string{"aws_instance.web": actions}, nil, append(rs, newWeb)...)
			return setBefore(t, plan, "aws_instance.web", webENI().values)
		}
	}
	// updated is aws_instance.web updated in place, its planned
	// primary_network_interface_id known only after apply; the prior
	// state holds it when prior is set.
	updated := func(prior bool) func(t *testing.T, rs []planRes) []byte {
		return func(t *testing.T, rs []planRes) []byte {
			web := publicWeb()
			web.unknown = map[string]any{"primary_network_interface_id": true}
			plan := changePlan(t, map[string]map[string]any{"aws_instance.web": webENI().values}, nil, nil, append(rs, web)...)
			if !prior {
				return plan
			}
			return planEdit(t, plan, func(p map[string]any) {
				p["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": []any{
					map[string]any{"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web", "values": webENI().values}}}}}
			})
		}
	}
	for _, tc := range []struct {
		name string
		plan func(t *testing.T, rs []planRes) []byte
		want reach.Outcome
		code reach.Code
		warn string // in the warnings
	}{
		{"instance the plan deletes", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, []planRes{webENI()}, rs...)
		}, reach.Unreachable, reach.BlackholeRoute, "the plan deletes or replaces aws_instance.web, whose primary network interface eni-web is deleted with it"},
		{"network interface the plan deletes", func(t *testing.T, rs []planRes) []byte {
			eni := planRes{typ: "aws_network_interface", name: "web", values: map[string]any{"id": "eni-web", "subnet_id": "subnet-1",
				"security_groups": []any{"sg-1"}, "private_ips": []any{"10.1.1.20"}, "source_dest_check": false}}
			return changePlan(t, nil, nil, []planRes{eni}, rs...)
		}, reach.Unreachable, reach.BlackholeRoute, "the plan deletes or replaces aws_network_interface.web"},
		{"instance the plan replaces", replaced("delete", "create"), reach.Unreachable, reach.BlackholeRoute,
			"the plan deletes or replaces aws_instance.web, whose primary network interface eni-web is deleted with it"},
		{"instance the plan replaces, create before destroy", replaced("create", "delete"), reach.Unreachable, reach.BlackholeRoute,
			"the plan deletes or replaces aws_instance.web"},
		{"instance the plan deletes, launched with an interface that outlives it", func(t *testing.T, rs []planRes) []byte {
			web := webENI()
			web.values = maps.Clone(web.values)
			web.values["network_interface"] = []any{map[string]any{"device_index": 0, "network_card_index": 0, "network_interface_id": "eni-web",
				"delete_on_termination": false}}
			return changePlan(t, nil, nil, []planRes{web}, rs...)
		}, reach.Indeterminate, reach.UnmodelledTarget, "whose primary network interface eni-web outlives it"},
		{"instance updated in place, interface known only after apply, in the prior state", updated(true), reach.Unreachable, reach.SourceDestCheck, ""},
		{"instance updated in place, interface known only after apply, no prior state", updated(false), reach.Indeterminate, reach.UnmodelledTarget,
			"the plan does not hold eni-web (unless it is the primary network interface of aws_instance.web, which the plan knows only after apply)"},
		{"instance the plan creates, interface known only after apply", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, map[string][]string{"aws_instance.web": {"create"}}, nil, append(rs, newWeb)...)
		}, reach.Indeterminate, reach.UnmodelledTarget, "the plan does not hold eni-web, so"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			route := igwRoute()
			route["gateway_id"], route["network_interface_id"] = "", "eni-web"
			rs := append(existingPublicNet(false),
				planRes{typ: "aws_subnet", name: "priv", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}},
				planRes{typ: "aws_route_table", name: "priv", values: map[string]any{"id": "rtb-priv", "vpc_id": "vpc-1", "route": []any{route}},
					exprs: map[string]any{"vpc_id": "vpc-1"}},
				planRes{typ: "aws_route_table_association", name: "priv", values: map[string]any{"id": "rtbassoc-2", "subnet_id": "subnet-2",
					"route_table_id": "rtb-priv", "gateway_id": ""}, exprs: map[string]any{"subnet_id": "subnet-2", "route_table_id": "rtb-priv"}},
				planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-2", "subnet_id": "subnet-2", "vpc_security_group_ids": []any{"sg-1"},
					"private_ip": "10.1.2.10", "public_ip": "", "associate_public_ip_address": false}})
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", tc.plan(t, rs), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "198.51.100.7", 443))
			require.NoError(t, err)
			warnings := strings.Join(rep.Warnings, "\n")
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings:\n%s", r.Text(), warnings)
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			if tc.warn != "" {
				assert.Contains(t, warnings, "aws_route_table.priv: route 0.0.0.0/0 -> eni-web")
				assert.Contains(t, warnings, tc.warn)
			}
			if tc.code == reach.UnmodelledTarget && !strings.Contains(tc.name, "no prior state") {
				assert.NotContains(t, warnings, "unless it is", "only an existing instance's unknown interface may be the target")
			}
		})
	}
}
