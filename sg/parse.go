package sg

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/awsjson"
)

// This file reads security groups from the JSON that the clouds print:
// `aws ec2 describe-security-groups`, `aws ec2 describe-security-group-rules`
// and Alibaba Cloud's DescribeSecurityGroupAttribute. Arrays are decoded
// element by element (json.RawMessage), so error paths carry indices.

// ParseSecurityGroups reads what `aws ec2 describe-security-groups` prints:
// {"SecurityGroups": [...]}. NextToken is ignored, so a paginated dump must
// be merged by the caller (or fetched without pagination) first.
//
// Each group gets ID (GroupId, required), Name (GroupName), Description,
// VPCID (VpcId), OwnerID (OwnerId) and Flavour AWS. Its Rules are the
// inbound rules (IpPermissions) followed by the outbound ones
// (IpPermissionsEgress), in the order listed. One IpPermission may list
// several peers; it becomes one Rule per peer, as
// describe-security-group-rules would list them: first its IpRanges
// (CidrIp), then Ipv6Ranges (CidrIpv6), PrefixListIds (PrefixListId) and
// UserIdGroupPairs (GroupId), each in its own order, with that peer's
// Description. Rule.ID is empty: this output has no rule IDs. Fields a
// rule's protocol does not use are left as [NewDefault] leaves them: Ports
// is zero unless the protocol is TCP or UDP, and ICMPType and ICMPCode are
// -1 unless it is ICMP or ICMPv6 with a type. A missing,
// null or empty peer list is fine, and a permission with no peer at all
// yields no rule, as AWS enforces none; its protocol and ports are still
// checked.
//
// Assumptions and checks:
//   - IpProtocol is "tcp", "udp", "icmp", "icmpv6", "-1" (all) or a protocol
//     number 0–255 written as a string; anything else is an error. A number
//     is taken as that protocol, so "6" is TCP and needs ports.
//   - For tcp and udp, FromPort and ToPort are both required, 0–65535, with
//     FromPort <= ToPort; they become Rule.Ports.
//   - For icmp and icmpv6, FromPort is the ICMP type and ToPort the code,
//     each -1 (all) or 0–255, and a type of -1 needs a code of -1. icmpv6
//     with both absent means every type and code; icmp needs both. One of
//     the two without the other is an error.
//   - For -1 and every other protocol number, FromPort and ToPort are
//     ignored: AWS allows all ports for them whatever range is given.
//   - CIDRs are read with [ParseCIDR] and stored masked, as AWS
//     canonicalises them. An IPv6 block in CidrIp or an IPv4 block in
//     CidrIpv6 is an error, never a guess.
//   - A UserIdGroupPairs entry from another account (UserId differs from
//     the group's OwnerId) still becomes Peer.Group = GroupId alone, without
//     the "account/" prefix: group IDs are unique across accounts, and the
//     resolver is asked by ID. The entry's GroupId is required; a reference
//     by GroupName alone (EC2-Classic) is an error.
//   - A group ID listed twice is an error (a paginated dump concatenated
//     twice, say), so the groups can be given to [Compile] together.
//   - Unknown fields (Tags, SecurityGroupArn, VpcPeeringConnectionId, ...)
//     are ignored. A missing required field or a JSON value of the wrong
//     type is an error.
//
// Every error is a *[flow.InputError] whose Path is the JSON path with
// indices (e.g. "SecurityGroups[0].IpPermissions[1].IpRanges[0].CidrIp"),
// Resource the group ID when known, and Text the offending value. It wraps
// [ErrInvalidRule] or [ErrInvalidGroup], or the internal JSON sentinel for
// input that does not decode.
func ParseSecurityGroups(data []byte) ([]Group, error) {
	var doc struct {
		SecurityGroups *[]json.RawMessage
	}
	if err := (loc{}).decode(data, &doc); err != nil {
		return nil, err
	}
	if doc.SecurityGroups == nil {
		return nil, loc{path: "SecurityGroups"}.fail("", ErrInvalidGroup, "no SecurityGroups list: is this the output of aws ec2 describe-security-groups?")
	}
	groups := make([]Group, 0, len(*doc.SecurityGroups))
	seen := map[string]int{}
	for i, raw := range *doc.SecurityGroups {
		l := loc{path: awsjson.Index("SecurityGroups", i)}
		g, err := parseAWSGroup(l, raw)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[g.ID]; dup {
			return nil, loc{path: l.path + ".GroupId", group: g.ID}.fail(g.ID, ErrInvalidGroup, "group listed twice (also SecurityGroups[%d])", j)
		}
		seen[g.ID] = i
		groups = append(groups, g)
	}
	return groups, nil
}

