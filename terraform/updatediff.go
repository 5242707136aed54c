package terraform

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// What an owner's update writes. The provider applies the update of a
// security group, network ACL or route table that exists as the
// difference between its inline blocks before (the prior state: the
// resource_changes entry's before values) and after (its planned
// values), not by rewriting them all:
//
//   - a group (aws_security_group, aws_default_security_group) splits
//     each block into one rule per source (cidr, IPv6 cidr, prefix list,
//     group, self) and revokes the rules of before that after lacks, then
//     authorizes those of after that before lacks (rules equal in
//     ports, protocol, source and description);
//   - an ACL (aws_network_acl, aws_default_network_acl) deletes the
//     entries of before that after lacks (by rule number and direction),
//     then creates those of after that before lacks (entries equal in
//     every value);
//   - a route table (aws_route_table, aws_default_route_table) creates a
//     route of after whose destination before lacks, replaces one whose
//     target differs, and deletes one of before whose destination after
//     lacks.
//
// So a permission, entry number or destination that every block of
// before and after naming it holds alike (or that none names) is one the
// update leaves as it is, in whatever order it runs beside the delete of
// a standalone rule or route of it, which then removes it for sure. One
// the update writes (authorizes, creates, replaces), or whose blocks hold
// a value known only after apply, or that before does not show, stays
// undecided (the callers keep it a rule, entry or route whose match is
// unknown).

// beforeOf returns the before values of the resource_changes entry of the
// managed resource addr (its current object's), nil when the plan has
// none.
func (r *reader) beforeOf(addr string) map[string]any {
	if r.befores == nil {
		r.befores = map[string]map[string]any{}
		for _, rc := range r.plan.ResourceChanges {
			if rc == nil || rc.Change == nil || rc.DeposedKey != "" {
				continue
			}
			if b, ok := rc.Change.Before.(map[string]any); ok {
				r.befores[modelAddr(rc.Address)] = b
			}
		}
	}
	return r.befores[addr]
}

// updateBlocks returns the blocks attr of owner before and after its
// update in place, ok false when the update may not be told from them:
// owner is not updated, its planned blocks hold a value known only after
// apply, or either side is not a list of blocks.
func (r *reader) updateBlocks(owner *instance, attr string) (before, after []map[string]any, ok bool) {
	if !owner.updated() || anyUnknown(attrUnknown(owner, attr)) {
		return nil, nil, false
	}
	b := r.beforeOf(owner.addr)
	bv, av := b[attr], owner.values[attr]
	if bv == nil || av == nil {
		return nil, nil, false
	}
	before, okB := blocks(bv)
	after, okA := blocks(av)
	return before, after, okB && okA
}

