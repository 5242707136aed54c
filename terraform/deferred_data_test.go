package terraform_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// deferData adds a data source whose read Terraform defers to apply (its
// configuration depends on a resource with changes), as terraform show
// -json prints it: in planned_values (mode "data", the attributes known
// only after apply left out) and in resource_changes (actions ["read"],
// action_reason, after_unknown), not in prior_state.
func deferData(t *testing.T, plan []byte, typ, name string, values, unknown map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	addr := "data." + typ + "." + name
	rm := doc["planned_values"].(map[string]any)["root_module"].(map[string]any)
	rm["resources"] = append(rm["resources"].([]any), map[string]any{"address": addr, "mode": "data", "type": typ, "name": name, "values": values})
	doc["resource_changes"] = append(doc["resource_changes"].([]any), map[string]any{"address": addr, "mode": "data", "type": typ, "name": name,
		"action_reason": "read_because_dependency_pending",
		"change":        map[string]any{"actions": []string{"read"}, "after": values, "after_unknown": unknown}})
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// TestDeferredDataSources: a data source whose read waits for apply has
// its unread values known only after apply. Where the model can hold
// such a value as unknown (a prefix list's entries) the queries it
// decides are indeterminate; where it cannot (a VPC's blocks, a route
// table's routes, a gateway's attachments, a subnet's
// map_public_ip_on_launch an instance needs) the plan is refused naming
// the address and attribute. Never the value read as absent.
func TestDeferredDataSources(t *testing.T) {
	web := planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
		"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-office"}}},
		"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
		unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}}
	office := map[string]any{"type": "aws_ec2_managed_prefix_list", "name": "office", "values": map[string]any{"id": "pl-office", "max_entries": 5,
		"address_family": "IPv4", "entries": []any{map[string]any{"cidr": "198.51.100.0/24"}}}}
	// net is existingNet with the office list, but for the data source
	// named skip, which the case defers
	net := func(skip string) []map[string]any {
		var out []map[string]any
		for _, d := range append(existingNet(), office) {
			if d["type"] != skip {
				out = append(out, d)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name            string
		typ, dname      string
		values, unknown map[string]any
		instance        planRes
		want            reach.Outcome
		err             string // the error's text, when the plan is refused
	}{
		{name: "a prefix list's entries: the rule naming it is undecided",
			typ: "aws_ec2_managed_prefix_list", dname: "office", values: map[string]any{"id": "pl-office"},
			unknown: map[string]any{"entries": true, "address_family": true, "max_entries": true, "arn": true, "name": true, "owner_id": true, "version": true, "tags": true},
			want:    reach.Indeterminate},
		{name: "a prefix list's entries, its family known",
			typ: "aws_ec2_managed_prefix_list", dname: "office", values: map[string]any{"id": "pl-office", "address_family": "IPv4"},
			unknown: map[string]any{"entries": true, "max_entries": true},
			want:    reach.Indeterminate},
		{name: "one entry of a prefix list",
			typ: "aws_ec2_managed_prefix_list", dname: "office", values: map[string]any{"id": "pl-office", "address_family": "IPv4",
				"entries": []any{map[string]any{"cidr": "203.0.113.0/24"}, map[string]any{}}},
			unknown: map[string]any{"entries": []any{map[string]any{}, map[string]any{"cidr": true}}},
			want:    reach.Indeterminate},
		{name: "deferred, yet every value known: read as the plan shows it",
			typ: "aws_ec2_managed_prefix_list", dname: "office", values: office["values"].(map[string]any),
			unknown: map[string]any{}, want: reach.Reachable},
		{name: "a route table's routes and associations",
			typ: "aws_route_table", dname: "main", values: map[string]any{"id": "rtb-1", "vpc_id": "vpc-1"},
			unknown: map[string]any{"routes": true, "associations": true, "owner_id": true, "tags": true},
			err:     "data.aws_route_table.main: routes: known only after apply: Terraform reads this data source only at apply"},
		{name: "a VPC's CIDR block associations",
			typ: "aws_vpc", dname: "main", values: map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16", "main_route_table_id": "rtb-1", "default_network_acl_id": "acl-1"},
			unknown: map[string]any{"cidr_block_associations": true, "ipv6_cidr_block": true, "enable_dns_support": true},
			err:     "data.aws_vpc.main: cidr_block_associations: known only after apply"},
		{name: "a VPC's own CIDR block",
			typ: "aws_vpc", dname: "main", values: map[string]any{"id": "vpc-1"},
			unknown: map[string]any{"cidr_block": true, "main_route_table_id": true, "default_network_acl_id": true},
			err:     "data.aws_vpc.main: cidr_block: known only after apply: Terraform reads this data source only at apply"},
		{name: "an internet gateway's attachments",
			typ: "aws_internet_gateway", dname: "main", values: map[string]any{"id": "igw-1"},
			unknown: map[string]any{"attachments": true},
			err:     "data.aws_internet_gateway.main: attachments: known only after apply"},
		{name: "a subnet's VPC",
			typ: "aws_subnet", dname: "web", values: map[string]any{"id": "subnet-1", "cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": false},
			unknown: map[string]any{"vpc_id": true},
			err:     "data.aws_subnet.web: vpc_id: known only after apply: Terraform reads this data source only at apply"},
		{name: "a subnet's map_public_ip_on_launch, which an instance needs",
			typ: "aws_subnet", dname: "web", values: map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"},
			unknown: map[string]any{"map_public_ip_on_launch": true, "availability_zone": true},
			instance: planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1"},
				unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true, "associate_public_ip_address": true},
				exprs:   map[string]any{"vpc_security_group_ids": []string{"aws_security_group.web.id", "aws_security_group.web"}}},
			err: "depends on data.aws_subnet.web: map_public_ip_on_launch, known only after apply"},
		{name: "a subnet's availability_zone and map_public_ip_on_launch, which the instance does not need",
			typ: "aws_subnet", dname: "web", values: map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"},
			unknown: map[string]any{"map_public_ip_on_launch": true, "availability_zone": true},
			want:    reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := tc.instance
			if inst.typ == "" {
				inst = webInstance()
			}
			plan := withData(t, planOf(t, openDefaultACL(), web, inst), net("aws_"+tc.typ[len("aws_"):])...)
			plan = deferData(t, plan, tc.typ, tc.dname, tc.values, tc.unknown)
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, terraform.ErrUnknownValue), err.Error())
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.True(t, containsPrefix(rep.Warnings, "data."+tc.typ+"."+tc.dname+": Terraform reads this data source only at apply"), "%q", rep.Warnings)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), "data.aws_ec2_managed_prefix_list.office")
			}
		})
	}
}
