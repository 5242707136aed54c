package reach_test

// Alibaba Cloud groups on random designs: the set answers against brute
// force, Verdict against an independent reading of semantics.md §E.1-E.3
// (aliChkRef), and SG_RULE_SHADOWED's promise (from audit aliChk). Set
// ALIBABA_SEEDS=N for more designs.

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// aliChkRandom builds a random Alibaba design on the peered topology:
// every group basic or enterprise by VPC, several groups per interface,
// group references, inner policies, drop and accept rules of random
// priorities, CIDR peers on the design's edges, source ports.
func aliChkRandom(t *testing.T, seed uint64) *reach.Model {
	t.Helper()
	m, _ := aliChkRandomGroups(t, seed)
	return m
}

func aliChkRandomGroups(t *testing.T, seed uint64) (*reach.Model, []sg.Group) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0xa127))
	p := netip.MustParsePrefix
	cidrs := []string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "10.0.1.0/28", "10.0.1.16/28", "10.1.1.0/25", "203.0.113.0/24", "198.51.100.0/24", "10.0.1.11/32", "10.1.1.12/32"}
	ports := func() (uint16, uint16) {
		switch rng.IntN(4) {
		case 0:
			return 1, 65535
		case 1:
			x := uint16(1 + rng.IntN(100))
			return x, x
		default:
			x := uint16(1 + rng.IntN(60000))
			return x, x + uint16(rng.IntN(5000))
		}
	}
	enterprise := map[string]bool{"vpc-a": rng.IntN(3) == 0, "vpc-b": rng.IntN(2) == 0}
	var groups []sg.Group
	byVPC := map[string][]string{}
	for _, vpc := range []string{"vpc-a", "vpc-b"} {
		for k := range 3 {
			id := fmt.Sprintf("sg-%s-%d", vpc[4:], k)
			fl := sg.AlibabaBasic
			if enterprise[vpc] {
				fl = sg.AlibabaEnterprise
			}
			g := sg.Group{ID: id, VPCID: vpc, Flavour: fl, InnerAccessDrop: fl == sg.AlibabaEnterprise || rng.IntN(2) == 0}
			byVPC[vpc] = append(byVPC[vpc], id)
			groups = append(groups, g)
		}
	}
	for gi := range groups {
		g := &groups[gi]
		for range 1 + rng.IntN(6) {
			dir := []flow.Direction{inChk, outChk}[rng.IntN(2)]
			proto := []flow.Protocol{flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.AllProtocols}[rng.IntN(5)]
			lo, hi := ports()
			peer := aliChkCIDR(cidrs[rng.IntN(len(cidrs))])
			if g.Flavour == sg.AlibabaBasic && rng.IntN(3) == 0 {
				peer = sg.GroupRef(byVPC[g.VPCID][rng.IntN(3)])
			}
			r := aliChkRule(dir, []flow.Action{accChk, drpChk}[rng.IntN(2)], 1+rng.IntN(5), proto, lo, hi, peer)
			if proto.HasPorts() && rng.IntN(4) == 0 {
				a, b := ports()
				r.SourcePorts = flow.PortRange{Lo: a, Hi: b}
			}
			g.Rules = append(g.Rules, r)
		}
		if rng.IntN(2) == 0 {
			g.Rules = append(g.Rules, aliChkRule(inChk, accChk, 50, flow.TCP, 1, 65535, sg.AnyIPv4))
		}
		if g.Flavour == sg.AlibabaEnterprise {
			g.Rules = append(g.Rules, aliChkRule(outChk, accChk, 100, flow.AllProtocols, 0, 0, sg.AnyIPv4))
		}
	}
	pick := func(vpc string) []string {
		ids := byVPC[vpc]
		n := 1 + rng.IntN(2)
		out := []string{ids[rng.IntN(3)]}
		if n == 2 {
			if o := ids[rng.IntN(3)]; o != out[0] {
				out = append(out, o)
			}
		}
		return out
	}
	mk := func(id, subnet, priv, pub string) reach.Interface {
		vpc := "vpc-a"
		if subnet == "vsw-b" {
			vpc = "vpc-b"
		}
		i := aliChkIface(id, priv, pub, pick(vpc)...)
		i.Subnet = subnet
		return i
	}
	b := aliChkBuilderRoutes(groups, []reach.Route{{Destination: p("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}},
		mk("i1", "vsw-pub", "10.0.1.10", "198.51.100.10"),
		mk("i2", "vsw-pub", "10.0.1.11", "198.51.100.11"),
		mk("i3", "vsw-pub", "10.0.1.20", ""),
		mk("i4", "vsw-pub", "10.0.1.21", "198.51.100.21"),
		mk("j1", "vsw-b", "10.1.1.10", "198.51.100.40"),
		mk("j2", "vsw-b", "10.1.1.12", ""),
		mk("j3", "vsw-b", "10.1.1.200", "198.51.100.42"),
	)
	aliChkPeerB(b)
	m, err := b.Build()
	require.NoError(t, err, "seed %d", seed)
	return m, groups
}

func TestAlibabaDesignRandomBrute(t *testing.T) {
	t.Parallel()
	n := 12
	if raceOn {
		n = 2 // the race detector needs the walks, not every seed
	}
	if s := os.Getenv("ALIBABA_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for seed := range uint64(n) {
		m := aliChkRandom(t, seed)
		rng := rand.New(rand.NewPCG(seed, 1))
		ids := []string{"i1", "i2", "i3", "i4", "j1", "j2", "j3", "203.0.113.7", "192.0.2.9"}
		var pq []reach.PortsQuery
		for range 4 {
			a, b := ids[rng.IntN(len(ids))], ids[rng.IntN(7)]
			if a == b {
				continue
			}
			pq = append(pq, reach.PortsQuery{From: a, To: b, Protocol: []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP}[rng.IntN(3)]})
		}
		var sq []reach.SourcesQuery
		for range 3 {
			sq = append(sq, reach.SourcesQuery{To: ids[rng.IntN(7)], Protocol: flow.TCP, Port: uint16(1 + rng.IntN(65535)), AnyClientPort: rng.IntN(2) == 0})
		}
		sq = append(sq, reach.SourcesQuery{To: ids[rng.IntN(7)], Protocol: flow.UDP, Port: 53})
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			brute.CheckSetAnswers(t, m, brute.Options{Ports: pq, Sources: sq, Few: true, Seed: seed})
		})
	}
}

