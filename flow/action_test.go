package flow_test

import (
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionTextForms(t *testing.T) {
	tests := []struct {
		in      string
		want    flow.Action
		verdict flow.Verdict
	}{
		{"allow", flow.Pass, flow.Allow},
		{"Accept", flow.Pass, flow.Allow},
		{"aws:pass", flow.Pass, flow.Allow},
		{"deny", flow.Drop, flow.Deny},
		{"DROP", flow.Drop, flow.Deny},
		{"reject", flow.Reject, flow.Deny},
		{"alert", flow.Alert, flow.Indeterminate},
		{"aws:forward_to_sfe", flow.Forward, flow.Indeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.in+" reads as "+tt.want.String(), func(t *testing.T) {
			a, err := flow.ParseAction(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a)
			assert.Equal(t, tt.verdict, a.Verdict())
			b, err := a.MarshalText()
			require.NoError(t, err)
			var back flow.Action
			require.NoError(t, back.UnmarshalText(b))
			assert.Equal(t, a, back)
		})
	}
	t.Run("an unknown word is an error naming it", func(t *testing.T) {
		_, err := flow.ParseAction("permit")
		require.ErrorIs(t, err, flow.ErrAction)
		assert.Contains(t, err.Error(), `"permit"`)
	})
	t.Run("the zero action is unset: not valid, no verdict, no text form", func(t *testing.T) {
		var a flow.Action
		assert.False(t, a.IsValid())
		assert.Equal(t, "unset", a.String())
		assert.Equal(t, flow.Indeterminate, a.Verdict())
		_, err := a.MarshalText()
		require.ErrorIs(t, err, flow.ErrAction)
	})
	t.Run("an out-of-range action does not marshal", func(t *testing.T) {
		_, err := flow.Action(99).MarshalText()
		require.ErrorIs(t, err, flow.ErrAction)
		assert.False(t, flow.Action(99).IsValid())
	})
}
