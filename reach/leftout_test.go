package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// A private block something the design does not model holds (the IPv4
// block of a VPC a loader leaves out): its addresses are no internet
// hosts, so a query cannot start there (its packet would otherwise be
// walked in from the internet and dropped for certain,
// PRIVATE_ADDRESS_ON_INTERNET, though a peering may carry it); a packet
// for it goes where the routes send it (here the internet gateway, which
// drops it for certain); Owner names it.
func TestUnmodelledPrivateBlock(t *testing.T) {
	left := reach.UnmodelledBlock{Prefix: bp("10.9.0.0/16"), Owner: "vpc-d", What: "IPv4 block of VPC vpc-d, left out"}
	m, err := blockDesign(left)
	require.NoError(t, err)
	owner, ok := m.Owner(ba("10.9.1.10"))
	assert.True(t, ok)
	assert.Equal(t, "vpc-d", owner)

	tests := []struct {
		name     string
		q        reach.Query
		err      string
		want     reach.Outcome
		code     reach.Code
		endLabel string
	}{
		{name: "from it", q: reach.Query{From: "10.9.1.10", To: "eni-a", Protocol: flow.TCP, Port: 22},
			err: "10.9.1.10 is the address of vpc-d, which reachsim does not model (IPv4 block of VPC vpc-d, left out): what it sends, and by which way, is unknown, so it cannot be a query's source"},
		{name: "to it, routed to the internet gateway", q: reach.Query{From: "eni-a", To: "10.9.1.10", Protocol: flow.TCP, Port: 22},
			want: reach.Unreachable, code: reach.PrivateAddressOnInternet, endLabel: "10.9.1.10 of vpc-d, outside the design (not modelled)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Check(tt.q)
			if tt.err != "" {
				require.ErrorIs(t, err, reach.ErrQuery)
				assert.ErrorContains(t, err, tt.err)
				_, err = m.Ports(reach.PortsQuery{From: tt.q.From, To: tt.q.To, Protocol: tt.q.Protocol})
				assert.ErrorIs(t, err, reach.ErrQuery, "Ports agrees")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), tt.code)
			assert.Equal(t, tt.endLabel, r.To)
		})
	}
	s, err := m.Sources(reach.SourcesQuery{To: "eni-a", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	for _, p := range s.Internet {
		assert.False(t, p.Overlaps(left.Prefix), "%s: the block is no internet host", p)
	}
}

// A rule referencing a group a loader left out with its VPC
// (AddLeftOutGroup) is no REF_MISSING_GROUP: the group is in the input,
// so the reference is not stale; lint says so in Skipped. A group the
// input does not hold at all still is one.
func TestLintLeftOutGroup(t *testing.T) {
	build := func(left ...reach.LeftOutGroup) (*reach.Model, error) {
		b := reach.NewBuilder()
		g := openGroup("sg-b")
		g.Rules = append(g.Rules,
			sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-a")},
			sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](6379), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-x")})
		b.AddSecurityGroup(g)
		oneSubnetVPC(b, "b", []netip.Prefix{bp("10.2.0.0/16")}, []netip.Prefix{bp("10.2.1.0/24")})
		b.AddInterface(reach.Interface{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("10.2.1.10")}, Groups: []string{"sg-b"}})
		b.AddUnresolvedGroup("sg-x")
		b.AddLeftOutGroup(left...)
		return b.Build()
	}
	m, err := build(reach.LeftOutGroup{ID: "sg-a", VPC: "vpc-a"})
	require.NoError(t, err)
	assert.Equal(t, []reach.LeftOutGroup{{ID: "sg-a", VPC: "vpc-a"}}, m.LeftOutGroups())
	assert.Equal(t, []string{"sg-a", "sg-x"}, m.UnresolvedGroups())
	res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintRefMissingGroup}})
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, []string{"sg-x"}, res.Findings[0].Related)
	assert.Equal(t, []string{"REF_MISSING_GROUP: sg-b rule #4 (tcp/5432 from sg-a) references security group sg-a, which is left out with its VPC vpc-a (not among the VPCs chosen), not missing: not a finding; queries only it could allow are indeterminate"}, res.Skipped)

	for _, tt := range []struct {
		name string
		g    reach.LeftOutGroup
		err  string
	}{
		{"no VPC", reach.LeftOutGroup{ID: "sg-a"}, "a left-out group needs the ID of its VPC"},
		{"no ID", reach.LeftOutGroup{VPC: "vpc-a"}, "a left-out group needs its ID"},
		{"a group of the design", reach.LeftOutGroup{ID: "sg-b", VPC: "vpc-a"}, "declared unresolved, but the design holds the group"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(tt.g)
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.err)
		})
	}
}
