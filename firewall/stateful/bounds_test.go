package stateful

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
)

// boundsVariations lists the field sets a set question varies for f.
func boundsVariations(f flow.Flow) [][]flow.Field {
	out := [][]flow.Field{{flow.FieldSrcAddr}, {flow.FieldDstAddr}}
	switch {
	case f.Protocol.HasPorts():
		out = append(out, []flow.Field{flow.FieldDstPort}, []flow.Field{flow.FieldSrcPort},
			[]flow.Field{flow.FieldDstPort, flow.FieldSrcPort}, []flow.Field{flow.FieldDstPort, flow.FieldDstAddr})
	case f.Protocol.IsICMP():
		out = append(out, []flow.Field{flow.FieldICMPType}, []flow.Field{flow.FieldICMPCode},
			[]flow.Field{flow.FieldICMPType, flow.FieldICMPCode}, []flow.Field{flow.FieldICMPType, flow.FieldSrcAddr})
	}
	return out
}

// checkSessionBounds collects e's bounds for s's flow under every
// variation and checks that each atom is decided alike: verdict, stage,
// deciding rule or default, alerts.
func checkSessionBounds(t *testing.T, r *rand.Rand, e *Engine, s Session, picks int, what func() string) int {
	t.Helper()
	decide := func(f flow.Flow) decisionKey {
		x := s
		x.Flow = f
		return keyOf(e.Evaluate(x))
	}
	n := 0
	for _, vary := range boundsVariations(s.Flow) {
		b := flow.NewBounds(vary...)
		e.Bounds(s.Flow, b)
		k, err := boundstest.Check(r, b, s.Flow, decide, picks)
		if err != nil {
			require.NoError(t, err, "%s\nsession %s (app %q) varying %v", what(), s.Flow, s.Flow.App, vary)
		}
		n += k
	}
	return n
}

// configText prints a config's rules for a failure message.
func configText(cfg Config) string {
	var lines []string
	for _, gr := range cfg.Groups {
		rs, _ := gr.Group.Rules()
		for _, x := range rs {
			lines = append(lines, fmt.Sprintf("  [%s p%d] %s", gr.Group.Name, gr.Priority, x.Text))
		}
	}
	return fmt.Sprintf("%s defaults %v:\n%s", cfg.Order, cfg.Defaults.Names(), strings.Join(lines, "\n"))
}

// TestBoundsAgreeWithEvaluate: for random configurations and sessions,
// every atom of the fields varied is decided alike.
func TestBoundsAgreeWithEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(1414, 14))
	g := generator{r}
	res := randomIPSets
	checked, multi := 0, 0
	for range 250 {
		cfg := g.config()
		e, err := Compile(cfg, res)
		if err != nil {
			continue // conflicting random options
		}
		for range 4 {
			s := g.session()
			b := flow.NewBounds(flow.FieldDstPort)
			e.Bounds(s.Flow, b)
			if len(b.Atoms(flow.FieldDstPort, flow.AllPorts)) > 2 {
				multi++
			}
			checked += checkSessionBounds(t, r, e, s, 4, func() string { return configText(cfg) })
		}
	}
	assert.Greater(t, multi, 200, "rules cut the port space often")
	assert.Greater(t, checked, 5000)
}

// randomICMPRule writes a rule that compares ICMP types and codes.
func randomICMPRule(r *rand.Rand, sid int) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var opts []string
	cmp := func() string {
		return pick("0", "8", "3", "11", "255", ">10", "<5", "<=8", ">=13", "3<>7", "0<>9", "!8", "!=0", "7-9", ">254", "<1", "<=0")
	}
	if r.IntN(3) != 0 {
		opts = append(opts, "itype:"+cmp())
	}
	if r.IntN(2) == 0 {
		opts = append(opts, "icode:"+cmp())
	}
	if r.IntN(4) == 0 {
		opts = append(opts, "flow:"+pick("to_server", "to_client", "established"))
	}
	opts = append(opts, "sid:"+strconv.Itoa(sid))
	return fmt.Sprintf("%s %s %s any %s %s any (%s;)", pick("pass", "drop", "alert", "reject"), pick("icmp", "ip"),
		pick("any", "$HOME_NET", "10.0.0.1", "[!10.0.1.0/24,10.0.0.0/16]"), pick("->", "<>"), pick("any", "$EXTERNAL_NET", "192.0.2.0/24"),
		strings.Join(opts, "; "))
}

