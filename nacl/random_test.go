package nacl_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/nacl"
)

// gen makes random ACLs and flows over a small address and port universe,
// so that entries and flows often meet.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) gen { return gen{rand.New(rand.NewPCG(seed, 0x6e61636c))} }

func (g gen) pick(n int) int { return g.r.IntN(n) }

func (g gen) addr(is6 bool) netip.Addr {
	if is6 {
		return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(g.pick(3)), 14: byte(g.pick(3)), 15: byte(g.pick(4))})
	}
	return netip.AddrFrom4([4]byte{10, byte(g.pick(3)), byte(g.pick(3)), byte(g.pick(4))})
}

func (g gen) prefix(is6 bool) netip.Prefix {
	bits := []int{0, 8, 16, 24, 30, 32}
	if is6 {
		bits = []int{0, 32, 48, 64, 120, 126, 128}
	}
	// Host bits are left set on purpose: Compile must mask them.
	return netip.PrefixFrom(g.addr(is6), bits[g.pick(len(bits))])
}

var interestingPorts = []uint16{0, 1, 22, 53, 80, 443, 1023, 1024, 1025, 5000, 5001, 32767, 32768, 49151, 49152, 60999, 61000, 61001, 65534, 65535}

func (g gen) port() uint16 {
	if g.pick(4) == 0 {
		return uint16(g.r.UintN(65536))
	}
	return interestingPorts[g.pick(len(interestingPorts))]
}

func (g gen) entry(number int, dir flow.Direction) nacl.Entry {
	is6 := g.pick(2) == 0
	protos := []flow.Protocol{flow.AllProtocols, flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE, flow.Protocol(g.pick(256))}
	e := nacl.Entry{
		Number:    number,
		Action:    []flow.Action{flow.Pass, flow.Drop}[g.pick(2)],
		Direction: dir,
		Protocol:  protos[g.pick(len(protos))],
		CIDR:      g.prefix(is6),
	}
	a, b := g.port(), g.port()
	e.Ports = flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
	e.PortZero = e.Ports == flow.PortRange{} // port 0 alone must be said so
	types := []int16{-1, -1, 0, 3, 8, 128, 129}
	e.ICMPType = types[g.pick(len(types))]
	e.ICMPCode = []int16{-1, -1, 0, 4}[g.pick(4)]
	if e.ICMPType == -1 {
		e.ICMPCode = -1
	}
	return e
}

// acl returns a random valid ACL with up to max entries per direction.
func (g gen) acl(id string, max int) nacl.ACL {
	a := nacl.ACL{ID: id, VPCID: "vpc-r"}
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		used := map[int]bool{}
		for range g.pick(max + 1) {
			n := 1 + g.pick(60)
			if g.pick(20) == 0 {
				n = nacl.MaxRuleNumber
			}
			if used[n] {
				continue
			}
			used[n] = true
			a.Entries = append(a.Entries, g.entry(n, dir))
		}
	}
	g.r.Shuffle(len(a.Entries), func(i, j int) { a.Entries[i], a.Entries[j] = a.Entries[j], a.Entries[i] })
	return a
}

// flow returns a random valid flow.
func (g gen) flow() flow.Flow {
	is6 := g.pick(2) == 0
	f := flow.Flow{Src: netip.AddrPortFrom(g.addr(is6), 0), Dst: netip.AddrPortFrom(g.addr(is6), 0)}
	switch g.pick(6) {
	case 0, 1:
		f.Protocol = flow.TCP
	case 2:
		f.Protocol = flow.UDP
	case 3:
		f.Protocol = flow.ICMP
		if is6 {
			f.Protocol = flow.ICMPv6
		}
		f.ICMPType = []uint8{0, 3, 8, 11, 128, 129}[g.pick(6)]
		f.ICMPCode = []uint8{0, 1, 4}[g.pick(3)]
	case 4:
		f.Protocol = flow.GRE
	default:
		f.Protocol = flow.Protocol(g.pick(256))
		if f.Protocol.IsICMP() { // ICMP must fit the family
			f.Protocol = flow.ICMP
			if is6 {
				f.Protocol = flow.ICMPv6
			}
		}
	}
	if f.Protocol.HasPorts() {
		f.Src = netip.AddrPortFrom(f.Src.Addr(), g.port())
		f.Dst = netip.AddrPortFrom(f.Dst.Addr(), g.port())
	}
	return f
}

