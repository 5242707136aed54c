package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestInterfaceInGroupOutsidePlan: an instance in a security group the
// plan does not hold (a literal sg-… ID, or a data.aws_security_group),
// whose rules are not in the input, beside group web (sg-1, 22 open):
// what web allows is decided, and what only the outside group could
// allow is indeterminate (once the whole plan was refused: unknown
// security group).
func TestInterfaceInGroupOutsidePlan(t *testing.T) {
	literal := func(t *testing.T) []byte {
		web := publicWeb()
		web.values["vpc_security_group_ids"] = []any{"sg-1", "sg-ext"}
		return planOf(t, append(existingPublicNet(false, sgBlock(22)), web)...)
	}
	data := func(t *testing.T) []byte {
		web := planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1", "sg-ext"},
			"associate_public_ip_address": true},
			unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true},
			exprs:   map[string]any{"vpc_security_group_ids": []string{"aws_security_group.web.id", "aws_security_group.web", "data.aws_security_group.ext.id", "data.aws_security_group.ext"}}}
		return withData(t, planOf(t, append(existingPublicNet(false, sgBlock(22)), web)...),
			map[string]any{"type": "aws_security_group", "name": "ext", "values": map[string]any{"id": "sg-ext", "vpc_id": "vpc-1", "name": "ext"}})
	}
	for name, plan := range map[string]func(*testing.T) []byte{"literal id": literal, "data source": data} {
		t.Run(name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan(t), &rep)
			require.NoError(t, err)
			for _, tc := range []struct {
				port uint16
				want reach.Outcome
			}{{22, reach.Reachable}, {80, reach.Indeterminate}} {
				r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", tc.port))
				require.NoError(t, err)
				assert.Equal(t, tc.want, r.Outcome, r.Text())
				if tc.want == reach.Indeterminate {
					assert.Contains(t, r.Text(), "vpc_security_group_ids (sg-ext")
					assert.Contains(t, r.Text(), "a security group the plan does not hold, whose rules are not in the input")
				}
			}
			assert.True(t, containsPrefix(rep.Warnings, "aws_instance.web: vpc_security_group_ids: sg-ext"), "%q", rep.Warnings)
		})
	}
}
