package terraform

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// Security groups: aws_security_group (inline ingress and egress blocks),
// aws_default_security_group, aws_security_group_rule and
// aws_vpc_security_group_ingress_rule / _egress_rule. A group that
// exists and whose configuration leaves the inline blocks of a direction
// out keeps the rules AWS holds, which its planned values show (ingress
// and egress are Optional and Computed: only ingress = [] removes them),
// less those a standalone rule resource the plan deletes revokes
// (computed.go), which revokes a permission the configured blocks also
// write too (revokedByDelete). Terraform removes the allow-all outbound rule AWS gives
// a new group, so a new group has only the rules the plan gives it.

var groupTypes = []string{"aws_security_group", "aws_default_security_group"}

// groups is the security groups being assembled, in plan order.
type groups struct {
	byID map[string]*sg.Group
	list []string
	// unknownPeers are the peers known only after apply declared so far
	unknownPeers map[string]bool
	// portsOfLists are the prefix lists that rules whose ports are known
	// only after apply name (unknownPortsOf)
	portsOfLists []string
	// planned are, by group, the rules of the inline blocks its
	// configuration leaves out: those AWS holds (settleGroups)
	planned map[string][]sg.Rule
	// inline is, by group, how many of its first rules come from the
	// inline blocks its configuration writes
	inline map[string]int
	// deleted are, by group, the rules of the rule resources the plan
	// deletes (deletedRules), nil until asked
	deleted map[string][]sg.Rule
	// goneBy are, by group, the rules of the standalone rule resources
	// the plan deletes, replaces or updates in place (race.go), nil until
	// read
	goneBy map[string][]goneRule
}

// readGroup reads an aws_security_group or aws_default_security_group.
func (r *reader) readGroup(in *instance) {
	g := &sg.Group{ID: in.id}
	g.Name, _ = r.str(in, "name", false)
	if g.Name == "" && in.typ == "aws_default_security_group" {
		g.Name = "default"
	}
	g.Description, _ = r.str(in, "description", false)
	g.VPCID, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	if _, dup := r.sgs.byID[g.ID]; dup {
		r.fail(in, "id", g.ID, ErrInvalidPlan, "security group %s is planned twice", g.ID)
		return
	}
	r.replacedGroupFails(in) // groupreplace.go
	r.sgs.byID[g.ID] = g
	r.sgs.list = append(r.sgs.list, g.ID)
	r.eachInline(in, func(sub *instance, at string, dir flow.Direction, planned bool) {
		rules := r.blockRules(sub, at, dir, g.ID)
		if planned {
			r.sgs.planned[g.ID] = append(r.sgs.planned[g.ID], rules...)
			return
		}
		g.Rules = append(g.Rules, rules...)
	})
	r.sgs.inline[g.ID] = len(g.Rules)
}

// eachInline calls do for each inline ingress and egress block of in
// (a security group's rules, a network ACL's entries), as an instance of
// its own (inlineBlock), with the prefix of its attribute paths
// ("ingress[2].") and its direction: the blocks its configuration sets,
// and, planned, those of an attribute it leaves out on a resource that
// exists, which its planned values show as AWS holds them (the attribute
// is Optional and Computed: AWS keeps them; but an
// aws_default_network_acl's are not Computed: writesInline).
func (r *reader) eachInline(in *instance, do func(sub *instance, at string, dir flow.Direction, planned bool)) {
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		attr := inlineAttr(dir)
		planned := !in.writesInline(attr)
		if planned && in.created() {
			continue // a new resource's: the plan gives it none
		}
		if planned && isUnknown(in.unknown, attr) {
			// AWS keeps what it holds, which the plan does not say: no
			// rules would be a silent guess
			r.fail(in, attr, "", ErrUnknownValue, "known only after apply, and the configuration writes no blocks for it: the rules AWS keeps are not in the plan (write the blocks, or %s = [] to remove them)", attr)
			continue
		}
		bs, ok := blocks(in.values[attr])
		if !ok {
			r.fail(in, attr, "", ErrInvalidPlan, "not a list of blocks")
			continue
		}
		for i, b := range bs {
			do(r.inlineBlock(in, attr, i, len(bs), b), fmt.Sprintf("%s[%d].", attr, i), dir, planned)
		}
	}
}

