package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/reach"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// Network ACLs: aws_network_acl (inline ingress and egress blocks),
// aws_default_network_acl, aws_network_acl_rule and
// aws_network_acl_association. An ACL that exists and whose
// configuration leaves the inline blocks of a direction out keeps the
// entries AWS holds, which its planned values show, less those an
// aws_network_acl_rule the plan deletes removes, and each entry of an
// aws_network_acl_rule of the plan once (computed.go). An
// aws_default_network_acl's ingress and egress are not Computed: its
// entries are the ones it plans, left out or not (writesInline). An
// aws_network_acl_rule the plan deletes, or replaces by one of another
// number or direction, removes the entry of its (old) number and
// direction that configured blocks also write (deletedEntry).

// acls is the network ACLs being assembled, in plan order.
type acls struct {
	acls map[string]*nacl.ACL
	list []string
	// planned are, by ACL, the entries of the inline blocks its
	// configuration leaves out: those AWS holds (settleACLs)
	planned map[string][]pendingEntry
	// inline and standalone are, by ACL, the entries (rule number and
	// direction) the inline blocks its configuration writes give it, and
	// those its aws_network_acl_rule resources give it
	inline, standalone map[string]map[entryKey]bool
	// deleted are, by ACL, the entries of the aws_network_acl_rule
	// resources the plan deletes (deletedEntry), nil until asked
	deleted map[string]map[entryKey]bool
	// retaken are, by ACL, the entries of the aws_network_acl_rule
	// resources the plan replaces, delete first, by one of the same
	// number and direction (retakenEntry), nil until asked
	retaken map[string]map[entryKey]bool
	// computed are, by ACL, the subnets only its computed subnet_ids
	// (which its configuration leaves out) give it: where AWS had them
	computed map[string][]string
}

func (a *acls) add(acl nacl.ACL) {
	a.acls[acl.ID] = &acl
	a.list = append(a.list, acl.ID)
}

// readACL reads an aws_network_acl or aws_default_network_acl.
func (r *reader) readACL(in *instance) {
	acl := nacl.ACL{ID: in.id}
	if in.typ == "aws_default_network_acl" {
		v := r.vpcOfDefault(in, "default_network_acl_id", func(v *vpcRec) string { return v.knownACL })
		if v == nil {
			return
		}
		acl.VPCID, acl.IsDefault, v.defaultACL, v.managedACL = v.spec.ID, true, acl.ID, true
	} else {
		acl.VPCID, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	}
	acl.Subnets = r.linkList(in, "subnet_ids", "aws_subnet")
	if !in.configured("subnet_ids") && !in.created() {
		// computed: the subnets AWS had on it, some by associations
		acl.Subnets = r.computedSubnets(in, acl.Subnets)
	}
	inline := map[entryKey]bool{}
	var planned []pendingEntry
	r.eachInline(in, func(sub *instance, at string, dir flow.Direction, kept bool) {
		if e, u, ok := r.entry(sub, at, dir, "rule_no", "action", "cidr_block", "ipv6_cidr_block"); ok {
			if kept {
				planned = append(planned, pendingEntry{e, u})
				return
			}
			if u.number {
				// of a number known only after apply: whichever entry of
				// AWS's or of an aws_network_acl_rule it may take the
				// place of, its match is unknown
				r.addEntry(&acl, e, u)
				return
			}
			inline[entryKey{e.Number, dir}] = true
			if !in.created() && r.retakenEntry(acl.ID, e) {
				if !in.updated() || r.updateKeepsEntry(in, e) { // updatediff.go
					r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: an aws_network_acl_rule the plan replaces keeping its rule number and direction deletes entry %d of %s, and its create adds the new rule's values in its place", in.addr, e.Number, at))
					return
				}
				u.cidr, u.v6 = true, e.CIDR.Addr().Is6()
				u.what = fmt.Sprintf("%s %s (which values entry %d holds after apply: an aws_network_acl_rule the plan replaces keeping its number deletes it and adds its own, in no set order with the ACL's update)", in.addr, at, e.Number)
			} else if g := r.cbdUnknownEntry(acl.ID, e); !in.created() && g != "" {
				u.cidr, u.v6 = true, e.CIDR.Addr().Is6()
				u.what = unknownStay(in.addr+" "+at, g, "network ACL, rule number or direction")
			} else if !in.created() && r.deletedEntry(acl.ID, e) {
				if in.updated() && r.updateKeepsEntry(in, e) { // updatediff.go
					r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: an aws_network_acl_rule the plan deletes (or replaces by another entry) removes entry %d of %s%s", in.addr, e.Number, at, keptNote))
					return
				}
				if !in.updated() {
					r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: an aws_network_acl_rule the plan deletes (or replaces by another entry) removes entry %d of %s, which nothing adds back until the next apply: it is not in the model", in.addr, e.Number, at))
					return
				}
				u.cidr, u.v6 = true, e.CIDR.Addr().Is6()
				u.what = fmt.Sprintf("%s %s (whether it holds the entry after apply: an aws_network_acl_rule the plan deletes (or replaces by another entry) removes it, in no set order with its update)", in.addr, at)
			}
			r.addEntry(&acl, e, u)
		}
	})
	if _, dup := r.acls.acls[acl.ID]; dup {
		r.fail(in, "id", acl.ID, ErrInvalidPlan, "network ACL %s is planned twice", acl.ID)
		return
	}
	r.deletedByBoth(in, acl.ID) // updatediff.go
	r.acls.add(acl)
	r.acls.inline[acl.ID], r.acls.planned[acl.ID] = inline, planned
}

