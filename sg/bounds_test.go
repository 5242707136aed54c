package sg_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
	"github.com/reachsim/reachsim/sg"
)

// decisionKey is what must not change within an atom: the verdict and
// what decided it.
type decisionKey struct {
	Verdict   flow.Verdict
	Action    flow.Action
	Basis     sg.Basis
	Default   bool
	Group     string
	RuleIndex int
}

func keyOf(d sg.Decision) decisionKey {
	return decisionKey{d.Verdict, d.Action, d.Basis, d.Default, d.Group, d.RuleIndex}
}

// variations lists the field sets a set question varies for f in dir: ports
// for TCP and UDP, type and code for ICMP, and the peer's address always.
func variations(f flow.Flow, dir flow.Direction) [][]flow.Field {
	peer := flow.FieldSrcAddr
	if dir == flow.Outbound {
		peer = flow.FieldDstAddr
	}
	out := [][]flow.Field{{peer}}
	switch {
	case f.Protocol.HasPorts():
		out = append(out, []flow.Field{flow.FieldDstPort}, []flow.Field{flow.FieldSrcPort},
			[]flow.Field{flow.FieldDstPort, flow.FieldSrcPort}, []flow.Field{flow.FieldDstPort, peer})
	case f.Protocol.IsICMP():
		out = append(out, []flow.Field{flow.FieldICMPType}, []flow.Field{flow.FieldICMPCode},
			[]flow.Field{flow.FieldICMPType, flow.FieldICMPCode})
	}
	return out
}

// checkBounds collects e's bounds for f in dir under every variation and
// checks that each atom is decided alike; it returns the number of atom
// combinations checked.
func checkBounds(t *testing.T, r *rand.Rand, e *sg.Evaluator, f flow.Flow, dir flow.Direction, picks int, what string) int {
	t.Helper()
	n := 0
	for _, vary := range variations(f, dir) {
		b := flow.NewBounds(vary...)
		e.Bounds(f, dir, b)
		k, err := boundstest.Check(r, b, f, func(g flow.Flow) decisionKey { return keyOf(e.Evaluate(g, dir)) }, picks)
		require.NoError(t, err, "%s: %s %s varying %v", what, dir, f, vary)
		n += k
	}
	return n
}

// TestBoundsAgreeWithEvaluate: for random groups and flows, every atom
// of the fields varied is decided by one rule (or one default).
func TestBoundsAgreeWithEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	checked, multi := 0, 0
	for i := range 400 {
		res := randomWorld(r)
		groups := randomGroups(r, res)
		e, err := sg.Compile(groups, res)
		require.NoError(t, err, "case %d", i)
		for range 6 {
			f := randomFlow(r)
			dir := flow.Direction(r.IntN(2))
			b := flow.NewBounds(flow.FieldDstPort)
			e.Bounds(f, dir, b)
			if len(b.Atoms(flow.FieldDstPort, flow.AllPorts)) > 1 {
				multi++
			}
			checked += checkBounds(t, r, e, f, dir, 6, fmt.Sprintf("case %d, groups %+v", i, groups))
		}
	}
	assert.Greater(t, multi, 300, "rules cut the port space often")
	assert.Greater(t, checked, 20000)
}

