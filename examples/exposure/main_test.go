package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// The example's story must stay true: SSH opened by web-1's group and
// closed by the firewall, only HTTPS open to an internet host, nobody on
// postgresql from the default client port and app-1 from a low one.
func TestRunTellsTheStory(t *testing.T) {
	var out bytes.Buffer
	a, err := run(&out)
	require.NoError(t, err)

	require.Len(t, a.audit.Findings, 1)
	f := a.audit.Findings[0]
	assert.Equal(t, "web-1", f.Name)
	assert.Equal(t, "SSH", f.Service)
	assert.Equal(t, reach.Closed, f.Exposure)
	require.NotEmpty(t, f.ClosedBy)
	assert.Equal(t, reach.KindFirewall, f.ClosedBy[0].Kind)
	assert.Zero(t, a.audit.Worst(), "nothing exposed")

	assert.Equal(t, "443", a.web.Open.String())
	require.NotEmpty(t, a.web.Cuts)

	assert.Empty(t, a.db.Interfaces)
	assert.Empty(t, a.db.Internet)
	require.Len(t, a.dbLow.Interfaces, 1)
	assert.Equal(t, "app-1", a.dbLow.Interfaces[0].Name)
	assert.Empty(t, a.dbLow.Internet)

	text := out.String()
	for _, s := range []string{
		"closed by network-firewall vpce-fw (FIREWALL_DROP, forward hop 4)",
		"open from client port 50000: 443\n",
		"from client port 30000:\nwho reaches db-1 (eni-db1) over tcp port 5432:\n  interfaces:\n    app-1 (eni-app1) 10.0.2.20\n",
	} {
		assert.Contains(t, text, s)
	}
}

// The same facts as a user's CI would pin them, with reachtest.
func TestExposureWithReachtest(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	reachtest.AssertOnlyPorts(t, m, "198.51.100.7", "web-1", flow.TCP, "https")
	reachtest.AssertNotExposed(t, m, "web-1", "ssh,rdp")
	reachtest.AssertNotExposed(t, m, "db-1", "postgresql")
}

// TestSetAnswersAgreeWithVerdict checks the example's answers, and the
// set answers around them, against a Verdict per value: every port of
// web-1 to app-1, an internet host to web-1 and the other tiers' pairs, who reaches web-1 on
// ssh and db-1 on postgresql (from both client ports), the whole matrix
// and the audit, IPv4 and IPv6.
func TestSetAnswersAgreeWithVerdict(t *testing.T) {
	m, err := design()
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{
			{From: "web-1", To: "app-1", Protocol: flow.TCP},
			{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP},
			{From: "2001:db8:aaaa::7", To: "web-1", Protocol: flow.TCP, IPv6: true},
			{From: "app-1", To: "db-1", Protocol: flow.UDP},
			{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "web-1", Protocol: flow.TCP, Port: 22},
			{To: "web-1", Protocol: flow.TCP, Port: 443, IPv6: true},
			{To: "db-1", Protocol: flow.TCP, Port: 5432},
			{To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000},
		},
		IPv6: true,
		Seed: 1,
	})
}
