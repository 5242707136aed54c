package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// spice adds random port-range rules to a generated design's groups and
// custom network ACLs, so that port sets have many edges.
func spice(rng *rand.Rand, d *sample.Design) {
	port := func() uint16 { return uint16(1 + rng.IntN(65535)) }
	pr := func() flow.PortRange {
		a, b := port(), port()
		if rng.IntN(3) == 0 {
			b = a
		}
		return flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
	}
	for i := range d.Groups {
		for range rng.IntN(4) {
			dir := []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)]
			proto := []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: dir, Protocol: proto, Ports: pr(), Peer: sg.AnyIPv4})
		}
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if len(a.Entries) == 0 || a.Entries[0].Number > 100 { // a default ACL: leave it open
			continue
		}
		for k := range rng.IntN(5) {
			e := nacl.Entry{Number: 10 + k, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol:  []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)], CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: pr()}
			a.Entries = append(a.Entries, e)
		}
	}
}

// portsToCheck is the ports a brute-force check tries: every edge of the
// answer's sets and its neighbours, and random ones.
func portsToCheck(rng *rand.Rand, sets ...flow.PortSet) []uint16 {
	seen := map[uint16]bool{1: true, 65535: true, 25: true, reach.DefaultSourcePort: true}
	for _, s := range sets {
		for _, r := range s.Ranges() {
			for _, p := range []int{int(r.Lo) - 1, int(r.Lo), int(r.Hi), int(r.Hi) + 1} {
				if p >= 1 && p <= 65535 {
					seen[uint16(p)] = true
				}
			}
		}
	}
	for range 200 {
		seen[uint16(1+rng.IntN(65535))] = true
	}
	out := make([]uint16, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	return out
}

// checkPorts demands that r agree with Verdict on the ports given, from
// the default client port and from random client ports of each range.
func checkPorts(t *testing.T, rng *rand.Rand, m *reach.Model, q reach.PortsQuery, r *reach.PortsResult, ports []uint16, msg string) {
	t.Helper()
	vq := reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, IPv6: q.IPv6, Domain: q.Domain}
	for i, p := range ports {
		vq.Port, vq.SrcPort = p, 0
		got, err := m.Verdict(vq)
		require.NoError(t, err, msg)
		want := reach.Unreachable
		switch {
		case r.Open.Contains(p):
			want = reach.Reachable
		case r.Indeterminate.Contains(p):
			want = reach.Indeterminate
		}
		require.Equal(t, want, got, "%s: port %d", msg, p)
		cut := false
		for _, c := range r.Cuts {
			cut = cut || c.Ports.Contains(p)
		}
		require.Equal(t, want != reach.Reachable, cut, "%s: port %d is in a cut exactly when it is not reachable", msg, p)
		if i%16 != 0 || i > 16*100 {
			continue // the client ranges: for a sample of the ports
		}
		for _, cp := range r.Clients {
			for range 2 {
				lo, hi := int(cp.Range.Ports.Lo), int(cp.Range.Ports.Hi)
				vq.SrcPort = uint16(lo + rng.IntN(hi-lo+1))
				got, err := m.Verdict(vq)
				require.NoError(t, err, msg)
				switch {
				case cp.Open.Contains(p):
					require.Equal(t, reach.Reachable, got, "%s: port %d from client port %d (%s)", msg, p, vq.SrcPort, cp.Name)
				case !cp.Partly.Contains(p):
					require.NotEqual(t, reach.Reachable, got, "%s: port %d from client port %d (%s)", msg, p, vq.SrcPort, cp.Name)
				}
			}
		}
	}
}

// TestPortsAgreesWithVerdict compares Ports with a Verdict per port on
// random designs full of middleboxes, with random port-range rules.
func TestPortsAgreesWithVerdict(t *testing.T) {
	designs := 60
	if testing.Short() {
		designs = 15
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 77))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		for range 3 {
			vq := g.query()
			q := reach.PortsQuery{From: vq.From, To: vq.To, Protocol: []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]}
			msg := fmt.Sprintf("seed %d: %+v", seed, q)
			r, err := m.Ports(q)
			if _, verr := m.Verdict(reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, Port: 1}); verr != nil {
				require.Error(t, err, msg)
				continue
			}
			require.NoError(t, err, msg)
			checkPorts(t, rng, m, q, r, portsToCheck(rng, r.Open, r.Indeterminate), msg)
			switch {
			case r.Open.IsEmpty() && r.Indeterminate.IsEmpty():
				stats["closed"]++
			case r.Open.IsFull() || r.Open.Equal(flow.SetOf(flow.PortRange{Lo: 1, Hi: 65535})):
				stats["all open"]++
			default:
				stats["some open"]++
			}
		}
	}
	t.Logf("%v", stats)
	assert.Positive(t, stats["some open"], "some answers are partial port sets")
}

// TestPortsOnTheSampleDesign checks every port of a few pairs of the
// sample design against Verdict, and the answers a reader of the README
// relies on.
func TestPortsOnTheSampleDesign(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		q    reach.PortsQuery
		open string
	}{
		{reach.PortsQuery{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP}, "443"},
		{reach.PortsQuery{From: "web-1", To: "app-1", Protocol: flow.TCP}, "8080"},
		{reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP}, "none"},
		{reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.UDP}, "none"},
	}
	for i, tt := range tests {
		r, err := m.Ports(tt.q)
		require.NoError(t, err)
		assert.Equal(t, tt.open, r.Open.String(), "%+v", tt.q)
		ports := portsToCheck(rng, r.Open)
		if !testing.Short() {
			ports = ports[:0]
			step := 1 + rng.IntN(60) // the first pair: every port
			if i == 0 {
				step = 1
			}
			for p := 1; p <= 65535; p += step {
				ports = append(ports, uint16(p))
			}
		}
		checkPorts(t, rng, m, tt.q, r, ports, fmt.Sprintf("%+v", tt.q))
	}
}
