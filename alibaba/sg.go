package alibaba

import (
	"encoding/json"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/sg"
)

// This file reads a security group from Alibaba Cloud's
// DescribeSecurityGroupAttribute response. Arrays are decoded element by
// element (json.RawMessage), so error paths carry indices.

// ParseSecurityGroup reads Alibaba Cloud's
// DescribeSecurityGroupAttribute response: SecurityGroupId (required),
// SecurityGroupName, Description, VpcId, InnerAccessPolicy and
// Permissions.Permission[]. The response must hold the whole group: one
// whose NextToken is set (not absent, null or "") is one page of a
// paginated answer (MaxResults 10–1000, default 500) and is an error
// naming NextToken, since the other pages' rules, drop rules among them,
// are missing; merge the pages' Permissions.Permission first and drop
// NextToken. Other top-level fields (RegionId, RequestId, ...) are
// ignored, but rules must sit in Permissions.Permission[]: a top-level key
// other than Permissions whose name holds "perm" in any letter case
// (Permisions, Permission, IpPermissions) and any key in Permissions but
// Permission are errors naming the key, as the rules under it would be
// passed over and the group read without them.
//
// Only VPC groups are read. A classic-network group keeps separate rule
// sets for internet and intranet traffic, and DescribeSecurityGroupAttribute
// returns one of them per call (internet by default), so its rules are
// refused rather than applied to all traffic: a Permission whose NicType
// is "internet", or "intranet" in a group without VpcId (Alibaba's mark of
// a classic group), is an error naming Permissions.Permission[i].NicType.
// A VPC group's rules carry NicType "intranet" and apply to all its
// traffic. A group with neither VpcId nor NicType (hand-written JSON) is
// read as a VPC group.
//
// kind is [sg.AlibabaBasic] or [sg.AlibabaEnterprise], or [sg.AWS] (the
// zero value), which means: read it from a SecurityGroupType field
// ("normal" is basic, "enterprise"; any letter case) and fail when it is
// absent. The documented
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
//   - Its keys are the response's: the fields below, and the ignored
//     SourceGroupName, SourceGroupOwnerAccount, SourcePrefixListName,
//     their Dest* counterparts, PortRangeListName and CreateTime (any
//     letter case, as encoding/json matches them). Any other key is an
//     error naming it, and the field it may misspell: read without it, a
//     misspelt Policy or Priority, or AWS's Action, would leave a drop
//     rule an accept rule, or move it to priority 1.
//   - SecurityGroupRuleId becomes Rule.ID (optional: older responses lack
//     it). Direction is "ingress" or "egress" and Policy "Accept" or "Drop",
//     in any letter case. Priority is a number or a string holding one,
//     1–100. Policy and Priority are required (absent, null or "" is an
//     error): the response gives every rule both, and the
//     AuthorizeSecurityGroup request's defaults (accept, 1) are not the
//     response's.
//   - IpProtocol is TCP, UDP, ICMP, ICMPv6, GRE or ALL in any letter case,
//     or a protocol number 0–255. ICMP (or 1) with an IPv6 CIDR peer, or
//     ICMPv6 (or 58) with an IPv4 one, is an error naming IpProtocol:
//     Alibaba documents no meaning for the pair (whether ICMP beside
//     Ipv6SourceCidrIp stands for ICMPv6 is not said; the console offers
//     "All ICMP (IPv4)" and "All ICMP (IPv6)" apart), and read as written
//     the rule would match no packet, a certain answer the input does not
//     decide. The same pair by a prefix list (SourcePrefixListId,
//     DestPrefixListId) is read here, the list's family not being in the
//     response, and refused by [sg.Compile] (so [reach.Builder.Build])
//     once the list's entries show it.
//   - PortRange is "start/end". TCP and UDP need it, with ports 1–65535 and
//     start <= end. Every other protocol must give "-1/-1" or nothing: its
//     rule covers every ICMP type and code (ICMPType/ICMPCode -1), because
//     Alibaba cannot filter ICMP by type. Unused fields are left as in
//     the AWS reader. A rule whose ports come from a port list
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
//     Alibaba's 5-tuple rules) restrict the local address, which [sg.Rule]
//     cannot express; such a rule is an error rather than a broader rule.
//     A group or prefix list on the wrong side is an error too.
//   - A group reference (even one a CIDR overrides) in an enterprise group
//     is an error: enterprise groups cannot reference groups. What a
//     basic group's reference may name (a basic group of the same VPC)
//     depends on the other groups: [reach.Builder.Build] checks it.
//
// Errors are *[flow.InputError] values whose Path is the JSON path (e.g.
// "Permissions.Permission[3].PortRange"), Resource the group ID when known,
// Rule the rule ID when known, and Text the offending value; they wrap
// [sg.ErrInvalidRule] or [sg.ErrInvalidGroup], or [flow.ErrJSON] for input
// that does not decode.
func ParseSecurityGroup(data []byte, kind sg.Flavour) (sg.Group, error) {
	if kind != sg.AWS && !kind.IsAlibaba() {
		return sg.Group{}, jsonloc.Loc{}.Fail(kind.String(), sg.ErrInvalidGroup, "kind must be AlibabaBasic, AlibabaEnterprise, or AWS to read SecurityGroupType")
	}
	var gj struct {
		SecurityGroupId   string
		SecurityGroupName string
		Description       string
		VpcId             string
		InnerAccessPolicy string
		SecurityGroupType string
		NextToken         string
		Permissions       *struct{ Permission []json.RawMessage }
	}
	if err := jsonloc.Document(data, &gj); err != nil {
		return sg.Group{}, jsonloc.WithResource(err, jsonloc.PeekString(data, "SecurityGroupId"))
	}
	if gj.SecurityGroupId == "" {
		return sg.Group{}, jsonloc.Loc{Path: "SecurityGroupId"}.Fail("", sg.ErrInvalidGroup, "the group ID is missing")
	}
	l := jsonloc.Loc{Resource: gj.SecurityGroupId}
	if err := checkGroupKeys(data); err != nil {
		return sg.Group{}, jsonloc.WithResource(err, gj.SecurityGroupId)
	}
	if gj.NextToken != "" {
		// Alibaba Cloud rules can drop: a missing page can turn a deny
		// into an allow, so a page is never taken for the whole group
		return sg.Group{}, l.Field("NextToken").Fail(gj.NextToken, sg.ErrInvalidGroup,
			"the response is one page of a paginated answer and the other pages' rules are missing: merge the pages' Permissions.Permission first")
	}
	if gj.SecurityGroupType != "" {
		var typ sg.Flavour
		switch strings.ToLower(gj.SecurityGroupType) {
		case "normal":
			typ = sg.AlibabaBasic
		case "enterprise":
			typ = sg.AlibabaEnterprise
		default:
			return sg.Group{}, l.Field("SecurityGroupType").Fail(gj.SecurityGroupType, sg.ErrInvalidGroup, "want normal or enterprise")
		}
		if kind != sg.AWS && kind != typ {
			return sg.Group{}, l.Field("SecurityGroupType").Fail(gj.SecurityGroupType, sg.ErrInvalidGroup, "the caller says the group is %s", kind)
		}
		kind = typ
	} else if kind == sg.AWS {
		return sg.Group{}, l.Field("SecurityGroupType").Fail("", sg.ErrInvalidGroup, "missing, and no group type was given: basic and enterprise groups have different defaults")
	}
	g := sg.Group{
		ID:          gj.SecurityGroupId,
		Name:        gj.SecurityGroupName,
		Description: gj.Description,
		VPCID:       gj.VpcId,
		Flavour:     kind,
	}
	switch strings.ToLower(gj.InnerAccessPolicy) {
	case "", "accept":
		g.InnerAccessDrop = kind == sg.AlibabaEnterprise
	case "drop":
		g.InnerAccessDrop = true
	default:
		return sg.Group{}, l.Field("InnerAccessPolicy").Fail(gj.InnerAccessPolicy, sg.ErrInvalidGroup, "want Accept or Drop")
	}
	if gj.Permissions == nil {
		return g, nil
	}
	ids := map[string]string{} // rule ID -> path of its first listing
	for i, raw := range gj.Permissions.Permission {
		pl := l.Field("Permissions.Permission").Index(i)
		r, err := parsePermission(pl, kind, gj.VpcId == "", raw)
		if err != nil {
			return sg.Group{}, err
		}
		if r.ID != "" {
			if first, dup := ids[r.ID]; dup {
				pl.Rule = r.ID
				return sg.Group{}, pl.Field("SecurityGroupRuleId").Fail(r.ID, sg.ErrInvalidRule, "rule listed twice (also %s)", first)
			}
			ids[r.ID] = pl.Path
		}
		g.Rules = append(g.Rules, r)
	}
	return g, nil
}

