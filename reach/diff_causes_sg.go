package reach

import (
	"sync"

	"github.com/reachsim/reachsim/sg"
)

// groupChanges are the security groups of a diff that changed, and what
// of them: a group on a security groups hop whose decision differs is a
// cause only if its change can matter to the hop's packet (matters).
type groupChanges struct {
	changed map[string]*groupChange
	mu      sync.Mutex
	evs     map[groupModel]*sg.Evaluator // nil: the rules do not compile against that model
}

// groupChange is how one group changed: the rules added or removed, and
// whether anything else that decides changed (its flavour, its inner
// access policy, its VPC or owner).
type groupChange struct {
	g     sg.Group // the rules added or removed, as a group of the same ID and flavour
	other bool
}

// groupModel keys one of a group's changed rules compiled against a model.
type groupModel struct {
	id   string
	rule int // the index of a changed rule in groupChange.g
	m    *Model
}

// groupChangesOf returns the changes of the security groups of res.
func groupChangesOf(a, b *Model, res []ResourceChange) *groupChanges {
	gc := &groupChanges{changed: map[string]*groupChange{}, evs: map[groupModel]*sg.Evaluator{}}
	for _, r := range res {
		if r.Kind != ResourceSecurityGroup {
			continue
		}
		x, okA := a.groups[r.ID]
		y, okB := b.groups[r.ID]
		var g sg.Group
		switch {
		case okA && okB:
			gx, gy := *x, *y
			g = sg.Group{ID: r.ID, Flavour: gy.Flavour, Rules: symmetricDifference(gx.Rules, gy.Rules)}
			// names and descriptions decide nothing
			gx.Rules, gy.Rules, gx.Name, gy.Name, gx.Description, gy.Description = nil, nil, "", "", "", ""
			gc.changed[r.ID] = &groupChange{g: g, other: len(fieldDetails(gx, gy)) > 0}
			continue
		case okA:
			g = sg.Group{ID: r.ID, Flavour: x.Flavour, Rules: x.Rules}
		case okB:
			g = sg.Group{ID: r.ID, Flavour: y.Flavour, Rules: y.Rules}
		}
		gc.changed[r.ID] = &groupChange{g: g}
	}
	return gc
}

// matters reports whether group id's change can matter to the packet of
// h, a security groups hop of model m (other is the other model): the
// group did not change, or something that decides other than its rules
// changed, or a rule added or removed matches the packet judged with
// either model's members and prefix lists (or might: its members or
// entries unknown, or it cannot be judged). rules are the changed rules
// that match the packet, as groupDetails words them after "rule added: "
// or "rule removed: " ("inbound sgr-1 allows tcp/22 from 10.0.0.0/16");
// all is true when the change matters as a whole (the group did not
// change, something else of it did, or its rules cannot be judged), so
// that every detail of it is a cause.
func (gc *groupChanges) matters(id string, h Hop, m, other *Model) (ok bool, rules []string, all bool) {
	c, changed := gc.changed[id]
	if !changed || c.other {
		return true, nil, true
	}
	if len(c.g.Rules) == 0 {
		return false, nil, false
	}
	judged := false
	for i, r := range c.g.Rules {
		hit := false
		for _, x := range []*Model{m, other} {
			ev := gc.evaluator(c, i, x)
			if ev == nil {
				continue
			}
			judged = true
			d := ev.Evaluate(h.Packet, h.Direction)
			if d.Basis == sg.ByRule || d.Basis == sg.UnknownMember || d.Basis == sg.UnknownEntry || d.Basis == sg.EitherDiffers {
				hit = true
			}
		}
		if hit {
			rules = append(rules, r.Direction.String()+" "+r.String())
		}
	}
	if !judged {
		return true, nil, true
	}
	return len(rules) > 0, rules, false
}

// evaluator returns c's rule i alone compiled against m's members and
// prefix lists, once; nil when it does not compile there (a reference to
// a group or list m does not hold). Each rule is judged alone so that a
// cause names only the changed rules that match its sessions.
func (gc *groupChanges) evaluator(c *groupChange, i int, m *Model) *sg.Evaluator {
	k := groupModel{c.g.ID, i, m}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	if ev, ok := gc.evs[k]; ok {
		return ev
	}
	g := c.g
	g.Rules = c.g.Rules[i : i+1]
	g.InnerAccessDrop = true // the rule alone: no inner access policy
	ev, err := sg.Compile([]sg.Group{g}, m)
	if err != nil {
		ev = nil
	}
	gc.evs[k] = ev
	return ev
}
