package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// blockLeftOutDesign: blockDesign's vpc-a (unmodelled_block_test.go) with
// tcp/22 open, an unmodelled public IPv4 address 54.1.2.3 and the
// unmodelled block given (each as aws.Load declares what a VPC left out
// holds: select.go).
func blockLeftOutDesign(t *testing.T, block string) *reach.Model {
	t.Helper()
	b := reach.NewBuilder()
	b.AddSecurityGroup(openGroup("sg-open"))
	oneSubnetVPC(b, "a", []netip.Prefix{bp("10.1.0.0/16"), bp("2600:1f18:a::/56")}, []netip.Prefix{bp("10.1.1.0/24"), bp("2600:1f18:a:1::/64")},
		reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
		reach.Route{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"})
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	b.AddInterface(reach.Interface{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.1.1.10"), ba("2600:1f18:a:1::10")},
		PublicIP: ba("198.51.100.1"), Groups: []string{"sg-open"}})
	b.AddUnmodelledAddress(reach.UnmodelledAddress{Address: ba("54.1.2.3"), Owner: "eni-out", What: "network interface of VPC vpc-out, left out"})
	b.AddUnmodelledBlock(reach.UnmodelledBlock{Prefix: bp(block), Owner: "vpc-out", What: "IPv6 block of VPC vpc-out, left out"})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestUnmodelledBlockHoldsStandIn: Build accepts an
// unmodelled block that holds the internet's IPv6 stand-in
// 2001:db8:ffff::1 (docProbes, sources.go): it is global unicast and not
// private. The stand-in never falls in a block (internetIn): Sources
// answers, as it does for any other block (it used to refuse its own
// question, the stand-in being no query's source).
func TestUnmodelledBlockHoldsStandIn(t *testing.T) {
	m := blockLeftOutDesign(t, "2001:db8:ffff::/48")
	s, err := m.Sources(reach.SourcesQuery{To: "eni-a", Protocol: flow.TCP, Port: 22, IPv6: true})
	require.NoError(t, err)
	assert.NotEmpty(t, s.Internet)
}

// TestUnmodelledBlockNoInternetSource: a packet the internet
// carries to the block is undecided (UNMODELLED_DESTINATION: the left-out
// VPC's ACL and groups decide it), so the reply of a session a host of
// the block opens to eni-a is undecided too; an unmodelled public IPv4
// address of the same left-out VPC (54.1.2.3) is no internet source in
// Sources at all, and neither is the block (it used to be listed among
// the internet addresses whose session certainly gets through, which no
// single check backs: Check refuses a query from them).
func TestUnmodelledBlockNoInternetSource(t *testing.T) {
	m := blockLeftOutDesign(t, "2600:1f18:b::/56")
	in := func(ps []netip.Prefix, a string) bool {
		for _, p := range ps {
			if p.Contains(ba(a)) {
				return true
			}
		}
		return false
	}
	s4, err := m.Sources(reach.SourcesQuery{To: "eni-a", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.False(t, in(s4.Internet, "54.1.2.3"), "the unmodelled IPv4 address is no internet source")
	r, err := m.Check(reach.Query{From: "eni-a", To: "2600:1f18:b::1", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, r.Outcome, "a packet to the block is undecided")
	s6, err := m.Sources(reach.SourcesQuery{To: "eni-a", Protocol: flow.TCP, Port: 22, IPv6: true})
	require.NoError(t, err)
	assert.False(t, in(s6.Internet, "2600:1f18:b::1"), "an address of the unmodelled block listed as a certain internet source")
}

// Model.Owner names what holds an unmodelled block's address, as it does
// an unmodelled address's, so the brute-force oracle does not count the
// block as internet hosts (Sources leaves it out).
func TestUnmodelledBlockOwner(t *testing.T) {
	m := blockLeftOutDesign(t, "2600:1f18:b::/56")
	o, ok := m.Owner(ba("54.1.2.3"))
	require.True(t, ok)
	require.Equal(t, "eni-out", o)
	o, ok = m.Owner(ba("2600:1f18:b::1"))
	assert.True(t, ok, "an address of an unmodelled block is held by what the design does not model")
	assert.Equal(t, "vpc-out", o)
	assert.False(t, brute.InternetHost(m, ba("2600:1f18:b::1")))
	_, ok = m.Owner(ba("2600:1f18:c::1"))
	assert.False(t, ok, "beside the block: nobody")
	assert.True(t, brute.InternetHost(m, ba("2600:1f18:c::1")))
}
