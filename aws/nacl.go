package aws

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/nacl"
)

// The JSON shapes of describe-network-acls. Numbers are kept raw so that a
// bad one is reported with its own path; pointers tell absent (or null)
// from empty.
type (
	jsonTop struct {
		NetworkAcls *[]json.RawMessage
	}
	jsonACL struct {
		aclUnread
		NetworkAclId *string
		VpcId        *string
		IsDefault    *bool
		Associations []jsonAssoc
		Entries      []jsonEntry
	}
	jsonAssoc struct {
		aclAssocUnread
		NetworkAclId *string
		SubnetId     *string
	}
	jsonEntry struct {
		RuleNumber    json.RawMessage
		Protocol      *string
		RuleAction    *string
		Egress        *bool
		CidrBlock     *string
		Ipv6CidrBlock *string
		PortRange     *struct{ From, To json.RawMessage }
		IcmpTypeCode  *struct{ Type, Code json.RawMessage }
	}
)

// ParseNetworkACLs reads the output of `aws ec2 describe-network-acls` (the object
// with a "NetworkAcls" list; other keys such as NextToken, Tags and OwnerId
// are ignored) and returns the ACLs in the order given.
//
// Each ACL's Entries come sorted by direction (inbound first), then rule
// number, whatever order the JSON has. The entries numbered 32767 (IPv4)
// and 32768 (IPv6) are recognised as the implicit "*" rules and left out;
// they must be exactly "deny all" to 0.0.0.0/0 or ::/0. IPv6 entries and
// ICMP types and codes are kept; an ICMPv6 (58) entry with an IPv4 CIDR is
// kept with its type and code ignored. A TCP or UDP PortRange From 0 To 0
// is port 0 alone: the entry's Ports stay zero and PortZero is set.
// RuleAction allow is flow.Pass and deny flow.Drop. CIDRs with host bits
// set are masked. Every ACL returned compiles with [nacl.Compile].
//
// Everything else that is not as AWS prints it is an error, never a guess:
// a missing or out-of-range rule number, action, direction (Egress) or
// protocol; an entry with both or neither of CidrBlock and Ipv6CidrBlock, or
// an address of the wrong family in either; a missing PortRange for TCP or
// UDP, or IcmpTypeCode for ICMP; two entries of one direction with the same
// rule number; two ACLs with the same ID. Errors are *[flow.InputError]
// with the JSON path ("NetworkAcls[0].Entries[3].CidrBlock"), the ACL ID as
// Resource, the rule number as Rule and the offending text, wrapping
// [nacl.ErrInvalidEntry], [nacl.ErrDuplicateRule], [nacl.ErrInvalidACL] or
// [flow.ErrJSON].
func ParseNetworkACLs(data []byte) ([]nacl.ACL, error) {
	return parseNetworkACLs(data, jsonloc.Document)
}

// parseNetworkACLs is ParseNetworkACLs decoding the document with decode: jsonloc.Document, or
// checkedDoc for a document whose keys the loader has checked.
func parseNetworkACLs(data []byte, decode func([]byte, any) error) ([]nacl.ACL, error) {
	var top jsonTop
	if err := decode(data, &top); err != nil {
		return nil, err
	}
	if top.NetworkAcls == nil {
		return nil, errNoACLs()
	}
	raws := *top.NetworkAcls
	return readACLList(len(raws), func(l jsonloc.Loc, i int) (*jsonACL, error) {
		ja := new(jsonACL)
		if err := l.Decode(raws[i], ja); err != nil {
			return nil, jsonloc.WithResource(err, jsonloc.PeekString(raws[i], "NetworkAclId"))
		}
		return ja, nil
	})
}

// decodedACLs is parseNetworkACLs for the NetworkAcls list decoded
// already (by jsonloc.Top): nil when the list is null.
func decodedACLs(list *[]jsonACL) ([]nacl.ACL, error) {
	if list == nil {
		return nil, errNoACLs()
	}
	return readACLList(len(*list), func(_ jsonloc.Loc, i int) (*jsonACL, error) { return &(*list)[i], nil })
}

