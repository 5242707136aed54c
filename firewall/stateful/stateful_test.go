package stateful_test

import (
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

var sfUpdate = flag.Bool("update-stateful", false, "rewrite the stateful golden files in testdata")

// Tiny constructors for table rows.

var sfHome = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}

// sfRules is a RulesString group.
func sfRules(name string, order stateful.RuleOrder, rules ...string) stateful.RuleGroup {
	return stateful.RuleGroup{Name: name, RuleOrder: order, RulesString: strings.Join(rules, "\n")}
}

// sfG references a group at a priority.
func sfG(prio int, g stateful.RuleGroup) stateful.GroupRef {
	return stateful.GroupRef{Priority: prio, Group: g}
}

func sfStrict(d stateful.Defaults, groups ...stateful.GroupRef) stateful.Config {
	return stateful.Config{Order: stateful.StrictOrder, Defaults: d, HomeNet: sfHome, Groups: groups}
}

func sfDefault(groups ...stateful.GroupRef) stateful.Config {
	return stateful.Config{Order: stateful.DefaultActionOrder, HomeNet: sfHome, Groups: groups}
}

func sfSess(f string) stateful.Session { return stateful.Session{Flow: flow.MustParse(f)} }

func sfApp(f, app string) stateful.Session {
	return stateful.Session{Flow: flow.MustParse(f), AppProto: app}
}

// sfWant is the part of a decision a row checks.
type sfWant struct {
	verdict flow.Verdict
	stage   stateful.Stage
	action  string
	sid     int // 0: not checked unless action names a rule
	group   string
	keyword string // the undecidable keyword
}

func sfCheck(t *testing.T, e *stateful.Engine, s stateful.Session, w sfWant) stateful.Decision {
	t.Helper()
	d := e.Evaluate(s)
	x := e.Explain(s)
	x.Stages, x.Skipped = nil, nil
	assert.Equal(t, d, x, "Evaluate and Explain disagree")
	msg := d.String()
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

var (
	sfAllow = flow.Allow
	sfDeny  = flow.Deny
	sfIndet = flow.Indeterminate
	sfS     = stateful.StrictOrder
	sfD     = stateful.DefaultActionOrder
)

type sfCase struct {
	name string
	cfg  stateful.Config
	sess stateful.Session
	want sfWant
}

func sfRun(t *testing.T, cases []sfCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := stateful.Compile(c.cfg, sfIPSets)
			require.NoError(t, err)
			sfCheck(t, e, c.sess, c.want)
		})
	}
}

var sfIPSets = stateful.StaticIPSets{
	"arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-partners": {netip.MustParsePrefix("203.0.113.0/24")},
}

func TestOrder(t *testing.T) {
	// A drop rule in the first group and a pass rule in another: the
	// default order passes (pass beats drop wherever it sits), the strict
	// order drops (the higher-priority group decides first).
	drop := sfRules("blocks", sfS, "drop tcp any any -> any 443 (sid:1;)")
	pass := sfRules("allows", sfS, "pass tcp any any -> any 443 (sid:2;)")
	dropD, passD := drop, pass
	dropD.RuleOrder, passD.RuleOrder = sfD, sfD
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	sfRun(t, []sfCase{
		{"default order: the pass rule in the later group wins", sfDefault(sfG(1, dropD), sfG(2, passD)), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 2, "allows", ""}},
		{"strict order: the drop rule in the first group wins", sfStrict(stateful.Defaults{}, sfG(1, drop), sfG(2, pass)), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "blocks", ""}},
		{"strict order: swapping priorities lets it pass", sfStrict(stateful.Defaults{}, sfG(2, drop), sfG(1, pass)), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 2, "allows", ""}},
		{"default order: reject ranks after drop", sfDefault(sfG(0, sfRules("g", sfD,
			"reject tcp any any -> any 443 (sid:1;)", "drop tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"default order: the priority keyword picks the reported sid", sfDefault(sfG(0, sfRules("g", sfD,
			"drop tcp any any -> any 443 (sid:1; priority:5;)", "drop tcp any any -> any 443 (sid:2; priority:2;)"))), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"strict order: an alert does not stop evaluation", sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS,
			"alert tcp any any -> any 443 (sid:1;)", "reject tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfDeny, stateful.OpenRequest, "reject", 2, "g", ""}},
		{"nothing matches: the engine passes by default", sfStrict(stateful.Defaults{}, sfG(1, drop)),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
	})
}

