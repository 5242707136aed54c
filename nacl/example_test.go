package nacl_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

func ExampleCompile() {
	acl := nacl.NewCustom("acl-0web", "vpc-1")
	acl.Entries = []nacl.Entry{
		nacl.MustParseEntry("100 allow tcp 443 from 0.0.0.0/0"),
		nacl.MustParseEntry("110 deny tcp 22 from 0.0.0.0/0"),
		nacl.MustParseEntry("120 allow tcp 0-65535 from 10.0.0.0/8"), // never reached for port 22
	}
	ev, err := nacl.Compile(acl)
	if err != nil {
		panic(err)
	}
	for _, s := range []string{
		"tcp 198.51.100.7:50000 -> 10.0.1.5:443",
		"tcp 10.0.2.9:50000 -> 10.0.1.5:22",
		"tcp 10.0.2.9:50000 -> 10.0.1.5:5432",
		"tcp [2001:db8::1]:50000 -> [2001:db8:1::5]:443",
	} {
		fmt.Println(ev.Evaluate(flow.MustParse(s), flow.Inbound))
	}
	// Output:
	// allowed by rule 100 (allow tcp 443 from 0.0.0.0/0) on acl-0web
	// denied by rule 110 (deny tcp 22 from 0.0.0.0/0) on acl-0web
	// allowed by rule 120 (allow tcp 0-65535 from 10.0.0.0/8) on acl-0web
	// denied by rule * (deny all from ::/0) on acl-0web
}

func ExampleEvaluator_Explain() {
	acl := nacl.NewCustom("acl-0db", "vpc-1")
	acl.Entries = []nacl.Entry{
		nacl.MustParseEntry("100 allow tcp 5432 from 10.0.1.0/24"),
		nacl.MustParseEntry("110 allow udp 53 from 0.0.0.0/0"),
		nacl.MustParseEntry("120 allow tcp 1024-65535 from 0.0.0.0/0"),
	}
	ev := nacl.MustCompile(acl)
	d := ev.Explain(flow.MustParse("tcp 10.0.9.9:50000 -> 10.0.3.4:5432"), flow.Inbound)
	for _, s := range d.Skipped {
		fmt.Println(s)
	}
	fmt.Println(d)
	// Output:
	// 100: source 10.0.9.9 not in 10.0.1.0/24
	// 110: protocol tcp ≠ udp
	// allowed by rule 120 (allow tcp 1024-65535 from 0.0.0.0/0) on acl-0db
}

// A custom ACL on the client's subnet lets replies in on ports 1024-32767
// only: connections from Linux and modern Windows clients, whose ephemeral
// ports lie above, get no replies.
func ExampleCheckRoundTrip() {
	client := nacl.NewCustom("acl-client", "vpc-1")
	client.Entries = []nacl.Entry{
		nacl.MustParseEntry("100 allow tcp 443 to 0.0.0.0/0"),
		nacl.MustParseEntry("100 allow tcp 1024-32767 from 0.0.0.0/0"), // the replies
	}
	server := nacl.NewDefault("acl-server", "vpc-1", false)

	request := flow.MustParse("tcp 10.0.1.5:50000 -> 10.0.2.7:443")
	rt := nacl.CheckRoundTrip(request, nacl.MustCompile(client), nacl.MustCompile(server))
	fmt.Println(rt)
	// Output:
	// tcp 10.0.1.5 -> 10.0.2.7:443: round trip allowed only for client ports 1024-32767
	//   Linux (kernel default) 32768-60999: cut off for ports 32768-60999; port 32768: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
	//   Linux (AWS docs) 32768-61000: cut off for ports 32768-61000; port 32768: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
	//   Windows Server 2008+ 49152-65535: cut off for ports 49152-65535; port 49152: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
	//   Windows Server 2003 and earlier 1025-5000: allowed
	//   NAT gateway, ELB, Lambda 1024-65535: cut off for ports 32768-65535; port 32768: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
}

func ExampleEvaluator_AllowedPorts() {
	acl := nacl.NewCustom("acl-0app", "vpc-1")
	acl.Entries = []nacl.Entry{
		nacl.MustParseEntry("90 deny tcp 3306 from 0.0.0.0/0"),
		nacl.MustParseEntry("100 allow tcp 1024-65535 from 0.0.0.0/0"),
	}
	ev := nacl.MustCompile(acl)
	// The destination port of the flow is replaced by every port in turn.
	fmt.Println(ev.AllowedPorts(flow.MustParse("tcp 192.0.2.1:443 -> 10.0.0.5:1"), flow.Inbound))
	// Output:
	// 1024-3305,3307-65535
}

func ExampleNewDefault() {
	for _, e := range nacl.NewDefault("acl-0def", "vpc-1", true).Entries {
		fmt.Println(e)
	}
	ev := nacl.MustCompile(nacl.NewCustom("acl-0new", "vpc-1"))
	fmt.Println(ev.Evaluate(flow.MustParse("tcp 10.0.0.1:50000 -> 10.0.0.2:443"), flow.Outbound))
	// Output:
	// 100 allow all from 0.0.0.0/0
	// 101 allow all from ::/0
	// 100 allow all to 0.0.0.0/0
	// 101 allow all to ::/0
	// denied by rule * (deny all to 0.0.0.0/0) on acl-0new
}

func ExampleParseEntry() {
	e, err := nacl.ParseEntry("120 deny tcp 32768-65535 from 10.1.2.3/16")
	if err != nil {
		panic(err)
	}
	fmt.Println(e)
	// The fields: deny is flow.Drop, which prints as "drop".
	fmt.Println(e.Number, e.Action, e.Direction, e.Protocol, e.CIDR, e.Ports)
	_, err = nacl.ParseEntry("130 allow tcp to 0.0.0.0/0")
	fmt.Println(err)
	// Output:
	// 120 deny tcp 32768-65535 from 10.1.0.0/16
	// 120 drop inbound tcp 10.1.0.0/16 32768-65535
	// (rule 130): "130 allow tcp to 0.0.0.0/0": invalid network ACL entry: protocol tcp needs a port range, as in "tcp 443"
}