// entry reads one ACL entry; number, action, cidr and cidr6 name its
// attributes (they differ between inline blocks and aws_network_acl_rule).
func (r *reader) entry(in *instance, at string, dir flow.Direction, number, action, cidr, cidr6 string) (nacl.Entry, unknownEntry, bool) {
	e := nacl.Entry{Direction: dir, ICMPType: -1, ICMPCode: -1}
	var u unknownEntry
	n, ok := number_(in, number)
	switch {
	case !ok && isUnknown(in.unknown, number):
		// its place among the entries is known only after apply (an
		// aws_network_acl_rule's, or an inline block's): it may come
		// before any of them, or decide nothing (number 1, its match
		// unknown: reach.UnknownACLEntry)
		n, u.number, u.what = 1, true, in.addr+": "+at+number
	case !ok:
		r.fail(in, at+number, "", unknownOr(in, number), "an entry needs its rule number")
		return e, u, false
	}
	e.Number = int(n)
	// the provider takes the action in any case (it compares them with
	// strings.EqualFold); one known only after apply may be either
	// (unknownACLEntries declares both)
	act, isStr := in.values[action].(string)
	switch {
	case in.values[action] == nil && isUnknown(in.unknown, action):
		e.Action, u.action = flow.Pass, true
		u.name(in.addr + ": " + at + action)
	case !isStr:
		r.str(in, action, true) // missing, or not a string: str says which
		return e, u, false
	case strings.EqualFold(act, "allow"):
		e.Action = flow.Pass
	case strings.EqualFold(act, "deny"):
		e.Action = flow.Drop
	default:
		r.fail(in, at+action, act, ErrInvalidPlan, "allow or deny")
		return e, u, false
	}
	found := 0
	if r.skipIPv6(in, at+cidr6) {
		return e, u, false
	}
	for _, c := range []string{cidr, cidr6} {
		if isUnknown(in.unknown, c) {
			u.cidr, u.v6 = true, c == cidr6
			u.name(in.addr + ": " + at + c)
			found++
		}
	}
	for _, c := range []string{cidr, cidr6} {
		if p, ok := r.prefix(in, c, false); ok {
			if p.Addr().Is6() != (c == cidr6) {
				r.fail(in, at+c, p.String(), ErrInvalidPlan, "of the wrong address family")
				return e, u, false
			}
			e.CIDR, found = p, found+1
		}
	}
	if found != 1 {
		r.fail(in, at+cidr, "", unknownOr(in, cidr, cidr6), "an entry has one CIDR block (%s or %s): %d given", cidr, cidr6, found)
		return e, u, false
	}
	ps, isStr := in.values["protocol"].(string)
	switch {
	case in.values["protocol"] == nil && isUnknown(in.unknown, "protocol"):
		// known only after apply: the entry may match any protocol, port
		// and ICMP type
		e.Protocol, u.ports = flow.AllProtocols, true
		u.name(in.addr + ": " + at + "protocol")
		return e, u, true
	case !isStr:
		r.str(in, "protocol", true) // missing, or not a string: str says which
		return e, u, false
	}
	p, err := aclProtocol(ps)
	if err != nil {
		r.fail(in, at+"protocol", ps, ErrInvalidPlan, "%v", err)
		return e, u, false
	}
	e.Protocol = p
	switch {
	case p.HasPorts() && (isUnknown(in.unknown, "from_port") || isUnknown(in.unknown, "to_port")):
		u.ports = true
		u.name(in.addr + ": " + at + "from_port")
	case p.HasPorts():
		lo, ok1 := number_(in, "from_port")
		hi, ok2 := number_(in, "to_port")
		if !ok1 || !ok2 || lo < 0 || hi > 65535 || lo > hi {
			r.fail(in, at+"from_port", fmt.Sprintf("%d-%d", lo, hi), ErrInvalidPlan, "ports are 0–65535, from before to")
			return e, u, false
		}
		e.Ports = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
		e.PortZero = e.Ports == flow.PortRange{}
	case p.IsICMP() && (isUnknown(in.unknown, "icmp_type") || isUnknown(in.unknown, "icmp_code")):
		// known only after apply: the entry may match any ICMP type
		u.ports = true
		if isUnknown(in.unknown, "icmp_type") {
			u.name(in.addr + ": " + at + "icmp_type")
		} else {
			u.name(in.addr + ": " + at + "icmp_code")
		}
	case p.IsICMP():
		// the provider sends icmp_type and icmp_code as the SDK reads
		// them, 0 when left out (null): type 0 code 0, echo reply
		t, _ := number_(in, "icmp_type")
		c, _ := number_(in, "icmp_code")
		if t < -1 || t > 255 || c < -1 || c > 255 {
			r.fail(in, at+"icmp_type", fmt.Sprintf("%d/%d", t, c), ErrInvalidPlan, "ICMP type and code are -1 (all) or 0–255")
			return e, u, false
		}
		if t == -1 && c != -1 {
			r.fail(in, at+"icmp_code", fmt.Sprintf("%d/%d", t, c), ErrInvalidPlan, "ICMP code %d with type -1 (all types): a code needs a type; write icmp_code = -1 (the provider sends 0 for a code left out)", c)
			return e, u, false
		}
		e.ICMPType, e.ICMPCode = int16(t), int16(c)
	}
	return e, u, true
}

