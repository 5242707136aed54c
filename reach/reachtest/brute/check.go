package brute

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// Options says what CheckSetAnswers asks of a design.
type Options struct {
	// Ports are the pairs to scan (tcp, udp, icmp or icmpv6). The first
	// tcp or udp pair is checked on every Step-th port of 1-65535, the
	// others on PortsToCheck's ports, each from its ClientPort (and from
	// its client-port ranges, [CheckPorts]); icmp pairs on every type.
	Ports []reach.PortsQuery
	// Step is the stride of the first pair's scan, beside every edge of
	// its answer's sets and their neighbours; 0 means 1 (every port).
	Step int
	// Sources are the destinations whose sources to check: every
	// interface of the design, and internet addresses at the edges of the
	// answer's blocks, beside the design's addresses, and at random.
	Sources []reach.SourcesQuery
	// IPv6 checks the IPv6 matrix and audit too.
	IPv6 bool
	// NoMatrix leaves the matrix out (the audit is still checked): for a
	// design whose every pair is too many to check.
	NoMatrix bool
	// Few checks fewer values: PortsToCheck's ports for every pair, and
	// fewer random addresses. A test built with the race detector always
	// does.
	Few bool
	// Seed seeds the random choices; a run is repeatable.
	Seed uint64
}

// CheckSetAnswers checks every set answer of m against brute force:
// Ports for o.Ports, Sources for o.Sources, the whole Matrix (IPv4, and
// IPv6 when o.IPv6) and the Audit (likewise) of every interface, with
// [CheckPorts], [CheckPortsICMP], [CheckSources], [CheckMatrix] and
// [CheckAudit]. An error from a set question fails the test.
func CheckSetAnswers(t testing.TB, m *reach.Model, o Options) {
	t.Helper()
	rng := rand.New(rand.NewPCG(o.Seed, 0x5e75))
	o.Few = o.Few || raceOn
	scanned := false
	for _, q := range o.Ports {
		msg := fmt.Sprintf("Ports %+v", q)
		r, err := m.Ports(q)
		require.NoError(t, err, msg)
		if q.Protocol.IsICMP() {
			CheckPortsICMP(t, m, q, r, msg)
			continue
		}
		ports := PortsToCheck(rng, r.Open, r.Indeterminate)
		if !scanned && !o.Few {
			ports, scanned = EveryPort(o.Step, r.Open, r.Indeterminate), true
		}
		CheckPorts(t, rng, m, q, r, ports, msg)
	}
	var ids []string
	for _, in := range m.Interfaces() {
		ids = append(ids, in.ID)
	}
	near := NearDesign(m)
	for _, q := range o.Sources {
		msg := fmt.Sprintf("Sources %+v", q)
		r, err := m.Sources(q)
		require.NoError(t, err, msg)
		addrs := AddrsToCheck(rng, q.IPv6, r.Internet, r.InternetIndeterminate)
		if o.Few {
			addrs = addrs[:len(addrs)-250]
		}
		CheckSources(t, m, q, r, ids, append(addrs, near...), msg)
	}
	for _, v6 := range []bool{false, true} {
		if v6 && !o.IPv6 {
			continue
		}
		if !o.NoMatrix {
			mx, err := m.Matrix(reach.MatrixOptions{IPv6: v6})
			require.NoError(t, err)
			CheckMatrix(t, rng, m, mx, v6, fmt.Sprintf("Matrix (IPv6 %v)", v6))
		}
		ao := reach.AuditOptions{IPv6: v6, SrcPort: reach.DefaultSourcePort}
		a, err := m.Audit(ao)
		require.NoError(t, err)
		CheckAudit(t, m, a, ao, ids, fmt.Sprintf("Audit (IPv6 %v)", v6))
	}
}

// noErr is require.NoError, paid for only on failure: the brute force
// asks millions of questions, and testify's t.Helper walks the stack on
// every call.
func noErr(t testing.TB, err error, msgAndArgs ...any) {
	if err != nil {
		t.Helper()
		require.NoError(t, err, msgAndArgs...)
	}
}

// same is require.Equal for comparable values, paid for only on failure.
func same[T comparable](t testing.TB, want, got T, msgAndArgs ...any) {
	if want != got {
		t.Helper()
		require.Equal(t, want, got, msgAndArgs...)
	}
}
