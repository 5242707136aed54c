package reach

import (
	"maps"
	"slices"
	"strings"
)

// LeftOutGroup is a security group the input holds but a loader leaves
// out with its VPC (aws.Options.VPCs): rules of the design reference it,
// and it is an unresolved group as [Builder.AddUnresolvedGroup] declares
// one (a query only such a rule could allow is indeterminate), but it is
// not missing: the reference is not stale, and lint reports no
// REF_MISSING_GROUP for it, saying in [LintResult.Skipped] that the
// rules referencing it are not weighed.
type LeftOutGroup struct {
	// ID is the group's ID ("sg-0a").
	ID string
	// VPC is the ID of the VPC it was left out with ("vpc-0a").
	VPC string
}

// AddLeftOutGroup declares security groups left out with their VPC
// ([LeftOutGroup]); each is declared unresolved too
// ([Builder.AddUnresolvedGroup]). Build refuses one without an ID or a
// VPC, or one the design holds.
func (b *Builder) AddLeftOutGroup(g ...LeftOutGroup) *Builder {
	b.leftOut = append(b.leftOut, g...)
	for _, x := range g {
		if x.ID != "" {
			b.external = append(b.external, x.ID) // unresolved (buildUnresolved checks it)
		}
	}
	return b
}

// buildLeftOut records the groups declared with AddLeftOutGroup, after
// buildUnresolved has declared them unresolved (or refused one the
// design holds).
func (b *Builder) buildLeftOut(p *problems, m *Model) {
	for i, g := range b.leftOut {
		switch {
		case g.ID == "" || strings.ContainsAny(g.ID, " \t\n"):
			p.add(g.ID, path("leftOutGroups", i, "ID"), g.ID, "a left-out group needs its ID, without spaces")
		case g.VPC == "" || strings.ContainsAny(g.VPC, " \t\n"):
			p.add(g.ID, path("leftOutGroups", i, "VPC"), g.VPC, "a left-out group needs the ID of its VPC, without spaces")
		case m.unresolved[g.ID]: // not a group of the design (buildUnresolved)
			if m.leftOut == nil {
				m.leftOut = map[string]string{}
			}
			m.leftOut[g.ID] = g.VPC
		}
	}
}

// LeftOutGroups returns the groups declared with
// [Builder.AddLeftOutGroup], sorted by ID.
func (m *Model) LeftOutGroups() []LeftOutGroup {
	out := make([]LeftOutGroup, 0, len(m.leftOut))
	for _, id := range slices.Sorted(maps.Keys(m.leftOut)) {
		out = append(out, LeftOutGroup{ID: id, VPC: m.leftOut[id]})
	}
	return out
}
