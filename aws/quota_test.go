package aws_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

func TestLoadWarnsAboveQuotas(t *testing.T) {
	for _, tt := range []struct {
		name string
		file string
		edit func(doc map[string]any)
		want string
	}{
		{"23 inbound network ACL rules (2 in the sample, 21 added)", "aws/network-acls.json", func(doc map[string]any) {
			for i := range 21 {
				loadAppend(doc, map[string]any{"CidrBlock": fmt.Sprintf("192.0.2.%d/32", i), "Egress": false, "Protocol": "-1",
					"RuleAction": "deny", "RuleNumber": 1000 + i}, "NetworkAcls", 0, "Entries")
			}
		}, "aws/network-acls.json: NetworkAcls[0].Entries: network ACL acl-app: 23 inbound rules, above the quota of 20 (Rules per network ACL, Amazon VPC quotas; adjustable up to 40)"},
		{"51 IPv4 routes", "aws/route-tables.json", func(doc map[string]any) {
			for i := range 51 {
				loadAppend(doc, map[string]any{"DestinationCidrBlock": fmt.Sprintf("100.64.%d.0/24", i), "GatewayId": "igw-demo",
					"Origin": "CreateRoute", "State": "active"}, "RouteTables", 1, "Routes")
			}
		}, "aws/route-tables.json: RouteTables[1].Routes: route table "},
	} {
		t.Run(tt.name+" is a warning with file, JSON path and numbers", func(t *testing.T) {
			fsys := loadSampleFS(t)
			_, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			require.Empty(t, rep.Warnings, "the sample is within every quota")
			loadEdit(t, fsys, tt.file, tt.edit)
			_, rep, err = aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			require.Len(t, rep.Warnings, 1)
			assert.True(t, strings.HasPrefix(rep.Warnings[0], tt.want), "%s", rep.Warnings[0])
		})
	}
	t.Run("a prefix list above its MaxEntries", func(t *testing.T) {
		_, rep, err := aws.Load("testdata/shop")
		require.NoError(t, err)
		for _, w := range rep.Warnings {
			assert.NotContains(t, w, "quota", "the shop dump is within every quota")
		}
		fsys := loadShopFS(t)
		loadEdit(t, fsys, "shop/prefix-lists.json", func(doc map[string]any) {
			loadObj(doc, "PrefixLists", 0)["MaxEntries"] = 1
		})
		_, rep, err = aws.LoadFS(fsys, "shop")
		require.NoError(t, err)
		var quota []string
		for _, w := range rep.Warnings {
			if strings.Contains(w, "quota") {
				quota = append(quota, w)
			}
		}
		require.Len(t, quota, 1, "%q", rep.Warnings)
		assert.Contains(t, quota[0], "shop/prefix-lists.json: PrefixLists[0]: prefix list pl-0a1b2c3d4e5f60789: ")
		assert.Contains(t, quota[0], " entries, above the quota of 1 (")
	})
}

// loadShopFS copies testdata/shop into a MapFS under "shop/".
func loadShopFS(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/shop")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/shop", e.Name()))
		require.NoError(t, err)
		fsys["shop/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	return fsys
}
