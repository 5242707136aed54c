package stateful_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// An undecidable rule decides nothing when every way it could go gives the
// same answer: the verdict is certain, and Undecided names the rules.
func TestUndecidableRulesThatDoNotMatter(t *testing.T) {
	geoPass := "pass tcp any any -> any any (geoip:src,US; sid:1;)"
	geoDrop := "drop tcp any any -> any any (geoip:src,US; sid:1;)"
	undecidableDrops := func(n int) []string {
		var rs []string
		for i := range n {
			rs = append(rs, "drop tcp any any -> any any (geoip:src,C"+string(rune('A'+i))+"; sid:"+string(rune('1'+i))+";)")
		}
		return rs
	}
	tcp := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	for _, tc := range []struct {
		name    string
		cfg     stateful.Config
		session stateful.Session
		want    wantDecision
		// undecided lists "sid N at STAGE" of Decision.Undecided; nil
		// for none.
		undecided []string
	}{
		{"strict, no default: a lone undecidable pass passes either way",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, geoPass))), tcp,
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient},
			[]string{"sid 1 at open-request", "sid 1 at open-reply", "sid 1 at data-to-server", "sid 1 at data-to-client"}},
		{"strict, aws:drop_strict: a lone undecidable drop drops either way",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, geoDrop))), tcp,
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict},
			[]string{"sid 1 at open-request"}},
		{"default order: a lone undecidable pass, no drop, passes either way",
			defaultOrderConfig(groupAt(1, rulesGroup("fw", stateful.DefaultActionOrder, geoPass))), tcp,
			wantDecision{verdict: flow.Allow, stage: stateful.DataToClient},
			[]string{"sid 1 at open-request", "sid 1 at open-reply", "sid 1 at data-to-server", "sid 1 at data-to-client"}},
		{"default order: an undecidable drop behind a definite pass decides nothing, as before",
			defaultOrderConfig(groupAt(1, rulesGroup("fw", stateful.DefaultActionOrder, geoDrop, "pass tcp any any -> any 443 (sid:2;)"))), tcp,
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 2, group: "fw"}, nil},
		{"strict, no default: a lone undecidable drop matters",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, geoDrop))), tcp,
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw", keyword: "geoip"}, nil},
		{"default order: an undecidable pass before a definite drop matters",
			defaultOrderConfig(groupAt(1, rulesGroup("fw", stateful.DefaultActionOrder, geoPass, "drop tcp any any -> any any (sid:2;)"))), tcp,
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "fw", keyword: "geoip"}, nil},
		// A deny lands on the direction of its stage: the same verdict on
		// another direction is another answer.
		{"strict: a deny on the request in one world, on the reply in the other",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				`drop tcp any any -> any any (flow:to_server; content:"x"; sid:1;)`,
				"drop tcp any any -> any any (flow:to_client, established; sid:2;)"))), tcp,
			wantDecision{verdict: flow.Indeterminate, stage: stateful.DataToServer, action: "drop", sid: 1, group: "fw", keyword: "content"}, nil},
		{"strict, aws:drop_established: dropped on the request at one stage or another",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				"drop tcp any any -> any any (geoip:dst,RU; flow:to_server; sid:1;)"))), tcp,
			wantDecision{verdict: flow.Deny, stage: stateful.DataToServer, action: stateful.DefaultDropEstablished},
			[]string{"sid 1 at open-request", "sid 1 at data-to-server"}},
		// Payload keywords never match a SYN: the rule is not met there.
		{"strict, aws:drop_strict: a payload rule is not undecidable at the SYN",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				`pass tcp any any -> any any (content:"GET"; sid:1;)`))), tcp,
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict}, nil},
		{"strict, aws:drop_established: a payload pass matters at the first data packet",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				`pass tcp any any -> any any (content:"GET"; sid:1;)`))), tcp,
			wantDecision{verdict: flow.Indeterminate, stage: stateful.DataToServer, action: "pass", sid: 1, group: "fw", keyword: "content"}, nil},
		// An IP set whose entries are unknown is one more undecidable rule.
		{"strict, aws:drop_strict: a drop to an unknown IP set drops either way",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, refGroup("fw", stateful.StrictOrder, "drop tcp any any -> @PARTNERS any (sid:1;)"))), tcp,
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict},
			[]string{"sid 1 at open-request"}},
		// The bound: up to six undecidable rules (64 worlds) are tried.
		{"six undecidable drops under aws:drop_strict: 64 worlds, all deny",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, undecidableDrops(6)...))), tcp,
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: stateful.DefaultDropStrict},
			[]string{"sid 1 at open-request", "sid 2 at open-request", "sid 3 at open-request", "sid 4 at open-request", "sid 5 at open-request", "sid 6 at open-request"}},
		{"seven undecidable drops: too many worlds, the first stays undecidable",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, undecidableDrops(7)...))), tcp,
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "drop", sid: 1, group: "fw", keyword: "geoip"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, partnersUnknown)
			require.NoError(t, err)
			d := checkDecision(t, e, tc.session, tc.want)
			var got []string
			for _, u := range d.Undecided {
				got = append(got, "sid "+string(rune('0'+u.Sid))+" at "+u.Stage.String())
			}
			assert.Equal(t, tc.undecided, got, d.String())
			v, st := e.Verdict(tc.session)
			assert.Equal(t, d.Verdict, v, "Verdict agrees with Evaluate")
			assert.Equal(t, d.Stage, st, "Verdict agrees with Evaluate")
			if d.Undecided != nil {
				assert.Nil(t, d.Indeterminate, d.String())
				assert.Contains(t, d.String(), "; the same whether or not these undecidable rules match: "+d.Undecided[0].String())
			}
		})
	}
}

