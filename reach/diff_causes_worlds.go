package reach

import "slices"

// The causes of a change on a pair whose walks fork.
//
// Check's trace of a walk that forks (an instance of several interfaces
// that may send a forwarded packet out of any of them,
// appliance_egress_fork.go; a transit gateway attachment in appliance
// mode whose subnet the flow hash picks, tgw_appliance.go) shows one
// combination of the choices: a change that only another combination
// meets (the group of the instance's other interface, that interface's
// subnet's network ACL or route table, an interface added to the
// instance) is on none of its hops, and the pair's change would come
// with no cause. So the causes of a change in a model that forks are
// also traced in each of its worlds (Model.zoneWorlds: one combination
// each), whose hops join the trace's: a changed resource that some
// combination's path meets, deciding differently, is a cause.

// forkWorlds returns m's worlds when its walks fork (Model.hasWorlds),
// nil otherwise. The diff has checked applianceErr.
func forkWorlds(m *Model) []*Model {
	if !m.hasWorlds() {
		return nil
	}
	return m.zoneWorlds()
}

// worldHops returns the hops of both legs of q's trace in each world
// (none for a world where q is an error).
func worldHops(worlds []*Model, q Query) []Hop {
	var out []Hop
	for _, w := range worlds {
		if r, err := w.Check(q); err == nil {
			out = slices.Concat(out, r.Forward, r.Return)
		}
	}
	return out
}

// unattributedNote is the Note of a change whose traces meet no changed
// resource deciding differently: its cause is not attributed (a change
// that moves a path elsewhere, say an interface moved to another subnet
// of an appliance's instance, meets on the new path resources that did
// not change).
func (tr *causeTracer) unattributedNote() string {
	if tr.wa != nil || tr.wb != nil {
		return "no changed resource decides differently on the paths traced (each choice of the interface an appliance instance sends by, or of an appliance-mode zone, was traced): causes not attributed"
	}
	return "no changed resource decides differently on the paths traced: causes not attributed"
}
