package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// TestFirewallDomainOnPortOfNeitherTLSNorHTTP: a query's Domain (the TLS
// SNI or HTTP Host the connection asks for) says the client speaks TLS or
// HTTP; on a port the firewall's stateful engine takes for neither, it
// does not say which. With the sample's outbound allowlist cut down to
// TLS_SNI (under aws:drop_established), an allowed name on tcp/9443 passes
// as TLS and is dropped as HTTP: undecided, the hop naming what is
// missing. With both target types it passes either way. Check, Verdict
// and Ports agree.
func TestFirewallDomainOnPortOfNeitherTLSNorHTTP(t *testing.T) {
	tlsOnly := sample.ThreeTierDesign()
	pol := sample.Policy()
	for i := range pol.Stateful.Groups {
		if dl := pol.Stateful.Groups[i].Group.DomainList; dl != nil {
			c := *dl
			c.TargetTypes = []string{"TLS_SNI"}
			pol.Stateful.Groups[i].Group.DomainList = &c
		}
	}
	tlsOnly.Firewalls[0].Policy = pol
	models := map[string]*reach.Model{"both": build(t, sample.ThreeTierDesign()), "tls-only": build(t, tlsOnly)}
	query := func(port uint16, domain string) reach.Query {
		q := tcp("app-1", "93.184.216.34", port)
		q.Domain = domain
		return q
	}
	for _, tc := range []struct {
		name    string
		model   string
		q       reach.Query
		outcome reach.Outcome
		missing string
	}{
		{"TLS_SNI only, an allowed name on tcp/9443: passes as TLS, dropped as HTTP", "tls-only", query(9443, "www.example.com"),
			reach.Indeterminate, "which application protocol the session on tcp/9443 speaks: TLS or HTTP"},
		{"TLS_SNI only, the same name on tcp/443 (TLS by its port)", "tls-only", query(443, "www.example.com"), reach.Reachable, ""},
		{"TLS_SNI and HTTP_HOST, an allowed name on tcp/9443: passes either way", "both", query(9443, "www.example.com"), reach.Reachable, ""},
		{"TLS_SNI and HTTP_HOST, another name on tcp/9443: dropped either way", "both", query(9443, "www.example.org"), reach.Unreachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := models[tc.model]
			r := check(t, m, tc.q)
			assert.Equal(t, tc.outcome, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.outcome, v, "Verdict agrees with Check")
			if tc.missing != "" {
				u := r.Undecided()
				require.Len(t, u, 1, r.Text())
				assert.Equal(t, reach.FirewallIndeterminate, u[0].Code)
				assert.Equal(t, tc.missing, u[0].Missing)
				assert.Contains(t, u[0].Reason(), "as TLS: ")
				assert.Contains(t, u[0].Fix, "which of TLS and HTTP")
			}
		})
	}
	for name, m := range models {
		t.Run("Ports agrees with Verdict: "+name, func(t *testing.T) {
			pq := reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"}
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			assert.True(t, pr.Open.Contains(443), pr.String())
			if name == "tls-only" {
				assert.True(t, pr.Indeterminate.Contains(9443), pr.String())
			} else {
				assert.True(t, pr.Open.Contains(9443), pr.String())
			}
			rng := rand.New(rand.NewPCG(9443, 1))
			ports := append([]uint16{22, 53, 80, 443, 8080, 8443, 9443}, brute.PortsToCheck(rng, pr.Open, pr.Indeterminate)[:40]...)
			brute.CheckPorts(t, rng, m, pq, pr, ports, name)
		})
	}
}
