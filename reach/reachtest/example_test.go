package reachtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sample"
)

// TestThreeTierDesign is how a team's CI pins its network design: build
// the model once, then state what must and must not work, and why not.
func TestThreeTierDesign(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		t.Fatal(err)
	}
	// The public can use the web tier over IPv4 and IPv6.
	reachtest.RequireReachable(t, m, reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443})
	reachtest.AssertReachable(t, m, reach.Query{From: "2001:db8:ff::7", To: "web-1", Protocol: flow.TCP, Port: 443})
	// The database is never reachable from outside or from the web tier.
	reachtest.AssertNotReachable(t, m, reach.Query{From: "198.51.100.7", To: "db-1", Protocol: flow.TCP, Port: 5432})
	reachtest.AssertNotReachable(t, m, reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.SGNoAllow)
	// SSH from outside is stopped by the firewall even where a security group allows it.
	reachtest.AssertNotReachable(t, m, reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 22}, reach.FirewallDrop)
	// Known issue in the sample, pinned so a fix shows up: the database
	// subnet's ACL drops replies to client ports above 32767.
	reachtest.AssertReplyBlocked(t, m, reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.ACLDefaultDeny)
}

// firstLines is a reachtest.TestingT that prints the first line of each
// failure; in a test, pass the *testing.T instead, and a failure prints
// the whole trace at the line of the test that called the assertion.
type firstLines struct{}

func (firstLines) Errorf(format string, args ...any) {
	msg, _, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
	fmt.Println("FAIL:", msg)
}

// The assertions on the public sample design: what works, what does not
// and why, and that it is the reply that fails where the database
// subnet's network ACL drops replies to high client ports.
func Example() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	var t firstLines // a *testing.T in a test
	https := reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443}
	webDB := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	appDB := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}

	fmt.Println(reachtest.AssertReachable(t, m, https))
	fmt.Println(reachtest.AssertRequestBlocked(t, m, webDB, reach.SGNoAllow, reach.ACLDefaultDeny))
	fmt.Println(reachtest.AssertReplyBlocked(t, m, appDB, reach.ACLDefaultDeny))
	fmt.Println(reachtest.AssertReachable(t, m, appDB))
	fmt.Println(reachtest.AssertNotReachable(t, m, reach.Query{From: "web-1", To: "db-1"}))
	// Output:
	// true
	// true
	// true
	// FAIL: expected app-1 -> db-1 tcp/5432 to be reachable, but it is not:
	// false
	// FAIL: reachtest: web-1 -> db-1 (no protocol): invalid query: no protocol: set Protocol (tcp, udp, icmp, icmpv6 or a protocol number from 1 to 255)
	// false
}

// The set assertions on the public sample design: the internet reaches
// the web tier on https and nothing else, and reaches it on no SSH or RDP
// port; a failure names the ports that differ and the hops that cut them.
func ExampleAssertOnlyPorts() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	var t firstLines // a *testing.T in a test
	fmt.Println(reachtest.AssertOnlyPorts(t, m, "198.51.100.7", "web-1", flow.TCP, "https"))
	fmt.Println(reachtest.AssertNotExposed(t, m, "web-1", "ssh,rdp"))
	fmt.Println(reachtest.AssertOnlyPorts(t, m, "198.51.100.7", "web-1", flow.TCP, "https,ssh"))
	fmt.Println(reachtest.AssertNotExposed(t, m, "web-1", "https"))
	// Output:
	// true
	// true
	// FAIL: expected exactly ports 22,443 open from 198.51.100.7 -> web-1 tcp, and no others (from any client port, at any address of either end), but IPv4: missing 22:
	// false
	// FAIL: expected no internet address to reach web-1 on tcp 443 from any client port, but it is exposed on 443:
	// false
}
