package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Addresses claimed at build: each address of the design has one owner,
// and none is one AWS reserves in its subnet (or, for an ECS interface,
// one Alibaba Cloud reserves in its vSwitch).

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

// alibabaReservedAddr is reservedAddr for an Alibaba Cloud (ECS)
// interface: it reports an address a of vSwitch si that Alibaba Cloud
// reserves, the first address and the last three of each IPv4 block of
// the vSwitch, and the first and the last nine of each IPv6 block
// (Alibaba Cloud VPC API, CreateVSwitchCidrReservation: "the first IP
// address and the last three IP addresses of the vSwitch are reserved by
// the system ... will not be allocated", and the first and last nine for
// IPv6; https://www.alibabacloud.com/help/en/vpc/api-610154). The first
// four addresses AWS reserves are not reserved there: .1 to .3 of a
// vSwitch are an ECS instance's to use.
func alibabaReservedAddr(p *problems, si *subnetInfo, owner, fieldPath string, a netip.Addr) bool {
	for _, c := range si.CIDRs {
		if !c.Contains(a) {
			continue
		}
		last, tail := addrset.Last(c), 3
		if a.Is6() {
			tail = 9
		}
		reserved := a == c.Masked().Addr()
		for i, r := 0, last; i < tail && !reserved && r.IsValid(); i, r = i+1, r.Prev() {
			reserved = a == r
		}
		if !reserved {
			continue
		}
		what := "the first address and the last three of its IPv4 block"
		if a.Is6() {
			what = "the first address and the last nine of its IPv6 block"
		}
		p.add(owner, fieldPath, a.String(), "Alibaba Cloud reserves %s in vSwitch %s (%s: %s) and never assigns it",
			a, si.ID, prefixList(si.CIDRs), what)
		return true
	}
	return false
}
