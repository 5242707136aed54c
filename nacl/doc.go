// Package nacl models AWS network ACLs: their entries as plain data
// ([Entry], [ACL]), the evaluation of one packet crossing one subnet
// boundary ([Compile], [Evaluator.Evaluate], [Evaluator.Explain]), the round
// trip of a connection through the ACLs of two subnets with the client's
// ephemeral ports ([CheckRoundTrip]), and their text forms ([ParseEntry],
// [Entry.String]). It reads no cloud's JSON: package aws reads what
// `aws ec2 describe-network-acls` prints.
//
// # Vocabulary
//
// The same as every filter of reachsim: [Compile] (and [MustCompile], which
// panics) checks the data and returns an [Evaluator];
// [Evaluator.Evaluate] decides one packet in one direction and returns a
// [Decision] without an error and without allocating; [Evaluator.Explain]
// returns the same Decision with Skipped filled: the entries tried before
// the deciding one, each with why it did not match; [Evaluator.Verdict] is
// Evaluate's Verdict and Default alone, for a walk that reads no more.
// Over every destination port at once, [Evaluator.AllowedPorts] gives the
// set allowed, [Evaluator.PortRuns] the runs of ports each entry decides,
// and [Evaluator.PortVerdicts] those runs merged by verdict. A Decision
// carries the
// Verdict, the deciding entry's Action ([flow.Pass] or [flow.Drop]), the
// Entry itself, and Default when the "*" rule decided. An entry's action is
// a [flow.Action]; its text forms keep AWS's words, "allow" (Pass) and
// "deny" (Drop). The zero Action is unset, and Compile rejects it: every
// entry says whether it allows or denies.
//
// A nil *Evaluator means "no network ACL here" (an endpoint outside every
// subnet, a host on the internet or on premises): it passes every packet
// with a Decision whose ACL is "" and whose String says "no network ACL".
//
// # Contract
//
//   - Stateless. Every packet is judged on its own. The reply of a
//     connection is a packet in the opposite direction, with the addresses
//     swapped and the client's ephemeral port as its destination port, and
//     it needs entries of its own; [CheckRoundTrip] checks both ways.
//   - First match. The entries of one direction are tried in ascending rule
//     number. The first whose protocol, destination port (TCP and UDP) or
//     ICMP type and code, and CIDR (the source address for inbound entries,
//     the destination for outbound ones) match the packet decides, allow or
//     deny; later entries, even contradicting ones, are never read.
//   - Families apart. IPv4 entries judge IPv4 packets only and IPv6 entries
//     IPv6 packets only: 0.0.0.0/0 never matches an IPv6 packet and ::/0
//     never an IPv4 one. Both families share one numbering per direction, so
//     an IPv4 and an IPv6 entry of the same direction cannot have the same
//     number.
//   - The "*" rule. A packet that no entry of its direction and family
//     matches is denied by the implicit final rule "*". AWS's JSON shows it as
//     rule number 32767 for IPv4 ([DefaultRuleIPv4]) and 32768 for IPv6
//     ([DefaultRuleIPv6]). It is never an element of [ACL.Entries]; a
//     [Decision] it made has Default set.
//   - Where ACLs apply. An ACL filters packets that cross the boundary of a
//     subnet it is associated with. Traffic between two network interfaces
//     of the same subnet is not filtered at all. This package does not know
//     subnets: skipping the ACL in that case is the caller's job (package
//     reach does it). NACLs also never filter the Amazon DNS resolver,
//     instance metadata, Amazon Time Sync and the other link-local services
//     AWS lists; that too is left to the caller.
//   - Immutability and concurrency. [ACL] and [Entry] are plain data that the
//     caller owns. [Compile] checks an ACL and copies it into an [Evaluator],
//     which never changes afterwards and is safe for concurrent use by any
//     number of goroutines; changing the ACL later does not affect it.
//   - Errors. Every error of [Compile] and [ParseEntry] is a
//     *[flow.InputError] naming where the fault is and wrapping one of this
//     package's sentinels ([ErrInvalidEntry], [ErrDuplicateRule],
//     [ErrInvalidACL]), so errors.As and errors.Is find both. This package
//     reads no cloud JSON: package aws reads describe-network-acls output.
//
// # Choices where AWS's documentation leaves room
//
//   - No half-asked entry: a TCP or UDP entry must set its Ports
//     ([flow.AllPorts] for every port); the zero Ports is "not set", an
//     error at [Compile], never silently port 0. An entry for port 0 alone
//     (AWS's PortRange From 0 To 0, "tcp 0" in text) sets [Entry.PortZero]
//     and leaves Ports zero.
//   - An entry's port range is the packet's destination port range; NACLs do
//     not filter on source ports.
//   - Protocols other than TCP (6), UDP (17), ICMP (1) and ICMPv6 (58) match
//     on the protocol number alone; port ranges and ICMP fields given with
//     them are ignored, as AWS says.
//   - An ICMPv6 (58) entry with an IPv4 CIDR is kept with its type and code
//     ignored (stored as -1, all). It can match no packet, since ICMPv6 is
//     IPv6 only.
//   - An ICMP type of -1 (all) with a code other than -1 is rejected rather
//     than guessed at.
//   - The AWS quota of at most 40 inbound and 40 outbound entries is not
//     enforced: whether it counts the families apart is unclear.
//   - ICMP error messages that belong to a connection (port unreachable,
//     fragmentation needed) are ordinary packets here; nothing relates them
//     to the connection.
package nacl
