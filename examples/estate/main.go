// Command estate checks a small multi-VPC estate: three VPCs joined by a
// transit gateway, two more VPCs peered with one of them, and a VPN route
// to an on-premises network. It asks four questions and prints each
// answer with its full trace and the exit status reachsim check would
// return for it (0 reachable, 1 not reachable, 3 indeterminate):
//
//   - app-1 to db-1 across the transit gateway (passes);
//   - partner-1 to vendor-1, two VPCs each peered with vpc-shared but not
//     with each other: peering is not transitive, so the peering
//     connection drops the packet (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR);
//   - app-1 to analytics-1, whose subnet the transit gateway's route table
//     sends to a blackhole (TGW_BLACKHOLE_ROUTE);
//   - tools-1 to an on-premises host behind the VPN: the route goes to a
//     virtual private gateway (vgw-…), which reachsim does not model, so
//     the answer is indeterminate and the trace names what is missing.
//
// The estate, all in zone az-1, with open network ACLs:
//
//	vpc-shared 10.0.0.0/16   tools-1 10.0.1.10      tgw-hub, pcx-partner, pcx-vendor, vgw-onprem
//	vpc-app    10.1.0.0/16   app-1 10.1.1.10        tgw-hub
//	vpc-data   10.2.0.0/16   db-1 10.2.1.10         tgw-hub (10.2.2.0/24 blackholed)
//	                         analytics-1 10.2.2.10
//	vpc-partner 10.3.0.0/16  partner-1 10.3.1.10    pcx-partner (to vpc-shared)
//	vpc-vendor  10.4.0.0/16  vendor-1 10.4.1.10     pcx-vendor (to vpc-shared)
//
//	go run ./examples/estate
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

// The exit statuses of reachsim check (cmd/reachsim), by outcome.
var exitStatus = map[reach.Outcome]int{reach.Reachable: 0, reach.Unreachable: 1, reach.Indeterminate: 3}

// questions are the four checks, in the order they print.
var questions = []struct {
	title string
	q     reach.Query
}{
	{"the app tier to the database across the transit gateway (passes)",
		reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}},
	{"partner to vendor: both are peered with vpc-shared, not with each other (peering is not transitive)",
		reach.Query{From: "partner-1", To: "vendor-1", Protocol: flow.TCP, Port: 443}},
	{"the app tier to the analytics subnet, which the transit gateway blackholes",
		reach.Query{From: "app-1", To: "analytics-1", Protocol: flow.TCP, Port: 5432}},
	{"tools to an on-premises host behind the VPN (a route reachsim cannot follow: indeterminate)",
		reach.Query{From: "tools-1", To: "192.168.10.5", Protocol: flow.TCP, Port: 443}},
}

// route returns a route of a VPC route table to target, whose kind it
// reads from the ID's prefix as AWS writes it.
func route(dest, target string) reach.Route {
	r := reach.Route{Destination: netip.MustParsePrefix(dest), TargetID: target}
	switch target[:4] {
	case "tgw-":
		r.Target = reach.TargetTransitGateway
	case "pcx-":
		r.Target = reach.TargetPeering
	case "vgw-":
		r.Target, r.TargetType = reach.TargetUnmodelled, "virtual private gateway"
	}
	return r
}

// vpc is one VPC of the estate: its number n (its CIDR block is
// 10.n.0.0/16, its workload subnets 10.n.1.0/24 and 10.n.2.0/24), its main route table's
// routes and its instances (each in the subnet its address is in).
type vpc struct {
	name   string
	n      int
	routes []reach.Route
	hosts  [][2]string // name, address
}

var estate = []vpc{
	{"shared", 0, []reach.Route{route("10.1.0.0/16", "tgw-hub"), route("10.2.0.0/16", "tgw-hub"),
		route("10.3.0.0/16", "pcx-partner"), route("10.4.0.0/16", "pcx-vendor"), route("192.168.0.0/16", "vgw-onprem")},
		[][2]string{{"tools-1", "10.0.1.10"}}},
	{"app", 1, []reach.Route{route("10.0.0.0/8", "tgw-hub")}, [][2]string{{"app-1", "10.1.1.10"}}},
	{"data", 2, []reach.Route{route("10.0.0.0/8", "tgw-hub")}, [][2]string{{"db-1", "10.2.1.10"}, {"analytics-1", "10.2.2.10"}}},
	// The partner routes the vendor's block to its peering with vpc-shared,
	// hoping vpc-shared passes it on: it does not.
	{"partner", 3, []reach.Route{route("10.0.0.0/16", "pcx-partner"), route("10.4.0.0/16", "pcx-partner")},
		[][2]string{{"partner-1", "10.3.1.10"}}},
	{"vendor", 4, []reach.Route{route("10.0.0.0/16", "pcx-vendor"), route("10.3.0.0/16", "pcx-vendor")},
		[][2]string{{"vendor-1", "10.4.1.10"}}},
}

