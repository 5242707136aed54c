package sg

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func shareTestGroup(id string, port uint16) Group {
	g := New(id, "web", "vpc-1", false)
	g.Rules = append(g.Rules,
		Rule{ID: "sgr-1", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: CIDR("192.0.2.0/24")},
		Rule{ID: "sgr-2", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: GroupRef("sg-app")})
	return g
}

// Evaluators compiled through one CachingResolver hold each group's rules
// once; a group given again under the same ID but changed gets its own.
func TestCachingResolverSharesGroupRules(t *testing.T) {
	res := NewCachingResolver(StaticResolver{Members: map[string][]netip.Addr{"sg-app": {netip.MustParseAddr("10.0.2.5")}}})
	web, db := shareTestGroup("sg-web", 443), shareTestGroup("sg-db", 5432)
	e1 := MustCompile([]Group{web}, res)
	e2 := MustCompile([]Group{db, web}, res)
	require.Same(t, &e1.group(0).Rules[0], &e2.group(1).Rules[0], "sg-web's rules are shared")
	for _, e := range []*Evaluator{e1, e2} {
		for i := range e.rules {
			require.Equal(t, e.group(int(e.rules[i].group)).Rules[e.rules[i].index], *e.rules[i].rule)
		}
	}
	in := flow.MustParse("tcp 192.0.2.7:50000 -> 10.0.1.5:443")
	assert.True(t, e2.Evaluate(in, flow.Inbound).Allowed())
	assert.True(t, e2.Evaluate(flow.MustParse("tcp 10.0.2.5:50000 -> 10.0.1.5:22"), flow.Inbound).Allowed())

	changed := shareTestGroup("sg-web", 8443) // same ID, another port
	e3 := MustCompile([]Group{changed}, res)
	assert.NotSame(t, &e1.group(0).Rules[0], &e3.group(0).Rules[0])
	assert.False(t, e3.Evaluate(in, flow.Inbound).Allowed())
	assert.True(t, e3.Evaluate(flow.MustParse("tcp 192.0.2.7:50000 -> 10.0.1.5:8443"), flow.Inbound).Allowed())
	assert.True(t, e1.Evaluate(in, flow.Inbound).Allowed(), "e1 keeps its rules")
	assert.Equal(t, MustCompile([]Group{changed}, res.res).Groups(), e3.Groups(), "as compiled without a cache")

	bad := shareTestGroup("sg-web", 443)
	bad.Rules[2].Ports = flow.PortRange{} // a TCP rule without ports: the shared code must not hide the error
	_, err := Compile([]Group{bad}, res)
	require.ErrorIs(t, err, ErrInvalidRule)
}

// groupCode.same compares every field of Group: changing any one of them
// (this test changes each by reflection, so a field added to Group is
// covered or fails here) makes a group not the same.
func TestGroupCodeComparesEveryField(t *testing.T) {
	base := shareTestGroup("sg-web", 443)
	gc, err := compileGroup(base, &binder{cache: newResolved(), groups: StaticResolver{Members: map[string][]netip.Addr{"sg-app": nil}}}, nil)
	require.NoError(t, err)
	require.True(t, gc.same(&base), "an AWS rule's unset action is compared as Pass")
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Group]()) {
		t.Run(f.Name, func(t *testing.T) {
			g := shareTestGroup("sg-web", 443)
			g.Rules = append([]Rule(nil), g.Rules...)
			v := reflect.ValueOf(&g).Elem().FieldByIndex(f.Index)
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + "x")
			case reflect.Uint8:
				v.SetUint(v.Uint() + 1)
			case reflect.Bool:
				v.SetBool(!v.Bool())
			case reflect.Slice:
				v.Set(reflect.Append(v, reflect.Zero(f.Type.Elem())))
			default:
				t.Fatalf("field %s of kind %s: teach groupCode.same and this test about it", f.Name, v.Kind())
			}
			assert.False(t, gc.same(&g), fmt.Sprintf("%#v", g))
		})
	}
	for i := range base.Rules {
		g := shareTestGroup("sg-web", 443)
		g.Rules[i].Description += "x"
		assert.False(t, gc.same(&g), "rule %d", i)
	}
}
