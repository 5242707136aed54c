package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fix(args ...string) []string { return append([]string{"fix", "--demo"}, args...) }

func TestRunFix(t *testing.T) {
	runRows(t, []row{
		{name: "the ephemeral-port pitfall: one ACL entry", code: 0,
			args: fix("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "postgresql"),
			out: []string{"app-1 -> db-1 tcp/5432 (client port 50000): unreachable; wanted reachable\n",
				// no --src-port: the rest of 1024-65535 (the ACL lets 1024-32767 through)
				"  1. add to acl-db the outbound entry 110 allow tcp 32768-65535 to 10.0.2.20/32 (replies go to the client's ephemeral port, picked anew for each connection: the ACL then lets them through to all of 1024-65535, which covers every client, as AWS advises) [return hop 3]\n",
				"  aws ec2 create-network-acl-entry --network-acl-id acl-db --egress --rule-number 110 --protocol 6 --port-range From=32768,To=65535 --cidr-block 10.0.2.20/32 --rule-action allow\n",
				"other sessions changed: none\n"}},
		{name: "already as wanted", code: 0,
			args: fix("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "30000"),
			out:  []string{"nothing to change\n"}},
		{name: "closed", code: 0,
			args: fix("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "30000", "--want", "unreachable"),
			out:  []string{"add to acl-app the outbound entry 99 deny tcp 5432 to 10.0.3.30/32"}},
		// the answer on stdout too, as every other answer (it printed
		// nothing there: a script reading stdout saw no answer at all)
		{name: "no fix Fix knows: exit 1, the hop named", code: 1,
			args: fix("--from", "198.51.100.7", "--to", "db-1", "--proto", "tcp", "--port", "5432"),
			out: []string{"198.51.100.7 -> db-1 tcp/5432 (client port 50000): unreachable; wanted reachable\n" +
				"no fix: hop 1 of the forward (internet-gateway igw-demo, NO_PUBLIC_IP)"},
			errs: []string{"reachsim fix: no fix: hop 1 of the forward (internet-gateway igw-demo, NO_PUBLIC_IP)"}},
		{name: "a bad --want", code: 2, args: fix("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--want", "maybe"),
			errs: []string{`--want "maybe": want reachable or unreachable`}},
		{name: "--write without --aws", code: 2, args: fix("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--write", t.TempDir()),
			errs: []string{"--write needs the dump to patch: give it with --aws"}},
		{name: "a missing --from", code: 2, args: fix("--to", "db-1", "--proto", "tcp", "--port", "5432"),
			errs: []string{"missing --from (run 'reachsim fix --help')"}},
	})
}

func TestRunFixWriteJSON(t *testing.T) {
	in := filepath.Join("..", "..", "sample", "aws")
	out := filepath.Join(t.TempDir(), "fixed")
	code, stdout, stderr := runArgs("fix", "--aws", in, "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432",
		"--write", out, "--json")
	require.Equal(t, 0, code, stderr)
	var got struct {
		Query struct {
			From, To, Protocol string
			Port               int
		}
		Want, Before, After string
		Changes             []struct{ Action, Kind, Resource, Spec, Text string }
		AlsoChanged         []any    `json:"also_changed"`
		Commands            []string `json:"commands"`
		Written             []string `json:"written"`
		Diff                struct {
			Changes []struct{ From, To string } `json:"changes"`
		} `json:"diff"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.Equal(t, "web-1", got.Query.From)
	assert.Equal(t, "tcp", got.Query.Protocol)
	assert.Equal(t, 5432, got.Query.Port)
	assert.Equal(t, "reachable", got.Want)
	assert.Equal(t, "unreachable", got.Before)
	assert.Equal(t, "reachable", got.After)
	require.Len(t, got.Changes, 3)
	assert.Equal(t, "sg-db", got.Changes[1].Resource)
	assert.Equal(t, "tcp 5432 from 10.0.1.10/32", got.Changes[1].Spec)
	assert.Len(t, got.Commands, 3)
	assert.Empty(t, got.AlsoChanged)
	entries, err := os.ReadDir(in)
	require.NoError(t, err)
	assert.Len(t, got.Written, len(entries))
	require.Len(t, got.Diff.Changes, 1, "the patched dump differs from the input in the query's pair alone")
	code, stdout, _ = runArgs("check", "--aws", out, "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432")
	assert.Equal(t, 0, code, "reachsim check on the patched dump gives the wanted answer:\n%s", stdout)
}

// TestRunFixJSONEmptyLists: with nothing to change, every list of the
// JSON schema is [] (never null), so `jq '.commands[]'` works on it.
func TestRunFixJSONEmptyLists(t *testing.T) {
	code, stdout, stderr := runArgs(fix("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "8080", "--json")...)
	require.Equal(t, 0, code, stderr)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	for _, key := range []string{"changes", "also_changed", "commands"} {
		assert.Equal(t, "[]", string(got[key]), "%s: %s", key, got[key])
	}
}

// README, "Verified fixes": fix --json prints changes "each with action,
// kind, resource, direction, spec, replaces, leg, hop and text". An ACL
// entry or a security group rule always has a direction; the inbound
// ones lost it (flow.Inbound is the zero value, and the field was
// omitempty).
func TestRunFixJSONNamesInboundDirection(t *testing.T) {
	code, stdout, stderr := runArgs(fix("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--json")...)
	require.Equal(t, 0, code, stderr)
	var out struct {
		Changes []map[string]any `json:"changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.Len(t, out.Changes, 3)
	want := map[string]string{ // the inbound changes, by their text
		"add to acl-db the inbound entry 110 allow tcp 5432 from 10.0.1.10/32":                    "inbound",
		"add to sg-db (used by db-1 (eni-db1) alone) the inbound rule tcp 5432 from 10.0.1.10/32": "inbound",
	}
	outbound := 0
	for _, c := range out.Changes {
		text, _ := c["text"].(string)
		if d, ok := want[text]; ok {
			assert.Equal(t, d, c["direction"], "change %q", text)
			continue
		}
		assert.Equal(t, "outbound", c["direction"], "change %q", text)
		outbound++
	}
	assert.Equal(t, 1, outbound, "the reply's entry in acl-db")
}

// fix --json when no change Fix knows gives the wanted answer still prints
// one JSON object of the schema (README, "The smallest verified fix"):
// the query, the answer before and after (the same: nothing changed), no
// changes, and "no_fix" saying why, with exit status 1. It printed
// nothing on stdout.
func TestRunFixJSONNoFix(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		want  string // the wanted answer
		noFix string // part of no_fix
	}{
		{"a hop Fix does not change", fix("--from", "198.51.100.7", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--json"),
			"reachable", "hop 1 of the forward (internet-gateway igw-demo, NO_PUBLIC_IP) is not one Fix changes; by hand: "},
		{"nothing on the path to close", fix("--from", "web-1", "--to", "169.254.169.254", "--proto", "tcp", "--port", "80", "--want", "unreachable", "--json"),
			"unreachable", "no rule, entry or route Fix can change on the path of web-1 -> 169.254.169.254 tcp/80 stops it"},
		{"with --write: nothing written", []string{"fix", "--aws", filepath.Join("..", "..", "sample", "aws"), "--from", "198.51.100.7", "--to", "db-1",
			"--proto", "tcp", "--port", "5432", "--write", filepath.Join(t.TempDir(), "fixed"), "--json"},
			"reachable", "NO_PUBLIC_IP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			require.Equal(t, exitNotReachable, code, stdout+stderr)
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(stdout), &got), "stdout: %q", stdout)
			var out struct {
				Query struct {
					From, To, Protocol string
				}
				Want, Before, After string
				NoFix               string `json:"no_fix"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &out))
			assert.NotEmpty(t, out.Query.From)
			assert.Equal(t, "tcp", out.Query.Protocol)
			assert.Equal(t, tc.want, out.Want)
			assert.NotEqual(t, tc.want, out.Before)
			assert.Equal(t, out.Before, out.After, "nothing changed")
			assert.Contains(t, out.NoFix, tc.noFix)
			assert.NotContains(t, out.NoFix, "no fix: ", "the key says it")
			for _, key := range []string{"changes", "also_changed", "commands"} {
				assert.Equal(t, "[]", string(got[key]), "%s: %s", key, got[key])
			}
			assert.NotContains(t, got, "written")
			assert.NotContains(t, got, "diff")
			assert.Contains(t, stderr, "reachsim fix: no fix: ", "the reason on stderr too, as without --json")
		})
	}
}
