package suricata_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// Tiny constructors for expected rules. Positions are left zero: the
// tables compare rules with stripRule, and TestParsePositions
// checks positions on its own.

func anyAddrExpr() suricata.AddrExpr { return suricata.AddrExpr{Any: true} }

// netExpr is a CIDR, or an address alone as a /32 or /128.
func netExpr(s string) suricata.AddrExpr {
	if !strings.Contains(s, "/") {
		a := netip.MustParseAddr(s)
		return suricata.AddrExpr{Prefix: netip.PrefixFrom(a, a.BitLen())}
	}
	return suricata.AddrExpr{Prefix: netip.MustParsePrefix(s)}
}

func varAddr(name string) suricata.AddrExpr  { return suricata.AddrExpr{Var: name} }
func ipSetRef(name string) suricata.AddrExpr { return suricata.AddrExpr{Ref: name} }
func addrList(items ...suricata.AddrExpr) suricata.AddrExpr {
	return suricata.AddrExpr{List: items}
}
func notAddr(a suricata.AddrExpr) suricata.AddrExpr { a.Negate = true; return a }

func anyPortExpr() suricata.PortExpr { return suricata.PortExpr{Any: true} }
func portExpr(n uint16) suricata.PortExpr {
	return suricata.PortExpr{Set: true, Range: flow.Single(n)}
}
func portsExpr(lo, hi uint16) suricata.PortExpr {
	return suricata.PortExpr{Set: true, Range: flow.PortRange{Lo: lo, Hi: hi}}
}
func portVarExpr(name string) suricata.PortExpr { return suricata.PortExpr{Var: name} }
func portList(items ...suricata.PortExpr) suricata.PortExpr {
	return suricata.PortExpr{List: items}
}
func notPort(p suricata.PortExpr) suricata.PortExpr { p.Negate = true; return p }

func optOf(kw, value string) suricata.Option { return suricata.Option{Keyword: kw, Value: value} }
func quotedOpt(kw, value string) suricata.Option {
	return suricata.Option{Keyword: kw, Value: value, Quoted: true}
}
func flagOpt(kw string) suricata.Option { return suricata.Option{Keyword: kw} }
func withSid(n int) suricata.Option     { return optOf("sid", strconv.Itoa(n)) }

// headerOf is a header with any addresses and ports, the common case.
type headerOf struct {
	action, proto string
	src           suricata.AddrExpr
	srcPorts      suricata.PortExpr
	bidi          bool
	dst           suricata.AddrExpr
	dstPorts      suricata.PortExpr
}

func (h headerOf) with(opts ...suricata.Option) suricata.Rule {
	return suricata.Rule{
		Action: h.action, Protocol: h.proto,
		Src: h.src, SrcPorts: h.srcPorts, Bidirectional: h.bidi, Dst: h.dst, DstPorts: h.dstPorts,
		Options: opts,
	}
}

// anyToAny is "ACTION PROTO any any -> any any".
func anyToAny(action, proto string) headerOf {
	return headerOf{action, proto, anyAddrExpr(), anyPortExpr(), false, anyAddrExpr(), anyPortExpr()}
}

// stripRule returns r without Text, Line and Pos, copying its slices.
func stripRule(r suricata.Rule) suricata.Rule {
	r.Text, r.Line = "", 0
	r.Src, r.Dst = stripAddr(r.Src), stripAddr(r.Dst)
	r.SrcPorts, r.DstPorts = stripPort(r.SrcPorts), stripPort(r.DstPorts)
	if r.Options != nil {
		opts := make([]suricata.Option, len(r.Options))
		for i, o := range r.Options {
			o.Pos = 0
			opts[i] = o
		}
		r.Options = opts
	}
	return r
}

func stripAddr(a suricata.AddrExpr) suricata.AddrExpr {
	a.Pos = 0
	if a.List != nil {
		list := make([]suricata.AddrExpr, len(a.List))
		for i, e := range a.List {
			list[i] = stripAddr(e)
		}
		a.List = list
	}
	return a
}

func stripPort(p suricata.PortExpr) suricata.PortExpr {
	p.Pos = 0
	if p.List != nil {
		list := make([]suricata.PortExpr, len(p.List))
		for i, e := range p.List {
			list[i] = stripPort(e)
		}
		p.List = list
	}
	return p
}

