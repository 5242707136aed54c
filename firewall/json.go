package firewall

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/awsjson"
)

// RuleGroup is one rule group as `aws network-firewall describe-rule-group`
// prints it: exactly one of Stateless and Stateful is set.
type RuleGroup struct {
	Stateless *StatelessRuleGroup
	Stateful  *StatefulRuleGroup
}

// ARN returns the group's ARN.
func (g RuleGroup) ARN() string {
	if g.Stateless != nil {
		return g.Stateless.ARN
	}
	if g.Stateful != nil {
		return g.Stateful.ARN
	}
	return ""
}

// Name returns the group's name.
func (g RuleGroup) Name() string {
	if g.Stateless != nil {
		return g.Stateless.Name
	}
	if g.Stateful != nil {
		return g.Stateful.Name
	}
	return ""
}

func jsonErr(path, resource, text string, err error) error {
	return &flow.InputError{Path: path, Resource: resource, Text: text, Err: err}
}

// ParseRuleGroup reads `aws network-firewall describe-rule-group` output
// of any type. RuleGroupResponse.Type decides (STATELESS, or STATEFUL);
// without it, a RulesSource holding StatelessRulesAndCustomActions is
// stateless and any other is stateful. Stateless groups are read by
// [ParseStatelessRuleGroup]. A stateful group's RulesSource holds exactly
// one of RulesString, StatefulRules and RulesSourceList; RuleVariables
// (IPSets of CIDRs, PortSets of ports and "from:to" ranges),
// ReferenceSets.IPSetReferences and StatefulRuleOptions.RuleOrder are
// kept. Errors are *flow.InputError values with the JSON path.
func ParseRuleGroup(data []byte) (RuleGroup, error) {
	var doc struct {
		RuleGroup *struct {
			RulesSource *struct {
				StatelessRulesAndCustomActions json.RawMessage
			}
		}
		RuleGroupResponse *struct {
			Type string
		}
	}
	if err := awsjson.Unmarshal("", data, &doc); err != nil {
		return RuleGroup{}, err
	}
	typ := ""
	if doc.RuleGroupResponse != nil {
		typ = strings.ToUpper(doc.RuleGroupResponse.Type)
	}
	if typ == "" && doc.RuleGroup != nil && doc.RuleGroup.RulesSource != nil && len(doc.RuleGroup.RulesSource.StatelessRulesAndCustomActions) > 0 {
		typ = "STATELESS"
	}
	if typ == "STATELESS" {
		g, err := ParseStatelessRuleGroup(data)
		if err != nil {
			return RuleGroup{}, err
		}
		return RuleGroup{Stateless: &g}, nil
	}
	if typ != "" && !strings.HasPrefix(typ, "STATEFUL") {
		return RuleGroup{}, jsonErr("RuleGroupResponse.Type", "", typ, fmt.Errorf("%w: want STATELESS or STATEFUL", ErrInvalidGroup))
	}
	g, err := parseStateful(data)
	if err != nil {
		return RuleGroup{}, err
	}
	return RuleGroup{Stateful: &g}, nil
}

type jsonDefinition struct {
	Definition []string
}

