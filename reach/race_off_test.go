//go:build !race

package reach_test

// raceOn says the race detector is on: the slowest randomized tests run
// fewer designs (every code path still runs, concurrently where it can).
const raceOn = false