// canon is the JSON of v (maps by sorted keys): equal for values equal
// in every part.
func canon(v any) (string, bool) {
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// changed returns the elements of before and after that only one of them
// holds (by key), ok false when a key cannot be made.
func changed[E any](before, after []E, key func(E) (string, bool)) ([]E, bool) {
	keys := func(es []E) (map[string]bool, bool) {
		m := map[string]bool{}
		for _, e := range es {
			k, ok := key(e)
			if !ok {
				return nil, false
			}
			m[k] = true
		}
		return m, true
	}
	bk, okB := keys(before)
	ak, okA := keys(after)
	if !okB || !okA {
		return nil, false
	}
	var out []E
	for _, e := range before {
		if k, _ := key(e); !ak[k] {
			out = append(out, e)
		}
	}
	for _, e := range after {
		if k, _ := key(e); !bk[k] {
			out = append(out, e)
		}
	}
	return out, true
}

// sgSources are the source attributes of an inline security group rule
// block, one rule each per element ("self": one when true).
var sgSources = []string{"cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups", "self"}

// sgElem is one rule of an inline block: the block's other values, and
// one source.
type sgElem struct {
	block        map[string]any
	kind, source string
}

// sgElems splits blocks into one rule per source, as the provider does
// before it compares them; ok is false when a source is not of the form
// the provider writes.
func sgElems(bs []map[string]any) ([]sgElem, bool) {
	var out []sgElem
	for _, b := range bs {
		rest := map[string]any{}
		for k, v := range b {
			rest[k] = v
		}
		for _, k := range sgSources {
			delete(rest, k)
		}
		switch self := b["self"].(type) {
		case nil:
		case bool:
			if self {
				out = append(out, sgElem{rest, "self", ""})
			}
		default:
			return nil, false
		}
		for _, k := range sgSources[:4] {
			ss, ok := strs(b[k])
			if !ok {
				return nil, false
			}
			for _, s := range ss {
				out = append(out, sgElem{rest, k, s})
			}
		}
	}
	return out, true
}

// updateKeepsRule reports whether the update in place of owner, a
// security group, leaves its permission rule as it is: no rule its
// update revokes or authorizes (of its inline blocks of rule's
// direction, before against after) may be that permission. A rule
// resource, or an owner not updated, is not such an update: false.
func (r *reader) updateKeepsRule(owner *instance, rule sg.Rule) bool {
	if owner.typ != "aws_security_group" && owner.typ != "aws_default_security_group" {
		return false
	}
	before, after, ok := r.updateBlocks(owner, inlineAttr(rule.Direction))
	if !ok {
		return false
	}
	be, okB := sgElems(before)
	ae, okA := sgElems(after)
	if !okB || !okA {
		return false
	}
	diff, ok := changed(be, ae, func(e sgElem) (string, bool) {
		k, ok := canon(e.block)
		return k + "|" + e.kind + "|" + e.source, ok
	})
	if !ok {
		return false
	}
	for _, e := range diff {
		if r.mayBeRule(owner, e, rule) {
			return false
		}
	}
	return true
}

// mayBeRule reports whether e, a rule of an inline block of owner, may be
// the permission rule (same protocol, ports or ICMP type and code, and
// peer): true where it cannot tell. Group and prefix list peers are
// told apart by kind only.
func (r *reader) mayBeRule(owner *instance, e sgElem, rule sg.Rule) bool {
	switch e.kind {
	case "cidr_blocks", "ipv6_cidr_blocks":
		p, err := netip.ParsePrefix(strings.TrimSpace(e.source))
		if err == nil && (rule.Peer.Kind != sg.PeerCIDR || p.Masked() != rule.Peer.CIDR.Masked()) {
			return false
		}
	case "prefix_list_ids":
		if rule.Peer.Kind != sg.PeerPrefixList {
			return false
		}
	default: // security_groups, self
		if rule.Peer.Kind != sg.PeerGroup {
			return false
		}
	}
	base := sg.Rule{Direction: rule.Direction}
	ok := false
	r.quietly(func() {
		ok = r.traffic(&instance{addr: owner.addr, typ: owner.typ, values: e.block}, "", &base, "protocol", "from_port", "to_port")
	})
	switch {
	case !ok:
		return true
	case base.Protocol != rule.Protocol:
		return false
	case base.Protocol.HasPorts():
		return base.Ports == rule.Ports && base.PortZero == rule.PortZero
	case base.Protocol.IsICMP():
		return base.ICMPType == rule.ICMPType && base.ICMPCode == rule.ICMPCode
	}
	return true
}

// updateKeepsEntry reports whether the update in place of owner, a
// network ACL, leaves its entry of e's rule number and direction as it
// is: no entry its update deletes or creates (of its blocks of e's
// direction, before against after) has that number.
func (r *reader) updateKeepsEntry(owner *instance, e nacl.Entry) bool {
	if owner.typ != "aws_network_acl" && owner.typ != "aws_default_network_acl" {
		return false
	}
	before, after, ok := r.updateBlocks(owner, inlineAttr(e.Direction))
	if !ok {
		return false
	}
	diff, ok := changed(before, after, func(b map[string]any) (string, bool) { return canon(b) })
	if !ok {
		return false
	}
	for _, b := range diff {
		if n, ok := number(b["rule_no"]); !ok || n == int64(e.Number) {
			return false
		}
	}
	return true
}

// routeDests are the destination attributes of a route block.
var routeDests = []string{"cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"}

// updateKeepsRoute reports whether the update in place of owner, a route
// table, leaves its route to route's destination as it is: before and
// after each hold a block that may be of that destination, and all such
// blocks are alike in every value (the provider compares destinations as
// written, and replaces a route whose target changed). A block of a
// prefix list destination may be that of any prefix list route.
func (r *reader) updateKeepsRoute(owner *instance, route reach.Route) bool {
	if owner.typ != "aws_route_table" && owner.typ != "aws_default_route_table" || routeKey(route) == "" {
		return false
	}
	before, after, ok := r.updateBlocks(owner, "route")
	if !ok {
		return false
	}
	mayBe := func(b map[string]any) bool {
		for _, d := range routeDests {
			s, _ := b[d].(string)
			if s == "" {
				continue
			}
			if d == "destination_prefix_list_id" {
				return route.PrefixList != ""
			}
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			return err != nil || route.PrefixList == "" && p.Masked() == route.Destination.Masked()
		}
		return true // no destination it can read
	}
	var want string
	seen := [2]bool{}
	for i, side := range [][]map[string]any{before, after} {
		for _, b := range side {
			if !mayBe(b) {
				continue
			}
			k, ok := canon(b)
			if !ok || want != "" && k != want {
				return false
			}
			want, seen[i] = k, true
		}
	}
	return seen[0] && seen[1]
}

// keptNote ends the warning of a rule, entry or route of an owner the
// plan updates that a standalone resource the plan deletes removes
// while the update leaves it as it is.
const keptNote = ", which the owner's update leaves as it is (its blocks before and after hold it alike, and the provider writes only what they change), and which nothing adds back until the next apply: it is not in the model"

// updateDeletesEntry reports whether the update in place of owner, a
// network ACL, deletes an entry of rule number n in direction dir: a
// block of before that after lacks (every value compared) has that
// number. The provider's update deletes it with DeleteNetworkAclEntry and
// fails when the entry is gone already.
func (r *reader) updateDeletesEntry(owner *instance, n int, dir flow.Direction) bool {
	if owner.typ != "aws_network_acl" && owner.typ != "aws_default_network_acl" {
		return false
	}
	before, after, ok := r.updateBlocks(owner, inlineAttr(dir))
	if !ok {
		return false
	}
	kept := map[string]bool{}
	for _, b := range after {
		if k, ok := canon(b); ok {
			kept[k] = true
		}
	}
	for _, b := range before {
		k, ok := canon(b)
		if m, okN := number(b["rule_no"]); ok && okN && m == int64(n) && !kept[k] {
			return true
		}
	}
	return false
}

// deletedByBoth refuses the update in place of in, a network ACL, that
// deletes an entry an aws_network_acl_rule the plan deletes (or replaces
// by another entry) deletes too. Terraform runs the rule's delete first
// (the rule depends on the ACL, and a dependency's update waits for its
// dependents' deletes); the ACL's update then meets an entry that is no
// longer there, which the provider reports as an error
// (InvalidNetworkAclEntry.NotFound), and the rest of the update is not
// made: the plan does not apply.
func (r *reader) deletedByBoth(in *instance, id string) {
	if !in.updated() {
		return
	}
	r.deletedEntry(id, nacl.Entry{}) // builds r.acls.deleted
	for _, k := range slices.SortedFunc(maps.Keys(r.acls.deleted[id]), func(a, b entryKey) int {
		return cmp.Or(cmp.Compare(a.dir, b.dir), cmp.Compare(a.number, b.number))
	}) {
		if r.updateDeletesEntry(in, k.number, k.dir) {
			r.fail(in, inlineAttr(k.dir), "", ErrInvalidPlan, "its update deletes entry %d (%s), which an aws_network_acl_rule the plan deletes deletes too: Terraform deletes the rule first, and the ACL's update then fails on the missing entry (InvalidNetworkAclEntry.NotFound), so the plan does not apply as planned", k.number, inlineAttr(k.dir))
		}
	}
}
