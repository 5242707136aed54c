package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestKeptRouteResourceDuplicates: an aws_route the plan keeps (imported
// for the route, say) on a main table whose configuration writes no
// route blocks, and another aws_route, deleted or replaced, of the same
// table and destination: AWS holds one route. The delete removes it and
// the kept resource does not add it back until the next apply; updated
// in place, in no set order with the delete, it is undecided; where the
// other is replaced with create_before_destroy by one whose destination
// is known only after apply, AWS refuses the new one where it is the
// old one's, so whether the route stays is undecided.
func TestKeptRouteResourceDuplicates(t *testing.T) {
	route := func(name, id string) planRes {
		return planRes{typ: "aws_route", name: name, values: map[string]any{"id": id, "route_table_id": "rtb-main",
			"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	}
	unknownDest := route("old", "r-2")
	delete(unknownDest.values, "destination_cidr_block")
	unknownDest.unknown = map[string]any{"destination_cidr_block": true}
	for _, tc := range []struct {
		name    string
		updated bool           // the kept aws_route is updated in place
		deleted bool           // the other is deleted, else replaced (create_before_destroy) by unknownDest
		old     map[string]any // the other's values before, when not the kept one's route
		want    reach.Outcome
		says    string // in the answer or the warnings
		notSaid string
	}{
		{name: "the other deleted: the route is gone", deleted: true, want: reach.Unreachable, says: "which nothing adds back until the next apply"},
		{name: "the other deleted, the kept one updated: in no set order", deleted: true, updated: true, want: reach.Indeterminate,
			says: "aws_route.keep (whether AWS holds its route after apply", notSaid: "which nothing adds back"},
		{name: "the other replaced, create_before_destroy, by one of a destination known later: the route may stay", want: reach.Indeterminate,
			says: "aws_route.keep (whether it stays: aws_route.old is replaced with create_before_destroy"},
		// the kept route is not in question (the new one, wherever it
		// goes, goes to the same gateway)
		{name: "the other's old route of another destination", old: map[string]any{"id": "r-2", "route_table_id": "rtb-main", "destination_cidr_block": "10.9.0.0/16", "gateway_id": "igw-1"},
			want: reach.Reachable, notSaid: "aws_route.keep (whether it stays"},
		{name: "the other's old route in another table", old: map[string]any{"id": "r-2", "route_table_id": "rtb-other", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
			want: reach.Reachable, notSaid: "aws_route.keep (whether it stays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[2].values["route"] = []any{} // the main table writes no route blocks
			rs = append(rs, publicWeb(), route("keep", "r-1"))
			var before map[string]map[string]any
			if tc.updated {
				before = map[string]map[string]any{"aws_route.keep": route("keep", "r-0").values}
			}
			var plan []byte
			if tc.deleted {
				plan = changePlan(t, before, nil, []planRes{route("old", "r-2")}, rs...)
			} else {
				rs = append(rs, unknownDest)
				old := tc.old
				if old == nil {
					old = route("old", "r-2").values
				}
				plan = setBefore(t, changePlan(t, before, map[string][]string{"aws_route.old": {"create", "delete"}}, nil, rs...), "aws_route.old", old)
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			said := r.Text() + "\n" + strings.Join(rep.Warnings, "\n")
			if tc.says != "" {
				assert.Contains(t, said, tc.says)
			}
			if tc.notSaid != "" {
				assert.NotContains(t, said, tc.notSaid)
			}
		})
	}
}

// TestRouteResourceOnComputedRoutes: an aws_route on a table that exists
// and whose configuration leaves its route blocks out (Optional and
// Computed: the routes AWS holds, the aws_route's among them) is no mix
// of the two forms: the table's update deletes nothing, the route stays,
// and no conflict is warned of.
func TestRouteResourceOnComputedRoutes(t *testing.T) {
	rs := existingPublicNet(false)
	rs[2].exprs = map[string]any{} // route left out
	rs = append(rs, publicWeb(), planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-1", "route_table_id": "rtb-main",
		"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}})
	before := map[string]map[string]any{"aws_default_route_table.main": updatedBefore(rs, "aws_default_route_table.main")}
	var rep terraform.Report
	m, err := terraform.Parse("plan.json", changePlan(t, before, nil, nil, rs...), &rep)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	warnings := strings.Join(rep.Warnings, "\n")
	assert.NotContains(t, warnings, "writes route blocks too")
	assert.NotContains(t, warnings, "deletes its route")
}

// TestReplacedRouteMovesTable: an aws_route the plan replaces by one of
// the same destination in another table (rtb-other), while the main
// table's blocks also write its old route: the delete removes the old
// route from the main table, and the create puts the new one in the
// other table, not back; the subnet, on the main table, loses its way
// out. With create_before_destroy the new route is in another table, so
// AWS does not refuse it (RouteAlreadyExists is of one table).
func TestReplacedRouteMovesTable(t *testing.T) {
	route := func(table string) planRes {
		return planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-" + table, "route_table_id": table,
			"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	}
	other := planRes{typ: "aws_route_table", name: "other", values: map[string]any{"id": "rtb-other", "vpc_id": "vpc-1", "route": []any{}},
		exprs: map[string]any{"vpc_id": "vpc-1", "route": []string{}}}
	for _, actions := range [][]string{{"delete", "create"}, {"create", "delete"}} {
		t.Run(actions[0]+" first", func(t *testing.T) {
			rs := append(existingPublicNet(false), other, publicWeb(), route("rtb-other")) // the main table's blocks: 0.0.0.0/0 -> igw-1
			plan := setBefore(t, changePlan(t, nil, map[string][]string{"aws_route.inet": actions}, nil, rs...), "aws_route.inet", route("rtb-main").values)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		})
	}
}
