package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// The example's story must stay true: the change moves web-1's port on
// app-1 from 8080 to 8443 and changes nothing else; one rule gives 8080
// back, one deny entry stops app-1 reaching the database, and neither
// alters another session.
func TestRunTellsTheStory(t *testing.T) {
	var out bytes.Buffer
	a, err := run(&out)
	require.NoError(t, err)

	require.Len(t, a.diff.Changes, 1)
	c := a.diff.Changes[0]
	assert.Equal(t, "8443", c.Gained.TCP.String())
	assert.Equal(t, "8080", c.Lost.TCP.String())
	require.Len(t, a.diff.Resources, 1)
	assert.Equal(t, "sg-app", a.diff.Resources[0].ID)

	var ids []string
	for _, f := range a.lint.Findings {
		ids = append(ids, f.ID)
	}
	assert.Contains(t, ids, "ACL_CUTS_REPLIES", "the database subnet's ephemeral-port pitfall")
	assert.Contains(t, ids, "EXPOSED_RISKY_CLOSED", "web-1's SSH, closed by the firewall alone")

	for _, fx := range []*reach.FixResult{a.open, a.close} {
		require.Len(t, fx.Changes, 1)
		assert.NotEqual(t, fx.Before, fx.After)
		assert.Equal(t, fx.Want, fx.After)
		assert.Empty(t, fx.AlsoChanged)
	}
	assert.Equal(t, "sg-app", a.open.Changes[0].Resource)
	assert.Equal(t, reach.ResourceNetworkACL, a.close.Changes[0].Kind)
	assert.Contains(t, out.String(), "$ aws ec2 authorize-security-group-ingress --group-id sg-app")
}

// The cause of "gained tcp 8443; lost tcp 8080" names the rules that
// carry that traffic, not the SSH rule added to the same group.
func TestCauseNamesOnlyRulesOfTheChange(t *testing.T) {
	var out bytes.Buffer
	a, err := run(&out)
	require.NoError(t, err)
	require.Len(t, a.diff.Changes, 1)
	require.Len(t, a.diff.Changes[0].Causes, 1)
	cause := a.diff.Changes[0].Causes[0]
	require.Equal(t, "sg-app", cause.ID)
	cases := []struct {
		detail string
		cause  bool
	}{
		{"rule removed: inbound sgr-app-http allows tcp/8080 from sg-web", true},
		{"rule added: inbound sgr-app-http allows tcp/8443 from sg-web", true},
		{"rule added: inbound sgr-app-ssh allows tcp/22 from 10.0.0.0/16", false},
	}
	for _, tc := range cases {
		t.Run(tc.detail, func(t *testing.T) {
			assert.Equal(t, tc.cause, slices.Contains(cause.Details, tc.detail), "cause details %q", cause.Details)
			// the resources changed still list every rule
			assert.Contains(t, a.diff.Resources[0].Details, tc.detail)
			line := "cause: security-group sg-app"
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.Contains(l, line) {
					assert.Equal(t, tc.cause, strings.Contains(l, tc.detail), l)
				}
			}
		})
	}
}

// The changed design's set answers agree with a Verdict per value: the
// ports web-1 and the VPC now reach on app-1, who reaches app-1 on SSH,
// the whole matrix and the audit.
func TestSetAnswersAgreeWithVerdict(t *testing.T) {
	m, err := changed()
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{
			{From: "web-1", To: "app-1", Protocol: flow.TCP},
			{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP},
			{From: "app-1", To: "db-1", Protocol: flow.TCP},
			{From: "web-1", To: "app-1", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "app-1", Protocol: flow.TCP, Port: 22},
			{To: "app-1", Protocol: flow.TCP, Port: 8443},
		},
		Step: 5,
		Seed: 3,
	})
}
