package reach

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHasDotOrColon holds the query's address test to strings.ContainsAny
// on words that are addresses, names, IDs and edge cases.
func TestHasDotOrColon(t *testing.T) {
	for _, s := range []string{"", ".", ":", "app-03-05", "eni-0abc", "10.0.0.1", "2001:db8::1", "web.1", "a:b", "i-0123", "naïve", "x\x00.", "end."} {
		assert.Equal(t, strings.ContainsAny(s, ".:"), hasDotOrColon(s), "%q", s)
	}
}
