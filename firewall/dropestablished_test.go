package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestDropEstablishedServerToClient: AWS's developer guide (Managing
// evaluation order for Suricata compatible rules, Strict evaluation
// order): "Drop established – Drops only the packets that are in
// established connections from client to server. ... Packets from
// established connections from the server to the client are passed to
// allow return traffic from established connections back to the client."
// Only "Application Layer drop established" drops server-initiated
// banners. So a pass rule for the client's packets alone lets the session
// through under aws:drop_established; before, the engine dropped the
// server's data (the data-to-client stage) by the default.
func TestDropEstablishedServerToClient(t *testing.T) {
	strict := stateful.StrictOrder
	dropEst := stateful.Defaults{DropEstablished: true}
	appLayer := stateful.Defaults{DropEstablishedAppLayer: true}
	for _, tc := range []struct {
		name       string
		defaults   stateful.Defaults
		rule       string
		flow       string
		req, reply flow.Verdict
		replyWords string // in the reply's reason, "" for no check
	}{
		{"a pass of the client's established packets (flow:established,to_server): the server's data passes",
			dropEst, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow, ""},
		{"a pass with flow:to_server on a tcp rule (packet scope): the server's data passes",
			dropEst, "pass tcp $HOME_NET any -> $EXTERNAL_NET 22 (flow:to_server; sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:22", flow.Allow, flow.Allow, ""},
		{"SMTP (the server speaks first): its banner is server to client and passes",
			dropEst, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Allow, flow.Allow, ""},
		{"an explicit drop of the server's packets still drops them",
			dropEst, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server; sid:1;)\ndrop tcp $EXTERNAL_NET 443 -> $HOME_NET any (flow:established,to_client; sid:2;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Deny, "drop rule sid 2"},
		{"no pass rule: the client's data is dropped, on the request",
			dropEst, "alert tcp any any -> any any (sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Deny, flow.Allow, ""},
		{"UDP stays as it was: every packet of a connectionless protocol is dropped",
			dropEst, "pass udp $HOME_NET any -> $EXTERNAL_NET 53 (flow:to_server; sid:1;)",
			"udp 10.0.1.5:50000 -> 198.51.100.53:53", flow.Allow, flow.Deny, "default action aws:drop_established"},
		{"control: aws:drop_established_app_layer drops the SMTP banner",
			appLayer, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Allow, flow.Deny, "drops the data-to-client packet: default action aws:drop_established_app_layer"},
		{"control: aws:drop_established_app_layer drops the server's data after a packet-scope pass",
			appLayer, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)",
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Deny, "default action aws:drop_established_app_layer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, scopePolicy(strict, tc.defaults, tc.rule))
			c := bothWays(tc.flow)
			d := e.Explain(c)
			assert.Equal(t, tc.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			if tc.replyWords != "" {
				assert.Contains(t, d.ReasonOn(true), tc.replyWords)
			}
			if tc.reply == flow.Allow {
				assert.NotContains(t, d.ReasonOn(true), "drops the data-to-client packet")
			}
			req, rep := e.Verdicts(c)
			assert.Equal(t, [2]flow.Verdict{d.VerdictOn(false), d.VerdictOn(true)}, [2]flow.Verdict{req, rep}, "Verdicts agrees with Explain")
			assert.Equal(t, [2]flow.Verdict{req, rep}, e.Outline(c).Verdict, "Outline agrees with Explain")
		})
	}
}
