// Package suricata reads and prints the Suricata-compatible rule language
// AWS Network Firewall's stateful rule groups are written in (a group's
// RulesString).
//
// Contract:
//   - [Parse] reads one rule and [ParseRules] a rules string (one rule per
//     line, "#" comments and blank lines skipped) into [Rule] values: the
//     header (action, protocol, address and port expressions, direction)
//     and every option, in order, exactly as written. Nothing is resolved:
//     variables ($HOME_NET), IP set references (@NAME) and port variables
//     stay names; package stateful resolves and evaluates them.
//   - The header is split as Suricata's SigParseBasics splits it: blanks
//     before a field are skipped, the action and the direction end at any
//     white space, and every other field (protocol, addresses, ports) only
//     at a space outside brackets. So "! 10.0.0.0/8" (a "!" and a space),
//     a tab between the last port and the options, and "443(sid:1;)" are
//     errors, as Suricata, and so Network Firewall, refuses them.
//   - Options are split as Suricata splits them: each ends at the next ';'
//     that no backslash precedes, inside quotes too. A quoted value holding
//     an unescaped ';' (msg:"a;b", content:"a;b": write \; or |3B|) and an
//     option without its ';' ("(sid:1)") are errors, since Suricata, and so
//     Network Firewall, refuses such a rule.
//   - Addresses are read with [flow.ParseAddrOrCIDR] (a bare address is the
//     block of that one address) and masked; IPv4-mapped IPv6 forms and
//     zones are errors.
//   - A rule that can match no packet whatever its variables hold is an
//     error naming the expression: an address or port expression that
//     matches nothing ("!any", "!0:65535", "[!443,443]",
//     "[!10.0.1.0/24,10.0.1.0/24]"), a negated part of a list that holds
//     nothing ("[1.1.1.1,![2.2.2.2,!2.2.2.2]]": Suricata resolves a
//     negated list on its own and refuses it then), an expression whose
//     negated addresses cover every IPv4 address ("!0.0.0.0/0",
//     "[!0.0.0.0/1,!128.0.0.0/1]": Suricata refuses it, "Complete IP
//     space negated", even next to IPv6 addresses). An
//     expression that matches nothing only for some values of its
//     variables ("[$X,!10.0.0.0/8]", "[$HTTP_PORTS,!80]") parses; package
//     stateful refuses it once they are resolved (addresses and ports).
//   - A rule whose source and destination share no address family with
//     each other and the protocol ("!10.0.0.0/8 any -> 2001:db8::/32 any"
//     pairs IPv4 with IPv6: Suricata negates an address per family, so
//     "!10.0.0.0/8" holds every IPv4 address but 10.0.0.0/8 and no IPv6
//     address; "icmpv6 any any -> 10.0.0.0/8 any") parses, as Suricata
//     loads it: [Rule].NoMatch says why it matches no packet, and package
//     stateful never matches it.
//   - [Rule.String] prints canonical rule text that parses back to the same
//     rule.
//   - Errors are *[flow.InputError] values wrapping [ErrSyntax], naming the
//     rule (its sid when it can be read), the 1-based column and the
//     offending token. No input makes the parser panic (see the fuzz tests),
//     and its time stays linear in the input.
//
// The package knows the language, not its meaning: which keywords the
// stateful engine can decide is package stateful's business.
package suricata

import "errors"

// ErrSyntax is wrapped by the errors of [Parse] and [ParseRules]: a rule
// string does not parse.
var ErrSyntax = errors.New("invalid Suricata rule")
