package reach

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
)

// Lint from the other reports: the audit's exposures (EXPOSED_RISKY,
// EXPOSED_RISKY_INDETERMINATE, EXPOSED_RISKY_CLOSED) and the quota
// warnings (QUOTA_…).

// quotaKinds maps the kinds QuotaWarning names in words to those of
// lint findings.
var quotaKinds = map[string]string{"security group": ResourceSecurityGroup, "network interface": ResourceInterface,
	"network ACL": ResourceNetworkACL, "route table": ResourceRouteTable, "prefix list": ResourcePrefixList,
	"firewall": ResourceFirewall, "stateful rule group": ResourceStatefulRuleGroup}

// lintQuotas turns the quota warnings into findings.
func (m *Model) lintQuotas() []LintFinding {
	ids := map[string]string{
		quotas.groupRules.Name:               LintQuotaGroupRules,
		quotas.groupsPerInterface.Name:       LintQuotaGroupsPerIface,
		quotas.aclRules.Name:                 LintQuotaACLEntries,
		quotas.routes.Name:                   LintQuotaRoutes,
		quotas.listEntries.Name:              LintQuotaPrefixList,
		quotas.statefulGroupRules.Name:       LintQuotaFirewall,
		quotas.statefulPolicyRules.Name:      LintQuotaFirewall,
		quotas.statelessGroupsPerPolicy.Name: LintQuotaFirewall,
		quotas.statefulGroupsPerPolicy.Name:  LintQuotaFirewall,
		quotas.aliGroupsPerInterface.Name:    LintQuotaGroupsPerIface,
		quotas.aliInterfaceRules.Name:        LintQuotaGroupRules,
		quotas.aliListEntries.Name:           LintQuotaPrefixList,
	}
	var out []LintFinding
	for _, w := range m.quotaWarnings {
		fix := fmt.Sprintf("bring %s %s down to %d %s", w.Kind, w.Resource, w.Limit, w.What)
		if w.Quota.Max > w.Limit && w.Count <= w.Quota.Max {
			who := "AWS"
			if w.Quota.Doc == ecsRules {
				who = "Alibaba Cloud"
			}
			fix += fmt.Sprintf(", or ask %s to raise %q (up to %d)", who, w.Quota.Name, w.Quota.Max)
		}
		if w.Missing != "" { // the count is the least it can be
			fix += "; the count is the least it can be: " + w.Missing
		}
		out = append(out, LintFinding{ID: ids[w.Quota.Name], Severity: Medium, Kind: quotaKinds[w.Kind], Resource: w.Resource, Rule: w.What,
			Message: w.String(), Fix: fix})
	}
	return append(out, m.declaredCapacity()...)
}

// declaredCapacity finds stateful rule groups with more rules than the
// capacity they declare (a group's capacity is fixed when it is created:
// AWS refuses the rules beyond it). Stateless groups are checked by
// Build.
func (m *Model) declaredCapacity() []LintFinding {
	var out []LintFinding
	seen := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(m.firewalls)) {
		for _, ref := range m.firewalls[id].Policy.Stateful.Groups {
			g := ref.Group
			rules, err := g.Rules()
			if err != nil || g.Capacity <= 0 || len(rules) <= g.Capacity || seen[g.Label()] {
				continue
			}
			seen[g.Label()] = true
			out = append(out, LintFinding{ID: LintQuotaFirewall, Severity: Medium, Kind: ResourceStatefulRuleGroup, Resource: g.Label(), Rule: "rules",
				Message: fmt.Sprintf("stateful rule group %s holds %d rules, above the capacity of %d it was created with", g.Label(), len(rules), g.Capacity),
				Fix:     fmt.Sprintf("create the group anew with a capacity of at least %d (a group's capacity cannot change), or remove rules", len(rules))})
		}
	}
	return out
}

