package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// What Build accepts and refuses of an Alibaba Cloud design: reserved
// vSwitch addresses, group references between flavours, and an AWS
// interface whose groups are known only later beside Alibaba groups.

// aliVSwitchBuilder is one VPC (10.2.0.0/16, 2001:db8:0:100::/56) with
// one vSwitch vsw-a (10.2.1.0/24, 2001:db8:0:101::/64), a basic Alibaba
// group sg-ali that accepts everything inbound (inner access Accept) and
// an AWS group sg-aws; extra holds the interfaces.
func aliVSwitchBuilder(extra ...reach.Interface) *reach.Builder {
	p := netip.MustParsePrefix
	ali := sg.Group{ID: "sg-ali", Name: "ali", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6, Action: flow.Pass, Priority: 1},
	}}
	aws := sg.Group{ID: "sg-aws", Name: "aws", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16"), p("2001:db8:0:100::/56")}, DefaultACL: "acl-a", MainRouteTable: "rtb"}).
		AddRouteTable(reach.RouteTable{ID: "rtb", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24"), p("2001:db8:0:101::/64")}}).
		AddSecurityGroup(ali, aws).
		AddInterface(extra...)
}

// TestAlibabaGroupsIgnoreAWSGroupsUnknown: an interface whose groups are
// known only later (GroupsUnknown) is an AWS interface (Build refuses
// GroupsUnknown beside an Alibaba group, and the groups of one interface
// are of one flavour: semantics.md E.2), so it joins no Alibaba group:
// the members of a basic group stay known, its inner access policy
// decides (ModifySecurityGroupPolicy), and Build accepts the design.
func TestAlibabaGroupsIgnoreAWSGroupsUnknown(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		name   string
		groups []string
	}{
		{"beside an AWS group it lists", []string{"sg-aws"}},
		{"listing no group", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := aliVSwitchBuilder(
				reach.Interface{ID: "eni-ecs1", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.10")}, Groups: []string{"sg-ali"}},
				reach.Interface{ID: "eni-ecs2", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.11")}, Groups: []string{"sg-ali"}},
				reach.Interface{ID: "eni-aws", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.20")}, Groups: c.groups,
					GroupsUnknown: "aws_instance.x: vpc_security_group_ids"},
			).Build()
			require.NoError(t, err)
			members, err := m.GroupMembers("sg-ali")
			require.NoError(t, err, "sg-ali's members are all known")
			assert.Equal(t, []netip.Addr{a("10.2.1.10"), a("10.2.1.11")}, members)
			_, err = m.GroupMembers("sg-aws")
			assert.ErrorIs(t, err, sg.ErrMembersUnknown, "the interface may join any AWS group")
			r, err := m.Check(reach.Query{From: "eni-ecs2", To: "eni-ecs1", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, "members of a basic group with inner access Accept reach each other")
		})
	}
}

// TestAlibabaUnknownMembersErrorSaysTheGroupIsHeld: a basic group one of
// whose members has an address known only later is still refused (its
// inner access policy needs its members), but the error does not claim
// the group is missing from the input.
func TestAlibabaUnknownMembersErrorSaysTheGroupIsHeld(t *testing.T) {
	_, err := aliVSwitchBuilder(
		reach.Interface{ID: "eni-ecs1", Subnet: "vsw-a", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.1.10")}, Groups: []string{"sg-ali"}},
		reach.Interface{ID: "eni-ecs2", Subnet: "vsw-a", AddressUnknown: "x: private_ip", Groups: []string{"sg-ali"}},
	).Build()
	require.Error(t, err)
	assert.ErrorIs(t, err, sg.ErrMembersUnknown)
	assert.Contains(t, err.Error(), "security group sg-ali is in the input")
	assert.NotContains(t, err.Error(), "not in the input")
}

// TestBuildRefusesAddressesAlibabaReserves: Alibaba Cloud reserves the
// first address and the last three of a vSwitch's IPv4 block, and the
// first and the last nine of its IPv6 block, and never allocates them
// (CreateVSwitchCidrReservation, https://www.alibabacloud.com/help/en/vpc/api-610154:
// for 192.168.1.0/24 that is .0, .253, .254 and .255). The addresses AWS
// reserves and Alibaba does not (.1 to .3) stay usable for an ECS
// interface.
func TestBuildRefusesAddressesAlibabaReserves(t *testing.T) {
	for _, c := range []struct {
		addr     string
		reserved bool
	}{
		{"10.2.1.0", true},
		{"10.2.1.253", true},
		{"10.2.1.254", true},
		{"10.2.1.255", true},
		{"2001:db8:0:101::", true},
		{"2001:db8:0:101:ffff:ffff:ffff:fff7", true},
		{"2001:db8:0:101:ffff:ffff:ffff:fffb", true},
		{"2001:db8:0:101:ffff:ffff:ffff:ffff", true},
		{"10.2.1.1", false},
		{"10.2.1.2", false},
		{"10.2.1.3", false},
		{"10.2.1.252", false},
		{"2001:db8:0:101::1", false},
		{"2001:db8:0:101:ffff:ffff:ffff:fff6", false},
	} {
		t.Run(c.addr, func(t *testing.T) {
			ips := []netip.Addr{netip.MustParseAddr(c.addr)}
			field := "interfaces[0].PrivateIPs[0]"
			if ips[0].Is6() {
				ips = append([]netip.Addr{netip.MustParseAddr("10.2.1.10")}, ips...)
				field = "interfaces[0].PrivateIPs[1]"
			}
			_, err := aliVSwitchBuilder(reach.Interface{ID: "eni-ecs", Subnet: "vsw-a", PrivateIPs: ips, Groups: []string{"sg-ali"}}).Build()
			if !c.reserved {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrTopology)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, field, ie.Path)
			assert.Equal(t, "eni-ecs", ie.Resource)
			assert.Equal(t, c.addr, ie.Text)
			assert.Contains(t, err.Error(), "Alibaba Cloud reserves "+c.addr+" in vSwitch vsw-a")
		})
	}
}

// TestBuildRefusesGroupRefsAcrossFlavours: an Alibaba Cloud basic
// group's rules may authorize other basic groups only; an advanced
// (enterprise) group "cannot serve as an authorization object in other
// groups' rules" (ECS, "Basic and advanced security groups",
// https://www.alibabacloud.com/help/en/ecs/user-guide/basic-security-groups-and-advanced-security-groups).
// Nor does a rule of one cloud name a group of the other.
func TestBuildRefusesGroupRefsAcrossFlavours(t *testing.T) {
	a := netip.MustParseAddr
	ent := sg.Group{ID: "sg-ent", Name: "ent", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1}}}
	basic := sg.Group{ID: "sg-basic", Name: "basic", Flavour: sg.AlibabaBasic}
	for _, c := range []struct {
		name, ref string
		flavour   sg.Flavour
		says      string // "" for accepted
	}{
		{"basic to enterprise", "sg-ent", sg.AlibabaBasic, "sg-ent is an enterprise (advanced) security group"},
		{"basic to AWS", "sg-aws", sg.AlibabaBasic, "references aws group sg-aws"},
		{"AWS to basic", "sg-ali", sg.AWS, "references alibaba-basic group sg-ali"},
		{"basic to basic", "sg-basic", sg.AlibabaBasic, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rule := sg.Rule{ID: "sgr-ref", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef(c.ref)}
			if c.flavour.IsAlibaba() {
				rule.Action, rule.Priority = flow.Pass, 1
			}
			ref := sg.Group{ID: "sg-ref", Name: "ref", Flavour: c.flavour, Rules: []sg.Rule{rule}}
			_, err := aliVSwitchBuilder(
				reach.Interface{ID: "eni-ent", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.10")}, Groups: []string{"sg-ent"}},
				reach.Interface{ID: "eni-ref", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.11")}, Groups: []string{"sg-ref"}},
				reach.Interface{ID: "eni-basic", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.2.1.12")}, Groups: []string{"sg-basic"}},
			).AddSecurityGroup(ent, basic, ref).Build()
			if c.says == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrTopology)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "groups[4].Rules[0].Peer", ie.Path)
			assert.Equal(t, "sg-ref", ie.Resource)
			assert.Equal(t, "sgr-ref", ie.Rule)
			assert.Equal(t, c.ref, ie.Text)
			assert.Contains(t, err.Error(), c.says)
		})
	}
}
