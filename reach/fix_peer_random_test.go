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
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestAlsoChangedRandomGroupAndListPeers: on random designs (the walk
// generator), a security group rule of one protocol whose peer is a group
// (one the design holds, or sg-ext, which it does not) or a prefix list
// (random blocks: an interface's address, a subnet, a public address of
// the design, internet ranges; or pl-ext, whose entries are unknown) is
// added to a random group, or removed from it; every sampled session of
// that protocol whose Verdict the change alters is in what Fix would list
// as AlsoChanged, and a peer the model cannot enumerate gives an error
// wrapping ErrNoFix instead. The rules Fix writes name an address or a
// block: this puts the group and prefix list peers AlsoChanged takes to
// the same test.
func TestAlsoChangedRandomGroupAndListPeers(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	stats := map[string]int{}
	groups := []string{"sg-open", "sg-web", "sg-ref", "sg-out"}
	for seed := range uint64(fixSessionDesigns(t)) {
		rng := rand.New(rand.NewPCG(seed, 23))
		g := randomWalkDesign(rng)
		list := randomPeerList(rng, g)
		ids := map[string]string{}
		for _, in := range g.d.Interfaces {
			ids[in.ID], ids[in.PrivateIPs[0].String()] = in.ID, in.ID
			if in.PublicIP.IsValid() {
				ids[in.PublicIP.String()] = in.ID
			}
		}
		for range 8 {
			q := reach.Query{From: g.endpoints[rng.IntN(len(g.endpoints))], To: g.endpoints[rng.IntN(len(g.endpoints))]}
			rule := sg.Rule{Direction: flow.Inbound, ICMPType: -1, ICMPCode: -1}
			switch rng.IntN(4) {
			case 0:
				q.Protocol, q.Port = flow.UDP, []uint16{53, 443, 123}[rng.IntN(3)]
				rule.Protocol, rule.Ports = flow.UDP, flow.Single(q.Port)
			case 1:
				q.Protocol = flow.ICMP
				rule.Protocol, rule.ICMPType, rule.ICMPCode = flow.ICMP, 8, 0
			default:
				q.Protocol, q.Port = flow.TCP, []uint16{22, 80, 443, 5432}[rng.IntN(4)]
				rule.Protocol, rule.Ports = flow.TCP, flow.PortRange{Lo: q.Port, Hi: q.Port + uint16(rng.IntN(2))}
			}
			if rng.IntN(8) == 0 {
				rule.Direction = flow.Outbound // the groups send everywhere already: changes nothing, yet is compared
			}
			kind := "group"
			switch k := rng.IntN(10); {
			case k < 4:
				rule.Peer = sg.GroupRef(groups[rng.IntN(len(groups))])
			case k < 8:
				rule.Peer, kind = sg.PrefixList("pl-rand"), "list"
			case k < 9:
				rule.Peer, kind = sg.GroupRef("sg-ext"), "unknown"
			default:
				rule.Peer, kind = sg.PrefixList("pl-ext"), "unknown"
			}
			gid := groups[rng.IntN(len(groups))]
			action := []reach.ChangeAction{reach.ChangeAdd, reach.ChangeRemove}[rng.IntN(2)]
			d := *g.d
			d.Groups = slices.Clone(d.Groups)
			if action == reach.ChangeRemove {
				i := slices.IndexFunc(d.Groups, func(x sg.Group) bool { return x.ID == gid })
				d.Groups[i].Rules = append(slices.Clone(d.Groups[i].Rules), rule)
			}
			m, err := d.Builder().AddPrefixList(list).AddUnresolvedGroup("sg-ext").AddUnresolvedPrefixList("pl-ext").Build()
			require.NoError(t, err)
			c := reach.Change{Action: action, Kind: reach.ResourceSecurityGroup, Resource: gid, Direction: rule.Direction, Rule: &rule,
				Text: fmt.Sprintf("%s %s %s rule %+v", action, gid, rule.Direction, rule.Peer)}
			p, err := m.Apply([]reach.Change{c})
			require.NoError(t, err)
			label := fmt.Sprintf("seed %d, query %+v, change %q", seed, q, c.Text)
			also, err := reach.AlsoChangedOf(m, p, q, []reach.Change{c})
			if kind == "unknown" {
				require.ErrorIs(t, err, reach.ErrNoFix, label)
				stats["unknown"]++
				continue
			}
			require.NoError(t, err, label)
			changed := alsoBruteForce(t, m, p, q, &reach.FixResult{AlsoChanged: also}, label, func() reach.Query {
				s := reach.Query{From: g.endpoints[rng.IntN(len(g.endpoints))], To: g.endpoints[rng.IntN(len(g.endpoints))], Protocol: q.Protocol, SrcPort: q.SrcPort}
				if q.Protocol.HasPorts() {
					s.Port = []uint16{q.Port, q.Port + 1, 22, 443, 53}[rng.IntN(5)]
				}
				return s
			}, func(_ *reach.FixResult, s reach.Query) bool {
				return ids[s.From] != "" && ids[s.From] == ids[s.To] // an interface to itself: no session of AlsoChanged's, Matrix's or Diff's
			})
			stats[kind+" changes"]++
			stats[kind+" changed sessions"] += changed
		}
	}
	t.Log(stats)
	assert.NotZero(t, stats["unknown"])
	require.NotZero(t, stats["group changed sessions"], "some group peers change sampled sessions, so AlsoChanged is put to the test")
	require.NotZero(t, stats["list changed sessions"], "some prefix list peers change sampled sessions")
}

// randomPeerList returns prefix list pl-rand of 1 to 4 random blocks of
// g's design: an interface's private or public address, its subnet, or
// an internet range (one holding 198.51.100.7 or 8.8.8.8, the internet
// endpoints, or another).
func randomPeerList(rng *rand.Rand, g *walkGen) reach.PrefixList {
	pl := reach.PrefixList{ID: "pl-rand"}
	for range 1 + rng.IntN(4) {
		in := g.d.Interfaces[rng.IntN(len(g.d.Interfaces))]
		var p netip.Prefix
		switch rng.IntN(5) {
		case 0:
			p = netip.PrefixFrom(in.PrivateIPs[0], 32)
		case 1:
			p = netip.PrefixFrom(in.PrivateIPs[0], 24).Masked()
		case 2:
			if in.PublicIP.IsValid() {
				p = netip.PrefixFrom(in.PublicIP, 32)
				break
			}
			fallthrough
		case 3:
			p = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("8.8.8.8/32"), netip.MustParsePrefix("0.0.0.0/0")}[rng.IntN(3)]
		default:
			p = netip.MustParsePrefix("192.0.2.0/24") // no endpoint: changes nothing sampled
		}
		if !slices.Contains(pl.Entries, p) {
			pl.Entries = append(pl.Entries, p)
		}
	}
	return pl
}
