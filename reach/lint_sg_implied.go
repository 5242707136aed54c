package reach

import (
	"maps"
	"slices"

	"github.com/reachsim/reachsim/internal/addrset"
)

// SG_RULE_IMPLIED findings are safe to follow together: removing every
// rule they name changes no verdict. Each rule implied on its own is not
// enough (a rule and its two halves each are implied by the others, and
// removing all three closes what they allowed), so the rules are weighed one at a time, from
// the last to the first (by group ID, then by position in the group): a
// rule is reported when the rules still kept imply it in every set of
// groups that holds its group; it is then no longer a cover. So a rule
// goes in favour of earlier rules that imply it (of a rule and its two
// halves listed after it, the halves go; of two equal rules, the
// second); a finding names as its cover rules that are kept, never one
// reported itself.
//
// Removing a rule the kept rules imply leaves the union of the kept
// rules' packets as it was (for the rules whose peer keeps its meaning
// once a packet's identity is lost, and for all), so the removals add up.

// ruleKey names a rule: its group and its position there.
type ruleKey struct {
	group string
	index int
}

// impliedBy reports whether rules[k] is implied by the other rules that
// are not gone, and which of them cover it (positions in rules).
func impliedBy(rules []sgRule, k int) (bool, []int) {
	r := &rules[k]
	if !r.known || r.addrs.IsEmpty() {
		return false, nil
	}
	var boxes []box
	var who []int
	for j := range rules {
		o := &rules[j]
		if j == k || o.gone || !o.known || o.rule.Direction != r.rule.Direction || (o.ref && !r.ref) || !o.b.meets(r.b) ||
			!o.addrs.Overlaps(r.addrs) {
			continue
		}
		boxes, who = append(boxes, o.b), append(who, j)
	}
	addrs := make([]addrset.Set, len(who))
	for i, j := range who {
		addrs[i] = rules[j].addrs
	}
	ok, used := coverCells(boxes, addrs, r.b, r.addrs)
	for i, c := range used {
		used[i] = who[c]
	}
	return ok, used
}

// coverCells reports whether the boxes with their address sets cover
// every packet of the box dom with an address of want: on every cell of
// dom's partition by the boxes, the addresses of the boxes that hold the
// cell cover want together. used are the boxes (positions in boxes)
// that cover some of want on some cell, in order. Every box must meet
// dom.
func coverCells(boxes []box, addrs []addrset.Set, dom box, want addrset.Set) (bool, []int) {
	if len(boxes) == 0 {
		return false, nil
	}
	cands := make([]int32, len(boxes))
	for i := range cands {
		cands[i] = int32(i)
	}
	used := map[int]bool{}
	ok := partition(boxes, cands, slices.Clone(dom), 0, nil, func(_ box, cs []int32) bool {
		for _, c := range cs { // one box holds it all: the common case
			if want.SubsetOf(addrs[c]) {
				used[int(c)] = true
				return true
			}
		}
		var u addrset.Set
		for _, c := range cs {
			u = u.Union(addrs[c])
		}
		if !want.SubsetOf(u) {
			return false
		}
		for _, c := range cs {
			if addrs[c].Overlaps(want) {
				used[int(c)] = true
			}
		}
		return true
	})
	return ok, slices.Sorted(maps.Keys(used))
}

// impliedSet is one set of groups (an interface's, or an unused group
// alone) linted: its rules flattened in order (nil when a group is not
// of AWS's flavour: nothing in the set is implied), where each group's
// rules start, and for each rule whether the others imply it and by
// which (positions in rules).
type impliedSet struct {
	groups  []string
	rules   []sgRule
	start   map[string]int
	implied []bool
	used    [][]int
}

// lintSet decides every rule of groups on its own, against all the
// others. No group is listed twice (Build refuses a group attached twice
// to one interface).
func (gl *groupLint) lintSet(groups []string) impliedSet {
	s := impliedSet{groups: groups}
	rules, ok := gl.rulesOf(groups)
	if !ok {
		return s
	}
	s.rules, s.start = rules, map[string]int{}
	for i := len(rules) - 1; i >= 0; i-- {
		s.start[rules[i].group] = i - rules[i].index
	}
	s.implied, s.used = make([]bool, len(rules)), make([][]int, len(rules))
	for k := range rules {
		s.implied[k], s.used[k] = impliedBy(rules, k)
	}
	return s
}

// impliedRules returns the rules to report as implied, jointly (see
// above), each with the labels of the kept rules that imply it in the
// first set that holds its group.
func (gl *groupLint) impliedRules(sets [][]string, o LintOptions) map[ruleKey][]string {
	per := make([]impliedSet, len(sets))
	parallel(len(sets), lintWorkers(o), func(k int) { per[k] = gl.lintSet(sets[k]) })
	holding := map[string][]int{} // the sets that hold each group
	for k, s := range per {
		for _, g := range s.groups {
			holding[g] = append(holding[g], k)
		}
	}
	at := func(s *impliedSet, key ruleKey) int { return s.start[key.group] + key.index }
	// The candidates: rules implied on their own in every set that holds
	// their group; removing others only takes covers away.
	var cands []ruleKey
	for _, id := range slices.Sorted(maps.Keys(gl.rules)) {
		for i := range gl.rules[id] {
			key := ruleKey{id, i}
			ok := len(holding[id]) > 0 && len(gl.m.usedOutside[id]) == 0 // a group used outside the model is kept whole
			for _, k := range holding[id] {
				if s := &per[k]; s.rules == nil || !s.implied[at(s, key)] {
					ok = false
					break
				}
			}
			if ok {
				cands = append(cands, key)
			}
		}
	}
	gone := map[ruleKey]bool{}
	for c := len(cands) - 1; c >= 0; c-- {
		key, ok := cands[c], true
		for _, k := range holding[key.group] {
			s := &per[k]
			x := at(s, key)
			if !slices.ContainsFunc(s.used[x], func(j int) bool { return s.rules[j].gone }) {
				continue // its cover is kept whole
			}
			if s.implied[x], s.used[x] = impliedBy(s.rules, x); !s.implied[x] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		gone[key] = true
		for _, k := range holding[key.group] {
			s := &per[k]
			s.rules[at(s, key)].gone = true
		}
	}
	out := make(map[ruleKey][]string, len(gone))
	for key := range gone {
		s := &per[holding[key.group][0]]
		x := at(s, key)
		used := s.used[x]
		if slices.ContainsFunc(used, func(j int) bool { return s.rules[j].gone }) {
			_, used = impliedBy(s.rules, x) // covered by the rules kept, as the greedy order keeps the union whole
		}
		labels := make([]string, 0, len(used))
		for _, j := range used {
			labels = append(labels, s.rules[j].label())
		}
		out[key] = labels
	}
	return out
}
