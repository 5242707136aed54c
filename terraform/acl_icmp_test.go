package terraform_test

import (
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
					unknown: map[string]any{"id": true}})
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
