package reach

import "maps"

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