// awsGroupJSON is one element of SecurityGroups.
type awsGroupJSON struct {
	GroupId             string
	GroupName           string
	Description         string
	VpcId               string
	OwnerId             string
	IpPermissions       []json.RawMessage
	IpPermissionsEgress []json.RawMessage
}

// awsPermissionJSON is one IpPermission.
type awsPermissionJSON struct {
	IpProtocol       string
	FromPort, ToPort *int
	IpRanges         []json.RawMessage
	Ipv6Ranges       []json.RawMessage
	PrefixListIds    []json.RawMessage
	UserIdGroupPairs []json.RawMessage
}

type ipRangeJSON struct{ CidrIp, Description string }
type ipv6RangeJSON struct{ CidrIpv6, Description string }
type prefixListIDJSON struct{ PrefixListId, Description string }
type groupPairJSON struct{ GroupId, Description string }

func parseAWSGroup(l loc, raw json.RawMessage) (Group, error) {
	var gj awsGroupJSON
	if err := l.decode(raw, &gj); err != nil {
		return Group{}, withResource(err, peekString(raw, "GroupId"))
	}
	if gj.GroupId == "" {
		return Group{}, l.field("GroupId").fail("", ErrInvalidGroup, "the group ID is missing")
	}
	l.group = gj.GroupId
	g := Group{
		ID:          gj.GroupId,
		Name:        gj.GroupName,
		Description: gj.Description,
		VPCID:       gj.VpcId,
		OwnerID:     gj.OwnerId,
		Flavour:     AWS,
	}
	for _, list := range []struct {
		field string
		dir   flow.Direction
		perms []json.RawMessage
	}{
		{"IpPermissions", flow.Inbound, gj.IpPermissions},
		{"IpPermissionsEgress", flow.Outbound, gj.IpPermissionsEgress},
	} {
		for i, praw := range list.perms {
			var err error
			g.Rules, err = appendPermission(g.Rules, l.field(list.field).index(i), list.dir, praw)
			if err != nil {
				return Group{}, err
			}
		}
	}
	return g, nil
}

