package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// portEdgeSpice adds to riskyDesign's groups inbound rules opening
// narrow port ranges (at most 40 ports, some at 0-, 1- and -65535) of tcp
// or udp to internet blocks of both families, and to its custom network
// ACLs entries over wide ranges, so that the ports a rule opens fall
// into several atoms; it returns the edges of those ranges (each range's
// first port and the one past its last), which the per-port reference
// is asked at.
func portEdgeSpice(rng *rand.Rand, d *sample.Design) []uint16 {
	var edges []uint16
	narrow := func() flow.PortRange {
		var lo uint16
		switch rng.IntN(5) {
		case 0:
			lo = 0
		case 1:
			lo = 1
		case 2:
			lo = 65535 - uint16(rng.IntN(40))
		default:
			lo = uint16(rng.IntN(65536))
		}
		hi := uint16(min(65535, int(lo)+rng.IntN(40)))
		edges = append(edges, lo, hi, hi+1, lo-1)
		return flow.PortRange{Lo: lo, Hi: hi}
	}
	peers := []sg.Peer{sg.AnyIPv4, sg.AnyIPv6, sg.CIDR("198.51.100.0/24"), sg.CIDR("2001:db8:77::/48")}
	for i := range d.Groups {
		for range rng.IntN(5) {
			proto := []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: proto, Ports: narrow(), Peer: peers[rng.IntN(len(peers))]})
		}
	}
	// the ACL entries' blocks: some hold none of the first internet
	// addresses, which a question's walk is asked from
	var cidrs []netip.Prefix
	for _, c := range []string{"0.0.0.0/0", "0.0.0.0/0", "3.0.0.0/8", "77.0.0.0/8", "::/0", "2400::/12", "2a00:1450::/32"} {
		cidrs = append(cidrs, netip.MustParsePrefix(c))
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if len(a.Entries) == 0 || a.Entries[0].Number > 100 {
			continue
		}
		for k := range rng.IntN(6) {
			lo := uint16(rng.IntN(65536))
			hi := uint16(min(65535, int(lo)+rng.IntN(30000)))
			if rng.IntN(3) == 0 {
				lo, hi = narrow().Lo, narrow().Hi
				lo, hi = min(lo, hi), max(lo, hi)
			}
			edges = append(edges, lo, hi, hi+1, lo-1)
			a.Entries = append(a.Entries, nacl.Entry{Number: 10 + k, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol:  []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)], CIDR: cidrs[rng.IntN(len(cidrs))],
				Ports: flow.PortRange{Lo: lo, Hi: hi}})
		}
	}
	return edges
}

// portAnswer is one port's answer at one address of an interface, as a
// finding gives it; ClosedBy's fix, which names the finding's first
// port, apart.
type portAnswer struct {
	Exposure reach.Exposure
	Sources  []netip.Prefix
	OpenedBy []string
	ClosedBy []reach.Block
}

// portKey is a port of a service's protocol at one address.
type portKey struct {
	iface, at string
	proto     flow.Protocol
	port      uint16
}

// byPort spreads findings over their ports.
func byPort(t *testing.T, fs []reach.Finding, msg string) map[portKey]portAnswer {
	t.Helper()
	out := map[portKey]portAnswer{}
	for _, f := range fs {
		closed := slices.Clone(f.ClosedBy)
		for i := range closed {
			closed[i].Fix = ""
		}
		at := fmt.Sprint(f.Address, f.Prefix, f.PrefixesUnknown)
		for _, r := range f.Ports.Ranges() {
			for p := uint32(r.Lo); p <= uint32(r.Hi); p++ {
				k := portKey{f.Interface, at, f.Protocol, uint16(p)}
				_, dup := out[k]
				require.False(t, dup, "%s: two findings for %+v", msg, k)
				out[k] = portAnswer{f.Exposure, f.Sources, f.OpenedBy, closed}
			}
		}
	}
	return out
}

