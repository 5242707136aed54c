package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestSourcesAnyClientPortThroughFirewall holds Sources from every client
// port to brute force where the firewall on the path cuts client ports
// for some internet sources only: random stateful rules that drop or pass
// tcp 443 from a random block and a random range of source ports (a pass
// followed by a drop of the block's other ports), or drop
// the reply to a block's client ports of a random range. Each address
// atom's client ports are cut by its own walk (clientAtoms): a rule of
// another block must not cut them, and a rule of the atom's block must.
// Brute force asks Verdict from every edge of the rules' port ranges and
// their neighbours, at the edges of every block and at random addresses.
func TestSourcesAnyClientPortThroughFirewall(t *testing.T) {
	designs := 24
	if testing.Short() || raceOn {
		designs = 8
	}
	cut := 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 0xac1f))
		d := publicDesign(rng)
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), d)
		var ports []uint16
		var addrs []netip.Addr
		var lines string
		for n := range 2 + rng.IntN(4) {
			a := netip.AddrFrom4([4]byte{byte(11 + rng.IntN(80)), byte(rng.IntN(256)), 0, 0})
			block := netip.PrefixFrom(a, 8+rng.IntN(9)).Masked()
			lo := uint16(1 + rng.IntN(60000))
			if rng.IntN(2) == 0 {
				lo = uint16(reach.DefaultSourcePort - rng.IntN(3000)) // the one client port's answer changes
			}
			hi := lo + uint16(rng.IntN(5000))
			ports = append(ports, lo, hi)
			addrs = append(addrs, block.Addr(), block.Addr().Prev())
			pr := fmt.Sprintf("[%d:%d]", lo, hi)
			switch rng.IntN(3) {
			case 0:
				lines += fmt.Sprintf("drop tcp %s %s -> any 443 (sid:%d;)\n", block, pr, 700+n)
			case 1:
				lines += fmt.Sprintf("pass tcp %s %s -> any 443 (sid:%d;)\n", block, pr, 700+n)
				lines += fmt.Sprintf("drop tcp %s any -> any 443 (sid:%d;)\n", block, 750+n) // the range alone passes
			default:
				lines += fmt.Sprintf("drop tcp any 443 -> %s %s (sid:%d;)\n", block, pr, 700+n)
			}
		}
		g := &d.Firewalls[0].Policy.Stateful.Groups[0].Group
		g.RulesString = lines + g.RulesString
		m, err := d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		q := reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443, AnyClientPort: true}
		r, err := m.Sources(q)
		require.NoError(t, err, "seed %d:\n%s", seed, lines)
		one, err := m.Sources(reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		if fmt.Sprint(one.Internet) != fmt.Sprint(r.Internet) {
			cut++ // some client port reaches where 50000 does not, or the other way round
		}
		addrs = append(addrs, brute.AddrsToCheck(rng, false, r.Internet, r.InternetIndeterminate)[:60]...)
		brute.CheckSourcesFrom(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, addrs,
			brute.SourcesClientPorts(q, ports...), fmt.Sprintf("seed %d:\n%s", seed, lines))
	}
	assert.Positive(t, cut, "some design's firewall answers some client port apart")
}
