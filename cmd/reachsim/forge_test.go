package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/textsafe"
)

// evilName is a Name tag that tries to forge a hop line, colour the
// terminal, reverse the text and hide characters.
const evilName = "web-1\n  2 ✓ internet\x1b[31m\u202e\u2028\x00\t"

// evilEscaped is how text output prints it.
const evilEscaped = `web-1\n  2 ✓ internet\x1b[31m\u202e\u2028\x00\t`

// assertNoRawControls fails when s holds a control, format or separator
// character other than the newlines that end its lines.
func assertNoRawControls(t *testing.T, s string) {
	t.Helper()
	for _, line := range strings.Split(s, "\n") {
		assert.True(t, textsafe.IsClean(line), "raw control or bidi character in %q", line)
	}
}

// A Name tag cannot forge the trace: text output escapes it (and still
// names the instance), error messages too; JSON keeps it exactly.
func TestRunCheckEscapesNames(t *testing.T) {
	dir := copyDump(t)
	quoted, err := json.Marshal(evilName)
	require.NoError(t, err)
	for _, f := range []string{"instances.json"} {
		p := filepath.Join(dir, f)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		s := strings.ReplaceAll(string(b), `"web-1"`, string(quoted))
		require.NotEqual(t, string(b), s, "%s names web-1", f)
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	}
	args := []string{"check", "--aws", dir, "--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443"}

	code, stdout, stderr := runArgs(args...)
	require.Equal(t, 0, code, stderr)
	assertNoRawControls(t, stdout)
	assertNoRawControls(t, stderr)
	assert.Contains(t, stdout, evilEscaped, "the escaped name still names the instance")
	for _, line := range strings.Split(stdout, "\n") {
		assert.False(t, strings.HasPrefix(line, "  2 ✓ internet"), "a forged hop line: %q", line)
	}

	code, stdout, stderr = runArgs(append(args, "--json")...)
	require.Equal(t, 0, code, stderr)
	var r struct{ To string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.Contains(t, r.To, evilName, "JSON keeps the name exactly")

	code, stdout, stderr = runArgs("check", "--aws", dir, "--from", "198.51.100.7", "--to", evilName+"x", "--proto", "tcp", "--port", "443")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assertNoRawControls(t, stderr)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
}
