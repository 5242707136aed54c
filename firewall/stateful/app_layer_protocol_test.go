package stateful_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestAppLayerProtocolRefused: Suricata refuses these app-layer-protocol
// uses, and with them Network Firewall the rule group; so does Compile,
// naming the rule's sid and the offending text (audit m17d, finding 2).
// Sources: src/detect-app-layer-protocol.c of Suricata 7.0, which AWS
// runs: DetectAppLayerProtocolParse knows no protocol "unknown" (only
// Suricata 8 adds it, and refuses it negated) and refuses a mode other
// than direction, final, original, either, to_server and to_client;
// DetectAppLayerProtocolSetup refuses the keyword in a rule that already
// has an application protocol (unit tests 06 and 07); HasConflicts
// refuses a positive value beside another value of the same mode, a
// negated beside a positive one (tests 08, 09, 10) and a repeated one.
// Two negated values (test 05), values of different modes and a mode
// Suricata knows compile.
func TestAppLayerProtocolRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule string
		bad  string // text the error quotes; "" when the rule compiles
	}{
		{"negated unknown", "drop tcp any any -> any any (app-layer-protocol:!unknown; sid:1;)", "app-layer-protocol:!unknown"},
		{"unknown, not in Suricata 7", "drop tcp any any -> any any (app-layer-protocol:unknown; sid:1;)", "app-layer-protocol:unknown"},
		{"header protocol then a value (test 06)", "drop http any any -> any any (app-layer-protocol:smtp; sid:1;)", "app-layer-protocol:smtp"},
		{"header protocol then a negated value (test 07)", "drop http any any -> any any (app-layer-protocol:!smtp; sid:1;)", "app-layer-protocol:!smtp"},
		{"header protocol then the same one", "drop tls any any -> any any (app-layer-protocol:tls; sid:1;)", "app-layer-protocol:tls"},
		{"a sticky buffer then a value", `drop tcp any any -> any any (tls.sni; content:"a.example"; app-layer-protocol:tls; sid:1;)`, "app-layer-protocol:tls"},
		{"negated then positive (test 08)", "drop tcp any any -> any any (app-layer-protocol:!smtp; app-layer-protocol:http; sid:1;)", "app-layer-protocol:http"},
		{"positive then negated (test 09)", "drop tcp any any -> any any (app-layer-protocol:http; app-layer-protocol:!smtp; sid:1;)", "app-layer-protocol:!smtp"},
		{"two positive", "drop tcp any any -> any any (app-layer-protocol:http; app-layer-protocol:smtp; sid:1;)", "app-layer-protocol:smtp"},
		{"failed beside a positive", "drop tcp any any -> any any (app-layer-protocol:failed; app-layer-protocol:tls; sid:1;)", "app-layer-protocol:tls"},
		{"a negated value twice", "drop tcp any any -> any any (app-layer-protocol:!tls; app-layer-protocol:!ssl; sid:1;)", "app-layer-protocol:!ssl"},
		{"unknown mode", "drop tcp any any -> any any (app-layer-protocol:tls,bogus; sid:1;)", "app-layer-protocol:tls,bogus"},
		{"empty mode", "drop tcp any any -> any any (app-layer-protocol:tls,; sid:1;)", "app-layer-protocol:tls,"},
		{"two negated (test 05)", "drop tcp any any -> any any (app-layer-protocol:!http; app-layer-protocol:!smtp; sid:1;)", ""},
		{"a known mode", "drop tcp any any -> any any (app-layer-protocol:tls,final; sid:1;)", ""},
		{"each mode", "drop tcp any any -> any any (app-layer-protocol:tls,direction; app-layer-protocol:tls,to_server; app-layer-protocol:tls,to_client; app-layer-protocol:tls,either; app-layer-protocol:tls,original; sid:1;)", ""},
		{"a value, then a sticky buffer of it", `drop tcp any any -> any any (app-layer-protocol:tls; tls.sni; content:"a.example"; sid:1;)`, ""},
		{"a negated value and failed", "drop tcp any any -> any any (app-layer-protocol:!tls; app-layer-protocol:!failed; sid:1;)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder, tc.rule))), nil)
			if tc.bad == "" {
				assert.NoError(t, err, tc.rule)
				return
			}
			require.Error(t, err, tc.rule)
			assert.ErrorIs(t, err, stateful.ErrInvalidRule, tc.rule)
			assert.ErrorContains(t, err, "sid 1")
			assert.ErrorContains(t, err, tc.bad)
		})
	}
}

