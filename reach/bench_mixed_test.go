package reach_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// largeMixedQueries draws n queries on the large model: between two of
// its interfaces (by name), or between one and an internet host either
// way (one query in four), on a service port, an ephemeral port or a
// port nothing opens, over TCP mostly, sometimes UDP or ICMP. They are
// the queries a test suite or `reachsim check --queries` asks; the four
// of BenchmarkCheckLarge are its longest paths.
func largeMixedQueries(m *reach.Model, n int) []reach.Query {
	rng := rand.New(rand.NewPCG(2026, 12))
	ifaces := m.Interfaces()
	hosts := []string{"203.0.113.77", "198.51.100.9", "93.184.216.34", "8.8.8.8"}
	ports := []uint16{22, 23, 53, 80, 443, 3389, 5432, 8080, 8443, 30005}
	out := make([]reach.Query, n)
	for i := range out {
		q := reach.Query{
			From:     ifaces[rng.IntN(len(ifaces))].ID,
			To:       ifaces[rng.IntN(len(ifaces))].ID,
			Protocol: flow.TCP,
			Port:     ports[rng.IntN(len(ports))],
		}
		switch rng.IntN(8) {
		case 0:
			q.From = hosts[rng.IntN(len(hosts))]
		case 1:
			q.To = hosts[rng.IntN(len(hosts))]
		}
		switch rng.IntN(10) {
		case 0:
			q.Protocol, q.Port = flow.UDP, 53
		case 1:
			q.Protocol, q.Port = flow.ICMP, 0
		}
		out[i] = q
	}
	return out
}

// BenchmarkMixedLarge answers a stream of 4,096 different queries on the
// large model (largeMixedQueries), each once before it comes round again, by
// Verdict, by Check and by CheckInto into one reused Result:
// ns/op is the mean over the mix; p50-ns, p90-ns and p99-ns are the
// quantiles of the single calls' times, each read from the clock around
// the call (which adds some tens of nanoseconds to every figure).
func BenchmarkMixedLarge(b *testing.B) {
	m := mustLargeModel(b)
	qs := largeMixedQueries(m, 4096)
	outcomes := map[reach.Outcome]int{}
	for _, q := range qs {
		o, err := m.Verdict(q)
		if err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
		outcomes[o]++
	}
	if outcomes[reach.Reachable] == 0 || outcomes[reach.Unreachable] == 0 {
		b.Fatalf("the mix should hold both outcomes: %v", outcomes)
	}
	run := func(b *testing.B, ask func(reach.Query) error) {
		times := make([]time.Duration, 0, 1<<16)
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if err := ask(qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
			if len(times) < cap(times) {
				times = append(times, time.Since(start))
			}
			i++
		}
		slices.Sort(times)
		for _, p := range []struct {
			q    float64
			unit string
		}{{0.5, "p50-ns"}, {0.9, "p90-ns"}, {0.99, "p99-ns"}} {
			b.ReportMetric(float64(times[int(p.q*float64(len(times)-1))].Nanoseconds()), p.unit)
		}
	}
	b.Run("verdict", func(b *testing.B) {
		run(b, func(q reach.Query) error { _, err := m.Verdict(q); return err })
	})
	b.Run("check", func(b *testing.B) {
		run(b, func(q reach.Query) error { _, err := m.Check(q); return err })
	})
	b.Run("checkinto", func(b *testing.B) {
		var r reach.Result // reused, as reachsim check --queries does
		run(b, func(q reach.Query) error { return m.CheckInto(q, &r) })
	})
}
