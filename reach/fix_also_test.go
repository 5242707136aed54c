package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// alsoDesign (from an audit of AlsoChanged): a (10.0.1.10) in subnet-a, b1 (10.0.2.10) and b2 (10.0.2.11)
// in subnet-b, each with a group of its own admitting tcp 5432 from
// subnet-a. acl-b lets tcp 5432 in from subnet-a and replies out only to
// client ports 32768-65535.
func alsoDesign(edit func(*sample.Design)) *reach.Model {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	pg := func(id string) sg.Group {
		return sg.Group{ID: id, Rules: []sg.Rule{all(flow.Outbound),
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: pfx("10.0.1.0/24")}}}}
	}
	aclB := nacl.ACL{ID: "acl-b", VPCID: "vpc-1", Subnets: []string{"subnet-b"}, Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: pfx("10.0.1.0/24"), Ports: flow.Single[uint16](5432)},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: pfx("10.0.1.0/24"), Ports: flow.PortRange{Lo: 32768, Hi: 65535}},
	}}
	d := &sample.Design{
		VPCs:        []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-main", VPC: "vpc-1"}},
		ACLs:        []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false), aclB},
		Subnets: []reach.Subnet{
			{ID: "subnet-a", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}},
			{ID: "subnet-b", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}, ACL: "acl-b"},
		},
		Groups: []sg.Group{{ID: "sg-a", Rules: []sg.Rule{all(flow.Outbound)}}, pg("sg-b1"), pg("sg-b2")},
		Interfaces: []reach.Interface{
			{ID: "eni-a", Name: "a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, Groups: []string{"sg-a"}},
			{ID: "eni-b1", Name: "b1", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.0.2.10")}, Groups: []string{"sg-b1"}},
			{ID: "eni-b2", Name: "b2", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.0.2.11")}, Groups: []string{"sg-b2"}},
		},
	}
	if edit != nil {
		edit(d)
	}
	m, err := d.Builder().Build()
	if err != nil {
		panic(err)
	}
	return m
}

// A fix for a query from client port 30000 adds a reply entry for client
// port 30000 to acl-b; a -> b2 tcp/5432 from client port 30000 changes
// from unreachable to reachable, yet AlsoChanged (which compares client
// port 50000 only) does not list it.
func TestFixAlsoChangedAtTheQuerysClientPort(t *testing.T) {
	m := alsoDesign(nil)
	q := reach.Query{From: "a", To: "b1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	other := reach.Query{From: "a", To: "b2", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	before, err := m.Verdict(other)
	require.NoError(t, err)
	after, err := fx.Patched.Verdict(other)
	require.NoError(t, err)
	t.Logf("a -> b2 tcp/5432 from client port 30000: before %s, after %s", before, after)
	listed := false
	for _, sc := range fx.AlsoChanged {
		if sc.To == "eni-b2" {
			listed = true
		}
	}
	require.NotEqual(t, before, after, "the fix changes a -> b2 from client port 30000")
	require.True(t, listed, "a -> b2 tcp/5432 from client port 30000 changed (%s -> %s) and is not listed", before, after)
}

func alsoOpenB(d *sample.Design) {
	d.ACLs = d.ACLs[:1] // default ACL everywhere
	d.Subnets[1].ACL = ""
	d.Groups[1].Rules = d.Groups[1].Rules[:1] // sg-b1: nothing inbound
}

// Query to an address of a prefix delegated to b1: the rule Fix adds to
// b1's own group opens b1's own address too; that session is not the
// query's, so it must be listed.
func TestFixAlsoChangedForADelegatedAddress(t *testing.T) {
	m := alsoDesign(func(d *sample.Design) {
		alsoOpenB(d)
		d.Interfaces[1].DelegatedPrefixes = []netip.Prefix{netip.MustParsePrefix("10.0.2.32/28")}
	})
	q := reach.Query{From: "a", To: "10.0.2.40", Protocol: flow.TCP, Port: 5432}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	own := reach.Query{From: "a", To: "b1", Protocol: flow.TCP, Port: 5432}
	before, _ := m.Verdict(own)
	after, _ := fx.Patched.Verdict(own)
	t.Logf("a -> b1 (10.0.2.10) tcp/5432: before %s, after %s", before, after)
	listed := false
	for _, sc := range fx.AlsoChanged {
		if sc.To == "eni-b1" || sc.To == "b1" || sc.To == "10.0.2.10" {
			listed = true
		}
	}
	require.NotEqual(t, before, after, "the fix changes a -> b1's own address")
	require.True(t, listed, "a -> b1's own address changed and is not listed")
}

// An interface whose address is known only later: Fix writes no rule for
// its placeholder address but for its subnet's block, any address of
// which AWS may give it, and the answer after it is certain.
func TestFixNamesThePlaceholdersSubnet(t *testing.T) {
	m := alsoDesign(func(d *sample.Design) {
		alsoOpenB(d)
		d.Interfaces[0].PrivateIPs = nil
		d.Interfaces[0].AddressUnknown = "aws_instance.a: private_ip"
	})
	q := reach.Query{From: "a", To: "b1", Protocol: flow.TCP, Port: 5432}
	res, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, res.After)
	require.Len(t, res.Changes, 1)
	assert.Equal(t, "tcp 5432 from 10.0.1.0/24", res.Changes[0].Spec, "a's subnet, not its placeholder")
}

// A NAT instance (natInstance) whose subnet's ACL lets in only replies:
// Fix opens b -> a tcp/22 (through the appliance) with an inbound entry in
// the appliance subnet's ACL for b's address; that entry also lets b's
// tcp/22 to the internet reach the NAT instance, whose answer goes from a
// certain unreachable to undecided. AlsoChanged must list it.
func TestFixAlsoChangedThroughANATInstancesACL(t *testing.T) {
	pfx := netip.MustParsePrefix
	m := natInstance(func(in *reach.Interface) {
		in.SourceDestCheckDisabled = true
		in.PublicIP = netip.MustParseAddr("54.1.1.1")
	}, func(d *sample.Design) {
		d.ACLs = append(d.ACLs, nacl.ACL{ID: "acl-fw", VPCID: "vpc-1", Subnets: []string{"subnet-fw"}, Entries: []nacl.Entry{
			{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: pfx("0.0.0.0/0"), Ports: flow.PortRange{Lo: 1024, Hi: 65535}},
			{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: pfx("0.0.0.0/0")},
		}})
		d.Subnets[2].ACL = "acl-fw"
	})
	q := reach.Query{From: "b", To: "a", Protocol: flow.TCP, Port: 22}
	r, err := m.Check(q)
	require.NoError(t, err)
	t.Logf("before: %s", r.Outcome)
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	inet := reach.Query{From: "b", To: "198.51.100.1", Protocol: flow.TCP, Port: 22}
	before, err := m.Verdict(inet)
	require.NoError(t, err)
	after, err := fx.Patched.Verdict(inet)
	require.NoError(t, err)
	t.Logf("b -> 198.51.100.1 tcp/22: before %s, after %s", before, after)
	listed := false
	for _, sc := range fx.AlsoChanged {
		if sc.To == "198.51.100.1" {
			listed = true
		}
	}
	require.NotEqual(t, before, after, "the fix changes b -> the internet")
	require.True(t, listed, "b -> the internet tcp/22 changed (%s -> %s) and is not listed", before, after)
}

// centralEgress: spoke vpc-a (app-a, app-a2) sends 0.0.0.0/0 to tgw-1;
// egress vpc-b holds a public NAT gateway (nat-b, 52.0.0.1) in subnet-b2
// behind att-b; vpc-c holds web-c (public 54.3.3.3) whose group admits
// tcp 443 only from the NAT gateway's Elastic IP.
func centralEgress(t *testing.T) *reach.Model {
	d := newTGWDesign()
	ip := netip.MustParseAddr
	toTGW := reach.Route{Destination: pfx("0.0.0.0/0"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}
	d.rts[0].Routes = []reach.Route{toTGW}
	d.vpcs = append(d.vpcs, reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{pfx("10.3.0.0/16")}, MainRouteTable: "rtb-c", DefaultACL: "acl-c"})
	d.acls = append(d.acls, d.acls[0])
	d.acls[len(d.acls)-1].ID, d.acls[len(d.acls)-1].VPCID = "acl-c", "vpc-c"
	d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-c", VPC: "vpc-c", CIDRs: []netip.Prefix{pfx("10.3.1.0/24")}, AvailabilityZone: "az-1"})
	d.rts = append(d.rts,
		reach.RouteTable{ID: "rtb-c", VPC: "vpc-c", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-c"}}},
		reach.RouteTable{ID: "rtb-tb", VPC: "vpc-b", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-b"}}},
		reach.RouteTable{ID: "rtb-nat", VPC: "vpc-b", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"},
			{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}}},
	)
	d.subnet("subnet-tb").RouteTable = "rtb-tb"
	d.subnet("subnet-b2").RouteTable = "rtb-nat"
	d.routes("tgw-rtb-1", tgwRoute("0.0.0.0/0", "att-b", false))
	d.ifaces[1].Subnet, d.ifaces[1].PrivateIPs = "subnet-a", []netip.Addr{ip("10.1.1.11")}
	d.ifaces = append(d.ifaces[:2], d.ifaces[2], reach.Interface{ID: "eni-c", Name: "web-c", Subnet: "subnet-c", PrivateIPs: []netip.Addr{ip("10.3.1.10")},
		PublicIP: ip("54.3.3.3"), Groups: []string{"sg-c"}})
	d.groups = append(d.groups, sg.Group{ID: "sg-c", Rules: []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: pfx("52.0.0.1/32")}},
	}})
	m, err := d.builder().
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"}, reach.InternetGatewaySpec{ID: "igw-c", VPC: "vpc-c"}).
		AddNATGateway(reach.NATGateway{ID: "nat-b", Subnet: "subnet-b2", PrivateIP: ip("10.2.2.100"), PublicIP: ip("52.0.0.1")}).Build()
	require.NoError(t, err)
	return m
}