// validRules are rules that parse, with the rule each must give.
var validRules = []struct {
	name string
	text string
	want suricata.Rule
}{
	// Header
	{"a plain rule reads every header field",
		"pass tcp 10.0.0.0/8 1024:65535 -> 192.0.2.10 443 (sid:1;)",
		headerOf{"pass", "tcp", netExpr("10.0.0.0/8"), portsExpr(1024, 65535), false, netExpr("192.0.2.10"), portExpr(443)}.with(withSid(1))},
	{"each action is accepted: drop",
		"drop udp any any -> any 53 (sid:2;)",
		headerOf{"drop", "udp", anyAddrExpr(), anyPortExpr(), false, anyAddrExpr(), portExpr(53)}.with(withSid(2))},
	{"each action is accepted: reject",
		"reject tcp any any -> any any (sid:3;)",
		anyToAny("reject", "tcp").with(withSid(3))},
	{"each action is accepted: alert",
		"alert icmp any any -> any any (sid:4;)",
		anyToAny("alert", "icmp").with(withSid(4))},
	{"the protocol is lower-cased",
		"pass TCP any any -> any any (sid:5;)",
		anyToAny("pass", "tcp").with(withSid(5))},
	{"application and Suricata-only protocols are accepted",
		"alert tcp-pkt any any -> any any (sid:6;)",
		anyToAny("alert", "tcp-pkt").with(withSid(6))},
	{"any is case-insensitive in addresses and ports",
		"drop ip ANY Any -> aNy ANY (sid:7;)",
		anyToAny("drop", "ip").with(withSid(7))},
	{"<> makes the rule bidirectional",
		"pass tcp 10.0.0.0/16 any <> 10.1.0.0/16 22 (sid:8;)",
		headerOf{"pass", "tcp", netExpr("10.0.0.0/16"), anyPortExpr(), true, netExpr("10.1.0.0/16"), portExpr(22)}.with(withSid(8))},
	{"variables keep their case and lose the $",
		"pass tcp $HOME_NET $Ssh_Ports -> $EXTERNAL_NET any (sid:9;)",
		headerOf{"pass", "tcp", varAddr("HOME_NET"), portVarExpr("Ssh_Ports"), false, varAddr("EXTERNAL_NET"), anyPortExpr()}.with(withSid(9))},
	{"IP set references lose the @",
		"drop tcp @PARTNERS any -> @pl_2 any (sid:10;)",
		headerOf{"drop", "tcp", ipSetRef("PARTNERS"), anyPortExpr(), false, ipSetRef("pl_2"), anyPortExpr()}.with(withSid(10))},
	{"an IPv6 CIDR keeps its family",
		"pass ip 2001:db8::/32 any -> fd00::/8 any (sid:11;)",
		headerOf{"pass", "ip", netExpr("2001:db8::/32"), anyPortExpr(), false, netExpr("fd00::/8"), anyPortExpr()}.with(withSid(11))},
	{"an IPv6 address alone is a /128 and an IPv4 address alone a /32",
		"pass ip 2001:db8::1 any -> [192.0.2.1,2001:db8::2] any (sid:12;)",
		headerOf{"pass", "ip", netExpr("2001:db8::1/128"), anyPortExpr(), false, addrList(netExpr("192.0.2.1/32"), netExpr("2001:db8::2/128")), anyPortExpr()}.with(withSid(12))},
	{"a CIDR with host bits set is masked",
		"pass ip [10.1.2.3/8,2001:db8::1/32] any -> 2001:db8::1/32 any (sid:13;)",
		headerOf{"pass", "ip", addrList(netExpr("10.0.0.0/8"), netExpr("2001:db8::/32")), anyPortExpr(), false, netExpr("2001:db8::/32"), anyPortExpr()}.with(withSid(13))},
	{"negation applies to addresses and variables",
		"drop ip !10.0.0.0/8 any -> !$HOME_NET any (sid:14;)",
		headerOf{"drop", "ip", notAddr(netExpr("10.0.0.0/8")), anyPortExpr(), false, notAddr(varAddr("HOME_NET")), anyPortExpr()}.with(withSid(14))},
	{"address lists allow spaces after commas and mix families",
		"pass ip [10.0.0.0/8, 2001:db8::/32,$DMZ , @PEERS] any -> any any (sid:16;)",
		headerOf{"pass", "ip", addrList(netExpr("10.0.0.0/8"), netExpr("2001:db8::/32"), varAddr("DMZ"), ipSetRef("PEERS")), anyPortExpr(), false, anyAddrExpr(), anyPortExpr()}.with(withSid(16))},
	{"lists nest, with negation inside and outside",
		"pass ip [10.0.0.0/8,![10.1.0.0/16,[10.2.0.0/16]]] any -> ![$A,!$B] any (sid:17;)",
		headerOf{"pass", "ip",
			addrList(netExpr("10.0.0.0/8"), notAddr(addrList(netExpr("10.1.0.0/16"), addrList(netExpr("10.2.0.0/16"))))),
			anyPortExpr(), false,
			notAddr(addrList(varAddr("A"), notAddr(varAddr("B")))),
			anyPortExpr()}.with(withSid(17))},
	{"port ranges may leave out either end",
		"pass tcp any :1023 -> any 1024: (sid:18;)",
		headerOf{"pass", "tcp", anyAddrExpr(), portsExpr(0, 1023), false, anyAddrExpr(), portsExpr(1024, 65535)}.with(withSid(18))},
	{"port lists hold ports, ranges, variables and negations",
		"pass tcp any [80,443,!8080,$WEB,1000:2000] -> any !22 (sid:19;)",
		headerOf{"pass", "tcp", anyAddrExpr(), portList(portExpr(80), portExpr(443), notPort(portExpr(8080)), portVarExpr("WEB"), portsExpr(1000, 2000)), false, anyAddrExpr(), notPort(portExpr(22))}.with(withSid(19))},
	{"port lists nest and allow spaces around the colon",
		"pass tcp any [1:80,![2,4]] -> any [80: 82, 1024: ] (sid:20;)",
		headerOf{"pass", "tcp", anyAddrExpr(), portList(portsExpr(1, 80), notPort(portList(portExpr(2), portExpr(4)))), false, anyAddrExpr(), portList(portsExpr(80, 82), portsExpr(1024, 65535))}.with(withSid(20))},
	{"ports 0 and 65535 are in range",
		"pass udp any 0 -> any 65535 (sid:21;)",
		headerOf{"pass", "udp", anyAddrExpr(), portExpr(0), false, anyAddrExpr(), portExpr(65535)}.with(withSid(21))},

	// Options
	{"quoted values may hold escaped semicolons, parentheses and escaped quotes",
		`alert http any any -> any any (msg:"a \"quoted\" word\; (really)"; sid:24;)`,
		anyToAny("alert", "http").with(quotedOpt("msg", `a "quoted" word; (really)`), withSid(24))},
	{"escaped semicolons and backslashes are undone, other backslashes stay",
		`alert http any any -> any any (content:"a\;b\\c"; pcre:"/\d+\/x/i"; sid:25;)`,
		anyToAny("alert", "http").with(quotedOpt("content", `a;b\c`), quotedOpt("pcre", `/\d+\/x/i`), withSid(25))},
	{"options without values keep an empty value",
		`pass tls any any -> any any (tls.sni; content:"example.com"; nocase; endswith; sid:26;)`,
		anyToAny("pass", "tls").with(flagOpt("tls.sni"), quotedOpt("content", "example.com"), flagOpt("nocase"), flagOpt("endswith"), withSid(26))},
	{"keywords are lower-cased",
		`pass tcp any any -> any any (MSG:"Keep Case"; Flow:To_Server; SID:27;)`,
		anyToAny("pass", "tcp").with(quotedOpt("msg", "Keep Case"), optOf("flow", "To_Server"), withSid(27))},
	{"unquoted values are trimmed and keep inner spaces",
		"pass tcp any any -> any any (flow: to_server, established ; sid : 28 ;)",
		anyToAny("pass", "tcp").with(optOf("flow", "to_server, established"), withSid(28))},
	{"a semicolon after an escaped backslash does not end the option, as in Suricata",
		`alert tcp any any -> any any (content:"a\\;b"; metadata:c\\;d; sid:29;)`,
		anyToAny("alert", "tcp").with(quotedOpt("content", `a\;b`), optOf("metadata", `c\\;d`), withSid(29))},
	{"the last option may be followed by spaces before the parenthesis",
		"pass tcp any any -> any any (sid:30;   )",
		anyToAny("pass", "tcp").with(withSid(30))},
	{"an empty quoted value is kept",
		`alert tcp any any -> any any (content:""; sid:32;)`,
		anyToAny("alert", "tcp").with(quotedOpt("content", ""), withSid(32))},
	{"an unquoted value may hold quoted text, as a negated content",
		`alert http any any -> any any (http.method; content:!"GET\;POST"; sid:33;)`,
		anyToAny("alert", "http").with(flagOpt("http.method"), optOf("content", `!"GET\;POST"`), withSid(33))},
	{"an unquoted value keeps its escapes",
		`alert tcp any any -> any any (metadata:a\;b c; sid:34;)`,
		anyToAny("alert", "tcp").with(optOf("metadata", `a\;b c`), withSid(34))},
	{"every option is kept in order, known to the engine or not",
		"alert tcp any any -> any any (geoip:dst,CN,US; threshold: type limit, track by_src, count 1, seconds 60; app-layer-protocol:!tls; rev:2; gid:1; priority:65535; sid:35;)",
		anyToAny("alert", "tcp").with(optOf("geoip", "dst,CN,US"), optOf("threshold", "type limit, track by_src, count 1, seconds 60"),
			optOf("app-layer-protocol", "!tls"), optOf("rev", "2"), optOf("gid", "1"), optOf("priority", "65535"), withSid(35))},
	{"spaces may surround the parentheses",
		"pass tcp any any -> any any ( sid:36; )",
		anyToAny("pass", "tcp").with(withSid(36))},
	{"the largest sid is accepted",
		"pass tcp any any -> any any (sid:4294967295;)",
		anyToAny("pass", "tcp").with(withSid(4294967295))},
}

