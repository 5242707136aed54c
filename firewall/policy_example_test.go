package firewall_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// A policy that forwards everything to the stateful engine, which lets
// the VPC's clients out on HTTPS and drops the rest of their established
// traffic. The pass rule has no flow keyword: it passes the whole
// connection (with flow:to_server it would pass the client's packets
// only, which is enough here: aws:drop_established drops the client's
// established packets and passes the server's). Evaluate judges both
// directions of a session at one endpoint.
func ExampleCompile() {
	e := egressEngine()
	for _, f := range []string{
		"tcp 10.0.1.5:50000 -> 198.51.100.7:443",
		"tcp 10.0.1.5:50000 -> 198.51.100.7:80",
	} {
		ins := e.Explain(firewall.Connection{Flow: flow.MustParse(f), Request: true, Reply: true})
		fmt.Println(f)
		fmt.Println("  request:", ins.VerdictOn(false), "-", ins.ReasonOn(false))
		fmt.Println("  reply:  ", ins.VerdictOn(true), "-", ins.ReasonOn(true))
		if fix := ins.Fix(); fix != "" {
			fmt.Println("  fix:", fix)
		}
	}
	// Output:
	// tcp 10.0.1.5:50000 -> 198.51.100.7:443
	//   request: allow - policy egress: stateless engine: forward to stateful engine by the stateless default action; stateful engine: passes the open-request packet: pass rule sid 1 of https-out (pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;))
	//   reply:   allow - policy egress: stateless engine: forward to stateful engine by the stateless default action; stateful engine: passes the open-request packet: pass rule sid 1 of https-out (pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;))
	// tcp 10.0.1.5:50000 -> 198.51.100.7:80
	//   request: deny - policy egress: stateful engine: drops the data-to-server packet: default action aws:drop_established
	//   reply:   allow - policy egress: stateless engine: forward to stateful engine by the stateless default action; stateful engine: nothing of its own against this direction; it stopped the session on the request
	//   fix: add a stateful pass rule for the flow ahead of the default action aws:drop_established
}

// egressEngine is the policy of ExampleCompile: everything forwarded to
// the stateful engine, HTTPS out allowed, other established traffic
// dropped.
func egressEngine() *firewall.Engine {
	return firewall.MustCompile(firewall.Policy{
		Name: "egress",
		Stateless: stateless.Config{
			Default:         stateless.DefaultAction{Action: flow.Forward},
			FragmentDefault: stateless.DefaultAction{Action: flow.Forward},
		},
		Stateful: stateful.Config{
			Order:    stateful.StrictOrder,
			Defaults: stateful.Defaults{DropEstablished: true},
			HomeNet:  []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
			Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{
				Name: "https-out", RuleOrder: stateful.StrictOrder,
				RulesString: `pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;)`,
			}}},
		},
	}, nil)
}

// Outline is Evaluate reduced to what a trace keeps: per direction the
// verdict and the rule that decided, and the fix.
func ExampleEngine_Outline() {
	o := egressEngine().Outline(firewall.Connection{Flow: flow.MustParse("tcp 10.0.1.5:50000 -> 198.51.100.7:80"), Request: true, Reply: true})
	fmt.Printf("request: %s, rule %q\n", o.Verdict[0], o.Rule[0])
	fmt.Printf("reply:   %s, rule %q\n", o.Verdict[1], o.Rule[1])
	fmt.Println("fix:", o.Fix)
	// Output:
	// request: deny, rule "aws:drop_established"
	// reply:   allow, rule ""
	// fix: add a stateful pass rule for the flow ahead of the default action aws:drop_established
}
