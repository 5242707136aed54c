package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// portsUsage is the help of reachsim ports. TestSetUsagesNameEveryFlag
// keeps it in step with the flags portsFlags defines.
var portsUsage = `Usage:
  reachsim ports [--aws PATH]... --from ENDPOINT --to ENDPOINT --proto PROTO [flags]

Print which destination ports of one endpoint another reaches, request and
reply (for icmp and icmpv6: which types and codes), exactly, without trying
each port: the ports open from the client port (` + fmt.Sprint(reach.DefaultSourcePort) + ` unless --src-port says), the answer for
each common client-port (ephemeral) range, and which hop cuts which ports.

ENDPOINT is as in reachsim check: an IP address, an interface ID, an
instance ID or a Name tag. PROTO is tcp, udp, icmp or icmpv6.

Flags:
` + inputUsage + `  --from ENDPOINT     the source (required)
  --to ENDPOINT       the destination (required)
  --proto PROTO       tcp, udp, icmp or icmpv6 (required)
  --domain NAME       the TLS SNI or HTTP Host, for firewall domain rules (tcp)
  --app APP           the application protocol the session speaks on every port, for the
                      firewall's application rules (tcp, udp): tls, http, ssh,
                      dns, ... or none, on a transport that carries it (not
                      tls over udp, nor quic over tcp); default: guessed from
                      the port
  --src-port PORT     the client port the open set and the cuts are for, a
                      number or a service name (tcp and udp; default ` + fmt.Sprint(reach.DefaultSourcePort) + `)
  --ipv6              use the interfaces' IPv6 addresses (an endpoint given as
                      an address decides the family itself: with --ipv6 an
                      IPv4 address is an error)
  --json              print one JSON object: "open" is the set of ports open
                      from the client port ("22,443,8000-8100", or "none");
                      see the README, "Set questions"
  -h, --help          print this help

Exit status: 0 when some port (type) is open, 1 when none is, 3 when none is
but the input leaves some open (indeterminate), 2 for bad usage or bad
input.

Examples:
  reachsim ports --demo --from 198.51.100.7 --to web-1 --proto tcp
  reachsim ports --demo --from app-1 --to db-1 --proto tcp --json
  reachsim ports --aws dump/ --from i-0abc --to 10.0.3.30 --proto icmp
`

// portsOptions are the parsed flags of reachsim ports.
type portsOptions struct {
	commonOptions
	from, to, proto, domain string
	srcPort                 portFlag
	app                     appFlag
	ipv6                    bool
}

// portsFlags defines the flags of reachsim ports on a new flag set.
func portsFlags(o *portsOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim ports")
	o.define(fs)
	fs.StringVar(&o.from, "from", "", "the source")
	fs.StringVar(&o.to, "to", "", "the destination")
	fs.StringVar(&o.proto, "proto", "", "the protocol")
	fs.StringVar(&o.domain, "domain", "", "the TLS SNI or HTTP Host")
	fs.Var(&o.app, "app", "the application protocol")
	fs.Var(&o.srcPort, "src-port", "the client port")
	fs.BoolVar(&o.ipv6, "ipv6", false, "use IPv6 addresses")
	once(fs, &o.twice)
	return fs
}

// query checks the flags of reachsim ports and returns its question.
func (o *portsOptions) query() (reach.PortsQuery, error) {
	const me = "reachsim ports"
	if err := required(me, flagValue{"from", o.from}, flagValue{"to", o.to}, flagValue{"proto", o.proto}); err != nil {
		return reach.PortsQuery{}, err
	}
	proto, err := parseProto(o.proto, "tcp, udp, icmp or icmpv6")
	if err != nil {
		return reach.PortsQuery{}, err
	}
	if !proto.HasPorts() && !proto.IsICMP() {
		return reach.PortsQuery{}, fmt.Errorf("--proto %s: ports asks about tcp, udp, icmp or icmpv6 (for another protocol, use reachsim check)", proto)
	}
	if o.domain != "" && proto != flow.TCP {
		return reach.PortsQuery{}, fmt.Errorf("--domain applies to tcp (the TLS SNI or HTTP Host), not %s", proto)
	}
	if err := o.app.check(proto, o.domain); err != nil {
		return reach.PortsQuery{}, err
	}
	if o.srcPort.set && !proto.HasPorts() {
		return reach.PortsQuery{}, fmt.Errorf("--src-port applies to tcp and udp, not %s", proto)
	}
	if o.srcPort.set && o.srcPort.v == 0 {
		return reach.PortsQuery{}, errors.New("--src-port 0: a client sends from a port from 1 to 65535")
	}
	if err := ipv6Conflict(o.ipv6, o.from, o.to); err != nil {
		return reach.PortsQuery{}, err
	}
	return reach.PortsQuery{From: o.from, To: o.to, Protocol: proto, IPv6: o.ipv6, Domain: o.domain, App: o.app.v, ClientPort: o.srcPort.v}, nil
}