// invalidRules are rules that do not parse: the column the error names,
// the token it quotes, and the Rule of the *flow.InputError.
var invalidRules = []struct {
	name  string
	text  string
	col   int
	token string
	rule  string
}{
	{"an unknown action", "allow tcp any any -> any any (sid:1;)", 1, "allow", "sid 1"},
	// Suricata's SigParseBasics ends an address or port field only at a
	// space outside brackets (a tab or a "(" does not end it), and reads
	// a "!" followed by a space as a field of its own.
	{"a space after a negation", "drop ip ! 1.1.1.1 any -> any ! 80 (sid:15;)", 9, "!", "sid 15"},
	{"a tab between the last port and the options", "pass\ttcp  any\t any ->   any any\t(sid:22;)", 29, "any\t(sid", "sid 22"},
	{"options after the last port without a space", "pass tcp any any -> any 443(sid:23;)", 25, "443(sid", "sid 23"},
	{"an upper-case action", "PASS tcp any any -> any any (sid:1;)", 1, "PASS", "sid 1"},
	{"rejectsrc, which AWS does not support", "rejectsrc tcp any any -> any any (sid:1;)", 1, "rejectsrc", "sid 1"},
	{"an unknown protocol", "pass tcpx any any -> any any (sid:7;)", 6, "tcpx", "sid 7"},
	{"sctp, which AWS does not support", "pass sctp any any -> any any (sid:7;)", 6, "sctp", "sid 7"},
	{"a reverse arrow", "pass tcp any any <- any any (sid:7;)", 18, "<-", "sid 7"},
	{"an unknown direction", "pass tcp any any => any any (sid:7;)", 18, "=>", "sid 7"},
	{"an address with an octet above 255", "pass tcp 10.0.0.256 any -> any any (sid:7;)", 10, "10.0.0.256", "sid 7"},
	{"a CIDR with too many bits", "pass tcp any any -> 10.0.0.0/33 any (sid:7;)", 21, "10.0.0.0/33", "sid 7"},
	{"an IPv4-mapped IPv6 CIDR", "pass tcp ::ffff:10.0.0.0/104 any -> any any (sid:7;)", 10, "::ffff:10.0.0.0/104", "sid 7"},
	{"an IPv4-mapped IPv6 address", "pass tcp any any -> ::ffff:10.0.0.1 any (sid:7;)", 21, "::ffff:10.0.0.1", "sid 7"},
	{"an IPv6 address with a zone", "pass tcp fe80::1%eth0 any -> any any (sid:7;)", 10, "fe80::1%eth0", "sid 7"},
	{"an address range", "pass tcp 10.0.0.1-10.0.0.9 any -> any any (sid:7;)", 10, "10.0.0.1-10.0.0.9", "sid 7"},
	{"a negated any address", "pass tcp !any any -> any any (sid:7;)", 10, "!any", "sid 7"},
	{"a negated any port", "pass tcp any any -> any !any (sid:7;)", 25, "!any", "sid 7"},
	{"a negated full port range", "pass tcp any !0:65535 -> any any (sid:7;)", 14, "!0:65535", "sid 7"},
	{"a negated open port range", "pass tcp any any -> any !0: (sid:7;)", 25, "!0:", "sid 7"},
	{"a port list that takes back its only port", "pass tcp any any -> any [!443,443] (sid:7;)", 25, "[!443,443]", "sid 7"},
	{"a port list whose negations cover its ports", "pass tcp any [80,443,!1:1000] -> any any (sid:7;)", 14, "[80,443,!1:1000]", "sid 7"},
	{"a negated port list of every port", "pass tcp any any -> any ![0:1023,1024:] (sid:7;)", 25, "![0:1023,1024:]", "sid 7"},
	{"a port list that takes back a variable's ports", "pass tcp any any -> any [$WEB,!0:65535] (sid:7;)", 25, "[$WEB,!0:65535]", "sid 7"},
	{"an address list that takes back its only block", "pass tcp [!10.0.1.0/24,10.0.1.0/24] any -> any any (sid:7;)", 10, "[!10.0.1.0/24,10.0.1.0/24]", "sid 7"},
	{"an address list that takes back a smaller block", "pass tcp any any -> [10.0.1.0/24,!10.0.0.0/8] any (sid:7;)", 21, "[10.0.1.0/24,!10.0.0.0/8]", "sid 7"},
	{"a negated list of both whole families", "pass tcp ![0.0.0.0/0,::/0] any -> any any (sid:7;)", 10, "![0.0.0.0/0,::/0]", "sid 7"},
	{"an address list of negations that cover both families", "pass tcp any any -> [!0.0.0.0/0,!::/0] any (sid:7;)", 21, "[!0.0.0.0/0,!::/0]", "sid 7"},
	{"a variable list minus everything", "pass tcp [$HOME_NET,@PEERS,![0.0.0.0/0,::/0]] any -> any any (sid:7;)", 10, "[$HOME_NET,@PEERS,![0.0.0.0/0,::/0]]", "sid 7"},
	{"a double negation", "pass tcp !!10.0.0.0/8 any -> any any (sid:7;)", 10, "!!", "sid 7"},
	{"a negation of nothing", "pass tcp any any -> ! (sid:7;)", 21, "!", "sid 7"},
	{"an empty address list", "pass tcp [] any -> any any (sid:7;)", 10, "[]", "sid 7"},
	{"an empty port list", "pass tcp any any -> any [ ] (sid:7;)", 25, "[ ]", "sid 7"},
	{"an unclosed address list", "pass tcp [10.0.0.0/8, 10.1.0.0/16 any -> any any (sid:7;)", 10, "[", "sid 7"},
	{"a list ending in a comma", "pass tcp any any -> any [80,] (sid:7;)", 28, ",", "sid 7"},
	{"list items without a comma", "pass tcp [10.0.0.1 10.0.0.2] any -> any any (sid:7;)", 20, "10.0.0.2", "sid 7"},
	{"two commas in a row", "pass tcp [10.0.0.1,,10.0.0.2] any -> any any (sid:7;)", 20, ",", "sid 7"},
	{"a stray closing bracket", "pass tcp 10.0.0.1] any -> any any (sid:7;)", 18, "]", "sid 7"},
	{"lists nested too deep", "pass tcp [[[[[[[[[[[[[[[[[[1.1.1.1]]]]]]]]]]]]]]]]]] any -> any any (sid:7;)", 26, "[[1.1.1.1]]]]]]]]]]]]]]]]]]", "sid 7"},
	{"a variable name that starts with a digit", "pass tcp $1NET any -> any any (sid:7;)", 10, "$1NET", "sid 7"},
	{"an empty IP set reference", "pass tcp @ any -> any any (sid:7;)", 10, "@", "sid 7"},
	{"a port range written with a dash", "pass tcp any any -> any 80-90 (sid:7;)", 25, "80:90", "sid 7"},
	{"a port above 65535", "pass tcp any 65536 -> any any (sid:7;)", 14, "65536", "sid 7"},
	{"a backwards port range", "pass tcp any any -> any 90:80 (sid:7;)", 25, "90:80", "sid 7"},
	{"a port range without ends", "pass tcp any : -> any any (sid:7;)", 14, ":", "sid 7"},
	{"a port name", "pass tcp any any -> any https (sid:7;)", 25, "https", "sid 7"},
	{"a missing destination port", "pass tcp any any -> any (sid:7;)", 25, "(", "sid 7"},
	{"an extra header field", "pass tcp any any -> any any any (sid:7;)", 29, "any", "sid 7"},
	{"a header without options", "pass tcp any any -> any 443", 28, "443", ""},
	{"options without a closing parenthesis", `pass tcp any any -> any any (msg:"x"; sid:7;`, 29, "(", "sid 7"},
	{"text after the closing parenthesis", "pass tcp any any -> any any (sid:7;) # allow", 38, "# allow", "sid 7"},
	{"an unterminated quoted value", `pass tcp any any -> any any (sid:7; msg:"open ends)`, 41, `"open ends)`, "sid 7"},
	{"an escaped closing quote that leaves the value open", `pass tcp any any -> any any (msg:"x\"; sid:7;)`, 34, `"x\";`, ""},
	// Suricata ends every option at the next ';' no backslash precedes,
	// quotes or not, and refuses an option that no ';' ends.
	{"an unescaped semicolon in a quoted msg", `pass tcp any any -> any any (sid:7; msg:"a;b";)`, 41, `"a;`, "sid 7"},
	{"an unescaped semicolon in a quoted content", `pass tls any any -> any any (sid:7; tls.sni; content:"a;b";)`, 54, `"a;`, "sid 7"},
	{"an unescaped semicolon in the quoted part of a negated content", `alert http any any -> any any (sid:7; http.method; content:!"GET;POST";)`, 61, `"GET;`, "sid 7"},
	{"a last option without its semicolon", "pass tcp any any -> any any (sid:7)", 30, "sid:7", "sid 7"},
	{"a last option after others without its semicolon", `pass tcp any any -> any any (msg:"x"; sid:7)`, 39, "sid:7", "sid 7"},
	{"a last keyword without a value and its semicolon", "pass tcp any any -> any any (sid:7; nocase)", 37, "nocase", "sid 7"},
	{"a last quoted value without its semicolon", `pass tcp any any -> any any (sid:7; msg:"last")`, 37, `msg:"last"`, "sid 7"},
	{"a rule without a sid", `pass tcp any any -> any any (msg:"no sid";)`, 29, "sid", ""},
	{"a second sid", `pass tcp any any -> any any (sid:7; msg:"x"; sid:8;)`, 46, "sid:8", "sid 7"},
	{"a sid of zero", "pass tcp any any -> any any (sid:0;)", 34, "0", ""},
	{"a sid that is not a number", "pass tcp any any -> any any (sid:seven;)", 34, "seven", ""},
	{"a sid above 4294967295", "pass tcp any any -> any any (sid:4294967296;)", 34, "4294967296", ""},
	{"a quoted sid", `pass tcp any any -> any any (sid:"7";)`, 34, `"7"`, ""},
	{"a sid without a value", "pass tcp any any -> any any (sid;)", 30, "sid", ""},
	{"a rev that is not a number", "pass tcp any any -> any any (sid:7; rev:1.2;)", 41, "1.2", "sid 7"},
	{"a priority of zero", "pass tcp any any -> any any (priority:0; sid:7;)", 39, "0", "sid 7"},
	{"a priority above 65535", "pass tcp any any -> any any (priority:65536; sid:7;)", 39, "65536", "sid 7"},
	{"a gid below zero", "pass tcp any any -> any any (gid:-1; sid:7;)", 34, "-1", "sid 7"},
	{"a keyword with a bad character", `pass tcp any any -> any any (m$g:"x"; sid:7;)`, 30, "m$g", ""},
	{"an empty option", `pass tcp any any -> any any (msg:"x";; sid:7;)`, 38, ";", ""},
	{"a colon without a value", "pass tcp any any -> any any (msg: ; sid:7;)", 35, "msg:", ""},
	{"a keyword followed by a quote", `pass tcp any any -> any any (msg"x"; sid:7;)`, 33, `"`, ""},
	{"text after a quoted value", `pass tcp any any -> any any (content:"a" b; sid:7;)`, 42, "b; sid:7;)", ""},
	{"an empty rule", "   ", 1, "", ""},
	{"options alone", "(sid:7;)", 1, "(", "sid 7"},
}

