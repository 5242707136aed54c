// Package memlimit bounds the Go heap's growth while a program loads its
// input. The collector, at its default pace (GOGC=100), lets the heap grow
// to about twice what was live at its last cycle before it runs again: a
// load whose live data reaches the input's size may hold twice that and
// more at its high point, most of it garbage. [During] sets a soft memory
// limit (runtime/debug.SetMemoryLimit) of what the runtime holds now plus
// a bound, so that the collector runs before garbage takes the process
// past it; the live data itself is never refused (past the limit the
// collector runs more often, at most half the CPU, and the program goes
// on).
//
// It sets process-wide state: a command (cmd/reachsim) calls it around a
// load, a library never does.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// During sets the soft memory limit to the memory the Go runtime holds
// now (released memory left out) plus extra bytes, and returns what puts
// the limit back. It does nothing (and its restore nothing) when the
// GOMEMLIMIT environment variable is set to anything, "off" included (the
// runtime reads "off" as no limit, the same as unset, so only the
// environment tells the user's "no limit" apart from none asked), when the
// program has set a limit already, or when extra is not positive: the
// user's word wins.
func During(extra int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(-1)
	if old != math.MaxInt64 || extra <= 0 {
		return func() {}
	}
	limit := Held()
	if limit > math.MaxInt64-extra {
		return func() {}
	}
	debug.SetMemoryLimit(limit + extra)
	return func() { debug.SetMemoryLimit(old) }
}

// Held is the memory the Go runtime holds from the system, less what it
// has released back: what a soft memory limit bounds.
func Held() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