// inlineBlock makes an instance of block i of the n blocks of the inline
// block list attr of in, whose references are the block's own when the configuration
// writes them per block, else the list's (since Terraform 1.1 the blocks
// of an attribute-as-block list share one references list).
func (r *reader) inlineBlock(in *instance, attr string, i, n int, b map[string]any) *instance {
	sub := &instance{addr: in.addr, module: in.module, typ: in.typ, index: in.index, values: b, unknown: elem(in.unknown, attr, i),
		block: &blockOf{owner: in, attr: attr, i: i}}
	if in.cfg == nil || in.cfg.Expressions[attr] == nil || in.cfg.Expressions[attr].ExpressionData == nil {
		return sub
	}
	e := in.cfg.Expressions[attr]
	if len(e.NestedBlocks) == n {
		cfg := *in.cfg
		cfg.Expressions = e.NestedBlocks[i]
		sub.cfg = &cfg
	} else {
		sub.shared = e
	}
	return sub
}

// blockRules reads an inline rule block (or a standalone
// aws_security_group_rule, whose attributes are alike) of group id into
// one rule per peer; at prefixes attribute paths in errors.
func (r *reader) blockRules(in *instance, at string, dir flow.Direction, id string) []sg.Rule {
	base := sg.Rule{Direction: dir}
	base.Description, _ = in.values["description"].(string)
	if !r.traffic(in, at, &base, "protocol", "from_port", "to_port") {
		return nil
	}
	var peers []sg.Peer
	for _, c := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
		ss, _, ok := strsOf(in, c)
		if !ok && !isUnknown(in.unknown, c) {
			r.fail(in, at+c, "", ErrInvalidPlan, "not a list of CIDR blocks")
			continue
		}
		if isUnknown(in.unknown, c) {
			peers = append(peers, r.unknownPeer(in, at+c)) // the whole list known only after apply
			continue
		}
		for j, s := range ss {
			if isUnknown(in.unknown, c, j) {
				peers = append(peers, r.unknownPeer(in, fmt.Sprintf("%s%s[%d]", at, c, j)))
				continue
			}
			p, ok := r.prefixAt(in, fmt.Sprintf("%s%s[%d]", at, c, j), s)
			if ok && (p.Addr().Is6() != (c == "ipv6_cidr_blocks")) {
				r.fail(in, fmt.Sprintf("%s%s[%d]", at, c, j), s, ErrInvalidPlan, "not an %s block", map[bool]string{true: "IPv6", false: "IPv4"}[c == "ipv6_cidr_blocks"])
				continue
			}
			if ok {
				peers = append(peers, sg.Peer{Kind: sg.PeerCIDR, CIDR: p})
			}
		}
	}
	pls, plOpen, l := r.resolveList(in, "prefix_list_ids", "aws_ec2_managed_prefix_list")
	for _, pl := range pls {
		peers = append(peers, sg.PrefixList(pl))
	}
	switch {
	case plOpen && in.shared != nil && len(l.ts) > 1:
		// lists of a references list the blocks share: the rule's peer
		// is undecided, as for security_groups below
		peers = append(peers, r.unknownPeer(in, at+"prefix_list_ids"))
	case plOpen:
		r.unknownLink(in, "prefix_list_ids", l)
	}
	gs, open := r.linkListOpen(in, "security_groups", groupTypes...)
	for _, g := range gs {
		peers = append(peers, sg.GroupRef(g))
	}
	if open { // groups no reference resolves: the rule could match anyone
		peers = append(peers, r.unknownPeer(in, at+"security_groups"))
	}
	switch g, ok, open := r.linkOneOpen(in, "source_security_group_id", groupTypes...); {
	case open:
		peers = append(peers, r.unknownPeer(in, at+"source_security_group_id"))
	case ok && g != "":
		peers = append(peers, sg.GroupRef(g))
	}
	switch {
	case isUnknown(in.unknown, "self"):
		// the group itself, or no peer: which is known only after apply
		peers = append(peers, r.unknownPeer(in, at+"self"))
	case r.boolean(in, "self"):
		peers = append(peers, sg.GroupRef(id))
	}
	return r.rulesOf(in, at, base, peers)
}

