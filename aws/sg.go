package aws

import (
	"encoding/json"
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/sg"
)

// This file reads security groups from the JSON that the AWS CLI prints:
// `aws ec2 describe-security-groups` and `aws ec2 describe-security-group-rules`.
// Each group is decoded in one pass (jsonloc.Unmarshal names the full path
// of a value that does not decode, list indices included), and the groups
// one by one, so that the first group at fault is the one reported.

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
// rule's protocol does not use are left as [sg.NewDefault] leaves them: Ports
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
//     FromPort <= ToPort; they become Rule.Ports. FromPort 0 ToPort 0 is
//     port 0 alone: Ports stays zero and Rule.PortZero is set.
//   - For icmp and icmpv6, FromPort is the ICMP type and ToPort the code,
//     each -1 (all) or 0–255, and a type of -1 needs a code of -1. icmpv6
//     with both absent means every type and code; icmp needs both. One of
//     the two without the other is an error.
//   - For -1 and every other protocol number, FromPort and ToPort are
//     ignored: AWS allows all ports for them whatever range is given.
//   - CIDRs are read with [flow.ParseCIDR] and stored masked, as AWS
//     canonicalises them. An IPv6 block in CidrIp or an IPv4 block in
//     CidrIpv6 is an error, never a guess.
//   - A UserIdGroupPairs entry from another account (UserId differs from
//     the group's OwnerId) still becomes Peer.Group = GroupId alone, without
//     the "account/" prefix: group IDs are unique across accounts, and the
//     resolver is asked by ID. The entry's GroupId is required; a reference
//     by GroupName alone (EC2-Classic) is an error.
//   - A group ID listed twice is an error (a paginated dump concatenated
//     twice, say), so the groups can be given to [sg.Compile] together.
//   - Unknown fields (Tags, SecurityGroupArn, VpcPeeringConnectionId, ...)
//     are ignored. A missing required field or a JSON value of the wrong
//     type is an error.
//
// Every error is a *[flow.InputError] whose Path is the JSON path with
// indices (e.g. "SecurityGroups[0].IpPermissions[1].IpRanges[0].CidrIp"),
// Resource the group ID when known, and Text the offending value. It wraps
// [sg.ErrInvalidRule] or [sg.ErrInvalidGroup], or [flow.ErrJSON] for input
// that does not decode.
func ParseSecurityGroups(data []byte) ([]sg.Group, error) {
	return parseSecurityGroups(data, jsonloc.Document)
}

// parseSecurityGroups is ParseSecurityGroups decoding the document with decode: jsonloc.Document, or
// checkedDoc for a document whose keys the loader has checked.
func parseSecurityGroups(data []byte, decode func([]byte, any) error) ([]sg.Group, error) {
	var doc struct {
		SecurityGroups *[]json.RawMessage
	}
	if err := decode(data, &doc); err != nil {
		return nil, err
	}
	if doc.SecurityGroups == nil {
		return nil, errNoGroups()
	}
	raws := *doc.SecurityGroups
	return awsGroups(len(raws), func(i int) (*awsGroupJSON, error) {
		gj := new(awsGroupJSON)
		if err := (jsonloc.Loc{Path: jsonloc.Index("SecurityGroups", i)}).Decode(raws[i], gj); err != nil {
			return nil, jsonloc.WithResource(err, jsonloc.PeekString(raws[i], "GroupId"))
		}
		return gj, nil
	})
}

// decodedGroups is parseSecurityGroups for the SecurityGroups list decoded
// already (by jsonloc.Top): nil when the list is null.
func decodedGroups(list *[]awsGroupJSON) ([]sg.Group, error) {
	if list == nil {
		return nil, errNoGroups()
	}
	return awsGroups(len(*list), consumed(*list))
}

// consumed returns the elements of list in order, each cleared when the
// next is asked for (they are read in order, once): what an element held
// is garbage once converted, while the rest of a large list is.
func consumed[T any](list []T) func(i int) (*T, error) {
	prev := -1
	return func(i int) (*T, error) {
		if prev >= 0 && prev != i {
			var zero T
			list[prev] = zero
		}
		prev = i
		return &list[i], nil
	}
}

