package sg_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/reachsim/reachsim/internal/slowpath"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// A small universe makes random rules and flows hit each other often.
var (
	randAddrs4 = addrs("10.0.0.1", "10.0.0.2", "10.0.1.1", "10.1.0.1", "192.168.1.1", "203.0.113.9")
	randAddrs6 = addrs("2001:db8::1", "2001:db8::2", "2001:db8:1::1", "2001:db9::1", "fd00::1")
	randCIDRs  = prefixes("10.0.0.0/8", "10.0.0.0/16", "10.0.0.1/32", "10.0.1.0/24", "0.0.0.0/0", "192.168.0.0/16",
		"2001:db8::/32", "2001:db8::/48", "2001:db8::1/128", "::/0", "fd00::/8")
	randProtos = []flow.Protocol{flow.AllProtocols, flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE, flow.ESP}
	randGroups = []string{"sg-0", "sg-1", "sg-2", "sg-3", "sg-4"}
	// randUnknown are groups AWS rules may reference whose members the
	// input does not hold.
	randUnknown = []string{"sg-peer-0", "sg-peer-1"}
	// randUnknownLists are prefix lists AWS rules may reference whose
	// entries the input does not hold.
	randUnknownLists = []string{"pl-shared-0", "pl-shared-1", "pl-shared-v4", "pl-shared-v6"}
	// randListFamilies are the address families of some of them: such a
	// list holds blocks of its family only.
	randListFamilies = map[string]string{"pl-shared-v4": sg.FamilyIPv4, "pl-shared-v6": sg.FamilyIPv6}
)

// randomWorld returns a resolver with random memberships and prefix lists,
// one large enough to be searched as a trie.
func randomWorld(r *rand.Rand) sg.StaticResolver {
	res := sg.StaticResolver{Members: map[string][]netip.Addr{}, PrefixLists: map[string][]netip.Prefix{}, Unknown: randUnknown, UnknownLists: randUnknownLists, ListFamilies: randListFamilies}
	all := append(append([]netip.Addr{}, randAddrs4...), randAddrs6...)
	for _, g := range randGroups {
		res.Members[g] = []netip.Addr{}
		for _, a := range all {
			if r.IntN(3) == 0 {
				res.Members[g] = append(res.Members[g], a)
			}
		}
	}
	for i := range 3 {
		var ps []netip.Prefix
		n := 1 + r.IntN(4)
		if i == 2 {
			n = 40
		}
		for range n {
			ps = append(ps, randCIDRs[r.IntN(len(randCIDRs))])
		}
		if i == 2 {
			for j := range 30 {
				ps = append(ps, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 20, byte(j), 0}), 24))
			}
		}
		res.PrefixLists[fmt.Sprintf("pl-%d", i)] = ps
	}
	return res
}

func randomRule(r *rand.Rand, fl sg.Flavour, res sg.StaticResolver) sg.Rule {
	rl := sg.Rule{Direction: flow.Direction(r.IntN(2)), Protocol: randProtos[r.IntN(len(randProtos))], ICMPType: -1, ICMPCode: -1}
	lo := uint16(20 + r.IntN(10))
	rl.Ports = flow.PortRange{Lo: lo, Hi: lo + uint16(r.IntN(4))}
	if r.IntN(2) == 0 && !fl.IsAlibaba() { // Alibaba Cloud ICMP rules match every type and code
		rl.ICMPType = int16(r.IntN(3))
		if r.IntN(2) == 0 {
			rl.ICMPCode = int16(r.IntN(2))
		}
	}
	switch k := r.IntN(6); {
	case k < 3:
		rl.Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: randCIDRs[r.IntN(len(randCIDRs))]}
	case k < 4 && fl == sg.AWS && r.IntN(5) == 0:
		rl.Peer = sg.PrefixList(randUnknownLists[r.IntN(len(randUnknownLists))])
	case k < 4:
		rl.Peer = sg.PrefixList(fmt.Sprintf("pl-%d", r.IntN(3)))
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
		rl.Priority = 1 + r.IntN(4)
		rl.Action = flow.Pass + flow.Action(r.IntN(2))
		if r.IntN(5) == 0 && rl.Protocol.HasPorts() {
			rl.SourcePorts = flow.PortRange{Lo: 1000, Hi: 1000 + uint16(r.IntN(3))}
		}
	}
	return rl
}

