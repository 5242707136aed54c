package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// A key inside an element that the EC2 API shape does not have (a
// misspelled one, an edited dump) is a warning naming the file, the
// object's JSON path and the key, as an unknown top-level key is; before,
// only top-level keys were checked, and a misspelled "Ip_Ranges" dropped
// a rule without a word. The members of the shapes the loader does not
// read (OwnerId, MacAddress...) stay silent: the sample, a real dump's
// shape, loads without a warning (ExampleLoadFS).
func TestLoadWarnsOfUnknownKeysInElements(t *testing.T) {
	const tail = ` ignored: the AWS API has no such member here`
	tests := []struct {
		name string
		edit func(t *testing.T, fsys fstest.MapFS)
		want []string
	}{
		{"a misspelled IpRanges in a permission", func(t *testing.T, fsys fstest.MapFS) {
			delete(fsys, "aws/security-group-rules.json")
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
				p := loadObj(doc, "SecurityGroups", 1, "IpPermissions", 0)
				p["Ip_Ranges"] = p["IpRanges"]
				delete(p, "IpRanges")
			})
		}, []string{`aws/security-groups.json: SecurityGroups[1].IpPermissions[0]: unknown key "Ip_Ranges"` + tail}},
		{"a key of a group and of a peer", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
				loadObj(doc, "SecurityGroups", 0)["Bogus"] = 1
				loadObj(doc, "SecurityGroups", 1, "IpPermissions", 0, "IpRanges", 0)["Cidr"] = "10.0.0.0/8"
			})
		}, []string{`aws/security-groups.json: SecurityGroups[0]: unknown key "Bogus"` + tail,
			`aws/security-groups.json: SecurityGroups[1].IpPermissions[0].IpRanges[0]: unknown key "Cidr"` + tail}},
		{"a key of a security group rule", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) {
				loadObj(doc, "SecurityGroupRules", 2)["CidrIp"] = "10.0.0.0/8"
			})
		}, []string{`aws/security-group-rules.json: SecurityGroupRules[2]: unknown key "CidrIp"` + tail}},
		{"a key of a network ACL entry", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/network-acls.json", func(doc map[string]any) {
				loadObj(doc, "NetworkAcls", 0, "Entries", 0)["Bogus"] = true
			})
		}, []string{`aws/network-acls.json: NetworkAcls[0].Entries[0]: unknown key "Bogus"` + tail}},
		{"keys of interfaces, one warning per key and shape", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/network-interfaces.json", func(doc map[string]any) {
				loadObj(doc, "NetworkInterfaces", 0)["Bogus"] = "x"
				loadObj(doc, "NetworkInterfaces", 1)["Bogus"] = "x"
				loadObj(doc, "NetworkInterfaces", 1, "Attachment")["Bogus"] = "x"
			})
		}, []string{`aws/network-interfaces.json: NetworkInterfaces[0]: unknown key "Bogus"` + tail + ` (and in 1 more element(s) of this kind)`,
			`aws/network-interfaces.json: NetworkInterfaces[1].Attachment: unknown key "Bogus"` + tail}},
		{"keys of an instance, a subnet, a VPC, a route table and a route", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/instances.json", func(doc map[string]any) {
				loadObj(doc, "Reservations", 0, "Instances", 0)["Bogus"] = 1
			})
			loadEdit(t, fsys, "aws/subnets.json", func(doc map[string]any) { loadObj(doc, "Subnets", 0)["Bogus"] = 1 })
			loadEdit(t, fsys, "aws/vpcs.json", func(doc map[string]any) { loadObj(doc, "Vpcs", 0)["Bogus"] = 1 })
			loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
				loadObj(doc, "RouteTables", 0)["Bogus"] = 1
				loadObj(doc, "RouteTables", 0, "Routes", 0)["Bogus"] = 1
			})
		}, []string{`aws/instances.json: Reservations[0].Instances[0]: unknown key "Bogus"` + tail,
			`aws/subnets.json: Subnets[0]: unknown key "Bogus"` + tail,
			`aws/vpcs.json: Vpcs[0]: unknown key "Bogus"` + tail,
			`aws/route-tables.json: RouteTables[0]: unknown key "Bogus"` + tail,
			`aws/route-tables.json: RouteTables[0].Routes[0]: unknown key "Bogus"` + tail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			tt.edit(t, fsys)
			_, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			var unknown []string
			for _, w := range rep.Warnings {
				if strings.Contains(w, "unknown key") {
					unknown = append(unknown, w)
				}
			}
			assert.ElementsMatch(t, tt.want, unknown)
		})
	}
}