func errNoGroups() error {
	return jsonloc.Loc{Path: "SecurityGroups"}.Fail("", sg.ErrInvalidGroup, "no SecurityGroups list: is this the output of aws ec2 describe-security-groups?")
}

// awsGroups reads the n elements of SecurityGroups, elem giving the i-th
// decoded, in order: the first element at fault is the one reported.
func awsGroups(n int, elem func(i int) (*awsGroupJSON, error)) ([]sg.Group, error) {
	groups := make([]sg.Group, 0, n)
	seen := make(map[string]int, n)
	for i := range n {
		at := func() jsonloc.Loc { return jsonloc.Loc{Path: jsonloc.Index("SecurityGroups", i)} }
		gj, err := elem(i)
		if err != nil {
			return nil, err
		}
		g, err := awsGroup(at, gj)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[g.ID]; dup {
			return nil, jsonloc.Loc{Path: at().Path + ".GroupId", Resource: g.ID}.Fail(g.ID, sg.ErrInvalidGroup, "group listed twice (also SecurityGroups[%d])", j)
		}
		seen[g.ID] = i
		groups = append(groups, g)
	}
	return groups, nil
}

// awsGroupJSON is one element of SecurityGroups.
type awsGroupJSON struct {
	groupUnread
	GroupId             string
	GroupName           string
	Description         string
	VpcId               string
	OwnerId             string
	IpPermissions       []awsPermissionJSON
	IpPermissionsEgress []awsPermissionJSON
}

// awsPermissionJSON is one IpPermission.
type awsPermissionJSON struct {
	IpProtocol       string
	FromPort, ToPort *int
	IpRanges         []ipRangeJSON
	Ipv6Ranges       []ipv6RangeJSON
	PrefixListIds    []prefixListIDJSON
	UserIdGroupPairs []groupPairJSON
}

type ipRangeJSON struct{ CidrIp, Description string }
type ipv6RangeJSON struct{ CidrIpv6, Description string }
type prefixListIDJSON struct{ PrefixListId, Description string }
type groupPairJSON struct {
	groupPairUnread
	GroupId, Description string
}

// awsGroup reads one decoded element of SecurityGroups, found at at().
func awsGroup(at func() jsonloc.Loc, gj *awsGroupJSON) (sg.Group, error) {
	if gj.GroupId == "" {
		return sg.Group{}, at().Field("GroupId").Fail("", sg.ErrInvalidGroup, "the group ID is missing")
	}
	l := func() jsonloc.Loc {
		l := at()
		l.Resource = gj.GroupId
		return l
	}
	g := sg.Group{
		ID:          gj.GroupId,
		Name:        gj.GroupName,
		Description: gj.Description,
		VPCID:       gj.VpcId,
		OwnerID:     gj.OwnerId,
		Flavour:     sg.AWS,
	}
	for _, list := range []struct {
		field string
		dir   flow.Direction
		perms []awsPermissionJSON
	}{
		{"IpPermissions", flow.Inbound, gj.IpPermissions},
		{"IpPermissionsEgress", flow.Outbound, gj.IpPermissionsEgress},
	} {
		for i := range list.perms {
			var err error
			g.Rules, err = appendPermission(g.Rules, func() jsonloc.Loc { return l().Field(list.field).Index(i) }, list.dir, &list.perms[i])
			if err != nil {
				return sg.Group{}, err
			}
		}
	}
	return g, nil
}

