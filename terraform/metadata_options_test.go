package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestMetadataOptions: metadata_options of an aws_instance decides the
// Instance Metadata Service (EC2 User Guide, "Configure the Instance
// Metadata Service options"): http_endpoint enabled answers at
// 169.254.169.254, disabled blocks it (INSTANCE_SERVICE_DISABLED), and a
// value known only after apply (the whole block, as for a new instance
// that leaves it out, or one attribute) leaves it undecided, naming the
// value, never saying the plan lacks it.
func TestMetadataOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		options  any // nil: absent
		unknown  any
		endpoint reach.Option
		ipv6     reach.Option
		want     reach.Outcome
		missing  string
	}{
		{"enabled", []any{map[string]any{"http_endpoint": "enabled", "http_protocol_ipv6": "disabled", "http_tokens": "required"}}, nil,
			reach.OptionEnabled, reach.OptionDisabled, reach.Reachable, ""},
		{"disabled", []any{map[string]any{"http_endpoint": "disabled", "http_protocol_ipv6": "disabled"}}, nil,
			reach.OptionDisabled, reach.OptionDisabled, reach.Unreachable, ""},
		{"the block known only after apply", nil, true,
			reach.OptionUnset, reach.OptionUnset, reach.Indeterminate, "aws_instance.fw: metadata_options, known only after apply"},
		{"http_endpoint known only after apply", []any{map[string]any{"http_protocol_ipv6": "enabled"}}, []any{map[string]any{"http_endpoint": true}},
			reach.OptionUnset, reach.OptionEnabled, reach.Indeterminate, "aws_instance.fw: metadata_options[0].http_endpoint, known only after apply"},
		{"absent", nil, nil, reach.OptionUnset, reach.OptionUnset, reach.Indeterminate, "which the input does not hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.20",
				"public_ip": "", "associate_public_ip_address": false}
			if tc.options != nil {
				inst["metadata_options"] = tc.options
			}
			unknown := map[string]any{}
			if tc.unknown != nil {
				unknown["metadata_options"] = tc.unknown
			}
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false),
				planRes{typ: "aws_instance", name: "fw", values: inst, unknown: unknown})...), nil)
			require.NoError(t, err)
			var got reach.Interface
			for _, in := range m.Interfaces() {
				if in.ID == "aws_instance.fw" {
					got = in
				}
			}
			assert.Equal(t, tc.endpoint, got.MetadataEndpoint)
			assert.Equal(t, tc.ipv6, got.MetadataIPv6)
			r, err := m.Check(reach.Query{From: "aws_instance.fw", To: "169.254.169.254", Protocol: flow.TCP, Port: 80})
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Unreachable {
				assert.Equal(t, []reach.Code{reach.InstanceServiceDisabled}, r.Codes(), r.Text())
				assert.Contains(t, r.Forward[0].Fix, `http_endpoint = "enabled"`, r.Text())
			}
			if tc.missing != "" {
				assert.Contains(t, r.Forward[0].Missing, tc.missing, r.Text())
			}
		})
	}
}

// A metadata option that is neither enabled nor disabled is refused,
// naming the address and attribute.
func TestMetadataOptionsInvalid(t *testing.T) {
	inst := map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.20",
		"public_ip": "", "associate_public_ip_address": false, "metadata_options": []any{map[string]any{"http_endpoint": "on"}}}
	_, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false),
		planRes{typ: "aws_instance", name: "fw", values: inst})...), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, "aws_instance.fw: metadata_options[0].http_endpoint")
	assert.ErrorContains(t, err, `"on"`)
}