// rulesOf makes a rule of base for each peer; a rule whose ports are
// known only after apply (base.Ports unset on tcp or udp), or whose ICMP
// type or code is (from_port or to_port unknown on icmp or icmpv6),
// admits any port or ICMP type of its peer's addresses, its match
// unknown: an unknown peer within the CIDR block
// (reach.Builder.AddUnknownPeer), or among the group's members or the
// prefix list's entries (reach.Builder.AddUnknownPortsOf). A peer that is
// itself known only after apply could match anyone already.
func (r *reader) rulesOf(in *instance, at string, base sg.Rule, peers []sg.Peer) []sg.Rule {
	portsUnknown := base.Protocol.HasPorts() && base.Ports == flow.PortRange{} && !base.PortZero
	icmpUnknown := base.Protocol.IsICMP() && (isUnknown(in.unknown, "from_port") || isUnknown(in.unknown, "to_port"))
	out := make([]sg.Rule, 0, len(peers))
	for _, p := range peers {
		rule := base
		rule.Peer = p
		if portsUnknown || icmpUnknown {
			if portsUnknown {
				rule.Ports = flow.PortRange{Lo: 0, Hi: 65535}
			} else {
				rule.ICMPType, rule.ICMPCode = -1, -1
			}
			switch {
			case p.Kind == sg.PeerCIDR:
				rule.Peer = r.unknownPeer(in, at+"from_port", p.CIDR)
			case p.Kind == sg.PeerGroup && r.sgs.unknownPeers[p.Group]:
			default:
				rule.Peer = r.unknownPortsOf(in, at+"from_port", p)
			}
		}
		out = append(out, rule)
	}
	return out
}

// unknownPortsOf declares the peer of a rule whose ports are known only
// after apply and whose peer p is a group or a prefix list.
func (r *reader) unknownPortsOf(in *instance, path string, p sg.Peer) sg.Peer {
	of := p.Group + p.PrefixList
	id := in.addr + ":" + path + "@" + of
	what := in.addr + ": " + path + " (the ports of the rule for " + of + ")"
	if !r.sgs.unknownPeers[id] {
		r.sgs.unknownPeers[id] = true
		r.b.AddUnknownPortsOf(id, what, p)
		if p.Kind == sg.PeerPrefixList {
			r.sgs.portsOfLists = append(r.sgs.portsOfLists, p.PrefixList)
		}
	}
	r.rep.Warnings = append(r.rep.Warnings, what+": known only after apply: the queries this rule alone could allow are indeterminate")
	return sg.GroupRef(id)
}

// unknownPeer declares a rule's peer known only after apply, named after
// its address and attribute path; within narrows the addresses it could
// match.
func (r *reader) unknownPeer(in *instance, path string, within ...netip.Prefix) sg.Peer {
	id := in.addr + ":" + path
	if len(within) > 0 {
		id += "@" + within[0].String()
	}
	what := in.addr + ": " + path
	if len(within) > 0 {
		what += " (the ports of the rule for " + within[0].String() + ")"
	}
	if !r.sgs.unknownPeers[id] {
		r.sgs.unknownPeers[id] = true
		r.b.AddUnknownPeer(id, what, within...)
	}
	r.rep.Warnings = append(r.rep.Warnings, what+": known only after apply: the queries this rule alone could allow are indeterminate")
	return sg.GroupRef(id)
}

