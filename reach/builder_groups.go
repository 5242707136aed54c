package reach

import (
	"runtime"
	"strings"

	"github.com/reachsim/reachsim/sg"
)

// compileGroups checks every group on its own once, whether or not an
// interface uses it, then compiles the groups of each interface, once per
// distinct set of groups, sharing prefix lists across all of them.
func (b *Builder) compileGroups(p *problems, m *Model) {
	comp := sg.NewCachingResolver(m) // safe for concurrent use
	// Each group alone, for its own errors, and below each interface's
	// groups: the compilations (most of Build's time on a large account)
	// run on every core, their results are taken in order.
	groupErrs := make([]error, len(b.groups))
	parallel(len(b.groups), runtime.GOMAXPROCS(0), func(i int) {
		if g := b.groups[i]; !b.skip("groups", i, g.ID) && !b.reuse.keeps(g.ID) {
			_, groupErrs[i] = sg.Compile([]sg.Group{*m.groups[g.ID]}, comp)
		}
	})
	for i, g := range b.groups {
		if err := groupErrs[i]; err != nil {
			p.wrap(g.ID, path("groups", i, ""), err)
			m.groups[g.ID].ID = "" // reported; keep it out of the interfaces' compilation
		}
	}
	if len(p.errs) > 0 {
		return
	}
	// The distinct sets of groups, in order of first use.
	type compiled struct {
		first *ifaceInfo
		pair  *sgPair
		err   error
	}
	var sets []*compiled
	bySet := map[string]*compiled{}
	keys := make([]string, len(m.ifaceOrder))
	for k, ii := range m.ifaceOrder {
		keys[k] = strings.Join(ii.Groups, ",")
		if _, ok := bySet[keys[k]]; !ok {
			c := &compiled{first: ii, pair: b.reuse.pair(keys[k], ii.Groups)}
			bySet[keys[k]] = c
			sets = append(sets, c)
		}
	}
	parallel(len(sets), runtime.GOMAXPROCS(0), func(i int) {
		if c := sets[i]; c.pair == nil {
			c.pair, c.err = compileInterface(m, c.first.Groups, comp)
		}
	})
	for k, ii := range m.ifaceOrder {
		c := bySet[keys[k]]
		pair, err := c.pair, c.err
		if err != nil && ii != c.first {
			pair, err = compileInterface(m, ii.Groups, comp) // its own error value
		}
		if err != nil {
			p.wrap(ii.ID, path("interfaces", ii.index, "Groups"), err)
			continue
		}
		ii.sg = pair
		m.sgCache[keys[k]] = pair
	}
}

// compileInterface compiles the groups of an interface (its evaluator for
// traffic whose source identity is lost comes at its first use:
// sgPair.blind).
func compileInterface(m *Model, ids []string, comp *sg.CachingResolver) (*sgPair, error) {
	gs := make([]sg.Group, len(ids))
	for j, id := range ids {
		gs[j] = *m.groups[id]
	}
	normal, err := sg.Compile(gs, comp)
	if err != nil {
		return nil, err
	}
	return &sgPair{normal: normal, m: m, outRefs: outboundRefs(gs)}, nil
}
