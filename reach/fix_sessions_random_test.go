package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// fixSessionDesigns is how many random designs the session brute forces
// of Fix try: a few by default, REACHSIM_FIX_SESSIONS=N for N (300 is a
// thorough run, about a second each).
func fixSessionDesigns(t *testing.T) int {
	t.Helper()
	if s := os.Getenv("REACHSIM_FIX_SESSIONS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "REACHSIM_FIX_SESSIONS=%q", s)
		return n
	}
	if testing.Short() || raceOn {
		return 6
	}
	return 30
}

// endpointOwners maps every interface ID and address of m to the
// interface's ID, so that a session named by an address and one named by
// ID compare equal.
func endpointOwners(m *reach.Model) map[string]string {
	ids := map[string]string{}
	for _, in := range m.Interfaces() {
		ids[in.ID] = in.ID
		for _, a := range in.PrivateIPs {
			ids[a.String()] = in.ID
		}
		if in.PublicIP.IsValid() {
			ids[in.PublicIP.String()] = in.ID
		}
		for _, pp := range in.PublicIPs {
			ids[pp.Public.String()] = in.ID
		}
	}
	return ids
}

// alsoListed reports whether fx.AlsoChanged lists session s (its ends
// compared by owner, ids; with standIn, any internet address, none of
// ids, for another: AlsoChanged names one internet address for those an
// appliance carries, blockProbe).
func alsoListed(fx *reach.FixResult, ids map[string]string, s reach.Query, standIn bool) bool {
	norm := func(e string) string {
		if id, ok := ids[e]; ok {
			return id
		}
		if a, err := netip.ParseAddr(e); err == nil && standIn && !a.IsPrivate() {
			return "internet"
		}
		return e
	}
	for _, sc := range fx.AlsoChanged {
		if norm(sc.From) != norm(s.From) || norm(sc.To) != norm(s.To) || sc.Protocol != s.Protocol {
			continue
		}
		if !s.Protocol.HasPorts() {
			return true
		}
		p := flow.SetOf(flow.Single(s.Port))
		if !sc.Gained.Intersect(p).IsEmpty() || !sc.Lost.Intersect(p).IsEmpty() || !sc.IndeterminateGained.Intersect(p).IsEmpty() || !sc.IndeterminateLost.Intersect(p).IsEmpty() {
			return true
		}
	}
	return false
}

// sameSession reports whether s is q's session (its ends compared by
// owner; any port for a protocol without ports).
func sameSession(ids map[string]string, q, s reach.Query) bool {
	norm := func(e string) string {
		if id, ok := ids[e]; ok {
			return id
		}
		return e
	}
	return norm(s.From) == norm(q.From) && norm(s.To) == norm(q.To) && s.Protocol == q.Protocol && s.IPv6 == q.IPv6 &&
		(s.Port == q.Port || !s.Protocol.HasPorts())
}

// fixSessionsCheck fixes q for want on m and holds the fix to the
// brute force: the query gets want (Verdict and Check, after Apply), and
// every session of draw whose Verdict the changes alter is in
// AlsoChanged (skip, when set, leaves a session out). It returns whether
// a fix was made and the number of changed sessions.
func fixSessionsCheck(t *testing.T, m *reach.Model, q reach.Query, want reach.Outcome, label string, draw func() reach.Query,
	skip func(fx *reach.FixResult, s reach.Query) bool) (fixed bool, changed int) {
	t.Helper()
	fx, err := m.Fix(q, want)
	if errors.Is(err, reach.ErrNoFix) || errors.Is(err, reach.ErrQuery) {
		return false, 0
	}
	require.NoError(t, err, "%s %+v", label, q)
	if len(fx.Changes) == 0 {
		return false, 0
	}
	var texts []string
	for _, c := range fx.Changes {
		texts = append(texts, c.Text)
	}
	p, err := m.Apply(fx.Changes)
	require.NoError(t, err)
	v, err := p.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, want, v, "%s %+v: Verdict after Apply %q", label, q, texts)
	r, err := p.Check(q)
	require.NoError(t, err)
	assert.Equal(t, want, r.Outcome, "%s %+v: Check after Apply %q", label, q, texts)
	return true, alsoBruteForce(t, m, p, q, fx, fmt.Sprintf("%s query %+v want %s, changes %q", label, q, want, texts), draw, skip)
}

// alsoBruteForce holds fx.AlsoChanged (for changes that make p of m, for
// q) to the brute force: every session of draw (but q's, and those skip
// leaves out) whose Verdict differs between m and p is listed. It
// returns the number of changed sessions.
func alsoBruteForce(t *testing.T, m, p *reach.Model, q reach.Query, fx *reach.FixResult, label string, draw func() reach.Query,
	skip func(fx *reach.FixResult, s reach.Query) bool) (changed int) {
	t.Helper()
	ids := endpointOwners(m)
	for range 150 {
		s := draw()
		if sameSession(ids, q, s) || skip != nil && skip(fx, s) {
			continue
		}
		b, err1 := m.Verdict(s)
		a, err2 := p.Verdict(s)
		if err1 != nil || err2 != nil || a == b {
			continue
		}
		changed++
		if !alsoListed(fx, ids, s, false) && alsoListed(fx, ids, s, true) {
			continue // another internet address stands for it
		}
		assert.True(t, alsoListed(fx, ids, s, false), "%s: session %s -> %s %s/%d (%s -> %s) not in AlsoChanged %+v",
			label, s.From, s.To, s.Protocol, s.Port, b, a, fx.AlsoChanged)
	}
	return changed
}

