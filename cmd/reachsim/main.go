// Command reachsim answers "can this source reach that destination over
// this protocol and port, and if not, what stops it?" for an AWS network,
// offline, from the JSON the AWS CLI prints.
//
//	reachsim check --aws dump/ --from app-1 --to db-1 --proto tcp --port 5432
//	reachsim check --demo --from 198.51.100.7 --to web-1 --proto tcp --port 443 --json
//	reachsim check --aws dump/ --queries queries.txt --json
//	reachsim ports --demo --from 198.51.100.7 --to web-1 --proto tcp
//	reachsim sources --aws dump/ --to db-1 --proto tcp --port postgresql --json
//	reachsim matrix --aws dump/ --csv
//	reachsim audit --aws dump/ --fail-on high
//	reachsim lint --aws dump/ --json
//	reachsim diff --before old/ --after new/
//	reachsim fix --aws dump/ --from app-1 --to db-1 --proto tcp --port 5432 --write fixed/
//	reachsim help check
//
// With --queries FILE (- for standard input), check loads the input once
// and answers one query a line, written as the check flags (--from web-1
// --to db-1 --proto tcp --port 5432), each as it is read: one line of
// text, or with --json one compact object with its "line", per query, in
// the same order. Its exit status is 2 when a line is bad (named on
// standard error by its number; the other lines are still answered),
// else 1 when any query is not reachable, else 3 when any is
// indeterminate, else 0.
//
// Set questions are answered exactly, from the filters' rules rather than
// by trying every value: reachsim ports prints the destination ports
// (ICMP: types and codes) of --to that --from reaches, round trip, from
// the default client port and per common client-port range, and which
// hop cuts which ports; reachsim sources prints who reaches --to on one
// protocol and port: the input's interfaces, and the internet addresses
// as CIDR blocks. Each takes --json for one object of the schema the
// README documents ("Set questions"); ports's "open" is the set of ports
// open from the default client port, written "22,443,8000-8100" or
// "none". Their exit status is 0 when something gets through, 1 when
// nothing does, 3 when nothing does for certain but the input leaves
// some open, 2 for bad usage or bad input.
//
// reachsim matrix prints every ordered pair of interfaces, grouped into
// classes that no route, filter or gateway tells apart, and the internet
// as one more node, with the exact ports, ICMP types and protocols their
// sessions carry; --csv prints it as one CSV table, --json as the
// README's schema. It exits 0 unless the usage or the input is bad (2).
// reachsim audit checks every interface against a catalogue of risky
// services (SSH, RDP, databases...) that a security group opens to
// internet addresses: exposed, indeterminate, or closed by another layer
// (which hops). Without --fail-on it exits 0 whatever it finds; with
// --fail-on high|medium|low, 1 when an exposed finding reaches that
// severity, else 3 when an indeterminate one does, else 0.
// reachsim lint finds what is dead, shadowed or dangerous (shadowed and
// redundant ACL entries, implied security group rules, unused groups and
// ACLs, missing references, ACLs that cut replies, exposures, quotas,
// hidden firewall rules, one-way stateless passes), each finding with a
// stable ID, its resource, where the input holds it and a fix; it exits 1
// when a finding reaches --fail-on (default low), else 0.
//
// reachsim diff --before DUMP --after DUMP compares two inputs, before
// and after a change: every pair of interfaces (and the internet) whose
// traffic changed, the ports gained and lost, and the changed resources
// on its path. It exits 0 when nothing changed, 1 when something did.
//
// reachsim fix --from A --to B --proto tcp --port 5432 [--want
// reachable|unreachable] [--write OUTDIR] prints the smallest changes
// that give the wanted answer, checked on a patched copy of the model, as
// AWS CLI commands, with every other session they alter; --write writes
// a patched copy of the --aws dump. It exits 0 when the changes give the
// wanted answer, 1 when no change it knows does (printing "no fix: " and
// why after the query's line).
//
// The exit status of check is 0 when the session works, 1 when it does not, 3 when
// the answer is indeterminate (it depends on something the input does not
// hold: a route to a target reachsim does not model, a security group
// reference to a group not in the input, a firewall rule that depends on
// payload), and 2 for bad usage or bad input, with a one-line error on
// standard error
// (under go run, which exits 1 for any failure, build or install the
// command to tell them apart). reachsim --version prints the module
// version it was built from.
// Run reachsim --help for the commands and reachsim check --help for the
// flags.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/reachsim/reachsim/internal/textsafe"
)

// Exit statuses.
const (
	exitReachable     = 0
	exitNotReachable  = 1
	exitUsage         = 2 // bad usage or bad input
	exitIndeterminate = 3 // the answer depends on what the input does not hold
)

