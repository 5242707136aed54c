package scramble_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/internal/scramble"
)

type inner struct {
	Name  string
	Addrs []netip.Addr
	hid   string
}

type outer struct {
	N     int
	On    bool
	In    *inner
	List  []inner
	Map   map[string][]string
	Plain [2]uint8
}

func TestAllChangesEverythingExported(t *testing.T) {
	shared := []netip.Addr{netip.MustParseAddr("10.0.0.1")}
	names := []string{"a"}
	o := outer{N: 1, In: &inner{Name: "x", Addrs: shared, hid: "h"}, List: []inner{{Name: "y"}},
		Map: map[string][]string{"k": names}, Plain: [2]uint8{1, 2}}
	scramble.All(&o)
	assert.Equal(t, 0, o.N)
	assert.True(t, o.On)
	assert.NotEqual(t, "x", o.In.Name)
	assert.Equal(t, "h", o.In.hid, "unexported fields are left alone")
	assert.NotEqual(t, netip.MustParseAddr("10.0.0.1"), shared[0], "slice elements are changed in place")
	assert.NotEqual(t, "y", o.List[0].Name)
	assert.NotEqual(t, "a", names[0], "map values are reached")
	assert.Equal(t, [2]uint8{0, 3}, o.Plain)
}
