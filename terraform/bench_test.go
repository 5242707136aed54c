package terraform_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/reachsim/reachsim/terraform"
)

// benchPlan writes a plan that changes an existing network of n
// resources: per VPC (one per 1,000 resources) its main route table and
// default ACL managed, an internet gateway, and per ten resources a
// subnet, a security group with two inline rules and a standalone one,
// a route table with its association, and five instances; every ID and
// address known, as in a plan of changes to a network that exists.
func benchPlan(b *testing.B, n int) []byte {
	b.Helper()
	var res, changes []map[string]any
	add := func(typ, name string, values map[string]any) {
		addr := typ + "." + name
		res = append(res, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "values": values})
		changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": []string{"no-op"}, "before": values, "after": values, "after_unknown": map[string]any{}}})
	}
	rule := func(port int, cidr string) map[string]any {
		return map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{cidr}}
	}
	for v := 0; len(res) < n; v++ {
		vpc := fmt.Sprintf("vpc-%d", v)
		add("aws_vpc", vpc, map[string]any{"id": vpc, "cidr_block": fmt.Sprintf("10.%d.0.0/16", v), "main_route_table_id": "rtb-main-" + vpc, "default_network_acl_id": "acl-" + vpc})
		add("aws_default_route_table", vpc, map[string]any{"id": "rtb-main-" + vpc, "default_route_table_id": "rtb-main-" + vpc})
		add("aws_default_network_acl", vpc, map[string]any{"id": "acl-" + vpc, "default_network_acl_id": "acl-" + vpc,
			"ingress": []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}},
			"egress":  []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}})
		add("aws_internet_gateway", vpc, map[string]any{"id": "igw-" + vpc, "vpc_id": vpc})
		for s := 0; s < 99 && len(res) < n; s++ {
			sub, sg, rt := fmt.Sprintf("subnet-%d-%d", v, s), fmt.Sprintf("sg-%d-%d", v, s), fmt.Sprintf("rtb-%d-%d", v, s)
			add("aws_subnet", sub, map[string]any{"id": sub, "vpc_id": vpc, "cidr_block": fmt.Sprintf("10.%d.%d.0/24", v, s)})
			add("aws_security_group", sg, map[string]any{"id": sg, "name": sg, "vpc_id": vpc,
				"ingress": []any{rule(443, "0.0.0.0/0"), rule(22, "10.0.0.0/8")}, "egress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}})
			add("aws_security_group_rule", sg+"-db", map[string]any{"type": "ingress", "security_group_id": sg, "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": []any{"10.0.0.0/8"}})
			add("aws_route_table", rt, map[string]any{"id": rt, "vpc_id": vpc, "route": []any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-" + vpc}}})
			add("aws_route_table_association", rt, map[string]any{"id": "rtbassoc-" + rt, "subnet_id": sub, "route_table_id": rt})
			for i := range 5 {
				name := fmt.Sprintf("i-%d-%d-%d", v, s, i)
				add("aws_instance", name, map[string]any{"id": name, "subnet_id": sub, "private_ip": fmt.Sprintf("10.%d.%d.%d", v, s, 10+i),
					"vpc_security_group_ids": []any{sg}, "tags": map[string]any{"Name": name}})
			}
		}
	}
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.9.8",
		"planned_values": map[string]any{"root_module": map[string]any{"resources": res}}, "resource_changes": changes,
		"errored": false, "complete": true})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParse reads a 5,000-resource plan into a model (the issue's
// target: ≤ 1 s).
func BenchmarkParse(b *testing.B) {
	data := benchPlan(b, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(data))/1e6, "input-MB")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := terraform.Parse("plan.json", data, nil); err != nil {
			b.Fatal(err)
		}
	}
}