func TestFixAlsoChangedCentralEgressSpokes(t *testing.T) {
	m := centralEgress(t)
	q := reach.Query{From: "app-a", To: "54.3.3.3", Protocol: flow.TCP, Port: 443}
	r, err := m.Check(q)
	require.NoError(t, err)
	t.Logf("before: %s %v", r.Outcome, r.Codes())
	require.Equal(t, reach.Reachable, r.Outcome)
	fx, err := m.Fix(q, reach.Unreachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	other := reach.Query{From: "app-a2", To: "54.3.3.3", Protocol: flow.TCP, Port: 443}
	before, err := m.Verdict(other)
	require.NoError(t, err)
	after, err := fx.Patched.Verdict(other)
	require.NoError(t, err)
	t.Logf("app-a2 -> 54.3.3.3 tcp/443: before %s, after %s", before, after)
	require.NotEqual(t, before, after)
	listed := false
	for _, sc := range fx.AlsoChanged {
		if sc.From == "eni-a2" || sc.From == "app-a2" || sc.From == "10.1.1.11" {
			listed = true
		}
	}
	require.True(t, listed, "app-a2 -> web-c tcp/443 changed (%s -> %s) and is not listed", before, after)
}

// A fix that adds a route opens every protocol and port between the
// query's own ends: a -> 203.0.113.5 udp/53 and tcp/80 are other sessions.
func TestFixAlsoChangedRouteQuerysOwnEnds(t *testing.T) {
	m := alsoDesign(func(d *sample.Design) {
		alsoOpenB(d)
		d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}}
		d.Interfaces[0].PublicIP = netip.MustParseAddr("54.0.0.10")
		d.Interfaces[0].Groups = []string{"sg-b1"}
		d.Groups[1].Rules = append(d.Groups[1].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
	})
	q := reach.Query{From: "a", To: "203.0.113.5", Protocol: flow.TCP, Port: 443}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	for _, other := range []reach.Query{
		{From: "a", To: "203.0.113.5", Protocol: flow.UDP, Port: 53},
		{From: "a", To: "203.0.113.5", Protocol: flow.TCP, Port: 80},
		{From: "a", To: "203.0.113.5", Protocol: flow.ICMP},
	} {
		before, err := m.Verdict(other)
		require.NoError(t, err)
		after, err := fx.Patched.Verdict(other)
		require.NoError(t, err)
		t.Logf("%+v: before %s, after %s", other, before, after)
		listed := false
		for _, sc := range fx.AlsoChanged {
			if sc.To == "203.0.113.5" && sc.Protocol == other.Protocol && (sc.From == "eni-a" || sc.From == "a") {
				listed = true
			}
		}
		require.NotEqual(t, before, after, "%+v", other)
		{
			assert.True(t, listed, "%+v changed (%s -> %s) and is not listed", other, before, after)
		}
	}
}