// aliChkRef is an independent reading of semantics.md E.1-E.3: the
// decision of iface's groups on a packet whose peer is peer.
func aliChkRef(groups map[string]sg.Group, ifaces []reach.Interface, in reach.Interface, dir flow.Direction, proto flow.Protocol, dport, sport uint16, peer netip.Addr) bool {
	memberOf := func(gid string, a netip.Addr) bool {
		for _, o := range ifaces {
			if slices.Contains(o.Groups, gid) && slices.Contains(o.PrivateIPs, a) {
				return true
			}
		}
		return false
	}
	basic := groups[in.Groups[0]].Flavour == sg.AlibabaBasic
	if basic {
		for _, gid := range in.Groups {
			if !groups[gid].InnerAccessDrop && memberOf(gid, peer) {
				return true
			}
		}
	}
	best, drop, any := 1000, false, false
	for _, gid := range in.Groups {
		for _, r := range groups[gid].Rules {
			if r.Direction != dir || (r.Protocol != flow.AllProtocols && r.Protocol != proto) {
				continue
			}
			if r.Protocol.HasPorts() {
				if dport < r.Ports.Lo || dport > r.Ports.Hi {
					continue
				}
				if r.SourcePorts != (flow.PortRange{}) && (sport < r.SourcePorts.Lo || sport > r.SourcePorts.Hi) {
					continue
				}
			}
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				if !r.Peer.CIDR.Contains(peer) {
					continue
				}
			case sg.PeerGroup:
				if !memberOf(r.Peer.Group, peer) {
					continue
				}
			}
			any = true
			if r.Priority < best {
				best, drop = r.Priority, false
			}
			if r.Priority == best && r.Action == flow.Drop {
				drop = true
			}
		}
	}
	if any {
		return !drop
	}
	return basic && dir == flow.Outbound
}

