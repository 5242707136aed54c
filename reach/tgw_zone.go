package reach

import (
	"fmt"
	"strings"
)

// The zone a transit gateway keeps a packet in. The gateway leaves a
// packet through the destination attachment's subnet in the Availability
// Zone it entered by (tgw.go): a physical place. AWS maps zone names to
// physical zones per account in the older Regions ("the us-east-1a for
// your AWS account might not be the same physical location as the
// us-east-1a for another AWS account"; AZ IDs are "unique and consistent
// identifiers": AWS Regions and Availability Zones, "AZ IDs"), and the
// VPCs a gateway joins may be of several accounts. So two subnets are in
// one zone when their AZ IDs ([Subnet.AvailabilityZoneID]) are equal, in
// two when both are known and differ; when either lacks its ID, their
// names decide only when the subnets are of one owner ([Subnet.OwnerID]),
// and otherwise the input does not decide it.

// tgwZone is the zone a packet entered a transit gateway by, as the input
// gives it: the zone of the subnet it entered through.
type tgwZone struct {
	name, id string // AvailabilityZone, AvailabilityZoneID; "" when unknown
	owner    string // the OwnerID of the subnet name is of
}

// zoneOf returns the zone of subnet s (nil: unknown).
func zoneOf(s *subnetInfo) tgwZone {
	if s == nil {
		return tgwZone{}
	}
	return tgwZone{name: s.AvailabilityZone, id: s.AvailabilityZoneID, owner: s.OwnerID}
}

// fill completes z with what subnet s, known to be in z, says of it.
func (z tgwZone) fill(s *subnetInfo) tgwZone {
	if z.name == "" && s.AvailabilityZone != "" {
		z.name, z.owner = s.AvailabilityZone, s.OwnerID
	}
	if z.id == "" {
		z.id = s.AvailabilityZoneID
	}
	return z
}

// holds reports whether subnet s is in zone z, and whether the input
// decides it: by AZ ID when both are known, else by name when both are
// known and s is of the owner z's name is of.
func (z tgwZone) holds(s *subnetInfo) (in, decided bool) {
	switch {
	case z.id != "" && s.AvailabilityZoneID != "":
		return z.id == s.AvailabilityZoneID, true
	case z.name == "" || s.AvailabilityZone == "" || z.owner != s.OwnerID:
		return false, false
	}
	return z.name == s.AvailabilityZone, true
}

// String names z: "us-east-1a (use1-az1)", "us-east-1a", "use1-az1";
// "" when unknown.
func (z tgwZone) String() string {
	switch {
	case z.name != "" && z.id != "":
		return z.name + " (" + z.id + ")"
	case z.name != "":
		return z.name
	}
	return z.id
}

// subnetIn returns the attachment's subnet the input says is in zone z;
// nil when it has none, or the input does not decide which.
func (a *tgwAttInfo) subnetIn(z tgwZone) *subnetInfo {
	for _, s := range a.subnets {
		if in, decided := z.holds(s); in && decided {
			return s
		}
	}
	return nil
}

// zoneDoubt lists the subnets of a the input does not say are in zone z,
// or not, although both have zone names: they are of another owner than
// z's name, and the AZ IDs that would decide are missing ("subnet-1
// (us-east-1a of account 2222)"). "" when no subnet is so.
func (a *tgwAttInfo) zoneDoubt(z tgwZone) string {
	if z.name == "" {
		return ""
	}
	var subs []string
	for _, s := range a.subnets {
		if _, decided := z.holds(s); !decided && s.AvailabilityZone != "" {
			subs = append(subs, fmt.Sprintf("%s (%s of %s)", s.ID, s.AvailabilityZone, ownerName(s.OwnerID)))
		}
	}
	return strings.Join(subs, ", ")
}

func ownerName(owner string) string {
	if owner == "" {
		return "an owner the input does not name"
	}
	return "account " + owner
}
