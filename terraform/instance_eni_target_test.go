package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// natInstanceNet is existingPublicNet with a NAT instance aws_instance.nat
// (source_dest_check off) in its public subnet, and a private subnet
// (subnet-2, table rtb-app) holding aws_instance.app, whose default
// route, an aws_route the plan creates, goes to the NAT instance's
// primary network interface: by its known ID eni-nat, or, where the
// plan creates the instance, by a reference to its
// primary_network_interface_id.
func natInstanceNet(t *testing.T, known bool) []byte {
	rs := existingPublicNet(false)
	nat := planRes{typ: "aws_instance", name: "nat", values: map[string]any{"id": "i-nat", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
		"private_ip": "10.1.1.5", "public_ip": "203.0.113.5", "associate_public_ip_address": true, "source_dest_check": false, "primary_network_interface_id": "eni-nat"}}
	route := planRes{typ: "aws_route", name: "nat", values: map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "0.0.0.0/0", "network_interface_id": "eni-nat"},
		unknown: map[string]any{"id": true}}
	created := map[string][]string{"aws_route.nat": {"create"}}
	if !known {
		nat.values = map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "associate_public_ip_address": true, "source_dest_check": false}
		nat.unknown = map[string]any{"id": true, "private_ip": true, "public_ip": true, "primary_network_interface_id": true}
		route.values = map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "0.0.0.0/0"}
		route.unknown = map[string]any{"id": true, "network_interface_id": true}
		route.exprs = map[string]any{"network_interface_id": []string{"aws_instance.nat.primary_network_interface_id", "aws_instance.nat"}}
		created["aws_instance.nat"] = []string{"create"}
	}
	rs = append(rs, nat,
		planRes{typ: "aws_subnet", name: "app", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}},
		planRes{typ: "aws_route_table", name: "app", values: map[string]any{"id": "rtb-app", "vpc_id": "vpc-1", "route": []any{}}, exprs: map[string]any{"vpc_id": "vpc-1"}},
		route,
		planRes{typ: "aws_route_table_association", name: "app", values: map[string]any{"id": "rtbassoc-2", "subnet_id": "subnet-2", "route_table_id": "rtb-app"}},
		planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-2", "subnet_id": "subnet-2", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.2.10",
			"public_ip": "", "associate_public_ip_address": false}})
	return changePlan(t, nil, created, nil, rs...)
}

// TestRouteToInstancePrimaryInterface: an aws_route whose
// network_interface_id is an instance's primary_network_interface_id (the
// NAT instance pattern), known or by reference to a new instance, goes
// to that instance's interface (once refused as naming no network
// interface of the plan).
func TestRouteToInstancePrimaryInterface(t *testing.T) {
	for _, known := range []bool{true, false} {
		t.Run(map[bool]string{true: "known eni id", false: "new instance, by reference"}[known], func(t *testing.T) {
			m, err := terraform.Parse("plan.json", natInstanceNet(t, known), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "198.51.100.7", 443))
			require.NoError(t, err)
			// the packet reaches the NAT instance and leaves by the
			// internet gateway; whether the instance translates it is
			// not in the plan
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), "matches 0.0.0.0/0 via aws_instance.nat", "the route's target is the NAT instance")
			u := r.Undecided()
			require.Len(t, u, 1, r.Text())
			assert.Equal(t, reach.ApplianceTranslationUnknown, u[0].Code, r.Text())
		})
	}
}

// TestEIPAssociationOnInstancePrimaryInterface: an aws_eip_association
// whose network_interface_id is the instance's primary interface (its
// known ID, or a reference to its primary_network_interface_id) puts the
// Elastic IP on the instance (once refused: no instance or network
// interface of the plan).
func TestEIPAssociationOnInstancePrimaryInterface(t *testing.T) {
	web := publicWeb()
	web.values["primary_network_interface_id"] = "eni-web"
	for _, tc := range []struct {
		name string
		eip  planRes
	}{
		{"known interface id", planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"network_interface_id": "eni-web", "allocation_id": "eipalloc-1"},
			unknown: map[string]any{"id": true, "instance_id": true, "private_ip_address": true, "public_ip": true}}},
		{"by reference", planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"allocation_id": "eipalloc-1"},
			unknown: map[string]any{"id": true, "instance_id": true, "private_ip_address": true, "public_ip": true, "network_interface_id": true},
			exprs:   map[string]any{"network_interface_id": []string{"aws_instance.web.primary_network_interface_id", "aws_instance.web"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false), web, existingEIP(), tc.eip)
			m, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_eip_association.web": {"create"}}, nil, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "198.51.100.50", 22))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}
