package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestTwoEndpointsOneService: two gateway endpoints of one service (a
// VPC may have several, each in other route tables) share its prefix
// list: the plan loads with one list, of the entries the first shows or,
// where neither shows them, one list whose entries are unknown.
func TestTwoEndpointsOneService(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cidrs []any
		want  reach.Outcome
	}{
		{"the list's entries shown", []any{"52.218.0.0/17"}, reach.Reachable},
		{"the list's entries not shown", nil, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			second := s3Endpoint([]any{}, tc.cidrs)
			second.name, second.values["id"] = "s3b", "vpce-2"
			rs := append(append([]planRes{openDefaultACL()}, appInstance()...), s3Endpoint([]any{"rtb-2"}, tc.cidrs), second)
			created := map[string][]string{"aws_instance.app": {"create"}, "aws_security_group.app": {"create"}}
			m, err := terraform.Parse("plan.json", withData(t, changePlan(t, nil, created, nil, rs...), privateNet()...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "52.218.1.10", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestEndpointAssociationRefusals: an
// aws_vpc_endpoint_route_table_association of an interface endpoint of
// the plan is refused (only a gateway endpoint is associated with route
// tables); a deleted association of another table leaves the endpoint's
// route in rtb-2.
func TestEndpointAssociationRefusals(t *testing.T) {
	iface := s3Endpoint(nil, nil)
	iface.values["vpc_endpoint_type"] = "Interface"
	assoc := planRes{typ: "aws_vpc_endpoint_route_table_association", name: "private",
		values: map[string]any{"id": "a-vpce-1-rtb-2", "vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-2"},
		exprs:  map[string]any{"vpc_endpoint_id": []string{"aws_vpc_endpoint.s3.id", "aws_vpc_endpoint.s3"}}}
	rs := append(append([]planRes{openDefaultACL()}, appInstance()...), iface, assoc)
	_, err := terraform.Parse("plan.json", withData(t, planOf(t, rs...), privateNet()...), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, "aws_vpc_endpoint_route_table_association.private: vpc_endpoint_id")
	assert.ErrorContains(t, err, "not a gateway endpoint")

	other := planRes{typ: "aws_route_table", name: "other", values: map[string]any{"id": "rtb-3", "vpc_id": "vpc-1", "route": []any{}},
		exprs: map[string]any{"vpc_id": "vpc-1", "route": []string{}}}
	gone := planRes{typ: "aws_vpc_endpoint_route_table_association", name: "other",
		values: map[string]any{"id": "a-vpce-1-rtb-3", "vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-3"}}
	rs = append(append([]planRes{openDefaultACL(), other}, appInstance()...), s3Endpoint([]any{"rtb-2"}, []any{"52.218.0.0/17"}))
	created := map[string][]string{"aws_instance.app": {"create"}, "aws_security_group.app": {"create"}}
	m, err := terraform.Parse("plan.json", withData(t, changePlan(t, nil, created, []planRes{gone}, rs...), privateNet()...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.app", "52.218.1.10", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}
