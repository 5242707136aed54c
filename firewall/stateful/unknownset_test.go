package stateful_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// IP set references whose entries the input does not hold.

const (
	partnersARN = "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-0partners"
	partnersWhy = "IP set reference @PARTNERS (" + partnersARN + "): the input does not hold its entries"
)

// partnersUnknown resolves @PARTNERS to a set whose entries are unknown,
// and @OFFICE to 192.0.2.0/24.
var partnersUnknown = stateful.PartialIPSets{
	Known:   stateful.StaticIPSets{"arn:office": {netip.MustParsePrefix("192.0.2.0/24")}},
	Unknown: []string{partnersARN},
}

// refGroup is a RulesString group with the @PARTNERS and @OFFICE
// references.
func refGroup(name string, order stateful.RuleOrder, rules ...string) stateful.RuleGroup {
	g := rulesGroup(name, order, rules...)
	g.IPSetReferences = map[string]string{"PARTNERS": partnersARN, "OFFICE": "arn:office"}
	return g
}

func TestUnknownIPSetRules(t *testing.T) {
	strictDrop := stateful.Defaults{DropStrict: true}
	for _, tc := range []struct {
		name    string
		cfg     stateful.Config
		session stateful.Session
		want    wantDecision
	}{
		// STRICT_ORDER: an undecidable pass reached first is Indeterminate.
		{"strict: a pass to the unknown set is undecidable",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp $HOME_NET any -> @PARTNERS 443 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw", keyword: "@PARTNERS"}},
		{"strict: a port the rule excludes is unaffected",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp $HOME_NET any -> @PARTNERS 443 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}},
		{"strict: a source the rule excludes is unaffected",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp $HOME_NET any -> @PARTNERS 443 (sid:1;)"))),
			session("tcp 203.0.113.9:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}},
		{"strict: a rule before it decides first",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder,
				"drop tcp any any -> any 443 (sid:1;)", "pass tcp $HOME_NET any -> @PARTNERS 443 (sid:2;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw"}},
		{"strict: an undecidable alert decides nothing",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "alert tcp any any -> @PARTNERS any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient}},
		// Precision: an address the rest of the list decides.
		{"a listed CIDR certainly matches",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp any any -> [@PARTNERS, 203.0.113.0/24] 443 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw"}},
		{"an address outside the listed CIDR is in doubt",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp any any -> [@PARTNERS, 203.0.113.0/24] 443 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw", keyword: "@PARTNERS"}},
		{"a known set alongside is read as usual",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp any any -> [@PARTNERS, @OFFICE] 443 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 192.0.2.9:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw"}},
		// Negation: the complement of an unknown set is unknown too.
		{"!@ref is undecidable",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp any any -> !@PARTNERS any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw", keyword: "@PARTNERS"}},
		{"!@ref drops either way under aws:drop_strict",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp any any -> !@PARTNERS any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}},
		{"a negated unknown set cannot take out what the list lacks",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp $HOME_NET any -> [10.0.0.0/8, !@PARTNERS] any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient}},
		{"a negated unknown set may take out what the list holds",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp $HOME_NET any -> [10.0.0.0/8, !@PARTNERS] any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 10.9.0.1:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw", keyword: "@PARTNERS"}},
		{"a known negation takes out for certain",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp $HOME_NET any -> [@PARTNERS, !10.0.0.0/8] any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 10.9.0.1:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient}},
		{"!(list) swaps what is certain and what is possible",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp $HOME_NET any -> ![@PARTNERS, 203.0.113.0/24] any (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient}},
		// "<>": either direction may match.
		{"both ways: the reply direction in doubt",
			strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp @PARTNERS any <> $HOME_NET 22 (sid:1;)"))),
			session("tcp 10.0.0.5:22 -> 198.51.100.7:50000"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw", keyword: "@PARTNERS"}},
		// DEFAULT_ACTION_ORDER: a definite pass beats an undecidable one,
		// which beats any drop.
		{"default order: a definite pass elsewhere still wins",
			defaultOrderConfig(
				groupAt(1, refGroup("partners", stateful.DefaultActionOrder, "pass tcp any any -> @PARTNERS any (sid:1;)")),
				groupAt(2, rulesGroup("web", stateful.DefaultActionOrder, "pass tcp any any -> any 443 (sid:1;)", "drop tcp any any -> any any (sid:2;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "web"}},
		{"default order: an undecidable pass beats a definite drop",
			defaultOrderConfig(
				groupAt(1, refGroup("partners", stateful.DefaultActionOrder, "pass tcp any any -> @PARTNERS any (sid:1;)")),
				groupAt(2, rulesGroup("web", stateful.DefaultActionOrder, "pass tcp any any -> any 443 (sid:1;)", "drop tcp any any -> any any (sid:2;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "partners", keyword: "@PARTNERS"}},
		{"default order: a definite drop beats an undecidable one",
			defaultOrderConfig(
				groupAt(1, refGroup("partners", stateful.DefaultActionOrder, "drop tcp any any -> @PARTNERS any (sid:1;)")),
				groupAt(2, rulesGroup("ssh", stateful.DefaultActionOrder, "drop tcp any any -> any 22 (sid:1;)"))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:22"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "ssh"}},
		// An undecidable option and an unknown set: the reason is what is
		// in doubt at the packet.
		{"content with a certain address names the option",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, `drop tcp any any -> [@PARTNERS, 203.0.113.0/24] any (content:"x"; sid:1;)`))),
			session("tcp 10.0.0.5:50000 -> 203.0.113.9:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.DataToServer, action: "drop", sid: 1, group: "fw", keyword: "content"}},
		{"content with an address in doubt names the set",
			strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, `drop tcp any any -> [@PARTNERS, 203.0.113.0/24] any (content:"x"; sid:1;)`))),
			session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.DataToServer, action: "drop", sid: 1, group: "fw", keyword: "@PARTNERS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, partnersUnknown)
			require.NoError(t, err)
			d := checkDecision(t, e, tc.session, tc.want)
			if tc.want.keyword == "@PARTNERS" {
				require.NotNil(t, d.Indeterminate)
				assert.Equal(t, partnersWhy, d.Indeterminate.Why)
				assert.Contains(t, d.String(), partnersWhy, "the one-line decision names the set and what is missing")
			}
		})
	}
}

// TestUnknownIPSetExplain: the trace lists the rule as might-match with
// the set's reason, and the skipped list says why it did not decide.
func TestUnknownIPSetExplain(t *testing.T) {
	cfg := defaultOrderConfig(groupAt(1, refGroup("fw", stateful.DefaultActionOrder,
		"pass tcp any any -> @PARTNERS any (sid:1;)", "pass tcp any any -> any 443 (sid:2;)")))
	e := stateful.MustCompile(cfg, partnersUnknown)
	d := e.Explain(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
	require.Equal(t, flow.Allow, d.Verdict, d.String())
	require.NotEmpty(t, d.Stages)
	st := d.Stages[0]
	require.Len(t, st.Unknown, 1)
	assert.Equal(t, "@PARTNERS", st.Unknown[0].Keyword)
	assert.Equal(t, "pass sid 1 (group fw) at open-request: "+partnersWhy, st.Unknown[0].String())
	require.NotEmpty(t, d.Skipped)
	assert.Equal(t, "might match: "+partnersWhy, d.Skipped[0].Reason)
}

// TestUnknownIPSetSeveral: a rule with two unknown sets names both.
func TestUnknownIPSetSeveral(t *testing.T) {
	g := refGroup("fw", stateful.StrictOrder, "drop tcp @OTHER any -> @PARTNERS any (sid:1;)")
	g.IPSetReferences["OTHER"] = "arn:other"
	res := stateful.PartialIPSets{Unknown: []string{partnersARN, "arn:other"}}
	e := stateful.MustCompile(strictConfig(stateful.Defaults{}, groupAt(1, g)), res)
	d := e.Evaluate(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
	require.Equal(t, flow.Indeterminate, d.Verdict)
	assert.Equal(t, "@OTHER", d.Indeterminate.Keyword, "the first set as written")
	assert.Equal(t, "IP set references @OTHER (arn:other), @PARTNERS ("+partnersARN+"): the input does not hold their entries", d.Indeterminate.Why)
}

// TestUnknownIPSetErrors: the resolver's error wraps ErrIPSetUnknown for
// every other caller, Compile accepts any error that does, and an ARN
// the resolver does not know at all is still ErrUnresolved.
func TestUnknownIPSetErrors(t *testing.T) {
	_, err := partnersUnknown.IPSet(partnersARN)
	require.ErrorIs(t, err, stateful.ErrIPSetUnknown)
	assert.NotErrorIs(t, err, stateful.ErrUnresolved)
	var u *stateful.UnknownIPSet
	require.ErrorAs(t, err, &u)
	assert.Equal(t, partnersARN, u.ARN)
	assert.Contains(t, err.Error(), partnersARN)

	ps, err := partnersUnknown.IPSet("arn:office")
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, ps)

	_, err = partnersUnknown.IPSet("arn:nobody")
	require.ErrorIs(t, err, stateful.ErrUnresolved)
	assert.NotErrorIs(t, err, stateful.ErrIPSetUnknown)

	cfg := strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp any any -> @PARTNERS any (sid:1;)")))
	wrapped := resolverFunc(func(arn string) ([]netip.Prefix, error) {
		return nil, fmt.Errorf("prefix list %s: %w", arn, stateful.ErrIPSetUnknown)
	})
	e, err := stateful.Compile(cfg, wrapped)
	require.NoError(t, err, "an error wrapping ErrIPSetUnknown is accepted")
	assert.Equal(t, flow.Indeterminate, e.Evaluate(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")).Verdict)

	_, err = stateful.Compile(cfg, stateful.PartialIPSets{})
	require.ErrorIs(t, err, stateful.ErrUnresolved, "a set the resolver does not know is still an error")
	assert.Contains(t, err.Error(), "@PARTNERS")
}

type resolverFunc func(string) ([]netip.Prefix, error)

func (f resolverFunc) IPSet(arn string) ([]netip.Prefix, error) { return f(arn) }

// TestUnknownIPSetHidesNothing: a rule whose addresses are in doubt is not
// certain, so it hides no later rule.
func TestUnknownIPSetHidesNothing(t *testing.T) {
	for _, rules := range [][]string{
		{"drop ip any any -> @PARTNERS any (sid:1;)", "drop tcp any any -> 198.51.100.0/24 80 (sid:2;)"},
		{"drop ip any any -> [@PARTNERS, 0.0.0.0/0] any (sid:1;)", "drop tcp any any -> ::/0 80 (sid:2;)"},
	} {
		e := stateful.MustCompile(strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, rules...))), partnersUnknown)
		assert.Empty(t, e.Hidden(), "%v", rules)
	}
	// A rule in doubt can itself be hidden: its possible addresses are
	// covered.
	e := stateful.MustCompile(strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder,
		"drop ip any any -> any any (sid:1;)", "pass tcp any any -> @PARTNERS 80 (sid:2;)"))), partnersUnknown)
	require.Len(t, e.Hidden(), 1)
	assert.Equal(t, 2, e.Hidden()[0].Sid)
}

// TestUnknownIPSetOfOneFamily: a set whose entries are unknown but whose
// address family is known (a managed prefix list's AddressFamily) holds
// no address of the other family: a rule by it decides as usual there,
// negated or not, and stays undecidable for addresses of its family.
func TestUnknownIPSetOfOneFamily(t *testing.T) {
	strictDrop := stateful.Defaults{DropStrict: true}
	v4 := stateful.PartialIPSets{Unknown: []string{partnersARN}, Families: map[string]string{partnersARN: stateful.FamilyIPv4}}
	v6 := stateful.PartialIPSets{Unknown: []string{partnersARN}, Families: map[string]string{partnersARN: stateful.FamilyIPv6}}
	const (
		to4 = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
		to6 = "tcp [2001:db8::5]:50000 -> [2001:db8:1::7]:443"
	)
	pass := strictConfig(strictDrop, groupAt(1, refGroup("fw", stateful.StrictOrder, "pass tcp any any -> @PARTNERS 443 (sid:1;)")))
	drop := strictConfig(stateful.Defaults{}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp any any -> !@PARTNERS any (sid:1;)")))
	undecided := wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw", keyword: "@PARTNERS"}
	for _, tc := range []struct {
		name    string
		cfg     stateful.Config
		res     stateful.PartialIPSets
		session stateful.Session
		want    wantDecision
	}{
		{"an IPv4 set, an IPv4 address: undecidable", pass, v4, session(to4), undecided},
		{"an IPv4 set, an IPv6 address: certainly not in it", pass, v4, session(to6), wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}},
		{"an IPv6 set, an IPv6 address: undecidable", pass, v6, session(to6), undecided},
		{"an IPv6 set, an IPv4 address: certainly not in it", pass, v6, session(to4), wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}},
		// Suricata negates per address family: !@ref of an IPv4 set holds
		// no IPv6 address.
		{"!@ref of an IPv4 set certainly holds no IPv6 address", drop, v4, session(to6), wantDecision{verdict: flow.Allow, stage: stateful.DataToClient}},
		{"!@ref of an IPv4 set is undecidable for an IPv4 address", drop, v4, session(to4),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw", keyword: "@PARTNERS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, tc.res)
			require.NoError(t, err)
			checkDecision(t, e, tc.session, tc.want)
		})
	}
	t.Run("the resolver's answer says the family", func(t *testing.T) {
		_, err := v4.IPSet(partnersARN)
		var u *stateful.UnknownIPSet
		require.ErrorAs(t, err, &u)
		assert.Equal(t, stateful.FamilyIPv4, u.Family)
	})
	t.Run("another family is an error", func(t *testing.T) {
		_, err := stateful.Compile(pass, stateful.PartialIPSets{Unknown: []string{partnersARN}, Families: map[string]string{partnersARN: "v4"}})
		require.ErrorIs(t, err, stateful.ErrUnresolved)
		assert.ErrorContains(t, err, `address family "v4" is neither IPv4 nor IPv6`)
	})
}
