package reach_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// alibabaRules returns n inbound IPv4 accept rules, each to its own port.
func alibabaRules(n int) []sg.Rule {
	rs := make([]sg.Rule, n)
	for i := range rs {
		rs[i] = sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](uint16(1000 + i)),
			ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1}
	}
	return rs
}

// TestQuotaWarningsOfAlibabaInterfaces: AWS's quotas (60 rules per
// direction and family in a group, 5 groups per interface, adjustable up
// to 16) do not apply to Alibaba Cloud groups and interfaces; Alibaba
// Cloud's do (the JoinSecurityGroup and AuthorizeSecurityGroup API
// references): an elastic network interface in at most 5 security groups
// by default (10 on request), with at most 1,000 inbound and outbound
// rules across them.
func TestQuotaWarningsOfAlibabaInterfaces(t *testing.T) {
	tests := []struct {
		name  string
		rules []int // the rules of each group, all on one interface
		want  []quotaRow
	}{
		{"5 groups and 61 inbound IPv4 rules in one: within Alibaba's limits", []int{61, 0, 0, 0, 0}, []quotaRow{}},
		{"6 groups: above the default of 5", make([]int, 6),
			[]quotaRow{{"network interface", "eni-ecs-a", "security groups", 6, 5}}},
		{"11 groups: above the most Alibaba Cloud raises it to", make([]int, 11),
			[]quotaRow{{"network interface", "eni-ecs-a", "security groups", 11, 5}}},
		{"1,000 rules across the groups: within the limit", []int{400, 400, 200}, []quotaRow{}},
		{"1,001 rules across the groups: above the limit", []int{400, 400, 201},
			[]quotaRow{{"network interface", "eni-ecs-a", "rules across its security groups", 1001, 1000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var groups []sg.Group
			var names []string
			for i, n := range tt.rules {
				id := fmt.Sprintf("sg-b%d", i)
				groups = append(groups, sg.Group{ID: id, Name: id, Flavour: sg.AlibabaBasic, Rules: alibabaRules(n)})
				names = append(names, id)
			}
			m := alibabaVSwitchDesign(t, groups, ecsInterface("ecs-a", "10.2.1.10", names...))
			ws := m.QuotaWarnings()
			assert.Equal(t, tt.want, quotaRows(ws))
			for _, w := range ws {
				s := w.String()
				assert.Contains(t, s, "Alibaba Cloud")
				assert.NotContains(t, s, "Amazon")
			}
		})
	}
}

// TestQuotaWarningStringOfAlibabaQuota pins the sentence of an Alibaba
// Cloud quota and its lint finding, whose fix asks Alibaba Cloud (not AWS)
// to raise the groups per interface while 10 would do.
func TestQuotaWarningStringOfAlibabaQuota(t *testing.T) {
	tests := []struct {
		groups         int
		want, wantFix  string
		wantRaiseInFix bool
	}{
		{6, "network interface eni-ecs-a: 6 security groups, above the quota of 5 " +
			"(Security groups per elastic network interface, Alibaba Cloud ECS, Security group rules; adjustable up to 10)",
			`bring network interface eni-ecs-a down to 5 security groups, or ask Alibaba Cloud to raise "Security groups per elastic network interface" (up to 10)`, true},
		{11, "network interface eni-ecs-a: 11 security groups, above the quota of 5 " +
			"(Security groups per elastic network interface, Alibaba Cloud ECS, Security group rules; above its maximum of 10 too)",
			"bring network interface eni-ecs-a down to 5 security groups", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.groups), func(t *testing.T) {
			var groups []sg.Group
			var names []string
			for i := range tt.groups {
				id := fmt.Sprintf("sg-b%d", i)
				groups = append(groups, sg.Group{ID: id, Name: id, Flavour: sg.AlibabaEnterprise})
				names = append(names, id)
			}
			m := alibabaVSwitchDesign(t, groups, ecsInterface("ecs-a", "10.2.1.10", names...))
			ws := m.QuotaWarnings()
			require.Len(t, ws, 1)
			assert.Equal(t, tt.want, ws[0].String())

			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintQuotaGroupsPerIface}})
			require.NoError(t, err)
			require.Len(t, res.Findings, 1)
			f := res.Findings[0]
			assert.Equal(t, reach.LintQuotaGroupsPerIface, f.ID)
			assert.Equal(t, "eni-ecs-a", f.Resource)
			assert.Equal(t, ws[0].String(), f.Message)
			assert.Equal(t, tt.wantFix, f.Fix)
			assert.NotContains(t, f.Fix, "AWS")
		})
	}
}
