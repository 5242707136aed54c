package stateful_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestUndetectedProtocols: AWS Network Firewall does not support
// FTP-data protocol detection nor the IKEv2 protocol (AWS, "Limitations
// and caveats for stateful rules in AWS Network Firewall"), and does not
// say it refuses a rule naming them: such a rule compiles and matches no
// session, and a session that speaks one (named, or udp/500 guessed) is
// seen to speak none, so app-layer-protocol:failed matches it (audit
// m17a, finding 2). QUIC, no longer on that list, is detected.
func TestUndetectedProtocols(t *testing.T) {
	for _, tc := range []struct {
		name, rule, flow, app string
		want                  flow.Verdict
	}{
		{"ftp-data named", "drop ftp-data any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:20000", "ftp-data", flow.Allow},
		{"ftp-data by app-layer-protocol", "drop tcp any any -> any any (app-layer-protocol:ftp-data; sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:20000", "ftp-data", flow.Allow},
		{"ikev2 named", "drop ikev2 any any -> any any (sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:500", "ike", flow.Allow},
		{"ike named", "drop ike any any -> any any (sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:4500", "ike", flow.Allow},
		{"ikev2 guessed from udp/500", "drop ikev2 any any -> any any (sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:500", "", flow.Allow},
		{"ike by app-layer-protocol", "drop udp any any -> any any (app-layer-protocol:ikev2; sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:500", "ike", flow.Allow},
		{"an ike session's detection fails", "drop udp any any -> any any (app-layer-protocol:failed; sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:500", "ike", flow.Deny},
		{"an ftp-data session is no ftp-data", "drop tcp any any -> any any (app-layer-protocol:!ftp-data; sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:20000", "ftp-data", flow.Deny},
		{"quic is detected", "drop quic any any -> any any (sid:1;)", "udp 10.0.0.5:40000 -> 10.1.0.5:443", "quic", flow.Deny},
		{"ftp is detected", "drop ftp any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:21", "ftp", flow.Deny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder, tc.rule))), nil)
			require.NoError(t, err)
			d := e.Explain(appSession(tc.flow, tc.app))
			assert.Equal(t, tc.want, d.Verdict, d.String())
		})
	}
	t.Run("DefaultAppProto guesses no ike", func(t *testing.T) {
		a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
		for _, port := range []uint16{500, 4500} {
			f := flow.Flow{Protocol: flow.UDP, Src: netip.AddrPortFrom(a, 50000), Dst: netip.AddrPortFrom(b, port)}
			assert.Equal(t, "none", stateful.DefaultAppProto(f), "udp/%d", port)
		}
	})
}

// TestAppLayerProtocolUnknownName: Suricata refuses app-layer-protocol
// with a protocol name it does not know (a typo), and with it Network
// Firewall the rule group: so does Compile, naming the rule and the name
// (audit m17a, finding 4). The names it knows, its aliases, failed and a
// negation compile.
func TestAppLayerProtocolUnknownName(t *testing.T) {
	for _, tc := range []struct {
		opt  string
		bad  string // the name the error quotes; "" when the rule compiles
		sid  string
		want string
	}{
		{"app-layer-protocol:htpp", "htpp", "sid 1", ""},
		{"app-layer-protocol:!tsl", "tsl", "sid 1", ""},
		{"app-layer-protocol:none", "none", "sid 1", ""},
		{"app-layer-protocol:tls", "", "", ""},
		{"app-layer-protocol:!tls", "", "", ""},
		{"app-layer-protocol:SSL", "", "", ""},
		{"app-layer-protocol:http1", "", "", ""},
		{"app-layer-protocol:ikev2", "", "", ""},
		{"app-layer-protocol:failed", "", "", ""},
		{"app-layer-protocol:!failed", "", "", ""},
		{"app-layer-protocol:ftp-data", "", "", ""},
	} {
		t.Run(tc.opt, func(t *testing.T) {
			rule := "drop tcp any any -> any any (" + tc.opt + "; sid:1;)"
			_, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder, rule))), nil)
			if tc.bad == "" {
				assert.NoError(t, err, rule)
				return
			}
			require.Error(t, err, rule)
			assert.ErrorIs(t, err, stateful.ErrInvalidRule, rule)
			assert.ErrorContains(t, err, tc.sid)
			assert.ErrorContains(t, err, `unknown application protocol "`+tc.bad+`"`)
		})
	}
}

// TestAppOnWrongTransport: Suricata's TLS, HTTP/1, HTTP/2 and SSH
// parsers run over TCP only, QUIC and DHCP over UDP only: a session
// naming tls over udp cannot exist, and Session.Validate refuses it
// (audit m17a, finding 3), naming the app and both transports.
func TestAppOnWrongTransport(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("10.1.0.5")
	for _, tc := range []struct {
		proto  flow.Protocol
		app    flow.App
		domain string
		ok     bool
	}{
		{flow.UDP, flow.AppTLS, "", false},
		{flow.UDP, flow.AppHTTP, "", false},
		{flow.UDP, flow.AppHTTP, "www.example.com", false},
		{flow.TCP, flow.AppQUIC, "", false},
		{flow.TCP, flow.AppDHCP, "", false},
		{flow.TCP, flow.AppSNMP, "", false}, // audit m17d, finding 1: Suricata parses SNMP over UDP only
		{flow.UDP, flow.AppSNMP, "", true},
		{flow.UDP, flow.AppQUIC, "", true},
		{flow.TCP, flow.AppDNS, "", true},
		{flow.UDP, flow.AppDNS, "", true},
	} {
		name := strings.Join([]string{tc.proto.String(), tc.app.String(), tc.domain}, " ")
		t.Run(name, func(t *testing.T) {
			s := stateful.Session{Flow: flow.Flow{Protocol: tc.proto, Src: netip.AddrPortFrom(a, 40000), Dst: netip.AddrPortFrom(b, 443), App: tc.app, Domain: tc.domain}}
			err := s.Validate()
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, flow.ErrFlow)
			assert.ErrorContains(t, err, "app "+tc.app.String()+" runs over")
			assert.ErrorContains(t, err, "not "+tc.proto.String())
		})
	}
}
