package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A syntax error in an --aws file names the file, the JSON path of the
// value at fault and the line and column of the offending byte (README,
// "Check a real account": one line per error naming the file and JSON
// path; "Guarantees"): in a dump of thousands of look-alike groups, the
// quoted text alone does not say where the fault is.
func TestMalformedJSONSaysWhereInTheFile(t *testing.T) {
	const anchor = `"CidrIp": "10.0.0.0/16"`
	for _, tc := range []struct {
		name, insert, path, fault string
		at                        int // the offending byte, from the end of the anchor
	}{
		{"a doubled comma", ",,", "SecurityGroups[1].IpPermissions[2].IpRanges[0]",
			"invalid character ',' looking for beginning of object key string", 1},
		{"a missing comma", ` "Description": "x"`, "SecurityGroups[1].IpPermissions[2].IpRanges[0]",
			"invalid character '\"' after object key:value pair", 1},
		{"a literal cut short", `, "Description": tru`, "SecurityGroups[1].IpPermissions[2].IpRanges[0].Description",
			"invalid character '\\n' in literal true (expecting 'e')", len(`, "Description": tru`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDump(t)
			p := filepath.Join(dir, "security-groups.json")
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			s := string(b)
			i := strings.LastIndex(s, anchor)
			require.Positive(t, i)
			end := i + len(anchor)
			s = s[:end] + tc.insert + s[end:]
			require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
			at := end + tc.at
			line := strings.Count(s[:at], "\n") + 1
			col := at - strings.LastIndex(s[:at], "\n")

			code, stdout, stderr := runArgs("check", "--aws", dir, "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432")
			require.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "security-groups.json: "+tc.path+": ")
			assert.Contains(t, stderr, tc.fault)
			assert.Contains(t, stderr, fmt.Sprintf("(line %d, column %d)\n", line, col))
		})
	}
}
