package aws

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// AWS Network Firewall in the topology: the firewalls, their policies and
// rule groups (parsed by firewall.go, policy.go, rulegroup.go and
// firewall_stateless.go), bound to each other by ARN.

type fwRec struct {
	spec FirewallSpec
	at   jsonloc.Loc
}

type policyRec struct {
	spec PolicySpec
	at   jsonloc.Loc
}

type ruleGroupRec struct {
	g  RuleGroup
	at jsonloc.Loc
}

func (l *loader) readRuleGroup(file string, doc []byte) {
	g, err := ParseRuleGroup(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	for _, w := range g.Warnings {
		l.warn(jsonloc.Loc{File: file, Path: "RuleGroup.RulesSource"}, "%s", w)
	}
	l.nfwUnknown(doc, ruleGroupDocType)
	l.ruleGroups = append(l.ruleGroups, &ruleGroupRec{g: g, at: jsonloc.Loc{File: file, Path: "RuleGroupResponse"}})
}

func (l *loader) readPolicy(file string, doc []byte) {
	s, err := ParseFirewallPolicy(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	l.nfwUnknown(doc, policyDocType)
	at := jsonloc.Loc{File: file, Path: "FirewallPolicy"}
	if arn := s.TLSInspectionConfiguration; arn != "" {
		l.warn(at.Field("TLSInspectionConfigurationArn"), "firewall policy %s has TLS inspection configuration %s, which reachsim does not model (its scope is not in describe-firewall-policy's output): TCP sessions through its firewalls are indeterminate unless the rules drop them in the handshake",
			cmp.Or(s.Name, s.ARN), arn)
	}
	l.policies = append(l.policies, &policyRec{spec: s, at: at})
}

func (l *loader) readFirewall(file string, doc []byte) {
	s, err := ParseFirewall(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	l.nfwUnknown(doc, fwDocType)
	at := jsonloc.Loc{File: file, Path: "Firewall"}
	id := s.ARN
	if id == "" {
		id = s.Name
	}
	if !l.require(at, s.Name, "FirewallArn", id) || !l.claim("firewall", id, at.Field("FirewallArn")) {
		return
	}
	l.firewalls = append(l.firewalls, &fwRec{spec: s, at: at})
}

// assembleFirewalls binds each firewall to its policy and the policy to its
// rule groups.
func (l *loader) assembleFirewalls() []reach.Firewall {
	out := &l.out
	groups := []RuleGroup{}
	groupAt := map[string]jsonloc.Loc{}
	byARN := map[string]RuleGroup{}
	for _, g := range l.ruleGroups {
		arn := g.g.ARN()
		if arn == "" {
			l.warn(g.at, "rule group %s has no RuleGroupArn: no policy can refer to it; left out", g.g.Name())
			continue
		}
		if first, dup := groupAt[arn]; dup {
			l.fail(g.at.Field("RuleGroupArn"), g.g.Name(), arn, ErrInvalidDump, "rule group %s is listed twice (first at %s)", arn, first)
			continue
		}
		groupAt[arn] = g.at
		groups = append(groups, g.g)
		byARN[arn] = g.g
	}
	policies := map[string]*policyRec{}
	for _, p := range l.policies {
		arn := p.spec.ARN
		if arn == "" {
			l.warn(p.at, "firewall policy %s has no FirewallPolicyArn in FirewallPolicyResponse: no firewall can refer to it; left out", p.spec.Name)
			continue
		}
		if first, dup := policies[arn]; dup {
			l.fail(jsonloc.Loc{File: p.at.File, Path: "FirewallPolicyResponse.FirewallPolicyArn"}, p.spec.Name, arn, ErrInvalidDump, "firewall policy %s is listed twice (first at %s)", arn, first.at.File)
			continue
		}
		policies[arn] = p
	}
	usedPolicies, usedGroups, failed := map[string]bool{}, map[string]bool{}, map[string]bool{}
	places := map[string]*policyPlace{} // by policy ARN, shared by its firewalls
	slices.SortFunc(l.firewalls, func(a, b *fwRec) int { return cmp.Compare(a.spec.ARN+a.spec.Name, b.spec.ARN+b.spec.Name) })
	for _, f := range l.firewalls {
		s := f.spec
		id := cmp.Or(s.ARN, s.Name)
		pr := policies[s.PolicyARN]
		if pr == nil {
			l.fail(f.at.Field("FirewallPolicyArn"), cmp.Or(s.Name, id), s.PolicyARN, firewall.ErrUnresolved,
				"the firewall's policy is not in the input (add aws network-firewall describe-firewall-policy --firewall-policy-arn %s --output json)", s.PolicyARN)
			continue
		}
		pol, err := pr.spec.Build(groups)
		if err != nil {
			if !failed[s.PolicyARN] {
				failed[s.PolicyARN] = true
				l.parserErr(pr.at.File, err)
			}
			continue
		}
		usedPolicies[s.PolicyARN] = true
		for _, g := range pr.spec.StatelessGroups {
			usedGroups[g.ARN] = true
		}
		for _, g := range pr.spec.StatefulGroups {
			usedGroups[g.ARN] = true
		}
		fw := reach.Firewall{ID: id, Name: s.Name, VPC: s.VPCID, Policy: pol}
		p := placed{base: f.at}
		p.set("ID", f.at.Field("FirewallArn"))
		p.set("VPC", f.at.Field("VpcId"))
		p.set("Policy", pr.at)
		if places[s.PolicyARN] == nil {
			places[s.PolicyARN] = newPolicyPlace(pr, groupAt, byARN)
		}
		p.policy = places[s.PolicyARN]
		for j, e := range s.Endpoints {
			eo := jsonloc.Loc{File: f.at.File, Path: jsonloc.Join(jsonloc.Key("FirewallStatus.SyncStates", e.AvailabilityZone), "Attachment")}
			if e.Status != "" && e.Status != "READY" {
				l.warn(eo, "endpoint %s of firewall %s is %s, not READY", e.EndpointID, cmp.Or(s.Name, id), e.Status)
			}
			fw.Endpoints = append(fw.Endpoints, reach.FirewallEndpointSpec{ID: e.EndpointID, Subnet: e.SubnetID, IPAddressType: e.IPAddressType})
			p.set(fmt.Sprintf("Endpoints[%d]", j), eo)
			p.set(fmt.Sprintf("Endpoints[%d].ID", j), eo.Field("EndpointId"))
			p.set(fmt.Sprintf("Endpoints[%d].Subnet", j), eo.Field("SubnetId"))
			if k := slices.Index(s.Subnets, e.SubnetID); k >= 0 {
				p.set(fmt.Sprintf("Endpoints[%d].IPAddressType", j), f.at.Field("SubnetMappings").Index(k).Field("IPAddressType"))
			}
		}
		out.fws = append(out.fws, fw)
		out.fwAt = append(out.fwAt, p)
	}
	for _, p := range l.policies {
		if p.spec.ARN != "" && !usedPolicies[p.spec.ARN] && policies[p.spec.ARN] == p {
			l.warn(p.at, "firewall policy %s is used by no firewall in the input: left out", cmp.Or(p.spec.Name, p.spec.ARN))
		}
	}
	for _, g := range l.ruleGroups {
		if arn := g.g.ARN(); arn != "" && !usedGroups[arn] {
			l.warn(g.at, "rule group %s is used by no firewall policy in the input: left out", cmp.Or(g.g.Name(), arn))
		}
	}
	l.report.Counts["firewall-policies"] = len(usedPolicies)
	l.report.Counts["rule-groups"] = len(usedGroups)
	return out.fws
}
