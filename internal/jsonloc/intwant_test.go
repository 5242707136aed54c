package jsonloc_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// An Int that is refused says truly why (audit fwjson23 finding 4): 1.5
// is no integer, whatever the range; 1e3 is an integer, in range, written
// with an exponent; only a value out of range is told the range.
func TestReadIntRefusalWording(t *testing.T) {
	const rangeMsg = "not an integer from -9223372036854775808 to 9223372036854775807"
	tests := []struct {
		raw, want, notWant string
	}{
		{"1.5", "malformed JSON: not an integer", "from"},
		{`"1.5"`, "malformed JSON: not an integer", "from"},
		{"-0.25", "malformed JSON: not an integer", "from"},
		{"1.0000000000000000001", "malformed JSON: not an integer", "from"},
		{"1e-3", "malformed JSON: not an integer", "from"},
		{"1e3", "an integer not in plain digits: write it 1000", rangeMsg},
		{`"1E+3"`, "an integer not in plain digits: write it 1000", rangeMsg},
		{"1000.0", "an integer not in plain digits: write it 1000", rangeMsg},
		{"1.5e1", "an integer not in plain digits: write it 15", rangeMsg},
		{"-2.50e2", "an integer not in plain digits: write it -250", rangeMsg},
		{"0.0", "an integer not in plain digits: write it 0", rangeMsg},
		{"9.223372036854775807e18", "an integer not in plain digits: write it 9223372036854775807", rangeMsg},
		{"9.223372036854775808e18", rangeMsg, "plain"},
		{"1e+20", rangeMsg, "plain"},
		{"99999999999999999999", rangeMsg, "plain"},
		{"1e99999999999999999999", rangeMsg, "plain"},
		{"1e-99999999999999999999", "malformed JSON: not an integer", "from"},
		{`"x"`, "malformed JSON: not an integer", "from"},
		{`"1e"`, "malformed JSON: not an integer", "from"},
		{`"01e1"`, "an integer not in plain digits: write it 10", rangeMsg},
		{`"-"`, "malformed JSON: not an integer", "from"},
		{`".5"`, "malformed JSON: not an integer", "from"},
		{`"Inf"`, "malformed JSON: not an integer", "from"},
		{"true", "malformed JSON: not an integer", "from"},
	}
	l := jsonloc.Loc{Path: "Rules[0].Priority", Resource: "g"}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := l.ReadInt([]byte(tt.raw))
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), tt.notWant)
			var n jsonloc.Int
			require.Error(t, n.UnmarshalJSON([]byte(tt.raw)))
		})
	}
}

// A typed integer field refuses 1e3 too; when the value is in the field's
// range, the error says it wants plain digits rather than leave the range
// as the reason.
func TestUnmarshalIntFieldWording(t *testing.T) {
	type doc struct {
		P uint16
		S int8
	}
	tests := []struct {
		in, path, want, notWant string
	}{
		{`{"P":1e3}`, "D.P", "a JSON number 1e3 where an integer from 0 to 65535 was expected, in plain digits: write it 1000", ""},
		{`{"P":1.5}`, "D.P", "a JSON number 1.5 where an integer from 0 to 65535 was expected", "plain"},
		{`{"P":1e5}`, "D.P", "a JSON number 1e5 where an integer from 0 to 65535 was expected", "plain"},
		{`{"P":-1e1}`, "D.P", "a JSON number -1e1 where an integer from 0 to 65535 was expected", "plain"},
		{`{"S":-1.2e2}`, "D.S", "a JSON number -1.2e2 where an integer from -128 to 127 was expected, in plain digits: write it -120", ""},
		{`{"P":"1e3"}`, "D.P", "a JSON string where an integer from 0 to 65535 was expected", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d doc
			err := jsonloc.Unmarshal("D", []byte(tt.in), &d)
			require.ErrorIs(t, err, flow.ErrJSON)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, err.Error(), tt.want)
			if tt.notWant != "" {
				assert.NotContains(t, err.Error(), tt.notWant)
			}
		})
	}
}
