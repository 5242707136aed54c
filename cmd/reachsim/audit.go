package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reachsim/reachsim/reach"
)

// auditUsage is the help of reachsim audit. TestSetUsagesNameEveryFlag
// keeps it in step with the flags auditFlags defines.
var auditUsage = `Usage:
  reachsim audit [--aws PATH]... [--fail-on high|medium|low] [--json] [--ipv6]

Check every interface against a catalogue of risky services (SSH, Telnet,
RDP, VNC, SMB, NetBIOS, RPC, Docker, Kubernetes, etcd, databases, caches,
message queues...): for every security group rule that opens one of them
to internet addresses, whether some internet address reaches it through
every layer (routes, gateways, network ACLs, firewalls, the reply's way
back), from some client port (an attacker picks its own: a network ACL
that lets replies out to some client ports only does not close the
service), and which addresses exactly. A finding is "exposed" (some internet
address reaches it), "indeterminate" (none does for certain, but the input
leaves some open) or "closed" (a rule opens it, another layer stops it, or
on Alibaba Cloud a drop rule of the same groups that comes first: which
hops). Findings are sorted by severity (high, medium, low), then
exposure.

Flags:
` + inputUsage + `  --fail-on SEVERITY  high, medium or low: exit 1 when an exposed finding has
                      this severity or a higher one (3 when none does but an
                      indeterminate one does); closed findings never count
  --json              print one JSON object: "interfaces" and "findings"; see
                      the README, "Set questions"
  --ipv6              audit what the IPv6 internet reaches
  -h, --help          print this help

Exit status: without --fail-on, 0 whatever is found; with it, 1 when an
exposed finding reaches the threshold, else 3 when an indeterminate one
does, else 0; 2 for bad usage or bad input.

Examples:
  reachsim audit --demo
  reachsim audit --aws dump/ --fail-on high
  reachsim audit --aws dump/ --ipv6 --json
`

// auditOptions are the parsed flags of reachsim audit.
type auditOptions struct {
	commonOptions
	failOn    string
	failOnSet bool // --fail-on was given, even empty
	ipv6      bool
}

// auditFlags defines the flags of reachsim audit on a new flag set.
func auditFlags(o *auditOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim audit")
	o.define(fs)
	fs.StringVar(&o.failOn, "fail-on", "", "the severity that fails the audit")
	fs.BoolVar(&o.ipv6, "ipv6", false, "audit IPv6")
	once(fs, &o.twice)
	return fs
}

// threshold reads --fail-on: 0 when it is not given.
func (o *auditOptions) threshold() (reach.Severity, error) {
	if !o.failOnSet {
		return 0, nil
	}
	s, err := reach.ParseSeverity(strings.TrimSpace(o.failOn))
	if err != nil {
		return 0, fmt.Errorf("--fail-on %q: want high, medium or low", o.failOn)
	}
	return s, nil
}

// runAudit is reachsim audit.
func runAudit(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim audit"
	var o auditOptions
	fs := auditFlags(&o)
	if code, ok := o.parse(me, auditUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	fs.Visit(func(f *flag.Flag) { o.failOnSet = o.failOnSet || f.Name == "fail-on" })
	threshold, err := o.threshold()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	p := startProgress(stderr, "auditing") // shown after a second, on a terminal only
	res, err := m.Audit(reach.AuditOptions{IPv6: o.ipv6})
	p.end()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if !o.printText(stdout, me, res, res.Text, stderr) {
		return exitUsage
	}
	return auditStatus(res, threshold)
}

// auditStatus is the exit status of an audit with the threshold (0: no
// --fail-on): 1 when an exposed finding has that severity or a higher
// one, else 3 when an indeterminate one has, else 0. Closed findings
// never count.
func auditStatus(res *reach.AuditResult, threshold reach.Severity) int {
	if threshold == 0 {
		return exitReachable
	}
	unsure := false
	for _, f := range res.Findings {
		if f.Severity < threshold {
			continue
		}
		switch f.Exposure {
		case reach.Exposed:
			return exitNotReachable
		case reach.Undecided:
			unsure = true
		}
	}
	if unsure {
		return exitIndeterminate
	}
	return exitReachable
}
