package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestNATSecondaryCaseNAT64PublicSecondary: NAT64 through a public NAT gateway
// with two Elastic IPs (198.51.100.5 primary, 198.51.100.6 secondary) to
// the public address of a server of the design (pubsrv, 198.51.100.50)
// whose group admits tcp/443 from the primary Elastic IP alone. The
// translated packet reaches pubsrv from whichever Elastic IP the gateway
// picks, so the answer depends on it: Indeterminate, as the IPv4 path
// (TestNATSecondaryAddresses "a secondary EIP the rule does not admit")
// is. Check, Verdict and Ports read the destination 64:ff9b::c633:6432
// as no public address of the design, and answer for certain.
func TestNATSecondaryCaseNAT64PublicSecondary(t *testing.T) {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:10::/56")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"})
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
		reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}},
		reach.RouteTable{ID: "rtb-v6only", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-1"}}},
	)
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	pubsrv := sg.Group{ID: "sg-pubsrv", Name: "pubsrv", VPCID: "vpc-a", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("198.51.100.5/32")},
	}}
	b.AddSecurityGroup(openGroup("sg-open"), pubsrv)
	b.AddSubnet(
		reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/24"), bp("2001:db8:10::/64")}, RouteTable: "rtb-pub"},
		reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2001:db8:10:1::/64")}, RouteTable: "rtb-v6only"},
	)
	b.AddNATGateway(reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub", PrivateIP: ba("10.0.0.5"), PublicIP: ba("198.51.100.5"),
		Secondary: []reach.NATAddress{{PrivateIP: ba("10.0.0.6"), PublicIP: ba("198.51.100.6")}}})
	b.AddInterface(
		reach.Interface{ID: "eni-v6", Name: "v6only", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2001:db8:10:1::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-pub", Name: "pubsrv", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.0.50")}, PublicIP: ba("198.51.100.50"), Groups: []string{"sg-pubsrv"}},
	)
	m, err := b.Build()
	require.NoError(t, err)

	f := flow.MustParse("tcp [2001:db8:10:1::10]:50000 -> [64:ff9b::c633:6432]:443")
	r, err := m.CheckFlow(f)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "the server admits the primary Elastic IP only; the gateway may send from 198.51.100.6:\n%s", r.Text())
	v, err := m.VerdictFlow(f)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v, "VerdictFlow")
	_, err = m.Ports(reach.PortsQuery{From: "v6only", To: "64:ff9b::c633:6432", Protocol: flow.TCP})
	assert.ErrorIs(t, err, reach.ErrQuery, "Ports refuses a path through the gateway whose Elastic IPs the design tells apart")
}

// TestNATSecondaryCaseNATSecondaryHull: the NAT gateway's private addresses
// 10.0.1.100 (primary) and 10.0.1.200 lie on the same side of every
// block of the design; the only edges between them are those of a /32
// naming another address (10.0.1.150). Every address the gateway may
// send from gets the same answer, so the answer is exact (Reachable), and
// the set questions answer.
func TestNATSecondaryCaseNATSecondaryHull(t *testing.T) {
	a := netip.MustParseAddr
	m := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.200"), PublicIP: a("203.0.113.101")}}, func(d *sample.Design) {
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-db" {
				// a rule for one host of the public subnet, not the gateway
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-admin", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.1.150/32")})
			}
		}
	})
	q := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "no block tells 10.0.1.100 from 10.0.1.200:\n%s", r.Text())
	_, err = m.Matrix(reach.MatrixOptions{})
	assert.NoError(t, err, "no block tells the gateway's addresses apart")
}