func TestParse(t *testing.T) {
	for _, tt := range validRules {
		t.Run(tt.name, func(t *testing.T) {
			got, err := suricata.Parse(tt.text)
			require.NoError(t, err)
			assert.Equal(t, strings.TrimSpace(tt.text), got.Text)
			assert.Zero(t, got.Line)
			assert.Equal(t, tt.want, stripRule(got))
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range invalidRules {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			_, err := suricata.Parse(tt.text)
			require.Error(t, err)
			assert.ErrorIs(t, err, suricata.ErrSyntax)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, strings.TrimSpace(tt.text), ie.Text)
			assert.Equal(t, tt.rule, ie.Rule)
			msg := err.Error()
			assert.Contains(t, msg, fmt.Sprintf("column %d: ", tt.col))
			assert.Contains(t, msg, strconv.Quote(tt.token))
		})
	}
}

func TestParsePositions(t *testing.T) {
	//           0         1         2         3         4         5
	//           0123456789012345678901234567890123456789012345678901234567
	const text = "pass tcp [1.1.1.1, !$X] !80 <> any [1, 2:3] (msg:\"m\"; sid:5;)"
	r, err := suricata.Parse("  " + text + "\t")
	require.NoError(t, err)
	assert.Equal(t, text, r.Text, "Text is trimmed, positions count from its start")
	assert.Equal(t, 9, r.Src.Pos)
	require.Len(t, r.Src.List, 2)
	assert.Equal(t, 10, r.Src.List[0].Pos)
	assert.Equal(t, 19, r.Src.List[1].Pos, "a negated item starts at its '!'")
	assert.Equal(t, 24, r.SrcPorts.Pos)
	assert.Equal(t, 31, r.Dst.Pos)
	assert.Equal(t, 35, r.DstPorts.Pos)
	require.Len(t, r.DstPorts.List, 2)
	assert.Equal(t, 39, r.DstPorts.List[1].Pos)
	require.Len(t, r.Options, 2)
	assert.Equal(t, 45, r.Options[0].Pos)
	assert.Equal(t, 54, r.Options[1].Pos)
	assert.Equal(t, "msg", text[r.Options[0].Pos:r.Options[0].Pos+3])
}

