package stateful_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// addrCase is a rule judged against one session under a HOME_NET.
type addrCase struct {
	name    string
	home    []netip.Prefix
	d       stateful.Defaults
	rule    string
	sess    string
	verdict flow.Verdict
}

func (c addrCase) run(t *testing.T) {
	t.Helper()
	order := stateful.DefaultActionOrder
	if !c.d.IsZero() {
		order = stateful.StrictOrder
	}
	home := c.home
	if home == nil {
		home = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
	}
	cfg := stateful.Config{Order: order, Defaults: c.d, HomeNet: home,
		Groups: []stateful.GroupRef{groupAt(1, rulesGroup("g", order, c.rule))}}
	e, err := stateful.Compile(cfg, nil)
	require.NoError(t, err)
	d := e.Evaluate(session(c.sess))
	assert.Equal(t, c.verdict, d.Verdict, d.String())
}

// TestAddressNegationIsPerFamily: Suricata resolves an address expression
// one address family at a time (DetectAddressMergeNot in
// src/detect-engine-address.c adds 0.0.0.0/0 to a list whose positive side
// has no IPv4 block only when its negated side has one, and ::/0 the same
// way): "!192.0.2.0/24" is every IPv4 address but that block and no IPv6
// address, and $EXTERNAL_NET ("!$HOME_NET") of an IPv4-only HOME_NET holds
// no IPv6 address (audit suri16, finding 1).
func TestAddressNegationIsPerFamily(t *testing.T) {
	dual := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("2600:1f18:1::/56")}
	const (
		six    = "tcp [2600:1f18:1::5]:50000 -> [2001:db8::7]:443"
		six22  = "tcp [2001:db8::5]:50000 -> [2001:db8:2::7]:22"
		four   = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
		four22 = "tcp 10.0.0.5:50000 -> 198.51.100.7:22"
	)
	for _, c := range []addrCase{
		{name: "a negated IPv4 block holds no IPv6 address", home: dual, d: stateful.Defaults{DropStrict: true},
			rule: "pass tcp any any -> !192.0.2.0/24 any (sid:1;)", sess: six, verdict: flow.Deny},
		{name: "a negated IPv4 block holds the other IPv4 addresses", home: dual, d: stateful.Defaults{DropStrict: true},
			rule: "pass tcp any any -> !192.0.2.0/24 any (sid:1;)", sess: four, verdict: flow.Allow},
		{name: "a negated IPv4 list holds no IPv6 address", home: dual,
			rule: "drop ip any any -> ![10.0.0.0/8,172.16.0.0/12,192.168.0.0/16] any (sid:1;)", sess: six, verdict: flow.Allow},
		{name: "a negated IPv6 block holds no IPv4 address",
			rule: "drop tcp any any -> !2001:db8::/32 any (sid:1;)", sess: four, verdict: flow.Allow},
		{name: "EXTERNAL_NET of an IPv4-only HOME_NET holds no IPv6 address",
			rule: "drop tcp any any -> $EXTERNAL_NET 22 (sid:1;)", sess: six22, verdict: flow.Allow},
		{name: "EXTERNAL_NET of a dual-stack HOME_NET holds the IPv6 addresses outside it", home: dual,
			rule: "drop tcp any any -> $EXTERNAL_NET 22 (sid:1;)", sess: six22, verdict: flow.Deny},
		{name: "a family with only negated items gets its whole space", home: dual,
			rule: "drop tcp any any -> [!10.0.0.0/8,2001:db8:1::/48] any (sid:1;)", sess: four, verdict: flow.Deny},
		{name: "a family with only negated items next to a block of the other family", home: dual,
			rule: "drop tcp any any -> [!10.0.0.0/8,2001:db8:1::/48] any (sid:1;)", sess: six, verdict: flow.Allow},
		{name: "EXTERNAL_NET in a list with a positive block of its family",
			rule: "drop tcp any any -> [$EXTERNAL_NET,10.1.0.0/16] 22 (sid:1;)", sess: four22, verdict: flow.Allow},
		{name: "a negated EXTERNAL_NET is HOME_NET",
			rule: "drop tcp any any -> !$EXTERNAL_NET 22 (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.0.3.4:22", verdict: flow.Deny},
		{name: "a negated EXTERNAL_NET of an IPv4-only HOME_NET holds no IPv6 address",
			rule: "drop tcp any any -> !$EXTERNAL_NET 22 (sid:1;)", sess: six22, verdict: flow.Allow},
	} {
		t.Run(c.name, c.run)
	}
}

