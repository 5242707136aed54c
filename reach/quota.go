package reach

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// AWS and Alibaba Cloud quotas. reachsim does not rely on them (a design
// above a quota is modelled like any other, and nothing is slower than
// linear in its size for it), but a design above a quota cannot be
// deployed as it stands, or only after a quota increase:
// [Model.QuotaWarnings] says where, as a linter would.

// Quota is one AWS or Alibaba Cloud quota reachsim checks: its name as
// the cloud's documentation writes it, the documentation page, its
// default value and the highest value it can be raised to (Default when
// it cannot be raised; 0 when the documentation states the limit but not
// whether or how far it can be raised, as Alibaba Cloud's pages do). A
// prefix list's MaxEntries is its own quota; the table holds the highest
// value AWS allows it (1000) with a Default of 0.
type Quota struct {
	Name    string // as the documentation writes it: "Inbound or outbound rules per security group"
	Doc     string // the page that lists it: "Amazon VPC quotas"
	Default int
	Max     int
}

// The pages the quotas are taken from.
const (
	vpcQuotas = "Amazon VPC quotas"
	nfwQuotas = "AWS Network Firewall quotas"
	// https://www.alibabacloud.com/help/en/ecs/user-guide/security-group-rules
	ecsRules = "Alibaba Cloud ECS, Security group rules"
)

// quotas is the table of every quota checked, the one place that holds
// their names and values. QuotaWarning.Quota holds a copy.
var quotas = struct {
	groupRules, groupsPerInterface, aclRules, routes, listEntries Quota
	statefulGroupRules, statefulPolicyRules                       Quota
	statelessGroupsPerPolicy, statefulGroupsPerPolicy             Quota
	aliGroupsPerInterface, aliInterfaceRules, aliListEntries      Quota
}{
	// Counted per direction and per address family (60 IPv4 and 60 IPv6
	// inbound rules, and as many outbound); a customer-managed prefix
	// list counts as its MaxEntries, an AWS-managed one as its weight
	// (quota_weight.go). The adjustable maximum is bound by
	// the product with groupsPerInterface (1,000), so 1,000 is the limit
	// of one group alone.
	groupRules:         Quota{Name: "Inbound or outbound rules per security group", Doc: vpcQuotas, Default: 60, Max: 1000},
	groupsPerInterface: Quota{Name: "Security groups per network interface", Doc: vpcQuotas, Default: 5, Max: 16},
	// Counted per direction; the "*" rules are not counted.
	aclRules: Quota{Name: "Rules per network ACL", Doc: vpcQuotas, Default: 20, Max: 40},
	// Counted per address family; local and propagated routes are not
	// counted, a prefix list route counts as a rule by the list does.
	routes:      Quota{Name: "Routes per route table (non-propagated routes)", Doc: vpcQuotas, Default: 50, Max: 1000},
	listEntries: Quota{Name: "Max entries of a customer-managed prefix list (its MaxEntries)", Doc: "Amazon VPC quotas (prefix lists)", Default: 0, Max: 1000},
	// A stateful rule group's capacity is its number of rules.
	statefulGroupRules:       Quota{Name: "Maximum stateful rule group capacity", Doc: nfwQuotas, Default: 30000, Max: 30000},
	statefulPolicyRules:      Quota{Name: "Maximum number of stateful rules per firewall policy", Doc: nfwQuotas, Default: 30000, Max: 30000},
	statelessGroupsPerPolicy: Quota{Name: "Maximum number of stateless rule groups per firewall policy", Doc: nfwQuotas, Default: 20, Max: 20},
	statefulGroupsPerPolicy:  Quota{Name: "Maximum number of stateful rule groups per firewall policy", Doc: nfwQuotas, Default: 20, Max: 20},
	// Alibaba Cloud's current limits, per elastic network interface: 5
	// security groups by default, raised to 10 on request (the
	// JoinSecurityGroup API reference; semantics.md §E.4 says 10), and up
	// to 1,000 inbound and outbound rules across all of them (every rule
	// counts one; AuthorizeSecurityGroup). The older text's 200 rules per
	// group, and the 2019 FAQ's 100 rules, are not checked.
	aliGroupsPerInterface: Quota{Name: "Security groups per elastic network interface", Doc: ecsRules, Default: 5, Max: 10},
	aliInterfaceRules:     Quota{Name: "Inbound and outbound rules across the security groups of an elastic network interface", Doc: ecsRules, Default: 1000},
	// An Alibaba Cloud prefix list's entries "cannot exceed the maximum
	// number of entries that you specified", which is 1 to 200 and cannot
	// be modified after the list is created (CreatePrefixList): no
	// raising it.
	aliListEntries: Quota{Name: "Maximum number of entries of a prefix list (its MaxEntries)", Doc: "Alibaba Cloud ECS, CreatePrefixList", Default: 0},
}