// runPorts is reachsim ports.
func runPorts(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim ports"
	var o portsOptions
	fs := portsFlags(&o)
	if code, ok := o.parse(me, portsUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	q, err := o.query()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	r, err := m.Ports(q)
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if !o.print(stdout, me, r, stderr) {
		return exitUsage
	}
	return setStatus(!r.Open.IsEmpty() || len(r.ICMP) > 0, !r.Indeterminate.IsEmpty() || len(r.ICMPIndeterminate) > 0)
}

// sourcesUsage is the help of reachsim sources. TestSetUsagesNameEveryFlag
// keeps it in step with the flags sourcesFlags defines.
var sourcesUsage = `Usage:
  reachsim sources [--aws PATH]... --to ENDPOINT --proto PROTO [flags]

Print who reaches one endpoint over one protocol and port, request and
reply: every interface of the input whose session works, and the exact set
of internet addresses whose session works, as CIDR blocks (in the text, a
large set is written as "every IPv4 address but" the blocks it lacks).

ENDPOINT is as in reachsim check: an IP address, an interface ID, an
instance ID or a Name tag. An internet host, or a host outside the input
at a private address (on premises behind a VPN), is answered with the
interfaces that reach it (no internet address is asked). PROTO is tcp,
udp, icmp, icmpv6 or a protocol number from 1 to 255.

Flags:
` + inputUsage + `  --to ENDPOINT       the destination (required)
  --proto PROTO       the protocol (required)
  --port PORT         the destination port (required for tcp and udp): a
                      number from 1 to 65535 or a service name such as ssh,
                      https, mysql, postgresql or rdp
  --src-port PORT     the sources' port, a number or a service name (tcp and
                      udp; default ` + fmt.Sprint(reach.DefaultSourcePort) + `, in the ephemeral
                      ranges of Linux, Windows Server 2008+ and NAT gateways,
                      not in Windows Server 2003's 1025-5000)
  --any-client-port   ask from every client port, 1-65535, instead (tcp and
                      udp; not with --src-port): a source gets through when
                      its session does from some client port, and is
                      indeterminate when none does for certain but some might
  --icmp-type T       the ICMP type, any from 0 to 255 (icmp and icmpv6;
                      default: echo request, 8 or 128)
  --icmp-code C       the ICMP code (with --icmp-type; default 0)
  --domain NAME       the TLS SNI or HTTP Host, for firewall domain rules (tcp)
  --app APP           the application protocol the session speaks, for the
                      firewall's application rules (tcp, udp): tls, http, ssh,
                      dns, ... or none, on a transport that carries it (not
                      tls over udp, nor quic over tcp); default: guessed from
                      the port
  --ipv6              ask about IPv6 sources (and the destination's IPv6
                      address; with --ipv6 an IPv4 --to is an error, and
                      without it an IPv6 one)
  --json              print one JSON object: "interfaces" and "internet" (CIDR
                      blocks); see the README, "Set questions"
  -h, --help          print this help

Exit status: 0 when some source gets through, 1 when none does, 3 when none
does for certain but the input leaves some open (indeterminate), 2 for bad
usage or bad input.

Examples:
  reachsim sources --demo --to web-1 --proto tcp --port https
  reachsim sources --demo --to db-1 --proto tcp --port 5432 --src-port 30000 --json
  reachsim sources --demo --to db-1 --proto tcp --port 5432 --any-client-port
  reachsim sources --aws dump/ --to i-0abc --proto tcp --port ssh --ipv6
`

// sourcesOptions are the parsed flags of reachsim sources: the query
// flags of reachsim check but --from.
type sourcesOptions struct {
	commonOptions
	query queryOptions
	// anyClient is --any-client-port: [reach.SourcesQuery].AnyClientPort
	anyClient bool
}

// sourcesFlags defines the flags of reachsim sources on a new flag set.
func sourcesFlags(o *sourcesOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim sources")
	o.define(fs)
	o.query.defineTo(fs)
	fs.BoolVar(&o.anyClient, "any-client-port", false, "ask from every client port")
	once(fs, &o.twice)
	return fs
}

// sourcesQuery checks the flags of reachsim sources and returns its
// question. Beyond --to and --proto, the checks are reachsim check's,
// and --any-client-port is for tcp and udp, without --src-port.
func (o *sourcesOptions) sourcesQuery() (reach.SourcesQuery, error) {
	if err := required("reachsim sources", flagValue{"to", o.query.to}, flagValue{"proto", o.query.proto}); err != nil {
		return reach.SourcesQuery{}, err
	}
	qo := o.query
	qo.from = "the sources" // asked for, not given
	q, err := qo.query()
	if err != nil {
		return reach.SourcesQuery{}, err
	}
	sq := reach.SourcesQuery{To: q.To, Protocol: q.Protocol, Port: q.Port, SrcPort: q.SrcPort, ICMP: q.ICMP, IPv6: q.IPv6, Domain: q.Domain, App: q.App}
	if o.anyClient {
		switch {
		case !q.Protocol.HasPorts():
			return reach.SourcesQuery{}, fmt.Errorf("--any-client-port applies to tcp and udp, not %s", q.Protocol)
		case o.query.srcPort.set:
			return reach.SourcesQuery{}, fmt.Errorf("--any-client-port and --src-port %d: ask from one client port or from every one", o.query.srcPort.v)
		}
		sq.SrcPort, sq.AnyClientPort = 0, true
	}
	return sq, nil
}

// runSources is reachsim sources.
func runSources(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim sources"
	var o sourcesOptions
	fs := sourcesFlags(&o)
	if code, ok := o.parse(me, sourcesUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	q, err := o.sourcesQuery()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	r, err := m.Sources(q)
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if !o.print(stdout, me, r, stderr) {
		return exitUsage
	}
	some, unsure := len(r.Internet) > 0, len(r.InternetIndeterminate) > 0
	for _, i := range r.Interfaces {
		some = some || i.Outcome == reach.Reachable
		unsure = unsure || i.Outcome == reach.Indeterminate
	}
	return setStatus(some, unsure)
}
