package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two dumps of testdata/diff: the sample, and a copy whose web group
// lets SSH in from anywhere and whose app group takes the web tier on
// 8443 instead of 8080.
const (
	diffBefore = "testdata/diff/before"
	diffAfter  = "testdata/diff/after"
)

func TestRunDiff(t *testing.T) {
	runRows(t, []row{
		{name: "a change", args: []string{"diff", "--before", diffBefore, "--after", diffAfter}, code: 1, out: []string{
			"G2: web-1 (eni-web1) 10.0.1.10 [C3 -> C3]",
			"G2 -> G1: gained tcp 8443; lost tcp 8080",
			"cause: security-group sg-app (on the path before and after): rule removed: inbound sgr-app-http allows tcp/8080 from sg-web; rule added: inbound sgr-app-http allows tcp/8443 from sg-web",
			"G1 -> G2: gained tcp 22",
			"security-group sg-web changed\n    rule added: inbound sgr-web-ssh-any allows tcp/22 from 0.0.0.0/0\n"}},
		{name: "the change undone", args: []string{"diff", "--before", diffAfter, "--after", diffBefore}, code: 1, out: []string{
			"G2 -> G1: gained tcp 8080; lost tcp 8443", "G1 -> G2: lost tcp 22", "rule removed: inbound sgr-web-ssh-any"}},
		{name: "no change", args: []string{"diff", "--before", diffBefore, "--after", diffBefore}, code: 0, out: []string{
			"changes: none (every pair carries what it did)\nresources changed: none\n"}},
		{name: "missing after", args: []string{"diff", "--before", diffBefore}, code: 2, errs: []string{"missing --after (or --after-terraform)"}},
		{name: "missing before", args: []string{"diff", "--after", diffAfter}, code: 2, errs: []string{"missing --before"}},
		{name: "both inputs", args: []string{"diff", "--before", diffBefore, "--before-terraform", "plan.json", "--after", diffAfter}, code: 2,
			errs: []string{"--before and --before-terraform exclude each other"}},
		{name: "bad input", args: []string{"diff", "--before", "testdata/diff/nowhere", "--after", diffAfter}, code: 2, errs: []string{"reachsim diff: before:"}},
		{name: "twice", args: []string{"diff", "--before", diffBefore, "--before", diffAfter, "--after", diffAfter}, code: 2, errs: []string{"--before"}},
		{name: "unknown flag", args: []string{"diff", "--aws", diffBefore}, code: 2, errs: []string{"--aws"}},
	})
}

// TestRunDiffJSON checks the JSON schema a CI job reads.
func TestRunDiffJSON(t *testing.T) {
	code, stdout, stderr := runArgs("diff", "--before", diffBefore, "--after", diffAfter, "--json")
	require.Equal(t, 1, code, stderr)
	var d struct {
		Groups []struct {
			Name, Status, Before, After string
			Members                     []struct{ ID, Name, Address string }
		}
		Changes []struct {
			From, To            string
			Gained, Lost        map[string]any
			IndeterminateGained map[string]any `json:"indeterminate_gained"`
			Causes              []struct {
				Kind, ID, Change string
				Details          []string
				OnPath           string `json:"on_path"`
			}
		}
		Resources []struct{ Kind, ID, Change string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &d))
	require.Len(t, d.Changes, 2)
	byPair := map[string]int{}
	for i, c := range d.Changes {
		byPair[c.From+">"+c.To] = i
	}
	names := map[string]string{}
	for _, g := range d.Groups {
		names[g.Members[0].Name] = g.Name
	}
	c := d.Changes[byPair[names["web-1"]+">"+names["app-1"]]]
	assert.Equal(t, "8443", c.Gained["tcp"])
	assert.Equal(t, "8080", c.Lost["tcp"])
	assert.Equal(t, "none", c.IndeterminateGained["tcp"])
	require.Len(t, c.Causes, 1)
	assert.Equal(t, "security-group", c.Causes[0].Kind)
	assert.Equal(t, "sg-app", c.Causes[0].ID)
	assert.Equal(t, "both", c.Causes[0].OnPath)
	assert.Equal(t, []struct{ Kind, ID, Change string }{{"security-group", "sg-app", "changed"}, {"security-group", "sg-web", "changed"}}, d.Resources)
}