func parseStateful(data []byte) (StatefulRuleGroup, error) {
	var doc struct {
		RuleGroup *struct {
			RuleVariables *struct {
				IPSets   map[string]jsonDefinition
				PortSets map[string]jsonDefinition
			}
			ReferenceSets *struct {
				IPSetReferences map[string]struct{ ReferenceArn string }
			}
			RulesSource *struct {
				RulesString     *string
				StatefulRules   []json.RawMessage
				RulesSourceList *struct {
					Targets            []string
					TargetTypes        []string
					GeneratedRulesType string
				}
				StatelessRulesAndCustomActions json.RawMessage
			}
			StatefulRuleOptions *struct {
				RuleOrder string
			}
		}
		RuleGroupResponse *struct {
			RuleGroupName string
			RuleGroupArn  string
			Capacity      awsjson.Int
		}
	}
	var g StatefulRuleGroup
	if err := awsjson.Unmarshal("", data, &doc); err != nil {
		return g, err
	}
	if doc.RuleGroupResponse != nil {
		g.Name, g.ARN, g.Capacity = doc.RuleGroupResponse.RuleGroupName, doc.RuleGroupResponse.RuleGroupArn, doc.RuleGroupResponse.Capacity.Value
	}
	res := g.Name
	if res == "" {
		res = g.ARN
	}
	rg := doc.RuleGroup
	if rg == nil || rg.RulesSource == nil {
		return g, jsonErr("RuleGroup.RulesSource", res, "", fmt.Errorf("%w: missing", ErrInvalidGroup))
	}
	src := rg.RulesSource
	n := 0
	if src.RulesString != nil {
		n++
		g.RulesString = *src.RulesString
	}
	if src.StatefulRules != nil {
		n++
		g.StandardRules = []StandardRule{}
		for i, raw := range src.StatefulRules {
			p := awsjson.Index("RuleGroup.RulesSource.StatefulRules", i)
			var r struct {
				Action string
				Header *struct {
					Protocol, Source, SourcePort, Direction, Destination, DestinationPort string
				}
				RuleOptions []struct {
					Keyword  string
					Settings []string
				}
			}
			if err := awsjson.Unmarshal(p, raw, &r); err != nil {
				return g, withResource(err, res)
			}
			if r.Header == nil {
				return g, jsonErr(p+".Header", res, "", fmt.Errorf("%w: missing", ErrInvalidRule))
			}
			sr := StandardRule{Action: r.Action, Protocol: r.Header.Protocol, Source: r.Header.Source, SourcePort: r.Header.SourcePort,
				Direction: r.Header.Direction, Destination: r.Header.Destination, DestinationPort: r.Header.DestinationPort}
			for _, o := range r.RuleOptions {
				sr.Options = append(sr.Options, Option{Keyword: strings.ToLower(o.Keyword), Value: strings.Join(o.Settings, ",")})
			}
			g.StandardRules = append(g.StandardRules, sr)
		}
	}
	if src.RulesSourceList != nil {
		n++
		l := src.RulesSourceList
		g.DomainList = &DomainList{Targets: slices.Clone(l.Targets), TargetTypes: slices.Clone(l.TargetTypes), Type: l.GeneratedRulesType}
	}
	if len(src.StatelessRulesAndCustomActions) > 0 {
		return g, jsonErr("RuleGroup.RulesSource.StatelessRulesAndCustomActions", res, "", fmt.Errorf("%w: stateless rules in a stateful group", ErrInvalidGroup))
	}
	if n != 1 {
		return g, jsonErr("RuleGroup.RulesSource", res, "", fmt.Errorf("%w: a stateful group has exactly one of RulesString, StatefulRules and RulesSourceList (found %d)", ErrInvalidGroup, n))
	}
	if v := rg.RuleVariables; v != nil {
		for _, name := range sortedKeys(v.IPSets) {
			p := "RuleGroup.RuleVariables.IPSets." + name + ".Definition"
			for i, d := range v.IPSets[name].Definition {
				pf, err := parsePrefixText(d)
				if err != nil {
					return g, jsonErr(awsjson.Index(p, i), res, d, fmt.Errorf("%w: %w", ErrInvalidGroup, err))
				}
				if g.IPSets == nil {
					g.IPSets = map[string][]netip.Prefix{}
				}
				g.IPSets[name] = append(g.IPSets[name], pf)
			}
		}
		for _, name := range sortedKeys(v.PortSets) {
			p := "RuleGroup.RuleVariables.PortSets." + name + ".Definition"
			for i, d := range v.PortSets[name].Definition {
				pr, err := flow.ParseRange[uint16](strings.Replace(d, ":", "-", 1))
				if err != nil {
					return g, jsonErr(awsjson.Index(p, i), res, d, fmt.Errorf("%w: not a port or from:to range", ErrInvalidGroup))
				}
				if g.PortSets == nil {
					g.PortSets = map[string][]flow.PortRange{}
				}
				g.PortSets[name] = append(g.PortSets[name], pr)
			}
		}
	}
	if rs := rg.ReferenceSets; rs != nil {
		for _, name := range sortedKeys(rs.IPSetReferences) {
			arn := rs.IPSetReferences[name].ReferenceArn
			if arn == "" {
				return g, jsonErr("RuleGroup.ReferenceSets.IPSetReferences."+name+".ReferenceArn", res, "", fmt.Errorf("%w: missing", ErrInvalidGroup))
			}
			if g.IPSetReferences == nil {
				g.IPSetReferences = map[string]string{}
			}
			g.IPSetReferences[name] = arn
		}
	}
	if o := rg.StatefulRuleOptions; o != nil && o.RuleOrder != "" {
		ro, err := ParseRuleOrder(o.RuleOrder)
		if err != nil {
			return g, jsonErr("RuleGroup.StatefulRuleOptions.RuleOrder", res, o.RuleOrder, err)
		}
		g.RuleOrder = ro
	}
	if _, err := g.Rules(); err != nil {
		return g, withResource(err, res)
	}
	return g, nil
}

