package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// addressChangeAt returns the address change of pc that holds x.
func addressChangeAt(pc reach.PairChange, x netip.Addr) (reach.AddressChange, bool) {
	for _, ac := range pc.Addresses {
		for _, p := range ac.Addresses {
			if p.Contains(x) {
				return ac, true
			}
		}
	}
	return reach.AddressChange{}, false
}

// internetQuery is the session between the internet address x and the
// interface id on tcp port, x opening it when fromInternet.
func internetQuery(x netip.Addr, id string, fromInternet bool, port uint16) reach.Query {
	if fromInternet {
		return reach.Query{From: x.String(), To: id, Protocol: flow.TCP, Port: port}
	}
	return reach.Query{From: id, To: x.String(), Protocol: flow.TCP, Port: port}
}

// internetChangeOf returns the change between the internet and the group
// holding the interface id.
func internetChangeOf(d *reach.DiffResult, id string, fromInternet bool) (reach.PairChange, bool) {
	group := ""
	for _, g := range d.Groups {
		for _, mb := range g.Members {
			if mb.ID == id {
				group = g.Name
			}
		}
	}
	for _, c := range d.Changes {
		if (fromInternet && c.From == reach.InternetNode && c.To == group) || (!fromInternet && c.To == reach.InternetNode && c.From == group) {
			return c, true
		}
	}
	return reach.PairChange{}, false
}

