package reach

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
)

// Lint: what in a design is dead, shadowed or dangerous. [Model.Lint]
// runs every check of [LintChecks] and returns [LintFinding] values with
// stable IDs; the checks live in lint_acl.go (network ACLs), lint_sg.go
// (security groups and references), lint_fw.go (Network Firewall) and
// lint_more.go (the audit's exposures and the quotas).

// The IDs of lint findings. They are stable: a program may match on them.
const (
	LintACLShadowed           = "ACL_SHADOWED"
	LintACLRedundant          = "ACL_REDUNDANT"
	LintACLUnused             = "ACL_UNUSED"
	LintACLCutsReplies        = "ACL_CUTS_REPLIES"
	LintSGRuleImplied         = "SG_RULE_IMPLIED"
	LintSGRuleShadowed        = "SG_RULE_SHADOWED"
	LintSGUnused              = "SG_UNUSED"
	LintSGRuleDead            = "SG_RULE_DEAD"
	LintRefMissingGroup       = "REF_MISSING_GROUP"
	LintRefMissingPrefixList  = "REF_MISSING_PREFIX_LIST"
	LintRefMatchesNothing     = "REF_MATCHES_NOTHING"
	LintRoutePrefixListTie    = "ROUTE_PREFIX_LIST_TIE"
	LintRouteSourceDestCheck  = "ROUTE_SOURCE_DEST_CHECK"
	LintRouteBlackhole        = "ROUTE_BLACKHOLE"
	LintExposedRisky          = "EXPOSED_RISKY"
	LintExposedRiskyUndecided = "EXPOSED_RISKY_INDETERMINATE"
	LintExposedRiskyClosed    = "EXPOSED_RISKY_CLOSED"
	LintQuotaGroupRules       = "QUOTA_SG_RULES"
	LintQuotaGroupsPerIface   = "QUOTA_SG_PER_INTERFACE"
	LintQuotaACLEntries       = "QUOTA_ACL_ENTRIES"
	LintQuotaRoutes           = "QUOTA_ROUTES"
	LintQuotaPrefixList       = "QUOTA_PREFIX_LIST_ENTRIES"
	LintQuotaFirewall         = "QUOTA_FIREWALL"
	LintFWRuleUnreachable     = "FW_RULE_UNREACHABLE"
	LintFWPassOneWay          = "FW_STATELESS_PASS_ONE_WAY"
)

// LintCheck describes one kind of lint finding: its stable ID, the
// severity its findings usually have, and what it finds.
type LintCheck struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
}