// TestNATSecondaryCaseNATStopHops: hops at which the NAT gateway itself stops
// the packet, whatever address it would use: a connection to its
// (secondary) address (NATNoInbound), a protocol it does not carry
// (NATUnsupportedProtocol), a reply routed to it (ReplyViaNAT). The
// answer is Unreachable for certain, even though the design tells the
// gateway's private addresses apart (acl-db refuses 10.0.1.128/25 and the
// secondary address is 10.0.1.200).
func TestNATSecondaryCaseNATStopHops(t *testing.T) {
	a := netip.MustParseAddr
	m := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.200")}}, func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
		for i := range d.Interfaces {
			if d.Interfaces[i].ID == "eni-app1" {
				d.Interfaces[i].PublicIP = a("203.0.113.20") // in a subnet whose default route is the NAT gateway
			}
		}
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-app" {
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-app-2000", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single[uint16](2000), ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
			}
		}
	})
	for _, tc := range []struct {
		name string
		q    reach.Query
		code reach.Code
	}{
		{"a connection to the secondary address", reach.Query{From: "web-1", To: "10.0.1.200", Protocol: flow.TCP, Port: 443}, reach.NATNoInbound},
		{"GRE through the gateway", reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.Protocol(47)}, reach.NATUnsupportedProtocol},
		{"a reply routed to the gateway", reach.Query{From: "198.51.100.7", To: "203.0.113.20", Protocol: flow.TCP, Port: 2000}, reach.ReplyViaNAT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			assert.Equal(t, reach.Unreachable, r.Outcome, "the gateway stops it whatever its address:\n%s", r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, v, "Verdict")
		})
	}
}

// TestNATSecondaryCaseNATUnknownPrimaryKnownSecondary: the private NAT gateway
// nat-p's primary address is known only later (a Terraform plan's
// private_ip, AWS picks it), its secondary address is 10.0.3.200
// (secondary_private_ip_addresses), and srv's subnet refuses 10.0.3.200
// alone. A NAT64 connection from v6priv to srv leaves nat-p from its
// primary address or from 10.0.3.200, which srv's subnet refuses: the
// answer depends on the address the gateway takes (Indeterminate). The
// primary's possible addresses (the free ones of the subnet) and the
// secondary's (one address) are each judged alone, and neither holds an
// edge: Reachable for certain.
func TestNATSecondaryCaseNATUnknownPrimaryKnownSecondary(t *testing.T) {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:10::/56")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"})
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
		reach.RouteTable{ID: "rtb-v6priv", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-p"}}},
	)
	srvACL := nacl.NewCustom("acl-srv", "vpc-a")
	srvACL.Entries = []nacl.Entry{
		{Number: 50, Action: flow.Drop, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("10.0.3.200/32"), ICMPType: -1, ICMPCode: -1},
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1},
	}
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), srvACL)
	b.AddSecurityGroup(openGroup("sg-open"))
	b.AddSubnet(
		reach.Subnet{ID: "subnet-srv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24")}, ACL: "acl-srv"},
		reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.3.0/24")}},
		reach.Subnet{ID: "subnet-v6priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2001:db8:10:4::/64")}, RouteTable: "rtb-v6priv"},
	)
	b.AddNATGateway(reach.NATGateway{ID: "nat-p", Subnet: "subnet-priv", Private: true, PrivateIPUnknown: "aws_nat_gateway.p: private_ip",
		Secondary: []reach.NATAddress{{PrivateIP: ba("10.0.3.200")}}})
	b.AddInterface(
		reach.Interface{ID: "eni-v6p", Name: "v6priv", Subnet: "subnet-v6priv", PrivateIPs: []netip.Addr{ba("2001:db8:10:4::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-srv", Name: "srv", Subnet: "subnet-srv", PrivateIPs: []netip.Addr{ba("10.0.2.20")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	f := flow.MustParse("tcp [2001:db8:10:4::10]:50000 -> [64:ff9b::a00:214]:443")
	r, err := m.CheckFlow(f)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "connections from the secondary 10.0.3.200 are refused at srv's subnet:\n%s", r.Text())
	v, err := m.VerdictFlow(f)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v, "VerdictFlow")
}
