package sg_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/scramble"
	"github.com/reachsim/reachsim/sg"
)

// What an Evaluator returns is the caller's own: scrambling its groups and
// every decision changes no later answer, of it nor of another evaluator
// that shares its rules (compiled through one CachingResolver).
func TestReturnedValuesDoNotAliasTheEvaluator(t *testing.T) {
	for _, caching := range []bool{false, true} {
		t.Run(fmt.Sprintf("caching=%v", caching), func(t *testing.T) {
			returnedValuesDoNotAlias(t, caching)
		})
	}
}

func returnedValuesDoNotAlias(t *testing.T, caching bool) {
	res := sg.StaticResolver{
		Members:     map[string][]netip.Addr{"sg-app": {netip.MustParseAddr("10.0.2.5")}, "sg-web": nil},
		PrefixLists: map[string][]netip.Prefix{"pl-1": {netip.MustParsePrefix("192.0.2.0/24")}},
	}
	var r sg.Resolver = res
	if caching {
		r = sg.NewCachingResolver(res)
	}
	web := sg.New("sg-web", "web", "vpc-1", false)
	web.Rules = append(web.Rules,
		sg.Rule{ID: "sgr-1", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.PrefixList("pl-1")},
		sg.Rule{ID: "sgr-2", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-app")})
	e, err := sg.Compile([]sg.Group{web}, r)
	require.NoError(t, err)
	other, err := sg.Compile([]sg.Group{web}, r) // shares e's rules when caching
	require.NoError(t, err)
	flows := []string{"tcp 192.0.2.7:50000 -> 10.0.1.5:443", "tcp 10.0.2.5:50000 -> 10.0.1.5:22", "tcp 10.0.2.6:50000 -> 10.0.1.5:22", "udp 10.0.1.5:5 -> 8.8.8.8:53"}
	snapshot := func(e *sg.Evaluator) string {
		s := fmt.Sprintf("%#v\n", e.Groups())
		for _, f := range flows {
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				d := e.Explain(flow.MustParse(f), dir)
				s += fmt.Sprintf("%#v %#v %v %#v\n", e.Evaluate(flow.MustParse(f), dir), d.Rule, d.Skipped, d.Groups)
			}
		}
		return s
	}
	want := snapshot(e)
	require.Equal(t, want, snapshot(other))
	gs := e.Groups()
	scramble.All(gs)
	for _, f := range flows {
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			for _, d := range []sg.Decision{e.Evaluate(flow.MustParse(f), dir), e.Explain(flow.MustParse(f), dir)} {
				scramble.All(&d)
			}
		}
	}
	scramble.All(res.Members) // the resolver's data was read at Compile
	scramble.All(res.PrefixLists)
	assert.Equal(t, want, snapshot(e))
	assert.Equal(t, want, snapshot(other))
}
