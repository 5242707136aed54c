package aws_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// neighbourFS is the peering dump plus vpc-d (10.4.0.0/16), a VPC of the
// same account on its own block with an internet gateway, whose instance
// eni-d holds the public IP 52.0.0.4 and whose group sg-d admits
// nothing. It collides with nothing, so the whole dump loads.
func neighbourFS(t *testing.T) fstest.MapFS {
	t.Helper()
	return vpcDFS(t, "10.4", "", "52.0.0.4")
}

// TestLoadLeftOutPublicAddressIsNoInternetHost: Options.VPCs
// leaves vpc-d out, but its instance's public IP 52.0.0.4 stays an
// address the input holds. With every VPC modelled, b's SSH to it is a
// certain Unreachable (sg-d admits nothing); with vpc-d left out it is
// "delivered to an internet host", a certain Reachable: choosing VPCs
// turned a known block into a certain pass. Expected: undecided (the
// address is held by something the design does not model, as a load
// balancer's public IP is: reach.UnmodelledAddress), never Reachable.
func TestLoadLeftOutPublicAddressIsNoInternetHost(t *testing.T) {
	fsys := neighbourFS(t)
	all, _, err := aws.LoadFS(fsys, "peering")
	require.NoError(t, err)
	chosen, _, err := aws.LoadFSWith(fsys, aws.Options{VPCs: []string{"vpc-a", "vpc-b", "vpc-c"}}, "peering")
	require.NoError(t, err)
	q := reach.Query{From: "b", To: "52.0.0.4", Protocol: flow.TCP, Port: 22}
	full, err := all.Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, full.Outcome, full.Text())
	r, err := chosen.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "the full dump says %s\n%s", full.Outcome, r.Text())
	v, err := chosen.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v, "Verdict agrees with Check")
}

