package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// aliRule22 is an inbound Alibaba Cloud rule for tcp/22.
func aliRule22(peer sg.Peer, action flow.Action, priority int) sg.Rule {
	return sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: peer, Action: action, Priority: priority}
}

// TestAlibabaMiddleboxFixFitsBothViews: after a middlebox an Alibaba
// Cloud group judges the packet with the sender's group membership kept
// and lost (alibaba_sg.go). The hop's deciding rule is the drop rule that
// comes first in either view, and its fix makes both views accept: an
// accept rule by address before every drop rule that decides in either
// (audit ali27, findings 1 and 3), or the removal of those drop rules
// where that lets the packet through. Each advice is taken at its word
// (at the largest priority it allows) and checked; one priority more
// does not do.
func TestAlibabaMiddleboxFixFitsBothViews(t *testing.T) {
	q := tcp("ecs-a", "ecs-b", 22)
	design := func(t *testing.T, rules ...sg.Rule) *reach.Model {
		return alibabaApplianceDesign(t, []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: rules}}, []string{"sg-a"}, []string{"sg-b"})
	}
	byGroup, byAddr, addr := sg.GroupRef("sg-a"), sg.CIDR("10.2.1.0/24"), sg.CIDR("10.2.1.10/32")
	for _, c := range []struct {
		name    string
		rules   []sg.Rule
		before  reach.Outcome
		rule    string // the hop's deciding rule ("" for an undecided hop)
		fix     []string
		notFix  []string
		accept  int   // the largest priority the fix allows an accept rule
		remove  []int // the rules the fix says to remove, where it does
		thenAdd bool  // with an accept rule after the removal
	}{
		{name: "a group drop at 2 comes before an address drop at 5", rules: []sg.Rule{aliRule22(byGroup, flow.Drop, 2), aliRule22(byAddr, flow.Drop, 5)},
			before: reach.Unreachable, rule: "sg-b #0 drops tcp/22 from sg-a (priority 2)",
			fix: []string{"with the sender's group membership kept, drop rule sg-b #0", "with priority 1 ("}, notFix: []string{"from 1 to 4", "remove"}, accept: 1},
		{name: "only a group drop: the lost view denies by default", rules: []sg.Rule{aliRule22(byGroup, flow.Drop, 2)},
			before: reach.Unreachable, rule: "sg-b #0 drops tcp/22 from sg-a (priority 2)", fix: []string{"with priority 1 ("}, accept: 1},
		{name: "both drops at 5 before an accept at 50: removing them opens it", rules: []sg.Rule{aliRule22(byGroup, flow.Drop, 5), aliRule22(byAddr, flow.Drop, 6), aliRule22(sg.AnyIPv4, flow.Pass, 50)},
			before: reach.Unreachable, rule: "sg-b #0 drops tcp/22 from sg-a (priority 5)",
			fix: []string{"priority from 1 to 4", "or remove the drop rules sg-b #0", "sg-b #1 drops tcp/22 from 10.2.1.0/24 (priority 6)"}, accept: 4, remove: []int{0, 1}},
		{name: "a group drop at 1: remove, then accept", rules: []sg.Rule{aliRule22(byGroup, flow.Drop, 1), aliRule22(byAddr, flow.Drop, 3)},
			before: reach.Unreachable, rule: "sg-b #0 drops tcp/22 from sg-a (priority 1)",
			fix: []string{"no accept rule can come before it", "remove the drop rules", "then add an inbound accept rule"}, remove: []int{0, 1}, thenAdd: true},
		{name: "undecided: the kept view's group drop at 3, the lost view's accept at 10", rules: []sg.Rule{aliRule22(byGroup, flow.Drop, 3), aliRule22(byAddr, flow.Pass, 10)},
			before: reach.Indeterminate, fix: []string{"decide it by address rather than by group", "priority from 1 to 2"}, notFix: []string{"inner access"}, accept: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := design(t, c.rules...).Check(q)
			require.NoError(t, err)
			require.Equal(t, c.before, r.Outcome, r.Text())
			var hop *reach.Hop
			for i := range r.Forward {
				if h := &r.Forward[i]; h.Kind == reach.KindSecurityGroups && h.Verdict != flow.Allow {
					hop = h
				}
			}
			require.NotNil(t, hop, r.Text())
			if c.rule != "" {
				assert.Equal(t, c.rule, hop.Rule)
				assert.Contains(t, r.Text(), "denied by sg-b rule "+c.rule[len("sg-b "):], "the trace names the deciding rule")
			}
			for _, s := range c.fix {
				assert.Contains(t, hop.Fix, s)
			}
			for _, s := range c.notFix {
				assert.NotContains(t, hop.Fix, s)
			}
			if c.accept > 0 {
				at := func(p int) reach.Outcome {
					return aliChkVerdict(t, design(t, append(c.rules, aliRule22(addr, flow.Pass, p))...), q)
				}
				assert.Equal(t, reach.Reachable, at(c.accept), "an accept rule at %d, as the fix says", c.accept)
				assert.NotEqual(t, reach.Reachable, at(c.accept+1), "an accept rule at %d, after a drop rule that decides", c.accept+1)
			}
			if c.remove != nil {
				var kept []sg.Rule
				for i, rule := range c.rules {
					if !slices.Contains(c.remove, i) {
						kept = append(kept, rule)
					}
				}
				if c.thenAdd {
					kept = append(kept, aliRule22(addr, flow.Pass, 100))
				}
				assert.Equal(t, reach.Reachable, aliChkVerdict(t, design(t, kept...), q), "the drop rules removed, as the fix says")
			}
		})
	}
}
