package reach_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestSetAnswersWithUnknownAddressRandom: the random designs of
// TestCertainBlockWhicheverAddressRandom (an interface, and sometimes a
// second, whose address is known only later, and blocks that tell the
// addresses it could get apart) put to every set question: Ports between
// the interfaces, Sources of each, the Matrix and the Audit, each held to
// Verdict value by value (brute.CheckSetAnswers). The set questions
// answer the parts that involve such an interface by the single check's
// rule, so they agree with it, indeterminate part included.
func TestSetAnswersWithUnknownAddressRandom(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	n := 16
	if testing.Short() || raceOn { // the race detector makes each design ~10× slower
		n = 5
		if raceOn {
			n = 2
		}
	}
	told := map[bool]int{} // designs whose query's answer depends on an address known only later, by family
	for k, opts := range []phbRandOpts{{}, {v6: true, routes: true}, {v6: true, icmp: true}, {bothUnknown: true}, {alibaba: true, v6: true}} {
		r := rand.New(rand.NewPCG(uint64(900+k), 11))
		for i := range n {
			d := newPhbRand(r, opts)
			m, err := d.build(netip.Addr{})
			if err != nil {
				continue
			}
			var ports []reach.PortsQuery
			for _, e := range [][2]string{{d.q.From, d.q.To}, {d.q.To, d.q.From}, {"eni-u", "eni-k"}, {"eni-k", "eni-u"}, {"eni-o", "eni-u"}} {
				ports = append(ports, reach.PortsQuery{From: e[0], To: e[1], Protocol: flow.TCP, IPv6: d.v6})
			}
			icmp := flow.ICMP
			if d.v6 {
				icmp = flow.ICMPv6
			}
			ports = append(ports, reach.PortsQuery{From: "eni-o", To: "eni-u", Protocol: icmp, IPv6: d.v6})
			var sources []reach.SourcesQuery
			for _, to := range []string{"eni-u", "eni-k"} {
				for _, p := range []uint16{22, 443, 1024} {
					sources = append(sources, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: p, IPv6: d.v6})
				}
			}
			for _, q := range ports {
				// the parts the single check's rule leaves open where the
				// walk alone does not name the interface in a cut
				pr, err := m.Ports(q)
				require.NoError(t, err, "options %+v, design %d: %+v", opts, i, q)
				if slices.ContainsFunc(pr.Cuts, func(c reach.Cut) bool { return c.Code == reach.AddressKnownLater }) {
					told[d.v6]++
					break
				}
			}
			t.Run("", func(t *testing.T) {
				brute.CheckSetAnswers(t, m, brute.Options{Ports: ports, Sources: sources, IPv6: d.v6, Few: true, Seed: uint64(i)})
			})
			if t.Failed() {
				t.Fatalf("options %+v, design %d: query %+v", opts, i, d.q)
			}
		}
	}
	t.Logf("designs whose set answers the single check's rule leaves open where the walk does not: %d IPv4, %d IPv6", told[false], told[true])
	require.NotZero(t, told[false], "some IPv4 designs' set answers depend on an address known only later")
	require.NotZero(t, told[true], "some IPv6 designs' set answers depend on an address known only later")
}