// appendPermission expands one IpPermission into one rule per peer.
func appendPermission(rules []Rule, l loc, dir flow.Direction, raw json.RawMessage) ([]Rule, error) {
	var pj awsPermissionJSON
	if err := l.decode(raw, &pj); err != nil {
		return nil, err
	}
	base := Rule{Direction: dir}
	if err := awsTraffic(&base, l, pj.IpProtocol, pj.FromPort, pj.ToPort); err != nil {
		return nil, err
	}
	add := func(p Peer, desc string) {
		r := base
		r.Peer, r.Description = p, desc
		rules = append(rules, r)
	}
	err := eachPeer(l.field("IpRanges"), pj.IpRanges, func(l loc, e *ipRangeJSON) error {
		p, err := cidrPeer(l.field("CidrIp"), e.CidrIp, false, false)
		if err == nil {
			add(p, e.Description)
		}
		return err
	})
	if err == nil {
		err = eachPeer(l.field("Ipv6Ranges"), pj.Ipv6Ranges, func(l loc, e *ipv6RangeJSON) error {
			p, err := cidrPeer(l.field("CidrIpv6"), e.CidrIpv6, true, false)
			if err == nil {
				add(p, e.Description)
			}
			return err
		})
	}
	if err == nil {
		err = eachPeer(l.field("PrefixListIds"), pj.PrefixListIds, func(l loc, e *prefixListIDJSON) error {
			if e.PrefixListId == "" {
				return l.field("PrefixListId").fail("", ErrInvalidRule, "the prefix list ID is missing")
			}
			add(PrefixList(e.PrefixListId), e.Description)
			return nil
		})
	}
	if err == nil {
		err = eachPeer(l.field("UserIdGroupPairs"), pj.UserIdGroupPairs, func(l loc, e *groupPairJSON) error {
			if e.GroupId == "" {
				return l.field("GroupId").fail("", ErrInvalidRule, "the referenced group ID is missing")
			}
			add(GroupRef(e.GroupId), e.Description)
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	return rules, nil
}

// eachPeer decodes every element of one peer list into a T and hands it to
// f with the element's location.
func eachPeer[T any](l loc, raws []json.RawMessage, f func(loc, *T) error) error {
	for i, raw := range raws {
		el := l.index(i)
		var e T
		if err := el.decode(raw, &e); err != nil {
			return err
		}
		if err := f(el, &e); err != nil {
			return err
		}
	}
	return nil
}

// ParseSecurityGroupRules reads what `aws ec2 describe-security-group-rules`
// prints: {"SecurityGroupRules": [...]}, one element per rule. NextToken is
// ignored. It returns one Group per GroupId (Flavour AWS), in order of first appearance,
// with only ID, OwnerID (GroupOwnerId) and Rules set: names and VPCs are not
// in this output. Rules keep the order of the input.
//
// Each element needs SecurityGroupRuleId (Rule.ID), GroupId, IsEgress (true
// or false; false is inbound) and IpProtocol, and exactly one peer:
// CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo.GroupId. None, or
// more than one, is an error. IpProtocol, FromPort and ToPort follow the
// rules of [ParseSecurityGroups], as do unused fields; this output prints -1/-1 for protocol -1, which is
// accepted and ignored like any range of a protocol without ports. A
// ReferencedGroupInfo from another account becomes Peer.Group = GroupId, as
// in ParseSecurityGroups. A rule ID listed twice is an error, and so is a
// GroupOwnerId that differs between rules of one group.
//
// Errors are *[flow.InputError] values as described for
// [ParseSecurityGroups], with Rule set to the rule ID when it is known.
func ParseSecurityGroupRules(data []byte) ([]Group, error) {
	var doc struct {
		SecurityGroupRules *[]json.RawMessage
	}
	if err := (loc{}).decode(data, &doc); err != nil {
		return nil, err
	}
	if doc.SecurityGroupRules == nil {
		return nil, loc{path: "SecurityGroupRules"}.fail("", ErrInvalidGroup, "no SecurityGroupRules list: is this the output of aws ec2 describe-security-group-rules?")
	}
	var groups []Group
	byID := map[string]int{}        // group ID -> index in groups
	ruleSeen := map[string]string{} // rule ID -> path of its first listing
	for i, raw := range *doc.SecurityGroupRules {
		l := loc{path: awsjson.Index("SecurityGroupRules", i)}
		id, owner, r, err := parseAWSRule(l, raw)
		if err != nil {
			return nil, err
		}
		l.group, l.rule = id, r.ID
		if first, dup := ruleSeen[r.ID]; dup {
			return nil, l.field("SecurityGroupRuleId").fail(r.ID, ErrInvalidRule, "rule listed twice (also %s)", first)
		}
		ruleSeen[r.ID] = l.path
		gi, ok := byID[id]
		if !ok {
			gi = len(groups)
			byID[id] = gi
			groups = append(groups, Group{ID: id, Flavour: AWS})
		}
		g := &groups[gi]
		switch {
		case g.OwnerID == "":
			g.OwnerID = owner
		case owner != "" && owner != g.OwnerID:
			return nil, l.field("GroupOwnerId").fail(owner, ErrInvalidGroup, "earlier rules of %s name owner %s", id, g.OwnerID)
		}
		g.Rules = append(g.Rules, r)
	}
	if groups == nil {
		groups = []Group{}
	}
	return groups, nil
}

// awsRuleJSON is one element of SecurityGroupRules.
type awsRuleJSON struct {
	SecurityGroupRuleId string
	GroupId             string
	GroupOwnerId        string
	IsEgress            *bool
	IpProtocol          string
	FromPort, ToPort    *int
	CidrIpv4            string
	CidrIpv6            string
	PrefixListId        string
	ReferencedGroupInfo *struct{ GroupId string }
	Description         string
}

// parseAWSRule reads one SecurityGroupRule: its group ID and owner, and the
// rule.
func parseAWSRule(l loc, raw json.RawMessage) (group, owner string, r Rule, err error) {
	var rj awsRuleJSON
	if err := l.decode(raw, &rj); err != nil {
		return "", "", Rule{}, withRule(withResource(err, peekString(raw, "GroupId")), peekString(raw, "SecurityGroupRuleId"))
	}
	l.group, l.rule = rj.GroupId, rj.SecurityGroupRuleId
	switch {
	case rj.SecurityGroupRuleId == "":
		return "", "", Rule{}, l.field("SecurityGroupRuleId").fail("", ErrInvalidRule, "the rule ID is missing")
	case rj.GroupId == "":
		return "", "", Rule{}, l.field("GroupId").fail("", ErrInvalidRule, "the ID of the rule's group is missing")
	case rj.IsEgress == nil:
		return "", "", Rule{}, l.field("IsEgress").fail("", ErrInvalidRule, "IsEgress is missing: want true (outbound) or false (inbound)")
	}
	r = Rule{ID: rj.SecurityGroupRuleId, Description: rj.Description}
	if *rj.IsEgress {
		r.Direction = flow.Outbound
	}
	if err := awsTraffic(&r, l, rj.IpProtocol, rj.FromPort, rj.ToPort); err != nil {
		return "", "", Rule{}, err
	}
	// Exactly one peer. The second one found is the one reported.
	found := ""
	one := func(field, value string) error {
		if found != "" {
			return l.field(field).fail(value, ErrInvalidRule, "a rule has exactly one peer, and %s is given too", found)
		}
		found = field
		return nil
	}
	if rj.CidrIpv4 != "" {
		if err = one("CidrIpv4", rj.CidrIpv4); err == nil {
			r.Peer, err = cidrPeer(l.field("CidrIpv4"), rj.CidrIpv4, false, false)
		}
	}
	if err == nil && rj.CidrIpv6 != "" {
		if err = one("CidrIpv6", rj.CidrIpv6); err == nil {
			r.Peer, err = cidrPeer(l.field("CidrIpv6"), rj.CidrIpv6, true, false)
		}
	}
	if err == nil && rj.PrefixListId != "" {
		if err = one("PrefixListId", rj.PrefixListId); err == nil {
			r.Peer = PrefixList(rj.PrefixListId)
		}
	}
	if err == nil && rj.ReferencedGroupInfo != nil {
		gid := rj.ReferencedGroupInfo.GroupId
		if err = one("ReferencedGroupInfo.GroupId", gid); err == nil {
			if gid == "" {
				err = l.field("ReferencedGroupInfo.GroupId").fail("", ErrInvalidRule, "the referenced group ID is missing")
			}
			r.Peer = GroupRef(gid)
		}
	}
	if err == nil && found == "" {
		err = l.fail("", ErrInvalidRule, "no peer: want one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo.GroupId")
	}
	if err != nil {
		return "", "", Rule{}, err
	}
	return rj.GroupId, rj.GroupOwnerId, r, nil
}

// awsTraffic reads IpProtocol, FromPort and ToPort (of an IpPermission or a
// SecurityGroupRule at l) into r's Protocol, Ports, ICMPType and ICMPCode.
func awsTraffic(r *Rule, l loc, proto string, from, to *int) error {
	pl, fl, tl := l.field("IpProtocol"), l.field("FromPort"), l.field("ToPort")
	if proto == "" {
		return pl.fail("", ErrInvalidRule, "the protocol is missing")
	}
	p, ok := awsProtocol(proto)
	if !ok {
		return pl.fail(proto, ErrInvalidRule, "want tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0–255")
	}
	r.Protocol, r.ICMPType, r.ICMPCode = p, -1, -1
	switch {
	case p.HasPorts():
		if from == nil {
			return fl.fail("", ErrInvalidRule, "%s needs FromPort and ToPort", p)
		}
		if to == nil {
			return tl.fail("", ErrInvalidRule, "%s needs FromPort and ToPort", p)
		}
		if *from < 0 || *from > 65535 {
			return fl.fail(strconv.Itoa(*from), ErrInvalidRule, "a port must be 0–65535")
		}
		if *to < 0 || *to > 65535 {
			return tl.fail(strconv.Itoa(*to), ErrInvalidRule, "a port must be 0–65535")
		}
		if *from > *to {
			return tl.fail(strconv.Itoa(*to), ErrInvalidRule, "ToPort is below FromPort %d", *from)
		}
		r.Ports = flow.PortRange{Lo: uint16(*from), Hi: uint16(*to)}
	case p.IsICMP():
		switch {
		case from == nil && to == nil && p == flow.ICMPv6:
			return nil // all types and codes
		case from == nil:
			return fl.fail("", ErrInvalidRule, "%s needs FromPort (the ICMP type, -1 for all) and ToPort (the code, -1 for all)", p)
		case to == nil:
			return tl.fail("", ErrInvalidRule, "%s needs FromPort (the ICMP type, -1 for all) and ToPort (the code, -1 for all)", p)
		case *from < -1 || *from > 255:
			return fl.fail(strconv.Itoa(*from), ErrInvalidRule, "an ICMP type must be -1 (all) or 0–255")
		case *to < -1 || *to > 255:
			return tl.fail(strconv.Itoa(*to), ErrInvalidRule, "an ICMP code must be -1 (all) or 0–255")
		case *from == -1 && *to != -1:
			return tl.fail(strconv.Itoa(*to), ErrInvalidRule, "ICMP type -1 (all types) needs code -1")
		}
		r.ICMPType, r.ICMPCode = int16(*from), int16(*to)
	}
	return nil
}

// awsProtocol reads AWS's IpProtocol: the four lower-case names, "-1", or a
// decimal number.
func awsProtocol(s string) (flow.Protocol, bool) {
	switch s {
	case "tcp", "udp", "icmp", "icmpv6", "-1":
	default:
		if !isDigits(s) {
			return 0, false
		}
	}
	p, err := flow.ParseProtocol(s)
	return p, err == nil
}

// isDigits reports whether s is one to three ASCII digits.
func isDigits(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cidrPeer reads a CIDR peer of the family the field promises (IPv6 when
// want6). With bareOK a plain address is taken as a /32 or /128 block.
func cidrPeer(l loc, s string, want6, bareOK bool) (Peer, error) {
	if s == "" {
		return Peer{}, l.fail("", ErrInvalidRule, "the CIDR block is missing")
	}
	var p netip.Prefix
	var err error
	if a, aerr := netip.ParseAddr(s); bareOK && aerr == nil {
		switch {
		case a.Zone() != "":
			err = fmt.Errorf("address %s has a zone", s)
		case a.Is4In6():
			err = fmt.Errorf("IPv4-mapped IPv6 address %s: write it as IPv4", s)
		default:
			p = netip.PrefixFrom(a, a.BitLen())
		}
	} else {
		p, err = ParseCIDR(s)
	}
	if err != nil {
		return Peer{}, l.fail(s, ErrInvalidRule, "%v", err)
	}
	if p.Addr().Is6() != want6 {
		want, got := "IPv4", "IPv6"
		if want6 {
			want, got = got, want
		}
		return Peer{}, l.fail(s, ErrInvalidRule, "an %s block where an %s block belongs", got, want)
	}
	return Peer{Kind: PeerCIDR, CIDR: p}, nil
}

// ParseAlibabaSecurityGroup reads Alibaba Cloud's
// DescribeSecurityGroupAttribute response: SecurityGroupId (required),
// SecurityGroupName, Description, VpcId, InnerAccessPolicy and
// Permissions.Permission[]. NextToken is ignored, so a paginated response
// must be merged first. Other fields (RegionId, RequestId, NicType,
// CreateTime, *GroupName, *GroupOwnerAccount, *PrefixListName, ...) are
// ignored.
//
// kind is AlibabaBasic or AlibabaEnterprise, or AWS (the zero value), which
// means: read it from a SecurityGroupType field ("normal" is basic,
// "enterprise"; any letter case) and fail when it is absent. The documented
// response does not include the type, and the two types' defaults differ,
// so it is never guessed. A SecurityGroupType that contradicts kind is an
// error.
//
// InnerAccessPolicy is "Accept" or "Drop" in any letter case. Absent means
// Accept for a basic group; Group.InnerAccessDrop is true for Drop. An
// enterprise group always isolates its members, whatever the field says
// (Alibaba documents that this cannot be changed), so InnerAccessDrop is set
// to true for it and an "Accept" there is read but has no effect.
//
// Each Permission becomes one Rule, in order:
//   - SecurityGroupRuleId becomes Rule.ID (optional: older responses lack
//     it). Direction is "ingress" or "egress" and Policy "Accept" or "Drop",
//     in any letter case; an absent Policy means accept. Priority is a
//     number or a string holding one, 1–100; absent (or "") means 1.
//   - IpProtocol is TCP, UDP, ICMP, ICMPv6, GRE or ALL in any letter case,
//     or a protocol number 0–255.
//   - PortRange is "start/end". TCP and UDP need it, with ports 1–65535 and
//     start <= end. Every other protocol must give "-1/-1" or nothing: its
//     rule covers every ICMP type and code (ICMPType/ICMPCode -1), because
//     Alibaba cannot filter ICMP by type. Unused fields are left as in
//     [ParseSecurityGroups]. A rule whose ports come from a port list
//     (PortRangeListId) is an error: the list's ports are not in this
//     response.
//   - SourcePortRange is absent, "" or "-1/-1" for any source port, or a
//     "start/end" range (1–65535) on a TCP or UDP rule: Rule.SourcePorts.
//   - The peer of an ingress rule is SourceCidrIp, Ipv6SourceCidrIp,
//     SourceGroupId or SourcePrefixListId; of an egress rule DestCidrIp,
//     Ipv6DestCidrIp, DestGroupId or DestPrefixListId. Empty strings mean
//     absent (Alibaba prints unused fields as ""). As Alibaba documents, a
//     CIDR beats a group, and a prefix list is ignored when a CIDR or a group
//     is given. Both an IPv4 and an IPv6 CIDR, or no peer at all, is an
//     error. A CIDR field may hold a plain address, taken as /32 or /128, as
//     Alibaba's API accepts one.
//   - The other side's address fields (DestCidrIp or Ipv6DestCidrIp on an
//     ingress rule, SourceCidrIp or Ipv6SourceCidrIp on an egress one:
//     Alibaba's 5-tuple rules) restrict the local address, which [Rule]
//     cannot express; such a rule is an error rather than a broader rule.
//     A group or prefix list on the wrong side is an error too.
//   - A group reference (even one a CIDR overrides) in an enterprise group
//     is an error: enterprise groups cannot reference groups.
//
// Errors are *[flow.InputError] values whose Path is the JSON path (e.g.
// "Permissions.Permission[3].PortRange"), Resource the group ID when known,
// Rule the rule ID when known, and Text the offending value; they wrap
// [ErrInvalidRule] or [ErrInvalidGroup], or the internal JSON sentinel for
// input that does not decode.
func ParseAlibabaSecurityGroup(data []byte, kind Flavour) (Group, error) {
	if kind != AWS && !kind.IsAlibaba() {
		return Group{}, loc{}.fail(kind.String(), ErrInvalidGroup, "kind must be AlibabaBasic, AlibabaEnterprise, or AWS to read SecurityGroupType")
	}
	var gj struct {
		SecurityGroupId   string
		SecurityGroupName string
		Description       string
		VpcId             string
		InnerAccessPolicy string
		SecurityGroupType string
		Permissions       *struct{ Permission []json.RawMessage }
	}
	if err := (loc{}).decode(data, &gj); err != nil {
		return Group{}, withResource(err, peekString(data, "SecurityGroupId"))
	}
	if gj.SecurityGroupId == "" {
		return Group{}, loc{path: "SecurityGroupId"}.fail("", ErrInvalidGroup, "the group ID is missing")
	}
	l := loc{group: gj.SecurityGroupId}
	if gj.SecurityGroupType != "" {
		var typ Flavour
		switch strings.ToLower(gj.SecurityGroupType) {
		case "normal":
			typ = AlibabaBasic
		case "enterprise":
			typ = AlibabaEnterprise
		default:
			return Group{}, l.field("SecurityGroupType").fail(gj.SecurityGroupType, ErrInvalidGroup, "want normal or enterprise")
		}
		if kind != AWS && kind != typ {
			return Group{}, l.field("SecurityGroupType").fail(gj.SecurityGroupType, ErrInvalidGroup, "the caller says the group is %s", kind)
		}
		kind = typ
	} else if kind == AWS {
		return Group{}, l.field("SecurityGroupType").fail("", ErrInvalidGroup, "missing, and no group type was given: basic and enterprise groups have different defaults")
	}
	g := Group{
		ID:          gj.SecurityGroupId,
		Name:        gj.SecurityGroupName,
		Description: gj.Description,
		VPCID:       gj.VpcId,
		Flavour:     kind,
	}
	switch strings.ToLower(gj.InnerAccessPolicy) {
	case "", "accept":
		g.InnerAccessDrop = kind == AlibabaEnterprise
	case "drop":
		g.InnerAccessDrop = true
	default:
		return Group{}, l.field("InnerAccessPolicy").fail(gj.InnerAccessPolicy, ErrInvalidGroup, "want Accept or Drop")
	}
	if gj.Permissions == nil {
		return g, nil
	}
	ids := map[string]string{} // rule ID -> path of its first listing
	for i, raw := range gj.Permissions.Permission {
		pl := l.field("Permissions.Permission").index(i)
		r, err := parseAlibabaPermission(pl, kind, raw)
		if err != nil {
			return Group{}, err
		}
		if r.ID != "" {
			if first, dup := ids[r.ID]; dup {
				pl.rule = r.ID
				return Group{}, pl.field("SecurityGroupRuleId").fail(r.ID, ErrInvalidRule, "rule listed twice (also %s)", first)
			}
			ids[r.ID] = pl.path
		}
		g.Rules = append(g.Rules, r)
	}
	return g, nil
}

// alibabaPermissionJSON is one Permissions.Permission element.
type alibabaPermissionJSON struct {
	SecurityGroupRuleId string
	Direction           string
	Policy              string
	Priority            json.RawMessage // a number or a string
	IpProtocol          string
	PortRange           string
	PortRangeListId     string
	SourcePortRange     string
	SourceCidrIp        string
	Ipv6SourceCidrIp    string
	SourceGroupId       string
	SourcePrefixListId  string
	DestCidrIp          string
	Ipv6DestCidrIp      string
	DestGroupId         string
	DestPrefixListId    string
	Description         string
}

// alibabaPeerFields are a direction's peer fields of a Permission.
type alibabaPeerFields struct {
	v4, v6, group, list     string // the values
	v4F, v6F, groupF, listF string // their JSON names
}

func parseAlibabaPermission(l loc, kind Flavour, raw json.RawMessage) (Rule, error) {
	var pj alibabaPermissionJSON
	if err := l.decode(raw, &pj); err != nil {
		return Rule{}, withRule(err, peekString(raw, "SecurityGroupRuleId"))
	}
	l.rule = pj.SecurityGroupRuleId
	r := Rule{ID: pj.SecurityGroupRuleId, Description: pj.Description, Priority: 1, ICMPType: -1, ICMPCode: -1}

	src := alibabaPeerFields{pj.SourceCidrIp, pj.Ipv6SourceCidrIp, pj.SourceGroupId, pj.SourcePrefixListId,
		"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourcePrefixListId"}
	dst := alibabaPeerFields{pj.DestCidrIp, pj.Ipv6DestCidrIp, pj.DestGroupId, pj.DestPrefixListId,
		"DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId"}
	var peer, local alibabaPeerFields
	switch strings.ToLower(pj.Direction) {
	case "ingress":
		r.Direction, peer, local = flow.Inbound, src, dst
	case "egress":
		r.Direction, peer, local = flow.Outbound, dst, src
	case "":
		return Rule{}, l.field("Direction").fail("", ErrInvalidRule, "the direction is missing: want ingress or egress")
	default:
		return Rule{}, l.field("Direction").fail(pj.Direction, ErrInvalidRule, "want ingress or egress")
	}

	switch strings.ToLower(pj.Policy) {
	case "", "accept":
		r.Action = Accept
	case "drop":
		r.Action = Drop
	default:
		return Rule{}, l.field("Policy").fail(pj.Policy, ErrInvalidRule, "want Accept or Drop")
	}

	if err := alibabaPriority(&r, l.field("Priority"), pj.Priority); err != nil {
		return Rule{}, err
	}

	pl := l.field("IpProtocol")
	if pj.IpProtocol == "" {
		return Rule{}, pl.fail("", ErrInvalidRule, "the protocol is missing")
	}
	p, ok := alibabaProtocol(pj.IpProtocol)
	if !ok {
		return Rule{}, pl.fail(pj.IpProtocol, ErrInvalidRule, "want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0–255")
	}
	r.Protocol = p

	if pj.PortRangeListId != "" {
		return Rule{}, l.field("PortRangeListId").fail(pj.PortRangeListId, ErrInvalidRule, "rules that take their ports from a port list are not supported: the list's ports are not in this response")
	}
	prl := l.field("PortRange")
	switch lo, hi, form := parseSlashRange(pj.PortRange); {
	case p.HasPorts():
		if pj.PortRange == "" {
			return Rule{}, prl.fail("", ErrInvalidRule, "%s needs a port range such as 22/22", p)
		}
		if err := checkAlibabaPorts(prl, pj.PortRange, lo, hi, form); err != nil {
			return Rule{}, err
		}
		r.Ports = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
	case pj.PortRange != "" && (form != slashAll):
		return Rule{}, prl.fail(pj.PortRange, ErrInvalidRule, "protocol %s takes no ports: want -1/-1 (Alibaba cannot filter ICMP types)", pj.IpProtocol)
	}

	spl := l.field("SourcePortRange")
	switch lo, hi, form := parseSlashRange(pj.SourcePortRange); {
	case pj.SourcePortRange == "" || form == slashAll:
		// any source port
	case !p.HasPorts():
		return Rule{}, spl.fail(pj.SourcePortRange, ErrInvalidRule, "protocol %s takes no source ports: want -1/-1", pj.IpProtocol)
	default:
		if err := checkAlibabaPorts(spl, pj.SourcePortRange, lo, hi, form); err != nil {
			return Rule{}, err
		}
		r.SourcePorts = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
	}

	// The local side: 5-tuple fields the model cannot express, and fields
	// that do not belong to this direction at all.
	for _, f := range [][2]string{{local.v4F, local.v4}, {local.v6F, local.v6}, {local.groupF, local.group}, {local.listF, local.list}} {
		if f[1] != "" {
			return Rule{}, l.field(f[0]).fail(f[1], ErrInvalidRule, "%s is not a peer of an %s rule (5-tuple rules that restrict the local address are not supported)", f[0], pj.Direction)
		}
	}
	if peer.group != "" && kind == AlibabaEnterprise {
		return Rule{}, l.field(peer.groupF).fail(peer.group, ErrInvalidRule, "enterprise security groups cannot reference groups")
	}
	switch {
	case peer.v4 != "" && peer.v6 != "":
		return Rule{}, l.field(peer.v6F).fail(peer.v6, ErrInvalidRule, "%s is given too: a rule has one CIDR block", peer.v4F)
	case peer.v4 != "":
		var err error
		if r.Peer, err = cidrPeer(l.field(peer.v4F), peer.v4, false, true); err != nil {
			return Rule{}, err
		}
	case peer.v6 != "":
		var err error
		if r.Peer, err = cidrPeer(l.field(peer.v6F), peer.v6, true, true); err != nil {
			return Rule{}, err
		}
	case peer.group != "":
		r.Peer = GroupRef(peer.group)
	case peer.list != "":
		r.Peer = PrefixList(peer.list)
	default:
		return Rule{}, l.fail("", ErrInvalidRule, "no peer: want one of %s, %s, %s, %s", peer.v4F, peer.v6F, peer.groupF, peer.listF)
	}
	return r, nil
}

// alibabaPriority reads Priority (a number, a string holding one, or
// absent/null/"" for the default 1) into r.
func alibabaPriority(r *Rule, l loc, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == `""` {
		return nil
	}
	var n awsjson.Int
	if err := json.Unmarshal(raw, &n); err != nil {
		sentinel := ErrInvalidRule // a string or number that is no integer
		if c := raw[0]; c != '"' && c != '-' && (c < '0' || c > '9') {
			sentinel = awsjson.ErrJSON // true, an object, a list
		}
		return l.fail(jsonText(raw), sentinel, "want a number from 1 to 100")
	}
	if !n.Set {
		return nil // null
	}
	if n.Value < 1 || n.Value > 100 {
		return l.fail(jsonText(raw), ErrInvalidRule, "a priority must be 1–100")
	}
	r.Priority = n.Value
	return nil
}

// jsonText returns a JSON string's contents, or any other JSON value as
// written.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// alibabaProtocol reads Alibaba's IpProtocol: TCP, UDP, ICMP, ICMPv6, GRE,
// ALL in any letter case, or a decimal number 0–255.
func alibabaProtocol(s string) (flow.Protocol, bool) {
	switch strings.ToLower(s) {
	case "tcp", "udp", "icmp", "icmpv6", "gre", "all":
	default:
		if !isDigits(s) {
			return 0, false
		}
	}
	p, err := flow.ParseProtocol(s)
	return p, err == nil
}

// The forms of an Alibaba "start/end" range.
const (
	slashBad   = iota // not two integers separated by a slash
	slashAll          // "-1/-1"
	slashMixed        // -1 on one side only
	slashPorts        // two non-negative integers
)

// parseSlashRange reads Alibaba's "start/end" range. Each side is -1 or up
// to five decimal digits.
func parseSlashRange(s string) (lo, hi, form int) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, slashBad
	}
	lo, okA := slashBound(a)
	hi, okB := slashBound(b)
	switch {
	case !okA || !okB:
		return 0, 0, slashBad
	case lo == -1 && hi == -1:
		return lo, hi, slashAll
	case lo == -1 || hi == -1:
		return lo, hi, slashMixed
	}
	return lo, hi, slashPorts
}

func slashBound(s string) (int, bool) {
	if s == "-1" {
		return -1, true
	}
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// checkAlibabaPorts checks a TCP or UDP "start/end" range: 1–65535 each,
// start <= end.
func checkAlibabaPorts(l loc, s string, lo, hi, form int) error {
	switch {
	case form != slashPorts:
		return l.fail(s, ErrInvalidRule, "want start/end with ports 1–65535, such as 22/22")
	case lo < 1 || lo > 65535 || hi < 1 || hi > 65535:
		return l.fail(s, ErrInvalidRule, "ports must be 1–65535")
	case lo > hi:
		return l.fail(s, ErrInvalidRule, "the range starts above its end")
	}
	return nil
}

// loc is where in the input a value sits: its JSON path, and the group and
// rule it belongs to as far as they are known.
type loc struct {
	path, group, rule string
}

// field returns l extended by a field name (or dotted names).
func (l loc) field(name string) loc {
	l.path = awsjson.Join(l.path, name)
	return l
}

// index returns l extended by a list index.
func (l loc) index(i int) loc {
	l.path = awsjson.Index(l.path, i)
	return l
}

// fail returns the *flow.InputError for the offending text at l; its Err
// wraps sentinel and reads "sentinel: message".
func (l loc) fail(text string, sentinel error, format string, args ...any) error {
	return &flow.InputError{
		Path:     l.path,
		Resource: l.group,
		Rule:     l.rule,
		Text:     text,
		Err:      fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)),
	}
}

// decode unmarshals data, found at l, into v. Errors carry l's path, group
// and rule.
func (l loc) decode(data []byte, v any) error {
	err := awsjson.Unmarshal(l.path, data, v)
	if err != nil {
		err = withRule(withResource(err, l.group), l.rule)
	}
	return err
}

// withResource sets the Resource of an *flow.InputError that has none.
func withResource(err error, id string) error {
	var ie *flow.InputError
	if errors.As(err, &ie) && ie.Resource == "" {
		ie.Resource = id
	}
	return err
}

// withRule sets the Rule of an *flow.InputError that has none.
func withRule(err error, id string) error {
	var ie *flow.InputError
	if errors.As(err, &ie) && ie.Rule == "" {
		ie.Rule = id
	}
	return err
}

// peekString returns the string field name of the JSON object data, or ""
// when data is not an object or the field is not a string. Error messages
// use it to name the group or rule of an element that failed to decode.
func peekString(data []byte, name string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	var s string
	if raw, ok := m[name]; !ok || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
