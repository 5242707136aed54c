package reach

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// The security group lint against the evaluator: removing a rule
// SG_RULE_IMPLIED names, or every one at once, changes no verdict, in
// either direction, on any interface that uses its group, for packets
// whose identity is known or lost (through a NAT gateway).

var lintPeers = []string{"0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.0/25", "10.0.1.128/25", "10.0.1.10/32", "10.0.1.128/26", "10.0.2.0/24", "192.0.2.0/24", "::/0", "2001:db8::/64"}

// lintDelegated is the prefix randomGroupDesign may delegate to
// interface i: a /28 of its subnet above its address.
func lintDelegated(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(1 + i%2), byte(128 + 16*i)}), 28)
}

// randomGroupDesign is a VPC with two subnets, two prefix lists, five
// groups of random rules and six interfaces with random groups, a third
// of them with a delegated prefix (lintDelegated), whose addresses a
// reference to their groups matches.
func randomGroupDesign(r *rand.Rand) *Builder {
	b := NewBuilder().
		AddVPC(VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddRouteTable(RouteTable{ID: "rtb-1", VPC: "vpc-1"}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}},
			Subnet{ID: "subnet-2", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.2.0/24")}}).
		AddPrefixList(PrefixList{ID: "pl-1", Entries: []netip.Prefix{netip.MustParsePrefix("10.0.2.0/24"), netip.MustParsePrefix("192.0.2.0/25")}},
			PrefixList{ID: "pl-2", Entries: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/26")}})
	for g := range 5 {
		grp := sg.Group{ID: fmt.Sprintf("sg-%d", g), Name: fmt.Sprintf("g%d", g), VPCID: "vpc-1"}
		for i := range 1 + r.IntN(7) {
			rule := sg.Rule{ID: fmt.Sprintf("sgr-%d-%d", g, i), Direction: flow.Direction(r.IntN(2)), Protocol: lintProtos[r.IntN(len(lintProtos))], ICMPType: -1, ICMPCode: -1}
			if rule.Protocol == flow.ICMPv6 {
				rule.Protocol = flow.ICMP
			}
			switch {
			case rule.Protocol.HasPorts():
				rule.Ports = lintPorts[r.IntN(len(lintPorts))]
			case rule.Protocol == flow.ICMP && r.IntN(2) == 0:
				rule.ICMPType = 8
				if r.IntN(2) == 0 { // one code of a type
					rule.ICMPType, rule.ICMPCode = int16(3+5*r.IntN(2)), int16([]int{0, 1, 4}[r.IntN(3)])
				}
			}
			switch k := r.IntN(10); {
			case k < 6:
				rule.Peer = sg.CIDR(lintPeers[r.IntN(len(lintPeers))])
			case k < 7:
				rule.Peer = sg.PrefixList(fmt.Sprintf("pl-%d", 1+r.IntN(2)))
			default:
				rule.Peer = sg.GroupRef(fmt.Sprintf("sg-%d", r.IntN(5)))
			}
			grp.Rules = append(grp.Rules, rule)
		}
		b.AddSecurityGroup(grp)
	}
	for i := range 6 {
		var groups []string
		for _, g := range r.Perm(5)[:1+r.IntN(3)] {
			groups = append(groups, fmt.Sprintf("sg-%d", g))
		}
		sub := 1 + i%2
		ii := Interface{ID: fmt.Sprintf("eni-%d", i), Subnet: fmt.Sprintf("subnet-%d", sub),
			PrivateIPs: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", sub, 10+i))}, Groups: groups}
		if r.IntN(3) == 0 {
			ii.DelegatedPrefixes = []netip.Prefix{lintDelegated(i)}
		}
		b.AddInterface(ii)
	}
	return b
}

// groupProbes are packets crossing an interface at self, both ways, from
// and to addresses at the edges of the design's blocks.
func groupProbes(r *rand.Rand, self netip.Addr, n int) []struct {
	f   flow.Flow
	dir flow.Direction
} {
	var peers []netip.Addr
	for _, s := range append(slices.Clone(lintPeers), "10.0.2.0/24", "192.0.2.0/25", "10.0.1.0/26") {
		p := netip.MustParsePrefix(s)
		peers = append(peers, p.Addr(), addrset.Last(p), addrset.Last(p).Next(), p.Addr().Prev())
	}
	for i := range 6 {
		p := lintDelegated(i)
		peers = append(peers, netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", 1+i%2, 10+i)), p.Addr(), addrset.Last(p))
	}
	peers = slices.DeleteFunc(peers, func(a netip.Addr) bool { return !a.IsValid() || a.Is6() })
	ports := []uint16{0, 1, 22, 23, 79, 80, 443, 444, 1023, 1024, 32767, 32768, 60999, 61000, 65535}
	protos := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.GRE, 0}
	out := make([]struct {
		f   flow.Flow
		dir flow.Direction
	}, n)
	for k := range out {
		p, peer := protos[r.IntN(len(protos))], peers[r.IntN(len(peers))]
		dir := flow.Direction(r.IntN(2))
		typ, code := int16([]int{0, 8, 3}[r.IntN(3)]), int16([]int{0, 1, 4}[r.IntN(3)])
		f := lintPacket(p, peer, ports[r.IntN(len(ports))], typ, code, dir)
		if dir == flow.Inbound {
			f.Dst = netip.AddrPortFrom(self, f.Dst.Port())
		} else {
			f.Src = netip.AddrPortFrom(self, f.Src.Port())
		}
		out[k].f, out[k].dir = f, dir
	}
	return out
}

// evaluators compiles groups as an interface's, identity known and lost.
func evaluators(t *testing.T, m *Model, groups []sg.Group) (normal, blind *sg.Evaluator) {
	t.Helper()
	normal, err := sg.Compile(groups, m)
	require.NoError(t, err)
	blind, err = normal.WithMembership(identityLost{m})
	require.NoError(t, err)
	return normal, blind
}

func TestLintImpliedRulesAgainstEvaluator(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	r := rand.New(rand.NewPCG(14, 3))
	designs, implied := 300, 0
	if testing.Short() || raceOn {
		designs = 80
	}
	for range designs {
		m, err := randomGroupDesign(r).Build()
		require.NoError(t, err)
		for _, f := range lintGroupFindings(m) {
			if f.ID != LintSGRuleImplied {
				continue
			}
			implied++
			type user struct {
				groups []string
				self   netip.Addr
			}
			var users []user
			for _, ii := range m.ifaceOrder {
				if slices.Contains(ii.Groups, f.Resource) {
					users = append(users, user{ii.Groups, ii.PrivateIPs[0]})
				}
			}
			if len(users) == 0 { // an unused group: its rules alone
				users = append(users, user{[]string{f.Resource}, netip.MustParseAddr("10.0.1.200")})
			}
			for _, u := range users {
				groups := u.groups
				var orig, less []sg.Group
				for _, id := range groups {
					g := *m.groups[id]
					orig = append(orig, g)
					if id == f.Resource {
						g.Rules = slices.DeleteFunc(slices.Clone(g.Rules), func(x sg.Rule) bool { return x.ID == f.Rule })
						require.Len(t, g.Rules, len(orig[len(orig)-1].Rules)-1)
					}
					less = append(less, g)
				}
				n0, b0 := evaluators(t, m, orig)
				n1, b1 := evaluators(t, m, less)
				for _, p := range groupProbes(r, u.self, 400) {
					same(t, n0.Evaluate(p.f, p.dir).Verdict, n1.Evaluate(p.f, p.dir).Verdict, "%s %s: %s %v", f.Resource, f.Rule, p.dir, p.f)
					same(t, b0.Evaluate(p.f, p.dir).Verdict, b1.Evaluate(p.f, p.dir).Verdict, "identity lost: %s %s: %s %v", f.Resource, f.Rule, p.dir, p.f)
				}
			}
		}
	}
	t.Logf("%d implied rules in %d designs", implied, designs)
	require.Greater(t, implied, designs/2)
}

// TestLintImpliedRulesJointlyAgainstEvaluator removes every rule
// SG_RULE_IMPLIED names at once: no verdict changes on any interface,
// nor in an unused group alone, identity known or lost.
func TestLintImpliedRulesJointlyAgainstEvaluator(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	r := rand.New(rand.NewPCG(15, 4))
	designs, several := 120, 0
	if testing.Short() || raceOn {
		designs = 40
	}
	for range designs {
		m, err := randomGroupDesign(r).Build()
		require.NoError(t, err)
		gone := map[string]bool{}
		for _, f := range lintGroupFindings(m) {
			if f.ID == LintSGRuleImplied {
				gone[f.Resource+" "+f.Rule] = true
			}
		}
		if len(gone) == 0 {
			continue
		}
		if len(gone) > 1 {
			several++
		}
		type user struct {
			groups []string
			self   netip.Addr
		}
		var users []user
		used := map[string]bool{}
		for _, ii := range m.ifaceOrder {
			users = append(users, user{ii.Groups, ii.PrivateIPs[0]})
			for _, g := range ii.Groups {
				used[g] = true
			}
		}
		for id := range m.groups {
			if !used[id] {
				users = append(users, user{[]string{id}, netip.MustParseAddr("10.0.1.200")})
			}
		}
		for _, u := range users {
			var orig, less []sg.Group
			for _, id := range u.groups {
				g := *m.groups[id]
				orig = append(orig, g)
				g.Rules = slices.DeleteFunc(slices.Clone(g.Rules), func(x sg.Rule) bool { return gone[id+" "+x.ID] })
				less = append(less, g)
			}
			n0, b0 := evaluators(t, m, orig)
			n1, b1 := evaluators(t, m, less)
			for _, p := range groupProbes(r, u.self, 3000) {
				same(t, n0.Evaluate(p.f, p.dir).Verdict, n1.Evaluate(p.f, p.dir).Verdict, "%v on %v: %s %v", gone, u.groups, p.dir, p.f)
				same(t, b0.Evaluate(p.f, p.dir).Verdict, b1.Evaluate(p.f, p.dir).Verdict, "identity lost: %v on %v: %s %v", gone, u.groups, p.dir, p.f)
			}
		}
	}
	t.Logf("%d designs with several implied rules of %d", several, designs)
	require.Greater(t, several, designs/4)
}

// lintGroupFindings is what lintGroups finds, without its skipped notes.
func lintGroupFindings(m *Model) []LintFinding {
	out, _ := m.lintGroups(LintOptions{})
	return out
}
