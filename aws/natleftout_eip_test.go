package aws_test

import (
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A NAT gateway the loader leaves out (not available, regional) still
// holds its addresses: AWS delivers a packet for its Elastic IP to it, and
// it takes no connection from outside (VPC User Guide, NAT gateways). Its
// Elastic IP was an internet host (a certain Reachable from web-1) unless
// describe-network-interfaces listed its interface with the address; its
// addresses are now declared unmodelled in its name, whatever the input
// holds of its interface: a query to one is undecided, naming the gateway.
func TestLeftOutNATGatewayAddresses(t *testing.T) {
	addr := `"NatGatewayAddresses": [{"AllocationId": "eipalloc-9", "PublicIp": "203.0.113.200", "PrivateIp": "10.20.0.200", "IsPrimary": true, "Status": "succeeded"}]`
	for _, nat := range []struct{ name, json, what string }{
		{"regional", `{"NatGatewayId": "nat-0left", "State": "available", "AvailabilityMode": "regional", "VpcId": "vpc-0c5e7a9b1d3f52468", "ConnectivityType": "public", ` + addr + `}`,
			"regional NAT gateway left out"},
		{"deleting", `{"NatGatewayId": "nat-0left", "State": "deleting", "SubnetId": "subnet-0a11b22c33d44e55f", "VpcId": "vpc-0c5e7a9b1d3f52468", "ConnectivityType": "public", ` + addr + `}`,
			`NAT gateway left out: it is "deleting"`},
		{"failed, no VpcId", `{"NatGatewayId": "nat-0left", "State": "failed", "SubnetId": "subnet-0a11b22c33d44e55f", "ConnectivityType": "public", ` + addr + `}`,
			`NAT gateway left out: it is "failed"`},
	} {
		for _, enis := range []bool{false, true} {
			name := nat.name + ", without network-interfaces.json"
			if enis {
				name = nat.name + ", with network-interfaces.json (not listing its interface)"
			}
			t.Run(name, func(t *testing.T) {
				fsys := loadShopFS(t)
				if !enis {
					delete(fsys, "shop/network-interfaces.json") // describe-instances suffices (doc.go)
				}
				fsys["shop/nat-more.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [` + nat.json + `]}`)}
				m, rep, err := aws.LoadFS(fsys, "shop")
				require.NoError(t, err, "%v", rep.Warnings)
				for _, a := range []string{"203.0.113.200", "10.20.0.200"} {
					owner, ok := m.Owner(netip.MustParseAddr(a))
					assert.True(t, ok, a)
					assert.Equal(t, "nat-0left", owner, a)
					r, err := m.Check(reach.Query{From: "web-1", To: a, Protocol: flow.TCP, Port: 443})
					require.NoError(t, err)
					assert.Equal(t, reach.Indeterminate, r.Outcome, "%s:\n%s", a, r.Text())
					assert.Contains(t, r.Codes(), reach.UnmodelledDestination, r.Text())
					assert.Contains(t, r.Text(), "nat-0left")
				}
				var what string
				for _, u := range m.UnmodelledAddresses() {
					if u.Address == netip.MustParseAddr("203.0.113.200") {
						what = u.What
					}
				}
				assert.Contains(t, what, nat.what)
			})
		}
	}
}

// An address a modelled resource holds stays its: a deleted gateway's
// Elastic IP associated anew with an instance, its private address given
// to a new one.
func TestLeftOutNATGatewayAddressHeldElsewhere(t *testing.T) {
	fsys := loadShopFS(t)
	// the modelled gateway nat-0f1e2d3c4b5a69788 holds 10.20.0.100 and
	// 198.51.100.100 now
	fsys["shop/nat-more.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [{"NatGatewayId": "nat-0old", "State": "deleted",
		"SubnetId": "subnet-0a11b22c33d44e55f", "VpcId": "vpc-0c5e7a9b1d3f52468",
		"NatGatewayAddresses": [{"PublicIp": "198.51.100.100", "PrivateIp": "10.20.0.100", "IsPrimary": true}]}]}`)}
	m, rep, err := aws.LoadFS(fsys, "shop")
	require.NoError(t, err, "%v", rep.Warnings)
	for _, a := range []string{"198.51.100.100", "10.20.0.100"} {
		owner, ok := m.Owner(netip.MustParseAddr(a))
		assert.True(t, ok)
		assert.Equal(t, "nat-0f1e2d3c4b5a69788", owner, a)
	}
}

// describe-addresses lists a NAT gateway's Elastic IP with the gateway's
// network interface (AWS's normal output), and an internet-facing load
// balancer's with its interface. The model holds both (the NAT gateway;
// the load balancer's declared unmodelled): no warning says the address
// is left out. An Elastic IP of an interface the model does not hold at
// all is declared unmodelled in that interface's name, with a warning
// that says so.
func TestElasticIPOfModelledHolder(t *testing.T) {
	const natEIP = `{"PublicIp": "198.51.100.100", "AllocationId": "eipalloc-0a1", "AssociationId": "eipassoc-0a1", "Domain": "vpc",
		"NetworkInterfaceId": "eni-08b9c0d1e2f3a4b57", "NetworkInterfaceOwnerId": "111122223333", "PrivateIpAddress": "10.20.0.100"}`
	const nlbEIP = `{"PublicIp": "198.51.100.60", "AllocationId": "eipalloc-0c3", "AssociationId": "eipassoc-0c3", "Domain": "vpc",
		"NetworkInterfaceId": "eni-06f7a8b9c0d1e2f35", "PrivateIpAddress": "10.20.0.60"}`
	for _, tc := range []struct {
		name, body string
		enis       bool
	}{
		{"a modelled NAT gateway's", natEIP, true},
		{"a modelled NAT gateway's, without network-interfaces.json", natEIP, false},
		{"a load balancer's", nlbEIP, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := loadShopFS(t)
			if !tc.enis {
				delete(fsys, "shop/network-interfaces.json")
			}
			fsys["shop/addresses.json"] = addresses(tc.body)
			m, rep, err := aws.LoadFS(fsys, "shop")
			require.NoError(t, err)
			for _, w := range rep.Warnings {
				assert.NotContains(t, w, "Elastic IP", "the model holds the address")
			}
			if tc.body == nlbEIP {
				owner, ok := m.Owner(netip.MustParseAddr("198.51.100.60"))
				assert.True(t, ok)
				assert.Equal(t, "eni-06f7a8b9c0d1e2f35", owner)
			}
		})
	}
	t.Run("a left-out NAT gateway's, on its interface", func(t *testing.T) {
		fsys := loadShopFS(t)
		fsys["shop/nat-more.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [{"NatGatewayId": "nat-0left", "State": "deleting",
			"SubnetId": "subnet-0a11b22c33d44e55f", "VpcId": "vpc-0c5e7a9b1d3f52468",
			"NatGatewayAddresses": [{"PrivateIp": "10.20.0.200", "IsPrimary": true, "NetworkInterfaceId": "eni-0left"}]}]}`)}
		fsys["shop/addresses.json"] = addresses(`{"PublicIp": "203.0.113.200", "NetworkInterfaceId": "eni-0left", "PrivateIpAddress": "10.20.0.200"}`)
		m, rep, err := aws.LoadFS(fsys, "shop")
		require.NoError(t, err)
		assert.NotContains(t, strings.Join(rep.Warnings, "\n"), "203.0.113.200")
		owner, _ := m.Owner(netip.MustParseAddr("203.0.113.200"))
		assert.Equal(t, "nat-0left", owner)
	})
}

