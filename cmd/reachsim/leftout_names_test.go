package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mutateJSON decodes dir/file, lets edit change it, and writes it back.
func mutateJSON(t *testing.T, dir, file string, edit func(d map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	var d map[string]any
	require.NoError(t, json.Unmarshal(b, &d))
	edit(d)
	b, err = json.MarshalIndent(d, "", " ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

// findIn returns the object of list l whose key k is id, nil when none.
func findIn(l []any, k, id string) map[string]any {
	for _, x := range l {
		if m, _ := x.(map[string]any); m[k] == id {
			return m
		}
	}
	return nil
}

// setWeb1 edits i-web1 in instances.json.
func setWeb1(t *testing.T, dir string, edit func(i map[string]any)) {
	mutateJSON(t, dir, "instances.json", func(d map[string]any) {
		for _, r := range d["Reservations"].([]any) {
			if i := findIn(r.(map[string]any)["Instances"].([]any), "InstanceId", "i-web1"); i != nil {
				edit(i)
			}
		}
	})
}

// An instance the loader leaves out (stopping, pending, its State not
// printed) or an interface attaching has its addresses undecided; from
// the internet, a query naming it by Name tag, instance ID, interface ID
// or public IPv4 address gets the same answer (exit 3,
// UNMODELLED_DESTINATION naming it), and its private address the
// internet gateway's NO_PUBLIC_IP (exit 1), never exit 2 "is no ... in the
// design"; a stopped instance's names give the certain drop naming it.
// As the source, a name says the interface is left out and why (audit
// cli26, finding 3: TestAuditCLI26LeftOutInstanceByName).
func TestCheckLeftOutInstanceByName(t *testing.T) {
	every := []string{"10.0.1.10", "web-1", "i-web1", "eni-web1", "203.0.113.10"}
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		tos   []string
		code  int
		words string
	}{
		{"stopping", func(t *testing.T, dir string) {
			setWeb1(t, dir, func(i map[string]any) { i["State"].(map[string]any)["Name"] = "stopping" })
		}, every, exitIndeterminate, "which is stopping"},
		{"pending", func(t *testing.T, dir string) {
			setWeb1(t, dir, func(i map[string]any) { i["State"].(map[string]any)["Name"] = "pending" })
		}, every, exitIndeterminate, "which is pending"},
		{"no State", func(t *testing.T, dir string) {
			setWeb1(t, dir, func(i map[string]any) { delete(i, "State") })
		}, every, exitIndeterminate, "in a state the input does not print"},
		{"interface attaching", func(t *testing.T, dir string) {
			mutateJSON(t, dir, "network-interfaces.json", func(d map[string]any) {
				e := findIn(d["NetworkInterfaces"].([]any), "NetworkInterfaceId", "eni-web1")
				e["Attachment"].(map[string]any)["Status"] = "attaching"
			})
			setWeb1(t, dir, func(i map[string]any) {
				for _, n := range i["NetworkInterfaces"].([]any) {
					n.(map[string]any)["Attachment"].(map[string]any)["Status"] = "attaching"
				}
			})
		}, []string{"10.0.1.10", "eni-web1", "203.0.113.10"}, exitIndeterminate, "that is attaching"},
		{"stopped", func(t *testing.T, dir string) {
			setWeb1(t, dir, func(i map[string]any) { i["State"].(map[string]any)["Name"] = "stopped" })
		}, []string{"10.0.1.10", "web-1", "i-web1", "eni-web1"}, exitNotReachable, "which delivers it to no host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDump(t)
			tc.edit(t, dir)
			for _, to := range tc.tos {
				code, stdout, stderr := runArgs("check", "--aws", dir, "--from", "198.51.100.7", "--to", to, "--proto", "tcp", "--port", "443")
				assert.NotContains(t, stderr, "in the design", "--to %s", to)
				assert.Contains(t, stdout, "eni-web1", "--to %s: the answer names the interface", to)
				if to == "10.0.1.10" && tc.code == exitIndeterminate {
					// the internet cannot address a private address,
					// whatever holds it (audit new26, finding 3)
					assert.Equal(t, exitNotReachable, code, "--to %s:\n%s%s", to, stdout, stderr)
					assert.Contains(t, stdout, "NO_PUBLIC_IP", "--to %s", to)
					continue
				}
				assert.Equal(t, tc.code, code, "--to %s:\n%s%s", to, stdout, stderr)
				assert.Contains(t, stdout, tc.words, "--to %s: the answer says why it is left out", to)
			}
			if tc.name == "interface attaching" {
				return
			}
			code, _, stderr := runArgs("check", "--aws", dir, "--from", "web-1", "--to", "198.51.100.7", "--proto", "tcp", "--port", "443")
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, `"web-1" is eni-web1, which reachsim leaves out of the model`)
			assert.NotContains(t, stderr, "in the design\n")
		})
	}
}
