package aws_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A dual-stack dump whose private subnets route ::/0 to an egress-only
// internet gateway that describe-egress-only-internet-gateways does not
// list (testdata/v6-missing-eigw): the loader makes the route an
// unmodelled target of that type. Whatever its state, such a gateway
// lets the internet open no connection and hides nothing private: an
// internet host's session to an instance there is Unreachable, not
// "may come in privately", in Check, Verdict, Sources and Audit (audit
// v6nat25, finding 1).
func TestMissingEgressOnlyGatewayNoWayIn(t *testing.T) {
	m, rep, err := aws.Load(filepath.Join("testdata", "v6-missing-eigw"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(strings.Join(rep.Warnings, "\n"), "egress-only internet gateway"), "%v", rep.Warnings)
	for _, to := range []string{"app", "v6"} {
		q := reach.Query{From: "2606:4700::1", To: to, Protocol: flow.TCP, Port: 443, IPv6: true}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, r.Outcome, "%s", r.Text())
		assert.NotContains(t, r.Text(), "privately", r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, v, to)
		s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 443, IPv6: true})
		require.NoError(t, err)
		assert.Empty(t, s.InternetIndeterminate, "no internet host opens a session through an egress-only gateway (%s)", to)
	}
	a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	for _, f := range a.Findings {
		assert.NotEqual(t, reach.Indeterminate.String(), f.Exposure.String(), "%s %s: %v", f.Interface, f.Service, f.OpenedBy)
	}
}
