package reach_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

func ExampleModel_Check() {
	web := sg.New("sg-web", "web", "vpc-1", false)
	web.Rules = append(web.Rules, sg.Rule{ID: "sgr-https", Direction: flow.Inbound, Protocol: flow.TCP,
		Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4})
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
		AddSecurityGroup(web).
		AddInterface(reach.Interface{ID: "eni-1", Name: "web-1", Subnet: "subnet-1", Groups: []string{"sg-web"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}}).
		Build()
	if err != nil {
		panic(err)
	}
	for _, port := range []uint16{443, 22} {
		r, err := m.Check(reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: port})
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Flow, "reachable:", r.Reachable, r.Codes())
		for _, b := range r.Blocks {
			fmt.Printf("  %s at %s %s: %s\n", b.Code, b.Kind, b.ID, b.Fix)
		}
	}
	// Output:
	// tcp 198.51.100.7:50000 -> 10.0.1.10:443 reachable: false [NO_PUBLIC_IP RETURN_NO_PUBLIC_IP]
	//   NO_PUBLIC_IP at internet-gateway igw-1: give the interface a public or Elastic IP and address it by that
	//   RETURN_NO_PUBLIC_IP at internet-gateway igw-1: give the interface a public or Elastic IP, or route its internet traffic through a public NAT gateway
	// tcp 198.51.100.7:50000 -> 10.0.1.10:22 reachable: false [NO_PUBLIC_IP SG_NO_ALLOW RETURN_NO_PUBLIC_IP]
	//   NO_PUBLIC_IP at internet-gateway igw-1: give the interface a public or Elastic IP and address it by that
	//   SG_NO_ALLOW at security-groups sg-web: add an inbound rule to sg-web allowing tcp/22 from 198.51.100.7/32
	//   RETURN_NO_PUBLIC_IP at internet-gateway igw-1: give the interface a public or Elastic IP, or route its internet traffic through a public NAT gateway
}

// A security group rule by a prefix list whose entries the input does not
// hold (a list another account shares) may match any address: the answer
// is indeterminate where only that rule could allow the session, and the
// trace names what to fetch.
func ExampleBuilder_AddUnresolvedPrefixList() {
	db := sg.Group{ID: "sg-db", Rules: []sg.Rule{
		{ID: "sgr-partners", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.PrefixList("pl-partners")},
		{ID: "sgr-vpc", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("10.0.0.0/16")},
	}}
	app := sg.New("sg-app", "app", "vpc-1", false)
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1"}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
		AddSecurityGroup(db, app).
		AddUnresolvedPrefixList("pl-partners").
		AddInterface(reach.Interface{ID: "eni-db", Name: "db-1", Subnet: "subnet-1", Groups: []string{"sg-db"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}},
			reach.Interface{ID: "eni-app", Name: "app-1", Subnet: "subnet-1", Groups: []string{"sg-app"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.30")}}).
		Build()
	if err != nil {
		panic(err)
	}
	for _, port := range []uint16{5432, 22, 80} {
		r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: port})
		if err != nil {
			panic(err)
		}
		fmt.Println(port, r.Outcome, r.Codes())
		for _, u := range r.Undecided() {
			fmt.Println("  missing:", u.Missing)
		}
	}
	// Output:
	// 5432 indeterminate [SG_INDETERMINATE]
	//   missing: the entries of prefix list pl-partners, which the input does not hold: whether 10.0.1.30 is in the list is unknown (rule: sg-db sgr-partners allows tcp/5432 from pl-partners)
	// 22 reachable []
	// 80 unreachable [SG_NO_ALLOW]
}
