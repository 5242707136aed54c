package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestRouteBlocksBesideAWSRoute: a route table's configured route blocks
// beside aws_route resources on it. DeleteRoute, the delete of an
// aws_route, removes the route of its destination even when the table's
// blocks (a no-op table) also write it; an update of the table deletes
// the route of an aws_route that exists that its new blocks lack (the
// conflict the provider documents), and keeps one they hold. The
// internet reaches the instance only through 0.0.0.0/0 -> igw-1.
func TestRouteBlocksBesideAWSRoute(t *testing.T) {
	onPub := func() planRes {
		return planRes{typ: "aws_route", name: "igw", values: map[string]any{"id": "r-rtb-pub1080289494", "route_table_id": "rtb-pub",
			"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
			exprs: map[string]any{"route_table_id": []string{"aws_route_table.pub.id", "aws_route_table.pub"}, "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	}
	onMain := planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main1080289494", "route_table_id": "rtb-main",
		"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	pubBefore := map[string]any{"id": "rtb-pub", "vpc_id": "vpc-1", "route": []any{igwRoute()}, "tags": map[string]any{"old": "x"}}
	for _, tc := range []struct {
		name    string
		rs      []planRes
		before  map[string]map[string]any
		created map[string][]string
		deleted []planRes
		want    reach.Outcome
	}{
		{name: "deleted aws_route of a destination a no-op table's blocks write: DeleteRoute removes it",
			rs: append(existingPublicNet(false), publicWeb()), deleted: []planRes{onMain}, want: reach.Unreachable},
		{name: "the same, the table updated: its update may write it again, in no set order",
			rs:      append(existingPublicNet(false), publicWeb()),
			before:  map[string]map[string]any{"aws_default_route_table.main": {"id": "rtb-main", "default_route_table_id": "rtb-main", "route": []any{}}},
			deleted: []planRes{onMain}, want: reach.Indeterminate},
		{name: "table updated to route = []: its update deletes the aws_route's route",
			rs: append(keptRouteNet(true, []any{}), onPub()), before: map[string]map[string]any{"aws_route_table.pub": pubBefore}, want: reach.Unreachable},
		{name: "table updated, its blocks hold the aws_route's route: it stays",
			rs: append(keptRouteNet(true, []any{igwRoute()}), onPub()), before: map[string]map[string]any{"aws_route_table.pub": pubBefore}, want: reach.Reachable},
		{name: "table updated, its blocks hold a value known only after apply: whether it keeps the aws_route's route is undecided",
			rs: func() []planRes {
				other := igwRoute() // 10.9.0.0/16 to a gateway known only after apply
				other["cidr_block"] = "10.9.0.0/16"
				delete(other, "gateway_id")
				rs := append(keptRouteNet(true, []any{other}), onPub())
				for i := range rs {
					if rs[i].typ == "aws_route_table" && rs[i].name == "pub" {
						rs[i].unknown = map[string]any{"route": []any{map[string]any{"gateway_id": true}}}
					}
				}
				return rs
			}(), before: map[string]map[string]any{"aws_route_table.pub": pubBefore}, want: reach.Indeterminate},
		{name: "aws_route created after the table's update: it stays",
			rs: append(keptRouteNet(true, []any{}), onPub()), before: map[string]map[string]any{"aws_route_table.pub": pubBefore},
			created: map[string][]string{"aws_route.igw": {"create"}}, want: reach.Reachable},
		{name: "no-op table with route = [] beside an aws_route: kept, warned of",
			rs: append(keptRouteNet(true, []any{}), onPub()), want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, tc.before, tc.created, tc.deleted, tc.rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want != reach.Reachable {
				assert.NotEmpty(t, rep.Warnings)
			}
		})
	}
}
