package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// TestLoadTransitGatewayStates: the states describe-transit-gateway*
// prints. A transit gateway, attachment or VPC attachment carries
// traffic when available or modifying (or when the dump leaves State
// out); in another state (pending, deleting, deleted, failed...) it is
// left out with a warning, and what goes to it is indeterminate, never
// delivered. An association that is not "associated" is none: the hub's
// replies, with no route table to look up, are dropped. A VPC
// attachment in a subnet the input does not hold is indeterminate too.
// What the warnings and the answer say of what was left out for its state
// (or with its gateway) is that, never that the input lacks it: adding
// the output of a describe call would not help.
func TestLoadTransitGatewayStates(t *testing.T) {
	type edit struct {
		file  string
		keys  []any // where State is, under file's document
		to    any   // nil: State removed
		field string
	}
	gw := []any{"TransitGateways", 0}
	hubAtt := []any{"TransitGatewayAttachments", 1}
	hubVPCAtt := []any{"TransitGatewayVpcAttachments", 1}
	hubAssoc := []any{"TransitGatewayAttachments", 1, "Association"}
	rtbAssoc := []any{"Associations", 1}
	rtb := []any{"TransitGatewayRouteTables", 0}
	const tgws, rtbFile = "aws/transit-gateways.json", "aws/tgw-rtb-main.json"
	for _, tc := range []struct {
		name  string
		edits []edit
		want  reach.Outcome
		warn  string // a warning's beginning
		also  []string
		lacks bool // the input lacks something: its warning says so
	}{
		{name: "the gateway modifying", edits: []edit{{tgws, gw, "modifying", ""}}, want: reach.Reachable},
		{name: "the gateway's state left out", edits: []edit{{tgws, gw, nil, ""}}, want: reach.Reachable},
		{name: "the gateway deleting", edits: []edit{{tgws, gw, "deleting", ""}}, want: reach.Indeterminate,
			warn: "aws/transit-gateways.json: TransitGateways[0]: transit gateway tgw-0hub is deleting: left out",
			also: []string{
				"aws/transit-gateways.json: TransitGatewayAttachments[1]: transit gateway attachment tgw-attach-hub left out: its transit gateway tgw-0hub is deleting (left out for its state)",
				"aws/tgw-rtb-main.json: Associations[1]: entry left out: attachment tgw-attach-hub is left out with its transit gateway tgw-0hub, which is deleting (left out for its state)",
				"aws/tgw-rtb-main.json: Routes: routes of transit gateway route table tgw-rtb-main left out: the table is left out with its transit gateway tgw-0hub, which is deleting",
				"aws/route-tables.json: RouteTables[1].Routes[3]: route 10.50.0.0/16 -> tgw-0hub (transit gateway) of rtb-private: transit gateway tgw-0hub is deleting (left out for its state)",
			}},
		{name: "the hub attachment modifying", edits: []edit{{tgws, hubAtt, "modifying", ""}, {tgws, hubVPCAtt, "modifying", ""}}, want: reach.Reachable},
		{name: "the hub attachment deleting", edits: []edit{{tgws, hubAtt, "deleting", ""}}, want: reach.Indeterminate,
			warn: "aws/transit-gateways.json: TransitGatewayAttachments[1]: transit gateway attachment tgw-attach-hub is deleting: left out",
			also: []string{
				"aws/tgw-rtb-main.json: Associations[1]: entry left out: attachment tgw-attach-hub is deleting (left out for its state)",
				"aws/tgw-rtb-main.json: Routes[1].TransitGatewayAttachments[0].TransitGatewayAttachmentId: attachment tgw-attach-hub is deleting (left out for its state): traffic to it is indeterminate",
				"aws/hub-vpc.json: RouteTables[0].Routes[1]: route 10.0.0.0/16 -> tgw-0hub (transit gateway) of rtb-hub: VPC attachment tgw-attach-hub of tgw-0hub to vpc-hub is deleting (left out for its state)",
			}},
		{name: "the hub VPC attachment deleting", edits: []edit{{tgws, hubVPCAtt, "deleting", ""}}, want: reach.Indeterminate,
			warn: "aws/transit-gateways.json: TransitGatewayVpcAttachments[1]: transit gateway VPC attachment tgw-attach-hub is deleting: left out"},
		{name: "the hub's association disassociating, in both files", edits: []edit{{tgws, hubAssoc, "disassociating", ""}, {rtbFile, rtbAssoc, "disassociating", ""}},
			want: reach.Unreachable, warn: "aws/transit-gateways.json: TransitGatewayAttachments[1].Association: association of tgw-attach-hub with tgw-rtb-main is disassociating: taken as none"},
		{name: "the hub attachment's subnet not in the input", edits: []edit{{tgws, hubVPCAtt, []any{"subnet-gone"}, "SubnetIds"}}, want: reach.Indeterminate,
			warn: "aws/transit-gateways.json: TransitGatewayAttachments[1]: subnet subnet-gone of attachment tgw-attach-hub is not in the input", lacks: true},
		{name: "the route table deleting", edits: []edit{{tgws, rtb, "deleting", ""}}, want: reach.Indeterminate,
			warn: "aws/transit-gateways.json: TransitGatewayRouteTables[0]: transit gateway route table tgw-rtb-main is deleting",
			also: []string{
				"aws/tgw-rtb-main.json: TransitGatewayRouteTablePropagations[1].TransitGatewayAttachmentId: propagation of tgw-attach-hub to tgw-rtb-main left out: the route table is deleting (left out for its state)",
				"aws/route-tables.json: RouteTables[1].Routes[3]: route 10.50.0.0/16 -> tgw-0hub (transit gateway) of rtb-private: attachment tgw-attach-demo is associated with tgw-rtb-main, which is deleting (left out for its state)",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := tgwFS(t)
			for _, e := range tc.edits {
				loadEdit(t, fsys, e.file, func(doc map[string]any) {
					o, field := loadObj(doc, e.keys...), e.field
					if field == "" {
						field = "State"
					}
					if e.to == nil {
						delete(o, field)
					} else {
						o[field] = e.to
					}
				})
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			r, err := m.Check(tgwQuery("hub-1"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.warn != "" {
				for _, want := range append([]string{tc.warn}, tc.also...) {
					found := false
					for _, w := range rep.Warnings {
						found = found || strings.HasPrefix(w, want)
					}
					assert.True(t, found, "want a warning %s…\ngot %q", want, rep.Warnings)
				}
				if !tc.lacks {
					for _, w := range append(rep.Warnings, r.Text()) {
						assert.NotContains(t, w, "not in the input", "nothing the input lacks")
						assert.NotContains(t, w, "add the output of", "no listing to add")
					}
				}
			} else {
				assert.NotContains(t, strings.Join(rep.Warnings, "\n"), "tgw", "nothing of the gateway is left out")
			}
		})
	}
}