func errNoACLs() error {
	return jsonloc.Loc{Path: "NetworkAcls"}.Fail("", nacl.ErrInvalidACL, "no NetworkAcls list: not the output of aws ec2 describe-network-acls")
}

// readACLList reads the n elements of NetworkAcls, elem giving the one at
// l, the i-th, decoded, in order: the first element at fault is the one
// reported.
func readACLList(n int, elem func(l jsonloc.Loc, i int) (*jsonACL, error)) ([]nacl.ACL, error) {
	acls := make([]nacl.ACL, 0, n)
	seen := map[string]string{} // ID -> path
	for i := range n {
		l := jsonloc.Loc{Path: "NetworkAcls"}.Index(i)
		ja, err := elem(l, i)
		if err != nil {
			return nil, err
		}
		acl, err := parseACL(l, ja)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[acl.ID]; dup {
			l.Resource = acl.ID
			return nil, l.Field("NetworkAclId").Fail(acl.ID, nacl.ErrInvalidACL, "ACL %s is listed twice, at %s and %s", acl.ID, first, l.Path)
		}
		seen[acl.ID] = l.Path
		acls = append(acls, acl)
	}
	return acls, nil
}

// parseACL reads one decoded element of NetworkAcls, found at l.
func parseACL(l jsonloc.Loc, ja *jsonACL) (nacl.ACL, error) {
	if ja.NetworkAclId == nil || *ja.NetworkAclId == "" {
		return nacl.ACL{}, l.Field("NetworkAclId").Fail("", nacl.ErrInvalidACL, "missing NetworkAclId")
	}
	acl := nacl.ACL{ID: *ja.NetworkAclId}
	l.Resource = acl.ID
	if ja.VpcId != nil {
		acl.VPCID = *ja.VpcId
	}
	if ja.IsDefault != nil {
		acl.IsDefault = *ja.IsDefault
	}
	for i, as := range ja.Associations {
		al := l.Field("Associations").Index(i)
		if as.SubnetId == nil || *as.SubnetId == "" {
			return nacl.ACL{}, al.Field("SubnetId").Fail("", nacl.ErrInvalidACL, "association without SubnetId")
		}
		if as.NetworkAclId != nil && *as.NetworkAclId != acl.ID {
			return nacl.ACL{}, al.Field("NetworkAclId").Fail(*as.NetworkAclId, nacl.ErrInvalidACL,
				"association of subnet %s names ACL %s inside ACL %s", *as.SubnetId, *as.NetworkAclId, acl.ID)
		}
		acl.Subnets = append(acl.Subnets, *as.SubnetId)
	}
	seen := map[[2]int]string{} // direction, number -> path
	for i := range ja.Entries {
		el := l.Field("Entries").Index(i)
		e, err := parseEntry(el, &ja.Entries[i])
		if err != nil {
			return nacl.ACL{}, err
		}
		key := [2]int{int(e.Direction), e.Number}
		if first, dup := seen[key]; dup {
			el.Rule = strconv.Itoa(e.Number)
			return nacl.ACL{}, el.Field("RuleNumber").Fail(el.Rule, nacl.ErrDuplicateRule, "%s rule %d is both %s and %s", e.Direction, e.Number, first, el.Path)
		}
		seen[key] = el.Path
		if !e.IsDefaultRule() {
			acl.Entries = append(acl.Entries, e)
		}
	}
	slices.SortFunc(acl.Entries, func(a, b nacl.Entry) int {
		return cmp.Or(cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.Number, b.Number))
	})
	return acl, nil
}

