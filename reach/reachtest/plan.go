package reachtest

import (
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// LoadPlan loads the Terraform plan at path (terraform show -json
// plan.out > plan.json) with [terraform.Load], and fails the test with the
// loader's error, one line per problem, when it cannot:
//
//	m := reachtest.LoadPlan(t, "plan.json")
//	reachtest.AssertReachable(t, m, reach.Query{From: "aws_instance.app", To: "aws_instance.db", Protocol: flow.TCP, Port: 5432})
func LoadPlan(t RequireT, path string) *reach.Model {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	m, _, err := terraform.Load(path)
	if err != nil {
		t.Errorf("reachtest: loading the Terraform plan %s: %v", path, err)
		t.FailNow()
		return nil
	}
	return m
}
