package reach

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// same is require.Equal for comparable values, paid for only on
// failure: the lint tests compare millions of verdicts, and testify's
// t.Helper walks the stack on every call.
func same[T comparable](t testing.TB, want, got T, msgAndArgs ...any) {
	if want != got {
		t.Helper()
		require.Equal(t, want, got, msgAndArgs...)
	}
}
