package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// ECS interfaces whose address is known only later (AddressUnknown,
// IPv6Unknown): the addresses they could get, and their placeholder,
// follow Alibaba Cloud's vSwitch rule (the first address and the last
// three of the IPv4 block, the first and the last nine of the IPv6 block
// are reserved: CreateVSwitch, CreateVSwitchCidrReservation,
// https://www.alibabacloud.com/help/en/vpc/api-610154), not AWS's.

// aliOpenEnterprise is an Alibaba Cloud enterprise group that lets
// everything out, and every IPv4 packet in. (A basic group with a member
// whose address is known only later is refused by Build; an enterprise
// group, whose members are isolated and which no rule may reference, is
// not.)
var aliOpenEnterprise = sg.Group{ID: "sg-ent", Name: "ent", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
	{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1},
	{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1},
	{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6, Action: flow.Pass, Priority: 1}}}

// aliUnknownDesign: aliVSwitchBuilder's vSwitch vsw-a (10.2.1.0/24,
// 2001:db8:0:101::/64, alibaba_build_test.go), and vsw-base
// (10.2.0.0/24, at the base of vpc-a's 10.2.0.0/16), with an ECS
// interface eni-unk in the enterprise group aliOpenEnterprise whose
// private IPv4 address Alibaba Cloud picks at launch in vSwitch unkIn,
// and an ECS interface eni-dst (10.2.1.10) whose basic group sg-narrow
// accepts tcp/22 only from src.
func aliUnknownDesign(t *testing.T, unkIn, src string) *reach.Model {
	t.Helper()
	narrow := sg.Group{ID: "sg-narrow", Name: "narrow", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(src), Action: flow.Pass, Priority: 1}}}
	m, err := aliVSwitchBuilder(
		reach.Interface{ID: "eni-dst", Subnet: "vsw-a", PrivateIPs: []netip.Addr{ba("10.2.1.10")}, Groups: []string{"sg-narrow"}},
		reach.Interface{ID: "eni-unk", Subnet: unkIn, AddressUnknown: "ecs: private_ip", Groups: []string{"sg-ent"}},
	).AddSubnet(reach.Subnet{ID: "vsw-base", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.2.0.0/24")}}).
		AddSecurityGroup(aliOpenEnterprise, narrow).Build()
	require.NoError(t, err)
	return m
}

// TestAlibabaUnknownAddressPlaceholderNotReserved: the placeholder of an
// ECS interface whose address is known only later stands for an address
// Alibaba Cloud may give, so it is none Alibaba reserves (Build refuses
// those among an ECS interface's PrivateIPs): AWS's highest usable
// address, the last but one, is reserved there. It is the highest one
// Alibaba may give.
func TestAlibabaUnknownAddressPlaceholderNotReserved(t *testing.T) {
	for _, c := range []struct {
		name  string
		iface reach.Interface
		block netip.Prefix
		want  netip.Addr
	}{
		{"IPv4", reach.Interface{ID: "eni-unk", Subnet: "vsw-a", AddressUnknown: "ecs: private_ip", Groups: []string{"sg-ent"}},
			bp("10.2.1.0/24"), ba("10.2.1.252")},
		{"IPv6", reach.Interface{ID: "eni-unk", Subnet: "vsw-a", PrivateIPs: []netip.Addr{ba("10.2.1.20")}, IPv6Unknown: "ecs: ipv6_addresses", Groups: []string{"sg-ent"}},
			bp("2001:db8:0:101::/64"), ba("2001:db8:0:101:ffff:ffff:ffff:fff6")},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := aliVSwitchBuilder(c.iface).AddSecurityGroup(aliOpenEnterprise).Build()
			require.NoError(t, err)
			ifs := m.Interfaces()
			i := slices.IndexFunc(ifs, func(in reach.Interface) bool { return in.ID == "eni-unk" })
			require.GreaterOrEqual(t, i, 0)
			var ph netip.Addr
			for _, a := range ifs[i].PrivateIPs {
				if c.block.Contains(a) {
					ph = a
				}
			}
			assert.Equal(t, c.want, ph, "the placeholder is the highest address of %s that Alibaba Cloud may give", c.block)
			// the placeholder, given as a known address, is one Build accepts
			known := c.iface
			known.AddressUnknown, known.IPv6Unknown = "", ""
			known.PrivateIPs = append(slices.Clone(known.PrivateIPs), ph)
			_, err = aliVSwitchBuilder(known).AddSecurityGroup(aliOpenEnterprise).Build()
			require.NoError(t, err)
		})
	}
}

// TestAlibabaUnknownAddressCouldBeLowThree: Alibaba Cloud may give an ECS
// interface the second to fourth addresses of its vSwitch (only the first
// and the last three are reserved), which AWS reserves; so eni-unk, whose
// address is known only later, may be one of them, and an answer the
// design tells apart there is undecided. The base of the VPC plus two is
// such an address in an Alibaba vSwitch at the VPC's base, not an Amazon
// DNS server: a packet for it is undecided too.
func TestAlibabaUnknownAddressCouldBeLowThree(t *testing.T) {
	for _, c := range []struct {
		name     string
		unkIn    string
		src      string
		q        reach.Query
		want     reach.Outcome
		wantCode reach.Code
	}{
		{"from eni-unk, which may be 10.2.1.1-.3", "vsw-a", "10.2.1.0/30",
			reach.Query{From: "eni-unk", To: "eni-dst", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, ""},
		{"to 10.2.1.2, which eni-unk may get", "vsw-a", "10.2.1.0/30",
			reach.Query{From: "eni-dst", To: "10.2.1.2", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, reach.AddressUnknownDestination},
		{"to 10.2.1.100, which eni-unk may get (control)", "vsw-a", "10.2.1.0/30",
			reach.Query{From: "eni-dst", To: "10.2.1.100", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, reach.AddressUnknownDestination},
		{"to 10.2.1.253, which Alibaba Cloud reserves", "vsw-a", "10.2.1.0/30",
			reach.Query{From: "eni-dst", To: "10.2.1.253", Protocol: flow.TCP, Port: 22}, reach.Unreachable, reach.UnknownDestination},
		{"to the VPC's base plus two, which eni-unk may get", "vsw-base", "10.2.0.0/30",
			reach.Query{From: "eni-dst", To: "10.2.0.2", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, reach.AddressUnknownDestination},
		{"from eni-unk, which may be the VPC's base plus two", "vsw-base", "10.2.0.2/32",
			reach.Query{From: "eni-unk", To: "eni-dst", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := aliUnknownDesign(t, c.unkIn, c.src)
			r, err := m.Check(c.q)
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Outcome, "codes %v", r.Codes())
			if c.wantCode != "" {
				assert.Contains(t, r.Codes(), c.wantCode)
			}
		})
	}
}
