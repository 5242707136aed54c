package terraform

import (
	"fmt"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Values the provider computes. An attribute that is Optional and
// Computed and that the configuration leaves out (a group's ingress, an
// ACL's entries or subnet_ids, an instance's vpc_security_group_ids) is
// planned as AWS reported it at refresh, with what other resources did to
// it: standalone rules, associations, attachments. The plan's changes to
// those resources are undone here: what a resource the plan deletes or
// replaces gave is taken away. And a standalone rule on a group or ACL
// whose configuration writes inline blocks of its direction, the mix the
// provider documents as a conflict, is revoked by the group's or ACL's
// update when the update's values lack it (an aws_default_network_acl's
// blocks are always its configuration's: writesInline). A rule resource
// the plan deletes, or replaces by one of other values, revokes its
// (old) permission whoever else writes it (revokedByDelete,
// deletedEntry).

// inlineAttr is the inline block attribute of direction dir.
func inlineAttr(dir flow.Direction) string {
	if dir == flow.Outbound {
		return "egress"
	}
	return "ingress"
}

// anyUnknown reports whether the after_unknown mirror u marks a value
// inside it known only after apply.
func anyUnknown(u any) bool {
	switch v := u.(type) {
	case bool:
		return v
	case []any:
		return slices.ContainsFunc(v, anyUnknown)
	case map[string]any:
		for _, e := range v {
			if anyUnknown(e) {
				return true
			}
		}
	}
	return false
}

// attrUnknown is the after_unknown mirror of attribute attr of in.
func attrUnknown(in *instance, attr string) any {
	m, ok := in.unknown.(map[string]any)
	if !ok {
		return in.unknown
	}
	return m[attr]
}

// sameRule reports whether a and b allow the same traffic from the same
// peer: one permission to AWS, whatever its description.
func sameRule(a, b sg.Rule) bool {
	a.ID, a.Description, b.ID, b.Description = "", "", "", ""
	return a == b
}

// mixWarning is the warning for a standalone rule resource in on the
// group or ACL owner whose configuration writes inline blocks attr.
func mixWarning(in, owner *instance, attr string) string {
	if !owner.configured(attr) {
		return fmt.Sprintf("%s: %s manages its %s entries (they are not Computed: left out, they are planned empty), which the provider documents as incompatible with aws_network_acl_rule (its update deletes what its %s leaves out): write the entries one way", in.addr, owner.addr, attr, attr)
	}
	return fmt.Sprintf("%s: %s writes inline %s blocks too, which the provider documents as a conflict (its update revokes what the blocks leave out): write the rules one way", in.addr, owner.addr, attr)
}

// standaloneRules returns those of rules, the rules of the standalone
// rule resource in on group g, that g holds after apply. When g's
// configuration writes inline blocks of their direction (the documented
// conflict, warned of), an update of an existing g revokes a rule of an
// existing in that its planned blocks lack: such a rule is left out, and
// is one whose match is unknown when the blocks hold values known only
// after apply; a rule the blocks hold is there once.
func (r *reader) standaloneRules(in *instance, g *sg.Group, dir flow.Direction, rules []sg.Rule) []sg.Rule {
	owner, attr := r.byAdr[g.ID], inlineAttr(dir)
	if !in.created() {
		rules = r.revokedByDelete(in, g.ID, rules)
	}
	inline := g.Rules[:r.sgs.inline[g.ID]]
	held := func(rule sg.Rule) bool {
		return slices.ContainsFunc(inline, func(b sg.Rule) bool { return sameRule(rule, b) })
	}
	if r.unorderedAdoption(in, owner, "security_group_id") {
		what := adoptionWhat(in, owner, "security_group_id")
		var out []sg.Rule
		for _, rule := range rules {
			if !held(rule) { // one the adoption writes stays, once
				out = append(out, r.maybeRule(in, what, rule))
			}
		}
		return out
	}
	if removedByAdoption(in, owner) { // adoption.go
		r.rep.Warnings = append(r.rep.Warnings, adoptionRemovesWarning(in, owner))
		return nil // a rule the adoption lists is in its blocks already
	}
	if owner == nil || owner.cfg == nil || !owner.configured(attr) {
		return rules
	}
	r.rep.Warnings = append(r.rep.Warnings, mixWarning(in, owner, attr))
	if in.created() || !owner.updated() {
		return rules // added after the group's update, or no update
	}
	open := anyUnknown(attrUnknown(owner, attr))
	var out []sg.Rule
	for _, rule := range rules {
		switch {
		case held(rule):
			// the group's blocks hold it: it stays, once
		case open:
			out = append(out, r.maybeRule(in, fmt.Sprintf("%s (whether the update of %s keeps it: its %s blocks are known only after apply)", in.addr, owner.addr, attr), rule))
		default:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the update of %s revokes its rule, which the %s blocks lack: it is not in the model", in.addr, owner.addr, attr))
		}
	}
	return out
}

// maybeRule makes rule, of the standalone resource in, one whose match is
// unknown, for the reason what: whether the group holds it after apply
// is known only then (the update of its group, whose inline blocks hold
// values known only after apply, may revoke it; or the adoption of a
// default group, in no set order with it, may: unorderedAdoption).
func (r *reader) maybeRule(in *instance, what string, rule sg.Rule) sg.Rule {
	p := rule.Peer
	if p.Kind == sg.PeerGroup && r.sgs.unknownPeers[p.Group] {
		return rule // it could match anyone already
	}
	id := in.addr + ":kept@" + p.CIDR.String() + p.Group + p.PrefixList
	if !r.sgs.unknownPeers[id] {
		r.sgs.unknownPeers[id] = true
		if p.Kind == sg.PeerCIDR {
			r.b.AddUnknownPeer(id, what, p.CIDR)
		} else {
			r.b.AddUnknownPortsOf(id, what, p)
			if p.Kind == sg.PeerPrefixList {
				r.sgs.portsOfLists = append(r.sgs.portsOfLists, p.PrefixList)
			}
		}
	}
	r.rep.Warnings = append(r.rep.Warnings, what+": the queries this rule alone could allow are indeterminate")
	rule.Peer = sg.GroupRef(id)
	return rule
}

// standaloneRuleTypes are the resource types of one security group rule
// or network ACL entry each.
var standaloneRuleTypes = []string{"aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_network_acl_rule"}

// goneRules returns the rules each security group rule resource the
// plan deletes, replaces or updates in place had (its before values), by
// the model ID of its group: AWS revokes or changes them at apply.
func (r *reader) goneRules() map[string][]sg.Rule {
	return r.goneRulesOf(func(*instance) bool { return true })
}

// deletedRules returns, as goneRules, the rules of the security group
// rule resources the plan deletes and does not create again, and those
// of the ones it replaces that the new object does not hold (of the
// same group): AWS revokes each such permission at apply, whoever else
// names it (revokedByDelete), and the create adds only the new ones. (A
// replacement with create_before_destroy whose new object holds an old
// permission fails: racingRules.)
func (r *reader) deletedRules() map[string][]sg.Rule {
	if r.sgs.deleted != nil {
		return r.sgs.deleted
	}
	r.sgs.deleted = map[string][]sg.Rule{}
	r.eachGoneRule(func(in *instance) bool { return in.action.Delete() || in.action.Replace() }, func(in *instance, gid string, rule sg.Rule) {
		if in.action.Replace() && r.replacementHolds(in, gid, rule) {
			return // the create puts it back
		}
		r.sgs.deleted[gid] = append(r.sgs.deleted[gid], rule)
	})
	return r.sgs.deleted
}

// replacementHolds reports whether the new object of g, a security group
// rule resource the plan replaces, holds rule in group gid, read
// quietly.
func (r *reader) replacementHolds(g *instance, gid string, rule sg.Rule) bool {
	in := r.byAdr[g.addr]
	if in == nil || !in.created() {
		return false
	}
	held := false
	r.quietly(func() {
		r.eachRuleOf(in, func(id string, b sg.Rule) { held = held || id == gid && sameRule(rule, b) })
	})
	return held
}

// goneRulesOf is goneRules for the resources keep takes.
func (r *reader) goneRulesOf(keep func(*instance) bool) map[string][]sg.Rule {
	out := map[string][]sg.Rule{}
	r.eachGoneRule(keep, func(_ *instance, gid string, rule sg.Rule) { out[gid] = append(out[gid], rule) })
	return out
}

// eachGoneRule calls fn with each rule, and the model ID of its group, of
// the security group rule resources the plan deletes, replaces or updates
// in place (goneOf) that keep takes, read quietly.
func (r *reader) eachGoneRule(keep func(*instance) bool, fn func(in *instance, gid string, rule sg.Rule)) {
	r.quietly(func() {
		for _, in := range r.gone {
			if keep(in) {
				r.eachRuleOf(in, func(gid string, rule sg.Rule) { fn(in, gid, rule) })
			}
		}
	})
}

// eachRuleOf calls fn with each rule, and the model ID of its group, of
// in when it is a standalone security group rule resource.
func (r *reader) eachRuleOf(in *instance, fn func(gid string, rule sg.Rule)) {
	switch in.typ {
	case "aws_security_group_rule":
		g := r.groupOf(in, "security_group_id")
		typ, _ := in.values["type"].(string)
		if g == nil || typ != "ingress" && typ != "egress" {
			return
		}
		dir := flow.Inbound
		if typ == "egress" {
			dir = flow.Outbound
		}
		for _, rule := range r.blockRules(in, "", dir, g.ID) {
			fn(g.ID, rule)
		}
	case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		if g, rule, ok := r.vpcGroupRule(in); ok && g != nil {
			fn(g.ID, rule)
		}
	}
}

// revokedByDelete returns rules, the rules of in (a standalone rule
// resource that exists, or the inline blocks of group id that its
// configuration writes), less those a rule resource the plan deletes
// also names: AWS holds one permission, and the delete revokes it, which
// nothing puts back until the next apply. When in is updated (a group
// whose update may write the permission again, a rule modified in
// place), in no set order with the delete, such a rule is one whose
// match is unknown, unless in is a group whose update leaves the
// permission as it is (updateKeepsRule): then it is gone too.
func (r *reader) revokedByDelete(in *instance, id string, rules []sg.Rule) []sg.Rule {
	deleted := r.deletedRules()[id]
	if len(deleted) == 0 {
		return rules
	}
	var out []sg.Rule
	for _, rule := range rules {
		switch {
		case !slices.ContainsFunc(deleted, func(b sg.Rule) bool { return sameRule(rule, b) }):
			out = append(out, rule)
		case in.updated() && r.updateKeepsRule(in, rule): // updatediff.go
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: a rule resource the plan deletes (or replaces by another permission) revokes the same permission (%s)%s", in.addr, rule, keptNote))
		case in.updated():
			out = append(out, r.maybeRule(in, fmt.Sprintf("%s (whether AWS holds its rule after apply: a rule resource the plan deletes (or replaces by another permission) revokes the same permission, in no set order with its update)", in.addr), rule))
		default:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: a rule resource the plan deletes (or replaces by another permission) revokes the same permission (%s), which nothing adds back until the next apply: it is not in the model", in.addr, rule))
		}
	}
	return out
}

// settleGroups gives each group the rules AWS holds for the inline blocks
// its configuration leaves out (before its other rules, as its blocks
// come), less those a standalone rule resource the plan deletes or
// replaces revokes and those a standalone rule of the plan gives it.
func (r *reader) settleGroups() {
	gone := r.goneRules()
	for _, id := range r.sgs.list {
		g := r.sgs.byID[id]
		if owner, n := r.byAdr[id], r.sgs.inline[id]; owner != nil && !owner.created() && n > 0 {
			inline := r.revokedByDelete(owner, id, slices.Clone(g.Rules[:n]))
			g.Rules = append(inline, g.Rules[n:]...)
			r.sgs.inline[id] = len(inline)
		}
		var kept []sg.Rule
		for _, rule := range r.sgs.planned[id] {
			same := func(b sg.Rule) bool { return sameRule(rule, b) }
			if !slices.ContainsFunc(gone[id], same) && !slices.ContainsFunc(g.Rules, same) {
				kept = append(kept, rule)
			}
		}
		if len(kept) > 0 {
			g.Rules = append(kept, g.Rules...)
		}
	}
}

// entryKey names a network ACL entry: AWS holds one of each rule number
// and direction.
type entryKey struct {
	number int
	dir    flow.Direction
}

// pendingEntry is an ACL entry read, not yet given to its ACL.
type pendingEntry struct {
	e nacl.Entry
	u unknownEntry
}

// standaloneEntry reports whether ACL a holds entry e of the
// aws_network_acl_rule in after apply, as standaloneRules for a group: an
// update of an existing a whose configuration writes inline blocks of
// e's direction deletes an existing entry its blocks lack; the entry
// is one whose match is unknown (declared here) when the blocks hold
// values known only after apply, and an entry of the blocks with e's
// number stands in its place. u says which of e's values are known only
// after apply (an entry declared here keeps them unknown). sure says e's direction is known: an entry
// of a rule whose egress is known only after apply may be of either
// direction, so it takes the place of no entry AWS keeps (settleACLs) in
// either: the kept entry of its number stays, and where the rule's
// direction turns out to be the kept entry's, AWS refuses the rule
// (NetworkAclEntryAlreadyExists) and the kept entry decides.
func (r *reader) standaloneEntry(in *instance, a *nacl.ACL, e nacl.Entry, u unknownEntry, sure bool) bool {
	key := entryKey{e.Number, e.Direction}
	owner, attr := r.byAdr[a.ID], inlineAttr(e.Direction)
	if g := r.cbdUnknownEntry(a.ID, e); !in.created() && g != "" {
		what := unknownStay(in.addr, g, "network ACL, rule number or direction")
		r.b.AddUnknownACLEntry(unknownACLEntries(a.ID, what, e, u, true)...)
		r.rep.Warnings = append(r.rep.Warnings, what+": the queries whose answer it could change are indeterminate")
		return false
	}
	if !in.created() && r.deletedEntry(a.ID, e) {
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: an aws_network_acl_rule the plan deletes (or replaces by another entry) removes entry %d of this direction, which nothing adds back until the next apply: it is not in the model", in.addr, e.Number))
		return false
	}
	if r.unorderedAdoption(in, owner, "network_acl_id") {
		if r.acls.inline[a.ID][key] {
			return false // the ACL's blocks hold an entry of that number: theirs stands
		}
		what := adoptionWhat(in, owner, "network_acl_id")
		r.b.AddUnknownACLEntry(unknownACLEntries(a.ID, what, e, u, true)...)
		r.rep.Warnings = append(r.rep.Warnings, what+": the queries whose answer it could change are indeterminate")
		return false
	}
	if removedByAdoption(in, owner) { // adoption.go
		r.rep.Warnings = append(r.rep.Warnings, adoptionRemovesWarning(in, owner))
		return false
	}
	if owner == nil || owner.cfg == nil || !owner.writesInline(attr) {
		if !sure {
			return true
		}
		if r.acls.standalone[a.ID] == nil {
			r.acls.standalone[a.ID] = map[entryKey]bool{}
		}
		r.acls.standalone[a.ID][key] = true
		return true
	}
	r.rep.Warnings = append(r.rep.Warnings, mixWarning(in, owner, attr))
	switch {
	case in.created() && owner.updated() && r.retakenEntry(a.ID, e) && !r.updateKeepsEntry(owner, e):
		what := fmt.Sprintf("%s (which values entry %d holds after apply: its replacement deletes the entry and adds its own, in no set order with the update of %s, whose %s blocks write it)", in.addr, e.Number, owner.addr, attr)
		r.b.AddUnknownACLEntry(unknownACLEntries(a.ID, what, e, u, true)...)
		r.rep.Warnings = append(r.rep.Warnings, what+": the queries whose answer it could change are indeterminate")
		return false
	case in.created() || !owner.updated():
		return true
	case r.acls.inline[a.ID][key]:
		return false // the ACL's blocks hold an entry of that number: theirs stands
	case anyUnknown(attrUnknown(owner, attr)):
		what := fmt.Sprintf("%s (whether the update of %s keeps it: its %s blocks are known only after apply)", in.addr, owner.addr, attr)
		r.b.AddUnknownACLEntry(unknownACLEntries(a.ID, what, e, u, true)...)
		r.rep.Warnings = append(r.rep.Warnings, what+": the queries whose answer it could change are indeterminate")
		return false
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the update of %s deletes its entry, which the %s blocks lack: it is not in the model", in.addr, owner.addr, attr))
	return false
}

// unnumberedEntry reports whether ACL a holds, after apply, an entry of
// direction dir of the aws_network_acl_rule in whose rule_number is known
// only after apply: an entry whose place, so whose match, is unknown
// (declared at number 1: it may come before any entry, or decide
// nothing), beside the entries AWS keeps, whose numbers it cannot take
// (AWS refuses a second entry of a number). The entry of a number it
// replaces, delete first or create_before_destroy, is gone
// (deletedEntry).
func (r *reader) unnumberedEntry(in *instance, a *nacl.ACL, dir flow.Direction) bool {
	owner, attr := r.byAdr[a.ID], inlineAttr(dir)
	if removedByAdoption(in, owner) { // adoption.go
		r.rep.Warnings = append(r.rep.Warnings, adoptionRemovesWarning(in, owner))
		return false
	}
	if owner != nil && owner.cfg != nil && owner.writesInline(attr) {
		r.rep.Warnings = append(r.rep.Warnings, mixWarning(in, owner, attr))
	}
	return true
}

// settleACLs gives each ACL the entries AWS holds for the inline blocks
// its configuration leaves out, less those an aws_network_acl_rule the
// plan deletes or replaces removes and those of a rule number an
// aws_network_acl_rule of the plan gives it (one entry per number and
// direction: the rule's values are those after apply). One that an
// aws_network_acl_rule replaced with create_before_destroy by one whose
// ACL, number or direction is known only after apply removes may stay
// (cbdUnknownEntry): an entry whose match is unknown.
func (r *reader) settleACLs() {
	gone := r.goneEntries(func(*instance) bool { return true })
	for _, id := range r.acls.list {
		for _, p := range r.acls.planned[id] {
			key := entryKey{p.e.Number, p.e.Direction}
			if p.u.number {
				r.addEntry(r.acls.acls[id], p.e, p.u) // its place unknown: no number to settle
				continue
			}
			if r.acls.standalone[id][key] {
				continue
			}
			if gone[id][key] {
				g := r.cbdUnknownEntry(id, p.e)
				if g == "" {
					continue
				}
				p.u.cidr, p.u.v6 = true, p.e.CIDR.Addr().Is6()
				p.u.what = unknownStay(fmt.Sprintf("%s %s entry %d", id, inlineAttr(p.e.Direction), p.e.Number), g, "network ACL, rule number or direction")
				r.rep.Warnings = append(r.rep.Warnings, p.u.what+": the queries whose answer it could change are indeterminate")
			}
			r.addEntry(r.acls.acls[id], p.e, p.u)
		}
	}
}

// deletedEntry reports whether an aws_network_acl_rule the plan deletes
// (and does not create again), or replaces with one of another ACL, rule
// number or direction, names entry e of ACL id: DeleteNetworkAclEntry
// removes the entry of its number and direction whoever else writes it
// (an inline block of a configuration that keeps it, an
// aws_network_acl_rule imported), and nothing puts it back until the
// next apply. (A replacement with create_before_destroy keeping them
// fails: cbdSameEntry.)
func (r *reader) deletedEntry(id string, e nacl.Entry) bool {
	if r.acls.deleted == nil {
		r.acls.deleted = r.goneEntries(func(in *instance) bool {
			if in.action.Delete() {
				return true
			}
			if !in.action.Replace() {
				return false
			}
			acl, key, ok := r.entryOf(in)
			n := r.byAdr[in.addr]
			if n == nil || !n.created() {
				return true
			}
			nid, nkey, nok := r.entryOf(n)
			return !ok || !nok || acl != nid || key != nkey
		})
	}
	return r.acls.deleted[id][entryKey{e.Number, e.Direction}]
}

// cbdUnknownEntry returns the address of an aws_network_acl_rule the
// plan replaces with create_before_destroy whose old entry is entry e of
// ACL id and whose new one's ACL, rule number or direction is known only
// after apply ("" when none): where the new one turns out to be the old
// one's, AWS refuses it (NetworkAclEntryAlreadyExists) and the old entry
// stays, so whether it does is unknown.
func (r *reader) cbdUnknownEntry(id string, e nacl.Entry) string {
	key := entryKey{e.Number, e.Direction}
	for _, g := range r.goneOf("aws_network_acl_rule") {
		if !g.action.Replace() || !g.action.CreateBeforeDestroy() {
			continue
		}
		acl, gkey, ok := r.entryOf(g)
		n := r.byAdr[g.addr]
		if !ok || acl != id || gkey != key || n == nil || !n.created() {
			continue
		}
		if _, _, nok := r.entryOf(n); !nok {
			return g.addr
		}
	}
	return ""
}

// unknownStay is the What of an entry or route that stays only when the
// create_before_destroy replacement of addr fails (cbdUnknownEntry,
// cbdUnknownRoute).
func unknownStay(what, addr, values string) string {
	return fmt.Sprintf("%s (whether it stays: %s is replaced with create_before_destroy by one whose %s is known only after apply, and AWS refuses the new one where it is the old one's, keeping the old)", what, addr, values)
}

// retakenEntry reports whether an aws_network_acl_rule the plan replaces,
// delete first, by one of the same ACL, rule number and direction names
// entry e of ACL id: the delete removes the entry of that number and
// direction whoever else writes it (an inline block of a configuration
// that keeps it), and the create adds the new rule's values: one entry,
// the new one's (standaloneEntry adds it).
func (r *reader) retakenEntry(id string, e nacl.Entry) bool {
	if r.acls.retaken == nil {
		r.acls.retaken = r.goneEntries(func(in *instance) bool {
			if !in.action.Replace() || in.action.CreateBeforeDestroy() {
				return false // create_before_destroy keeping the entry fails: cbdSameEntry
			}
			acl, key, ok := r.entryOf(in)
			n := r.byAdr[in.addr]
			if !ok || n == nil || !n.created() {
				return false
			}
			nid, nkey, nok := r.entryOf(n)
			return nok && acl == nid && key == nkey
		})
	}
	return r.acls.retaken[id][entryKey{e.Number, e.Direction}]
}

// goneEntries returns, by ACL, the entries of the aws_network_acl_rule
// resources the plan deletes or replaces that keep takes.
func (r *reader) goneEntries(keep func(*instance) bool) map[string]map[entryKey]bool {
	gone := map[string]map[entryKey]bool{}
	for _, in := range r.goneOf("aws_network_acl_rule") {
		if !keep(in) {
			continue
		}
		id, key, ok := r.entryOf(in)
		if !ok {
			continue
		}
		if gone[id] == nil {
			gone[id] = map[entryKey]bool{}
		}
		gone[id][key] = true
	}
	return gone
}

// entryOf returns the model ID of the ACL of in, an aws_network_acl_rule,
// and the number and direction of its entry; ok is false when one of
// them is not known (or its ACL is none of the plan).
func (r *reader) entryOf(in *instance) (id string, key entryKey, ok bool) {
	t := r.byID[fmt.Sprint(in.values["network_acl_id"])]
	n, nok := number_(in, "rule_number")
	if t == nil || !nok || isUnknown(in.unknown, "egress") {
		return "", key, false
	}
	dir := flow.Inbound
	if eg, _ := in.values["egress"].(bool); eg {
		dir = flow.Outbound
	}
	return t.id, entryKey{int(n), dir}, true
}

// computedSubnets returns subnets, the computed subnet_ids of the ACL in
// that exists (where AWS has its subnets now), less those an
// aws_network_acl_association the plan deletes or replaces moves away
// from it: deleted, the subnet goes back to its VPC's default ACL,
// replaced, to the new association's ACL. They are recorded as claimed by
// where AWS had them only (assignACLs).
func (r *reader) computedSubnets(in *instance, subnets []string) []string {
	for _, g := range r.goneOf("aws_network_acl_association") {
		acl, _ := g.values["network_acl_id"].(string)
		sub, _ := g.values["subnet_id"].(string)
		switch {
		case acl == "" || sub == "":
			// a replaced one moves its subnet where the plan says;
			// a deleted one is an error (checkGoneAssociations)
		case acl == in.known:
			if t := r.byID[sub]; t != nil {
				sub = t.id
			}
			subnets = slices.DeleteFunc(subnets, func(s string) bool { return s == sub })
		}
	}
	r.acls.computed[in.id] = slices.Clone(subnets)
	return subnets
}

// checkGoneAssociations refuses an aws_network_acl_association the plan
// deletes whose values before do not say which subnet it takes from which
// ACL, when an ACL's computed subnet_ids may list the subnet.
func (r *reader) checkGoneAssociations() {
	if len(r.acls.computed) == 0 {
		return
	}
	for _, g := range r.goneOf("aws_network_acl_association") {
		acl, _ := g.values["network_acl_id"].(string)
		sub, _ := g.values["subnet_id"].(string)
		if (acl == "" || sub == "") && !g.action.Replace() {
			r.fail(g, "subnet_id", "", ErrInvalidPlan, "the plan deletes this association, and its values before do not say which subnet it takes from which network ACL, whose computed subnet_ids may list it")
		}
	}
}

// namesENI reports whether a resource of the plan is the network
// interface eni: an aws_network_interface, or an instance's primary one.
func (r *reader) namesENI(eni string) bool {
	return slices.ContainsFunc(r.insts, func(in *instance) bool {
		p, _ := in.values["primary_network_interface_id"].(string)
		return in.typ == "aws_network_interface" && in.known == eni || in.typ == "aws_instance" && p == eni
	})
}

// dropDetached takes from the groups of it, read from attr of in, which
// its configuration leaves out (computed: the groups AWS had on the
// interface, attachments' too), those an
// aws_network_interface_sg_attachment the plan deletes or replaces
// detaches from the interface whose ID is eni ("" when the plan does not
// say); a replaced one attaches its group again (readSGAttachment). An
// attachment of one of its groups to an interface the plan does not name
// may be the interface's when eni is not known: the group is then one of
// its groups known only after apply ([reach.Interface.GroupsUnknown]).
func (r *reader) dropDetached(in *instance, it *reach.Interface, attr, eni string) {
	for _, g := range r.goneOf("aws_network_interface_sg_attachment") {
		sgID, _ := g.values["security_group_id"].(string)
		on, _ := g.values["network_interface_id"].(string)
		if t := r.byID[sgID]; t != nil {
			sgID = t.id
		}
		switch {
		case eni != "" && on == eni:
			it.Groups = slices.DeleteFunc(it.Groups, func(s string) bool { return s == sgID })
		case eni == "" && slices.Contains(it.Groups, sgID) && !r.namesENI(on):
			// it may have the group, or not: groups known in part
			// only add what they allow
			it.Groups = slices.DeleteFunc(it.Groups, func(s string) bool { return s == sgID })
			r.groupsUnknown(in, it, fmt.Sprintf("%s (whether %s, which the plan deletes, detaches %s from it)", attr, g.addr, sgID))
		}
	}
}

// releasedEIP returns the address of an aws_eip or aws_eip_association
// the plan deletes or replaces whose public address is pub: the address
// leaves the instance at apply ("" when none).
func (r *reader) releasedEIP(pub string) string {
	for _, typ := range []string{"aws_eip_association", "aws_eip"} {
		for _, g := range r.goneOf(typ) {
			if p, _ := g.values["public_ip"].(string); p == pub {
				return g.addr
			}
		}
	}
	return ""
}
