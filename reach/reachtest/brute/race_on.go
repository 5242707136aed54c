//go:build race

package brute

// raceOn says the race detector is on: CheckSetAnswers checks fewer
// values, as with Options.Few.
const raceOn = true
