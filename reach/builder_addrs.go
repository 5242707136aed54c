package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Addresses claimed at build: each address of the design has one owner,
// and none is one AWS reserves in its subnet.

// ErrSharedAddress is wrapped (with [ErrTopology]) by the error
// [Builder.Build] reports when two VPCs' resources hold the same private
// address: a design is one address space. Such VPCs are checked one at a
// time (package aws: Options.VPCs).
var ErrSharedAddress = errors.New("two VPCs hold the same address")

// claimAddr records that addr belongs to owner, reporting a clash.
func claimAddr(p *problems, m *Model, owner, fieldPath string, a netip.Addr) bool {
	if other, ok := m.owners[a]; ok {
		if vpcs := m.vpcsHolding(a); len(vpcs) > 1 {
			p.errs = append(p.errs, &flow.InputError{Path: fieldPath, Resource: owner, Text: a.String(),
				Err: fmt.Errorf("%w: %w: address already used by %s; VPCs %s both hold it: a design is one address space, so check VPCs whose addresses collide in designs of their own",
					ErrTopology, ErrSharedAddress, other, strings.Join(vpcs, " and "))})
			return false
		}
		p.add(owner, fieldPath, a.String(), "address already used by %s", other)
		return false
	}
	m.owners[a] = owner
	return true
}

// vpcsHolding returns the IDs of the VPCs whose blocks hold a, sorted.
func (m *Model) vpcsHolding(a netip.Addr) []string {
	var out []string
	for id, v := range m.vpcs {
		for _, c := range v.CIDRs {
			if c.Contains(a) {
				out = append(out, id)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// reservedAddr reports, as a problem of owner's field at fieldPath, an
// address a of subnet si that AWS reserves: the first four and the last
// of each of the subnet's blocks, IPv4 and IPv6 alike (the network
// address, the VPC router, the DNS server, one for future use, and the
// last; Amazon VPC User Guide, "Subnet CIDR blocks",
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
// AWS never assigns one to an interface or a gateway.
func reservedAddr(p *problems, si *subnetInfo, owner, fieldPath string, a netip.Addr) bool {
	if !reservedIn(si.CIDRs, netip.PrefixFrom(a, a.BitLen())).IsValid() {
		return false
	}
	p.add(owner, fieldPath, a.String(), "AWS reserves %s in subnet %s (%s: the first four and the last address of each of its blocks) and never assigns it",
		a, si.ID, prefixList(si.CIDRs))
	return true
}
