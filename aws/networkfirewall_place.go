package aws

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Where the faults firewall.Compile finds in a policy are. Compile runs
// once, inside reach.Build; its errors name the model's paths
// (stateless "Groups[1].Priority", stateful
// "StatefulRuleGroupReferences[0]") under the firewall's
// "firewalls[i].Policy". policyPlace maps them to the policy file's JSON
// path, or to the rule group file at fault, without compiling again.

// policyPlace is where a firewall's policy and the rule groups it
// references came from.
type policyPlace struct {
	at      jsonloc.Loc // the policy file's FirewallPolicy
	res     string      // the policy's ARN, else its name
	homeNet bool        // PolicyVariables sets HOME_NET
	// stateless and stateful hold, for each of StatelessRuleGroupReferences
	// and StatefulRuleGroupReferences, the rule group file's RuleGroup (no
	// File for a managed group the input does not hold).
	stateless, stateful []jsonloc.Loc
	// order is the RuleOrder of each stateful reference's group.
	order []stateful.RuleOrder
}

// newPolicyPlace records where pr and the groups it references (by ARN:
// their files in groupAt, the groups in byARN) came from.
func newPolicyPlace(pr *policyRec, groupAt map[string]jsonloc.Loc, byARN map[string]RuleGroup) *policyPlace {
	pp := &policyPlace{at: pr.at, res: cmp.Or(pr.spec.ARN, pr.spec.Name), homeNet: len(pr.spec.HomeNet) > 0}
	file := func(arn string) jsonloc.Loc {
		if o, ok := groupAt[arn]; ok {
			return jsonloc.Loc{File: o.File, Path: "RuleGroup"}
		}
		return jsonloc.Loc{}
	}
	for _, r := range pr.spec.StatelessGroups {
		pp.stateless = append(pp.stateless, file(r.ARN))
	}
	for _, r := range pr.spec.StatefulGroups {
		pp.stateful = append(pp.stateful, file(r.ARN))
		o := pr.spec.RuleOrder // a managed group the input lacks: the policy's
		if g, ok := byARN[r.ARN]; ok && g.Stateful != nil {
			o = g.Stateful.RuleOrder
		}
		pp.order = append(pp.order, o)
	}
	return pp
}

// place rewrites ie, Build's error about the policy (its Err wraps
// reach.ErrTopology and firewall.Compile's *flow.InputError), to name the
// file and JSON path at fault, the policy's ARN as Resource.
func (pp *policyPlace) place(ie *flow.InputError) error {
	var in *flow.InputError
	if !errors.As(ie.Err, &in) {
		return &flow.InputError{File: pp.at.File, Path: pp.at.Path, Resource: pp.res, Rule: ie.Rule, Text: ie.Text, Err: ie.Err}
	}
	o, text, leaf := pp.locate(in)
	if in.Resource != "" { // a rule group's
		leaf = fmt.Errorf("rule group %s: %w", in.Resource, leaf)
	}
	return &flow.InputError{File: o.File, Path: o.Path, Resource: pp.res, Rule: in.Rule, Text: text, Err: fmt.Errorf("%w: %w", reach.ErrTopology, leaf)}
}

// locate returns where in's fault is, the offending text and the cause.
func (pp *policyPlace) locate(in *flow.InputError) (jsonloc.Loc, string, error) {
	path, text, leaf := in.Path, in.Text, in.Err
	if k, rest, ok := refIndex(path, "Groups", len(pp.stateless)); ok { // stateless
		ref := pp.at.Field("StatelessRuleGroupReferences").Index(k)
		if errors.Is(leaf, stateless.ErrInvalidPolicy) {
			leaf = renamed{leaf, strings.ReplaceAll(leaf.Error(), "Groups[", "StatelessRuleGroupReferences[")}
		}
		switch {
		case rest == ".Priority":
			return ref.Field("Priority"), text, leaf
		case rest == ".Group":
			return ref.Field("ResourceArn"), text, leaf
		case strings.HasPrefix(rest, ".Group.") && pp.stateless[k].File != "":
			return pp.stateless[k], text, leaf
		}
		return ref, text, leaf
	}
	if k, _, ok := refIndex(path, "StatefulRuleGroupReferences", len(pp.stateful)); ok {
		ref, g := pp.at.Field("StatefulRuleGroupReferences").Index(k), pp.stateful[k]
		switch {
		case g.File == "" || errors.Is(leaf, stateful.ErrInvalidPolicy): // the reference's fault
			return ref, text, leaf
		case errors.Is(leaf, stateful.ErrRuleOrderMismatch):
			return g.Field("StatefulRuleOptions.RuleOrder"), pp.order[k].String(),
				fmt.Errorf("%w (the policy's is FirewallPolicy.StatefulEngineOptions.RuleOrder in %s, whose %s refers to the group; either left out is DEFAULT_ACTION_ORDER)",
					leaf, pp.at.File, ref.Path)
		case in.Rule != "":
			return g.Field("RulesSource"), text, leaf
		}
		return g, text, leaf
	}
	for _, f := range [...]struct{ model, json string }{
		{"Default", "StatelessDefaultActions"}, {"FragmentDefault", "StatelessFragmentDefaultActions"},
		{"CustomActions", "StatelessCustomActions"}, {"StatefulEngineOptions", "StatefulEngineOptions"},
		{"StatefulDefaultActions", "StatefulDefaultActions"}, {"StreamExceptionPolicy", "StatefulEngineOptions.StreamExceptionPolicy"},
	} {
		if path == f.model || strings.HasPrefix(path, f.model+".") || strings.HasPrefix(path, f.model+"[") {
			return pp.at.Field(f.json + path[len(f.model):]), text, leaf
		}
	}
	if path == "HomeNet" && pp.homeNet {
		return pp.at.Field("PolicyVariables.RuleVariables.HOME_NET"), text, leaf
	}
	return pp.at, text, leaf
}

// refIndex reads path as list[k] followed by rest, k below n.
func refIndex(path, list string, n int) (k int, rest string, ok bool) {
	num, ok := strings.CutPrefix(path, list+"[")
	if !ok {
		return 0, "", false
	}
	num, rest, ok = strings.Cut(num, "]")
	k, err := strconv.Atoi(num)
	if !ok || err != nil || k < 0 || k >= n || strconv.Itoa(k) != num {
		return 0, "", false
	}
	return k, rest, true
}

// renamed is err read with the JSON's names of the policy's fields in
// place of the model's; errors.Is and errors.As see err.
type renamed struct {
	err  error
	text string
}

func (r renamed) Error() string { return r.text }
func (r renamed) Unwrap() error { return r.err }
