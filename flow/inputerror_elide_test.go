package flow_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
)

// TestInputErrorElidesAHugePath: a JSON path of a document nested ten
// thousand levels deep is written as its two ends around the count of
// bytes left out, cut between characters, so the message stays a line
// (audit hostile20 finding 5); the Path field keeps it whole, and a path
// of ordinary length is written whole.
func TestInputErrorElidesAHugePath(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		whole      bool
	}{
		{"ordinary", "SecurityGroups[3].IpPermissions[0].IpRanges[1].CidrIp", true},
		{"512 bytes", strings.Repeat("a", 512), true},
		{"ten thousand levels", strings.Repeat("[0]", 10000), false},
		{"keys of several-byte characters", strings.Repeat(".ключ", 400), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &flow.InputError{File: "x.json", Path: tc.path, Err: errors.New("bad")}
			msg := e.Error()
			assert.True(t, utf8.ValidString(msg))
			assert.Equal(t, tc.path, e.Path)
			if tc.whole {
				assert.Equal(t, "x.json: "+tc.path+": bad", msg)
				return
			}
			assert.Less(t, len(msg), 700)
			assert.True(t, strings.HasPrefix(msg, "x.json: "+tc.path[:150]), msg)
			assert.True(t, strings.HasSuffix(msg, tc.path[len(tc.path)-150:]+": bad"), msg)
			assert.Contains(t, msg, " bytes)…")
			// each word fits what reachsim quotes of one (200 bytes), so
			// the elided path is not cut again and its count stays
			for _, w := range strings.Fields(msg) {
				assert.LessOrEqual(t, len(w), 200, w)
			}
		})
	}
}