// TestAppLayerProtocolUnknownNotMatching: before, app-layer-protocol:
// !unknown compiled and then dropped every session (audit m17d, finding
// 2); it is refused now, so no session is judged by it.
func TestAppLayerProtocolUnknownNotMatching(t *testing.T) {
	_, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder,
		"drop tcp any any -> any any (app-layer-protocol:!unknown; sid:1;)"))), nil)
	require.ErrorIs(t, err, stateful.ErrInvalidRule)
	assert.ErrorContains(t, err, "negat")
}

// TestDCERPCRuleMatchesSMB: a rule for dcerpc (its protocol, or
// app-layer-protocol:dcerpc) also matches a session speaking SMB, as
// Suricata's AppProtoEquals (src/app-layer-protos.h) lets a signature's
// ALPROTO_DCERPC match a flow's ALPROTO_SMB: DCERPC over SMB (audit m17d,
// finding 3). An smb rule does not match a dcerpc session.
func TestDCERPCRuleMatchesSMB(t *testing.T) {
	for _, tc := range []struct {
		name, rule, flow, app string
		want                  flow.Verdict
	}{
		{"dcerpc rule, smb session", "drop dcerpc any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:445", "smb", flow.Deny},
		{"dcerpc rule, smb guessed from tcp/445", "drop dcerpc any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:445", "", flow.Deny},
		{"dcerpc rule, dcerpc session", "drop dcerpc any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:135", "", flow.Deny},
		{"app-layer-protocol:dcerpc, smb session", "drop tcp any any -> any any (app-layer-protocol:dcerpc; sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:445", "smb", flow.Deny},
		{"app-layer-protocol:!dcerpc, smb session", "drop tcp any any -> any any (app-layer-protocol:!dcerpc; sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:445", "smb", flow.Allow},
		{"smb rule, dcerpc session", "drop smb any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:135", "dcerpc", flow.Allow},
		{"dcerpc rule, tls session", "drop dcerpc any any -> any any (sid:1;)", "tcp 10.0.0.5:40000 -> 10.1.0.5:443", "", flow.Allow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder, tc.rule))), nil)
			require.NoError(t, err)
			d := e.Explain(appSession(tc.flow, tc.app))
			assert.Equal(t, tc.want, d.Verdict, d.String())
		})
	}
}

// TestAppLayerProtocolHTTP1: app-layer-protocol:http1 names HTTP/1 only
// (Suricata's ALPROTO_HTTP1; only the signature protocol http matches
// both versions, AppProtoEquals), so it does not match an HTTP/2 session.
func TestAppLayerProtocolHTTP1(t *testing.T) {
	for _, tc := range []struct {
		opt, app string
		want     flow.Verdict
	}{
		{"app-layer-protocol:http1", "http", flow.Deny},
		{"app-layer-protocol:http1", "http2", flow.Allow},
		{"app-layer-protocol:http", "http2", flow.Deny},
		{"app-layer-protocol:!http1", "http2", flow.Deny},
	} {
		t.Run(tc.opt+" "+tc.app, func(t *testing.T) {
			rule := "drop tcp any any -> any any (" + tc.opt + "; sid:1;)"
			e, err := stateful.Compile(defaultOrderConfig(groupAt(1, rulesGroup("g", stateful.DefaultActionOrder, rule))), nil)
			require.NoError(t, err)
			d := e.Explain(appSession("tcp 10.0.0.5:40000 -> 10.1.0.5:8080", tc.app))
			assert.Equal(t, tc.want, d.Verdict, d.String())
		})
	}
}
