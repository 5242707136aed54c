package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Blocks that several owners hold (two VPCs a loader leaves out that share
// a CIDR block): an address of them is named by every owner holding it,
// sorted ("vpc-d or vpc-e"), whatever the order the blocks were declared
// in. Only the first declared was named: the answer said the address was
// vpc-d's where vpc-e may hold it.
func TestUnmodelledBlockShared(t *testing.T) {
	blocks := []reach.UnmodelledBlock{
		{Prefix: bp("10.9.0.0/16"), Owner: "vpc-e", What: "IPv4 block of VPC vpc-e, left out"},
		{Prefix: bp("10.9.0.0/16"), Owner: "vpc-d", What: "IPv4 block of VPC vpc-d, left out"},
		{Prefix: bp("10.9.1.0/24"), Owner: "vpc-f", What: "IPv4 block of VPC vpc-f, left out"},
		{Prefix: bp("2600:1f18:d::/56"), Owner: "vpc-e", What: "IPv6 block of VPCs vpc-d and vpc-e, left out"},
		{Prefix: bp("2600:1f18:d::/56"), Owner: "vpc-d", What: "IPv6 block of VPCs vpc-d and vpc-e, left out"},
		{Prefix: bp("10.8.0.0/16"), Owner: "vpc-g", What: "IPv4 block of VPC vpc-g, left out"},
	}
	reversed := slices.Clone(blocks)
	slices.Reverse(reversed)
	for name, declared := range map[string][]reach.UnmodelledBlock{"as given": blocks, "reversed": reversed} {
		t.Run(name, func(t *testing.T) {
			m, err := blockDesign(declared...)
			require.NoError(t, err)
			for _, tc := range []struct{ addr, owner string }{
				{"10.9.2.10", "vpc-d or vpc-e"},
				{"10.9.1.10", "vpc-d or vpc-e or vpc-f"},
				{"10.8.1.10", "vpc-g"},
				{"2600:1f18:d:1::10", "vpc-d or vpc-e"},
			} {
				owner, ok := m.Owner(ba(tc.addr))
				assert.True(t, ok, tc.addr)
				assert.Equal(t, tc.owner, owner, tc.addr)
			}

			_, err = m.Check(reach.Query{From: "10.9.2.10", To: "eni-a", Protocol: flow.TCP, Port: 22})
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, "10.9.2.10 is the address of vpc-d or vpc-e, which reachsim does not model "+
				"(IPv4 block of VPC vpc-d, left out or IPv4 block of VPC vpc-e, left out)")

			r, err := m.Check(reach.Query{From: "eni-a", To: "10.9.1.10", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, "10.9.1.10 of vpc-d or vpc-e or vpc-f, outside the design (not modelled)", r.To)

			r, err = m.Check(reach.Query{From: "eni-a", To: "2600:1f18:d:1::10", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			hop := r.Forward[len(r.Forward)-1]
			assert.Equal(t, reach.UnmodelledDestination, hop.Code, r.Text())
			assert.Equal(t, "vpc-d or vpc-e", hop.ID)
			assert.Equal(t, "IPv6 block of VPCs vpc-d and vpc-e, left out", hop.Name, "one description where the owners give the same")
			assert.Contains(t, hop.Missing, "what vpc-d or vpc-e (IPv6 block of VPCs vpc-d and vpc-e, left out) does with a packet")
		})
	}
}

// Diff lists a block by its prefix: the owners of one prefix are one
// resource, all named, so a model where one of them stops holding it
// differs in the owners (only the last declared was compared).
func TestDiffUnmodelledBlockShared(t *testing.T) {
	d := reach.UnmodelledBlock{Prefix: bp("10.9.0.0/16"), Owner: "vpc-d", What: "IPv4 block of VPC vpc-d, left out"}
	e := reach.UnmodelledBlock{Prefix: bp("10.9.0.0/16"), Owner: "vpc-e", What: "IPv4 block of VPC vpc-e, left out"}
	both, err := blockDesign(e, d)
	require.NoError(t, err)
	bothAgain, err := blockDesign(d, e)
	require.NoError(t, err)
	onlyE, err := blockDesign(e)
	require.NoError(t, err)

	res, err := reach.Diff(both, bothAgain, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Empty(t, res.Resources, "the order of declaration is no change")

	res, err = reach.Diff(both, onlyE, reach.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, res.Resources, 1)
	got := res.Resources[0]
	assert.Equal(t, reach.ResourceChange{Kind: reach.ResourceUnmodelledBlock, ID: "10.9.0.0/16", Change: "changed", Details: []string{
		"Owner: vpc-d or vpc-e -> vpc-e",
		"What: IPv4 block of VPC vpc-d, left out or IPv4 block of VPC vpc-e, left out -> IPv4 block of VPC vpc-e, left out"}}, got)
}