func TestRuleAccessors(t *testing.T) {
	r, err := suricata.Parse(`alert tls any any -> any any (msg:"first"; msg:"second"; tls.sni; SID:42; rev:3;)`)
	require.NoError(t, err)
	assert.Equal(t, 42, r.Sid())
	assert.Equal(t, "first", r.Msg(), "Msg is the first msg")
	o, ok := r.Option("TLS.SNI")
	assert.True(t, ok, "Option compares keywords in lower case")
	assert.Equal(t, flagOpt("tls.sni"), suricata.Option{Keyword: o.Keyword, Value: o.Value, Quoted: o.Quoted})
	rev, ok := r.Option("rev")
	assert.True(t, ok)
	assert.Equal(t, "3", rev.Value)
	_, ok = r.Option("content")
	assert.False(t, ok, "a missing option is reported missing")

	var zero suricata.Rule
	assert.Zero(t, zero.Sid(), "a rule without a sid has sid 0")
	assert.Empty(t, zero.Msg())
}

func TestExprString(t *testing.T) {
	addrs := []struct {
		name string
		expr suricata.AddrExpr
		want string
	}{
		{"any", anyAddrExpr(), "any"},
		{"a CIDR", netExpr("10.0.0.0/8"), "10.0.0.0/8"},
		{"an address alone prints as a /32", netExpr("192.0.2.1"), "192.0.2.1/32"},
		{"an IPv6 CIDR", netExpr("2001:db8::/32"), "2001:db8::/32"},
		{"a variable", varAddr("HOME_NET"), "$HOME_NET"},
		{"a reference", ipSetRef("PARTNERS"), "@PARTNERS"},
		{"a list with a negated item", addrList(netExpr("10.0.0.0/8"), notAddr(netExpr("10.1.0.0/16"))), "[10.0.0.0/8,!10.1.0.0/16]"},
		{"a negated variable", notAddr(varAddr("HOME_NET")), "!$HOME_NET"},
		{"a negated nested list", notAddr(addrList(varAddr("A"), addrList(anyAddrExpr()))), "![$A,[any]]"},
		{"the zero value", suricata.AddrExpr{}, ""},
	}
	for _, tt := range addrs {
		t.Run("address "+tt.name+" prints canonically", func(t *testing.T) {
			assert.Equal(t, tt.want, tt.expr.String())
		})
	}
	ports := []struct {
		name string
		expr suricata.PortExpr
		want string
	}{
		{"any", anyPortExpr(), "any"},
		{"a port", portExpr(80), "80"},
		{"a range", portsExpr(1024, 65535), "1024:65535"},
		{"a variable", portVarExpr("WEB"), "$WEB"},
		{"a list", portList(portExpr(80), portExpr(443), notPort(portExpr(8080))), "[80,443,!8080]"},
		{"a negated port", notPort(portExpr(22)), "!22"},
		{"the zero value", suricata.PortExpr{}, ""},
	}
	for _, tt := range ports {
		t.Run("port "+tt.name+" prints canonically", func(t *testing.T) {
			assert.Equal(t, tt.want, tt.expr.String())
		})
	}
}

