package reach

import (
	"fmt"
	"net/netip"
)

// Which subnet of an attachment a packet leaves a transit gateway through
// when the attachment has none in the packet's zone (tgw.go): undecided
// unless every candidate gives one path.

// exitUnknown says why the subnet of attachment out that a packet for
// dst, which entered the transit gateway in zone az, leaves through
// decides what the input cannot: out, a VPC attachment without appliance
// mode, has several subnets and none in az (or az, or its subnets'
// zones, are unknown, or undecided: tgw_zone.go), AWS documents no rule for which it takes then,
// and they are not alike for the packet. "" when the subnet is decided,
// or when every candidate gives one path: the subnets share a route
// table and a network ACL, none of them holds dst, their route for dst
// does not lead to a transit gateway (which takes the packet in the
// subnet's zone), and, when that route leads to an internet gateway, an
// egress-only internet gateway or a carrier gateway (where VPC Block
// Public Access judges the packet by the subnet it leaves: bpa.go), they
// share a Block Public Access exclusion. alike says what to make alike
// for the packet to decide it: "one route table and one network ACL", or
// the exclusion when that is what differs.
func (m *Model) exitUnknown(out *tgwAttInfo, az tgwZone, dst netip.Addr) (why, alike string) {
	if out.Type != "vpc" || out.Missing != "" || out.ApplianceMode || len(out.subnets) < 2 {
		return "", ""
	}
	if out.subnetIn(az) != nil {
		return "", ""
	}
	const tableAndACL = "one route table and one network ACL"
	first := out.subnets[0]
	var bpaOther *subnetInfo // a subnet whose Block Public Access exclusion is not first's
	for _, s := range out.subnets {
		switch {
		case s.contains(dst):
			return fmt.Sprintf("%s holds the destination, so through it no network ACL applies and through the others theirs do", s.ID), tableAndACL
		case s.rt != first.rt:
			return fmt.Sprintf("their route tables differ (%s has %s, %s has %s)", first.ID, first.rt.ID, s.ID, s.rt.ID), tableAndACL
		case len(s.maybe) > 0:
			return fmt.Sprintf("which route table routes %s is undecided (%s)", s.ID, s.RouteTablesWhy), tableAndACL
		case s.acl != first.acl:
			return fmt.Sprintf("their network ACLs differ (%s has %s, %s has %s)", first.ID, first.acl.acl.ID, s.ID, s.acl.acl.ID), tableAndACL
		case bpaOther == nil && m.bpa != nil && m.bpa.mode != BlockOff && m.exclusionOf(s) != m.exclusionOf(first):
			bpaOther = s
		}
	}
	cr, _, ok := first.rt.lookup(dst)
	if ok && cr.Target == TargetTransitGateway {
		return fmt.Sprintf("%s routes %s to transit gateway %s, which takes the packet only in the zone of the subnet it leaves", first.rt.ID, dst, cr.TargetID), tableAndACL
	}
	if bpaOther != nil && ok && internetFacing(cr) {
		return fmt.Sprintf("%s routes %s to %s, where VPC Block Public Access judges the packet by the subnet it leaves, and their exclusions differ (%s: %s; %s: %s)",
				first.rt.ID, dst, cr.TargetID, first.ID, m.exclusionText(first), bpaOther.ID, m.exclusionText(bpaOther)),
			fmt.Sprintf("one Block Public Access exclusion (exclude all of %s, or none)", subnetIDs(out.subnets))
	}
	return "", ""
}

// internetFacing reports whether route cr sends the packet to a gateway
// VPC Block Public Access judges: an internet gateway, an egress-only
// internet gateway (modelled or not) or a carrier gateway.
func internetFacing(cr *compiledRoute) bool {
	return cr.Target == TargetInternetGateway || cr.Target == TargetEgressOnlyInternetGateway || egressOnlyRoute(cr) ||
		cr.Target == TargetUnmodelled && cr.TargetType == carrierGatewayType
}

// exclusionOf names the mode of subnet s's own Block Public Access
// exclusion ("none" when it has none): what BPA judges the packet by
// beside the VPC's exclusion, which s shares with the attachment's other
// subnets.
func (m *Model) exclusionOf(s *subnetInfo) string {
	x, ok := m.bpa.excluded[s.ID]
	if !ok {
		return "none"
	}
	return x.Mode.String()
}

// exclusionText names subnet s's own Block Public Access exclusion and
// its mode ("x-1, allow-bidirectional"), "none" when it has none.
func (m *Model) exclusionText(s *subnetInfo) string {
	x, ok := m.bpa.excluded[s.ID]
	if !ok {
		return "none"
	}
	return fmt.Sprintf("%s, %s", x.ID, x.Mode)
}
