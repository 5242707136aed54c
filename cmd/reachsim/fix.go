package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
)

// fixUsage is the help of reachsim fix. TestSetUsagesNameEveryFlag keeps
// it in step with the flags fixFlags defines.
var fixUsage = `Usage:
  reachsim fix [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [--port PORT]
               [--src-port PORT] [--icmp-type N] [--icmp-code N] [--domain NAME]
               [--app APP] [--ipv6] [--want reachable|unreachable] [--write OUTDIR] [--json]

Find the smallest changes that make one query give the wanted answer, make
them on a copy of the model and check the query again: security group rules
(in a group only the interface uses, or a new one attached to it, with the
outbound rule AWS gives a new group revoked), network
ACL entries (numbered just before the entry that decided), routes to the
internet gateway. A change is never wider than the query: its protocol, its
one port, the peer's one address; a reply a network ACL cuts is opened to
every client port of 1024-65535 (a client picks its port anew for each
connection, and AWS advises that range), or to the --src-port given alone. The
changes are printed as AWS CLI commands, with every other session they alter
(an ACL entry judges every interface of its subnets). With --write, a patched
copy of the --aws dump is written to OUTDIR in the same file layout, loaded
again and checked, and the diff between the two dumps is printed; the input
files are never written.

Flags:
` + inputUsage + `  --from ENDPOINT     the source (required)
  --to ENDPOINT       the destination (required)
  --proto PROTO       tcp, udp, icmp, icmpv6 or a number from 1 to 255 (required)
  --port PORT         the destination port, a number or a service name (tcp, udp)
  --src-port PORT     the client port (default: the query is checked from
                      50000, and a reply is opened to all of 1024-65535)
  --icmp-type N       the ICMP type (default: echo request)
  --icmp-code N       the ICMP code (default 0)
  --domain NAME       the TLS SNI or HTTP Host, for the firewall's domain rules
  --app APP           the application protocol the session speaks, for the
                      firewall's application rules (tcp, udp): tls, http, ssh,
                      dns, ... or none; default: guessed from the port
  --ipv6              use the interfaces' IPv6 addresses (an IPv4 address as
                      an endpoint is then an error)
  --want ANSWER       reachable (the default) or unreachable
  --write OUTDIR      write the patched dump there (a new or empty directory;
                      needs --aws)
  --json              print one JSON object: "query", "want", "before", "after",
                      "changes", "also_changed", "commands", with --write
                      "written" and "diff", and when no change gives the
                      answer (exit status 1), "no_fix": why, the changes
                      none; see the README, "Review a change"
  -h, --help          print this help

Exit status: 0 when the query gives the wanted answer after the changes
(none needed included), 1 when no change Fix knows gives it ("no fix: " and
why: the hop that needs a change by hand, named), 2 for bad usage or bad
input.

Examples:
  reachsim fix --demo --from app-1 --to db-1 --proto tcp --port 5432 --src-port 50000
  reachsim fix --aws dump/ --from web-1 --to db-1 --proto tcp --port postgresql --write fixed/
  reachsim fix --demo --from 198.51.100.7 --to web-1 --proto tcp --port 443 --want unreachable
`

// fixOptions are the parsed flags of reachsim fix.
type fixOptions struct {
	commonOptions
	query queryOptions
	want  string
	write string
}

// fixFlags defines the flags of reachsim fix on a new flag set.
func fixFlags(o *fixOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim fix")
	o.commonOptions.define(fs)
	o.query.define(fs)
	fs.StringVar(&o.want, "want", "reachable", "the answer wanted")
	fs.StringVar(&o.write, "write", "", "where to write the patched dump")
	once(fs, &o.twice)
	return fs
}

