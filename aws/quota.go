package aws

import (
	"slices"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// AWS quotas, as lint: the model's [reach.Model.QuotaWarnings] (the quota
// table lives there), each placed at the file and JSON path of the
// resource it counts.

// warnQuotas adds to report a warning for every quota m is above, each
// placed by quotaPlace, and sorts the report's warnings again.
func warnQuotas(m *reach.Model, report *Report, odd map[string]jsonloc.Loc) {
	ws := m.QuotaWarnings()
	if len(ws) == 0 {
		return
	}
	for _, w := range ws {
		o, ok := quotaPlace(m, odd, w.Kind, w.Resource)
		if !ok {
			o = jsonloc.Loc{Resource: w.Resource}
		}
		report.Warnings = append(report.Warnings, o.String()+": "+w.String())
	}
	slices.Sort(report.Warnings)
}

// setOrigins tells the builder where each security group, network ACL,
// route table, firewall, interface, prefix list and stateful rule group
// came from (reach.Model.Origin): the element of each, for lint findings;
// and where each rule describe-security-group-rules gave is
// (reach.Builder.SetRuleOrigins), for the findings about one.
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
		// rules describe-security-group-rules gave: each at its own element
		if rs := l.ruleSets[g.ID]; rs != nil && len(rs.ruleAt) == len(rs.rules) {
			ros := make([]reach.RuleOrigin, len(rs.rules))
			for j, r := range rs.rules {
				at := rs.ruleAt[j]
				ros[j] = reach.RuleOrigin{Rule: r.ID, File: at.list.File, List: at.list.Path, Index: at.i}
			}
			b.SetRuleOrigins(g.ID, ros)
		}
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

// quotaOrigins are, for each kind of resource a reach.QuotaWarning
// names, the kind of its origin (reach.Model.Origin) and the field of it
// that holds what the quota counts ("" for the element as a whole).
var quotaOrigins = map[string]struct{ kind, field string }{
	"security group":    {reach.ResourceSecurityGroup, ""},
	"network interface": {reach.ResourceInterface, "Groups"},
	"network ACL":       {reach.ResourceNetworkACL, "Entries"},
	"route table":       {reach.ResourceRouteTable, "Routes"},
	"prefix list":       {reach.ResourcePrefixList, ""},
}

// quotaPlace is the JSON of what a quota of kind counts for the resource
// id, as a reach.QuotaWarning names them: the place odd gives
// (oddQuotaPlaces), else the resource's origin in m, or its field that
// holds what is counted.
func quotaPlace(m *reach.Model, odd map[string]jsonloc.Loc, kind, id string) (jsonloc.Loc, bool) {
	if o, ok := odd[kind+" "+id]; ok {
		return o, true
	}
	k, ok := quotaOrigins[kind]
	if !ok {
		return jsonloc.Loc{}, false
	}
	org, ok := m.Origin(k.kind, id)
	if !ok {
		return jsonloc.Loc{}, false
	}
	o := jsonloc.Loc{File: org.File, Path: org.Path}
	if k.field != "" {
		o = o.Field(k.field)
	}
	return o, true
}

// oddQuotaPlaces maps kind + " " + ID, as a reach.QuotaWarning names a
// resource, to the JSON of what it counts, for the resources where that
// is not their origin (setOrigins) or a field of it: the groups
// describe-security-groups holds whose rules describe-security-group-rules
// gave (the rules' place: the group's first rule there, whatever
// describe-security-groups lists), the firewalls (their policy), the
// stateful rule groups (their place with its resource). The loader keeps
// these few past its records' end (load), for warnQuotas.
func (l *loader) oddQuotaPlaces() map[string]jsonloc.Loc {
	at := map[string]jsonloc.Loc{}
	out := &l.out
	for _, g := range out.groups {
		if rs := l.ruleSets[g.ID]; rs != nil && l.groups[g.ID] != nil {
			at["security group "+g.ID] = rs.at
		}
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