// permissionJSON is one Permissions.Permission element.
type permissionJSON struct {
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
	NicType             string
}

// peerFields are a direction's peer fields of a Permission.
type peerFields struct {
	v4, v6, group, list     string // the values
	v4F, v6F, groupF, listF string // their JSON names
}

// parsePermission reads one Permission of a group of kind; noVPC says the
// group has no VpcId.
func parsePermission(l jsonloc.Loc, kind sg.Flavour, noVPC bool, raw json.RawMessage) (sg.Rule, error) {
	var pj permissionJSON
	if err := l.Decode(raw, &pj); err != nil {
		return sg.Rule{}, jsonloc.WithRule(err, jsonloc.PeekString(raw, "SecurityGroupRuleId"))
	}
	l.Rule = pj.SecurityGroupRuleId
	if err := checkPermissionKeys(l, raw); err != nil {
		return sg.Rule{}, err
	}
	r := sg.Rule{ID: pj.SecurityGroupRuleId, Description: pj.Description, Priority: 1, ICMPType: -1, ICMPCode: -1}

	// A VPC group has one rule set for all its traffic, listed with
	// NicType "intranet"; a classic-network group keeps internet and
	// intranet rules apart and is described one NIC type at a time, which
	// sg.Rule cannot express.
	switch nl := l.Field("NicType"); strings.ToLower(pj.NicType) {
	case "":
	case "intranet":
		if noVPC {
			return sg.Rule{}, nl.Fail(pj.NicType, sg.ErrInvalidRule, "a group without VpcId is a classic-network group, whose intranet rules do not govern its internet traffic: classic-network groups are not supported")
		}
	case "internet":
		return sg.Rule{}, nl.Fail(pj.NicType, sg.ErrInvalidRule, "an internet-NIC rule belongs to a classic-network group, which keeps internet and intranet rules apart: classic-network groups are not supported")
	default:
		return sg.Rule{}, nl.Fail(pj.NicType, sg.ErrInvalidRule, "want intranet (a VPC group's rules)")
	}

	src := peerFields{pj.SourceCidrIp, pj.Ipv6SourceCidrIp, pj.SourceGroupId, pj.SourcePrefixListId,
		"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourcePrefixListId"}
	dst := peerFields{pj.DestCidrIp, pj.Ipv6DestCidrIp, pj.DestGroupId, pj.DestPrefixListId,
		"DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId"}
	var peer, local peerFields
	switch strings.ToLower(pj.Direction) {
	case "ingress":
		r.Direction, peer, local = flow.Inbound, src, dst
	case "egress":
		r.Direction, peer, local = flow.Outbound, dst, src
	case "":
		return sg.Rule{}, l.Field("Direction").Fail("", sg.ErrInvalidRule, "the direction is missing: want ingress or egress")
	default:
		return sg.Rule{}, l.Field("Direction").Fail(pj.Direction, sg.ErrInvalidRule, "want ingress or egress")
	}

	// A listed rule always carries its Policy and Priority: the request's
	// defaults (accept, 1) are not the response's, and a rule without
	// them is not read as an accept rule that comes first.
	switch strings.ToLower(pj.Policy) {
	case "":
		return sg.Rule{}, l.Field("Policy").Fail("", sg.ErrInvalidRule, "the verdict is missing: want Accept or Drop (DescribeSecurityGroupAttribute gives every rule its Policy)")
	case "accept":
		r.Action = flow.Pass
	case "drop":
		r.Action = flow.Drop
	default:
		return sg.Rule{}, l.Field("Policy").Fail(pj.Policy, sg.ErrInvalidRule, "want Accept or Drop")
	}

	if err := priority(&r, l.Field("Priority"), pj.Priority); err != nil {
		return sg.Rule{}, err
	}

	pl := l.Field("IpProtocol")
	if pj.IpProtocol == "" {
		return sg.Rule{}, pl.Fail("", sg.ErrInvalidRule, "the protocol is missing")
	}
	p, ok := protocol(pj.IpProtocol)
	if !ok {
		return sg.Rule{}, pl.Fail(pj.IpProtocol, sg.ErrInvalidRule, "want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0–255")
	}
	r.Protocol = p

	if pj.PortRangeListId != "" {
		return sg.Rule{}, l.Field("PortRangeListId").Fail(pj.PortRangeListId, sg.ErrInvalidRule, "rules that take their ports from a port list are not supported: the list's ports are not in this response")
	}
	prl := l.Field("PortRange")
	switch lo, hi, form := parseSlashRange(pj.PortRange); {
	case p.HasPorts():
		if pj.PortRange == "" {
			return sg.Rule{}, prl.Fail("", sg.ErrInvalidRule, "%s needs a port range such as 22/22", p)
		}
		if err := checkPorts(prl, pj.PortRange, lo, hi, form); err != nil {
			return sg.Rule{}, err
		}
		r.Ports = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
	case pj.PortRange != "" && (form != slashAll):
		return sg.Rule{}, prl.Fail(pj.PortRange, sg.ErrInvalidRule, "protocol %s takes no ports: want -1/-1 (Alibaba cannot filter ICMP types)", pj.IpProtocol)
	}

	spl := l.Field("SourcePortRange")
	switch lo, hi, form := parseSlashRange(pj.SourcePortRange); {
	case pj.SourcePortRange == "" || form == slashAll:
		// any source port
	case !p.HasPorts():
		return sg.Rule{}, spl.Fail(pj.SourcePortRange, sg.ErrInvalidRule, "protocol %s takes no source ports: want -1/-1", pj.IpProtocol)
	default:
		if err := checkPorts(spl, pj.SourcePortRange, lo, hi, form); err != nil {
			return sg.Rule{}, err
		}
		r.SourcePorts = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
	}

	// The local side: 5-tuple fields the model cannot express, and fields
	// that do not belong to this direction at all.
	for _, f := range [][2]string{{local.v4F, local.v4}, {local.v6F, local.v6}, {local.groupF, local.group}, {local.listF, local.list}} {
		if f[1] != "" {
			return sg.Rule{}, l.Field(f[0]).Fail(f[1], sg.ErrInvalidRule, "%s is not a peer of an %s rule (5-tuple rules that restrict the local address are not supported)", f[0], pj.Direction)
		}
	}
	if peer.group != "" && kind == sg.AlibabaEnterprise {
		return sg.Rule{}, l.Field(peer.groupF).Fail(peer.group, sg.ErrInvalidRule, "enterprise security groups cannot reference groups")
	}
	switch {
	case peer.v4 != "" && peer.v6 != "":
		return sg.Rule{}, l.Field(peer.v6F).Fail(peer.v6, sg.ErrInvalidRule, "%s is given too: a rule has one CIDR block", peer.v4F)
	case peer.v4 != "":
		var err error
		if r.Peer, err = cidrPeer(l.Field(peer.v4F), peer.v4, false); err != nil {
			return sg.Rule{}, err
		}
	case peer.v6 != "":
		var err error
		if r.Peer, err = cidrPeer(l.Field(peer.v6F), peer.v6, true); err != nil {
			return sg.Rule{}, err
		}
	case peer.group != "":
		r.Peer = sg.GroupRef(peer.group)
	case peer.list != "":
		r.Peer = sg.PrefixList(peer.list)
	default:
		return sg.Rule{}, l.Fail("", sg.ErrInvalidRule, "no peer: want one of %s, %s, %s, %s", peer.v4F, peer.v6F, peer.groupF, peer.listF)
	}
	if err := icmpFamily(pl, pj.IpProtocol, p, r.Peer, peer); err != nil {
		return sg.Rule{}, err
	}
	return r, nil
}

