package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// ipv6UnknownDesign is a dual-stack VPC (10.9.0.0/16, 2001:db8:9::/56)
// whose main table routes 0.0.0.0/0 and ::/0 to its internet gateway,
// the default ACL, and web (10.9.1.10) in subnet-w (10.9.1.0/24,
// 2001:db8:9:1::/64), whose IPv6 address AWS picks at launch, and db
// (2001:db8:9:2::10) in subnet-d; their group opens tcp/22 to ::/0. With
// cut, subnet-d's ACL denies the upper half of subnet-w's IPv6 block.
func ipv6UnknownDesign(cut bool) *reach.Builder {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-9", CIDRs: []netip.Prefix{bp("10.9.0.0/16"), bp("2001:db8:9::/56")}, MainRouteTable: "rtb-9", DefaultACL: "acl-9"})
	b.AddRouteTable(reach.RouteTable{ID: "rtb-9", VPC: "vpc-9", Routes: []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-9"},
		{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-9"}}})
	b.AddNetworkACL(nacl.NewDefault("acl-9", "vpc-9", true))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-9", VPC: "vpc-9"})
	b.AddSecurityGroup(sg.Group{ID: "sg-ssh", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv6},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}}})
	b.AddSubnet(reach.Subnet{ID: "subnet-w", VPC: "vpc-9", CIDRs: []netip.Prefix{bp("10.9.1.0/24"), bp("2001:db8:9:1::/64")}})
	b.AddInterface(reach.Interface{ID: "aws_instance.web", Name: "web", Subnet: "subnet-w", PrivateIPs: []netip.Addr{ba("10.9.1.10")},
		Groups: []string{"sg-ssh"}, IPv6Unknown: "aws_instance.web: ipv6_addresses"})
	d := reach.Subnet{ID: "subnet-d", VPC: "vpc-9", CIDRs: []netip.Prefix{bp("10.9.2.0/24"), bp("2001:db8:9:2::/64")}}
	if cut {
		acl := nacl.NewDefault("acl-d", "vpc-9", true)
		acl.IsDefault = false
		acl.Entries = append(acl.Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound, Protocol: flow.AllProtocols,
			CIDR: bp("2001:db8:9:1:8000::/65"), ICMPType: -1, ICMPCode: -1})
		b.AddNetworkACL(acl)
		d.ACL = "acl-d"
	}
	b.AddSubnet(d)
	b.AddInterface(reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-d", PrivateIPs: []netip.Addr{ba("10.9.2.10"), ba("2001:db8:9:2::10")},
		Groups: []string{"sg-ssh"}})
	return b
}

