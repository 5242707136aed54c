package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// search-transit-gateway-routes lists every route AWS propagated; a
// propagation whose route it does not list is one AWS did not add (the
// block of a VPC overlapping one attached before it: Amazon VPC Transit
// Gateways, "Amazon VPC attachments", Limits). The load takes the listing
// whole and adds no route for the propagations.
func TestLoadTransitGatewayRoutesListedWhole(t *testing.T) {
	tests := []struct {
		name    string
		drop    string // the listed route left out
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"the hub's propagated route listed: reachable", "", reach.Reachable, []reach.Code{}},
		{"the hub's propagated route not listed, though it propagates: no route", "10.50.0.0/16", reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
				var keep []any
				for _, r := range doc["Routes"].([]any) {
					if r.(map[string]any)["DestinationCidrBlock"] != tt.drop {
						keep = append(keep, r)
					}
				}
				doc["Routes"] = keep
			})
			m, _, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			r, err := m.Check(tgwQuery("hub-1"))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
		})
	}
}