// TestBoundsOfICMPComparisons: itype and icode comparisons, on requests
// whose reply type differs (echo) and on those whose reply keeps it.
func TestBoundsOfICMPComparisons(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	checked := 0
	for range 120 {
		var lines []string
		for i := range 1 + r.IntN(6) {
			lines = append(lines, randomICMPRule(r, i+1))
		}
		cfg := Config{Order: RuleOrder(r.IntN(2)), HomeNet: randomHome,
			Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "icmp", RulesString: strings.Join(lines, "\n")}}}}
		cfg.Groups[0].Group.RuleOrder = cfg.Order
		if cfg.Order == StrictOrder && r.IntN(2) == 0 {
			cfg.Defaults.DropStrict = true
		}
		e, err := Compile(cfg, nil)
		require.NoError(t, err, "%s", strings.Join(lines, "\n"))
		for range 3 {
			f := flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), 0),
				Dst: netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), 0), ICMPType: uint8(r.IntN(20)), ICMPCode: uint8(r.IntN(10))}
			if r.IntN(2) == 0 {
				f = f.Reverse()
			}
			checked += checkSessionBounds(t, r, e, Session{Flow: f}, 12, func() string { return configText(cfg) })
		}
	}
	assert.Greater(t, checked, 10000/3)
}

// TestBoundsEdges holds port and address edges, bidirectional rules and
// the application protocols the destination port implies to the same
// check, with many picks.
func TestBoundsEdges(t *testing.T) {
	rules := []string{
		"drop tcp any any -> any 0 (sid:1;)",
		"pass udp any 65535 -> any any (sid:2;)",
		"pass tcp 10.0.0.5 any -> any 1024:65535 (flow:to_server; sid:3;)",
		"drop ip any any -> 255.255.255.255 any (sid:4;)",
		"pass tcp [2001:db8::5/128] any <> any 443 (sid:5;)",
		"alert ip any any -> ::/0 any (sid:6;)",
		"pass ip 0.0.0.0/32 any -> any any (sid:7;)",
		"drop ip any any -> ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff any (sid:8;)",
		"pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:\"example.com\"; sid:9;)",
		"drop http any any <> 192.0.2.0/24 [80,8080] (sid:10;)",
		"pass tcp any [1000:60000,!50000] <> $HOME_NET any (sid:11;)",
		"reject icmp any any -> any any (itype:>10; sid:12;)",
		"pass icmp any any -> any any (itype:<5; icode:3<>7; sid:13;)",
		"drop ip any any -> any any (sameip; sid:14;)",
	}
	r := rand.New(rand.NewPCG(9, 10))
	for _, order := range []RuleOrder{StrictOrder, DefaultActionOrder} {
		cfg := Config{Order: order, HomeNet: randomHome,
			Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "edges", RuleOrder: order, RulesString: strings.Join(rules, "\n")}}}}
		if order == StrictOrder {
			cfg.Defaults.DropEstablished = true
		}
		e, err := Compile(cfg, nil)
		require.NoError(t, err)
		for _, s := range []string{
			"tcp 10.0.0.1:1 -> 10.0.0.2:0", "udp 10.0.0.7:53 -> 10.0.0.7:53", "udp 10.0.0.1:65535 -> 10.0.0.2:65535", "tcp 10.0.0.5:65535 -> 192.0.2.1:65535",
			"udp 10.0.0.1:9 -> 255.255.255.255:9", "tcp [2001:db8::5]:1 -> [2001:db8::2]:443", "tcp 192.0.2.9:80 -> 10.0.0.1:50000",
			"gre 0.0.0.0 -> 10.0.0.1", "tcp 10.0.0.1:50000 -> 198.51.100.1:443", "icmp 10.0.0.1 -> 192.0.2.1 type 8 code 0",
			"icmp 10.0.0.1 -> 192.0.2.1 type 3 code 4", "icmpv6 2001:db8::1 -> ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff type 128 code 0",
		} {
			f := flow.MustParse(s)
			if f.Protocol == flow.TCP && f.Dst.Port() == 443 {
				f.Domain = "www.example.com"
			}
			checkSessionBounds(t, r, e, Session{Flow: f}, 200, func() string { return configText(cfg) })
		}
	}
}

