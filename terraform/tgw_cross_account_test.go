package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestTGWCrossAccountAttachment: a VPC attachment to another account's
// (shared) transit gateway is pending acceptance until the gateway's
// owner accepts it, and carries nothing until then. Where the plan shows
// the accounts apart (the gateway's owner_id or its provider
// configuration's caller; the attachment's provider configuration's
// caller) and the gateway does not auto-accept shared attachments, an
// attachment no accepter of the plan accepts has an unknown state: what
// crosses the gateway through it is undecided,
// TGW_ATTACHMENT_STATE_UNKNOWN, never a certain Reachable. Accepted by an
// accepter of the plan, auto-accepted, of one account, or of accounts
// the plan does not show, it carries traffic as before.
func TestTGWCrossAccountAttachment(t *testing.T) {
	const hub, spoke = "111122223333", "222233334444"
	accept := func(v string) planRes {
		return planRes{typ: "aws_ec2_transit_gateway_vpc_attachment_accepter", name: v, values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_attachment_id": true},
			exprs: map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", v)}}
	}
	hubKeys := map[string]string{"aws_ec2_transit_gateway.hub": "aws.hub", "aws_ec2_transit_gateway_vpc_attachment_accepter.a": "aws.hub",
		"aws_ec2_transit_gateway_vpc_attachment_accepter.b": "aws.hub"}
	twoCallers := []providerData{callerOf("hub", "aws.hub", hub), callerOf("spoke", "aws", spoke)}
	for _, tc := range []struct {
		name    string
		gw      map[string]any
		extra   []planRes
		keys    map[string]string
		data    []providerData
		want    reach.Outcome
		pending string // the attachment undecided
	}{
		{name: "callers of two accounts, no accepter", gw: map[string]any{}, keys: hubKeys, data: twoCallers,
			want: reach.Indeterminate, pending: "aws_ec2_transit_gateway_vpc_attachment.a"},
		{name: "the gateway's owner_id, no accepter", gw: map[string]any{"owner_id": hub}, data: []providerData{callerOf("spoke", "aws", spoke)},
			want: reach.Indeterminate, pending: "aws_ec2_transit_gateway_vpc_attachment.a"},
		{name: "one attachment accepted, the other pending", gw: map[string]any{}, keys: hubKeys, data: twoCallers, extra: []planRes{accept("a")},
			want: reach.Indeterminate, pending: "aws_ec2_transit_gateway_vpc_attachment.b"},
		{name: "both accepted", gw: map[string]any{}, keys: hubKeys, data: twoCallers, extra: []planRes{accept("a"), accept("b")}, want: reach.Reachable},
		{name: "the gateway auto-accepts", gw: map[string]any{"auto_accept_shared_attachments": "enable"}, keys: hubKeys, data: twoCallers, want: reach.Reachable},
		{name: "one account", gw: map[string]any{}, keys: hubKeys, data: []providerData{callerOf("hub", "aws.hub", hub), callerOf("spoke", "aws", hub)}, want: reach.Reachable},
		{name: "the accounts not shown", gw: map[string]any{}, keys: hubKeys, data: []providerData{callerOf("hub", "aws.hub", hub)}, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			plan := withProviders(t, planOf(t, append(tgwResources(tc.gw, nil), tc.extra...)...), tc.keys, tc.data...)
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want != reach.Indeterminate {
				assert.NotContains(t, r.Codes(), reach.TGWAttachmentStateUnknown, r.Text())
				return
			}
			assert.Contains(t, r.Codes(), reach.TGWAttachmentStateUnknown, r.Text())
			ownerBy := "data.aws_caller_identity.hub.account_id"
			if tc.gw["owner_id"] != nil {
				ownerBy = "owner_id of aws_ec2_transit_gateway.hub"
			}
			why := tc.pending + " is of account " + spoke + " (data.aws_caller_identity.spoke.account_id) and aws_ec2_transit_gateway.hub of account " + hub + " (" + ownerBy +
				"), whose auto_accept_shared_attachments is left out (disable): AWS holds the attachment pending acceptance until the gateway's owner accepts it, " +
				"which no aws_ec2_transit_gateway_vpc_attachment_accepter of the plan does"
			assert.Contains(t, r.Text(), why, r.Text())
			assert.Contains(t, rep.Warnings, why+": what crosses the transit gateway through it is indeterminate")
		})
	}
}
