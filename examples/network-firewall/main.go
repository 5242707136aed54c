// Command network-firewall shows three things about AWS Network Firewall
// that people get wrong, each on a small policy judged with
// firewall.Policy, firewall.Compile and Engine.Evaluate:
//
//  1. Stateless pass versus forward. The stateless engine judges every
//     packet alone. aws:pass delivers a packet and skips the stateful
//     engine, so a pass rule for the request does nothing for its reply,
//     which meets the default action. aws:forward_to_sfe hands the
//     packets to the stateful engine, which lets an allowed session's
//     replies through.
//
//  2. A stateful domain allowlist. The TLS SNI (or HTTP Host) decides:
//     an allowlisted name passes, any other is dropped (by the generated
//     drop rule, which AWS's documents disagree on under STRICT_ORDER, or
//     by aws:drop_established: dropped either way), and a TLS connection
//     whose name the question does not give is undecided, naming the SNI
//     as what is missing.
//
//  3. Rule order. The same two rules, "drop HTTP out" then "pass
//     everything out", give opposite answers under STRICT_ORDER (the first
//     matching rule decides) and DEFAULT_ACTION_ORDER (any pass beats any
//     drop).
//
// Run it with
//
//	go run ./examples/network-firewall
package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// homeNet is the firewall VPC's CIDR, the policies' $HOME_NET.
var homeNet = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}

var (
	forward = stateless.DefaultAction{Action: flow.Forward}
	drop    = stateless.DefaultAction{Action: flow.Drop}
)

// webIn is the stateful group of part 1: HTTPS in to the web subnet,
// under STRICT_ORDER with aws:drop_strict for everything else.
func webIn() stateful.Config {
	return stateful.Config{
		Order:    stateful.StrictOrder,
		Defaults: stateful.Defaults{DropStrict: true},
		HomeNet:  homeNet,
		Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{
			Name: "web-in", RuleOrder: stateful.StrictOrder,
			RulesString: `pass tcp any any -> 10.0.1.0/24 443 (msg:"HTTPS to the web subnet"; sid:1;)`,
		}}},
	}
}

// passRequest is a stateless rule that passes HTTPS requests to the web
// subnet, and nothing else.
var passRequest = stateless.Rule{
	Priority:         10,
	Destinations:     []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")},
	Protocols:        []flow.Protocol{flow.TCP},
	DestinationPorts: []flow.PortRange{flow.Single[uint16](443)},
	Action:           flow.Pass,
}

// passReply is its mirror: the replies from the web subnet's port 443.
var passReply = stateless.Rule{
	Priority:    20,
	Sources:     []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")},
	Protocols:   []flow.Protocol{flow.TCP},
	SourcePorts: []flow.PortRange{flow.Single[uint16](443)},
	Action:      flow.Pass,
}

func statelessConfig(def stateless.DefaultAction, rules ...stateless.Rule) stateless.Config {
	cfg := stateless.Config{Default: def, FragmentDefault: def}
	if len(rules) > 0 {
		cfg.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "edge", Rules: rules}}}
	}
	return cfg
}

// allowlist is the stateful configuration of part 2: a domain allowlist
// for TLS and HTTP, STRICT_ORDER, aws:drop_established for the rest.
func allowlist() stateful.Config {
	return stateful.Config{
		Order:    stateful.StrictOrder,
		Defaults: stateful.Defaults{DropEstablished: true},
		HomeNet:  homeNet,
		Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{
			Name: "egress-domains", RuleOrder: stateful.StrictOrder,
			DomainList: &stateful.DomainList{
				Targets:     []string{".example.com", "api.github.com"},
				TargetTypes: []string{"TLS_SNI", "HTTP_HOST"},
				Type:        "ALLOWLIST",
			},
		}}},
	}
}

// orderRules are the two rules of part 3, in this order.
const orderRules = `drop tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"no plain HTTP out"; sid:1;)
pass tcp $HOME_NET any -> $EXTERNAL_NET any (msg:"everything else out"; sid:2;)`

func ordered(o stateful.RuleOrder) stateful.Config {
	return stateful.Config{
		Order:   o,
		HomeNet: homeNet,
		Groups: []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{
			Name: "egress", RuleOrder: o, RulesString: orderRules,
		}}},
	}
}