// TestBoundsEdges holds the edges of the port and address spaces and the
// Alibaba source ports to the same check, with many picks.
func TestBoundsEdges(t *testing.T) {
	cidr := sg.CIDR
	portZero := in("tcp 0", cidr("0.0.0.0/0"))
	portZero.PortZero = true
	withSrc := func(r sg.Rule, lo, hi uint16) sg.Rule { r.SourcePorts = flow.PortRange{Lo: lo, Hi: hi}; return r }
	tests := []struct {
		name   string
		groups []sg.Group
		flows  []string
	}{
		{"port 0 alone", []sg.Group{group("sg-1", portZero, in("udp 65535", cidr("10.0.0.0/8")))},
			[]string{"tcp 10.0.0.1:1 -> 10.0.0.2:0", "udp 10.0.0.1:1 -> 10.0.0.2:65535", "tcp 192.0.2.1:65535 -> 10.0.0.2:1"}},
		{"ranges ending at 65535", []sg.Group{group("sg-1", in("tcp 1024-65535", cidr("10.0.0.0/8")), in("tcp 65535", cidr("0.0.0.0/0")),
			in("udp 0-65535", cidr("10.0.0.5/32")))},
			[]string{"tcp 10.0.0.1:1 -> 10.0.0.2:65535", "tcp 11.0.0.1:1 -> 10.0.0.2:65534", "udp 10.0.0.5:1 -> 10.0.0.2:0"}},
		{"prefixes /0, /32 and /128", []sg.Group{group("sg-1", in("tcp 22", cidr("0.0.0.0/0")), in("tcp 23", cidr("10.0.0.5/32")),
			in("tcp 24", cidr("::/0")), in("tcp 25", cidr("2001:db8::5/128")), in("all", cidr("255.255.255.255/32")),
			in("all", cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")), out("all", cidr("0.0.0.0/32")))},
			[]string{"tcp 10.0.0.5:1 -> 10.0.0.2:23", "tcp [2001:db8::5]:1 -> [2001:db8::2]:25", "udp 255.255.255.255:9 -> 10.0.0.1:9",
				"gre 0.0.0.0 -> 10.0.0.1"}},
		{"ICMP types and codes", []sg.Group{group("sg-1", in("icmp 8/0", cidr("0.0.0.0/0")), in("icmp 3/-1", cidr("10.0.0.0/8")),
			in("icmpv6 128/0", cidr("::/0")), in("icmpv6 255/255", cidr("::/0")), in("icmp 0/255", cidr("0.0.0.0/0")))},
			[]string{"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4",
				"icmpv6 2001:db8::1 -> 2001:db8::2 type 128 code 0", "icmpv6 2001:db8::1 -> 2001:db8::2 type 255 code 255"}},
		{"Alibaba source ports", []sg.Group{aliGroup("sg-1", sg.AlibabaEnterprise,
			ali(withSrc(in("tcp 22", sg.AnyIPv4), 1000, 2000), flow.Drop, 1),
			ali(withSrc(in("tcp 22", sg.AnyIPv4), 0, 0), flow.Pass, 2),
			ali(withSrc(in("tcp 1-65535", sg.AnyIPv4), 60000, 65535), flow.Pass, 3),
			ali(in("udp 53", sg.AnyIPv4), flow.Pass, 4))},
			[]string{"tcp 10.0.0.1:1500 -> 10.0.0.2:22", "tcp 10.0.0.1:65535 -> 10.0.0.2:65535", "udp 10.0.0.1:0 -> 10.0.0.2:53"}},
		{"Alibaba basic inner access", []sg.Group{
			{ID: "sg-1", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{ali(in("tcp 22", sg.AnyIPv4), flow.Drop, 1), ali(out("tcp 443", sg.GroupRef("sg-2")), flow.Pass, 1)}},
			{ID: "sg-2", Flavour: sg.AlibabaBasic, InnerAccessDrop: true}},
			[]string{"tcp 10.0.0.1:1 -> 10.0.0.2:22", "tcp 10.0.0.3:1 -> 10.0.0.4:443"}},
	}
	res := sg.StaticResolver{Members: map[string][]netip.Addr{
		"sg-1": addrs("10.0.0.1", "10.0.0.2"), "sg-2": addrs("10.0.0.3", "10.0.0.4"),
	}}
	r := rand.New(rand.NewPCG(5, 6))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := sg.Compile(tt.groups, res)
			require.NoError(t, err)
			for _, s := range tt.flows {
				f := flow.MustParse(s)
				for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
					checkBounds(t, r, e, f, dir, 200, tt.name)
				}
			}
		})
	}
}

