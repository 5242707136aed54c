package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestPrefixListsThePlanLacks: a prefix list a rule or a route names by
// ID, which the plan neither manages nor reads with a data source, may
// hold any block: what only it could decide is indeterminate, with a
// warning, never an error for the whole plan and never an empty list.
func TestPrefixListsThePlanLacks(t *testing.T) {
	base := planOf(t,
		openDefaultACL(),
		planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
			"ingress": []any{
				map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-partners"}},
				map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"198.51.100.0/24"}}},
			"egress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_vpc_security_group_ingress_rule", name: "later", values: map[string]any{"ip_protocol": "tcp", "prefix_list_id": "pl-office"},
			unknown: map[string]any{"security_group_id": true, "from_port": true, "to_port": true},
			exprs:   map[string]any{"security_group_id": []string{"aws_security_group.web.id", "aws_security_group.web"}, "from_port": []string{"var.port"}, "to_port": []string{"var.port"}}},
		webInstance())
	plan := withData(t, base, existingNet(map[string]any{"destination_prefix_list_id": "pl-vpn", "gateway_id": "vgw-1"})...)
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err, "lists the plan lacks are no error")
	assert.Equal(t, []string{"pl-office", "pl-partners", "pl-vpn"}, m.UnresolvedPrefixLists())
	for _, w := range []string{
		"aws_security_group.web: names prefix list pl-partners, which the plan does not hold (add a data.aws_ec2_managed_prefix_list for it): the queries only it could decide are indeterminate",
		"data.aws_route_table.main: names prefix list pl-vpn, which the plan does not hold",
		"a rule whose ports are known only after apply: names prefix list pl-office, which the plan does not hold",
	} {
		assert.True(t, containsPrefix(rep.Warnings, w), "want %s in %q", w, rep.Warnings)
	}
	// the same plan without the VPN list's route: the way back to an
	// internet client is the internet gateway's
	noVPN, err := terraform.Parse("plan.json", withData(t, base, existingNet()...), &terraform.Report{})
	require.NoError(t, err)
	tests := []struct {
		name    string
		m       *reach.Model
		q       reach.Query
		outcome reach.Outcome
		code    reach.Code // of the undecided hop
	}{
		{"a client the list may hold: the group cannot decide", noVPN, tcp("203.0.113.7", "aws_instance.web", 443), reach.Indeterminate, reach.SGIndeterminate},
		{"the rule whose ports are known only later, by a list the plan lacks", noVPN, tcp("203.0.113.7", "aws_instance.web", 8080), reach.Indeterminate, reach.SGIndeterminate},
		{"to the internet: the VPN list's route may catch it", m, reach.Query{From: "aws_instance.web", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}, reach.Indeterminate, reach.RouteIndeterminate},
		{"from the internet: the VPN list's route may be the way back, so the client may come in by the VPN", m, tcp("203.0.113.7", "aws_instance.web", 22), reach.Indeterminate, reach.RouteIndeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			u := r.Undecided()
			require.NotEmpty(t, u, r.Text())
			assert.Equal(t, tt.code.OnLeg(u[0].Leg), u[0].Code)
		})
	}
}

// existingNet are the data sources of a network that exists: vpc-1
// (10.0.0.0/16, default ACL acl-1) with subnet-1 (10.0.1.0/24), internet
// gateway igw-1, and main route table rtb-1 routing 0.0.0.0/0 to igw-1,
// and then the routes given.
func existingNet(routes ...any) []map[string]any {
	return []map[string]any{
		{"type": "aws_vpc", "name": "main", "values": map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16",
			"main_route_table_id": "rtb-1", "default_network_acl_id": "acl-1"}},
		{"type": "aws_subnet", "name": "web", "values": map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}},
		{"type": "aws_internet_gateway", "name": "main", "values": map[string]any{"id": "igw-1", "attachments": []any{map[string]any{"vpc_id": "vpc-1"}}}},
		{"type": "aws_route_table", "name": "main", "values": map[string]any{"id": "rtb-1", "vpc_id": "vpc-1",
			"routes":       append([]any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}, routes...),
			"associations": []any{map[string]any{"main": true}}}},
	}
}

// openDefaultACL is existingNet's default network ACL, which the plan
// takes over allowing everything.
func openDefaultACL() planRes {
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
	return planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"id": "acl-1", "default_network_acl_id": "acl-1", "ingress": allow, "egress": allow},
		exprs: map[string]any{"default_network_acl_id": []string{"data.aws_vpc.main.default_network_acl_id", "data.aws_vpc.main"}, "ingress": []string{}, "egress": []string{}}}
}

// webInstance is aws_instance.web, new, in existingNet's subnet-1 with a
// public address and aws_security_group.web.
func webInstance() planRes {
	return planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": true},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true},
		exprs:   map[string]any{"associate_public_ip_address": true, "vpc_security_group_ids": []string{"aws_security_group.web.id", "aws_security_group.web"}}}
}

func containsPrefix(ss []string, prefix string) bool {
	for _, s := range ss {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
