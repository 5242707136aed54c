package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestUnknownRuleValues: a rule whose CIDR blocks, or ports, Terraform
// knows only after apply leaves indeterminate exactly the queries it
// alone could allow.
func TestUnknownRuleValues(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	plan := func(ingress map[string]any, unknownIngress map[string]any) []byte {
		out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
		rs := []planRes{
			{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_security_group", name: "db", values: map[string]any{"name": "db", "ingress": []any{ingress}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true, "ingress": []any{unknownIngress}},
				exprs:   map[string]any{"vpc_id": vpcRef, "ingress": []string{"var.allowed"}, "egress": []string{}}},
			{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		}
		for i, n := range []string{"app", "db"} {
			rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"private_ip": []string{"10.1.1.10", "10.1.1.20"}[i]},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"},
					"vpc_security_group_ids": []string{"aws_security_group." + n + ".id", "aws_security_group." + n}}})
		}
		return planOf(t, rs...)
	}
	check := func(m *reach.Model, from string, port uint16) *reach.Result {
		r, err := m.Check(tcp(from, "aws_instance.db", port))
		require.NoError(t, err)
		return r
	}

	t.Run("CIDR blocks known only after apply", func(t *testing.T) {
		rep := &terraform.Report{}
		m, err := terraform.Parse("plan.json", plan(map[string]any{"from_port": 5432, "to_port": 5432, "protocol": "tcp"},
			map[string]any{"cidr_blocks": true}), rep)
		require.NoError(t, err)
		assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_security_group.db: ingress[0].cidr_blocks: known only after apply")
		r := check(m, "aws_instance.app", 5432)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		assert.Contains(t, r.Text(), "missing: aws_security_group.db: ingress[0].cidr_blocks, known only later")
		assert.Equal(t, reach.Unreachable, check(m, "aws_instance.app", 22).Outcome, "no rule could allow another port")
		_, err = m.Matrix(reach.MatrixOptions{})
		require.ErrorIs(t, err, reach.ErrQuery, "no set of addresses is exact")
	})
	t.Run("ports known only after apply", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", plan(map[string]any{"protocol": "tcp", "cidr_blocks": []any{"10.1.1.0/28"}},
			map[string]any{"from_port": true, "to_port": true}), nil)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, check(m, "aws_instance.app", 5432).Outcome, "10.1.1.10 is in the rule's block")
		assert.Equal(t, reach.Indeterminate, check(m, "aws_instance.app", 22).Outcome, "any port could be the rule's")
		assert.Equal(t, reach.Indeterminate, check(m, "aws_instance.app", 65535).Outcome, "and the last port")
		assert.Equal(t, reach.Unreachable, check(m, "198.51.100.7", 5432).Outcome, "outside the rule's block: it never matches")
	})
}

// TestIPv6KnownOnlyAfterApply: a new VPC's IPv6 block, which AWS assigns,
// and the ACL entries and routes computed from it: no packet the model
// makes is IPv6, so they decide nothing and are left out, with warnings.
func TestIPv6KnownOnlyAfterApply(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	v6Ref := []string{"aws_vpc.main.ipv6_cidr_block", "aws_vpc.main"}
	entries := []any{
		map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0},
		map[string]any{"rule_no": 101, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0}}
	unknownV6 := []any{map[string]any{}, map[string]any{"ipv6_cidr_block": true}}
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", planOf(t,
		planRes{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16", "assign_generated_ipv6_cidr_block": true},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "ipv6_cidr_block": true},
			exprs:   map[string]any{"assign_generated_ipv6_cidr_block": true}},
		planRes{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"ingress": entries, "egress": entries},
			unknown: map[string]any{"id": true, "default_network_acl_id": true, "ingress": unknownV6, "egress": unknownV6},
			exprs: map[string]any{"default_network_acl_id": []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"},
				"ingress": v6Ref, "egress": v6Ref}},
		planRes{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "egress": []any{},
			"ingress": []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "self": true}}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_instance", name: "a", values: map[string]any{"private_ip": "10.1.1.10"},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"}, "vpc_security_group_ids": []string{"aws_security_group.app.id", "aws_security_group.app"}}},
	), rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_default_network_acl.main: ingress[1].ipv6_cidr_block: known only after apply, and no VPC has IPv6 in the model: left out")
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_vpc.main: ipv6_cidr_block: Amazon assigns it at apply; the VPC is modelled without IPv6")
	_, err = m.Check(reach.Query{From: "aws_instance.a", To: "2001:db8::1", Protocol: flow.TCP, Port: 443})
	require.ErrorIs(t, err, reach.ErrQuery, "no IPv6 address to ask from")
}