// appendPermission expands one IpPermission, found at at(), into one rule
// per peer.
func appendPermission(rules []sg.Rule, at func() jsonloc.Loc, dir flow.Direction, pj *awsPermissionJSON) ([]sg.Rule, error) {
	base := sg.Rule{Direction: dir}
	if err := awsTraffic(&base, at, pj.IpProtocol, pj.FromPort, pj.ToPort); err != nil {
		return nil, err
	}
	add := func(p sg.Peer, desc string) {
		r := base
		r.Peer, r.Description = p, desc
		rules = append(rules, r)
	}
	err := eachPeer(at, "IpRanges", pj.IpRanges, func(at func() jsonloc.Loc, e *ipRangeJSON) error {
		p, err := cidrPeer(at, "CidrIp", e.CidrIp, false)
		if err == nil {
			add(p, e.Description)
		}
		return err
	})
	if err == nil {
		err = eachPeer(at, "Ipv6Ranges", pj.Ipv6Ranges, func(at func() jsonloc.Loc, e *ipv6RangeJSON) error {
			p, err := cidrPeer(at, "CidrIpv6", e.CidrIpv6, true)
			if err == nil {
				add(p, e.Description)
			}
			return err
		})
	}
	if err == nil {
		err = eachPeer(at, "PrefixListIds", pj.PrefixListIds, func(at func() jsonloc.Loc, e *prefixListIDJSON) error {
			if e.PrefixListId == "" {
				return at().Field("PrefixListId").Fail("", sg.ErrInvalidRule, "the prefix list ID is missing")
			}
			add(sg.PrefixList(e.PrefixListId), e.Description)
			return nil
		})
	}
	if err == nil {
		err = eachPeer(at, "UserIdGroupPairs", pj.UserIdGroupPairs, func(at func() jsonloc.Loc, e *groupPairJSON) error {
			if e.GroupId == "" {
				return at().Field("GroupId").Fail("", sg.ErrInvalidRule, "the referenced group ID is missing")
			}
			add(sg.GroupRef(e.GroupId), e.Description)
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	return rules, nil
}

// eachPeer hands every element of the peer list field of the permission
// at at() to f with the element's location (built only when f calls it:
// the locations are for errors, and a large account has a million rules).
func eachPeer[T any](at func() jsonloc.Loc, field string, peers []T, f func(func() jsonloc.Loc, *T) error) error {
	for i := range peers {
		if err := f(func() jsonloc.Loc { return at().Field(field).Index(i) }, &peers[i]); err != nil {
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
func ParseSecurityGroupRules(data []byte) ([]sg.Group, error) {
	groups, _, err := parseSecurityGroupRules(data, jsonloc.Document)
	return groups, err
}

// parseSecurityGroupRules is ParseSecurityGroupRules decoding the document with decode: jsonloc.Document, or
// checkedDoc for a document whose keys the loader has checked. It returns
// too the index in SecurityGroupRules of each rule, by rule ID.
func parseSecurityGroupRules(data []byte, decode func([]byte, any) error) ([]sg.Group, map[string]int, error) {
	var doc struct {
		SecurityGroupRules *[]json.RawMessage
	}
	if err := decode(data, &doc); err != nil {
		return nil, nil, err
	}
	if doc.SecurityGroupRules == nil {
		return nil, nil, errNoRules()
	}
	raws := *doc.SecurityGroupRules
	return awsRules(len(raws), func(i int) (*awsRuleJSON, error) {
		rj := new(awsRuleJSON)
		if err := (jsonloc.Loc{Path: jsonloc.Index("SecurityGroupRules", i)}).Decode(raws[i], rj); err != nil {
			return nil, jsonloc.WithRule(jsonloc.WithResource(err, jsonloc.PeekString(raws[i], "GroupId")), jsonloc.PeekString(raws[i], "SecurityGroupRuleId"))
		}
		return rj, nil
	})
}

// decodedRules is parseSecurityGroupRules for the SecurityGroupRules list
// decoded already (by jsonloc.Top): nil when the list is null.
func decodedRules(list *[]awsRuleJSON) ([]sg.Group, map[string]int, error) {
	if list == nil {
		return nil, nil, errNoRules()
	}
	return awsRules(len(*list), consumed(*list))
}

func errNoRules() error {
	return jsonloc.Loc{Path: "SecurityGroupRules"}.Fail("", sg.ErrInvalidGroup, "no SecurityGroupRules list: is this the output of aws ec2 describe-security-group-rules?")
}

// awsRules reads the n elements of SecurityGroupRules, elem giving the
// i-th decoded, in order.
func awsRules(n int, elem func(i int) (*awsRuleJSON, error)) ([]sg.Group, map[string]int, error) {
	var groups []sg.Group
	byID := map[string]int{}          // group ID -> index in groups
	ruleAt := make(map[string]int, n) // rule ID -> index of its first listing
	for i := range n {
		at := func() jsonloc.Loc { return jsonloc.Loc{Path: jsonloc.Index("SecurityGroupRules", i)} }
		rj, err := elem(i)
		if err != nil {
			return nil, nil, err
		}
		id, owner, r, err := awsRule(at, rj)
		if err != nil {
			return nil, nil, err
		}
		l := func() jsonloc.Loc {
			l := at()
			l.Resource, l.Rule = id, r.ID
			return l
		}
		if first, dup := ruleAt[r.ID]; dup {
			return nil, nil, l().Field("SecurityGroupRuleId").Fail(r.ID, sg.ErrInvalidRule, "rule listed twice (also %s)", jsonloc.Index("SecurityGroupRules", first))
		}
		ruleAt[r.ID] = i
		gi, ok := byID[id]
		if !ok {
			gi = len(groups)
			byID[id] = gi
			groups = append(groups, sg.Group{ID: id, Flavour: sg.AWS})
		}
		g := &groups[gi]
		switch {
		case g.OwnerID == "":
			g.OwnerID = owner
		case owner != "" && owner != g.OwnerID:
			return nil, nil, l().Field("GroupOwnerId").Fail(owner, sg.ErrInvalidGroup, "earlier rules of %s name owner %s", id, g.OwnerID)
		}
		g.Rules = append(g.Rules, r)
	}
	if groups == nil {
		groups = []sg.Group{}
	}
	return groups, ruleAt, nil
}

// awsRuleJSON is one element of SecurityGroupRules.
type awsRuleJSON struct {
	ruleUnread
	SecurityGroupRuleId string
	GroupId             string
	GroupOwnerId        string
	IsEgress            *bool
	IpProtocol          string
	FromPort, ToPort    *int
	CidrIpv4            string
	CidrIpv6            string
	PrefixListId        string
	ReferencedGroupInfo *struct {
		refGroupUnread
		GroupId string
	}
	Description string
}

// awsRule reads one decoded SecurityGroupRule, found at at(): its group
// ID and owner, and the rule.
func awsRule(at func() jsonloc.Loc, rj *awsRuleJSON) (group, owner string, r sg.Rule, err error) {
	l := func() jsonloc.Loc {
		l := at()
		l.Resource, l.Rule = rj.GroupId, rj.SecurityGroupRuleId
		return l
	}
	switch {
	case rj.SecurityGroupRuleId == "":
		return "", "", sg.Rule{}, l().Field("SecurityGroupRuleId").Fail("", sg.ErrInvalidRule, "the rule ID is missing")
	case rj.GroupId == "":
		return "", "", sg.Rule{}, l().Field("GroupId").Fail("", sg.ErrInvalidRule, "the ID of the rule's group is missing")
	case rj.IsEgress == nil:
		return "", "", sg.Rule{}, l().Field("IsEgress").Fail("", sg.ErrInvalidRule, "IsEgress is missing: want true (outbound) or false (inbound)")
	}
	r = sg.Rule{ID: rj.SecurityGroupRuleId, Description: rj.Description}
	if *rj.IsEgress {
		r.Direction = flow.Outbound
	}
	if err := awsTraffic(&r, l, rj.IpProtocol, rj.FromPort, rj.ToPort); err != nil {
		return "", "", sg.Rule{}, err
	}
	// Exactly one peer. The second one found is the one reported.
	found := ""
	one := func(field, value string) error {
		if found != "" {
			return l().Field(field).Fail(value, sg.ErrInvalidRule, "a rule has exactly one peer, and %s is given too", found)
		}
		found = field
		return nil
	}
	if rj.CidrIpv4 != "" {
		if err = one("CidrIpv4", rj.CidrIpv4); err == nil {
			r.Peer, err = cidrPeer(l, "CidrIpv4", rj.CidrIpv4, false)
		}
	}
	if err == nil && rj.CidrIpv6 != "" {
		if err = one("CidrIpv6", rj.CidrIpv6); err == nil {
			r.Peer, err = cidrPeer(l, "CidrIpv6", rj.CidrIpv6, true)
		}
	}
	if err == nil && rj.PrefixListId != "" {
		if err = one("PrefixListId", rj.PrefixListId); err == nil {
			r.Peer = sg.PrefixList(rj.PrefixListId)
		}
	}
	if err == nil && rj.ReferencedGroupInfo != nil {
		gid := rj.ReferencedGroupInfo.GroupId
		if err = one("ReferencedGroupInfo.GroupId", gid); err == nil {
			if gid == "" {
				err = l().Field("ReferencedGroupInfo.GroupId").Fail("", sg.ErrInvalidRule, "the referenced group ID is missing")
			}
			r.Peer = sg.GroupRef(gid)
		}
	}
	if err == nil && found == "" {
		err = l().Fail("", sg.ErrInvalidRule, "no peer: want one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo.GroupId")
	}
	if err != nil {
		return "", "", sg.Rule{}, err
	}
	return rj.GroupId, rj.GroupOwnerId, r, nil
}

// awsTraffic reads IpProtocol, FromPort and ToPort (of an IpPermission or a
// SecurityGroupRule at at()) into r's Protocol, Ports, ICMPType and ICMPCode.
func awsTraffic(r *sg.Rule, at func() jsonloc.Loc, proto string, from, to *int) error {
	// The locations are built only for an error.
	pl := func() jsonloc.Loc { return at().Field("IpProtocol") }
	fl := func() jsonloc.Loc { return at().Field("FromPort") }
	tl := func() jsonloc.Loc { return at().Field("ToPort") }
	if proto == "" {
		return pl().Fail("", sg.ErrInvalidRule, "the protocol is missing")
	}
	p, ok := awsProtocol(proto)
	if !ok {
		return pl().Fail(proto, sg.ErrInvalidRule, "want tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0–255")
	}
	r.Protocol, r.ICMPType, r.ICMPCode = p, -1, -1
	switch {
	case p.HasPorts():
		if from == nil {
			return fl().Fail("", sg.ErrInvalidRule, "%s needs FromPort and ToPort", p)
		}
		if to == nil {
			return tl().Fail("", sg.ErrInvalidRule, "%s needs FromPort and ToPort", p)
		}
		if *from < 0 || *from > 65535 {
			return fl().Fail(strconv.Itoa(*from), sg.ErrInvalidRule, "a port must be 0–65535")
		}
		if *to < 0 || *to > 65535 {
			return tl().Fail(strconv.Itoa(*to), sg.ErrInvalidRule, "a port must be 0–65535")
		}
		if *from > *to {
			return tl().Fail(strconv.Itoa(*to), sg.ErrInvalidRule, "ToPort is below FromPort %d", *from)
		}
		r.Ports = flow.PortRange{Lo: uint16(*from), Hi: uint16(*to)}
		// FromPort 0 ToPort 0 is port 0 alone, which the zero Ports cannot say.
		r.PortZero = r.Ports == flow.PortRange{}
	case p.IsICMP():
		switch {
		case from == nil && to == nil && p == flow.ICMPv6:
			return nil // all types and codes
		case from == nil:
			return fl().Fail("", sg.ErrInvalidRule, "%s needs FromPort (the ICMP type, -1 for all) and ToPort (the code, -1 for all)", p)
		case to == nil:
			return tl().Fail("", sg.ErrInvalidRule, "%s needs FromPort (the ICMP type, -1 for all) and ToPort (the code, -1 for all)", p)
		case *from < -1 || *from > 255:
			return fl().Fail(strconv.Itoa(*from), sg.ErrInvalidRule, "an ICMP type must be -1 (all) or 0–255")
		case *to < -1 || *to > 255:
			return tl().Fail(strconv.Itoa(*to), sg.ErrInvalidRule, "an ICMP code must be -1 (all) or 0–255")
		case *from == -1 && *to != -1:
			return tl().Fail(strconv.Itoa(*to), sg.ErrInvalidRule, "ICMP type -1 (all types) needs code -1")
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
		if !flow.IsProtocolNumber(s) {
			return 0, false
		}
	}
	p, err := flow.ParseProtocol(s)
	return p, err == nil
}

// cidrPeer reads a CIDR peer, the field of the element at at(), of the
// family the field promises (IPv6 when want6). The location is built only
// for an error.
func cidrPeer(at func() jsonloc.Loc, field, s string, want6 bool) (sg.Peer, error) {
	if p, err := flow.ParseCIDR(s); err == nil && s != "" && p.Addr().Is6() == want6 {
		return sg.Peer{Kind: sg.PeerCIDR, CIDR: p}, nil // what ReadCIDR returns
	}
	p, err := at().Field(field).ReadCIDR(s, want6, false, sg.ErrInvalidRule)
	if err != nil {
		return sg.Peer{}, err
	}
	return sg.Peer{Kind: sg.PeerCIDR, CIDR: p}, nil
}