// TestBoundsCoverDefaultAppProto: a tls rule decides a session to 443,
// which DefaultAppProto takes for tls, and not one to 444: the ports the
// table names are atoms of their own.
func TestBoundsCoverDefaultAppProto(t *testing.T) {
	cfg := Config{Order: StrictOrder, HomeNet: randomHome,
		Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "tls", RuleOrder: StrictOrder, RulesString: "drop tls any any -> any any (sid:1;)"}}}}
	e, err := Compile(cfg, nil)
	require.NoError(t, err)
	f := flow.MustParse("tcp 10.0.0.1:50000 -> 192.0.2.1:443")
	at443 := e.Evaluate(Session{Flow: f})
	f444 := f
	f444.Dst = netip.AddrPortFrom(f.Dst.Addr(), 444)
	at444 := e.Evaluate(Session{Flow: f444})
	require.NotEqual(t, keyOf(at443), keyOf(at444), "the rules tell 443 from 444")

	b := flow.NewBounds(flow.FieldDstPort)
	e.Bounds(f, b)
	atoms := b.Atoms(flow.FieldDstPort, flow.AllPorts)
	assert.Contains(t, atoms, flow.PortRange{Lo: 443, Hi: 443}, "443 is an atom")
	assert.Contains(t, atoms, flow.Single[uint16](8443))
	assert.Contains(t, atoms, flow.Single[uint16](80))
	checkSessionBounds(t, rand.New(rand.NewPCG(1, 1)), e, Session{Flow: f}, 300, func() string { return configText(cfg) })

	// UDP has a table of its own; other protocols none.
	b = flow.NewBounds(flow.FieldDstPort)
	e.Bounds(flow.MustParse("udp 10.0.0.1:50000 -> 192.0.2.1:53"), b)
	assert.Contains(t, b.Atoms(flow.FieldDstPort, flow.AllPorts), flow.Single[uint16](123))
	assert.NotContains(t, b.Atoms(flow.FieldDstPort, flow.AllPorts), flow.Single[uint16](80))
}

func TestBoundsOfNilEngineAddNothing(t *testing.T) {
	var e *Engine
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr, flow.FieldICMPType)
	e.Bounds(flow.MustParse("tcp 10.0.0.1:50000 -> 192.0.2.1:443"), b)
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")), 1)
}

// TestIndexedBoundsAgreeWithEveryRule: with fixed addresses, the bounds
// the index of rules by address finds are those of the plain loop over
// every rule, edge for edge, on random configurations and sessions (and
// on each session's reply, whose addresses are swapped).
func TestIndexedBoundsAgreeWithEveryRule(t *testing.T) {
	r := rand.New(rand.NewPCG(1415, 15))
	g := generator{r}
	res := randomIPSets
	fields := []flow.Field{flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}
	compared, cut := 0, 0
	for range cmp.Or(raceN(100), 250) {
		cfg := g.config()
		e, err := Compile(cfg, res)
		if err != nil {
			continue // conflicting random options
		}
		ix := e.addrIndex()
		require.NotNil(t, ix, "a small engine is indexed")
		for range 4 {
			s := g.session()
			for _, f := range []flow.Flow{s.Flow, s.Flow.Reverse()} {
				want, got := flow.NewBounds(fields...), flow.NewBounds(fields...)
				e.bounds(f, want, nil)
				e.bounds(f, got, ix)
				// asked again, the edges kept for the atom pair; and by a
				// Bounds that varies one field (the other port fixed: fewer
				// rules count, kept apart per fixed port), twice, against
				// the plain loop's
				again, one, oneLoop := flow.NewBounds(fields...), flow.NewBounds(flow.FieldSrcPort), flow.NewBounds(flow.FieldSrcPort)
				e.bounds(f, again, ix)
				e.bounds(f, one, ix)
				e.bounds(f, oneLoop, nil)
				oneKept := flow.NewBounds(flow.FieldSrcPort)
				e.bounds(f, oneKept, ix)
				require.Equal(t, one.Atoms(flow.FieldSrcPort, flow.AllPorts), oneKept.Atoms(flow.FieldSrcPort, flow.AllPorts), "one field, kept: %s\nflow %s", configText(cfg), f)
				for _, fd := range fields {
					all := flow.PortRange{Lo: 0, Hi: 65535}
					if fd == flow.FieldICMPType || fd == flow.FieldICMPCode {
						all.Hi = 255
					}
					w := want.Atoms(fd, all)
					require.Equal(t, w, got.Atoms(fd, all), "%s\nflow %s, field %v", configText(cfg), f, fd)
					require.Equal(t, w, again.Atoms(fd, all), "kept: %s\nflow %s, field %v", configText(cfg), f, fd)
					if fd == flow.FieldSrcPort {
						require.Equal(t, oneLoop.Atoms(fd, all), one.Atoms(fd, all), "one field: %s\nflow %s", configText(cfg), f)
					} else {
						require.Len(t, one.Atoms(fd, all), 1, "a field not varied")
					}
					if len(w) > 1 {
						cut++
					}
				}
				compared++
			}
		}
	}
	assert.Greater(t, compared, cmp.Or(raceN(600), 1500))
	assert.Greater(t, cut, 500, "the rules cut the fields often")
}

