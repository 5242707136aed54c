package reach

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
)

// The ACL lint against the evaluator: a shadowed entry never decides a
// packet; a redundant entry's removal (alone, or with every shadowed
// entry) changes no verdict; and the other way, the witness cell of an
// entry that is not shadowed is decided by it, and that of an entry that
// is not redundant changes verdict without it.

var (
	lintPrefixes4 = []string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.128/25", "10.0.1.7/32", "192.0.2.0/24", "128.0.0.0/1"}
	lintPrefixes6 = []string{"::/0", "2001:db8::/32", "2001:db8::/64", "2001:db8::/100", "2001:db8::7/128", "8000::/1"}
	lintPorts     = []flow.PortRange{flow.AllPorts, {Lo: 22, Hi: 22}, {Lo: 0, Hi: 1023}, {Lo: 1024, Hi: 65535}, {Lo: 80, Hi: 443}, {Lo: 443, Hi: 443}, {Lo: 32768, Hi: 60999}}
	lintProtos    = []flow.Protocol{flow.AllProtocols, flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE}
)

// randomEntries writes up to n random entries of random directions and
// families.
func randomEntries(r *rand.Rand, n int) []nacl.Entry {
	var out []nacl.Entry
	for i := range 1 + r.IntN(n) {
		e := nacl.Entry{Number: 10 * (i + 1), Action: flow.Pass, Direction: flow.Direction(r.IntN(2)), Protocol: lintProtos[r.IntN(len(lintProtos))]}
		if r.IntN(2) == 0 {
			e.Action = flow.Drop
		}
		ps := lintPrefixes4
		if r.IntN(4) == 0 {
			ps = lintPrefixes6
		}
		e.CIDR = netip.MustParsePrefix(ps[r.IntN(len(ps))])
		switch {
		case e.Protocol.HasPorts():
			e.Ports = lintPorts[r.IntN(len(lintPorts))]
		case e.Protocol.IsICMP():
			e.ICMPType, e.ICMPCode = -1, -1
			if r.IntN(2) == 0 {
				e.ICMPType = int16([]int{0, 3, 8}[r.IntN(3)])
				if r.IntN(2) == 0 {
					e.ICMPCode = int16(r.IntN(3))
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// cellPacket is the flow at the low corner of cell, crossing in dir.
func cellPacket(cell box, dir flow.Direction, v6 bool) flow.Flow {
	a := spanAddr(cell[boxAddrHi].lo, cell[boxAddrLo].lo, v6)
	return lintPacket(flow.Protocol(cell[boxProto].lo), a, uint16(cell[boxPort].lo), int16(cell[boxType].lo), int16(cell[boxCode].lo), dir)
}

// lintPacket is a packet of proto whose peer address (the source inbound,
// the destination outbound) is a.
func lintPacket(proto flow.Protocol, a netip.Addr, port uint16, typ, code int16, dir flow.Direction) flow.Flow {
	other := netip.MustParseAddr("172.16.0.1")
	if a.Is6() {
		other = netip.MustParseAddr("fd00::1")
	}
	f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(a, 0), Dst: netip.AddrPortFrom(other, 0)}
	if dir == flow.Outbound {
		f.Src, f.Dst = f.Dst, f.Src
	}
	if proto.HasPorts() {
		f.Dst = netip.AddrPortFrom(f.Dst.Addr(), port)
		f.Src = netip.AddrPortFrom(f.Src.Addr(), 40000)
	}
	if proto.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(typ), uint8(code)
	}
	return f
}

// probes are packets at and around every edge of the entries.
func probes(r *rand.Rand, entries []nacl.Entry, dir flow.Direction, v6 bool, n int) []flow.Flow {
	var addrs []netip.Addr
	ports := []uint16{0, 1, 65535}
	types := []int16{0, 3, 8, 255}
	for _, e := range entries {
		if e.Is6() != v6 {
			continue
		}
		p := e.CIDR.Masked()
		last := addrset.Last(p)
		addrs = append(addrs, p.Addr(), last)
		if x := p.Addr().Prev(); x.IsValid() {
			addrs = append(addrs, x)
		}
		if x := last.Next(); x.IsValid() {
			addrs = append(addrs, x)
		}
		lo, hi := e.Ports.Lo, e.Ports.Hi
		ports = append(ports, lo, hi, lo-1, hi+1)
		if e.ICMPType >= 0 {
			types = append(types, e.ICMPType, e.ICMPType+1)
		}
		if e.ICMPCode >= 0 {
			types = append(types, e.ICMPCode, e.ICMPCode+1)
		}
	}
	if len(addrs) == 0 {
		return nil
	}
	protos := []flow.Protocol{flow.TCP, flow.UDP, flow.GRE, 0, 255}
	if v6 {
		protos = append(protos, flow.ICMPv6)
	} else {
		protos = append(protos, flow.ICMP)
	}
	out := make([]flow.Flow, 0, n)
	for range n {
		p := protos[r.IntN(len(protos))]
		out = append(out, lintPacket(p, addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))], types[r.IntN(len(types))], types[r.IntN(len(types))], dir))
	}
	return out
}

