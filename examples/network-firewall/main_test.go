package main

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// want is what the example claims about one question: the verdict each
// way, whether the stateful engine decided, and which of its rules (sid)
// or default action did.
type want struct {
	request, reply flow.Verdict
	stateful       bool
	sid            int
	action         string
}

func TestRunTellsTheStory(t *testing.T) {
	var out bytes.Buffer
	answers, err := run(&out)
	require.NoError(t, err)

	wants := []want{
		// 1. the stateless pass covers the request only; the reply meets the default drop
		{flow.Allow, flow.Deny, false, 0, ""},
		// 1. a mirror rule for the reply: both pass, the stateful engine never sees them
		{flow.Allow, flow.Allow, false, 0, ""},
		// 1. forwarded: the stateful engine passes the session, replies included
		{flow.Allow, flow.Allow, true, 1, "pass"},
		// 1. forwarded SSH: no pass rule, aws:drop_strict
		{flow.Deny, flow.Allow, true, 0, "aws:drop_strict"},
		// 2. allowlisted TLS SNI
		{flow.Allow, flow.Allow, true, 1, "pass"},
		// 2. allowlisted HTTP Host (dotprefix: the apex matches too)
		{flow.Allow, flow.Allow, true, 2, "pass"},
		// 2. a name not on the list: the generated TLS drop rule (which AWS's
		// documents disagree on under STRICT_ORDER) or the default drops it
		{flow.Deny, flow.Allow, true, 0, "aws:drop_established"},
		// 2. TLS whose SNI the question does not give: undecided, sid 1 named
		{flow.Indeterminate, flow.Allow, true, 1, "pass"},
		// 3. STRICT_ORDER: the drop rule comes first
		{flow.Deny, flow.Allow, true, 1, "drop"},
		// 3. DEFAULT_ACTION_ORDER: pass beats drop
		{flow.Allow, flow.Allow, true, 2, "pass"},
		// 3. STRICT_ORDER, port 443: the drop rule does not match
		{flow.Allow, flow.Allow, true, 2, "pass"},
	}
	require.Len(t, answers, len(wants))
	for i, a := range answers {
		w := wants[i]
		t.Run(fmt.Sprintf("%d %s %s", a.part, a.policy.Name, a.flow), func(t *testing.T) {
			assert.Equal(t, w.request, a.ins.VerdictOn(false), a.ins.ReasonOn(false))
			assert.Equal(t, w.reply, a.ins.VerdictOn(true), a.ins.ReasonOn(true))
			if !w.stateful {
				assert.Nil(t, a.ins.Stateful, "the stateful engine must not see a passed connection")
				return
			}
			require.NotNil(t, a.ins.Stateful)
			assert.Equal(t, w.sid, a.ins.Stateful.Sid)
			action := a.ins.Stateful.Action.String()
			if a.ins.Stateful.DefaultAction != "" {
				action = a.ins.Stateful.DefaultAction
			}
			assert.Equal(t, w.action, action)
		})
	}

	text := out.String()
	for _, s := range []string{
		"reply   deny  policy pass-request-only: stateless engine: tcp 10.0.1.10:443 -> 198.51.100.7:50000 [SYN|ACK] is dropped",
		"(the stateful engine never saw this connection)",
		"sid 5 of egress-domains cannot be decided at the data-to-server packet (whether AWS generates this drop rule",
		`sid 1 of egress-domains reads "tls.sni", the TLS SNI the client sends, which the session does not give`,
		"drop rule sid 1 of egress",
		"pass rule sid 2 of egress",
	} {
		assert.Contains(t, text, s)
	}
}