// icmpFamily refuses an ICMP rule whose CIDR peer is an IPv6 block, or an
// ICMPv6 rule whose CIDR peer is an IPv4 block. Alibaba Cloud documents
// no meaning for either pair: its console offers "All ICMP (IPv4)" and
// "All ICMP (IPv6)" as two protocols, its API lists ICMP and ICMPv6 apart,
// and no page says whether ICMP beside Ipv6SourceCidrIp stands for
// ICMPv6. Read as written, the rule would match no packet at all (an ICMP
// rule judges IPv4 packets, its peer holds IPv6 addresses), a certain
// answer the input does not decide; so the rule is an error, naming
// IpProtocol.
func icmpFamily(pl jsonloc.Loc, text string, p flow.Protocol, pr sg.Peer, peer peerFields) error {
	if pr.Kind != sg.PeerCIDR {
		return nil
	}
	v6 := pr.CIDR.Addr().Is6()
	switch {
	case p == flow.ICMP && v6:
		return pl.Fail(text, sg.ErrInvalidRule, "an ICMP (IPv4) rule whose peer %s is an IPv6 block (%s): Alibaba Cloud documents no meaning for the pair, and read as written it matches no packet; write ICMPv6 for IPv6 ICMP", peer.v6F, pr.CIDR)
	case p == flow.ICMPv6 && !v6:
		return pl.Fail(text, sg.ErrInvalidRule, "an ICMPv6 rule whose peer %s is an IPv4 block (%s): Alibaba Cloud documents no meaning for the pair, and read as written it matches no packet; write ICMP for IPv4 ICMP", peer.v4F, pr.CIDR)
	}
	return nil
}

