package jsonloc

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastTarget has the shapes the cloud readers decode into.
type fastTarget struct {
	GroupId  string
	FromPort *int
	Small    int8
	Ratio    float64
	Flag     bool
	N        Int
	Raw      json.RawMessage
	Any      any
	Perms    []struct {
		IpProtocol string
		IpRanges   []struct{ CidrIp string }
	}
	Zones   map[string]json.RawMessage
	Tagged  string `json:"tag_name"`
	Pointer *struct{ VpcId *string }
}

// randomDoc writes a document that fastTarget mostly fits: its field
// names in assorted cases, values of the right and of wrong types, keys
// given twice, strings with escapes and invalid UTF-8 now and then.
func randomDoc(r *rand.Rand, b *strings.Builder, depth int) {
	names := []string{"GroupId", "groupid", "GROUPID", "FromPort", "Small", "Ratio", "Flag", "N", "Raw", "Any", "Perms", "IpProtocol",
		"IpRanges", "CidrIp", "Zones", "tag_name", "tagname", "TAG_NAME", "tag-name", "Pointer", "VpcId", "vpc_id", "Other"}
	values := []string{`1`, `-3`, `300`, `1.5`, `1e400`, `"s"`, `"10"`, `"a\"b"`, `"\u00e9"`, "\"\xff\"", `true`, `null`, `[]`, `{}`}
	switch k := r.IntN(8); {
	case depth > 3 || k < 3:
		b.WriteString(values[r.IntN(len(values))])
	case k < 6:
		b.WriteString("{")
		for i := range r.IntN(8) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Quote(names[r.IntN(len(names))]) + ":")
			randomDoc(r, b, depth+1)
		}
		b.WriteString("}")
	default:
		b.WriteString("[")
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteString(",")
			}
			randomDoc(r, b, depth+1)
		}
		b.WriteString("]")
	}
}

// TestFastPathAgreesWithEncodingJSON: whatever the fast path accepts,
// encoding/json decodes to the same value, and CheckKeys finds no key
// twice; Unmarshal and Document return what the slow path alone returns.
func TestFastPathAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	accepted, refused := 0, 0
	for range 8000 {
		var b strings.Builder
		b.WriteString("{")
		for i := range 1 + r.IntN(6) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Quote([]string{"GroupId", "FromPort", "Perms", "Zones", "N", "Raw", "Any", "tag_name", "Pointer", "Small", "Flag"}[r.IntN(11)]) + ":")
			randomDoc(r, &b, 1)
		}
		b.WriteString("}")
		doc := []byte(b.String())

		var fast, slow fastTarget
		fastErr := fastUnmarshal(doc, &fast)
		slowErr := json.Unmarshal(doc, &slow)
		if fastErr != nil {
			refused++
			assert.Equal(t, fastTarget{}, fast, "a refusal leaves the value zero: %s", doc)
		} else {
			accepted++
			require.NoError(t, slowErr, "%s", doc)
			require.Equal(t, slow, fast, "%s", doc)
			require.NoError(t, CheckKeys(doc), "%s", doc)
		}

		var viaUnmarshal, viaSlow fastTarget
		err := Unmarshal("Doc", doc, &viaUnmarshal)
		want := unmarshalSlow("Doc", doc, &viaSlow)
		require.Equal(t, want, err, "%s", doc)
		if want == nil {
			require.Equal(t, viaSlow, viaUnmarshal, "%s", doc)
		}
		var viaDocument, viaSlowDoc fastTarget
		err = Document(doc, &viaDocument)
		want = unmarshalSlow("", doc, &viaSlowDoc)
		if want == nil {
			want = CheckKeys(doc)
		}
		require.Equal(t, want, err, "%s", doc)
	}
	assert.Greater(t, accepted, 250, "the generator makes documents the fast path takes")
	assert.Greater(t, refused, 2000, "and documents it refuses")
}
