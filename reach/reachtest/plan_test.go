package reachtest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
)

func TestLoadPlan(t *testing.T) {
	m := reachtest.LoadPlan(t, "../../terraform/testdata/change.json")
	reachtest.AssertReachable(t, m, reach.Query{From: "module.app.aws_instance.app[0]", To: "aws_instance.db", Protocol: flow.TCP, Port: 5432})

	var rec recorder
	assert.Nil(t, reachtest.LoadPlan(&rec, "testdata/no-such-plan.json"))
	assert.True(t, rec.failed, "a plan that does not load fails the test")
	assert.Contains(t, strings.Join(rec.errors, "\n"), "reachtest: loading the Terraform plan testdata/no-such-plan.json")
}