// TestLoadLeftOutVPCWithoutSubnets: a dump whose describe-subnets
// covers only the VPCs of interest (describe-subnets --filters
// Name=vpc-id,...), while describe-network-interfaces, describe-instances
// or describe-nat-gateways list the whole account. Every record of vpc-d
// carries its VpcId, yet selectVPCs drops interfaces and NAT gateways by
// subnet only, so vpc-d's records stay and the load of the VPCs chosen
// fails on them ("unknown subnet"). Expected: they are left out with
// their VPC, and the chosen VPCs load.
func TestLoadLeftOutVPCWithoutSubnets(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(fsys fstest.MapFS)
	}{
		{"describe-network-interfaces", func(fstest.MapFS) {}},
		{"describe-instances only", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "peering/network-interfaces.json", func(doc map[string]any) {
				loadRemove(doc, func(s map[string]any) bool { return s["NetworkInterfaceId"] == "eni-d" }, "NetworkInterfaces")
			})
			fsys["peering/instances.json"] = &fstest.MapFile{Data: []byte(`{"Reservations": [{"Instances": [{"InstanceId": "i-d", "State": {"Name": "running"},
				"SubnetId": "subnet-d", "VpcId": "vpc-d", "PrivateIpAddress": "10.4.1.10",
				"NetworkInterfaces": [{"NetworkInterfaceId": "eni-d", "SubnetId": "subnet-d", "VpcId": "vpc-d", "PrivateIpAddress": "10.4.1.10",
					"PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.4.1.10"}], "Groups": [{"GroupId": "sg-d", "GroupName": "d"}],
					"Attachment": {"DeviceIndex": 0, "Status": "attached"}, "Status": "in-use", "InterfaceType": "interface", "SourceDestCheck": true}]}]}]}`)}
		}},
		{"describe-nat-gateways", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "peering/network-interfaces.json", func(doc map[string]any) {
				loadRemove(doc, func(s map[string]any) bool { return s["NetworkInterfaceId"] == "eni-d" }, "NetworkInterfaces")
			})
			fsys["peering/nat-gateways.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [{"NatGatewayId": "nat-d", "SubnetId": "subnet-d", "VpcId": "vpc-d", "State": "available",
				"ConnectivityType": "public", "NatGatewayAddresses": [{"PrivateIp": "10.4.1.5", "PublicIp": "52.0.0.5", "NetworkInterfaceId": "eni-natd", "IsPrimary": true}]}]}`)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := neighbourFS(t)
			// describe-subnets and describe-network-acls filtered to the
			// VPCs of interest
			loadEdit(t, fsys, "peering/subnets.json", func(doc map[string]any) {
				loadRemove(doc, func(s map[string]any) bool { return s["VpcId"] == "vpc-d" }, "Subnets")
			})
			loadEdit(t, fsys, "peering/network-acls.json", func(doc map[string]any) {
				loadRemove(doc, func(s map[string]any) bool { return s["VpcId"] == "vpc-d" }, "NetworkAcls")
			})
			tc.edit(fsys)
			m, rep, err := aws.LoadFSWith(fsys, aws.Options{VPCs: []string{"vpc-a", "vpc-b", "vpc-c"}}, "peering")
			require.NoError(t, err, "vpc-d is left out: its records must not refuse the load")
			for _, ii := range m.Interfaces() {
				assert.NotEqual(t, "eni-d", ii.ID)
			}
			for _, w := range rep.Warnings {
				assert.NotContains(t, w, "subnet-d", "a VPC left out leaves no trace")
			}
		})
	}
}

// Every public address of a VPC left out is declared unmodelled: its
// NAT gateway's, an Elastic IP describe-addresses lists for its interface;
// and every block of it, its IPv4 block, its Amazon-provided IPv6 block
// and its unique local one (whose addresses are no internet hosts: a
// query from one is refused, not walked in from the internet).
func TestLoadLeftOutPublicAddressesDeclared(t *testing.T) {
	fsys := neighbourFS(t)
	fsys["peering/nat-gateways.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [{"NatGatewayId": "nat-d", "SubnetId": "subnet-d", "VpcId": "vpc-d", "State": "available",
		"ConnectivityType": "public", "NatGatewayAddresses": [{"PrivateIp": "10.4.1.5", "PublicIp": "52.0.0.5", "NetworkInterfaceId": "eni-natd", "IsPrimary": true}]}]}`)}
	fsys["peering/addresses.json"] = &fstest.MapFile{Data: []byte(`{"Addresses": [{"PublicIp": "52.0.0.4", "AllocationId": "eipalloc-d", "AssociationId": "eipassoc-d",
		"NetworkInterfaceId": "eni-d", "PrivateIpAddress": "10.4.1.10", "InstanceId": "i-d"}]}`)}
	loadEdit(t, fsys, "peering/vpcs.json", func(doc map[string]any) {
		v := loadObj(doc, "Vpcs", 3)
		require.Equal(t, "vpc-d", v["VpcId"])
		v["Ipv6CidrBlockAssociationSet"] = loadJSON(`[{"Ipv6CidrBlock": "2600:1f18:d::/56", "Ipv6CidrBlockState": {"State": "associated"}, "Ipv6Pool": "Amazon"},
			{"Ipv6CidrBlock": "fd00:d::/56", "Ipv6CidrBlockState": {"State": "associated"}, "Ipv6Pool": "Amazon"}]`)
	})
	all, _, err := aws.LoadFS(fsys, "peering")
	require.NoError(t, err)
	m, _, err := aws.LoadFSWith(fsys, aws.Options{VPCs: []string{"vpc-a", "vpc-b", "vpc-c"}}, "peering")
	require.NoError(t, err)
	var addrs []string
	for _, u := range m.UnmodelledAddresses() {
		addrs = append(addrs, u.Address.String()+" "+u.Owner)
	}
	assert.Equal(t, []string{"52.0.0.4 eni-d", "52.0.0.5 nat-d"}, addrs, "each once")
	var blocks []string
	for _, u := range m.UnmodelledBlocks() {
		blocks = append(blocks, u.Prefix.String()+" "+u.Owner+": "+u.What)
	}
	assert.Equal(t, []string{
		"10.4.0.0/16 vpc-d: IPv4 block of VPC vpc-d, left out (not among the VPCs chosen)",
		"2600:1f18:d::/56 vpc-d: IPv6 block of VPC vpc-d, left out (not among the VPCs chosen)",
		"fd00:d::/56 vpc-d: private IPv6 block of VPC vpc-d, left out (not among the VPCs chosen)",
	}, blocks, "every block of the VPC left out, private ones too")
	// a private address of it is no internet host: no query starts there
	for _, from := range []string{"10.4.1.10", "fd00:d::10"} {
		to := "b"
		if from == "fd00:d::10" {
			to = "2600:1f18:b::10"
		}
		_, err = m.Check(reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 22})
		require.ErrorIs(t, err, reach.ErrQuery, from)
		assert.ErrorContains(t, err, "is the address of vpc-d, which reachsim does not model", from)
	}
	for _, to := range []string{"52.0.0.4", "52.0.0.5"} {
		q := reach.Query{From: "b", To: to, Protocol: flow.TCP, Port: 443}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		full, err := all.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, full.Outcome, "the whole dump blocks it: %s", full.Text())
	}
	assert.Empty(t, all.UnmodelledBlocks(), "nothing is left out without Options.VPCs")
}

