package suricata

import (
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// Rule is one Suricata-compatible rule as written, parsed but not
// yet resolved: variables ($HOME_NET), IP set references (@NAME) and
// port variables are still names. [Parse] and
// [ParseRules] build it; the stateful engine resolves and compiles
// it. Standard (5-tuple) stateful rules and domain lists are turned into
// SuricataRules the way AWS turns them into Suricata rules, so every
// stateful rule has this one shape.
type Rule struct {
	// Text is the rule exactly as written (one line, without the newline).
	Text string
	// Line is the 1-based line number of the rule in its rules string (0
	// when the rule did not come from a rules string).
	Line int
	// Action is "pass", "drop", "reject" or "alert".
	Action string
	// Protocol is the lower-case protocol word: "ip" (every protocol),
	// "tcp", "udp", "icmp", or an application protocol such as "http",
	// "tls", "dns", "ssh", "smtp", "ftp", "http2", "quic", ...
	Protocol string
	Src      AddrExpr
	SrcPorts PortExpr
	// Bidirectional is true for "<>" (AWS's Direction ANY): the rule also
	// matches packets from Dst to Src. False is "->" (FORWARD).
	Bidirectional bool
	Dst           AddrExpr
	DstPorts      PortExpr
	// Options are the rule's options in the order written.
	Options []Option
	// NoMatch, when set, says why no packet can match the rule: its
	// source and destination share no address family with each other and
	// its protocol ("drop icmpv6 any any -> 10.0.0.0/8 any"). Suricata,
	// and so Network Firewall, loads such a rule; it never matches. Set
	// by [Parse] and [ParseRules].
	NoMatch string
}

// Option is one "keyword" or "keyword:value" option of a rule.
type Option struct {
	Keyword string // lower case, as "sid", "flow", "tls.sni", "content"
	// Value is the text after the colon with surrounding spaces trimmed and,
	// for a quoted string, the quotes removed and \" \; \\ escapes undone.
	// "" for a keyword without a value.
	Value string
	// Quoted reports whether Value was written in double quotes.
	Quoted bool
	// Pos is the 0-based byte offset of the keyword in the rule's Text.
	Pos int
}

// AddrExpr is a Suricata address expression: "any", an address or CIDR,
// "$VAR", "@REF", or a bracketed list of expressions, each possibly
// negated with "!". Exactly one of Any, Prefix, Var, Ref, List is set.
type AddrExpr struct {
	Negate bool
	Any    bool
	Prefix netip.Prefix // an address alone is a /32 or /128; masked
	Var    string       // the variable's name without "$", as "HOME_NET"
	Ref    string       // the IP set reference's name without "@"
	List   []AddrExpr   // "[a, b, ...]"
	Pos    int          // 0-based byte offset in the rule's Text
}

// PortExpr is a Suricata port expression: "any", a port, a range "a:b"
// (also ":b" and "a:"), "$VAR", or a bracketed list, each possibly negated
// with "!". Exactly one of Any, Range (Set true), Var, List is set.
type PortExpr struct {
	Negate bool
	Any    bool
	Set    bool           // Range holds a port or port range
	Range  flow.PortRange // inclusive
	Var    string         // the variable's name without "$"
	List   []PortExpr
	Pos    int
}
