package stateless_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
)

// decisionKey is what must not change within an atom: the action and the
// deciding rule (or default).
type decisionKey struct {
	Action                      flow.Action
	Group                       string
	GroupPriority, RulePriority int
	Default, Fragment, FragDrop bool
}

func keyOf(d stateless.Decision) decisionKey {
	return decisionKey{d.Action, d.Group, d.GroupPriority, d.RulePriority, d.Default, d.Fragment, d.FragmentDrop}
}

// sessionKey is the decisions on a request packet and on its reply.
type sessionKey struct{ Request, Reply decisionKey }

// variations lists the field sets a set question varies for f.
func variations(f flow.Flow) [][]flow.Field {
	out := [][]flow.Field{{flow.FieldSrcAddr}, {flow.FieldDstAddr}}
	switch {
	case f.Protocol.HasPorts():
		out = append(out, []flow.Field{flow.FieldDstPort}, []flow.Field{flow.FieldSrcPort},
			[]flow.Field{flow.FieldDstPort, flow.FieldSrcPort}, []flow.Field{flow.FieldDstPort, flow.FieldSrcAddr})
	case f.Protocol.IsICMP():
		out = append(out, []flow.Field{flow.FieldICMPType, flow.FieldICMPCode})
	}
	return out
}

// checkBounds collects e's bounds for the session of p's flow under every
// variation, and checks that each atom is decided alike, for the request
// packet (p's flags and fragment bit) and for its reply.
func checkBounds(t *testing.T, r *rand.Rand, e *stateless.Engine, p stateless.Packet, picks int, what string) int {
	t.Helper()
	decide := func(g flow.Flow) sessionKey {
		req := p
		req.Flow = g
		rep := p
		rep.Flow = g.Reverse()
		return sessionKey{keyOf(e.Evaluate(req)), keyOf(e.Evaluate(rep))}
	}
	n := 0
	for _, vary := range variations(p.Flow) {
		b := flow.NewBounds(vary...)
		e.Bounds(p.Flow, b)
		k, err := boundstest.Check(r, b, p.Flow, decide, picks)
		require.NoError(t, err, "%s: %s varying %v", what, p, vary)
		n += k
	}
	return n
}

// TestBoundsAgreeWithEvaluate: for random configs and packets, every atom
// of the fields varied is decided by one rule, the request and the reply.
func TestBoundsAgreeWithEvaluate(t *testing.T) {
	g := newGen(1313)
	r := rand.New(rand.NewPCG(13, 13))
	checked, multi := 0, 0
	for c := range 250 {
		cfg := g.config()
		e := mustCompile(t, cfg)
		for range 5 {
			p := g.packet()
			b := flow.NewBounds(flow.FieldDstPort)
			e.Bounds(p.Flow, b)
			if len(b.Atoms(flow.FieldDstPort, flow.AllPorts)) > 2 {
				multi++
			}
			checked += checkBounds(t, r, e, p, 5, fmt.Sprintf("config %d", c))
		}
	}
	assert.Greater(t, multi, 200, "rules cut the port space often")
	assert.Greater(t, checked, 5000)
}

// TestBoundsEdges holds the edges of the port and address spaces to the
// same check, with many picks.
func TestBoundsEdges(t *testing.T) {
	cfg := cfgOf(flow.Forward,
		group(1, "edges",
			rule(1, flow.Drop, proto(flow.TCP), dport(0, 0)),
			rule(2, flow.Pass, proto(flow.UDP), sport(65535, 65535)),
			rule(3, flow.Pass, proto(flow.TCP), dport(1024, 65535), src("10.0.0.5/32")),
			rule(4, flow.Drop, src("0.0.0.0/0"), dst("255.255.255.255/32")),
			rule(5, flow.Pass, src("2001:db8::5/128"), dport(443, 443)),
			rule(6, flow.Drop, dst("::/0"), sport(0, 1023)),
			rule(7, flow.Pass, src("0.0.0.0/32")),
			rule(8, flow.Drop, dst("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")),
			rule(9, flow.Pass, proto(flow.TCP), sport(22, 22), flagsOpt(stateless.SYN|stateless.ACK, stateless.SYN|stateless.ACK)),
		))
	e := mustCompile(t, cfg)
	r := rand.New(rand.NewPCG(7, 8))
	for _, p := range []stateless.Packet{
		pkt("tcp 10.0.0.1:1 -> 10.0.0.2:0", stateless.SYN), pkt("udp 10.0.0.1:65535 -> 10.0.0.2:65535"),
		pkt("tcp 10.0.0.5:65535 -> 10.0.0.2:65535", stateless.ACK), pkt("udp 10.0.0.1:9 -> 255.255.255.255:9"),
		pkt("tcp [2001:db8::5]:1 -> [2001:db8::2]:443", stateless.SYN), pkt("tcp 10.0.0.2:22 -> 10.0.0.1:50000", stateless.SYN, stateless.ACK),
		pkt("gre 0.0.0.0 -> 10.0.0.1"), pkt("icmpv6 2001:db8::1 -> ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff type 128 code 0"),
		{Flow: flow.MustParse("udp 10.0.0.1:1 -> 10.0.0.2:53"), Fragment: true},
	} {
		checkBounds(t, r, e, p, 200, "edges")
	}
}

func TestBoundsAddBothWays(t *testing.T) {
	e := mustCompile(t, cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.TCP), dport(443, 443), dst("192.0.2.0/24")))))
	b := flow.NewBounds(flow.FieldSrcPort, flow.FieldDstPort, flow.FieldSrcAddr)
	e.Bounds(flow.MustParse("tcp 10.0.0.1:50000 -> 192.0.2.1:443"), b)
	want := []flow.PortRange{{Lo: 0, Hi: 442}, {Lo: 443, Hi: 443}, {Lo: 444, Hi: 65535}}
	assert.Equal(t, want, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Equal(t, want, b.Atoms(flow.FieldSrcPort, flow.AllPorts), "the reply's source port is the request's destination port")
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")), 3,
		"the reply's source address is the request's destination")
}

func TestBoundsOfNilEngineAddNothing(t *testing.T) {
	var e *stateless.Engine
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	e.Bounds(flow.MustParse("tcp 10.0.0.1:50000 -> 192.0.2.1:443"), b)
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")), 1)
}
