package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// scopePolicy is newPolicy's policy (everything forwarded) with its
// stateful group in the given rule order.
func scopePolicy(order stateful.RuleOrder, defaults stateful.Defaults, rules ...string) firewall.Policy {
	p := newPolicy(flow.Forward, nil, defaults, rules...)
	p.Stateful.Order = order
	p.Stateful.Groups[0].Group.RuleOrder = order
	return p
}

// TestActionScope: a pass rule of packet scope (a flow keyword that makes
// the rule a Suricata packet rule, or a packet keyword) passes the packet
// it matched, not the connection; the next packet is judged again. Rules
// of flow scope (no options, an application protocol, a sticky buffer,
// a standard rule) pass the connection.
func TestActionScope(t *testing.T) {
	strict, action := stateful.StrictOrder, stateful.DefaultActionOrder
	dropEst := stateful.Defaults{DropEstablished: true}
	dropStrict := stateful.Defaults{DropStrict: true}
	// AWS's strict-order egress pattern (best-practices guide): the
	// handshake passes by packet rules, the ClientHello must meet the
	// tls.sni rule, aws:drop_established drops anything else.
	awsPattern := []string{
		"pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:not_established, to_server; sid:1;)",
		"pass tcp $EXTERNAL_NET 443 -> $HOME_NET any (flow:not_established, to_client; sid:2;)",
		`pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"good.com"; startswith; endswith; nocase; flow:to_server; sid:3;)`,
	}
	cases := []struct {
		name       string
		p          firewall.Policy
		flow       string
		req, reply flow.Verdict
		reason     string // in the request's reason, "" for no check
	}{
		{"AWS's 'Why the flow: keyword matters': a pass with flow:to_server does not pass the flow, the http.host reject fires",
			scopePolicy(strict, stateful.Defaults{},
				`reject http $HOME_NET any -> any 80 (http.host; content:"baddomain.com"; sid:1;)`,
				"pass tcp $HOME_NET any -> any 80 (flow:to_server; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:80 domain baddomain.com", flow.Deny, flow.Allow, "reject rule sid 1"},
		{"the same pass without a flow keyword passes the flow at the SYN",
			scopePolicy(strict, stateful.Defaults{},
				`reject http $HOME_NET any -> any 80 (http.host; content:"baddomain.com"; sid:1;)`,
				"pass tcp $HOME_NET any -> any 80 (sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:80 domain baddomain.com", flow.Allow, flow.Allow, "passes the open-request packet: pass rule sid 2"},
		{"AWS's egress pattern: a ClientHello to an unlisted name is dropped by aws:drop_established",
			scopePolicy(strict, dropEst, awsPattern...),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443 domain bad.com", flow.Deny, flow.Allow, "default action aws:drop_established"},
		{"AWS's egress pattern: the listed name passes (the tls.sni rule passes the flow)",
			scopePolicy(strict, dropEst, awsPattern...),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443 domain good.com", flow.Allow, flow.Allow, "pass rule sid 3"},
		{"action order: the SYN-ACK is dropped though a pass rule with flow:to_server matched the SYN",
			scopePolicy(action, stateful.Defaults{},
				"pass tcp $HOME_NET any -> any 80 (flow:to_server; sid:1;)",
				"drop tcp any 80 -> $HOME_NET any (flow:to_client; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:80", flow.Allow, flow.Deny, ""},
		{"flow:not_established passes the handshake only: aws:drop_established drops the data",
			scopePolicy(strict, dropEst, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Deny, flow.Allow, "default action aws:drop_established"},
		{"a packet keyword (itype) makes a packet rule: aws:drop_strict drops the echo reply",
			scopePolicy(strict, dropStrict, "pass icmp $HOME_NET any -> any any (itype:8; sid:1;)"),
			"icmp 10.0.1.5 -> 198.51.100.7 type 8 code 0", flow.Allow, flow.Deny, ""},
		{"an ICMP pass rule without options passes the echo and its reply",
			scopePolicy(strict, dropStrict, "pass icmp $HOME_NET any -> any any (sid:1;)"),
			"icmp 10.0.1.5 -> 198.51.100.7 type 8 code 0", flow.Allow, flow.Allow, ""},
		{"an app_layer rule keeps flow scope with flow:to_server",
			scopePolicy(strict, dropEst, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:1;)",
				"pass tls $HOME_NET any -> any 443 (flow:to_server; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow, "pass rule sid 2"},
		{"app-layer-protocol keeps flow scope with flow:to_server",
			scopePolicy(strict, dropEst, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:1;)",
				"pass tcp $HOME_NET any -> any 443 (app-layer-protocol:tls; flow:to_server; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow, "pass rule sid 2"},
		{"app-layer-protocol with flow:established is a packet rule: aws:drop_strict drops the server's data",
			scopePolicy(strict, dropStrict, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:1;)",
				"pass tcp $HOME_NET any -> any 443 (app-layer-protocol:tls; flow:established, to_server; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Deny, ""},
		// AWS's developer guide (Strict evaluation order, Drop
		// established): "Packets from established connections from the
		// server to the client are passed".
		{"the same packet rule under aws:drop_established: the server's data passes",
			scopePolicy(strict, dropEst, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:1;)",
				"pass tcp $HOME_NET any -> any 443 (app-layer-protocol:tls; flow:established, to_server; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow, ""},
		{"packet rules on every packet: the session passes, the reason says the last one passed its packet only",
			scopePolicy(strict, dropStrict, "pass tcp $HOME_NET any -> any 443 (flow:to_server; sid:1;)",
				"pass tcp any 443 -> $HOME_NET any (flow:to_client; sid:2;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow,
			"passes the data-to-client packet: pass rule sid 2 of sf (pass tcp any 443 -> $HOME_NET any (flow:to_client; sid:2;)), which passes this packet only (packet rule: flow keyword)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := compilePolicy(t, c.p)
			d := e.Explain(bothWays(c.flow))
			assert.Equal(t, c.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, c.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			if c.reason != "" {
				assert.Contains(t, d.ReasonOn(false), c.reason)
			}
		})
	}
}

// TestActionScopeStandardRule: AWS's StatefulRule API reference says
// Network Firewall stops inspecting the flow for every action of a
// standard rule, so one with a flow keyword among its options still
// passes the connection.
func TestActionScopeStandardRule(t *testing.T) {
	p := newPolicy(flow.Forward, nil, stateful.Defaults{DropEstablished: true})
	p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{
		Name: "std", RuleOrder: stateful.StrictOrder,
		StandardRules: []stateful.StandardRule{{Action: flow.Pass, Protocol: "TCP", Source: "$HOME_NET", SourcePort: "ANY",
			Direction: "FORWARD", Destination: "ANY", DestinationPort: "443",
			Options: []suricata.Option{{Keyword: "flow", Value: "not_established"}, {Keyword: "sid", Value: "1"}}}},
	}}}
	e, err := firewall.Compile(p, nil)
	require.NoError(t, err)
	d := e.Explain(bothWays("tcp 10.0.1.5:50000 -> 198.51.100.7:443"))
	assert.Equal(t, flow.Allow, d.VerdictOn(false), d.ReasonOn(false))
	assert.Equal(t, flow.Allow, d.VerdictOn(true), d.ReasonOn(true))
	assert.Contains(t, d.ReasonOn(false), "passes the open-request packet: pass rule sid 1")
	assert.NotContains(t, d.ReasonOn(false), "this packet only")
}

// TestFirstSpeaker: the server sends the first data packet of SMTP, FTP,
// POP3, IMAP and RFB, so a default drop of the server's established
// packets (aws:drop_established_app_layer) meets its greeting before the
// client's data can meet a pass rule; aws:drop_established passes the
// server's packets (AWS's developer guide, Strict evaluation order), so
// the greeting gets through. Where the session's protocol does not say
// who begins (SSH, none detected) and the order changes the answer, the
// answer is Indeterminate, naming what is missing.
func TestFirstSpeaker(t *testing.T) {
	strict := stateful.StrictOrder
	appLayer := stateful.Defaults{DropEstablishedAppLayer: true}
	dropEst := stateful.Defaults{DropEstablished: true}
	cases := []struct {
		name       string
		p          firewall.Policy
		flow       string
		req, reply flow.Verdict
		reason     string // in the reply's reason
	}{
		{"SMTP: aws:drop_established_app_layer drops the server's banner",
			scopePolicy(strict, appLayer, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Allow, flow.Deny, "drops the data-to-client packet: default action aws:drop_established_app_layer"},
		{"FTP: the same for the server's greeting",
			scopePolicy(strict, appLayer, "pass ftp $HOME_NET any -> $EXTERNAL_NET 21 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:21", flow.Allow, flow.Deny, "default action aws:drop_established_app_layer"},
		{"SMTP named by the flow on another port",
			scopePolicy(strict, appLayer, "pass smtp $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:2525 app smtp", flow.Allow, flow.Deny, "default action aws:drop_established_app_layer"},
		{"SMTP under aws:drop_established: the banner passes (server to client), the client's data meets the pass rule",
			scopePolicy(strict, dropEst, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Allow, flow.Allow, "passes the data-to-server packet: pass rule sid 1"},
		{"FTP under aws:drop_established with no pass rule: the greeting passes, the client's data is dropped",
			scopePolicy(strict, dropEst, "alert tcp any any -> any any (sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:21", flow.Deny, flow.Allow, ""},
		{"SMTP with a pass rule for both directions gets through",
			scopePolicy(strict, appLayer, "pass smtp $HOME_NET any <> $EXTERNAL_NET 25 (sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:25", flow.Allow, flow.Allow, "pass rule sid 1"},
		{"TLS: the client speaks first, the ClientHello meets the pass rule",
			scopePolicy(strict, appLayer, "pass tls $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443", flow.Allow, flow.Allow, "passes the data-to-server packet: pass rule sid 1"},
		{"SSH: either side may send first, and the answer differs",
			scopePolicy(strict, appLayer, "pass ssh $HOME_NET any -> any 22 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:22", flow.Allow, flow.Indeterminate,
			"which side of the session on tcp/22 sends the first data packet: its application protocol, ssh, lets either side begin"},
		{"no detected protocol: either side may send first, and the answer differs",
			scopePolicy(strict, appLayer, "pass tcp $HOME_NET any -> any 9999 (app-layer-protocol:failed; flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:9999", flow.Allow, flow.Indeterminate,
			"which side of the session on tcp/9999 sends the first data packet: no application protocol Network Firewall detects is known for it"},
		{"SSH under aws:drop_established: the server's packets pass, so the order changes nothing",
			scopePolicy(strict, dropEst, "pass ssh $HOME_NET any -> any 22 (flow:to_server; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:22", flow.Allow, flow.Allow, ""},
		{"no detected protocol, a rule for both directions: the order changes nothing",
			scopePolicy(strict, dropEst, "pass tcp $HOME_NET any <> any 9999 (app-layer-protocol:failed; sid:1;)"),
			"tcp 10.0.1.5:50000 -> 198.51.100.7:9999", flow.Allow, flow.Allow, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := compilePolicy(t, c.p)
			d := e.Explain(bothWays(c.flow))
			assert.Equal(t, c.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, c.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			if c.reason != "" {
				assert.Contains(t, d.ReasonOn(true), c.reason)
			}
			if c.reply == flow.Indeterminate {
				missing, fix := d.UnknownOn(true)
				assert.Contains(t, missing, "sends the first data packet")
				assert.NotEmpty(t, fix)
			}
		})
	}
}
