package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// search-transit-gateway-routes lists every route AWS propagated, when
// its --filters (required) leave none out: a propagation whose route it
// does not list is then one AWS did not add (the block of a VPC
// overlapping one propagated before it: Amazon VPC Transit Gateways,
// "Amazon VPC attachments", Limits). The load takes a listing whole only
// where the input shows it is: a listing that lacks an enabled VPC
// propagation's block, with no listed VPC-propagated route overlapping
// it, is partial (filtered by type=static, say); its propagations are
// then added as AWS makes them, with a warning.
func TestLoadTransitGatewayRoutesListedWhole(t *testing.T) {
	tests := []struct {
		name    string
		keep    func(r map[string]any) bool // the listed routes kept
		add     []any                       // routes added to the listing
		outcome reach.Outcome
		codes   []reach.Code
		warn    string // a warning that contains this, "" for none about the listing
		edit    func(t *testing.T, fsys fstest.MapFS)
	}{
		{"the hub's propagated route listed: reachable", func(map[string]any) bool { return true }, nil,
			reach.Reachable, []reach.Code{}, "", nil},
		{"a VPC's listed route overlaps the hub's block: withheld, no route", func(r map[string]any) bool { return r["DestinationCidrBlock"] != "10.50.0.0/16" },
			[]any{map[string]any{"DestinationCidrBlock": "10.50.64.0/18", "Type": "propagated", "State": "active",
				"TransitGatewayAttachments": []any{map[string]any{"TransitGatewayAttachmentId": "tgw-attach-demo", "ResourceType": "vpc", "ResourceId": "vpc-demo"}}}},
			reach.Unreachable, []reach.Code{reach.TGWNoRoute}, "", nil},
		{"the hub's propagated route not listed, no VPC overlapping: partial, propagated", noHubRoute, nil,
			reach.Reachable, []reach.Code{}, "lack the propagated block 10.50.0.0/16 of tgw-attach-hub", nil},
		{"a listing filtered by type=static: partial, propagated", func(r map[string]any) bool { return r["Type"] == "static" }, nil,
			reach.Reachable, []reach.Code{}, "the listing is partial", nil},
		// Only a VPC's propagated route withholds a VPC's block: a VPN's
		// that covers it does not, so the listing is partial.
		{"the hub's route not listed, a VPN's 10.0.0.0/8 listed: partial, propagated", noHubRoute,
			[]any{map[string]any{"DestinationCidrBlock": "10.0.0.0/8", "Type": "propagated", "State": "active",
				"TransitGatewayAttachments": []any{map[string]any{"TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceType": "vpn", "ResourceId": "vpn-0office"}}}},
			reach.Reachable, []reach.Code{}, "lack the propagated block 10.50.0.0/16 of tgw-attach-hub", nil},
		// A VPC the input lacks propagates too: its block, unknown, may
		// have withheld the hub's, so the listing may be whole or not.
		{"the hub's route not listed, another account's VPC propagating: indeterminate", noHubRoute, nil,
			reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown},
			"lack the propagated block 10.50.0.0/16 of tgw-attach-hub, and tgw-attach-other propagate to it with a VPC the input does not hold", propagateOther},
		// A listing AWS cut short is no listing to check: one warning,
		// about what is missing.
		{"the hub's route not listed, AdditionalRoutesAvailable: indeterminate, no partial listing", noHubRoute, nil,
			reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}, "", func(t *testing.T, fsys fstest.MapFS) {
				loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) { doc["AdditionalRoutesAvailable"] = true })
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
				var keep []any
				for _, r := range doc["Routes"].([]any) {
					if tt.keep(r.(map[string]any)) {
						keep = append(keep, r)
					}
				}
				doc["Routes"] = append(keep, tt.add...)
			})
			if tt.edit != nil {
				tt.edit(t, fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			r, err := m.Check(tgwQuery("hub-1"))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			var about []string
			for _, w := range rep.Warnings {
				if strings.Contains(w, "lack the propagated block") {
					about = append(about, w)
				}
			}
			if tt.warn == "" {
				assert.Empty(t, about)
			} else {
				require.Len(t, about, 1, "%q", rep.Warnings)
				assert.Contains(t, about[0], tt.warn)
			}
		})
	}
}