func randomGroups(r *rand.Rand, res sg.StaticResolver) []sg.Group {
	fl := sg.Flavour(r.IntN(3))
	ids := append([]string{}, randGroups...)
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	gs := make([]sg.Group, 1+r.IntN(4))
	for i := range gs {
		g := sg.Group{ID: ids[i], Flavour: fl, InnerAccessDrop: r.IntN(2) == 0}
		for range r.IntN(30) {
			g.Rules = append(g.Rules, randomRule(r, fl, res))
		}
		gs[i] = g
	}
	return gs
}

func randomFlow(r *rand.Rand) flow.Flow {
	pool := randAddrs4
	protos := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.GRE, flow.ESP, flow.SCTP}
	if r.IntN(2) == 0 {
		pool = randAddrs6
		protos[2] = flow.ICMPv6
	}
	f := flow.Flow{Protocol: protos[r.IntN(len(protos))]}
	var sp, dp uint16
	if f.Protocol.HasPorts() {
		sp, dp = uint16(999+r.IntN(4)), uint16(19+r.IntN(16))
	}
	f.Src = netip.AddrPortFrom(pool[r.IntN(len(pool))], sp)
	f.Dst = netip.AddrPortFrom(pool[r.IntN(len(pool))], dp)
	if f.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(r.IntN(3)), uint8(r.IntN(2))
	}
	return f
}

// TestEvaluateAgreesWithReference throws thousands of random interfaces
// and flows at Evaluate, Explain and the reference, and demands they agree
// on the verdict and on what decided it.
func TestEvaluateAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	verdicts, bases := map[flow.Verdict]int{}, map[sg.Basis]int{}
	defer func() {
		assert.Positive(t, bases[sg.UnknownMember], "some flows meet a rule whose group's members are unknown: %v", bases)
		assert.Positive(t, bases[sg.UnknownEntry], "some flows meet a rule whose list's entries are unknown: %v", bases)
	}()
	cases := 4000
	if testing.Short() || raceOn {
		cases = 800
	}
	for i := range cases {
		res := randomWorld(r)
		groups := randomGroups(r, res)
		var compileRes sg.Resolver = res
		if i%2 == 0 {
			compileRes = sg.NewCachingResolver(res)
			_, err := sg.Compile(groups[:1], compileRes) // warm the cache
			require.NoError(t, err, "case %d", i)
		}
		e, err := sg.Compile(groups, compileRes)
		require.NoError(t, err, "case %d", i)
		plain := compilePlain(t, groups, res)
		certain := assumeMembers{Resolver: res} // matches for certain: no member of a group with unknown members
		for range 25 {
			f := randomFlow(r)
			require.NoError(t, f.Validate())
			dir := flow.Direction(r.IntN(2))
			want := refEvaluate(groups, res, f, dir)
			d := e.Evaluate(f, dir)
			require.Equal(t, plain.Evaluate(f, dir), d, "case %d: %s %s: the plain scan (internal/slowpath)", i, dir, f)
			verdicts[d.Verdict]++
			bases[d.Basis]++
			got := refDecision{d.Verdict, d.Basis, d.Group, d.RuleIndex}
			require.Equal(t, want, got, "case %d: %s %s against %+v", i, dir, f, groups)
			if d.Basis == sg.ByRule || d.Basis == sg.UnknownMember || d.Basis == sg.UnknownEntry {
				gi := slicesIndex(groups, d.Group)
				require.Equal(t, compiled(groups[gi].Flavour, groups[gi].Rules[d.RuleIndex]), d.Rule)
				require.Equal(t, d.Group+" "+d.Rule.Label(d.RuleIndex), e.RuleLabel(d), "case %d: the prepared label", i)
				require.Equal(t, e.RuleLabel(d), plain.RuleLabel(d))
			} else {
				require.Empty(t, e.RuleLabel(d))
			}
			x := e.Explain(f, dir)
			for _, sk := range x.Skipped {
				gi := slicesIndex(groups, sk.Group)
				require.Equal(t, compiled(groups[gi].Flavour, groups[gi].Rules[sk.RuleIndex]), sk.Rule)
				require.Equal(t, dir, sk.Rule.Direction)
				require.False(t, refMatch(sk.Rule, certain, f, dir), "a skipped rule must not match: %s", sk)
				require.NotEmpty(t, sk.Reason())
			}
			if d.Default {
				n := 0
				for _, g := range groups {
					for _, rl := range g.Rules {
						if rl.Direction == dir {
							n++
						}
					}
				}
				require.Len(t, x.Skipped, n, "no rule decided: every rule of the direction was tried")
			}
			if d.Default {
				requireClosest(t, x)
			}
			onlyGroups := x
			onlyGroups.Skipped = nil
			require.Equal(t, onlyGroups, e.ExplainGroups(f, dir), "ExplainGroups is Explain without Skipped")
			trace := x.Groups
			x.Skipped, x.Groups = nil, nil
			require.Equal(t, d, x)
			x.Groups = trace
			for gi, gt := range x.Groups {
				for ri, rl := range groups[gi].Rules {
					if ri == gt.Matched {
						require.True(t, refMatch(rl, certain, f, dir), "Explain's match must match")
					}
					if ri == gt.Closest {
						require.False(t, refMatch(rl, certain, f, dir), "Explain's closest must not match")
					}
				}
				if gt.Matched < 0 {
					for _, rl := range groups[gi].Rules {
						require.False(t, refMatch(rl, certain, f, dir), "Explain missed a matching rule in %s", gt.Group)
					}
				}
				if d.Basis == sg.ByRule && d.Group == gt.Group {
					require.Equal(t, d.RuleIndex, gt.Matched, "the deciding group's trace names the deciding rule")
				}
			}
		}
	}
}

