// Package sg models security groups and decides whether they let a packet
// in or out of one network interface, and why.
//
// Two flavours are modelled:
//
//   - AWS (the zero [Flavour]): rules only allow; the groups attached to an
//     interface form a union, and anything no rule allows is denied. Rules
//     have no order; when several allow a packet, reachsim reports the first
//     in the order the groups and their rules were given.
//   - Alibaba Cloud: rules accept or drop, with a priority from 1 (first) to
//     100; at equal priority drop wins. Basic groups let their members reach
//     each other (inner access policy Accept, which overrides every rule)
//     and let outbound traffic out by default; with inner access policy
//     Drop (isolation) a member's inbound packets meet the rules and then
//     the default deny, like anyone's. Enterprise groups (older docs:
//     advanced) isolate members and deny both directions by default. All
//     groups on one interface must be of one type. A rule Alibaba's
//     AuthorizeSecurityGroup cannot write is an error ([ErrInvalidRule]):
//     one for tcp or udp port 0 alone ([Rule.PortZero]: its port ranges
//     are 1–65535), or an ICMP rule naming a type or code (its ICMP rules
//     take the port range -1/-1, every type and code). An ICMP rule whose CIDR
//     peer is an IPv6 block, or an ICMPv6 rule whose CIDR peer is an IPv4
//     block, is an error ([ErrInvalidRule]): Alibaba documents no meaning
//     for the pair (its console offers "All ICMP (IPv4)" and "All ICMP
//     (IPv6)" apart), and as written the rule would match no packet. So
//     is one whose prefix list holds blocks of the other family only
//     (Compile sees the entries; a list without entries matches nothing
//     whatever the rule means, and is accepted). A
//     basic group's rules may reference basic groups only (an enterprise
//     group "cannot serve as an authorization object in other groups'
//     rules"), and of the same VPC only (AuthorizeSecurityGroup);
//     Compile cannot see a referenced group's flavour or VPC, so package
//     reach's Build checks that.
//
// Rules and groups are plain exported data ([Rule], [Group], [Peer]),
// written as Go literals or read by the format packages: package aws reads
// what `aws ec2 describe-security-groups` and `aws ec2
// describe-security-group-rules` print, package alibaba Alibaba's
// DescribeSecurityGroupAttribute. This package reads no cloud's JSON.
//
// # Vocabulary
//
// The same as every filter of reachsim: [Compile] (and [MustCompile], which
// panics) checks the groups of one interface, resolves every reference,
// and returns an immutable [Evaluator], safe for concurrent use.
// [Evaluator.Evaluate] decides a packet in one direction and returns a
// [Decision], with no error and no allocation. [Evaluator.Explain] returns
// the same Decision with its trace filled: Skipped (the rules of the
// direction tried before the deciding one, each with why it does not
// match) and Groups (a sentence per group). A Decision carries the
// Verdict, the deciding rule's Action, what decided (Basis), Default when
// no rule matched, and the deciding group and rule;
// [Evaluator.RuleLabel] names that rule as a trace does, from words
// prepared once per group, at the first call that needs them. A rule's action is a
// [flow.Action]: AWS rules pass (the zero value); Alibaba rules pass
// ("accept") or drop.
//
// A nil *Evaluator means "no security groups here": it passes every
// packet, with Basis [NoFilter]. An interface with no groups ([Compile] of
// none, or the zero Evaluator) denies every packet: nothing allows it.
//
// No half-asked rule: a TCP or UDP rule must set Ports ([flow.AllPorts]
// for every port); the zero Ports is "not set", an error at Compile, never
// silently port 0. A rule for destination port 0 alone (AWS's FromPort 0
// ToPort 0) sets [Rule.PortZero] and leaves Ports zero.
//
// Errors of Compile are *[flow.InputError] values naming the group and
// rule and wrapping [ErrInvalidRule], [ErrInvalidGroup] or [ErrUnresolved].
//
// Security groups are stateful: a reply to an allowed packet always passes.
// This package judges one packet in one direction; package reach applies
// the statefulness along a path.
//
// Group references and prefix lists are resolved at Compile time through a
// [Resolver] the caller provides (package reach's model implements it); a
// [CachingResolver] shares the compiled prefix lists, member sets and
// groups across the interfaces of a model: the evaluators of interfaces
// that carry a group hold one read-only copy of its checked rules (an
// evaluator hands out copies only). A reference the resolver does not know is an
// error ([ErrUnresolved]), never a silent non-match. A group the resolver
// knows to be absent from the input ([UnknownMembers], a group in a peered
// VPC or another account) is accepted in AWS groups: a rule that
// references it matches no address the resolver knows, and for any other
// peer cannot decide, so a packet that only such a rule could allow gets
// the verdict [flow.Indeterminate] (Basis [UnknownMember]), naming the
// rule; a packet another rule allows is allowed. So does a prefix list the
// resolver knows is referenced but whose entries the input does not hold
// ([UnknownEntries]; Basis [UnknownEntry]): a rule that references it may
// match any address of the list's address family ([UnknownEntries].Family:
// an IPv4 list certainly matches no IPv6 address, and the reverse), of
// either family when the resolver does not say. Alibaba Cloud's rules can
// drop, so both are errors there, and so is a basic group whose own
// members the resolver answers in part (an [UnknownMembers] with Held
// set: its inner access policy needs them); the error says whether the
// input holds the group.
// [Evaluator.WithMembership] derives a view with other memberships (package
// reach's middlebox-blind view, where no group has members), and
// [Evaluator.Either] joins two views of the same groups for a packet the
// input does not say which judges: their decision where they agree,
// [flow.Indeterminate] (Basis [EitherDiffers]) where they differ. Package
// reach judges Alibaba Cloud groups that way after a middlebox: AWS
// documents that a middlebox loses the group identity, Alibaba Cloud
// documents nothing of the kind, so the blind view and the members' view
// (by private address) are both taken. Documented
// assumptions where AWS's pages leave a choice:
//   - a group reference matches the members' private IPv4 and IPv6
//     addresses (the resolver decides which addresses count);
//   - a group built with [New] in an IPv6 VPC gets ::/0 egress as well as
//     0.0.0.0/0; groups read from JSON keep exactly the rules listed;
//   - ICMP error messages tied to a flow (port unreachable...) are out of
//     scope;
//   - Alibaba: isolation (inner access policy Drop) has the lowest
//     priority and withdraws only the implicit inbound authorisation of
//     members: an inbound packet from a member that no rule matches is
//     denied (Basis [InnerIsolation]); an outbound packet to a member that
//     no rule matches leaves by the basic group's default (Basis
//     [DefaultAccept]). Alibaba's ModifySecurityGroupPolicy page lets
//     isolated members communicate through one inbound rule, and its
//     isolation page gives isolation the lowest priority;
//   - Alibaba: rules are read by priority, 1 first, a drop rule winning a
//     tie (AuthorizeSecurityGroup), so a packet a drop rule of priority
//     1 denies is let through only by removing or narrowing that rule
//     (package reach's fix says so, and never offers an enterprise group
//     a group as a rule's peer).
package sg
