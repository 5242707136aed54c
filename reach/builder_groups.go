package reach

import (
	"fmt"
	"runtime"
	"slices"
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

// groupRefAccounts reads the references written "account/sg-…" in the
// rules of the model's AWS groups ([sg.SplitGroupRef]; the VPC Peering
// Guide's form for a group of another account,
// https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)
// as the group's ID alone, which names it uniquely across accounts, as
// the aws loader does with a UserIdGroupPairs entry's UserId. Where the
// design holds the group and knows its owner (OwnerID), an account other
// than the owner is an error naming the rule's path and text: AWS finds
// no such group in that account. The rules rewritten are the model's own
// copies: the caller's groups are never changed.
func (b *Builder) groupRefAccounts(p *problems, m *Model) {
	for i, bg := range b.groups {
		g := m.groups[bg.ID]
		if b.skip("groups", i, bg.ID) || g == nil || g.Flavour != sg.AWS {
			continue
		}
		cloned := false
		for j, r := range g.Rules {
			if r.Peer.Kind != sg.PeerGroup {
				continue
			}
			account, id := sg.SplitGroupRef(r.Peer.Group)
			if account == "" {
				continue
			}
			if ref := m.groups[id]; ref != nil && ref.OwnerID != "" && ref.OwnerID != account {
				p.add(g.ID, path("groups", i, fmt.Sprintf("Rules[%d].Peer.Group", j)), r.Peer.Group,
					"the reference names account %s, but security group %s belongs to account %s", account, id, ref.OwnerID)
				continue
			}
			if !cloned {
				g.Rules, cloned = slices.Clone(g.Rules), true // never the caller's (nor a patched design's shared) rules
			}
			g.Rules[j].Peer.Group = id
		}
	}
}
