// Package stateless is AWS Network Firewall's stateless engine: its rule
// model (rule groups, rules and their match attributes, TCP flag matches,
// custom actions, capacity, the policy's default and fragment default
// actions) and the compiled engine that judges packets.
//
// Contract:
//   - [Compile] checks a [Config] (the stateless half of a firewall policy)
//     and returns an immutable [Engine], safe for concurrent use;
//     [MustCompile] panics instead. Errors are *[flow.InputError] values
//     naming the Go path ("Groups[1].Rules[3].Sources[0]"), the group and
//     the rule priority, wrapping [ErrInvalidRule], [ErrInvalidGroup] or
//     [ErrInvalidPolicy].
//   - Every packet is judged alone: the engine keeps no state and knows no
//     direction, so a reply needs its own rule. Groups run by ascending
//     policy priority, rules by ascending priority within their group; the
//     first rule that matches decides with its standard action
//     ([flow.Pass]: deliver, the stateful engine never sees the packet;
//     [flow.Drop]; [flow.Forward]: hand it to the stateful engine). Custom
//     actions only publish metrics. A packet that matches no rule gets the
//     default action, a UDP fragment the fragment default action, and a
//     fragment of any other protocol is dropped.
//   - Within a rule every given attribute must match and, within one list,
//     any element suffices. An empty list means any, as in AWS's JSON: a
//     rule with no DestinationPorts matches every port. A rule that names
//     ports matches only TCP and UDP packets; one that names TCP flags only
//     TCP packets; neither matches a fragment. AWS's documents say ports
//     apply to TCP and UDP only and TCP flags to TCP only, not whether a
//     rule whose Protocols admit others then matches their packets (ports
//     ignored) or none: the engine reads it as none, and where the other
//     reading would decide a packet otherwise (the first rule ahead of the
//     deciding one that would match it, with another action) the
//     [Decision] names that rule in Ambiguous ([Ambiguity],
//     [Decision.Undecided]); package firewall leaves a direction whose
//     answer it changes Indeterminate.
//   - [Engine.Evaluate] returns a [Decision] and never allocates;
//     [Engine.Explain] returns the same Decision with Skipped filled: every
//     rule before the deciding one, with why it did not match.
//   - A nil *Engine means "no stateless firewall here": every packet passes
//     (Verdict Allow, Default true).
//   - The zero [flow.Action] is unset, and Compile rejects a rule, a
//     default or a fragment default without an Action ("Action is
//     missing"): nothing passes or drops by omission. AWS's recommended
//     defaults are [flow.Forward].
//
// The engine indexes rules by address family, protocol class, CIDR and
// port so that a packet meets few candidates even in a 30,000-capacity
// group; a slow reference evaluator in the tests holds it to a linear scan.
package stateless
