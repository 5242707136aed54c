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

// v6Net is an existing dual-stack VPC (10.1.0.0/16, 2600:1f18:1::/56)
// with an internet gateway that its main table routes 0.0.0.0/0 and ::/0
// to, a default ACL and a group open to everything, and subnet-1
// (10.1.1.0/24, 2600:1f18:1:1::/64), which assigns IPv6 addresses on
// creation when assign says so (nil: left out).
func v6Net(assign any) []planRes {
	allow := []any{
		map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": "", "from_port": 0, "to_port": 0},
		map[string]any{"rule_no": 101, "action": "allow", "protocol": "-1", "cidr_block": "", "ipv6_cidr_block": "::/0", "from_port": 0, "to_port": 0},
	}
	open := []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{"::/0"}}}
	subnet := planRes{typ: "aws_subnet", name: "pub", values: map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.1.1.0/24",
		"ipv6_cidr_block": "2600:1f18:1:1::/64", "map_public_ip_on_launch": false}}
	switch assign {
	case nil:
	case "unknown":
		subnet.unknown = map[string]any{"assign_ipv6_address_on_creation": true}
	default:
		subnet.values["assign_ipv6_address_on_creation"] = assign
	}
	return []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"id": "vpc-1", "cidr_block": "10.1.0.0/16", "ipv6_cidr_block": "2600:1f18:1::/56",
			"main_route_table_id": "rtb-main", "default_network_acl_id": "acl-main"}},
		{typ: "aws_internet_gateway", name: "gw", values: map[string]any{"id": "igw-1", "vpc_id": "vpc-1"}},
		{typ: "aws_default_route_table", name: "main", values: map[string]any{"id": "rtb-main", "default_route_table_id": "rtb-main",
			"route": []any{
				map[string]any{"cidr_block": "0.0.0.0/0", "ipv6_cidr_block": "", "gateway_id": "igw-1"},
				map[string]any{"cidr_block": "", "ipv6_cidr_block": "::/0", "gateway_id": "igw-1"}}},
			exprs: map[string]any{"route": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}},
		{typ: "aws_default_network_acl", name: "main", values: map[string]any{"id": "acl-main", "default_network_acl_id": "acl-main", "ingress": allow, "egress": allow},
			exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		subnet,
		{typ: "aws_security_group", name: "web", values: map[string]any{"id": "sg-1", "name": "web", "vpc_id": "vpc-1", "ingress": open, "egress": open},
			exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
	}
}

