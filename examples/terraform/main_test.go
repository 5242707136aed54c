package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/terraform"
)

func TestExample(t *testing.T) {
	var b strings.Builder
	rs, err := run(&b)
	require.NoError(t, err)
	want := []reach.Outcome{reach.Reachable, reach.Reachable, reach.Reachable, reach.Unreachable, reach.Indeterminate}
	for i, r := range rs {
		assert.Equal(t, want[i], r.Outcome, "%+v\n%s", queries[i], r.Text())
	}
	assert.Equal(t, []reach.Code{reach.ACLDefaultDeny, reach.SGNoAllow, "RETURN_ACL_DEFAULT_DENY"}, rs[3].Codes(), "every layer that stops it")
	require.Len(t, rs[4].Unknowns, 1)
	assert.Contains(t, rs[4].Unknowns[0], "module.app.aws_instance.app[1]: private_ip is known only later")
	assert.Contains(t, b.String(), "module.app.aws_instance.app[1] -> aws_instance.db tcp/5432: indeterminate")
}

// TestEveryPortOfTheExactAnswers holds the exact answers to a check of
// every port of the pairs the quarantine rule leaves alone: the set a
// user would get port by port is what Ports gives.
func TestEveryPortOfTheExactAnswers(t *testing.T) {
	m, err := terraform.Parse("plan.json", plan, nil)
	require.NoError(t, err)
	for _, q := range [][2]string{{"aws_instance.web", "module.app.aws_instance.app[0]"}, {"module.app.aws_instance.app[0]", "aws_instance.db"}} {
		pr, err := m.Ports(reach.PortsQuery{From: q[0], To: q[1], Protocol: flow.TCP})
		require.NoError(t, err)
		var open []flow.PortRange
		for port := 1; port <= 65535; port++ {
			v, err := m.Verdict(reach.Query{From: q[0], To: q[1], Protocol: flow.TCP, Port: uint16(port)})
			require.NoError(t, err)
			if v == reach.Reachable {
				open = append(open, flow.Single(uint16(port)))
			}
		}
		assert.Equal(t, flow.SetOf(open...).String(), pr.Open.String(), "%v", q)
	}
	pr, err := m.Ports(reach.PortsQuery{From: "module.app.aws_instance.app[1]", To: "aws_instance.db", Protocol: flow.TCP})
	require.NoError(t, err, "app[1]'s address decides some ports: they are indeterminate, not an error")
	assert.Equal(t, "5432", pr.Indeterminate.String())
	assert.True(t, pr.Open.IsEmpty())
}

// TestSetAnswersWithAnAddressKnownOnlyLater holds every set answer of the
// plan, whose app[1] has an address the quarantine rule tells apart, to
// the single checks value by value: the parts that involve app[1] are
// answered by the single check's rule, indeterminate where it is.
func TestSetAnswersWithAnAddressKnownOnlyLater(t *testing.T) {
	m, err := terraform.Parse("plan.json", plan, nil)
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{
			{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.TCP},
			{From: "aws_instance.web", To: "module.app.aws_instance.app[0]", Protocol: flow.TCP},
			{From: "module.app.aws_instance.app[1]", To: "aws_instance.db", Protocol: flow.TCP},
			{From: "aws_instance.web", To: "aws_instance.db", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "aws_instance.db", Protocol: flow.TCP, Port: 5432},
			{To: "aws_instance.web", Protocol: flow.TCP, Port: 443},
		},
		Step: 5, Seed: 4,
	})
}
