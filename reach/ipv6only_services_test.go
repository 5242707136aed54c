package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// ipv6OnlyServicesDesign is vpc-s (10.9.0.0/16, 2600:1f18:9::/56, its
// enableDnsSupport off when dnsOff): subnet-ds (dual-stack) holds ds,
// subnet-v6 (IPv6-only) holds v6; both instances are Windows and enable
// the Instance Metadata Service and its IPv6 endpoint.
func ipv6OnlyServicesDesign(t *testing.T, dnsOff bool) *reach.Model {
	t.Helper()
	meta := func(in reach.Interface) reach.Interface {
		in.MetadataEndpoint, in.MetadataIPv6, in.Platform, in.Groups = reach.OptionEnabled, reach.OptionEnabled, "Windows", []string{"sg-open"}
		return in
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-s", CIDRs: []netip.Prefix{bp("10.9.0.0/16"), bp("2600:1f18:9::/56")}, MainRouteTable: "rtb-s", DefaultACL: "acl-s", DNSSupportDisabled: dnsOff}).
		AddNetworkACL(nacl.NewDefault("acl-s", "vpc-s", true)).AddRouteTable(reach.RouteTable{ID: "rtb-s", VPC: "vpc-s"}).
		AddSecurityGroup(openGroup("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-ds", VPC: "vpc-s", CIDRs: []netip.Prefix{bp("10.9.1.0/24"), bp("2600:1f18:9:1::/64")}},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-s", CIDRs: []netip.Prefix{bp("2600:1f18:9:2::/64")}}).
		AddInterface(meta(reach.Interface{ID: "eni-ds", Name: "ds", Subnet: "subnet-ds", PrivateIPs: []netip.Addr{ba("10.9.1.10"), ba("2600:1f18:9:1::10")}}),
			meta(reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:9:2::10")}})).
		Build()
	require.NoError(t, err)
	return m
}

// AWS: "In an IPv6-only subnet, the IPv4 link-local address
// (169.254.169.253) is still reachable as long as AmazonProvidedDNS is
// the name server in the DHCP option set" (Amazon VPC User Guide,
// "Understanding Amazon DNS"). The input holds no DHCP options: a DNS
// query from an instance with no IPv4 address is undecided on them;
// anything the Amazon DNS server refuses whatever they say stays
// refused; the VPC's base-plus-two address still needs an IPv4 source.
// AWS launches only instances built on the Nitro System in an IPv6-only
// subnet, so the fd00:ec2:: services answer an instance there.
func TestIPv6OnlySubnetAmazonServices(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dnsOff  bool
		q       reach.Query
		want    reach.Outcome
		code    reach.Code
		missing string
	}{
		{"169.254.169.253 from an IPv6-only instance: DHCP options undecided", false,
			reach.Query{From: "v6", To: "169.254.169.253", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, reach.AmazonDNSIndeterminate, "DHCP options"},
		{"169.254.169.253 over tcp/53 from an IPv6-only instance", false,
			reach.Query{From: "v6", To: "169.254.169.253", Protocol: flow.TCP, Port: 53}, reach.Indeterminate, reach.AmazonDNSIndeterminate, "AmazonProvidedDNS"},
		{"169.254.169.253, not DNS, from an IPv6-only instance", false,
			reach.Query{From: "v6", To: "169.254.169.253", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.AmazonDNSOnlyDNS, ""},
		{"169.254.169.253 from an IPv6-only instance, DNS support off", true,
			reach.Query{From: "v6", To: "169.254.169.253", Protocol: flow.UDP, Port: 53}, reach.Unreachable, reach.AmazonDNSDisabled, ""},
		{"169.254.169.253 from a dual-stack instance", false,
			reach.Query{From: "ds", To: "169.254.169.253", Protocol: flow.UDP, Port: 53}, reach.Reachable, "", ""},
		{"fd00:ec2::253 from an IPv6-only instance (Nitro)", false,
			reach.Query{From: "v6", To: "fd00:ec2::253", Protocol: flow.UDP, Port: 53}, reach.Reachable, "", ""},
		{"fd00:ec2::253 from a dual-stack instance", false,
			reach.Query{From: "ds", To: "fd00:ec2::253", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, reach.AmazonDNSIndeterminate, "Nitro"},
		{"fd00:ec2::254 from an IPv6-only instance (Nitro)", false,
			reach.Query{From: "v6", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80}, reach.Reachable, "", ""},
		{"fd00:ec2::254 from a dual-stack instance", false,
			reach.Query{From: "ds", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro"},
		{"fd00:ec2::123 from an IPv6-only instance (Nitro)", false,
			reach.Query{From: "v6", To: "fd00:ec2::123", Protocol: flow.UDP, Port: 123}, reach.Reachable, "", ""},
		{"fd00:ec2::123 from a dual-stack instance", false,
			reach.Query{From: "ds", To: "fd00:ec2::123", Protocol: flow.UDP, Port: 123}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro"},
		{"fd00:ec2::250 (Windows activation) from an IPv6-only Windows instance (Nitro)", false,
			reach.Query{From: "v6", To: "fd00:ec2::250", Protocol: flow.TCP, Port: 1688}, reach.Reachable, "", ""},
		{"fd00:ec2::250 from a dual-stack Windows instance", false,
			reach.Query{From: "ds", To: "fd00:ec2::250", Protocol: flow.TCP, Port: 1688}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ipv6OnlyServicesDesign(t, tc.dnsOff)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.code == "" {
				assert.Empty(t, r.Codes(), r.Text())
				return
			}
			require.NotEmpty(t, r.Forward, r.Text())
			h := r.Forward[0]
			assert.Equal(t, tc.code, h.Code, r.Text())
			assert.Contains(t, h.Missing, tc.missing, r.Text())
		})
	}
}

// The VPC's base-plus-two address is an IPv4 address of the VPC, which an
// instance with no IPv4 address cannot send to: the question stays an
// error, naming the missing address.
func TestIPv6OnlyInstanceVPCDNSAddress(t *testing.T) {
	_, err := ipv6OnlyServicesDesign(t, false).Check(reach.Query{From: "v6", To: "10.9.0.2", Protocol: flow.UDP, Port: 53})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.Contains(t, err.Error(), "no IPv4 address")
}

// Sources of 169.254.169.253 lists the IPv6-only instance as undecided
// (the DHCP options), from the link-local address that stands for its
// own, beside the dual-stack one, which reaches it.
func TestIPv6OnlyLinkLocalDNSSources(t *testing.T) {
	s, err := ipv6OnlyServicesDesign(t, false).Sources(reach.SourcesQuery{To: "169.254.169.253", Protocol: flow.UDP, Port: 53})
	require.NoError(t, err)
	got := map[string]reach.Outcome{}
	for _, in := range s.Interfaces {
		got[in.ID] = in.Outcome
		assert.True(t, in.Address.Is4(), "%s: %v", in.ID, in.Address)
	}
	assert.Equal(t, map[string]reach.Outcome{"eni-ds": reach.Reachable, "eni-v6": reach.Indeterminate}, got)
}
