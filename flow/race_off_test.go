//go:build !race

package flow_test

// raceN is n under the race detector, 0 (for cmp.Or's next value) without.
func raceN(int) int { return 0 }
