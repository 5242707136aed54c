package stateful

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHiddenNeverDecides checks Engine.Hidden against the engine itself
// on random STRICT_ORDER policies: no session is decided by a hidden
// rule, none alerts on one, none is left undecided by one.
func TestHiddenNeverDecides(t *testing.T) {
	r := rand.New(rand.NewPCG(20261202, 14))
	g := generator{r}
	res := randomIPSets
	configs, hidden, sessions := 1500, 0, 0
	if testing.Short() {
		configs = 300
	}
	for range configs {
		cfg := g.config()
		cfg.Order = StrictOrder
		for i := range cfg.Groups {
			grp := &cfg.Groups[i].Group
			grp.RuleOrder = StrictOrder
			if grp.RulesString != "" && g.chance(0.7) {
				// plain header rules hide others often
				grp.RulesString = plainRule(g, 900+i) + "\n" + strings.ReplaceAll(grp.RulesString, "priority:", "rev:")
			}
			grp.RulesString = strings.ReplaceAll(grp.RulesString, "priority:", "rev:")
		}
		e, err := Compile(cfg, res)
		if err != nil {
			continue
		}
		hs := e.Hidden()
		hidden += len(hs)
		isHidden := map[string]bool{}
		for _, h := range hs {
			isHidden[fmt.Sprintf("%s/%d", h.Group, h.Sid)] = true
		}
		for range 40 {
			s := g.session()
			d := e.Evaluate(s)
			sessions++
			if !d.Default {
				require.False(t, isHidden[fmt.Sprintf("%s/%d", d.Group, d.Sid)], "a hidden rule decided %+v: %+v", s.Flow, d)
			}
			if u := d.Indeterminate; u != nil {
				require.False(t, isHidden[fmt.Sprintf("%s/%d", u.Group, u.Sid)], "a hidden rule left %+v undecided", s.Flow)
			}
			for _, a := range d.Alerts {
				require.False(t, isHidden[fmt.Sprintf("%s/%d", a.Group, a.Sid)], "a hidden rule alerted on %+v", s.Flow)
			}
		}
	}
	t.Logf("%d hidden rules, %d sessions", hidden, sessions)
	require.Greater(t, hidden, configs/20, "the random policies should hide some rules")
}

// plainRule is a rule with no option but its sid: it hides what its
// header covers.
func plainRule(g generator, sid int) string {
	return fmt.Sprintf("%s %s %s %s %s %s %s (sid:%d;)", g.pick([]string{"pass", "drop", "reject"}), g.pick([]string{"ip", "tcp", "udp", "tls"}),
		g.pick([]string{"any", "$HOME_NET", "10.0.0.0/8"}), g.pick([]string{"any", "any", "1024:65535"}),
		g.pick([]string{"->", "<>"}), g.pick([]string{"any", "$EXTERNAL_NET", "198.51.100.0/24"}), g.pick([]string{"any", "443", "[80,443]"}), sid)
}

// TestHiddenTable: literal policies.
func TestHiddenTable(t *testing.T) {
	for _, tc := range []struct {
		name, rules string
		want        []string // "sid by sid"
	}{
		{"wider pass first", "pass tcp any any -> any any (sid:1;)\ndrop tcp 10.0.0.0/8 any -> any 22 (sid:2;)", []string{"2 by 1"}},
		{"narrower first", "drop tcp 10.0.0.0/8 any -> any 22 (sid:1;)\npass tcp any any -> any any (sid:2;)", nil},
		{"ip hides tcp", "drop ip any any -> any any (sid:1;)\nalert tcp any any -> any 80 (sid:2;)", []string{"2 by 1"}},
		{"alert hides nothing", "alert ip any any -> any any (sid:1;)\ndrop tcp any any -> any 80 (sid:2;)", nil},
		{"content is not certain", "drop tcp any any -> any any (content:\"x\"; sid:1;)\ndrop tcp any any -> any 80 (sid:2;)", nil},
		{"flow narrows the hider", "drop tcp any any -> any any (flow:to_server; sid:1;)\ndrop tcp any any -> any 80 (sid:2;)", nil},
		{"same flow", "drop tcp any any -> any any (flow:to_server; sid:1;)\ndrop tcp any any -> any 80 (flow:established,to_server; sid:2;)", []string{"2 by 1"}},
		{"one-way does not hide both ways", "drop tcp 10.0.0.0/8 any -> any any (sid:1;)\ndrop tcp 10.0.0.0/8 any <> any any (sid:2;)", nil},
		{"both ways hides one way reversed", "drop tcp any any <> 10.0.0.0/8 any (sid:1;)\ndrop tcp 10.0.0.0/8 any -> any any (sid:2;)", []string{"2 by 1"}},
		{"app protocol", "pass tls any any -> any any (sid:1;)\ndrop tcp any any -> any 443 (sid:2;)", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Order: StrictOrder, HomeNet: randomHome, Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "g", RuleOrder: StrictOrder, RulesString: tc.rules}}}}
			e := MustCompile(cfg, nil)
			var got []string
			for _, h := range e.Hidden() {
				got = append(got, fmt.Sprintf("%d by %d", h.Sid, h.BySid))
			}
			assert.Equal(t, tc.want, got)
		})
	}
	e := MustCompile(Config{Order: DefaultActionOrder, HomeNet: randomHome, Groups: []GroupRef{{Priority: 1, Group: RuleGroup{Name: "g",
		RulesString: "pass ip any any -> any any (sid:1;)\ndrop ip any any -> any any (sid:2;)"}}}}, nil)
	assert.Nil(t, e.Hidden(), "default action order: not checked")
}
