package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/reachsim/reachsim/aws"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/memlimit"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/terraform"
)

// checkUsage is the help of reachsim check. TestCheckUsageNamesEveryFlag
// keeps it in step with the flags checkFlags defines.
var checkUsage = `Usage:
  reachsim check [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [flags]
  reachsim check [--aws PATH]... --queries FILE [--json]

Check whether a session from one endpoint to another works, request and
reply, and print its trace: every component on the way and back, and every
blocking point with its explanation code and a fix.

ENDPOINT is an IP address, an interface ID (eni-...), an instance ID (i-...)
or an instance's Name tag. An address an interface holds (privately, or as
its public IP) is that interface; one inside a VPC's CIDR blocks that
nothing holds is an unknown destination (and no source); one a resource
reachsim does not model holds (a load balancer's) is undecided; the Amazon
DNS server's, instance metadata and Time Sync addresses are those services;
any other address not routed on the internet (10/8, 172.16/12, 192.168/16,
100.64/10, fc00::/7...) is a host outside the design (on premises, say),
not an internet host; any other address is a host on the internet. An
interface asked about its own private address (--from web-1 --to web-1) is
refused, exit 2: its host delivers that packet without the network, so no
security group, ACL or route decides it (its public IP is walked as ever).
PROTO is tcp, udp, icmp, icmpv6 or a protocol number from 1 to 255.

Flags:
` + inputUsage + `  --queries FILE      answer many queries after one load: FILE (- for standard
                      input) holds one a line, written as the flags below from
                      --from to --ipv6 ('--from web-1 --to db-1 --proto tcp
                      --port 5432'; '...' and "..." quote a value with spaces;
                      blank lines and lines starting with # are skipped). Each
                      line is answered as it is read, on one line in the same
                      order: "line N: FROM -> TO: FLOW: OUTCOME", and for one
                      not reachable its first blocking point (code, leg, hop);
                      with --json, one compact object a line, check --json's
                      plus "line": N. A line holds up to 64 KiB, its line
                      break not counted; a bad line is an error on stderr
                      naming its number, and the rest are still answered
                      (a line that runs on past 16 MiB stops the reading).
                      Not with --from and the other query flags
  --from ENDPOINT     the source (required)
  --to ENDPOINT       the destination (required)
  --proto PROTO       the protocol (required)
  --port PORT         the destination port (required for tcp and udp): a
                      number from 1 to 65535 or a service name such as ssh,
                      https, mysql, postgresql or rdp
  --src-port PORT     the source port, a number or a service name (tcp and
                      udp; default ` + strconv.Itoa(reach.DefaultSourcePort) + `, in the ephemeral
                      ranges of Linux, Windows Server 2008+ and NAT gateways,
                      not in Windows Server 2003's 1025-5000)
  --icmp-type T       the ICMP type, any from 0 to 255 (icmp and icmpv6;
                      default: echo request, 8 or 128)
  --icmp-code C       the ICMP code (with --icmp-type; default 0)
  --domain NAME       the TLS SNI or HTTP Host, for firewall domain rules (tcp)
  --app APP           the application protocol the session speaks, for the
                      firewall's application rules (tcp, udp): tls, http, ssh,
                      dns, ... or none, on a transport that carries it (not
                      tls over udp, nor quic over tcp); default: guessed from
                      the port
  --ipv6              use the interfaces' IPv6 addresses (an endpoint given as
                      an address decides the family itself: with --ipv6 an
                      IPv4 address is an error)
  --json              print the result as one JSON object instead of the trace
                      ("outcome": reachable, unreachable or indeterminate)
  -h, --help          print this help

Exit status: 0 reachable, 1 not reachable, 2 bad usage or bad input,
3 indeterminate (the answer depends on something the input does not hold:
a route to a target reachsim does not model, a security group reference to
a group not in the input, a firewall rule that depends on payload; the
trace says what is missing). With --queries: 2 when a line is bad or
none holds a query, else 1 when any query is not reachable, else 3 when any
is indeterminate, else 0.

Examples:
  reachsim check --demo --from 198.51.100.7 --to web-1 --proto tcp --port 443
  reachsim check --demo --from app-1 --to db-1 --proto tcp --port 5432 --json
  reachsim check --demo --from 198.51.100.7 --to web-1 --proto tcp --port ssh
  reachsim check --aws dump/ --from i-0abc --to 10.0.3.30 --proto icmp
  reachsim check --aws dump/ --queries queries.txt --json
  printf '%s\n' '--from web-1 --to db-1 --proto tcp --port 5432' | reachsim check --demo --queries -
`