// TestFixAlsoChangedRandomSessions: on random designs (the walk
// generator: firewall endpoints, NAT gateways, edge tables, appliances,
// one or two VPCs), each fix gives the wanted answer, and every sampled
// session of every protocol whose answer the changes alter is listed in
// AlsoChanged (audit fix17: a route after a filter change on the same
// pair of endpoints, and routes to the design's public addresses).
func TestFixAlsoChangedRandomSessions(t *testing.T) {
	stats := map[string]int{}
	for seed := range uint64(fixSessionDesigns(t)) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 17)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err)
		for range 8 {
			q := g.query()
			q.Domain = ""
			want := reach.Reachable
			if g.chance(0.4) {
				want = reach.Unreachable
			}
			fixed, changed := fixSessionsCheck(t, m, q, want, fmt.Sprintf("seed %d", seed), func() reach.Query {
				s := g.session()
				s.SrcPort = q.SrcPort
				return s
			}, nil)
			if fixed {
				stats["fixed "+want.String()]++
			}
			stats["changed"] += changed
		}
	}
	t.Log(stats)
	require.NotZero(t, stats["fixed reachable"])
	require.NotZero(t, stats["changed"], "some fixes change sampled sessions, so AlsoChanged is put to the test")
}

// TestFixAlsoChangedRandomNAT64Sessions: the same on the NAT64 designs,
// sampling the IPv6-only interface's sessions to 64:ff9b::/96 (the
// interfaces' IPv4 addresses' there among them) and the IPv4 sessions of
// eni-web and eni-x with the internet hosts those addresses hold,
// whatever the fix changes (the NAT64 sessions of a fix that
// changes a security group were left out: a gap of AlsoChanged).
func TestFixAlsoChangedRandomNAT64Sessions(t *testing.T) {
	stats := map[string]int{}
	nat64 := netip.MustParsePrefix("64:ff9b::/96")
	for seed := range uint64(fixSessionDesigns(t)) {
		rng := rand.New(rand.NewPCG(seed, 64))
		m := randomNAT64Design(rng).build(t)
		samples := nat64Samples(rng, m)
		var v4 []string
		for _, a := range samples {
			if a.Is6() && nat64.Contains(a) {
				b := a.As16()
				v4 = append(v4, netip.AddrFrom4([4]byte(b[12:])).String())
			}
		}
		// and the NAT64 addresses of the interfaces' IPv4 addresses,
		// which a NAT gateway's translated packet reaches from its own
		for _, in := range m.Interfaces() {
			for _, a := range append(slices.Clone(in.PrivateIPs), in.PublicIP) {
				if a.Is4() {
					samples = append(samples, nat64Image(a))
				}
			}
		}
		draw := func() reach.Query {
			var s reach.Query
			switch rng.IntN(3) {
			case 0:
				s = reach.Query{From: "eni-v6", To: samples[rng.IntN(len(samples))].String(), IPv6: true}
			case 1:
				s = reach.Query{From: []string{"eni-web", "eni-x"}[rng.IntN(2)], To: v4[rng.IntN(len(v4))]}
			default:
				s = reach.Query{From: v4[rng.IntN(len(v4))], To: []string{"eni-web", "eni-x"}[rng.IntN(2)]}
			}
			s.Protocol, s.Port = []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)], []uint16{443, 80, 53, 2222, 5000}[rng.IntN(5)]
			return s
		}
		for range 6 {
			q := draw()
			want := []reach.Outcome{reach.Reachable, reach.Unreachable}[rng.IntN(2)]
			fixed, changed := fixSessionsCheck(t, m, q, want, fmt.Sprintf("seed %d", seed), draw, nil)
			if fixed {
				stats["fixed "+want.String()]++
			}
			stats["changed"] += changed
		}
	}
	t.Log(stats)
	require.NotZero(t, stats["fixed reachable"])
}

// session draws a session between two of g's endpoints: udp (53, 443 or
// 123), an ICMP echo, or tcp on a common port.
func (g *walkGen) session() reach.Query {
	s := reach.Query{From: g.endpoints[g.pick(len(g.endpoints))], To: g.endpoints[g.pick(len(g.endpoints))]}
	switch g.pick(4) {
	case 0:
		s.Protocol, s.Port = flow.UDP, []uint16{53, 443, 123}[g.pick(3)]
	case 1:
		s.Protocol = flow.ICMP
	default:
		s.Protocol, s.Port = flow.TCP, []uint16{22, 80, 443, 5432, 1024, 8080}[g.pick(6)]
	}
	return s
}
