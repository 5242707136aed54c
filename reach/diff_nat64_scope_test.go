package reach_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestDiffNAT64Scope: v6 (IPv6 only) reaches web's IPv4 addresses
// through nat-1's NAT64 (64:ff9b::a00:a is 10.0.0.10), sessions of the
// pair v6 -> internet. A change at web (its group's rule for tcp/443
// from 0.0.0.0/0 removed, its groups replaced, its subnet's ACL closed)
// changes that pair though neither of its ends changed: the fast Diff's
// scope took only the pairs of web's interface and answered "changes:
// none" (audit v6nat25), while DiffReference lost 64:ff9b::a00:a and
// 64:ff9b::c633:640a. Now the scope puts every IPv6 interface's pair
// with the internet in scope for such a change (diff_scope_nat64.go).
// The changes on the translator's side (nat-1's subnet ACL, the route
// for 64:ff9b::/96) agreed before and still do. Each case: Diff ==
// DiffReference, pair by pair and as whole answers, and the pair v6 ->
// internet changed at exactly the NAT64 addresses named.
func TestDiffNAT64Scope(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	rule443 := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("0.0.0.0/0")}
	allowAll := []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0", "101 allow all from ::/0", "101 allow all to ::/0"}
	apart := v6nOpts{webApart: true, pubACL: v6nACL(allowAll...), webACL: v6nACLNamed("acl-web", allowAll...)}
	closed := func(o v6nOpts, nat bool, entry string) v6nOpts {
		if nat {
			o.pubACL = v6nACL(append([]string{entry}, allowAll...)...)
		} else {
			o.webACL = v6nACLNamed("acl-web", append([]string{entry}, allowAll...)...)
		}
		return o
	}
	tests := []struct {
		name          string
		before, after v6nOpts
		changes       []reach.Change // applied to the model before, when set
		lost          []string       // NAT64 addresses v6 -> internet loses tcp/443 at
		scoped        bool           // the scope places the change (not every pair)
	}{
		{"web's rule for tcp/443 from 0.0.0.0/0 removed", v6nOpts{}, v6nOpts{},
			[]reach.Change{{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule443}},
			[]string{"64:ff9b::a00:a", "64:ff9b::c633:640a"}, true},
		{"web's groups replaced", v6nOpts{}, v6nOpts{},
			[]reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceInterface, Resource: "eni-web", Groups: []string{"sg-open"}}},
			nil, true},
		{"web's subnet ACL closed to the NAT gateway", apart, closed(apart, false, "50 deny tcp 443 from 10.0.0.0/16"), nil,
			[]string{"64:ff9b::a00:20a"}, true},
		{"web's subnet ACL closed to tcp/443", apart, closed(apart, false, "50 deny tcp 443 from 0.0.0.0/0"), nil,
			[]string{"64:ff9b::a00:20a", "64:ff9b::c633:640a"}, true},
		{"the NAT gateway's subnet ACL closed", apart, closed(apart, true, "50 deny tcp 443 to 10.0.2.0/24"), nil,
			[]string{"64:ff9b::a00:20a"}, false},
		{"the route for 64:ff9b::/96 removed", v6nOpts{}, v6nOpts{noV6Route: true}, nil,
			[]string{"64:ff9b::a00:a", "64:ff9b::c633:640a"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := v6nModel(t, tt.before)
			after := v6nModel(t, tt.after)
			if tt.changes != nil {
				var err error
				after, err = before.Apply(tt.changes)
				require.NoError(t, err)
			}
			assert.Equal(t, !tt.scoped, reach.DiffScopeIsAll(before, after))
			o := reach.DiffOptions{IPv6: true, Workers: 1}
			ref, err := reach.DiffReference(before, after, o)
			require.NoError(t, err)
			got, err := reach.Diff(before, after, o)
			require.NoError(t, err)
			requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, got), tt.name)
			requireSameAddressChanges(t, ref, got, tt.name)
			rj, err := json.MarshalIndent(ref, "", " ")
			require.NoError(t, err)
			gj, err := json.MarshalIndent(got, "", " ")
			require.NoError(t, err)
			require.Equal(t, string(rj), string(gj), "Diff (actual) and DiffReference (expected), whole answers")
			pc, ok := dnPairChange(got, "eni-v6")
			require.True(t, ok, "v6 -> internet changed\n%s", got.Text())
			for _, s := range tt.lost {
				a := ba(s)
				ac, ok := addressChangeAt(pc, a)
				require.True(t, ok, "%s changed\n%s", s, got.Text())
				assert.True(t, ac.Lost.TCP.Contains(443), "%s loses tcp/443\n%s", s, got.Text())
				assert.Equal(t, reach.Reachable, dnVerdict(t, before, "v6", s), s)
				assert.Equal(t, reach.Unreachable, dnVerdict(t, after, "v6", s), s)
			}
			if tt.lost == nil {
				assert.NotEmpty(t, pc.Addresses, got.Text())
			}
			nat64 := netip.MustParsePrefix("64:ff9b::/96")
			for _, ac := range pc.Addresses {
				assert.True(t, slices.ContainsFunc(ac.Addresses, nat64.Overlaps), "v6 -> internet changed inside 64:ff9b::/96 only: %v", ac.Addresses)
			}
		})
	}
}

