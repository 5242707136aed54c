package reachtest_test

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
)

// userTestEnv makes TestUserFailing run: it is the failing test of a
// user, run in a subprocess by TestFailuresPointAtTheCaller.
const userTestEnv = "REACHTEST_RUN_FAILING_USER_TEST"

// TestUserFailing is a user's test whose every assertion fails, each on a
// line marked "// fails here". It runs only in the subprocess.
func TestUserFailing(t *testing.T) {
	if os.Getenv(userTestEnv) == "" {
		t.Skip("the failing user test of TestFailuresPointAtTheCaller; runs in its subprocess")
	}
	m := model(t)
	ssh := reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 22}
	https := reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443}
	appDB := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	t.Run("assert", func(t *testing.T) {
		reachtest.AssertReachable(t, m, ssh)                                                           // fails here
		reachtest.AssertNotReachable(t, m, https)                                                      // fails here
		reachtest.AssertNotReachable(t, m, ssh, reach.SGNoAllow)                                       // fails here
		reachtest.AssertNotReachable(t, m, reach.Query{From: "web-1", To: "db-1"})                     // fails here
		reachtest.AssertRequestBlocked(t, m, appDB)                                                    // fails here
		reachtest.AssertReplyBlocked(t, m, ssh)                                                        // fails here
		reachtest.AssertReplyBlocked(t, m, appDB, reach.ACLDeny)                                       // fails here
		reachtest.AssertReachable(t, m, reach.Query{From: "nobody", To: "web-1", Protocol: flow.ICMP}) // fails here
	})
	t.Run("sets", func(t *testing.T) {
		reachtest.AssertOnlyPorts(t, m, "198.51.100.7", "web-1", flow.TCP, "ssh") // fails here
		reachtest.AssertNotExposed(t, m, "web-1", "https")                        // fails here
	})
	t.Run("require reachable", func(t *testing.T) {
		reachtest.RequireReachable(t, m, ssh) // fails here
	})
	t.Run("require not reachable", func(t *testing.T) {
		reachtest.RequireNotReachable(t, m, https) // fails here
	})
}

// Every failure is reported at the line of the user's test that called
// the assertion, never inside reachtest: the failing user test runs in a
// subprocess (this test binary again) and the file:line it prints are
// read back.
func TestFailuresPointAtTheCaller(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	want := markedLines(t, "caller_test.go", "// fails here")
	require.Len(t, want, 12)

	cmd := exec.Command(os.Args[0], "-test.run=^TestUserFailing$", "-test.v")
	cmd.Env = append(os.Environ(), userTestEnv+"=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the user's test fails:\n%s", out)
	require.Contains(t, string(out), "--- FAIL: TestUserFailing")

	// go test prints each failure as "    file.go:LINE: message".
	at := regexp.MustCompile(`(?m)^\s+(\w+\.go):(\d+): `)
	var got []int
	for _, m := range at.FindAllStringSubmatch(string(out), -1) {
		assert.Equal(t, "caller_test.go", m[1], "a failure reported inside %s:\n%s", m[1], out)
		n, _ := strconv.Atoi(m[2])
		got = append(got, n)
	}
	assert.Equal(t, want, got, "one failure on each marked line, in order:\n%s", out)
	assert.NotContains(t, string(out), "reachtest.go:")
	assert.Contains(t, string(out), "request:", "failures print the trace")
}

// markedLines returns the numbers of the lines of file that end in mark.
func markedLines(t *testing.T, file, mark string) []int {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	var lines []int
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasSuffix(sc.Text(), mark) {
			lines = append(lines, n)
		}
	}
	require.NoError(t, sc.Err())
	return lines
}