// design builds the estate.
func design() (*reach.Model, error) {
	p := netip.MustParsePrefix
	b := reach.NewBuilder()
	for _, v := range estate {
		id := "vpc-" + v.name
		block := func(s string) netip.Prefix { return p(fmt.Sprintf("10.%d.%s", v.n, s)) }
		b.AddVPC(reach.VPC{ID: id, Name: v.name, CIDRs: []netip.Prefix{block("0.0/16")}, MainRouteTable: "rtb-" + v.name, DefaultACL: "acl-" + v.name}).
			AddNetworkACL(nacl.NewDefault("acl-"+v.name, id, false)).
			AddRouteTable(reach.RouteTable{ID: "rtb-" + v.name, VPC: id, Routes: v.routes}).
			AddSecurityGroup(sg.Group{ID: "sg-" + v.name, Name: v.name, VPCID: id, Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")},
				{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			}})
		for s := 1; s <= 2; s++ {
			b.AddSubnet(reach.Subnet{ID: fmt.Sprintf("subnet-%s-%d", v.name, s), VPC: id, CIDRs: []netip.Prefix{block(fmt.Sprintf("%d.0/24", s))}, AvailabilityZone: "az-1"})
		}
		for _, h := range v.hosts {
			name, a := h[0], netip.MustParseAddr(h[1])
			b.AddInterface(reach.Interface{ID: "eni-" + name, Name: name, Subnet: fmt.Sprintf("subnet-%s-%d", v.name, a.As4()[2]),
				PrivateIPs: []netip.Addr{a}, Groups: []string{"sg-" + v.name}})
		}
	}
	// The transit gateway: vpc-shared, vpc-app and vpc-data attached through
	// a subnet of their own (10.n.254.0/28), all associated with tgw-rtb-main and
	// propagating to it; a static blackhole route drops the analytics subnet.
	b.AddTransitGateway(reach.TransitGateway{ID: "tgw-hub", Name: "hub"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-main", TransitGateway: "tgw-hub", Routes: []reach.TGWRoute{
			{Destination: p("10.2.2.0/24"), Blackhole: true},
		}})
	for _, v := range estate[:3] {
		b.AddSubnet(reach.Subnet{ID: "subnet-" + v.name + "-tgw", VPC: "vpc-" + v.name, CIDRs: []netip.Prefix{p(fmt.Sprintf("10.%d.254.0/28", v.n))}, AvailabilityZone: "az-1"})
		b.AddTGWAttachment(reach.TGWAttachment{ID: "tgw-attach-" + v.name, TransitGateway: "tgw-hub", Type: "vpc", VPC: "vpc-" + v.name,
			Subnets: []string{"subnet-" + v.name + "-tgw"}, RouteTable: "tgw-rtb-main", Propagations: []string{"tgw-rtb-main"}})
	}
	b.AddPeering(
		reach.Peering{ID: "pcx-partner", RequesterVPC: "vpc-partner", AccepterVPC: "vpc-shared", Status: reach.PeeringActive},
		reach.Peering{ID: "pcx-vendor", RequesterVPC: "vpc-vendor", AccepterVPC: "vpc-shared", Status: reach.PeeringActive})
	return b.Build()
}

// run builds the estate, checks the questions and writes each answer to w;
// it returns the results in the order of questions.
func run(w io.Writer) ([]*reach.Result, error) {
	m, err := design()
	if err != nil {
		return nil, err
	}
	var results []*reach.Result
	for i, x := range questions {
		r, err := m.Check(x.q)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
		fmt.Fprintf(w, "##### %d. %s\n\n%s\nexit status (as reachsim check): %d\n\n", i+1, x.title, r.Text(), exitStatus[r.Outcome])
	}
	return results, nil
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "estate:", err)
		os.Exit(1)
	}
}
