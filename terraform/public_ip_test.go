package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestInstancePublicIPv4: an instance the plan knows keeps the public
// address it has (map_public_ip_on_launch acts only at launch); a new
// instance that leaves associate_public_ip_address out gets one when its
// subnet, made by the plan or read by data.aws_subnet, maps one on launch.
func TestInstancePublicIPv4(t *testing.T) {
	newWeb := planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true}}
	for _, tc := range []struct {
		name      string
		mapPublic bool
		web       planRes
		want      reach.Outcome
	}{
		{"existing instance without one, subnet maps on launch", true, planRes{typ: "aws_instance", name: "web",
			values: map[string]any{"id": "i-1", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.10",
				"public_ip": "", "associate_public_ip_address": false}}, reach.Unreachable},
		{"existing instance without one, associate_public_ip_address null, subnet maps on launch", true, planRes{typ: "aws_instance", name: "web",
			values: map[string]any{"id": "i-1", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.10",
				"public_ip": "", "associate_public_ip_address": nil}}, reach.Unreachable},
		{"existing instance with one", false, publicWeb(), reach.Reachable},
		{"new instance, subnet maps on launch", true, newWeb, reach.Reachable},
		{"new instance, subnet does not map", false, newWeb, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(tc.mapPublic), tc.web)...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestInstancePublicIPv4DataSubnet: a new instance in a subnet that
// exists (data.aws_subnet) gets a public address at launch when the
// subnet maps one, and none when it does not.
func TestInstancePublicIPv4DataSubnet(t *testing.T) {
	for _, mapPublic := range []bool{true, false} {
		allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
		plan := planOf(t,
			planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"id": "acl-1", "default_network_acl_id": "acl-1", "ingress": allow, "egress": allow},
				exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_security_group", name: "web", values: map[string]any{"id": "sg-1", "name": "web", "vpc_id": "vpc-1",
				"ingress": []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}},
				"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
				exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}},
				unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true}})
		plan = withData(t, plan,
			map[string]any{"type": "aws_vpc", "name": "main", "values": map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16",
				"main_route_table_id": "rtb-1", "default_network_acl_id": "acl-1"}},
			map[string]any{"type": "aws_subnet", "name": "web", "values": map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24",
				"map_public_ip_on_launch": mapPublic}},
			map[string]any{"type": "aws_internet_gateway", "name": "main", "values": map[string]any{"id": "igw-1", "attachments": []any{map[string]any{"vpc_id": "vpc-1"}}}},
			map[string]any{"type": "aws_route_table", "name": "main", "values": map[string]any{"id": "rtb-1", "vpc_id": "vpc-1",
				"routes":       []any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}},
				"associations": []any{map[string]any{"main": true}}}})
		m, err := terraform.Parse("plan.json", plan, nil)
		require.NoError(t, err)
		r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
		require.NoError(t, err)
		want := reach.Unreachable
		if mapPublic {
			want = reach.Reachable
		}
		assert.Equal(t, want, r.Outcome, "map_public_ip_on_launch %v: %s", mapPublic, r.Text())
	}
}

// TestInstancePublicIPv4SubnetUnknown: whether a new instance gets a
// public address is not guessed when its subnet's map_public_ip_on_launch
// is known only after apply.
func TestInstancePublicIPv4SubnetUnknown(t *testing.T) {
	rs := existingPublicNet(false)
	delete(rs[4].values, "map_public_ip_on_launch")
	rs[4].unknown = map[string]any{"map_public_ip_on_launch": true}
	rs = append(rs, planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true}})
	_, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.ErrorIs(t, err, terraform.ErrUnknownValue)
	assert.ErrorContains(t, err, "aws_instance.web: associate_public_ip_address")
	assert.ErrorContains(t, err, "aws_subnet.pub: map_public_ip_on_launch")
}
