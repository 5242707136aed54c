package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// alikeSizes are the knobs of routedDesign.
type alikeSizes struct {
	Routes  int // extra routes per route table, outside the VPC
	Blocks  int // security group and ACL rules naming blocks among the routes'
	PerSub  int // interfaces per subnet (two subnets: public, private)
	Overlap bool
}

// routedDesign is one VPC whose two route tables (a public one to an
// internet gateway, a private one to a NAT gateway) hold Routes extra
// routes in 60.0.0.0/8 to the gateways and blackholes; with Overlap
// some of them nest, and the tables disagree on some. Rules of the
// groups and ACLs name Blocks blocks among those routes (some routes'
// own, some inside or around one), so some pieces of the internet are
// judged apart by a filter and others alike. It returns the blocks the
// filters name too.
func routedDesign(z alikeSizes, seed uint64) (*reach.Builder, []netip.Prefix) {
	rng := rand.New(rand.NewPCG(seed, 0xa11e))
	p := netip.MustParsePrefix
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-default"})
	b.AddNetworkACL(nacl.NewDefault("acl-default", "vpc-a", false))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	b.AddSubnet(reach.Subnet{ID: "subnet-nat", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.9.0/24")}, RouteTable: "rtb-pub"})
	b.AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-nat", PrivateIP: netip.MustParseAddr("10.0.9.10"), PublicIP: netip.MustParseAddr("52.95.0.10")})
	var blocks []netip.Prefix
	block := func() netip.Prefix {
		bits := []int{16, 20, 24, 24, 24, 26}[rng.IntN(6)]
		b := netip.PrefixFrom(netip.AddrFrom4([4]byte{60, byte(rng.IntN(8)), byte(rng.IntN(256)), byte(rng.IntN(256))}), bits).Masked()
		blocks = append(blocks, b)
		return b
	}
	routes := func(def reach.Route, private bool) []reach.Route {
		rs := []reach.Route{def}
		seen := map[netip.Prefix]bool{}
		for i := range z.Routes {
			dst := netip.PrefixFrom(netip.AddrFrom4([4]byte{60, byte(i / 256 % 8), byte(i % 256), 0}), 24)
			if z.Overlap && rng.IntN(4) == 0 {
				dst = block()
			}
			if seen[dst] {
				continue
			}
			seen[dst] = true
			r := reach.Route{Destination: dst}
			k := i % 3
			if private && rng.IntN(5) == 0 {
				k = rng.IntN(3)
			}
			switch k {
			case 0:
				r.Target, r.TargetID = reach.TargetInternetGateway, "igw-a"
			case 1:
				r.Target, r.TargetID = reach.TargetNATGateway, "nat-a"
			default:
				r.Target = reach.TargetBlackhole
			}
			rs = append(rs, r)
		}
		return rs
	}
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: routes(reach.Route{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}, false)},
		reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: routes(reach.Route{Destination: p("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-a"}, true)},
	)
	for g := range 3 {
		grp := sg.Group{ID: fmt.Sprintf("sg-a%d", g), Name: fmt.Sprintf("a-%d", g), VPCID: "vpc-a"}
		for i := range 4 + z.Blocks/3 {
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				r := sg.Rule{ID: fmt.Sprintf("sgr-%d-%s-%d", g, dir, i), Direction: dir, Protocol: flow.TCP, ICMPType: -1, ICMPCode: -1,
					Ports: flow.Single(uint16(20 + rng.IntN(8))), Peer: sg.CIDR(block().String())}
				switch rng.IntN(5) {
				case 0:
					r.Peer = sg.CIDR("0.0.0.0/0")
				case 1:
					r.Protocol, r.Ports = flow.UDP, flow.PortRange{Lo: 50, Hi: uint16(50 + rng.IntN(10))}
				case 2:
					r.Protocol, r.Ports, r.ICMPType = flow.ICMP, flow.PortRange{}, int16(rng.IntN(9))
				}
				grp.Rules = append(grp.Rules, r)
			}
		}
		b.AddSecurityGroup(grp)
	}
	acl := nacl.NewCustom("acl-a", "vpc-a")
	for i := range z.Blocks / 2 {
		for _, dir := range []string{"from", "to"} {
			act := []string{"allow", "deny"}[rng.IntN(2)]
			acl.Entries = append(acl.Entries, nacl.MustParseEntry(fmt.Sprintf("%d %s tcp %d-%d %s %s", 100+i, act, 20, 20+rng.IntN(8), dir, block())))
		}
	}
	acl.Entries = append(acl.Entries, nacl.MustParseEntry("900 allow all from 0.0.0.0/0"), nacl.MustParseEntry("900 allow all to 0.0.0.0/0"))
	b.AddNetworkACL(acl)
	for s, rt := range []string{"rtb-pub", "rtb-priv"} {
		sub := fmt.Sprintf("subnet-a%d", s)
		b.AddSubnet(reach.Subnet{ID: sub, VPC: "vpc-a", CIDRs: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(s), 0}), 24)}, RouteTable: rt, ACL: "acl-a"})
		for k := range z.PerSub {
			in := reach.Interface{ID: fmt.Sprintf("eni-a%d%02d", s, k), Subnet: sub,
				PrivateIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, 0, byte(s), byte(10 + k)})},
				Groups:     []string{fmt.Sprintf("sg-a%d", (s+k)%3)}}
			if s == 0 {
				in.PublicIP = netip.AddrFrom4([4]byte{52, 94, 0, byte(10 + k)})
			}
			if k%2 == 1 {
				in.Groups = append(in.Groups, fmt.Sprintf("sg-a%d", (s+k+1)%3))
			}
			b.AddInterface(in)
		}
	}
	return b, blocks
}