// fixOutput is what reachsim fix prints with --json.
type fixOutput struct {
	Query fixQuery `json:"query"`
	*reach.FixResult
	Commands []string          `json:"commands"`
	Written  []string          `json:"written,omitempty"`
	Diff     *reach.DiffResult `json:"diff,omitempty"`
	// NoFix, when no change Fix knows gives the wanted answer
	// (reach.ErrNoFix), says why (the hop to change by hand, or what the
	// input leaves undecided); the changes are then none, and after is
	// before
	NoFix string `json:"no_fix,omitempty"`
}

// fixQuery is the query of reachsim fix's JSON.
type fixQuery struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Protocol flow.Protocol `json:"protocol"`
	Port     uint16        `json:"port,omitempty"`
	SrcPort  uint16        `json:"src_port,omitempty"`
	// ICMPType and ICMPCode are the message an icmp or icmpv6 query
	// sends: --icmp-type and --icmp-code, an echo request by default
	ICMPType *uint8 `json:"icmp_type,omitempty"`
	ICMPCode *uint8 `json:"icmp_code,omitempty"`
	Domain   string `json:"domain,omitempty"`
	App      string `json:"app,omitempty"`
}

// fixQueryOf is q as fix's JSON states it.
func fixQueryOf(q reach.Query) fixQuery {
	out := fixQuery{From: q.From, To: q.To, Protocol: q.Protocol, Port: q.Port, SrcPort: clientPort(q), Domain: q.Domain, App: q.App.String()}
	if msg, ok := icmpMessage(q); ok {
		out.ICMPType, out.ICMPCode = &msg.Type, &msg.Code
	}
	return out
}

// icmpMessage is the ICMP message q sends (an echo request when it
// names none), and whether q is an icmp or icmpv6 query.
func icmpMessage(q reach.Query) (reach.ICMPMessage, bool) {
	switch {
	case q.ICMP != nil:
		return *q.ICMP, true
	case q.Protocol == flow.ICMP:
		return reach.ICMPMessage{Type: flow.ICMPEchoRequest}, true
	case q.Protocol == flow.ICMPv6:
		return reach.ICMPMessage{Type: flow.ICMPv6EchoRequest}, true
	}
	return reach.ICMPMessage{}, false
}

