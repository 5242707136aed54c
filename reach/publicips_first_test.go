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

// firstEIPDesign: vpc-s 10.6.0.0/16 with an internet gateway, one open
// subnet routed to it, and the interfaces ins there, whose group sg-s
// opens SSH to every IPv4 address.
func firstEIPDesign(t testing.TB, ins ...reach.Interface) (*reach.Model, error) {
	t.Helper()
	acl := nacl.NewCustom("acl-s", "vpc-s")
	for _, l := range []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"} {
		e, err := nacl.ParseEntry(l)
		require.NoError(t, err, l)
		acl.Entries = append(acl.Entries, e)
	}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-s", CIDRs: []netip.Prefix{bp("10.6.0.0/16")}, MainRouteTable: "rtb-s", DefaultACL: "acl-s"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-s", VPC: "vpc-s"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-s", VPC: "vpc-s", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-s"}}}).
		AddNetworkACL(acl).
		AddSubnet(reach.Subnet{ID: "subnet-s", VPC: "vpc-s", CIDRs: []netip.Prefix{bp("10.6.1.0/24")}}).
		AddSecurityGroup(sg.Group{ID: "sg-s", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}).
		AddInterface(ins...).
		Build()
}

// TestPublicIPsEntryForTheFirstAddress: AWS associates an Elastic IP with
// "the primary or secondary private IP address" (AssociateAddress
// PrivateIpAddress; AWS::EC2::EIPAssociation,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-eip-association.html),
// and Build accepted an Interface.PublicIPs entry for the first private
// address. The walk honoured it (Verdict to the Elastic IP: Reachable),
// but Audit and Matrix took the first address's public IP from PublicIP
// alone: SSH "closed" for certain (NO_PUBLIC_IP), the internet cell
// empty. Build now takes such an entry as PublicIP (the model's copy
// holds it there), so every question answers as for PublicIP.
func TestPublicIPsEntryForTheFirstAddress(t *testing.T) {
	tests := []struct {
		name string
		in   reach.Interface
		// want is the interface as Model.Interfaces gives it
		want reach.Interface
	}{
		{"the only address",
			reach.Interface{ID: "eni-s1", Name: "s-1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10")}, Groups: []string{"sg-s"},
				PublicIPs: []reach.PublicIP{{Private: ba("10.6.1.10"), Public: ba("203.0.113.61")}}},
			reach.Interface{ID: "eni-s1", Name: "s-1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10")}, Groups: []string{"sg-s"},
				PublicIP: ba("203.0.113.61")}},
		{"the first of two, the second with its own",
			reach.Interface{ID: "eni-s1", Name: "s-1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10"), ba("10.6.1.11")}, Groups: []string{"sg-s"},
				PublicIPs: []reach.PublicIP{{Private: ba("10.6.1.11"), Public: ba("203.0.113.62")}, {Private: ba("10.6.1.10"), Public: ba("203.0.113.61")}}},
			reach.Interface{ID: "eni-s1", Name: "s-1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10"), ba("10.6.1.11")}, Groups: []string{"sg-s"},
				PublicIP: ba("203.0.113.61"), PublicIPs: []reach.PublicIP{{Private: ba("10.6.1.11"), Public: ba("203.0.113.62")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := firstEIPDesign(t, tt.in)
			require.NoError(t, err)
			assert.Equal(t, []reach.Interface{tt.want}, m.Interfaces())
			same, err := firstEIPDesign(t, tt.want)
			require.NoError(t, err)

			for _, to := range []string{"203.0.113.61", "s-1"} {
				v, err := m.Verdict(reach.Query{From: "8.8.8.8", To: to, Protocol: flow.TCP, Port: 22})
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, v, "8.8.8.8 -> %s tcp/22", to)
			}
			s, err := m.Sources(reach.SourcesQuery{To: "s-1", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.NotEmpty(t, s.Internet, "Sources to s-1 (its Elastic IP)")

			a, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			at := map[netip.Addr]reach.Exposure{}
			for _, f := range a.Findings {
				if f.Service == "SSH" {
					at[f.Address] = f.Exposure
				}
			}
			assert.Equal(t, reach.Exposed, at[ba("203.0.113.61")], a.Text())
			assert.NotContains(t, at, ba("10.6.1.10"), a.Text())
			b, err := same.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			assert.Equal(t, b.Findings, a.Findings, "as given in PublicIP")

			mx, err := m.Matrix(reach.MatrixOptions{})
			require.NoError(t, err)
			var in *reach.Cell
			for i := range mx.Cells {
				if mx.Cells[i].From == reach.InternetNode && mx.Cells[i].To != reach.InternetNode {
					in = &mx.Cells[i]
				}
			}
			if assert.NotNil(t, in, "internet -> s-1 carries tcp 22:\n%s", mx.Text()) {
				assert.True(t, in.Allowed.TCP.Contains(22), mx.Text())
			}
			d, err := reach.Diff(same, m, reach.DiffOptions{})
			require.NoError(t, err)
			assert.Empty(t, d.Changes, "the same design spelt two ways:\n%s", d.Text())
		})
	}
}

// TestPublicIPsEntryForTheFirstAddressRefused: an entry of PublicIPs for
// the first private address beside PublicIP, or beside PublicIPUnknown,
// gives that address two public IPs: Build refuses it and names the
// entry.
func TestPublicIPsEntryForTheFirstAddressRefused(t *testing.T) {
	tests := []struct {
		name string
		in   reach.Interface
		want []string
	}{
		{"beside PublicIP",
			reach.Interface{ID: "eni-s1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10")}, Groups: []string{"sg-s"},
				PublicIP: ba("203.0.113.60"), PublicIPs: []reach.PublicIP{{Private: ba("10.6.1.10"), Public: ba("203.0.113.61")}}},
			[]string{"PublicIPs[0]", "203.0.113.61", "already has the public address 203.0.113.60"}},
		{"beside PublicIPUnknown",
			reach.Interface{ID: "eni-s1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10")}, Groups: []string{"sg-s"},
				PublicIPUnknown: "aws_instance.s: public_ip", PublicIPs: []reach.PublicIP{{Private: ba("10.6.1.10"), Public: ba("203.0.113.61")}}},
			[]string{"PublicIPs[0]", "203.0.113.61", "known only later"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := firstEIPDesign(t, tt.in)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