// TestBoundsPortAtoms shows the atoms of a simple group: the rules'
// ranges, nothing more.
func TestBoundsPortAtoms(t *testing.T) {
	portZero := in("tcp 0", sg.AnyIPv4)
	portZero.PortZero = true
	e, err := sg.Compile([]sg.Group{group("sg-1", in("tcp 22", sg.AnyIPv4), in("tcp 1024-65535", sg.AnyIPv4), portZero,
		in("udp 53", sg.AnyIPv4), in("tcp 80", sg.CIDR("192.0.2.0/24")))}, nil)
	require.NoError(t, err)
	b := flow.NewBounds(flow.FieldDstPort)
	e.Bounds(flow.MustParse("tcp 10.0.0.1:1000 -> 10.0.0.2:22"), flow.Inbound, b)
	assert.Equal(t, []flow.PortRange{{Lo: 0, Hi: 0}, {Lo: 1, Hi: 21}, {Lo: 22, Hi: 22}, {Lo: 23, Hi: 1023}, {Lo: 1024, Hi: 65535}},
		b.Atoms(flow.FieldDstPort, flow.AllPorts), "udp 53 is another protocol, tcp 80 another peer")

	b = flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	e.Bounds(flow.MustParse("tcp 10.0.0.1:1000 -> 10.0.0.2:22"), flow.Inbound, b)
	assert.Len(t, b.Atoms(flow.FieldDstPort, flow.AllPorts), 7, "with the peer varied, tcp 80 counts")
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, addr("0.0.0.0"), addr("255.255.255.255")), 3)
}

func TestBoundsOfNilEvaluatorAddNothing(t *testing.T) {
	var e *sg.Evaluator
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcPort, flow.FieldSrcAddr, flow.FieldDstAddr)
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		e.Bounds(flow.MustParse("tcp 10.0.0.1:1000 -> 10.0.0.2:22"), dir, b)
	}
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldSrcPort, flow.AllPorts))
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, addr("0.0.0.0"), addr("255.255.255.255")), 1)
	assert.Len(t, b.AddrAtoms(flow.FieldDstAddr, addr("0.0.0.0"), addr("255.255.255.255")), 1)
}

// TestBoundsLeaveKnownAddressesToTheCaller: a rule referencing a group
// whose members are unknown is indeterminate for a peer that might be a
// member, and denies one [sg.UnknownMembers.Known] rules out. Bounds
// cannot list what a function knows: the caller adds those addresses.
func TestBoundsLeaveKnownAddressesToTheCaller(t *testing.T) {
	designed := addr("10.0.0.1")
	e, err := sg.Compile([]sg.Group{group("sg-db", in("tcp 5432", sg.GroupRef("sg-peer")), in("tcp 5432", sg.CIDR("10.1.0.0/16")))},
		unknownResolver{Known: func(a netip.Addr) bool { return a == designed }})
	require.NoError(t, err)
	f := flow.MustParse("tcp 10.2.0.5:50000 -> 10.0.3.30:5432")
	decide := func(g flow.Flow) decisionKey { return keyOf(e.Evaluate(g, flow.Inbound)) }
	require.NotEqual(t, decide(f), decide(flow.MustParse("tcp 10.0.0.1:50000 -> 10.0.3.30:5432")))

	b := flow.NewBounds(flow.FieldSrcAddr)
	e.Bounds(f, flow.Inbound, b)
	atoms := b.AddrAtoms(flow.FieldSrcAddr, addr("0.0.0.0"), addr("255.255.255.255"))
	assert.NotContains(t, atoms, flow.AddrRange{From: designed, To: designed}, "Bounds does not know the known addresses")

	b.AddAddr(flow.FieldSrcAddr, designed) // the caller's part
	r := rand.New(rand.NewPCG(4, 4))
	_, err = boundstest.Check(r, b, f, decide, 200)
	require.NoError(t, err)
}

// TestPortVerdictsAgreeWithEvaluate: for random AWS groups and flows,
// the ports PortVerdicts allows, leaves undecided and denies are those
// Evaluate allows, leaves undecided and denies, at every port edge and
// at random ports.
func TestPortVerdictsAgreeWithEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(56, 78))
	cases, partial := 0, 0
	for i := range 400 {
		res := randomWorld(r)
		groups := randomGroups(r, res)
		e, err := sg.Compile(groups, res)
		require.NoError(t, err, "case %d", i)
		for range 6 {
			f := randomFlow(r)
			dir := flow.Direction(r.IntN(2))
			allow, und, ok := e.PortVerdicts(f, dir)
			if e.Flavour() != sg.AWS || !f.Protocol.HasPorts() {
				require.False(t, ok, "case %d", i)
				continue
			}
			require.True(t, ok, "case %d", i)
			cases++
			if !allow.IsEmpty() && !allow.IsFull() {
				partial++
			}
			ports := []uint16{0, 1, 65535}
			for _, s := range []flow.PortSet{allow, und} {
				for _, rg := range s.Ranges() {
					ports = append(ports, rg.Lo, rg.Hi, rg.Lo-1, rg.Hi+1)
				}
			}
			for range 20 {
				ports = append(ports, uint16(r.IntN(65536)))
			}
			for _, p := range ports {
				g := f
				g.Dst = netip.AddrPortFrom(f.Dst.Addr(), p)
				want := flow.Deny
				switch {
				case allow.Contains(p):
					want = flow.Allow
				case und.Contains(p):
					want = flow.Indeterminate
				}
				require.Equal(t, e.Evaluate(g, dir).Verdict, want, "case %d: %s %s port %d", i, dir, f, p)
			}
		}
	}
	assert.Greater(t, cases, 200)
	assert.Greater(t, partial, 30, "rules allow part of the port space often")
	var nilEv *sg.Evaluator
	allow, und, ok := nilEv.PortVerdicts(flow.MustParse("tcp 10.0.0.1:1 -> 10.0.0.2:2"), flow.Inbound)
	assert.True(t, ok)
	assert.True(t, allow.IsFull())
	assert.True(t, und.IsEmpty())
}

