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

// gateways is a VPC whose security groups and network ACLs allow
// everything, so that the gateways alone decide: subnet-pub routes to the
// internet gateway and holds the NAT gateway and web (public IP
// 198.51.100.10, and an Elastic IP 198.51.100.20 on its secondary private
// address 10.1.1.20; 10.1.1.21 has none); subnet-priv routes to the NAT
// gateway and holds app (no public IP) and srv (public IP 198.51.100.30,
// whose replies go to the NAT gateway). extra are more public addresses
// of web.
func gateways(bpa reach.BlockPublicAccess, extra ...reach.PublicIP) *reach.Builder {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-g", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-g"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-g", VPC: "vpc-g"}).
		AddNATGateway(reach.NATGateway{ID: "nat-g", Subnet: "subnet-pub", PrivateIP: ip("10.1.1.100"), PublicIP: ip("198.51.100.100")}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-g", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-g"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-g", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-g"}}}).
		AddNetworkACL(nacl.NewDefault("acl-g", "vpc-g", false)).
		AddSubnet(reach.Subnet{ID: "subnet-pub", VPC: "vpc-g", CIDRs: []netip.Prefix{pfx("10.1.1.0/24")}},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-g", CIDRs: []netip.Prefix{pfx("10.1.2.0/24")}, RouteTable: "rtb-priv"}).
		AddSecurityGroup(sg.Group{ID: "sg-all", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}).
		AddInterface(
			reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-pub", Groups: []string{"sg-all"},
				PrivateIPs: []netip.Addr{ip("10.1.1.10"), ip("10.1.1.20"), ip("10.1.1.21")}, PublicIP: ip("198.51.100.10"),
				PublicIPs: append([]reach.PublicIP{{Private: ip("10.1.1.20"), Public: ip("198.51.100.20")}}, extra...)},
			reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", Groups: []string{"sg-all"}, PrivateIPs: []netip.Addr{ip("10.1.2.10")}},
			reach.Interface{ID: "eni-srv", Name: "srv", Subnet: "subnet-priv", Groups: []string{"sg-all"},
				PrivateIPs: []netip.Addr{ip("10.1.2.30")}, PublicIP: ip("198.51.100.30")}).
		SetBlockPublicAccess(bpa)
}

// verdict is a query's expected answer: nil codes for reachable.
type verdict struct {
	from, to string
	proto    flow.Protocol
	codes    []reach.Code
}

func (v verdict) run(t *testing.T, m *reach.Model) *reach.Result {
	t.Helper()
	q := reach.Query{From: v.from, To: v.to, Protocol: v.proto}
	if v.proto == flow.TCP || v.proto == flow.UDP {
		q.Port = 443
	}
	r := check(t, m, q)
	if v.codes == nil {
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	} else {
		assert.Equal(t, v.codes, r.Codes(), r.Text())
	}
	return r
}

func TestNATGatewayCarriesOnlyTCPUDPAndICMP(t *testing.T) {
	m, err := gateways(reach.BlockPublicAccess{}).Build()
	require.NoError(t, err)
	for _, v := range []verdict{
		{"app", "8.8.8.8", flow.TCP, nil},
		{"app", "8.8.8.8", flow.UDP, nil},
		{"app", "8.8.8.8", flow.ICMP, nil},
		{"app", "8.8.8.8", flow.GRE, []reach.Code{reach.NATUnsupportedProtocol}},
		{"app", "8.8.8.8", flow.ESP, []reach.Code{reach.NATUnsupportedProtocol}},
		{"web", "8.8.8.8", flow.GRE, nil}, // the internet gateway carries any protocol
	} {
		t.Run(v.from+" sends "+v.proto.String()+" to the internet", func(t *testing.T) {
			r := v.run(t, m)
			if v.codes != nil {
				b, _ := r.First()
				assert.Equal(t, reach.KindNATGateway, b.Kind)
				assert.Equal(t, reach.Forward, b.Leg)
			}
		})
	}
}

func TestInternetGatewayDropsPrivateAddressesOnTheRequest(t *testing.T) {
	m, err := gateways(reach.BlockPublicAccess{}).Build()
	require.NoError(t, err)
	private := []reach.Code{reach.PrivateAddressOnInternet}
	for _, v := range []verdict{
		{"web", "8.8.8.8", flow.TCP, nil},
		{"web", "192.168.4.4", flow.TCP, private},
		{"web", "172.20.0.1", flow.TCP, private},
		{"web", "100.64.3.3", flow.TCP, private},
		{"web", "100.128.0.1", flow.TCP, nil}, // just outside 100.64.0.0/10
		{"8.8.8.8", "web", flow.TCP, nil},
		{"10.200.0.1", "web", flow.TCP, private},
		{"100.100.0.1", "web", flow.TCP, private},
		{"app", "192.168.4.4", flow.TCP, private}, // through the NAT gateway: dropped at the internet gateway
	} {
		t.Run(v.from+" to "+v.to, func(t *testing.T) {
			r := v.run(t, m)
			if v.codes != nil {
				b, _ := r.First()
				assert.Equal(t, reach.KindInternetGateway, b.Kind, "the gateway drops it")
				assert.Equal(t, reach.Forward, b.Leg, "on the request")
				assert.Empty(t, r.Return)
			}
		})
	}
}