func withResource(err error, res string) error {
	if ie, ok := err.(*flow.InputError); ok && ie.Resource == "" {
		cp := *ie
		cp.Resource = res
		return &cp
	}
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// parsePrefixText reads a CIDR or a bare address (as /32 or /128).
func parsePrefixText(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" && !a.Is4In6() {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("not a CIDR block")
	}
	return p.Masked(), nil
}

// GroupRefSpec is a policy's reference to a rule group by ARN.
type GroupRefSpec struct {
	ARN         string
	Priority    int
	DropToAlert bool // stateful references: Override.Action DROP_TO_ALERT
}

// PolicySpec is a firewall policy as `aws network-firewall
// describe-firewall-policy` prints it: rule groups by ARN only. Bind the
// groups with [PolicySpec.Build].
type PolicySpec struct {
	Name, ARN                  string
	StatelessGroups            []GroupRefSpec
	StatelessDefault           StatelessDefault
	StatelessFragmentDefault   StatelessDefault
	StatelessCustomActions     []CustomAction
	StatefulGroups             []GroupRefSpec
	StatefulDefaults           StatefulDefaults
	RuleOrder                  RuleOrder
	StreamExceptionPolicy      string
	HomeNet                    []netip.Prefix // PolicyVariables.RuleVariables.HOME_NET, if set
	TLSInspectionConfiguration string
}