// traffic reads a rule's protocol and ports (or ICMP type and code) from
// the attributes proto, from and to, as Terraform writes them ("tcp",
// "TCP", "6", "-1", "all"). An ICMP or ICMPv6 rule needs both its type
// (from) and its code (to), -1 meaning all (AWS refuses one without the
// other: API_IpPermission, AuthorizeSecurityGroupIngress), but for an
// ICMPv6 rule that leaves both out, which allows every type and code;
// one whose type or code is known only after apply is read by rulesOf.
func (r *reader) traffic(in *instance, at string, rule *sg.Rule, proto, from, to string) bool {
	ps, ok := r.str(in, proto, true)
	if !ok {
		return false
	}
	p, err := flow.ParseProtocol(strings.TrimSpace(ps))
	if err != nil {
		r.fail(in, at+proto, ps, ErrInvalidPlan, "%v", err)
		return false
	}
	rule.Protocol, rule.ICMPType, rule.ICMPCode = p, -1, -1
	lo, okLo := number(in.values[from])
	hi, okHi := number(in.values[to])
	switch {
	case p.HasPorts() && (isUnknown(in.unknown, from) || isUnknown(in.unknown, to)):
		// known only after apply: Ports left unset, rulesOf makes each
		// peer's rule one whose match is unknown
	case p.HasPorts():
		if !okLo || !okHi {
			r.fail(in, at+from, "", ErrInvalidPlan, "%s needs %s and %s", p, from, to)
			return false
		}
		if lo < 0 || hi > 65535 || lo > hi {
			r.fail(in, at+from, fmt.Sprintf("%d-%d", lo, hi), ErrInvalidPlan, "ports are 0–65535, from before to")
			return false
		}
		rule.Ports = flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}
		rule.PortZero = rule.Ports == flow.PortRange{}
	case p.IsICMP() && (isUnknown(in.unknown, from) || isUnknown(in.unknown, to)):
		// known only after apply: rulesOf makes each peer's rule one
		// whose match is unknown
	case p.IsICMP() && okLo != okHi:
		// only aws_vpc_security_group_ingress_rule and _egress_rule
		// leave them Optional; the provider sends the one set alone
		set, missing, v := from, to, lo
		if okHi {
			set, missing, v = to, from, hi
		}
		r.fail(in, at+missing, "", ErrInvalidPlan, "an %s rule that sets %s (%d) but not %s: AWS requires both its ICMP type (%s) and code (%s); write -1 for all types or all codes",
			p, set, v, missing, from, to)
		return false
	case p == flow.ICMP && !okLo && !okHi:
		// only ICMPv6 may leave the type and code out (every type)
		r.fail(in, at+from, "", ErrInvalidPlan, "an icmp rule needs its ICMP type (%s) and code (%s), AWS refuses one without; write -1 for all types or all codes", from, to)
		return false
	case p.IsICMP() && okLo && okHi:
		if lo < -1 || lo > 255 || hi < -1 || hi > 255 || (lo == -1 && hi != -1) {
			r.fail(in, at+from, fmt.Sprintf("%d/%d", lo, hi), ErrInvalidPlan, "ICMP type and code are -1 (all) or 0–255, type -1 with code -1")
			return false
		}
		rule.ICMPType, rule.ICMPCode = int16(lo), int16(hi)
	}
	return true
}

// unknownOr is ErrUnknownValue when one of attrs of in is known only after
// apply, else ErrInvalidPlan.
func unknownOr(in *instance, attrs ...string) error {
	if slices.ContainsFunc(attrs, func(a string) bool { return isUnknown(in.unknown, a) }) {
		return ErrUnknownValue
	}
	return ErrInvalidPlan
}

// groupOf returns the group a standalone rule resource names in attr.
func (r *reader) groupOf(in *instance, attr string) *sg.Group {
	id, _ := r.linkOne(in, attr, groupTypes...)
	r.ensureStandIn(id) // a new VPC's default group, by reference
	g := r.sgs.byID[id]
	if g == nil && id != "" {
		r.fail(in, attr, id, ErrInvalidPlan, "no security group of the plan")
	}
	return g
}

// readGroupRule reads an aws_security_group_rule.
func (r *reader) readGroupRule(in *instance) {
	g := r.groupOf(in, "security_group_id")
	typ, _ := r.str(in, "type", true)
	dir := flow.Inbound
	switch typ {
	case "ingress":
	case "egress":
		dir = flow.Outbound
	default:
		r.fail(in, "type", typ, ErrInvalidPlan, "ingress or egress")
		return
	}
	if g != nil {
		g.Rules = append(g.Rules, r.racingRules(in, g, r.standaloneRules(in, g, dir, r.blockRules(in, "", dir, g.ID)))...) // race.go
	}
}

// readVPCGroupRule reads an aws_vpc_security_group_ingress_rule or
// _egress_rule: one peer each.
func (r *reader) readVPCGroupRule(in *instance) {
	if g, rule, ok := r.vpcGroupRule(in); ok && g != nil {
		g.Rules = append(g.Rules, r.racingRules(in, g, r.standaloneRules(in, g, rule.Direction, r.rulesOf(in, "", rule, []sg.Peer{rule.Peer})))...) // race.go
	}
}

