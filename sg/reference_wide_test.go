package sg_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// The widened generator of TestEvaluateAgreesWithReferenceWide reaches
// what random_test.go's does not: port ranges touching 0 and 65535,
// PortZero and full ranges, ICMP types and codes up to 255, arbitrary
// protocol numbers, /0 and /1 edge blocks, edge addresses of both
// families, prefix lists of 16 or more entries with host bits set (the
// trie), and Alibaba Cloud source ports at the edges.

// widePorts are the port edges the widened rules and flows are made of.
var widePorts = []uint16{0, 1, 2, 21, 22, 23, 1023, 1024, 32767, 32768, 65533, 65534, 65535}

// widePort is an edge port, now and then any port.
func widePort(r *rand.Rand) uint16 {
	if r.IntN(5) == 0 {
		return uint16(r.UintN(65536))
	}
	return widePorts[r.IntN(len(widePorts))]
}

// wideCIDRs, wideAddrs4 and wideAddrs6 are the edge blocks and addresses.
var wideCIDRs = prefixes("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "10.0.0.0/31", "10.0.0.1/32", "10.0.0.0/32",
	"255.255.255.255/32", "203.0.113.0/24", "::/0", "::/1", "8000::/1", "2001:db8::/32", "2001:db8::1/128", "::/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "::ffff:0:0/96")
var wideAddrs4 = addrs("0.0.0.0", "10.0.0.0", "10.0.0.1", "10.0.0.2", "127.255.255.255", "128.0.0.0", "203.0.113.9", "255.255.255.255")
var wideAddrs6 = addrs("::", "::1", "2001:db8::1", "2001:db8::2", "7fff::", "8000::", "::ffff:10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")

// wideProtocol is a common protocol or an arbitrary number.
func wideProtocol(r *rand.Rand) flow.Protocol {
	ps := []flow.Protocol{flow.AllProtocols, flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.SCTP, 0, 255, 254, 4, 41}
	if r.IntN(6) == 0 {
		return flow.Protocol(r.IntN(256))
	}
	return ps[r.IntN(len(ps))]
}

// wideWorld resolves randGroups to edge addresses and four prefix lists,
// the last two long enough for the trie.
func wideWorld(r *rand.Rand) sg.StaticResolver {
	res := sg.StaticResolver{Members: map[string][]netip.Addr{}, PrefixLists: map[string][]netip.Prefix{}, Unknown: randUnknown, UnknownLists: randUnknownLists, ListFamilies: randListFamilies}
	all := append(append([]netip.Addr{}, wideAddrs4...), wideAddrs6...)
	for _, g := range randGroups {
		res.Members[g] = []netip.Addr{}
		for _, a := range all {
			if r.IntN(3) == 0 {
				res.Members[g] = append(res.Members[g], a)
			}
		}
	}
	for i := range 4 {
		n := r.IntN(5)
		if i >= 2 {
			n = 16 + r.IntN(30) // trie
		}
		var ps []netip.Prefix
		for range n {
			switch r.IntN(3) {
			case 0:
				if p := wideCIDRs[r.IntN(len(wideCIDRs))]; !p.Addr().Is4In6() {
					ps = append(ps, p)
				}
			default:
				a := all[r.IntN(len(all))]
				if a.Is4In6() {
					a = netip.MustParseAddr("2001:db8::2")
				}
				ps = append(ps, netip.PrefixFrom(a, r.IntN(a.BitLen()+1))) // host bits set
			}
		}
		res.PrefixLists[fmt.Sprintf("pl-%d", i)] = ps
	}
	return res
}

// wideRule is a rule of the flavour that sg.Compile accepts, on edges.
func wideRule(r *rand.Rand, fl sg.Flavour, res sg.StaticResolver) sg.Rule {
	rl := sg.Rule{Direction: flow.Direction(r.IntN(2)), Protocol: wideProtocol(r), ICMPType: -1, ICMPCode: -1}
	if rl.Protocol.HasPorts() {
		a, b := widePort(r), widePort(r)
		rl.Ports = flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
		switch r.IntN(6) {
		case 0:
			rl.Ports = flow.AllPorts
		case 1:
			rl.Ports = flow.PortRange{}
			rl.PortZero = !fl.IsAlibaba()
			if fl.IsAlibaba() {
				rl.Ports = flow.PortRange{Lo: 1, Hi: 1}
			}
		}
		if rl.Ports == (flow.PortRange{}) && !rl.PortZero {
			rl.PortZero = true
		}
		if fl.IsAlibaba() && rl.PortZero {
			rl.PortZero = false
			rl.Ports = flow.PortRange{Lo: 1, Hi: 65535}
		}
		if fl.IsAlibaba() && rl.Ports.Lo == 0 {
			rl.Ports.Lo = 1
			if rl.Ports.Hi == 0 {
				rl.Ports.Hi = 1
			}
		}
	}
	if rl.Protocol.IsICMP() && !fl.IsAlibaba() && r.IntN(3) > 0 {
		ts := []int16{0, 3, 8, 128, 255, 254}
		rl.ICMPType = ts[r.IntN(len(ts))]
		if r.IntN(2) == 0 {
			rl.ICMPCode = []int16{0, 1, 255}[r.IntN(3)]
		}
	}
	switch k := r.IntN(6); {
	case k < 3:
		rl.Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: wideCIDRs[r.IntN(len(wideCIDRs))].Masked()}
		if rl.Peer.CIDR.Addr().Is4In6() {
			rl.Peer.CIDR = netip.MustParsePrefix("::/0")
		}
	case k < 4 && fl == sg.AWS && r.IntN(5) == 0:
		rl.Peer = sg.PrefixList(randUnknownLists[r.IntN(len(randUnknownLists))])
	case k < 4:
		rl.Peer = sg.PrefixList(fmt.Sprintf("pl-%d", r.IntN(4)))
	default:
		if fl == sg.AlibabaEnterprise {
			rl.Peer = sg.AnyIPv4
		} else if fl == sg.AWS && r.IntN(4) == 0 {
			rl.Peer = sg.GroupRef(randUnknown[r.IntN(len(randUnknown))])
		} else {
			rl.Peer = sg.GroupRef(randGroups[r.IntN(len(randGroups))])
		}
	}
	if fl.IsAlibaba() {
		alibabaICMPFamily(&rl, res)
	}
	if fl.IsAlibaba() {
		rl.Priority = []int{1, 2, 3, 100}[r.IntN(4)]
		rl.Action = flow.Pass + flow.Action(r.IntN(2))
		if r.IntN(4) == 0 && rl.Protocol.HasPorts() {
			a, b := widePort(r), widePort(r)
			rl.SourcePorts = flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
		}
	}
	return rl
}

