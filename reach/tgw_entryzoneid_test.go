package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// zoneIDsOnly is acrossAccounts of one account with the given AZ IDs and
// no zone names, except those of keep: what a Terraform aws_subnet set
// with availability_zone_id gives before apply, or a dump edited down.
func zoneIDsOnly(ids map[string]string, keep ...string) *tgwDesign {
	d := acrossAccounts("111", "111", ids)
	for i := range d.subnets {
		if !slices.Contains(keep, d.subnets[i].ID) {
			d.subnets[i].AvailabilityZone = ""
		}
	}
	return d
}

// A packet enters a transit gateway through the attachment's subnet in
// the zone of the subnet it leaves (Amazon VPC Transit Gateways, "Amazon
// VPC attachments"). The entry matches zones as the exit does
// (tgw_zone.go): by AZ ID when both are known, else by name within one
// owner. Before, the entry read zone names only: subnets with AZ IDs and
// no names were TGW_ENTRY_ZONE_UNKNOWN, "the zone of subnet-a is not in
// the input", and the IDs did not decide over the names (audit new26 #8).
func TestTransitGatewayEntryZoneByAZID(t *testing.T) {
	same := map[string]string{"subnet-a": "use1-az1", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
		"subnet-b": "use1-az1", "subnet-b2": "use1-az1", "subnet-tb": "use1-az1", "subnet-tb3": "use1-az3"}
	with := func(ids map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for id, z := range ids {
			if id != k {
				out[id] = z
			}
		}
		return out
	}
	tests := []struct {
		name    string
		d       func() *tgwDesign
		outcome reach.Outcome
		codes   []reach.Code
		text    []string
	}{
		{"AZ IDs only: subnet-ta is in the source's zone", func() *tgwDesign { return zoneIDsOnly(same) },
			reach.Reachable, nil, []string{"subnet-ta", "subnet-tb"}},
		{"AZ IDs only, no attachment subnet in the source's zone: certain, the fix names the zone by its ID", func() *tgwDesign {
			return zoneIDsOnly(with(same, "subnet-a", "use1-az5"))
		}, reach.Unreachable, []reach.Code{reach.TGWNoAttachmentInAZ}, []string{"has no subnet in use1-az5, the zone of subnet-a", "add a subnet in use1-az5 to attachment att-a"}},
		{"the AZ IDs decide over the names: the packet enters by subnet-ta2, whose ACL denies", func() *tgwDesign {
			ids := map[string]string{"subnet-a": "use1-az2", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
				"subnet-b": "use1-az2", "subnet-b2": "use1-az2", "subnet-tb": "use1-az2", "subnet-tb3": "use1-az3"}
			d := acrossAccounts("111", "111", ids)
			d.subnet("subnet-ta2").ACL = "acl-deny-a"
			return d
		}, reach.Unreachable, []reach.Code{reach.ACLDefaultDeny, "RETURN_ACL_DEFAULT_DENY"}, []string{"acl-deny-a (subnet-ta2) inbound"}},
		{"the source's AZ ID only, an attachment subnet's name only: undecided, named by what is known", func() *tgwDesign {
			d := zoneIDsOnly(with(same, "subnet-ta", ""), "subnet-ta", "subnet-ta2")
			return d
		}, reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}, []string{"no subnet known to be in use1-az1, the zone of subnet-a", "subnet-ta (az-1)", "AZ IDs"}},
	}
	q := tcp("app-a", "app-b", 443)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d().build(t)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			for _, s := range tt.text {
				assert.Contains(t, r.Text(), s)
			}
			assert.NotContains(t, r.Text(), "is not in the input")
			for _, h := range r.Undecided() {
				assert.NotEmpty(t, h.Missing, "an undecided hop names what is missing")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The set questions answer the entry zone by AZ ID as Check does.
func TestTransitGatewayEntryZoneByAZIDSets(t *testing.T) {
	same := map[string]string{"subnet-a": "use1-az1", "subnet-a2": "use1-az2", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
		"subnet-b": "use1-az1", "subnet-b2": "use1-az1", "subnet-tb": "use1-az1", "subnet-tb3": "use1-az3"}
	m := zoneIDsOnly(same).build(t)
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-b", To: "app-a", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a", Protocol: flow.TCP, Port: 443}},
	})
}
