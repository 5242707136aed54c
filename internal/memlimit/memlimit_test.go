package memlimit_test

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/internal/memlimit"
)

// TestDuring: the limit is what the runtime holds plus the bound while a
// load runs, and what it was afterwards; a limit already set (GOMEMLIMIT,
// or the program's) and a bound that is no bound leave it alone.
func TestDuring(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "") // the environment's word is TestDuringGOMEMLIMITFromEnvironmentWins's
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tests := []struct {
		name  string
		set   int64 // the limit before; math.MaxInt64: none
		extra int64
		bound bool
	}{
		{"no limit before", math.MaxInt64, 64 << 20, true},
		{"the user's limit wins", 1 << 40, 64 << 20, false},
		{"no bound", math.MaxInt64, 0, false},
		{"a bound past every limit", math.MaxInt64, math.MaxInt64, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetMemoryLimit(tt.set)
			held := memlimit.Held()
			restore := memlimit.During(tt.extra)
			got := debug.SetMemoryLimit(-1)
			if tt.bound {
				assert.InDelta(t, held+tt.extra, got, 4<<20, "the runtime's memory then plus the bound")
			} else {
				assert.Equal(t, tt.set, got)
			}
			restore()
			assert.Equal(t, tt.set, debug.SetMemoryLimit(-1), "restored")
		})
	}
}
