package flow

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
)

// Flow is one packet's header as the filters see it: protocol, source and
// destination address and port, ICMP type and code, and optionally the
// application protocol the connection speaks and the domain name it asks
// for (TLS SNI or HTTP Host), which the Network Firewall's rules read.
//
// Ports are meaningful for TCP and UDP only and are zero for every other
// protocol; ICMPType and ICMPCode are meaningful for ICMP and ICMPv6 only and
// are zero otherwise. [Flow.Validate] checks these invariants; [Parse] only
// returns flows that pass it. The zero Flow is not valid.
type Flow struct {
	Protocol Protocol
	ICMPType uint8 // beside Protocol, to keep a Flow small (88 bytes)
	ICMPCode uint8
	// App is the application protocol the connection speaks (tcp and udp
	// only), AppUnset to let the firewall guess it from the port.
	App      App
	Src, Dst netip.AddrPort
	// Domain is the TLS SNI or HTTP Host of the connection, or "" when the
	// flow does not say: the name is not known (nor whether there is one),
	// and the Network Firewall's rules that read it cannot be decided
	// (package firewall/stateful). No value says "no SNI at all".
	Domain string
}

// ErrFlow is wrapped by every error [Parse] and [Flow.Validate] return.
var ErrFlow = errors.New("invalid flow")

// Echo request types, which [Parse] assumes for ICMP flows written without a
// type.
const (
	ICMPEchoRequest   uint8 = 8
	ICMPEchoReply     uint8 = 0
	ICMPv6EchoRequest uint8 = 128
	ICMPv6EchoReply   uint8 = 129
)

// icmpPairs maps ICMP query types to their replies and back.
var (
	icmpPairs   = map[uint8]uint8{8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17}
	icmpv6Pairs = map[uint8]uint8{128: 129, 129: 128}
)

// IsICMPError reports whether f is an ICMP error message: destination
// unreachable (3), source quench (4), redirect (5), time exceeded (11) or
// parameter problem (12) for icmp (RFC 792), and every type of 0-127 for
// icmpv6, whose high-order type bit marks an error message (RFC 4443,
// section 2.1): destination unreachable (1), packet too big (2), time
// exceeded (3) and parameter problem (4), and the types not assigned
// (0 and 127 reserved for more error messages, 100 and 101 for private
// experimentation, the rest unassigned), which a node receiving one
// passes to the process that sent the packet it reports on (section
// 2.4). An error message reports on another packet and has no reply: it
// is one packet, not a session.
func (f Flow) IsICMPError() bool {
	switch f.Protocol {
	case ICMP:
		return f.ICMPType == 3 || f.ICMPType == 4 || f.ICMPType == 5 || f.ICMPType == 11 || f.ICMPType == 12
	case ICMPv6:
		return f.ICMPType < 128
	}
	return false
}

// Traffic prints the flow's protocol part the way rules print theirs:
// "tcp/22" (protocol and destination port), "icmp type 8 code 0", "gre".
func (f Flow) Traffic() string {
	switch {
	case f.Protocol.HasPorts():
		return f.Protocol.String() + "/" + strconv.Itoa(int(f.Dst.Port()))
	case f.Protocol.IsICMP():
		return fmt.Sprintf("%s type %d code %d", f.Protocol, f.ICMPType, f.ICMPCode)
	}
	return f.Protocol.String()
}

// Is6 reports whether the flow is IPv6.
func (f Flow) Is6() bool { return f.Src.Addr().Is6() }

// Reverse returns the return packet of f: source and destination swapped,
// with the same protocol and domain. For ICMP query messages the type is
// swapped for its reply (echo request 8 ↔ echo reply 0, timestamp 13 ↔ 14,
// information 15 ↔ 16, address mask 17 ↔ 18; ICMPv6 echo 128 ↔ 129); other
// ICMP types are kept, since error messages have no reply. Reverse of
// Reverse is the flow itself.
func (f Flow) Reverse() Flow {
	r := f
	r.Src, r.Dst = f.Dst, f.Src
	pairs := icmpPairs
	if f.Protocol == ICMPv6 {
		pairs = icmpv6Pairs
	}
	if f.Protocol.IsICMP() {
		if t, ok := pairs[f.ICMPType]; ok {
			r.ICMPType = t
		}
	}
	return r
}

// Validate reports why f is not a packet a network could carry, or nil:
// the protocol must be one number (not all); both addresses valid, of one
// family, without zone and not IPv4-mapped IPv6; ports only on TCP and UDP;
// ICMP only between IPv4 addresses and ICMPv6 only between IPv6 addresses;
// type and code only on ICMP; an application protocol only on TCP and
// UDP, only on a transport it runs over ([App.RunsOver]: no tls over UDP,
// no quic over TCP), and only tls or http beside a domain; the domain a
// plain host name.
func (f Flow) Validate() error {
	if f.plainV4() {
		return nil
	}
	return f.validate()
}

