package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// lockedACL is an existing aws_network_acl denying everything whose
// configuration leaves subnet_ids out: its planned subnet_ids are those
// AWS had on it at refresh (subnets).
func lockedACL(name, id string, subnets ...any) planRes {
	return planRes{typ: "aws_network_acl", name: name, values: map[string]any{"id": id, "vpc_id": "vpc-1",
		"subnet_ids": subnets, "ingress": []any{}, "egress": []any{}},
		exprs: map[string]any{"vpc_id": "vpc-1", "ingress": []string{}, "egress": []string{}}}
}

// TestComputedACLSubnets: an ACL's subnet_ids that its configuration
// leaves out are where AWS had its subnets; an aws_network_acl_association
// the plan deletes puts its subnet back on the VPC's default ACL (allow
// all here), one it replaces moves it; two ACLs the configuration
// associates with one subnet are an error naming both.
func TestComputedACLSubnets(t *testing.T) {
	assoc := func(acl string) map[string]any {
		return map[string]any{"id": "aclassoc-1", "network_acl_id": acl, "subnet_id": "subnet-1"}
	}
	allow := []any{aclBlock(100, 0)}
	open := planRes{typ: "aws_network_acl", name: "open", values: map[string]any{"id": "acl-open", "vpc_id": "vpc-1",
		"subnet_ids": []any{}, "ingress": allow, "egress": allow},
		exprs: map[string]any{"vpc_id": "vpc-1", "ingress": []string{}, "egress": []string{}}}
	for _, tc := range []struct {
		name    string
		extra   []planRes
		created map[string][]string
		deleted []planRes
		want    reach.Outcome
		err     string
	}{
		{name: "the association stays: the subnet on the locked ACL", extra: []planRes{lockedACL("locked", "acl-locked", "subnet-1"),
			{typ: "aws_network_acl_association", name: "pub", values: assoc("acl-locked")}}, want: reach.Unreachable},
		{name: "the deleted association: back on the default ACL", extra: []planRes{lockedACL("locked", "acl-locked", "subnet-1")},
			deleted: []planRes{{typ: "aws_network_acl_association", name: "pub", values: assoc("acl-locked")}}, want: reach.Reachable},
		{name: "a deleted association of another ACL leaves it", extra: []planRes{lockedACL("locked", "acl-locked", "subnet-1")},
			deleted: []planRes{{typ: "aws_network_acl_association", name: "pub", values: assoc("acl-other")}}, want: reach.Unreachable},
		{name: "the replaced association moves it", extra: []planRes{open, lockedACL("z_locked", "acl-locked", "subnet-1"),
			{typ: "aws_network_acl_association", name: "pub", values: assoc("acl-open")}},
			created: map[string][]string{"aws_network_acl_association.pub": {"delete", "create"}}, want: reach.Reachable},
		{name: "a new association moves it from where AWS has it", extra: []planRes{lockedACL("a_locked", "acl-locked", "subnet-1"), open,
			{typ: "aws_network_acl_association", name: "pub", values: assoc("acl-open")}},
			created: map[string][]string{"aws_network_acl_association.pub": {"create"}}, want: reach.Reachable},
		{name: "two ACLs the configuration associates: an error", extra: []planRes{func() planRes {
			l := lockedACL("locked", "acl-locked", "subnet-1")
			l.exprs["subnet_ids"] = []any{"subnet-1"}
			return l
		}(), open, {typ: "aws_network_acl_association", name: "pub", values: assoc("acl-open")}},
			err: "subnet aws_subnet.pub is associated with two network ACLs, aws_network_acl.locked and aws_network_acl.open"},
		{name: "a deleted association whose values are lost: an error", extra: []planRes{lockedACL("locked", "acl-locked", "subnet-1")},
			deleted: []planRes{{typ: "aws_network_acl_association", name: "pub", values: map[string]any{"id": "aclassoc-1"}}},
			err:     "aws_network_acl_association.pub: subnet_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(append(existingPublicNet(false), publicWeb()), tc.extra...)
			m, err := terraform.Parse("plan.json", changePlan(t, nil, tc.created, tc.deleted, rs...), nil)
			if tc.err != "" {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestComputedInterfaceGroups: an existing instance's
// vpc_security_group_ids, or an interface's security_groups, that the
// configuration leaves out are the groups AWS had on the interface,
// those of aws_network_interface_sg_attachment resources too: one the plan
// deletes takes its group away, one it replaces gives it back; one that
// may be the instance's, whose interface the plan does not name, leaves
// its groups undecided.
func TestComputedInterfaceGroups(t *testing.T) {
	closed := planRes{typ: "aws_security_group", name: "closed", values: map[string]any{"id": "sg-2", "name": "closed", "vpc_id": "vpc-1",
		"ingress": []any{}, "egress": []any{}}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}}
	attachment := func(eni string) planRes {
		return planRes{typ: "aws_network_interface_sg_attachment", name: "a", values: map[string]any{"id": "sg-1_" + eni, "security_group_id": "sg-1", "network_interface_id": eni}}
	}
	appENI := planRes{typ: "aws_network_interface", name: "app", values: map[string]any{"id": "eni-2", "subnet_id": "subnet-1",
		"private_ip": "10.1.1.20", "private_ips": []any{"10.1.1.20"}, "security_groups": []any{"sg-2", "sg-1"}},
		exprs: map[string]any{"subnet_id": "subnet-1"}}
	api := planRes{typ: "aws_instance", name: "api", values: map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-2"},
		"private_ip": "10.1.1.30", "primary_network_interface_id": "eni-3"}}
	for _, tc := range []struct {
		name       string
		eni        bool   // the interface is an aws_network_interface, eni-2, rather than the instance
		instENI    string // the instance's primary_network_interface_id
		configured bool   // the configuration sets the group list
		kept       bool   // the plan replaces the attachment rather than delete it
		on         string // the attachment's interface
		others     []planRes
		want       reach.Outcome
	}{
		{name: "instance: the deleted attachment takes sg-1 away", instENI: "eni-1", on: "eni-1", want: reach.Unreachable},
		{name: "instance: the replaced attachment gives it back", instENI: "eni-1", on: "eni-1", kept: true, want: reach.Reachable},
		{name: "instance: another interface's attachment leaves it", instENI: "eni-1", on: "eni-9", want: reach.Reachable},
		{name: "instance: configured groups are the configuration's", instENI: "eni-1", on: "eni-1", configured: true, want: reach.Reachable},
		{name: "instance: its interface unknown, an attachment may be its", on: "eni-9", want: reach.Indeterminate},
		// an interface the plan holds is not the instance's
		{name: "instance: its interface unknown, an attachment on an interface of the plan", on: "eni-2", others: []planRes{appENI}, want: reach.Reachable},
		{name: "instance: its interface unknown, an attachment on another instance's primary interface", on: "eni-3", others: []planRes{api}, want: reach.Reachable},
		{name: "interface: the deleted attachment takes sg-1 away", eni: true, on: "eni-2", want: reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			web := publicWeb()
			web.values["vpc_security_group_ids"] = []any{"sg-2", "sg-1"}
			if tc.instENI != "" {
				web.values["primary_network_interface_id"] = tc.instENI
			}
			if tc.configured {
				web.exprs = map[string]any{"vpc_security_group_ids": []any{"sg-2", "sg-1"}}
			}
			rs := append(append(existingPublicNet(false), closed), tc.others...)
			q := tcp("198.51.100.7", "aws_instance.web", 22)
			if tc.eni {
				rs = append(rs, publicWeb(), appENI)
				q = tcp("aws_instance.web", "aws_network_interface.app", 22)
			} else {
				rs = append(rs, web)
			}
			var deleted []planRes
			var created map[string][]string
			if tc.kept {
				rs = append(rs, attachment(tc.on))
				created = map[string][]string{"aws_network_interface_sg_attachment.a": {"delete", "create"}}
			} else {
				deleted = []planRes{attachment(tc.on)}
			}
			m, err := terraform.Parse("plan.json", changePlan(t, nil, created, deleted, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), "aws_instance.web: vpc_security_group_ids (whether aws_network_interface_sg_attachment.a, which the plan deletes, detaches aws_security_group.web from it)")
			}
		})
	}
}