func TestRandomAgreesWithReference(t *testing.T) {
	g := newGen(1)
	acls, flows := 3000, 30
	if testing.Short() || raceOn {
		acls = 600
	}
	var decided, defaults, allowed int
	for i := range acls {
		size := 12
		if i%4 == 0 {
			size = 130 // chains of 16 or more entries: the bitsets (bits.go) decide
		}
		acl := g.acl("acl-r", size)
		ev, err := nacl.Compile(acl)
		require.NoError(t, err, "random ACL %d", i)
		for range flows {
			f := g.flow()
			require.NoError(t, f.Validate())
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				wantV, wantN := refEvaluate(acl, f, dir)
				d := ev.Evaluate(f, dir)
				x := ev.Explain(f, dir)
				if d.Verdict != wantV || d.Entry.Number != wantN {
					t.Fatalf("ACL %d %v, %s %s: Evaluate says %s by %d, reference says %s by %d", i, acl.Entries, f, dir, d.Verdict, d.Entry.Number, wantV, wantN)
				}
				if x.Verdict != d.Verdict || x.Entry != d.Entry || x.Default != d.Default {
					t.Fatalf("ACL %d, %s %s: Explain says %s, Evaluate %s", i, f, dir, x, d)
				}
				require.Equal(t, wantN >= nacl.DefaultRuleIPv4, d.Default)
				v, def := ev.Verdict(f, dir)
				require.Equal(t, [2]any{d.Verdict, d.Default}, [2]any{v, def}, "ACL %d, %s %s: Verdict and Evaluate", i, f, dir)
				requireWordsAgree(t, ev, x, f, dir)
				// The trace lists exactly the entries of the packet's
				// direction and family numbered below the decider, in order.
				var want []int
				for _, e := range acl.Entries {
					if e.Direction == dir && e.CIDR.Addr().Is6() == f.Is6() && e.Number < wantN {
						want = append(want, e.Number)
					}
				}
				require.Len(t, x.Skipped, len(want))
				last := 0
				for _, s := range x.Skipped {
					require.Greater(t, s.Entry.Number, last)
					last = s.Entry.Number
					require.NotEmpty(t, s.Reason, "%s: a skipped entry must say why", s.Entry)
				}
				if d.Default {
					defaults++
				} else {
					decided++
				}
				if d.Verdict == flow.Allow {
					allowed++
				}
			}
		}
	}
	t.Logf("decided by an entry: %d, by *: %d, allowed: %d", decided, defaults, allowed)
	assert.Greater(t, decided, acls*flows/4, "the generator should make entries match often")
	assert.Greater(t, defaults, acls*flows/4, "and often not")
}

