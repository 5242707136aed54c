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

// assignable returns the addresses of subnet block c that the cloud
// may give an interface: all but those it reserves. AWS reserves the
// first four and the last of each block, IPv4 and IPv6 alike (the network
// address, the VPC router, the DNS server, one for future use, and the
// last; Amazon VPC User Guide, "Subnet CIDR blocks",
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
// Alibaba Cloud (alibaba: an ECS interface's vSwitch) reserves the first
// address and the last three of each IPv4 block, and the first and the
// last nine of each IPv6 block (Alibaba Cloud VPC API,
// CreateVSwitchCidrReservation: "the first IP address and the last three
// IP addresses of the vSwitch are reserved by the system ... will not be
// allocated", and the first and last nine for IPv6;
// https://www.alibabacloud.com/help/en/vpc/api-610154): .1 to .3 of a
// vSwitch are an ECS instance's to use. ok is false when c is too small
// to hold an address past those. This is the one place either rule is
// written: Build's checks of given addresses (reservedAddr,
// alibabaReservedAddr, reservedIn) and the addresses something of
// unknown address could get (freeIn) all ask it.
func assignable(c netip.Prefix, alibaba bool) (r addrset.Range, ok bool) {
	head, tail := 4, 1
	if alibaba {
		head, tail = 1, 3
		if c.Addr().Is6() {
			tail = 9
		}
	}
	if host := c.Addr().BitLen() - c.Bits(); host < 8 && 1<<host <= head+tail {
		return addrset.Range{}, false
	}
	r.From, r.To = c.Masked().Addr(), addrset.Last(c)
	for range head {
		r.From = r.From.Next()
	}
	for range tail {
		r.To = r.To.Prev()
	}
	return r, true
}

// reserves reports whether the cloud reserves address a in subnet s
// (assignable; alibaba for an ECS interface's vSwitch): false when a is
// in none of s's blocks.
func (s *subnetInfo) reserves(a netip.Addr, alibaba bool) bool {
	for _, c := range s.CIDRs {
		if !c.Contains(a) {
			continue
		}
		r, ok := assignable(c, alibaba)
		return !ok || a.Less(r.From) || r.To.Less(a)
	}
	return false
}

// reservedAddr reports, as a problem of owner's field at fieldPath, an
// address a of subnet si that AWS reserves (assignable): AWS never
// assigns one to an interface or a gateway.
func reservedAddr(p *problems, si *subnetInfo, owner, fieldPath string, a netip.Addr) bool {
	if !si.reserves(a, false) {
		return false
	}
	p.add(owner, fieldPath, a.String(), "AWS reserves %s in subnet %s (%s: the first four and the last address of each of its blocks) and never assigns it",
		a, si.ID, prefixList(si.CIDRs))
	return true
}

// alibabaReservedAddr is reservedAddr for an Alibaba Cloud (ECS)
// interface: it reports an address a of vSwitch si that Alibaba Cloud
// reserves (assignable), the first address and the last three of each
// IPv4 block of the vSwitch, and the first and the last nine of each
// IPv6 block.
func alibabaReservedAddr(p *problems, si *subnetInfo, owner, fieldPath string, a netip.Addr) bool {
	if !si.reserves(a, true) {
		return false
	}
	what := "the first address and the last three of its IPv4 block"
	if a.Is6() {
		what = "the first address and the last nine of its IPv6 block"
	}
	p.add(owner, fieldPath, a.String(), "Alibaba Cloud reserves %s in vSwitch %s (%s: %s) and never assigns it",
		a, si.ID, prefixList(si.CIDRs), what)
	return true
}