func TestRuleString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a rule prints canonically",
			"pass  TCP $HOME_NET any <> [10.0.0.1, 10.1.0.0/16] :1023 ( msg : \"hi\" ; nocase; flow:to_server,  established ;SID:1 ; )",
			`pass tcp $HOME_NET any <> [10.0.0.1/32,10.1.0.0/16] 0:1023 (msg:"hi"; nocase; flow:to_server,  established; sid:1;)`},
		{"quoted values are escaped again",
			`alert http any any -> any any (msg:"a \"b\"\; c\\"; pcre:"/\d/"; sid:2;)`,
			`alert http any any -> any any (msg:"a \"b\"\; c\\"; pcre:"/\d/"; sid:2;)`},
		{"a backslash before a quote is doubled",
			`alert http any any -> any any (content:"\\\"x"; sid:3;)`,
			`alert http any any -> any any (content:"\\\"x"; sid:3;)`},
		{"an unquoted value ending in a backslash keeps a space before the semicolon",
			`alert tcp any any -> any any (metadata:x\ ; sid:4;)`,
			`alert tcp any any -> any any (metadata:x\ ; sid:4;)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := suricata.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.String())
		})
	}
}

func TestOptionString(t *testing.T) {
	tests := []struct {
		name string
		opt  suricata.Option
		want string
	}{
		{"a keyword alone", flagOpt("nocase"), "nocase"},
		{"an unquoted value is written as it is", optOf("flow", "to_server, established"), "flow:to_server, established"},
		{"a quoted value is escaped", quotedOpt("msg", `say "hi"; \o/`), `msg:"say \"hi\"\; \o/"`},
		{"an empty quoted value keeps its quotes", quotedOpt("content", ""), `content:""`},
		{"an unquoted value with a semicolon is quoted, the semicolon escaped", optOf("msg", "a;b"), `msg:"a\;b"`},
		{"a semicolon in a quoted value is escaped", quotedOpt("content", "a;b"), `content:"a\;b"`},
		{"a backslash before a semicolon is escaped too", quotedOpt("content", `a\;b`), `content:"a\\\;b"`},
		{"an unquoted value with an open quote is quoted", optOf("content", `!"abc`), `content:"!\"abc"`},
		{"an unquoted value with surrounding spaces is quoted", optOf("msg", " padded "), `msg:" padded "`},
		{"an unquoted value ending in a backslash keeps a space before the semicolon", optOf("metadata", `x\`), `metadata:x\ `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.opt.String())
			r := anyToAny("alert", "tcp").with(tt.opt, withSid(1))
			back, err := suricata.Parse(r.String())
			require.NoError(t, err)
			assert.Equal(t, tt.opt.Value, back.Options[0].Value, "the value reads back")
		})
	}
}

// roundTrip checks that r prints to text that parses back to r.
func roundTrip(t *testing.T, r suricata.Rule) {
	t.Helper()
	back, err := suricata.Parse(r.String())
	require.NoError(t, err, "String of a parsed rule must parse: %q", r.String())
	require.Equal(t, stripRule(r), stripRule(back), "round trip of %q via %q", r.Text, r.String())
	require.Equal(t, r.String(), back.String(), "String is canonical")
}

func TestRuleRoundTrip(t *testing.T) {
	for _, tt := range validRules {
		t.Run(tt.name+" survives String and back", func(t *testing.T) {
			r, err := suricata.Parse(tt.text)
			require.NoError(t, err)
			roundTrip(t, r)
		})
	}
	rules, err := suricata.ParseRules(readExamples(t))
	require.NoError(t, err)
	for _, r := range rules {
		t.Run(fmt.Sprintf("AWS example sid %d survives String and back", r.Sid()), func(t *testing.T) {
			roundTrip(t, r)
		})
	}
}

func readExamples(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/aws-examples.rules")
	require.NoError(t, err)
	return string(b)
}

func TestParseRulesAWSExamples(t *testing.T) {
	rules, err := suricata.ParseRules(readExamples(t))
	require.NoError(t, err)
	require.Len(t, rules, 29)

	bySid := map[int]suricata.Rule{}
	for _, r := range rules {
		assert.NotZero(t, r.Line, "sid %d has its line", r.Sid())
		assert.NotEmpty(t, r.Text)
		bySid[r.Sid()] = r
	}

	t.Run("a TLS SNI pass rule keeps its sticky buffer and contents in order", func(t *testing.T) {
		r := bySid[100001]
		assert.Equal(t, "pass", r.Action)
		assert.Equal(t, "tls", r.Protocol)
		assert.Equal(t, varAddr("HOME_NET"), stripAddr(r.Src))
		assert.Equal(t, varAddr("EXTERNAL_NET"), stripAddr(r.Dst))
		var kws []string
		for _, o := range r.Options {
			kws = append(kws, o.Keyword)
		}
		assert.Equal(t, []string{"ssl_state", "tls.sni", "content", "startswith", "content", "endswith", "nocase", "flow", "sid"}, kws)
	})
	t.Run("a geographic drop rule keeps its geoip option", func(t *testing.T) {
		r := bySid[200004]
		o, ok := r.Option("geoip")
		require.True(t, ok)
		assert.Equal(t, "any,RU", o.Value)
		assert.Equal(t, "Geographic IP is from RU, Russia", r.Msg())
	})
	t.Run("an IP set reference rule names the reference", func(t *testing.T) {
		assert.Equal(t, ipSetRef("BLOCKED_PEERS"), stripAddr(bySid[200006].Src))
	})
	t.Run("a continued rule is joined and keeps its first line", func(t *testing.T) {
		r := bySid[200012]
		assert.Equal(t, portList(portsExpr(1024, 65535), notPort(portExpr(8080))), stripPort(r.DstPorts))
		assert.NotContains(t, r.Text, `\`)
		assert.True(t, strings.HasSuffix(r.Text, "rev:3;)"))
		lines := strings.Split(readExamples(t), "\n")
		assert.True(t, strings.HasPrefix(lines[r.Line-1], "drop tcp $HOME_NET any -> $EXTERNAL_NET [1024:65535,!8080]"))
	})
	t.Run("the standard rule with direction ANY is bidirectional", func(t *testing.T) {
		r := bySid[1234]
		assert.True(t, r.Bidirectional)
		assert.Equal(t, anyPortExpr(), stripPort(r.SrcPorts))
	})
}

func TestParseRules(t *testing.T) {
	t.Run("comments, blank lines and indentation are skipped and lines counted", func(t *testing.T) {
		rules, err := suricata.ParseRules("# header\n\n   # indented comment\r\n  pass tcp any any -> any 22 (sid:1;)  \r\n\t\ndrop ip any any -> any any (sid:2;)")
		require.NoError(t, err)
		require.Len(t, rules, 2)
		assert.Equal(t, 4, rules[0].Line)
		assert.Equal(t, "pass tcp any any -> any 22 (sid:1;)", rules[0].Text)
		assert.Equal(t, 6, rules[1].Line)
		assert.Equal(t, []int{1, 2}, []int{rules[0].Sid(), rules[1].Sid()}, "rules keep their order")
	})
	t.Run("a line ending in a backslash continues on the next", func(t *testing.T) {
		rules, err := suricata.ParseRules("\npass tcp any any -> any any ( \\\n    msg:\"two \\\n lines\"; \\\r\n    sid:1;)\nalert ip any any -> any any (sid:2;)")
		require.NoError(t, err)
		require.Len(t, rules, 2)
		assert.Equal(t, 2, rules[0].Line)
		assert.Equal(t, "pass tcp any any -> any any (     msg:\"two  lines\";     sid:1;)", rules[0].Text)
		assert.Equal(t, "two  lines", rules[0].Msg())
		assert.Equal(t, 6, rules[1].Line)
	})
	t.Run("a commented-out rule stays commented across continuation lines", func(t *testing.T) {
		rules, err := suricata.ParseRules("# pass tcp any any -> any any ( \\\n  sid:1;)\npass tcp any any -> any any (sid:1;)")
		require.NoError(t, err)
		require.Len(t, rules, 1)
		assert.Equal(t, 3, rules[0].Line)
	})
	t.Run("an empty string has no rules", func(t *testing.T) {
		rules, err := suricata.ParseRules("")
		require.NoError(t, err)
		assert.Empty(t, rules)
	})
	t.Run("a byte order mark is ignored", func(t *testing.T) {
		rules, err := suricata.ParseRules("\ufeffpass tcp any any -> any any (sid:1;)")
		require.NoError(t, err)
		assert.Len(t, rules, 1)
	})
	t.Run("a duplicate sid names both lines", func(t *testing.T) {
		in := "pass tcp any any -> any 22 (sid:5;)\n# c\ndrop tcp any any -> any 23 (msg:\"again\"; sid:5;)"
		_, err := suricata.ParseRules(in)
		require.ErrorIs(t, err, suricata.ErrSyntax)
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "sid 5", ie.Rule)
		assert.Equal(t, `drop tcp any any -> any 23 (msg:"again"; sid:5;)`, ie.Text)
		assert.Contains(t, err.Error(), `column 42: sid "5" on line 3 is already used on line 1`)
	})
	t.Run("a fault names the line when the sid cannot be read", func(t *testing.T) {
		_, err := suricata.ParseRules("pass tcp any any -> any any (sid:1;)\n\npass tcp any any -> any (nosid;)")
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "line 3", ie.Rule)
		assert.Contains(t, err.Error(), `column 25: missing destination port before "("`)
	})
	t.Run("a fault names the sid and the line when the sid can be read", func(t *testing.T) {
		_, err := suricata.ParseRules("\npass tpc any any -> any any (sid:9;)")
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "sid 9", ie.Rule)
		assert.Contains(t, err.Error(), `column 6: unknown protocol "tpc" (line 2)`)
	})
	t.Run("every faulty rule is reported and no rules are returned", func(t *testing.T) {
		rules, err := suricata.ParseRules("bad1\npass tcp any any -> any any (sid:1;)\nbad2 (sid:2;)\npass tcp any any -> any any (sid:1;)")
		assert.Nil(t, rules)
		var joined interface{ Unwrap() []error }
		require.ErrorAs(t, err, &joined)
		errs := joined.Unwrap()
		require.Len(t, errs, 3)
		wantRules := []string{"line 1", "sid 2", "sid 1"}
		for i, e := range errs {
			var ie *flow.InputError
			require.ErrorAs(t, e, &ie)
			assert.Equal(t, wantRules[i], ie.Rule)
			assert.ErrorIs(t, e, suricata.ErrSyntax)
		}
	})
	t.Run("at most 20 faults are listed", func(t *testing.T) {
		_, err := suricata.ParseRules(strings.Repeat("nonsense\n", 25))
		var joined interface{ Unwrap() []error }
		require.ErrorAs(t, err, &joined)
		errs := joined.Unwrap()
		require.Len(t, errs, 21)
		assert.ErrorIs(t, errs[20], suricata.ErrSyntax)
		assert.Contains(t, errs[20].Error(), "5 more errors not shown")
	})
	t.Run("a rule with a continuation reports columns in the joined text", func(t *testing.T) {
		_, err := suricata.ParseRules("pass tcp any any -> \\\nany 70000 (sid:3;)")
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "pass tcp any any -> any 70000 (sid:3;)", ie.Text)
		assert.Contains(t, err.Error(), `column 25: port out of range 0-65535: "70000" (line 1)`)
	})
}

func TestParseAcceptsEveryListedProtocol(t *testing.T) {
	for _, p := range []string{
		"ip", "tcp", "udp", "icmp", "http", "ftp", "tls", "smb", "dns", "dcerpc", "ssh", "smtp", "imap",
		"msn", "krb5", "ikev2", "tftp", "ntp", "dhcp", "http2", "quic",
		"tcp-pkt", "tcp-stream", "sip", "snmp", "rdp", "mqtt", "nfs", "pgsql",
	} {
		t.Run(p+" is a protocol", func(t *testing.T) {
			r, err := suricata.Parse("alert " + strings.ToUpper(p) + " any any -> any any (sid:1;)")
			require.NoError(t, err)
			assert.Equal(t, p, r.Protocol)
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := suricata.Parse("pass tcp any any -> any any (sid:12; rev:x;)")
	require.Error(t, err)
	assert.Equal(t,
		`(rule sid 12): "pass tcp any any -> any any (sid:12; rev:x;)": invalid Suricata rule: column 42: invalid rev "x": want an integer from 0 to 4294967295`,
		err.Error())
	assert.True(t, errors.Is(err, suricata.ErrSyntax))
}

func TestParseRulesLargeInputsStayLinear(t *testing.T) {
	// Each input is about 1 MB; a parser quadratic in its input would take
	// minutes on them.
	const n = 1 << 20
	inputs := map[string]string{
		"a value full of parentheses": "alert tcp any any -> any any (msg:" + strings.Repeat(")", n) + "; sid:1;)",
		"a header full of negations":  "alert tcp " + strings.Repeat("! ", n) + "1.1.1.1 any -> any any (sid:1;)",
		"a long address list":         "alert tcp [" + strings.Repeat("10.0.0.1,", n/9) + "10.0.0.2] any -> any any (sid:1;)",
		"lines continued many times":  strings.Repeat("x\\\n", n/3) + "\n",
		"many rules":                  strings.Repeat("pass tcp any any -> any any (msg:\"x\"; sid:1;)\n", n/48),
		"many faulty rules":           strings.Repeat("pass tcp any any\n", n/17),
	}
	for name, in := range inputs {
		t.Run(name+" parses in linear time", func(t *testing.T) {
			_, err := suricata.ParseRules(in)
			if err != nil {
				checkError(t, err)
			}
		})
	}
}

func TestParseKeepsNegationsThatCanMatch(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"a negated IPv6 block leaves IPv6", "pass tcp !2001:db8::/32 any -> any any (sid:1;)"},
		{"a family with negated items only next to a block of the other", "pass tcp [!10.0.0.0/8,2001:db8::/32] any -> 192.0.2.1 any (sid:1;)"},
		{"a variable minus a block", "pass tcp [$HOME_NET,!10.0.0.0/8] any -> any any (sid:1;)"},
		{"a block minus a variable", "pass tcp [10.0.0.0/8,!$HOME_NET] any -> any any (sid:1;)"},
		{"a negated variable", "pass tcp !$HOME_NET any -> !@PEERS any (sid:1;)"},
		{"a port list minus part of it", "pass tcp any [80:90,!85] -> any ![0:1023,!22] (sid:1;)"},
		{"a port variable minus every port but one", "pass tcp any any -> any [$WEB,!0:442,!444:] (sid:1;)"},
		{"protocol ipv6 with IPv6 addresses", "pass ipv6 2001:db8::/32 any -> !2001:db8:1::/48 any (sid:1;)"},
		{"mixed lists that share a family", "pass ip [10.0.0.0/8,2001:db8::/32] any -> [::/0] any (sid:1;)"},
	} {
		t.Run(tt.name+" parses", func(t *testing.T) {
			_, err := suricata.Parse(tt.text)
			require.NoError(t, err)
		})
	}
}