// An Elastic IP describe-addresses lists associated with nothing is the
// account's, so a packet for it is for no host on the internet (it was
// answered as one, a certain Reachable from web-1): the address is
// declared unmodelled in its allocation's name and a query to it is
// undecided. One that describe-network-interfaces shows on an interface
// (a newer listing) stays that interface's.
func TestIdleElasticIP(t *testing.T) {
	fsys := loadShopFS(t)
	fsys["shop/addresses.json"] = &fstest.MapFile{Data: []byte(`{"Addresses": [
		{"AllocationId": "eipalloc-0idle", "PublicIp": "203.0.113.77", "Domain": "vpc"},
		{"AllocationId": "eipalloc-0web", "PublicIp": "198.51.100.80", "Domain": "vpc"}]}`)}
	m, rep, err := aws.LoadFS(fsys, "shop")
	require.NoError(t, err, "%v", rep.Warnings)
	owner, ok := m.Owner(netip.MustParseAddr("203.0.113.77"))
	require.True(t, ok)
	assert.Equal(t, "eipalloc-0idle", owner)
	r, err := m.Check(reach.Query{From: "web-1", To: "203.0.113.77", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Codes(), reach.UnmodelledDestination, r.Text())
	assert.Contains(t, r.Text(), "associated with nothing")

	// 198.51.100.80 is web-1's by describe-network-interfaces: still its
	owner, ok = m.Owner(netip.MustParseAddr("198.51.100.80"))
	require.True(t, ok)
	assert.NotEqual(t, "eipalloc-0web", owner)
	for _, u := range m.UnmodelledAddresses() {
		assert.NotEqual(t, netip.MustParseAddr("198.51.100.80"), u.Address)
	}
}
