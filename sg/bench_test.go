package sg_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// quotaAWS builds the AWS per-interface maximum: 5 groups of 60 inbound
// rules (TCP ports on /24s, a few group references and prefix lists), none
// of which allows the flows below except the very last rule.
func quotaAWS() ([]sg.Group, sg.StaticResolver) {
	res := sg.StaticResolver{
		Members:     map[string][]netip.Addr{"sg-peer": addrs("10.200.0.1")},
		PrefixLists: map[string][]netip.Prefix{"pl-corp": bigList()},
	}
	var gs []sg.Group
	for g := range 5 {
		grp := sg.Group{ID: fmt.Sprintf("sg-%d", g)}
		for i := range 60 {
			r := sg.Rule{ID: fmt.Sprintf("sgr-%d-%d", g, i), Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single(uint16(1000 + i)), ICMPType: -1, ICMPCode: -1,
				Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(g), byte(i), 0}), 24)}}
			switch i % 20 {
			case 7:
				r.Peer = sg.GroupRef("sg-peer")
			case 13:
				r.Peer = sg.PrefixList("pl-corp")
			}
			grp.Rules = append(grp.Rules, r)
		}
		gs = append(gs, grp)
	}
	gs[4].Rules[59].Ports = flow.Single[uint16](443)
	gs[4].Rules[59].Peer = sg.AnyIPv4
	return gs, res
}

// quotaAlibaba builds Alibaba's current per-interface maximum: 1,000 rules
// over 10 enterprise groups, mixed accept and drop, priorities 1–100.
func quotaAlibaba() ([]sg.Group, sg.StaticResolver) {
	var gs []sg.Group
	for g := range 10 {
		grp := sg.Group{ID: fmt.Sprintf("sg-%d", g), Flavour: sg.AlibabaEnterprise}
		for i := range 100 {
			r := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(uint16(1000 + i)),
				ICMPType: -1, ICMPCode: -1, Priority: 1 + (i*7+g)%100, Action: flow.Pass + flow.Action(i%2),
				Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(g), byte(i), 0}), 24)}}
			grp.Rules = append(grp.Rules, r)
		}
		gs = append(gs, grp)
	}
	gs[9].Rules[99] = sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443),
		ICMPType: -1, ICMPCode: -1, Priority: 100, Action: flow.Pass, Peer: sg.AnyIPv4}
	return gs, sg.StaticResolver{}
}

func benchEval(b *testing.B, gs []sg.Group, res sg.StaticResolver) {
	e, err := sg.Compile(gs, res)
	if err != nil {
		b.Fatal(err)
	}
	flows := map[string]flow.Flow{
		"allowed-by-last-rule": flow.MustParse("tcp 198.51.100.1:50000 -> 10.99.0.1:443"),
		"denied-after-all":     flow.MustParse("tcp 198.51.100.1:50000 -> 10.99.0.1:444"),
	}
	for _, name := range []string{"allowed-by-last-rule", "denied-after-all"} {
		f := flows[name]
		b.Run(name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e.Evaluate(f, flow.Inbound)
			}
		})
		b.Run(name+"/explain", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e.Explain(f, flow.Inbound)
			}
		})
		b.Run(name+"/reference", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				refEvaluate(gs, res, f, flow.Inbound)
			}
		})
	}
}

// BenchmarkEvaluateAWS5x60 is the AWS per-interface maximum (5 groups × 60
// rules).
func BenchmarkEvaluateAWS5x60(b *testing.B) {
	gs, res := quotaAWS()
	benchEval(b, gs, res)
}

// BenchmarkEvaluateAlibaba1000 is Alibaba's per-interface maximum (1,000
// rules).
func BenchmarkEvaluateAlibaba1000(b *testing.B) {
	gs, res := quotaAlibaba()
	benchEval(b, gs, res)
}

func BenchmarkCompileAWS5x60(b *testing.B) {
	gs, res := quotaAWS()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sg.Compile(gs, res); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvaluateDoesNotAllocate pins the fast path's promise, with group
// references, prefix lists (one a trie) and Alibaba's inner policies.
func TestEvaluateDoesNotAllocate(t *testing.T) {
	aws, awsRes := quotaAWS()
	ali, aliRes := quotaAlibaba()
	basic := sg.Group{ID: "sg-basic", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP,
		Ports: flow.AllPorts, ICMPType: -1, ICMPCode: -1, Priority: 1, Action: flow.Pass, Peer: sg.GroupRef("sg-basic")}}}
	basicRes := sg.StaticResolver{Members: map[string][]netip.Addr{"sg-basic": {netip.MustParseAddr("10.0.0.1")}}}
	peered := sg.Group{ID: "sg-peered", Rules: []sg.Rule{in("tcp 443", sg.GroupRef("sg-far")), in("tcp 444", sg.CIDR("10.0.0.0/8"))}}
	peeredRes := unknownResolver{Known: func(a netip.Addr) bool { return a == netip.MustParseAddr("10.0.0.1") }}
	for _, c := range []struct {
		gs  []sg.Group
		res sg.Resolver
	}{{aws, awsRes}, {ali, aliRes}, {[]sg.Group{basic}, basicRes}, {[]sg.Group{peered}, peeredRes}} {
		e := sg.MustCompile(c.gs, c.res)
		for _, s := range []string{"tcp 198.51.100.1:50000 -> 10.99.0.1:443", "tcp 10.0.0.1:50000 -> 10.99.0.1:444", "udp [2001:db8::1]:5 -> [2001:db8::2]:53"} {
			f := flow.MustParse(s)
			assert.Zero(t, testing.AllocsPerRun(100, func() { _ = e.Evaluate(f, flow.Inbound) }), s)
		}
	}
}

// BenchmarkCompileOneGroup shows how compiling grows with the rules of one
// group (AWS's quota is 60 per direction, raisable to 1,000 per interface;
// dumps can hold more): one rule per port, every tenth a range. The port
// index is built by one sweep, so the growth is about n log n.
func BenchmarkCompileOneGroup(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		g := sg.Group{ID: "sg-big"}
		for i := range n {
			p := uint16(1 + i%65000)
			r := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(p), ICMPType: -1, ICMPCode: -1,
				Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32)}}
			if i%10 == 0 {
				r.Ports = flow.PortRange{Lo: p, Hi: p + 100}
			}
			g.Rules = append(g.Rules, r)
		}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sg.Compile([]sg.Group{g}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
