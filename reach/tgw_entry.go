package reach

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Entering a transit gateway: through the VPC attachment's subnet in the
// zone of the subnet the packet leaves, and what the walk does where the
// input lacks a zone that decides which subnet that is (tgw.go).

// viaTGW sends pkt, routed by cr of rt from subnet s (nil for an edge
// table), into the transit gateway cr names.
func (w *walker) viaTGW(pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute) arrival {
	w.outboundOverTGW() // whatever the gateway does with it next (tgw_sgref.go)
	g := w.m.tgws[cr.TargetID]
	att := g.byVPC[rt.vpc.ID]
	az := zoneOf(s).String() // what the input gives of s's zone: its name, its AZ ID, or both; "" when neither
	cands, sure := att.entrySubnets(s)
	if len(cands) == 0 && s == nil { // an edge table's packet has no zone; Build gives every VPC attachment a subnet
		return w.stop(Hop{Kind: KindTransitGateway, ID: att.ID, Name: g.ID, Packet: pkt, Verdict: flow.Deny, Code: TGWNoAttachmentInAZ,
			reason: fmt.Sprintf("attachment %s of %s has no subnet", att.ID, g.ID)})
	}
	if len(cands) == 0 {
		return w.stop(Hop{Kind: KindTransitGateway, ID: att.ID, Name: g.ID, Packet: pkt, Verdict: flow.Deny, Code: TGWNoAttachmentInAZ,
			reason: fmt.Sprintf("attachment %s of %s has no subnet in %s, the zone of %s: a transit gateway takes traffic only from zones its attachment has a subnet in", att.ID, g.ID, az, s.ID),
			Fix:    fmt.Sprintf("add a subnet in %s to attachment %s", az, att.ID)})
	}
	from := "the packet"
	if s != nil {
		from = s.ID
	}
	in := cands[0]
	if i := slices.IndexFunc(cands, func(c *subnetInfo) bool { return c.acl != in.acl }); i >= 0 {
		h := Hop{Kind: KindTransitGateway, ID: att.ID, Name: tgwLabel(g), Packet: pkt, Verdict: flow.Indeterminate, Code: TGWEntryZoneUnknown}
		h.reason = fmt.Sprintf("%s may enter %s through any of %s (%s), and their network ACLs, which judge it inbound, differ (%s has %s, %s has %s)",
			from, att.ID, subnetIDs(cands), entryDoubt(az, from), in.ID, in.acl.acl.ID, cands[i].ID, cands[i].acl.acl.ID)
		h.Missing = entryMissing(att, cands, az, from)
		h.Fix = entryFix(att, az, from)
		return w.stop(h)
	}
	zone := zoneOf(s) // the zone the packet enters by, which the exit follows
	if len(cands) == 1 {
		zone = zone.fill(in) // if the packet enters, it is through in, in its zone
	}
	if !sure {
		// in may be the attachment's subnet in the packet's zone, or none
		// is: the packet enters through in (alike the other candidates),
		// or is dropped. The walk goes on through in, so that a certain
		// block beyond it decides: then both ways block.
		h := Hop{Kind: KindTransitGateway, ID: att.ID, Name: tgwLabel(g), Packet: pkt, Verdict: flow.Indeterminate, Code: TGWEntryZoneUnknown}
		if az == "" {
			h.reason = fmt.Sprintf("the zone of %s is not in the input, and %s of %s has subnets (%s) in some zones only: if %s is in a zone where it has one, the packet enters through it, else the transit gateway takes nothing from %s",
				from, att.ID, g.ID, subnetZones(cands), from, from)
		} else {
			h.reason = fmt.Sprintf("%s of %s has no subnet known to be in %s, the zone of %s, but the input does not say whether %s is in it (%s): if so, the packet enters through it, else the transit gateway takes nothing from %s",
				att.ID, g.ID, az, from, subnetZones(cands), zoneRule, az)
		}
		h.Missing = entryMissing(att, cands, az, from)
		h.Fix = entryFix(att, az, from)
		w.add(h)
	}
	if s != nil {
		w.networkACL(pkt, s, flow.Outbound)
	}
	w.networkACL(pkt, in, flow.Inbound) // AWS evaluates it even when in is s
	var detail string
	if az == "" && len(cands) > 1 {
		detail = fmt.Sprintf("the Availability Zone of %s is unknown, so is which of %s's subnets (%s) the packet enters by; they are alike for it (one network ACL), so the trace shows %s", from, att.ID, subnetIDs(cands), in.ID)
	}
	return w.throughTGW(pkt, g, att, in, zone, detail)
}

