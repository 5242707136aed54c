package nacl

import (
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// ACL is a network ACL as plain data: build it as a literal, with
// [NewDefault] or [NewCustom], or load it with package aws. Evaluation never
// reads an ACL directly: [Compile] checks and copies it into an [Evaluator],
// so an ACL may be changed or reused afterwards without effect on
// evaluators already built.
type ACL struct {
	ID        string   // acl-…; required
	VPCID     string   // vpc-…
	IsDefault bool     // the VPC's default ACL, which serves every subnet without an association of its own
	Subnets   []string // the subnets associated with this ACL (subnet-…)
	// Entries holds the user entries of both directions and families, in
	// any order; the implicit "*" rules are not listed. Rule numbers must be
	// unique within a direction.
	Entries []Entry
}

// NewDefault returns the ACL AWS creates with a VPC: rule 100 allows all
// IPv4 traffic inbound and outbound and, when the VPC has an IPv6 CIDR
// (ipv6), rule 101 allows all IPv6 traffic both ways. Only what those miss
// (all IPv6 traffic when ipv6 is false) falls to the "*" rules.
func NewDefault(id, vpcID string, ipv6 bool) ACL {
	acl := ACL{ID: id, VPCID: vpcID, IsDefault: true}
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		acl.Entries = append(acl.Entries, Entry{Number: 100, Action: flow.Pass, Direction: dir, Protocol: flow.AllProtocols, CIDR: netip.PrefixFrom(netip.IPv4Unspecified(), 0)})
		if ipv6 {
			acl.Entries = append(acl.Entries, Entry{Number: 101, Action: flow.Pass, Direction: dir, Protocol: flow.AllProtocols, CIDR: netip.PrefixFrom(netip.IPv6Unspecified(), 0)})
		}
	}
	return acl
}

// NewCustom returns a new custom ACL as AWS creates it: no entries, so the
// "*" rules deny all traffic in and out, and no subnet associated.
func NewCustom(id, vpcID string) ACL {
	return ACL{ID: id, VPCID: vpcID}
}
