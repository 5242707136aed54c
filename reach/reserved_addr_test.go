package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// AWS reserves the first four addresses and the last of every subnet CIDR
// block, IPv4 and IPv6 (network address, VPC router, DNS server, future
// use, last: Amazon VPC User Guide, "Subnet CIDR blocks",
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html),
// and never gives one to an interface or a NAT gateway: Build refuses
// such an address, naming the resource, the field and the address, as it
// refuses a delegated prefix that holds one. An Alibaba Cloud interface
// (its groups of an Alibaba flavour) is left to Alibaba's own rule.
func TestBuildRefusesAddressesAWSReserves(t *testing.T) {
	build := func(iface *reach.Interface, nat *reach.NATGateway) error {
		b := reach.NewBuilder()
		b.AddSecurityGroup(openGroup("sg-open"), sg.Group{ID: "sg-ali", Name: "sg-ali", Flavour: sg.AlibabaBasic})
		oneSubnetVPC(b, "a", []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, []netip.Prefix{bp("10.0.0.0/24"), bp("2001:db8:1::/64")})
		b.AddSubnet(reach.Subnet{ID: "subnet-b", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.8.0/22")}})
		b.AddInterface(reach.Interface{ID: "eni-ok", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.0.0.10")}, Groups: []string{"sg-open"}})
		if iface != nil {
			b.AddInterface(*iface)
		}
		if nat != nil {
			b.AddNATGateway(*nat)
		}
		_, err := b.Build()
		return err
	}
	for _, a := range []string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255",
		"10.0.8.0", "10.0.8.3", "10.0.11.255",
		"2001:db8:1::", "2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3", "2001:db8:1:0:ffff:ffff:ffff:ffff"} {
		t.Run("interface at "+a, func(t *testing.T) {
			subnet, first := "subnet-a", "10.0.0.20"
			if ba(a).Is4() && ba(a).As4()[2] >= 8 {
				subnet, first = "subnet-b", "10.0.9.20"
			}
			err := build(&reach.Interface{ID: "eni-r", Subnet: subnet, PrivateIPs: []netip.Addr{ba(first), ba(a)}, Groups: []string{"sg-open"}}, nil)
			require.Error(t, err, "AWS reserves %s in its subnet block and never gives it to an interface", a)
			assert.Contains(t, err.Error(), "eni-r")
			assert.Contains(t, err.Error(), "interfaces[1].PrivateIPs[1]")
			assert.Contains(t, err.Error(), a)
			assert.Contains(t, err.Error(), "AWS reserves")
		})
	}
	for _, a := range []string{"10.0.0.4", "10.0.0.254", "10.0.9.255", "10.0.10.0", "2001:db8:1::4", "2001:db8:1:0:ffff:ffff:ffff:fffe"} {
		t.Run("interface at "+a+" is fine", func(t *testing.T) {
			subnet := "subnet-a"
			if ba(a).Is4() && ba(a).As4()[2] >= 8 {
				subnet = "subnet-b"
			}
			require.NoError(t, build(&reach.Interface{ID: "eni-r", Subnet: subnet, PrivateIPs: []netip.Addr{ba(a)}, Groups: []string{"sg-open"}}, nil))
		})
	}
	t.Run("an Alibaba Cloud interface is left to Alibaba's rule", func(t *testing.T) {
		require.NoError(t, build(&reach.Interface{ID: "eni-ali", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.0.0.1")}, Groups: []string{"sg-ali"}}, nil))
	})
	t.Run("NAT gateway at the VPC router's address", func(t *testing.T) {
		err := build(nil, &reach.NATGateway{ID: "nat-r", Subnet: "subnet-a", PrivateIP: ba("10.0.0.1"), PublicIP: ba("198.51.100.1")})
		require.Error(t, err, "10.0.0.1 is the VPC router's, reserved")
		assert.Contains(t, err.Error(), "nat-r")
		assert.Contains(t, err.Error(), "natGateways[0].PrivateIP")
		assert.Contains(t, err.Error(), "10.0.0.1")
	})
	t.Run("NAT gateway's secondary address at the subnet's last", func(t *testing.T) {
		err := build(nil, &reach.NATGateway{ID: "nat-r", Subnet: "subnet-a", PrivateIP: ba("10.0.0.5"), PublicIP: ba("198.51.100.1"),
			Secondary: []reach.NATAddress{{PrivateIP: ba("10.0.0.255")}}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "natGateways[0].Secondary[0].PrivateIP")
		assert.Contains(t, err.Error(), "10.0.0.255")
	})
}
