package stateful_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// Rule groups whose rules the input cannot hold (an AWS managed group).

const (
	managedARN = "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder"
	managedWhy = "the rules of AWS managed rule group " + managedARN + ", which AWS does not publish"
)

func opaqueGroup(order stateful.RuleOrder) stateful.RuleGroup {
	return stateful.RuleGroup{ARN: managedARN, RuleOrder: order, Opaque: managedWhy}
}

func TestOpaqueGroup(t *testing.T) {
	strictDrop := stateful.Defaults{DropEstablished: true}
	web := func(order stateful.RuleOrder) stateful.RuleGroup {
		return rulesGroup("web", order, "pass tcp any any -> $HOME_NET 443 (sid:1;)", "drop tcp any any -> $HOME_NET 22 (sid:2;)")
	}
	toAlert := func(g stateful.GroupRef) stateful.GroupRef { g.DropToAlert = true; return g }
	for _, tc := range []struct {
		name    string
		cfg     stateful.Config
		session stateful.Session
		want    wantDecision
	}{
		{"strict: alone, it may pass or drop anything",
			strictConfig(stateful.Defaults{}, groupAt(1, opaqueGroup(stateful.StrictOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"strict: an earlier group's pass decides first",
			strictConfig(strictDrop, groupAt(1, web(stateful.StrictOrder)), groupAt(2, opaqueGroup(stateful.StrictOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "web"}},
		{"strict: an earlier group's drop decides first",
			strictConfig(strictDrop, groupAt(1, web(stateful.StrictOrder)), groupAt(2, opaqueGroup(stateful.StrictOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:22"),
			wantDecision{verdict: flow.Deny, stage: stateful.OpenRequest, action: "drop", sid: 2, group: "web"}},
		{"strict: what the earlier group leaves is in doubt",
			strictConfig(strictDrop, groupAt(1, web(stateful.StrictOrder)), groupAt(2, opaqueGroup(stateful.StrictOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:8080"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"strict: before the group that would pass, it may drop",
			strictConfig(strictDrop, groupAt(1, opaqueGroup(stateful.StrictOrder)), groupAt(2, web(stateful.StrictOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:443"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"strict, DROP_TO_ALERT: it may only pass, and nothing else drops",
			strictConfig(stateful.Defaults{}, toAlert(groupAt(1, opaqueGroup(stateful.StrictOrder)))),
			session("icmp 198.51.100.7 -> 10.0.0.5 type 8 code 0"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenReply}},
		{"strict, DROP_TO_ALERT: its pass may spare what the drop default drops",
			strictConfig(stateful.Defaults{DropStrict: true}, toAlert(groupAt(1, opaqueGroup(stateful.StrictOrder)))),
			session("icmp 198.51.100.7 -> 10.0.0.5 type 8 code 0"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"default order: its pass may beat a definite drop",
			defaultOrderConfig(groupAt(1, web(stateful.DefaultActionOrder)), groupAt(2, opaqueGroup(stateful.DefaultActionOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:22"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"default order: its drop may beat what nothing decides",
			defaultOrderConfig(groupAt(1, web(stateful.DefaultActionOrder)), groupAt(2, opaqueGroup(stateful.DefaultActionOrder))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:8080"),
			wantDecision{verdict: flow.Indeterminate, stage: stateful.OpenRequest, action: "pass", sid: 1, group: managedARN, keyword: stateful.UnknownOpaqueGroup}},
		{"default order, DROP_TO_ALERT: a definite pass stands",
			defaultOrderConfig(groupAt(1, web(stateful.DefaultActionOrder)), toAlert(groupAt(2, opaqueGroup(stateful.DefaultActionOrder)))),
			session("tcp 198.51.100.7:50000 -> 10.0.0.5:443"),
			wantDecision{verdict: flow.Allow, stage: stateful.OpenRequest, action: "pass", sid: 1, group: "web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, nil)
			require.NoError(t, err)
			d := checkDecision(t, e, tc.session, tc.want)
			if tc.want.verdict == flow.Indeterminate {
				assert.Equal(t, managedWhy, d.Indeterminate.Why, "the reason names the group and why its rules are unknown")
				assert.Contains(t, d.String(), managedWhy)
				to, back := e.Verdicts(tc.session)
				assert.Equal(t, flow.Indeterminate, to, "the request may be dropped")
				if tc.session.Flow.Protocol == flow.TCP {
					assert.Equal(t, flow.Indeterminate, back, "the reply may be dropped")
				}
			}
		})
	}
}

func TestOpaqueGroupShape(t *testing.T) {
	g := opaqueGroup(stateful.StrictOrder)
	_, err := g.Rules()
	require.ErrorIs(t, err, stateful.ErrInvalidGroup, "an opaque group has no rules to give")
	assert.Contains(t, err.Error(), managedWhy)

	withRules := g
	withRules.RulesString = "pass tcp any any -> any any (sid:1;)"
	_, err = stateful.Compile(strictConfig(stateful.Defaults{}, groupAt(1, withRules)), nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, stateful.ErrInvalidGroup), "an opaque group with rules: %v", err)

	e := stateful.MustCompile(strictConfig(stateful.Defaults{},
		groupAt(1, rulesGroup("all", stateful.StrictOrder, "pass ip any any -> any any (sid:1;)")),
		groupAt(2, g)), nil)
	assert.Equal(t, []int{1, 0}, e.GroupRules(), "an opaque group's rules are unknown: it counts none")
	assert.Empty(t, e.Hidden(), "the rules an opaque group stands for are never reported hidden")
	assert.True(t, e.HasPassRule())
}