// checkOptions are the parsed flags of reachsim check: the input and
// output flags, and the query's.
type checkOptions struct {
	commonOptions
	queries string // --queries FILE: the queries, one a line ("-": standard input)
	query   queryOptions
}

// queryOptions are the flags that describe one session: on the command
// line, or on a line of a --queries file.
type queryOptions struct {
	from, to, proto    string
	port, srcPort      portFlag
	icmpType, icmpCode byteFlag
	domain             string
	app                appFlag
	ipv6               bool
}

// define defines the query flags on fs.
func (q *queryOptions) define(fs *flag.FlagSet) {
	fs.StringVar(&q.from, "from", "", "the source")
	q.defineTo(fs)
}

// defineTo defines the query flags but --from on fs: those of reachsim
// sources, which asks who the sources are.
func (q *queryOptions) defineTo(fs *flag.FlagSet) {
	q.srcPort = portFlag{v: reach.DefaultSourcePort}
	fs.StringVar(&q.to, "to", "", "the destination")
	fs.StringVar(&q.proto, "proto", "", "the protocol")
	fs.Var(&q.port, "port", "the destination port")
	fs.Var(&q.srcPort, "src-port", "the source port")
	fs.Var(&q.icmpType, "icmp-type", "the ICMP type")
	fs.Var(&q.icmpCode, "icmp-code", "the ICMP code")
	fs.StringVar(&q.domain, "domain", "", "the TLS SNI or HTTP Host")
	fs.Var(&q.app, "app", "the application protocol")
	fs.BoolVar(&q.ipv6, "ipv6", false, "use IPv6 addresses")
}

// newFlagSet returns an empty flag set that prints nothing: run reports
// errors itself, in one line.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// once makes every flag of fs but --aws and --vpc single-valued: a second
// value is an error whose message goes to *twice.
func once(fs *flag.FlagSet, twice *string) {
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "aws" && f.Name != "vpc" { // the flags that repeat
			f.Value = &onceFlag{Value: f.Value, name: f.Name, twice: twice}
		}
	})
}

// checkFlags defines the flags of reachsim check on a new flag set.
func checkFlags(o *checkOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim check")
	o.commonOptions.define(fs)
	fs.StringVar(&o.queries, "queries", "", "the queries, one a line")
	o.query.define(fs)
	once(fs, &o.twice)
	return fs
}

// parseFlags parses args with fs, whose single-valued flags report a
// second value in *twice (see once). The error is one line with the flags
// spelled as the help spells them (an *unknownFlagError for a flag fs
// does not define), or flag.ErrHelp for -h and --help.
func parseFlags(fs *flag.FlagSet, args []string, twice *string) error {
	if err := fs.Parse(args); err != nil {
		switch {
		case errors.Is(err, flag.ErrHelp):
			return err
		case *twice != "":
			return errors.New(*twice)
		}
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: every input is a flag", fs.Arg(0))
	}
	return nil
}

// runCheck is reachsim check.
func runCheck(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim check"
	var o checkOptions
	fs := checkFlags(&o)
	if code, ok := o.parse(me, checkUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	if isSet(fs, "queries") {
		return runQueries(fs, &o, stdout, stderr)
	}
	q, err := o.query.query()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}

	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	r, err := m.Check(q)
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if o.json {
		b, err := r.JSON()
		if err != nil {
			return fail(stderr, me, "%v", err)
		}
		stdout.Write(b)
	} else {
		fmt.Fprint(stdout, r.Text())
	}
	return exitStatus(r.Outcome)
}

// exitStatus is the exit status of one answer.
func exitStatus(o reach.Outcome) int {
	switch o {
	case reach.Reachable:
		return exitReachable
	case reach.Indeterminate:
		return exitIndeterminate
	}
	return exitNotReachable
}

// loadModel loads the model the flags name and prints the loader's
// warnings on stderr.
func (o *inputOptions) loadModel(stderr io.Writer) (*reach.Model, error) {
	m, warnings, err := o.load(stderr)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "reachsim: warning: %s\n", textsafe.String(w))
	}
	return m, nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// query checks the flags that describe the session and returns it.
