package sg_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

func ExampleEvaluator_Evaluate() {
	db := sg.Group{ID: "sg-db", Name: "database", Rules: []sg.Rule{
		{ID: "sgr-pg", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.GroupRef("sg-app")},
		{ID: "sgr-admin", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("203.0.113.0/24")},
	}}
	res := sg.StaticResolver{Members: map[string][]netip.Addr{
		"sg-app": {netip.MustParseAddr("10.0.2.15")},
	}}
	e, err := sg.Compile([]sg.Group{db}, res)
	if err != nil {
		panic(err)
	}
	for _, s := range []string{
		"tcp 10.0.2.15:49152 -> 10.0.3.7:5432",
		"tcp 10.0.2.99:49152 -> 10.0.3.7:5432",
		"tcp 203.0.113.4:50000 -> 10.0.3.7:22",
	} {
		d := e.Evaluate(flow.MustParse(s), flow.Inbound)
		fmt.Println(d.Verdict, "-", d)
	}
	// Output:
	// allow - allowed by sg-db rule sgr-pg allows tcp/5432 from sg-app
	// deny - denied: no inbound rule allows it
	// allow - allowed by sg-db rule sgr-admin allows tcp/22 from 203.0.113.0/24
}

func ExampleEvaluator_Explain() {
	web := sg.New("sg-web", "web", "vpc-1", true)
	web.Rules = append(web.Rules,
		sg.Rule{ID: "sgr-https", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4},
		sg.Rule{ID: "sgr-https6", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv6},
	)
	ops := sg.Group{ID: "sg-ops", Name: "ops", Rules: []sg.Rule{
		{ID: "sgr-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("198.51.100.0/24")},
	}}
	e, err := sg.Compile([]sg.Group{web, ops}, nil)
	if err != nil {
		panic(err)
	}
	d := e.Explain(flow.MustParse("tcp 192.0.2.1:50000 -> 10.0.1.10:22"), flow.Inbound)
	fmt.Println(d)
	for _, g := range d.Groups {
		fmt.Printf("  %s (%s): %s\n", g.Group, g.Name, g.Reason)
	}
	fmt.Println("rules tried:")
	for _, s := range d.Skipped {
		fmt.Println(" ", s)
	}
	// Output:
	// denied: no inbound rule allows it
	//   sg-web (web): no rule allows tcp/22 from 192.0.2.1: closest rule sgr-https allows tcp/443 from 0.0.0.0/0 (port 22 is not in 443)
	//   sg-ops (ops): no rule allows tcp/22 from 192.0.2.1: closest rule sgr-ssh allows tcp/22 from 198.51.100.0/24 (192.0.2.1 is not in 198.51.100.0/24)
	// rules tried:
	//   sg-web sgr-https allows tcp/443 from 0.0.0.0/0: port 22 is not in 443
	//   sg-web sgr-https6 allows tcp/443 from ::/0: port 22 is not in 443; 192.0.2.1 is not in ::/0
	//   sg-ops sgr-ssh allows tcp/22 from 198.51.100.0/24: 192.0.2.1 is not in 198.51.100.0/24
}

func ExampleCompile_alibaba() {
	g := sg.Group{ID: "sg-bp1", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
		{ID: "sgr-allow-web", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 80, Hi: 443}, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 10},
		{ID: "sgr-deny-bad", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.AllPorts, Peer: sg.CIDR("192.0.2.0/24"), Action: flow.Drop, Priority: 1},
	}}
	e, err := sg.Compile([]sg.Group{g}, nil)
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"tcp 198.51.100.1:1234 -> 10.0.0.5:443", "tcp 192.0.2.9:1234 -> 10.0.0.5:443", "tcp 10.0.0.5:1234 -> 198.51.100.1:443"} {
		f := flow.MustParse(s)
		dir := flow.Inbound
		if f.Src.Addr() == netip.MustParseAddr("10.0.0.5") {
			dir = flow.Outbound
		}
		d := e.Evaluate(f, dir)
		fmt.Println(d)
	}
	// Output:
	// allowed by sg-bp1 rule sgr-allow-web allows tcp/80-443 from 0.0.0.0/0 (priority 10)
	// denied by sg-bp1 rule sgr-deny-bad drops tcp/0-65535 from 192.0.2.0/24 (priority 1)
	// denied: no outbound rule matches and the default denies
}