// plainV4 reports, in a few comparisons, whether f is the commonest valid
// flow: TCP, UDP or ICMP between two plain IPv4 addresses (valid, no zone,
// not IPv4-mapped), without a domain, ports only on TCP and UDP, type and
// code only on ICMP. Validate answers the rest with validate, which
// TestPlainV4IsValid holds plainV4 to.
func (f Flow) plainV4() bool {
	if !f.Src.Addr().Is4() || !f.Dst.Addr().Is4() || f.Domain != "" || f.App != AppUnset {
		return false
	}
	switch f.Protocol {
	case TCP, UDP:
		return f.ICMPType == 0 && f.ICMPCode == 0
	case ICMP:
		return f.Src.Port() == 0 && f.Dst.Port() == 0
	}
	return false
}

// validate is Validate without its fast path: every rule, in turn.
func (f Flow) validate() error {
	if !f.Protocol.IsConcrete() {
		return fmt.Errorf("%w: protocol %s: a flow needs one protocol number from 0 to 255", ErrFlow, f.Protocol)
	}
	for _, e := range [...]struct {
		name string
		a    netip.Addr
	}{{"source", f.Src.Addr()}, {"destination", f.Dst.Addr()}} {
		if err := checkAddr(e.a); err != nil {
			return fmt.Errorf("%w: %s %w", ErrFlow, e.name, err)
		}
	}
	if f.Src.Addr().Is4() != f.Dst.Addr().Is4() {
		return fmt.Errorf("%w: source %s and destination %s are of different address families", ErrFlow, f.Src.Addr(), f.Dst.Addr())
	}
	if !f.Protocol.HasPorts() && (f.Src.Port() != 0 || f.Dst.Port() != 0) {
		return fmt.Errorf("%w: protocol %s has no ports, but ports %d and %d are set", ErrFlow, f.Protocol, f.Src.Port(), f.Dst.Port())
	}
	switch {
	case f.Protocol == ICMP && f.Is6():
		return fmt.Errorf("%w: icmp is IPv4 only; use icmpv6 between IPv6 addresses", ErrFlow)
	case f.Protocol == ICMPv6 && !f.Is6():
		return fmt.Errorf("%w: icmpv6 is IPv6 only; use icmp between IPv4 addresses", ErrFlow)
	case !f.Protocol.IsICMP() && (f.ICMPType != 0 || f.ICMPCode != 0):
		return fmt.Errorf("%w: protocol %s has no ICMP type and code, but type %d code %d are set", ErrFlow, f.Protocol, f.ICMPType, f.ICMPCode)
	}
	if f.Domain != "" {
		if err := checkDomain(f.Domain); err != nil {
			return fmt.Errorf("%w: %w", ErrFlow, err)
		}
	}
	return f.checkApp()
}

func checkAddr(a netip.Addr) error {
	switch {
	case !a.IsValid():
		return errors.New("address is missing")
	case a.Zone() != "":
		return fmt.Errorf("address %s has a zone, which cloud networks do not route", a)
	case a.Is4In6():
		return fmt.Errorf("address %s is IPv4-mapped IPv6; write the IPv4 address %s", a, a.Unmap())
	}
	return nil
}

func checkDomain(d string) error {
	if len(d) > 253 {
		return fmt.Errorf("domain %q is longer than 253 characters", d)
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return fmt.Errorf("domain %q: character %q at offset %d is not allowed in a host name", d, c, i)
		}
	}
	return nil
}

// String prints f in the syntax [Parse] reads, for example
// "tcp 10.0.1.5:49152 -> 10.0.2.7:5432" or
// "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0".
func (f Flow) String() string {
	var b strings.Builder
	b.WriteString(f.Protocol.String())
	b.WriteByte(' ')
	if f.Protocol.HasPorts() {
		b.WriteString(f.Src.String())
		b.WriteString(" -> ")
		b.WriteString(f.Dst.String())
	} else {
		b.WriteString(f.Src.Addr().String())
		b.WriteString(" -> ")
		b.WriteString(f.Dst.Addr().String())
	}
	if f.Protocol.IsICMP() {
		b.WriteString(" type ")
		b.WriteString(strconv.Itoa(int(f.ICMPType)))
		b.WriteString(" code ")
		b.WriteString(strconv.Itoa(int(f.ICMPCode)))
	}
	if f.App != AppUnset {
		b.WriteString(" app ")
		b.WriteString(f.App.String())
	}
	if f.Domain != "" {
		b.WriteString(" domain ")
		b.WriteString(f.Domain)
	}
	return b.String()
}

