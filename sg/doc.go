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
//     and let outbound traffic out by default; enterprise groups (older docs:
//     advanced) isolate members and deny both directions by default. All
//     groups on one interface must be of one type.
//
// Rules and groups are plain exported data ([Rule], [Group], [Peer]),
// written as Go literals or read by the format packages: package aws reads
// what `aws ec2 describe-security-groups` and `aws ec2
// describe-security-group-rules` print, package alibaba Alibaba's
// DescribeSecurityGroupAttribute. This package reads no cloud's JSON. [Compile] checks the
// groups of one interface and returns an immutable [Evaluator], safe for
// concurrent use; [Evaluator.Evaluate] decides a packet with no allocation
// and [Evaluator.Explain] adds a reason per group for traces.
//
// Security groups are stateful: a reply to an allowed packet always passes.
// This package judges one packet in one direction; package reach applies
// the statefulness along a path.
//
// Group references and prefix lists are resolved through a [Resolver] the
// caller provides (package reach's topology implements it). A reference
// the resolver does not know is an error ([ErrUnresolved]), never a silent
// non-match. Documented assumptions where AWS's pages leave a choice:
//   - a group reference matches the members' private IPv4 and IPv6
//     addresses (the resolver decides which addresses count);
//   - a group built with [New] in an IPv6 VPC gets ::/0 egress as well as
//     0.0.0.0/0; groups read from JSON keep exactly the rules listed;
//   - ICMP error messages tied to a flow (port unreachable...) are out of
//     scope;
//   - Alibaba: isolation (inner access policy Drop) applies in both
//     directions, after every rule and before the defaults.
package sg
