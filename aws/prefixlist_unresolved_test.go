package aws_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The S3 list described by describe-managed-prefix-lists (which lists the
// AWS-managed lists too) without its entries: the gateway endpoint's route
// by it must be unresolved, S3 traffic indeterminate, never a failed load.
func TestLoadGatewayEndpointListWithoutEntries(t *testing.T) {
	fsys := gwFS(t, map[string]string{"prefix-lists.json": `{"PrefixLists": [
		{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4", "State": "create-complete", "OwnerId": "AWS"},
		{"PrefixListId": "pl-02cd2c6b", "PrefixListName": "com.amazonaws.us-east-1.dynamodb", "Cidrs": ["3.218.180.0/22", "52.94.0.0/22"]}]}`})
	m, rep, err := aws.LoadFS(fsys, "gw")
	require.NoError(t, err)
	assert.Equal(t, []string{"pl-63a5400a"}, m.UnresolvedPrefixLists())
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "prefix list pl-63a5400a is used but its entries are not in the input")
	r, err := m.Check(reach.Query{From: "app", To: "54.231.7.7", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	_, err = m.PrefixList("pl-63a5400a")
	var u *sg.UnknownEntries
	require.ErrorAs(t, err, &u)
	assert.Equal(t, sg.FamilyIPv4, u.Family, "the list keeps its AddressFamily: it matches no IPv6 address")
}

// A security group rule by a list counts as the list's MaxEntries against
// the rules quota, whatever entries it holds. A list described with its
// MaxEntries (describe-managed-prefix-lists) but without entries is still
// above the quota: the warning must not depend on the entries being held.
func TestLoadQuotaOfAListWithoutEntries(t *testing.T) {
	const described = `{"PrefixLists": [{"PrefixListId": "pl-0a1b2c3d4e5f60789", "AddressFamily": "IPv4", "State": "create-complete",
		"PrefixListName": "web-hosts", "MaxEntries": 10, "Version": 1, "OwnerId": "111122223333"}]}`
	const entries = `{"Entries": [{"Cidr": "10.0.1.10/32"}]}`
	quotaWarnings := func(t *testing.T, withEntries bool) []string {
		fsys := loadSampleFS(t)
		delete(fsys, "aws/security-group-rules.json")
		loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
			var ranges []any
			for i := range 55 {
				ranges = append(ranges, map[string]any{"CidrIp": fmt.Sprintf("192.0.2.%d/32", i+1)})
			}
			loadAppend(doc, map[string]any{"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 1000, "UserIdGroupPairs": []any{}, "IpRanges": ranges,
				"Ipv6Ranges": []any{}, "PrefixListIds": []any{map[string]any{"PrefixListId": "pl-0a1b2c3d4e5f60789"}}}, "SecurityGroups", 0, "IpPermissions")
		})
		fsys["aws/prefix-lists.json"] = &fstest.MapFile{Data: []byte(described)}
		if withEntries {
			fsys["aws/pl-0a1b2c3d4e5f60789.json"] = &fstest.MapFile{Data: []byte(entries)}
		}
		_, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		var out []string
		for _, w := range rep.Warnings {
			if strings.Contains(w, "above the quota") {
				out = append(out, w)
			}
		}
		return out
	}
	with := quotaWarnings(t, true)
	require.Len(t, with, 1, "with the entries: 56 + MaxEntries 10 = 66 > 60")
	assert.Contains(t, with[0], "66 inbound IPv4 rules")
	without := quotaWarnings(t, false)
	assert.Equal(t, with, without, "the list's MaxEntries is known from describe-managed-prefix-lists; its entries do not change the count")
}

// get-managed-prefix-list-entries output with a NextToken is one page of
// the list's entries: the others are not in the input (and no other file
// may give more entries of the list: "given twice" is an error), so
// whether app-1 is in the list is unknown. sg-web's answer for app-1
// (tcp/8443, which only the list's rule names) must not be a certain
// SG_NO_ALLOW.
func TestLoadPrefixListEntriesOnePage(t *testing.T) {
	fsys := loadSampleFS(t)
	loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"SecurityGroupRuleId": "sgr-web-pl", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
			"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "PrefixListId": "pl-0a1b2c3d4e5f60789"}`), "SecurityGroupRules")
	})
	loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "UserIdGroupPairs": [], "IpRanges": [],
			"Ipv6Ranges": [], "PrefixListIds": [{"PrefixListId": "pl-0a1b2c3d4e5f60789"}]}`), "SecurityGroups", 1, "IpPermissions")
	})
	fsys["aws/pl-0a1b2c3d4e5f60789.json"] = &fstest.MapFile{Data: []byte(`{"Entries": [{"Cidr": "192.0.2.1/32"}], "NextToken": "eyJ2IjoxfQ=="}`)}
	fsys["aws/managed-prefix-lists.json"] = &fstest.MapFile{Data: []byte(`{"PrefixLists": [{"PrefixListId": "pl-0a1b2c3d4e5f60789", "AddressFamily": "IPv4",
		"PrefixListName": "web-hosts", "MaxEntries": 10}]}`)}
	m, rep, err := aws.LoadFS(fsys, "aws")
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "app-1", To: "web-1", Protocol: flow.TCP, Port: 8443})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "the list's other entries are not in the input:\n%s", r.Text())
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "prefix list pl-0a1b2c3d4e5f60789 is used and its entries are one page of get-managed-prefix-list-entries (NextToken is set)")
	_, err = m.PrefixList("pl-0a1b2c3d4e5f60789")
	var u *sg.UnknownEntries
	require.ErrorAs(t, err, &u)
	assert.Equal(t, sg.FamilyIPv4, u.Family, "describe-managed-prefix-lists gives its AddressFamily")
}

// An AddressFamily is IPv4 or IPv6, and one list has one.
func TestLoadPrefixListAddressFamilyErrors(t *testing.T) {
	tests := []struct {
		name, lists, want string
	}{
		{"another spelling", `{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "ipv4"}]}`,
			`prefix-lists.json: PrefixLists[0].AddressFamily (pl-63a5400a): "ipv4": invalid AWS CLI output: an address family is IPv4 or IPv6`},
		{"two families", `{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4"},
			{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv6"}]}`,
			"prefix list pl-63a5400a is IPv6 here and IPv4 elsewhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := aws.LoadFS(gwFS(t, map[string]string{"prefix-lists.json": tt.lists}), "gw")
			require.ErrorIs(t, err, aws.ErrInvalidDump)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// The list's second page cannot be given in a file of its own: entries
// given twice are an error, never a silent merge or a dropped page.
func TestLoadPrefixListSecondPageIsRefused(t *testing.T) {
	fsys := loadSampleFS(t)
	fsys["aws/pl-0a1b2c3d4e5f60789.json"] = &fstest.MapFile{Data: []byte(`{"Entries": [{"Cidr": "192.0.2.1/32"}], "NextToken": "eyJ2IjoxfQ=="}`)}
	fsys["aws/pl-0a1b2c3d4e5f60789-page2.json"] = &fstest.MapFile{Data: []byte(`{"Entries": [{"Cidr": "10.0.2.0/24"}]}`)}
	_, _, err := aws.LoadFS(fsys, "aws")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "entries of prefix list pl-0a1b2c3d4e5f60789 are given twice")
}