// LintChecks returns every kind of finding [Model.Lint] reports, a new
// slice, in the order of the README's table. A finding's own severity may
// differ from its check's: an exposure takes the risk's, a shadowed ACL
// entry whose action differs from the entries that hide it is medium,
// one that does the same is low.
func LintChecks() []LintCheck {
	return []LintCheck{
		{LintACLShadowed, Medium, "a network ACL entry that no packet can reach: earlier entries, alone or together, match everything it matches"},
		{LintACLRedundant, Low, "a network ACL entry whose removal changes no decision: the entries after it (or the * rule) decide the same"},
		{LintACLUnused, Low, "a network ACL associated with no subnet"},
		{LintACLCutsReplies, Medium, "a network ACL that allows TCP requests but cuts their replies to a common ephemeral port range, or that drops the replies from the internet to some of the ports (1024-65535) a NAT gateway in its subnet picks"},
		{LintSGRuleImplied, Low, "a security group rule that other rules imply on every interface that uses the group"},
		{LintSGRuleShadowed, Low, "an Alibaba Cloud security group rule that never decides: rules of its group that come first (a smaller priority number, the same with drop before accept, or the same priority and action earlier in the group: a duplicate) match every packet it matches"},
		{LintSGUnused, Low, "a security group attached to no interface"},
		{LintSGRuleDead, Medium, "a security group rule that can match no packet: an icmp rule with an IPv6 CIDR, an icmpv6 rule with an IPv4 CIDR"},
		{LintRefMissingGroup, Medium, "a rule that references a security group the input does not hold"},
		{LintRefMissingPrefixList, Medium, "a security group rule or route that references a prefix list whose entries the input does not hold (or that is empty): such a rule or route may match any address (queries it could decide are indeterminate), an empty one matches nothing"},
		{LintRefMatchesNothing, Medium, "a security group rule that references a group of another VPC no peering joins: an outbound one matches nothing (AWS supports references across a transit gateway in inbound rules only), an inbound one matches only across a transit gateway both VPCs are attached to with security group referencing support"},
		{LintRoutePrefixListTie, Medium, "a route table whose prefix-list routes share a block and lead to different targets: AWS picks one of them at random"},
		{LintRouteSourceDestCheck, Medium, "a route to a network interface whose source/destination check is on: the interface drops every packet it is neither the source nor the destination of, so the route carries no transit traffic"},
		{LintRouteBlackhole, Medium, "a route whose target no longer exists (a blackhole: AWS drops what it matches), naming the subnets and gateways that use its table and the destinations it swallows; low when nothing uses the table or other routes take all of its destinations"},
		{LintExposedRisky, High, "a rule that opens a risky service to the internet, reachable through every layer"},
		{LintExposedRiskyUndecided, Medium, "a rule that opens a risky service to the internet, which the input leaves open"},
		{LintExposedRiskyClosed, Low, "a rule that opens a risky service to the internet, closed by another layer, or by an Alibaba Cloud drop rule of the interface's own groups that comes first"},
		{LintQuotaGroupRules, Medium, "a security group above the quota of rules per direction and family (AWS), or an Alibaba Cloud interface above the quota of rules across its groups"},
		{LintQuotaGroupsPerIface, Medium, "a network interface above the quota of security groups"},
		{LintQuotaACLEntries, Medium, "a network ACL above the quota of entries per direction"},
		{LintQuotaRoutes, Medium, "a route table above the quota of routes"},
		{LintQuotaPrefixList, Medium, "a prefix list with more entries than its declared maximum"},
		{LintQuotaFirewall, Medium, "a firewall policy or stateful rule group above a Network Firewall quota (rule group capacity, rules, groups)"},
		{LintFWRuleUnreachable, Medium, "a stateful firewall rule (strict order) that an earlier rule hides entirely"},
		{LintFWPassOneWay, Medium, "a stateless aws:pass rule whose traffic's replies get no pass: the reply meets the stateful engine or a drop"},
	}
}