// TestReleasedElasticIP: an existing instance whose public_ip is the
// address of an Elastic IP the plan releases (its aws_eip_association or
// aws_eip deleted) does not keep it: after apply it has a public address
// only when it was launched with one, which AWS picks anew.
func TestReleasedElasticIP(t *testing.T) {
	eip := planRes{typ: "aws_eip", name: "web", values: map[string]any{"id": "eipalloc-1", "public_ip": "203.0.113.10", "domain": "vpc"}}
	assoc := planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"id": "eipassoc-1", "allocation_id": "eipalloc-1", "instance_id": "i-1", "public_ip": "203.0.113.10"}}
	other := planRes{typ: "aws_eip", name: "other", values: map[string]any{"id": "eipalloc-2", "public_ip": "203.0.113.99", "domain": "vpc"}}
	for _, tc := range []struct {
		name     string
		deleted  []planRes
		extra    []planRes
		created  map[string][]string
		launched any // the configuration's associate_public_ip_address, nil when left out
		to       string
		want     reach.Outcome
	}{
		{name: "the association and the address deleted: none", deleted: []planRes{eip, assoc}, to: "aws_instance.web", want: reach.Unreachable},
		{name: "the old address reaches nothing", deleted: []planRes{eip, assoc}, to: "203.0.113.10", want: reach.Unreachable},
		{name: "launched with one: AWS picks another", deleted: []planRes{assoc}, extra: []planRes{eip}, launched: true, to: "aws_instance.web", want: reach.Reachable},
		{name: "another Elastic IP deleted: it keeps its own", deleted: []planRes{other}, to: "203.0.113.10", want: reach.Reachable},
		{name: "the association replaced: the address again", extra: []planRes{eip, assoc},
			created: map[string][]string{"aws_eip_association.web": {"delete", "create"}}, to: "203.0.113.10", want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			web := publicWeb()
			web.exprs = map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}}
			if tc.launched != nil {
				web.exprs["associate_public_ip_address"] = tc.launched
			}
			rs := append(append(existingPublicNet(false), web), tc.extra...)
			if tc.created != nil {
				// a replaced resource's before: its values as they are
				assoc.values = map[string]any{"id": "eipassoc-1", "allocation_id": "eipalloc-1", "instance_id": "i-1", "public_ip": "203.0.113.10"}
			}
			var rep terraform.Report
			plan := changePlan(t, nil, tc.created, tc.deleted, rs...)
			if tc.created != nil {
				plan = []byte(strings.Replace(string(plan), `"actions":["delete","create"]`, `"actions":["delete","create"],"before":{"id":"eipassoc-1","allocation_id":"eipalloc-1","instance_id":"i-1","public_ip":"203.0.113.10"}`, 1))
			}
			m, err := terraform.Parse("plan.json", plan, &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", tc.to, 22))
			if tc.to == "203.0.113.10" && tc.want == reach.Unreachable && err != nil {
				return // the address names nothing of the model: refused, never reachable
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}