func TestDefaultActions(t *testing.T) {
	other := sfRules("g", sfS, "drop tcp any any -> 192.0.2.1 any (sid:1;)")
	strict := func(d stateful.Defaults) stateful.Config { return sfStrict(d, sfG(1, other)) }
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	dns := sfSess("udp 10.0.0.5:50000 -> 198.51.100.7:53")
	ping := sfSess("icmp 10.0.0.5 -> 198.51.100.7")
	sfRun(t, []sfCase{
		{"drop_established lets the handshake through and drops the first data packet",
			strict(stateful.Defaults{DropEstablished: true}), https,
			sfWant{sfDeny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"drop_strict drops the SYN", strict(stateful.Defaults{DropStrict: true}), https,
			sfWant{sfDeny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"drop_established drops UDP from the first datagram", strict(stateful.Defaults{DropEstablished: true}), dns,
			sfWant{sfDeny, stateful.OpenRequest, "aws:drop_established", 0, "", ""}},
		{"drop_established drops ICMP", strict(stateful.Defaults{DropEstablished: true}), ping,
			sfWant{sfDeny, stateful.OpenRequest, "aws:drop_established", 0, "", ""}},
		{"drop_established_app_layer decides like drop_established", strict(stateful.Defaults{DropEstablishedAppLayer: true}), https,
			sfWant{sfDeny, stateful.DataToServer, "aws:drop_established_app_layer", 0, "", ""}},
		{"drop_established_app_layer_to_server drops client data", strict(stateful.Defaults{DropEstablishedAppLayerToServer: true}), https,
			sfWant{sfDeny, stateful.DataToServer, "aws:drop_established_app_layer_to_server", 0, "", ""}},
		{"alert defaults do not drop", strict(stateful.Defaults{AlertStrict: true, AlertEstablished: true}), https,
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"a pass rule for DNS passes UDP under drop_established (the protocol is known on the first datagram)",
			sfStrict(stateful.Defaults{DropEstablished: true}, sfG(1, sfRules("dns", sfS, "pass dns $HOME_NET any -> any 53 (sid:7;)"))), dns,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 7, "dns", ""}},
		{"a TCP pass rule on the handshake passes the whole connection under drop_established",
			sfStrict(stateful.Defaults{DropEstablished: true}, sfG(1, sfRules("web", sfS, "pass tcp $HOME_NET any -> any 443 (flow:not_established; sid:8;)"))), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 8, "web", ""}},
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
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	sfRun(t, []sfCase{
		{"a pass rule on the request lets the session's return packets through",
			sfStrict(none, sfG(1, sfRules("g", sfS, "pass tcp $HOME_NET any -> any 443 (flow:to_server; sid:1;)"))), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 1, "g", ""}},
		{"a FORWARD rule written for replies never sees the opening packet",
			sfStrict(none, sfG(1, sfRules("g", sfS, "pass tcp any 443 -> $HOME_NET any (sid:1;)"))), https,
			sfWant{sfDeny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"the same rule with <> matches the request swapped",
			sfStrict(none, sfG(1, sfRules("g", sfS, "pass tcp any 443 <> $HOME_NET any (sid:1;)"))), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 1, "g", ""}},
		{"<> matches traffic opened from the other side",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, "drop tcp $HOME_NET any <> 198.51.100.7 22 (sid:3;)"))),
			sfSess("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			sfWant{sfDeny, stateful.OpenRequest, "drop", 3, "g", ""}},
		{"-> does not match the opening packet from the other side, but it drops its reply",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, "drop tcp $HOME_NET any -> 198.51.100.7 22 (sid:3;)"))),
			sfSess("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			sfWant{sfDeny, stateful.OpenReply, "drop", 3, "g", ""}},
		{"flow:to_server keeps a -> rule off the replies",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, "drop tcp $HOME_NET any -> 198.51.100.7 22 (flow:to_server; sid:3;)"))),
			sfSess("tcp 198.51.100.7:22 -> 10.0.0.5:50000"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"a reply rule with flow:to_client drops the SYN-ACK",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, "drop tcp any 443 -> $HOME_NET any (flow:to_client,not_established; sid:4;)"))), https,
			sfWant{sfDeny, stateful.OpenReply, "drop", 4, "g", ""}},
	})
}

