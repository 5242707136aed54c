//go:build !race

package brute

// raceOn says the race detector is on: CheckSetAnswers checks fewer
// values, as with Options.Few.
const raceOn = false

// raceScale divides how many values CheckMatrix checks a cell on: a
// quarter under the race detector, whose runs are slow.
const raceScale = 1
