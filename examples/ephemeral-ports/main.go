// Command ephemeral-ports shows the network ACL pitfall that bites most
// often, and its fix.
//
// Network ACLs are stateless: the reply of a connection is a packet of its
// own, addressed to the client's ephemeral (source) port, and it needs an
// outbound entry on the server's subnet. A common hand-written ACL lets
// replies out to ports 1024-32767 only, an old BSD range. Linux clients
// (32768-60999) and Windows clients (49152-65535) pick ports above it, so
// their requests arrive and their replies die at the server subnet's ACL.
//
// The design has two subnets in one VPC: subnet-client with client-1
// (10.0.1.10) and subnet-server with server-1 (10.0.2.20), which serves
// HTTPS. The program checks a Linux and a Windows client against the
// broken ACL with reach (the full trace), asks nacl.CheckRoundTrip which
// client ports get through at all, then does both again with the fixed ACL,
// whose reply entry covers 1024-65535.
//
//	go run ./examples/ephemeral-ports
package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// client is an operating system and the source port it picks from its
// ephemeral range.
type client struct {
	os   string
	port uint16
}

var clients = []client{
	{"Linux (32768-60999)", 40000},
	{"Windows (49152-65535)", 52000},
}

// serverACL returns the server subnet's ACL: HTTPS in from the client
// subnet, replies out to the client subnet on replyPorts.
func serverACL(replyPorts string) nacl.ACL {
	acl := nacl.NewCustom("acl-server", "vpc-eph")
	acl.Entries = []nacl.Entry{
		nacl.MustParseEntry("100 allow tcp 443 from 10.0.1.0/24"),
		nacl.MustParseEntry("100 allow tcp " + replyPorts + " to 10.0.1.0/24"),
	}
	return acl
}

// design builds the two-subnet design with the given server subnet ACL.
// The client subnet keeps the VPC's default ACL (everything allowed).
func design(server nacl.ACL) (*reach.Model, error) {
	p := netip.MustParsePrefix
	vpc := reach.VPC{ID: "vpc-eph", Name: "ephemeral", CIDRs: []netip.Prefix{p("10.0.0.0/16")},
		MainRouteTable: "rtb-main", DefaultACL: "acl-default"}
	return reach.NewBuilder().
		AddVPC(vpc).
		AddRouteTable(reach.RouteTable{ID: "rtb-main", VPC: "vpc-eph"}). // the local route only
		AddNetworkACL(nacl.NewDefault("acl-default", "vpc-eph", false), server).
		AddSubnet(
			reach.Subnet{ID: "subnet-client", Name: "client", VPC: "vpc-eph", CIDRs: []netip.Prefix{p("10.0.1.0/24")}},
			reach.Subnet{ID: "subnet-server", Name: "server", VPC: "vpc-eph", CIDRs: []netip.Prefix{p("10.0.2.0/24")}, ACL: server.ID},
		).
		AddSecurityGroup(
			sg.New("sg-client", "client", "vpc-eph", false),
			sg.Group{ID: "sg-server", Name: "server", VPCID: "vpc-eph", Rules: []sg.Rule{
				{ID: "sgr-https", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443),
					ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.1.0/24")},
			}},
		).
		AddInterface(
			reach.Interface{ID: "eni-client", Name: "client-1", Subnet: "subnet-client",
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}, Groups: []string{"sg-client"}},
			reach.Interface{ID: "eni-server", Name: "server-1", Subnet: "subnet-server",
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.2.20")}, Groups: []string{"sg-server"}},
		).
		Build()
}

// outcome is one client's check against one version of the design.
type outcome struct {
	acl    string // "broken" or "fixed"
	client client
	result *reach.Result
}

// report is everything the program found, for main to print and the test
// to check.
type report struct {
	outcomes   []outcome
	roundTrips map[string]nacl.RoundTrip // by "broken" and "fixed"
}

// run checks both versions of the design and writes what it finds to w.
func run(w io.Writer) (*report, error) {
	rep := &report{roundTrips: map[string]nacl.RoundTrip{}}
	versions := []struct {
		name, title, replyPorts string
	}{
		{"broken", "the server subnet's ACL returns replies to ports 1024-32767 only", "1024-32767"},
		{"fixed", "the server subnet's ACL returns replies to ports 1024-65535 (every client's ephemeral range)", "1024-65535"},
	}
	for _, v := range versions {
		fmt.Fprintf(w, "##### %s: %s\n\n", v.name, v.title)
		acl := serverACL(v.replyPorts)
		m, err := design(acl)
		if err != nil {
			return nil, err
		}
		for _, c := range clients {
			r, err := m.Check(reach.Query{From: "client-1", To: "server-1", Protocol: flow.TCP, Port: 443, SrcPort: c.port})
			if err != nil {
				return nil, err
			}
			rep.outcomes = append(rep.outcomes, outcome{acl: v.name, client: c, result: r})
			if !r.Reachable {
				fmt.Fprintf(w, "=== a %s client, source port %d\n%s\n", c.os, c.port, r.Text())
				continue
			}
			// Passing traces look alike; show the verdict and the hop
			// that failed before.
			fmt.Fprintf(w, "=== a %s client, source port %d: %s\n", c.os, c.port, verdict(r))
			for _, h := range r.Return {
				if h.Kind == reach.KindNetworkACL && h.ID == acl.ID {
					fmt.Fprintf(w, "    reply at %s %s: %s\n", h.ID, h.Direction, h.Reason())
				}
			}
			fmt.Fprintln(w)
		}

		// The same question for every client port at once: the client
		// subnet's ACL (the VPC default) and the server subnet's.
		rt := nacl.CheckRoundTrip(flow.MustParse("tcp 10.0.1.10:40000 -> 10.0.2.20:443"),
			nacl.MustCompile(nacl.NewDefault("acl-default", "vpc-eph", false)), nacl.MustCompile(acl))
		rep.roundTrips[v.name] = rt
		fmt.Fprintf(w, "=== nacl.CheckRoundTrip, every client port at once\n%s\n\n", rt)
	}
	return rep, nil
}

func verdict(r *reach.Result) string {
	if r.Reachable {
		return "REACHABLE"
	}
	return fmt.Sprintf("NOT REACHABLE %v", r.Codes())
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ephemeral-ports:", err)
		os.Exit(1)
	}
}
