// Command quickstart shows reachsim's security-group engine on a small
// embedded design: a web group open to the world on 443 and to the office
// on 22, and a database group that only the web tier reaches. It loads the
// groups from the JSON `aws ec2 describe-security-groups` prints, then asks
// a few questions and prints each decision with its reasons.
//
//	go run ./examples/quickstart
package main

import (
	_ "embed"
	"fmt"
	"net/netip"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

//go:embed security-groups.json
var sample []byte

// An interface of the design: its private addresses and its groups.
type eni struct {
	name   string
	addrs  []netip.Addr
	groups []string
}

var enis = []eni{
	{"web-1", []netip.Addr{netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("2001:db8:1::10")}, []string{"sg-0a1b2c3d4e5f60001"}},
	{"db-1", []netip.Addr{netip.MustParseAddr("10.0.2.20")}, []string{"sg-0a1b2c3d4e5f60002"}},
}

var questions = []string{
	"tcp 198.51.100.7:50000 -> 10.0.1.10:443",
	"tcp [2001:db8:ff::7]:50000 -> [2001:db8:1::10]:443",
	"tcp 198.51.100.7:50000 -> 10.0.1.10:22",
	"icmp 10.0.2.20 -> 10.0.1.10 type 8 code 0",
	"tcp 10.0.1.10:49152 -> 10.0.2.20:5432",
	"tcp 10.0.1.10:49152 -> 10.0.2.20:3306",
	"tcp 198.51.100.7:50000 -> 10.0.2.20:5432",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	groups, err := sg.ParseSecurityGroups(sample)
	if err != nil {
		return fmt.Errorf("security-groups.json: %w", err)
	}
	byID := map[string]sg.Group{}
	for _, g := range groups {
		byID[g.ID] = g
	}
	// The resolver answers "is this address on an interface in group X".
	res := sg.StaticResolver{Members: map[string][]netip.Addr{}}
	for _, g := range groups {
		res.Members[g.ID] = nil
	}
	for _, n := range enis {
		for _, id := range n.groups {
			res.Members[id] = append(res.Members[id], n.addrs...)
		}
	}
	evals := map[netip.Addr]*sg.Evaluator{}
	names := map[netip.Addr]string{}
	for _, n := range enis {
		var gs []sg.Group
		for _, id := range n.groups {
			gs = append(gs, byID[id])
		}
		e, err := sg.Compile(gs, res)
		if err != nil {
			return fmt.Errorf("interface %s: %w", n.name, err)
		}
		for _, a := range n.addrs {
			evals[a], names[a] = e, n.name
		}
	}

	for _, q := range questions {
		f, err := flow.Parse(q)
		if err != nil {
			return err
		}
		fmt.Println(f)
		ok := true
		// The packet leaves through the source's groups (outbound) and
		// enters through the destination's (inbound); an address with no
		// interface here is a host on the internet.
		for _, hop := range []struct {
			addr netip.Addr
			dir  flow.Direction
		}{{f.Src.Addr(), flow.Outbound}, {f.Dst.Addr(), flow.Inbound}} {
			e := evals[hop.addr]
			if e == nil {
				continue
			}
			x, err := e.Explain(f, hop.dir)
			if err != nil {
				return err
			}
			fmt.Printf("  %-8s %-8s %s\n", names[hop.addr], hop.dir, x.Decision)
			if !x.Allowed() {
				ok = false
				for _, g := range x.Groups {
					fmt.Printf("  %17s %s: %s\n", "", g.Name, g.Reason)
				}
			}
		}
		if ok {
			fmt.Println("  => allowed (security groups are stateful: the reply passes too)")
		} else {
			fmt.Println("  => blocked")
		}
		fmt.Println()
	}
	return nil
}