// TestUnknownACLEntries: an ACL entry whose CIDR block (or ports) is
// known only after apply leaves undecided just the packets it could
// decide otherwise than the known entries do.
func TestUnknownACLEntries(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	plan := func(unknown map[string]any, entry map[string]any) []byte {
		entries := []any{entry, map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
		out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
		in := map[string]any{"from_port": 0, "to_port": 65535, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}
		rs := []planRes{
			{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			{typ: "aws_subnet", name: "a", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_subnet", name: "b", values: map[string]any{"cidr_block": "10.1.2.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_network_acl", name: "b", values: map[string]any{"ingress": entries, "egress": entries[1:]},
				unknown: map[string]any{"id": true, "vpc_id": true, "subnet_ids": true, "ingress": []any{unknown}},
				exprs:   map[string]any{"vpc_id": vpcRef, "subnet_ids": []string{"aws_subnet.b.id", "aws_subnet.b"}, "ingress": []string{"var.x"}, "egress": []string{}}},
			{typ: "aws_security_group", name: "g", values: map[string]any{"name": "g", "ingress": []any{in}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		}
		for i, n := range []string{"a", "b"} {
			rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"private_ip": []string{"10.1.1.10", "10.1.2.10"}[i]},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet." + n + ".id", "aws_subnet." + n},
					"vpc_security_group_ids": []string{"aws_security_group.g.id", "aws_security_group.g"}}})
		}
		return planOf(t, rs...)
	}
	q := tcp("aws_instance.a", "aws_instance.b", 22)
	for _, tc := range []struct {
		name    string
		entry   map[string]any
		unknown map[string]any
		want    reach.Outcome
		code    reach.Code
	}{
		{"a deny whose block is unknown", map[string]any{"rule_no": 50, "action": "deny", "protocol": "tcp", "from_port": 22, "to_port": 22},
			map[string]any{"cidr_block": true}, reach.Indeterminate, reach.ACLIndeterminate},
		{"an allow whose block is unknown: the same answer either way", map[string]any{"rule_no": 50, "action": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22},
			map[string]any{"cidr_block": true}, reach.Reachable, ""},
		{"a deny of other ports whose block is unknown", map[string]any{"rule_no": 50, "action": "deny", "protocol": "tcp", "from_port": 3389, "to_port": 3389},
			map[string]any{"cidr_block": true}, reach.Reachable, ""},
		{"a deny whose ports are unknown, for the source's block", map[string]any{"rule_no": 50, "action": "deny", "protocol": "tcp", "cidr_block": "10.1.1.0/24"},
			map[string]any{"from_port": true, "to_port": true}, reach.Indeterminate, reach.ACLIndeterminate},
		{"a deny whose ports are unknown, for another block", map[string]any{"rule_no": 50, "action": "deny", "protocol": "tcp", "cidr_block": "192.168.0.0/16"},
			map[string]any{"from_port": true, "to_port": true}, reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan(tc.unknown, tc.entry), rep)
			require.NoError(t, err)
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_network_acl.b: ingress[0].")
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code)
				assert.Contains(t, r.Text(), "missing: aws_network_acl.b: ingress[0].")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
			_, err = m.Ports(reach.PortsQuery{From: "aws_instance.a", To: "aws_instance.b", Protocol: flow.TCP})
			require.ErrorIs(t, err, reach.ErrQuery)
		})
	}
}

