package terraform_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/terraform"
)

// countedAppliances: two appliances aws_instance.fw[K] the plan creates,
// each with a second interface aws_network_interface.in[K] attached by
// aws_network_interface_attachment.in[K] (how "attachment") or by the
// interface's own attachment block (how "block"), paired by count.index
// or each.key (keys: 0,1 or "x","y").
func countedAppliances(t *testing.T, how string, keys []any, keyRef string) []byte {
	rs := existingPublicNet(false)
	rs = append(rs, planRes{typ: "aws_subnet", name: "inside", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}})
	for i, k := range keys {
		rs = append(rs, planRes{typ: "aws_instance", name: "fw", index: k,
			values:  map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": fmt.Sprintf("10.1.1.%d", 5+i), "associate_public_ip_address": false, "source_dest_check": false},
			unknown: map[string]any{"id": true, "public_ip": true, "primary_network_interface_id": true}})
		eni := planRes{typ: "aws_network_interface", name: "in", index: k,
			values:  map[string]any{"subnet_id": "subnet-2", "security_groups": []any{"sg-1"}, "private_ip": fmt.Sprintf("10.1.2.%d", 5+i), "private_ips": []any{fmt.Sprintf("10.1.2.%d", 5+i)}, "source_dest_check": false},
			unknown: map[string]any{"id": true}}
		if how == "block" {
			eni.values["attachment"] = []any{map[string]any{"device_index": 1}}
			eni.unknown["attachment"] = []any{map[string]any{"instance": true, "attachment_id": true}}
			eni.exprs = map[string]any{"attachment": rawExpr{[]any{map[string]any{"instance": map[string]any{"references": []string{"aws_instance.fw", keyRef}}, "device_index": map[string]any{"constant_value": 1}}}}}
		} else {
			rs = append(rs, planRes{typ: "aws_network_interface_attachment", name: "in", index: k, values: map[string]any{"device_index": 1},
				unknown: map[string]any{"id": true, "instance_id": true, "network_interface_id": true},
				exprs:   map[string]any{"instance_id": []string{"aws_instance.fw", keyRef}, "network_interface_id": []string{"aws_network_interface.in", keyRef}}})
		}
		rs = append(rs, eni)
	}
	return planOf(t, rs...)
}

func TestENIAttachmentPairedByKey(t *testing.T) {
	for _, tc := range []struct {
		name, how, keyRef string
		keys              []any
	}{{"attachment/count", "attachment", "count.index", []any{0, 1}}, {"attachment/for_each", "attachment", "each.key", []any{`"x"`, `"y"`}},
		{"block/count", "block", "count.index", []any{0, 1}}, {"block/for_each", "block", "each.key", []any{`"x"`, `"y"`}}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", countedAppliances(t, tc.how, tc.keys, tc.keyRef), nil)
			assert.NotErrorIs(t, err, terraform.ErrInvalidPlan, "the plan is valid: aws_network_interface.in[count.index].id")
			require.NoError(t, err, "pairing by count.index / each.key as for subnet_id (doc.go, Links by reference)")
			got := interfacesByID(m)
			for _, k := range tc.keys {
				fw, in := got[fmt.Sprintf("aws_instance.fw[%v]", k)], got[fmt.Sprintf("aws_network_interface.in[%v]", k)]
				assert.NotEmpty(t, fw.Instance, "%v", got)
				assert.Equal(t, fw.Instance, in.Instance, "key %v: fw %q, its second interface %q", k, fw.Instance, in.Instance)
			}
		})
	}
}

// aws_network_interface_sg_attachment.g[K] with network_interface_id =
// aws_network_interface.in[K].id (references ["aws_network_interface.in",
// KEYREF]): paired by key, as subnet_id is. Only g at key 0 exists (count
// = 1, or for_each over one key), so only in at key 0 gets sg-1 beside
// its sg-2. A
// network_interface_id of aws_instance.fw[count.index] (whose attribute
// the plan does not show, and which may be an interface other than the
// primary) stays unknown, with no "splat" wording and no claim that the
// plan is invalid; a real splat keeps its wording.
func TestSGAttachmentPairedByKey(t *testing.T) {
	for _, tc := range []struct {
		name, keyRef string
		keys         []any
		refs         []string // network_interface_id's references, nil: the interface's by key
		wantErr      string   // "" for none
		notErr       string
	}{
		{name: "count", keyRef: "count.index", keys: []any{0, 1}},
		{name: "for_each", keyRef: "each.key", keys: []any{`"x"`, `"y"`}},
		{name: "instance by count.index", keyRef: "count.index", keys: []any{0, 1}, refs: []string{"aws_instance.fw", "count.index"},
			wantErr: "aws_network_interface_sg_attachment.g[0]: network_interface_id: known only after apply: it reads aws_instance.fw beside count.index or each.key", notErr: "splat"},
		{name: "a splat", keyRef: "count.index", keys: []any{0, 1}, refs: []string{"aws_network_interface.in"},
			wantErr: "it reads aws_network_interface.in without an attribute the plan shows (a splat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false), planRes{typ: "aws_security_group", name: "base", values: map[string]any{"id": "sg-2", "name": "base", "vpc_id": "vpc-1", "ingress": []any{}, "egress": []any{}},
				exprs: map[string]any{"ingress": []string{}, "egress": []string{}}})
			for i, k := range tc.keys {
				rs = append(rs,
					planRes{typ: "aws_network_interface", name: "in", index: k,
						values:  map[string]any{"subnet_id": "subnet-1", "security_groups": []any{"sg-2"}, "private_ip": fmt.Sprintf("10.1.1.%d", 5+i), "private_ips": []any{fmt.Sprintf("10.1.1.%d", 5+i)}},
						unknown: map[string]any{"id": true}},
					planRes{typ: "aws_instance", name: "fw", index: k,
						values:  map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": fmt.Sprintf("10.1.1.%d", 20+i), "associate_public_ip_address": false},
						unknown: map[string]any{"id": true, "public_ip": true, "primary_network_interface_id": true}})
			}
			refs := tc.refs
			if refs == nil {
				refs = []string{"aws_network_interface.in", tc.keyRef}
			}
			rs = append(rs, planRes{typ: "aws_network_interface_sg_attachment", name: "g", index: tc.keys[0], values: map[string]any{"security_group_id": "sg-1"},
				unknown: map[string]any{"id": true, "network_interface_id": true},
				exprs:   map[string]any{"network_interface_id": refs}})
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			assert.NotErrorIs(t, err, terraform.ErrInvalidPlan, "the plan is valid")
			if tc.wantErr != "" {
				require.ErrorIs(t, err, terraform.ErrUnknownValue)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), "no network interface of the plan")
				if tc.notErr != "" {
					assert.NotContains(t, err.Error(), tc.notErr)
				}
				return
			}
			require.NoError(t, err)
			got := interfacesByID(m)
			first, second := got[fmt.Sprintf("aws_network_interface.in[%v]", tc.keys[0])], got[fmt.Sprintf("aws_network_interface.in[%v]", tc.keys[1])]
			assert.Contains(t, first.Groups, "aws_security_group.web", "%v", got)
			assert.NotContains(t, second.Groups, "aws_security_group.web", "%v", got)
		})
	}
}
