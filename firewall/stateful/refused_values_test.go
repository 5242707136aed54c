package stateful_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// refusedConfig is a strict-order policy with aws:drop_strict holding one
// group of rule, whose HTTP_PORTS is 80 and 8080, ALLP every port and
// OTHER every port but those two.
func refusedConfig(rule string) stateful.Config {
	g := rulesGroup("g", stateful.StrictOrder, rule)
	g.PortSets = map[string][]flow.PortRange{
		"HTTP_PORTS": {{Lo: 80, Hi: 80}, {Lo: 8080, Hi: 8080}},
		"ALLP":       {{Lo: 0, Hi: 65535}},
		"OTHER":      {{Lo: 0, Hi: 79}, {Lo: 81, Hi: 8079}, {Lo: 8081, Hi: 65535}},
	}
	return stateful.Config{Order: stateful.StrictOrder, Defaults: stateful.Defaults{DropStrict: true},
		HomeNet: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
		Groups:  []stateful.GroupRef{groupAt(1, g)}}
}

// TestPortsEmptiedByVariablesAreRefused: a port expression that holds no
// port once its variables are resolved is refused, as Suricata refuses it
// ("no ports left after merging ports with negated ports") and Network
// Firewall never loads the group; it was a rule that never matched, so a
// drop written that way was silently ignored. Expressions that keep a
// port compile and match as written.
func TestPortsEmptiedByVariablesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		rule, expr string
		open       string // a session the rule passes when it compiles
	}{
		{rule: "pass tcp any any -> any [$HTTP_PORTS,!80,!8080] (sid:1;)", expr: "[$HTTP_PORTS,!80,!8080]"},
		{rule: "pass tcp any any -> any [80,!$HTTP_PORTS] (sid:1;)", expr: "[80,!$HTTP_PORTS]"},
		{rule: "pass tcp any any -> any !$ALLP (sid:1;)", expr: "!$ALLP"},
		{rule: "pass tcp any !$ALLP -> any any (sid:1;)", expr: "!$ALLP"},
		{rule: "pass tcp any [!$HTTP_PORTS,!$OTHER] -> any any (sid:1;)", expr: "[!$HTTP_PORTS,!$OTHER]"},
		{rule: "pass tcp any any -> any [$HTTP_PORTS,!80] (sid:1;)", open: "tcp 10.0.1.5:50000 -> 10.0.2.7:8080"},
		{rule: "pass tcp any any -> any ![$OTHER,80] (sid:1;)", open: "tcp 10.0.1.5:50000 -> 10.0.2.7:8080"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			e, err := stateful.Compile(refusedConfig(tc.rule), nil)
			if tc.expr != "" {
				require.ErrorIs(t, err, stateful.ErrInvalidRule)
				assert.Contains(t, err.Error(), tc.expr)
				assert.Contains(t, err.Error(), "no ports left")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, flow.Allow, e.Evaluate(session(tc.open)).Verdict)
			assert.Equal(t, flow.Deny, e.Evaluate(session("tcp 10.0.1.5:50000 -> 10.0.2.7:80")).Verdict)
		})
	}
}

// TestICMPTypeAndCodeBeyondAByteAreRefused: itype and icode take one
// byte (Suricata's u8 parser refuses more); a value beyond 255 was a
// condition that never held.
func TestICMPTypeAndCodeBeyondAByteAreRefused(t *testing.T) {
	for _, tc := range []struct {
		opt     string
		refused bool
	}{
		{"itype:8;", false},
		{"itype:255;", false},
		{"itype:7<>9;", false},
		{"itype:256;", true},
		{"icode:300;", true},
		{"itype:<300;", true},
		{"icode:0<>256;", true},
	} {
		t.Run(tc.opt, func(t *testing.T) {
			_, err := stateful.Compile(refusedConfig("pass icmp any any -> any any ("+tc.opt+" sid:1;)"), nil)
			if !tc.refused {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, stateful.ErrInvalidRule)
			assert.Contains(t, err.Error(), "0 to 255")
		})
	}
}
