package aws_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sample"
)

// TestCaseVariantKeys: "CidrIp" and "cidrIp" in one object name one field
// (encoding/json matches names ignoring case), so one of the two values
// would be dropped silently: an error naming both, never the last one
// winning.
func TestCaseVariantKeys(t *testing.T) {
	perm := `{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"198.51.100.0/24","cidrIp":"0.0.0.0/0"}]}`
	data := []byte(`{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"g","VpcId":"vpc-1","OwnerId":"1","IpPermissions":[` + perm + `],"IpPermissionsEgress":[]}]}`)
	_, err := aws.ParseSecurityGroups(data)
	require.ErrorIs(t, err, flow.ErrJSON)
	assert.ErrorContains(t, err, `SecurityGroups[0].IpPermissions[0].IpRanges[0].cidrIp (sg-1): "cidrIp": malformed JSON: the keys "CidrIp" and "cidrIp" differ only in case`)

	fsys := fstest.MapFS{}
	files, err := fs.Glob(sample.AWSDump, "aws/*.json")
	require.NoError(t, err)
	for _, f := range files {
		b, err := fs.ReadFile(sample.AWSDump, f)
		require.NoError(t, err)
		s := string(b)
		if strings.HasSuffix(f, "security-group-rules.json") {
			old := `"CidrIpv4": "198.51.100.0/24",`
			require.Contains(t, s, old)
			s = strings.Replace(s, old, old+` "cidrIpv4": "0.0.0.0/0",`, 1)
		}
		fsys[strings.TrimPrefix(f, "aws/")] = &fstest.MapFile{Data: []byte(s)}
	}
	_, _, err = aws.LoadFS(fsys, ".")
	require.ErrorIs(t, err, flow.ErrJSON)
	assert.ErrorContains(t, err, `security-group-rules.json`)
	assert.ErrorContains(t, err, `the keys "CidrIpv4" and "cidrIpv4" differ only in case`)
}
