package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// referencingA is peeringResources where b's group admits port 22 from
// a's group only (a reference), not from a CIDR block.
func referencingA(peering map[string]any, extra ...planRes) []planRes {
	rs := peeringResources(peering)
	for i := range rs {
		if rs[i].typ == "aws_security_group" && rs[i].name == "b" {
			rs[i].values["ingress"] = []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp",
				"cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}}}
			rs[i].unknown["ingress"] = []any{map[string]any{"security_groups": true}}
			rs[i].exprs["ingress"] = []string{"aws_security_group.a.id", "aws_security_group.a"}
		}
	}
	return append(rs, extra...)
}

// TestPeeringAcrossRegionsGroupReferences: AWS does not support a
// security group reference across an inter-region peering connection
// (it refuses the rule). A rule of the plan referencing a group of a VPC
// that a connection joins across Regions (its peer_region another than
// the requester's Region the plan shows: the connection's region, or a
// data.aws_region of its provider configuration), or perhaps across
// Regions (peer_region set and the requester's Region not shown), has
// an unknown match: what only it could allow is indeterminate, naming
// it, never a certain Reachable. A connection within one Region keeps
// the reference matching; a CIDR rule is not concerned.
func TestPeeringAcrossRegionsGroupReferences(t *testing.T) {
	accepted := accepterOf(map[string]any{"auto_accept": true}, map[string]any{})
	regionOf := func(key, region string) providerData {
		return providerData{typ: "aws_region", name: "current", key: key, values: map[string]any{"name": region, "id": region}}
	}
	for _, tc := range []struct {
		name string
		rs   []planRes
		data []providerData
		want reach.Outcome
		how  string // how the connection joins the VPCs, in the rule's words
	}{
		{name: "one Region: the reference matches", rs: referencingA(map[string]any{"auto_accept": true}), want: reach.Reachable},
		{name: "peer_region, the requester's Region not shown", rs: referencingA(map[string]any{"peer_region": "us-west-2"}, accepted),
			want: reach.Indeterminate, how: "perhaps across Regions (aws_vpc_peering_connection.ab: peer_region us-west-2, and the plan does not show the requester's Region)"},
		{name: "peer_region another Region than the provider's", rs: referencingA(map[string]any{"peer_region": "us-west-2"}, accepted),
			data: []providerData{regionOf("aws", "eu-west-1")}, want: reach.Indeterminate,
			how: "across Regions (aws_vpc_peering_connection.ab: peer_region us-west-2 is not the requester's Region eu-west-1, data.aws_region.current.name)"},
		{name: "peer_region another Region than the connection's region", rs: referencingA(map[string]any{"peer_region": "us-west-2", "region": "eu-west-1"}, accepted),
			want: reach.Indeterminate, how: "across Regions (aws_vpc_peering_connection.ab: peer_region us-west-2 is not the requester's Region eu-west-1, region of aws_vpc_peering_connection.ab)"},
		{name: "peer_region the provider's Region: the reference matches", rs: referencingA(map[string]any{"peer_region": "eu-west-1"}, accepted),
			data: []providerData{regionOf("aws", "eu-west-1")}, want: reach.Reachable},
		{name: "the Region of another provider configuration says nothing", rs: referencingA(map[string]any{"peer_region": "eu-west-1"}, accepted),
			data: []providerData{regionOf("aws.peer", "eu-west-1")}, want: reach.Indeterminate,
			how: "perhaps across Regions (aws_vpc_peering_connection.ab: peer_region eu-west-1, and the plan does not show the requester's Region)"},
		{name: "across Regions, a CIDR rule is not concerned", rs: append(peeringResources(map[string]any{"peer_region": "us-west-2"}), accepted), want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", withProviders(t, planOf(t, tc.rs...), nil, tc.data...), rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_network_interface.a", "aws_network_interface.b", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Equal(t, []reach.Code{reach.SGIndeterminate}, r.Codes(), r.Text())
				what := "aws_security_group.b: a rule referencing aws_security_group.a, a group of aws_vpc.a, which aws_vpc_peering_connection.ab joins to aws_vpc.b " + tc.how +
					": AWS does not support a security group reference across an inter-region peering (reference the peer VPC's CIDR blocks instead)"
				assert.Contains(t, r.Text(), what)
				assert.Contains(t, rep.Warnings, what+": the queries this rule alone could allow are indeterminate")
			}
		})
	}
}