// unknownEntry says which values of an ACL entry are known only after
// apply, and names the first; ports stands for the ICMP type and code of
// an ICMP entry, and for every port and ICMP type of an entry whose
// protocol is known only after apply (its Protocol then all).
type unknownEntry struct {
	cidr, ports, v6 bool
	// action: the entry's action is known only after apply: it may allow
	// or deny (unknownACLEntries declares it with each)
	action bool
	// dir: the entry's direction is known only after apply (an
	// aws_network_acl_rule's egress): it may or may not be this one's
	dir bool
	// number: the entry's rule number is known only after apply (an
	// aws_network_acl_rule's, or an inline block's): it is number 1,
	// whose match is unknown
	number bool
	what   string
}

// name names what of the entry is known only after apply, unless a value
// read before is.
func (u *unknownEntry) name(what string) {
	if u.what == "" {
		u.what = what
	}
}

// addEntry gives acl entry e, or, when a value of it is known only after
// apply, declares it to the builder as one whose match is unknown.
func (r *reader) addEntry(acl *nacl.ACL, e nacl.Entry, u unknownEntry) {
	if !u.cidr && !u.ports && !u.dir && !u.number && !u.action {
		acl.Entries = append(acl.Entries, e)
		return
	}
	r.b.AddUnknownACLEntry(unknownACLEntries(acl.ID, u.what, e, u, false)...)
	r.rep.Warnings = append(r.rep.Warnings, u.what+": known only after apply: the queries whose answer it could change are indeterminate")
}

