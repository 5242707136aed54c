package stateful_test

import (
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

var updateGolden = flag.Bool("update-stateful", false, "rewrite the stateful golden files in testdata")

// Tiny constructors for table rows.

var homeNet = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}

// rulesGroup is a RulesString group.
func rulesGroup(name string, order stateful.RuleOrder, rules ...string) stateful.RuleGroup {
	return stateful.RuleGroup{Name: name, RuleOrder: order, RulesString: strings.Join(rules, "\n")}
}

// groupAt references a group at a priority.
func groupAt(prio int, g stateful.RuleGroup) stateful.GroupRef {
	return stateful.GroupRef{Priority: prio, Group: g}
}

func strictConfig(d stateful.Defaults, groups ...stateful.GroupRef) stateful.Config {
	return stateful.Config{Order: stateful.StrictOrder, Defaults: d, HomeNet: homeNet, Groups: groups}
}

func defaultOrderConfig(groups ...stateful.GroupRef) stateful.Config {
	return stateful.Config{Order: stateful.DefaultActionOrder, HomeNet: homeNet, Groups: groups}
}

func session(f string) stateful.Session { return stateful.Session{Flow: flow.MustParse(f)} }

func appSession(f, app string) stateful.Session {
	fl := flow.MustParse(f)
	if app != "" {
		a, err := flow.ParseApp(app)
		if err != nil {
			panic(err)
		}
		fl.App = a
	}
	return stateful.Session{Flow: fl}
}

// wantDecision is the part of a decision a row checks.
type wantDecision struct {
	verdict flow.Verdict
	stage   stateful.Stage
	action  string
	sid     int // 0: not checked unless action names a rule
	group   string
	keyword string // the undecidable keyword
}

func checkDecision(t *testing.T, e *stateful.Engine, s stateful.Session, w wantDecision) stateful.Decision {
	t.Helper()
	d := e.Evaluate(s)
	x := e.Explain(s)
	x.Stages, x.Skipped = nil, nil
	assert.Equal(t, d, x, "Evaluate and Explain disagree")
	msg := d.String()
	if d.Sid != 0 {
		assert.Equal(t, d.Group+" sid "+strconv.Itoa(d.Sid)+": "+d.Rule, d.RuleLabel(), msg)
		assert.True(t, strings.HasSuffix(d.RuleLabel(), d.Rule), msg)
	} else {
		assert.Empty(t, d.RuleLabel(), msg)
	}
	assert.Equal(t, w.verdict, d.Verdict, msg)
	assert.Equal(t, w.stage, d.Stage, msg)
	action := d.Action.String() // "" for the pass default, a default action's name
	switch {
	case d.Default && d.DefaultAction == "":
		action = ""
	case d.Default:
		action = d.DefaultAction
	}
	assert.Equal(t, w.action, action, msg)
	if w.sid != 0 {
		assert.Equal(t, w.sid, d.Sid, msg)
	}
	if w.group != "" {
		assert.Equal(t, w.group, d.Group, msg)
	}
	if w.keyword != "" {
		require.NotNil(t, d.Indeterminate, msg)
		assert.Equal(t, w.keyword, d.Indeterminate.Keyword, msg)
	}
	if t.Failed() {
		for _, st := range e.Explain(s).Stages {
			t.Logf("  %s %s: matches %v unknown %v", st.Stage, st.Outcome, st.Matches, st.Unknown)
		}
	}
	return d
}

type decisionCase struct {
	name string
	cfg  stateful.Config
	sess stateful.Session
	want wantDecision
}

func runCases(t *testing.T, cases []decisionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := stateful.Compile(c.cfg, ipSets)
			require.NoError(t, err)
			checkDecision(t, e, c.sess, c.want)
		})
	}
}

var ipSets = stateful.StaticIPSets{
	"arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-partners": {netip.MustParsePrefix("203.0.113.0/24")},
}

func TestOrder(t *testing.T) {
	// A drop rule in the first group and a pass rule in another: the
	// default order passes (pass beats drop wherever it sits), the strict
	// order drops (the higher-priority group decides first).
	drop := rulesGroup("blocks", stateful.StrictOrder, "drop tcp any any -> any 443 (sid:1;)")
	pass := rulesGroup("allows", stateful.StrictOrder, "pass tcp any any -> any 443 (sid:2;)")
	dropD, passD := drop, pass
	dropD.RuleOrder, passD.RuleOrder = stateful.DefaultActionOrder, stateful.DefaultActionOrder
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	runCases(t, []decisionCase{
		{"default order: the pass rule in the later group wins", defaultOrderConfig(groupAt(1, dropD), groupAt(2, passD)), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 2, "allows", ""}},
		{"strict order: the drop rule in the first group wins", strictConfig(stateful.Defaults{}, groupAt(1, drop), groupAt(2, pass)), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "blocks", ""}},
		{"strict order: swapping priorities lets it pass", strictConfig(stateful.Defaults{}, groupAt(2, drop), groupAt(1, pass)), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 2, "allows", ""}},
		{"default order: reject ranks after drop", defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder,
			"reject tcp any any -> any 443 (sid:1;)", "drop tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"default order: the priority keyword picks the reported sid", defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder,
			"drop tcp any any -> any 443 (sid:1; priority:5;)", "drop tcp any any -> any 443 (sid:2; priority:2;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 2, "g", ""}},
		// AWS's current guide (IPS rule evaluation order) documents 1 to
		// 65535; an older page said 1 to 255. Values above 255 are kept.
		{"default order: priorities above 255 still order the rules", defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder,
			"drop tcp any any -> any 443 (sid:1; priority:65535;)", "drop tcp any any -> any 443 (sid:2; priority:300;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"strict order: an alert does not stop evaluation", strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder,
			"alert tcp any any -> any 443 (sid:1;)", "reject tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "reject", 2, "g", ""}},
		{"nothing matches: the engine passes by default", strictConfig(stateful.Defaults{}, groupAt(1, drop)),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
	})
}

