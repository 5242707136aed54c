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

// alibabaServiceDesign is one VPC (10.2.0.0/16) with a vSwitch whose
// route table holds routes, an internet gateway, and the ECS interface
// a (10.2.1.10, public IP 203.0.113.5) in group g.
func alibabaServiceDesign(t *testing.T, routes []reach.Route, g sg.Group, metadata reach.Option) *reach.Model {
	t.Helper()
	p := netip.MustParsePrefix
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: routes}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}}).
		AddSecurityGroup(g).
		AddInterface(reach.Interface{ID: "eni-a", Name: "a", Subnet: "vsw-a", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.1.10")},
			PublicIP: netip.MustParseAddr("203.0.113.5"), Groups: []string{g.ID}, MetadataEndpoint: metadata}).
		Build()
	require.NoError(t, err)
	return m
}

// TestAlibabaServicesFromInside: every ECS instance in a VPC reaches its
// instance metadata service at 100.100.100.200 (HTTP; ECS "Instance
// metadata") and Alibaba Cloud's default DNS servers 100.100.2.136 and
// 100.100.2.138 (VPC "DHCP options sets") from inside, whatever its
// route table says, and network ACLs allow them (VPC "Network ACLs").
// Once a certain NOT REACHABLE (PRIVATE_ADDRESS_ON_INTERNET at the
// internet gateway, or no route). What the input lacks (the metadata
// options) or Alibaba does not document (whether security groups filter
// the packet, when they would deny it) leaves the answer undecided.
func TestAlibabaServicesFromInside(t *testing.T) {
	p := netip.MustParsePrefix
	igw := []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}
	basic := sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic} // all outbound allowed by default
	enterprise := sg.Group{ID: "sg-e", Flavour: sg.AlibabaEnterprise}
	for _, tc := range []struct {
		name     string
		routes   []reach.Route
		group    sg.Group
		metadata reach.Option
		q        reach.Query
		want     reach.Outcome
		code     reach.Code // the service hop's, "" for none
		missing  string     // in the service hop's Missing
	}{
		{"metadata, default route to an internet gateway, options not given", igw, basic, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "HttpEndpoint"},
		{"metadata, local route only, options not given", nil, basic, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "HttpEndpoint"},
		{"metadata enabled", nil, basic, reach.OptionEnabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 80}, reach.Reachable, "", ""},
		{"metadata disabled", igw, basic, reach.OptionDisabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.InstanceServiceDisabled, ""},
		{"metadata, another tcp port", nil, basic, reach.OptionEnabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 443}, reach.Indeterminate, reach.InstanceServiceIndeterminate,
			"what answers tcp/443 at 100.100.100.200, which Alibaba Cloud does not document: it documents its instance metadata service there, HTTP (tcp port 80)"},
		{"metadata, udp", nil, basic, reach.OptionEnabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.UDP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "udp/80"},
		{"metadata, ping", nil, basic, reach.OptionEnabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.ICMP}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "which Alibaba Cloud does not document"},
		{"metadata disabled, another port", nil, basic, reach.OptionDisabled,
			reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 8080}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "which Alibaba Cloud does not document"},
		{"DNS over udp", nil, basic, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.2.136", Protocol: flow.UDP, Port: 53}, reach.Reachable, "", ""},
		{"DNS over tcp, the second server", igw, basic, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.2.138", Protocol: flow.TCP, Port: 53}, reach.Reachable, "", ""},
		{"DNS server, other traffic", nil, basic, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.2.136", Protocol: flow.UDP, Port: 123}, reach.Indeterminate, reach.InstanceServiceIndeterminate,
			"what answers udp/123 at 100.100.2.136, which Alibaba Cloud does not document: it documents its DNS server there, DNS (udp and tcp port 53)"},
		{"DNS from an enterprise group, which denies outbound traffic by default", nil, enterprise, reach.OptionUnset,
			reach.Query{From: "a", To: "100.100.2.136", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, reach.InstanceServiceIndeterminate, "security groups"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alibabaServiceDesign(t, tc.routes, tc.group, tc.metadata)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, "%s", r.Text())
			require.NotEmpty(t, r.Forward)
			h := r.Forward[0]
			assert.Equal(t, reach.KindInstanceService, h.Kind, "the packet goes straight to the service:\n%s", r.Text())
			assert.Equal(t, tc.code, h.Code)
			assert.Contains(t, h.Missing, tc.missing)
			assert.Contains(t, r.To, "Alibaba Cloud", "the destination is named as the service, not a host outside the design")
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
		})
	}
}

// TestAlibabaServicesPorts: Ports to the metadata service walks the
// service's hop per atom: HTTP (tcp/80) alone is open, and every other
// port is undecided, not cut: Alibaba Cloud documents HTTP there and
// nothing of the rest.
func TestAlibabaServicesPorts(t *testing.T) {
	m := alibabaServiceDesign(t, nil, sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic}, reach.OptionEnabled)
	r, err := m.Ports(reach.PortsQuery{From: "a", To: "100.100.100.200", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, flow.SetOf(flow.Single[uint16](80)), r.Open)
	assert.Equal(t, flow.SetOf(flow.PortRange{Lo: 1, Hi: 79}, flow.PortRange{Lo: 81, Hi: 65535}), r.Indeterminate)
}

// TestAWSInterfaceToAlibabaAddresses: an EC2 interface's packet to
// 100.100.100.200 is walked as any other (the address is Alibaba
// Cloud's): no route for it.
func TestAWSInterfaceToAlibabaAddresses(t *testing.T) {
	m := alibabaServiceDesign(t, nil, sg.Group{ID: "sg-aws", Rules: []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}, reach.OptionUnset)
	r, err := m.Check(reach.Query{From: "a", To: "100.100.100.200", Protocol: flow.TCP, Port: 80})
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "%s", r.Text())
	assert.NotEqual(t, reach.KindInstanceService, r.Forward[0].Kind)
}

// TestAlibabaServicesSources: who reaches the metadata service or a DNS
// server is every ECS instance from inside and no internet address; the
// answer agrees with Verdict from each source.
func TestAlibabaServicesSources(t *testing.T) {
	m := alibabaServiceDesign(t, nil, sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic}, reach.OptionEnabled)
	for _, q := range []reach.SourcesQuery{
		{To: "100.100.100.200", Protocol: flow.TCP, Port: 80},
		{To: "100.100.2.138", Protocol: flow.UDP, Port: 53},
		{To: "100.100.100.200", Protocol: flow.TCP, Port: 443},
	} {
		t.Run(q.To+" "+q.Protocol.String(), func(t *testing.T) {
			r, err := m.Sources(q)
			require.NoError(t, err)
			assert.Empty(t, r.Internet, "no internet address reaches it")
			open := q.Port != 443
			if open {
				require.Len(t, r.Interfaces, 1)
				assert.Equal(t, "eni-a", r.Interfaces[0].ID)
				assert.Contains(t, r.To, "Alibaba Cloud")
			}
			addrs := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("100.100.100.1"), netip.MustParseAddr("10.2.1.11")}
			brute.CheckSources(t, m, q, r, []string{"eni-a"}, addrs, q.To)
		})
	}
}