// ParseFirewallPolicy reads `aws network-firewall describe-firewall-policy`
// output. StatelessDefaultActions and StatelessFragmentDefaultActions are
// required: exactly one of aws:pass, aws:drop, aws:forward_to_sfe, plus
// custom action names defined in StatelessCustomActions.
func ParseFirewallPolicy(data []byte) (PolicySpec, error) {
	var doc struct {
		FirewallPolicy *struct {
			StatelessRuleGroupReferences []struct {
				ResourceArn string
				Priority    awsjson.Int
			}
			StatelessDefaultActions         []string
			StatelessFragmentDefaultActions []string
			StatelessCustomActions          []struct {
				ActionName       string
				ActionDefinition struct {
					PublishMetricAction *struct {
						Dimensions []struct{ Value string }
					}
				}
			}
			StatefulRuleGroupReferences []struct {
				ResourceArn string
				Priority    awsjson.Int
				Override    *struct{ Action string }
			}
			StatefulDefaultActions []string
			StatefulEngineOptions  *struct {
				RuleOrder             string
				StreamExceptionPolicy string
			}
			PolicyVariables *struct {
				RuleVariables map[string]jsonDefinition
			}
			TLSInspectionConfigurationArn string
		}
		FirewallPolicyResponse *struct {
			FirewallPolicyName string
			FirewallPolicyArn  string
		}
	}
	var s PolicySpec
	if err := awsjson.Unmarshal("", data, &doc); err != nil {
		return s, err
	}
	if doc.FirewallPolicyResponse != nil {
		s.Name, s.ARN = doc.FirewallPolicyResponse.FirewallPolicyName, doc.FirewallPolicyResponse.FirewallPolicyArn
	}
	res := s.Name
	if res == "" {
		res = s.ARN
	}
	fp := doc.FirewallPolicy
	if fp == nil {
		return s, jsonErr("FirewallPolicy", res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
	}
	for i, ca := range fp.StatelessCustomActions {
		c := CustomAction{Name: ca.ActionName}
		if ca.ActionDefinition.PublishMetricAction != nil {
			for _, d := range ca.ActionDefinition.PublishMetricAction.Dimensions {
				c.Dimensions = append(c.Dimensions, d.Value)
			}
		}
		if c.Name == "" {
			return s, jsonErr(awsjson.Index("FirewallPolicy.StatelessCustomActions", i)+".ActionName", res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
		}
		s.StatelessCustomActions = append(s.StatelessCustomActions, c)
	}
	var err error
	if s.StatelessDefault, err = parseDefaults("FirewallPolicy.StatelessDefaultActions", res, fp.StatelessDefaultActions); err != nil {
		return s, err
	}
	if s.StatelessFragmentDefault, err = parseDefaults("FirewallPolicy.StatelessFragmentDefaultActions", res, fp.StatelessFragmentDefaultActions); err != nil {
		return s, err
	}
	for i, r := range fp.StatelessRuleGroupReferences {
		p := awsjson.Index("FirewallPolicy.StatelessRuleGroupReferences", i)
		if r.ResourceArn == "" {
			return s, jsonErr(p+".ResourceArn", res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
		}
		if !r.Priority.Set {
			return s, jsonErr(p+".Priority", res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
		}
		s.StatelessGroups = append(s.StatelessGroups, GroupRefSpec{ARN: r.ResourceArn, Priority: r.Priority.Value})
	}
	for i, r := range fp.StatefulRuleGroupReferences {
		p := awsjson.Index("FirewallPolicy.StatefulRuleGroupReferences", i)
		if r.ResourceArn == "" {
			return s, jsonErr(p+".ResourceArn", res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
		}
		ref := GroupRefSpec{ARN: r.ResourceArn, Priority: r.Priority.Value}
		if r.Override != nil && r.Override.Action != "" {
			if r.Override.Action != "DROP_TO_ALERT" {
				return s, jsonErr(p+".Override.Action", res, r.Override.Action, fmt.Errorf("%w: want DROP_TO_ALERT", ErrInvalidPolicy))
			}
			ref.DropToAlert = true
		}
		s.StatefulGroups = append(s.StatefulGroups, ref)
	}
	if s.StatefulDefaults, err = ParseStatefulDefaults(fp.StatefulDefaultActions); err != nil {
		return s, jsonErr("FirewallPolicy.StatefulDefaultActions", res, strings.Join(fp.StatefulDefaultActions, ","), err)
	}
	if o := fp.StatefulEngineOptions; o != nil {
		if o.RuleOrder != "" {
			if s.RuleOrder, err = ParseRuleOrder(o.RuleOrder); err != nil {
				return s, jsonErr("FirewallPolicy.StatefulEngineOptions.RuleOrder", res, o.RuleOrder, err)
			}
		}
		switch o.StreamExceptionPolicy {
		case "", "DROP", "CONTINUE", "REJECT":
			s.StreamExceptionPolicy = o.StreamExceptionPolicy
		default:
			return s, jsonErr("FirewallPolicy.StatefulEngineOptions.StreamExceptionPolicy", res, o.StreamExceptionPolicy, fmt.Errorf("%w: want DROP, CONTINUE or REJECT", ErrInvalidPolicy))
		}
	}
	if pv := fp.PolicyVariables; pv != nil {
		for _, name := range sortedKeys(pv.RuleVariables) {
			if name != "HOME_NET" {
				return s, jsonErr("FirewallPolicy.PolicyVariables.RuleVariables."+name, res, name, fmt.Errorf("%w: only HOME_NET can be set in a policy", ErrInvalidPolicy))
			}
			for i, d := range pv.RuleVariables[name].Definition {
				pf, err := parsePrefixText(d)
				if err != nil {
					return s, jsonErr(awsjson.Index("FirewallPolicy.PolicyVariables.RuleVariables.HOME_NET.Definition", i), res, d, fmt.Errorf("%w: %w", ErrInvalidPolicy, err))
				}
				s.HomeNet = append(s.HomeNet, pf)
			}
		}
	}
	s.TLSInspectionConfiguration = fp.TLSInspectionConfigurationArn
	return s, nil
}

func parseDefaults(path, res string, names []string) (StatelessDefault, error) {
	var d StatelessDefault
	std := 0
	for i, n := range names {
		a, err := ParseStatelessAction(n)
		if err != nil {
			if strings.HasPrefix(n, "aws:") || n == "" {
				return d, jsonErr(awsjson.Index(path, i), res, n, fmt.Errorf("%w: %w", ErrInvalidPolicy, err))
			}
			d.CustomActions = append(d.CustomActions, n)
			continue
		}
		d.Action = a
		std++
	}
	if std != 1 {
		return d, jsonErr(path, res, strings.Join(names, ","), fmt.Errorf("%w: exactly one of aws:pass, aws:drop, aws:forward_to_sfe is required", ErrInvalidPolicy))
	}
	return d, nil
}

// Build binds the policy's rule group ARNs to parsed groups and returns
// the [Policy]. An ARN none of the groups has, or a group of the wrong
// kind for its reference, is an error (ErrUnresolved), never a silent
// drop. HomeNet stays as the policy sets it; package reach fills in the
// VPC's CIDRs when it is empty.
func (s PolicySpec) Build(groups []RuleGroup) (Policy, error) {
	byARN := map[string]RuleGroup{}
	for _, g := range groups {
		byARN[g.ARN()] = g
	}
	p := Policy{Name: s.Name, ARN: s.ARN, StreamExceptionPolicy: s.StreamExceptionPolicy}
	p.Stateless = StatelessConfig{Default: s.StatelessDefault, FragmentDefault: s.StatelessFragmentDefault, CustomActions: s.StatelessCustomActions}
	res := s.Name
	if res == "" {
		res = s.ARN
	}
	for i, r := range s.StatelessGroups {
		g, ok := byARN[r.ARN]
		if !ok || g.Stateless == nil {
			return p, jsonErr(awsjson.Index("FirewallPolicy.StatelessRuleGroupReferences", i)+".ResourceArn", res, r.ARN, fmt.Errorf("%w: no stateless rule group with this ARN was loaded", ErrUnresolved))
		}
		p.Stateless.Groups = append(p.Stateless.Groups, StatelessGroupRef{Priority: r.Priority, Group: *g.Stateless})
	}
	p.Stateful = StatefulConfig{Order: s.RuleOrder, Defaults: s.StatefulDefaults, HomeNet: slices.Clone(s.HomeNet)}
	for i, r := range s.StatefulGroups {
		g, ok := byARN[r.ARN]
		if !ok || g.Stateful == nil {
			return p, jsonErr(awsjson.Index("FirewallPolicy.StatefulRuleGroupReferences", i)+".ResourceArn", res, r.ARN, fmt.Errorf("%w: no stateful rule group with this ARN was loaded", ErrUnresolved))
		}
		p.Stateful.Groups = append(p.Stateful.Groups, StatefulGroupRef{Priority: r.Priority, Group: *g.Stateful, DropToAlert: r.DropToAlert})
	}
	return p, nil
}

// FirewallEndpoint is one firewall endpoint: its Availability Zone, subnet
// and endpoint ID (the vpce-… that routes name).
type FirewallEndpoint struct {
	AvailabilityZone string
	SubnetID         string
	EndpointID       string
	Status           string
}

// FirewallSpec is a firewall as `aws network-firewall describe-firewall`
// prints it.
type FirewallSpec struct {
	Name, ARN, PolicyARN, VPCID string
	Subnets                     []string // SubnetMappings
	Endpoints                   []FirewallEndpoint
}

// ParseFirewall reads `aws network-firewall describe-firewall` output: the
// firewall's name, ARN, policy ARN, VPC and subnet mappings, and from
// FirewallStatus.SyncStates each Availability Zone's endpoint (sorted by
// zone). A subnet mapping without an endpoint in the sync states is an
// error: routes need the endpoint ID.
func ParseFirewall(data []byte) (FirewallSpec, error) {
	var doc struct {
		Firewall *struct {
			FirewallName, FirewallArn, FirewallPolicyArn, VpcId string
			SubnetMappings                                      []struct{ SubnetId string }
		}
		FirewallStatus *struct {
			SyncStates map[string]struct {
				Attachment *struct {
					SubnetId, EndpointId, Status string
				}
			}
		}
	}
	var s FirewallSpec
	if err := awsjson.Unmarshal("", data, &doc); err != nil {
		return s, err
	}
	if doc.Firewall == nil {
		return s, jsonErr("Firewall", "", "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
	}
	f := doc.Firewall
	s.Name, s.ARN, s.PolicyARN, s.VPCID = f.FirewallName, f.FirewallArn, f.FirewallPolicyArn, f.VpcId
	res := s.Name
	for field, v := range map[string]string{"FirewallPolicyArn": s.PolicyARN, "VpcId": s.VPCID} {
		if v == "" {
			return s, jsonErr("Firewall."+field, res, "", fmt.Errorf("%w: missing", ErrInvalidPolicy))
		}
	}
	for _, m := range f.SubnetMappings {
		s.Subnets = append(s.Subnets, m.SubnetId)
	}
	if doc.FirewallStatus != nil {
		for _, az := range sortedKeys(doc.FirewallStatus.SyncStates) {
			a := doc.FirewallStatus.SyncStates[az].Attachment
			if a == nil {
				continue
			}
			if a.EndpointId == "" || a.SubnetId == "" {
				return s, jsonErr("FirewallStatus.SyncStates."+az+".Attachment", res, "", fmt.Errorf("%w: an attachment needs SubnetId and EndpointId", ErrInvalidPolicy))
			}
			s.Endpoints = append(s.Endpoints, FirewallEndpoint{AvailabilityZone: az, SubnetID: a.SubnetId, EndpointID: a.EndpointId, Status: a.Status})
		}
	}
	for i, sub := range s.Subnets {
		if !slices.ContainsFunc(s.Endpoints, func(e FirewallEndpoint) bool { return e.SubnetID == sub }) {
			return s, jsonErr(awsjson.Index("Firewall.SubnetMappings", i)+".SubnetId", res, sub, fmt.Errorf("%w: no endpoint for this subnet in FirewallStatus.SyncStates", ErrInvalidPolicy))
		}
	}
	return s, nil
}