// Quotas returns the quotas [Model.QuotaWarnings] checks.
func Quotas() []Quota {
	q := quotas
	return []Quota{q.groupRules, q.groupsPerInterface, q.aclRules, q.routes, q.listEntries,
		q.statefulGroupRules, q.statefulPolicyRules, q.statelessGroupsPerPolicy, q.statefulGroupsPerPolicy,
		q.aliGroupsPerInterface, q.aliInterfaceRules, q.aliListEntries}
}

// QuotaWarning says that one resource of a design is above a quota's
// default value.
type QuotaWarning struct {
	Quota Quota
	// Kind and Resource name the resource: "security group" "sg-0abc",
	// "network interface", "network ACL", "route table", "prefix list",
	// "firewall" (its policy), "stateful rule group".
	Kind, Resource string
	// What is what was counted, as "inbound IPv4 rules".
	What string
	// Count is the number counted, Limit the quota it is above: the
	// quota's default, or for a prefix list its own MaxEntries.
	Count, Limit int
	// Missing says what the input lacks to count exactly, "" when it
	// lacks nothing: the prefix lists whose count it does not give (a
	// customer-managed list's MaxEntries, an AWS-managed list's weight
	// that is not in the table reachsim holds, a list it does not hold),
	// each with what it was counted as. Count is then the least the
	// resource counts, already above Limit.
	Missing string
}

// String reads "security group sg-0abc: 61 inbound IPv4 rules, above the
// quota of 60 (Inbound or outbound rules per security group, Amazon VPC
// quotas; adjustable up to 1000)"; nothing is said of raising a quota
// whose Max is 0. A count the input leaves open (Missing) reads "at
// least 62 inbound IPv4 rules, above the quota of 60 (…): prefix list
// pl-1's MaxEntries is not in the input (counted as its 3 entries)".
func (w QuotaWarning) String() string {
	count := strconv.Itoa(w.Count)
	if w.Missing != "" {
		count = "at least " + count
	}
	s := fmt.Sprintf("%s %s: %s %s, above the quota of %d (%s, %s", w.Kind, w.Resource, count, w.What, w.Limit, w.Quota.Name, w.Quota.Doc)
	switch {
	case w.Quota.Max == 0:
	case w.Quota.Max == w.Quota.Default:
		s += "; not adjustable"
	case w.Count > w.Quota.Max:
		s += fmt.Sprintf("; above its maximum of %d too", w.Quota.Max)
	case w.Quota.Max > w.Limit:
		s += fmt.Sprintf("; adjustable up to %d", w.Quota.Max)
	}
	if w.Missing != "" {
		return s + "): " + w.Missing
	}
	return s + ")"
}

// QuotaWarnings returns the places where the design is above a quota's
// default value (see [Quotas]), sorted by kind, resource and what was
// counted. A design above a quota is modelled all the same; the warnings
// are lint. The slice is the caller's.
//
// A security group rule or route that references a prefix list counts as
// AWS counts it: a customer-managed list as its MaxEntries, whatever
// entries it holds; an AWS-managed list ([PrefixList.AWSManaged], or
// named com.amazonaws.…) as the weight AWS documents for it
// ([AWSListWeight]: com.amazonaws.<region>.s3 1, the CloudFront
// origin-facing lists 55). Where the input lacks what decides that (a
// list without MaxEntries, an AWS-managed list the weight table does not
// hold, a list the design does not hold), the list counts as the least
// it can (its entries, at least 1; nothing when its family is unknown
// too): a count whose least is above the quota is reported as "at least"
// that, with [QuotaWarning].Missing naming the lists, never as a count
// guessed exact; one whose least is within the quota is not reported
// (the loaders warn of the lists the input lacks).
//
// AWS's quotas apply to AWS resources only. An Alibaba Cloud security
// group (sg.AlibabaBasic, sg.AlibabaEnterprise) is not held to AWS's 60
// rules per direction and family, and an interface whose groups are
// Alibaba Cloud's (an ECS elastic network interface) is checked against
// Alibaba Cloud's limits (the JoinSecurityGroup and AuthorizeSecurityGroup
// API references): at most 5 security groups by default (10 once Alibaba
// Cloud raises it on request; semantics.md §E.4 gives 10 as the limit),
// and at most 1,000 inbound and outbound rules across all its groups,
// each rule counting one, reported as the interface's "rules across its
// security groups". Alibaba Cloud's older per-group limits (200 rules,
// 100 in 2019) are not checked. A prefix list that Alibaba Cloud groups
// reference, and no AWS group does, is held to its own MaxEntries as
// Alibaba Cloud states it (CreatePrefixList: the entries cannot exceed
// it, and it cannot be changed); network ACLs, route tables and other
// prefix lists keep AWS's quotas.
func (m *Model) QuotaWarnings() []QuotaWarning { return slices.Clone(m.quotaWarnings) }

