package aws

import (
	"slices"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// AWS quotas, as lint: the model's [reach.Model.QuotaWarnings] (the quota
// table lives there), each placed at the file and JSON path of the
// resource it counts.

// warnQuotas adds a warning for every quota m is above and sorts the
// report's warnings again.
func (l *loader) warnQuotas(m *reach.Model) {
	ws := m.QuotaWarnings()
	if len(ws) == 0 {
		return
	}
	at := l.quotaPlaces()
	for _, w := range ws {
		o, ok := at[w.Kind+" "+w.Resource]
		if !ok {
			o = jsonloc.Loc{Resource: w.Resource}
		}
		l.warn(o, "%s", w)
	}
	slices.Sort(l.report.Warnings)
}

// setOrigins tells the builder where each security group, network ACL,
// route table, firewall, interface, prefix list and stateful rule group
// came from (reach.Model.Origin): the element of each, for lint findings.
func (l *loader) setOrigins(b *reach.Builder) {
	out := &l.out
	set := func(kind, id string, o jsonloc.Loc) {
		b.SetOrigin(kind, id, reach.Origin{File: o.File, Path: o.Path})
	}
	for i, g := range out.groups {
		o := out.groupAt[i].base
		if gr := l.groups[g.ID]; gr != nil {
			o = gr.at
		}
		set(reach.ResourceSecurityGroup, g.ID, o)
	}
	for _, e := range out.ifaces {
		set(reach.ResourceInterface, e.id, e.at)
	}
	for _, r := range out.acls {
		set(reach.ResourceNetworkACL, r.acl.ID, r.at)
	}
	for _, r := range out.rts {
		set(reach.ResourceRouteTable, r.rt.ID, r.at)
	}
	for _, r := range out.lists {
		set(reach.ResourcePrefixList, r.list.ID, r.at)
	}
	for i, f := range out.fws {
		set(reach.ResourceFirewall, f.ID, out.fwAt[i].base)
	}
	for _, r := range l.ruleGroups {
		if r.g.Stateful != nil {
			set(reach.ResourceStatefulRuleGroup, r.g.Stateful.Label(), r.at)
		}
	}
}

// quotaPlaces maps kind + " " + ID, as a reach.QuotaWarning names a
// resource, to the JSON of what it counts.
func (l *loader) quotaPlaces() map[string]jsonloc.Loc {
	at := map[string]jsonloc.Loc{}
	out := &l.out
	for i, g := range out.groups {
		o := out.groupAt[i].base
		if gr := l.groups[g.ID]; gr != nil && l.ruleSets[g.ID] == nil {
			o = gr.at // the rules are its IpPermissions and IpPermissionsEgress
		}
		at["security group "+g.ID] = o
	}
	for _, e := range out.ifaces {
		at["network interface "+e.id] = e.at.Field("Groups")
	}
	for _, r := range out.acls {
		at["network ACL "+r.acl.ID] = r.at.Field("Entries")
	}
	for _, r := range out.rts {
		at["route table "+r.rt.ID] = r.at.Field("Routes")
	}
	for _, r := range out.lists {
		at["prefix list "+r.list.ID] = r.at
	}
	for i, f := range out.fws {
		o := out.fwAt[i].base
		if p, ok := out.fwAt[i].field("Policy"); ok {
			o = p
		}
		at["firewall "+f.ID] = o
	}
	for _, r := range l.ruleGroups {
		if r.g.Stateful != nil {
			at["stateful rule group "+r.g.Stateful.Label()] = r.at
		}
	}
	return at
}