func main() {
	// a closed pipe is an answer that could not be written (exit 2), not
	// a signal that ends the process
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `reachsim simulates AWS network reachability offline: can this source
reach that destination over this protocol and port, and if not, which rule,
on which hop, in which direction, stopped it?

Usage:
  reachsim check [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [flags]
  reachsim check [--aws PATH]... --queries FILE [--json]
  reachsim ports [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [flags]
  reachsim sources [--aws PATH]... --to ENDPOINT --proto PROTO [--port PORT] [flags]
  reachsim matrix [--aws PATH]... [--csv | --json] [--ipv6] [--no-internet]
  reachsim audit [--aws PATH]... [--fail-on high|medium|low] [--json] [--ipv6]
  reachsim diff --before PATH --after PATH [flags]
  reachsim diff --before-terraform PLAN --after-terraform PLAN [flags]
  reachsim fix [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [flags]
  reachsim lint [--aws PATH]... [--fail-on high|medium|low] [--only IDS] [--skip IDS] [--json]
  reachsim help [COMMAND]
  reachsim --version

Commands:
  check   check one session, request and reply, and print its trace;
          or many, one a line of a file (--queries), after one load
  ports   which destination ports (ICMP types and codes) of one endpoint
          another reaches, per client-port range, and which hop cuts the rest
  sources who reaches an endpoint on a port: which interfaces, and which
          internet addresses, exactly (--json: as CIDR blocks)
  matrix  every pair of interfaces (grouped into classes) and the internet,
          with the exact ports and protocols each pair's sessions carry
  audit   which risky services (SSH, RDP, databases...) the internet reaches
          on every interface, through every layer; --fail-on gates CI
  diff    what a change opens or closes: every pair whose traffic differs
          between two inputs, the ports gained and lost, and the changed
          resources that cause it; exits 1 when something changed
  fix     the smallest changes that make one session work (or stop it),
          checked, as AWS CLI commands; --write a patched copy of the dump
  lint    what is dead, shadowed or dangerous: shadowed and redundant ACL
          entries, implied and unused security group rules and groups,
          missing references, cut replies, exposures, quotas, firewall rules
  help    print this help, or a command's

Run 'reachsim COMMAND --help' for the flags of a command ([flags] above).
`

// command is a subcommand: what runs it and its help.
type command struct {
	run   func(args []string, stdout, stderr io.Writer) int
	usage string
}

// commands are the subcommands by name, the one list that run and help
// take them from.
var commands = map[string]command{
	"check":   {runCheck, checkUsage},
	"ports":   {runPorts, portsUsage},
	"sources": {runSources, sourcesUsage},
	"matrix":  {runMatrix, matrixUsage},
	"audit":   {runAudit, auditUsage},
	"diff":    {runDiff, diffUsage},
	"fix":     {runFix, fixUsage},
	"lint":    {runLint, lintUsage},
}

// run is the whole command: args without the program name, output and
// errors to the writers, the exit status as the result.
func run(args []string, stdout, stderr io.Writer) int {
	w := &outWriter{w: stdout}
	code := runTo(args, w, stderr)
	if w.err != nil && code != exitUsage {
		// the answer never reached its reader: no exit status may say
		// it was given (a command that saw the error said so already)
		return fail(stderr, "reachsim", "writing the answer to standard output: %v", w.err)
	}
	return code
}

// outWriter is standard output, remembering its first write error.
type outWriter struct {
	w   io.Writer
	err error
}

// Write implements io.Writer: after a failed write it writes nothing more.
func (o *outWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.err = err
	return n, err
}

// runTo is run, writing to stdout as given.
func runTo(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	if c, ok := commands[args[0]]; ok {
		return c.run(args[1:], stdout, stderr)
	}
	switch cmd := args[0]; cmd {
	case "--version", "-version":
		if len(args) > 1 {
			return fail(stderr, "reachsim", "unexpected argument %q after %s", args[1], cmd)
		}
		fmt.Fprintln(stdout, "reachsim", version())
		return exitReachable
	case "help", "-h", "-help", "--help":
		if cmd != "help" || len(args) == 1 {
			if len(args) > 1 {
				return fail(stderr, "reachsim", "unexpected argument %q after %s", args[1], cmd)
			}
			fmt.Fprint(stdout, usage)
			return exitReachable
		}
		if len(args) > 2 {
			return fail(stderr, "reachsim help", "unexpected argument %q", args[2])
		}
		if c, ok := commands[args[1]]; ok {
			fmt.Fprint(stdout, c.usage)
			return exitReachable
		}
		switch args[1] {
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return exitReachable
		}
		return fail(stderr, "reachsim help", "unknown command %q (commands: check, ports, sources, matrix, audit, diff, fix, lint, help)", args[1])
	default:
		if len(cmd) > 1 && cmd[0] == '-' {
			return fail(stderr, "reachsim", "unknown flag %s before the command (run 'reachsim --help')", cmd)
		}
		return fail(stderr, "reachsim", "unknown command %q (run 'reachsim --help')", cmd)
	}
}

// version is the module version the binary was built from, as go install
// records it (v1.2.3, or a pseudo-version), or "(devel)" for a build from
// a working tree.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// fail writes a one-line error, "prefix: message", and returns exitUsage.
// The message is escaped (internal/textsafe): a name or an argument that
// holds a newline or a terminal escape cannot add a line or drive the
// terminal. A word longer than 200 bytes (a huge argument the message
// quotes) is cut to its start (boundWords).
func fail(stderr io.Writer, prefix, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n", prefix, boundWords(textsafe.String(fmt.Sprintf(format, args...))))
	return exitUsage
}
