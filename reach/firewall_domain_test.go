package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// domainModel is the sample design (app-1 behind a NAT gateway, then the
// firewall endpoint vpce-fw, to the internet) with its policy's stateful
// defaults changed.
func domainModel(t *testing.T, defaults stateful.Defaults) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	pol := sample.Policy()
	pol.Stateful.Defaults = defaults
	d.Firewalls[0].Policy = pol
	return build(t, d)
}

// TestFirewallDomainThroughTheWalk: "can app-1 reach 93.184.216.34:443?"
// through the sample's domain allowlist (.example.com, api.github.com;
// STRICT_ORDER) depends on the name the client asks for: without a
// Domain the hop is undecided, naming the domain as missing; an unlisted
// name is dropped for certain under aws:drop_established, and undecided
// without a drop default, AWS's documents disagreeing on whether the
// allowlist's drop rule exists.
func TestFirewallDomainThroughTheWalk(t *testing.T) {
	withDomain := func(q reach.Query, d string) reach.Query { q.Domain = d; return q }
	https := tcp("app-1", "93.184.216.34", 443)
	dropEst := stateful.Defaults{DropEstablished: true}
	for _, tc := range []struct {
		name     string
		defaults stateful.Defaults
		q        reach.Query
		want     reach.Outcome
		missing  string // the firewall hop's Missing, when undecided
	}{
		{"no domain: undecided, the domain named", dropEst, https, reach.Indeterminate, firewall.MissingDomain},
		{"a listed domain is reachable", dropEst, withDomain(https, "www.example.com"), reach.Reachable, ""},
		{"an unlisted domain is dropped either way", dropEst, withDomain(https, "evil.test"), reach.Unreachable, ""},
		{"ssh carries no SNI: the default drops it for certain", dropEst, tcp("app-1", "93.184.216.34", 22), reach.Unreachable, ""},
		{"no drop default, an unlisted domain: the documents disagree", stateful.Defaults{}, withDomain(https, "evil.test"),
			reach.Indeterminate, firewall.MissingGeneratedDrop},
		{"no drop default, a listed domain is reachable", stateful.Defaults{}, withDomain(https, "api.github.com"), reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domainModel(t, tc.defaults)
			r := check(t, m, tc.q)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })
			require.GreaterOrEqual(t, i, 0, r.Text())
			assert.Equal(t, tc.missing, r.Forward[i].Missing, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Codes(), reach.FirewallIndeterminate, r.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
		})
	}
}