// TestUnknownRouteDestination: a route whose destination is known only
// after apply leaves undecided the lookups it could change, and no other.
func TestUnknownRouteDestination(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	in := map[string]any{"from_port": 0, "to_port": 65535, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
		{typ: "aws_subnet", name: "a", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
		{typ: "aws_internet_gateway", name: "gw", values: map[string]any{}, unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
		{typ: "aws_route_table", name: "a", values: map[string]any{"route": []any{map[string]any{"cidr_block": "0.0.0.0/0"}}},
			unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"gateway_id": true}}},
			exprs:   map[string]any{"vpc_id": vpcRef, "route": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}},
		{typ: "aws_route_table_association", name: "a", values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.a.id", "aws_subnet.a"}, "route_table_id": []string{"aws_route_table.a.id", "aws_route_table.a"}}},
		{typ: "aws_route", name: "vpn", values: map[string]any{"gateway_id": "vgw-1"}, unknown: map[string]any{"id": true, "route_table_id": true, "destination_cidr_block": true},
			exprs: map[string]any{"route_table_id": []string{"aws_route_table.a.id", "aws_route_table.a"}, "destination_cidr_block": []string{"var.onprem"}}},
		{typ: "aws_security_group", name: "g", values: map[string]any{"name": "g", "ingress": []any{in}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		{typ: "aws_instance", name: "a", values: map[string]any{"private_ip": "10.1.1.10", "public_ip": "203.0.113.10"},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.a.id", "aws_subnet.a"}, "vpc_security_group_ids": []string{"aws_security_group.g.id", "aws_security_group.g"}}},
	}
	m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.a", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "the route to the VPN gateway could cover 198.51.100.7: %s", r.Text())
	assert.Contains(t, r.Codes(), reach.RouteIndeterminate)
	assert.Contains(t, r.Text(), "missing: aws_route.vpn: destination_cidr_block, known only later")
	v, err := m.Verdict(tcp("aws_instance.a", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	_, err = m.Matrix(reach.MatrixOptions{})
	require.ErrorIs(t, err, reach.ErrQuery)
}

// TestUnknownGroupPeers: a rule whose peer is a group known only after
// apply could match anyone; a rule whose ports are known only after apply
// and whose peer is a group matches any port from the group's members
// only.
func TestUnknownGroupPeers(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	plan := func(rule planRes) []byte {
		rs := []planRes{
			{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
		}
		for i, n := range []string{"app", "db", "other"} {
			rs = append(rs,
				planRes{typ: "aws_security_group", name: n, values: map[string]any{"name": n, "ingress": []any{}, "egress": []any{out}},
					unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
				planRes{typ: "aws_instance", name: n, values: map[string]any{"private_ip": []string{"10.1.1.10", "10.1.1.20", "10.1.1.30"}[i]},
					unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
					exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"},
						"vpc_security_group_ids": []string{"aws_security_group." + n + ".id", "aws_security_group." + n}}})
		}
		return planOf(t, append(rs, rule)...)
	}
	rule := func(values, unknown, exprs map[string]any) planRes {
		values["type"], values["protocol"] = "ingress", "tcp"
		unknown["id"], unknown["security_group_id"] = true, true
		exprs["security_group_id"] = []string{"aws_security_group.db.id", "aws_security_group.db"}
		return planRes{typ: "aws_security_group_rule", name: "db_in", values: values, unknown: unknown, exprs: exprs}
	}
	tests := []struct {
		name    string
		rule    planRes
		from    string
		port    uint16
		outcome reach.Outcome
		missing string
	}{
		{"ports known only after apply: a member of the group", rule(map[string]any{}, map[string]any{"from_port": true, "to_port": true, "source_security_group_id": true},
			map[string]any{"from_port": []string{"var.port"}, "to_port": []string{"var.port"}, "source_security_group_id": []string{"aws_security_group.app.id", "aws_security_group.app"}}),
			"aws_instance.app", 6379, reach.Indeterminate, "aws_security_group_rule.db_in: from_port (the ports of the rule for aws_security_group.app), known only later"},
		{"ports known only after apply: no member of the group", rule(map[string]any{}, map[string]any{"from_port": true, "to_port": true, "source_security_group_id": true},
			map[string]any{"from_port": []string{"var.port"}, "to_port": []string{"var.port"}, "source_security_group_id": []string{"aws_security_group.app.id", "aws_security_group.app"}}),
			"aws_instance.other", 6379, reach.Unreachable, ""},
		{"the peer group from a variable: anyone, on the rule's port", rule(map[string]any{"from_port": 5432, "to_port": 5432}, map[string]any{"source_security_group_id": true},
			map[string]any{"source_security_group_id": []string{"var.peer"}}),
			"aws_instance.other", 5432, reach.Indeterminate, "aws_security_group_rule.db_in: source_security_group_id, known only later"},
		{"the peer group from a variable: another port", rule(map[string]any{"from_port": 5432, "to_port": 5432}, map[string]any{"source_security_group_id": true},
			map[string]any{"source_security_group_id": []string{"var.peer"}}),
			"aws_instance.other", 22, reach.Unreachable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", plan(tt.rule), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp(tt.from, "aws_instance.db", tt.port))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.missing != "" {
				assert.Contains(t, r.Text(), "missing: "+tt.missing)
			}
		})
	}
}

// TestUnknownICMPType: a security group rule or a network ACL entry for
// ICMP whose type or code Terraform knows only after apply may or may not
// match an echo request: the answer is indeterminate, never "every ICMP
// type".
func TestUnknownICMPType(t *testing.T) {
	for _, tc := range []struct {
		name    string
		plan    func() []planRes
		missing string
	}{
		{"security group rule", func() []planRes {
			rs := append(existingPublicNet(false, map[string]any{"protocol": "icmp", "cidr_blocks": []any{"0.0.0.0/0"}}), publicWeb())
			rs[5].unknown = map[string]any{"ingress": []any{map[string]any{"from_port": true, "to_port": true}}}
			return rs
		}, "aws_security_group.web: ingress[0].from_port"},
		{"security group rule resource", func() []planRes {
			rs := append(existingPublicNet(false, map[string]any{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": []any{"0.0.0.0/0"}}), publicWeb(),
				planRes{typ: "aws_vpc_security_group_ingress_rule", name: "icmp", values: map[string]any{"security_group_id": "sg-1", "ip_protocol": "icmp", "cidr_ipv4": "0.0.0.0/0"},
					unknown: map[string]any{"id": true, "security_group_rule_id": true, "from_port": true}})
			return rs
		}, "aws_vpc_security_group_ingress_rule.icmp: from_port"},
		{"network ACL entry", func() []planRes {
			rs := append(existingPublicNet(false), publicWeb())
			rs[3].values["ingress"] = []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
			rs[3].unknown = map[string]any{"ingress": []any{map[string]any{"icmp_type": true, "icmp_code": true}}}
			return rs
		}, "aws_default_network_acl.main: ingress[0].icmp_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, tc.plan()...), rep)
			require.NoError(t, err)
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.missing)
			r, err := m.Check(reach.Query{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.ICMP})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.missing)
		})
	}
}
