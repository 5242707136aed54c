package terraform_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestRouteInterfaceByReferenceReadsAnInterfaceID: a route's
// network_interface_id given by reference names the NAT instance's
// interface only where the reference reads an attribute that is a
// network interface's ID (aws_instance.NAME.primary_network_interface_id,
// aws_network_interface.NAME.id). A reference to another attribute (the
// instance's id, an i-…, or its private_ip), or the instance's known
// i-… itself, is an error naming the route, the attribute and what it
// reads (once taken, silently, as the instance's primary interface); a
// bare reference (a splat) is one the plan does not resolve.
func TestRouteInterfaceByReferenceReadsAnInterfaceID(t *testing.T) {
	refs := []byte(`["aws_instance.nat.primary_network_interface_id","aws_instance.nat"]`)
	for _, tc := range []struct {
		name     string
		refs     string // the route's network_interface_id references ("" as natInstanceNet writes them)
		known    string // the route's known network_interface_id in the plan that knows the instance
		sentinel error
		err      []string
	}{
		{name: "primary_network_interface_id"},
		{name: "known primary interface ID", known: "eni-nat"},
		{name: "the instance's id", refs: `["aws_instance.nat.id","aws_instance.nat"]`, sentinel: terraform.ErrInvalidPlan,
			err: []string{"aws_route.nat: network_interface_id", "aws_instance.nat.id, which is not a network interface ID", "aws_instance.nat.primary_network_interface_id"}},
		{name: "the instance's private_ip", refs: `["aws_instance.nat.private_ip","aws_instance.nat"]`, sentinel: terraform.ErrInvalidPlan,
			err: []string{"aws_route.nat: network_interface_id", "aws_instance.nat.private_ip, which is not a network interface ID"}},
		{name: "the ID of another instance beside the right one", refs: `["aws_instance.nat.primary_network_interface_id","aws_instance.nat","aws_instance.app.id","aws_instance.app"]`,
			sentinel: terraform.ErrInvalidPlan, err: []string{"aws_route.nat: network_interface_id", "aws_instance.app.id, which is not a network interface ID"}},
		{name: "an interface's private_ip", refs: `["aws_network_interface.fw.private_ip","aws_network_interface.fw"]`, sentinel: terraform.ErrInvalidPlan,
			err: []string{"aws_route.nat: network_interface_id", "aws_network_interface.fw.private_ip, which is not a network interface ID", "aws_network_interface.fw.id"}},
		{name: "a bare reference, a splat", refs: `["aws_instance.nat"]`, sentinel: terraform.ErrUnknownValue,
			err: []string{"aws_route.nat: network_interface_id", "it reads aws_instance.nat without an attribute the plan shows"}},
		{name: "the instance's known i- ID", known: "i-nat", sentinel: terraform.ErrInvalidPlan,
			err: []string{`aws_route.nat: network_interface_id: "i-nat"`, "the ID of aws_instance.nat, an instance, not of a network interface"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := natInstanceNet(t, tc.known != "")
			if tc.known != "" {
				plan = bytes.Replace(plan, []byte(`"network_interface_id":"eni-nat"`), []byte(`"network_interface_id":"`+tc.known+`"`), -1)
			}
			if tc.refs != "" {
				require.Contains(t, string(plan), string(refs))
				plan = bytes.Replace(plan, refs, []byte(tc.refs), 1)
			}
			m, err := terraform.Parse("plan.json", plan, nil)
			if tc.sentinel != nil {
				require.ErrorIs(t, err, tc.sentinel)
				for _, s := range tc.err {
					assert.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Contains(t, r.Text(), "matches 0.0.0.0/0 via aws_instance.nat", "the route's target is the NAT instance")
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		})
	}
}