func (o *queryOptions) query() (reach.Query, error) {
	var q reach.Query
	if err := required("reachsim check", flagValue{"from", o.from}, flagValue{"to", o.to}, flagValue{"proto", o.proto}); err != nil {
		return q, err
	}
	proto, err := parseProto(o.proto, sessionProtos)
	if err != nil {
		return q, err
	}
	if err := ipv6Conflict(o.ipv6, o.from, o.to); err != nil {
		return q, err
	}
	q = reach.Query{From: o.from, To: o.to, Protocol: proto, Domain: o.domain, App: o.app.v, IPv6: o.ipv6}
	switch {
	case proto.HasPorts():
		if !o.port.set {
			return q, fmt.Errorf("missing --port: %s needs a destination port", proto)
		}
		if o.port.v == 0 {
			return q, errors.New("--port 0: a session goes to a port from 1 to 65535")
		}
		if o.srcPort.v == 0 {
			return q, errors.New("--src-port 0: a client sends from a port from 1 to 65535")
		}
		q.Port, q.SrcPort = o.port.v, o.srcPort.v
		if o.icmpType.set || o.icmpCode.set {
			return q, fmt.Errorf("--icmp-type and --icmp-code apply to icmp and icmpv6, not %s", proto)
		}
	default:
		if o.port.set || o.srcPort.set {
			return q, fmt.Errorf("--port and --src-port apply to tcp and udp, not %s", proto)
		}
		if !proto.IsICMP() && (o.icmpType.set || o.icmpCode.set) {
			return q, fmt.Errorf("--icmp-type and --icmp-code apply to icmp and icmpv6, not %s", proto)
		}
		if o.icmpCode.set && !o.icmpType.set {
			return q, errors.New("--icmp-code needs --icmp-type (without both, an echo request is sent)")
		}
		if o.icmpType.set {
			q.ICMP = &reach.ICMPMessage{Type: o.icmpType.v, Code: o.icmpCode.v}
		}
	}
	if o.domain != "" && proto != flow.TCP {
		return q, fmt.Errorf("--domain applies to tcp (the TLS SNI or HTTP Host), not %s", proto)
	}
	if err := o.app.check(proto, o.domain); err != nil {
		return q, err
	}
	return q, nil
}

// appFlag is --app: an application protocol as flow.ParseApp reads it.
type appFlag struct{ v flow.App }

func (a *appFlag) String() string { return a.v.String() }

// Set reads the protocol's name; an unknown one lists those it takes.
func (a *appFlag) Set(s string) error {
	v, err := flow.ParseApp(s)
	if err != nil {
		return fmt.Errorf("not an application protocol: want one of %s", strings.Join(flow.Apps(), ", "))
	}
	a.v = v
	return nil
}

// check refuses --app where the session cannot carry it: a protocol
// without ports, a transport the application protocol does not run over
// (tls over udp, quic over tcp: flow.App.RunsOver), or beside --domain (a
// TLS SNI or an HTTP Host) a protocol other than tls, http or http2.
func (a appFlag) check(proto flow.Protocol, domain string) error {
	switch {
	case a.v == flow.AppUnset:
		return nil
	case !proto.HasPorts():
		return fmt.Errorf("--app applies to tcp and udp, not %s", proto)
	case !a.v.RunsOver(proto):
		return fmt.Errorf("--app %s runs over %s only (Suricata's %s parser), not %s", a.v, a.v.TransportWords(), a.v, proto)
	case domain != "" && a.v != flow.AppTLS && a.v != flow.AppHTTP && a.v != flow.AppHTTP2:
		return fmt.Errorf("--app %s with --domain: a domain is a TLS SNI or an HTTP Host; want --app tls, http or http2", a.v)
	}
	return nil
}

// ipv6Conflict refuses --ipv6 with an endpoint given as an IPv4 address:
// the address decides the family, so the question would contradict itself
// and be answered over IPv4 (reachsim sources refuses an IPv4 --to with
// --ipv6 the same way).
func ipv6Conflict(ipv6 bool, ends ...string) error {
	if !ipv6 {
		return nil
	}
	for _, e := range ends {
		if a, err := netip.ParseAddr(e); err == nil && a.Is4() {
			return fmt.Errorf("--ipv6: %s is an IPv4 address, and the question asks for IPv6 (give an IPv6 address, or leave out --ipv6)", e)
		}
	}
	return nil
}

// demoModel is the embedded sample, loaded once per process: a Model is
// immutable, so every check may share it.
var demoModel = sync.OnceValues(func() (*loaded, error) {
	m, rep, err := aws.LoadFS(sample.AWSDump, "aws")
	if err != nil {
		return nil, fmt.Errorf("the embedded sample: %w", err)
	}
	return &loaded{m, rep}, nil
})

type loaded struct {
	m   *reach.Model
	rep *aws.Report
}

