package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// The example's story must stay true: with replies limited to 1024-32767
// the reply of a Linux or Windows client dies at the server subnet's ACL,
// outbound; with 1024-65535 it gets through.
func TestRunTellsTheStory(t *testing.T) {
	var out bytes.Buffer
	rep, err := run(&out)
	require.NoError(t, err)
	require.Len(t, rep.outcomes, 2*len(clients))

	for _, o := range rep.outcomes {
		t.Run(o.acl+" ACL, "+o.client.os, func(t *testing.T) {
			r := o.result
			assert.Equal(t, o.client.port, r.Flow.Src.Port(), "the query's source port")
			if o.acl == "fixed" {
				assert.True(t, r.Reachable, r.Text())
				return
			}
			require.False(t, r.Reachable, r.Text())
			assert.Equal(t, []reach.Code{"RETURN_ACL_DEFAULT_DENY"}, r.Codes())
			b, ok := r.First()
			require.True(t, ok)
			assert.Equal(t, reach.Return, b.Leg)
			assert.Equal(t, "acl-server", b.ID)
			assert.Equal(t, flow.Outbound, r.Return[b.Hop-1].Direction)
		})
	}

	broken, fixed := rep.roundTrips["broken"], rep.roundTrips["fixed"]
	assert.Equal(t, "1024-32767", broken.Allowed.String())
	assert.Equal(t, "1024-65535", fixed.Allowed.String())
	assert.False(t, broken.OK())
	assert.True(t, fixed.OK())
	for _, c := range broken.Ranges {
		want := c.Range == nacl.EphemeralWindowsLegacy // 1025-5000 fits below 32768
		assert.Equal(t, want, c.OK(), c.String())
	}

	text := out.String()
	for _, s := range []string{
		"RETURN_ACL_DEFAULT_DENY: denied by rule * (deny all to 0.0.0.0/0) on acl-server",
		"100: port 40000 not in 1024-32767",
		"100: port 52000 not in 1024-32767",
		"Linux (kernel default) 32768-60999: cut off for ports 32768-60999",
		"Windows Server 2008+ 49152-65535: allowed",
	} {
		assert.Contains(t, text, s)
	}
}

// The same checks the way a user's CI would write them, with reachtest.
func TestDesignWithReachtest(t *testing.T) {
	q := reach.Query{From: "client-1", To: "server-1", Protocol: flow.TCP, Port: 443}

	broken, err := design(serverACL("1024-32767"))
	require.NoError(t, err)
	for _, c := range clients {
		q.SrcPort = c.port
		reachtest.AssertNotReachable(t, broken, q, "RETURN_ACL_DEFAULT_DENY")
	}
	q.SrcPort = 3000 // an old Windows client: its replies fit below 32768
	reachtest.AssertReachable(t, broken, q)

	fixed, err := design(serverACL("1024-65535"))
	require.NoError(t, err)
	for _, c := range clients {
		q.SrcPort = c.port
		reachtest.AssertReachable(t, fixed, q)
	}
}

// TestSetAnswersAgreeWithVerdict checks every set answer on both versions
// of the design against a Verdict per value: every port of client-1 to
// server-1 (and from random client ports of each ephemeral range: the
// broken ACL lets some of them through only), the way back, who reaches
// server-1 on 443 from the default and a BSD client port, the whole
// matrix and the audit.
func TestSetAnswersAgreeWithVerdict(t *testing.T) {
	for i, replyPorts := range []string{"1024-32767", "1024-65535"} {
		t.Run(replyPorts, func(t *testing.T) {
			m, err := design(serverACL(replyPorts))
			require.NoError(t, err)
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{
					{From: "client-1", To: "server-1", Protocol: flow.TCP},
					{From: "server-1", To: "client-1", Protocol: flow.TCP},
					{From: "client-1", To: "server-1", Protocol: flow.UDP},
					{From: "client-1", To: "server-1", Protocol: flow.ICMP},
				},
				Sources: []reach.SourcesQuery{
					{To: "server-1", Protocol: flow.TCP, Port: 443},
					{To: "server-1", Protocol: flow.TCP, Port: 443, SrcPort: 20000},
				},
				Seed: uint64(i),
			})
		})
	}
}
