package stateless_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestFragmentActionIsTheConfigs: FragmentAction answers what Config's
// fragment default says, without copying the configuration; the zero
// Action for an engine not compiled.
func TestFragmentActionIsTheConfigs(t *testing.T) {
	for _, a := range []flow.Action{flow.Drop, flow.Pass, flow.Forward} {
		e, err := stateless.Compile(stateless.Config{Default: stateless.DefaultAction{Action: flow.Forward}, FragmentDefault: stateless.DefaultAction{Action: a}})
		if !assert.NoError(t, err) {
			continue
		}
		assert.Equal(t, e.Config().FragmentDefault.Action, e.FragmentAction())
		assert.Equal(t, a, e.FragmentAction())
	}
	var none *stateless.Engine
	assert.Equal(t, flow.Action(0), none.FragmentAction())
}