func slicesIndex(gs []sg.Group, id string) int {
	for i, g := range gs {
		if g.ID == id {
			return i
		}
	}
	return -1
}

// TestConcurrentQueries runs Evaluate and Explain on one Evaluator from
// several goroutines; under -race it proves the evaluator is read-only.
func TestConcurrentQueries(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	res := randomWorld(r)
	groups := randomGroups(r, res)
	e, err := sg.Compile(groups, res)
	require.NoError(t, err)
	flows := make([]flow.Flow, 200)
	want := make([]sg.Decision, len(flows))
	for i := range flows {
		flows[i] = randomFlow(r)
		want[i] = e.Evaluate(flows[i], flow.Direction(i%2))
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, f := range flows {
				assert.Equal(t, want[i], e.Evaluate(f, flow.Direction(i%2)))
				x := e.Explain(f, flow.Direction(i%2))
				x.Skipped, x.Groups = nil, nil
				assert.Equal(t, want[i], x)
			}
		})
	}
	wg.Wait()
}

// compiled is r as a decision reports it: an AWS rule's unset action is
// Pass.
func compiled(fl sg.Flavour, r sg.Rule) sg.Rule {
	if fl == sg.AWS && r.Action == 0 {
		r.Action = flow.Pass
	}
	return r
}

// requireClosest demands that, in a decision no rule made (every rule of
// the direction skipped), each group's closest rule be the earliest of
// those that miss the fewest parts (counted from the skip's reason).
func requireClosest(t *testing.T, x sg.Decision) {
	t.Helper()
	for _, gt := range x.Groups {
		best, bestMiss := -1, 0
		for _, sk := range x.Skipped {
			if sk.Group != gt.Group {
				continue
			}
			miss := strings.Count(sk.Reason(), "; ") + 1
			if best < 0 || miss < bestMiss || (miss == bestMiss && sk.RuleIndex < best) {
				best, bestMiss = sk.RuleIndex, miss
			}
		}
		require.Equal(t, best, gt.Closest, "%s: the closest rule", gt.Group)
	}
}

// compilePlain compiles groups under internal/slowpath: every rule
// scanned, no port index, no prefix-list trie.
func compilePlain(t *testing.T, groups []sg.Group, res sg.Resolver) *sg.Evaluator {
	t.Helper()
	defer slowpath.Set(true)()
	e, err := sg.Compile(groups, res)
	require.NoError(t, err)
	return e
}

// alibabaICMPFamily gives an Alibaba Cloud rule on ICMP the ICMP of its
// peer's family: Alibaba Cloud gives ICMP beside a block of the other
// family no meaning, and Compile refuses it; nor by a list of blocks of
// the other family only.
func alibabaICMPFamily(rl *sg.Rule, res sg.StaticResolver) {
	if !rl.Protocol.IsICMP() {
		return
	}
	switch rl.Peer.Kind {
	case sg.PeerCIDR:
		rl.Protocol = flow.ICMP
		if rl.Peer.CIDR.Addr().Is6() {
			rl.Protocol = flow.ICMPv6
		}
	case sg.PeerPrefixList:
		var has4, has6 bool
		for _, p := range res.PrefixLists[rl.Peer.PrefixList] {
			has4, has6 = has4 || p.Addr().Is4(), has6 || p.Addr().Is6()
		}
		if has4 != has6 {
			rl.Protocol = flow.ICMP
			if has6 {
				rl.Protocol = flow.ICMPv6
			}
		}
	}
}