func TestRandomAllowedPortsAgreesWithBruteForce(t *testing.T) {
	g := newGen(2)
	n := 150
	if testing.Short() || raceOn {
		n = 40
	}
	for i := range n {
		acl := g.acl("acl-p", 12)
		ev, err := nacl.Compile(acl)
		require.NoError(t, err)
		f := g.flow()
		if !f.Protocol.HasPorts() {
			f = fl("tcp 10.0.0.1:443 -> 10.0.1.2:1")
		}
		dir := []flow.Direction{flow.Inbound, flow.Outbound}[i%2]
		got := ev.AllowedPorts(f, dir)
		brute := portSetOf(func(p uint16) bool {
			g := f
			g.Dst = netip.AddrPortFrom(g.Dst.Addr(), p)
			return ev.Evaluate(g, dir).Verdict == flow.Allow
		})
		require.True(t, brute.Equal(got), "ACL %d %v, %s %s: AllowedPorts %s, brute force %s", i, acl.Entries, f, dir, got, brute)
		checkPortRuns(t, ev, f, dir, fmt.Sprintf("ACL %d %v, %s %s", i, acl.Entries, f, dir))
		plain := func() *nacl.Evaluator { // PortRuns by its plain scan
			defer slowpath.Set(true)()
			ev, err := nacl.Compile(acl)
			require.NoError(t, err)
			return ev
		}()
		require.Equal(t, collectRuns(plain, f, dir), collectRuns(ev, f, dir), "ACL %d %v, %s %s: the sweep's runs are the scan's", i, acl.Entries, f, dir)
		checkPortVerdicts(t, ev, f, dir, fmt.Sprintf("ACL %d %v, %s %s", i, acl.Entries, f, dir))
		checkPortVerdicts(t, plain, f, dir, fmt.Sprintf("plain ACL %d %v, %s %s", i, acl.Entries, f, dir))
		for _, e := range []*nacl.Evaluator{ev, plain} { // a loop may stop early (range over func panics on a yield after false)
			for range e.PortRuns(f, dir) {
				break
			}
			for range e.PortVerdicts(f, dir) {
				break
			}
		}
		if i%10 == 0 { // now and then, against the reference as well
			ref := portSetOf(func(p uint16) bool {
				g := f
				g.Dst = netip.AddrPortFrom(g.Dst.Addr(), p)
				v, _ := refEvaluate(acl, g, dir)
				return v == flow.Allow
			})
			require.True(t, ref.Equal(got), "ACL %d: AllowedPorts %s, reference %s", i, got, ref)
		}
	}
}

// checkPortVerdicts demands that PortVerdicts cover ports 0-65535 in order
// with runs whose verdict and default are those of PortRuns on every port
// of the run, runs in a row differing.
func checkPortVerdicts(t *testing.T, ev *nacl.Evaluator, f flow.Flow, dir flow.Direction, msg string) {
	t.Helper()
	type run struct {
		r flow.PortRange
		v nacl.PortVerdict
	}
	var want []run // PortRuns, merged
	for r, d := range ev.PortRuns(f, dir) {
		v := nacl.PortVerdict{Verdict: d.Verdict, Default: d.Default}
		if n := len(want); n > 0 && want[n-1].v == v {
			want[n-1].r.Hi = r.Hi
			continue
		}
		want = append(want, run{r, v})
	}
	var got []run
	for r, v := range ev.PortVerdicts(f, dir) {
		got = append(got, run{r, v})
	}
	require.Equal(t, want, got, msg)
	for i, r := range got {
		if i > 0 {
			require.NotEqual(t, got[i-1].v, r.v, "%s: runs in a row differ", msg)
		}
	}
}

// collectRuns is what PortRuns yields.
func collectRuns(ev *nacl.Evaluator, f flow.Flow, dir flow.Direction) []string {
	var out []string
	for r, d := range ev.PortRuns(f, dir) {
		out = append(out, fmt.Sprintf("%s: %v %s %v", r, d.Verdict, d.Entry, d.Default))
	}
	return out
}

// checkPortRuns demands that PortRuns cover ports 0-65535 in order with
// runs whose decision (verdict, deciding entry, default or not) is
// Evaluate's on every port of the run, each run as long as its entry
// decides (the next run's entry is another).
func checkPortRuns(t *testing.T, ev *nacl.Evaluator, f flow.Flow, dir flow.Direction, msg string) {
	t.Helper()
	next := 0
	var last nacl.Decision
	for r, d := range ev.PortRuns(f, dir) {
		require.Equal(t, next, int(r.Lo), "%s: the runs touch", msg)
		if next > 0 && f.Protocol.HasPorts() {
			require.False(t, last.Entry == d.Entry && last.Default == d.Default, "%s: the run before %s has its entry, %s", msg, r, d.Entry)
		}
		last = d
		require.LessOrEqual(t, r.Lo, r.Hi, msg)
		for p := int(r.Lo); p <= int(r.Hi); p++ {
			g := f
			g.Dst = netip.AddrPortFrom(g.Dst.Addr(), uint16(p))
			if want := ev.Evaluate(g, dir); want.Verdict != d.Verdict || want.Entry != d.Entry || want.Default != d.Default {
				require.Equal(t, want, d, "%s: port %d of run %s", msg, p, r)
			}
		}
		next = int(r.Hi) + 1
	}
	require.Equal(t, 65536, next, "%s: the runs reach 65535", msg)
}