// TestNestedAddressLists: Suricata (DetectAddressParse2 in
// src/detect-engine-address.c) puts the items of a list inside a list on
// the outer list's positive and negated sides, as if written there (a
// "normal block"), but resolves a negated list on its own and puts what it
// holds on the negated side ("negated block ... First consider it as a
// normal (non-negated) range. Merge the + and - ranges if applicable.
// Then insert the result into the ghn list"). So
// "[10.0.0.0/8,[!10.1.0.0/16]]" is 10.0.0.0/8 minus 10.1.0.0/16, and
// "[10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]]" is 10.0.0.0/8 minus
// (10.1.0.0/16 minus 10.1.2.0/24): it holds 10.1.2.7. (Audit suri16,
// finding 2, read the second as 10.0.0.0/8 minus 10.1.0.0/16; the
// Suricata source says otherwise.)
func TestNestedAddressLists(t *testing.T) {
	for _, c := range []addrCase{
		{name: "a negation in an inner list takes from the outer list",
			rule: "drop tcp any any -> [10.0.0.0/8,[!10.1.0.0/16]] any (sid:1;)", sess: "tcp 198.51.100.1:50000 -> 192.0.2.1:443", verdict: flow.Allow},
		{name: "the outer list's block less the inner negation",
			rule: "drop tcp any any -> [10.0.0.0/8,[!10.1.0.0/16]] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.2.0.1:443", verdict: flow.Deny},
		{name: "the inner negation is out",
			rule: "drop tcp any any -> [10.0.0.0/8,[!10.1.0.0/16]] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.1.0.1:443", verdict: flow.Allow},
		{name: "a negated list is resolved on its own: its own negation stays in",
			rule: "drop tcp any any -> [10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.1.2.7:443", verdict: flow.Deny},
		{name: "a negated list takes out what it holds",
			rule: "drop tcp any any -> [10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.1.3.7:443", verdict: flow.Allow},
		{name: "a negated list leaves the rest of the outer list",
			rule: "drop tcp any any -> [10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.2.0.1:443", verdict: flow.Deny},
		{name: "a negated list of negations only holds its family's rest",
			rule: "drop tcp any any -> ![!10.0.0.0/8] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 10.2.0.1:443", verdict: flow.Deny},
		{name: "a negated list of negations only holds nothing else",
			rule: "drop tcp any any -> ![!10.0.0.0/8] any (sid:1;)", sess: "tcp 192.0.2.1:50000 -> 192.0.2.9:443", verdict: flow.Allow},
	} {
		t.Run(c.name, c.run)
	}
}

// TestWholeIPv4NegationIsRefused: Suricata refuses an address whose
// negated addresses cover every IPv4 address ("Complete IP space negated",
// DetectAddressMergeNot in src/detect-engine-address.c); a variable can
// bring it about, as $EXTERNAL_NET ("!$HOME_NET") does when HOME_NET holds
// every IPv4 address (audit suri16, finding 3).
func TestWholeIPv4NegationIsRefused(t *testing.T) {
	all4 := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
	halves := map[string][]netip.Prefix{"ALL4": {netip.MustParsePrefix("0.0.0.0/1"), netip.MustParsePrefix("128.0.0.0/1")}}
	for _, tt := range []struct {
		name   string
		home   []netip.Prefix
		ipsets map[string][]netip.Prefix
		rule   string
		want   string // "" compiles
	}{
		{name: "EXTERNAL_NET of a HOME_NET of every IPv4 address", home: all4,
			rule: "drop tcp any any -> $EXTERNAL_NET 22 (sid:7;)", want: `address "$EXTERNAL_NET" negates every IPv4 address`},
		{name: "EXTERNAL_NET in a list", home: all4,
			rule: "drop tcp any any -> [$EXTERNAL_NET,2001:db8::/32] 22 (sid:7;)", want: `address "[$EXTERNAL_NET,2001:db8::/32]" negates every IPv4 address`},
		{name: "a negated EXTERNAL_NET", home: all4,
			rule: "drop tcp any any -> !$EXTERNAL_NET 22 (sid:7;)", want: `negated part "!$EXTERNAL_NET" negates every IPv4 address`},
		{name: "a negated variable of every IPv4 address", ipsets: halves,
			rule: "drop tcp any any -> !$ALL4 22 (sid:7;)", want: `address "!$ALL4" negates every IPv4 address`},
		{name: "HOME_NET of every IPv4 address without EXTERNAL_NET", home: all4,
			rule: "drop tcp any any -> $HOME_NET 22 (sid:7;)"},
		{name: "a variable of every IPv4 address, not negated", ipsets: halves,
			rule: "drop tcp any any -> [$ALL4,!10.0.0.0/8] 22 (sid:7;)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			home := tt.home
			if home == nil {
				home = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
			}
			g := rulesGroup("g", stateful.DefaultActionOrder, tt.rule)
			g.IPSets = tt.ipsets
			_, err := stateful.Compile(stateful.Config{Order: stateful.DefaultActionOrder, HomeNet: home,
				Groups: []stateful.GroupRef{groupAt(1, g)}}, nil)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, stateful.ErrInvalidRule)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "sid 7")
			assert.Contains(t, err.Error(), "Complete IP space negated")
		})
	}
}