// checkQuotas counts what the quotas limit in the builder's design.
// A patched design (design.go) counts only the resources the patch
// changed, and keeps the model's warnings about every other.
func (b *Builder) checkQuotas(m *Model) []QuotaWarning {
	var out []QuotaWarning
	count := func(kind, id string) bool { return true }
	if r := b.reuse; r != nil {
		recount := maps.Clone(r.touched)
		for _, i := range b.ifaces { // an Alibaba interface counts its groups' rules
			if slices.ContainsFunc(i.Groups, func(g string) bool { return r.touched["security group "+g] }) {
				recount["network interface "+i.ID] = true
			}
		}
		count = func(kind, id string) bool { return recount[kind+" "+id] }
		for _, w := range r.m.quotaWarnings {
			if !count(w.Kind, w.Resource) && w.Kind != "firewall" && !strings.HasSuffix(w.Kind, "rule group") {
				out = append(out, w)
			}
		}
	}
	add := func(q Quota, kind, id, what string, n, limit int) {
		if n > limit {
			out = append(out, QuotaWarning{Quota: q, Kind: kind, Resource: id, What: what, Count: n, Limit: limit})
		}
	}
	// A list only Alibaba Cloud groups reference is Alibaba Cloud's.
	listCloud := map[string]int{} // bit 1: an AWS group references it, bit 2: an Alibaba group
	for gi := range b.groups {
		g := &b.groups[gi]
		for _, r := range g.Rules {
			if r.Peer.Kind == sg.PeerPrefixList {
				listCloud[r.Peer.PrefixList] |= 1 << b2i(g.Flavour.IsAlibaba())
			}
		}
	}
	lists := map[string]PrefixList{}
	for _, l := range b.lists {
		lists[l.ID] = l
		if l.MaxEntries > 0 && count("prefix list", l.ID) {
			q := quotas.listEntries
			if listCloud[l.ID] == 2 {
				q = quotas.aliListEntries
			}
			add(q, "prefix list", l.ID, "entries", len(l.Entries), l.MaxEntries)
		}
	}
	// weights holds what a reference to each prefix list counts
	// (quota_weight.go), worked out once per list.
	weights := map[string]listWeight{}
	weigh := func(id string, n *[2]quotaCount) {
		w, ok := weights[id]
		if !ok {
			l, held := lists[id]
			if !held {
				l = PrefixList{ID: id}
			}
			w = prefixListWeight(l, held)
			weights[id] = w
		}
		n[0].n += w.v4
		n[1].n += w.v6
		if w.missing != "" {
			for f, c := range [2]int{w.v4, w.v6} {
				if c > 0 || w.v4+w.v6 == 0 { // a list of unknown family may count in either
					n[f].add(0, w.missing)
				}
			}
		}
	}
	addCount := func(q Quota, kind, id, what string, c quotaCount, limit int) {
		if len(c.missing) == 0 || c.n <= limit {
			add(q, kind, id, what, c.n, limit)
			return
		}
		out = append(out, QuotaWarning{Quota: q, Kind: kind, Resource: id, What: what, Count: c.n, Limit: limit, Missing: strings.Join(c.missing, "; ")})
	}
	groups := map[string]*sg.Group{}
	for gi := range b.groups {
		g := &b.groups[gi]
		groups[g.ID] = g
		if g.Flavour.IsAlibaba() || !count("security group", g.ID) {
			continue // Alibaba Cloud counts rules per interface
		}
		var n [2][2]quotaCount // [direction][IPv6]
		for _, r := range g.Rules {
			d := min(int(r.Direction), 1)
			switch r.Peer.Kind {
			case sg.PeerPrefixList:
				weigh(r.Peer.PrefixList, &n[d])
			case sg.PeerCIDR:
				n[d][b2i(r.Peer.CIDR.Addr().Is6())].n++
			default: // a group reference counts once, with the IPv4 rules
				n[d][0].n++
			}
		}
		for d, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			for v6, fam := range []string{"IPv4", "IPv6"} {
				addCount(quotas.groupRules, "security group", g.ID, dir.String()+" "+fam+" rules", n[d][v6], quotas.groupRules.Default)
			}
		}
	}
	for _, i := range b.ifaces {
		if !count("network interface", i.ID) {
			continue
		}
		if alibabaGroups(i.Groups, groups) {
			n, seen := 0, map[string]bool{}
			for _, id := range i.Groups {
				if g := groups[id]; g != nil && !seen[id] {
					seen[id] = true
					n += len(g.Rules)
				}
			}
			add(quotas.aliGroupsPerInterface, "network interface", i.ID, "security groups", len(i.Groups), quotas.aliGroupsPerInterface.Default)
			add(quotas.aliInterfaceRules, "network interface", i.ID, "rules across its security groups", n, quotas.aliInterfaceRules.Default)
			continue
		}
		add(quotas.groupsPerInterface, "network interface", i.ID, "security groups", len(i.Groups), quotas.groupsPerInterface.Default)
	}
	for _, a := range b.acls {
		if !count("network ACL", a.ID) {
			continue
		}
		var n [2]int
		for _, e := range a.Entries {
			if e.Number < 32767 {
				n[min(int(e.Direction), 1)]++
			}
		}
		add(quotas.aclRules, "network ACL", a.ID, "inbound rules", n[0], quotas.aclRules.Default)
		add(quotas.aclRules, "network ACL", a.ID, "outbound rules", n[1], quotas.aclRules.Default)
	}
	for _, rt := range b.rts {
		if !count("route table", rt.ID) {
			continue
		}
		var n [2]quotaCount
		for _, r := range rt.Routes {
			switch {
			case r.Target == TargetLocal, r.Propagated:
			case r.PrefixList != "":
				weigh(r.PrefixList, &n)
			default:
				n[b2i(r.Destination.Addr().Is6())].n++
			}
		}
		addCount(quotas.routes, "route table", rt.ID, "IPv4 routes", n[0], quotas.routes.Default)
		addCount(quotas.routes, "route table", rt.ID, "IPv6 routes", n[1], quotas.routes.Default)
	}
	for _, f := range b.firewalls {
		fi := m.firewalls[f.ID]
		switch {
		case fi == nil:
		case b.reuse.firewall(f.ID) == fi: // the same policy: its warnings are made already
		default:
			fi.quotas = policyQuotas(f.ID, f.Policy, fi.engine.Stateful().GroupRules())
		}
		if fi != nil {
			out = append(out, fi.quotas...)
		}
	}
	slices.SortFunc(out, func(a, b QuotaWarning) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.What, b.What))
	})
	return slices.CompactFunc(out, func(a, b QuotaWarning) bool {
		return a.Kind == b.Kind && a.Resource == b.Resource && a.What == b.What
	})
}

