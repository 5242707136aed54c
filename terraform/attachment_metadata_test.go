package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestAttachedInterfaceMetadataOptions (audit-imerge finding 1): an instance's metadata
// options are the instance's, so they hold for every interface attached
// to it (reach.Interface doc: "Every interface of an instance carries its
// instance's options"; aws.Load gives them to every interface of the
// instance). An aws_network_interface attached to an aws_instance by
// aws_network_interface_attachment answers a request to 169.254.169.254
// as the instance's primary interface does: http_endpoint "disabled" is
// unreachable (AWS: "When disabled, you or any code won't be able to
// access the instance metadata on the instance"), "enabled" reachable,
// and neither says the plan lacks the options.
func TestAttachedInterfaceMetadataOptions(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		want     reach.Outcome
		code     []reach.Code
	}{
		{"disabled", reach.Unreachable, []reach.Code{reach.InstanceServiceDisabled}},
		{"enabled", reach.Reachable, nil},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			inst := map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.20",
				"public_ip": "", "associate_public_ip_address": false,
				"metadata_options": []any{map[string]any{"http_endpoint": tc.endpoint, "http_protocol_ipv6": "disabled"}}}
			eni := map[string]any{"id": "eni-9", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "private_ip": "10.1.1.30",
				"private_ips": []any{"10.1.1.30"}}
			att := map[string]any{"id": "eni-attach-1", "instance_id": "i-2", "network_interface_id": "eni-9", "device_index": 1}
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false),
				planRes{typ: "aws_instance", name: "fw", values: inst},
				planRes{typ: "aws_network_interface", name: "second", values: eni},
				planRes{typ: "aws_network_interface_attachment", name: "second", values: att})...), nil)
			require.NoError(t, err)
			var primary, second reach.Interface
			for _, in := range m.Interfaces() {
				switch in.ID {
				case "aws_instance.fw":
					primary = in
				case "aws_network_interface.second":
					second = in
				}
			}
			require.Equal(t, "i-2", second.Instance, "the attachment names the instance")
			assert.Equal(t, primary.MetadataEndpoint, second.MetadataEndpoint, "every interface of an instance carries its options")
			for _, from := range []string{"aws_instance.fw", "aws_network_interface.second"} {
				r, err := m.Check(reach.Query{From: from, To: "169.254.169.254", Protocol: flow.TCP, Port: 80})
				require.NoError(t, err)
				assert.Equal(t, tc.want, r.Outcome, "from %s\n%s", from, r.Text())
				assert.ElementsMatch(t, tc.code, r.Codes(), "from %s\n%s", from, r.Text())
				assert.NotContains(t, r.Forward[0].Missing, "which the input does not hold", "from %s: the plan holds metadata_options", from)
			}
		})
	}
}
