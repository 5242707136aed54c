//go:build !race

package stateful

// raceOn says the race detector is on: the longest randomized tests run
// fewer cases (every path still runs).
const raceOn = false

// raceN is n under the race detector, 0 (for cmp.Or's next value) without.
func raceN(int) int { return 0 }
