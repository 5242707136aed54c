package firewall_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
)

// A policy whose stateless group passes outbound HTTPS (skipping the
// stateful engine) and forwards SSH to the stateful engine; everything
// else meets the default drop. The HTTPS request passes, but its reply
// comes back as a packet of its own, matches no rule and is dropped: a
// stateless rule group must allow return traffic explicitly.
func ExampleCompileStateless() {
	e, err := firewall.CompileStateless(firewall.StatelessConfig{
		Groups: []firewall.StatelessGroupRef{{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "edge",
			Rules: []firewall.StatelessRule{
				{
					Priority:         10,
					Sources:          []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
					Destinations:     []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")},
					Protocols:        []flow.Protocol{flow.TCP},
					DestinationPorts: []flow.PortRange{flow.Single[uint16](443)},
					Action:           firewall.StatelessPass,
				},
				{
					Priority:         20,
					Destinations:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
					Protocols:        []flow.Protocol{flow.TCP},
					DestinationPorts: []flow.PortRange{flow.Single[uint16](22)},
					Action:           firewall.StatelessForward,
				},
			},
		}}},
		Default:         firewall.StatelessDefault{Action: firewall.StatelessDrop},
		FragmentDefault: firewall.StatelessDefault{Action: firewall.StatelessDrop},
	})
	if err != nil {
		panic(err)
	}
	request := firewall.Packet{Flow: flow.MustParse("tcp 10.0.1.5:50000 -> 198.51.100.7:443"), Flags: firewall.SYN}
	reply := firewall.Packet{Flow: request.Reverse(), Flags: firewall.SYN | firewall.ACK}
	ssh := firewall.Packet{Flow: flow.MustParse("tcp 203.0.113.9:40000 -> 10.0.2.7:22"), Flags: firewall.SYN}
	for _, p := range []firewall.Packet{request, reply, ssh} {
		fmt.Printf("%s: %s\n", p, e.Evaluate(p))
	}
	// Output:
	// tcp 10.0.1.5:50000 -> 198.51.100.7:443 [SYN]: pass by priority 10 of group edge (priority 1)
	// tcp 198.51.100.7:443 -> 10.0.1.5:50000 [SYN|ACK]: drop by the stateless default action
	// tcp 203.0.113.9:40000 -> 10.0.2.7:22 [SYN]: forward to stateful engine by priority 20 of group edge (priority 1)
}

// Explain lists the rules a packet passed over and why.
func ExampleStatelessEngine_Explain() {
	e := firewall.MustCompileStateless(firewall.StatelessConfig{
		Groups: []firewall.StatelessGroupRef{{Priority: 5, Group: firewall.StatelessRuleGroup{
			Name: "web-in",
			Rules: []firewall.StatelessRule{
				{Priority: 10, Protocols: []flow.Protocol{flow.TCP}, DestinationPorts: []flow.PortRange{flow.Single[uint16](443)}, Action: firewall.StatelessForward},
				{Priority: 20, Protocols: []flow.Protocol{flow.UDP}, Action: firewall.StatelessPass},
				{Priority: 30, Sources: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, Action: firewall.StatelessDrop},
			},
		}}},
		Default:         firewall.StatelessDefault{Action: firewall.StatelessForward},
		FragmentDefault: firewall.StatelessDefault{Action: firewall.StatelessDrop},
	})
	d := e.Explain(firewall.Packet{Flow: flow.MustParse("tcp 203.0.113.50:40000 -> 10.0.0.8:80"), Flags: firewall.SYN})
	for _, s := range d.Skipped {
		fmt.Println("skipped", s)
	}
	fmt.Println(d)
	// Output:
	// skipped priority 10 in group web-in: destination port 80 not in 443
	// skipped priority 20 in group web-in: protocol tcp not in udp
	// drop by priority 30 of group web-in (priority 5)
}