// IPv6: a fix adding a route to the internet gateway for an IPv6 address
// opens icmpv6 from a3 (same subnet, same table) too: listed.
func TestFixAlsoChangedRouteIPv6ICMPv6(t *testing.T) {
	m := alsoDesign(func(d *sample.Design) {
		alsoOpenB(d)
		d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}}
		d.VPCs[0].CIDRs = append(d.VPCs[0].CIDRs, pfx("2600:1f18:1:100::/56"))
		d.Subnets[0].CIDRs = append(d.Subnets[0].CIDRs, pfx("2600:1f18:1:101::/64"))
		d.Interfaces[0].PrivateIPs = append(d.Interfaces[0].PrivateIPs, netip.MustParseAddr("2600:1f18:1:101::10"))
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-a3", Name: "a3", Subnet: "subnet-a",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.11"), netip.MustParseAddr("2600:1f18:1:101::11")}, Groups: []string{"sg-x"}})
		d.Interfaces[0].Groups = []string{"sg-x"}
		all := func(dir flow.Direction, p sg.Peer) sg.Rule {
			return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: p}
		}
		d.Groups = append(d.Groups, sg.Group{ID: "sg-x", Rules: []sg.Rule{all(flow.Inbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv4),
			all(flow.Inbound, sg.Peer{Kind: sg.PeerCIDR, CIDR: pfx("::/0")}), all(flow.Outbound, sg.Peer{Kind: sg.PeerCIDR, CIDR: pfx("::/0")})}})
		d.ACLs[0] = nacl.NewDefault("acl-1", "vpc-1", true)
	})
	q := reach.Query{From: "a", To: "2001:db8:5::5", Protocol: flow.TCP, Port: 443, IPv6: true}
	r, err := m.Check(q)
	require.NoError(t, err)
	t.Logf("before: %s %v", r.Outcome, r.Codes())
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range fx.Changes {
		t.Logf("change: %s", c.Text)
	}
	t.Logf("also changed: %+v", fx.AlsoChanged)
	other := reach.Query{From: "a3", To: "2001:db8:5::5", Protocol: flow.ICMPv6, IPv6: true}
	before, err := m.Verdict(other)
	require.NoError(t, err)
	after, err := fx.Patched.Verdict(other)
	require.NoError(t, err)
	t.Logf("a3 -> 2001:db8:5::5 icmpv6: before %s, after %s", before, after)
	require.NotEqual(t, before, after)
	listed := false
	for _, sc := range fx.AlsoChanged {
		if sc.Protocol == flow.ICMPv6 && (sc.From == "eni-a3" || sc.To == "eni-a3") {
			listed = true
		}
	}
	require.True(t, listed, "a3 -> 2001:db8:5::5 icmpv6 changed (%s -> %s) and is not listed", before, after)
}