// TestInternetPiecesAlikeWalkedOnce: a route table of many routes to a few
// targets cuts the internet into many pieces, but the pieces that every
// table sends alike and every filter judges alike are walked once
// (internet_alike.go). Matrix, Audit, Lint and Sources stay within a
// bound of piece walks that walking every piece passes by far.
func TestInternetPiecesAlikeWalkedOnce(t *testing.T) {
	build := func(alone bool) *reach.Model {
		b, _ := routedDesign(alikeSizes{Routes: 300, Blocks: 6, PerSub: 2}, 7)
		m, err := b.Build()
		require.NoError(t, err)
		if alone {
			reach.WalkPiecesAlone(m)
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		bound int64 // piece walks; walking every piece alone takes over 4× as many
		ask   func(m *reach.Model) error
	}{
		{"Matrix", 600, func(m *reach.Model) error { _, err := m.Matrix(reach.MatrixOptions{Workers: 1}); return err }},
		{"Audit", 100, func(m *reach.Model) error { _, err := m.Audit(reach.AuditOptions{Workers: 1}); return err }},
		{"Lint", 100, func(m *reach.Model) error { _, err := m.Lint(reach.LintOptions{Workers: 1}); return err }},
		{"Sources", 50, func(m *reach.Model) error {
			_, err := m.Sources(reach.SourcesQuery{To: "eni-a000", Protocol: flow.TCP, Port: 22, AnyClientPort: true})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ref := build(false), build(true)
			require.NoError(t, tc.ask(m))
			require.NoError(t, tc.ask(ref))
			got, alone := reach.PieceWalks(m), reach.PieceWalks(ref)
			t.Logf("%s: %d piece walks, %d walking each piece alone", tc.name, got, alone)
			assert.LessOrEqual(t, got, tc.bound, "piece walks of %s", tc.name)
			assert.Greater(t, alone, 4*tc.bound, "the bound of %s must fail when every piece is walked", tc.name)
		})
	}
}

// TestInternetPiecesAlikeAgree: on designs of many routes, nested and
// not, to a few targets, with filters naming blocks among them, the set
// answers are the same whether alike pieces share a walk or every piece
// is walked alone, and they agree with brute force.
func TestInternetPiecesAlikeAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seed uint64
		z    alikeSizes
	}{
		{1, alikeSizes{Routes: 60, Blocks: 8, PerSub: 2}},
		{2, alikeSizes{Routes: 90, Blocks: 20, PerSub: 2, Overlap: true}},
		{3, alikeSizes{Routes: 40, Blocks: 2, PerSub: 3, Overlap: true}},
		{4, alikeSizes{Routes: 120, Blocks: 30, PerSub: 1, Overlap: true}},
	} {
		if raceOn && tc.seed != 3 {
			continue // the race detector needs the walks, not every design
		}
		t.Run(fmt.Sprint(tc.seed), func(t *testing.T) {
			b, blocks := routedDesign(tc.z, tc.seed)
			m, err := b.Build()
			require.NoError(t, err)
			b, _ = routedDesign(tc.z, tc.seed)
			ref, err := b.Build()
			require.NoError(t, err)
			reach.WalkPiecesAlone(ref)

			mx, err := m.Matrix(reach.MatrixOptions{Workers: 2})
			require.NoError(t, err)
			rx, err := ref.Matrix(reach.MatrixOptions{Workers: 2})
			require.NoError(t, err)
			mx.Walks, rx.Walks = 0, 0
			assert.Equal(t, rx, mx, "Matrix")

			au, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			ra, err := ref.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			assert.Equal(t, ra, au, "Audit")

			li, err := m.Lint(reach.LintOptions{})
			require.NoError(t, err)
			rl, err := ref.Lint(reach.LintOptions{})
			require.NoError(t, err)
			assert.Equal(t, rl, li, "Lint")

			var ids []string
			for _, c := range mx.Classes {
				for _, mb := range c.Members {
					ids = append(ids, mb.ID)
				}
			}
			rng := rand.New(rand.NewPCG(tc.seed, 0xb7))
			addrs := append(brute.AddrsToCheck(rng, false, blocks), brute.RouteAddrs(m, false)...)
			msg := fmt.Sprintf("seed %d", tc.seed)
			for _, to := range []string{"eni-a000", "eni-a100"} {
				for _, any := range []bool{false, true} {
					q := reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 22, AnyClientPort: any}
					got, err := m.Sources(q)
					require.NoError(t, err)
					want, err := ref.Sources(q)
					require.NoError(t, err)
					brute.CheckSources(t, m, q, got, ids, addrs, msg)
					got.Atoms, want.Atoms = 0, 0
					assert.Equal(t, want, got, "Sources %+v", q)
				}
			}

			b, _ = routedDesign(tc.z, tc.seed)
			m2, err := b.AddSecurityGroup(sg.Group{ID: "sg-extra", VPCID: "vpc-a"}).Build()
			require.NoError(t, err)
			d, err := reach.Diff(m2, m, reach.DiffOptions{})
			require.NoError(t, err)
			rd, err := reach.Diff(m2, ref, reach.DiffOptions{})
			require.NoError(t, err)
			assert.Equal(t, rd, d, "Diff")

			// brute force, trying the blocks the filters name too
			var extra []netip.Addr
			for _, p := range blocks {
				extra = append(extra, p.Addr(), p.Addr().Next())
			}
			brute.CheckMatrix(t, rng, m, mx, false, msg, extra...)
			brute.CheckAudit(t, m, au, reach.AuditOptions{}, ids, msg)
		})
	}
}

// BenchmarkMatrixManyRoutes is Matrix on a design whose route tables hold
// 300 routes to three targets (routedDesign): most of the internet's
// pieces are alike and walked once ("alike"), against every piece
// walked alone as before ("alone").
func BenchmarkMatrixManyRoutes(b *testing.B) {
	for _, alone := range []bool{false, true} {
		name := map[bool]string{false: "alike", true: "alone"}[alone]
		b.Run(name, func(b *testing.B) {
			d, _ := routedDesign(alikeSizes{Routes: 300, Blocks: 6, PerSub: 4}, 7)
			m, err := d.Build()
			require.NoError(b, err)
			if alone {
				reach.WalkPiecesAlone(m)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Matrix(reach.MatrixOptions{Workers: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
