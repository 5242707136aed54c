package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// acrossAccounts is withZoneGap("acl-deny-b") (att-b: subnet-tb in az-1,
// open; subnet-tb3 in az-3, its network ACL denying everything) with the
// subnets of vpc-a owned by account a and those of vpc-b by account b,
// and the AZ IDs ids gives ("" for none).
func acrossAccounts(a, b string, ids map[string]string) *tgwDesign {
	d := withZoneGap("acl-deny-b")
	for i := range d.subnets {
		s := &d.subnets[i]
		s.OwnerID = a
		if s.VPC == "vpc-b" {
			s.OwnerID = b
		}
		s.AvailabilityZoneID = ids[s.ID]
	}
	return d
}

// A transit gateway leaves a packet through the destination attachment's
// subnet in the zone it entered by, a physical place: AZ IDs are the same
// in every account, zone names are not (AWS Regions and Availability
// Zones, "AZ IDs"). So the AZ IDs decide; names decide within one owner;
// across owners without AZ IDs the exit is undecided, never certain.
func TestTransitGatewayExitZoneAcrossAccounts(t *testing.T) {
	// subnet-tb3 (az-3 of account 222) is use1-az1, the physical zone of
	// az-1 of account 111; subnet-tb (az-1 of account 222) is use1-az4
	swapped := map[string]string{"subnet-a": "use1-az1", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
		"subnet-b": "use1-az4", "subnet-b2": "use1-az4", "subnet-tb": "use1-az4", "subnet-tb3": "use1-az1"}
	tests := []struct {
		name    string
		d       *tgwDesign
		outcome reach.Outcome
		codes   []reach.Code
		text    string
	}{
		{"one account, no AZ IDs: names decide", acrossAccounts("111", "111", nil), reach.Reachable, nil, "subnet-tb"},
		{"no owner named, no AZ IDs: one account, names decide", acrossAccounts("", "", nil), reach.Reachable, nil, "subnet-tb"},
		{"two accounts, no AZ IDs: undecided", acrossAccounts("111", "222", nil),
			reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "subnet-tb (az-1 of account 222)"},
		{"one owner named, the other not, no AZ IDs: undecided", acrossAccounts("111", "", nil),
			reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "an owner the input does not name"},
		{"two accounts, AZ IDs: subnet-tb3 is the zone, its ACL blocks", acrossAccounts("111", "222", swapped),
			reach.Unreachable, []reach.Code{reach.ACLDefaultDeny}, "acl-deny-b (subnet-tb3)"},
		{"one account, AZ IDs: the IDs decide over the names", acrossAccounts("111", "111", swapped),
			reach.Unreachable, []reach.Code{reach.ACLDefaultDeny}, "acl-deny-b (subnet-tb3)"},
		{"two accounts, AZ IDs alike the names: certain", acrossAccounts("111", "222", map[string]string{"subnet-a": "use1-az1", "subnet-ta": "use1-az1", "subnet-tb": "use1-az1", "subnet-tb3": "use1-az3"}),
			reach.Reachable, nil, "subnet-tb"},
		{"two accounts, the source's AZ ID missing: undecided", acrossAccounts("111", "222", map[string]string{"subnet-tb": "use1-az1", "subnet-tb3": "use1-az3"}),
			reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "AZ IDs"},
	}
	q := tcp("app-a", "app-b", 443)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d.build(t)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			assert.True(t, strings.Contains(r.Text(), tt.text), "%q not in %s", tt.text, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The set questions answer the exit zone across accounts as Check does.
func TestTransitGatewayExitZoneAcrossAccountsSets(t *testing.T) {
	swapped := map[string]string{"subnet-a": "use1-az1", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
		"subnet-b": "use1-az4", "subnet-b2": "use1-az4", "subnet-tb": "use1-az4", "subnet-tb3": "use1-az1"}
	for name, d := range map[string]*tgwDesign{
		"two accounts, no AZ IDs": acrossAccounts("111", "222", nil),
		"two accounts, AZ IDs":    acrossAccounts("111", "222", swapped),
		"one account, no AZ IDs":  acrossAccounts("111", "111", nil),
	} {
		t.Run(name, func(t *testing.T) {
			m := d.build(t)
			brute.CheckSetAnswers(t, m, brute.Options{Few: true,
				Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-b", To: "app-a", Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a", Protocol: flow.TCP, Port: 443}},
			})
		})
	}
}
