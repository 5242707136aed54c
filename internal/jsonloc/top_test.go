package jsonloc

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTopAgreesWithDocument: whatever Top takes, Document decodes to the
// same map of keys and texts, and Unmarshal each typed value to what Top
// decoded; whatever Document refuses, Top refuses too.
func TestTopAgreesWithDocument(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	keys := []string{"Typed", "typed", "List", "Other", `Es\u0063aped`, "Typed"}
	accepted, refused := 0, 0
	for range 6000 {
		var b strings.Builder
		if r.IntN(20) == 0 {
			b.WriteString("\xEF\xBB\xBF") // a byte order mark
		}
		b.WriteString(" {")
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  \"" + keys[r.IntN(len(keys))] + "\" :\t")
			switch r.IntN(3) {
			case 0: // a list of targets
				b.WriteString("[")
				for j := range r.IntN(3) {
					if j > 0 {
						b.WriteString(",")
					}
					randomDoc(r, &b, 1)
				}
				b.WriteString("]")
			default:
				randomDoc(r, &b, 1)
			}
		}
		b.WriteString("} ")
		if r.IntN(30) == 0 {
			b.WriteString([]string{"{}", "x", ","}[r.IntN(3)])
		}
		doc := []byte(b.String())

		var typed, list *[]fastTarget
		top, ok := Top(doc, func(key string) any {
			switch key {
			case "Typed":
				return &typed
			case "List":
				return &list
			}
			return nil
		})
		var want map[string]json.RawMessage
		docErr := Document(doc, &want)
		if !ok {
			refused++
			continue
		}
		accepted++
		require.NoError(t, docErr, "%q", doc)
		require.Equal(t, len(want), len(top), "%q", doc)
		for k, v := range want {
			require.Equal(t, string(v), string(top[k]), "%q: key %q", doc, k)
		}
		for key, got := range map[string]*[]fastTarget{"Typed": typed, "List": list} {
			raw, present := want[key]
			if !present {
				require.Nil(t, got)
				continue
			}
			var slow *[]fastTarget
			require.NoError(t, Unmarshal(key, raw, &slow), "%q", doc)
			require.Equal(t, slow, got, "%q", doc)
		}
	}
	assert.Greater(t, accepted, 500, "the generator makes documents Top takes")
	assert.Greater(t, refused, 500, "and documents it refuses")
}
