package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestFixAlsoChangedQueryEndsPublic (audit fix25): walk design seed
// (229, PCG stream 2525). The query eni-0-3-0's public address
// 203.0.113.12 -> eni-0-2-1's 203.0.113.9 tcp 5432 from client port
// 30000; its reply routes through appliance eni-0-0-2 (rtb-0-2:
// 203.0.113.0/24 via eni-0-0-2), whose groups are shared, so Fix makes a
// group for it with the inbound rule tcp 30000 from 10.1.2.11/32. That
// rule opens the same two ends on every other port, and the sessions of
// the rule's peer to the design's other public addresses the appliance
// carries. AlsoChanged used to list only a stand-in internet address
// (203.0.113.0) for them, and to take the private session eni-0-3-0 ->
// eni-0-2-1 for the query's own: each is now listed by the design's own
// ends, and no interface's session to itself.
func TestFixAlsoChangedQueryEndsPublic(t *testing.T) {
	g := randomWalkDesign(rand.New(rand.NewPCG(229, 2525)))
	m, err := g.d.Builder().Build()
	require.NoError(t, err)
	q := reach.Query{From: "203.0.113.12", To: "203.0.113.9", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, fx.After)
	ids := endpointOwners(m)
	for _, tc := range []struct {
		name     string
		from, to string
		port     uint16
		before   reach.Outcome
		after    reach.Outcome
	}{
		{"the query's ends on another port", "203.0.113.12", "203.0.113.9", 1024, reach.Unreachable, reach.Reachable},
		{"the query's source by ID, another port", "eni-0-3-0", "203.0.113.9", 8080, reach.Unreachable, reach.Reachable},
		{"the rule's peer to another public address the appliance carries", "eni-0-2-1", "203.0.113.6", 30000, reach.Unreachable, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: tc.port, SrcPort: 30000}
			r1, err := m.Check(s)
			require.NoError(t, err)
			r2, err := fx.Patched.Check(s)
			require.NoError(t, err)
			require.Equal(t, tc.before, r1.Outcome)
			require.Equal(t, tc.after, r2.Outcome)
			assert.True(t, alsoListed(fx, ids, s, false), "session %+v changes but is not in AlsoChanged %+v", s, fx.AlsoChanged)
		})
	}
	for _, sc := range fx.AlsoChanged {
		assert.False(t, ids[sc.From] != "" && ids[sc.From] == ids[sc.To], "an interface's session to itself: %+v", sc)
	}
	// the private session between the same interfaces is not the query's:
	// it does not change, and is not listed
	assert.False(t, slices.ContainsFunc(fx.AlsoChanged, func(sc reach.SessionChange) bool {
		return sc.From == "eni-0-3-0" && sc.To == "eni-0-2-1"
	}), "%+v", fx.AlsoChanged)
}

// TestFixAlsoChangedWalkDesigns (audit fix25's sweep, on PCG stream 2525,
// another than the project's other random tests, with seed 229 always
// among them): on random walk designs, for random queries of every kind
// and both wants, Apply(changes) gives want by Check, a second Fix on
// the patched model proposes nothing, the sampled sessions whose answer
// changes are in AlsoChanged (alsoBruteForce), and each command is one
// aws ec2 line under bash.
func TestFixAlsoChangedWalkDesigns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	stats := map[string]int{}
	seeds := []uint64{229}
	for seed := range uint64(fixSessionDesigns(t)) {
		seeds = append(seeds, seed)
	}
	for _, seed := range seeds {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 2525)))
		m, err := g.d.Builder().Build()
		if err != nil {
			continue
		}
		for range 10 {
			q := g.query()
			q.Domain = ""
			if g.chance(0.3) {
				q.Port = uint16(1 + g.pick(65535))
				if !q.Protocol.HasPorts() {
					q.Port = 0
				}
			}
			want := []reach.Outcome{reach.Reachable, reach.Unreachable}[g.pick(2)]
			fx, err := m.Fix(q, want)
			if errors.Is(err, reach.ErrNoFix) || errors.Is(err, reach.ErrQuery) {
				stats["nofix"]++
				continue
			}
			require.NoError(t, err, "seed %d %+v", seed, q)
			if len(fx.Changes) == 0 {
				continue
			}
			stats["fixed "+want.String()]++
			p, err := m.Apply(fx.Changes)
			require.NoError(t, err)
			r, err := p.Check(q)
			require.NoError(t, err)
			if !assert.Equal(t, want, r.Outcome, "seed %d %+v: %s", seed, q, r.Text()) {
				continue
			}
			again, err := p.Fix(q, want)
			if assert.NoError(t, err, "seed %d %+v: fix on the patched model", seed, q) {
				assert.Empty(t, again.Changes, "seed %d %+v: a second fix proposes more", seed, q)
			}
			var texts []string
			for _, c := range fx.Changes {
				texts = append(texts, c.Text)
			}
			stats["changed"] += alsoBruteForce(t, m, p, q, fx, fmt.Sprintf("seed %d query %+v want %s, changes %q", seed, q, want, texts), func() reach.Query {
				s := g.session()
				s.SrcPort = q.SrcPort
				return s
			}, nil)
			for _, line := range aws.Commands(fx.Changes) {
				if strings.HasPrefix(line, "SG_") {
					continue
				}
				out, err := exec.Command("bash", "-c", "aws() { printf '%s\\0' \"$@\"; }\n"+line).Output()
				require.NoError(t, err, line)
				require.True(t, strings.HasPrefix(string(out), "ec2\x00"), line)
			}
		}
	}
	t.Log(stats)
	require.NotZero(t, stats["fixed reachable"])
}