// narrowedDump copies the dump before and narrows sg-web's HTTPS rule
// from 0.0.0.0/0 to block in both of its files.
func narrowedDump(t *testing.T, block string) string {
	t.Helper()
	out := t.TempDir()
	ents, err := os.ReadDir(diffBefore)
	require.NoError(t, err)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(diffBefore, e.Name()))
		require.NoError(t, err)
		s := string(b)
		switch e.Name() {
		case "security-group-rules.json":
			old := "\"CidrIpv4\": \"0.0.0.0/0\",\n            \"Description\": \"HTTPS\","
			require.Equal(t, 1, strings.Count(s, old))
			s = strings.Replace(s, old, "\"CidrIpv4\": \""+block+"\",\n            \"Description\": \"HTTPS\",", 1)
		case "security-groups.json":
			old := "\"Description\": \"HTTPS\",\n                            \"CidrIp\": \"0.0.0.0/0\""
			require.Equal(t, 1, strings.Count(s, old))
			s = strings.Replace(s, old, "\"Description\": \"HTTPS\",\n                            \"CidrIp\": \""+block+"\"", 1)
		}
		require.NoError(t, os.WriteFile(filepath.Join(out, e.Name()), []byte(s), 0o644))
	}
	return out
}

// TestRunDiffInternetAddresses: narrowing or widening the internet
// addresses a rule lets in changes no port of the internet's union
// (some address still gets tcp/443), yet hosts gain or lose it: diff
// lists the pair, exits 1 and names the addresses, in text and JSON.
func TestRunDiffInternetAddresses(t *testing.T) {
	narrow := narrowedDump(t, "198.51.100.0/24")
	runRows(t, []row{
		{name: "narrowed", args: []string{"diff", "--before", diffBefore, "--after", narrow}, code: 1, out: []string{
			"internet -> G2: lost tcp 443\n    internet addresses every one but 198.51.100.0/24: lost tcp 443\n",
			"cause: security-group sg-web"}},
		{name: "widened", args: []string{"diff", "--before", narrow, "--after", diffBefore}, code: 1, out: []string{
			"internet -> G2: gained tcp 443\n    internet addresses every one but 198.51.100.0/24: gained tcp 443\n"}},
	})
	code, stdout, stderr := runArgs("diff", "--before", narrow, "--after", narrowedDump(t, "198.51.100.0/25"), "--json")
	require.Equal(t, 1, code, stderr)
	var d struct {
		Changes []struct {
			From, To  string
			Lost      map[string]any
			Addresses []struct {
				Addresses []string
				Lost      map[string]any
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &d), stdout)
	require.Len(t, d.Changes, 1, stdout)
	c := d.Changes[0]
	assert.Equal(t, "internet", c.From)
	assert.Equal(t, "443", c.Lost["tcp"])
	require.Len(t, c.Addresses, 1)
	assert.Equal(t, []string{"198.51.100.128/25"}, c.Addresses[0].Addresses, "exactly the addresses that lost tcp/443")
	assert.Equal(t, "443", c.Addresses[0].Lost["tcp"])
}

// TestRunDiffNoInternet: README, diff: "--no-internet leaves the internet
// node out, as in matrix: only pairs of interfaces are compared, listed
// and counted in the exit status (every resource that changed is still
// listed)". Narrowing sg-web's HTTPS rule to 10.0.0.0/8 changes only what
// the internet gets.
func TestRunDiffNoInternet(t *testing.T) {
	narrow := narrowedDump(t, "10.0.0.0/8")
	resource := "resources changed:\n  security-group sg-web changed\n    rule removed: inbound sgr-web-https allows tcp/443 from 0.0.0.0/0\n"
	runRows(t, []row{
		{name: "with the internet", args: []string{"diff", "--before", diffBefore, "--after", narrow}, code: 1, out: []string{
			"  internet: every internet address\n", "internet -> G1: lost tcp 443\n", resource}},
		{name: "without the internet", args: []string{"diff", "--before", diffBefore, "--after", narrow, "--no-internet"}, code: 0, out: []string{
			"changes: none (every pair carries what it did)\n" + resource}},
	})
	_, stdout, _ := runArgs("diff", "--before", diffBefore, "--after", narrow, "--no-internet")
	assert.NotContains(t, stdout, "internet ->")
}
