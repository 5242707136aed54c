package terraform_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestACLRuleICMPTypeAndCode: an aws_network_acl_rule for ICMP gets the
// type and code the provider sends: its icmp_type and icmp_code, 0 when
// left out (null; the provider reads them with d.Get), so an entry that
// leaves them out allows echo replies (type 0 code 0), not echo requests.
// The plan adopts the default ACL; the rule's depends_on orders it after
// the adoption, so the entry is there after apply.
func TestACLRuleICMPTypeAndCode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		typ, code  any
		echoPasses bool
	}{
		{"left out: type 0 code 0", nil, nil, false},
		{"echo request", 8, 0, true},
		{"every type", -1, -1, true},
		{"echo reply", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = []any{}
			rs = append(rs, publicWeb(),
				planRes{typ: "aws_network_acl_rule", name: "icmp", values: map[string]any{"network_acl_id": "acl-main", "rule_number": 100, "egress": false,
					"protocol": "icmp", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "icmp_type": tc.typ, "icmp_code": tc.code, "from_port": nil, "to_port": nil},
					unknown: map[string]any{"id": true}, exprs: map[string]any{"depends_on": []string{"aws_default_network_acl.main"}}})
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.ICMP})
			require.NoError(t, err)
			want := reach.Unreachable
			if tc.echoPasses {
				want = reach.Reachable
			}
			assert.Equal(t, want, r.Outcome, r.Text())
		})
	}
}

// TestACLActionAndProtocolAsTheProviderTakes: the AWS provider takes a
// network ACL entry's action in any case and its protocol as a number,
// "all" or an IANA keyword ("ipv6-icmp", "ospfigp"); such plans are read,
// not refused.
func TestACLActionAndProtocolAsTheProviderTakes(t *testing.T) {
	for _, tc := range []struct {
		action, protocol string
		want             reach.Outcome // of tcp/22 from the internet
	}{
		{"ALLOW", "-1", reach.Reachable},
		{"Allow", "TCP", reach.Reachable},
		{"allow", "tcp", reach.Reachable},
		{"allow", "ospfigp", reach.Unreachable},
		{"allow", "ipv6-icmp", reach.Unreachable},
		{"DENY", "6", reach.Unreachable},
	} {
		t.Run(tc.action+" "+tc.protocol, func(t *testing.T) {
			rs := existingPublicNet(false)
			entries := []any{map[string]any{"rule_no": 200, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
			if tc.action != "DENY" {
				entries = entries[:0]
			}
			entries = append(entries, map[string]any{"rule_no": 100, "action": tc.action, "protocol": tc.protocol, "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 65535})
			rs[3].values["ingress"] = entries
			m, err := terraform.Parse("plan.json", planOf(t, append(rs, publicWeb())...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestACLRuleRefusals: an aws_network_acl_rule whose values AWS would not
// take as written is refused, naming the rule and the attribute and
// quoting the value, never read as something else: a block of the other
// family (an IPv6 block in cidr_block must not become an IPv4 entry, nor
// the reverse), ICMP type -1 with a code (icmp_code left out is 0 as the
// provider sends it), a port range backwards by one.
func TestACLRuleRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]any
		attr   string
		text   string
		err    string
	}{
		{"an IPv6 block in cidr_block", map[string]any{"protocol": "tcp", "cidr_block": "2001:db8::/32", "from_port": 22, "to_port": 22},
			"cidr_block", "2001:db8::/32", "of the wrong address family"},
		{"an IPv4 block in ipv6_cidr_block", map[string]any{"protocol": "tcp", "ipv6_cidr_block": "10.0.0.0/8", "from_port": 22, "to_port": 22},
			"ipv6_cidr_block", "10.0.0.0/8", "of the wrong address family"},
		{"every ICMP type, icmp_code left out", map[string]any{"protocol": "icmp", "cidr_block": "0.0.0.0/0", "icmp_type": -1, "icmp_code": nil},
			"icmp_code", "-1/0", "a code needs a type"},
		{"every ICMP type with code 3", map[string]any{"protocol": "1", "cidr_block": "0.0.0.0/0", "icmp_type": -1, "icmp_code": 3},
			"icmp_code", "-1/3", "a code needs a type"},
		{"ports one backwards", map[string]any{"protocol": "udp", "cidr_block": "0.0.0.0/0", "from_port": 54, "to_port": 53},
			"from_port", "54-53", "from before to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			values := map[string]any{"network_acl_id": "acl-main", "rule_number": 100, "egress": false, "rule_action": "allow"}
			maps.Copy(values, tc.values)
			rs = append(rs, publicWeb(), planRes{typ: "aws_network_acl_rule", name: "r", values: values,
				unknown: map[string]any{"id": true}, exprs: map[string]any{"depends_on": []string{"aws_default_network_acl.main"}}})
			_, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, terraform.ErrInvalidPlan)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "aws_network_acl_rule.r: "+tc.attr, ie.Path)
			assert.Equal(t, tc.text, ie.Text)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

// TestACLEntryPortZero: an ACL entry for tcp from_port 0 to_port 0 is
// port 0 alone, as AWS reads PortRange 0–0; never every port.
func TestACLEntryPortZero(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		want     reach.Outcome // of tcp/22 from the internet
	}{
		{0, 0, reach.Unreachable},
		{22, 22, reach.Reachable},
		{0, 65535, reach.Reachable},
	} {
		t.Run(fmt.Sprintf("%d-%d", tc.from, tc.to), func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "tcp", "cidr_block": "0.0.0.0/0", "from_port": tc.from, "to_port": tc.to}}
			m, err := terraform.Parse("plan.json", planOf(t, append(rs, publicWeb())...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}