// TestAuditPortAtomsAgreeWithPorts holds Audit's port atoms (a walk per
// set of ports no filter tells apart) to the per-port reference (a walk
// per port, as Audit did before: reach.AuditEveryPort) on random designs
// whose rules open narrow port ranges, some at 0, 1 and 65535, behind
// network ACLs and firewalls that cut the ports elsewhere: a catalogue of
// wide services (every tcp port, every udp port, ranges around the
// edges) must get the same findings, one per service, and, with ByPort,
// a finding per set of ports answered alike whose every port is answered
// as a catalogue of one service per port answers it (what
// reachtest.AssertNotExposed asked before): exposure, sources, the rules
// that open it and the hops that close it.
func TestAuditPortAtomsAgreeWithPorts(t *testing.T) {
	designs := 12
	if testing.Short() || raceOn {
		designs = 4
	}
	stats := map[reach.Exposure]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 0xa70))
		d := riskyDesign(rng)
		edges := portEdgeSpice(rng, d)
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), d)
		for i := range d.Groups { // no rule opens every port: the reference walks each opened one
			d.Groups[i].Rules = slices.DeleteFunc(d.Groups[i].Rules, func(r sg.Rule) bool {
				return r.Direction == flow.Inbound && r.Protocol == flow.AllProtocols
			})
		}
		m, err := d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		ranges := []flow.PortRange{{Lo: 1, Hi: 65535}, {Lo: 0, Hi: 65535}, {Lo: 0, Hi: 0}, {Lo: 1, Hi: 1}, {Lo: 65535, Hi: 65535}, {Lo: 0, Hi: 40}, {Lo: 65500, Hi: 65535}}
		for range 4 {
			e := edges[rng.IntN(len(edges))]
			ranges = append(ranges, flow.PortRange{Lo: e - min(e, uint16(rng.IntN(20))), Hi: e + min(65535-e, uint16(rng.IntN(20)))}, flow.Single(e))
		}
		var cat []reach.Risk
		for i, r := range ranges {
			for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
				cat = append(cat, reach.Risk{Service: fmt.Sprintf("%s %d", proto, i), Protocol: proto, Ports: flow.SetOf(r), Severity: reach.High})
			}
		}
		// the per-port reference of ByPort: one service per port, each
		// port some inbound rule opens (no other has a finding), and a
		// few others
		var perPort []reach.Risk
		for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
			opened := flow.SetOf[uint16](flow.Single[uint16](0), flow.Single[uint16](1), flow.Single[uint16](65535), flow.Single(uint16(rng.IntN(65536))))
			for _, g := range d.Groups {
				for _, r := range g.Rules {
					if r.Direction == flow.Inbound && r.Protocol == proto {
						opened = opened.Union(flow.SetOf(r.Ports))
					}
				}
			}
			for _, r := range opened.Ranges() {
				for p := uint32(r.Lo); p <= uint32(r.Hi); p++ {
					perPort = append(perPort, reach.Risk{Service: fmt.Sprintf("%s/%d", proto, p), Protocol: proto, Ports: flow.SetOf(flow.Single(uint16(p))), Severity: reach.High})
				}
			}
		}
		every := []reach.Risk{
			{Service: "tcp", Protocol: flow.TCP, Ports: flow.FullSet[uint16](), Severity: reach.High},
			{Service: "udp", Protocol: flow.UDP, Ports: flow.FullSet[uint16](), Severity: reach.High},
		}
		for _, v6 := range []bool{false, true} {
			for _, src := range []uint16{0, reach.DefaultSourcePort} {
				msg := fmt.Sprintf("seed %d, IPv6 %v, client port %d", seed, v6, src)
				o := reach.AuditOptions{Catalogue: cat, IPv6: v6, SrcPort: src}
				fast, err := m.Audit(o)
				require.NoError(t, err, msg)
				ob := o
				ob.Catalogue, ob.ByPort = every, true
				fastBy, err := m.Audit(ob)
				require.NoError(t, err, msg)

				undo := reach.AuditEveryPort()
				ref, err := m.Audit(o)
				require.NoError(t, err, msg)
				refBy, err := m.Audit(ob)
				require.NoError(t, err, msg)
				undo()
				op := ob
				op.Catalogue, op.ByPort = perPort, false
				refPorts, err := m.Audit(op)
				require.NoError(t, err, msg)

				require.Equal(t, ref, fast, "%s: a finding per service", msg)
				require.Equal(t, refBy, fastBy, "%s: a finding per set of ports answered alike", msg)
				want, got := byPort(t, refPorts.Findings, msg), byPort(t, fastBy.Findings, msg)
				require.Equal(t, want, got, "%s: every port as a service of its own", msg)
				for _, f := range fastBy.Findings {
					stats[f.Exposure]++
					// the helper asks from IPv4 addresses, to a port Check takes
					if f.Exposure == reach.Closed && !v6 && f.Ports.Ranges()[0].Lo != 0 {
						requireClosedByIsACheck(t, m, f, msg)
					}
				}
			}
		}
	}
	t.Logf("ByPort findings: %v", stats)
	assert.Positive(t, stats[reach.Exposed])
	assert.Positive(t, stats[reach.Closed])
}
