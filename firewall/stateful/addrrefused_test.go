package stateful_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// Addresses Suricata refuses once their variables are resolved.

// unknown4ARN is an IPv4 IP set whose entries the input does not hold.
const unknown4ARN = "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-0unknown4"

// refusedResolver resolves @U4 (IPv4, entries unknown) and @U6 (IPv6,
// entries unknown).
var refusedResolver = stateful.PartialIPSets{
	Unknown:  []string{unknown4ARN, "arn:u6"},
	Families: map[string]string{unknown4ARN: stateful.FamilyIPv4, "arn:u6": stateful.FamilyIPv6},
}

// TestEmptyAfterVariablesIsRefused: Suricata refuses an address that holds
// nothing once resolved, whether the whole address or a negated part of
// it, which DetectAddressParse2 (src/detect-engine-address.c) merges on
// its own with DetectAddressMergeNot ("no addresses left after merging
// addresses and negated addresses"); such a rule is never loaded. The
// parser refuses the literal forms; Compile refuses those a variable or
// an IP set reference brings about, as it refuses "Complete IP space
// negated" (audit fwm16, finding 1). Before, the empty negated part took
// nothing out, and "[10.0.0.0/8,![$X,!10.0.0.0/16]]" matched all of
// 10.0.0.0/8: a certain Deny from a rule Suricata never loads.
func TestEmptyAfterVariablesIsRefused(t *testing.T) {
	x16 := map[string][]netip.Prefix{"X": {netip.MustParsePrefix("10.0.0.0/16")}}
	for _, tt := range []struct {
		name   string
		ipsets map[string][]netip.Prefix
		home   []netip.Prefix
		rule   string
		want   string // "" compiles
	}{
		{name: "a negated part empty through a group variable", ipsets: x16,
			rule: "drop tcp any any -> [10.0.0.0/8,![$X,!10.0.0.0/16]] any (sid:1;)",
			want: `negated part "![$X,!10.0.0.0/16]" holds no address once its variables are resolved`},
		{name: "a negated part empty through HOME_NET", home: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
			rule: "drop tcp any any -> [10.0.0.0/8,![$HOME_NET,!10.0.0.0/16]] any (sid:1;)",
			want: `negated part "![$HOME_NET,!10.0.0.0/16]" holds no address`},
		{name: "a negated part empty through EXTERNAL_NET", home: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
			rule: "drop tcp any any -> [10.0.0.0/8,![192.0.2.0/24,!$EXTERNAL_NET]] any (sid:1;)",
			want: `negated part "![192.0.2.0/24,!$EXTERNAL_NET]" holds no address`},
		{name: "a whole address empty through a group variable", ipsets: x16,
			rule: "drop tcp any any -> [$X,!10.0.0.0/8] any (sid:1;)",
			want: `address "[$X,!10.0.0.0/8]" holds no address`},
		{name: "a whole source address empty", ipsets: x16,
			rule: "drop tcp [$X,!$X] any -> any any (sid:1;)",
			want: `address "[$X,!$X]" holds no address`},
		{name: "empty whatever the unknown entries of an IPv6 set",
			rule: "drop tcp any any -> [@U6,!::/0] any (sid:1;)",
			want: `address "[@U6,!::/0]" holds no address`},
		{name: "a negated part left with one family", ipsets: x16,
			rule: "drop tcp any any -> [10.0.0.0/8,![$X,!10.0.0.0/16,2001:db8::/32]] any (sid:1;)"},
		{name: "a whole address left with one family", ipsets: x16,
			rule: "drop tcp any any -> [$X,!10.0.0.0/8,2001:db8::/32] any (sid:1;)"},
		// kept: only some entries of @U4 (those within 10.0.0.0/16) leave the
		// negated part empty (a stated limit: see the package doc)
		{name: "empty only for some entries of an unknown set",
			rule: "drop tcp any any -> [10.0.0.0/8,![@U4,!10.0.0.0/16]] any (sid:1;)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			home := tt.home
			if home == nil {
				home = []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")}
			}
			g := rulesGroup("g", stateful.DefaultActionOrder, tt.rule)
			g.IPSets = tt.ipsets
			g.IPSetReferences = map[string]string{"U4": unknown4ARN, "U6": "arn:u6"}
			e, err := stateful.Compile(stateful.Config{Order: stateful.DefaultActionOrder, HomeNet: home,
				Groups: []stateful.GroupRef{groupAt(1, g)}}, refusedResolver)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			if err == nil {
				d := e.Evaluate(session("tcp 192.0.2.1:50000 -> 10.2.0.1:443"))
				assert.Equal(t, flow.Allow, d.Verdict, "a rule Suricata refuses decides nothing: %s", d.String())
			}
			require.ErrorIs(t, err, stateful.ErrInvalidRule, "Suricata refuses the address once its variables are resolved")
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "sid 1")
			assert.Contains(t, err.Error(), "no addresses left after merging addresses and negated addresses")
		})
	}
}
