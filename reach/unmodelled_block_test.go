package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// blockDesign is a dual-stack vpc-a (10.1.0.0/16, 2600:1f18:a::/56) whose
// subnet routes everything to its internet gateway, eni-a (10.1.1.10,
// 2600:1f18:a:1::10, public 198.51.100.1) in an open group, and the
// blocks given as unmodelled.
func blockDesign(blocks ...reach.UnmodelledBlock) (*reach.Model, error) {
	b := reach.NewBuilder()
	b.AddSecurityGroup(openGroup("sg-open"))
	oneSubnetVPC(b, "a", []netip.Prefix{bp("10.1.0.0/16"), bp("2600:1f18:a::/56")}, []netip.Prefix{bp("10.1.1.0/24"), bp("2600:1f18:a:1::/64")},
		reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
		reach.Route{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"})
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	b.AddInterface(reach.Interface{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.1.1.10"), ba("2600:1f18:a:1::10")},
		PublicIP: ba("198.51.100.1"), Groups: []string{"sg-open"}})
	b.AddUnmodelledBlock(blocks...)
	return b.Build()
}

// A public block something the design does not model holds (a VPC a
// loader leaves out): the internet carries a packet for it there, so the
// answer is undecided, not a delivery to an internet host; a query cannot
// start there; addresses beside it stay internet hosts.
func TestUnmodelledBlock(t *testing.T) {
	left := reach.UnmodelledBlock{Prefix: bp("2600:1f18:d::/56"), Owner: "vpc-d", What: "IPv6 block of VPC vpc-d, left out"}
	m, err := blockDesign(left)
	require.NoError(t, err)
	assert.Equal(t, []reach.UnmodelledBlock{left}, m.UnmodelledBlocks())
	m.UnmodelledBlocks()[0].Owner = "changed"
	assert.Equal(t, "vpc-d", m.UnmodelledBlocks()[0].Owner, "a copy")

	tests := []struct {
		to   string
		want reach.Outcome
		code reach.Code
	}{
		{"2600:1f18:d:1::10", reach.Indeterminate, reach.UnmodelledDestination},
		{"2600:1f18:d:ff::1", reach.Indeterminate, reach.UnmodelledDestination},
		{"2600:1f18:d:100::1", reach.Reachable, ""}, // past the /56
		{"2600:1f18:e::1", reach.Reachable, ""},
		{"203.0.113.9", reach.Reachable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			q := reach.Query{From: "eni-a", To: tt.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v, "Verdict agrees")
			if tt.code != "" {
				assert.Contains(t, r.Codes(), tt.code, r.Text())
				assert.Contains(t, r.Text(), "vpc-d")
			}
		})
	}
	_, err = m.Check(reach.Query{From: "2600:1f18:d:1::10", To: "eni-a", Protocol: flow.TCP, Port: 443})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.ErrorContains(t, err, "vpc-d, which reachsim does not model")
}

func TestUnmodelledBlockRefused(t *testing.T) {
	tests := []struct {
		name  string
		block reach.UnmodelledBlock
		err   string
	}{
		{"no owner", reach.UnmodelledBlock{Prefix: bp("2600:1f18:d::/56")}, "needs the ID of what holds it"},
		{"not masked", reach.UnmodelledBlock{Prefix: netip.MustParsePrefix("2600:1f18:d::1/56"), Owner: "vpc-d"}, "not a masked IPv4 or IPv6 block"},
		{"loopback", reach.UnmodelledBlock{Prefix: bp("127.0.0.0/8"), Owner: "vpc-d"}, "not a block of unicast addresses"},
		{"link-local", reach.UnmodelledBlock{Prefix: bp("fe80::/64"), Owner: "vpc-d"}, "not a block of unicast addresses"},
		{"multicast", reach.UnmodelledBlock{Prefix: bp("224.0.0.0/4"), Owner: "vpc-d"}, "not a block of unicast addresses"},
		{"everything", reach.UnmodelledBlock{Prefix: bp("0.0.0.0/0"), Owner: "vpc-d"}, "not a block of unicast addresses"},
		{"overlaps a VPC of the design", reach.UnmodelledBlock{Prefix: bp("2600:1f18:a::/48"), Owner: "vpc-d"}, "overlaps a block of vpc-a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := blockDesign(tt.block)
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.err)
		})
	}
}
