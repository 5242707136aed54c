package firewall_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestVerdictsAgreesWithEvaluate holds Engine.Verdicts to Evaluate's
// VerdictOn, and Engine.Outline to its VerdictOn, RuleOn and Fix, on
// random policies (stateless rules that pass, drop and
// forward over a few prefixes and ports, stateful rules that pass, drop,
// reject and alert, some to an IP set whose entries are unknown, random
// default actions) and random connections, one
// or both of whose directions cross.
func TestVerdictsAgreesWithEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 5))
	cidrs := []string{"", "10.0.0.0/16", "10.0.1.0/24", "198.51.100.0/24", "0.0.0.0/0"}
	ports := []uint16{0, 22, 80, 443, 50000}
	addrs := []string{"10.0.1.10", "10.0.2.20", "198.51.100.7", "203.0.113.9"}
	actions := []flow.Action{flow.Pass, flow.Drop, flow.Forward}
	sfActions := []string{"pass", "drop", "reject", "alert"}
	sfProtos := []string{"tcp", "udp", "ip", "icmp"}
	seen := map[flow.Verdict]int{}
	flagged := 0 // rules that name TCP flags
	ruled, fixed := 0, 0
	byWorlds := 0  // stateful verdicts certain only because every world gives them
	midstream := 0 // legs left to the stream exception policy
	inspected := 0 // legs left to TLS inspection
	ackOnly := 0   // legs left undecided by the server's pure ACK
	ambiguous := 0 // legs left undecided by a rule on ports met by another protocol
	for round := range 300 {
		var sl []stateless.Rule
		for i := range rng.IntN(5) {
			r := tcpRule(i+1, actions[rng.IntN(len(actions))], cidrs[rng.IntN(len(cidrs))], ports[rng.IntN(len(ports))],
				cidrs[rng.IntN(len(cidrs))], ports[rng.IntN(len(ports))])
			switch rng.IntN(5) {
			case 4:
				// ports (or none) on any protocol: a packet of another
				// protocol leaves its match open (stateless.Ambiguity)
				r.Protocols = nil
			case 0:
				r.Protocols = []flow.Protocol{flow.UDP, flow.ICMP}
				r.SourcePorts, r.DestinationPorts = nil, nil
			case 1:
				// a rule on flags: the SYN and the later segments of one
				// connection may be judged apart (a SYN alone, or one
				// with ACK), and the pure ACKs from the data segments
				m := []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK},
					{Flags: stateless.ACK, Masks: stateless.ACK},
					{Flags: stateless.ACK, Masks: stateless.SYN | stateless.ACK | stateless.PSH},
					{Flags: stateless.PSH, Masks: stateless.PSH}}[rng.IntN(4)]
				r.TCPFlags = []stateless.TCPFlagMatch{m}
				if m.Masks&stateless.PSH != 0 && rng.IntN(2) == 0 {
					// on every address and port: the server's pure ACK
					// meets it as often as the client's
					r.Sources, r.Destinations, r.SourcePorts, r.DestinationPorts = nil, nil, nil, nil
				}
				flagged++
			}
			sl = append(sl, r)
		}
		var sf []string
		for i := range rng.IntN(4) {
			port := "any"
			if p := ports[rng.IntN(len(ports))]; p != 0 {
				port = fmt.Sprint(p)
			}
			dst := []string{"any", "any", "$HOME_NET", "$HOME_NET", "@PARTNERS", "[@PARTNERS,10.0.1.0/24]"}[rng.IntN(6)]
			sf = append(sf, fmt.Sprintf("%s %s any any -> %s %s (sid:%d;)", sfActions[rng.IntN(len(sfActions))],
				sfProtos[rng.IntN(len(sfProtos))], dst, port, 100+i))
		}
		var defaults stateful.Defaults
		switch rng.IntN(4) {
		case 0:
			defaults.DropStrict = true
		case 1:
			defaults.DropEstablished = true
		}
		defaults.AlertStrict = rng.IntN(4) == 0
		p := newPolicy(actions[rng.IntN(len(actions))], sl, defaults, sf...)
		if len(sf) > 0 {
			p = withPartners(p)
		}
		p.StreamExceptionPolicy = []string{"", "DROP", "CONTINUE", "REJECT"}[rng.IntN(4)]
		if rng.IntN(8) == 0 {
			p.TLSInspectionConfigurationArn = "arn:aws:network-firewall:us-east-1:111122223333:tls-configuration/t"
		}
		e, err := firewall.Compile(p, partnersUnknown)
		require.NoError(t, err)
		for range 20 {
			proto := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP}[rng.IntN(3)]
			src := netip.AddrPortFrom(netip.MustParseAddr(addrs[rng.IntN(len(addrs))]), ports[rng.IntN(len(ports))])
			dst := netip.AddrPortFrom(netip.MustParseAddr(addrs[rng.IntN(len(addrs))]), ports[rng.IntN(len(ports))])
			f := flow.Flow{Protocol: proto, Src: src, Dst: dst}
			if proto == flow.ICMP {
				f.Src, f.Dst = netip.AddrPortFrom(src.Addr(), 0), netip.AddrPortFrom(dst.Addr(), 0)
				f.ICMPType = 8
			}
			c := firewall.Connection{Flow: f, Request: rng.IntN(4) != 0, Reply: rng.IntN(4) != 0}
			want := e.Evaluate(c)
			if want.Stateful != nil && want.Stateful.Undecided != nil {
				byWorlds++
			}
			// Evaluate judges a direction's later segments as its first
			// when no rule names TCP flags: Explain judges each one
			ex := e.Explain(c)
			require.Len(t, want.Packets, len(ex.Packets))
			for i, pr := range ex.Packets {
				d := pr.Decision
				d.Skipped = nil
				require.Equal(t, d, want.Packets[i].Decision, "round %d: %+v packet %d", round, c, i)
			}
			req, rep := e.Verdicts(c)
			require.Equal(t, want.VerdictOn(false), req, "round %d: %+v request", round, c)
			require.Equal(t, want.VerdictOn(true), rep, "round %d: %+v reply", round, c)
			seen[req]++
			seen[rep]++
			want0 := firewall.Outline{Verdict: [2]flow.Verdict{want.VerdictOn(false), want.VerdictOn(true)},
				Rule: [2]string{want.RuleOn(false), want.RuleOn(true)}, Fix: want.Fix()}
			for k, reply := range []bool{false, true} {
				want0.Missing[k], want0.Settle[k] = want.UnknownOn(reply)
				switch {
				case strings.Contains(want0.Missing[k], "stream exception policy"):
					midstream++
				case strings.Contains(want0.Missing[k], "TLS inspection configuration"):
					inspected++
				case strings.Contains(want0.Missing[k], "ACK-only packets"):
					ackOnly++
				case strings.Contains(want0.Missing[k], "does not restrict its protocols"):
					ambiguous++
				}
			}
			require.Equal(t, want0, e.Outline(c), "round %d: %+v outline", round, c)
			for _, r := range want0.Rule {
				if r != "" {
					ruled++
				}
			}
			if want0.Fix != "" {
				fixed++
			}
		}
	}
	require.Positive(t, ruled, "some legs should be decided by a rule")
	require.Positive(t, fixed, "some decisions should carry a fix")
	require.Positive(t, seen[flow.Deny], "the rounds should deny some legs")
	require.Positive(t, seen[flow.Allow], "the rounds should allow some legs")
	require.Positive(t, seen[flow.Indeterminate], "some legs should hang on the IP set whose entries are unknown")
	require.Positive(t, flagged, "some rules should name TCP flags")
	require.Positive(t, midstream, "some legs should be left to the stream exception policy")
	require.Positive(t, inspected, "some legs should be left to TLS inspection")
	require.Positive(t, ackOnly, "some legs should hang on the server's pure ACK")
	require.Positive(t, ambiguous, "some legs should hang on a rule on ports met by another protocol")
	require.Positive(t, byWorlds, "some stateful verdicts should be certain whether the rules on the unknown IP set match or not")
	var none *firewall.Engine
	req, rep := none.Verdicts(bothWays(sshFlow))
	require.Equal(t, flow.Allow, req)
	require.Equal(t, flow.Allow, rep)
	require.Equal(t, firewall.Outline{Verdict: [2]flow.Verdict{flow.Allow, flow.Allow}}, none.Outline(bothWays(sshFlow)))
}