func TestFlowKeywords(t *testing.T) {
	one := func(rule string) stateful.Config {
		return sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, rule)))
	}
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	dns := sfSess("udp 10.0.0.5:50000 -> 198.51.100.7:53")
	sfRun(t, []sfCase{
		{"flow:established,to_server matches the first data packet", one("drop tcp any any -> any any (flow:established,to_server; sid:1;)"), https,
			sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"flow:established,to_client matches the server's data", one("drop tcp any any <> any any (flow:established,to_client; sid:1;)"), https,
			sfWant{sfDeny, stateful.DataToClient, "drop", 1, "", ""}},
		{"flow:not_established matches the SYN", one("drop tcp any any -> any any (flow:not_established; sid:1;)"), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"flow:stateless matches every packet", one("drop tcp any any -> any any (flow:stateless; sid:1;)"), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"a UDP reply is established", one("drop udp any any <> any any (flow:established; sid:1;)"), dns,
			sfWant{sfDeny, stateful.OpenReply, "drop", 1, "", ""}},
		{"ip_proto:!TCP drops UDP", one("drop ip any any -> any any (ip_proto:!TCP; sid:1;)"), dns,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"ip_proto:!TCP leaves TCP alone", one("drop ip any any -> any any (ip_proto:!TCP; sid:1;)"), https,
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"ip_proto:17 by number", one("drop ip any any -> any any (ip_proto:17; sid:1;)"), dns,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"itype matches the echo request, not the reply", one("drop icmp any any -> any any (itype:8; sid:1;)"),
			sfSess("icmp 10.0.0.5 -> 198.51.100.7"), sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"itype:0 matches the echo reply", one("drop icmp any any <> any any (itype:0; sid:1;)"),
			sfSess("icmp 10.0.0.5 -> 198.51.100.7"), sfWant{sfDeny, stateful.OpenReply, "drop", 1, "", ""}},
		{"app-layer-protocol:tls on 443", one("drop tcp any any -> any any (app-layer-protocol:tls; sid:1;)"), https,
			sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"app-layer-protocol:!tls leaves TLS alone", one("drop tcp any any -> any any (app-layer-protocol:!tls; sid:1;)"), https,
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"an application protocol named in the session beats the port table", one("drop tls any any -> any any (sid:1;)"),
			sfApp("tcp 10.0.0.5:50000 -> 198.51.100.7:9443", "tls"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"an unknown port speaks no known protocol", one("drop tls any any -> any any (sid:1;)"),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:9443"), sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"http matches HTTP/2", one("drop http any any -> any any (sid:1;)"),
			sfApp("tcp 10.0.0.5:50000 -> 198.51.100.7:443", "http2"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"ssl_state:client_hello is the client's first data", one("drop tls any any -> any any (ssl_state:client_hello; sid:1;)"), https,
			sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"sameip", one("drop ip any any -> any any (sameip; sid:1;)"),
			sfSess("tcp 10.0.0.5:50000 -> 10.0.0.5:443"), sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"sameip leaves other pairs alone", one("drop ip any any -> any any (sameip; sid:1;)"), https,
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"icode", one("drop icmp any any -> any any (itype:3; icode:4; sid:1;)"),
			sfSess("icmp 10.0.0.5 -> 198.51.100.7 type 3 code 4"), sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "", ""}},
		{"tls.sni with depth", one(`drop tls any any -> any any (tls.sni; content:"www."; depth:4; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"tls.sni with depth: too deep", one(`drop tls any any -> any any (tls.sni; content:"example"; depth:4; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"tls.sni is case-sensitive without nocase", one(`drop tls any any -> any any (tls.sni; content:"www.example.com"; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.EXAMPLE.COM"), sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"to_lowercase on tls.sni", one(`drop tls any any -> any any (tls.sni; to_lowercase; content:"www.example.com"; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.EXAMPLE.COM"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"a negated SNI content drops other names", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.org"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"a negated SNI content spares listed names", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"), sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"a negated SNI content needs an SNI", one(`drop tls any any -> any any (tls.sni; content:!".example.com"; endswith; sid:1;)`),
			https, sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"the legacy http_host modifier", one(`drop http any any -> any any (content:"example.com"; http_host; sid:1;)`),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain www.Example.com"), sfWant{sfDeny, stateful.DataToServer, "drop", 1, "", ""}},
		{"ports never match ICMP", one("drop ip any any -> any 443 (sid:1;)"),
			sfSess("icmp 10.0.0.5 -> 198.51.100.7"), sfWant{sfAllow, stateful.OpenReply, "", 0, "", ""}},
	})
}

func TestAddresses(t *testing.T) {
	one := func(rule string) stateful.Config {
		return sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, rule)))
	}
	withVars := func(rule string) stateful.Config {
		g := sfRules("g", sfS, rule)
		g.IPSets = map[string][]netip.Prefix{"SRV": {netip.MustParsePrefix("198.51.100.0/24")}}
		g.PortSets = map[string][]flow.PortRange{"WEB": {{Lo: 80, Hi: 80}, {Lo: 443, Hi: 443}}}
		g.IPSetReferences = map[string]string{"PARTNERS": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-partners"}
		return sfStrict(stateful.Defaults{}, sfG(1, g))
	}
	none := sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}
	blocked := sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "g", ""}
	sfRun(t, []sfCase{
		{"a list minus a negated item: inside", one("drop tcp [10.0.0.0/16,!10.0.5.0/24] any -> any any (sid:1;)"),
			sfSess("tcp 10.0.4.1:50000 -> 198.51.100.7:443"), blocked},
		{"a list minus a negated item: the hole", one("drop tcp [10.0.0.0/16,!10.0.5.0/24] any -> any any (sid:1;)"),
			sfSess("tcp 10.0.5.1:50000 -> 198.51.100.7:443"), none},
		{"a list of negated items only is everything else", one("drop tcp [!10.0.0.0/16,!192.0.2.0/24] any -> any any (sid:1;)"),
			sfSess("tcp 198.51.100.1:50000 -> 10.0.0.1:443"), blocked},
		{"a negated address", one("drop tcp !$HOME_NET any -> any any (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 10.0.0.2:443"), none},
		{"a negated address matches the reply from outside", one("drop tcp !$HOME_NET any -> any any (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:443"), sfWant{sfDeny, stateful.OpenReply, "drop", 1, "g", ""}},
		{"a port list with a negated port: listed", one("drop tcp any any -> any [80,443,8000:9000,!8443] (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:8080"), blocked},
		{"a port list with a negated port: the hole", one("drop tcp any any -> any [80,443,8000:9000,!8443] (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:8443"), none},
		{"a negated port", one("drop tcp any 1024:65535 -> any !22 (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:22"), none},
		{"an IP set variable and a port set variable", withVars("drop tcp any any -> $SRV $WEB (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:443"), blocked},
		{"a port set variable excludes other ports", withVars("drop tcp any any -> $SRV $WEB (sid:1;)"),
			sfSess("tcp 10.0.0.1:50000 -> 198.51.100.7:8443"), none},
		{"an IP set reference", withVars("drop tcp @PARTNERS any -> any any (sid:1;)"),
			sfSess("tcp 203.0.113.9:50000 -> 10.0.0.1:443"), blocked},
		{"an IP set reference excludes other sources", withVars("drop tcp @PARTNERS any -> any any (sid:1;)"),
			sfSess("tcp 198.51.100.9:50000 -> 10.0.0.1:443"), none},
		{"IPv6 is outside an IPv4 HOME_NET", one("drop tcp $EXTERNAL_NET any -> any any (sid:1;)"),
			sfSess("tcp [2001:db8::1]:50000 -> [2001:db8::2]:443"), blocked},
	})
}

func TestHomeNet(t *testing.T) {
	rule := "drop tcp $HOME_NET any -> $EXTERNAL_NET any (sid:1;)"
	group := func(ipsets map[string][]netip.Prefix) stateful.Config {
		g := sfRules("g", sfS, rule)
		g.IPSets = ipsets
		return sfStrict(stateful.Defaults{}, sfG(1, g))
	}
	spoke := []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}
	none := sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}
	blocked := sfWant{sfDeny, stateful.OpenRequest, "drop", 1, "g", ""}
	sfRun(t, []sfCase{
		{"the policy's HOME_NET by default", group(nil), sfSess("tcp 10.0.0.5:50000 -> 8.8.8.8:443"), blocked},
		{"outside the policy's HOME_NET", group(nil), sfSess("tcp 172.16.0.5:50000 -> 8.8.8.8:443"), none},
		{"a group's HOME_NET overrides the policy's", group(map[string][]netip.Prefix{"HOME_NET": spoke}),
			sfSess("tcp 172.16.0.5:50000 -> 8.8.8.8:443"), blocked},
		{"the quirk: EXTERNAL_NET stays the negation of the policy's HOME_NET", group(map[string][]netip.Prefix{"HOME_NET": spoke}),
			sfSess("tcp 172.16.0.5:50000 -> 10.0.0.9:443"), none},
		{"the quirk: the group's own HOME_NET counts as external", group(map[string][]netip.Prefix{"HOME_NET": {netip.MustParsePrefix("10.0.0.0/8")}}),
			sfSess("tcp 10.1.0.5:50000 -> 10.2.0.9:443"), blocked},
		{"a group overriding both is consistent", group(map[string][]netip.Prefix{"HOME_NET": spoke, "EXTERNAL_NET": {netip.MustParsePrefix("8.0.0.0/8")}}),
			sfSess("tcp 172.16.0.5:50000 -> 10.0.0.9:443"), none},
	})
}