// TestUndecidableRulesExplain: the trace of a verdict certain in every
// world lists the undecidable rule as might-match, and says it does not
// change the verdict.
func TestUndecidableRulesExplain(t *testing.T) {
	e := stateful.MustCompile(strictConfig(stateful.Defaults{DropStrict: true},
		groupAt(1, rulesGroup("fw", stateful.StrictOrder, "drop tcp any any -> any any (geoip:src,US; sid:1;)"))), nil)
	d := e.Explain(session("tcp 10.0.0.5:50000 -> 198.51.100.7:443"))
	require.Equal(t, flow.Deny, d.Verdict, d.String())
	require.Len(t, d.Stages, 1)
	st := d.Stages[0]
	require.Len(t, st.Unknown, 1)
	assert.Equal(t, 1, st.Unknown[0].Sid)
	assert.Equal(t, "geoip", st.Unknown[0].Keyword)
	assert.Equal(t, stateful.DefaultDropStrict, st.Outcome)
	require.Len(t, d.Skipped, 1)
	assert.Regexp(t, `^might match \(.*geoip.*\), but the verdict is the same whether it matches or not$`, d.Skipped[0].Reason)
	assert.Equal(t, `deny at open-request: default action aws:drop_strict; the same whether or not these undecidable rules match: `+
		`drop sid 1 (group fw) at open-request: `+d.Undecided[0].Why, d.String())
}

// TestUndecidableRulesAllocate: the common case (no undecidable rule met)
// allocates nothing, and Verdict allocates no more than the reason of
// the first evaluation when worlds decide.
func TestUndecidableRulesAllocate(t *testing.T) {
	e := stateful.MustCompile(strictConfig(stateful.Defaults{DropStrict: true},
		groupAt(1, rulesGroup("fw", stateful.StrictOrder, "pass tcp any any -> any 22 (sid:2;)", "drop tcp any any -> any any (geoip:src,US; sid:1;)"))), nil)
	common := session("tcp 10.0.0.5:50000 -> 198.51.100.7:22")
	assert.Zero(t, testing.AllocsPerRun(50, func() { e.Evaluate(common) }))
	s := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	v, _ := e.Verdict(s)
	require.Equal(t, flow.Deny, v)
	assert.LessOrEqual(t, testing.AllocsPerRun(50, func() { e.Verdict(s) }), 1.0)
}

// TestIndeterminateLegsWhenWorldsDisagree: when the worlds disagree, the
// Indeterminate verdict lands on every direction some world denies, and a
// direction every world allows is allowed; past the bound on worlds, on
// every direction judged.
func TestIndeterminateLegsWhenWorldsDisagree(t *testing.T) {
	tcp := session("tcp 10.0.0.5:50000 -> 198.51.100.7:443")
	requestOnly := tcp
	requestOnly.ForwardSeen = true
	drops := make([]string, 7)
	for i := range drops {
		drops[i] = "drop tcp any any -> any any (geoip:src,C" + string(rune('A'+i)) + "; sid:" + string(rune('1'+i)) + ";)"
	}
	for _, tc := range []struct {
		name               string
		cfg                stateful.Config
		session            stateful.Session
		stage              stateful.Stage
		toServer, toClient flow.Verdict
	}{
		// sid 1 (a rule of flow scope that meets the reply only)
		// matching at the SYN-ACK passes the connection; not matching,
		// the client's first data packet is dropped.
		{"aws:drop_established: a pass undecidable at the reply decides the request",
			strictConfig(stateful.Defaults{DropEstablished: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				"pass tcp any any -> 10.0.0.0/8 any (geoip:src,US; sid:1;)"))), tcp,
			stateful.OpenReply, flow.Indeterminate, flow.Allow},
		{"a drop undecidable at the request only",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				"drop tcp any any -> any any (flow:to_server; geoip:src,US; sid:1;)"))), tcp,
			stateful.OpenRequest, flow.Indeterminate, flow.Allow},
		{"dropped on the request in one world, on the reply in another",
			strictConfig(stateful.Defaults{}, groupAt(1, rulesGroup("fw", stateful.StrictOrder,
				`drop tcp any any -> any any (flow:to_server; content:"x"; sid:1;)`,
				"drop tcp any any -> any any (flow:to_client, established; sid:2;)"))), tcp,
			stateful.DataToServer, flow.Indeterminate, flow.Indeterminate},
		{"too many worlds: every direction judged",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, drops...))), tcp,
			stateful.OpenRequest, flow.Indeterminate, flow.Indeterminate},
		{"too many worlds, the request alone seen: the request alone",
			strictConfig(stateful.Defaults{DropStrict: true}, groupAt(1, rulesGroup("fw", stateful.StrictOrder, drops...))), requestOnly,
			stateful.OpenRequest, flow.Indeterminate, flow.Allow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, nil)
			require.NoError(t, err)
			for _, d := range []stateful.Decision{e.Evaluate(tc.session), e.Explain(tc.session)} {
				require.Equal(t, flow.Indeterminate, d.Verdict, d.String())
				assert.Equal(t, tc.stage, d.Stage, d.String())
				assert.Equal(t, tc.toServer, d.VerdictOn(true), d.String())
				assert.Equal(t, tc.toClient, d.VerdictOn(false), d.String())
			}
			ts, tcl := e.Verdicts(tc.session)
			assert.Equal(t, tc.toServer, ts, "Verdicts agrees with Evaluate")
			assert.Equal(t, tc.toClient, tcl, "Verdicts agrees with Evaluate")
		})
	}
}