// TestDiffInternetAddressRangeChanges changes only the block of one
// security group rule, wider or narrower, inbound or outbound: some
// internet addresses gain or lose a port while others still have it, so
// the matrices' internet cells (unions over the internet) are as they
// were. Diff must list the pair with exactly the addresses whose
// sessions changed, as Verdict finds them address by address.
func TestDiffInternetAddressRangeChanges(t *testing.T) {
	samples := []string{"203.0.113.77", "198.51.100.7", "8.8.8.8", "128.0.0.1", "200.1.2.3", "1.1.1.1", "255.255.255.254"}
	for _, tc := range []struct {
		name          string
		group, rule   string
		before, after sg.Peer
		id            string
		fromInternet  bool
		port          uint16
		gained, lost  string // an address whose session opens, closes
	}{
		{"inbound widened", "sg-web", "sgr-web-https", sg.CIDR("198.51.100.0/24"), sg.CIDR("128.0.0.0/1"), "eni-web1", true, 443, "203.0.113.77", ""},
		{"inbound narrowed", "sg-web", "sgr-web-https", sg.AnyIPv4, sg.CIDR("198.51.100.0/24"), "eni-web1", true, 443, "", "203.0.113.77"},
		{"inbound opened", "sg-web", "sgr-web-https", sg.CIDR("10.9.0.0/16"), sg.AnyIPv4, "eni-web1", true, 443, "203.0.113.77", ""},
		{"inbound moved", "sg-web", "sgr-web-https", sg.CIDR("198.51.100.0/24"), sg.CIDR("200.1.0.0/16"), "eni-web1", true, 443, "200.1.2.3", "198.51.100.7"},
		{"outbound narrowed", "sg-web", "sgr-web-out", sg.AnyIPv4, sg.CIDR("198.51.100.0/24"), "eni-web1", false, 443, "", "8.8.8.8"},
		{"outbound widened", "sg-app", "sgr-app-out", sg.CIDR("198.51.100.0/24"), sg.CIDR("128.0.0.0/1"), "eni-app1", false, 443, "200.1.2.3", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := func(peer sg.Peer) *reach.Model {
				d := sample.ThreeTierDesign()
				// the sample's firewall lets out only TLS to a few names:
				// open, so that egress is up to the groups
				fwd := stateless.DefaultAction{Action: flow.Forward}
				d.Firewalls[0].Policy = firewall.Policy{Name: "open", Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd}}
				found := false
				for i := range d.Groups {
					for j := range d.Groups[i].Rules {
						if d.Groups[i].ID == tc.group && d.Groups[i].Rules[j].ID == tc.rule {
							d.Groups[i].Rules[j].Peer, found = peer, true
						}
					}
				}
				require.True(t, found)
				m, err := d.Builder().Build()
				require.NoError(t, err)
				return m
			}
			before, after := build(tc.before), build(tc.after)
			for _, d := range []func() (*reach.DiffResult, error){
				func() (*reach.DiffResult, error) { return reach.Diff(before, after, reach.DiffOptions{}) },
				func() (*reach.DiffResult, error) { return reach.DiffReference(before, after, reach.DiffOptions{}) },
			} {
				res, err := d()
				require.NoError(t, err)
				pc, ok := internetChangeOf(res, tc.id, tc.fromInternet)
				require.True(t, ok, "the internet pair of %s changed; diff:\n%s", tc.id, res.Text())
				require.NotEmpty(t, pc.Addresses)
				assert.NotContains(t, res.Text(), "changes: none")
				assert.Contains(t, res.Text(), "internet addresses ")
				if tc.before == sg.AnyIPv4 || tc.after == sg.AnyIPv4 {
					// every internet address changed but the other block
					want := "every one but " + tc.before.CIDR.String()
					if tc.after != sg.AnyIPv4 {
						want = "every one but " + tc.after.CIDR.String()
					}
					if tc.before.CIDR.Addr().IsPrivate() {
						want = "every one:"
					}
					assert.Contains(t, res.Text(), "internet addresses "+want)
				}
				// brute force: every sample address is listed as changed
				// on the port exactly when its verdict changed
				for _, s := range samples {
					x := netip.MustParseAddr(s)
					q := internetQuery(x, tc.id, tc.fromInternet, tc.port)
					vb, err := before.Verdict(q)
					require.NoError(t, err)
					va, err := after.Verdict(q)
					require.NoError(t, err)
					ac, _ := addressChangeAt(pc, x)
					assert.Equal(t, vb != reach.Reachable && va == reach.Reachable, ac.Gained.TCP.Contains(tc.port), "%s gained tcp/%d", s, tc.port)
					assert.Equal(t, vb == reach.Reachable && va != reach.Reachable, ac.Lost.TCP.Contains(tc.port), "%s lost tcp/%d", s, tc.port)
					switch s {
					case tc.gained:
						assert.Equal(t, [2]reach.Outcome{reach.Unreachable, reach.Reachable}, [2]reach.Outcome{vb, va}, s)
						assert.True(t, pc.Gained.TCP.Contains(tc.port))
					case tc.lost:
						assert.Equal(t, [2]reach.Outcome{reach.Reachable, reach.Unreachable}, [2]reach.Outcome{vb, va}, s)
						assert.True(t, pc.Lost.TCP.Contains(tc.port))
					}
				}
			}
		})
	}
}