// load returns the model the flags name: the --aws files, or the embedded
// sample.
func (o *inputOptions) load(stderr io.Writer) (*reach.Model, []string, error) {
	switch {
	case o.demo && len(o.aws) > 0:
		return nil, nil, errors.New("--demo and --aws exclude each other")
	case o.demo && o.terraform != "":
		return nil, nil, errors.New("--demo and --terraform exclude each other")
	case len(o.aws) > 0 && o.terraform != "":
		return nil, nil, errors.New("--aws and --terraform exclude each other: load one input")
	case len(o.vpcs) > 0 && o.terraform != "":
		tf := o.tfFlag
		if tf == "" {
			tf = "--terraform"
		}
		return nil, nil, fmt.Errorf("--vpc applies to --aws only, not to %s: a Terraform plan is modelled whole", tf)
	case len(o.vpcs) > 0 && len(o.aws) == 0:
		return nil, nil, errors.New("--vpc chooses VPCs of an --aws dump: give one")
	case o.maxFileSize.set && len(o.aws) == 0 && o.terraform == "":
		return nil, nil, errors.New("--max-file-size applies to the --aws or --terraform files, not to the embedded sample")
	case o.terraform != "":
		p := startProgress(stderr, "loading the Terraform plan")
		defer p.end()
		m, rep, err := terraform.LoadWith(terraform.Options{MaxFileSize: o.maxFileSize.v}, o.terraform)
		return m, rep.Warnings, err
	case len(o.aws) == 0:
		if !o.demo {
			fmt.Fprintln(stderr, "reachsim: no --aws given: using the embedded sample (--demo)")
		}
		l, err := demoModel()
		if err != nil {
			return nil, nil, err
		}
		return l.m, l.rep.Warnings, nil
	}
	p := startProgress(stderr, "loading the AWS dump") // shown after a second, on a terminal only
	defer p.end()
	defer memlimit.During(2 * inputSize(o.aws))() // the load's high point at most twice the input's size (memory.go)
	m, rep, err := aws.LoadWith(aws.Options{MaxFileSize: o.maxFileSize.v, Progress: p.set, VPCs: o.vpcs, VPCsMayBeAbsent: o.vpcsMayBeAbsent}, o.aws...)
	o.vpcsAbsent = rep.VPCsAbsent
	return m, rep.Warnings, err
}

// failLines reports err, one line per joined error, and returns exitUsage.
func failLines(stderr io.Writer, prefix string, err error) int {
	for _, line := range errorLines(err) {
		fmt.Fprintf(stderr, "%s: %s\n", prefix, line)
	}
	return exitUsage
}

// errorLines splits err into the errors errors.Join joined (at any depth
// of joins), one line each, escaped (internal/textsafe): the line breaks
// are the joins', and a newline or terminal escape inside one error (in a
// name it quotes, say) prints as \n or \x1b rather than forging a line.
// A wrapped join ("context: " + joined errors) keeps its context on its
// first line. A word longer than 200 bytes is cut to its start
// (boundWords).
func errorLines(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			if e != nil {
				out = append(out, errorLines(e)...)
			}
		}
		return out
	}
	if inner := errors.Unwrap(err); inner != nil {
		if _, ok := inner.(interface{ Unwrap() []error }); ok {
			msg, im := err.Error(), inner.Error()
			if prefix, found := strings.CutSuffix(msg, im); found {
				lines := errorLines(inner)
				if len(lines) > 0 {
					lines[0] = boundWords(textsafe.String(prefix)) + lines[0]
				}
				return lines
			}
		}
	}
	msg := strings.TrimRight(err.Error(), "\n")
	if errors.Is(err, aws.ErrVPCNotInInput) {
		// the flag's fault, not the dump's: named as the flag
		msg = strings.Replace(msg, "aws: Options.VPCs: ", "--vpc: ", 1)
		msg = strings.TrimSuffix(msg, ": "+aws.ErrVPCNotInInput.Error())
	}
	return []string{boundWords(textsafe.String(msg))}
}

// pathList is a repeatable string flag.
// idList is a repeatable flag of comma-separated IDs (--vpc); an empty
// ID is refused, as is a control character (an ID is printed back).
type idList []string

func (l *idList) String() string { return strings.Join(*l, ",") }

func (l *idList) Set(s string) error {
	for id := range strings.SplitSeq(s, ",") {
		id = strings.TrimSpace(id)
		switch {
		case id == "":
			return fmt.Errorf("empty ID in %q", s)
		case strings.ContainsFunc(id, unicode.IsControl):
			return fmt.Errorf("control character in ID %q", id)
		}
		if !slices.Contains(*l, id) {
			*l = append(*l, id)
		}
	}
	return nil
}

type pathList []string

func (p *pathList) String() string { return strings.Join(*p, ",") }

func (p *pathList) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	*p = append(*p, s)
	return nil
}

