//go:build race

package reach

// raceOn says the race detector is on: the slowest randomized internal
// tests run fewer designs (every code path still runs).
const raceOn = true
