package stateless_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// bigConfig is a stateless policy at AWS's quota: one rule group of
// capacity 30,000 filled with 30,000 rules of one capacity unit each (at
// most one element per match setting), priorities 1 to 30,000. The first
// 29,999 rules cycle through six shapes that real groups use (j counts the
// rules of a shape):
//
//	0: drop from 198.18.j.j/32 (an IP blocklist)
//	1: forward tcp to 10.j.j.1/32 port 8000+j%1000 (per-host services)
//	2: pass udp to 172.16.0.0/12 port 1024+j (per-port services in one block)
//	3: drop tcp to 2001:db8:j::/64 port 443 (IPv6 subnets)
//	4: pass tcp from 100.64.j.j/32 to 10.0.0.0/8 ports 1024-65535 (replies from peers)
//	5: drop protocol 47 from 192.168.j.j/32 (GRE from listed hosts)
//
// and the last rule, priority 30,000, passes tcp from 10.0.0.0/16 to
// 203.0.113.10/32 port 443. Both defaults drop.
func bigConfig() stateless.Config {
	grp := stateless.RuleGroup{
		Name: "quota", ARN: "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/quota",
		Capacity: stateless.MaxCapacity,
	}
	host := func(a, b byte, j int) netip.Prefix {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, byte(j >> 8), byte(j)}), 32)
	}
	for k := range 29999 {
		j := k / 6
		r := stateless.Rule{Priority: k + 1}
		switch k % 6 {
		case 0:
			r.Action, r.Sources = flow.Drop, []netip.Prefix{host(198, 18, j)}
		case 1:
			r.Action, r.Protocols = flow.Forward, []flow.Protocol{flow.TCP}
			r.Destinations = []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(j >> 8), byte(j), 1}), 32)}
			r.DestinationPorts = []flow.PortRange{flow.Single(uint16(8000 + j%1000))}
		case 2:
			r.Action, r.Protocols = flow.Pass, []flow.Protocol{flow.UDP}
			r.Destinations = []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}
			r.DestinationPorts = []flow.PortRange{flow.Single(uint16(1024 + j))}
		case 3:
			r.Action, r.Protocols = flow.Drop, []flow.Protocol{flow.TCP}
			r.Destinations = []netip.Prefix{netip.MustParsePrefix(fmt.Sprintf("2001:db8:%x::/64", j))}
			r.DestinationPorts = []flow.PortRange{flow.Single[uint16](443)}
		case 4:
			r.Action, r.Protocols = flow.Pass, []flow.Protocol{flow.TCP}
			r.Sources = []netip.Prefix{host(100, 64, j)}
			r.Destinations = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
			r.DestinationPorts = []flow.PortRange{{Lo: 1024, Hi: 65535}}
		case 5:
			r.Action, r.Protocols = flow.Drop, []flow.Protocol{flow.GRE}
			r.Sources = []netip.Prefix{host(192, 168, j)}
		}
		grp.Rules = append(grp.Rules, r)
	}
	grp.Rules = append(grp.Rules, rule(30000, flow.Pass, src("10.0.0.0/16"), dst("203.0.113.10/32"), proto(flow.TCP), dport(443, 443)))
	return stateless.Config{
		Groups:          []stateless.GroupRef{{Priority: 1, Group: grp}},
		Default:         stateless.DefaultAction{Action: flow.Drop},
		FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
	}
}

var (
	benchLast  = pkt("tcp 10.0.1.5:50000 -> 203.0.113.10:443", stateless.SYN) // decided by the last rule
	benchNone  = pkt("tcp 10.0.1.5:50000 -> 203.0.113.11:443", stateless.SYN) // matches no rule
	benchNone6 = pkt("tcp [2001:db8:ffff::1]:50000 -> [2001:db9::1]:443")     // matches no rule, IPv6
	benchUDP   = pkt("udp 198.51.100.1:5353 -> 172.16.3.4:3000")              // decided by a port-indexed rule in the middle
	sink       stateless.Decision
)

func BenchmarkEvaluate30k(b *testing.B) {
	cfg := bigConfig()
	if n := cfg.Groups[0].Group.ConsumedCapacity(); n != stateless.MaxCapacity {
		b.Fatalf("the benchmark group consumes %d units, want %d", n, stateless.MaxCapacity)
	}
	e, err := stateless.Compile(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ref := newRef(cfg)
	for _, c := range []struct {
		name string
		p    stateless.Packet
	}{{"last-rule", benchLast}, {"no-match", benchNone}, {"no-match-ipv6", benchNone6}, {"udp-port", benchUDP}} {
		want := ref.eval(c.p)
		if got := e.Evaluate(c.p); got.RulePriority != want.rulePrio || got.Action != want.action {
			b.Fatalf("%s: fast %v, reference %+v", c.name, got, want)
		}
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = e.Evaluate(c.p)
			}
		})
		b.Run(c.name+"/reference", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = ref.eval(c.p)
			}
		})
	}
}

func BenchmarkExplain30k(b *testing.B) {
	e, err := stateless.Compile(bigConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = e.Explain(benchLast) // lists the 29,999 rules before the last
	}
}

func BenchmarkCompile30k(b *testing.B) {
	cfg := bigConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := stateless.Compile(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func TestIndexOnQuotaConfig(t *testing.T) {
	e := mustCompile(t, bigConfig())
	t.Log("\n" + stateless.IndexStats(e))
	for _, p := range []stateless.Packet{benchLast, benchNone, benchNone6, benchUDP} {
		c := stateless.Candidates(e, p)
		assert.Less(t, len(c), 64, "the index narrows 30,000 rules to a few candidates for %s", p)
		assert.Equal(t, stateless.Matching(e, p), matchingIn(e, p, c))
	}
}