// Parse reads a flow written as
//
//	PROTOCOL SOURCE -> DESTINATION [type T [code C]] [app APP] [domain NAME]
//
// PROTOCOL is anything [ParseProtocol] reads except "all". For tcp and udp,
// SOURCE and DESTINATION are address:port, with IPv6 addresses in brackets
// ("[2001:db8::1]:53"); for every other protocol they are bare addresses,
// an IPv6 one in brackets or not ("[2001:db8::1]" or "2001:db8::1"; an
// IPv4 address never in brackets). "type" and "code" belong to icmp and
// icmpv6 only; an ICMP flow without a type is an echo request (8, or 128
// for icmpv6) and one without a code has code 0. "app" belongs to tcp and
// udp ([ParseApp] reads its name). Words are separated by
// spaces or tabs: any other white space (a line break, a no-break space)
// is an error. The result passes [Flow.Validate]; errors quote the
// offending word.
func Parse(s string) (Flow, error) {
	fail := func(format string, args ...any) (Flow, error) {
		return Flow{}, fmt.Errorf("%w %q: %s", ErrFlow, s, fmt.Sprintf(format, args...))
	}
	for i, r := range s {
		if r != ' ' && r != '\t' && unicode.IsSpace(r) {
			return fail("%q at byte %d: words are separated by spaces or tabs", r, i)
		}
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(words) < 4 || words[2] != "->" {
		return fail("want PROTOCOL SOURCE -> DESTINATION, as in \"tcp 10.0.1.5:49152 -> 10.0.2.7:5432\"")
	}
	var f Flow
	p, err := ParseProtocol(words[0])
	if err != nil {
		return fail("%v", err)
	}
	if !p.IsConcrete() {
		return fail("protocol %q: a flow needs one protocol, not all", words[0])
	}
	f.Protocol = p
	for i, dst := range []*netip.AddrPort{&f.Src, &f.Dst} {
		w := words[1+2*i]
		if p.HasPorts() {
			ap, err := netip.ParseAddrPort(w)
			if err != nil {
				return fail("%q is not address:port (IPv6 as [addr]:port): %v", w, err)
			}
			*dst = ap
			continue
		}
		if _, perr := netip.ParseAddrPort(w); perr == nil {
			return fail("%q: protocol %s has no ports; write the address alone", w, p)
		}
		inner, open := strings.CutPrefix(w, "[")
		inner, closed := strings.CutSuffix(inner, "]")
		if open != closed {
			return fail("%q: a bracket is not matched; an IPv6 address may be written in brackets, [2001:db8::1]", w)
		}
		a, err := netip.ParseAddr(inner)
		if err != nil {
			return fail("%q is not an address: %v", w, err)
		}
		if open && !a.Is6() {
			return fail("%q: only an IPv6 address may be written in brackets", w)
		}
		*dst = netip.AddrPortFrom(a, 0)
	}
	rest := words[4:]
	seen := map[string]bool{}
	var haveType bool
	for len(rest) > 0 {
		key := rest[0]
		if len(rest) < 2 {
			return fail("%q needs a value after it", key)
		}
		val := rest[1]
		if seen[key] {
			return fail("%q given twice", key)
		}
		seen[key] = true
		switch key {
		case "type", "code":
			if !p.IsICMP() {
				return fail("%q: protocol %s has no ICMP type or code", key, p)
			}
			n, err := strconv.ParseUint(val, 10, 8)
			if err != nil {
				return fail("ICMP %s %q is not a number from 0 to 255", key, val)
			}
			if key == "type" {
				f.ICMPType, haveType = uint8(n), true
			} else {
				f.ICMPCode = uint8(n)
			}
		case "domain":
			f.Domain = val
		case "app":
			a, err := ParseApp(val)
			if err != nil {
				return fail("%v", err)
			}
			f.App = a
		default:
			return fail("unknown word %q: want type, code, app or domain", key)
		}
		rest = rest[2:]
	}
	if p.IsICMP() && !haveType {
		if seen["code"] {
			return fail("an ICMP code needs a type")
		}
		f.ICMPType = ICMPEchoRequest
		if p == ICMPv6 {
			f.ICMPType = ICMPv6EchoRequest
		}
	}
	if err := f.Validate(); err != nil {
		return Flow{}, fmt.Errorf("%q: %w", s, err)
	}
	return f, nil
}

// MustParse is [Parse] that panics on error, for literals in code and tests.
func MustParse(s string) Flow {
	f, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return f
}

// MarshalText implements [encoding.TextMarshaler] with the String form.
func (f Flow) MarshalText() ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return []byte(f.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse].
func (f *Flow) UnmarshalText(b []byte) error {
	g, err := Parse(string(b))
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// ParseCIDR reads an IPv4 or IPv6 CIDR block and returns it masked, the way
// AWS stores "100.68.0.18/18" as "100.68.0.0/18". A bare address, a zone or
// an IPv4-mapped IPv6 block is an error: the family is never guessed. Every
// reachsim parser reads CIDRs through it.
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR block: %w", err)
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("IPv4-mapped IPv6 block %s: write it as IPv4", s)
	}
	return p.Masked(), nil
}

// ParseAddrOrCIDR reads what [ParseCIDR] reads, or a bare address, taken
// as the block of that one address (/32 or /128), as Alibaba's API, the
// Suricata language and Network Firewall's stateless rules accept one. A
// zone or an IPv4-mapped IPv6 address is an error.
func ParseAddrOrCIDR(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			return netip.Prefix{}, fmt.Errorf("not an address or a CIDR block: %w", err)
		case a.Zone() != "":
			return netip.Prefix{}, fmt.Errorf("address %s has a zone", s)
		case a.Is4In6():
			return netip.Prefix{}, fmt.Errorf("IPv4-mapped IPv6 address %s: write it as IPv4", s)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return ParseCIDR(s)
}