// policyQuotas checks a firewall's policy and its stateful rule groups
// (a group shared by several policies is reported once, by CompactFunc).
// counts holds the number of rules of each stateful group, as the
// compiled engine counted them (stateful.Engine.GroupRules), so that the
// rules are not parsed again.
func policyQuotas(id string, p firewall.Policy, counts []int) []QuotaWarning {
	var out []QuotaWarning
	add := func(q Quota, kind, id, what string, n int) {
		if n > q.Default {
			out = append(out, QuotaWarning{Quota: q, Kind: kind, Resource: id, What: what, Count: n, Limit: q.Default})
		}
	}
	add(quotas.statelessGroupsPerPolicy, "firewall", id, "stateless rule groups in its policy", len(p.Stateless.Groups))
	add(quotas.statefulGroupsPerPolicy, "firewall", id, "stateful rule groups in its policy", len(p.Stateful.Groups))
	total := 0
	for i, n := range counts {
		total += n
		add(quotas.statefulGroupRules, "stateful rule group", p.Stateful.Groups[i].Group.Label(), "rules", n)
	}
	add(quotas.statefulPolicyRules, "firewall", id, "stateful rules in its policy", total)
	return out
}

// alibabaGroups reports whether an interface's groups ids are Alibaba
// Cloud's: every one the design holds is of an Alibaba flavour, and at
// least one is held (Build refuses an interface whose groups mix
// flavours, or name a group the design lacks).
func alibabaGroups(ids []string, groups map[string]*sg.Group) bool {
	found := false
	for _, id := range ids {
		g := groups[id]
		if g == nil {
			continue
		}
		if !g.Flavour.IsAlibaba() {
			return false
		}
		found = true
	}
	return found
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
