package jsonloc_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

func TestUnmarshalErrorsCarryPath(t *testing.T) {
	var v struct {
		Entries []struct {
			RuleNumber int
		}
	}
	tests := []struct {
		name, in, path, text string
	}{
		{"wrong type names the field", `{"Entries":[{"RuleNumber":"100"}]}`, "NetworkAcls[0].Entries.RuleNumber", `"100"`},
		{"syntax error quotes the input", `{"Entries":[{"RuleNumber":1,}]}`, "NetworkAcls[0]", `{"Entries":[{"RuleNumber":1,}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jsonloc.Unmarshal("NetworkAcls[0]", []byte(tt.in), &v)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie))
			require.ErrorIs(t, err, jsonloc.ErrJSON)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, ie.Text, tt.text)
		})
	}
}

func TestInt(t *testing.T) {
	var v struct{ A, B, C, D jsonloc.Int }
	require.NoError(t, jsonloc.Unmarshal("", []byte(`{"A":1,"B":"2","C":null}`), &v))
	assert.Equal(t, jsonloc.Int{Value: 1, Set: true}, v.A)
	assert.Equal(t, jsonloc.Int{Value: 2, Set: true}, v.B)
	assert.False(t, v.C.Set)
	assert.False(t, v.D.Set)
	assert.Error(t, jsonloc.Unmarshal("", []byte(`{"A":"x"}`), &v))
}

func TestInputErrorMessage(t *testing.T) {
	e := &flow.InputError{File: "g.json", Path: "SecurityGroups[0].IpPermissions[1].FromPort", Resource: "sg-1", Rule: "sgr-2", Text: "abc", Err: errors.New("not a port")}
	assert.Equal(t, `g.json: SecurityGroups[0].IpPermissions[1].FromPort (sg-1 rule sgr-2): "abc": not a port`, e.Error())
	assert.Equal(t, `(rule 7): bad`, (&flow.InputError{Rule: "7", Err: errors.New("bad")}).Error())
	assert.Equal(t, `invalid input`, (&flow.InputError{}).Error())
}

func TestInputErrorWithFileOnly(t *testing.T) {
	assert.Equal(t, `g.json: "{x": malformed JSON`, (&flow.InputError{File: "g.json", Text: "{x", Err: errors.New("malformed JSON")}).Error())
	assert.Equal(t, `g.json: Vpcs[0] (vpc-1): bad`, (&flow.InputError{File: "g.json", Path: "Vpcs[0]", Resource: "vpc-1", Err: errors.New("bad")}).Error())
}