// roundTripByBruteForce checks every client port with four evaluations of
// concrete packets and returns the ports that pass all four and, per port,
// the first leg that fails (or -1).
func roundTripByBruteForce(req flow.Flow, client, server *nacl.Evaluator) (flow.PortSet, func(p uint16) (nacl.Leg, nacl.Decision, bool)) {
	firstFail := func(p uint16) (nacl.Leg, nacl.Decision, bool) {
		request := req
		reply := req.Reverse()
		if req.Protocol.HasPorts() {
			request.Src = netip.AddrPortFrom(req.Src.Addr(), p)
			reply.Dst = netip.AddrPortFrom(reply.Dst.Addr(), p)
		}
		steps := []struct {
			leg nacl.Leg
			ev  *nacl.Evaluator
			f   flow.Flow
			dir flow.Direction
		}{
			{nacl.RequestOut, client, request, flow.Outbound},
			{nacl.RequestIn, server, request, flow.Inbound},
			{nacl.ReplyOut, server, reply, flow.Outbound},
			{nacl.ReplyIn, client, reply, flow.Inbound},
		}
		for _, s := range steps {
			if d := s.ev.Evaluate(s.f, s.dir); d.Verdict != flow.Allow {
				return s.leg, d, true
			}
		}
		return 0, nacl.Decision{}, false
	}
	return portSetOf(func(p uint16) bool { _, _, failed := firstFail(p); return !failed }), firstFail
}

func TestRandomRoundTripAgreesWithBruteForce(t *testing.T) {
	g := newGen(3)
	n := 60
	if testing.Short() {
		n = 10
	}
	for i := range n {
		// Reply-friendly entries are common in real ACLs; mix some in so
		// that the sets are not always empty.
		ca, sa := g.acl("acl-c", 8), g.acl("acl-s", 8)
		if i%2 == 0 {
			ca.Entries = append(ca.Entries, en("32000 allow all to 0.0.0.0/0"), en("32000 allow tcp 1024-40000 from 0.0.0.0/0"))
			sa.Entries = append(sa.Entries, en("32000 allow all from 0.0.0.0/0"), en("32000 allow tcp 30000-65535 to 0.0.0.0/0"))
		}
		client, server := compile(t, ca), compile(t, sa)
		if i%7 == 3 {
			client = nil // the internet
		}
		req := g.flow()
		if i%3 != 0 && !req.Protocol.HasPorts() {
			req = fl("tcp 10.0.0.1:1 -> 10.1.2.3:443")
		}
		rt := nacl.CheckRoundTrip(req, client, server)
		want, firstFail := roundTripByBruteForce(req, client, server)
		require.True(t, want.Equal(rt.Allowed), "case %d %s: CheckRoundTrip %s, brute force %s\nclient %v\nserver %v", i, req, rt.Allowed, want, ca.Entries, sa.Entries)
		require.Len(t, rt.Ranges, len(nacl.EphemeralRanges()))
		for _, c := range rt.Ranges {
			blocked := flow.SetOf(c.Range.Ports).Difference(want)
			require.True(t, blocked.Equal(c.Blocked), "%s: blocked %s, brute force %s", c.Range, c.Blocked, blocked)
			if blocked.IsEmpty() {
				continue
			}
			first := blocked.Ranges()[0].Lo
			leg, d, failed := firstFail(first)
			require.True(t, failed)
			assert.Equal(t, first, c.FirstBlocked)
			assert.Equal(t, leg, c.Leg)
			assert.Equal(t, d, c.Decision)
		}
	}
}