// noHubRoute keeps every listed route but the hub VPC's propagated one.
func noHubRoute(r map[string]any) bool { return r["DestinationCidrBlock"] != "10.50.0.0/16" }

// propagateOther adds tgw-attach-other, a VPC attachment of another
// account's VPC (not in the input), propagating to tgw-rtb-main.
func propagateOther(t *testing.T, fsys fstest.MapFS) {
	loadEdit(t, fsys, "aws/transit-gateways.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"TransitGatewayAttachmentId": "tgw-attach-other", "TransitGatewayId": "tgw-0hub", "ResourceType": "vpc", "ResourceId": "vpc-other", "State": "available",
			"Association": {"TransitGatewayRouteTableId": "tgw-rtb-main", "State": "associated"}}`), "TransitGatewayAttachments")
		loadAppend(doc, loadJSON(`{"TransitGatewayAttachmentId": "tgw-attach-other", "TransitGatewayId": "tgw-0hub", "VpcId": "vpc-other", "State": "available", "SubnetIds": ["subnet-other"]}`),
			"TransitGatewayVpcAttachments")
	})
	loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"TransitGatewayAttachmentId": "tgw-attach-other", "ResourceId": "vpc-other", "ResourceType": "vpc", "State": "enabled"}`),
			"TransitGatewayRouteTablePropagations")
	})
}

// A VPN attachment's propagation to a table adds what its peer
// advertises by BGP. A whole listing shows those routes; a partial one
// (type=static) leaves them out, and nothing in the input says which
// they are: what they may route is indeterminate, never a certain
// TGW_NO_ROUTE ("How transit gateways work", Route evaluation order).
func TestLoadTransitGatewayVPNPropagation(t *testing.T) {
	vpnRoute := map[string]any{"DestinationCidrBlock": "192.168.0.0/16", "Type": "propagated", "State": "active",
		"TransitGatewayAttachments": []any{map[string]any{"TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceType": "vpn", "ResourceId": "vpn-0office"}}}
	tests := []struct {
		name    string
		keep    func(r map[string]any) bool // the listed routes kept, besides the static 192.168.0.0/16, dropped
		add     []any
		to      string
		outcome reach.Outcome
		codes   []reach.Code
		warn    string
	}{
		{"a type=static listing: the VPN's routes left out", func(r map[string]any) bool { return r["Type"] == "static" }, nil,
			"192.168.1.1", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}, "the routes tgw-attach-vpn propagates to it"},
		{"a type=static listing: a longer VPN prefix may beat a VPC's block", func(r map[string]any) bool { return r["Type"] == "static" }, nil,
			"hub-1", reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}, "the routes tgw-attach-vpn propagates to it"},
		{"a whole listing with the VPN's route", func(map[string]any) bool { return true }, []any{vpnRoute},
			"192.168.1.1", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, ""},
		{"a whole listing without a VPN route for it", func(map[string]any) bool { return true }, nil,
			"192.168.1.1", reach.Unreachable, []reach.Code{reach.TGWNoRoute}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
				var keep []any
				for _, r := range doc["Routes"].([]any) {
					if r.(map[string]any)["DestinationCidrBlock"] != "192.168.0.0/16" && tt.keep(r.(map[string]any)) {
						keep = append(keep, r)
					}
				}
				doc["Routes"] = append(keep, tt.add...)
				doc["TransitGatewayRouteTablePropagations"] = append(doc["TransitGatewayRouteTablePropagations"].([]any),
					map[string]any{"TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceId": "vpn-0office", "ResourceType": "vpn", "State": "enabled"})
			})
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			r, err := m.Check(tgwQuery(tt.to))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			var about []string
			for _, w := range rep.Warnings {
				if strings.Contains(w, "lack the propagated block") {
					about = append(about, w)
				}
			}
			if tt.warn == "" {
				assert.Empty(t, about)
			} else {
				require.Len(t, about, 1, "%q", rep.Warnings)
				assert.Contains(t, about[0], tt.warn)
			}
		})
	}
}
