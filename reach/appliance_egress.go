package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// An appliance with several network interfaces.
//
// An instance may have several network interfaces, each in a subnet of
// its own (AWS EC2 User Guide, "Elastic network interfaces": a network or
// security appliance, a dual-homed instance). A packet a route sends to
// one of them, of which the instance is neither the source nor the
// destination, is forwarded by the instance's operating system, which
// picks the interface it leaves by (its own routing table) and, for a NAT
// instance, the address it translates the source to (that interface's).
// Each interface it may leave by has its own security groups, subnet
// (route table, network ACL), source/destination check and public
// addresses, and the input holds no instance configuration: it cannot
// say which one. reach walks the packet out of each
// (appliance_egress_fork.go) and answers what every one answers alike;
// where they differ the hop is undecided ([ApplianceEgressUnknown]),
// naming what each gives. What the packet met before
// (the receiving interface's source/destination check and inbound
// groups, the network ACLs crossed) still decides: a certain block there
// is a certain block whichever interface the packet would leave by. A
// packet addressed to the receiving interface itself, or sent by it, is
// not forwarded, and an instance with one interface forwards out of it,
// as before. The packets no choice follows (appliance_egress_fork.go:
// one addressed to another interface, below, or for the NAT64 prefix),
// and every packet on a design with too many combinations, are not
// followed past the instance: the hop is undecided, the walk ends there.
//
// Interfaces alike for the packet (egressAlike) leave nothing to pick
// between: where every interface of the instance is in the receiving
// one's subnet (one route table, one network ACL), with the same
// security groups (the same ones known only later too), the same
// source/destination check, the same DenyAllIgwTraffic, no public IPv4
// address (none known only later either) and no global IPv6 address,
// whichever interface the operating system sends the packet out of, it
// meets the same route table, ACL and groups, and a NAT instance has no
// public address to translate it to: every interface's path is the
// receiving one's, and the walk goes on from it with a certain answer
// (a word on the hop says so). A packet for the NAT64 prefix from IPv6
// is not among them (a NAT64 instance translates it to the IPv4 address
// of the interface it sends by, which differ), nor one from outside the
// instance's VPC for a VPC peered with it (peeringNATAhead: translated
// at the peering, its source is the address of the interface it sends
// by), nor one addressed to another interface of the instance
// (siblingAddressed: one of its private addresses or an address of a prefix delegated to it, or of one
// delegated at launch, known only later). The walk being
// one path, the set questions (Ports, Sources, Matrix, Audit, Diff) walk
// it as Check does and agree with it; the matrix gives each interface of
// such an instance a class of its own (computeClasses), since a packet
// for it that a route sends to another is undecided where one for
// another address of its subnet may go through. Interfaces that differ
// are walked one by one (appliance_egress_fork.go).

// egressAlike reports whether every interface ii's instance may send
// pkt out of (ii and its siblings) is alike for it (see above), and pkt
// is not addressed to one of them.
func (m *Model) egressAlike(pkt flow.Flow, ii *ifaceInfo) bool {
	dst := pkt.Dst.Addr()
	if siblingOwning(ii, dst) != nil || pkt.Src.Addr().Is6() && nat64Prefix.Contains(dst) {
		return false
	}
	if !m.egressPlain(ii) || m.peeringNATAhead(pkt, ii) { // peering_nat.go: the translated source differs
		return false
	}
	for _, o := range ii.siblings {
		if prefixesUnknown(o, dst) {
			return false // a prefix known only later may hold dst: addressed to o, perhaps
		}
		if o.subnet != ii.subnet || !slices.Equal(o.Groups, ii.Groups) || o.GroupsUnknown != ii.GroupsUnknown ||
			o.SourceDestCheckDisabled != ii.SourceDestCheckDisabled || o.SourceDestCheckUnknown != ii.SourceDestCheckUnknown ||
			o.DenyAllIGWTraffic != ii.DenyAllIGWTraffic || !m.egressPlain(o) {
			return false
		}
	}
	return true
}

// egressPlain reports whether interface ii has no address a NAT
// instance sending by it could translate to on the internet: no public
// IPv4 address (none known only later) and no global IPv6 address.
func (m *Model) egressPlain(ii *ifaceInfo) bool {
	_, public := ii.natAddress()
	return !public.IsValid() && ii.PublicIPUnknown == "" && !m.nat66Address(ii).IsValid()
}

// egressAlikeWords is the word on the forwarding hop of appliance ii
// whose instance's interfaces are alike for the packet (egressAlike).
func egressAlikeWords(ii *ifaceInfo) string {
	ids := make([]string, 0, 1+len(ii.siblings))
	ids = append(ids, ii.ID)
	for _, o := range ii.siblings {
		ids = append(ids, o.ID)
	}
	return fmt.Sprintf("instance %s has several network interfaces (%s), and its operating system picks the one it sends the packet out of, which the input does not hold; but every interface's path is this one: all are in %s (one route table and network ACL), with the same security groups and source/destination check, and none has a public address a NAT instance could translate to, so whichever it picks the answer is the same",
		ii.Instance, strings.Join(ids, ", "), ii.subnet.ID)
}