// wideFlow is a valid-or-not flow between edge addresses on edge ports.
func wideFlow(r *rand.Rand) flow.Flow {
	pool := wideAddrs4
	is6 := r.IntN(2) == 0
	if is6 {
		pool = wideAddrs6
	}
	f := flow.Flow{Protocol: wideProtocol(r)}
	if f.Protocol == flow.AllProtocols {
		f.Protocol = flow.TCP
	}
	if f.Protocol.IsICMP() {
		f.Protocol = flow.ICMP
		if is6 {
			f.Protocol = flow.ICMPv6
		}
		ts := []uint8{0, 3, 8, 128, 255, 254, 1}
		f.ICMPType, f.ICMPCode = ts[r.IntN(len(ts))], []uint8{0, 1, 255}[r.IntN(3)]
	}
	var sp, dp uint16
	if f.Protocol.HasPorts() {
		sp, dp = widePort(r), widePort(r)
	}
	f.Src = netip.AddrPortFrom(pool[r.IntN(len(pool))], sp)
	f.Dst = netip.AddrPortFrom(pool[r.IntN(len(pool))], dp)
	return f
}

// TestEvaluateAgreesWithReferenceWide widens TestEvaluateAgreesWithReference
// to the edges where the port index (portindex) and the family and
// protocol classes of the compiled groups could go wrong: Evaluate, the
// plain scan (internal/slowpath) and Explain must each give refEvaluate's
// verdict, basis, group and rule index, for all three flavours and
// groups of up to 60 rules.
func TestEvaluateAgreesWithReferenceWide(t *testing.T) {
	cases := 3000
	if testing.Short() || raceOn {
		cases = 400
	}
	r := rand.New(rand.NewPCG(24, 2424))
	for i := range cases {
		res := wideWorld(r)
		fl := sg.Flavour(r.IntN(3))
		ids := append([]string{}, randGroups...)
		r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		groups := make([]sg.Group, 1+r.IntN(4))
		for gi := range groups {
			g := sg.Group{ID: ids[gi], Flavour: fl, InnerAccessDrop: r.IntN(2) == 0}
			n := r.IntN(30)
			if r.IntN(3) == 0 {
				n = 20 + r.IntN(40) // port index
			}
			for range n {
				g.Rules = append(g.Rules, wideRule(r, fl, res))
			}
			groups[gi] = g
		}
		e, err := sg.Compile(groups, res)
		require.NoError(t, err, "case %d: the generator writes only rules sg.Compile accepts", i)
		plain := compilePlain(t, groups, res)
		for range 40 {
			f := wideFlow(r)
			if f.Validate() != nil {
				continue
			}
			dir := flow.Direction(r.IntN(2))
			want := refEvaluate(groups, res, f, dir)
			d, pd, x := e.Evaluate(f, dir), plain.Evaluate(f, dir), e.Explain(f, dir)
			for name, got := range map[string]refDecision{
				"Evaluate":   {d.Verdict, d.Basis, d.Group, d.RuleIndex},
				"plain scan": {pd.Verdict, pd.Basis, pd.Group, pd.RuleIndex},
				"Explain":    {x.Verdict, x.Basis, x.Group, x.RuleIndex},
			} {
				if got != want { // the message (every rule) only on failure: it is slow to write
					require.Equal(t, want, got, "%s: case %d %s: %s %s\n%+v", name, i, fl, dir, f, groups)
				}
			}
		}
	}
}