// TestNetworkInterfaceIPv6Addresses: an aws_network_interface holds the
// IPv6 addresses of its ipv6_addresses and ipv6_address_list (provider
// docs: "One or more specific IPv6 addresses from the IPv6 CIDR block
// range of your subnet"), as an aws_instance holds its ipv6_addresses:
// an IPv6 internet host reaches them, as it reaches the instance's.
func TestNetworkInterfaceIPv6Addresses(t *testing.T) {
	inst := planRes{typ: "aws_instance", name: "web", values: map[string]any{"id": "i-1", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
		"private_ip": "10.1.1.50", "ipv6_addresses": []any{"2600:1f18:1:1::50"}, "public_ip": "", "associate_public_ip_address": false}}
	eni := func(v6 map[string]any) planRes {
		vals := map[string]any{"id": "eni-1", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "private_ip": "10.1.1.50", "private_ips": []any{"10.1.1.50"}}
		for k, v := range v6 {
			vals[k] = v
		}
		return planRes{typ: "aws_network_interface", name: "web", values: vals}
	}
	tests := []struct {
		name string
		res  planRes
		to   []string
	}{
		{"an instance's ipv6_addresses", inst, []string{"2600:1f18:1:1::50"}},
		{"an interface's ipv6_addresses", eni(map[string]any{"ipv6_addresses": []any{"2600:1f18:1:1::50"}, "ipv6_address_count": 1}), []string{"2600:1f18:1:1::50"}},
		{"an interface's ipv6_address_list", eni(map[string]any{"ipv6_address_list": []any{"2600:1f18:1:1::50", "2600:1f18:1:1::51"}, "ipv6_address_list_enabled": true}),
			[]string{"2600:1f18:1:1::50", "2600:1f18:1:1::51"}},
		{"both, the list repeating the set", eni(map[string]any{"ipv6_addresses": []any{"2600:1f18:1:1::51", "2600:1f18:1:1::50"},
			"ipv6_address_list": []any{"2600:1f18:1:1::50", "2600:1f18:1:1::51"}}), []string{"2600:1f18:1:1::50", "2600:1f18:1:1::51"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), tt.res)...), rep)
			require.NoError(t, err)
			assert.Empty(t, rep.Warnings)
			for _, to := range tt.to {
				r, err := m.Check(reach.Query{From: "2600:1f00::7", To: to, Protocol: flow.TCP, Port: 22})
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			}
		})
	}
	t.Run("a prefix delegated to an interface: its addresses are the interface's", func(t *testing.T) {
		rep := &terraform.Report{}
		m, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), eni(map[string]any{"ipv6_prefixes": []any{"2600:1f18:1:1:8000::/80"}}))...), rep)
		require.NoError(t, err)
		assert.NotContains(t, strings.Join(rep.Warnings, "\n"), "delegated", "no warning: the prefixes are modelled")
		r, err := m.Check(reach.Query{From: "2600:1f00::7", To: "2600:1f18:1:1:8000::9", Protocol: flow.TCP, Port: 22})
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		assert.Contains(t, r.To, "aws_network_interface.web")
	})
	_, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), eni(map[string]any{"ipv6_address_list": []any{"10.1.1.9"}}))...), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, `aws_network_interface.web: ipv6_address_list[0]: "10.1.1.9"`)
}

// TestIPv6AddressKnownOnlyLater: an instance or interface that gets an
// IPv6 address at launch, because its subnet has
// assign_ipv6_address_on_creation (API_Subnet: "Indicates whether a
// network interface created in this subnet (including a network
// interface created by RunInstances) receives an IPv6 address") or it
// asks for ipv6_address_count (ipv6_prefix_count for an interface), has
// an IPv6 address known only later: its group opens SSH to ::/0 and the
// main table routes ::/0 to the internet gateway, so the IPv6 audit finds
// SSH exposed whichever address AWS picks, and an IPv6 check answers for
// the placeholder. Without any of these it has none.
func TestIPv6AddressKnownOnlyLater(t *testing.T) {
	web := func(typ string, values, unknown map[string]any) planRes {
		vals := map[string]any{"subnet_id": "subnet-1"}
		unk := map[string]any{"id": true, "private_ip": true, "ipv6_addresses": true}
		if typ == "aws_instance" {
			vals["vpc_security_group_ids"], vals["associate_public_ip_address"] = []any{"sg-1"}, false
			unk["public_ip"] = true
		} else {
			vals["security_groups"] = []any{"sg-1"}
			unk["private_ips"], unk["ipv6_address_list"] = true, true
		}
		for k, v := range values {
			vals[k] = v
		}
		for k, v := range unknown {
			unk[k] = v
		}
		return planRes{typ: typ, name: "web", values: vals, unknown: unk}
	}
	tests := []struct {
		name   string
		assign any
		res    planRes
		v6     bool // whether it has an IPv6 address
	}{
		{"an instance in a subnet that assigns on creation", true, web("aws_instance", nil, map[string]any{"ipv6_address_count": true}), true},
		{"an interface in a subnet that assigns on creation", true, web("aws_network_interface", nil, map[string]any{"ipv6_address_count": true}), true},
		{"an instance with ipv6_address_count", false, web("aws_instance", map[string]any{"ipv6_address_count": 1}, nil), true},
		{"an interface with ipv6_address_count", nil, web("aws_network_interface", map[string]any{"ipv6_address_count": 2}, nil), true},
		{"an interface with ipv6_prefix_count", nil, web("aws_network_interface", map[string]any{"ipv6_prefix_count": 1}, nil), true},
		{"an instance in a subnet that does not assign", false, web("aws_instance", map[string]any{"ipv6_address_count": 0}, nil), false},
		{"an interface, assign left out", nil, web("aws_network_interface", nil, nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(v6Net(tt.assign), tt.res)...), nil)
			require.NoError(t, err)
			a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			r, qerr := m.Check(reach.Query{From: "2600:1f00::7", To: tt.res.typ + ".web", Protocol: flow.TCP, Port: 22, IPv6: true})
			if !tt.v6 {
				assert.Zero(t, a.Interfaces)
				require.ErrorIs(t, qerr, reach.ErrQuery, "no IPv6 address to ask about")
				return
			}
			require.Equal(t, 1, a.Interfaces)
			require.NotEmpty(t, a.Findings, "SSH open to ::/0 on an interface that gets an IPv6 address at launch")
			assert.Equal(t, reach.Exposed, a.Findings[0].Exposure)
			require.NoError(t, qerr)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tt.res.typ+".web: ipv6_addresses is known only later: the trace shows 2600:1f18:1:1:ffff:ffff:ffff:fffe in its place")
		})
	}
	_, err := terraform.Parse("plan.json", planOf(t, append(v6Net("unknown"), web("aws_instance", nil, nil))...), nil)
	require.ErrorIs(t, err, terraform.ErrUnknownValue)
	assert.ErrorContains(t, err, "aws_instance.web: ipv6_addresses")
	assert.ErrorContains(t, err, "aws_subnet.pub: assign_ipv6_address_on_creation, known only after apply")
}

