package main

import (
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/reachsim/reachsim/reach"
)

// diffUsage is the help of reachsim diff. TestSetUsagesNameEveryFlag
// keeps it in step with the flags diffFlags defines.
var diffUsage = `Usage:
  reachsim diff --before PATH --after PATH [--vpc ID[,ID...]]... [--max-file-size SIZE]
                [--ipv6] [--no-internet] [--json]
  reachsim diff --before-terraform PLAN --after-terraform PLAN [--max-file-size SIZE]
                [--ipv6] [--no-internet] [--json]

Compare two inputs, before and after a change, and print every ordered
pair of interfaces (matched by ID), and the internet as one more node,
whose sessions carry other traffic after than before, round trip, from the
default client port ` + fmt.Sprint(reach.DefaultSourcePort) + `: the exact tcp and udp ports, ICMP types
and codes and other protocols gained and lost (and what the input leaves
open, gained and lost). Interfaces that are one class in both inputs
change alike and are one group (G1, G2...); an interface in one input
only is added or removed, and carries nothing in the other. Under each
changed pair, its causes: the resources that changed (security groups,
network ACLs, route tables, subnets, interfaces, firewalls, gateways...)
that the traces of its changed traffic meet in either input. A pair with
the internet is compared internet address by address: a change that only
widens or narrows the addresses that get through is listed, with a line
naming the addresses that changed alike ("internet addresses every one but
198.51.100.0/24: gained tcp 443"). Last, every resource that changed, with
what changed in it. One input may be a dump and the other a plan
(--before PATH --after-terraform PLAN); --vpc needs two dumps.

Flags:
  --before PATH       the AWS CLI JSON before the change: a file, or a
                      directory of them
  --after PATH        the AWS CLI JSON after the change
  --before-terraform PLAN
                      a Terraform plan's JSON (terraform show -json) as the
                      input before, instead of --before
  --after-terraform PLAN
                      a Terraform plan's JSON as the input after, instead of
                      --after
  --max-file-size SIZE
                      the largest input file read (512MiB, 2GiB; default 1GiB)
  --vpc ID[,ID...]    model these VPCs of the dumps only (repeatable); a VPC
                      one dump holds is added or removed with what is in it,
                      one that neither holds is bad input
  --json              print one JSON object: "groups", "changes" (a pair
                      with the internet lists its "addresses") and
                      "resources"; see the README, "What a change opens or
                      closes"
  --ipv6              use the interfaces' IPv6 addresses (interfaces without
                      one are left out)
  --no-internet       leave the internet node out
  -h, --help          print this help

Exit status: 0 when no pair's traffic changed (resources may have), 1 when
some did, 2 for bad usage or bad input: a CI job can gate a change on it.

Examples:
  reachsim diff --before dump-monday/ --after dump-tuesday/
  reachsim diff --before dump/ --after-terraform plan.json --json
`

// diffOptions are the parsed flags of reachsim diff.
type diffOptions struct {
	commonOptions
	before, after     string
	beforeTF, afterTF string
	maxFileSize       sizeFlag
	vpcs              idList
	ipv6, noInternet  bool
}

// diffFlags defines the flags of reachsim diff on a new flag set.
func diffFlags(o *diffOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim diff")
	fs.Var(pathFlag{&o.before}, "before", "AWS CLI JSON before the change")
	fs.Var(pathFlag{&o.after}, "after", "AWS CLI JSON after the change")
	fs.Var(pathFlag{&o.beforeTF}, "before-terraform", "a Terraform plan's JSON before the change")
	fs.Var(pathFlag{&o.afterTF}, "after-terraform", "a Terraform plan's JSON after the change")
	fs.Var(&o.maxFileSize, "max-file-size", "the largest input file read")
	fs.Var(&o.vpcs, "vpc", "the VPCs of the dumps to model; repeatable")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.BoolVar(&o.ipv6, "ipv6", false, "use IPv6 addresses")
	fs.BoolVar(&o.noInternet, "no-internet", false, "leave the internet out")
	once(fs, &o.twice)
	return fs
}

// side returns the input options of one side: its dump or its plan.
func (o *diffOptions) side(which, dump, plan string) (inputOptions, error) {
	in := inputOptions{terraform: plan, maxFileSize: o.maxFileSize, vpcs: o.vpcs, vpcsMayBeAbsent: true, tfFlag: "--" + which + "-terraform"}
	switch {
	case dump != "" && plan != "":
		return in, fmt.Errorf("--%s and --%s-terraform exclude each other: give one input %s", which, which, which)
	case dump == "" && plan == "":
		return in, fmt.Errorf("missing --%s (or --%s-terraform) (run 'reachsim diff --help')", which, which)
	case dump != "":
		in.aws = pathList{dump}
	}
	return in, nil
}

// runDiff is reachsim diff.
func runDiff(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim diff"
	var o diffOptions
	fs := diffFlags(&o)
	if code, ok := o.parse(me, diffUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	before, err := o.side("before", o.before, o.beforeTF)
	if err == nil {
		var after inputOptions
		after, err = o.side("after", o.after, o.afterTF)
		if err == nil {
			return o.run(me, before, after, stdout, stderr)
		}
	}
	return fail(stderr, me, "%v", err)
}

// run loads both inputs, diffs them and prints the answer.
func (o *diffOptions) run(me string, before, after inputOptions, stdout, stderr io.Writer) int {
	var models [2]*reach.Model
	for i, in := range []*inputOptions{&before, &after} {
		m, err := in.loadModel(stderr)
		if err != nil {
			return failLines(stderr, me, fmt.Errorf("%s: %w", []string{"before", "after"}[i], err))
		}
		models[i] = m
	}
	// one --vpc list names the VPCs of both dumps: a VPC one of them
	// holds is added or removed by the change; one neither holds is a
	// mistake
	for _, id := range before.vpcsAbsent {
		if slices.Contains(after.vpcsAbsent, id) {
			return fail(stderr, me, "--vpc %s: neither dump holds it (not in --before, not in --after)", id)
		}
	}
	p := startProgress(stderr, "comparing the two inputs") // shown after a second, on a terminal only
	d, err := reach.Diff(models[0], models[1], reach.DiffOptions{IPv6: o.ipv6, NoInternet: o.noInternet})
	p.end()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if !o.printText(stdout, me, d, d.Text, stderr) {
		return exitUsage
	}
	if len(d.Changes) > 0 {
		return exitNotReachable
	}
	return exitReachable
}