// priority reads Priority (a number or a string holding one) into r.
// Absent, null or "" is an error: DescribeSecurityGroupAttribute gives
// every rule its priority, and the request's default (1, first of all)
// would move a rule ahead of every other.
func priority(r *sg.Rule, l jsonloc.Loc, raw json.RawMessage) error {
	const missing = "the priority is missing: want a number from 1 to 100 (DescribeSecurityGroupAttribute gives every rule its Priority)"
	if len(raw) == 0 || string(raw) == `""` {
		return l.Fail("", sg.ErrInvalidRule, missing)
	}
	n, err := l.ReadInt(raw)
	if err != nil {
		sentinel := sg.ErrInvalidRule // a string or number that is no integer
		if c := raw[0]; c != '"' && c != '-' && (c < '0' || c > '9') {
			sentinel = flow.ErrJSON // true, an object, a list
		}
		return l.Fail(jsonText(raw), sentinel, "want a number from 1 to 100")
	}
	if !n.Set {
		return l.Fail("null", sg.ErrInvalidRule, missing)
	}
	if n.Value < 1 || n.Value > 100 {
		return l.Fail(jsonText(raw), sg.ErrInvalidRule, "a priority must be 1–100")
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

// protocol reads Alibaba's IpProtocol: TCP, UDP, ICMP, ICMPv6, GRE,
// ALL in any letter case, or a decimal number 0–255.
func protocol(s string) (flow.Protocol, bool) {
	switch strings.ToLower(s) {
	case "tcp", "udp", "icmp", "icmpv6", "gre", "all":
	default:
		if !flow.IsProtocolNumber(s) {
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

// checkPorts checks a TCP or UDP "start/end" range: 1–65535 each,
// start <= end.
func checkPorts(l jsonloc.Loc, s string, lo, hi, form int) error {
	switch {
	case form != slashPorts:
		return l.Fail(s, sg.ErrInvalidRule, "want start/end with ports 1–65535, such as 22/22")
	case lo < 1 || lo > 65535 || hi < 1 || hi > 65535:
		return l.Fail(s, sg.ErrInvalidRule, "ports must be 1–65535")
	case lo > hi:
		return l.Fail(s, sg.ErrInvalidRule, "the range starts above its end")
	}
	return nil
}

// cidrPeer reads a CIDR peer of the family the field promises (IPv6 when
// want6). A plain address is a /32 or /128 block, as Alibaba's API accepts
// one.
func cidrPeer(l jsonloc.Loc, s string, want6 bool) (sg.Peer, error) {
	p, err := l.ReadCIDR(s, want6, true, sg.ErrInvalidRule)
	if err != nil {
		return sg.Peer{}, err
	}
	return sg.Peer{Kind: sg.PeerCIDR, CIDR: p}, nil
}
