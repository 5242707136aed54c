package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestQuestionsAnswer pins the example's story: the first and last
// questions pass, the others do not.
func TestQuestionsAnswer(t *testing.T) {
	m, err := design()
	require.NoError(t, err)
	for i, x := range questions {
		got, err := m.Verdict(x.q)
		require.NoError(t, err, x.title)
		require.Equal(t, i == 0 || i == len(questions)-1, got == reach.Reachable, x.title)
	}
}

// TestSetAnswersAgreeWithVerdict checks every set answer on the example's
// design against a Verdict per value: every 7th port of the internet to
// web-1 and every edge of its answer, the pairs its questions name, ping from app-1, who reaches web-1
// and db-1, the whole matrix and the audit, IPv4 and IPv6.
func TestSetAnswersAgreeWithVerdict(t *testing.T) {
	m, err := design()
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{
			{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP},
			{From: "web-1", To: "db-1", Protocol: flow.TCP},
			{From: "app-1", To: "db-1", Protocol: flow.TCP},
			{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"},
			{From: "app-1", To: "web-1", Protocol: flow.ICMP},
			{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "web-1", Protocol: flow.TCP, Port: 443},
			{To: "web-1", Protocol: flow.TCP, Port: 22},
			{To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000},
			{To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}},
		},
		Step: 7, // a verdict through the firewall is slow: every 7th port and every edge
		IPv6: true,
	})
}
