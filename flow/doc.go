// Package flow is the vocabulary every other reachsim package speaks:
// IP protocols, inclusive integer ranges and interval sets (ports, ICMP
// types and codes, protocol numbers), flows, directions and verdicts, and
// the one table of well-known service names for ports ([Services],
// [ParsePort], [ParsePortSet], [ServiceName]).
//
// All addresses are [net/netip] values. Every type here is a small value:
// copy it freely; none holds references that a later change could alter, so
// all of them are safe for concurrent use.
//
// A flow is written and printed in one readable syntax:
//
//	tcp 10.0.1.5:49152 -> 10.0.2.7:5432
//	udp [2001:db8::1]:5353 -> [2001:db8::2]:53
//	icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0
//	tcp 10.0.1.5:50000 -> 198.51.100.7:443 domain example.com
//	gre 10.0.0.1 -> 10.0.0.2
//
// [Parse] reads it and [Flow.String] prints it back, so the two round-trip.
// Words are separated by spaces or tabs; without ports, an IPv6 address
// may be written in brackets ("icmpv6 [2001:db8::1] -> [2001:db8::2]"),
// an IPv4 one never.
//
// A flow's "domain NAME" is the TLS SNI or HTTP Host its client sends; a
// flow without one does not say which (nor that there is none), and a
// Network Firewall rule that reads it cannot be decided.
//
// A flow may name the application protocol its session speaks ([App],
// "app tls"), as Suricata names it, on a transport Suricata's parser for
// it runs over ([App.RunsOver]: tls over tcp, quic over udp, dns over
// either); [Flow.Validate] refuses the others. Network Firewall does not
// detect two of them, ftp-data and ike: see [App].
package flow
