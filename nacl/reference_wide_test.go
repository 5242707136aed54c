package nacl_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/nacl"
)

// TestRandomAgreesWithReferenceWide widens TestRandomAgreesWithReference
// to rule numbers over the whole 1-32766 range, long chains of one family
// and direction (the bitsets), ICMP types and codes up to 255 and
// addresses at each family's edges (0.0.0.0, 255.255.255.255, the /1
// halves, :: and the last IPv6 address): the compiled evaluator and the
// plain one (internal/slowpath) must each give refEvaluate's verdict and
// deciding rule number, in Evaluate and Verdict.
func TestRandomAgreesWithReferenceWide(t *testing.T) {
	cases := 1500
	if testing.Short() || raceOn {
		cases = 200
	}
	r := rand.New(rand.NewPCG(24, 1))
	g := gen{r}
	edge4 := []netip.Addr{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("128.0.0.0"), netip.MustParseAddr("127.255.255.255")}
	edge6 := []netip.Addr{netip.MustParseAddr("::"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), netip.MustParseAddr("8000::"), netip.MustParseAddr("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}
	for i := range cases {
		acl := nacl.ACL{ID: "acl-w", VPCID: "vpc-w"}
		is6 := r.IntN(2) == 0
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			used := map[int]bool{}
			n := r.IntN(80)
			for range n {
				num := 1 + r.IntN(nacl.MaxRuleNumber)
				if r.IntN(3) == 0 {
					num = 1 + r.IntN(40)
				}
				if used[num] {
					continue
				}
				used[num] = true
				e := g.entry(num, dir)
				if r.IntN(3) > 0 { // mostly one family: long chains
					a := g.addr(is6)
					if r.IntN(4) == 0 {
						if is6 {
							a = edge6[r.IntN(4)]
						} else {
							a = edge4[r.IntN(4)]
						}
					}
					e.CIDR = netip.PrefixFrom(a, r.IntN(a.BitLen()+1))
				}
				if e.Protocol.IsICMP() && r.IntN(2) == 0 {
					e.ICMPType = []int16{-1, 0, 255, 254, 3, 128}[r.IntN(6)]
					e.ICMPCode = []int16{-1, 0, 255, 1}[r.IntN(4)]
					if e.ICMPType == -1 {
						e.ICMPCode = -1
					}
				}
				acl.Entries = append(acl.Entries, e)
			}
		}
		ev, err := nacl.Compile(acl)
		require.NoError(t, err, "case %d", i)
		plain := func() *nacl.Evaluator {
			defer slowpath.Set(true)()
			ev, err := nacl.Compile(acl)
			require.NoError(t, err, "case %d plain", i)
			return ev
		}()
		for range 40 {
			f := g.flow()
			if r.IntN(3) == 0 {
				var src, dst netip.Addr
				if f.Is6() {
					src, dst = edge6[r.IntN(4)], edge6[r.IntN(4)]
				} else {
					src, dst = edge4[r.IntN(4)], edge4[r.IntN(4)]
				}
				f.Src, f.Dst = netip.AddrPortFrom(src, f.Src.Port()), netip.AddrPortFrom(dst, f.Dst.Port())
			}
			if f.Protocol.IsICMP() {
				f.ICMPType = []uint8{0, 255, 254, 3, 128, 8}[r.IntN(6)]
				f.ICMPCode = []uint8{0, 255, 1}[r.IntN(3)]
			}
			if f.Validate() != nil {
				continue
			}
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				wv, wn := refEvaluate(acl, f, dir)
				for k, e := range []*nacl.Evaluator{ev, plain} {
					d := e.Evaluate(f, dir)
					v, _ := e.Verdict(f, dir)
					if d.Verdict != wv || d.Entry.Number != wn || v != wv { // the message (every entry) only on failure
						what := fmt.Sprintf("case %d (plain=%v) %s %s\n%v", i, k == 1, f, dir, acl.Entries)
						require.Equal(t, [2]any{wv, wn}, [2]any{d.Verdict, d.Entry.Number}, "Evaluate: %s", what)
						require.Equal(t, wv, v, "Verdict: %s", what)
					}
				}
			}
		}
	}
}