// VPCs left out that share a CIDR block (vpc-d and vpc-e on 10.4.0.0/16,
// vpc-f on 10.4.1.0/24 inside it) each declare their blocks, a part
// several hold naming them all: an address there is named by every VPC
// left out holding it, sorted, whatever the order of describe-vpcs. Only
// the first VPC of describe-vpcs was named.
func TestLoadLeftOutSharedBlock(t *testing.T) {
	for _, first := range []bool{false, true} {
		t.Run(fmt.Sprintf("vpc-f first: %v", first), func(t *testing.T) {
			fsys := neighbourFS(t)
			loadEdit(t, fsys, "peering/vpcs.json", func(doc map[string]any) {
				e := loadJSON(`{"VpcId": "vpc-e", "State": "available", "CidrBlock": "10.4.0.0/16", "OwnerId": "111122223333",
					"CidrBlockAssociationSet": [{"CidrBlock": "10.4.0.0/16", "CidrBlockState": {"State": "associated"}},
						{"CidrBlock": "10.5.0.0/16", "CidrBlockState": {"State": "associated"}}]}`)
				f := loadJSON(`{"VpcId": "vpc-f", "State": "available", "CidrBlock": "10.4.1.0/24", "OwnerId": "111122223333",
					"CidrBlockAssociationSet": [{"CidrBlock": "10.4.1.0/24", "CidrBlockState": {"State": "associated"}}]}`)
				vpcs := doc["Vpcs"].([]any)
				if first {
					doc["Vpcs"] = append([]any{f, e}, vpcs...)
				} else {
					doc["Vpcs"] = append(vpcs, e, f)
				}
			})
			m, _, err := aws.LoadFSWith(fsys, aws.Options{VPCs: []string{"vpc-a", "vpc-b", "vpc-c"}}, "peering")
			require.NoError(t, err)
			for _, tc := range []struct{ addr, owner string }{
				{"10.4.2.10", "vpc-d or vpc-e"},
				{"10.4.1.20", "vpc-d or vpc-e or vpc-f"},
				{"10.5.0.1", "vpc-e"},
			} {
				owner, ok := m.Owner(netip.MustParseAddr(tc.addr))
				assert.True(t, ok, tc.addr)
				assert.Equal(t, tc.owner, owner, tc.addr)
			}
			_, err = m.Check(reach.Query{From: "10.4.2.10", To: "b", Protocol: flow.TCP, Port: 22})
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, "10.4.2.10 is the address of vpc-d or vpc-e, which reachsim does not model "+
				"(IPv4 block of VPCs vpc-d and vpc-e, left out (not among the VPCs chosen))")
			_, err = m.Check(reach.Query{From: "10.4.1.20", To: "b", Protocol: flow.TCP, Port: 22})
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, "10.4.1.20 is the address of vpc-d or vpc-e or vpc-f, which reachsim does not model "+
				"(IPv4 block of VPCs vpc-d, vpc-e and vpc-f, left out (not among the VPCs chosen))")

			// each VPC declares all of its blocks, no more
			held := map[string][]netip.Prefix{}
			for _, u := range m.UnmodelledBlocks() {
				held[u.Owner] = append(held[u.Owner], u.Prefix)
			}
			for vpc, want := range map[string][]string{"vpc-d": {"10.4.0.0/16"}, "vpc-e": {"10.4.0.0/16", "10.5.0.0/16"}, "vpc-f": {"10.4.1.0/24"}} {
				var size, wantSize uint64
				for _, p := range held[vpc] {
					size += 1 << (32 - p.Bits())
					assert.True(t, slices.ContainsFunc(want, func(w string) bool { return netip.MustParsePrefix(w).Overlaps(p) }), "%s: %s", vpc, p)
				}
				for _, w := range want {
					wantSize += 1 << (32 - netip.MustParsePrefix(w).Bits())
				}
				assert.Equal(t, wantSize, size, "%s declares its blocks whole, each address once", vpc)
			}
		})
	}
}
