package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// ipv6AssocPlan: an IPv4 VPC given an IPv6 block by an
// aws_vpc_ipv6_cidr_block_association, a subnet in that block, and two
// instances with IPv6 addresses in it, members of the default group
// (which lets its members in). block is the association's
// ipv6_cidr_block; "" makes it known only after apply (an
// Amazon-provided block) and the subnet's and instances' IPv6 values
// with it.
func ipv6AssocPlan(t *testing.T, block string) []byte {
	t.Helper()
	known := func(id string, v map[string]any) map[string]any { v["id"] = id; return v }
	inline := func(attrs ...string) map[string]any { // the configuration writes these inline blocks
		e := map[string]any{}
		for _, a := range attrs {
			e[a] = []string{}
		}
		return e
	}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "ipv6_cidr_blocks": []any{"::/0"}, "cidr_blocks": []any{"0.0.0.0/0"}}
	assoc := planRes{typ: "aws_vpc_ipv6_cidr_block_association", name: "v6", values: known("vpc-cidr-assoc-1", map[string]any{"vpc_id": "vpc-1", "ipv6_cidr_block": block})}
	subnet := map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "ipv6_cidr_block": "2001:db8:5:1::/64"}
	a := map[string]any{"subnet_id": "subnet-1", "private_ip": "10.0.1.10", "ipv6_addresses": []any{"2001:db8:5:1::10"}, "vpc_security_group_ids": []any{"sg-default"}}
	b := map[string]any{"subnet_id": "subnet-1", "private_ip": "10.0.1.11", "ipv6_addresses": []any{"2001:db8:5:1::11"}, "vpc_security_group_ids": []any{"sg-default"}}
	var subnetUnknown, aUnknown, bUnknown map[string]any
	if block == "" {
		delete(assoc.values, "ipv6_cidr_block")
		assoc.values["assign_generated_ipv6_cidr_block"] = true
		assoc.unknown = map[string]any{"ipv6_cidr_block": true}
		delete(subnet, "ipv6_cidr_block")
		subnetUnknown = map[string]any{"ipv6_cidr_block": true}
		delete(a, "ipv6_addresses")
		delete(b, "ipv6_addresses")
		aUnknown, bUnknown = map[string]any{"ipv6_addresses": true}, map[string]any{"ipv6_addresses": true}
	}
	return planOf(t,
		planRes{typ: "aws_vpc", name: "main", values: known("vpc-1", map[string]any{"cidr_block": "10.0.0.0/16"})},
		assoc,
		planRes{typ: "aws_subnet", name: "a", values: known("subnet-1", subnet), unknown: subnetUnknown},
		planRes{typ: "aws_default_security_group", name: "main", values: known("sg-default", map[string]any{"vpc_id": "vpc-1", "egress": []any{out},
			"ingress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "self": true}}}), exprs: inline("ingress", "egress")},
		planRes{typ: "aws_instance", name: "a", values: known("i-a", a), unknown: aUnknown},
		planRes{typ: "aws_instance", name: "b", values: known("i-b", b), unknown: bUnknown},
	)
}

// An IPv6 block added by aws_vpc_ipv6_cidr_block_association is the
// VPC's: its subnets and addresses are the model's, and IPv6 traffic
// inside it takes the local route.
func TestIPv6CIDRBlockAssociation(t *testing.T) {
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", ipv6AssocPlan(t, "2001:db8:5::/56"), rep)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Modelled["aws_vpc_ipv6_cidr_block_association"])
	r, err := m.Check(reach.Query{From: "2001:db8:5:1::10", To: "2001:db8:5:1::11", Protocol: 6, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	r, err = m.Check(reach.Query{From: "2001:db8:5:1::10", To: "2001:db8:5:ff::1", Protocol: 6, Port: 443})
	require.NoError(t, err)
	assert.Contains(t, r.Codes(), reach.UnknownDestination, "a free address of the VPC's IPv6 block, which the local route takes: %s", r.Text())
}

// An Amazon-provided block known only after apply leaves the VPC
// without it, with a warning, and its subnets' IPv6 blocks and the
// instances' IPv6 addresses, known only after apply too, are left out
// as for a VPC's own generated block.
func TestIPv6CIDRBlockAssociationUnknown(t *testing.T) {
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", ipv6AssocPlan(t, ""), rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_vpc_ipv6_cidr_block_association.v6: ipv6_cidr_block")
	r, err := m.Check(reach.Query{From: "aws_instance.a", To: "aws_instance.b", Protocol: 6, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

// An IPv4 block in an association's ipv6_cidr_block is refused, naming
// the resource and the attribute: never added to the VPC as a block of
// the other family.
func TestIPv6CIDRBlockAssociationOfIPv4(t *testing.T) {
	_, err := terraform.Parse("plan.json", ipv6AssocPlan(t, "10.2.0.0/16"), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.Contains(t, err.Error(), `aws_vpc_ipv6_cidr_block_association.v6: ipv6_cidr_block: "10.2.0.0/16": invalid Terraform plan: not an IPv6 block`)
}
