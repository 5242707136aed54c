package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reachsim/reachsim/reach"
)

// lintUsage is the help of reachsim lint. TestSetUsagesNameEveryFlag
// keeps it in step with the flags lintFlags defines; its list of checks
// is reach.LintChecks', so it names every check ID.
var lintUsage = lintUsageHead + lintChecksHelp() + lintUsageTail

// lintUsageHead is the help of reachsim lint up to its list of checks.
const lintUsageHead = `Usage:
  reachsim lint [--aws PATH]... [--fail-on high|medium|low] [--only IDS] [--skip IDS] [--json]

Find what in the design is dead, shadowed or dangerous: network ACL
entries no packet reaches (ACL_SHADOWED) or whose removal changes nothing
(ACL_REDUNDANT); security group rules other rules imply on every interface
that uses the group (SG_RULE_IMPLIED, AWS groups); Alibaba Cloud rules that
rules of their group with a smaller priority number (or a drop of the same)
hide, so that they never decide (SG_RULE_SHADOWED); security group rules
that can match no packet, icmp with an IPv6 CIDR or icmpv6 with an IPv4
one (SG_RULE_DEAD); groups and ACLs nothing uses
(SG_UNUSED, ACL_UNUSED); references to groups or prefix lists the input
does not hold (REF_MISSING_GROUP, REF_MISSING_PREFIX_LIST) and to groups
of another VPC that no peering joins (REF_MATCHES_NOTHING); prefix-list
routes that share a block toward different targets, which AWS picks
between at random (ROUTE_PREFIX_LIST_TIE); routes to a network interface
whose source/destination check is on, which carry no transit traffic
(ROUTE_SOURCE_DEST_CHECK); routes whose target no longer exists
(blackholes), with the subnets that use their table and the destinations
they swallow (ROUTE_BLACKHOLE); ACLs that cut the replies of TCP requests
they allow, per common client port range, and NAT gateway subnets' ACLs
that drop replies from the internet to some of the ports 1024-65535 the
gateway picks (ACL_CUTS_REPLIES); risky services a rule opens to the
internet, reachable through every layer or closed by another layer or an
Alibaba drop rule that comes first (EXPOSED_RISKY,
EXPOSED_RISKY_INDETERMINATE, EXPOSED_RISKY_CLOSED); AWS quotas (QUOTA_*);
Network Firewall rules an earlier rule hides in strict order
(FW_RULE_UNREACHABLE) and stateless pass rules whose replies get no pass
(FW_STATELESS_PASS_ONE_WAY). Each finding names its resource, where the
input holds it (file and JSON path), and a fix. Findings are sorted by
severity (high, medium, low), then ID.

Flags:
` + inputUsage + `  --fail-on SEVERITY  high, medium or low: exit 1 when a finding has this
                      severity or a higher one (default low: any finding)
  --only IDS          report only these checks, comma-separated
                      (ACL_SHADOWED,SG_UNUSED); the others do not run
  --skip IDS          leave these checks out, comma-separated; --only or
                      --skip with no ID in it ("") is bad usage
  --json              print one JSON object: "findings" (each with "id",
                      "severity", "kind", "resource", "rule", "origin",
                      "message", "fix", "related") and "skipped"; see the
                      README, "What is dead, shadowed or dangerous"
  -h, --help          print this help

`

// lintUsageTail is the help of reachsim lint after its list of checks.
const lintUsageTail = `Exit status: 0 when no finding reaches the threshold, 1 when one does, 2
for bad usage or bad input.

Examples:
  reachsim lint --demo
  reachsim lint --aws dump/ --fail-on medium
  reachsim lint --aws dump/ --json
  reachsim lint --aws dump/ --skip SG_RULE_IMPLIED,FW_RULE_UNREACHABLE
`

// lintChecksHelp lists every check of reach.LintChecks for lint's help,
// one a line with the severity its findings usually have.
func lintChecksHelp() string {
	var b strings.Builder
	b.WriteString("Checks (the IDs --only and --skip take; the severity their findings\nusually have):\n")
	for _, c := range reach.LintChecks() {
		fmt.Fprintf(&b, "  %-28s %s\n", c.ID, c.Severity)
	}
	return b.String() + "\n"
}

// unknownIDs refuses an ID of --only or --skip that is no lint check,
// naming the flag, its value and the ID: bad usage, told before the
// input is read.
func unknownIDs(o lintOptions, lo reach.LintOptions) error {
	known := map[string]bool{}
	for _, c := range reach.LintChecks() {
		known[c.ID] = true
	}
	for _, f := range []struct {
		name, value string
		ids         []string
	}{{"only", o.only, lo.Only}, {"skip", o.skip, lo.Skip}} {
		for _, id := range f.ids {
			if !known[id] {
				return fmt.Errorf("--%s %q: %q is no lint check (reachsim lint --help lists them)", f.name, f.value, id)
			}
		}
	}
	return nil
}

// lintOptions are the parsed flags of reachsim lint.
type lintOptions struct {
	commonOptions
	failOn     string
	only, skip string
}

// ids splits a comma-separated list of check IDs.
func ids(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// emptyIDs refuses --only or --skip given with no check ID in it ("",
// ",", " "): more likely an unset variable in a script than a wish for
// every check (an empty --only would run them all, silently).
func emptyIDs(fs *flag.FlagSet, lo reach.LintOptions) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		n := map[string]int{"only": len(lo.Only), "skip": len(lo.Skip)}
		if c, ok := n[f.Name]; ok && c == 0 && err == nil {
			err = fmt.Errorf("--%s %q names no check: give one or more check IDs, comma-separated (reachsim lint --help lists them), or leave --%s out", f.Name, f.Value.String(), f.Name)
		}
	})
	return err
}

// lintFlags defines the flags of reachsim lint on a new flag set.
func lintFlags(o *lintOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim lint")
	o.define(fs)
	fs.StringVar(&o.failOn, "fail-on", "low", "the severity that fails the lint")
	fs.StringVar(&o.only, "only", "", "the checks to run")
	fs.StringVar(&o.skip, "skip", "", "the checks to leave out")
	once(fs, &o.twice)
	return fs
}

// runLint is reachsim lint.
func runLint(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim lint"
	var o lintOptions
	fs := lintFlags(&o)
	if code, ok := o.parse(me, lintUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	threshold, err := reach.ParseSeverity(strings.TrimSpace(o.failOn))
	if err != nil {
		return fail(stderr, me, "%v", fmt.Errorf("--fail-on %q: want high, medium or low", o.failOn))
	}
	lo := reach.LintOptions{Only: ids(o.only), Skip: ids(o.skip)}
	if err := emptyIDs(fs, lo); err != nil {
		return fail(stderr, me, "%v", err)
	}
	if err := unknownIDs(o, lo); err != nil {
		return fail(stderr, me, "%v", err)
	}
	if err := lo.Validate(); err != nil {
		return fail(stderr, me, "%v", err) // before the input is read
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	p := startProgress(stderr, "linting") // shown after a second, on a terminal only
	res, err := m.Lint(lo)
	p.end()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if !o.printText(stdout, me, res, res.Text, stderr) {
		return exitUsage
	}
	if res.AtLeast(threshold) > 0 {
		return exitNotReachable
	}
	return exitReachable
}
