package terraform_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// Load a plan and ask it questions by Terraform address: the change plan
// of the tests adds a rule that lets the app tier (a module with count =
// 2) reach the database.
func ExampleLoad() {
	m, report, err := terraform.Load("testdata/change.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Terraform", report.TerraformVersion, "instances:", report.Modelled["aws_instance"], "not modelled:", report.Unmodelled)
	for _, from := range []string{"module.app.aws_instance.app[0]", "aws_instance.web"} {
		r, err := m.Check(reach.Query{From: from, To: "aws_instance.db", Protocol: flow.TCP, Port: 5432})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(from, "->", "aws_instance.db:", r.Outcome, r.Codes())
	}
	// Output:
	// Terraform 1.9.8 instances: 5 not modelled: map[aws_iam_role:1 aws_s3_bucket:1]
	// module.app.aws_instance.app[0] -> aws_instance.db: reachable []
	// aws_instance.web -> aws_instance.db: unreachable [SG_NO_ALLOW]
}

// Parse a plan already in memory; a plan Terraform failed to finish is
// refused.
func ExampleParse() {
	_, err := terraform.Parse("plan.json", []byte(`{"format_version": "1.2", "errored": true}`), nil)
	fmt.Println(err)
	// Output:
	// plan.json: errored: "true": untrusted Terraform plan: Terraform failed to finish this plan, so it does not hold the whole network; fix the errors and plan again
}
