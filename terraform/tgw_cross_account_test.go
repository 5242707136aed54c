package terraform_test

import (
	"strings"
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
// TGW_ATTACHMENT_STATE_UNKNOWN, never a certain Reachable. So where the
// plan does not show both accounts and the attachment and the gateway are
// of two provider configurations, or of configurations the plan does not
// name: they may be of two accounts. Accepted by an accepter of the plan,
// auto-accepted, of one account shown, or of one provider configuration
// (the single-account plan), it carries traffic as before.
func TestTGWCrossAccountAttachment(t *testing.T) {
	const hub, spoke = "111122223333", "222233334444"
	accept := func(v string) planRes {
		return planRes{typ: "aws_ec2_transit_gateway_vpc_attachment_accepter", name: v, values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_attachment_id": true},
			exprs: map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", v)}}
	}
	hubKeys := map[string]string{"aws_ec2_transit_gateway.hub": "aws.hub", "aws_ec2_transit_gateway_vpc_attachment_accepter.a": "aws.hub",
		"aws_ec2_transit_gateway_vpc_attachment_accepter.b": "aws.hub"}
	twoCallers := []providerData{callerOf("hub", "aws.hub", hub), callerOf("spoke", "aws", spoke)}
	const (
		auto    = ", whose auto_accept_shared_attachments is left out (disable): "
		pending = "AWS holds an attachment of another account than the gateway's pending acceptance until the gateway's owner accepts it, " +
			"which no aws_ec2_transit_gateway_vpc_attachment_accepter of the plan does"
		notShown = "the plan does not show whether aws_ec2_transit_gateway_vpc_attachment.a is of the account of aws_ec2_transit_gateway.hub ("
		twoKeys  = "; aws_ec2_transit_gateway_vpc_attachment.a is of provider configuration aws and aws_ec2_transit_gateway.hub of provider configuration aws.hub)"
	)
	// noKeys takes the provider configuration keys out of a plan's
	// configuration
	noKeys := func(t *testing.T, plan []byte) []byte {
		return planEdit(t, plan, func(p map[string]any) {
			for _, c := range p["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
				delete(c.(map[string]any), "provider_config_key")
			}
		})
	}
	for _, tc := range []struct {
		name  string
		gw    map[string]any
		vpc   string // the VPCs' owner_id
		extra []planRes
		keys  map[string]string
		data  []providerData
		edit  func(*testing.T, []byte) []byte
		want  reach.Outcome
		why   string // why the state of aws_ec2_transit_gateway_vpc_attachment.a is undecided
	}{
		{name: "callers of two accounts, no accepter", gw: map[string]any{}, keys: hubKeys, data: twoCallers, want: reach.Indeterminate,
			why: "aws_ec2_transit_gateway_vpc_attachment.a is of account " + spoke + " (data.aws_caller_identity.spoke.account_id) and aws_ec2_transit_gateway.hub of account " + hub +
				" (data.aws_caller_identity.hub.account_id)" + auto + pending},
		{name: "the gateway's owner_id, no accepter", gw: map[string]any{"owner_id": hub}, data: []providerData{callerOf("spoke", "aws", spoke)}, want: reach.Indeterminate,
			why: "aws_ec2_transit_gateway_vpc_attachment.a is of account " + spoke + " (data.aws_caller_identity.spoke.account_id) and aws_ec2_transit_gateway.hub of account " + hub +
				" (owner_id of aws_ec2_transit_gateway.hub)" + auto + pending},
		{name: "one attachment accepted, the other pending", gw: map[string]any{}, keys: hubKeys, data: twoCallers, extra: []planRes{accept("b")}, want: reach.Indeterminate,
			why: "aws_ec2_transit_gateway_vpc_attachment.a is of account " + spoke},
		{name: "both accepted", gw: map[string]any{}, keys: hubKeys, data: twoCallers, extra: []planRes{accept("a"), accept("b")}, want: reach.Reachable},
		{name: "the gateway auto-accepts", gw: map[string]any{"auto_accept_shared_attachments": "enable"}, keys: hubKeys, data: twoCallers, want: reach.Reachable},
		{name: "one account shown by two callers", gw: map[string]any{}, keys: hubKeys, data: []providerData{callerOf("hub", "aws.hub", hub), callerOf("spoke", "aws", hub)}, want: reach.Reachable},
		{name: "one account shown by the owner_ids", gw: map[string]any{"owner_id": hub}, vpc: hub, keys: hubKeys, want: reach.Reachable},
		{name: "one provider configuration, no account shown", gw: map[string]any{}, want: reach.Reachable},
		{name: "one provider configuration, the gateway's owner_id shown", gw: map[string]any{"owner_id": hub}, want: reach.Reachable},
		{name: "two provider configurations, only the gateway's account shown", gw: map[string]any{}, keys: hubKeys, data: []providerData{callerOf("hub", "aws.hub", hub)},
			want: reach.Indeterminate, why: notShown + "aws_ec2_transit_gateway.hub is of account " + hub + " (data.aws_caller_identity.hub.account_id), and the plan shows no account of aws_ec2_transit_gateway_vpc_attachment.a" + twoKeys + auto + pending},
		{name: "two provider configurations, only the attachment's account shown", gw: map[string]any{}, keys: hubKeys, data: []providerData{callerOf("spoke", "aws", spoke)},
			want: reach.Indeterminate, why: notShown + "aws_ec2_transit_gateway_vpc_attachment.a is of account " + spoke + " (data.aws_caller_identity.spoke.account_id), and the plan shows no account of aws_ec2_transit_gateway.hub" + twoKeys + auto + pending},
		{name: "two provider configurations, no account shown", gw: map[string]any{}, keys: hubKeys,
			want: reach.Indeterminate, why: notShown + "the plan shows the account of neither" + twoKeys + auto + pending},
		{name: "two provider configurations, auto-accept known only after apply", gw: map[string]any{}, keys: hubKeys,
			edit: func(t *testing.T, plan []byte) []byte { return withUnknownAutoAccept(t, plan) },
			want: reach.Indeterminate, why: notShown + "the plan shows the account of neither" + twoKeys + ", whose auto_accept_shared_attachments is known only after apply: " + pending},
		{name: "two provider configurations, the gateway auto-accepts", gw: map[string]any{"auto_accept_shared_attachments": "enable"}, keys: hubKeys, want: reach.Reachable},
		{name: "two provider configurations, accepted", gw: map[string]any{}, keys: hubKeys, extra: []planRes{accept("a"), accept("b")}, want: reach.Reachable},
		{name: "provider configurations not named", gw: map[string]any{}, edit: noKeys,
			want: reach.Indeterminate, why: notShown + "the plan shows the account of neither; the plan names the provider configuration of neither)" + auto + pending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			rs := append(tgwResources(tc.gw, nil), tc.extra...)
			for i := range rs {
				if rs[i].typ == "aws_vpc" && tc.vpc != "" {
					rs[i].values["owner_id"] = tc.vpc
				}
			}
			plan := withProviders(t, planOf(t, rs...), tc.keys, tc.data...)
			if tc.edit != nil {
				plan = tc.edit(t, plan)
			}
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
			assert.Contains(t, r.Text(), tc.why, r.Text())
			found := false
			for _, w := range rep.Warnings {
				found = found || strings.Contains(w, tc.why) && strings.HasSuffix(w, ": what crosses the transit gateway through it is indeterminate")
			}
			assert.True(t, found, "a warning says why: %q", rep.Warnings)
		})
	}
}

// withUnknownAutoAccept makes the gateway's auto_accept_shared_attachments
// known only after apply.
func withUnknownAutoAccept(t *testing.T, plan []byte) []byte {
	return planEdit(t, plan, func(p map[string]any) {
		for _, r := range p["resource_changes"].([]any) {
			if r := r.(map[string]any); r["address"] == "aws_ec2_transit_gateway.hub" {
				r["change"].(map[string]any)["after_unknown"].(map[string]any)["auto_accept_shared_attachments"] = true
			}
		}
	})
}
