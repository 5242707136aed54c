package reach_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestFixClosesAtAlibabaGroup: Fix(want Unreachable) on a session an
// Alibaba Cloud group admits offers, by hand (Fix writes AWS rules only),
// to stop it there: a drop rule for exactly the session with the accept
// rule's priority (at equal priority a drop rule wins), or removing the
// accept rule; in the error where nothing Fix writes stops it, else in
// ByHand beside the network ACL entry. Where a basic group's inner access
// policy Accept admits it, no rule can, and the advice says so (audit
// ali27, finding 2). Each drop rule advised is made and checked here
// too, and one a priority later does not stop the session.
func TestFixClosesAtAlibabaGroup(t *testing.T) {
	middlebox := func(t *testing.T) *reach.Model {
		return alibabaApplianceDesign(t, []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			aliRule22(sg.GroupRef("sg-a"), flow.Pass, 3), aliRule22(sg.CIDR("10.2.1.0/24"), flow.Pass, 7)}}}, []string{"sg-a"}, []string{"sg-b"})
	}
	for _, c := range []struct {
		name   string
		model  func(t *testing.T) *reach.Model
		q      reach.Query
		noFix  bool // nothing Fix writes stops it: the advice is the error's
		says   []string
		group  string // where the advised drop rule goes
		peer   string
		prio   int // the advised priority: prio+1 must not stop the session
		noRule bool
	}{
		{name: "one subnet: no ACL on the path", model: aliChkDesign, q: tcp("i1", "i3", 3306), noFix: true,
			says:  []string{"i3 (i3)'s Alibaba Cloud groups admit i1 -> i3 tcp/3306: Fix writes AWS rules only; by hand: accept rule sg-b #0", "inbound drop rule tcp 3306 from 10.0.1.10/32 with priority 1 (checked: unreachable after it", "or remove from sg-b the inbound accept rule tcp 3306 from sg-a (priority 1)"},
			group: "sg-b", peer: "10.0.1.10/32", prio: 1},
		{name: "from the internet: an ACL entry, and the group by hand", model: aliChkDesign, q: tcp("203.0.114.9", "i1", 84),
			says:  []string{"accept rule sg-a #2 allows tcp/80-90 from 0.0.0.0/0 (priority 5) admits it", "an inbound drop rule tcp 84 from 203.0.114.9/32 with priority 5 (or any from 1 to 5)"},
			group: "sg-a", peer: "203.0.114.9/32", prio: 5},
		{name: "after a middlebox: the smaller priority of both views", model: middlebox, q: tcp("ecs-a", "ecs-b", 22),
			says:  []string{"accept rules sg-b #1", "and sg-b #0", "with priority 3 (or any from 1 to 3)"},
			group: "sg-b", peer: "10.2.1.10/32", prio: 3},
		{name: "inner access Accept: no rule stops it", model: aliChkDesign, q: tcp("i1", "i2", 5000), noFix: true, noRule: true,
			says: []string{"no drop rule can stop it; set the inner access policy of sg-a to Drop", "(its rules then deny it)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.model(t)
			require.Equal(t, reach.Reachable, aliChkVerdict(t, m, c.q))
			fx, err := m.Fix(c.q, reach.Unreachable)
			advice := ""
			if c.noFix {
				require.Error(t, err)
				require.True(t, errors.Is(err, reach.ErrNoFix), "%v", err)
				advice = err.Error()
				assert.NotContains(t, advice, "no rule, entry or route Fix can change")
			} else {
				require.NoError(t, err)
				require.Equal(t, reach.Unreachable, fx.After)
				require.NotEmpty(t, fx.Changes)
				advice = fx.ByHand
			}
			for _, s := range c.says {
				assert.Contains(t, advice, s)
			}
			if c.noRule {
				return
			}
			// the advice taken at its word, and a priority later
			drop := func(p int) reach.Outcome {
				rule := aliRule22(sg.CIDR(c.peer), flow.Drop, p)
				rule.Ports = flow.Single(c.q.Port)
				next, err := m.Apply([]reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: c.group, Direction: flow.Inbound, Rule: &rule}})
				require.NoError(t, err)
				return aliChkVerdict(t, next, c.q)
			}
			assert.Equal(t, reach.Unreachable, drop(c.prio))
			assert.NotEqual(t, reach.Unreachable, drop(c.prio+1))
		})
	}
}
