package jsonloc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type knownSkip struct{}

func (*knownSkip) UnmarshalJSON([]byte) error { return nil }

type knownDeclared struct{ Extra knownSkip }

type knownInner struct {
	Name string
	Raw  json.RawMessage
}

type knownOuter struct {
	knownDeclared
	ID    string `json:"Id"`
	Items []knownInner
	ByKey map[string]knownInner
	Ptr   *knownInner
	Any   any
}

// UnmarshalKnown decodes as Unmarshal does and names the keys no field
// reads, at every level, by the path of their object: case-insensitive
// matches, promoted fields of an embedded struct, json tags, self-decoding
// values (json.RawMessage) and interfaces are known.
func TestUnmarshalKnown(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []UnknownKey
	}{
		{"every key known", `{"ID": "a", "extra": [1], "Items": [{"name": "x", "Raw": {"z": 1}}], "Any": {"q": 1}}`, nil},
		{"top level", `{"Id": "a", "Bogus": 1}`, []UnknownKey{{"p", "Bogus"}}},
		{"in a list element", `{"Items": [{"Name": "x"}, {"Nmae": "y"}]}`, []UnknownKey{{"p.Items[1]", "Nmae"}}},
		{"in a map value and behind a pointer", `{"ByKey": {"k 1": {"B": 1}}, "Ptr": {"C": {"D": 1}}}`,
			[]UnknownKey{{`p.ByKey["k 1"]`, "B"}, {"p.Ptr", "C"}}},
		{"a value of the wrong kind is not walked", `{"Items": {"X": 1}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v knownOuter
			unknown, err := UnmarshalKnown("p", []byte(tt.doc), &v)
			if tt.name == "a value of the wrong kind is not walked" {
				require.Error(t, err, "the decode refuses it")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, unknown)
			var plain knownOuter
			require.NoError(t, Unmarshal("p", []byte(tt.doc), &plain))
			assert.Equal(t, plain, v, "decoded as Unmarshal decodes")
		})
	}
}
