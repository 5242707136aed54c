package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// tgwReferenceFS is tgwIPv6FS with B's group letting tcp 443 in from the
// members of A's group (sg-vpc-a) only, tgw-1's Options gw and each VPC
// attachment's Options opts (either "" for none).
func tgwReferenceFS(gw, opts string) fstest.MapFS {
	fsys := tgwIPv6FS(opts)
	all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}]`
	fsys["dump/security-groups.json"] = &fstest.MapFile{Data: []byte(`{"SecurityGroups": [
		{"GroupId": "sg-vpc-a", "GroupName": "app", "VpcId": "vpc-a", "IpPermissions": ` + all + `, "IpPermissionsEgress": ` + all + `},
		{"GroupId": "sg-vpc-b", "GroupName": "web", "VpcId": "vpc-b", "IpPermissionsEgress": ` + all + `, "IpPermissions": [
			{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": "sg-vpc-a"}]}]}]}`)}
	f := fsys["dump/transit-gateways.json"]
	if gw != "" {
		gw = `, "Options": {` + gw + `}`
	}
	f.Data = []byte(strings.Replace(string(f.Data), `"Options": {"SecurityGroupReferencingSupport": "disable"}`, strings.TrimPrefix(gw, ", "), 1))
	if gw == "" {
		f.Data = []byte(strings.Replace(string(f.Data), `"State": "available", }`, `"State": "available"}`, 1))
	}
	return fsys
}

// TestLoadTransitGatewaySecurityGroupReferencing: the transit gateway's
// and the VPC attachments' Options.SecurityGroupReferencingSupport are
// read: a reference of B's inbound rule to A's group matches across the
// gateway when the gateway enables it and no attachment disables it;
// absent (a dump from before AWS added it) the option is unknown, with a
// warning, and the check undecided where the reference decides.
func TestLoadTransitGatewaySecurityGroupReferencing(t *testing.T) {
	q := reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 443}
	on, off := `"SecurityGroupReferencingSupport": "enable"`, `"SecurityGroupReferencingSupport": "disable"`
	tests := []struct {
		name     string
		gw, opts string
		outcome  reach.Outcome
		warning  string // a word of the one warning, "" for none
	}{
		{"enabled on the gateway and the attachments", on, on, reach.Reachable, ""},
		{"disabled on the gateway, AWS's default", off, on, reach.Unreachable, ""},
		{"disabled on the attachments", on, off, reach.Unreachable, ""},
		{"absent on the gateway", `"DnsSupport": "enable"`, on, reach.Indeterminate, "transit gateway tgw-1"},
		{"no Options on the gateway", "", on, reach.Indeterminate, "transit gateway tgw-1"},
		{"absent on the attachments, the gateway enabling it", on, `"Ipv6Support": "disable"`, reach.Indeterminate, "VPC attachment tgw-attach-a"},
		{"absent on the attachments, the gateway disabling it", off, "", reach.Unreachable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, rep, err := aws.LoadFS(tgwReferenceFS(tt.gw, tt.opts), "dump")
			require.NoError(t, err)
			if tt.warning == "" {
				assert.Empty(t, rep.Warnings)
			} else {
				require.NotEmpty(t, rep.Warnings)
				assert.Contains(t, rep.Warnings[0], "SecurityGroupReferencingSupport")
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), tt.warning)
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.outcome == reach.Indeterminate {
				assert.Equal(t, []reach.Code{reach.SGIndeterminate}, r.Codes(), r.Text())
				assert.Contains(t, r.Undecided()[0].Missing, "Options.SecurityGroupReferencingSupport")
			}
		})
	}
}

// A referencing support AWS does not print is an error at its place.
func TestLoadTransitGatewaySecurityGroupReferencingInvalid(t *testing.T) {
	_, _, err := aws.LoadFS(tgwReferenceFS(`"SecurityGroupReferencingSupport": "on"`, ""), "dump")
	faults := loadFaults(t, err)
	require.NotEmpty(t, faults, err.Error())
	assert.Equal(t, "TransitGateways[0].Options.SecurityGroupReferencingSupport", faults[0].Path)
}
