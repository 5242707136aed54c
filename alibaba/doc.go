// Package alibaba reads Alibaba Cloud's API JSON: [ParseSecurityGroup]
// reads a DescribeSecurityGroupAttribute response into an [sg.Group] of
// the Alibaba flavour. Only VPC security groups are read: a
// classic-network group keeps separate internet and intranet rule sets
// (its rules' NicType), which [sg.Group] cannot express, so its rules are
// an error rather than rules for all traffic. [ParsePrefixList] reads a
// DescribePrefixListAttributes response into a [reach.PrefixList], for the
// prefix lists the groups' rules name (SourcePrefixListId,
// DestPrefixListId): add it to the model with [reach.Builder.AddPrefixList]
// (a group whose rule names a list the model lacks fails to build: an
// Alibaba Cloud rule can drop, so a list of unknown entries cannot be
// judged).
//
// A DescribeSecurityGroupAttribute response must hold the whole group:
// one page of a paginated answer (NextToken set) is an error, since the
// missing pages may hold drop rules; merge the pages first.
//
// A rule whose meaning Alibaba does not document is an error rather than
// a guess: ICMP beside an IPv6 CIDR (Ipv6SourceCidrIp, Ipv6DestCidrIp) or
// ICMPv6 beside an IPv4 one, which read as written would match no packet.
// Beside a prefix list the reader cannot see the list's family: ICMP by
// an IPv6 list, or ICMPv6 by an IPv4 one, is refused where the list's
// entries are known, by [sg.Compile] and so [reach.Builder.Build], naming
// the group, the rule and the list.
// What a group may reference depends on the groups of the design, so
// [reach.Builder.Build] checks it: a basic group's rule that references
// an enterprise (advanced) group, or a group of another VPC (between VPC
// groups Alibaba Cloud authorizes groups of the same VPC only), is
// refused there, as Alibaba Cloud refuses it; so is an interface of
// another VPC than the group's VpcId wearing it (JoinSecurityGroup adds
// an instance or an ENI to a group of its own VPC only). Record where a
// group was read with [reach.Builder.SetOrigin] (kind
// [reach.ResourceSecurityGroup]) and that error names the file its
// VpcId came from.
//
// Every error is a *[flow.InputError] naming the JSON path, the group and
// rule, and the offending text.
package alibaba