// vpcGroupRule reads an aws_vpc_security_group_ingress_rule or
// _egress_rule: its group (nil when it names none of the plan) and its
// rule; ok is false when it cannot be read (an error is recorded).
func (r *reader) vpcGroupRule(in *instance) (g *sg.Group, rule sg.Rule, ok bool) {
	g = r.groupOf(in, "security_group_id")
	rule = sg.Rule{Direction: flow.Inbound}
	if in.typ == "aws_vpc_security_group_egress_rule" {
		rule.Direction = flow.Outbound
	}
	rule.ID, _ = in.values["security_group_rule_id"].(string)
	rule.Description, _ = in.values["description"].(string)
	if !r.traffic(in, "", &rule, "ip_protocol", "from_port", "to_port") {
		return g, rule, false
	}
	n := 0
	for _, c := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if isUnknown(in.unknown, c) && in.configured(c) && in.cfg != nil {
			rule.Peer, n = r.unknownPeer(in, c), n+1
			continue
		}
		if p, ok := r.prefix(in, c, false); ok {
			if p.Addr().Is6() != (c == "cidr_ipv6") {
				r.fail(in, c, p.String(), ErrInvalidPlan, "of the wrong address family")
				return g, rule, false
			}
			rule.Peer, n = sg.Peer{Kind: sg.PeerCIDR, CIDR: p}, n+1
		}
	}
	switch pl, ok, open := r.linkOneOpen(in, "prefix_list_id", "aws_ec2_managed_prefix_list"); {
	case open:
		rule.Peer, n = r.unknownPeer(in, "prefix_list_id"), n+1
	case ok && pl != "":
		rule.Peer, n = sg.PrefixList(pl), n+1
	}
	switch ref, ok, open := r.linkOneOpen(in, "referenced_security_group_id", groupTypes...); {
	case open:
		rule.Peer, n = r.unknownPeer(in, "referenced_security_group_id"), n+1
	case ok && ref != "":
		rule.Peer, n = sg.GroupRef(ref), n+1
	}
	if n != 1 {
		r.fail(in, "cidr_ipv4", "", unknownOr(in, "cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"),
			"a rule names one peer (cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id): %d given", n)
		return g, rule, false
	}
	return g, rule, true
}

// defaultGroup returns the ID of the default security group of the VPC
// whose model ID is vpc: the plan's aws_default_security_group for it, or,
// for a VPC the plan creates, the default group AWS makes with it (members
// reach each other, everything goes out), made here; "" with an error on
// in's attribute attr when the VPC exists and the plan does not manage
// its default group.
func (r *reader) defaultGroup(in *instance, attr, vpc string) string {
	for _, id := range r.sgs.list {
		if g := r.sgs.byID[id]; g.VPCID == vpc && r.byAdr[id] != nil && r.byAdr[id].typ == "aws_default_security_group" {
			return id
		}
	}
	v := r.net.vpcs[vpc]
	if v == nil || !v.created {
		r.fail(in, attr, "", ErrUnknownValue, "the interface gets its VPC's default security group, which the plan does not manage (aws_default_security_group)")
		return ""
	}
	return r.newDefaultGroup(v)
}

// finishGroups gives the groups to the builder, and declares each group
// a rule references that the plan does not hold (a group of another
// account, "123456789012/sg-…", or of a peered VPC the plan does not
// manage) unresolved: a query only such a rule could allow is
// indeterminate, as with an AWS dump that lacks it.
func (r *reader) finishGroups() {
	for _, id := range r.net.standInList {
		r.ensureStandIn(id) // the default groups only references name
	}
	var absent []string
	for _, id := range r.sgs.list {
		g := r.sgs.byID[id]
		r.interRegionRefs(g) // accounts.go
		r.b.AddSecurityGroup(*g)
		for _, rule := range g.Rules {
			_, refID := sg.SplitGroupRef(rule.Peer.Group) // "account/sg-…": reach reads it as the ID (Builder.AddSecurityGroup)
			if ref := rule.Peer.Group; rule.Peer.Kind == sg.PeerGroup && r.sgs.byID[refID] == nil && !r.sgs.unknownPeers[ref] && !slices.Contains(absent, ref) {
				absent = append(absent, ref)
				r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: a rule references security group %s, which the plan does not hold: the queries only it could allow are indeterminate", id, ref))
			}
		}
	}
	r.b.AddUnresolvedGroup(absent...)
}