func TestDomainLists(t *testing.T) {
	list := func(typ string, order stateful.RuleOrder, targets ...string) stateful.RuleGroup {
		return stateful.RuleGroup{Name: strings.ToLower(typ), RuleOrder: order,
			DomainList: &stateful.DomainList{Targets: targets, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: typ}}
	}
	allowS := sfStrict(stateful.Defaults{DropEstablished: true}, sfG(1, list("ALLOWLIST", sfS, "www.example.com", ".example.org")))
	allowD := sfDefault(sfG(0, list("ALLOWLIST", sfD, "www.example.com", ".example.org")))
	denyList := sfDefault(sfG(0, list("DENYLIST", sfD, ".example.com")))
	// sids: 1 tls www.example.com, 2 http www.example.com, 3 tls .example.org,
	// 4 http .example.org, 5 drop tls, 6 drop http.
	sfRun(t, []sfCase{
		{"allowlist: a listed SNI passes at the ClientHello", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"allowlist: SNI matching is case-insensitive", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.Example.COM"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"allowlist: a leading dot covers the domain itself", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.org"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 3, "allowlist", ""}},
		{"allowlist: a leading dot covers subdomains", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain a.b.example.org"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 3, "allowlist", ""}},
		{"allowlist: a name that only ends the same is not a subdomain", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain badexample.org"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 5, "allowlist", ""}},
		{"allowlist: an exact name does not cover subdomains", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain api.www.example.com"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 5, "allowlist", ""}},
		{"allowlist: TLS without SNI meets the generated drop rule", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 5, "allowlist", ""}},
		{"allowlist: HTTP Host", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain sub.example.org"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 4, "allowlist", ""}},
		{"allowlist: an unlisted HTTP Host meets the generated HTTP drop rule", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain example.net"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 6, "allowlist", ""}},
		{"allowlist: an HTTP request without a Host meets the generated HTTP drop rule", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 6, "allowlist", ""}},
		{"allowlist, default order: a non-TLS, non-HTTP flow is untouched", allowD, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"allowlist, strict order: a non-TLS flow falls to drop_established", allowS, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			sfWant{sfDeny, stateful.DataToServer, "aws:drop_established", 0, "", ""}},
		{"allowlist: traffic from outside HOME_NET is not filtered", allowD, sfSess("tcp 172.16.0.5:50000 -> 198.51.100.7:443 domain evil.test"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"allowlist, default order: listed", allowD, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			sfWant{sfAllow, stateful.DataToServer, "pass", 1, "allowlist", ""}},
		{"denylist: a listed domain is dropped", denyList, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"),
			sfWant{sfDeny, stateful.DataToServer, "drop", 1, "denylist", ""}},
		{"denylist: other domains pass", denyList, sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.org"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"rejectlist: reject is reported", sfDefault(sfG(0, list("REJECTLIST", sfD, ".example.com"))),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80 domain example.com"),
			sfWant{sfDeny, stateful.DataToServer, "reject", 2, "rejectlist", ""}},
		{"alertlist: only alerts", sfDefault(sfG(0, list("ALERTLIST", sfD, ".example.com"))),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com"),
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
	})
}

func TestIndeterminate(t *testing.T) {
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	sfRun(t, []sfCase{
		{"payload content makes a drop undecidable at the first data packet",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop tcp any any -> any any (content:"evil"; sid:1;)`))), https,
			sfWant{sfIndet, stateful.DataToServer, "drop", 1, "g", "content"}},
		{"a definite pass on the SYN wins before the payload is seen",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop tcp any any -> any any (content:"evil"; sid:1;)`, "pass tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 2, "g", ""}},
		{"default order: a definite pass beats an undecidable one",
			sfDefault(sfG(0, sfRules("g", sfD, `pass tcp any any -> any any (geoip:dst,US; sid:1;)`, "pass tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfAllow, stateful.OpenRequest, "pass", 2, "g", ""}},
		{"default order: an undecidable pass beats a definite drop",
			sfDefault(sfG(0, sfRules("g", sfD, `pass tcp any any -> any any (geoip:dst,US; sid:1;)`, "drop tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfIndet, stateful.OpenRequest, "pass", 1, "g", "geoip"}},
		{"default order: a definite drop beats an undecidable one",
			sfDefault(sfG(0, sfRules("g", sfD, `drop tcp any any -> any any (flowbits:isset,bad; sid:1;)`, "drop tcp any any -> any 443 (sid:2;)"))), https,
			sfWant{sfDeny, stateful.OpenRequest, "drop", 2, "g", ""}},
		{"an undecidable alert never matters",
			sfStrict(stateful.Defaults{DropStrict: true}, sfG(1, sfRules("g", sfS, `alert tcp any any -> any any (pcre:"/x/"; sid:1;)`))), https,
			sfWant{sfDeny, stateful.OpenRequest, "aws:drop_strict", 0, "", ""}},
		{"dns.query is undecidable on DNS only",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop dns any any -> any any (dns.query; content:"evil"; sid:1;)`))),
			sfSess("udp 10.0.0.5:50000 -> 198.51.100.7:53"),
			sfWant{sfIndet, stateful.OpenRequest, "drop", 1, "g", "dns.query"}},
		{"dns.query does not touch HTTPS",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop dns any any -> any any (dns.query; content:"evil"; sid:1;)`))), https,
			sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""}},
		{"an unknown keyword is undecidable",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop tcp any any -> any any (frobnicate:7; sid:1;)`))), https,
			sfWant{sfIndet, stateful.OpenRequest, "drop", 1, "g", "frobnicate"}},
		{"a pcre on tls.sni is undecidable only where the SNI is visible",
			sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, `drop tls any any -> any any (tls.sni; pcre:"/^a/"; sid:1;)`))),
			sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain a.example"),
			sfWant{sfIndet, stateful.DataToServer, "drop", 1, "g", "pcre"}},
	})
}

func TestAlertsAndOverride(t *testing.T) {
	g := sfRules("managed", sfS, "drop tcp any any -> any 443 (sid:1;)", "alert tcp any any -> any any (sid:2;)")
	https := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	cfg := sfStrict(stateful.Defaults{}, stateful.GroupRef{Priority: 1, Group: g, DropToAlert: true})
	e := stateful.MustCompile(cfg, nil)
	d := sfCheck(t, e, https, sfWant{sfAllow, stateful.DataToClient, "", 0, "", ""})
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
	e := stateful.MustCompile(sfStrict(stateful.Defaults{},
		sfG(1, sfRules("g", sfS, "drop tcp any 443 -> any any (flow:to_client; sid:1;)"))), nil)
	s := sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	s.ForwardSeen = true
	d := sfCheck(t, e, s, sfWant{sfAllow, stateful.DataToServer, "", 0, "", ""})
	assert.Contains(t, d.Warning, "only the request direction")
	s.ForwardSeen, s.ReturnSeen = false, true
	d = sfCheck(t, e, s, sfWant{sfDeny, stateful.OpenReply, "drop", 1, "g", ""})
	assert.Contains(t, d.Warning, "only the reply direction")
	s.ReturnSeen = false // the zero value: both directions
	d = sfCheck(t, e, s, sfWant{sfDeny, stateful.OpenReply, "drop", 1, "g", ""})
	assert.Empty(t, d.Warning)
}

func TestExplain(t *testing.T) {
	e := stateful.MustCompile(sfStrict(stateful.Defaults{DropEstablished: true},
		sfG(1, sfRules("g", sfS, "alert tcp any any -> any any (flow:not_established; sid:1;)", "pass tcp any any -> any 22 (sid:2;)"))), nil)
	d := e.Explain(sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain example.com"))
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
	assert.Empty(t, e.Evaluate(sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")).Skipped, "only Explain fills Skipped")
}

func TestSessionEdges(t *testing.T) {
	var nilEngine *stateful.Engine
	d := nilEngine.Evaluate(sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
	assert.Equal(t, flow.Allow, d.Verdict)
	assert.Equal(t, flow.Pass, d.Action)
	assert.True(t, d.Default)
	assert.Contains(t, d.String(), "no stateful firewall", "a nil engine says there is no firewall")
	assert.Equal(t, d, nilEngine.Explain(sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443")))

	bad := stateful.Session{Flow: flow.Flow{Protocol: flow.TCP}}
	d = nilEngine.Evaluate(bad)
	assert.Equal(t, flow.Indeterminate, d.Verdict)
	require.NotNil(t, d.Indeterminate)
	assert.Contains(t, d.Indeterminate.Why, "invalid session")

	d = nilEngine.Evaluate(sfApp("tcp 10.0.0.5:50000 -> 198.51.100.7:443", "t l s"))
	assert.Equal(t, flow.Indeterminate, d.Verdict)

	assert.Equal(t, "tls", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:443")))
	assert.Equal(t, "quic", stateful.DefaultAppProto(flow.MustParse("udp 10.0.0.5:50000 -> 198.51.100.7:443")))
	assert.Equal(t, "dns", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:53")))
	assert.Equal(t, "none", stateful.DefaultAppProto(flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:9999")))
	assert.Equal(t, "none", stateful.DefaultAppProto(flow.MustParse("icmp 10.0.0.5 -> 198.51.100.7")))
}

func TestCompileErrors(t *testing.T) {
	ok := sfRules("g", sfS, "pass tcp any any -> any any (sid:1;)")
	withRule := func(rule string) stateful.Config {
		return sfStrict(stateful.Defaults{}, sfG(1, sfRules("g", sfS, rule)))
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
			g := sfRules("g", sfS, "pass tcp @PL any -> any any (sid:9;)")
			g.IPSetReferences = map[string]string{"PL": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-unknown"}
			return sfStrict(stateful.Defaults{}, sfG(1, g))
		}(), sfIPSets, stateful.ErrUnresolved, "pl-unknown"},
		{"a reference without a resolver", func() stateful.Config {
			g := sfRules("g", sfS, "pass tcp @PL any -> any any (sid:9;)")
			g.IPSetReferences = map[string]string{"PL": "arn:x"}
			return sfStrict(stateful.Defaults{}, sfG(1, g))
		}(), nil, stateful.ErrUnresolved, "needs an IPSetResolver"},
		{"a group whose order differs from the policy's", sfDefault(sfG(0, ok)), nil, stateful.ErrInvalidGroup, "differs"},
		{"defaults under default order", stateful.Config{Order: sfD, HomeNet: sfHome, Defaults: stateful.Defaults{DropStrict: true}}, nil, stateful.ErrInvalidPolicy, "STRICT_ORDER"},
		{"two drop defaults", sfStrict(stateful.Defaults{DropStrict: true, DropEstablished: true}), nil, stateful.ErrInvalidPolicy, "at most one"},
		{"duplicate group priorities", sfStrict(stateful.Defaults{}, sfG(1, ok), sfG(1, sfRules("h", sfS, "pass tcp any any -> any any (sid:1;)"))), nil, stateful.ErrInvalidPolicy, "priority 1"},
		{"a zero priority under strict order", sfStrict(stateful.Defaults{}, sfG(0, ok)), nil, stateful.ErrInvalidPolicy, "priority 0"},
		{"an empty HOME_NET", stateful.Config{Order: sfS}, nil, stateful.ErrInvalidPolicy, "HOME_NET"},
		{"the priority keyword in a strict group", withRule("pass tcp any any -> any any (priority:1; sid:9;)"), nil, stateful.ErrInvalidRule, "priority keyword"},
		{"conflicting application keywords", withRule("pass tls any any -> any any (http.host; content:\"x\"; sid:9;)"), nil, stateful.ErrInvalidRule, "sid 9"},
		{"a bad flow option", withRule("pass tcp any any -> any any (flow:sideways; sid:9;)"), nil, stateful.ErrInvalidRule, "sideways"},
		{"a modifier without content", withRule("pass tls any any -> any any (tls.sni; nocase; sid:9;)"), nil, stateful.ErrInvalidRule, "nocase"},
		{"a syntax error", withRule("pass tcp any any -> any any (sid:9"), nil, suricata.ErrSyntax, ""},
		{"no rules source", sfStrict(stateful.Defaults{}, sfG(1, stateful.RuleGroup{Name: "empty", RuleOrder: sfS})), nil, stateful.ErrInvalidGroup, "exactly one"},
		{"a bad domain target", sfStrict(stateful.Defaults{}, sfG(1, stateful.RuleGroup{Name: "d", RuleOrder: sfS,
			DomainList: &stateful.DomainList{Targets: []string{"*.example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "ALLOWLIST"}})), nil, stateful.ErrInvalidGroup, "*.example.com"},
		{"a bad domain list type", sfStrict(stateful.Defaults{}, sfG(1, stateful.RuleGroup{Name: "d", RuleOrder: sfS,
			DomainList: &stateful.DomainList{Targets: []string{"example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "BLOCKLIST"}})), nil, stateful.ErrInvalidGroup, "BLOCKLIST"},
		{"duplicate sids in standard rules", sfStrict(stateful.Defaults{}, sfG(1, stateful.RuleGroup{Name: "s", RuleOrder: sfS,
			StandardRules: []stateful.StandardRule{sfStd("1"), sfStd("1")}})), nil, stateful.ErrInvalidGroup, "sid 1"},
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

func sfStd(sid string) stateful.StandardRule {
	return stateful.StandardRule{Action: flow.Pass, Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD",
		Destination: "ANY", DestinationPort: "443", Options: []suricata.Option{{Keyword: "sid", Value: sid}}}
}

func TestStandardRules(t *testing.T) {
	g := stateful.RuleGroup{Name: "std", RuleOrder: sfS, StandardRules: []stateful.StandardRule{
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
			_, err = stateful.Compile(sfStrict(stateful.Defaults{}, sfG(1, stateful.RuleGroup{Name: "bad", RuleOrder: sfS, StandardRules: []stateful.StandardRule{bad.rule}})), nil)
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
		{sfS, stateful.DomainList{Targets: []string{"www.example.com", ".example.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}},
		{sfD, stateful.DomainList{Targets: []string{".amazon.com", "Example.com"}, TargetTypes: []string{"HTTP_HOST"}, Type: "ALLOWLIST"}},
		{sfD, stateful.DomainList{Targets: []string{"evil.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "DENYLIST"}},
		{sfS, stateful.DomainList{Targets: []string{".example.net"}, TargetTypes: []string{"TLS_SNI"}, Type: "REJECTLIST"}},
		{sfS, stateful.DomainList{Targets: []string{".example.net"}, TargetTypes: []string{"HTTP_HOST"}, Type: "ALERTLIST"}},
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
	if *sfUpdate {
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
	e := stateful.MustCompile(sfStrict(stateful.Defaults{DropEstablished: true},
		sfG(1, sfRules("web", sfS, "pass tcp $HOME_NET any -> any 80 (flow:not_established; sid:1;)", "drop tcp any any -> 192.0.2.0/24 any (sid:2;)")),
		sfG(2, stateful.RuleGroup{Name: "dl", RuleOrder: sfS,
			DomainList: &stateful.DomainList{Targets: []string{".example.com"}, TargetTypes: []string{"TLS_SNI"}, Type: "ALLOWLIST"}})), nil)
	for _, s := range []stateful.Session{
		sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain WWW.example.com"),
		sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.org"),
		sfSess("tcp 10.0.0.5:50000 -> 198.51.100.7:80"),
		sfSess("udp 10.0.0.5:50000 -> 198.51.100.7:53"),
	} {
		n := testing.AllocsPerRun(100, func() { e.Evaluate(s) })
		assert.Zero(t, n, "%v", s.Flow)
	}
}
