package aws_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// Members of the EC2 API shapes that the loader does not read load
// without an unknown-key warning: they are real, and the AWS CLI prints
// them when set. Before, a route table association's PublicIpv4Pool (a
// BYOIP pool; EC2 API Reference, API_RouteTableAssociation) was warned of
// as "the AWS API has no such member here" (audit new26 #9). A key the
// shape does not have still warns, next to it.
func TestLoadKnowsUnreadAPIMembers(t *testing.T) {
	const tail = ` ignored: the AWS API has no such member here`
	tests := []struct {
		name string
		edit func(t *testing.T, fsys fstest.MapFS)
		want []string
	}{
		{"a route table association's PublicIpv4Pool", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
				loadObj(doc, "RouteTables", 0, "Associations", 0)["PublicIpv4Pool"] = "ipv4pool-ec2-012345"
			})
		}, nil},
		{"PublicIpv4Pool next to a misspelled key", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
				a := loadObj(doc, "RouteTables", 0, "Associations", 0)
				a["PublicIpv4Pool"] = "ipv4pool-ec2-012345"
				a["PublicIpv4PoolId"] = "ipv4pool-ec2-012345"
			})
		}, []string{`aws/route-tables.json: RouteTables[0].Associations[0]: unknown key "PublicIpv4PoolId"` + tail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadDirFS(t, "shop")
			tt.edit(t, fsys)
			_, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			assert.Equal(t, tt.want, unknownKeyWarnings(rep))
		})
	}
}
