package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// scopeModel is the sample design (app-1 behind a NAT gateway, then the
// firewall endpoint vpce-fw, to the internet) with its firewall policy's
// stateful rules replaced by one strict-order group.
func scopeModel(t *testing.T, defaults stateful.Defaults, rules string) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	pol := sample.Policy()
	pol.Stateful.Defaults = defaults
	pol.Stateful.Groups = []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{Name: "scope", RuleOrder: stateful.StrictOrder, RulesString: rules}}}
	d.Firewalls[0].Policy = pol
	return build(t, d)
}

// TestFirewallActionScope: through the walk, a stateful pass rule that
// Suricata classes as a packet rule (a flow keyword) passes its packet
// only, so a later packet of the session meets the rules again.
func TestFirewallActionScope(t *testing.T) {
	withDomain := func(q reach.Query, d string) reach.Query { q.Domain = d; return q }
	awsPattern := "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:not_established, to_server; sid:1;)\n" +
		"pass tcp $EXTERNAL_NET 443 -> $HOME_NET any (flow:not_established, to_client; sid:2;)\n" +
		`pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"good.com"; startswith; endswith; nocase; flow:to_server; sid:3;)`
	for _, tc := range []struct {
		name     string
		defaults stateful.Defaults
		rules    string
		q        reach.Query
		want     reach.Outcome
		text     string
	}{
		{"AWS's egress pattern under aws:drop_established: an unlisted SNI is dropped at the ClientHello",
			stateful.Defaults{DropEstablished: true}, awsPattern,
			withDomain(tcp("app-1", "93.184.216.34", 443), "bad.com"), reach.Unreachable, "aws:drop_established"},
		{"AWS's egress pattern: the listed SNI gets through",
			stateful.Defaults{DropEstablished: true}, awsPattern,
			withDomain(tcp("app-1", "93.184.216.34", 443), "good.com"), reach.Reachable, ""},
		{"AWS's 'Why the flow: keyword matters': the http.host reject fires after a packet-level pass",
			stateful.Defaults{},
			"reject http $HOME_NET any -> any 80 (http.host; content:\"baddomain.com\"; sid:1;)\n" +
				"pass tcp $HOME_NET any -> any 80 (flow:to_server; sid:2;)",
			withDomain(tcp("app-1", "93.184.216.34", 80), "baddomain.com"), reach.Unreachable, "reject rule sid 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, scopeModel(t, tc.defaults, tc.rules), tc.q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.text != "" {
				assert.Contains(t, r.Text(), tc.text)
			}
		})
	}
}

// TestFirewallFirstSpeaker: through the walk, an SMTP server's banner
// comes before the client's first command, so the app-layer default drop
// meets it before the client's data can meet the pass rule;
// aws:drop_established passes the server's packets (AWS's developer
// guide, Strict evaluation order), banner included.
func TestFirewallFirstSpeaker(t *testing.T) {
	for _, tc := range []struct {
		name     string
		defaults stateful.Defaults
		rules    string
		port     uint16
		want     reach.Outcome
		text     string
	}{
		{"SMTP under aws:drop_established_app_layer: the banner is dropped",
			stateful.Defaults{DropEstablishedAppLayer: true}, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)",
			25, reach.Unreachable, "drops the data-to-client packet: default action aws:drop_established_app_layer"},
		{"SMTP with a pass rule for both directions",
			stateful.Defaults{DropEstablishedAppLayer: true}, "pass smtp $HOME_NET any <> $EXTERNAL_NET 25 (sid:1;)",
			25, reach.Reachable, ""},
		{"SMTP under aws:drop_established: the banner passes, the client's data meets the pass rule",
			stateful.Defaults{DropEstablished: true}, "pass smtp $HOME_NET any -> $EXTERNAL_NET 25 (flow:to_server; sid:1;)",
			25, reach.Reachable, ""},
		{"SSH: either side may begin, and the answer differs",
			stateful.Defaults{DropEstablishedAppLayer: true}, "pass ssh $HOME_NET any -> $EXTERNAL_NET 22 (flow:to_server; sid:1;)",
			22, reach.Indeterminate, "sends the first data packet"},
		{"SSH under aws:drop_established: the server's packets pass either way",
			stateful.Defaults{DropEstablished: true}, "pass ssh $HOME_NET any -> $EXTERNAL_NET 22 (flow:to_server; sid:1;)",
			22, reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, scopeModel(t, tc.defaults, tc.rules), tcp("app-1", "93.184.216.34", tc.port))
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.text != "" {
				assert.Contains(t, r.Text(), tc.text)
			}
		})
	}
}

// TestFirewallDropEstablishedReply: under aws:drop_established AWS passes
// the server-to-client packets of an established connection ("Packets
// from established connections from the server to the client are
// passed": developer guide, Managing evaluation order for Suricata
// compatible rules), so a pass rule for the client's packets alone is
// enough for the session. Before, the walk reported RETURN_FIREWALL_DROP
// by the default on the server's data, and a fix asking for a pass rule
// AWS does not need.
func TestFirewallDropEstablishedReply(t *testing.T) {
	web := tcp("93.184.216.34", "web-1", 443)
	for _, tc := range []struct {
		name     string
		defaults stateful.Defaults
		rules    string
		want     reach.Outcome
		text     string
	}{
		{"a pass of the client's established packets: reachable",
			stateful.Defaults{DropEstablished: true}, "pass tcp any any -> $HOME_NET 443 (flow:established,to_server; sid:1;)", reach.Reachable, ""},
		{"a packet-scope flow:to_server pass: reachable",
			stateful.Defaults{DropEstablished: true}, "pass tcp any any -> $HOME_NET 443 (flow:to_server; sid:1;)", reach.Reachable, ""},
		{"no pass rule: the client's data is dropped on the way in",
			stateful.Defaults{DropEstablished: true}, "alert tcp any any -> any any (sid:1;)", reach.Unreachable, "aws:drop_established"},
		{"aws:drop_established_app_layer drops the server's data",
			stateful.Defaults{DropEstablishedAppLayer: true}, "pass tcp any any -> $HOME_NET 443 (flow:established,to_server; sid:1;)",
			reach.Unreachable, "RETURN_FIREWALL_DROP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, scopeModel(t, tc.defaults, tc.rules), web)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.text != "" {
				assert.Contains(t, r.Text(), tc.text)
			}
			if tc.want == reach.Reachable {
				assert.NotContains(t, r.Text(), "RETURN_FIREWALL_DROP")
			}
		})
	}
}
