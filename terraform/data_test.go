package terraform_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// withData adds data sources to a plan's prior_state.
func withData(t *testing.T, plan []byte, data ...map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	var rs []any
	for _, d := range data {
		rs = append(rs, map[string]any{"address": "data." + d["type"].(string) + "." + d["name"].(string), "mode": "data",
			"type": d["type"], "name": d["name"], "values": d["values"]})
	}
	doc["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": rs}}}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// TestDataSources: new resources in a network the plan reads with data
// sources: the VPC, its subnet and main route table, its internet
// gateway, a prefix list, and a group it names but whose rules no data
// source gives.
func TestDataSources(t *testing.T) {
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
	plan := planOf(t,
		planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"id": "acl-1", "default_network_acl_id": "acl-1", "ingress": allow, "egress": allow},
			exprs: map[string]any{"default_network_acl_id": []string{"data.aws_vpc.main.default_network_acl_id", "data.aws_vpc.main"}, "ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
			"ingress": []any{
				map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-office"}},
				map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "security_groups": []any{"sg-bastion"}}},
			"egress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": true},
			unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true},
			exprs:   map[string]any{"associate_public_ip_address": true, "vpc_security_group_ids": []string{"aws_security_group.web.id", "aws_security_group.web"}}})
	plan = withData(t, plan,
		map[string]any{"type": "aws_vpc", "name": "main", "values": map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16",
			"main_route_table_id": "rtb-1", "default_network_acl_id": "acl-1"}},
		map[string]any{"type": "aws_subnet", "name": "web", "values": map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}},
		map[string]any{"type": "aws_internet_gateway", "name": "main", "values": map[string]any{"id": "igw-1", "attachments": []any{map[string]any{"vpc_id": "vpc-1"}}}},
		map[string]any{"type": "aws_route_table", "name": "main", "values": map[string]any{"id": "rtb-1", "vpc_id": "vpc-1",
			"routes":       []any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}},
			"associations": []any{map[string]any{"main": true}}}},
		map[string]any{"type": "aws_ec2_managed_prefix_list", "name": "office", "values": map[string]any{"id": "pl-office", "max_entries": 5,
			"entries": []any{map[string]any{"cidr": "198.51.100.0/24"}}}},
		map[string]any{"type": "aws_security_group", "name": "bastion", "values": map[string]any{"id": "sg-bastion", "vpc_id": "vpc-1"}},
		map[string]any{"type": "aws_ami", "name": "linux", "values": map[string]any{"id": "ami-1"}})
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Unmodelled["data.aws_ami"])
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "from the office prefix list, through the main route table a data source gives: %s", r.Text())
	assert.Contains(t, r.Text(), "internet-gateway data.aws_internet_gateway.main")
	r, err = m.Check(tcp("203.0.113.5", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Contains(t, rep.Warnings, "aws_security_group.web: a rule references security group data.aws_security_group.bastion, which the plan does not hold: the queries only it could allow are indeterminate")
}
