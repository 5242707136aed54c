package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// Terraform writes an element of a list known only after apply null in
// the planned values, and true at its index in after_unknown
// (cidr_blocks = ["${aws_eip.nat.public_ip}/32"] is [null], [true]).
// Such a list was refused as "not a list of CIDR blocks" (or of IDs), or,
// where the reader ignored a list it could not read, left out: an IPv6
// address or a delegated prefix of the configuration's, computed from a
// new subnet's block, was not the interface's, and the answer about it
// unreachable for certain.

// TestRuleCIDRElementKnownLater: a security group rule whose cidr_blocks
// holds an element known only after apply matches an unknown peer there,
// and its known elements as written.
func TestRuleCIDRElementKnownLater(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cidrs   []any
		unknown []any
		want    map[uint16]reach.Outcome // api to db, by port
	}{
		{"the only element known later", []any{nil}, []any{true}, map[uint16]reach.Outcome{5432: reach.Indeterminate, 22: reach.Unreachable}},
		{"beside the api subnet's block", []any{nil, "10.1.1.0/24"}, []any{true, false}, map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{"beside another block", []any{"10.9.0.0/16", nil}, []any{false, true}, map[uint16]reach.Outcome{5432: reach.Indeterminate, 22: reach.Unreachable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": tc.cidrs, "self": false}
			rs := newVPCWithDefaults(nil, planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
				unknown: map[string]any{"id": true, "security_group_id": true, "cidr_blocks": tc.unknown}, exprs: map[string]any{"security_group_id": defaultSGRef}})
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.NoError(t, err)
			for port, want := range tc.want {
				r, err := m.Check(tcp("aws_instance.api", "aws_instance.db", port))
				require.NoError(t, err)
				assert.Equal(t, want, r.Outcome, "port %d\n%s", port, r.Text())
			}
		})
	}
	t.Run("a null element after_unknown does not mark", func(t *testing.T) {
		pg := map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": []any{nil}, "self": false}
		rs := newVPCWithDefaults(nil, planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
			unknown: map[string]any{"id": true, "security_group_id": true}, exprs: map[string]any{"security_group_id": defaultSGRef}})
		_, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
		require.ErrorIs(t, err, terraform.ErrInvalidPlan)
		assert.ErrorContains(t, err, "aws_security_group_rule.pg: cidr_blocks: invalid Terraform plan: not a list of CIDR blocks")
	})
}

// TestGroupIDsElementKnownLater: an instance's vpc_security_group_ids
// with a known group ID and one known only after apply holds the known
// one and those its references name; a value that is not a list is
// refused, naming the attribute.
func TestGroupIDsElementKnownLater(t *testing.T) {
	withAPIGroups := func(ids, unknown any, refs []string) []planRes {
		rs := sharedGroupNet(true, nil)
		for i := range rs {
			if rs[i].typ == "aws_instance" && rs[i].name == "api" {
				rs[i].values["vpc_security_group_ids"] = ids
				rs[i].unknown["vpc_security_group_ids"] = unknown
				rs[i].exprs["vpc_security_group_ids"] = refs
			}
		}
		return rs
	}
	// bastion (sg-bastion) is known, app new: db admits 22 from bastion,
	// and 5432 from app (its first block's list, surely app)
	rs := withAPIGroups([]any{"sg-bastion", nil}, []any{false, true},
		[]string{"aws_security_group.bastion.id", "aws_security_group.bastion", "aws_security_group.app.id", "aws_security_group.app"})
	m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	for port, want := range map[uint16]reach.Outcome{22: reach.Reachable, 5432: reach.Reachable, 3306: reach.Unreachable} {
		r, err := m.Check(tcp("aws_instance.api", "aws_instance.db", port))
		require.NoError(t, err)
		assert.Equal(t, want, r.Outcome, "port %d\n%s", port, r.Text())
	}

	_, err = terraform.Parse("plan.json", planOf(t, withAPIGroups("sg-bastion", false, nil)...), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, "aws_instance.api: vpc_security_group_ids: invalid Terraform plan: not a list of IDs")
}

