package terraform_test

// existingPublicNet is a network that exists already (every ID known): a
// VPC whose main route table (rs[2]) sends 0.0.0.0/0 to its internet
// gateway (rs[1]), whose default ACL (rs[3]) allows everything, a subnet
// (rs[4]) that maps public addresses on launch when mapPublic is set, and
// a group (rs[5]) with the ingress rules given, open to the world when
// none is.
func existingPublicNet(mapPublic bool, ingress ...any) []planRes {
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
	if len(ingress) == 0 {
		ingress = []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}
	}
	out := []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}
	return []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"id": "vpc-1", "cidr_block": "10.1.0.0/16", "main_route_table_id": "rtb-main", "default_network_acl_id": "acl-main"}},
		{typ: "aws_internet_gateway", name: "gw", values: map[string]any{"id": "igw-1", "vpc_id": "vpc-1"}},
		{typ: "aws_default_route_table", name: "main", values: map[string]any{"id": "rtb-main", "default_route_table_id": "rtb-main",
			"route": []any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}},
			exprs: map[string]any{"route": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}},
		{typ: "aws_default_network_acl", name: "main", values: map[string]any{"id": "acl-main", "default_network_acl_id": "acl-main", "ingress": allow, "egress": allow},
			exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		{typ: "aws_subnet", name: "pub", values: map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.1.1.0/24", "map_public_ip_on_launch": mapPublic}},
		{typ: "aws_security_group", name: "web", values: map[string]any{"id": "sg-1", "name": "web", "vpc_id": "vpc-1", "ingress": ingress, "egress": out},
			exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
	}
}

// publicWeb is an existing instance aws_instance.web in existingPublicNet's
// subnet and group, with public address 203.0.113.10.
func publicWeb() planRes {
	return planRes{typ: "aws_instance", name: "web",
		values: map[string]any{"id": "i-1", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.10",
			"public_ip": "203.0.113.10", "associate_public_ip_address": true}}
}
