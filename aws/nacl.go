package aws

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
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
		NetworkAclId *string
		VpcId        *string
		IsDefault    *bool
		Associations []json.RawMessage
		Entries      []json.RawMessage
	}
	jsonAssoc struct {
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
// set are masked.
// Every ACL returned compiles with [Compile].
//
// Everything else that is not as AWS prints it is an error, never a guess:
// a missing or out-of-range rule number, action, direction (Egress) or
// protocol; an entry with both or neither of CidrBlock and Ipv6CidrBlock, or
// an address of the wrong family in either; a missing PortRange for TCP or
// UDP, or IcmpTypeCode for ICMP; two entries of one direction with the same
// rule number; two ACLs with the same ID. Errors are *[flow.InputError]
// with the JSON path ("NetworkAcls[0].Entries[3].CidrBlock"), the ACL ID as
// Resource, the rule number as Rule and the offending text, wrapping
// [ErrInvalidEntry], [ErrDuplicateRule], [ErrInvalidACL] or [ErrJSON].
func ParseNetworkACLs(data []byte) ([]nacl.ACL, error) {
	var top jsonTop
	if err := jsonloc.Unmarshal("", data, &top); err != nil {
		return nil, err
	}
	if top.NetworkAcls == nil {
		return nil, &flow.InputError{Path: "NetworkAcls", Err: fmt.Errorf("%w: no NetworkAcls list: not the output of aws ec2 describe-network-acls", nacl.ErrInvalidACL)}
	}
	acls := make([]nacl.ACL, 0, len(*top.NetworkAcls))
	seen := map[string]string{} // ID -> path
	for i, raw := range *top.NetworkAcls {
		path := jsonloc.Index("NetworkAcls", i)
		acl, err := parseACL(path, raw)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[acl.ID]; dup {
			return nil, &flow.InputError{Path: jsonloc.Join(path, "NetworkAclId"), Resource: acl.ID, Text: acl.ID,
				Err: fmt.Errorf("%w: ACL %s is listed twice, at %s and %s", nacl.ErrInvalidACL, acl.ID, first, path)}
		}
		seen[acl.ID] = path
		acls = append(acls, acl)
	}
	return acls, nil
}

func parseACL(path string, raw json.RawMessage) (nacl.ACL, error) {
	var ja jsonACL
	if err := jsonloc.Unmarshal(path, raw, &ja); err != nil {
		return nacl.ACL{}, err
	}
	if ja.NetworkAclId == nil || *ja.NetworkAclId == "" {
		return nacl.ACL{}, &flow.InputError{Path: jsonloc.Join(path, "NetworkAclId"), Err: fmt.Errorf("%w: missing NetworkAclId", nacl.ErrInvalidACL)}
	}
	acl := nacl.ACL{ID: *ja.NetworkAclId}
	if ja.VpcId != nil {
		acl.VPCID = *ja.VpcId
	}
	if ja.IsDefault != nil {
		acl.IsDefault = *ja.IsDefault
	}
	for i, raw := range ja.Associations {
		p := jsonloc.Index(jsonloc.Join(path, "Associations"), i)
		var as jsonAssoc
		if err := jsonloc.Unmarshal(p, raw, &as); err != nil {
			return nacl.ACL{}, err
		}
		if as.SubnetId == nil || *as.SubnetId == "" {
			return nacl.ACL{}, &flow.InputError{Path: jsonloc.Join(p, "SubnetId"), Resource: acl.ID, Err: fmt.Errorf("%w: association without SubnetId", nacl.ErrInvalidACL)}
		}
		if as.NetworkAclId != nil && *as.NetworkAclId != acl.ID {
			return nacl.ACL{}, &flow.InputError{Path: jsonloc.Join(p, "NetworkAclId"), Resource: acl.ID, Text: *as.NetworkAclId,
				Err: fmt.Errorf("%w: association of subnet %s names ACL %s inside ACL %s", nacl.ErrInvalidACL, *as.SubnetId, *as.NetworkAclId, acl.ID)}
		}
		acl.Subnets = append(acl.Subnets, *as.SubnetId)
	}
	seen := map[[2]int]string{} // direction, number -> path
	for i, raw := range ja.Entries {
		p := jsonloc.Index(jsonloc.Join(path, "Entries"), i)
		e, err := parseEntry(p, acl.ID, raw)
		if err != nil {
			return nacl.ACL{}, err
		}
		key := [2]int{int(e.Direction), e.Number}
		if first, dup := seen[key]; dup {
			return nacl.ACL{}, &flow.InputError{Path: jsonloc.Join(p, "RuleNumber"), Resource: acl.ID, Rule: strconv.Itoa(e.Number), Text: strconv.Itoa(e.Number),
				Err: fmt.Errorf("%w: %s rule %d is both %s and %s", nacl.ErrDuplicateRule, e.Direction, e.Number, first, p)}
		}
		seen[key] = p
		if !e.IsDefaultRule() {
			acl.Entries = append(acl.Entries, e)
		}
	}
	slices.SortFunc(acl.Entries, func(a, b nacl.Entry) int {
		return cmp.Or(cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.Number, b.Number))
	})
	return acl, nil
}