// unknownACLEntries declares entry e of ACL acl, whose values u says are
// known only after apply, as one whose match is unknown, for the reason
// what: anyCIDR makes it one that may match any address of its family
// (whether it is there after apply is known only then). An entry whose
// action is known only after apply is declared twice, allowing and
// denying, as it may do either.
func unknownACLEntries(acl, what string, e nacl.Entry, u unknownEntry, anyCIDR bool) []reach.UnknownACLEntry {
	v6 := u.v6
	if !u.cidr {
		v6 = e.CIDR.Addr().Is6()
	}
	out := []reach.UnknownACLEntry{{ACL: acl, What: what, Entry: e, CIDRUnknown: u.cidr || anyCIDR, PortsUnknown: u.ports, V6: v6}}
	if u.action {
		out[0].Entry.Action = flow.Pass
		out = append(out, out[0])
		out[1].Entry.Action = flow.Drop
	}
	return out
}

// number_ reads integer attribute attr of in.
func number_(in *instance, attr string) (int64, bool) {
	return number(in.values[attr])
}

// aclOf returns the ACL a standalone resource names in attr.
func (r *reader) aclOf(in *instance, attr string) *nacl.ACL {
	id, _ := r.linkOne(in, attr, "aws_network_acl", "aws_default_network_acl")
	r.ensureStandIn(id) // a new VPC's default ACL, by reference
	a := r.acls.acls[id]
	if a == nil && id != "" {
		r.fail(in, attr, id, ErrInvalidPlan, "no network ACL of the plan")
	}
	return a
}

// readACLRule reads an aws_network_acl_rule. One whose egress is known
// only after apply is an entry of either direction: in each, one whose
// match is unknown (reach.UnknownACLEntry), never a guess, beside the
// entry of its number AWS keeps in that direction, if any, which comes
// first (standaloneEntry).
func (r *reader) readACLRule(in *instance) {
	a := r.aclOf(in, "network_acl_id")
	if r.cbdSameEntry(in, a) { // race.go
		return
	}
	dirs := []flow.Direction{flow.Inbound}
	switch {
	case isUnknown(in.unknown, "egress"):
		dirs = []flow.Direction{flow.Inbound, flow.Outbound}
	case r.boolean(in, "egress"):
		dirs = []flow.Direction{flow.Outbound}
	}
	for _, dir := range dirs {
		e, u, ok := r.entry(in, "", dir, "rule_number", "rule_action", "cidr_block", "ipv6_cidr_block")
		if !ok || a == nil {
			return
		}
		if u.number {
			if !r.unnumberedEntry(in, a, dir) {
				continue
			}
		} else if !r.standaloneEntry(in, a, e, u, len(dirs) == 1) {
			continue
		}
		if len(dirs) > 1 {
			u.dir = true
			if u.what == "" {
				u.what = in.addr + ": egress"
			} else {
				u.what += ", " + in.addr + ": egress"
			}
		}
		r.addEntry(a, e, u)
	}
}

// readACLAssociation reads an aws_network_acl_association.
func (r *reader) readACLAssociation(in *instance) {
	a := r.aclOf(in, "network_acl_id")
	sub, _ := r.linkOne(in, "subnet_id", "aws_subnet")
	if a != nil && sub != "" {
		a.Subnets = appendID(a.Subnets, sub)
		r.acls.computed[a.ID] = slices.DeleteFunc(r.acls.computed[a.ID], func(s string) bool { return s == sub })
	}
}

