package reach_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// BenchmarkLintLarge lints the 1,000-interface generated design (issue
// 14 asks ≤ 2 s on 2 cores): "warm" on one model, whose interface classes
// the audit computed at the first run, "cold" on a model built afresh
// for each run (the build not timed).
func BenchmarkLintLarge(b *testing.B) {
	b.Run("warm", func(b *testing.B) {
		m := mustLargeModel(b)
		res, err := m.Lint(reach.LintOptions{})
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Lint(reach.LintOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(res.Findings)), "findings")
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			m := mustLargeModel(b)
			b.StartTimer()
			if _, err := m.Lint(reach.LintOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