// checkInternetChanges holds the internet's changes of d to Verdict on
// sample addresses: inside a listed change's addresses, a port it gained
// or lost opens or closes; outside every one, the ports the pair gained
// or lost keep their verdict.
func checkInternetChanges(t *testing.T, before, after *reach.Model, d *reach.DiffResult, msg string) {
	t.Helper()
	members := map[string]string{}
	for _, g := range d.Groups {
		if len(g.Members) > 0 {
			members[g.Name] = g.Members[0].ID
		}
	}
	first := func(s flow.PortSet) (uint16, bool) {
		if rs := s.Ranges(); len(rs) > 0 {
			return rs[0].Lo, true
		}
		return 0, false
	}
	verdicts := func(q reach.Query) (reach.Outcome, reach.Outcome) {
		vb, err := before.Verdict(q)
		require.NoError(t, err, "%s: %+v", msg, q)
		va, err := after.Verdict(q)
		require.NoError(t, err, "%s: %+v", msg, q)
		return vb, va
	}
	held := func(x netip.Addr) bool { return reach.Holds(before, x) || reach.Holds(after, x) }
	for _, c := range d.Changes {
		fromInternet := c.From == reach.InternetNode
		if !fromInternet && c.To != reach.InternetNode {
			assert.Empty(t, c.Addresses, "%s: %s -> %s has no internet end", msg, c.From, c.To)
			continue
		}
		id := members[c.To]
		if !fromInternet {
			id = members[c.From]
		}
		require.NotEmpty(t, c.Addresses, "%s: %s -> %s says which internet addresses changed", msg, c.From, c.To)
		for _, ac := range c.Addresses {
			for i, p := range ac.Addresses {
				if i == 3 {
					break
				}
				x := p.Masked().Addr()
				for range (p.Addr().BitLen() - p.Bits()) / 2 { // somewhere inside
					x = x.Next()
				}
				if held(x) {
					continue
				}
				if port, ok := first(ac.Gained.TCP); ok {
					vb, va := verdicts(internetQuery(x, id, fromInternet, port))
					assert.Equal(t, [2]reach.Outcome{reach.Unreachable, reach.Reachable}, [2]reach.Outcome{vb, va}, "%s: %s -> %s gained tcp/%d at %s", msg, c.From, c.To, port, x)
				}
				if port, ok := first(ac.Lost.TCP); ok {
					vb, va := verdicts(internetQuery(x, id, fromInternet, port))
					assert.Equal(t, [2]reach.Outcome{reach.Reachable, reach.Unreachable}, [2]reach.Outcome{vb, va}, "%s: %s -> %s lost tcp/%d at %s", msg, c.From, c.To, port, x)
				}
			}
		}
		for _, s := range []string{"8.8.8.8", "198.51.100.7", "203.0.113.77", "128.0.0.1", "1.1.1.1"} {
			x := netip.MustParseAddr(s)
			if _, in := addressChangeAt(c, x); in || held(x) {
				continue
			}
			for _, set := range []flow.PortSet{c.Gained.TCP, c.Lost.TCP} {
				if port, ok := first(set); ok {
					vb, va := verdicts(internetQuery(x, id, fromInternet, port))
					assert.Equal(t, vb, va, "%s: %s -> %s: %s is not listed, yet tcp/%d changed", msg, c.From, c.To, x, port)
				}
			}
		}
	}
}

// requireSameAddressChanges demands two diffs list the same internet
// addresses changed, pair by pair.
func requireSameAddressChanges(t *testing.T, want, got *reach.DiffResult, msg string) {
	t.Helper()
	byPair := func(d *reach.DiffResult) map[string]string {
		name := map[string]string{reach.InternetNode: reach.InternetNode}
		for _, g := range d.Groups {
			for _, mb := range g.Members {
				name[g.Name] += mb.ID + ","
			}
		}
		out := map[string]string{}
		for _, c := range d.Changes {
			for _, ac := range c.Addresses {
				out[name[c.From]+" -> "+name[c.To]] += fmt.Sprintf("%v: +%s -%s +?%s -?%s\n", ac.Addresses, ac.Gained, ac.Lost, ac.IndeterminateGained, ac.IndeterminateLost)
			}
		}
		return out
	}
	require.Equal(t, byPair(want), byPair(got), msg)
}

