package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestLintSGRuleDead: a security group rule for icmp (1) with an IPv6
// CIDR, or icmpv6 (58) with an IPv4 one, matches no packet (semantics.md
// A.3: "an icmp rule never matches ICMPv6 packets"), and Check agrees;
// Lint flags each such rule (SG_RULE_DEAD), as it flags the ACL entry of
// the same pair (audit v6nat25 finding 5: it said nothing).
func TestLintSGRuleDead(t *testing.T) {
	out6 := sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}
	out4 := sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	tests := []struct {
		name  string
		rule  sg.Rule
		dead  bool
		query reach.Query
	}{
		{"icmp from ::/0", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("::/0")}, true,
			reach.Query{From: v6nInet6, To: "web", Protocol: flow.ICMPv6, IPv6: true}},
		{"icmpv6 from 0.0.0.0/0", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMPv6, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}, true,
			reach.Query{From: "203.0.113.7", To: "198.51.100.10", Protocol: flow.ICMP}},
		{"icmpv6 echo to 10.0.0.0/8", sg.Rule{Direction: flow.Outbound, Protocol: flow.ICMPv6, ICMPType: 128, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")}, true,
			reach.Query{From: "web", To: "10.0.1.10", Protocol: flow.ICMP}},
		{"icmpv6 from ::/0 is fine", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMPv6, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("::/0")}, false,
			reach.Query{From: v6nInet6, To: "web", Protocol: flow.ICMPv6, IPv6: true}},
		{"icmp from 0.0.0.0/0 is fine", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}, false,
			reach.Query{From: "203.0.113.7", To: "198.51.100.10", Protocol: flow.ICMP}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := []sg.Rule{tt.rule}
			if tt.rule.Direction == flow.Inbound {
				rules = append(rules, out6, out4)
			}
			m := v6nModel(t, v6nOpts{webRules: rules})
			if tt.dead && tt.rule.Direction == flow.Inbound {
				v6nCheck(t, m, tt.query, reach.Unreachable) // the rule admits nothing
			}
			l, err := m.Lint(reach.LintOptions{})
			require.NoError(t, err)
			var got []reach.LintFinding
			for _, f := range l.Findings {
				if f.ID == reach.LintSGRuleDead {
					got = append(got, f)
				}
			}
			if !tt.dead {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1, l.Text())
			f := got[0]
			assert.Equal(t, "sg-web", f.Resource)
			assert.Equal(t, "#0", f.Rule)
			assert.Equal(t, reach.Medium, f.Severity)
			assert.Contains(t, f.Message, "can match no packet")
			assert.Contains(t, f.Fix, "remove rule #0 from sg-web")
			only, err := m.Lint(reach.LintOptions{Skip: []string{reach.LintSGRuleDead}})
			require.NoError(t, err)
			for _, f := range only.Findings {
				assert.NotEqual(t, reach.LintSGRuleDead, f.ID)
			}
		})
	}
}
