package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// What every command that answers a question about a loaded model shares:
// the input flags, --json, the parsing of the flags (help, errors, a flag
// given twice), the checks of required flags, and the output. A command
// is then, in order:
//
//	var o myOptions // embeds commonOptions
//	fs := newFlagSet(me)
//	o.define(fs)    // commonOptions.define, then the command's own flags
//	once(fs, &o.twice)
//	if code, ok := o.parse(me, myUsage, fs, args, stdout, stderr); !ok {
//		return code
//	}
//	... check the flags (fail on a bad one: exit 2 before any load)
//	m, err := o.loadModel(stderr) // failLines on an error
//	... answer, then o.print(stdout, me, answer, stderr)
//
// See runPorts and runSources (runMatrix and runAudit print with
// printText, their text being their Text method).

// inputUsage is the help of the input flags, the same in every command
// that loads a model.
const inputUsage = `  --aws PATH          JSON the AWS CLI printed (describe-vpcs, describe-subnets,
                      describe-network-interfaces, ...): a file, or a directory
                      of them; repeat for several. Without --aws or
                      --terraform, the embedded sample is used, as with
                      --demo; an empty PATH or PLAN is bad usage
  --terraform PLAN    a Terraform plan as terraform show -json prints it
                      (terraform plan -out plan.out && terraform show -json
                      plan.out > plan.json); resources by their addresses
                      (aws_instance.db, module.app.aws_instance.web[0])
  --max-file-size SIZE
                      the largest input file read: bytes, or a number with
                      KiB, MiB, GiB or TiB (512MiB, 2GiB; default 1GiB);
                      larger files are an error
  --vpc ID[,ID...]    model these VPCs of the --aws dump only (repeatable): the
                      others are left out as if not in the input, and traffic
                      routed to them is indeterminate (no query starts at an
                      address of theirs); for accounts whose VPCs hold the
                      same private addresses, which one design cannot
  --demo              use the embedded sample: a three-tier design with web-1,
                      app-1 and db-1 behind a Network Firewall and a NAT gateway
`

// inputOptions are the flags that choose the input: the --aws files, a
// --terraform plan, or the embedded sample.
type inputOptions struct {
	aws         pathList
	terraform   string
	maxFileSize sizeFlag
	vpcs        idList
	demo        bool
	// vpcsMayBeAbsent lets a VPC of vpcs the --aws dump does not hold
	// pass (diff, whose one --vpc list names the VPCs of two dumps);
	// load then sets vpcsAbsent to those it lacks
	vpcsMayBeAbsent bool
	vpcsAbsent      []string
	// tfFlag names the flag that gave terraform, for errors: "" is
	// --terraform (diff's are --before-terraform and --after-terraform)
	tfFlag string
}

// define defines the input flags on fs.
func (o *inputOptions) define(fs *flag.FlagSet) {
	fs.Var(&o.aws, "aws", "AWS CLI JSON: a file or a directory; repeatable")
	fs.Var(pathFlag{&o.terraform}, "terraform", "a Terraform plan's JSON (terraform show -json)")
	fs.Var(&o.maxFileSize, "max-file-size", "the largest input file read")
	fs.Var(&o.vpcs, "vpc", "the VPCs of the --aws dump to model; repeatable")
	fs.BoolVar(&o.demo, "demo", false, "use the embedded sample")
}

// commonOptions are the flags of every command that answers about a
// loaded model: the input, and --json.
type commonOptions struct {
	inputOptions
	json  bool
	twice string // the message for a single-valued flag given twice (see once)
}

// define defines the input flags and --json on fs.
func (o *commonOptions) define(fs *flag.FlagSet) {
	o.inputOptions.define(fs)
	fs.BoolVar(&o.json, "json", false, "print JSON")
}

// parse parses the arguments of command me ("reachsim ports") with fs,
// which once has made single-valued with o.twice. On -h or --help it
// prints usage on standard output; on an error, one line on standard
// error. ok is false when the command is done, code then its exit status.
func (o *commonOptions) parse(me, usage string, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	err := parseFlags(fs, args, &o.twice)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitReachable, false
	case o.twice != "":
		return fail(stderr, me, "%v", err), false
	}
	return fail(stderr, me, "%v (run '%s --help')", err, me), false
}

// print writes an answer: with --json, as one indented JSON object (its
// JSON form, the README's schema), else its String form, whose strings
// from the input are escaped. An error is reported on stderr as command
// me's, and the result is false.
func (o *commonOptions) print(stdout io.Writer, me string, answer fmt.Stringer, stderr io.Writer) bool {
	return o.printText(stdout, me, answer, answer.String, stderr)
}

// printText is print for an answer whose text is text() rather than its
// String form.
func (o *commonOptions) printText(stdout io.Writer, me string, answer any, text func() string, stderr io.Writer) bool {
	if !o.json {
		fmt.Fprint(stdout, text())
		return true
	}
	if err := writeJSON(stdout, answer); err != nil {
		fail(stderr, me, "%v", err)
		return false
	}
	return true
}

// writeJSON writes v as indented JSON and a newline, with "<", ">" and
// "&" as they are (as reach.Result.JSON writes a trace).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// flagValue is a flag's name and the value it was given.
type flagValue struct{ name, v string }

// required returns an error naming the first flag that was given no
// value (or only spaces), and how to get command me's help.
func required(me string, flags ...flagValue) error {
	for _, f := range flags {
		if strings.TrimSpace(f.v) == "" {
			return fmt.Errorf("missing --%s (run '%s --help')", f.name, me)
		}
	}
	return nil
}

// sessionProtos is what --proto of check, sources and fix accepts.
const sessionProtos = "tcp, udp, icmp, icmpv6 or a number from 1 to 255"

// parseProto reads --proto: one protocol, by name or number. accepts says
// what the command takes (sessionProtos, or fewer), for its errors: they
// state what it accepts, not what flow.ParseProtocol reads (all, -1, 0).
func parseProto(s, accepts string) (flow.Protocol, error) {
	proto, err := flow.ParseProtocol(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("--proto %q: want %s", s, accepts)
	}
	if !proto.IsConcrete() {
		return 0, fmt.Errorf("--proto %s: a session has one protocol (use %s)", s, accepts)
	}
	if proto == 0 {
		return 0, fmt.Errorf("--proto %s: a session's protocol is %s", s, accepts)
	}
	return proto, nil
}

// setStatus is the exit status of a set answer: 0 when some of it gets
// through, else 3 when some of it might (the input leaves it open), else
// 1.
func setStatus(some, indeterminate bool) int {
	switch {
	case some:
		return exitReachable
	case indeterminate:
		return exitIndeterminate
	}
	return exitNotReachable
}