// parseEntry reads one entry at l (whose Resource is the ACL's ID). It
// returns the "*" rules too, checked, for the duplicate check; the caller
// drops them.
func parseEntry(l jsonloc.Loc, je *jsonEntry) (nacl.Entry, error) {
	var e nacl.Entry
	n, err := l.Field("RuleNumber").ReadInt(je.RuleNumber)
	switch {
	case err != nil:
		return nacl.Entry{}, err
	case !n.Set:
		return nacl.Entry{}, l.Field("RuleNumber").Fail("", nacl.ErrInvalidEntry, "missing RuleNumber")
	case n.Value < 1 || n.Value > nacl.DefaultRuleIPv6:
		return nacl.Entry{}, l.Field("RuleNumber").Fail(strconv.Itoa(n.Value), nacl.ErrInvalidEntry,
			"rule number %d: want 1 to 32766 (or 32767 and 32768 for the * rules)", n.Value)
	}
	e.Number, l.Rule = n.Value, strconv.Itoa(n.Value)

	if je.Egress == nil {
		return nacl.Entry{}, l.Field("Egress").Fail("", nacl.ErrInvalidEntry, "missing Egress (true for outbound, false for inbound)")
	}
	if *je.Egress {
		e.Direction = flow.Outbound
	}

	if je.RuleAction == nil {
		return nacl.Entry{}, l.Field("RuleAction").Fail("", nacl.ErrInvalidEntry, "missing RuleAction")
	}
	switch strings.ToLower(*je.RuleAction) {
	case "allow":
		e.Action = flow.Pass
	case "deny":
		e.Action = flow.Drop
	default:
		return nacl.Entry{}, l.Field("RuleAction").Fail(*je.RuleAction, nacl.ErrInvalidEntry, "action %q: want allow or deny", *je.RuleAction)
	}

	if je.Protocol == nil {
		return nacl.Entry{}, l.Field("Protocol").Fail("", nacl.ErrInvalidEntry, "missing Protocol")
	}
	if e.Protocol, err = flow.ParseProtocol(*je.Protocol); err != nil {
		return nacl.Entry{}, l.Field("Protocol").Fail(*je.Protocol, nacl.ErrInvalidEntry, "%v", err)
	}

	if e.CIDR, err = entryCIDR(l, je.CidrBlock, je.Ipv6CidrBlock); err != nil {
		return nacl.Entry{}, err
	}

	if e.IsDefaultRule() {
		want := nacl.DefaultRule(e.Direction, e.Number == nacl.DefaultRuleIPv6)
		if e.Action != want.Action || e.Protocol != want.Protocol || e.CIDR != want.CIDR {
			return nacl.Entry{}, l.Field("RuleNumber").Fail(l.Rule, nacl.ErrInvalidEntry,
				"rule %d is AWS's implicit * rule, which must be \"%s\", not \"%s\"", e.Number, entryBody(want), entryBody(e))
		}
		return want, nil
	}

	if e.UsesPorts() {
		if e.Ports, err = entryPorts(l, je.PortRange, e.Protocol); err != nil {
			return nacl.Entry{}, err
		}
		// From 0 To 0 is port 0 alone, which the zero Ports cannot say.
		e.PortZero = e.Ports == flow.PortRange{}
	}
	if e.UsesICMP() {
		if e.ICMPType, e.ICMPCode, err = entryICMP(l, je.IcmpTypeCode, e.Protocol); err != nil {
			return nacl.Entry{}, err
		}
	}

	e = e.Canonical()
	if err := e.Validate(); err != nil { // a backstop: everything above should have caught it
		var ie *flow.InputError
		errors.As(err, &ie)
		return nacl.Entry{}, l.Fail(ie.Text, nacl.ErrInvalidEntry, "%s", strings.TrimPrefix(ie.Err.Error(), nacl.ErrInvalidEntry.Error()+": "))
	}
	return e, nil
}

