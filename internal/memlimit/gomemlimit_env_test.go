package memlimit_test

import (
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/memlimit"
)

// TestDuringGOMEMLIMITFromEnvironmentWins: GOMEMLIMIT, when set, is the
// user's word, "off" included ("GOMEMLIMIT, when set, wins", README
// "Guarantees"). The runtime reads "off" as math.MaxInt64, the same as
// unset, so During must look at the environment: each case re-runs the
// test binary with GOMEMLIMIT as given and checks the limit During leaves
// in place while a load runs.
func TestDuringGOMEMLIMITFromEnvironmentWins(t *testing.T) {
	if env := os.Getenv("MEMLIMIT_TEST_CHILD_WANT"); env != "" {
		want, err := strconv.ParseInt(env, 10, 64)
		require.NoError(t, err)
		restore := memlimit.During(64 << 20)
		defer restore()
		got := debug.SetMemoryLimit(-1)
		if want < 0 {
			assert.NotEqual(t, int64(math.MaxInt64), got, "no GOMEMLIMIT: During bounds the load")
		} else {
			assert.Equal(t, want, got, "GOMEMLIMIT=%q", os.Getenv("GOMEMLIMIT"))
		}
		return
	}
	tests := []struct {
		name string
		env  string // GOMEMLIMIT; "": not set
		want int64  // the limit while the load runs; -1: During's own bound
	}{
		{"off: no limit", "off", math.MaxInt64},
		{"a value: that value", "1GiB", 1 << 30},
		{"not set: During bounds the load", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestDuringGOMEMLIMITFromEnvironmentWins$", "-test.count=1")
			env := []string{"MEMLIMIT_TEST_CHILD_WANT=" + strconv.FormatInt(tt.want, 10)}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "GOMEMLIMIT=") {
					env = append(env, kv)
				}
			}
			if tt.env != "" {
				env = append(env, "GOMEMLIMIT="+tt.env)
			}
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s", out)
		})
	}
}
