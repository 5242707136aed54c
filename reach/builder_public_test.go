package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// publicFields are the fields of the demo design that hold a public IPv4
// address, each with the resource and path Build names and a change that
// sets it to a: an interface's public IP, an Elastic IP of a secondary
// private address, the public IP of an interface whose private address is
// known only later (placed after the known ones), a NAT gateway's public
// address and a secondary one's.
var publicFields = []struct {
	name, resource, path string
	set                  func(d *sample.Design, a netip.Addr)
}{
	{"an interface's public IP", "eni-web1", "interfaces[0].PublicIP", func(d *sample.Design, a netip.Addr) {
		d.Interfaces[ifWeb].PublicIP = a
	}},
	{"an Elastic IP of a secondary private address", "eni-web1", "interfaces[0].PublicIPs[0]", func(d *sample.Design, a netip.Addr) {
		d.Interfaces[ifWeb].PrivateIPs = append(d.Interfaces[ifWeb].PrivateIPs, ba("10.0.1.11"))
		d.Interfaces[ifWeb].PublicIPs = []reach.PublicIP{{Private: ba("10.0.1.11"), Public: a}}
	}},
	{"the public IP of an interface whose address is known only later", "eni-extra", "interfaces[3].PublicIP", func(d *sample.Design, a netip.Addr) {
		extraInterface(d, "subnet-public", "")
		d.Interfaces[3].AddressUnknown, d.Interfaces[3].PublicIP = "the instance's address", a
	}},
	{"a NAT gateway's public address", "nat-demo", "natGateways[0].PublicIP", func(d *sample.Design, a netip.Addr) {
		d.NATGateways[0].PublicIP = a
	}},
	{"a NAT gateway's secondary public address", "nat-demo", "natGateways[0].Secondary[0].PublicIP", func(d *sample.Design, a netip.Addr) {
		d.NATGateways[0].Secondary = []reach.NATAddress{{PrivateIP: ba("10.0.1.101"), PublicIP: a}}
	}},
}

// AWS gives no address the internet gateway does not route as a public
// or Elastic IP. Build used to take one (a NAT gateway's 10.x public
// address, say), and the answers then were meaningless: the internet
// gateway dropped the NAT gateway's own traffic as from a private source.
// Build now refuses it, naming the resource, the field and the address;
// the documentation blocks, which stand for public addresses in the
// examples, and the placeholders of public addresses known only later
// (240.0.0.0/4) still build.
func TestBuildRefusesNonPublicPublicAddresses(t *testing.T) {
	refused := []struct{ addr, kind string }{
		{"10.200.0.1", "private, RFC 1918"},
		{"172.16.0.5", "private, RFC 1918"},
		{"192.168.1.1", "private, RFC 1918"},
		{"100.64.0.1", "shared, 100.64.0.0/10"},
		{"127.0.0.1", "loopback"},
		{"169.254.169.254", "link-local"},
		{"224.0.0.5", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"0.1.2.3", `"this network", 0.0.0.0/8`},
		{"192.0.0.8", "IETF protocol assignments, 192.0.0.0/24"},
		{"198.18.0.1", "benchmarking, 198.18.0.0/15"},
	}
	for _, f := range publicFields {
		for _, r := range refused {
			t.Run(f.name+" "+r.addr, func(t *testing.T) {
				d := sample.ThreeTierDesign()
				f.set(d, ba(r.addr))
				_, err := d.Builder().Build()
				ies := designFaults(t, err)
				require.Equal(t, []fault{{f.resource, f.path, r.addr}}, faultsOf(ies))
				assert.Contains(t, ies[0].Error(), r.addr+" is not a public address ("+r.kind)
				assert.Contains(t, ies[0].Error(), "AWS never gives it as a public or Elastic IP")
			})
		}
	}
}

func TestBuildTakesPublicAddresses(t *testing.T) {
	for _, f := range publicFields {
		for _, a := range []string{"192.0.2.7", "198.51.100.7", "203.0.113.7", "8.8.4.4", "192.0.0.9", "100.128.0.1", "172.32.0.1"} {
			t.Run(f.name+" "+a, func(t *testing.T) {
				d := sample.ThreeTierDesign()
				f.set(d, ba(a))
				_, err := d.Builder().Build()
				require.NoError(t, err)
			})
		}
	}
	t.Run("placeholders of public addresses known only later", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.Interfaces[ifWeb].PublicIP, d.Interfaces[ifWeb].PublicIPUnknown = netip.Addr{}, "the instance's public IP"
		d.NATGateways[0].PublicIP, d.NATGateways[0].PublicIPUnknown = netip.Addr{}, "the NAT gateway's Elastic IP"
		m, err := d.Builder().Build()
		require.NoError(t, err)
		r, err := m.Check(reach.Query{From: "eni-app1", To: "203.0.113.200", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.NotEmpty(t, r.Forward, r.Text())
	})
}