func TestReplyRoutedToANATGatewayFails(t *testing.T) {
	m, err := gateways(reach.BlockPublicAccess{}).Build()
	require.NoError(t, err)
	t.Run("a server whose subnet's default route is the NAT gateway", func(t *testing.T) {
		r := verdict{"8.8.8.8", "srv", flow.TCP, []reach.Code{reach.ReplyViaNAT}}.run(t, m)
		b, _ := r.First()
		assert.Equal(t, reach.Return, b.Leg)
		assert.Equal(t, reach.KindNATGateway, b.Kind)
		assert.Contains(t, b.Fix, "rtb-priv")
		assert.Contains(t, r.Text(), "expects the reply from 198.51.100.30")
	})
	t.Run("a server whose subnet's default route is the internet gateway", func(t *testing.T) {
		verdict{"8.8.8.8", "web", flow.TCP, nil}.run(t, m)
	})
	t.Run("the same server connecting out through the NAT gateway", func(t *testing.T) {
		verdict{"srv", "8.8.8.8", flow.TCP, nil}.run(t, m)
	})
}

func TestElasticIPOnASecondaryPrivateAddressWorksBothWays(t *testing.T) {
	m, err := gateways(reach.BlockPublicAccess{}).Build()
	require.NoError(t, err)
	t.Run("to it: arrives at that private address", func(t *testing.T) {
		r := verdict{"8.8.8.8", "198.51.100.20", flow.TCP, nil}.run(t, m)
		last := r.Forward[len(r.Forward)-1]
		assert.Equal(t, netip.MustParseAddr("10.1.1.20"), last.Packet.Dst.Addr())
		assert.Equal(t, "web (eni-web) [198.51.100.20]", r.To)
	})
	t.Run("from it: leaves translated to its Elastic IP", func(t *testing.T) {
		r := verdict{"10.1.1.20", "8.8.8.8", flow.TCP, nil}.run(t, m)
		for _, h := range r.Forward {
			if h.Kind == reach.KindInternet {
				assert.Equal(t, netip.MustParseAddr("198.51.100.20"), h.Packet.Src.Addr())
			}
		}
	})
	t.Run("the primary keeps its public IP", func(t *testing.T) {
		r := verdict{"web", "8.8.8.8", flow.TCP, nil}.run(t, m)
		assert.Contains(t, r.Text(), "translated to its public address 198.51.100.10")
	})
	t.Run("a secondary address without one has no public address", func(t *testing.T) {
		verdict{"10.1.1.21", "8.8.8.8", flow.TCP, []reach.Code{reach.NoPublicIP, reach.NoPublicIP.OnLeg(reach.Return)}}.run(t, m)
	})
	t.Run("a query cannot start from the public address", func(t *testing.T) {
		_, err := m.CheckFlow(flow.Flow{Protocol: flow.TCP, Src: netip.MustParseAddrPort("198.51.100.20:40000"), Dst: netip.MustParseAddrPort("8.8.8.8:443")})
		require.ErrorIs(t, err, reach.ErrQuery)
	})
}

func TestBuildChecksPublicIPs(t *testing.T) {
	ip := netip.MustParseAddr
	for _, tt := range []struct {
		name string
		pub  reach.PublicIP
		want string
	}{
		{"not the interface's address", reach.PublicIP{Private: ip("10.1.1.99"), Public: ip("198.51.100.99")}, "interfaces[0].PublicIPs[1] (eni-web): \"10.1.1.99\": invalid topology: not a private address of the interface"},
		{"a second public address for one private one", reach.PublicIP{Private: ip("10.1.1.10"), Public: ip("198.51.100.99")}, "10.1.1.10 already has the public address 198.51.100.10"},
		{"an IPv6 public address", reach.PublicIP{Private: ip("10.1.1.21"), Public: ip("2001:db8::1")}, "public and Elastic IPs are IPv4"},
		{"a public address used twice", reach.PublicIP{Private: ip("10.1.1.21"), Public: ip("198.51.100.30")}, "198.51.100.30\": invalid topology: address already used by eni-web"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gateways(reach.BlockPublicAccess{}, tt.pub).Build()
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
