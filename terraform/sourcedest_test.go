package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestSourceDestCheck: source_dest_check of an aws_instance (its primary
// interface) and of an aws_network_interface: false turns the check off,
// true or absent leaves it on (AWS's default), and a value known only
// after apply leaves it unknown, naming the attribute.
func TestSourceDestCheck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		value    any // nil: absent
		unknown  bool
		disabled bool
		unknownS string
	}{
		{"false: off", false, false, true, ""},
		{"true: on", true, false, false, ""},
		{"absent: on, AWS's default", nil, false, false, ""},
		{"known after apply", nil, true, false, ": source_dest_check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.20",
				"public_ip": "", "associate_public_ip_address": false}
			eni := map[string]any{"id": "eni-9", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "private_ips": []any{"10.1.1.30"}}
			unknown := map[string]any{}
			if tc.value != nil {
				inst["source_dest_check"], eni["source_dest_check"] = tc.value, tc.value
			}
			if tc.unknown {
				unknown["source_dest_check"] = true
			}
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false),
				planRes{typ: "aws_instance", name: "fw", values: inst, unknown: unknown},
				planRes{typ: "aws_network_interface", name: "ap", values: eni, unknown: unknown})...), nil)
			require.NoError(t, err)
			got := map[string]reach.Interface{}
			for _, in := range m.Interfaces() {
				got[in.ID] = in
			}
			for _, id := range []string{"aws_instance.fw", "aws_network_interface.ap"} {
				in, ok := got[id]
				require.True(t, ok, "%s among %v", id, got)
				assert.Equal(t, tc.disabled, in.SourceDestCheckDisabled, id)
				if tc.unknownS == "" {
					assert.Empty(t, in.SourceDestCheckUnknown, id)
				} else {
					assert.Equal(t, id+tc.unknownS, in.SourceDestCheckUnknown, id)
				}
			}
		})
	}
}
