// Package slowpath lets tests compile filter engines without their
// indexes: an engine compiled while [Set] has the switch on matches every
// packet with a plain scan of every rule in decision order, the slow
// reference of the whole-path agreement test of package reach. It is a
// test switch; nothing outside tests turns it on.
package slowpath

import "sync/atomic"

var on atomic.Bool

// On reports whether engines compiled now should scan every rule.
func On() bool { return on.Load() }

// Set turns the switch to v and returns a function that restores the
// previous state.
func Set(v bool) (restore func()) {
	old := on.Swap(v)
	return func() { on.Store(old) }
}
