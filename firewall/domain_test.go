package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// domainListPolicy is a policy whose one stateful group is a domain list
// of github.com for TLS_SNI and HTTP_HOST, every packet forwarded to the
// stateful engine.
func domainListPolicy(order stateful.RuleOrder, defaults stateful.Defaults, typ string) firewall.Policy {
	p := newPolicy(flow.Forward, nil, defaults)
	p.Stateful.Order = order
	prio := 1
	if order == stateful.DefaultActionOrder {
		prio = 0
	}
	p.Stateful.Groups = []stateful.GroupRef{{Priority: prio, Group: stateful.RuleGroup{Name: "dl", RuleOrder: order,
		DomainList: &stateful.DomainList{Targets: []string{"github.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: typ}}}}
	return p
}

// TestDomainNotGivenAndDisputedDrops: a connection that does not give the
// TLS SNI or HTTP Host its client sends is undecided wherever a domain
// rule could decide it, naming what is missing, and certain where every
// domain (or none) gives the same answer; a STRICT_ORDER allowlist's
// generated drop rules, which AWS's documents disagree on, leave an
// unlisted name undecided unless a drop default denies it either way.
// Under DEFAULT_ACTION_ORDER the generated drop stands.
func TestDomainNotGivenAndDisputedDrops(t *testing.T) {
	action, strict := stateful.DefaultActionOrder, stateful.StrictOrder
	dropEst := stateful.Defaults{DropEstablished: true}
	const (
		https   = "tcp 10.0.1.10:50000 -> 140.82.112.3:443"
		sniWhy  = "the TLS SNI the client sends, which the session does not give"
		hostWhy = "the HTTP Host the client sends, which the session does not give"
		dispute = "whether AWS generates this drop rule for a STRICT_ORDER domain allowlist"
	)
	for _, tc := range []struct {
		name           string
		p              firewall.Policy
		flow           string
		request, reply flow.Verdict
		reason         string // a part of the request leg's reason
	}{
		{"action order allowlist, https without a domain: undecided", domainListPolicy(action, noDefaults, "ALLOWLIST"), https,
			flow.Indeterminate, flow.Allow, sniWhy},
		{"action order denylist, https without a domain: undecided", domainListPolicy(action, noDefaults, "DENYLIST"), https,
			flow.Indeterminate, flow.Allow, sniWhy},
		{"action order allowlist, http without a domain: undecided", domainListPolicy(action, noDefaults, "ALLOWLIST"),
			"tcp 10.0.1.10:50000 -> 140.82.112.3:80", flow.Indeterminate, flow.Allow, hostWhy},
		{"action order allowlist, a listed SNI passes", domainListPolicy(action, noDefaults, "ALLOWLIST"), https + " domain github.com",
			flow.Allow, flow.Allow, ""},
		{"action order allowlist, an unlisted SNI meets the generated drop", domainListPolicy(action, noDefaults, "ALLOWLIST"), https + " domain example.org",
			flow.Deny, flow.Allow, "not matching any TLS allowlisted FQDNs"},
		{"action order allowlist, ssh on tcp/22 carries no SNI: certain", domainListPolicy(action, noDefaults, "ALLOWLIST"),
			"tcp 10.0.1.10:50000 -> 140.82.112.3:22", flow.Allow, flow.Allow, ""},
		{"strict allowlist, no drop default, an unlisted SNI: the documents disagree", domainListPolicy(strict, noDefaults, "ALLOWLIST"), https + " domain example.org",
			flow.Indeterminate, flow.Allow, dispute},
		{"strict allowlist, aws:drop_established, an unlisted SNI: dropped either way", domainListPolicy(strict, dropEst, "ALLOWLIST"), https + " domain example.org",
			flow.Deny, flow.Allow, "aws:drop_established"},
		{"strict allowlist, no drop default, a listed SNI passes", domainListPolicy(strict, noDefaults, "ALLOWLIST"), https + " domain github.com",
			flow.Allow, flow.Allow, ""},
		{"strict allowlist, aws:drop_established, https without a domain: undecided", domainListPolicy(strict, dropEst, "ALLOWLIST"), https,
			flow.Indeterminate, flow.Allow, sniWhy},
		{"strict denylist, aws:drop_established, https without a domain: dropped either way", domainListPolicy(strict, dropEst, "DENYLIST"), https,
			flow.Deny, flow.Allow, "aws:drop_established"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := firewall.Compile(tc.p, nil)
			require.NoError(t, err)
			c := bothWays(tc.flow)
			for _, d := range []firewall.Decision{e.Evaluate(c), e.Explain(c)} {
				assert.Equal(t, tc.request, d.VerdictOn(false), d.ReasonOn(false))
				assert.Equal(t, tc.reply, d.VerdictOn(true), d.ReasonOn(true))
				assert.Contains(t, d.ReasonOn(false), tc.reason)
			}
			req, rep := e.Verdicts(c)
			assert.Equal(t, tc.request, req)
			assert.Equal(t, tc.reply, rep)
		})
	}
}
