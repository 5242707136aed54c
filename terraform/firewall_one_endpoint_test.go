package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestRouteToAFirewallWithOneEndpoint: a route to a firewall endpoint
// whose ID is known only after apply, in a table that serves subnets of
// two zones, was refused (the zones name no one endpoint); a firewall with
// one endpoint leaves the route no other, so it is that endpoint's, with a
// warning (audit tffw19 finding 7).
func TestRouteToAFirewallWithOneEndpoint(t *testing.T) {
	var p map[string]any
	require.NoError(t, json.Unmarshal(firewallPlan(t), &p))
	vpc := []any{"aws_vpc.main.id", "aws_vpc.main"}
	add := func(typ, name string, values, unknown, exprs map[string]any) {
		addr := typ + "." + name
		pv := p["planned_values"].(map[string]any)["root_module"].(map[string]any)
		pv["resources"] = append(pv["resources"].([]any), map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "values": values})
		p["resource_changes"] = append(p["resource_changes"].([]any), map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": []any{"create"}, "after": values, "after_unknown": unknown}})
		cr := p["configuration"].(map[string]any)["root_module"].(map[string]any)
		cr["resources"] = append(cr["resources"].([]any), map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "expressions": exprs, "provider_config_key": "aws"})
	}
	// a second subnet, in another zone, served by the web table too
	add("aws_subnet", "web2", map[string]any{"cidr_block": "10.0.2.0/24", "availability_zone": "eu-west-1b"},
		map[string]any{"id": true, "vpc_id": true}, map[string]any{"vpc_id": map[string]any{"references": vpc}})
	add("aws_route_table_association", "web2", map[string]any{}, map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
		map[string]any{"subnet_id": map[string]any{"references": []any{"aws_subnet.web2.id", "aws_subnet.web2"}},
			"route_table_id": map[string]any{"references": []any{"aws_route_table.web.id", "aws_route_table.web"}}})
	plan, err := json.Marshal(p)
	require.NoError(t, err)
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "one endpoint (its ID is known only after apply)")
}