// jsonInt reads a number field; set is false when it is absent or null.
func jsonInt(path string, raw json.RawMessage) (n int, set bool, err error) {
	if raw == nil {
		return 0, false, nil
	}
	var v jsonloc.Int
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, &flow.InputError{Path: path, Text: string(raw), Err: fmt.Errorf("%w: not an integer", flow.ErrJSON)}
	}
	return v.Value, v.Set, nil
}

// parseEntry reads one entry at path of ACL id. It returns the "*" rules
// too, checked, for the duplicate check; the caller drops them.
func parseEntry(path, id string, raw json.RawMessage) (nacl.Entry, error) {
	var je jsonEntry
	if err := jsonloc.Unmarshal(path, raw, &je); err != nil {
		if ie, ok := err.(*flow.InputError); ok {
			ie.Resource = id
		}
		return nacl.Entry{}, err
	}
	var e nacl.Entry
	rule := ""
	fail := func(field, text, format string, args ...any) (nacl.Entry, error) {
		p := path
		if field != "" {
			p = jsonloc.Join(path, field)
		}
		return nacl.Entry{}, &flow.InputError{Path: p, Resource: id, Rule: rule, Text: text,
			Err: fmt.Errorf("%w: %s", nacl.ErrInvalidEntry, fmt.Sprintf(format, args...))}
	}
	failErr := func(err error) (nacl.Entry, error) {
		if ie, ok := err.(*flow.InputError); ok {
			ie.Resource, ie.Rule = id, rule
		}
		return nacl.Entry{}, err
	}

	n, ok, err := jsonInt(jsonloc.Join(path, "RuleNumber"), je.RuleNumber)
	switch {
	case err != nil:
		return failErr(err)
	case !ok:
		return fail("RuleNumber", "", "missing RuleNumber")
	case n < 1 || n > nacl.DefaultRuleIPv6:
		return fail("RuleNumber", strconv.Itoa(n), "rule number %d: want 1 to 32766 (or 32767 and 32768 for the * rules)", n)
	}
	e.Number, rule = n, strconv.Itoa(n)

	if je.Egress == nil {
		return fail("Egress", "", "missing Egress (true for outbound, false for inbound)")
	}
	if *je.Egress {
		e.Direction = flow.Outbound
	}

	if je.RuleAction == nil {
		return fail("RuleAction", "", "missing RuleAction")
	}
	switch strings.ToLower(*je.RuleAction) {
	case "allow":
		e.Action = flow.Pass
	case "deny":
		e.Action = flow.Drop
	default:
		return fail("RuleAction", *je.RuleAction, "action %q: want allow or deny", *je.RuleAction)
	}

	if je.Protocol == nil {
		return fail("Protocol", "", "missing Protocol")
	}
	if e.Protocol, err = flow.ParseProtocol(*je.Protocol); err != nil {
		return fail("Protocol", *je.Protocol, "%v", err)
	}

	switch {
	case je.CidrBlock != nil && je.Ipv6CidrBlock != nil:
		return fail("Ipv6CidrBlock", *je.CidrBlock+" "+*je.Ipv6CidrBlock, "both CidrBlock and Ipv6CidrBlock are set; an entry has one")
	case je.CidrBlock == nil && je.Ipv6CidrBlock == nil:
		return fail("CidrBlock", "", "neither CidrBlock nor Ipv6CidrBlock is set")
	case je.CidrBlock != nil:
		p, err := flow.ParseCIDR(*je.CidrBlock)
		switch {
		case err != nil:
			return fail("CidrBlock", *je.CidrBlock, "not a CIDR: %v", err)
		case !p.Addr().Is4():
			return fail("CidrBlock", *je.CidrBlock, "CidrBlock holds IPv4 CIDRs; an IPv6 CIDR belongs in Ipv6CidrBlock")
		}
		e.CIDR = p.Masked()
	default:
		p, err := flow.ParseCIDR(*je.Ipv6CidrBlock)
		switch {
		case err != nil:
			return fail("Ipv6CidrBlock", *je.Ipv6CidrBlock, "not a CIDR: %v", err)
		case !p.Addr().Is6():
			return fail("Ipv6CidrBlock", *je.Ipv6CidrBlock, "Ipv6CidrBlock holds IPv6 CIDRs; an IPv4 CIDR belongs in CidrBlock")
		}
		e.CIDR = p.Masked()
	}

	if e.IsDefaultRule() {
		want := nacl.DefaultRule(e.Direction, e.Number == nacl.DefaultRuleIPv6)
		if e.Action != want.Action || e.Protocol != want.Protocol || e.CIDR != want.CIDR {
			return fail("RuleNumber", rule, "rule %d is AWS's implicit * rule, which must be \"%s\", not \"%s\"", n, entryBody(want), entryBody(e))
		}
		return want, nil
	}

	if e.UsesPorts() {
		if je.PortRange == nil {
			return fail("PortRange", "", "protocol %s needs a PortRange", e.Protocol)
		}
		var bounds [2]int
		for i, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"From", je.PortRange.From}, {"To", je.PortRange.To}} {
			fp := jsonloc.Join("PortRange", f.name)
			v, ok, err := jsonInt(jsonloc.Join(path, fp), f.raw)
			switch {
			case err != nil:
				return failErr(err)
			case !ok:
				return fail(fp, "", "missing PortRange.%s", f.name)
			case v < 0 || v > 65535:
				return fail(fp, strconv.Itoa(v), "port %d: want 0 to 65535", v)
			}
			bounds[i] = v
		}
		if bounds[0] > bounds[1] {
			return fail("PortRange", fmt.Sprintf("%d-%d", bounds[0], bounds[1]), "port range %d-%d: From is above To", bounds[0], bounds[1])
		}
		e.Ports = flow.PortRange{Lo: uint16(bounds[0]), Hi: uint16(bounds[1])}
		// From 0 To 0 is port 0 alone, which the zero Ports cannot say.
		e.PortZero = e.Ports == flow.PortRange{}
	}

	if e.UsesICMP() {
		if je.IcmpTypeCode == nil {
			return fail("IcmpTypeCode", "", "protocol %s needs an IcmpTypeCode", e.Protocol)
		}
		var tc [2]int16
		for i, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"Type", je.IcmpTypeCode.Type}, {"Code", je.IcmpTypeCode.Code}} {
			fp := jsonloc.Join("IcmpTypeCode", f.name)
			v, ok, err := jsonInt(jsonloc.Join(path, fp), f.raw)
			switch {
			case err != nil:
				return failErr(err)
			case !ok:
				return fail(fp, "", "missing IcmpTypeCode.%s", f.name)
			case v < -1 || v > 255:
				return fail(fp, strconv.Itoa(v), "ICMP %s %d: want -1 (all) or 0 to 255", strings.ToLower(f.name), v)
			}
			tc[i] = int16(v)
		}
		if tc[0] == -1 && tc[1] != -1 {
			return fail("IcmpTypeCode.Code", strconv.Itoa(int(tc[1])), "ICMP code %d with type -1 (all types): a code needs a type", tc[1])
		}
		e.ICMPType, e.ICMPCode = tc[0], tc[1]
	}

	e = e.Canonical()
	if err := e.Validate(); err != nil { // a backstop: everything above should have caught it
		var ie *flow.InputError
		errors.As(err, &ie)
		return fail("", ie.Text, "%s", strings.TrimPrefix(ie.Err.Error(), nacl.ErrInvalidEntry.Error()+": "))
	}
	return e, nil
}

// entryBody is an entry's text form without its rule number.
func entryBody(e nacl.Entry) string { return strings.TrimPrefix(e.String(), e.Label()+" ") }
