package aws

import (
	"fmt"
	"hash/maphash"
	"maps"
	"slices"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Security groups in the loader: describe-security-groups and
// describe-security-group-rules (parsed by sg.go's parsers), merged by group ID.

// groupRec is a group of describe-security-groups. When
// describe-security-group-rules lists rules of the same group, only those
// are used (assembleGroups), and the rules of g are dropped as soon as
// both are read (readGroups, readGroupRules): on a large account they are tens of
// megabytes alive while the other files are decoded.
type groupRec struct {
	g      sg.Group
	at     jsonloc.Loc // the describe-security-groups element
	nRules int         // rules describe-security-groups lists for it
	// sums are the hashes of those rules (ruleSums), kept to compare
	// with describe-security-group-rules' when the input holds both
	sums []uint64
}

// ruleSumSeed seeds ruleSums.
var ruleSumSeed = maphash.MakeSeed()

// ruleSums returns the hashes of rules, sorted, each once: the rules as a
// set, for comparing what describe-security-groups and
// describe-security-group-rules say of one group. A rule's ID (the
// latter's alone) and description are left out, and a referenced group
// is its ID (the account is printed by one command and not the other).
func ruleSums(rules []sg.Rule) []uint64 {
	sums := make([]uint64, len(rules))
	for i, r := range rules {
		r.ID, r.Description = "", ""
		_, r.Peer.Group = sg.SplitGroupRef(r.Peer.Group)
		sums[i] = maphash.Comparable(ruleSumSeed, r)
	}
	slices.Sort(sums)
	return slices.Compact(sums)
}

// checkRuleSets reports a group that describe-security-groups (gr) and
// describe-security-group-rules (rs) list with different rules: dumps
// taken at different times, or edited. Which one holds is unknown, and
// either would give certain answers, so the load is refused.
func (l *loader) checkRuleSets(id string, gr *groupRec, rs *ruleSetRec) bool {
	theirs := ruleSums(rs.rules)
	if slices.Equal(gr.sums, theirs) {
		return true
	}
	detail := ""
	for i, r := range rs.rules {
		if _, in := slices.BinarySearch(gr.sums, ruleSums(rs.rules[i : i+1])[0]); !in {
			detail = fmt.Sprintf(": the rule at %s (%s %s %s) is not in the former", rs.ruleAt[i].loc(), r.Direction, r.Traffic(), r.Peer)
			break
		}
	}
	if detail == "" {
		missing := 0
		for _, s := range gr.sums {
			if _, in := slices.BinarySearch(theirs, s); !in {
				missing++
			}
		}
		detail = fmt.Sprintf(": %d rule(s) of the former are not in the latter", missing)
	}
	l.fail(gr.at, id, "", ErrInvalidDump, "security group %s: describe-security-groups (%s) and describe-security-group-rules (%s) list different rules for it%s; the dumps disagree (taken at different times, or edited), and which one holds is unknown: take both again, or give one of them", id, gr.at.File, rs.at, detail)
	return false
}

type ruleSetRec struct {
	owner  string
	rules  []sg.Rule
	ruleAt []itemAt
	at     jsonloc.Loc // the first rule
}

// itemAt is the location of the i-th element of the list at *list (or of
// its field, when set), built only when an error or a warning needs it.
type itemAt struct {
	list  *jsonloc.Loc
	i     int
	field string
}

func (a itemAt) loc() jsonloc.Loc {
	if a.field == "" {
		return a.list.Index(a.i)
	}
	return a.list.Index(a.i).Field(a.field)
}

// readGroups takes in the groups of a describe-security-groups in file,
// as parseSecurityGroups or decodedGroups read them.
func (l *loader) readGroups(file string, read func() ([]sg.Group, error)) {
	gs, err := read()
	if err != nil {
		l.parserErr(file, err)
		return
	}
	for i, g := range gs {
		at := jsonloc.Loc{File: file, Path: jsonloc.Index("SecurityGroups", i)}
		if !l.claim("security group", g.ID, at.Field("GroupId")) {
			continue
		}
		gr := &groupRec{g: g, at: at, nRules: len(g.Rules), sums: ruleSums(g.Rules)}
		if l.ruleSets[g.ID] != nil {
			gr.g.Rules = nil // describe-security-group-rules gave them: see groupRec
		}
		l.groups[g.ID] = gr
	}
}

// readGroupRules takes in the rules of a describe-security-group-rules at
// o, as parseSecurityGroupRules or decodedRules read them: grouped, with
// the index of each rule's element.
func (l *loader) readGroupRules(o jsonloc.Loc, read func() ([]sg.Group, map[string]int, error)) {
	gs, index, err := read()
	if err != nil {
		l.parserErr(o.File, err)
		return
	}
	list := &o
	for _, g := range gs {
		rs := l.ruleSets[g.ID]
		for _, r := range g.Rules {
			at := itemAt{list: list, i: index[r.ID]}
			if first, dup := l.ruleIDs[r.ID]; dup {
				l.fail(at.loc().Field("SecurityGroupRuleId"), g.ID, r.ID, ErrInvalidDump, "rule %s is listed twice (first at %s)", r.ID, first.loc())
				continue
			}
			l.ruleIDs[r.ID] = at
			if rs == nil {
				rs = &ruleSetRec{owner: g.OwnerID, at: at.loc()}
				l.ruleSets[g.ID] = rs
				if gr := l.groups[g.ID]; gr != nil {
					gr.g.Rules = nil // see groupRec
				}
			}
			rs.rules = append(rs.rules, r)
			rs.ruleAt = append(rs.ruleAt, at)
		}
	}
}

func (l *loader) assembleGroups() {
	out := &l.out
	ids := map[string]bool{}
	for id := range l.groups {
		ids[id] = true
	}
	for id := range l.ruleSets {
		ids[id] = true
	}
	nRules := 0
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		gr, rs := l.groups[id], l.ruleSets[id]
		var g sg.Group
		var p placed
		switch {
		case gr != nil:
			g = gr.g
			p.base = gr.at
			p.set("ID", gr.at.Field("GroupId"))
			p.set("VPCID", gr.at.Field("VpcId"))
		default:
			g = sg.Group{ID: id, OwnerID: rs.owner, Flavour: sg.AWS}
			p.base = rs.at
			p.set("ID", rs.at.Field("GroupId"))
		}
		if rs != nil {
			if gr != nil && !l.checkRuleSets(id, gr, rs) {
				continue
			}
			if gr != nil && gr.nRules != len(rs.rules) {
				l.warn(gr.at, "security group %s: describe-security-groups lists %d rules, describe-security-group-rules %d; using the latter", id, gr.nRules, len(rs.rules))
			}
			g.Rules = rs.rules
			p.setList("Rules", lazyList{n: len(rs.ruleAt), items: rs.ruleAt})
		} else {
			p.setList("Rules", lazyList{n: len(g.Rules), all: gr.at})
		}
		nRules += len(g.Rules)
		out.groups = append(out.groups, g)
		out.groupAt = append(out.groupAt, p)
	}
	l.report.Counts["security-groups"] = len(out.groups)
	l.report.Counts["security-group-rules"] = nRules
	l.unresolvedReferences(ids)
}