// cellCorners are the low corners of the cells the entries cut the
// family's packets into: one packet per atom of the decision.
func cellCorners(entries []nacl.Entry, dir flow.Direction, v6 bool) []flow.Flow {
	boxes := make([]box, len(entries))
	all := make([]int32, len(entries))
	for i, e := range entries {
		boxes[i], all[i] = aclBox(e), int32(i)
	}
	dom, none := aclDomain(v6)
	var out []flow.Flow
	partition(boxes, all, dom, 0, [][]uint64{{none, none + 1}}, func(cell box, _ []int32) bool {
		if cell[boxProto].lo != none {
			out = append(out, cellPacket(cell, dir, v6))
		}
		return true
	})
	return out
}

// without compiles the ACL of entries less those drop says.
func without(entries []nacl.Entry, drop func(int) bool) *nacl.Evaluator {
	var keep []nacl.Entry
	for i, e := range entries {
		if !drop(i) {
			keep = append(keep, e)
		}
	}
	return nacl.MustCompile(nacl.ACL{ID: "acl-x", Entries: keep})
}

func TestLintACLAgainstEvaluator(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	acls, packets := 600, 300
	if testing.Short() || raceOn {
		acls = 150
	}
	counts := map[string]int{}
	for range acls {
		all := randomEntries(r, 14)
		ev := nacl.MustCompile(nacl.ACL{ID: "acl-x", Entries: all})
		for d, byFam := range chains(ev) {
			for fam, entries := range byFam {
				if len(entries) == 0 {
					continue
				}
				dir, v6 := flow.Direction(d), fam == 1
				c := lintChain(entries, v6)
				// the chain alone, as its own ACL, decides as in the whole ACL
				chain := nacl.MustCompile(nacl.ACL{ID: "acl-x", Entries: entries})
				ps := append(probes(r, entries, dir, v6, packets), cellCorners(entries, dir, v6)...)
				noShadowed := without(entries, func(i int) bool { return c.shadowed[i] })
				for i, e := range entries {
					what := fmt.Sprintf("%s %s entry %s in %v", dir, map[bool]string{false: "IPv4", true: "IPv6"}[v6], e, entries)
					switch {
					case c.shadowed[i]:
						counts["shadowed"]++
						require.Nil(t, c.wit[i], what)
						for _, p := range ps {
							d := chain.Evaluate(p, dir)
							require.False(t, !d.Default && d.Entry.Number == e.Number, "%s: shadowed, yet decides %v", what, p)
						}
					default:
						d := chain.Evaluate(cellPacket(c.wit[i], dir, v6), dir)
						same(t, e.Number, d.Entry.Number, "%s: its witness %v is decided by %s", what, c.wit[i], d.Entry)
					}
					if c.shadowed[i] {
						continue
					}
					alone := without(entries, func(j int) bool { return j == i })
					both := without(entries, func(j int) bool { return j == i || c.shadowed[j] })
					if c.redundant[i] {
						counts["redundant"]++
						for _, p := range ps {
							want := chain.Evaluate(p, dir).Verdict
							same(t, want, alone.Evaluate(p, dir).Verdict, "%s: redundant, yet its removal changes %v", what, p)
							same(t, want, both.Evaluate(p, dir).Verdict, "%s: redundant, yet its removal with the shadowed changes %v", what, p)
						}
						continue
					}
					counts["needed"]++
					p := cellPacket(c.diff[i], dir, v6)
					want := chain.Evaluate(p, dir).Verdict
					require.True(t, alone.Evaluate(p, dir).Verdict != want || both.Evaluate(p, dir).Verdict != want,
						"%s: needed, but its witness %v does not change", what, p)
				}
				for _, p := range ps { // removing every shadowed entry changes nothing
					same(t, chain.Evaluate(p, dir).Verdict, noShadowed.Evaluate(p, dir).Verdict, "%v: %v", entries, p)
				}
			}
		}
	}
	t.Logf("%v", counts)
	require.Greater(t, counts["shadowed"], acls/4)
	require.Greater(t, counts["redundant"], acls/4)
	require.Greater(t, counts["needed"], acls)
}