// assignACLs sets each subnet's ACL from the associations (an ACL's
// subnet_ids, aws_network_acl_association; a subnet associated with an
// ACL leaves its VPC's default ACL, which lists its subnets too). A
// subnet two ACLs claim is an error naming both, but where one claims it
// only by its computed subnet_ids (where AWS had it) and the other by
// the plan's configuration, which moves it.
func (r *reader) assignACLs() {
	r.checkGoneAssociations()
	claimed := map[string]string{}
	for _, id := range r.acls.list {
		a := r.acls.acls[id]
		if a.IsDefault {
			continue
		}
		for _, sid := range a.Subnets {
			s := r.net.subnets[sid]
			if s == nil {
				r.fail(nil, "", sid, ErrInvalidPlan, "network ACL %s is associated with %s, no subnet of the plan", id, sid)
				continue
			}
			if prev, ok := claimed[sid]; ok {
				was, is := slices.Contains(r.acls.computed[prev], sid), slices.Contains(r.acls.computed[id], sid)
				switch {
				case is && !was:
					continue // prev's configuration moves it there
				case was && is || !was && !is:
					r.fail(nil, "", sid, ErrInvalidPlan, "subnet %s is associated with two network ACLs, %s and %s; a subnet has one", sid, prev, id)
					continue
				}
			}
			claimed[sid], s.ACL = id, id
		}
	}
}

// finishACLs gives the ACLs to the builder.
func (r *reader) finishACLs() {
	for _, id := range r.acls.list {
		r.b.AddNetworkACL(*r.acls.acls[id])
	}
}

// aclProtocolKeywords are the IANA protocol keywords
// (https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml),
// in lower case, that the AWS provider accepts for a network ACL entry's
// protocol beside numbers and "all", in protocol number order from 0 ("-"
// where it has none but the number).
var aclProtocolKeywords = strings.Fields(
	"hopopt icmp igmp ggp ipv4 st tcp cbt egp igp bbn-rcc-mon nvp-ii pup argus emcon xnet chaos " +
		"udp mux dcn-meas hmp prm xns-idp trunk-1 trunk-2 leaf-1 leaf-2 rdp irtp iso-tp4 netblt " +
		"mfe-nsp merit-inp dccp 3pc idpr xtp ddp idpr-cmtp tp++ il ipv6 sdrp ipv6-route ipv6-frag " +
		"idrp rsvp gre dsr bna esp ah i-nlsp swipe narp mobile tlsp - ipv6-icmp ipv6-nonxt " +
		"ipv6-opts - cftp - sat-expak kryptolan rvd ippc - sat-mon visa ipcv cpnx cphb wsn pvp " +
		"br-sat-mon sun-nd wb-mon wb-expak iso-ip vmtp secure-vmtp vines ttp nsfnet-igp dgp tcf " +
		"eigrp ospfigp sprite-rpc larp mtp ax.25 ipip micp scc-sp etherip encap - gmtp ifmp pnni " +
		"pim aris scps qnx a/n ipcomp snp compaq-peer ipx-in-ip vrrp pgm - l2tp dd iatp stp srp uti " +
		"smp sm ptp isis-over-ipv4 fire crtp crudp sscopmce iplt sps pipe sctp fc rsvp-e2e-ignore " +
		"mobility-header udplite mpls-in-ip manet hip shim6 wesp rohc")

// aclProtocol reads a network ACL entry's protocol as the AWS provider
// does: a number, "all", or an IANA keyword ("ipv6-icmp", "gre"), and the
// names flow.ParseProtocol knows ("TCP").
func aclProtocol(s string) (flow.Protocol, error) {
	if p, err := flow.ParseProtocol(s); err == nil {
		return p, nil
	}
	if i := slices.Index(aclProtocolKeywords, s); i >= 0 && s != "-" {
		return flow.Protocol(i), nil
	}
	return flow.ParseProtocol(s)
}