// Fix for an interface whose address is known only later writes its rule
// or entry for the interface's whole subnet block (peerBlock), since AWS
// may give it any address there. That block also holds c (10.0.1.20), an
// interface of the same subnet with a known address, so the change alters
// c -> b1 too: AlsoChanged lists it, opening and closing alike (and the
// close case's choice of the change that alters fewest counts it).
func TestFixPlaceholderSubnetBlockListsItsNeighbours(t *testing.T) {
	withC := func(d *sample.Design) {
		d.Interfaces[0].PrivateIPs = nil
		d.Interfaces[0].AddressUnknown = "aws_instance.a: private_ip"
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-c", Name: "c", Subnet: "subnet-a",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}, Groups: []string{"sg-a"}})
	}
	q := reach.Query{From: "a", To: "b1", Protocol: flow.TCP, Port: 5432}
	cq := reach.Query{From: "c", To: "b1", Protocol: flow.TCP, Port: 5432}
	for _, tc := range []struct {
		name string
		edit func(*sample.Design)
		want reach.Outcome
	}{
		{"open", func(d *sample.Design) { alsoOpenB(d); withC(d) }, reach.Reachable},
		{"close", withC, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alsoDesign(tc.edit)
			before, err := m.Check(cq)
			require.NoError(t, err)
			require.NotEqual(t, tc.want, before.Outcome)
			fx, err := m.Fix(q, tc.want)
			require.NoError(t, err)
			require.Equal(t, tc.want, fx.After)
			after, err := fx.Patched.Check(cq)
			require.NoError(t, err)
			t.Logf("changes: %+v\nc -> b1 before %s after %s", fx.Changes, before.Outcome, after.Outcome)
			if after.Outcome == before.Outcome {
				return // c not altered: nothing to list
			}
			listed := slices.ContainsFunc(fx.AlsoChanged, func(sc reach.SessionChange) bool {
				return slices.Contains([]string{"c", "eni-c", "10.0.1.20"}, sc.From) && slices.Contains([]string{"b1", "eni-b1", "10.0.2.10"}, sc.To)
			})
			assert.True(t, listed, "c -> b1 tcp/5432 went from %s to %s, and AlsoChanged (%+v) does not list it", before.Outcome, after.Outcome, fx.AlsoChanged)
		})
	}
}
