package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// releasedEIPPlan is existingPublicNet with the instance web, launched
// with a public address (associate_public_ip_address = true in its
// configuration), whose Elastic IP 198.51.100.50 the plan releases by
// deleting its aws_eip_association, with a second network interface
// (eni-9) attached by an aws_network_interface_attachment of the actions
// given (nil: no second interface; "no-op": one that exists and stays).
func releasedEIPPlan(t *testing.T, attachment []string) []byte {
	web := publicWeb()
	web.values["public_ip"] = "198.51.100.50"
	web.values["primary_network_interface_id"] = "eni-1"
	web.exprs = map[string]any{"associate_public_ip_address": true}
	eip := existingEIP()
	for k, v := range map[string]any{"instance": "i-1", "network_interface": "eni-1", "private_ip": "10.1.1.10", "association_id": "eipassoc-1"} {
		eip.values[k] = v
	}
	association := planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"id": "eipassoc-1", "allocation_id": "eipalloc-1", "instance_id": "i-1",
		"public_ip": "198.51.100.50", "private_ip_address": "10.1.1.10", "network_interface_id": "eni-1"}}
	rs := append(existingPublicNet(false), web, eip)
	created := map[string][]string{}
	if attachment != nil {
		eni := planRes{typ: "aws_network_interface", name: "second", values: map[string]any{"id": "eni-9", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"},
			"private_ip": "10.1.1.30", "private_ips": []any{"10.1.1.30"}}}
		att := planRes{typ: "aws_network_interface_attachment", name: "second", values: map[string]any{"id": "eni-attach-1", "instance_id": "i-1",
			"network_interface_id": "eni-9", "device_index": 1}}
		if attachment[0] != "no-op" {
			created["aws_network_interface_attachment.second"] = attachment
			att.unknown = map[string]any{"id": true}
			delete(att.values, "id")
		}
		rs = append(rs, eni, att)
	}
	return changePlan(t, nil, created, []planRes{association}, rs...)
}

// TestReleasedEIPWithSecondInterface: AWS gives an instance whose
// Elastic IP is released a new public address only where one network
// interface is attached (EC2 User Guide, public IPv4 addresses): with a
// second one attached, the instance has none after apply (once a new one
// AWS picks); where the plan attaches it in the same apply, unordered
// against the release, the plan does not decide, and it is refused.
func TestReleasedEIPWithSecondInterface(t *testing.T) {
	t.Run("a second interface attached", func(t *testing.T) {
		var rep terraform.Report
		m, err := terraform.Parse("plan.json", releasedEIPPlan(t, []string{"no-op"}), &rep)
		require.NoError(t, err)
		r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		assert.True(t, containsPrefix(rep.Warnings, "aws_instance.web: public_ip: 198.51.100.50 is the Elastic IP that aws_eip_association.web releases; with more than one network interface attached"), "%q", rep.Warnings)
	})
	t.Run("one interface: AWS picks a new address", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", releasedEIPPlan(t, nil), nil)
		require.NoError(t, err)
		r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	})
	t.Run("a second interface the plan attaches", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", releasedEIPPlan(t, []string{"create"}), nil)
		require.ErrorIs(t, err, terraform.ErrUnknownValue)
		assert.ErrorContains(t, err, "aws_network_interface_attachment.second")
	})
}