// TestAlibabaDesignRandomSemantics compares Verdict with aliChkRef on random
// designs: every ordered pair of interfaces by private address (same VPC
// or across the peering), tcp/udp/icmp, several ports; and internet
// sources to the public addresses.
func TestAlibabaDesignRandomSemantics(t *testing.T) {
	n := 30
	if s := os.Getenv("ALIBABA_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	bad := 0
	for seed := range uint64(n) {
		m, gs := aliChkRandomGroups(t, seed)
		groups := map[string]sg.Group{}
		for _, g := range gs {
			groups[g.ID] = g
		}
		ifaces := m.Interfaces()
		rng := rand.New(rand.NewPCG(seed, 2))
		for _, a := range ifaces {
			for _, b := range ifaces {
				if a.ID == b.ID {
					continue
				}
				for range 6 {
					proto := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP}[rng.IntN(3)]
					port := uint16(1 + rng.IntN(65535))
					if rng.IntN(2) == 0 {
						port = uint16(1 + rng.IntN(120))
					}
					q := reach.Query{From: a.ID, To: b.ID, Protocol: proto, Port: port}
					if proto == flow.ICMP {
						q.Port, q.ICMP = 0, &reach.ICMPMessage{Type: 8}
					}
					want := aliChkRef(groups, ifaces, a, flow.Outbound, proto, port, reach.DefaultSourcePort, b.PrivateIPs[0]) &&
						aliChkRef(groups, ifaces, b, flow.Inbound, proto, port, reach.DefaultSourcePort, a.PrivateIPs[0])
					wo := reach.Unreachable
					if want {
						wo = reach.Reachable
					}
					if got := aliChkVerdict(t, m, q); got != wo && bad < 10 {
						bad++
						r, _ := m.Check(q)
						t.Errorf("seed %d %+v: got %s, want %s\n%s", seed, q, got, wo, r.Text())
					}
				}
			}
			if !a.PublicIP.IsValid() {
				continue
			}
			for range 6 {
				src := netip.AddrFrom4([4]byte{203, 0, 113, byte(rng.IntN(256))})
				port := uint16(1 + rng.IntN(65535))
				if rng.IntN(2) == 0 {
					port = uint16(1 + rng.IntN(120))
				}
				q := reach.Query{From: src.String(), To: a.ID, Protocol: flow.TCP, Port: port}
				want := aliChkRef(groups, ifaces, a, flow.Inbound, flow.TCP, port, reach.DefaultSourcePort, src)
				wo := reach.Unreachable
				if want {
					wo = reach.Reachable
				}
				if got := aliChkVerdict(t, m, q); got != wo && bad < 10 {
					bad++
					r, _ := m.Check(q)
					t.Errorf("seed %d %+v: got %s, want %s\n%s", seed, q, got, wo, r.Text())
				}
			}
		}
	}
}

// TestAlibabaDesignShadowedSound: removing every rule SG_RULE_SHADOWED names
// changes no verdict (lint's promise), on random designs.
func TestAlibabaDesignShadowedSound(t *testing.T) {
	n := 60
	if s := os.Getenv("ALIBABA_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	found := 0
	for seed := range uint64(n) {
		m, gs := aliChkRandomGroups(t, seed)
		lr, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleShadowed}})
		require.NoError(t, err)
		if len(lr.Findings) == 0 {
			continue
		}
		dead := map[string]bool{}
		for _, f := range lr.Findings {
			dead[f.Resource+"|"+f.Rule] = true
			found++
		}
		before, after := map[string]sg.Group{}, map[string]sg.Group{}
		for _, g := range gs {
			before[g.ID] = g
			h := g
			h.Rules = nil
			for i, r := range g.Rules {
				if !dead[g.ID+"|#"+strconv.Itoa(i)] {
					h.Rules = append(h.Rules, r)
				}
			}
			after[g.ID] = h
		}
		ifaces := m.Interfaces()
		rng := rand.New(rand.NewPCG(seed, 3))
		peers := []netip.Addr{}
		for _, in := range ifaces {
			peers = append(peers, in.PrivateIPs[0])
		}
		for _, s := range []string{"203.0.113.5", "198.51.100.77", "10.0.1.3", "10.1.1.100", "8.8.8.8"} {
			peers = append(peers, netip.MustParseAddr(s))
		}
		for _, in := range ifaces {
			for range 400 {
				dir := []flow.Direction{inChk, outChk}[rng.IntN(2)]
				proto := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.GRE}[rng.IntN(4)]
				port, sport := uint16(1+rng.IntN(65535)), uint16(1+rng.IntN(65535))
				if rng.IntN(2) == 0 {
					port = uint16(1 + rng.IntN(120))
				}
				peer := peers[rng.IntN(len(peers))]
				b := aliChkRef(before, ifaces, in, dir, proto, port, sport, peer)
				a := aliChkRef(after, ifaces, in, dir, proto, port, sport, peer)
				if a != b {
					t.Errorf("seed %d: %s %s %s/%d sport %d peer %s: %v before, %v with the shadowed rules removed; findings %v", seed, in.ID, dir, proto, port, sport, peer, b, a, lr.Findings)
					return
				}
			}
		}
	}
	t.Logf("%d findings checked", found)
}