// entryCIDR reads an entry's CidrBlock or Ipv6CidrBlock (exactly one is
// set), masked.
func entryCIDR(l jsonloc.Loc, v4, v6 *string) (netip.Prefix, error) {
	switch {
	case v4 != nil && v6 != nil:
		return netip.Prefix{}, l.Field("Ipv6CidrBlock").Fail(*v4+" "+*v6, nacl.ErrInvalidEntry, "both CidrBlock and Ipv6CidrBlock are set; an entry has one")
	case v4 == nil && v6 == nil:
		return netip.Prefix{}, l.Field("CidrBlock").Fail("", nacl.ErrInvalidEntry, "neither CidrBlock nor Ipv6CidrBlock is set")
	}
	field, s, want6 := "CidrBlock", v4, false
	if v6 != nil {
		field, s, want6 = "Ipv6CidrBlock", v6, true
	}
	p, err := flow.ParseCIDR(*s)
	switch {
	case err != nil:
		return netip.Prefix{}, l.Field(field).Fail(*s, nacl.ErrInvalidEntry, "not a CIDR: %v", err)
	case !want6 && !p.Addr().Is4():
		return netip.Prefix{}, l.Field(field).Fail(*s, nacl.ErrInvalidEntry, "CidrBlock holds IPv4 CIDRs; an IPv6 CIDR belongs in Ipv6CidrBlock")
	case want6 && !p.Addr().Is6():
		return netip.Prefix{}, l.Field(field).Fail(*s, nacl.ErrInvalidEntry, "Ipv6CidrBlock holds IPv6 CIDRs; an IPv4 CIDR belongs in CidrBlock")
	}
	return p.Masked(), nil
}

// entryPorts reads the PortRange a TCP or UDP entry needs.
func entryPorts(l jsonloc.Loc, pr *struct{ From, To json.RawMessage }, p flow.Protocol) (flow.PortRange, error) {
	if pr == nil {
		return flow.PortRange{}, l.Field("PortRange").Fail("", nacl.ErrInvalidEntry, "protocol %s needs a PortRange", p)
	}
	var bounds [2]int
	for i, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"From", pr.From}, {"To", pr.To}} {
		fl := l.Field("PortRange").Field(f.name)
		v, err := fl.ReadInt(f.raw)
		switch {
		case err != nil:
			return flow.PortRange{}, err
		case !v.Set:
			return flow.PortRange{}, fl.Fail("", nacl.ErrInvalidEntry, "missing PortRange.%s", f.name)
		case v.Value < 0 || v.Value > 65535:
			return flow.PortRange{}, fl.Fail(strconv.Itoa(v.Value), nacl.ErrInvalidEntry, "port %d: want 0 to 65535", v.Value)
		}
		bounds[i] = v.Value
	}
	if bounds[0] > bounds[1] {
		return flow.PortRange{}, l.Field("PortRange").Fail(fmt.Sprintf("%d-%d", bounds[0], bounds[1]), nacl.ErrInvalidEntry,
			"port range %d-%d: From is above To", bounds[0], bounds[1])
	}
	return flow.PortRange{Lo: uint16(bounds[0]), Hi: uint16(bounds[1])}, nil
}

// entryICMP reads the IcmpTypeCode an ICMP or ICMPv6 entry needs.
func entryICMP(l jsonloc.Loc, tc *struct{ Type, Code json.RawMessage }, p flow.Protocol) (typ, code int16, err error) {
	if tc == nil {
		return 0, 0, l.Field("IcmpTypeCode").Fail("", nacl.ErrInvalidEntry, "protocol %s needs an IcmpTypeCode", p)
	}
	var v [2]int16
	for i, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"Type", tc.Type}, {"Code", tc.Code}} {
		fl := l.Field("IcmpTypeCode").Field(f.name)
		n, err := fl.ReadInt(f.raw)
		switch {
		case err != nil:
			return 0, 0, err
		case !n.Set:
			return 0, 0, fl.Fail("", nacl.ErrInvalidEntry, "missing IcmpTypeCode.%s", f.name)
		case n.Value < -1 || n.Value > 255:
			return 0, 0, fl.Fail(strconv.Itoa(n.Value), nacl.ErrInvalidEntry, "ICMP %s %d: want -1 (all) or 0 to 255", strings.ToLower(f.name), n.Value)
		}
		v[i] = int16(n.Value)
	}
	if v[0] == -1 && v[1] != -1 {
		return 0, 0, l.Field("IcmpTypeCode.Code").Fail(strconv.Itoa(int(v[1])), nacl.ErrInvalidEntry, "ICMP code %d with type -1 (all types): a code needs a type", v[1])
	}
	return v[0], v[1], nil
}

// entryBody is an entry's text form without its rule number.
func entryBody(e nacl.Entry) string { return strings.TrimPrefix(e.String(), e.Label()+" ") }
