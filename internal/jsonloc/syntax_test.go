package jsonloc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// A syntax error names the JSON path of the value at fault (the value
// being read, or the object or list it is in) and, in a whole document, the line and column of the offending
// byte (README, "Guarantees": the file, the full JSON path and the
// offending text); in a value decoded on its own, its byte offset.
func TestSyntaxErrorsSayWhere(t *testing.T) {
	for _, tc := range []struct {
		name, path, data, want string
	}{
		{"a doubled comma in a list's object", "",
			"{\"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\"},\n  {\"IpRanges\": [{\"CidrIp\": \"10.0.0.0/16\",,}]}\n]}",
			`SecurityGroups[1].IpRanges[0]: "{\"IpRanges\": [{\"CidrIp\": \"10.0.0.0/16\",,": malformed JSON: invalid character ',' looking for beginning of object key string (line 3, column 42)`},
		{"a value missing after a key", "", `{"Vpcs": [{"VpcId": }]}`,
			`Vpcs[0].VpcId: "{\"Vpcs\": [{\"VpcId\": }": malformed JSON: invalid character '}' looking for beginning of value (line 1, column 21)`},
		{"the document cut short", "", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\"",
			`Vpcs[0]: "{\"Vpcs\": [{\"VpcId\": \"vpc-1\"": malformed JSON: unexpected end of JSON input (line 1, column 28)`},
		{"a list's second element", "", "{\"A\": [1, 2 3]}",
			`A: "{\"A\": [1, 2 3": malformed JSON: invalid character '3' after array element (line 1, column 13)`},
		{"at the top", "", "{\"A\": 1} x",
			`"{\"A\": 1} x": malformed JSON: invalid character 'x' after top-level value (line 1, column 10)`},
		{"a key that is no identifier", "", "{\"Tags\": {\"a b\": [true, fals]}}",
			`Tags["a b"][1]: "{\"Tags\": {\"a b\": [true, fals]": malformed JSON: invalid character ']' in literal false (expecting 'e') (line 1, column 29)`},
		{"a value within a document", "Rules[2]", `{"X": [1,,2]}`,
			`Rules[2].X[1]: "{\"X\": [1,,": malformed JSON: invalid character ',' looking for beginning of value (byte 10 of the value)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v map[string]any
			err := unmarshalSlow(tc.path, []byte(tc.data), &v)
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.EqualError(t, err, tc.want)
		})
	}
}

// Document and Unmarshal give the same located error as the slow path.
func TestSyntaxErrorThroughDocumentAndUnmarshal(t *testing.T) {
	data := []byte("{\"Vpcs\": [\n{\"VpcId\": \"vpc-1\",,}]}")
	var top map[string]json.RawMessage
	assert.EqualError(t, Document(data, &top), `Vpcs[0]: "{\"Vpcs\": [\n{\"VpcId\": \"vpc-1\",,": malformed JSON: invalid character ',' looking for beginning of object key string (line 2, column 19)`)
	var v struct{ Vpcs []struct{ VpcId string } }
	assert.EqualError(t, Unmarshal("", data, &v), `Vpcs[0]: "{\"Vpcs\": [\n{\"VpcId\": \"vpc-1\",,": malformed JSON: invalid character ',' looking for beginning of object key string (line 2, column 19)`)
}