// linkSiblings gives each interface of an instance with several the
// others ([ifaceInfo.siblings]).
func (m *Model) linkSiblings() {
	byInstance := map[string][]*ifaceInfo{}
	for _, ii := range m.ifaceOrder {
		if ii.Instance != "" {
			byInstance[ii.Instance] = append(byInstance[ii.Instance], ii)
		}
	}
	for _, all := range byInstance {
		if len(all) < 2 {
			continue
		}
		for _, ii := range all {
			for _, o := range all {
				if o != ii {
					ii.siblings = append(ii.siblings, o)
				}
			}
		}
	}
}

// egressUnknown makes h, the forwarding hop of appliance ii (which has
// siblings), undecided ([ApplianceEgressUnknown]): the instance may send
// the packet out of ii or any of its other interfaces. A hop undecided
// already (its source/destination check unknown) keeps its code and
// says so too.
func egressUnknown(h Hop, ii *ifaceInfo, explain bool) Hop {
	if h.Code == "" {
		h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceEgressUnknown, nil
	}
	if !explain {
		return h
	}
	ids := make([]string, 0, 1+len(ii.siblings))
	ids = append(ids, ii.ID)
	others := make([]string, 0, len(ii.siblings))
	for _, o := range ii.siblings {
		ids = append(ids, o.ID)
		others = append(others, siblingWords(o))
	}
	if o := siblingOwning(ii, h.Packet.Dst.Addr()); o != nil {
		return siblingAddressed(h, ii, o)
	}
	why := fmt.Sprintf("instance %s has several network interfaces (%s): the packet came in by %s, and the instance's operating system picks the interface it sends the packet out of (its own routing table), which the input does not hold: %s, or %s, each with its own security groups, subnet route table and network ACL, source/destination check and public addresses (a NAT instance translates the source to the address of the interface it sends by); reachsim does not follow the packet past the instance",
		ii.Instance, strings.Join(ids, ", "), ii.ID, ii.ID+" itself", strings.Join(others, ", or "))
	if h.Code != ApplianceEgressUnknown {
		h.addDetail(why)
		return h
	}
	h.reason = why
	h.Missing = fmt.Sprintf("which network interface of instance %s (%s) its operating system sends the forwarded packet out of, and whether it translates the source to that interface's address (the instance's routing table and NAT rules; the input holds no instance configuration)",
		ii.Instance, strings.Join(ids, ", "))
	h.Fix = fmt.Sprintf("for a certain answer, route the traffic to an appliance with one network interface, or for internet egress to a NAT gateway, instead of %s (an interface of %s)", ii.ID, ii.Instance)
	return h
}

// siblingWords names interface o, another interface of an appliance's
// instance, with what decides a packet sent out of it.
func siblingWords(o *ifaceInfo) string {
	check := "its source/destination check on (it drops a packet it forwards unchanged)"
	switch {
	case o.SourceDestCheckDisabled:
		check = "its source/destination check off"
	case o.SourceDestCheckUnknown != "":
		check = "its source/destination check unknown"
	}
	public := "no public IPv4 address"
	if _, p := o.natAddress(); p.IsValid() {
		public = "public address " + p.String()
	}
	return fmt.Sprintf("%s (in %s, %s, %s)", o.ID, o.subnet.ID, public, check)
}

// siblingOwning returns the other interface of ii's instance that holds
// address a, if one does: among its private addresses or in a prefix
// delegated to it.
func siblingOwning(ii *ifaceInfo, a netip.Addr) *ifaceInfo {
	for _, o := range ii.siblings {
		if slices.Contains(o.PrivateIPs, a) || slices.ContainsFunc(o.DelegatedPrefixes, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return o
		}
	}
	return nil
}

// prefixesUnknown reports whether ii holds prefixes of a's family that
// AWS delegates at launch, known only later: one may hold a.
func prefixesUnknown(ii *ifaceInfo, a netip.Addr) bool {
	if a.Is4() {
		return ii.IPv4PrefixesUnknown != ""
	}
	return ii.IPv6PrefixesUnknown != ""
}

// siblingAddressed words h, undecided at interface ii, for a packet
// addressed to o, another interface of the same instance, that a route
// sent to ii: the instance holds the address, but whether it accepts a
// packet for it on another interface is its operating system's choice
// (a weak host such as Linux does, a strong host such as Windows by
// default does not), which the input does not hold.
func siblingAddressed(h Hop, ii, o *ifaceInfo) Hop {
	dst := h.Packet.Dst.Addr()
	why := fmt.Sprintf("the packet is addressed to %s, an address of %s, another network interface of instance %s, but a route sent it to %s: whether the instance accepts it there is its operating system's choice (a weak host such as Linux does; a strong host such as Windows, by default, does not), which the input does not hold",
		dst, o.ID, ii.Instance, ii.ID)
	if h.Code != ApplianceEgressUnknown {
		h.addDetail(why)
		return h
	}
	h.reason = why
	h.Missing = fmt.Sprintf("whether instance %s accepts a packet for %s (%s's address) arriving on %s (its operating system's host model)", ii.Instance, dst, o.ID, ii.ID)
	h.Fix = fmt.Sprintf("for a certain answer, route %s to %s's subnet (the local route) rather than to %s", dst, o.ID, ii.ID)
	return h
}