// TestBoundsOfUnknownIPSet: a rule whose addresses involve an IP set
// whose entries are unknown is undecidable where the set may hold the
// address and decides where the rest of its list holds it: both edges
// are atoms.
func TestBoundsOfUnknownIPSet(t *testing.T) {
	rules := []string{
		"pass tcp [@PU, 192.0.2.0/24] any -> any 443 (sid:1;)",
		"drop tcp any any -> [10.0.0.0/8, !@PU] any (sid:2;)",
		"pass udp any any <> ![@PU, 198.51.100.0/25] 53 (sid:3;)",
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, order := range []RuleOrder{StrictOrder, DefaultActionOrder} {
		grp := RuleGroup{Name: "unknown", RuleOrder: order, RulesString: strings.Join(rules, "\n"), IPSetReferences: map[string]string{"PU": "arn:pl-unknown"}}
		cfg := Config{Order: order, HomeNet: randomHome, Groups: []GroupRef{{Priority: 1, Group: grp}}}
		e, err := Compile(cfg, randomIPSets)
		require.NoError(t, err)
		for _, s := range []string{
			"tcp 192.0.2.7:50000 -> 10.0.0.1:443", "tcp 10.0.0.1:50000 -> 10.1.0.1:22", "tcp 203.0.113.1:50000 -> 10.0.0.1:443",
			"udp 10.0.0.1:50000 -> 198.51.100.1:53", "udp 198.51.100.200:53 -> 10.0.0.1:53",
		} {
			checkSessionBounds(t, r, e, Session{Flow: flow.MustParse(s)}, 200, func() string { return configText(cfg) })
		}
	}
}

// TestBoundsLeaveOutRulesAFixedPortMisses: with the service's port fixed,
// a rule whose port on that side does not admit it (where it would meet
// the request, or the reply) matches no packet of the session, and cuts
// no client port; one that admits it does, and every atom is decided
// alike.
func TestBoundsLeaveOutRulesAFixedPortMisses(t *testing.T) {
	rules := []string{
		"pass tcp any 1000:2000 -> any 80 (sid:1;)",           // meets the request to 80 only
		"drop tcp any 443 -> any 3000:4000 (sid:2;)",          // meets the reply of a session to 443 only
		"pass tcp any [5000:6000,!5500] <> any 8080 (sid:3;)", // both ways, to 8080 only
		"drop tcp any any -> any any (sid:4;)",
	}
	cfg := Config{Order: StrictOrder, HomeNet: randomHome,
		Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "fixed", RuleOrder: StrictOrder, RulesString: strings.Join(rules, "\n")}}}}
	e, err := Compile(cfg, nil)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		to    uint16
		edges []uint16 // where the client-port atoms start, besides 1
	}{
		{80, []uint16{1000, 2001}},
		{443, []uint16{3000, 4001}},
		{8080, []uint16{5000, 5500, 5501, 6001}},
		{22, nil},
	} {
		f := flow.MustParse(fmt.Sprintf("tcp 10.0.0.1:50000 -> 10.0.0.2:%d", tc.to))
		b := flow.NewBounds(flow.FieldSrcPort)
		e.Bounds(f, b)
		var got []uint16
		for _, a := range b.Atoms(flow.FieldSrcPort, flow.AllPorts)[1:] {
			got = append(got, a.Lo)
		}
		assert.Equal(t, tc.edges, got, "client-port edges of a session to %d", tc.to)
		checkSessionBounds(t, r, e, Session{Flow: f}, 200, func() string { return configText(cfg) })
	}
}
