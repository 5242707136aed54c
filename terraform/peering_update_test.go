package terraform_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// asUpdate makes the change of addr in plan an update in place from
// before to its planned values.
func asUpdate(t *testing.T, plan []byte, addr string, before map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	for _, c := range doc["resource_changes"].([]any) {
		c := c.(map[string]any)
		if c["address"] == addr {
			ch := c["change"].(map[string]any)
			ch["actions"], ch["before"] = []string{"update"}, before
		}
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// TestPeeringUpdatedWithAutoAccept: the provider's update of an
// aws_vpc_peering_connection accepts the connection when it is pending
// acceptance and auto_accept is set, so an existing connection pending
// acceptance that the plan updates with auto_accept is active after
// apply (within one account), not a certain PEERING_NOT_ACTIVE; without
// auto_accept, or not updated, it stays pending; with a peer_region the
// plan cannot tell whether the accept succeeds.
func TestPeeringUpdatedWithAutoAccept(t *testing.T) {
	pending := func(extra map[string]any) map[string]any {
		v := map[string]any{"id": "pcx-1", "accept_status": "pending-acceptance"}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	for _, tc := range []struct {
		name   string
		values map[string]any
		update bool
		want   reach.Outcome
		code   reach.Code
	}{
		{"updated with auto_accept: accepted", pending(map[string]any{"auto_accept": true}), true, reach.Reachable, ""},
		{"updated without auto_accept: still pending", pending(map[string]any{"auto_accept": false}), true, reach.Unreachable, reach.PeeringNotActive},
		{"not updated: still pending", pending(map[string]any{"auto_accept": true}), false, reach.Unreachable, reach.PeeringNotActive},
		{"updated with auto_accept and a peer_region: undecided", pending(map[string]any{"auto_accept": true, "peer_region": "us-west-2"}), true, reach.Indeterminate, reach.PeeringStatusUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := planOf(t, peeringResources(tc.values)...)
			if tc.update {
				before := map[string]any{}
				for k, v := range tc.values {
					before[k] = v
				}
				before["auto_accept"] = false
				plan = asUpdate(t, plan, "aws_vpc_peering_connection.ab", before)
			} else {
				plan = asNoOp(t, plan, "aws_vpc_peering_connection.ab")
			}
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_network_interface.a", "aws_network_interface.b", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
}
