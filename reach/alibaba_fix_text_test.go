package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestAlibabaDenialFixText: the fix of a packet Alibaba Cloud groups deny
// follows Alibaba's rules (AuthorizeSecurityGroup: priority 1 to 100,
// smaller first, drop wins ties; advanced groups reference no group;
// semantics.md §E.1), not AWS's "add an allow rule": against a deciding
// drop rule, an accept rule of a higher priority (a smaller number), or
// removing or narrowing the drop (nothing comes before priority 1); an
// enterprise group's fix never offers a group as the peer.
func TestAlibabaDenialFixText(t *testing.T) {
	drop := func(priority int) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Drop, Priority: priority}
	}
	for _, tc := range []struct {
		name     string
		groups   []sg.Group
		contains []string // in every fix of a denying group hop
		not      []string
	}{
		{"a priority-1 drop rule decides", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{drop(1)}}},
			[]string{"remove the drop rule", "no accept rule can come before it", "narrow it so that it no longer matches tcp/22 from 10.2.1.10/32"},
			// the peer's group is an accept rule's alternative peer, not a way to narrow a drop rule
			[]string{"add an inbound", "(or sg-"}},
		{"a priority-5 drop rule decides", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{drop(5)}}},
			[]string{"accept rule to sg-b", "priority from 1 to 4", "remove the drop rule"}, nil},
		{"enterprise groups cannot reference groups", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaEnterprise}, {ID: "sg-b", Flavour: sg.AlibabaEnterprise}},
			[]string{"accept rule"}, []string{"(or sg-"}},
		{"basic groups: the peer's basic group may be the peer", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, InnerAccessDrop: true}},
			[]string{"add an inbound accept rule to sg-b", "(or sg-a, a basic group of ecs-a"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alibabaVSwitchDesign(t, tc.groups, ecsInterface("ecs-a", "10.2.1.10", "sg-a"), ecsInterface("ecs-b", "10.2.1.11", "sg-b"))
			r, err := m.Check(tcp("ecs-a", "ecs-b", 22))
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome)
			var fixes []string
			for _, h := range r.Forward {
				if h.Kind == reach.KindSecurityGroups && h.Verdict == flow.Deny {
					fixes = append(fixes, h.Fix)
				}
			}
			require.NotEmpty(t, fixes, "%s", r.Text())
			for _, f := range fixes {
				for _, s := range tc.contains {
					assert.Contains(t, f, s)
				}
				for _, s := range tc.not {
					assert.NotContains(t, f, s)
				}
				assert.NotContains(t, strings.ToLower(f), "allow rule", "Alibaba's rules accept or drop")
			}
		})
	}
}

// TestSecurityGroupDetailsName: each group's detail line names the group
// and, when it has one, its name in parentheses; a group without a name
// (Alibaba JSON without SecurityGroupName, an AWS group built without
// Name) gets no empty parentheses.
func TestSecurityGroupDetailsName(t *testing.T) {
	for _, tc := range []struct {
		name, groupName string
		want, not       string
	}{
		{"a named group", "web", "sg-b (web): ", ""},
		{"a group without a name", "", "sg-b: ", "sg-b ()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups := []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaEnterprise}, {ID: "sg-b", Name: tc.groupName, Flavour: sg.AlibabaEnterprise}}
			m := alibabaVSwitchDesign(t, groups, ecsInterface("ecs-a", "10.2.1.10", "sg-a"), ecsInterface("ecs-b", "10.2.1.11", "sg-b"))
			r, err := m.Check(tcp("ecs-a", "ecs-b", 22))
			require.NoError(t, err)
			var details []string
			for _, h := range r.Forward {
				if h.Kind == reach.KindSecurityGroups {
					details = append(details, h.Details()...)
				}
			}
			joined := strings.Join(details, "\n")
			assert.Contains(t, joined, tc.want)
			if tc.not != "" {
				assert.NotContains(t, joined, tc.not)
				assert.NotContains(t, r.Text(), tc.not)
			}
		})
	}
}