func TestDefaultActions(t *testing.T) {
	other := rulesGroup("g", stateful.StrictOrder, "drop tcp any any -> 192.0.2.1 any (sid:1;)")
	strict := func(d stateful.Defaults) stateful.Config { return strictConfig(d, groupAt(1, other)) }
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	dns := session("udp 10.0.0.5:50000 -> 198.51.100.7:53")
	ping := session("icmp 10.0.0.5 -> 198.51.100.7")
	runCases(t, []decisionCase{
		{"drop_established lets the handshake through and drops the first data packet",
			strict(stateful.Defaults{DropEstablished: true}), https,
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"drop_strict drops the SYN", strict(stateful.Defaults{DropStrict: true}), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"drop_established drops UDP from the first datagram", strict(stateful.Defaults{DropEstablished: true}), dns,
			wantDecision{flow.Deny, stateful.OpenRequest, "aws:drop_established", 0, "", ""}},
		{"drop_established drops ICMP", strict(stateful.Defaults{DropEstablished: true}), ping,
			wantDecision{flow.Deny, stateful.OpenRequest, "aws:drop_established", 0, "", ""}},
		{"drop_established_app_layer decides like drop_established", strict(stateful.Defaults{DropEstablishedAppLayer: true}), https,
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established_app_layer", 0, "", ""}},
		{"drop_established_app_layer_to_server drops client data", strict(stateful.Defaults{DropEstablishedAppLayerToServer: true}), https,
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established_app_layer_to_server", 0, "", ""}},
		{"alert defaults do not drop", strict(stateful.Defaults{AlertStrict: true, AlertEstablished: true}), https,
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"a pass rule for DNS passes UDP under drop_established (the protocol is known on the first datagram)",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("dns", stateful.StrictOrder, "pass dns $HOME_NET any -> any 53 (sid:7;)"))), dns,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 7, "dns", ""}},
		{"a TCP pass rule without options on the handshake passes the whole connection under drop_established",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("web", stateful.StrictOrder, "pass tcp $HOME_NET any -> any 443 (sid:8;)"))), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 8, "web", ""}},
		{"a TCP pass rule with flow:not_established passes the handshake only: drop_established drops the data",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("web", stateful.StrictOrder, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:8;)"))), https,
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
	})
	t.Run("alert defaults are recorded at every stage they cover", func(t *testing.T) {
		e := stateful.MustCompile(strict(stateful.Defaults{AlertStrict: true, AlertEstablished: true}), nil)
		d := e.Evaluate(https)
		var got []string
		for _, a := range d.Alerts {
			got = append(got, a.String())
		}
		assert.Equal(t, []string{
			"aws:alert_strict at open-request", "aws:alert_strict at open-reply",
			"aws:alert_strict at data-to-server", "aws:alert_established at data-to-server",
			"aws:alert_strict at data-to-client", "aws:alert_established at data-to-client",
		}, got)
	})
}

func TestFlowDirection(t *testing.T) {
	none := stateful.Defaults{DropStrict: true}
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	runCases(t, []decisionCase{
		{"a pass rule without options on the request lets the session's return packets through",
			strictConfig(none, groupAt(1, rulesGroup("g", stateful.StrictOrder, "pass tcp $HOME_NET any -> any 443 (sid:1;)"))), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 1, "g", ""}},
		{"a pass rule with flow:to_server passes the request's packets only: aws:drop_strict drops the reply",
			strictConfig(none, groupAt(1, rulesGroup("g", stateful.StrictOrder, "pass tcp $HOME_NET any -> any 443 (flow:to_server; sid:1;)"))), https,
			wantDecision{flow.Deny, stateful.OpenReply, "aws:drop_strict", 0, "", ""}},
		{"a FORWARD rule written for replies never sees the opening packet",
			strictConfig(none, groupAt(1, rulesGroup("g", stateful.StrictOrder, "pass tcp any 443 -> $HOME_NET any (sid:1;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"the same rule with <> matches the request swapped",
			strictConfig(none, groupAt(1, rulesGroup("g", stateful.StrictOrder, "pass tcp any 443 <> $HOME_NET any (sid:1;)"))), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 1, "g", ""}},
		{"<> matches traffic opened from the other side",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, "drop tcp $HOME_NET any <> 198.51.100.7 22 (sid:3;)"))),
			session("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 3, "g", ""}},
		{"-> does not match the opening packet from the other side, but it drops its reply",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, "drop tcp $HOME_NET any -> 198.51.100.7 22 (sid:3;)"))),
			session("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			wantDecision{flow.Deny, stateful.OpenReply, "drop", 3, "g", ""}},
		{"flow:to_server keeps a -> rule off the replies",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, "drop tcp $HOME_NET any -> 198.51.100.7 22 (flow:to_server; sid:3;)"))),
			session("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"a reply rule with flow:to_client drops the SYN-ACK",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, "drop tcp any 443 -> $HOME_NET any (flow:to_client,not_established; sid:4;)"))), https,
			wantDecision{flow.Deny, stateful.OpenReply, "drop", 4, "g", ""}},
	})
}

