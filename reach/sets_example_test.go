package reach_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// The ports of db-1 that app-1 reaches on the sample design, from the
// default client port and per client-port range, and the hops that cut
// the rest: the database subnet's ACL lets replies out only to client
// ports 1024-32767.
func ExampleModel_Ports() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	r, err := m.Ports(reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP})
	if err != nil {
		panic(err)
	}
	fmt.Println("open from client port 50000:", r.Open)
	for _, c := range r.Clients {
		fmt.Printf("%s (%s): %s\n", c.Name, c.Ports, c.Open)
	}
	for _, c := range r.Cuts {
		fmt.Printf("%s hop %d %s %s: %s\n", c.Leg, c.Hop, c.ID, c.Code, c.Ports)
	}
	// Output:
	// open from client port 50000: none
	// Linux (kernel default) (32768-60999): none
	// Linux (AWS docs) (32768-61000): none
	// Windows Server 2008+ (49152-65535): none
	// Windows Server 2003 and earlier (1025-5000): 5432
	// NAT gateway, ELB, Lambda (1024-65535): none
	// forward hop 4 acl-db ACL_DEFAULT_DENY: 1-5431,5433-65535
	// forward hop 5 sg-db SG_NO_ALLOW: 1-5431,5433-65535
	// return hop 3 acl-db RETURN_ACL_DEFAULT_DENY: 1-65535
}

// Who reaches the sample's web server on HTTPS: app-1, and every internet
// address (the first block printed).
func ExampleModel_Sources() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	s, err := m.Sources(reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443})
	if err != nil {
		panic(err)
	}
	for _, i := range s.Interfaces {
		fmt.Println(i.Name, i.Outcome)
	}
	fmt.Println(len(s.Internet) > 0, s.Internet[0])
	// Output:
	// app-1 reachable
	// true 1.0.0.0/8
}

// Who inside the sample design reaches an internet host on HTTPS, per
// domain: the firewall lets the instances out to .example.com only. No
// internet address is asked of an internet host.
func ExampleModel_Sources_internetHost() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	for _, domain := range []string{"updates.example.com", "evil.example.net"} {
		s, err := m.Sources(reach.SourcesQuery{To: "8.8.8.8", Protocol: flow.TCP, Port: 443, Domain: domain})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d interfaces", domain, len(s.Interfaces))
		for _, i := range s.Interfaces {
			fmt.Printf(", %s %s", i.Name, i.Outcome)
		}
		fmt.Println()
	}
	// Output:
	// updates.example.com: 2 interfaces, web-1 reachable, app-1 reachable
	// evil.example.net: 0 interfaces
}

// Every pair of the sample design's interfaces and the internet, with
// what their sessions carry. web-1 and app-1 reach the internet through
// the firewall's domain allowlist: without a domain (MatrixOptions has
// none) no port gets through for certain, and the TLS and HTTP ports are
// undecided (Cell.Indeterminate), not closed.
func ExampleModel_Matrix() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	mx, err := m.Matrix(reach.MatrixOptions{})
	if err != nil {
		panic(err)
	}
	for _, c := range mx.Cells {
		fmt.Printf("%s -> %s: %s\n", c.From, c.To, c.Allowed)
	}
	// Output:
	// C1 -> C2: tcp 8080
	// C1 -> internet: none
	// C2 -> C1: tcp 443
	// C2 -> internet: none
	// internet -> C1: tcp 443
}

// The sample design's risky services: SSH opened to a partner's block
// on web-1, closed by the firewall.
func ExampleModel_Audit() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	a, err := m.Audit(reach.AuditOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range a.Findings {
		fmt.Println(f.Severity, f.Service, f.Exposure, f.Name, f.ClosedBy[0].Code)
	}
	fmt.Println("worst exposed:", a.Worst())
	// Output:
	// high SSH closed web-1 FIREWALL_DROP
	// worst exposed: none
}

// A loop of checks on the sample design, each answered into one reused
// Result and read before the next is asked.
func ExampleModel_CheckInto() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	var r reach.Result
	for _, q := range []reach.Query{
		{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP, Port: 443},
		{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080},
		{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432},
	} {
		if err := m.CheckInto(q, &r); err != nil {
			panic(err)
		}
		fmt.Println(q.From, "->", q.To, r.Outcome, len(r.Forward), "hops there,", len(r.Return), "back", r.Codes())
	}
	// Output:
	// 203.0.113.9 -> web-1 reachable 8 hops there, 9 back []
	// web-1 -> app-1 reachable 5 hops there, 5 back []
	// app-1 -> db-1 unreachable 5 hops there, 5 back [RETURN_ACL_DEFAULT_DENY]
}
