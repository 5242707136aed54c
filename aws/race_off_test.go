//go:build !race

package aws

// raceOn says the race detector is on: the longest randomized tests run
// fewer cases (every path still runs).
const raceOn = false
