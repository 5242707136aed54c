package flow_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

func ExampleParse() {
	f, err := flow.Parse("tcp 10.0.1.5:49152 -> 10.0.2.7:5432")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Protocol, f.Src.Addr(), f.Dst.Port())
	fmt.Println(f.Reverse())

	ping := flow.MustParse("icmpv6 2001:db8::1 -> 2001:db8::2")
	fmt.Println(ping)
	fmt.Println(ping.Reverse())

	_, err = flow.Parse("udp 2001:db8::1:53 -> [2001:db8::2]:53")
	fmt.Println(err != nil)
	// Output:
	// tcp 10.0.1.5 5432
	// tcp 10.0.2.7:5432 -> 10.0.1.5:49152
	// icmpv6 2001:db8::1 -> 2001:db8::2 type 128 code 0
	// icmpv6 2001:db8::2 -> 2001:db8::1 type 129 code 0
	// true
}

func ExampleSet() {
	open, _ := flow.ParseSet[uint16]("22,80,443,1024-65535")
	linux := flow.SetOf(flow.PortRange{Lo: 32768, Hi: 60999})
	blocked, _ := flow.ParseSet[uint16]("3306,50000-50010")

	fmt.Println(open.Difference(blocked))
	fmt.Println(linux.Difference(open.Difference(blocked)))
	fmt.Println(open.Contains(8080), open.Complement())
	// Output:
	// 22,80,443,1024-3305,3307-49999,50011-65535
	// 50000-50010
	// true 0-21,23-79,81-442,444-1023
}

func ExampleParsePortSet() {
	ports, err := flow.ParsePortSet("ssh,HTTPS,postgres,8000-8100")
	if err != nil {
		panic(err)
	}
	fmt.Println(ports)
	fmt.Println(flow.ServiceName(5432))
	_, err = flow.ParsePort("htps")
	fmt.Println(err)
	// Output:
	// 22,443,5432,8000-8100
	// postgresql
	// port "htps": unknown service name; did you mean https?
}

// A flow names the application protocol it speaks, for the firewall's
// application-layer rules; without it the firewall guesses from the port.
func ExampleParseApp() {
	app, err := flow.ParseApp("SSH")
	if err != nil {
		panic(err)
	}
	f := flow.MustParse("tcp 10.0.1.5:50000 -> 198.51.100.7:2222")
	f.App = app
	fmt.Println(f)
	// Output: tcp 10.0.1.5:50000 -> 198.51.100.7:2222 app ssh
}
