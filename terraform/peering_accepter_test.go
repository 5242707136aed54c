package terraform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// accepterOf is an aws_vpc_peering_connection_accepter.ab of
// aws_vpc_peering_connection.ab with the given values (auto_accept).
func accepterOf(values, unknown map[string]any) planRes {
	unknown["id"], unknown["vpc_peering_connection_id"], unknown["accept_status"] = true, true, true
	return planRes{typ: "aws_vpc_peering_connection_accepter", name: "ab", values: values, unknown: unknown,
		exprs: map[string]any{"vpc_peering_connection_id": tgwRef("aws_vpc_peering_connection", "ab")}}
}

// TestPeeringAccepter: an aws_vpc_peering_connection_accepter the plan
// creates with auto_accept accepts its connection when it is pending
// acceptance (the provider's create does so), so the connection is
// active once applied: one that exists pending acceptance, or one the
// plan creates for another account or region. Without auto_accept it
// does not accept (the status stays as the plan shows it); with
// auto_accept known only after apply the status is undecided; a
// connection of another status is not accepted; an accepter that exists
// already and is not changed accepts nothing at this apply.
func TestPeeringAccepter(t *testing.T) {
	pendingAB := map[string]any{"id": "pcx-1", "accept_status": "pending-acceptance", "peer_owner_id": "222233334444"}
	for _, tc := range []struct {
		name     string
		peering  map[string]any // the connection's values: it exists when id is set
		accepter planRes
		noOp     bool // the accepter exists and the plan leaves it as it is
		want     reach.Outcome
		code     reach.Code
	}{
		{name: "an existing connection pending acceptance, accepted", peering: pendingAB,
			accepter: accepterOf(map[string]any{"auto_accept": true}, map[string]any{}), want: reach.Reachable},
		{name: "an existing connection pending acceptance, adopted without auto_accept", peering: pendingAB,
			accepter: accepterOf(map[string]any{"auto_accept": false}, map[string]any{}), want: reach.Unreachable, code: reach.PeeringNotActive},
		{name: "an existing connection pending acceptance, auto_accept known only after apply", peering: pendingAB,
			accepter: accepterOf(map[string]any{}, map[string]any{"auto_accept": true}), want: reach.Indeterminate, code: reach.PeeringStatusUnknown},
		{name: "an existing connection pending acceptance, an accepter that exists already", peering: pendingAB, noOp: true,
			accepter: accepterOf(map[string]any{"auto_accept": true}, map[string]any{}), want: reach.Unreachable, code: reach.PeeringNotActive},
		{name: "a rejected connection is not accepted", peering: map[string]any{"id": "pcx-1", "accept_status": "rejected"},
			accepter: accepterOf(map[string]any{"auto_accept": true}, map[string]any{}), want: reach.Unreachable, code: reach.PeeringNotActive},
		{name: "a new connection to another account, accepted", peering: map[string]any{"peer_owner_id": "222233334444", "auto_accept": false},
			accepter: accepterOf(map[string]any{"auto_accept": true}, map[string]any{}), want: reach.Reachable},
		{name: "a new connection to another region, accepted there", peering: map[string]any{"peer_region": "us-west-2"},
			accepter: accepterOf(map[string]any{"auto_accept": true}, map[string]any{}), want: reach.Reachable},
		{name: "a new connection to another account, adopted without auto_accept", peering: map[string]any{"peer_owner_id": "222233334444", "auto_accept": false},
			accepter: accepterOf(map[string]any{}, map[string]any{}), want: reach.Indeterminate, code: reach.PeeringStatusUnknown},
		{name: "an accepter of a connection the plan does not resolve may accept the plan's",
			peering:  map[string]any{"peer_owner_id": "222233334444", "auto_accept": false},
			accepter: planRes{typ: "aws_vpc_peering_connection_accepter", name: "ab", values: map[string]any{"auto_accept": true}, unknown: map[string]any{"id": true, "vpc_peering_connection_id": true}, exprs: map[string]any{"vpc_peering_connection_id": []string{"var.pcx"}}},
			want:     reach.Indeterminate, code: reach.PeeringStatusUnknown},
		{name: "an accepter of a connection outside the plan changes nothing", peering: pendingAB,
			accepter: planRes{typ: "aws_vpc_peering_connection_accepter", name: "ab", values: map[string]any{"auto_accept": true, "vpc_peering_connection_id": "pcx-other"}, unknown: map[string]any{"id": true}},
			want:     reach.Unreachable, code: reach.PeeringNotActive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			plan := planOf(t, append(peeringResources(tc.peering), tc.accepter)...)
			if tc.noOp {
				plan = asNoOp(t, plan, "aws_vpc_peering_connection_accepter.ab")
			}
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err)
			assert.NotContains(t, rep.Unmodelled, "aws_vpc_peering_connection_accepter")
			r, err := m.Check(tcp("aws_network_interface.a", "aws_network_interface.b", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
}

// TestPeeringAutoAcceptWithPeerRegion: the provider refuses to create a
// peering connection with both auto_accept and peer_region (auto_accept
// accepts only a connection of one account and region), so the apply
// makes no connection: the plan is refused, naming it, rather than taken
// as active.
func TestPeeringAutoAcceptWithPeerRegion(t *testing.T) {
	_, err := terraform.Parse("plan.json", planOf(t, peeringResources(map[string]any{"auto_accept": true, "peer_region": "us-west-2"})...), nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), err.Error())
	assert.Contains(t, err.Error(), "aws_vpc_peering_connection.ab: auto_accept: invalid Terraform plan: the provider refuses to create a peering connection with auto_accept and peer_region (us-west-2)")
}
