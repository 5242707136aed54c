package stateful

import (
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/flow"
)

// quotaConfig builds AWS's per-policy maximum of 30,000 stateful rules:
// eight Suricata groups of 3,000 5-tuple rules (TCP and UDP passes to /24s
// on service ports, drops on port ranges, <> rules between subnets, alerts
// on destinations, IP-only drops of external ranges) and two domain-list
// groups (an allowlist of 1,499 names for TLS and HTTP plus its two drop
// rules, and a TLS denylist of 3,000 names). The 5-tuple groups come last
// in strict order, and the very last rule is the only one that passes
// the "last-rule" session of benchSessions.
func quotaConfig(order RuleOrder) Config {
	cfg := Config{Order: order, HomeNet: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/12")}}
	if order == StrictOrder {
		cfg.Defaults = Defaults{DropEstablished: true, AlertStrict: true}
	}
	var allow, deny []string
	for i := range 1499 {
		allow = append(allow, fmt.Sprintf(".svc%d.example-%d.com", i, i%97))
	}
	for i := range 3000 {
		deny = append(deny, fmt.Sprintf("bad%d.example.net", i))
	}
	cfg.Groups = append(cfg.Groups,
		GroupRef{Priority: 1, Group: RuleGroup{Name: "allow-domains", RuleOrder: order,
			DomainList: &DomainList{Targets: allow, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}}},
		GroupRef{Priority: 2, Group: RuleGroup{Name: "deny-domains", RuleOrder: order,
			DomainList: &DomainList{Targets: deny, TargetTypes: []string{"TLS_SNI"}, Type: "DENYLIST"}}})
	ports := []int{443, 80, 22, 5432, 3306, 6379, 8080, 9200, 27017, 25}
	for g := range 8 {
		var b strings.Builder
		for i := range 3000 {
			sid := i + 1
			net := fmt.Sprintf("10.%d.%d.0/24", 128+g*8+i/256%8, i%256)
			port := ports[i%len(ports)] + 10000*(i%3)
			prio := ""
			if order == DefaultActionOrder {
				prio = fmt.Sprintf(" priority:%d;", 1+i%5)
			}
			switch i % 20 {
			case 0, 1, 2, 3, 4, 5, 6, 7, 8:
				fmt.Fprintf(&b, "pass tcp $HOME_NET any -> %s %d (msg:\"svc %d\"; flow:to_server;%s sid:%d;)\n", net, port, i, prio, sid)
			case 9, 10, 11:
				fmt.Fprintf(&b, "drop tcp any any -> %s [%d:%d] (msg:\"block range\";%s sid:%d;)\n", net, 30000+i%1000, 30010+i%1000, prio, sid)
			case 12, 13:
				fmt.Fprintf(&b, "pass udp $HOME_NET any -> %s [53,123,514] (flow:to_server;%s sid:%d;)\n", net, prio, sid)
			case 14:
				fmt.Fprintf(&b, "pass tcp 10.%d.%d.0/24 any <> %s %d (%s sid:%d;)\n", 64+g, i%256, net, port, prio, sid)
			case 15, 16:
				fmt.Fprintf(&b, "alert tcp any any -> %s any (msg:\"watch %d\"; flow:established,to_server;%s sid:%d;)\n", net, i, prio, sid)
			case 17:
				fmt.Fprintf(&b, "drop ip 198.%d.%d.0/24 any -> $HOME_NET any (%s sid:%d;)\n", 18+g, i%256, prio, sid)
			case 18:
				fmt.Fprintf(&b, "reject tcp $EXTERNAL_NET any -> %s %d (flow:to_server;%s sid:%d;)\n", net, port, prio, sid)
			default:
				fmt.Fprintf(&b, "drop tls $HOME_NET any -> %s any (tls.sni; content:\"blocked%d.example\"; nocase; endswith;%s sid:%d;)\n", net, i, prio, sid)
			}
		}
		rules := b.String()
		if g == 7 { // the last rule decides the "last-rule" session
			lines := strings.Split(strings.TrimSuffix(rules, "\n"), "\n")
			lines[len(lines)-1] = "pass tcp $HOME_NET any -> 10.250.0.0/24 7777 (msg:\"the last rule\"; flow:to_server; sid:3000;)"
			rules = strings.Join(lines, "\n")
		}
		cfg.Groups = append(cfg.Groups, GroupRef{Priority: 10 + g, Group: RuleGroup{
			Name: fmt.Sprintf("fivetuple-%d", g), RuleOrder: order, RulesString: rules}})
	}
	return cfg
}

var benchSessions = []struct {
	name string
	s    Session
}{
	{"last-rule", Session{Flow: flow.MustParse("tcp 10.1.2.3:50000 -> 10.250.0.9:7777")}},
	{"defaults", Session{Flow: flow.MustParse("tcp 10.1.2.3:50000 -> 203.0.113.5:4444")}},
	{"domain-allowed", Session{Flow: flow.MustParse("tcp 10.1.2.3:50000 -> 203.0.113.5:443 domain api.svc1498.example-43.com")}},
	{"domain-denied", Session{Flow: flow.MustParse("tcp 10.1.2.3:50000 -> 203.0.113.5:443 domain bad2999.example.net")}},
}

func BenchmarkEvaluate30k(b *testing.B) {
	for _, order := range []RuleOrder{StrictOrder, DefaultActionOrder} {
		cfg := quotaConfig(order)
		e, err := Compile(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		if e.NumRules() != 30000 {
			b.Fatalf("%d rules", e.NumRules())
		}
		ref, err := newRefEngine(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, bs := range benchSessions {
			wd, _ := ref.evaluate(bs.s)
			want := keyOf(wd)
			if got := keyOf(e.Evaluate(bs.s)); got != want {
				b.Fatalf("%s %s: fast %+v, reference %+v", order, bs.name, got, want)
			}
			prefix := order.String() + "/" + bs.name + "/"
			b.Run(prefix+"fast", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					e.Evaluate(bs.s)
				}
			})
			b.Run(prefix+"explain", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					e.Explain(bs.s)
				}
			})
			b.Run(prefix+"reference", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ref.evaluate(bs.s)
				}
			})
		}
	}
}

func BenchmarkCompile30k(b *testing.B) {
	for _, order := range []RuleOrder{StrictOrder, DefaultActionOrder} {
		cfg := quotaConfig(order)
		b.Run(order.String(), func(b *testing.B) {
			b.ReportAllocs()
			var e *Engine
			for b.Loop() {
				var err error
				if e, err = Compile(cfg, nil); err != nil {
					b.Fatal(err)
				}
			}
			// The engine's retained size: heap in use with and without it.
			runtime.GC()
			var with, without runtime.MemStats
			runtime.ReadMemStats(&with)
			runtime.KeepAlive(e)
			e = nil
			runtime.GC()
			runtime.ReadMemStats(&without)
			b.ReportMetric(float64(with.HeapAlloc-without.HeapAlloc)/(1<<20), "engine-MiB")
		})
	}
}