// question is one connection put to one policy.
type question struct {
	part   int
	policy firewall.Policy
	flow   string
}

var questions = []question{
	{1, firewall.Policy{Name: "pass-request-only", Stateless: statelessConfig(drop, passRequest), Stateful: webIn()},
		"tcp 198.51.100.7:50000 -> 10.0.1.10:443"},
	{1, firewall.Policy{Name: "pass-both-ways", Stateless: statelessConfig(drop, passRequest, passReply), Stateful: webIn()},
		"tcp 198.51.100.7:50000 -> 10.0.1.10:443"},
	{1, firewall.Policy{Name: "forward-to-stateful", Stateless: statelessConfig(forward), Stateful: webIn()},
		"tcp 198.51.100.7:50000 -> 10.0.1.10:443"},
	{1, firewall.Policy{Name: "forward-to-stateful", Stateless: statelessConfig(forward), Stateful: webIn()},
		"tcp 198.51.100.7:50000 -> 10.0.1.10:22"},

	{2, firewall.Policy{Name: "domain-allowlist", Stateless: statelessConfig(forward), Stateful: allowlist()},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:443 domain www.example.com"},
	{2, firewall.Policy{Name: "domain-allowlist", Stateless: statelessConfig(forward), Stateful: allowlist()},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:80 domain example.com"},
	{2, firewall.Policy{Name: "domain-allowlist", Stateless: statelessConfig(forward), Stateful: allowlist()},
		"tcp 10.0.2.20:50000 -> 192.0.2.66:443 domain malware.test"},
	{2, firewall.Policy{Name: "domain-allowlist", Stateless: statelessConfig(forward), Stateful: allowlist()},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:443"},

	{3, firewall.Policy{Name: "strict-order", Stateless: statelessConfig(forward), Stateful: ordered(stateful.StrictOrder)},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:80"},
	{3, firewall.Policy{Name: "default-action-order", Stateless: statelessConfig(forward), Stateful: ordered(stateful.DefaultActionOrder)},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:80"},
	{3, firewall.Policy{Name: "strict-order", Stateless: statelessConfig(forward), Stateful: ordered(stateful.StrictOrder)},
		"tcp 10.0.2.20:50000 -> 93.184.216.34:443"},
}

var parts = map[int]string{
	1: "stateless pass versus forward to the stateful engine",
	2: "a stateful domain allowlist (TLS SNI / HTTP Host)",
	3: "the same rules under STRICT_ORDER and DEFAULT_ACTION_ORDER",
}

// answer is a question with the firewall's answer.
type answer struct {
	question
	ins firewall.Decision
}

// run asks every question and writes the answers to w.
func run(w io.Writer) ([]answer, error) {
	var out []answer
	part := 0
	for _, q := range questions {
		if q.part != part {
			part = q.part
			fmt.Fprintf(w, "##### %d. %s\n\n", part, parts[part])
		}
		e, err := firewall.Compile(q.policy, nil)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", q.policy.Name, err)
		}
		f, err := flow.Parse(q.flow)
		if err != nil {
			return nil, err
		}
		ins := e.Evaluate(firewall.Connection{Flow: f, Request: true, Reply: true})
		out = append(out, answer{q, ins})

		fmt.Fprintf(w, "policy %s: %s\n", q.policy.Name, q.flow)
		for _, reply := range []bool{false, true} {
			leg := "request"
			if reply {
				leg = "reply  "
			}
			fmt.Fprintf(w, "  %s %-5s %s\n", leg, ins.VerdictOn(reply), ins.ReasonOn(reply))
		}
		if ins.Stateful == nil {
			fmt.Fprintln(w, "  (the stateful engine never saw this connection)")
		}
		for _, s := range ins.Warnings {
			fmt.Fprintln(w, "  warning:", s)
		}
		if fix := ins.Fix(); fix != "" {
			fmt.Fprintln(w, "  fix:", fix)
		}
		fmt.Fprintln(w)
	}
	return out, nil
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "network-firewall:", err)
		os.Exit(1)
	}
}
