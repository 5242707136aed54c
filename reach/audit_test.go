package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// riskyDesign is publicDesign with random risky services opened to
// random internet blocks on every interface's groups.
func riskyDesign(rng *rand.Rand) *sample.Design {
	d := publicDesign(rng)
	cat := reach.RiskyServices()
	for i := range d.Groups {
		for range rng.IntN(4) {
			risk := cat[rng.IntN(len(cat))]
			port := risk.Ports.Ranges()[0].Lo
			peer := sg.AnyIPv4
			if rng.IntN(2) == 0 {
				peer = sg.CIDR(netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(1 + rng.IntN(200)), byte(rng.IntN(256)), 0, 0}), 8+rng.IntN(16)).Masked().String())
			}
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: risk.Protocol, Ports: flow.Single(port), Peer: peer})
		}
		if rng.IntN(8) == 0 {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
		}
	}
	if rng.IntN(2) == 0 { // let the firewall pass everything: more findings get through
		for i := range d.Firewalls {
			d.Firewalls[i].Policy.Stateful = stateful.Config{Order: stateful.StrictOrder}
		}
	}
	return d
}

// TestAuditAgreesWithSources demands, for every interface and every port
// of the catalogue, an exposed finding exactly when Sources finds
// internet addresses that get through, and a closed finding only where a
// rule opens the port and the session from its addresses is stopped.
func TestAuditAgreesWithSources(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 30
	switch {
	case raceOn: // the race detector needs the walks, not every design
		designs = 4
	case testing.Short():
		designs = 8
	}
	stats := map[reach.Exposure]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 91))
		d := riskyDesign(rng)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), d)
		m, err := d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		a, err := m.Audit(reach.AuditOptions{})
		require.NoError(t, err, "seed %d", seed)
		require.Equal(t, 3, a.Interfaces)
		for e, n := range brute.CheckAudit(t, m, a, reach.AuditOptions{}, []string{"eni-web1", "eni-app1", "eni-db1"}, fmt.Sprintf("seed %d", seed)) {
			stats[e] += n
		}
		for _, f := range a.Findings {
			if f.Exposure == reach.Closed {
				requireClosedByIsACheck(t, m, f, fmt.Sprintf("seed %d", seed))
			}
		}
	}
	t.Logf("%v", stats)
	assert.Positive(t, stats[reach.Exposed])
	assert.Positive(t, stats[reach.Closed])
}

// requireClosedByIsACheck demands that a closed finding's ClosedBy be the
// blocks (leg, hop number, kind, ID, code) of Check's answer at its first
// port from an internet address its rules open it to: a documentation
// address (the stand-in Audit prefers) or the first address of a block an
// opening rule names ("... from 57.0.0.0/8)").
func requireClosedByIsACheck(t *testing.T, m *reach.Model, f reach.Finding, msg string) {
	t.Helper()
	cands := []string{"198.51.100.1", "203.0.113.1", "192.0.2.1"}
	for _, o := range f.OpenedBy {
		if i := strings.LastIndex(o, " from "); i >= 0 {
			if p, err := netip.ParsePrefix(strings.TrimSuffix(o[i+len(" from "):], ")")); err == nil {
				cands = append(cands, p.Addr().String(), p.Addr().Next().String())
			}
		}
	}
	var seen []string
	for _, from := range cands {
		r, err := m.Check(reach.Query{From: from, To: f.Address.String(), Protocol: f.Protocol, Port: f.Ports.Ranges()[0].Lo})
		if err != nil {
			continue
		}
		if assert.ObjectsAreEqual(f.ClosedBy, r.Blocks) {
			return
		}
		seen = append(seen, fmt.Sprintf("from %s: %+v", from, r.Blocks))
	}
	require.Failf(t, "ClosedBy is no Check's blocks", "%s: %s %s at %s closed by %+v; Check's blocks:\n%s", msg, f.Interface, f.Service, f.Address, f.ClosedBy, strings.Join(seen, "\n"))
}

// TestAuditOnTheSampleDesign pins the sample design's one finding: SSH
// opened to 198.51.100.0/24 on web-1, closed by the firewall.
func TestAuditOnTheSampleDesign(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	a, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	require.Len(t, a.Findings, 1)
	f := a.Findings[0]
	assert.Equal(t, "SSH", f.Service)
	assert.Equal(t, reach.Closed, f.Exposure)
	assert.Equal(t, reach.Severity(0), a.Worst(), "a closed finding gates nothing")
	require.NotEmpty(t, f.ClosedBy)
	assert.Equal(t, reach.KindFirewall, f.ClosedBy[0].Kind)
}

func TestSeverity(t *testing.T) {
	for _, s := range []reach.Severity{reach.Low, reach.Medium, reach.High} {
		got, err := reach.ParseSeverity(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := reach.ParseSeverity("urgent")
	assert.ErrorContains(t, err, "want high, medium or low")
}

func TestSeverityNone(t *testing.T) {
	assert.Equal(t, "none", reach.Severity(0).String())
	_, err := reach.ParseSeverity("none")
	assert.Error(t, err, "none is no threshold")
}