// An interface whose delegated prefixes AWS picks at apply
// (ipv4_prefix_count / ipv6_prefix_count: ipv4_prefixes / ipv6_prefixes
// known only after apply): the load report names the attribute, and a
// query to a free address of the subnet, which a prefix may hold, is
// undecided instead of an unknown destination. Without a count the
// provider's computed attribute delegates nothing.
func TestUnknownDelegatedPrefixes(t *testing.T) {
	unk := map[string]any{"ipv4_prefixes": true, "ipv6_prefixes": true, "ipv6_addresses": true, "ipv6_address_list": true}
	for _, tc := range []struct {
		name     string
		vals     map[string]any
		from, to string
		attr     string // "" when nothing is delegated
	}{
		{"ipv4_prefix_count", map[string]any{"ipv4_prefix_count": 1}, "aws_network_interface.other", "10.1.1.37", "ipv4_prefixes"},
		{"ipv6_prefix_count", map[string]any{"ipv6_prefix_count": 1}, "2600:1f00::7", "2600:1f18:1:1:8000::9", "ipv6_prefixes"},
		{"no count", map[string]any{}, "aws_network_interface.other", "10.1.1.37", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := map[string]any{"id": "eni-1", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "private_ip": "10.1.1.50", "private_ips": []any{"10.1.1.50"}}
			for k, v := range tc.vals {
				vals[k] = v
			}
			other := planRes{typ: "aws_network_interface", name: "other", values: map[string]any{"id": "eni-2", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"},
				"private_ip": "10.1.1.60", "private_ips": []any{"10.1.1.60"}}}
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), planRes{typ: "aws_network_interface", name: "web", values: vals, unknown: unk}, other)...), rep)
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			web := m.Interfaces()[0]
			if tc.attr == "" {
				assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
				assert.Empty(t, web.IPv4PrefixesUnknown+web.IPv6PrefixesUnknown)
				assert.NotContains(t, strings.Join(rep.Warnings, "\n"), "prefixes")
				return
			}
			what := "aws_network_interface.web: " + tc.attr
			assert.Contains(t, rep.Warnings, what+": the prefixes AWS delegates at launch are known only after apply: a query to a free address of the subnet is indeterminate, and so is a set answer for those addresses")
			assert.Equal(t, what, web.IPv4PrefixesUnknown+web.IPv6PrefixesUnknown)
			require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), "DELEGATED_PREFIXES_UNKNOWN")
			assert.Contains(t, r.Text(), what)
		})
	}
}