// mutateEnds returns d with one thing changed, mostly at the IPv4 end
// of a NAT64 session (web: its group's rules, its public IP, its
// subnet's ACL and routes, with apart), else at the source (v6's routes
// for the prefix and its group) or the translator's side (mutate).
func (d nat64RandomDesign) mutateEnds(rng *rand.Rand) (nat64RandomDesign, string) {
	c := d.clone()
	pick := rng.IntN(9)
	if !c.apart && pick >= 2 && pick <= 4 {
		pick = 0
	}
	switch pick {
	case 0:
		c.webIn[rng.IntN(len(c.webIn))] = nat64Rule(rng, flow.Inbound, false)
		return c, "web's rule drawn again"
	case 1:
		if len(c.webIn) > 1 {
			i := rng.IntN(len(c.webIn))
			c.webIn = slices.Delete(c.webIn, i, i+1)
			return c, "web's rule removed"
		}
		c.webIn = append(c.webIn, nat64Rule(rng, flow.Inbound, false))
		return c, "web's rule added"
	case 2:
		c.webACL = append(c.webACL, nat64Entry(rng, []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)]))
		return c, "entry added to acl-web"
	case 3:
		if len(c.webACL) == 0 {
			c.webACL = append(c.webACL, nat64Entry(rng, flow.Inbound))
			return c, "entry added to acl-web"
		}
		e := &c.webACL[rng.IntN(len(c.webACL))]
		e.Action = map[flow.Action]flow.Action{flow.Pass: flow.Drop, flow.Drop: flow.Pass}[e.Action]
		return c, "entry flipped in acl-web"
	case 4:
		c.webRoutes = append(c.webRoutes, nat64Route(rng, false))
		return c, "route added to rtb-web"
	case 5:
		c.noWebPublic = !c.noWebPublic
		return c, "web's public IP toggled"
	case 6:
		if len(c.v6Routes) > 1 && rng.IntN(2) == 0 {
			i := rng.IntN(len(c.v6Routes))
			c.v6Routes = slices.Delete(c.v6Routes, i, i+1)
			return c, "route removed from rtb-v6"
		}
		c.v6Routes = append(c.v6Routes, nat64Route(rng, true))
		return c, "route added to rtb-v6"
	case 7:
		c.v6Out[rng.IntN(len(c.v6Out))] = nat64Rule(rng, flow.Outbound, true)
		return c, "v6's rule drawn again"
	}
	return c.mutate(rng), "the translator's side or the appliance"
}

// TestDiffNAT64ScopeRandom holds the fast Diff to DiffReference (every
// pair of both whole matrices compared), pair by pair and as whole
// answers, IPv6 and IPv4, on the random NAT64 designs of
// TestNAT64SetAnswersRandom, web apart from the NAT gateways in its own
// subnet on most, with changes mostly at the IPv4 end of the NAT64
// sessions (web's rules, public IP, subnet ACL and routes), where the
// scope missed the pair "v6 -> internet" (audit v6nat25), and at the
// source and the translator's side. Some seeds must change the NAT64
// image of one of web's IPv4 addresses with the scope placed (not every
// pair), so that such a miss fails here.
func TestDiffNAT64ScopeRandom(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	seeds := 40
	switch {
	case raceOn: // the race detector needs the walks, not every seed
		seeds = 8
	case testing.Short():
		seeds = 16
	}
	images := []netip.Addr{ba("64:ff9b::a00:10a"), ba("64:ff9b::a00:20a"), ba("64:ff9b::3600:a")} // 10.0.1.10, 10.0.2.10, 54.0.0.10
	stats := map[string]int{}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 25))
		da := randomNAT64Design(rng)
		da.apart = rng.IntN(3) != 0
		if da.apart {
			for range rng.IntN(3) {
				da.webACL = append(da.webACL, nat64Entry(rng, []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)]))
			}
			for range rng.IntN(2) {
				da.webRoutes = append(da.webRoutes, nat64Route(rng, false))
			}
		}
		before, err := da.builder().Build()
		if err != nil {
			stats["design does not build"]++
			continue
		}
		var after *reach.Model
		var did []string
		for tries := 0; after == nil && tries < 10; tries++ {
			db, what := da.mutateEnds(rng)
			did = []string{what}
			if rng.IntN(3) == 0 {
				db, what = db.mutateEnds(rng)
				did = append(did, what)
			}
			after, _ = db.builder().Build() // a change that breaks the design is drawn again
		}
		require.NotNil(t, after, "seed %d: no change builds", seed)
		msg := fmt.Sprintf("seed %d (apart %v): %v", seed, da.apart, did)
		for _, v6 := range []bool{true, false} {
			o := reach.DiffOptions{IPv6: v6, Workers: 1 + int(seed%2)}
			ref, err := reach.DiffReference(before, after, o)
			require.NoError(t, err, msg)
			got, err := reach.Diff(before, after, o)
			require.NoError(t, err, msg)
			requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, got), fmt.Sprintf("%s (IPv6 %v)", msg, v6))
			requireSameAddressChanges(t, ref, got, msg)
			rj, err := json.MarshalIndent(ref, "", " ")
			require.NoError(t, err)
			gj, err := json.MarshalIndent(got, "", " ")
			require.NoError(t, err)
			require.Equal(t, string(rj), string(gj), "%s (IPv6 %v): Diff (actual) and DiffReference (expected), whole answers", msg, v6)
			if !v6 {
				continue
			}
			pc, _ := dnPairChange(ref, "eni-v6")
			if slices.ContainsFunc(images, func(a netip.Addr) bool { _, ok := addressChangeAt(pc, a); return ok }) {
				if reach.DiffScopeIsAll(before, after) {
					stats["a NAT64 image of web changed, every pair answered"]++
				} else {
					stats["a NAT64 image of web changed, scoped"]++
				}
			}
		}
	}
	t.Logf("%v", stats)
	assert.Positive(t, stats["a NAT64 image of web changed, scoped"], "some scoped change moves a NAT64 session to web")
}