// TestIPv6AddressUnknown: an interface whose IPv6 address AWS picks at
// launch walks with a placeholder of its subnet's IPv6 block: exact where
// no block of the design tells the addresses it could get apart (the
// IPv6 audit sees SSH open to ::/0), indeterminate where one does (and
// set questions refuse); its IPv4 questions do not depend on it.
func TestIPv6AddressUnknown(t *testing.T) {
	m, err := ipv6UnknownDesign(false).Build()
	require.NoError(t, err)
	ph := ba("2001:db8:9:1:ffff:ffff:ffff:fffe") // the highest free address: the last is reserved
	var web reach.Interface
	for _, it := range m.Interfaces() {
		if it.ID == "aws_instance.web" {
			web = it
		}
	}
	assert.Equal(t, []netip.Addr{ba("10.9.1.10"), ph}, web.PrivateIPs, "the placeholder, the first IPv6 address")

	q := reach.Query{From: "2001:db8:ff::7", To: "web", Protocol: flow.TCP, Port: 22, IPv6: true}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Equal(t, ph, r.Flow.Dst.Addr())
	assert.Empty(t, r.Unknowns)
	assert.Contains(t, r.Warnings, "aws_instance.web: ipv6_addresses is known only later: the trace shows "+ph.String()+" in its place")
	a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	require.Equal(t, 2, a.Interfaces)
	require.NotEmpty(t, a.Findings, "SSH open to ::/0")
	assert.Equal(t, reach.Exposed, a.Findings[0].Exposure)

	// an ACL entry for half the subnet's block tells the addresses apart
	m, err = ipv6UnknownDesign(true).Build()
	require.NoError(t, err)
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "the internet's path meets no such edge: %s", r.Text())
	q = reach.Query{From: "web", To: "db", Protocol: flow.TCP, Port: 22, IPv6: true}
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.Len(t, r.Unknowns, 1)
	assert.Contains(t, r.Unknowns[0], "aws_instance.web: ipv6_addresses is known only later")
	assert.Contains(t, r.Unknowns[0], "edges at 2001:db8:9:1:8000::")
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	// the set questions answer web by the single check's rule: the
	// internet's SSH sessions meet no such edge, web to db's do
	a, err = m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	require.NotEmpty(t, a.Findings)
	assert.Equal(t, "aws_instance.web", a.Findings[0].Interface)
	assert.Equal(t, reach.Exposed, a.Findings[0].Exposure, a.Text())
	pr, err := m.Ports(reach.PortsQuery{From: "web", To: "db", Protocol: flow.TCP, IPv6: true})
	require.NoError(t, err)
	assert.True(t, pr.Indeterminate.Contains(22), "%s", pr)
	brute.CheckSetAnswers(t, m, brute.Options{Ports: []reach.PortsQuery{{From: "web", To: "db", Protocol: flow.TCP, IPv6: true}}, IPv6: true, Step: 97, Seed: 2})
	r, err = m.Check(reach.Query{From: "web", To: "db", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Empty(t, r.Unknowns, "an IPv4 question does not depend on the IPv6 address")
	assert.Equal(t, reach.Unreachable, r.Outcome, "the group opens tcp/22 to IPv6 only: %s", r.Text())
}

func TestIPv6AddressUnknownErrors(t *testing.T) {
	b := ipv6UnknownDesign(false)
	b.AddInterface(reach.Interface{ID: "eni-2", Subnet: "subnet-w", PrivateIPs: []netip.Addr{ba("10.9.1.11"), ba("2001:db8:9:1::11")},
		Groups: []string{"sg-ssh"}, IPv6Unknown: "aws_network_interface.two: ipv6_addresses"})
	_, err := b.Build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "the IPv6 address is unknown, yet PrivateIPs holds one")

	b = ipv6UnknownDesign(false)
	b.AddSubnet(reach.Subnet{ID: "subnet-4", VPC: "vpc-9", CIDRs: []netip.Prefix{bp("10.9.2.0/24")}})
	b.AddInterface(reach.Interface{ID: "eni-4", Subnet: "subnet-4", PrivateIPs: []netip.Addr{ba("10.9.2.11")},
		Groups: []string{"sg-ssh"}, IPv6Unknown: "aws_network_interface.four: ipv6_addresses"})
	_, err = b.Build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "subnet subnet-4 has no IPv6 block to place it in")
}

// TestPlaceholderOutsideDelegatedPrefixes: eni-pd has the
// delegated prefix 2001:db8:9:1:fffe::/80, the highest /80 AWS can
// delegate (the subnet's last address is reserved; AWS delivers every
// address of the prefix to eni-pd, and gives no other interface an
// address inside it). web's IPv6 address is known only later; Build's
// placeholder for it must lie outside eni-pd's delegated prefix, or a
// packet to it would be answered as reaching web, where it reaches eni-pd.
func TestPlaceholderOutsideDelegatedPrefixes(t *testing.T) {
	b := ipv6UnknownDesign(false)
	pd := bp("2001:db8:9:1:fffe::/80")
	b.AddInterface(reach.Interface{ID: "eni-pd", Name: "pd", Subnet: "subnet-w", PrivateIPs: []netip.Addr{ba("10.9.1.20"), ba("2001:db8:9:1::20")},
		Groups: []string{"sg-ssh"}, DelegatedPrefixes: []netip.Prefix{pd}})
	m, err := b.Build()
	require.NoError(t, err)
	for _, it := range m.Interfaces() {
		if it.ID == "aws_instance.web" {
			for _, a := range it.PrivateIPs {
				assert.False(t, pd.Contains(a), "web's placeholder %s lies in eni-pd's delegated prefix %s", a, pd)
			}
		}
	}
	r, err := m.Check(reach.Query{From: "2001:db8:ff::7", To: "2001:db8:9:1:fffe:ffff:ffff:fffe", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "an address of eni-pd's delegated prefix: %s", r.Text())
	assert.Contains(t, r.To, "eni-pd", "the address is eni-pd's")
}
