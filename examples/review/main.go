// Command review walks a change review on the sample design (package
// sample): a change is proposed, and three questions are put to it.
//
//  1. What does the change open or close? The diff of the design before
//     and after: the change moves the app tier's port from 8080 to 8443
//     (the web tier can no longer reach it on 8080) and opens the app
//     tier's SSH to the whole VPC, which the app subnet's network ACL
//     still closes: no session changes for it, and the rule is named
//     among the changed resources.
//
//  2. What is the smallest change that makes web-1 reach app-1 on 8080
//     again? Fix finds it, checks it on a patched copy, and writes it as
//     AWS CLI commands.
//
//  3. And the smallest that stops the database being reached on 5432 by
//     app-1? Fix closes it with one deny entry.
//
//     go run ./examples/review
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// answers are the example's answers, for its test.
type answers struct {
	diff        *reach.DiffResult
	lint        *reach.LintResult
	open, close *reach.FixResult
}

// changed is the sample design with the change under review: sg-app
// admits the web tier on 8443 instead of 8080, and SSH from the VPC.
func changed() (*reach.Model, error) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID != "sg-app" {
			continue
		}
		g := &d.Groups[i]
		for j := range g.Rules {
			if g.Rules[j].ID == "sgr-app-http" {
				g.Rules[j].Ports = flow.Single[uint16](8443)
			}
		}
		g.Rules = append(g.Rules, sg.Rule{ID: "sgr-app-ssh", Direction: flow.Inbound, Protocol: flow.TCP,
			Ports: flow.Single[uint16](22), Peer: sg.CIDR("10.0.0.0/16")})
	}
	return d.Builder().Build()
}

// run reviews the change and writes the answers to w.
func run(w io.Writer) (*answers, error) {
	before, err := sample.ThreeTier().Build()
	if err != nil {
		return nil, err
	}
	after, err := changed()
	if err != nil {
		return nil, err
	}
	var a answers

	// 1. Every pair of interfaces (and the internet) whose sessions
	// change, with the changed resources that cause it.
	if a.diff, err = reach.Diff(before, after, reach.DiffOptions{}); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 1. what the change opens and closes\n%s\n", a.diff.Text())

	// 2. What in the changed design is dead, shadowed or dangerous.
	if a.lint, err = after.Lint(reach.LintOptions{}); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 2. lint\n%s\n", a.lint.Text())

	// 3. The smallest changes that give web-1 back its port 8080 on
	// app-1, checked on a patched copy of the changed design.
	web := reach.Query{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080}
	if a.open, err = after.Fix(web, reach.Reachable); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 3. web-1 -> app-1 tcp/8080 again\n")
	printFix(w, a.open)

	// 4. The smallest change that stops app-1 reaching the database.
	db := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	if a.close, err = after.Fix(db, reach.Unreachable); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\n=== 4. app-1 -> db-1 tcp/5432 stopped\n")
	printFix(w, a.close)
	return &a, nil
}

// printFix writes a fix: its changes, as sentences and as AWS CLI
// commands, and the other sessions it alters.
func printFix(w io.Writer, fx *reach.FixResult) {
	fmt.Fprintf(w, "%s before, %s after:\n", fx.Before, fx.After)
	for _, c := range fx.Changes {
		fmt.Fprintf(w, "  %s\n", c.Text)
	}
	for _, cmd := range aws.Commands(fx.Changes) {
		fmt.Fprintf(w, "  $ %s\n", cmd)
	}
	fmt.Fprintf(w, "other sessions changed: %d\n", len(fx.AlsoChanged))
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
}
