package reach_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// demoQueries cover every kind of path of the demo: inside the VPC, from
// and to the internet, IPv6, ICMP, NAT, firewall drops and passes,
// blocks on both legs.
func demoQueries() []reach.Query {
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	https := tcp("app-1", "93.184.216.34", 443)
	https.Domain = "www.example.com"
	github := tcp("app-1", "140.82.112.3", 443)
	github.Domain = "api.github.com"
	blocked := tcp("app-1", "140.82.112.3", 443)
	blocked.Domain = "evil.example.net"
	client := tcp("app-1", "db-1", 5432)
	client.SrcPort = 30000
	return []reach.Query{
		tcp("app-1", "db-1", 5432), client, tcp("web-1", "db-1", 5432), tcp("web-1", "app-1", 8080),
		tcp("198.51.100.7", "web-1", 443), tcp("198.51.100.7", "web-1", 22), tcp("198.51.100.7", "203.0.113.10", 443),
		tcp("2001:db8:ff::7", "web-1", 443), tcp("2001:db8:ff::7", "web-1", 22),
		https, github, blocked, tcp("web-1", "8.8.8.8", 443), tcp("198.51.100.7", "203.0.113.100", 443),
		{From: "app-1", To: "web-1", Protocol: flow.ICMP}, {From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP},
		{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 53},
	}
}

// largeQueries are the benchmark queries and 30 random ones between
// interfaces of the large topology (fixed seed).
func largeQueries() []reach.Query {
	qs := []reach.Query{largeAcrossZones, largeFromInternet, largeToInternet, largeTelnet, largeBackwards}
	rng := rand.New(rand.NewPCG(7, 7))
	name := func() string {
		s, k := rng.IntN(largeSubnets), rng.IntN(largeIfacesPerSubnet)
		if s < largeSubnets/2 {
			return fmt.Sprintf("app-%02d-%02d", s, k)
		}
		return fmt.Sprintf("web-%02d-%02d", s, k)
	}
	ports := []uint16{443, 8080, 22, 5432, 23}
	for range 30 {
		qs = append(qs, reach.Query{From: name(), To: name(), Protocol: flow.TCP, Port: ports[rng.IntN(len(ports))]})
	}
	return qs
}

// checkConcurrently runs every query on m from many goroutines at once,
// each in its own order, and demands the results computed serially
// beforehand on ref, in every field JSON shows (each hop's reason and
// details, worded when read, included) and down to the rendered text. It
// does not compare the results as Go values: a hop's reasons are worded
// from pointers into its model, and a deep comparison would walk into the
// two models' insides, m's while other goroutines fill what it builds at
// first use. When ref is another model
// built alike, what m builds at its first use (an interface's evaluator
// for packets whose group identity is lost) is built under concurrent
// queries.
func checkConcurrently(t *testing.T, ref, m *reach.Model, queries []reach.Query, goroutines, rounds int) {
	t.Helper()
	want := make([]string, len(queries))
	text := make([]string, len(queries))
	for i, q := range queries {
		r, err := ref.Check(q)
		require.NoError(t, err, "%+v", q)
		js, err := json.Marshal(r)
		require.NoError(t, err)
		want[i], text[i] = string(js), r.Text()
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			order := rand.New(rand.NewPCG(uint64(g), 1)).Perm(len(queries))
			<-start
			for range rounds {
				for _, i := range order {
					r, err := m.Check(queries[i])
					if !assert.NoError(t, err, "%+v", queries[i]) {
						continue
					}
					js, err := json.Marshal(r)
					assert.NoError(t, err)
					assert.Equal(t, want[i], string(js), "goroutine %d, query %+v", g, queries[i])
					assert.Equal(t, text[i], r.Text())
				}
			}
		})
	}
	close(start)
	wg.Wait()
}

func TestConcurrentChecks(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	t.Run("the demo model answers many goroutines alike", func(t *testing.T) {
		ref, err := sample.ThreeTier().Build()
		require.NoError(t, err)
		m, err := sample.ThreeTier().Build() // first used by the goroutines
		require.NoError(t, err)
		checkConcurrently(t, ref, m, demoQueries(), 16, 20)
	})
	t.Run("the large model answers many goroutines alike", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds the large topology")
		}
		m := mustLargeModel(t)
		checkConcurrently(t, m, m, largeQueries(), 8, 2)
	})
}