// LintFinding is one finding of [Model.Lint]. Its JSON form is the
// CLI's (reachsim lint --json), a stable schema:
//
//	{"id": "ACL_SHADOWED", "severity": "medium", "kind": "network-acl",
//	 "resource": "acl-1", "rule": "inbound 120",
//	 "origin": {"file": "network-acls.json", "path": "NetworkAcls[0]"},
//	 "message": "…", "fix": "…", "related": ["inbound 100"]}
//
// id is one of [LintChecks]; kind is one of the Resource… kinds
// ([ResourceNetworkACL], [ResourceSecurityGroup], [ResourceFirewall],
// [ResourceStatefulRuleGroup], …, as [ResourceChange] names them); rule names the entry or rule inside the
// resource when the finding is about one ("inbound 120", "sgr-0abc",
// "group strict-rules sid 5"); origin is omitted when the loader recorded
// none; related names the other entries, rules or resources involved.
type LintFinding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Kind     string   `json:"kind"`
	Resource string   `json:"resource"`
	Rule     string   `json:"rule,omitempty"`
	Origin   *Origin  `json:"origin,omitempty"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	Related  []string `json:"related,omitempty"`
}

// LintResult is the answer of [Model.Lint]. Its JSON form:
//
//	{"findings": [LintFinding…], "skipped": ["…"]}
//
// findings is sorted by severity (highest first), ID, kind, resource,
// then the order of the entries or rules in the resource, and is [] when
// there is none; skipped, omitted when empty, says what could not be
// weighed on this design and why, one string each that starts with the
// check's ID: each group whose rules SG_RULE_IMPLIED does not weigh (a
// thing the design does not model uses it: [Builder.AddUnmodelledGroupUse])
// and what uses it, the Alibaba Cloud groups (SG_RULE_IMPLIED weighs AWS
// groups only; SG_RULE_SHADOWED weighs theirs), each Alibaba rule that
// rules referencing groups may hide, which SG_RULE_SHADOWED does not
// report (and why), and the exposure checks (EXPOSED_RISKY…) when the
// design cannot be audited (values known only later, or an [Model.Audit]
// refusal).
type LintResult struct {
	Findings []LintFinding `json:"findings"`
	Skipped  []string      `json:"skipped,omitempty"`
}

// LintOptions tunes [Model.Lint]. The zero value runs every check.
type LintOptions struct {
	// EphemeralRanges are the client port ranges ACL_CUTS_REPLIES checks;
	// nil means Linux's (32768-60999) and Windows' (49152-65535). The
	// replies to a NAT gateway are weighed over the range it picks its
	// ports from, 1024-65535, whatever this says.
	EphemeralRanges []nacl.NamedRange
	// Catalogue is the risky services of the EXPOSED_RISKY checks; nil
	// means [RiskyServices].
	Catalogue []Risk
	// Workers is how many goroutines the audit uses; 0 means one per core.
	Workers int
	// Only, when set, keeps the findings of these IDs ([LintChecks]) and
	// no others; Skip drops the findings of these. A check whose IDs are
	// all left out does not run. An ID that is no check's is an error.
	Only, Skip []string
}

// wants reports whether o keeps the findings of check id.
func (o LintOptions) wants(id string) bool {
	return (len(o.Only) == 0 || slices.Contains(o.Only, id)) && !slices.Contains(o.Skip, id)
}

// Validate returns an error, wrapping [ErrQuery], naming the first ID of
// Only or Skip that is no check's ([LintChecks]); [Model.Lint] returns
// it too.
func (o LintOptions) Validate() error {
	known := map[string]bool{}
	for _, c := range LintChecks() {
		known[c.ID] = true
	}
	for _, id := range slices.Concat(o.Only, o.Skip) {
		if !known[id] {
			return fmt.Errorf("%w: %q is no lint check (reach.LintChecks lists them)", ErrQuery, id)
		}
	}
	return nil
}

// Lint checks the design for what is dead, shadowed or dangerous (see
// [LintChecks]): network ACL entries no packet reaches or whose removal
// changes nothing, per direction and family, found by interval arithmetic
// over the entries; security group rules other rules imply on every
// interface that uses their group; Alibaba Cloud rules that rules of
// their group with a smaller priority number (or a drop of the same)
// hide; groups and ACLs nothing uses;
// references to groups the input does not hold; ACLs that cut the
// replies of TCP requests they allow; risky services a rule opens to the
// internet ([Model.Audit]), through every layer or closed by another;
// AWS and Alibaba Cloud quotas ([Model.QuotaWarnings]); stateful firewall rules an earlier
// rule hides (strict order) and stateless pass rules whose replies get no
// pass; routes to a target that no longer exists (ROUTE_BLACKHOLE); and,
// for a subnet that holds a public NAT gateway, a network ACL that drops
// replies from the internet to some of the ports the gateway picks
// (ACL_CUTS_REPLIES).
//
// Each ACL_REDUNDANT finding may be acted on alone: after removing one
// such entry, lint again, since another finding may have relied on it.
// The SG_RULE_IMPLIED findings may be acted on together: removing every
// rule they name changes no verdict. Of rules that imply one another
// (a rule and its two halves), rules are weighed from the last to the
// first (by group ID, then position in the group) and each is reported
// only when the rules still kept imply it: a rule goes in favour of
// earlier rules that imply it (of two equal rules, the second goes), and
// a finding's cover (Related) is never itself reported. Lint returns an error only when the
// model cannot be audited for a reason other than values known only
// later (those skip the audit and say so in Skipped).
func (m *Model) Lint(o LintOptions) (*LintResult, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	res := &LintResult{Findings: []LintFinding{}}
	any := func(ids ...string) bool { return slices.ContainsFunc(ids, o.wants) }
	if any(LintACLShadowed, LintACLRedundant, LintACLUnused, LintACLCutsReplies) {
		res.Findings = append(res.Findings, m.lintACLs(o)...)
	}
	if any(LintSGRuleImplied, LintSGRuleShadowed, LintSGUnused, LintRefMissingGroup, LintRefMissingPrefixList, LintRefMatchesNothing) {
		fs, skipped := m.lintGroups(o)
		res.Findings = append(res.Findings, fs...)
		res.Skipped = append(res.Skipped, skipped...)
	}
	if any(LintSGRuleDead) {
		res.Findings = append(res.Findings, m.lintSGFamily()...) // lint_sg_family.go
	}
	res.Findings = append(res.Findings, m.lintRouteTies()...)
	res.Findings = append(res.Findings, m.lintSourceDestCheck()...)
	res.Findings = append(res.Findings, m.lintBlackholes()...)
	res.Findings = append(res.Findings, m.lintFirewalls()...)
	res.Findings = append(res.Findings, m.lintQuotas()...)
	if any(LintExposedRisky, LintExposedRiskyUndecided, LintExposedRiskyClosed) {
		exp, skipped, err := m.lintExposure(o)
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, exp...)
		res.Skipped = append(res.Skipped, skipped...)
	}
	res.Findings = slices.DeleteFunc(res.Findings, func(f LintFinding) bool { return !o.wants(f.ID) })
	for i := range res.Findings {
		f := &res.Findings[i]
		if o, ok := m.findingOrigin(*f); ok {
			f.Origin = &o
		}
	}
	slices.SortStableFunc(res.Findings, func(a, b LintFinding) int {
		return cmp.Or(-cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Resource, b.Resource))
	})
	return res, nil
}

// lintWorkers is o's worker count.
func lintWorkers(o LintOptions) int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Worst returns the highest severity of the findings, 0 when there is
// none.
func (r *LintResult) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		w = max(w, f.Severity)
	}
	return w
}

// AtLeast returns how many findings have severity s or a higher one.
func (r *LintResult) AtLeast(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity >= s {
			n++
		}
	}
	return n
}

// Text writes the findings as the CLI prints them: a summary line, then
// per finding its severity, ID, resource (and rule) and origin, the
// message, the fix and what else is involved:
//
//	lint: 2 findings (0 high, 1 medium, 1 low)
//	medium ACL_SHADOWED network-acl acl-1 inbound 120 (acls.json: NetworkAcls[0])
//	    entry 120 (allow tcp 22 from 10.0.1.0/24) never decides: …
//	    fix: remove entry 120, or renumber it before …
//
// Every string from the design is escaped as [Result.Text] escapes it
// (internal/textsafe).
func (r *LintResult) Text() string {
	var b strings.Builder
	count := map[Severity]int{}
	for _, f := range r.Findings {
		count[f.Severity]++
	}
	if len(r.Findings) == 0 {
		b.WriteString("lint: no finding\n")
	} else {
		fmt.Fprintf(&b, "lint: %d %s (%d high, %d medium, %d low)\n", len(r.Findings), plural(len(r.Findings), "finding", "findings"),
			count[High], count[Medium], count[Low])
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%-6s %s %s %s", f.Severity, f.ID, f.Kind, textsafe.String(f.Resource))
		if f.Rule != "" {
			fmt.Fprintf(&b, " %s", textsafe.String(f.Rule))
		}
		if f.Origin != nil {
			fmt.Fprintf(&b, " (%s)", textsafe.String(f.Origin.String()))
		}
		fmt.Fprintf(&b, "\n    %s\n    fix: %s\n", textsafe.String(f.Message), textsafe.String(f.Fix))
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "skipped: %s\n", textsafe.String(s))
	}
	return b.String()
}
