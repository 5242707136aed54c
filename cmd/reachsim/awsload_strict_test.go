package main

// Regression tests for the AWS loader's findings of audit cli26 (1, 2, 6,
// 7, 8, 9): input that does not decide the answer, or that AWS never
// prints, is refused with the place and the text, never read as a certain
// answer.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strictList(v any, k string) []any { return v.(map[string]any)[k].([]any) }
func strictObj(v any) map[string]any   { return v.(map[string]any) }
func strictFind(l []any, k, id string) map[string]any {
	for _, x := range l {
		if m := strictObj(x); m[k] == id {
			return m
		}
	}
	return nil
}

// strictPublicRoute returns rtb-public's 0.0.0.0/0 route of d.
func strictPublicRoute(d map[string]any) map[string]any {
	rt := strictFind(strictList(d, "RouteTables"), "RouteTableId", "rtb-public")
	return strictFind(strictList(rt, "Routes"), "DestinationCidrBlock", "0.0.0.0/0")
}

// strictWeb1 returns eni-web1 of d (network-interfaces.json).
func strictWeb1(d map[string]any) map[string]any {
	return strictFind(strictList(d, "NetworkInterfaces"), "NetworkInterfaceId", "eni-web1")
}

var strictInternet443 = []string{"--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"}

func TestAWSLoadRefusesWhatAWSNeverPrints(t *testing.T) {
	tests := []struct {
		name, file string
		edit       func(t *testing.T, d map[string]any)
		want       []string // in stderr
	}{
		{"security-groups.json and security-group-rules.json disagree on a rule", "security-groups.json", func(t *testing.T, d map[string]any) {
			g := strictFind(strictList(d, "SecurityGroups"), "GroupId", "sg-web")
			perm := strictObj(strictList(g, "IpPermissions")[0])
			require.EqualValues(t, 443, perm["FromPort"])
			strictObj(strictList(perm, "IpRanges")[0])["CidrIp"] = "10.0.0.0/8"
		}, []string{"sg-web", "security-groups.json", "security-group-rules.json", "list different rules", "0.0.0.0/0"}},
		{"route State Blackhole", "route-tables.json", func(t *testing.T, d map[string]any) { strictPublicRoute(d)["State"] = "Blackhole" },
			[]string{"route-tables.json", ".State", `"Blackhole"`, "unknown route state"}},
		{"route State weird", "route-tables.json", func(t *testing.T, d map[string]any) { strictPublicRoute(d)["State"] = "weird" },
			[]string{"route-tables.json", ".State", `"weird"`, "unknown route state"}},
		{"route with two targets", "route-tables.json", func(t *testing.T, d map[string]any) {
			r := strictPublicRoute(d)
			require.Equal(t, "vpce-fw", r["GatewayId"])
			r["NatGatewayId"] = "nat-demo"
		}, []string{"route-tables.json", "two targets", "GatewayId", "NatGatewayId", "nat-demo", "vpce-fw"}},
		{"route destination with host bits", "route-tables.json", func(t *testing.T, d map[string]any) {
			strictPublicRoute(d)["DestinationCidrBlock"] = "0.0.0.1/0"
		}, []string{"route-tables.json", "DestinationCidrBlock", `"0.0.0.1/0"`, "host bits"}},
		{"subnet block with host bits", "subnets.json", func(t *testing.T, d map[string]any) {
			strictFind(strictList(d, "Subnets"), "SubnetId", "subnet-public")["CidrBlock"] = "10.0.1.5/24"
		}, []string{"subnets.json", "CidrBlock", `"10.0.1.5/24"`, "host bits"}},
		{"interface PrivateIpAddress of IPv6", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictWeb1(d)["PrivateIpAddress"] = "2001:db8:10:1::99" },
			[]string{"network-interfaces.json", "PrivateIpAddress", `"2001:db8:10:1::99"`}},
		{"interface PrivateIpAddress no address", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictWeb1(d)["PrivateIpAddress"] = "banana" },
			[]string{"network-interfaces.json", "PrivateIpAddress", `"banana"`}},
		{"interface PrivateIpAddress not in PrivateIpAddresses", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictWeb1(d)["PrivateIpAddress"] = "10.0.1.99" },
			[]string{"network-interfaces.json", "PrivateIpAddress", `"10.0.1.99"`, "none of PrivateIpAddresses"}},
		{"Attachment.Status weird", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictObj(strictWeb1(d)["Attachment"])["Status"] = "weird" },
			[]string{"network-interfaces.json", "Attachment.Status", `"weird"`, "unknown attachment status"}},
		{"Status weird", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictWeb1(d)["Status"] = "weird" },
			[]string{"network-interfaces.json", ".Status", `"weird"`, "unknown network interface status"}},
		{"Status In-Use", "network-interfaces.json", func(t *testing.T, d map[string]any) { strictWeb1(d)["Status"] = "In-Use" },
			[]string{"network-interfaces.json", ".Status", `"In-Use"`, "unknown network interface status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDump(t)
			mutateJSON(t, dir, tt.file, func(d map[string]any) { tt.edit(t, d) })
			code, stdout, stderr := runArgs(append([]string{"check", "--aws", dir}, strictInternet443...)...)
			assert.Equal(t, exitUsage, code, "read without a word:\n%s%s", stdout, stderr)
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
		})
	}
}

// A JSON path longer than 512 bytes is elided once ("first…(N bytes)…last"),
// and the words of the elision fit what stderr quotes of one, so the count
// printed is that of the bytes left out, not of a fragment.
func TestAWSLoadLongPathElidedOnce(t *testing.T) {
	dir := t.TempDir()
	n := 20000
	doc := `{"SecurityGroups":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "deep.json"), []byte(doc), 0o644))
	code, _, stderr := runArgs(append([]string{"check", "--aws", dir}, strictInternet443...)...)
	assert.Equal(t, exitUsage, code)
	assert.NotContains(t, stderr, "bytes) bytes)", "two elisions compound into a garbled size")
	assert.Regexp(t, `…\([0-9]{4,} bytes\)…`, stderr, "the count of the bytes left out")
}

// A misspelled key inside an element ("Ip_Ranges" for IpRanges) drops the
// permission's peers, and with them the rule: the answer changes, and a
// warning on stderr names the file, the permission and the key.
func TestAWSLoadNestedUnknownKeyWarned(t *testing.T) {
	dir := copyDump(t)
	require.NoError(t, os.Remove(filepath.Join(dir, "security-group-rules.json")))
	mutateJSON(t, dir, "security-groups.json", func(d map[string]any) {
		g := strictFind(strictList(d, "SecurityGroups"), "GroupId", "sg-web")
		perm := strictObj(strictList(g, "IpPermissions")[0])
		require.EqualValues(t, 443, perm["FromPort"])
		perm["Ip_Ranges"] = perm["IpRanges"]
		delete(perm, "IpRanges")
		perm["Ipv6Ranges"] = []any{}
	})
	code, stdout, stderr := runArgs(append([]string{"check", "--aws", dir}, strictInternet443...)...)
	assert.Equal(t, 1, code, stdout)
	assert.Contains(t, stderr, `security-groups.json: SecurityGroups[1].IpPermissions[0]: unknown key "Ip_Ranges" ignored`)
}
