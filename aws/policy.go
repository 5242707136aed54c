package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

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
	Name, ARN                string
	StatelessGroups          []GroupRefSpec
	StatelessDefault         stateless.DefaultAction
	StatelessFragmentDefault stateless.DefaultAction
	StatelessCustomActions   []stateless.CustomAction
	StatefulGroups           []GroupRefSpec
	StatefulDefaults         stateful.Defaults
	RuleOrder                stateful.RuleOrder
	StreamExceptionPolicy    string
	HomeNet                  []netip.Prefix // PolicyVariables.RuleVariables.HOME_NET, if set
	// TLSInspectionConfiguration is TLSInspectionConfigurationArn, ""
	// for none; Build carries it into the policy, whose TCP sessions it
	// leaves Indeterminate (see firewall.Policy.TLSInspectionConfigurationArn).
	TLSInspectionConfiguration string
}

// The JSON shapes of `aws network-firewall describe-firewall-policy`.
type (
	policyDoc struct {
		FirewallPolicy         *firewallPolicyJSON
		FirewallPolicyResponse *struct {
			FirewallPolicyName string
			FirewallPolicyArn  string
		}
	}
	firewallPolicyJSON struct {
		StatelessRuleGroupReferences []struct {
			ResourceArn string
			Priority    json.RawMessage
		}
		StatelessDefaultActions         []string
		StatelessFragmentDefaultActions []string
		StatelessCustomActions          []struct {
			ActionName       string
			ActionDefinition *struct {
				PublishMetricAction *struct {
					Dimensions []struct{ Value string }
				}
			}
		}
		StatefulRuleGroupReferences []struct {
			ResourceArn string
			Priority    json.RawMessage
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
)

// ParseFirewallPolicy reads `aws network-firewall describe-firewall-policy`
// output into a [PolicySpec]; bind its rule groups with [PolicySpec.Build].
//
// StatelessDefaultActions and StatelessFragmentDefaultActions are
// required: exactly one of aws:pass, aws:drop, aws:forward_to_sfe, plus
// custom action names defined in StatelessCustomActions. Stateless
// references need a ResourceArn and a Priority from 1 to 65535; stateful
// ones a ResourceArn, and an Override.Action, if any, of DROP_TO_ALERT.
// StatefulDefaultActions need STRICT_ORDER. StreamExceptionPolicy is DROP,
// CONTINUE or REJECT; PolicyVariables may set HOME_NET only.
// TLSInspectionConfigurationArn is kept (PolicySpec.TLSInspectionConfiguration):
// reachsim does not model TLS inspection, so the policy's TCP sessions
// are Indeterminate where it could act, and the loader warns.
// StatefulEngineOptions.FlowTimeouts, DeepThreatInspection and
// EnableTLSSessionHolding are ignored.
//
// Errors are *[flow.InputError] values with the JSON path, the policy's
// name (or ARN) as Resource and the offending text, wrapping
// [stateless.ErrInvalidPolicy] or [stateless.ErrInvalidRule] (the
// stateless settings), [stateful.ErrInvalidPolicy] (the stateful
// settings), [firewall.ErrInvalidPolicy] (not a policy, the stream
// exception policy) or [flow.ErrJSON].
func ParseFirewallPolicy(data []byte) (PolicySpec, error) {
	var doc policyDoc
	var s PolicySpec
	if err := jsonloc.Document(data, &doc); err != nil {
		return s, err
	}
	if r := doc.FirewallPolicyResponse; r != nil {
		s.Name, s.ARN = r.FirewallPolicyName, r.FirewallPolicyArn
	}
	l := jsonloc.Loc{Path: "FirewallPolicy", Resource: nameOrARN(s.Name, s.ARN)}
	fp := doc.FirewallPolicy
	if fp == nil {
		return s, l.Fail("", firewall.ErrInvalidPolicy, "missing: not the output of aws network-firewall describe-firewall-policy")
	}
	if err := readStatelessSettings(l, fp, &s); err != nil {
		return s, err
	}
	if err := readStatefulSettings(l, fp, &s); err != nil {
		return s, err
	}
	s.TLSInspectionConfiguration = fp.TLSInspectionConfigurationArn
	return s, nil
}

// readStatelessSettings reads the stateless half of the policy fp, found
// at l, into s: custom actions, default actions and group references.
func readStatelessSettings(l jsonloc.Loc, fp *firewallPolicyJSON, s *PolicySpec) error {
	customs := map[string]bool{}
	for i, ca := range fp.StatelessCustomActions {
		cl := l.Field("StatelessCustomActions").Index(i)
		c := stateless.CustomAction{Name: ca.ActionName}
		if err := stateless.CheckActionName(c.Name); err != nil {
			return cl.Field("ActionName").Fail(c.Name, stateless.ErrInvalidPolicy, "%v", err)
		}
		if customs[c.Name] {
			return cl.Field("ActionName").Fail(c.Name, stateless.ErrInvalidPolicy, "custom action %s is defined twice", c.Name)
		}
		customs[c.Name] = true
		if ca.ActionDefinition == nil || ca.ActionDefinition.PublishMetricAction == nil {
			return cl.Field("ActionDefinition.PublishMetricAction").Fail(c.Name, stateless.ErrInvalidPolicy, "custom action %s has no PublishMetricAction, the only kind AWS defines", c.Name)
		}
		dl := cl.Field("ActionDefinition.PublishMetricAction.Dimensions")
		dims := ca.ActionDefinition.PublishMetricAction.Dimensions
		if len(dims) == 0 {
			return dl.Fail(c.Name, stateless.ErrInvalidPolicy, "custom action %s publishes no dimension; give at least one", c.Name)
		}
		for j, d := range dims {
			if err := stateless.CheckDimension(d.Value); err != nil {
				return dl.Index(j).Field("Value").Fail(d.Value, stateless.ErrInvalidPolicy, "%v", err)
			}
			c.Dimensions = append(c.Dimensions, d.Value)
		}
		s.StatelessCustomActions = append(s.StatelessCustomActions, c)
	}
	var err error
	if s.StatelessDefault, err = parseDefaults(l.Field("StatelessDefaultActions"), fp.StatelessDefaultActions, customs); err != nil {
		return err
	}
	if s.StatelessFragmentDefault, err = parseDefaults(l.Field("StatelessFragmentDefaultActions"), fp.StatelessFragmentDefaultActions, customs); err != nil {
		return err
	}
	for i, r := range fp.StatelessRuleGroupReferences {
		rl := l.Field("StatelessRuleGroupReferences").Index(i)
		if r.ResourceArn == "" {
			return rl.Field("ResourceArn").Fail("", stateless.ErrInvalidPolicy, "missing")
		}
		pl := rl.Field("Priority")
		prio, err := pl.ReadInt(r.Priority)
		switch {
		case err != nil:
			return err
		case !prio.Set:
			return pl.Fail("", stateless.ErrInvalidPolicy, "missing")
		case prio.Value < 1 || prio.Value > 65535:
			return pl.Fail(strconv.Itoa(prio.Value), stateless.ErrInvalidPolicy, "priority %d: want 1 to 65535", prio.Value)
		}
		s.StatelessGroups = append(s.StatelessGroups, GroupRefSpec{ARN: r.ResourceArn, Priority: prio.Value})
	}
	return nil
}

// parseDefaults reads a list of stateless default actions found at l.
func parseDefaults(l jsonloc.Loc, names []string, customs map[string]bool) (stateless.DefaultAction, error) {
	var d stateless.DefaultAction
	std := 0
	for i, n := range names {
		a, err := stateless.ParseAction(n)
		if err != nil {
			if strings.HasPrefix(n, "aws:") || n == "" {
				return d, l.Index(i).Wrap(n, fmt.Errorf("%w: %w", stateless.ErrInvalidPolicy, err))
			}
			if !customs[n] {
				return d, l.Index(i).Fail(n, stateless.ErrInvalidPolicy, "custom action %q is not defined in FirewallPolicy.StatelessCustomActions", n)
			}
			d.CustomActions = append(d.CustomActions, n)
			continue
		}
		d.Action = a
		std++
	}
	if std != 1 {
		return d, l.Fail(strings.Join(names, ","), stateless.ErrInvalidPolicy, "exactly one of aws:pass, aws:drop, aws:forward_to_sfe is required (found %d)", std)
	}
	return d, nil
}

// readStatefulSettings reads the stateful half of the policy fp, found at
// l, into s: group references, default actions, engine options and
// HOME_NET.
func readStatefulSettings(l jsonloc.Loc, fp *firewallPolicyJSON, s *PolicySpec) error {
	for i, r := range fp.StatefulRuleGroupReferences {
		rl := l.Field("StatefulRuleGroupReferences").Index(i)
		if r.ResourceArn == "" {
			return rl.Field("ResourceArn").Fail("", stateful.ErrInvalidPolicy, "missing")
		}
		prio, err := rl.Field("Priority").ReadInt(r.Priority)
		if err != nil {
			return err
		}
		ref := GroupRefSpec{ARN: r.ResourceArn, Priority: prio.Value}
		if r.Override != nil && r.Override.Action != "" {
			if r.Override.Action != "DROP_TO_ALERT" {
				return rl.Field("Override.Action").Fail(r.Override.Action, stateful.ErrInvalidPolicy, "want DROP_TO_ALERT")
			}
			ref.DropToAlert = true
		}
		s.StatefulGroups = append(s.StatefulGroups, ref)
	}
	dl := l.Field("StatefulDefaultActions")
	var err error
	if s.StatefulDefaults, err = stateful.ParseDefaults(fp.StatefulDefaultActions); err != nil {
		return dl.Wrap(strings.Join(fp.StatefulDefaultActions, ","), err)
	}
	if o := fp.StatefulEngineOptions; o != nil {
		ol := l.Field("StatefulEngineOptions")
		if o.RuleOrder != "" {
			if s.RuleOrder, err = stateful.ParseRuleOrder(o.RuleOrder); err != nil {
				return ol.Field("RuleOrder").Wrap(o.RuleOrder, err)
			}
		}
		switch o.StreamExceptionPolicy {
		case "", "DROP", "CONTINUE", "REJECT":
			s.StreamExceptionPolicy = o.StreamExceptionPolicy
		default:
			return ol.Field("StreamExceptionPolicy").Fail(o.StreamExceptionPolicy, firewall.ErrInvalidPolicy, "want DROP, CONTINUE or REJECT")
		}
	}
	if !s.StatefulDefaults.IsZero() && s.RuleOrder != stateful.StrictOrder {
		return dl.Fail(strings.Join(fp.StatefulDefaultActions, ","), stateful.ErrInvalidPolicy, "stateful default actions need StatefulEngineOptions.RuleOrder STRICT_ORDER")
	}
	if pv := fp.PolicyVariables; pv != nil {
		vl := l.Field("PolicyVariables.RuleVariables")
		for _, name := range sortedKeys(pv.RuleVariables) {
			if name != "HOME_NET" {
				return vl.Field(name).Fail(name, stateful.ErrInvalidPolicy, "only HOME_NET can be set in a policy")
			}
			for i, d := range pv.RuleVariables[name].Definition {
				p, err := vl.Field(name).Field("Definition").Index(i).ReadAddrOrCIDR(d, stateful.ErrInvalidPolicy)
				if err != nil {
					return err
				}
				s.HomeNet = append(s.HomeNet, p)
			}
		}
	}
	return nil
}

// Build binds the policy's rule group ARNs to parsed groups and returns
// the [firewall.Policy]. A stateful reference to an AWS managed rule group
// ([IsManagedRuleGroup]) none of the groups has becomes an opaque group
// ([OpaqueManagedGroup]): AWS does not publish its rules, so what they
// could decide is Indeterminate. Any other ARN none of the groups has, or
// a group of the wrong kind for its reference, is an error
// ([firewall.ErrUnresolved]) that says which describe-rule-group output
// to add, never a silent drop; so are two different groups with one ARN. Groups
// the policy does not reference are ignored. HomeNet stays as the policy
// sets it; package reach fills in the VPC's CIDRs when it is empty.
func (s PolicySpec) Build(groups []RuleGroup) (firewall.Policy, error) {
	res := nameOrARN(s.Name, s.ARN)
	byARN := map[string]RuleGroup{}
	for i, g := range groups {
		arn := g.ARN()
		if arn == "" {
			continue
		}
		if _, dup := byARN[arn]; dup {
			return firewall.Policy{}, jsonloc.Loc{Path: "groups", Resource: res}.Index(i).Fail(arn, firewall.ErrUnresolved, "two rule groups have the ARN %s", arn)
		}
		byARN[arn] = g
	}
	p := firewall.Policy{Name: s.Name, ARN: s.ARN, StreamExceptionPolicy: s.StreamExceptionPolicy, TLSInspectionConfigurationArn: s.TLSInspectionConfiguration}
	p.Stateless = stateless.Config{Default: s.StatelessDefault, FragmentDefault: s.StatelessFragmentDefault, CustomActions: s.StatelessCustomActions}
	l := jsonloc.Loc{Path: "FirewallPolicy", Resource: res}
	unresolved := func(refs string, i int, arn string, g RuleGroup, found bool, want string) error {
		why := "no " + want + " rule group with this ARN was loaded"
		if want == "stateful" { // a customer group: its rules can be had
			why += " (add aws network-firewall describe-rule-group --rule-group-arn " + arn + " --output json to the input)"
		}
		if found {
			why = "the rule group with this ARN (" + g.Name() + ") is not " + want
		}
		return l.Field(refs).Index(i).Field("ResourceArn").Fail(arn, firewall.ErrUnresolved, "%s", why)
	}
	for i, r := range s.StatelessGroups {
		g, ok := byARN[r.ARN]
		if !ok || g.Stateless == nil {
			return firewall.Policy{}, unresolved("StatelessRuleGroupReferences", i, r.ARN, g, ok, "stateless")
		}
		p.Stateless.Groups = append(p.Stateless.Groups, stateless.GroupRef{Priority: r.Priority, Group: *g.Stateless})
	}
	p.Stateful = stateful.Config{Order: s.RuleOrder, Defaults: s.StatefulDefaults, HomeNet: slices.Clone(s.HomeNet)}
	for i, r := range s.StatefulGroups {
		g, ok := byARN[r.ARN]
		switch {
		case !ok && IsManagedRuleGroup(r.ARN):
			g = RuleGroup{Stateful: OpaqueManagedGroup(r.ARN, s.RuleOrder)}
		case !ok || g.Stateful == nil:
			return firewall.Policy{}, unresolved("StatefulRuleGroupReferences", i, r.ARN, g, ok, "stateful")
		}
		p.Stateful.Groups = append(p.Stateful.Groups, stateful.GroupRef{Priority: r.Priority, Group: *g.Stateful, DropToAlert: r.DropToAlert})
	}
	return p, nil
}

// IsManagedRuleGroup reports whether arn names an AWS managed rule group
// (its account part "aws-managed", as
// arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder).
func IsManagedRuleGroup(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":aws-managed:")
}

// OpaqueManagedGroup is the stateful group an AWS managed rule group's
// ARN stands for when the input does not hold its rules (AWS does not
// publish those of its managed threat signature groups): an opaque group
// ([stateful.RuleGroup].Opaque "the rules of AWS managed rule group ARN,
// which AWS does not publish") of the policy's rule order.
func OpaqueManagedGroup(arn string, order stateful.RuleOrder) *stateful.RuleGroup {
	return &stateful.RuleGroup{ARN: arn, RuleOrder: order,
		Opaque: "the rules of AWS managed rule group " + arn + ", which AWS does not publish"}
}
