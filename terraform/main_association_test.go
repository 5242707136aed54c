package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// mainAssocNet is an existing VPC whose main route table is rtb-pub, an
// aws_route_table of the plan routing 0.0.0.0/0 to the internet gateway,
// by an aws_main_route_table_association (the VPC's original main table,
// rtb-orig, is not in the plan), with a subnet of no explicit association
// and no aws_default_route_table.
func mainAssocNet() []planRes {
	rs := existingPublicNet(false)
	rs[0].values["main_route_table_id"] = "rtb-pub"
	rs[0].values["default_route_table_id"] = "rtb-pub"
	rs = append(rs[:2], rs[3:]...) // no aws_default_route_table
	pub := planRes{typ: "aws_route_table", name: "pub", values: map[string]any{"id": "rtb-pub", "vpc_id": "vpc-1", "route": []any{igwRoute()}},
		exprs: map[string]any{"vpc_id": "vpc-1", "route": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}}
	return append(rs, pub, publicWeb())
}

// mainAssoc makes rtb-pub (or table) the main route table of vpc-1.
func mainAssoc(table string) planRes {
	return planRes{typ: "aws_main_route_table_association", name: "main", values: map[string]any{"id": "rtbassoc-m", "vpc_id": "vpc-1",
		"route_table_id": table, "original_route_table_id": "rtb-orig"}, exprs: map[string]any{"vpc_id": "vpc-1", "route_table_id": table}}
}

// TestMainAssociationExistingVPC: an aws_main_route_table_association in
// a VPC that exists makes the plan's aws_route_table the main table, and
// a subnet without an explicit association uses it; a main table the plan
// does not hold (the association deleted, or naming a table outside the
// plan) is still refused, its routes not being in the plan.
func TestMainAssociationExistingVPC(t *testing.T) {
	cases := []struct {
		name    string
		plan    func(t *testing.T) []byte
		want    reach.Outcome
		refused string
	}{
		{"kept association", func(t *testing.T) []byte {
			return changePlan(t, nil, nil, nil, append(mainAssocNet(), mainAssoc("rtb-pub"))...)
		}, reach.Reachable, ""},
		{"created association", func(t *testing.T) []byte {
			return changePlan(t, nil, map[string][]string{"aws_main_route_table_association.main": {"create"}}, nil, append(mainAssocNet(), mainAssoc("rtb-pub"))...)
		}, reach.Reachable, ""},
		{"deleted association: the main table goes back to one outside the plan", func(t *testing.T) []byte {
			return changePlan(t, nil, nil, []planRes{mainAssoc("rtb-pub")}, mainAssocNet()...)
		}, 0, "main route table"},
		{"association to a table outside the plan", func(t *testing.T) []byte {
			return changePlan(t, nil, nil, nil, append(mainAssocNet(), mainAssoc("rtb-other"))...)
		}, 0, "main route table"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", c.plan(t), nil)
			if c.refused != "" {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.Contains(t, err.Error(), c.refused)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Outcome, r.Text())
		})
	}
}