// runFix is reachsim fix.
func runFix(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim fix"
	var o fixOptions
	fs := fixFlags(&o)
	if code, ok := o.parse(me, fixUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	q, err := o.query.query()
	if err != nil {
		return fail(stderr, me, "%s", strings.Replace(err.Error(), "reachsim check", me, 1))
	}
	if !o.query.srcPort.set {
		// no client port given: Fix opens the reply to every client port
		// a client may pick (1024-65535), not to the default one alone
		// (the query is checked from the default, 50000, all the same)
		q.SrcPort = 0
	}
	var want reach.Outcome
	switch strings.TrimSpace(o.want) {
	case "reachable":
		want = reach.Reachable
	case "unreachable":
		want = reach.Unreachable
	default:
		return fail(stderr, me, "--want %q: want reachable or unreachable", o.want)
	}
	if o.write != "" && len(o.aws) == 0 {
		return fail(stderr, me, "--write needs the dump to patch: give it with --aws")
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	fx, err := m.Fix(q, want)
	if errors.Is(err, reach.ErrNoFix) {
		fmt.Fprintf(stderr, "%s: %s\n", me, boundWords(textsafe.String(err.Error())))
		return noFix(me, o, m, q, want, err, stdout, stderr)
	}
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	out := fixOutput{Query: fixQueryOf(q), FixResult: fx, Commands: aws.Commands(fx.Changes)}
	if o.write != "" && len(fx.Changes) > 0 {
		if out.Written, out.Diff, err = writeFix(o, q, fx, m); err != nil {
			return failLines(stderr, me, err)
		}
	}
	if !o.printText(stdout, me, out, func() string { return fixText(q, out) }, stderr) {
		return exitUsage
	}
	return exitReachable
}

// noFix prints fix's answer when no change Fix knows gives want (err
// wraps reach.ErrNoFix), as it prints one with changes: the query and
// its answer before, then "no fix: " and why (with --json, the object
// with after the same as before, no changes, and why in no_fix). It
// returns the exit status: 1, or 2 when the answer cannot be written.
func noFix(me string, o fixOptions, m *reach.Model, q reach.Query, want reach.Outcome, err error, stdout, stderr io.Writer) int {
	r, cerr := m.Check(q) // Fix checked it already: no error here
	if cerr != nil {
		return fail(stderr, me, "%v", cerr)
	}
	fx := &reach.FixResult{Query: q, Want: want, Before: r.Outcome, After: r.Outcome, Changes: []reach.Change{}, AlsoChanged: []reach.SessionChange{}}
	out := fixOutput{Query: fixQueryOf(q), FixResult: fx, Commands: []string{},
		NoFix: strings.TrimPrefix(err.Error(), reach.ErrNoFix.Error()+": ")}
	if !o.printText(stdout, me, out, func() string { return fixText(q, out) }, stderr) {
		return exitUsage
	}
	return exitNotReachable
}

// writeFix writes the patched dump, loads it again, checks the query on it
// and diffs it against the original.
func writeFix(o fixOptions, q reach.Query, fx *reach.FixResult, m *reach.Model) ([]string, *reach.DiffResult, error) {
	written, err := aws.WritePatchedWith(aws.Options{MaxFileSize: o.maxFileSize.v}, o.write, fx.Changes, o.aws...)
	if err != nil {
		return nil, nil, err
	}
	again, _, err := aws.LoadWith(aws.Options{MaxFileSize: o.maxFileSize.v, VPCs: o.vpcs}, o.write)
	if err != nil {
		return written, nil, fmt.Errorf("the patched dump in %s: %w", o.write, err)
	}
	r, err := again.Check(q)
	if err != nil {
		return written, nil, err
	}
	if r.Outcome != fx.Want {
		return written, nil, fmt.Errorf("the patched dump in %s gives %s, not %s: please report this", o.write, r.Outcome, fx.Want)
	}
	d, err := reach.Diff(m, again, reach.DiffOptions{})
	return written, d, err
}

// fixText is the text form of reachsim fix's answer.
func fixText(q reach.Query, out fixOutput) string {
	var b strings.Builder
	fx := out.FixResult
	fmt.Fprintf(&b, "%s: %s; wanted %s\n", textsafe.String(queryLabel(q)), fx.Before, fx.Want)
	if out.NoFix != "" {
		fmt.Fprintf(&b, "no fix: %s\n", textsafe.String(out.NoFix))
		return b.String()
	}
	if len(fx.Changes) == 0 {
		b.WriteString("nothing to change\n")
		return b.String()
	}
	fmt.Fprintf(&b, "changes (checked: %s after them):\n", fx.After)
	for i, c := range fx.Changes {
		hop := ""
		if c.Hop > 0 {
			hop = fmt.Sprintf(" [%s hop %d]", c.Leg, c.Hop)
		}
		fmt.Fprintf(&b, "  %d. %s%s\n", i+1, textsafe.String(c.Text), hop)
	}
	b.WriteString("as AWS CLI commands:\n")
	for _, c := range out.Commands {
		fmt.Fprintf(&b, "  %s\n", textsafe.String(c))
	}
	for _, w := range fx.Warnings {
		fmt.Fprintf(&b, "warning: %s: AWS refuses the change unless the quota was raised\n", textsafe.String(w))
	}
	if fx.ByHand != "" {
		fmt.Fprintf(&b, "by hand instead: %s\n", textsafe.String(fx.ByHand))
	}
	if len(fx.AlsoChanged) == 0 {
		b.WriteString("other sessions changed: none\n")
	} else {
		b.WriteString("other sessions changed:\n")
		for _, sc := range fx.AlsoChanged {
			fmt.Fprintf(&b, "  %s -> %s %s: %s\n", textsafe.String(sc.From), textsafe.String(sc.To), sessionProtocolText(sc), sessionChangeText(sc))
		}
	}
	if len(out.Written) > 0 {
		fmt.Fprintf(&b, "wrote the patched dump (%d files), loaded it again: %s\n", len(out.Written), fx.Want)
		if out.Diff != nil && len(out.Diff.Changes) == 0 {
			fmt.Fprintf(&b, "diff against the input: no pair changed from client port %d, the one diff asks from", reach.DefaultSourcePort)
			if cp := clientPort(q); cp != reach.DefaultSourcePort && q.Protocol.HasPorts() {
				// a reply entry for the one port --src-port named changes
				// no session from the default port
				fmt.Fprintf(&b, " (the fix is for client port %d alone, as --src-port asked)", cp)
			}
			b.WriteString("\n")
		} else if out.Diff != nil {
			b.WriteString("diff against the input:\n")
			for _, line := range strings.SplitAfter(strings.TrimRight(out.Diff.Text(), "\n"), "\n") {
				b.WriteString("  " + strings.TrimRight(line, "\n") + "\n")
			}
		}
	}
	return b.String()
}

// sessionProtocolText names the protocol of a session a fix alters: its
// ICMP message, or the protocols it stands for, when it has them.
func sessionProtocolText(sc reach.SessionChange) string {
	s := sc.Protocol.String()
	if sc.ICMP != nil {
		s += fmt.Sprintf(" type %d code %d", sc.ICMP.Type, sc.ICMP.Code)
	}
	if !sc.Protocols.IsEmpty() {
		s = "protocols " + sc.Protocols.String() + " (no filter names them)"
	}
	return s
}

// sessionChangeText says what a session gains and loses.
func sessionChangeText(sc reach.SessionChange) string {
	if !sc.Protocol.HasPorts() {
		return fmt.Sprintf("%s, was %s", sc.After, sc.Before)
	}
	var parts []string
	if !sc.Gained.IsEmpty() {
		parts = append(parts, "gains "+sc.Gained.String())
	}
	if !sc.Lost.IsEmpty() {
		parts = append(parts, "loses "+sc.Lost.String())
	}
	if !sc.IndeterminateGained.IsEmpty() {
		parts = append(parts, "becomes indeterminate on "+sc.IndeterminateGained.String())
	}
	if !sc.IndeterminateLost.IsEmpty() {
		parts = append(parts, "is no longer indeterminate on "+sc.IndeterminateLost.String())
	}
	return strings.Join(parts, ", ")
}

// clientPort is the client port q is checked from: its SrcPort, or
// reach.DefaultSourcePort when it names none (tcp, udp); 0 for other
// protocols.
func clientPort(q reach.Query) uint16 {
	if q.SrcPort == 0 && q.Protocol.HasPorts() {
		return reach.DefaultSourcePort
	}
	return q.SrcPort
}

// queryLabel names q as the command line wrote it: with its ports, or
// its ICMP message, and the application protocol and domain asked
// ("x -> y tcp/443 (client port 50000, app tls, domain x.example)",
// "x -> y icmp type 3 code 4").
func queryLabel(q reach.Query) string {
	s := fmt.Sprintf("%s -> %s %s", q.From, q.To, q.Protocol)
	if msg, ok := icmpMessage(q); ok {
		s += fmt.Sprintf(" type %d code %d", msg.Type, msg.Code)
	}
	var in []string
	if q.Protocol.HasPorts() {
		s += fmt.Sprintf("/%d", q.Port)
		in = append(in, fmt.Sprintf("client port %d", clientPort(q)))
	}
	if q.App != flow.AppUnset {
		in = append(in, "app "+q.App.String())
	}
	if q.Domain != "" {
		in = append(in, "domain "+q.Domain)
	}
	if len(in) > 0 {
		s += " (" + strings.Join(in, ", ") + ")"
	}
	return s
}
