package stateless_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// A policy whose stateless group passes outbound HTTPS (skipping the
// stateful engine) and forwards SSH to the stateful engine; everything
// else meets the default drop. The HTTPS request passes, but its reply
// comes back as a packet of its own, matches no rule and is dropped: a
// stateless rule group must allow return traffic explicitly.
func ExampleCompile() {
	e, err := stateless.Compile(stateless.Config{
		Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{
			Name: "edge",
			Rules: []stateless.Rule{
				{
					Priority:         10,
					Sources:          []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
					Destinations:     []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")},
					Protocols:        []flow.Protocol{flow.TCP},
					DestinationPorts: []flow.PortRange{flow.Single[uint16](443)},
					Action:           flow.Pass,
				},
				{
					Priority:         20,
					Destinations:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
					Protocols:        []flow.Protocol{flow.TCP},
					DestinationPorts: []flow.PortRange{flow.Single[uint16](22)},
					Action:           flow.Forward,
				},
			},
		}}},
		Default:         stateless.DefaultAction{Action: flow.Drop},
		FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
	})
	if err != nil {
		panic(err)
	}
	request := stateless.Packet{Flow: flow.MustParse("tcp 10.0.1.5:50000 -> 198.51.100.7:443"), Flags: stateless.SYN}
	reply := stateless.Packet{Flow: request.Reverse(), Flags: stateless.SYN | stateless.ACK}
	ssh := stateless.Packet{Flow: flow.MustParse("tcp 203.0.113.9:40000 -> 10.0.2.7:22"), Flags: stateless.SYN}
	for _, p := range []stateless.Packet{request, reply, ssh} {
		fmt.Printf("%s: %s\n", p, e.Evaluate(p))
	}
	// Output:
	// tcp 10.0.1.5:50000 -> 198.51.100.7:443 [SYN]: pass by priority 10 of group edge (priority 1)
	// tcp 198.51.100.7:443 -> 10.0.1.5:50000 [SYN|ACK]: drop by the stateless default action
	// tcp 203.0.113.9:40000 -> 10.0.2.7:22 [SYN]: forward to stateful engine by priority 20 of group edge (priority 1)
}

// Explain lists the rules a packet passed over and why.
func ExampleEngine_Explain() {
	e := stateless.MustCompile(stateless.Config{
		Groups: []stateless.GroupRef{{Priority: 5, Group: stateless.RuleGroup{
			Name: "web-in",
			Rules: []stateless.Rule{
				{Priority: 10, Protocols: []flow.Protocol{flow.TCP}, DestinationPorts: []flow.PortRange{flow.Single[uint16](443)}, Action: flow.Forward},
				{Priority: 20, Protocols: []flow.Protocol{flow.UDP}, Action: flow.Pass},
				{Priority: 30, Sources: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, Action: flow.Drop},
			},
		}}},
		Default:         stateless.DefaultAction{Action: flow.Forward},
		FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
	})
	d := e.Explain(stateless.Packet{Flow: flow.MustParse("tcp 203.0.113.50:40000 -> 10.0.0.8:80"), Flags: stateless.SYN})
	for _, s := range d.Skipped {
		fmt.Println("skipped", s)
	}
	fmt.Println(d)
	// Output:
	// skipped priority 10 in group web-in: destination port 80 not in 443
	// skipped priority 20 in group web-in: protocol tcp not in udp
	// drop by priority 30 of group web-in (priority 5)
}
