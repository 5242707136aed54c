package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestForwards: which directions of a connection the stateless engine
// forwards some packet of to the stateful engine (package reach decides
// an asymmetric crossing by it).
func TestForwards(t *testing.T) {
	pass22 := tcpRule(1, flow.Pass, "", 22, "", 0) // the reply, by its source port
	for _, tc := range []struct {
		name       string
		def        flow.Action
		rules      []stateless.Rule
		conn       firewall.Connection
		req, reply bool
	}{
		{"default forward", flow.Forward, nil, bothWays(sshFlow), true, true},
		{"default pass", flow.Pass, nil, bothWays(sshFlow), false, false},
		{"default drop", flow.Drop, nil, bothWays(sshFlow), false, false},
		{"the reply passed by its source port", flow.Forward, []stateless.Rule{pass22}, bothWays(sshFlow), true, false},
		{"the request alone crosses", flow.Forward, nil, firewall.Connection{Flow: flow.MustParse(sshFlow), Request: true}, true, false},
		{"the pure ACKs alone forwarded", flow.Pass, []stateless.Rule{flagRule(1, flow.Forward, stateless.ACK, stateless.ACK|stateless.PSH|stateless.SYN)},
			bothWays(sshFlow), true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, newPolicy(tc.def, tc.rules, noDefaults))
			req, rep := e.Forwards(tc.conn)
			assert.Equal(t, tc.req, req, "request")
			assert.Equal(t, tc.reply, rep, "reply")
		})
	}
	var none *firewall.Engine
	req, rep := none.Forwards(bothWays(sshFlow))
	assert.False(t, req || rep, "no firewall forwards nothing")
}
