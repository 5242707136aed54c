package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// TestDiffUnmodelledBlock: declaring an unmodelled block
// (Builder.AddUnmodelledBlock) takes its addresses off the internet: a
// packet to them is undecided (UnmodelledDestination) where it was
// delivered to an internet host. Diff places the change on every pair
// (as its reference does), words the block's addresses as lost and
// indeterminate gained (not lost alone), names the block as the resource
// changed and as the cause; dropping the block is the other way round.
// Verdict before and after is the brute force.
func TestDiffUnmodelledBlock(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	block := reach.UnmodelledBlock{Prefix: bp("2600:1f18:9::/56"), Owner: "vpc-x", What: "a VPC the loader left out"}
	plain, held := dnEIGW(t), dnEIGW(t, block)
	require.Equal(t, reach.Reachable, dnVerdict(t, plain, "app", "2600:1f18:9::1"))
	require.Equal(t, reach.Indeterminate, dnVerdict(t, held, "app", "2600:1f18:9::1"))
	for _, tc := range []struct {
		name          string
		before, after *reach.Model
		declared      bool // the block is declared after
	}{
		{"declared", plain, held, true},
		{"dropped", held, plain, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := reach.DiffReference(tc.before, tc.after, reach.DiffOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			d, err := reach.Diff(tc.before, tc.after, reach.DiffOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			require.NotEmpty(t, ref.Changes)
			assert.Equal(t, ref.Text(), d.Text(), "Diff (scoped) disagrees with its reference")
			change := "removed"
			if tc.declared {
				change = "added"
			}
			assert.Contains(t, d.Resources, reach.ResourceChange{Kind: reach.ResourceUnmodelledBlock, ID: "2600:1f18:9::/56", Change: change})
			for _, r := range []*reach.DiffResult{d, ref} {
				c, ac, ok := dnPairAt(r, "eni-app", ba("2600:1f18:9::1"))
				require.True(t, ok, r.Text())
				require.NotNil(t, ac, r.Text())
				certain, undecided := ac.Lost, ac.IndeterminateGained
				if !tc.declared {
					certain, undecided = ac.Gained, ac.IndeterminateLost
				}
				assert.True(t, certain.TCP.Contains(443), "%+v", ac)
				assert.True(t, undecided.TCP.Contains(443), "app -> 2600:1f18:9::1 tcp/443 is indeterminate with the block: %+v", ac)
				assert.True(t, slices.ContainsFunc(c.Causes, func(k reach.Cause) bool { return k.ID == "2600:1f18:9::/56" }), "%+v", c.Causes)
			}
		})
	}
}

// TestApplyKeepsUnmodelledBlocks: a model built by Apply (and so by Fix)
// from one with unmodelled blocks keeps them.
func TestApplyKeepsUnmodelledBlocks(t *testing.T) {
	block := reach.UnmodelledBlock{Prefix: bp("2600:1f18:9::/56"), Owner: "vpc-x", What: "a VPC the loader left out"}
	m := dnEIGW(t, block)
	next, err := m.Apply(nil)
	require.NoError(t, err)
	assert.Equal(t, []reach.UnmodelledBlock{block}, next.UnmodelledBlocks())
	assert.Equal(t, reach.Indeterminate, dnVerdict(t, next, "app", "2600:1f18:9::1"))
}