// TestInterfaceAddressElementKnownLater: an IPv6 address or a delegated
// prefix the configuration computes, known only after apply, is the
// interface's: the IPv6 placeholder where the plan knows no other IPv6
// address, else a free address of the subnet that may be the interface's
// (reach.Interface.IPv6PrefixesUnknown); a prefix, likewise. An
// instance's secondary_private_ips element known later is an error, as
// the whole list is: the model needs the addresses.
func TestInterfaceAddressElementKnownLater(t *testing.T) {
	eni := func(values, unknown map[string]any) planRes {
		vals := map[string]any{"id": "eni-1", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "private_ip": "10.1.1.50", "private_ips": []any{"10.1.1.50"}}
		for k, v := range values {
			vals[k] = v
		}
		return planRes{typ: "aws_network_interface", name: "web", values: vals, unknown: unknown}
	}
	for _, tc := range []struct {
		name     string
		res      planRes
		v6       []string // the interface's IPv6 addresses as the model holds them
		v6Later  string   // its IPv6Unknown
		prefixes string   // its IPv6PrefixesUnknown, or IPv4PrefixesUnknown
		known    []string // its delegated prefixes
		to       string   // a query from the internet (IPv6) or from 10.1.1.60 on 22
		want     reach.Outcome
	}{
		{name: "the only IPv6 address",
			res:     eni(map[string]any{"ipv6_addresses": []any{nil}}, map[string]any{"ipv6_addresses": []any{true}}),
			v6:      []string{"2600:1f18:1:1:ffff:ffff:ffff:fffe"}, // the placeholder Build places
			v6Later: "aws_network_interface.web: ipv6_addresses[0]", to: "aws_network_interface.web", want: reach.Reachable},
		{name: "beside a known IPv6 address",
			res: eni(map[string]any{"ipv6_addresses": []any{"2600:1f18:1:1::50", nil}}, map[string]any{"ipv6_addresses": []any{false, true}}),
			v6:  []string{"2600:1f18:1:1::50"}, prefixes: "aws_network_interface.web: ipv6_addresses[1]", to: "2600:1f18:1:1::77", want: reach.Indeterminate},
		{name: "an IPv4 prefix beside a known one",
			res:   eni(map[string]any{"ipv4_prefixes": []any{"10.1.1.64/28", nil}}, map[string]any{"ipv4_prefixes": []any{false, true}}),
			known: []string{"10.1.1.64/28"}, prefixes: "aws_network_interface.web: ipv4_prefixes", to: "10.1.1.37", want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := planRes{typ: "aws_network_interface", name: "other", values: map[string]any{"id": "eni-2", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"},
				"private_ip": "10.1.1.60", "private_ips": []any{"10.1.1.60"}}}
			m, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), tc.res, other)...), nil)
			require.NoError(t, err)
			web := m.Interfaces()[0]
			var v6 []string
			for _, a := range web.PrivateIPs {
				if a.Is6() {
					v6 = append(v6, a.String())
				}
			}
			assert.Equal(t, tc.v6, v6)
			assert.Equal(t, tc.v6Later, web.IPv6Unknown)
			assert.Equal(t, tc.prefixes, web.IPv4PrefixesUnknown+web.IPv6PrefixesUnknown)
			var known []string
			for _, p := range web.DelegatedPrefixes {
				known = append(known, p.String())
			}
			assert.Equal(t, tc.known, known)
			q := reach.Query{From: "aws_network_interface.other", To: tc.to, Protocol: flow.TCP, Port: 22}
			if len(tc.v6) > 0 {
				q = reach.Query{From: "2600:1f00::7", To: tc.to, Protocol: flow.TCP, Port: 22, IPv6: true}
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
	t.Run("an instance's secondary_private_ips", func(t *testing.T) {
		web := planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
			"associate_public_ip_address": false, "private_ip": "10.1.1.50", "secondary_private_ips": []any{"10.1.1.51", nil}},
			unknown: map[string]any{"id": true, "public_ip": true, "secondary_private_ips": []any{false, true}}}
		_, err := terraform.Parse("plan.json", planOf(t, append(v6Net(nil), web)...), nil)
		require.ErrorIs(t, err, terraform.ErrUnknownValue)
		assert.ErrorContains(t, err, "aws_instance.web: secondary_private_ips[1]: known only after apply")
	})
}