func TestFlowKeywords(t *testing.T) {
	one := func(rule string) stateful.Config {
		return strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, rule)))
	}
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	dns := session("udp 10.0.0.5:50000 -> 198.51.100.7:53")
	runCases(t, []decisionCase{
		{"flow:established,to_server matches the first data packet", one("drop tcp any any -> any any (flow:established,to_server; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"flow:established,to_client matches the server's data", one("drop tcp any any <> any any (flow:established,to_client; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.DataToClient, "drop", 1, "", ""}},
		{"flow:not_established matches the SYN", one("drop tcp any any -> any any (flow:not_established; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"flow:stateless matches every packet", one("drop tcp any any -> any any (flow:stateless; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"a UDP reply is established", one("drop udp any any <> any any (flow:established; sid:1;)"), dns,
			wantDecision{flow.Deny, stateful.OpenReply, "drop", 1, "", ""}},
		{"ip_proto:!TCP drops UDP", one("drop ip any any -> any any (ip_proto:!TCP; sid:1;)"), dns,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"ip_proto:!TCP leaves TCP alone", one("drop ip any any -> any any (ip_proto:!TCP; sid:1;)"), https,
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"ip_proto:17 by number", one("drop ip any any -> any any (ip_proto:17; sid:1;)"), dns,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"itype matches the echo request, not the reply", one("drop icmp any any -> any any (itype:8; sid:1;)"),
			session("icmp 10.0.0.5 -> 198.51.100.7"), wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"itype:0 matches the echo reply", one("drop icmp any any <> any any (itype:0; sid:1;)"),
			session("icmp 10.0.0.5 -> 198.51.100.7"), wantDecision{flow.Deny, stateful.OpenReply, "drop", 1, "", ""}},
		{"app-layer-protocol:tls on 443", one("drop tcp any any -> any any (app-layer-protocol:tls; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"app-layer-protocol:!tls leaves TLS alone", one("drop tcp any any -> any any (app-layer-protocol:!tls; sid:1;)"), https,
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"an application protocol named in the session beats the port table", one("drop tls any any -> any any (sid:1;)"),
			appSession("tcp 10.0.0.5:50000 -> 198.51.100.7:9443", "tls"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"an unknown port speaks no known protocol", one("drop tls any any -> any any (sid:1;)"),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443"), wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"http matches HTTP/2", one("drop http any any -> any any (sid:1;)"),
			appSession("tcp 10.0.0.5:50000 -> 198.51.100.7:443", "http2"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"ssl_state:client_hello is the client's first data", one("drop tls any any -> any any (ssl_state:client_hello; sid:1;)"), https,
			wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"sameip", one("drop ip any any -> any any (sameip; sid:1;)"),
			session("tcp 10.0.0.5:50000 -> 10.0.0.5:443"), wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"sameip leaves other pairs alone", one("drop ip any any -> any any (sameip; sid:1;)"), https,
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"icode", one("drop icmp any any -> any any (itype:3; icode:4; sid:1;)"),
			session("icmp 10.0.0.5 -> 198.51.100.7 type 3 code 4"), wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"tls.sni with depth", one(`drop tls any any -> any any (tls.sni; content:"www."; depth:4; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"tls.sni with depth: too deep", one(`drop tls any any -> any any (tls.sni; content:"example"; depth:4; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"tls.sni is case-sensitive without nocase", one(`drop tls any any -> any any (tls.sni; content:"www.example.com"; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.EXAMPLE.COM"), wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"to_lowercase on tls.sni", one(`drop tls any any -> any any (tls.sni; to_lowercase; content:"www.example.com"; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.EXAMPLE.COM"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"a negated SNI content drops other names", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.org"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"a negated SNI content spares listed names", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"a negated SNI content: an SNI not given is undecided", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			https, wantDecision{flow.Indeterminate, stateful.DataToServer, "drop", 1, "g", "tls.sni"}},
		{"the legacy http_host modifier", one(`drop http any any -> any any (content:"example.com"; http_host; sid:1;)`),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain www.Example.com"), wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "", ""}},
		{"ports never match ICMP", one("drop ip any any -> any 443 (sid:1;)"),
			session("icmp 10.0.0.5 -> 198.51.100.7"), wantDecision{flow.Allow, stateful.OpenReply, "", 0, "", ""}},
	})
}

func TestAddresses(t *testing.T) {
	one := func(rule string) stateful.Config {
		return strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, rule)))
	}
	withVars := func(rule string) stateful.Config {
		g := rulesGroup("g", stateful.StrictOrder, rule)
		g.IPSets = map[string][]netip.Prefix{"SRV": {netip.MustParsePrefix("198.51.100.0/24")}}
		g.PortSets = map[string][]flow.PortRange{"WEB": {{Lo: 80, Hi: 80}, {Lo: 443, Hi: 443}}}
		g.IPSetReferences = map[string]string{"PARTNERS": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-partners"}
		return strictConfig(stateful.Defaults{}, groupAt(1, g))
	}
	none := wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}
	blocked := wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "g", ""}
	runCases(t, []decisionCase{
		{"a list minus a negated item: inside", one("drop tcp [10.0.0.0/16,!10.0.5.0/24] any -> any any (sid:1;)"),
			session("tcp 10.0.4.1:50000 -> 198.51.100.7:443"), blocked},
		{"a list minus a negated item: the hole", one("drop tcp [10.0.0.0/16,!10.0.5.0/24] any -> any any (sid:1;)"),
			session("tcp 10.0.5.1:50000 -> 198.51.100.7:443"), none},
		{"a list of negated items only is everything else", one("drop tcp [!10.0.0.0/16,!192.0.2.0/24] any -> any any (sid:1;)"),
			session("tcp 198.51.100.1:50000 -> 10.0.0.1:443"), blocked},
		{"a negated address", one("drop tcp !$HOME_NET any -> any any (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 10.0.0.2:443"), none},
		{"a negated address matches the reply from outside", one("drop tcp !$HOME_NET any -> any any (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:443"), wantDecision{flow.Deny, stateful.OpenReply, "drop", 1, "g", ""}},
		{"a port list with a negated port: listed", one("drop tcp any any -> any [80,443,8000:9000,!8443] (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:8080"), blocked},
		{"a port list with a negated port: the hole", one("drop tcp any any -> any [80,443,8000:9000,!8443] (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:8443"), none},
		{"a negated port", one("drop tcp any 1024:65535 -> any !22 (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:22"), none},
		{"an IP set variable and a port set variable", withVars("drop tcp any any -> $SRV $WEB (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:443"), blocked},
		{"a port set variable excludes other ports", withVars("drop tcp any any -> $SRV $WEB (sid:1;)"),
			session("tcp 10.0.0.1:50000 -> 198.51.100.7:8443"), none},
		{"an IP set reference", withVars("drop tcp @PARTNERS any -> any any (sid:1;)"),
			session("tcp 203.0.113.9:50000 -> 10.0.0.1:443"), blocked},
		{"an IP set reference excludes other sources", withVars("drop tcp @PARTNERS any -> any any (sid:1;)"),
			session("tcp 198.51.100.9:50000 -> 10.0.0.1:443"), none},
		// $EXTERNAL_NET is !$HOME_NET, negated per address family as
		// Suricata does: an IPv4-only HOME_NET leaves it no IPv6 address.
		{"EXTERNAL_NET of an IPv4 HOME_NET holds no IPv6 address", one("drop tcp $EXTERNAL_NET any -> any any (sid:1;)"),
			session("tcp [2001:db8::1]:50000 -> [2001:db8::2]:443"), none},
	})
}

func TestHomeNet(t *testing.T) {
	rule := "drop tcp $HOME_NET any -> $EXTERNAL_NET any (sid:1;)"
	group := func(ipsets map[string][]netip.Prefix) stateful.Config {
		g := rulesGroup("g", stateful.StrictOrder, rule)
		g.IPSets = ipsets
		return strictConfig(stateful.Defaults{}, groupAt(1, g))
	}
	spoke := []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}
	none := wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}
	blocked := wantDecision{flow.Deny, stateful.OpenRequest, "drop", 1, "g", ""}
	runCases(t, []decisionCase{
		{"the policy's HOME_NET by default", group(nil), session("tcp 10.0.0.5:50000 -> 8.8.8.8:443"), blocked},
		{"outside the policy's HOME_NET", group(nil), session("tcp 172.16.0.5:50000 -> 8.8.8.8:443"), none},
		{"a group's HOME_NET overrides the policy's", group(map[string][]netip.Prefix{"HOME_NET": spoke}),
			session("tcp 172.16.0.5:50000 -> 8.8.8.8:443"), blocked},
		{"the quirk: EXTERNAL_NET stays the negation of the policy's HOME_NET", group(map[string][]netip.Prefix{"HOME_NET": spoke}),
			session("tcp 172.16.0.5:50000 -> 10.0.0.9:443"), none},
		{"the quirk: the group's own HOME_NET counts as external", group(map[string][]netip.Prefix{"HOME_NET": {netip.MustParsePrefix("10.0.0.0/8")}}),
			session("tcp 10.1.0.5:50000 -> 10.2.0.9:443"), blocked},
		{"a group overriding both is consistent", group(map[string][]netip.Prefix{"HOME_NET": spoke, "EXTERNAL_NET": {netip.MustParsePrefix("8.0.0.0/8")}}),
			session("tcp 172.16.0.5:50000 -> 10.0.0.9:443"), none},
	})
}

func TestDomainLists(t *testing.T) {
	list := func(typ string, order stateful.RuleOrder, targets ...string) stateful.RuleGroup {
		return stateful.RuleGroup{Name: strings.ToLower(typ), RuleOrder: order,
			DomainList: &stateful.DomainList{Targets: targets, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: typ}}
	}
	allowS := strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, list("ALLOWLIST", stateful.StrictOrder, "www.example.com", ".example.org")))
	allowD := defaultOrderConfig(groupAt(0, list("ALLOWLIST", stateful.DefaultActionOrder, "www.example.com", ".example.org")))
	denyList := defaultOrderConfig(groupAt(0, list("DENYLIST", stateful.DefaultActionOrder, ".example.com")))
	// sids: 1 tls www.example.com, 2 http www.example.com, 3 tls .example.org,
	// 4 http .example.org, 5 drop tls, 6 drop http.
	runCases(t, []decisionCase{
		{"allowlist: a listed SNI passes at the ClientHello", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"allowlist: SNI matching is case-insensitive", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.Example.COM"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"allowlist: a leading dot covers the domain itself", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.org"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 3, "allowlist", ""}},
		{"allowlist: a leading dot covers subdomains", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain a.b.example.org"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 3, "allowlist", ""}},
		{"allowlist: a name that only ends the same is not a subdomain", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain badexample.org"),
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}}, // sid 5 or the default: denied either way
		{"allowlist: an exact name does not cover subdomains", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain api.www.example.com"),
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"allowlist: TLS whose SNI is not given is undecided", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{flow.Indeterminate, stateful.DataToServer, "pass", 1, "allowlist", "tls.sni"}},
		{"allowlist: HTTP Host", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain sub.example.org"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 4, "allowlist", ""}},
		{"allowlist: an unlisted HTTP Host is denied (sid 6 or the default)", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain example.net"),
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"allowlist: an HTTP request whose Host is not given is undecided", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
			wantDecision{flow.Indeterminate, stateful.DataToServer, "pass", 2, "allowlist", "http.host"}},
		{"allowlist, default order: a non-TLS, non-HTTP flow is untouched", allowD, session("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"allowlist, strict order: a non-TLS flow falls to drop_established", allowS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			wantDecision{flow.Deny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"allowlist: traffic from outside HOME_NET is not filtered", allowD, session("tcp 172.16.0.5:50000 -> 198.51.100.7:443 domain evil.test"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"allowlist, default order: listed", allowD, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			wantDecision{flow.Allow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"denylist: a listed domain is dropped", denyList, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			wantDecision{flow.Deny, stateful.DataToServer, "drop", 1, "denylist", ""}},
		{"denylist: other domains pass", denyList, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.org"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"rejectlist: reject is reported", defaultOrderConfig(groupAt(0, list("REJECTLIST", stateful.DefaultActionOrder, ".example.com"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain example.com"),
			wantDecision{flow.Deny, stateful.DataToServer, "reject", 2, "rejectlist", ""}},
		{"alertlist: only alerts", defaultOrderConfig(groupAt(0, list("ALERTLIST", stateful.DefaultActionOrder, ".example.com"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com"),
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
	})
}

func TestIndeterminate(t *testing.T) {
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	runCases(t, []decisionCase{
		{"payload content makes a drop undecidable at the first data packet",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop tcp any any -> any any (content:"evil"; sid:1;)`))), https,
			wantDecision{flow.Indeterminate, stateful.DataToServer, "drop", 1, "g", "content"}},
		{"a definite pass on the SYN wins before the payload is seen",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop tcp any any -> any any (content:"evil"; sid:1;)`, "pass tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 2, "g", ""}},
		{"default order: a definite pass beats an undecidable one",
			defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder, `pass tcp any any -> any any (geoip:dst,US; sid:1;)`, "pass tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Allow, stateful.OpenRequest, "pass", 2, "g", ""}},
		{"default order: an undecidable pass beats a definite drop",
			defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder, `pass tcp any any -> any any (geoip:dst,US; sid:1;)`, "drop tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Indeterminate, stateful.OpenRequest, "pass", 1, "g", "geoip"}},
		{"default order: a definite drop beats an undecidable one",
			defaultOrderConfig(groupAt(0, rulesGroup("g", stateful.DefaultActionOrder, `drop tcp any any -> any any (flowbits:isset,bad; sid:1;)`, "drop tcp any any -> any 443 (sid:2;)"))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"an undecidable alert never matters",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `alert tcp any any -> any any (pcre:"/x/"; sid:1;)`))), https,
			wantDecision{flow.Deny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"dns.query is undecidable on DNS only",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop dns any any -> any any (dns.query; content:"evil"; sid:1;)`))),
			session("udp 10.0.0.5:50000 -> 198.51.100.7:53"),
			wantDecision{flow.Indeterminate, stateful.OpenRequest, "drop", 1, "g", "dns.query"}},
		{"dns.query does not touch HTTPS",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop dns any any -> any any (dns.query; content:"evil"; sid:1;)`))), https,
			wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""}},
		{"an unknown keyword is undecidable",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop tcp any any -> any any (frobnicate:7; sid:1;)`))), https,
			wantDecision{flow.Indeterminate, stateful.OpenRequest, "drop", 1, "g", "frobnicate"}},
		{"a pcre on tls.sni is undecidable only where the SNI is visible",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, `drop tls any any -> any any (tls.sni; pcre:"/^a/"; sid:1;)`))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain a.example"),
			wantDecision{flow.Indeterminate, stateful.DataToServer, "drop", 1, "g", "pcre"}},
	})
}

func TestAlertsAndOverride(t *testing.T) {
	g := rulesGroup("managed", stateful.StrictOrder, "drop tcp any any -> any 443 (sid:1;)", "alert tcp any any -> any any (sid:2;)")
	https := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	cfg := strictConfig(stateful.Defaults{}, stateful.GroupRef{Priority: 1, Group: g, DropToAlert: true})
	e := stateful.MustCompile(cfg, nil)
	d := checkDecision(t, e, https, wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""})
	var got []string
	for _, a := range d.Alerts {
		got = append(got, a.String())
	}
	// The IP-only alert (sid 2) is checked on the first packet of each
	// direction only; the overridden drop (sid 1) wherever it matches.
	assert.Equal(t, []string{
		"alert sid 1 (group managed) [drop overridden to alert] at open-request",
		"alert sid 2 (group managed) at open-request",
		"alert sid 2 (group managed) at open-reply",
		"alert sid 1 (group managed) [drop overridden to alert] at data-to-server",
	}, got)
}

func TestOneDirection(t *testing.T) {
	e := stateful.MustCompile(strictConfig(stateful.Defaults{},
		groupAt(1, rulesGroup("g", stateful.StrictOrder, "drop tcp any 443 -> any any (flow:to_client; sid:1;)"))), nil)
	s := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	s.ForwardSeen = true
	d := checkDecision(t, e, s, wantDecision{flow.Allow, stateful.DataToServer, "", 0, "", ""})
	assert.Contains(t, d.Warning, "only the request direction")
	s.ForwardSeen, s.ReturnSeen = false, true
	d = checkDecision(t, e, s, wantDecision{flow.Deny, stateful.OpenReply, "drop", 1, "g", ""})
	assert.Contains(t, d.Warning, "only the reply direction")
	s.ReturnSeen = false // the zero value: both directions
	d = checkDecision(t, e, s, wantDecision{flow.Deny, stateful.OpenReply, "drop", 1, "g", ""})
	assert.Empty(t, d.Warning)
}

func TestExplain(t *testing.T) {
	e := stateful.MustCompile(strictConfig(stateful.Defaults{DropEstablished: true},
		groupAt(1, rulesGroup("g", stateful.StrictOrder, "alert tcp any any -> any any (flow:not_established; sid:1;)", "pass tcp any any -> any 22 (sid:2;)"))), nil)
	d := e.Explain(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com"))
	require.Len(t, d.Stages, 3)
	var lines []string
	for _, st := range d.Stages {
		var ms []string
		for _, m := range st.Matches {
			ms = append(ms, m.String())
		}
		lines = append(lines, st.Stage.String()+" "+st.Packet.String()+" est="+map[bool]string{true: "y", false: "n"}[st.Established]+
			" app="+st.AppProto+" domain="+st.Domain+" -> "+st.Outcome+" ["+strings.Join(ms, "; ")+"]")
	}
	assert.Equal(t, []string{
		"open-request tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com est=n app= domain= -> continue [alert sid 1 (group g) at open-request]",
		"open-reply tcp 198.51.100.7:443 -> 10.0.0.5:50000 domain example.com est=n app= domain= -> continue [alert sid 1 (group g) at open-reply]",
		"data-to-server tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com est=y app=tls domain=example.com -> aws:drop_established [aws:drop_established at data-to-server]",
	}, lines)
	assert.True(t, d.Stages[2].Matches[0].Decisive)
	var skipped []string
	for _, sk := range d.Skipped {
		skipped = append(skipped, sk.String())
	}
	assert.Equal(t, []string{
		"alert sid 1 (group g) at open-request: matches, but an alert decides nothing",
		"alert sid 1 (group g) at open-reply: matches, but an alert decides nothing",
		"alert sid 1 (group g) at data-to-server: established",
	}, skipped, "Explain lists the rules it tried and why each did not decide; the index rules out sid 2 (port 22) untried")
	assert.Empty(t, e.Evaluate(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")).Skipped, "only Explain fills Skipped")
}

func TestSessionEdges(t *testing.T) {
	var nilEngine *stateful.Engine
	d := nilEngine.Evaluate(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
	assert.Equal(t, flow.Allow, d.Verdict)
	assert.Equal(t, flow.Pass, d.Action)
	assert.True(t, d.Default)
	assert.Contains(t, d.String(), "no stateful firewall", "a nil engine says there is no firewall")
	assert.Equal(t, d, nilEngine.Explain(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")))

	bad := stateful.Session{Flow: flow.Flow{Protocol: flow.TCP}}
	d = nilEngine.Evaluate(bad)
	assert.Equal(t, flow.Indeterminate, d.Verdict)
	require.NotNil(t, d.Indeterminate)
	assert.Contains(t, d.Indeterminate.Why, "invalid session")

	odd := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	odd.Flow.App = flow.App(200) // no such application protocol
	d = nilEngine.Evaluate(odd)
	assert.Equal(t, flow.Indeterminate, d.Verdict)

	assert.Equal(t, "tls", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:443")))
	assert.Equal(t, "quic", stateful.DefaultAppProto(flow.MustParse("udp 10.0.0.5:50000 -> 198.51.100.7:443")))
	assert.Equal(t, "dns", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:53")))
	assert.Equal(t, "none", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:9999")))
	assert.Equal(t, "none", stateful.DefaultAppProto(flow.MustParse("icmp 10.0.0.5 -> 198.51.100.7")))
}

func TestCompileErrors(t *testing.T) {
	ok := rulesGroup("g", stateful.StrictOrder, "pass tcp any any -> any any (sid:1;)")
	withRule := func(rule string) stateful.Config {
		return strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("g", stateful.StrictOrder, rule)))
	}
	for _, c := range []struct {
		name string
		cfg  stateful.Config
		res  stateful.IPSetResolver
		is   error
		text string // in the message
	}{
		{"an unknown variable", withRule("pass tcp $NOPE any -> any any (sid:9;)"), nil, stateful.ErrUnresolved, "sid 9"},
		{"an unknown port variable", withRule("pass tcp any any -> any $NOPE (sid:9;)"), nil, stateful.ErrUnresolved, "$NOPE"},
		{"an IP set used as ports", withRule("pass tcp any any -> any $HOME_NET (sid:9;)"), nil, stateful.ErrUnresolved, "used as a port"},
		{"an unknown IP set reference", withRule("pass tcp @NOPE any -> any any (sid:9;)"), nil, stateful.ErrUnresolved, "@NOPE"},
		{"a reference the resolver does not know", func() stateful.Config {
			g := rulesGroup("g", stateful.StrictOrder, "pass tcp @PL any -> any any (sid:9;)")
			g.IPSetReferences = map[string]string{"PL": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-unknown"}
			return strictConfig(stateful.Defaults{}, groupAt(1, g))
		}(), ipSets, stateful.ErrUnresolved, "pl-unknown"},
		{"a reference without a resolver", func() stateful.Config {
			g := rulesGroup("g", stateful.StrictOrder, "pass tcp @PL any -> any any (sid:9;)")
			g.IPSetReferences = map[string]string{"PL": "arn:x"}
			return strictConfig(stateful.Defaults{}, groupAt(1, g))
		}(), nil, stateful.ErrUnresolved, "needs an IPSetResolver"},
		{"a group whose order differs from the policy's", defaultOrderConfig(groupAt(0, ok)), nil, stateful.ErrInvalidGroup, "differs"},
		{"defaults under default order", stateful.Config{Order: stateful.DefaultActionOrder, HomeNet: homeNet, Defaults: stateful.Defaults{DropStrict: true}}, nil, stateful.ErrInvalidPolicy, "STRICT_ORDER"},
		{"two drop defaults", strictConfig(stateful.Defaults{DropStrict: true, DropEstablished: true}), nil, stateful.ErrInvalidPolicy, "at most one"},
		{"duplicate group priorities", strictConfig(stateful.Defaults{}, groupAt(1, ok), groupAt(1, rulesGroup("h", stateful.StrictOrder, "pass tcp any any -> any any (sid:1;)"))), nil, stateful.ErrInvalidPolicy, "priority 1"},
		{"a zero priority under strict order", strictConfig(stateful.Defaults{}, groupAt(0, ok)), nil, stateful.ErrInvalidPolicy, "priority 0"},
		{"an empty HOME_NET", stateful.Config{Order: stateful.StrictOrder}, nil, stateful.ErrInvalidPolicy, "HOME_NET"},
		{"the priority keyword in a strict group", withRule("pass tcp any any -> any any (priority:1; sid:9;)"), nil, stateful.ErrInvalidRule, "priority keyword"},
		{"conflicting application keywords", withRule("pass tls any any -> any any (http.host; content:\"x\"; sid:9;)"), nil, stateful.ErrInvalidRule, "sid 9"},
		// Suricata normalises http.host to lower case and refuses (in
		// DetectHttpHostValidateCallback) a content there with an upper-case
		// letter, which could never match, or with nocase.
		{"an upper-case http.host content", withRule(`pass http any any -> any any (http.host; content:"Example.com"; sid:9;)`), nil, stateful.ErrInvalidRule, `http.host content "Example.com" has upper-case letters`},
		{"an upper-case negated http.host content", withRule(`drop http any any -> any any (http.host; content:!"example.COM"; sid:9;)`), nil, stateful.ErrInvalidRule, `"example.COM" has upper-case letters`},
		{"an upper-case letter written in hex in http.host", withRule(`pass http any any -> any any (http.host; content:"|45|xample.com"; sid:9;)`), nil, stateful.ErrInvalidRule, `"Example.com" has upper-case letters`},
		{"an upper-case content made http.host by the legacy modifier", withRule(`pass http any any -> any any (content:"Example.com"; http_host; sid:9;)`), nil, stateful.ErrInvalidRule, `"Example.com" has upper-case letters`},
		{"nocase on an http.host content", withRule(`pass http any any -> any any (http.host; content:"example.com"; nocase; sid:9;)`), nil, stateful.ErrInvalidRule, `http.host content "example.com" with nocase`},
		{"nocase after the legacy http_host modifier", withRule(`pass http any any -> any any (content:"example.com"; http_host; nocase; sid:9;)`), nil, stateful.ErrInvalidRule, "with nocase"},
		{"a bad flow option", withRule("pass tcp any any -> any any (flow:sideways; sid:9;)"), nil, stateful.ErrInvalidRule, "sideways"},
		{"a modifier without content", withRule("pass tls any any -> any any (tls.sni; nocase; sid:9;)"), nil, stateful.ErrInvalidRule, "nocase"},
		{"a syntax error", withRule("pass tcp any any -> any any (sid:9"), nil, suricata.ErrSyntax, ""},
		{"no rules source", strictConfig(stateful.Defaults{}, groupAt(1, stateful.RuleGroup{Name: "empty", RuleOrder: stateful.StrictOrder})), nil, stateful.ErrInvalidGroup, "exactly one"},
		{"a bad domain target", strictConfig(stateful.Defaults{}, groupAt(1, stateful.RuleGroup{Name: "d", RuleOrder: stateful.StrictOrder,
			DomainList: &stateful.DomainList{Targets: []string{"*.example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "ALLOWLIST"}})), nil, stateful.ErrInvalidGroup, "*.example.com"},
		{"a bad domain list type", strictConfig(stateful.Defaults{}, groupAt(1, stateful.RuleGroup{Name: "d", RuleOrder: stateful.StrictOrder,
			DomainList: &stateful.DomainList{Targets: []string{"example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "BLOCKLIST"}})), nil, stateful.ErrInvalidGroup, "BLOCKLIST"},
		{"duplicate sids in standard rules", strictConfig(stateful.Defaults{}, groupAt(1, stateful.RuleGroup{Name: "s", RuleOrder: stateful.StrictOrder,
			StandardRules: []stateful.StandardRule{standardRule("1"), standardRule("1")}})), nil, stateful.ErrInvalidGroup, "sid 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := stateful.Compile(c.cfg, c.res)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			var ie *flow.InputError
			assert.True(t, errors.As(err, &ie), "want a *flow.InputError, got %T", err)
			assert.Contains(t, err.Error(), c.text)
		})
	}
}

func standardRule(sid string) stateful.StandardRule {
	return stateful.StandardRule{Action: flow.Pass, Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD",
		Destination: "ANY", DestinationPort: "443", Options: []suricata.Option{{Keyword: "sid", Value: sid}}}
}

func TestStandardRules(t *testing.T) {
	g := stateful.RuleGroup{Name: "std", RuleOrder: stateful.StrictOrder, StandardRules: []stateful.StandardRule{
		{Action: flow.Drop, Protocol: "HTTP", Source: "$HOME_NET", SourcePort: "ANY", Direction: "ANY",
			Destination: "$EXTERNAL_NET", DestinationPort: "ANY", Options: []suricata.Option{{Keyword: "sid", Value: "1234"}}},
		{Action: flow.Pass, Protocol: "tcp", Source: "10.0.0.0/24", SourcePort: "1024:65535", Direction: "FORWARD",
			Destination: "any", DestinationPort: "443", Options: []suricata.Option{{Keyword: "msg", Value: "web; out", Quoted: true}, {Keyword: "flow", Value: "to_server"}, {Keyword: "sid", Value: "2"}}},
	}}
	rules, err := g.Rules()
	require.NoError(t, err)
	require.Len(t, rules, 2)
	assert.Equal(t, "drop http $HOME_NET any <> $EXTERNAL_NET any (sid:1234;)", rules[0].Text)
	assert.Equal(t, `pass tcp 10.0.0.0/24 1024:65535 -> any 443 (msg:"web\; out"; flow:to_server; sid:2;)`, rules[1].Text)
	assert.Equal(t, "web; out", rules[1].Msg())

	for _, bad := range []struct {
		name string
		rule stateful.StandardRule
		want string
	}{
		{"a forward action", stateful.StandardRule{Action: flow.Forward, Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD", Destination: "ANY", DestinationPort: "ANY"}, "action forward"},
		{"no action", stateful.StandardRule{Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD", Destination: "ANY", DestinationPort: "ANY"}, "Action is missing"},
		{"a bad direction", stateful.StandardRule{Action: flow.Pass, Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "BACKWARD", Destination: "ANY", DestinationPort: "ANY"}, "direction"},
		{"no source", stateful.StandardRule{Action: flow.Pass, Protocol: "TCP", Source: "", SourcePort: "ANY", Direction: "FORWARD", Destination: "ANY", DestinationPort: "ANY"}, "Source is missing"},
		{"a TCP rule without ports", stateful.StandardRule{Action: flow.Pass, Protocol: "TCP", Source: "ANY", Direction: "FORWARD", Destination: "ANY"}, `SourcePort is missing: use "ANY"`},
		{"a UDP rule without a destination port", stateful.StandardRule{Action: flow.Drop, Protocol: "UDP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD", Destination: "ANY"}, `DestinationPort is missing: use "ANY", a port, a range`},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, err := stateful.RuleGroup{Name: "bad", StandardRules: []stateful.StandardRule{bad.rule}}.Rules()
			require.ErrorIs(t, err, stateful.ErrInvalidRule)
			assert.Contains(t, err.Error(), bad.want)
			_, err = stateful.Compile(strictConfig(stateful.Defaults{}, groupAt(1, stateful.RuleGroup{Name: "bad", RuleOrder: stateful.StrictOrder, StandardRules: []stateful.StandardRule{bad.rule}})), nil)
			assert.ErrorIs(t, err, stateful.ErrInvalidRule, "Compile rejects it too")
		})
	}
}

// TestDomainListRules pins the generated rules in a golden file
// (go test -run TestDomainListRules -update-stateful rewrites it).
func TestDomainListRules(t *testing.T) {
	var b strings.Builder
	for _, c := range []struct {
		order stateful.RuleOrder
		list  stateful.DomainList
	}{
		{stateful.StrictOrder, stateful.DomainList{Targets: []string{"www.example.com", ".example.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}},
		{stateful.DefaultActionOrder, stateful.DomainList{Targets: []string{".amazon.com", "Example.com"}, TargetTypes: []string{"HTTP_HOST"}, Type: "ALLOWLIST"}},
		{stateful.DefaultActionOrder, stateful.DomainList{Targets: []string{"evil.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "DENYLIST"}},
		{stateful.StrictOrder, stateful.DomainList{Targets: []string{".example.net"}, TargetTypes: []string{"TLS_SNI"}, Type: "REJECTLIST"}},
		{stateful.StrictOrder, stateful.DomainList{Targets: []string{".example.net"}, TargetTypes: []string{"HTTP_HOST"}, Type: "ALERTLIST"}},
	} {
		list := c.list
		rules, err := stateful.RuleGroup{Name: "d", RuleOrder: c.order, DomainList: &list}.Rules()
		require.NoError(t, err)
		b.WriteString("# " + c.list.Type + " " + strings.Join(c.list.Targets, ",") + " " + strings.Join(c.list.TargetTypes, ",") + " " + c.order.String() + "\n")
		for _, r := range rules {
			b.WriteString(r.Text + "\n")
		}
		b.WriteString("\n")
	}
	path := filepath.Join("testdata", "domainlist.golden")
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

func TestParseDefaults(t *testing.T) {
	d, err := stateful.ParseDefaults([]string{"aws:drop_established", "aws:alert_strict", "aws:alert_established"})
	require.NoError(t, err)
	assert.Equal(t, stateful.Defaults{DropEstablished: true, AlertStrict: true, AlertEstablished: true}, d)
	assert.Equal(t, []string{"aws:drop_established", "aws:alert_strict", "aws:alert_established"}, d.Names())

	d, err = stateful.ParseDefaults(nil)
	require.NoError(t, err)
	assert.True(t, d.IsZero())

	for _, c := range []struct {
		names []string
		text  string
	}{
		{[]string{"aws:drop_strict", "aws:drop_established"}, "at most one drop"},
		{[]string{"aws:drop_established", "aws:alert_established_app_layer"}, "cannot be combined"},
		{[]string{"aws:alert_established", "aws:drop_established_app_layer"}, "cannot be combined"},
		{[]string{"aws:drop_all"}, "unknown"},
		{[]string{"AWS:DROP_STRICT"}, "unknown"},
		{[]string{"aws:alert_strict", "aws:alert_strict"}, "twice"},
	} {
		_, err := stateful.ParseDefaults(c.names)
		require.Error(t, err, "%v", c.names)
		assert.ErrorIs(t, err, stateful.ErrInvalidPolicy)
		assert.Contains(t, err.Error(), c.text)
	}
}

func TestRuleOrderText(t *testing.T) {
	for _, o := range []stateful.RuleOrder{stateful.DefaultActionOrder, stateful.StrictOrder} {
		b, err := o.MarshalText()
		require.NoError(t, err)
		var back stateful.RuleOrder
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, o, back)
	}
	o, err := stateful.ParseRuleOrder("strict_order")
	require.NoError(t, err)
	assert.Equal(t, stateful.StrictOrder, o)
	_, err = stateful.ParseRuleOrder("")
	assert.ErrorIs(t, err, stateful.ErrInvalidPolicy)
	_, err = stateful.RuleOrder(7).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "RuleOrder(7)", stateful.RuleOrder(7).String())
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	e := stateful.MustCompile(strictConfig(stateful.Defaults{DropEstablished: true},
		groupAt(1, rulesGroup("web", stateful.StrictOrder, "pass tcp $HOME_NET any -> any 80 (flow:not_established; sid:1;)", "drop tcp any any -> 192.0.2.0/24 any (sid:2;)")),
		groupAt(2, stateful.RuleGroup{Name: "dl", RuleOrder: stateful.StrictOrder,
			DomainList: &stateful.DomainList{Targets: []string{".example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "ALLOWLIST"}})), nil)
	for _, s := range []stateful.Session{
		session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.example.com"),
		session("tcp 10.0.0.5:50000 -> 192.0.2.7:443 domain www.example.org"),
		session("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
		session("udp 10.0.0.5:50000 -> 198.51.100.7:53"),
	} {
		n := testing.AllocsPerRun(100, func() { e.Evaluate(s) })
		assert.Zero(t, n, "%v", s.Flow)
	}
}

// GroupRules counts each group's rules as RuleGroup.Rules gives them, in
// the order of Config.Groups: a domain list counts the rules it stands
// for.
func TestGroupRulesCountsEachGroupInOrder(t *testing.T) {
	groups := []stateful.RuleGroup{
		{Name: "two", RuleOrder: stateful.StrictOrder, RulesString: "pass tcp any any -> any 80 (sid:1;)\ndrop tcp any any -> any 22 (sid:2;)"},
		{Name: "one", RuleOrder: stateful.StrictOrder, RulesString: "pass udp any any -> any 53 (sid:1;)"},
		{Name: "domains", RuleOrder: stateful.StrictOrder, DomainList: &stateful.DomainList{Targets: []string{"www.example.com", ".example.org"},
			TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}},
	}
	var refs []stateful.GroupRef
	var want []int
	for i, g := range groups {
		refs = append(refs, groupAt(i+1, g))
		rules, err := g.Rules()
		require.NoError(t, err)
		want = append(want, len(rules))
	}
	e := stateful.MustCompile(strictConfig(stateful.Defaults{}, refs...), nil)
	assert.Equal(t, want, e.GroupRules())
	assert.Equal(t, []int{2, 1, 6}, e.GroupRules(), "two rules, one, and the domain list's four passes and two drops")
	var none *stateful.Engine
	assert.Nil(t, none.GroupRules())
}

// TestManyDomainSuffixesEachFiled is a name of 40 labels whose every
// suffix a rule names: more candidate lists than a stage merges at once.
// The engine then tries every rule in order; the first rule, filed under
// the shortest suffix and so looked up last, still decides.
func TestManyDomainSuffixesEachFiled(t *testing.T) {
	labels := make([]string, 40)
	for i := range labels {
		labels[i] = "l" + strconv.Itoa(len(labels)-i)
	}
	domain := strings.Join(labels, ".") // l40.l39. ... .l1
	var rules []string
	for k := 1; k <= len(labels); k++ { // sid k: the suffix of the last k labels
		action := "drop"
		if k == 1 {
			action = "pass"
		}
		suffix := strings.Join(labels[len(labels)-k:], ".")
		rules = append(rules, action+` tls any any -> any any (tls.sni; dotprefix; content:".`+suffix+`"; endswith; sid:`+strconv.Itoa(k)+`;)`)
	}
	cfg := strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("suffixes", stateful.StrictOrder, rules...)))
	e, err := stateful.Compile(cfg, nil)
	require.NoError(t, err)
	for _, d := range []string{domain, "l3.l2.l1", "x.l1"} {
		s := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain " + d)
		checkDecision(t, e, s, wantDecision{flow.Allow, stateful.DataToServer, "pass", 1, "suffixes", ""})
		v, stage := e.Verdict(s)
		assert.Equal(t, flow.Allow, v, d)
		assert.Equal(t, stateful.DataToServer, stage, d)
	}
	// a name outside every listed suffix meets no rule
	s := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain " + strings.Join(labels[:39], ".") + ".l0")
	checkDecision(t, e, s, wantDecision{flow.Allow, stateful.DataToClient, "", 0, "", ""})
}

// A session that passes because no rule decided its last packet names
// the drop default in force that does not cover that packet
// (Decision.DropDefault) and the pass rule of packet scope that passed
// an earlier one (Decision.EarlierPass): under aws:drop_established the
// server's established packets pass, the client's pass only by a rule
// (audit new26 #7). Neither is set where a rule or a default decided.
func TestDecisionNamesDropDefaultAndEarlierPass(t *testing.T) {
	const est = "pass tcp $HOME_NET any -> any 443 (flow:established,to_server; sid:1;)"
	tests := []struct {
		name     string
		defaults stateful.Defaults
		rule     string
		verdict  flow.Verdict
		drop     string
		earlier  stateful.RuleMatch
		text     string
	}{
		{"aws:drop_established passes the server's packet", stateful.Defaults{DropEstablished: true}, est, flow.Allow, stateful.DefaultDropEstablished,
			stateful.RuleMatch{Stage: stateful.DataToServer, Group: "g", GroupPriority: 1, Sid: 1, Action: flow.Pass, Rule: est},
			"allow at data-to-client: no rule decided, and aws:drop_established does not cover this packet; the data-to-server packet was passed by pass sid 1 (group g) at data-to-server, a packet rule"},
		{"aws:drop_established_app_layer_to_server likewise", stateful.Defaults{DropEstablishedAppLayerToServer: true}, est, flow.Allow, stateful.DefaultDropEstablishedAppLayerToServer,
			stateful.RuleMatch{Stage: stateful.DataToServer, Group: "g", GroupPriority: 1, Sid: 1, Action: flow.Pass, Rule: est}, "aws:drop_established_app_layer_to_server does not cover this packet"},
		{"no drop default", stateful.Defaults{}, est, flow.Allow, "",
			stateful.RuleMatch{Stage: stateful.DataToServer, Group: "g", GroupPriority: 1, Sid: 1, Action: flow.Pass, Rule: est}, "passes by default"},
		{"aws:drop_established_app_layer drops the server's packet: decided by the default", stateful.Defaults{DropEstablishedAppLayer: true}, est, flow.Deny, "",
			stateful.RuleMatch{Stage: stateful.DataToServer, Group: "g", GroupPriority: 1, Sid: 1, Action: flow.Pass, Rule: est}, "default action aws:drop_established_app_layer"},
		{"a pass of flow scope decides", stateful.Defaults{DropEstablished: true}, "pass tcp $HOME_NET any -> any 443 (sid:1;)", flow.Allow, "",
			stateful.RuleMatch{}, "pass sid 1 (group g)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stateful.MustCompile(strictConfig(tt.defaults, groupAt(1, rulesGroup("g", stateful.StrictOrder, tt.rule))), nil)
			d := e.Evaluate(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
			assert.Equal(t, tt.verdict, d.Verdict, d.String())
			assert.Equal(t, tt.drop, d.DropDefault, d.String())
			assert.Equal(t, tt.earlier, d.EarlierPass, d.String())
			assert.Contains(t, d.String(), tt.text)
		})
	}
}