// requireWordsAgree demands that ExplainWords give x's decision and its
// texts, byte for byte.
func requireWordsAgree(t *testing.T, ev *nacl.Evaluator, x nacl.Decision, f flow.Flow, dir flow.Direction) {
	t.Helper()
	d, w := ev.ExplainWords(f, dir)
	want := x
	want.Skipped = nil
	require.Equal(t, want, d, "%s %s", f, dir)
	require.Equal(t, x.String(), w.Reason, "%s %s", f, dir)
	require.Equal(t, x.Entry.String(), w.Rule, "%s %s", f, dir)
	var lines []string
	for _, s := range x.Skipped {
		lines = append(lines, s.String())
	}
	require.Equal(t, lines, w.Skipped, "%s %s", f, dir)
	dd, dw := ev.DecisionWords(f, dir)
	require.Equal(t, d, dd, "DecisionWords: %s %s", f, dir)
	require.Equal(t, nacl.Words{Reason: w.Reason, Rule: w.Rule}, dw, "DecisionWords: %s %s", f, dir)
	v, def, vw := ev.VerdictWords(f, dir)
	require.Equal(t, d.Verdict, v, "VerdictWords: %s %s", f, dir)
	require.Equal(t, d.Default, def, "VerdictWords: %s %s", f, dir)
	require.Equal(t, dw, vw, "VerdictWords: %s %s", f, dir)
}

// TestExplainWordsLongChain holds ExplainWords to Explain past the room
// it keeps on the stack (64 entries), and for a nil Evaluator.
func TestExplainWordsLongChain(t *testing.T) {
	acl := nacl.ACL{ID: "acl-long"}
	for i := range 100 {
		acl.Entries = append(acl.Entries, nacl.Entry{Number: i + 1, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP,
			Ports: flow.PortRange{Lo: uint16(i + 1), Hi: uint16(i + 1 + i%3)}, CIDR: netip.MustParsePrefix("10.0.0.0/8")})
	}
	ev := nacl.MustCompile(acl)
	f := flow.Flow{Protocol: flow.TCP, Src: netip.MustParseAddrPort("10.1.2.3:40000"), Dst: netip.MustParseAddrPort("10.9.9.9:443")}
	requireWordsAgree(t, ev, ev.Explain(f, flow.Inbound), f, flow.Inbound)
	var none *nacl.Evaluator
	requireWordsAgree(t, none, none.Explain(f, flow.Inbound), f, flow.Inbound)
}

// TestRandomPortsAlike: where PortsAlike says a range of ports is decided
// alike, PortRuns gives one decision (verdict and deciding entry) over
// all of it; and it says so of a range no run boundary crosses often
// enough to matter (ACLs without port edges inside it).
func TestRandomPortsAlike(t *testing.T) {
	g := newGen(7)
	n := 300
	if testing.Short() || raceOn {
		n = 80
	}
	alike := 0
	for i := range n {
		acl := g.acl("acl-a", 8)
		ev, err := nacl.Compile(acl)
		require.NoError(t, err)
		f := g.flow()
		if !f.Protocol.HasPorts() {
			f = fl("tcp 10.0.0.1:443 -> 10.0.1.2:1")
		}
		dir := []flow.Direction{flow.Inbound, flow.Outbound}[i%2]
		lo, hi := g.port(), g.port()
		r := flow.PortRange{Lo: min(lo, hi), Hi: max(lo, hi)}
		if !ev.PortsAlike(f, dir, r) {
			continue
		}
		alike++
		var first *nacl.Decision
		for run, d := range ev.PortRuns(f, dir) {
			if run.Hi < r.Lo || run.Lo > r.Hi {
				continue
			}
			if first == nil {
				first = &d
				continue
			}
			require.Equal(t, first.Verdict, d.Verdict, "ACL %d %v, %s %s, ports %s", i, acl.Entries, f, dir, r)
			require.Equal(t, first.Default, d.Default, "ACL %d %v, %s %s, ports %s", i, acl.Entries, f, dir, r)
			require.Equal(t, first.Entry.Number, d.Entry.Number, "ACL %d %v, %s %s, ports %s", i, acl.Entries, f, dir, r)
		}
	}
	assert.Greater(t, alike, n/10, "ranges alike should be common enough to test")
}
