package stateful_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// A domain allowlist under strict order with aws:drop_established, the
// combination AWS recommends for egress filtering: TLS and HTTP to listed
// names pass once the name is seen; everything else is dropped when its
// first data packet arrives (by the generated drop rule, which AWS's
// documents disagree on, or by the default: dropped either way). A
// session that does not give the name the client sends is undecided.
func ExampleCompile() {
	cfg := stateful.Config{
		Order:    stateful.StrictOrder,
		Defaults: stateful.Defaults{DropEstablished: true},
		HomeNet:  []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
		Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{
			Name: "egress-domains", RuleOrder: stateful.StrictOrder,
			DomainList: &stateful.DomainList{
				Targets:     []string{".amazonaws.com", "github.com"},
				TargetTypes: []string{"TLS_SNI", "HTTP_HOST"},
				Type:        "ALLOWLIST",
			},
		}}},
	}
	e, err := stateful.Compile(cfg, nil)
	if err != nil {
		panic(err)
	}
	for _, f := range []string{
		"tcp 10.0.1.5:50000 -> 52.95.110.1:443 domain s3.us-east-1.amazonaws.com",
		"tcp 10.0.1.5:50000 -> 140.82.112.3:443 domain github.com",
		"tcp 10.0.1.5:50000 -> 140.82.112.3:443 domain gist.github.com",
		"tcp 10.0.1.5:50000 -> 198.51.100.7:443",
		"tcp 10.0.1.5:50000 -> 198.51.100.7:22",
		"udp 10.0.1.5:50000 -> 198.51.100.53:53",
	} {
		fmt.Println(e.Evaluate(stateful.Session{Flow: flow.MustParse(f)}))
	}
	// Output:
	// allow at data-to-server: pass sid 1 (group egress-domains)
	// allow at data-to-server: pass sid 3 (group egress-domains)
	// deny at data-to-server: default action aws:drop_established; the same whether or not these undecidable rules match: drop sid 5 (group egress-domains) at data-to-server: whether AWS generates this drop rule for a STRICT_ORDER domain allowlist: its developer guide says so, its best-practices guide says not (you set a drop default)
	// indeterminate at data-to-server: pass sid 1 (group egress-domains) at data-to-server: the TLS SNI the client sends, which the session does not give (flow "domain NAME", reach.Query.Domain, --domain)
	// deny at data-to-server: default action aws:drop_established
	// deny at open-request: default action aws:drop_established
}

// Explain shows every stage judged and every rule that matched it.
func ExampleEngine_Explain() {
	e := stateful.MustCompile(stateful.Config{
		Order:    stateful.StrictOrder,
		Defaults: stateful.Defaults{DropStrict: true},
		HomeNet:  []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
		Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{
			Name: "web", RuleOrder: stateful.StrictOrder,
			RulesString: `alert tcp any any -> any any (msg:"log everything"; sid:1;)
pass tcp any 443 -> $HOME_NET any (msg:"replies from HTTPS servers (wrong way round)"; sid:2;)`,
		}}},
	}, nil)
	d := e.Explain(stateful.Session{Flow: flow.MustParse("tcp 10.0.1.5:50000 -> 198.51.100.7:443")})
	fmt.Println(d)
	for _, st := range d.Stages {
		fmt.Println(" ", st.Stage, st.Packet, "->", st.Outcome)
		for _, m := range st.Matches {
			fmt.Println("   ", m)
		}
	}
	// Output:
	// deny at open-request: default action aws:drop_strict
	//   open-request tcp 10.0.1.5:50000 -> 198.51.100.7:443 -> aws:drop_strict
	//     alert sid 1 (group web) at open-request
	//     aws:drop_strict at open-request
}

// Standard (5-tuple) rules become Suricata rules the way AWS converts
// them.
func ExampleRuleGroup_Rules() {
	g := stateful.RuleGroup{Name: "std", StandardRules: []stateful.StandardRule{{
		Action: flow.Drop, Protocol: "HTTP", Source: "$HOME_NET", SourcePort: "ANY",
		Direction: "ANY", Destination: "$EXTERNAL_NET", DestinationPort: "ANY",
		Options: []suricata.Option{{Keyword: "sid", Value: "1234"}},
	}}}
	rules, err := g.Rules()
	if err != nil {
		panic(err)
	}
	fmt.Println(rules[0].Text)
	// Output:
	// drop http $HOME_NET any <> $EXTERNAL_NET any (sid:1234;)
}