// TestDiffInternetBlocksRandom gives a random rule of the sample design
// (its firewall open) a random port and two random blocks, one before
// and one after, inbound or outbound, and holds the diff to Verdict on
// random internet addresses inside and outside both blocks: an address
// is listed as gaining or losing the rule's port exactly when its
// verdict changes.
func TestDiffInternetBlocksRandom(t *testing.T) {
	blocks := []string{"0.0.0.0/0", "128.0.0.0/1", "198.51.100.0/24", "198.51.100.128/25", "200.0.0.0/8", "200.1.0.0/16",
		"8.0.0.0/6", "8.8.8.8/32", "192.0.2.0/24", "64.0.0.0/2"}
	seeds := 40
	if testing.Short() || raceOn {
		seeds = 10
	}
	changed := 0
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 7))
		dir := []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)]
		group, id := "sg-web", "eni-web1"
		if dir == flow.Outbound && rng.IntN(2) == 0 {
			group, id = "sg-app", "eni-app1"
		}
		port := uint16(1 + rng.IntN(1024))
		if dir == flow.Inbound {
			port = 443 // the only port the sample's ACLs let in from the internet
		}
		x, y := blocks[rng.IntN(len(blocks))], blocks[rng.IntN(len(blocks))]
		build := func(block string) *reach.Model {
			d := sample.ThreeTierDesign()
			fwd := stateless.DefaultAction{Action: flow.Forward}
			d.Firewalls[0].Policy = firewall.Policy{Name: "open", Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd}}
			for i := range d.Groups {
				g := &d.Groups[i]
				if g.ID != group {
					continue
				}
				// the group's own rules toward the internet go: the
				// random rule alone decides
				var keep []sg.Rule
				for _, r := range g.Rules {
					if r.Direction != dir || !r.Peer.CIDR.IsValid() || !r.Peer.CIDR.Addr().Is4() {
						keep = append(keep, r)
					}
				}
				g.Rules = append(keep, sg.Rule{ID: "sgr-random", Direction: dir, Protocol: flow.TCP, Ports: flow.Single(port),
					ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(block)})
			}
			m, err := d.Builder().Build()
			require.NoError(t, err)
			return m
		}
		before, after := build(x), build(y)
		msg := fmt.Sprintf("seed %d: %s %s tcp/%d %s -> %s", seed, group, dir, port, x, y)
		res, err := reach.Diff(before, after, reach.DiffOptions{})
		require.NoError(t, err, msg)
		pc, listed := internetChangeOf(res, id, dir == flow.Inbound)
		// random addresses, and some inside and at the edges of both blocks
		var samples []netip.Addr
		for _, b := range []string{x, y} {
			p := netip.MustParsePrefix(b)
			samples = append(samples, p.Addr(), p.Addr().Next(), lastOf(p), lastOf(p).Next())
			if a := p.Addr().Prev(); a.IsValid() {
				samples = append(samples, a)
			}
		}
		for range 12 {
			samples = append(samples, netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
		}
		sawChange := false
		for _, a := range samples {
			if !a.IsValid() || !a.Is4() || a.IsPrivate() || a.IsLoopback() || a.IsMulticast() || a.IsUnspecified() || a.IsLinkLocalUnicast() ||
				reach.Holds(before, a) || netip.MustParsePrefix("100.64.0.0/10").Contains(a) || a == netip.MustParseAddr("255.255.255.255") || brute.NonGlobal4(a) {
				continue
			}
			q := internetQuery(a, id, dir == flow.Inbound, port)
			vb, err := before.Verdict(q)
			require.NoError(t, err, msg)
			va, err := after.Verdict(q)
			require.NoError(t, err, msg)
			ac, _ := addressChangeAt(pc, a)
			assert.Equal(t, vb != reach.Reachable && va == reach.Reachable, ac.Gained.TCP.Contains(port), "%s: %s gained (%s -> %s)\n%s", msg, a, vb, va, res.Text())
			assert.Equal(t, vb == reach.Reachable && va != reach.Reachable, ac.Lost.TCP.Contains(port), "%s: %s lost (%s -> %s)\n%s", msg, a, vb, va, res.Text())
			sawChange = sawChange || vb != va
		}
		if sawChange {
			require.True(t, listed, "%s: some address's verdict changed\n%s", msg, res.Text())
			assert.NotContains(t, res.Text(), "changes: none", msg)
			changed++
		}
		if x == y {
			assert.False(t, listed, "%s: nothing changed\n%s", msg, res.Text())
		}
	}
	assert.Positive(t, changed, "some blocks change some address's verdict")
}

// lastOf returns the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	for i := p.Bits(); i < 32; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(b)
}