// TestPeerPrefixesTellPeersApart: in random AWS evaluators, two peer
// addresses that every block PeerPrefixes names holds alike and that are
// members of the same groups get the same verdict on every flow, and the
// same PortVerdicts; and the blocks are the rules' CIDR blocks and prefix
// lists' entries, not the referenced groups' members.
func TestPeerPrefixesTellPeersApart(t *testing.T) {
	r := rand.New(rand.NewPCG(91, 3))
	pool := append(append([]netip.Addr{}, randAddrs4...), randAddrs6...)
	compared, apart := 0, 0
	for i := range 300 {
		res := randomWorld(r)
		groups := randomGroups(r, res)
		for j := range groups {
			groups[j].Flavour = sg.AWS
			for k := range groups[j].Rules {
				groups[j].Rules[k].Action, groups[j].Rules[k].Priority, groups[j].Rules[k].SourcePorts = 0, 0, flow.PortRange{}
			}
		}
		e, err := sg.Compile(groups, res)
		require.NoError(t, err, "case %d", i)
		var blocks []netip.Prefix
		for _, g := range groups {
			for _, rl := range g.Rules {
				switch rl.Peer.Kind {
				case sg.PeerCIDR:
					blocks = append(blocks, rl.Peer.CIDR)
				case sg.PeerPrefixList:
					blocks = append(blocks, res.PrefixLists[rl.Peer.PrefixList]...)
				}
			}
		}
		got := e.PeerPrefixes()
		for _, p := range blocks {
			require.Contains(t, got, p, "case %d", i)
		}
		for _, p := range got {
			require.Contains(t, blocks, p, "case %d", i)
		}
		same := func(a, b netip.Addr) bool {
			for _, p := range got {
				if p.Contains(a) != p.Contains(b) {
					return false
				}
			}
			for _, ms := range res.Members {
				if slices.Contains(ms, a) != slices.Contains(ms, b) {
					return false
				}
			}
			return a.Is4() == b.Is4()
		}
		for range 10 {
			f := randomFlow(r)
			dir := flow.Direction(r.IntN(2))
			a := pool[r.IntN(len(pool))]
			if !same(a, peerOf(f, dir)) {
				apart++
				continue
			}
			compared++
			g := f
			if dir == flow.Inbound {
				g.Src = netip.AddrPortFrom(a, f.Src.Port())
			} else {
				g.Dst = netip.AddrPortFrom(a, f.Dst.Port())
			}
			require.Equal(t, e.Evaluate(f, dir).Verdict, e.Evaluate(g, dir).Verdict, "case %d: %s vs %s", i, f, g)
			a1, u1, _ := e.PortVerdicts(f, dir)
			a2, u2, _ := e.PortVerdicts(g, dir)
			require.True(t, a1.Equal(a2) && u1.Equal(u2), "case %d: %s vs %s", i, f, g)
		}
	}
	assert.Greater(t, compared, 100)
	assert.Greater(t, apart, 100)
	var nilEv *sg.Evaluator
	assert.Empty(t, nilEv.PeerPrefixes())
}

func peerOf(f flow.Flow, dir flow.Direction) netip.Addr {
	if dir == flow.Inbound {
		return f.Src.Addr()
	}
	return f.Dst.Addr()
}