// unresolvedReferences warns, once per group, of the groups rules
// reference that no file holds (in a peered VPC or another account, or
// not dumped), and declares them to the builder: a query only such a rule
// could allow is indeterminate, never an error for the whole input.
func (l *loader) unresolvedReferences(held map[string]bool) {
	out := &l.out
	warned := map[string]bool{}
	for gi, g := range out.groups {
		for ri, r := range g.Rules {
			ref := r.Peer.Group
			if r.Peer.Kind != sg.PeerGroup || held[ref] || warned[ref] {
				continue
			}
			warned[ref] = true
			out.unresolved = append(out.unresolved, ref)
			at := out.groupAt[gi].lookup(fmt.Sprintf("Rules[%d]", ri))
			if vpc, ok := l.groupsOut[ref]; ok {
				out.leftOut = append(out.leftOut, reach.LeftOutGroup{ID: ref, VPC: vpc})
				l.warn(at, "security group %s (referenced by %s rule %s) is left out with its VPC %s (not among the VPCs chosen): queries only its rules could allow are indeterminate (check, ports and sources exit 3)",
					ref, g.ID, r.Label(ri), vpc)
				continue
			}
			l.warn(at, "security group %s (referenced by %s rule %s) is not in the input (a group in a peered VPC or another account?): queries only its rules could allow are indeterminate (check, ports and sources exit 3); add it with aws ec2 describe-security-groups --group-ids %s where it lives",
				ref, g.ID, r.Label(ri), ref)
		}
	}
}
