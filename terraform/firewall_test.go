package terraform_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

const firewallRules = "pass tcp any any -> $HOME_NET 443 (sid:1;)\ndrop tcp any any -> $HOME_NET any (sid:2;)"

// firewallPlan creates a web server behind a new Network Firewall: the
// firewall's rules pass HTTPS to the VPC and drop the rest of TCP.
func firewallPlan(t *testing.T) []byte {
	t.Helper()
	return firewallPlanWith(t, "STATEFUL", map[string]any{"rules_source": []any{map[string]any{"rules_string": firewallRules}}})
}

// firewallPlanWith is firewallPlan with a rule group of the given type and
// rule_group block, which the policy references (a stateless group at
// priority 1, its default forwarding to the stateful engine); each edit
// then changes the policy's firewall_policy block fp and its reference
// to the group, ref.
func firewallPlanWith(t *testing.T, typ string, group map[string]any, edits ...func(fp, ref map[string]any)) []byte {
	t.Helper()
	refAttr := "stateful_rule_group_reference"
	refBlock := map[string]any{}
	if typ == "STATELESS" {
		refAttr, refBlock = "stateless_rule_group_reference", map[string]any{"priority": 1}
	}
	fp := map[string]any{"stateless_default_actions": []any{"aws:forward_to_sfe"}, "stateless_fragment_default_actions": []any{"aws:forward_to_sfe"},
		refAttr: []any{refBlock}}
	for _, edit := range edits {
		edit(fp, refBlock)
	}
	priority := refBlock["priority"]
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
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.0.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
		{typ: "aws_internet_gateway", name: "gw", values: map[string]any{}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_subnet", name: "fw", values: map[string]any{"cidr_block": "10.0.0.0/28", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_subnet", name: "web", values: map[string]any{"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpc}},
		{typ: "aws_networkfirewall_rule_group", name: "web", values: map[string]any{"name": "web", "type": typ, "capacity": 10,
			"rule_group": []any{group}},
			unknown: map[string]any{"id": true, "arn": true}},
		{typ: "aws_networkfirewall_firewall_policy", name: "p", values: map[string]any{"name": "p", "firewall_policy": []any{fp}},
			unknown: map[string]any{"id": true, "arn": true, "firewall_policy": []any{map[string]any{refAttr: []any{map[string]any{"resource_arn": true}}}}},
			exprs: map[string]any{"firewall_policy": rawExpr{[]any{map[string]any{refAttr: []any{
				map[string]any{"priority": map[string]any{"constant_value": priority},
					"resource_arn": map[string]any{"references": ref("aws_networkfirewall_rule_group.web", "arn")}}}}}}}},
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

// TestRuleGroupKinds: every kind of rules_source a rule group can hold,
// read through package aws's reading of the API's shapes.
func TestRuleGroupKinds(t *testing.T) {
	opt := func(k string, v ...any) map[string]any { return map[string]any{"keyword": k, "settings": v} }
	tuple := func(action, port string, sid string) map[string]any {
		return map[string]any{"action": action, "rule_option": []any{opt("sid", sid)}, "header": []any{map[string]any{
			"protocol": "TCP", "source": "ANY", "source_port": "ANY", "direction": "FORWARD", "destination": "$WEB", "destination_port": port}}}
	}
	vars := []any{map[string]any{"ip_sets": []any{map[string]any{"key": "WEB", "ip_set": []any{map[string]any{"definition": []any{"10.0.1.0/24"}}}}}}}
	stateless := map[string]any{"stateless_rules_and_custom_actions": []any{map[string]any{"stateless_rule": []any{map[string]any{"priority": 1,
		"rule_definition": []any{map[string]any{"actions": []any{"aws:drop"}, "match_attributes": []any{map[string]any{
			"protocols": []any{6}, "destination_port": []any{map[string]any{"from_port": 22, "to_port": 22}},
			"destination": []any{map[string]any{"address_definition": "10.0.1.0/24"}}}}}}}}}}}
	for _, tc := range []struct {
		name, typ string
		group     map[string]any
	}{
		{"5-tuple rules with a rule variable", "STATEFUL", map[string]any{"rule_variables": vars,
			"rules_source": []any{map[string]any{"stateful_rule": []any{tuple("PASS", "443", "1"), tuple("DROP", "ANY", "2")}}}}},
		{"a rules string with a rule variable", "STATEFUL", map[string]any{"rule_variables": vars,
			"rules_source": []any{map[string]any{"rules_string": "pass tcp any any -> $WEB 443 (sid:1;)\ndrop tcp any any -> $WEB any (sid:2;)"}}}},
		{"stateless rules", "STATELESS", map[string]any{"rules_source": []any{stateless}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", firewallPlanWith(t, tc.typ, tc.group), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Contains(t, r.Codes(), reach.FirewallDrop, r.Text())
		})
	}
	t.Run("a domain list", func(t *testing.T) {
		list := map[string]any{"rules_source": []any{map[string]any{"rules_source_list": []any{map[string]any{
			"generated_rules_type": "ALLOWLIST", "target_types": []any{"TLS_SNI", "HTTP_HOST"}, "targets": []any{".example.com"}}}}}}
		m, err := terraform.Parse("plan.json", firewallPlanWith(t, "STATEFUL", list), nil)
		require.NoError(t, err)
		for _, tc := range []struct {
			domain string
			want   reach.Outcome
		}{{"www.example.com", reach.Reachable}, {"evil.test", reach.Unreachable}} {
			r, err := m.Check(reach.Query{From: "aws_instance.web", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: tc.domain})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, "%s: %s", tc.domain, r.Text())
		}
	})
}

// TestNetworkFirewallPlanEndpointIPType: the firewall's subnet_mapping
// ip_address_type reaches its endpoint. The plan is IPv4: IPV4 or no
// value (AWS picks it at apply; the subnet, without an IPv6 block, makes
// it IPV4) inspect it, as before; DUALSTACK or IPV6 in a subnet without
// an IPv6 block is an error naming the endpoint and the subnet (a
// mapping's type is its subnet's), unless the subnet's IPv6 block is
// known only after apply and left out of the model (a warning says so);
// a value AWS does not give is an error naming the attribute.
func TestNetworkFirewallPlanEndpointIPType(t *testing.T) {
	const mapping = `"subnet_mapping":[{}]`
	plan := string(firewallPlan(t))
	require.Contains(t, plan, mapping, "the plan's firewall has one subnet mapping (in its planned values and its change)")
	for _, tc := range []struct {
		typ       string
		v6Unknown bool // aws_subnet.fw's ipv6_cidr_block configured, known only after apply
		outcome   reach.Outcome
		err       string
	}{
		{typ: "", outcome: reach.Reachable},
		{typ: "IPV4", outcome: reach.Reachable},
		{typ: "DUALSTACK", err: "endpoint aws_networkfirewall_firewall.fw/eu-west-1a: subnet aws_subnet.fw has no IPv6 block, so its mapping cannot be DUALSTACK"},
		{typ: "IPV6", err: "endpoint aws_networkfirewall_firewall.fw/eu-west-1a: subnet aws_subnet.fw has no IPv6 block, so its mapping cannot be IPV6"},
		{typ: "DUALSTACK", v6Unknown: true, outcome: reach.Reachable},
		{typ: "ipv6", err: "subnet_mapping[0].ip_address_type"},
	} {
		t.Run(fmt.Sprintf("%s, IPv6 block unknown: %v", tc.typ, tc.v6Unknown), func(t *testing.T) {
			p := plan
			if tc.typ != "" {
				p = strings.ReplaceAll(plan, mapping, `"subnet_mapping":[{"ip_address_type":"`+tc.typ+`"}]`)
			}
			if tc.v6Unknown {
				p = withSubnetIPv6Unknown(t, p, "aws_subnet.fw")
			}
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", []byte(p), rep)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Contains(t, err.Error(), tc.typ)
				assert.NotContains(t, err.Error(), "no firewall endpoint", "the refused endpoint adds no problems of the routes to it")
				return
			}
			require.NoError(t, err)
			if tc.v6Unknown {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "subnet_mapping[0].ip_address_type: DUALSTACK, but aws_subnet.fw's IPv6 block is left out of the model")
			}
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.outcome, r.Outcome, r.Text())
			mismatch := false
			for _, h := range r.Undecided() {
				if h.Code == reach.FirewallEndpointIPType {
					mismatch = true
					assert.Contains(t, h.Missing, "IPAddressType "+tc.typ)
				}
			}
			assert.Equal(t, tc.outcome == reach.Indeterminate, mismatch, r.Text())
		})
	}
}

// withSubnetIPv6Unknown is plan with subnet addr's ipv6_cidr_block
// configured and known only after apply.
func withSubnetIPv6Unknown(t *testing.T, plan, addr string) string {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(plan), &p))
	found := 0
	for _, rc := range p["resource_changes"].([]any) {
		if rc := rc.(map[string]any); rc["address"] == addr {
			rc["change"].(map[string]any)["after_unknown"].(map[string]any)["ipv6_cidr_block"] = true
			found++
		}
	}
	for _, r := range p["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
		if r := r.(map[string]any); r["address"] == addr {
			r["expressions"].(map[string]any)["ipv6_cidr_block"] = map[string]any{"references": []any{"aws_vpc.main.ipv6_cidr_block", "aws_vpc.main"}}
			found++
		}
	}
	require.Equal(t, 2, found, "%s's change and configuration", addr)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return string(out)
}
