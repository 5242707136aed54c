package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// withCarrierExit is withZoneGap("") (att-b: subnet-tb in az-1 and
// subnet-tb3 in az-3, one route table and one network ACL; app-a2 in
// az-2, where att-b has no subnet) with vpc-b's route table sending
// 198.51.100.0/24 to a carrier gateway and the transit gateway sending it
// to att-b, under Block Public Access block-bidirectional with
// exclusions xs.
func withCarrierExit(t *testing.T, xs ...reach.BlockExclusion) *reach.Model {
	t.Helper()
	return withCarrierExitMode(t, reach.BlockBidirectional, xs...)
}

// withCarrierExitMode is withCarrierExit under Block Public Access mode.
func withCarrierExitMode(t *testing.T, mode reach.BlockMode, xs ...reach.BlockExclusion) *reach.Model {
	t.Helper()
	d := withZoneGap("")
	d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetUnmodelled, TargetID: "cagw-1", TargetType: "carrier gateway"})
	d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.routes("tgw-rtb-1", tgwRoute("198.51.100.0/24", "att-b", false))
	m, err := d.builder().SetBlockPublicAccess(reach.BlockPublicAccess{Mode: mode, Exclusions: xs}).Build()
	require.NoError(t, err)
	return m
}

// Candidate exit subnets of a transit gateway attachment that differ only
// in their Block Public Access exclusion are alike for a packet whose
// route from them leads to no internet gateway, egress-only internet
// gateway or carrier gateway: BPA judges only traffic through those
// (Amazon VPC User Guide, "Block public access to VPCs and subnets"). Where
// the route does lead to one, the exclusion decides, and the hop's texts
// name it, not the route tables and network ACLs the subnets share.
func TestTGWExitAlikeButBPAExclusion(t *testing.T) {
	tb3 := reach.BlockExclusion{ID: "x-tb3", Subnet: "subnet-tb3", Mode: reach.AllowBidirectional}
	tb := reach.BlockExclusion{ID: "x-tb", Subnet: "subnet-tb", Mode: reach.AllowBidirectional}
	tests := []struct {
		name    string
		xs      []reach.BlockExclusion
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
		texts   []string // in the transit gateway hop's reason, missing and fix
	}{
		{"to a VPC: BPA has no say, the subnets are alike", []reach.BlockExclusion{tb3},
			tcp("app-a2", "app-b", 443), reach.Reachable, nil, nil},
		{"to a carrier gateway: the exclusion decides", []reach.BlockExclusion{tb3},
			tcp("app-a2", "198.51.100.7", 443), reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown, reach.UnmodelledTarget},
			[]string{"their exclusions differ (subnet-tb: none; subnet-tb3: x-tb3, allow-bidirectional)", "cagw-1",
				"give its subnets one Block Public Access exclusion (exclude all of subnet-tb, subnet-tb3, or none)"}},
		{"to a carrier gateway, both excluded alike: alike", []reach.BlockExclusion{tb3, tb},
			tcp("app-a2", "198.51.100.7", 443), reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := withCarrierExit(t, tt.xs...)
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
			if len(tt.texts) == 0 {
				return
			}
			var h *reach.Hop
			for i := range r.Forward {
				if r.Forward[i].Code == reach.TGWExitZoneUnknown {
					h = &r.Forward[i]
				}
			}
			require.NotNil(t, h, r.Text())
			all := h.Reason() + "\n" + h.Missing + "\n" + h.Fix
			for _, want := range tt.texts {
				assert.Contains(t, all, want)
			}
			assert.NotContains(t, h.Fix, "one route table and one network ACL", "they share both already")
		})
	}
}

// With Block Public Access off, exclusions (which AWS lets one create
// ahead of turning it on) decide nothing: candidate exit subnets that
// differ only in them are alike, even towards a carrier gateway.
func TestTGWExitExclusionsWithBPAOff(t *testing.T) {
	m := withCarrierExitMode(t, reach.BlockOff, reach.BlockExclusion{ID: "x-tb3", Subnet: "subnet-tb3", Mode: reach.AllowEgress})
	r := check(t, m, tcp("app-a2", "198.51.100.7", 443))
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes(), "the carrier gateway alone is undecided: %s", r.Text())
}
