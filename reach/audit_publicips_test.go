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

// eipDesign: vpc-e 10.5.0.0/16 with an internet gateway, one subnet
// (open ACL, 0/0 to the gateway), and host-1 there with private addresses
// 10.5.1.10 (primary) and 10.5.1.11 (secondary), whose group opens SSH to
// every IPv4 address. primary, when valid, is the primary's public IP;
// secondary, when valid, the Elastic IP of the secondary
// (Interface.PublicIPs). acl are entries added to the subnet's ACL.
func eipDesign(t testing.TB, primary, secondary netip.Addr, acl ...string) *reach.Model {
	t.Helper()
	aclE := nacl.NewCustom("acl-e", "vpc-e")
	for _, l := range append(acl, "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0") {
		e, err := nacl.ParseEntry(l)
		require.NoError(t, err, l)
		aclE.Entries = append(aclE.Entries, e)
	}
	in := reach.Interface{ID: "eni-h1", Name: "host-1", Subnet: "subnet-e",
		PrivateIPs: []netip.Addr{ba("10.5.1.10"), ba("10.5.1.11")}, PublicIP: primary, Groups: []string{"sg-h"}}
	if secondary.IsValid() {
		in.PublicIPs = []reach.PublicIP{{Private: ba("10.5.1.11"), Public: secondary}}
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-e", CIDRs: []netip.Prefix{bp("10.5.0.0/16")}, MainRouteTable: "rtb-e", DefaultACL: "acl-e"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-e", VPC: "vpc-e"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-e", VPC: "vpc-e", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-e"}}}).
		AddNetworkACL(aclE).
		AddSubnet(reach.Subnet{ID: "subnet-e", VPC: "vpc-e", CIDRs: []netip.Prefix{bp("10.5.1.0/24")}}).
		AddSecurityGroup(sg.Group{ID: "sg-h", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}).
		AddInterface(in).
		Build()
	require.NoError(t, err)
	return m
}

// TestAuditEveryPublicAddress: the audit asks at every public address of
// an interface, the Elastic IP of a secondary private address
// (Interface.PublicIPs) too, with a finding per address; it asked only
// at the primary's public IP, or else at the primary private address,
// and so called SSH closed for certain (NO_PUBLIC_IP) on an interface
// the internet reaches at its secondary's Elastic IP, with no finding
// that said so. AWS associates an
// Elastic IP with "the primary or secondary private IP address"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-eip-association.html).
func TestAuditEveryPublicAddress(t *testing.T) {
	type want struct {
		addr     string
		exposure reach.Exposure
	}
	tests := []struct {
		name               string
		primary, secondary netip.Addr
		want               []want
	}{
		{"an Elastic IP on the secondary alone", netip.Addr{}, ba("203.0.113.51"),
			[]want{{"203.0.113.51", reach.Exposed}, {"10.5.1.10", reach.Closed}}},
		{"a public IP on each", ba("203.0.113.50"), ba("203.0.113.51"),
			[]want{{"203.0.113.50", reach.Exposed}, {"203.0.113.51", reach.Exposed}}},
		{"no public address: asked at the primary, closed", netip.Addr{}, netip.Addr{},
			[]want{{"10.5.1.10", reach.Closed}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := eipDesign(t, tt.primary, tt.secondary)
			for _, w := range tt.want {
				if w.exposure == reach.Exposed {
					v, err := m.Verdict(reach.Query{From: "8.8.8.8", To: w.addr, Protocol: flow.TCP, Port: 22})
					require.NoError(t, err)
					require.Equal(t, reach.Reachable, v, "the internet reaches host-1's SSH at %s", w.addr)
				}
			}
			a, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			var got []want
			for _, f := range a.Findings {
				if f.Interface == "eni-h1" && f.Service == "SSH" {
					got = append(got, want{f.Address.String(), f.Exposure})
					assert.Contains(t, a.Text(), "["+f.Address.String()+"]")
				}
			}
			assert.Equal(t, tt.want, got, "\n%s", a.Text())
			assert.Equal(t, 1, a.Interfaces)
			brute.CheckAudit(t, m, a, reach.AuditOptions{}, []string{"eni-h1"}, tt.name)
		})
	}
}

// TestAuditClosedStandsInWithADocumentationAddress: a closed finding
// names what stops a session from an internet address the rules open
// the service to, and its fix names that address; it was the first one,
// 0.0.0.1 ("add an inbound allow entry ... from 0.0.0.1/32"). It is now
// the first documentation address (RFC 5737) the design does not hold:
// 198.51.100.1, 203.0.113.1, 192.0.2.1; the first internet address only
// when the design holds all three (TestSourcesProbeIsAnInternetAddress).
func TestAuditClosedStandsInWithADocumentationAddress(t *testing.T) {
	tests := []struct {
		name               string
		primary, secondary netip.Addr
		want               string
	}{
		{"none held", ba("203.0.113.50"), netip.Addr{}, "198.51.100.1/32"},
		{"198.51.100.1 held", ba("198.51.100.1"), netip.Addr{}, "203.0.113.1/32"},
		{"198.51.100.1 and 203.0.113.1 held", ba("198.51.100.1"), ba("203.0.113.1"), "192.0.2.1/32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := eipDesign(t, tt.primary, tt.secondary, "90 deny tcp 22 from 0.0.0.0/0")
			a, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			require.NotEmpty(t, a.Findings)
			for _, f := range a.Findings {
				require.Equal(t, reach.Closed, f.Exposure, a.Text())
				require.NotEmpty(t, f.ClosedBy, a.Text())
				assert.Contains(t, f.ClosedBy[0].Fix, tt.want, a.Text())
				assert.NotContains(t, f.ClosedBy[0].Fix, "0.0.0.1/32")
			}
		})
	}
}