// entrySubnets returns the subnets of attachment a that a packet leaving
// subnet s (nil for an edge table's packet) may enter the transit gateway
// by, and whether it surely enters by one of them (a zone without an
// attachment subnet sends nothing to the gateway): s itself when it is
// one of a's subnets (a has one per zone); else the subnet the input says
// is in s's zone (tgw_zone.go: by AZ ID, else by name within one owner);
// when a has none there, those the input does not place in another zone
// (one may be in it: not sure); when s's zone is unknown (neither name
// nor AZ ID), every subnet of a, not sure: the input does not say that s
// is in a zone a has a subnet in (the model does not know the VPC's
// zones, so never that a has a subnet in each). An edge table's packet
// may enter by any subnet, sure: Build gives every VPC attachment a
// subnet.
func (a *tgwAttInfo) entrySubnets(s *subnetInfo) (cands []*subnetInfo, sure bool) {
	z := zoneOf(s)
	switch {
	case s == nil:
		return a.subnets, true
	case slices.Contains(a.subnets, s):
		return []*subnetInfo{s}, true
	case z.name == "" && z.id == "":
		return a.subnets, false
	}
	for _, c := range a.subnets {
		switch in, decided := z.holds(c); {
		case in && decided:
			return []*subnetInfo{c}, true
		case !decided:
			cands = append(cands, c)
		}
	}
	return cands, false
}

// subnetZones lists subnets with what the input gives of their zones:
// "subnet-1 (us-east-1a (use1-az1)), subnet-2 (use1-az2), subnet-3 (zone
// unknown)".
func subnetZones(subs []*subnetInfo) string {
	var b strings.Builder
	for i, s := range subs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", s.ID, cmp.Or(zoneOf(s).String(), "zone unknown"))
	}
	return b.String()
}

// zoneRule says how the input places two subnets in one zone
// (tgw_zone.go).
const zoneRule = "zones match by AZ ID, else by name between subnets of one owner"

func entryDoubt(az, from string) string {
	if az == "" {
		return fmt.Sprintf("the zone of %s is not in the input", from)
	}
	return fmt.Sprintf("none is known to be in %s, the zone of %s, and the input does not place them in another (%s)", az, from, zoneRule)
}

func entryMissing(att *tgwAttInfo, cands []*subnetInfo, az, from string) string {
	if az == "" {
		return fmt.Sprintf("the Availability Zone of %s (its name or AZ ID), which decides whether %s has a subnet there (it has %s), the one the packet enters the transit gateway by, or none, and then the gateway takes nothing from %s", from, att.ID, subnetZones(cands), from)
	}
	return fmt.Sprintf("the zones of %s (subnets of %s): whether one is in %s, the zone of %s, through which the packet enters the transit gateway (%s)", subnetZones(cands), att.ID, az, from, zoneRule)
}

func entryFix(att *tgwAttInfo, az, from string) string {
	if az == "" {
		return fmt.Sprintf("give %s its Availability Zone in the input (describe-subnets' AvailabilityZoneId; Terraform's availability_zone_id)", from)
	}
	return fmt.Sprintf("give %s and the subnets of %s their AZ IDs in the input (describe-subnets' AvailabilityZoneId; Terraform's availability_zone_id)", from, att.ID)
}