// lintExposure audits the design (IPv4, and IPv6 when an interface has
// an IPv6 address), from every client port, and turns the findings into lint findings, one per
// service, exposure and set of opening rules. A design the audit does
// not answer (values known only later it cannot follow: Audit's
// [ErrQuery]) is not audited: skipped says so.
func (m *Model) lintExposure(o LintOptions) (out []LintFinding, skipped []string, err error) {
	v6 := false
	for _, ii := range m.ifaceOrder {
		if _, ok := ii.addr(true); ok {
			v6 = true
			break
		}
	}
	for _, fam := range []bool{false, true} {
		if fam && !v6 {
			break
		}
		res, err := m.Audit(AuditOptions{Catalogue: o.Catalogue, IPv6: fam, Workers: o.Workers})
		if errors.Is(err, ErrQuery) {
			return nil, []string{"EXPOSED_RISKY: not audited: " + err.Error()}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		out = append(out, m.exposureFindings(res.Findings)...)
	}
	return out, nil, nil
}

// exposureFindings groups audit findings by service, exposure and
// opening rules (and, for one closed by an interface's own Alibaba Cloud
// groups, the closing drop rule and the accept rules that never decide),
// in the audit's order.
func (m *Model) exposureFindings(fs []Finding) []LintFinding {
	type group struct {
		f      Finding
		same   *sameLayerText
		ifaces []string
	}
	var order []string
	by := map[string]*group{}
	var gl *groupLint
	for _, f := range fs {
		var same *sameLayerText
		if f.sameLayer != nil && f.Exposure == Closed {
			if gl == nil {
				gl = &groupLint{m: m, members: m.groupMemberSets()}
				gl.prepareAlibaba()
			}
			same = gl.sameLayer(f)
		}
		k := fmt.Sprintf("%s|%s|%s|%s|%t|%v", f.Service, f.Protocol, f.Exposure, strings.Join(f.OpenedBy, ";"), f.Address.Is6(), same)
		g := by[k]
		if g == nil {
			g = &group{f: f, same: same}
			by[k] = g
			order = append(order, k)
		}
		name := f.Interface
		if f.Name != "" {
			name = f.Name + " (" + f.Interface + ")"
		}
		g.ifaces = append(g.ifaces, fmt.Sprintf("%s [%s]", name, f.Address))
	}
	out := make([]LintFinding, 0, len(order))
	for _, k := range order {
		out = append(out, exposureFinding(by[k].f, by[k].same, by[k].ifaces))
	}
	return out
}

// sameLayerText is what closes a service on an interface whose own
// Alibaba Cloud groups close it: the deciding drop rule, and the opening
// accept rules that never decide there, each with the rules that hide it.
type sameLayerText struct {
	drop string   // "drop rule a2-drop of sg-a2 (priority 1)"
	dead []string // "sg-a1 rule a1-ssh (…), which sg-a2 rule a2-drop (…) hides"
}

// sameLayer words what closes f, a Closed finding that its interface's
// own Alibaba Cloud groups close.
func (gl *groupLint) sameLayer(f Finding) *sameLayerText {
	c := f.sameLayer
	t := &sameLayerText{drop: fmt.Sprintf("drop rule %s of %s (priority %d)", ruleName(c.rule, c.drop.index), c.drop.group, c.rule.Priority)}
	for i, key := range c.opens {
		if ok, by := gl.hiddenOn(c.groups, key); ok && i < len(f.OpenedBy) {
			t.dead = append(t.dead, fmt.Sprintf("%s, which %s %s", f.OpenedBy[i], strings.Join(by, ", "), plural(len(by), "hides", "hide")))
		}
	}
	return t
}

// exposureFinding words one group of audit findings; same, when the
// interfaces' own Alibaba Cloud groups close the service, says how.
func exposureFinding(f Finding, same *sameLayerText, ifaces []string) LintFinding {
	group, rule, _ := strings.Cut(f.OpenedBy[0], " rule ")
	rule, _, _ = strings.Cut(rule, " (")
	on := ifaces[0]
	if len(ifaces) > 1 {
		on += fmt.Sprintf(" and %d more", len(ifaces)-1)
	}
	svc := fmt.Sprintf("%s (%s/%s)", f.Service, f.Protocol, f.Ports)
	lf := LintFinding{Kind: ResourceSecurityGroup, Resource: group, Rule: rule, Related: append(ifaces, f.OpenedBy...)}
	opened := "opened by " + strings.Join(f.OpenedBy, ", ")
	restrict := fmt.Sprintf("restrict %s rule %s to the addresses that need %s, or remove it", group, rule, f.Service)
	if f.Exposure == Closed && same != nil {
		lf.ID, lf.Severity = LintExposedRiskyClosed, Low
		closed := fmt.Sprintf("closed by %s of the same security groups, which comes first (%s)", same.drop, strings.Join(closedTexts(f.ClosedBy), ", "))
		if len(same.dead) == len(f.OpenedBy) {
			lf.Message = fmt.Sprintf("%s on %s is not open: the accept %s dead there, never deciding: %s; %s", svc, on,
				plural(len(same.dead), "rule that would open it is", "rules that would open it are"), strings.Join(same.dead, "; "), closed)
			lf.Fix = fmt.Sprintf("remove %s rule %s, which never decides there (the service stays closed); or, if %s should be open, give it a smaller priority number than the rules that hide it",
				group, rule, f.Service)
			return lf
		}
		lf.Message = fmt.Sprintf("%s on %s is %s, but %s", svc, on, opened, closed)
		if len(same.dead) > 0 {
			lf.Message += fmt.Sprintf("; dead there, never deciding: %s", strings.Join(same.dead, "; "))
		}
		lf.Fix = fmt.Sprintf("%s: today only %s of the same security groups keeps it closed", restrict, same.drop)
		return lf
	}
	switch f.Exposure {
	case Exposed:
		lf.ID, lf.Severity = LintExposedRisky, f.Severity
		lf.Message = fmt.Sprintf("%s on %s is reachable from the internet through every layer, from %s; %s", svc, on, prefixText(f.Sources), opened)
		lf.Fix = restrict
	case Undecided:
		lf.ID, lf.Severity = LintExposedRiskyUndecided, min(f.Severity, Medium)
		lf.Message = fmt.Sprintf("%s on %s may be reachable from the internet (the input leaves it open), from %s; %s", svc, on, prefixText(f.Sources), opened)
		lf.Fix = restrict
	default:
		lf.ID, lf.Severity = LintExposedRiskyClosed, Low
		var by []string
		for _, c := range f.ClosedBy {
			by = append(by, closedByText(c))
		}
		lf.Message = fmt.Sprintf("%s on %s is open to internet addresses in its security group but closed by %s; %s", svc, on, strings.Join(by, ", "), opened)
		lf.Fix = restrict + ": today only another layer keeps it closed"
	}
	return lf
}

// closedTexts is closedByText of each block.
func closedTexts(bs []Block) []string {
	out := make([]string, len(bs))
	for i, c := range bs {
		out[i] = closedByText(c)
	}
	return out
}

// closedByText names block c of an audit finding that closes a session,
// with its code and hop: the hop's kind and resource, or, for a VPC
// without an internet gateway ([NoInternetGateway], whose hop has the
// VPC's ID under the internet gateway's kind), the VPC and what it lacks.
func closedByText(c Block) string {
	what := fmt.Sprintf("%s %s", c.Kind, textsafe.String(c.ID))
	if c.Kind == KindInternetGateway && Code(strings.TrimPrefix(string(c.Code), "RETURN_")) == NoInternetGateway {
		what = fmt.Sprintf("%s having no internet gateway", textsafe.String(c.ID))
	}
	return fmt.Sprintf("%s (%s, %s hop %d)", what, c.Code, c.Leg, c.Hop)
}

// lintRouteTies finds the prefixes that prefix-list routes of a table
// share, leading to different targets, with no static route of the
// prefix to decide: AWS "randomly choose[s] which route takes priority"
// there, so a query routed by one is indeterminate ([RouteTie]).
func (m *Model) lintRouteTies() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.rts)) {
		for _, t := range m.rts[id].ties {
			p := t.prefixes[0]
			routes := make([]string, len(t.tied))
			lists := make([]string, len(t.tied))
			for i, cr := range t.tied {
				routes[i] = fmt.Sprintf("%s -> %s", cr.PrefixList, cr.TargetID)
				lists[i] = cr.PrefixList
			}
			out = append(out, LintFinding{ID: LintRoutePrefixListTie, Severity: Medium, Kind: ResourceRouteTable, Resource: id,
				Rule: p.String(), Related: lists,
				Message: fmt.Sprintf("prefix lists %s all hold %s, and their routes lead to different targets (%s): AWS picks one of them at random for %s",
					strings.Join(lists, ", "), p, strings.Join(routes, "; "), p),
				Fix: fmt.Sprintf("add a static route for %s to the target it should take, or remove %s from all lists but one", p, p)})
		}
	}
	return out
}

// lintSourceDestCheck finds the routes to a network interface whose
// source/destination check is on ([Interface.SourceDestCheckDisabled]
// false, no [Interface.SourceDestCheckUnknown]): the appliance drops
// every packet of which it is neither the source nor the destination
// ([SourceDestCheck]), so the route carries no transit traffic.
func (m *Model) lintSourceDestCheck() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.rts)) {
		for _, r := range m.rts[id].Routes {
			ii := m.ifaces[r.TargetID]
			if r.Target != TargetInterface || ii == nil || ii.SourceDestCheckDisabled || ii.SourceDestCheckUnknown != "" {
				continue
			}
			dest := r.PrefixList
			if dest == "" {
				dest = r.Destination.String()
			}
			out = append(out, LintFinding{ID: LintRouteSourceDestCheck, Severity: Medium, Kind: ResourceRouteTable, Resource: id,
				Rule: dest, Related: []string{ii.ID},
				Message: fmt.Sprintf("route %s sends traffic to %s, whose source/destination check is on: it drops every packet of which it is neither the source nor the destination, so the route carries no transit traffic",
					dest, ii.ID),
				Fix: sourceDestFix(ii.ID)})
		}
	}
	return out
}
