package reach

import (
	"maps"
	"slices"
	"strconv"
)

// Origin is where a resource of the design was read from: the input file
// and the JSON path of its element there ("NetworkAcls[2]",
// "SecurityGroups[0]"). Loaders attach it with [Builder.SetOrigin]; a
// design written in code has none. Lint findings ([Model.Lint]) and
// similar reports name it, so that a reader can open the input where the
// resource is.
type Origin struct {
	File string `json:"file,omitempty"`
	Path string `json:"path,omitempty"`
}

// IsZero reports whether o says nothing.
func (o Origin) IsZero() bool { return o == Origin{} }

// String reads "file.json: NetworkAcls[2]", "file.json" or
// "NetworkAcls[2]"; "" for the zero Origin.
func (o Origin) String() string {
	switch {
	case o.File != "" && o.Path != "":
		return o.File + ": " + o.Path
	case o.File != "":
		return o.File
	}
	return o.Path
}

// ResourceStatefulRuleGroup is the kind of a Network Firewall stateful
// rule group (by its name, or ARN), beside the kinds of
// [ResourceChange] ([ResourceSecurityGroup], [ResourceNetworkACL], …):
// the kinds an [Origin] is attached to and a [LintFinding] names.
const ResourceStatefulRuleGroup = "stateful-rule-group"

// SetOrigin records where the resource of kind ([ResourceSecurityGroup], …) and
// ID id came from; a later call for the same resource replaces it. Build
// copies the origins into the model, which never changes them; an origin
// for a resource the design does not hold is kept and does no harm.
func (b *Builder) SetOrigin(kind, id string, o Origin) *Builder {
	if b.origins == nil {
		b.origins = map[originKey]Origin{}
	}
	b.origins[originKey{kind, id}] = o
	return b
}

// originKey names a resource: its kind and ID.
type originKey struct{ kind, id string }

// Origin returns where the resource of kind and ID id came from, as the
// loader recorded it with [Builder.SetOrigin], and whether it did.
func (m *Model) Origin(kind, id string) (Origin, bool) {
	o, ok := m.origins[originKey{kind, id}]
	return o, ok
}

// cloneOrigins is the model's copy of the builder's origins.
func cloneOrigins(o map[originKey]Origin) map[originKey]Origin { return maps.Clone(o) }

// RuleOrigin is where one rule of a security group was read from when it
// is an element of a list of rules of its own (describe-security-group-rules'
// SecurityGroupRules) rather than of its group's element: element Index
// of the list at the JSON path List of File.
type RuleOrigin struct {
	Rule  string // the rule's ID ([sg.Rule].ID)
	File  string
	List  string // "SecurityGroupRules"
	Index int
}

// Origin is the rule's place as an [Origin]: File, and List[Index].
func (r RuleOrigin) Origin() Origin {
	return Origin{File: r.File, Path: r.List + "[" + strconv.Itoa(r.Index) + "]"}
}

// SetRuleOrigins records where the rules of the security group id came
// from, when they are elements of a list of rules of their own (see
// [RuleOrigin]): a lint finding about one of them ([LintFinding].Rule is
// its ID) names the rule's place, not its group's, and a QUOTA_SG_RULES
// finding about the group names its first rule's. A later call for the
// same group replaces the earlier; the builder keeps a copy of rules.
func (b *Builder) SetRuleOrigins(id string, rules []RuleOrigin) *Builder {
	if b.ruleOrigins == nil {
		b.ruleOrigins = map[string][]RuleOrigin{}
	}
	b.ruleOrigins[id] = slices.Clone(rules)
	return b
}

// RuleOrigin returns where the rule of ID rule of the security group id
// came from, as the loader recorded it with [Builder.SetRuleOrigins],
// and whether it did.
func (m *Model) RuleOrigin(id, rule string) (Origin, bool) {
	for _, r := range m.ruleOrigins[id] {
		if r.Rule == rule {
			return r.Origin(), true
		}
	}
	return Origin{}, false
}

// findingOrigin is where the input holds what f is about: the rule's
// place for a finding about a security group rule whose origin is
// recorded (SetRuleOrigins), the group's first rule's for a group above
// the quota of rules, else the resource's origin.
func (m *Model) findingOrigin(f LintFinding) (Origin, bool) {
	if f.Kind == ResourceSecurityGroup {
		if f.ID == LintQuotaGroupRules {
			if rs := m.ruleOrigins[f.Resource]; len(rs) > 0 {
				return rs[0].Origin(), true
			}
		} else if f.Rule != "" {
			if o, ok := m.RuleOrigin(f.Resource, f.Rule); ok {
				return o, true
			}
		}
	}
	return m.Origin(f.Kind, f.Resource)
}

// cloneRuleOrigins is the model's copy of the builder's rule origins
// (their slices are the builder's copies, never changed).
func cloneRuleOrigins(o map[string][]RuleOrigin) map[string][]RuleOrigin { return maps.Clone(o) }
