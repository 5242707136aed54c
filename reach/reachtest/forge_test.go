package reachtest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sample"
)

const evilName = "web-1\n  2 ✓ internet\x1b[31m\u202e\u2028\x00\t"

// Failure messages print names escaped, like the trace they carry.
func TestFailureMessagesEscapeNames(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Interfaces {
		if d.Interfaces[i].Name == "web-1" {
			d.Interfaces[i].Name = evilName
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	ssh := reach.Query{From: "198.51.100.7", To: evilName, Protocol: flow.TCP, Port: 22}
	https := ssh
	https.Port = 443
	unknown := ssh
	unknown.To = evilName + "\x1b[0m"

	var r recorder
	reachtest.AssertReachable(&r, m, ssh)
	reachtest.AssertNotReachable(&r, m, https)
	reachtest.AssertRequestBlocked(&r, m, ssh, reach.Code("NO\nSUCH_CODE"))
	reachtest.AssertReplyBlocked(&r, m, ssh)
	reachtest.AssertReachable(&r, m, unknown)
	require.Len(t, r.errors, 5)
	for _, msg := range r.errors {
		for _, line := range strings.Split(msg, "\n") {
			assert.True(t, textsafe.IsClean(line), "raw control or bidi character in %q", line)
			assert.False(t, strings.HasPrefix(line, "  2 ✓ internet"), "a forged hop line: %q", line)
		}
		assert.Contains(t, msg, `web-1\n  2 ✓ internet\x1b[31m\u202e\u2028\x00\t`, "the message still names the instance")
	}
}
