package terraform_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// providerData is a data source (data.typ.name) read through provider
// configuration key, with its values.
type providerData struct {
	typ, name, key string
	values         map[string]any
}

// withProviders gives the configuration of each resource of plan the
// provider configuration keys names (its address: "aws" unless named),
// and adds the data sources, read, to its prior_state and configuration.
func withProviders(t *testing.T, plan []byte, keys map[string]string, data ...providerData) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	root := doc["configuration"].(map[string]any)["root_module"].(map[string]any)
	cfg, _ := root["resources"].([]any)
	for _, c := range cfg {
		c := c.(map[string]any)
		c["provider_config_key"] = "aws"
		if k, ok := keys[c["address"].(string)]; ok {
			c["provider_config_key"] = k
		}
	}
	var state []any
	for _, d := range data {
		addr := "data." + d.typ + "." + d.name
		state = append(state, map[string]any{"address": addr, "mode": "data", "type": d.typ, "name": d.name, "values": d.values})
		cfg = append(cfg, map[string]any{"address": addr, "mode": "data", "type": d.typ, "name": d.name, "provider_config_key": d.key, "expressions": map[string]any{}})
	}
	root["resources"] = cfg
	doc["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": state}}}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// callerOf is a data.aws_caller_identity of provider configuration key.
func callerOf(name, key, account string) providerData {
	return providerData{typ: "aws_caller_identity", name: name, key: key, values: map[string]any{"account_id": account, "id": account}}
}

// withVPCOwner gives aws_vpc.a of peeringResources an owner_id.
func withVPCOwner(rs []planRes, owner string) []planRes {
	for i := range rs {
		if rs[i].typ == "aws_vpc" && rs[i].name == "a" {
			rs[i].values["owner_id"] = owner
		}
	}
	return rs
}

// TestPeeringAutoAcceptAccounts: the provider accepts a connection it
// creates with auto_accept as its requester, which AWS allows only within
// one account. Where the plan shows the requester's account (its VPC's
// owner_id, or a data.aws_caller_identity of the connection's provider
// configuration) and peer_owner_id is another, the apply fails: the plan
// is refused, naming the connection and auto_accept. Where it shows the
// same account, or peer_owner_id is left out (the requester's), the
// connection is active. Where it shows no account (a caller identity of
// another provider configuration says nothing of the connection's), or
// peer_owner_id is known only after apply, the status is undecided
// (PEERING_STATUS_UNKNOWN), never a certain active, and an accepter of
// the plan does not make it active (a failed apply runs none).
func TestPeeringAutoAcceptAccounts(t *testing.T) {
	const us, them = "111122223333", "222233334444"
	autoTo := func(owner string) map[string]any { return map[string]any{"auto_accept": true, "peer_owner_id": owner} }
	for _, tc := range []struct {
		name    string
		rs      []planRes
		keys    map[string]string
		data    []providerData
		err     string // the refusal: "" when the plan loads
		want    reach.Outcome
		missing string // in the undecided status
	}{
		{name: "another account than the VPC's owner: refused", rs: withVPCOwner(peeringResources(autoTo(them)), us),
			err: "auto_accept accepts only a connection within one account, and peer_owner_id 222233334444 is not the requester's account 111122223333 (owner_id of aws_vpc.a)"},
		{name: "another account than the caller's: refused", rs: peeringResources(autoTo(them)), data: []providerData{callerOf("current", "aws", us)},
			err: "peer_owner_id 222233334444 is not the requester's account 111122223333 (data.aws_caller_identity.current.account_id)"},
		{name: "the VPC owner's account: active", rs: withVPCOwner(peeringResources(autoTo(us)), us), want: reach.Reachable},
		{name: "the caller's account: active", rs: peeringResources(autoTo(us)), data: []providerData{callerOf("current", "aws", us)}, want: reach.Reachable},
		{name: "peer_owner_id left out: the requester's account", rs: peeringResources(map[string]any{"auto_accept": true}), want: reach.Reachable},
		{name: "no account shown: undecided", rs: peeringResources(autoTo(them)), want: reach.Indeterminate,
			missing: "the plan does not show whether peer_owner_id 222233334444 is the requester's account, the owner of aws_vpc.a"},
		{name: "the caller of another provider configuration says nothing", rs: peeringResources(autoTo(them)),
			data: []providerData{callerOf("peer", "aws.peer", them)}, want: reach.Indeterminate, missing: "the plan does not show whether peer_owner_id"},
		{name: "no account shown, an accepter of the plan: still undecided",
			rs:   append(peeringResources(autoTo(them)), accepterOf(map[string]any{"auto_accept": true}, map[string]any{})),
			keys: map[string]string{"aws_vpc_peering_connection_accepter.ab": "aws.peer"}, want: reach.Indeterminate,
			missing: "the plan does not show whether peer_owner_id"},
		{name: "peer_owner_id known only after apply: undecided", rs: func() []planRes {
			rs := peeringResources(map[string]any{"auto_accept": true})
			rs[0].unknown["peer_owner_id"], rs[0].exprs["peer_owner_id"] = true, []string{"aws_vpc.b.owner_id", "aws_vpc.b"}
			return rs
		}(), data: []providerData{callerOf("current", "aws", us)}, want: reach.Indeterminate, missing: "its peer_owner_id is known only after apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := withProviders(t, planOf(t, tc.rs...), tc.keys, tc.data...)
			m, err := terraform.Parse("plan.json", plan, nil)
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), err.Error())
				assert.Contains(t, err.Error(), "aws_vpc_peering_connection.ab: auto_accept: invalid Terraform plan: ")
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_network_interface.a", "aws_network_interface.b", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Codes(), reach.PeeringStatusUnknown, r.Text())
				assert.Contains(t, strings.Join(r.Unknowns, "\n")+r.Text(), tc.missing, r.Text())
			}
		})
	}
}