// pathFlag is a single-valued path flag writing to *p that refuses an
// empty value, as pathList does: `--terraform "$PLAN"` with PLAN unset
// is bad usage, not the absence of the flag.
type pathFlag struct{ p *string }

// String implements [flag.Value].
func (f pathFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

// Set implements [flag.Value]: an empty path is refused.
func (f pathFlag) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	*f.p = s
	return nil
}

// sizeFlag is a size in bytes: a whole number of bytes, or of KiB, MiB,
// GiB or TiB ("512MiB", "1 GiB"), that knows whether it was set.
type sizeFlag struct {
	v   int64
	set bool
}

func (f *sizeFlag) String() string { return strconv.FormatInt(f.v, 10) }

func (f *sizeFlag) Set(s string) error {
	v, err := parseSize(s)
	if err != nil {
		return err
	}
	f.v, f.set = v, true
	return nil
}

// parseSize reads a size: a positive whole number, then optionally a
// unit: B, KiB, MiB, GiB or TiB (any case, a space before it allowed).
func parseSize(s string) (int64, error) {
	bad := errors.New("not a size: want bytes, or a whole number with KiB, MiB, GiB or TiB (512MiB, 1GiB)")
	num := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToLower(strings.TrimSpace(s[len(num):]))
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, bad
	}
	shift, ok := map[string]uint{"": 0, "b": 0, "kib": 10, "mib": 20, "gib": 30, "tib": 40}[unit]
	if !ok {
		return 0, bad
	}
	if n > math.MaxInt64>>shift {
		return 0, errors.New("too large a size")
	}
	return n << shift, nil
}

// portFlag is a TCP or UDP port, a number or a service name that
// flow.ParsePort reads, that knows whether it was set. 0 is read, and
// refused by the command with its own message.
type portFlag struct {
	v   uint16
	set bool
}

func (p *portFlag) String() string { return strconv.Itoa(int(p.v)) }

// Set reads the port. An unknown service name or one naming several
// ports keeps flow.ParsePort's reason; anything else it refuses (a number
// out of range, a sign, a list) says what the command line accepts, not
// the 0 to 65535 flow reads.
func (p *portFlag) Set(s string) error {
	n, err := flow.ParsePort(s)
	switch {
	case err != nil && (errors.Is(err, flow.ErrService) || serviceLike(s)):
		// flagError quotes the value already: keep only the reason.
		return errors.New(strings.TrimPrefix(err.Error(), fmt.Sprintf("port %q: ", s)))
	case err != nil:
		return errors.New("not a port number from 1 to 65535 or a service name")
	}
	p.v, p.set = n, true
	return nil
}

// serviceLike reports whether s is written as a service name: a letter,
// then letters, digits and dashes.
func serviceLike(s string) bool {
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || (c < '0' || c > '9') && c != '-') {
			return false
		}
	}
	return s != ""
}

// byteFlag is an ICMP type or code, 0-255, that knows whether it was set.
type byteFlag struct {
	v   uint8
	set bool
}

func (b *byteFlag) String() string { return strconv.Itoa(int(b.v)) }

func (b *byteFlag) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return errors.New("not a number from 0 to 255")
	}
	b.v, b.set = uint8(n), true
	return nil
}

// onceFlag is a flag that may be given once: a second value is an error
// (recorded in twice) rather than silently replacing the first.
type onceFlag struct {
	flag.Value
	name  string
	seen  bool
	twice *string
}

func (f *onceFlag) Set(s string) error {
	if f.seen {
		*f.twice = fmt.Sprintf("--%s given twice (%s, then %s): a command asks one question; give each flag once", f.name, f.Value, s)
		return errors.New("given twice")
	}
	f.seen = true
	return f.Value.Set(s)
}

// IsBoolFlag tells package flag whether the flag takes no value.
func (f *onceFlag) IsBoolFlag() bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// The errors of package flag, which spell flags with one dash.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	invalidValue  = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-+([\w-]+): (.*)$`)
	needsValue    = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// flagError rewrites an error of package flag with the flags spelled as
// the help spells them: --port, not -port. A flag the set does not define
// is an *unknownFlagError.
func flagError(err error) error {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		return &unknownFlagError{name: m[1]}
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		if why == "parse error" { // a boolean flag's value
			why = "want true or false"
		}
		return fmt.Errorf("--%s %s: %s", m[2], m[1], why)
	}
	if m := needsValue.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("--%s needs a value", m[1])
	}
	return errors.New(msg)
}

// unknownFlagError is a flag the flag set does not define.
type unknownFlagError struct{ name string }

func (e *unknownFlagError) Error() string { return "unknown flag --" + e.name }
