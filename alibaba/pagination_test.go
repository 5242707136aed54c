package alibaba_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestParseSecurityGroupRefusesOnePage: DescribeSecurityGroupAttribute
// pages its rules (MaxResults 10–1000, default 500; NextToken names the
// next page). A response whose NextToken is set holds part of the group's
// rules; Alibaba Cloud rules can drop, so a missing page can turn a
// certain Deny into a certain Allow. The reader refuses such a page,
// naming NextToken; an absent, null or empty NextToken is the last (or
// only) page.
func TestParseSecurityGroupRefusesOnePage(t *testing.T) {
	const permissions = `"Permissions": {"Permission": [
    {"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "Policy": "Accept", "Priority": 50,
     "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0", "NicType": "intranet"}
  ]}`
	doc := func(token string) []byte {
		return []byte(`{"SecurityGroupId": "sg-big", "VpcId": "vpc-1", "InnerAccessPolicy": "Accept",` + token + permissions + `}`)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string // "" when the group is read
		text    string // the error's offending text
	}{
		{"a NextToken: one page of several", doc(`"NextToken": "AAAAAdDWBF2",`),
			"one page of a paginated answer", "AAAAAdDWBF2"},
		{"an empty NextToken: the last page", doc(`"NextToken": "",`), "", ""},
		{"a null NextToken", doc(`"NextToken": null,`), "", ""},
		{"no NextToken", doc(``), "", ""},
		{"a NextToken that is no string", doc(`"NextToken": 5,`), "a JSON number where a string was expected", "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup(tt.data, sg.AlibabaBasic)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Len(t, g.Rules, 1)
				return
			}
			require.Error(t, err, "one page of a paginated response was read as the whole group: %d rule(s)", len(g.Rules))
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "NextToken", ie.Path)
			assert.Equal(t, "sg-big", ie.Resource)
			assert.Equal(t, tt.text, ie.Text)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, g.Rules, "no partial group beside the error")
		})
	}
}
