package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

const firewallRules = "pass tcp any any -> $HOME_NET 443 (sid:1;)\ndrop tcp any any -> $HOME_NET any (sid:2;)"

// firewallPlan creates a web server behind a new Network Firewall: the
// firewall's rules pass HTTPS to the VPC and drop the rest of TCP.
func firewallPlan(t *testing.T) []byte {
	t.Helper()
	ref := func(addr string, attr ...string) []string {
		a := "id"
		if len(attr) > 0 {
			a = attr[0]
		}
		return []string{addr + "." + a, addr}
	}
	vpc := ref("aws_vpc.main")
	fwRef := ref("aws_networkfirewall_firewall.fw", "firewall_status")
	anyIn := map[string]any{"from_port": 0, "to_port": 65535, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}
	anyOut := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	rules := firewallRules
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.0.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
		{typ: "aws_internet_gateway", name: "gw", values: map[string]any{}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_subnet", name: "fw", values: map[string]any{"cidr_block": "10.0.0.0/28", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_subnet", name: "web", values: map[string]any{"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_networkfirewall_rule_group", name: "web", values: map[string]any{"name": "web", "type": "STATEFUL", "capacity": 10,
			"rule_group": []any{map[string]any{"rules_source": []any{map[string]any{"rules_string": rules}}}}},
			unknown: map[string]any{"id": true, "arn": true}},
		{typ: "aws_networkfirewall_firewall_policy", name: "p", values: map[string]any{"name": "p", "firewall_policy": []any{map[string]any{
			"stateless_default_actions": []any{"aws:forward_to_sfe"}, "stateless_fragment_default_actions": []any{"aws:forward_to_sfe"},
			"stateful_rule_group_reference": []any{map[string]any{}}}}},
			unknown: map[string]any{"id": true, "arn": true, "firewall_policy": []any{map[string]any{"stateful_rule_group_reference": []any{map[string]any{"resource_arn": true}}}}},
			exprs: map[string]any{"firewall_policy": rawExpr{[]any{map[string]any{"stateful_rule_group_reference": []any{
				map[string]any{"resource_arn": map[string]any{"references": ref("aws_networkfirewall_rule_group.web", "arn")}}}}}}}},
		{typ: "aws_networkfirewall_firewall", name: "fw", values: map[string]any{"name": "fw", "subnet_mapping": []any{map[string]any{}}},
			unknown: map[string]any{"id": true, "arn": true, "vpc_id": true, "firewall_policy_arn": true, "firewall_status": true, "subnet_mapping": []any{map[string]any{"subnet_id": true}}},
			exprs: map[string]any{"vpc_id": vpc, "firewall_policy_arn": ref("aws_networkfirewall_firewall_policy.p", "arn"),
				"subnet_mapping": rawExpr{[]any{map[string]any{"subnet_id": map[string]any{"references": ref("aws_subnet.fw")}}}}}},
		// the web subnet's routes go through the firewall, the firewall's out to the gateway,
		// and the gateway's edge table sends the web subnet's traffic to the firewall
		{typ: "aws_route_table", name: "web", values: map[string]any{"route": []any{map[string]any{"cidr_block": "0.0.0.0/0"}}},
			unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"vpc_endpoint_id": true}}}, exprs: map[string]any{"vpc_id": vpc, "route": fwRef}},
		{typ: "aws_route_table", name: "fw", values: map[string]any{"route": []any{map[string]any{"cidr_block": "0.0.0.0/0"}}},
			unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"gateway_id": true}}}, exprs: map[string]any{"vpc_id": vpc, "route": ref("aws_internet_gateway.gw")}},
		{typ: "aws_route_table", name: "edge", values: map[string]any{"route": []any{map[string]any{"cidr_block": "10.0.1.0/24"}}},
			unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"vpc_endpoint_id": true}}}, exprs: map[string]any{"vpc_id": vpc, "route": fwRef}},
		{typ: "aws_route_table_association", name: "web", values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
			exprs: map[string]any{"subnet_id": ref("aws_subnet.web"), "route_table_id": ref("aws_route_table.web")}},
		{typ: "aws_route_table_association", name: "fw", values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
			exprs: map[string]any{"subnet_id": ref("aws_subnet.fw"), "route_table_id": ref("aws_route_table.fw")}},
		{typ: "aws_route_table_association", name: "edge", values: map[string]any{}, unknown: map[string]any{"id": true, "gateway_id": true, "route_table_id": true},
			exprs: map[string]any{"gateway_id": ref("aws_internet_gateway.gw"), "route_table_id": ref("aws_route_table.edge")}},
		{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "ingress": []any{anyIn}, "egress": []any{anyOut}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc, "ingress": []string{}, "egress": []string{}}},
		{typ: "aws_instance", name: "web", values: map[string]any{"associate_public_ip_address": true, "tags": map[string]any{"Name": "web"}},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
			exprs:   map[string]any{"subnet_id": ref("aws_subnet.web"), "vpc_security_group_ids": ref("aws_security_group.web"), "associate_public_ip_address": true}},
	}
	return planOf(t, rs...)
}

// TestNetworkFirewallPlan: a new firewall inspects what the internet
// sends a web server, by ingress routing; its endpoint's ID is known only
// after apply, so the routes that refer to the firewall are bound to its
// endpoint in their subnets' zone.
func TestNetworkFirewallPlan(t *testing.T) {
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", firewallPlan(t), rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_route_table.edge: the route for 10.0.1.0/24 goes to aws_networkfirewall_firewall.fw's endpoint in eu-west-1a")
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "network-firewall aws_networkfirewall_firewall.fw/eu-west-1a")
	for _, h := range r.Forward {
		if h.Kind == reach.KindFirewall {
			assert.Contains(t, strings.Join(h.Details(), "\n"), "aws_networkfirewall_firewall.fw's endpoint in eu-west-1a (aws_subnet.fw): its ID is known only after apply",
				"the trace says how the route found it")
		}
	}
	r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Contains(t, r.Codes(), reach.FirewallDrop, r.Text())
	assert.Contains(t, r.Text(), "sid 2")
}
