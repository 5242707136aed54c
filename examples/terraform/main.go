// Command terraform tests a network before it exists: it reads plan.json,
// the plan Terraform prints for a three-tier design (terraform plan -out
// plan.out && terraform show -json plan.out > plan.json) that creates a
// VPC, a public web server, an app tier in a module with count = 2, and
// a database with its own network ACL. Nothing is deployed, and the plan
// knows none of the new instances' addresses: AWS picks them at launch.
// It asks five questions by Terraform address:
//
//  1. the internet reaches web on HTTPS (its public address, also picked
//     at launch, is not seen by any filter on the way);
//
//  2. web reaches the app tier on 8080, through a group rule the module
//     takes web's group for as a variable;
//
//  3. app[0] reaches the database on PostgreSQL, through a rule that names
//     the module's output;
//
//  4. web does not reach the database: the database subnet's ACL admits
//     the app subnets only, both ways, and no group rule admits web;
//
//  5. app[1] reaching the database is indeterminate: a new ACL entry
//     quarantines 10.20.11.128/25, half of app[1]'s subnet, so the answer
//     depends on the address AWS gives app[1], which the plan does not
//     hold (exit status 3 on the command line).
//
//     go run ./examples/terraform
package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

//go:embed plan.json
var plan []byte

// queries are the example's questions.
var queries = []reach.Query{
	{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.TCP, Port: 443},
	{From: "aws_instance.web", To: "module.app.aws_instance.app[0]", Protocol: flow.TCP, Port: 8080},
	{From: "module.app.aws_instance.app[0]", To: "aws_instance.db", Protocol: flow.TCP, Port: 5432},
	{From: "aws_instance.web", To: "aws_instance.db", Protocol: flow.TCP, Port: 5432},
	{From: "module.app.aws_instance.app[1]", To: "aws_instance.db", Protocol: flow.TCP, Port: 5432},
}

// run loads the plan and answers the queries, a line each, with the trace
// of the last.
func run(w io.Writer) ([]*reach.Result, error) {
	m, err := terraform.Parse("plan.json", plan, nil)
	if err != nil {
		return nil, err
	}
	var out []*reach.Result
	for _, q := range queries {
		r, err := m.Check(q)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		line := fmt.Sprintf("%s -> %s %s/%d: %s", q.From, q.To, q.Protocol, q.Port, r.Outcome)
		if b, ok := r.First(); ok && r.Outcome == reach.Unreachable {
			line += fmt.Sprintf(" (%s at %s %s)", b.Code, b.Kind, b.ID)
		}
		fmt.Fprintln(w, line)
	}
	last := out[len(out)-1]
	fmt.Fprintf(w, "\n%s", last.Text())
	return out, nil
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "terraform:", err)
		os.Exit(2)
	}
}
