// Command quickstart runs reachsim on its embedded sample: a three-tier
// design (internet → web tier in a public subnet behind an AWS Network
// Firewall → app tier → database, with network ACLs and a NAT gateway;
// see package sample) and a handful of questions whose answers show a
// pass, a security group block, a network ACL that drops the reply, and a
// firewall drop — each with its full trace.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

var questions = []struct {
	title string
	q     reach.Query
}{
	{"HTTPS from the internet to the web tier (passes)",
		reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443}},
	{"the web tier straight to the database (security group and ACL block it)",
		reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}},
	{"the app tier to the database (the reply dies at the database subnet's ACL: ephemeral ports)",
		reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}},
	{"SSH from the office to the web tier (the firewall drops it, though the security group allows it)",
		reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 22}},
	{"the app tier to an allowlisted domain through the NAT gateway and the firewall (passes)",
		reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}},
}

// design builds the design the questions are put to: the sample.
func design() (*reach.Model, error) {
	return sample.ThreeTier().Build()
}

func main() {
	m, err := design()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	for i, x := range questions {
		r, err := m.Check(x.q)
		if err != nil {
			fmt.Fprintln(os.Stderr, "quickstart:", err)
			os.Exit(1)
		}
		fmt.Printf("=== %d. %s\n%s\n", i+1, x.title, r.Text())
	}
}
