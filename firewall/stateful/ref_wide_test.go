package stateful

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
)

// widePorts are the port edges of the widened sessions and rules: 0,
// 1023/1024, 65535 and both sides of every bound of the generator's own
// port expressions (999/1000, 60000/60001, 8080, 50000).
var widePorts = []uint16{0, 1, 22, 53, 79, 80, 81, 443, 999, 1000, 1001, 1023, 1024, 1025, 8079, 8080, 8081, 49999, 50000, 50001, 59999, 60000, 60001, 65534, 65535}

// widePortExpr is a port expression on the edges: 0, 65535, 0:1023,
// 1024:, a negation, a list with a negation, a range between edge ports,
// everything but one port, any.
func widePortExpr(r *rand.Rand) string {
	p := func() string { return strconv.Itoa(int(widePorts[r.IntN(len(widePorts))])) }
	switch r.IntN(10) {
	case 0:
		return "0"
	case 1:
		return "65535"
	case 2:
		return "0:1023"
	case 3:
		return "1024:"
	case 4:
		return "!" + p()
	case 5:
		return "[" + p() + "," + p() + ",!" + p() + "]"
	case 6:
		a, b := widePorts[r.IntN(len(widePorts))], widePorts[r.IntN(len(widePorts))]
		return fmt.Sprintf("%d:%d", min(a, b), max(a, b))
	case 7:
		return "[0:65535,!" + p() + "]"
	case 8:
		return "any"
	}
	return p()
}

// widenPorts rewrites the source and destination ports of a rule of the
// generator with edge expressions (and now and then its direction to
// <>), or returns it unchanged where the result does not parse.
func widenPorts(r *rand.Rand, text string) string {
	f := strings.SplitN(text, " ", 8)
	if len(f) != 8 {
		return text
	}
	if r.IntN(2) == 0 {
		f[3] = widePortExpr(r)
	}
	if r.IntN(2) == 0 {
		f[6] = widePortExpr(r)
	}
	if r.IntN(8) == 0 {
		f[4] = "<>"
	}
	w := strings.Join(f, " ")
	if parseErr(w) != nil {
		return text
	}
	return w
}

// TestAgreesWithReferenceWide widens TestAgreesWithReference to port and
// ICMP edges: about 70% of the generated rules get edge port expressions,
// every session edge ports, and half the ICMP sessions a type other than
// echo (0, 3, 4, 11, 13, 255; ICMPv6 1, 2, 129, 135, 255) and code (0, 1,
// 255), so both sides of the generated itype/icode conditions are asked.
// The reference, Evaluate and the plain linear scan (internal/slowpath)
// must agree on the whole decision key.
func TestAgreesWithReferenceWide(t *testing.T) {
	configs := 1500
	if testing.Short() || raceOn {
		configs = 150
	}
	r := rand.New(rand.NewPCG(24, 77))
	g := generator{r}
	res := randomIPSets
	sessions := 0
	for c := range configs {
		cfg := g.config()
		for gi := range cfg.Groups {
			grp := &cfg.Groups[gi].Group
			if grp.RulesString == "" {
				continue
			}
			lines := strings.Split(grp.RulesString, "\n")
			for li := range lines {
				w := widenPorts(r, lines[li])
				if sr, err := suricata.Parse(w); err == nil && !addrsRefused(*grp, sr) {
					lines[li] = w
				}
			}
			grp.RulesString = strings.Join(lines, "\n")
		}
		e, err := Compile(cfg, res)
		if err != nil {
			continue // the generator writes some configurations Compile refuses (as TestAgreesWithReference's)
		}
		restore := slowpath.Set(true)
		lin, err := Compile(cfg, res)
		restore()
		require.NoError(t, err, "config %d: plain compile", c)
		ref, err := newRefEngine(cfg, res)
		require.NoError(t, err, "config %d: reference", c)
		for range 30 {
			s := g.session()
			if s.Flow.Protocol.HasPorts() {
				s.Flow.Src = netip.AddrPortFrom(s.Flow.Src.Addr(), widePorts[r.IntN(len(widePorts))])
				s.Flow.Dst = netip.AddrPortFrom(s.Flow.Dst.Addr(), widePorts[r.IntN(len(widePorts))])
			}
			if s.Flow.Protocol.IsICMP() && r.IntN(2) == 0 {
				s.Flow.ICMPType = []uint8{0, 3, 4, 11, 13, 255}[r.IntN(6)]
				s.Flow.ICMPCode = []uint8{0, 1, 255}[r.IntN(3)]
				if s.Flow.Protocol == flow.ICMPv6 {
					s.Flow.ICMPType = []uint8{1, 2, 129, 135, 255}[r.IntN(5)]
				}
			}
			if s.Flow.Validate() != nil {
				continue
			}
			wd, ok := ref.evaluate(s)
			if !ok {
				continue // too many undecidable rules for the reference to try every world
			}
			sessions++
			want, got, l := keyOf(wd), keyOf(e.Evaluate(s)), keyOf(lin.Evaluate(s))
			if got != want || l != want { // the message (every rule) only on failure
				var rules []string
				for _, gr := range cfg.Groups {
					rs, _ := gr.Group.Rules()
					for _, x := range rs {
						rules = append(rules, fmt.Sprintf("  [%s p%d dta=%v] %s", gr.Group.Name, gr.Priority, gr.DropToAlert, x.Text))
					}
				}
				what := fmt.Sprintf("config %d session %+v (app %q fwd %v ret %v unseen %v) under %s defaults %v:\n%s",
					c, s.Flow, s.Flow.App, s.ForwardSeen, s.ReturnSeen, s.Unseen, cfg.Order, cfg.Defaults.Names(), strings.Join(rules, "\n"))
				require.Equal(t, want, got, "Evaluate: %s", what)
				require.Equal(t, want, l, "linear scan: %s", what)
			}
		}
	}
	require.Greater(t, sessions, 10*configs, "most sessions are compared")
}

// TestDefaultAppProtoIsTheMap checks DefaultAppProto (a binary search over
// appByPort, which the engine and its reference share) against the plain
// appPorts map it is built from, on every tcp and udp port.
func TestDefaultAppProtoIsTheMap(t *testing.T) {
	for _, pr := range []flow.Protocol{flow.TCP, flow.UDP} {
		for p := 0; p <= 65535; p++ {
			want, ok := appPorts[pr][uint16(p)]
			if !ok {
				want = "none"
			}
			f := flow.Flow{Protocol: pr, Dst: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), uint16(p))}
			if got := DefaultAppProto(f); got != want {
				require.Equal(t, want, got, "%s port %d", pr, p)
			}
		}
	}
}
