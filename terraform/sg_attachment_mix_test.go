package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestSGAttachmentVsConfiguredGroups: an aws_network_interface_sg_attachment
// of sg-1 (which allows everything in) on the primary interface of an
// instance whose configuration writes vpc_security_group_ids: the
// provider documents the mix as undefined (an update of the instance sets
// the interface's groups to exactly its list, dropping sg-1), so where the
// list lacks sg-1 whether the interface holds it is undecided, with a
// warning naming both resources; where the list holds it, or the
// configuration leaves the list to the provider, the attachment's group
// is the interface's. An aws_network_interface's security_groups likewise.
func TestSGAttachmentVsConfiguredGroups(t *testing.T) {
	cases := []struct {
		name       string
		configured []any // the instance's vpc_security_group_ids; nil: not configured
		update     bool  // the instance's update drops sg-1 (refresh saw it)
		eni        bool  // the interface is an aws_network_interface, eni-2, writing security_groups
		want       reach.Outcome
		warn       bool
	}{
		{"configured list lacks the attached group, instance updated", []any{"sg-2"}, true, false, reach.Indeterminate, true},
		{"configured list lacks the attached group, instance unchanged", []any{"sg-2"}, false, false, reach.Indeterminate, true},
		{"configured list holds the attached group", []any{"sg-2", "sg-1"}, false, false, reach.Reachable, false},
		{"list left to the provider", nil, false, false, reach.Reachable, false},
		{"interface's configured security_groups lack the attached group", []any{"sg-2"}, false, true, reach.Indeterminate, true},
		{"interface's security_groups left to the provider", nil, false, true, reach.Reachable, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			closed := planRes{typ: "aws_security_group", name: "closed", values: map[string]any{"id": "sg-2", "name": "closed", "vpc_id": "vpc-1",
				"ingress": []any{}, "egress": []any{}}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}}
			web := publicWeb()
			web.values["primary_network_interface_id"] = "eni-1"
			web.values["vpc_security_group_ids"] = []any{"sg-2", "sg-1"}
			if c.configured != nil {
				web.values["vpc_security_group_ids"] = c.configured
				web.exprs = map[string]any{"vpc_security_group_ids": []string{}}
			}
			var before map[string]map[string]any
			if c.update {
				b := map[string]any{}
				for k, v := range web.values {
					b[k] = v
				}
				b["vpc_security_group_ids"] = []any{"sg-2", "sg-1"}
				before = map[string]map[string]any{"aws_instance.web": b}
			}
			att := planRes{typ: "aws_network_interface_sg_attachment", name: "a", values: map[string]any{"id": "sg-1_eni-1", "security_group_id": "sg-1", "network_interface_id": "eni-1"},
				exprs: map[string]any{"security_group_id": []string{"aws_security_group.web.id", "aws_security_group.web"},
					"network_interface_id": []string{"aws_instance.web.primary_network_interface_id", "aws_instance.web"}}}
			rs := append(existingPublicNet(false), closed, web, att)
			q, owner := tcp("198.51.100.7", "aws_instance.web", 22), "aws_instance.web"
			if c.eni {
				eni := planRes{typ: "aws_network_interface", name: "app", values: map[string]any{"id": "eni-2", "subnet_id": "subnet-1",
					"private_ip": "10.1.1.20", "private_ips": []any{"10.1.1.20"}, "security_groups": []any{"sg-2", "sg-1"}},
					exprs: map[string]any{"subnet_id": "subnet-1"}}
				if c.configured != nil {
					eni.values["security_groups"] = c.configured
					eni.exprs["security_groups"] = []string{}
				}
				att.values["network_interface_id"] = "eni-2"
				att.exprs["network_interface_id"] = []string{"aws_network_interface.app.id", "aws_network_interface.app"}
				rs = append(existingPublicNet(false), closed, publicWeb(), eni, att)
				q, owner = tcp("aws_instance.web", "aws_network_interface.app", 22), "aws_network_interface.app"
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, before, nil, nil, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Outcome, r.Text())
			warned := strings.Contains(strings.Join(rep.Warnings, "\n"), "aws_network_interface_sg_attachment.a: attaches aws_security_group.web to the interface of "+owner)
			assert.Equal(t, c.warn, warned, rep.Warnings)
		})
	}
}
