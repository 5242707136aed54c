package flow_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// edge is one Add call of a table row.
type edge struct {
	f      flow.Field
	lo, hi uint16
}

func TestBoundsAtoms(t *testing.T) {
	all := flow.AllPorts
	tests := []struct {
		name   string
		vary   []flow.Field
		edges  []edge
		field  flow.Field
		within flow.PortRange
		want   []flow.PortRange
	}{
		{"no edges: one atom", []flow.Field{flow.FieldDstPort}, nil, flow.FieldDstPort, all,
			[]flow.PortRange{all}},
		{"one port", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 22, 22}}, flow.FieldDstPort, all,
			[]flow.PortRange{pr(0, 21), pr(22, 22), pr(23, 65535)}},
		{"a span", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 1024, 2047}}, flow.FieldDstPort, all,
			[]flow.PortRange{pr(0, 1023), pr(1024, 2047), pr(2048, 65535)}},
		{"port 0", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 0, 0}}, flow.FieldDstPort, all,
			[]flow.PortRange{pr(0, 0), pr(1, 65535)}},
		{"port 65535", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 65535, 65535}}, flow.FieldDstPort, all,
			[]flow.PortRange{pr(0, 65534), pr(65535, 65535)}},
		{"a range ending at 65535", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 1024, 65535}}, flow.FieldDstPort, all,
			[]flow.PortRange{pr(0, 1023), pr(1024, 65535)}},
		{"every port adds no edge", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 0, 65535}}, flow.FieldDstPort, all,
			[]flow.PortRange{all}},
		{"overlapping and repeated edges", []flow.Field{flow.FieldDstPort},
			[]edge{{flow.FieldDstPort, 80, 90}, {flow.FieldDstPort, 85, 100}, {flow.FieldDstPort, 80, 90}, {flow.FieldDstPort, 90, 90}},
			flow.FieldDstPort, pr(0, 200),
			[]flow.PortRange{pr(0, 79), pr(80, 84), pr(85, 89), pr(90, 90), pr(91, 100), pr(101, 200)}},
		{"an empty range adds nothing", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 10, 9}}, flow.FieldDstPort, all,
			[]flow.PortRange{all}},
		{"within cuts off the edges outside it", []flow.Field{flow.FieldDstPort},
			[]edge{{flow.FieldDstPort, 10, 20}, {flow.FieldDstPort, 1000, 2000}, {flow.FieldDstPort, 50000, 60000}},
			flow.FieldDstPort, pr(15, 1500),
			[]flow.PortRange{pr(15, 20), pr(21, 999), pr(1000, 1500)}},
		{"an edge at within's first value", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 100, 200}}, flow.FieldDstPort, pr(100, 150),
			[]flow.PortRange{pr(100, 150)}},
		{"an edge just past within's last value", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 100, 200}}, flow.FieldDstPort, pr(150, 201),
			[]flow.PortRange{pr(150, 200), pr(201, 201)}},
		{"a single value within", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 7, 7}}, flow.FieldDstPort, pr(7, 7),
			[]flow.PortRange{pr(7, 7)}},
		{"an empty within has no atoms", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldDstPort, 7, 7}}, flow.FieldDstPort, pr(9, 8),
			nil},
		{"a field not varied is ignored", []flow.Field{flow.FieldDstPort}, []edge{{flow.FieldSrcPort, 1000, 2000}}, flow.FieldSrcPort, all,
			[]flow.PortRange{all}},
		{"fields are kept apart", []flow.Field{flow.FieldDstPort, flow.FieldSrcPort},
			[]edge{{flow.FieldSrcPort, 1000, 2000}, {flow.FieldDstPort, 22, 22}}, flow.FieldSrcPort, all,
			[]flow.PortRange{pr(0, 999), pr(1000, 2000), pr(2001, 65535)}},
		{"ICMP types within 0-255", []flow.Field{flow.FieldICMPType, flow.FieldICMPCode},
			[]edge{{flow.FieldICMPType, 8, 8}, {flow.FieldICMPType, 11, 255}, {flow.FieldICMPCode, 3, 7}}, flow.FieldICMPType, pr(0, 255),
			[]flow.PortRange{pr(0, 7), pr(8, 8), pr(9, 10), pr(11, 255)}},
		{"ICMP codes", []flow.Field{flow.FieldICMPType, flow.FieldICMPCode},
			[]edge{{flow.FieldICMPType, 8, 8}, {flow.FieldICMPCode, 3, 7}}, flow.FieldICMPCode, pr(0, 255),
			[]flow.PortRange{pr(0, 2), pr(3, 7), pr(8, 255)}},
		{"an address field has no port atoms", []flow.Field{flow.FieldSrcAddr}, []edge{{flow.FieldSrcAddr, 1, 2}}, flow.FieldSrcAddr, all,
			[]flow.PortRange{all}},
		{"nothing varied", nil, []edge{{flow.FieldDstPort, 22, 22}}, flow.FieldDstPort, all,
			[]flow.PortRange{all}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := flow.NewBounds(tt.vary...)
			for _, e := range tt.edges {
				b.Add(e.f, e.lo, e.hi)
			}
			got := b.Atoms(tt.field, tt.within)
			assert.Equal(t, tt.want, got)
			checkPortAtoms(t, got, tt.within)
		})
	}
}

// checkPortAtoms checks that atoms are non-empty, in order, and cover
// within exactly.
func checkPortAtoms(t *testing.T, atoms []flow.PortRange, within flow.PortRange) {
	t.Helper()
	if within.IsEmpty() {
		assert.Empty(t, atoms)
		return
	}
	require.NotEmpty(t, atoms)
	assert.Equal(t, within.Lo, atoms[0].Lo)
	assert.Equal(t, within.Hi, atoms[len(atoms)-1].Hi)
	for i, a := range atoms {
		assert.False(t, a.IsEmpty(), "atom %d", i)
		if i > 0 {
			assert.Equal(t, uint32(atoms[i-1].Hi)+1, uint32(a.Lo), "atoms %d and %d touch", i-1, i)
		}
	}
}

func TestBoundsAtomsCoverEverything(t *testing.T) {
	b := flow.NewBounds(flow.FieldDstPort)
	for _, e := range []flow.PortRange{pr(0, 0), pr(1, 1), pr(65534, 65535), pr(65535, 65535), pr(100, 65535), pr(0, 99)} {
		b.Add(flow.FieldDstPort, e.Lo, e.Hi)
	}
	for _, within := range []flow.PortRange{flow.AllPorts, pr(0, 0), pr(65535, 65535), pr(50, 150), pr(65000, 65535)} {
		checkPortAtoms(t, b.Atoms(flow.FieldDstPort, within), within)
	}
	assert.Equal(t, []flow.PortRange{pr(0, 0), pr(1, 1), pr(2, 99), pr(100, 65533), pr(65534, 65534), pr(65535, 65535)},
		b.Atoms(flow.FieldDstPort, flow.AllPorts))
}

func a(s string) netip.Addr { return netip.MustParseAddr(s) }

func ar(from, to string) flow.AddrRange { return flow.AddrRange{From: a(from), To: a(to)} }

func TestBoundsAddrAtoms(t *testing.T) {
	tests := []struct {
		name     string
		add      func(b *flow.Bounds)
		field    flow.Field
		from, to string
		want     []flow.AddrRange
	}{
		{"no edges", func(*flow.Bounds) {}, flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.255")}},
		{"a /24", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.1.0/24")) }, flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "10.0.0.255"), ar("10.0.1.0", "10.0.1.255"), ar("10.0.2.0", "255.255.255.255")}},
		{"host bits are masked", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, netip.MustParsePrefix("10.0.1.77/24")) },
			flow.FieldSrcAddr, "10.0.0.0", "10.0.3.255",
			[]flow.AddrRange{ar("10.0.0.0", "10.0.0.255"), ar("10.0.1.0", "10.0.1.255"), ar("10.0.2.0", "10.0.3.255")}},
		{"a /32", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.5/32")) }, flow.FieldSrcAddr, "10.0.0.0", "10.0.0.255",
			[]flow.AddrRange{ar("10.0.0.0", "10.0.0.4"), ar("10.0.0.5", "10.0.0.5"), ar("10.0.0.6", "10.0.0.255")}},
		{"a /0 adds no edge", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("0.0.0.0/0")) }, flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.255")}},
		{"the first IPv4 address", func(b *flow.Bounds) { b.AddAddr(flow.FieldDstAddr, a("0.0.0.0")) }, flow.FieldDstAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "0.0.0.0"), ar("0.0.0.1", "255.255.255.255")}},
		{"the last IPv4 address", func(b *flow.Bounds) { b.AddAddr(flow.FieldDstAddr, a("255.255.255.255")) }, flow.FieldDstAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.254"), ar("255.255.255.255", "255.255.255.255")}},
		{"a prefix ending at the last IPv4 address", func(b *flow.Bounds) { b.AddPrefix(flow.FieldDstAddr, pfx("240.0.0.0/4")) },
			flow.FieldDstAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "239.255.255.255"), ar("240.0.0.0", "255.255.255.255")}},
		{"the last IPv6 address", func(b *flow.Bounds) { b.AddAddr(flow.FieldSrcAddr, a("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) },
			flow.FieldSrcAddr, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			[]flow.AddrRange{ar("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), ar("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}},
		{"a /128 and a /48", func(b *flow.Bounds) {
			b.AddPrefix(flow.FieldSrcAddr, pfx("2001:db8::1/128"))
			b.AddPrefix(flow.FieldSrcAddr, pfx("2001:db8:1::/48"))
		}, flow.FieldSrcAddr, "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
			[]flow.AddrRange{ar("2001:db8::", "2001:db8::"), ar("2001:db8::1", "2001:db8::1"), ar("2001:db8::2", "2001:db8:0:ffff:ffff:ffff:ffff:ffff"),
				ar("2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), ar("2001:db8:2::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")}},
		{"::/0 adds no edge", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("::/0")) }, flow.FieldSrcAddr, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			[]flow.AddrRange{ar("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}},
		{"IPv6 edges do not cut IPv4 atoms", func(b *flow.Bounds) {
			b.AddPrefix(flow.FieldSrcAddr, pfx("2001:db8::/32"))
			b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8"))
		}, flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "9.255.255.255"), ar("10.0.0.0", "10.255.255.255"), ar("11.0.0.0", "255.255.255.255")}},
		{"IPv4 edges do not cut IPv6 atoms", func(b *flow.Bounds) {
			b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8"))
			b.AddAddr(flow.FieldSrcAddr, a("255.255.255.255"))
		}, flow.FieldSrcAddr, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			[]flow.AddrRange{ar("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}},
		{"an IPv4-mapped IPv6 range is IPv6", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8")) },
			flow.FieldSrcAddr, "::ffff:0.0.0.0", "::ffff:255.255.255.255",
			[]flow.AddrRange{ar("::ffff:0.0.0.0", "::ffff:255.255.255.255")}},
		{"an address range", func(b *flow.Bounds) { b.AddAddrRange(flow.FieldSrcAddr, a("10.0.0.7"), a("10.0.0.9")) },
			flow.FieldSrcAddr, "10.0.0.0", "10.0.0.255",
			[]flow.AddrRange{ar("10.0.0.0", "10.0.0.6"), ar("10.0.0.7", "10.0.0.9"), ar("10.0.0.10", "10.0.0.255")}},
		{"within cuts off the edges outside it", func(b *flow.Bounds) {
			b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/24"))
			b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.2.0/24"))
			b.AddPrefix(flow.FieldSrcAddr, pfx("192.168.0.0/16"))
		}, flow.FieldSrcAddr, "10.0.0.128", "10.0.2.5",
			[]flow.AddrRange{ar("10.0.0.128", "10.0.0.255"), ar("10.0.1.0", "10.0.1.255"), ar("10.0.2.0", "10.0.2.5")}},
		{"a single address within", func(b *flow.Bounds) { b.AddAddr(flow.FieldSrcAddr, a("10.0.0.1")) },
			flow.FieldSrcAddr, "10.0.0.1", "10.0.0.1",
			[]flow.AddrRange{ar("10.0.0.1", "10.0.0.1")}},
		{"an address field not varied is ignored", func(b *flow.Bounds) { b.AddPrefix(flow.FieldDstAddr, pfx("10.0.0.0/8")) },
			flow.FieldDstAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.255")}},
		{"the source and the destination are kept apart", func(b *flow.Bounds) { b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8")) },
			flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "9.255.255.255"), ar("10.0.0.0", "10.255.255.255"), ar("11.0.0.0", "255.255.255.255")}},
		{"a port field takes no address", func(b *flow.Bounds) { b.AddPrefix(flow.FieldDstPort, pfx("10.0.0.0/8")) },
			flow.FieldDstPort, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.255")}},
		{"invalid prefixes and addresses add nothing", func(b *flow.Bounds) {
			b.AddPrefix(flow.FieldSrcAddr, netip.Prefix{})
			b.AddAddr(flow.FieldSrcAddr, netip.Addr{})
			b.AddAddrRange(flow.FieldSrcAddr, netip.Addr{}, a("10.0.0.1"))
			b.AddAddrRange(flow.FieldSrcAddr, a("10.0.0.1"), netip.Addr{})
		}, flow.FieldSrcAddr, "0.0.0.0", "255.255.255.255",
			[]flow.AddrRange{ar("0.0.0.0", "255.255.255.255")}},
		{"a reversed range has no atoms", func(*flow.Bounds) {}, flow.FieldSrcAddr, "10.0.0.2", "10.0.0.1", nil},
		{"a range of two families has no atoms", func(*flow.Bounds) {}, flow.FieldSrcAddr, "10.0.0.1", "::1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vary []flow.Field
			switch tt.name {
			case "an address field not varied is ignored", "the source and the destination are kept apart":
				vary = []flow.Field{flow.FieldSrcAddr}
			default:
				vary = []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldDstPort}
			}
			b := flow.NewBounds(vary...)
			tt.add(b)
			if tt.name == "the source and the destination are kept apart" {
				b.AddPrefix(flow.FieldDstAddr, pfx("192.168.0.0/16"))
				assert.Len(t, b.AddrAtoms(flow.FieldDstAddr, a("0.0.0.0"), a("255.255.255.255")), 1, "the destination is not varied")
			}
			got := b.AddrAtoms(tt.field, a(tt.from), a(tt.to))
			assert.Equal(t, addrStrings(tt.want), addrStrings(got))
			checkAddrAtoms(t, got, a(tt.from), a(tt.to))
		})
	}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// addrStrings prints atoms for readable failures.
func addrStrings(atoms []flow.AddrRange) []string {
	var out []string
	for _, at := range atoms {
		out = append(out, at.From.String()+"-"+at.To.String())
	}
	return out
}

// checkAddrAtoms checks that atoms are non-empty, in order, of from's
// family, and cover [from, to] exactly.
func checkAddrAtoms(t *testing.T, atoms []flow.AddrRange, from, to netip.Addr) {
	t.Helper()
	if to.Less(from) || from.Is4() != to.Is4() {
		assert.Empty(t, atoms)
		return
	}
	require.NotEmpty(t, atoms)
	assert.Equal(t, from, atoms[0].From)
	assert.Equal(t, to, atoms[len(atoms)-1].To)
	for i, at := range atoms {
		assert.Equal(t, from.Is4(), at.From.Is4(), "atom %d", i)
		assert.Equal(t, from.Is4(), at.To.Is4(), "atom %d", i)
		assert.False(t, at.To.Less(at.From), "atom %d is not empty", i)
		if i > 0 {
			assert.Equal(t, atoms[i-1].To.Next(), at.From, "atoms %d and %d touch", i-1, i)
		}
	}
}

func TestBoundsVaries(t *testing.T) {
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	for f := flow.FieldSrcPort; f <= flow.FieldDstAddr; f++ {
		assert.Equal(t, f == flow.FieldDstPort || f == flow.FieldSrcAddr, b.Varies(f), "%s", f)
	}
	var zero flow.Bounds
	var nilB *flow.Bounds
	for f := flow.FieldSrcPort; f <= flow.FieldDstAddr; f++ {
		assert.False(t, zero.Varies(f), "the zero Bounds varies nothing: %s", f)
		assert.False(t, nilB.Varies(f), "a nil Bounds varies nothing: %s", f)
	}
	assert.False(t, b.Varies(flow.Field(200)))
	// Adding to a nil Bounds or to one that varies nothing is a no-op.
	assert.NotPanics(t, func() {
		nilB.Add(flow.FieldDstPort, 1, 2)
		nilB.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8"))
		nilB.AddAddr(flow.FieldSrcAddr, a("10.0.0.1"))
		nilB.AddAddrRange(flow.FieldSrcAddr, a("10.0.0.1"), a("10.0.0.2"))
	})
	zero.Add(flow.FieldDstPort, 22, 22)
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, zero.Atoms(flow.FieldDstPort, flow.AllPorts))
}

func TestFieldString(t *testing.T) {
	assert.Equal(t, "source port", flow.FieldSrcPort.String())
	assert.Equal(t, "destination port", flow.FieldDstPort.String())
	assert.Equal(t, "ICMP type", flow.FieldICMPType.String())
	assert.Equal(t, "ICMP code", flow.FieldICMPCode.String())
	assert.Equal(t, "source address", flow.FieldSrcAddr.String())
	assert.Equal(t, "destination address", flow.FieldDstAddr.String())
	assert.Equal(t, "field?", flow.Field(99).String())
}

func TestBoundsMergeAndReset(t *testing.T) {
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	b.Add(flow.FieldDstPort, 22, 22)
	b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8"))

	o := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	o.Add(flow.FieldDstPort, 443, 443)
	o.Add(flow.FieldDstPort, 22, 22) // a repeat
	o.AddAddr(flow.FieldSrcAddr, a("192.168.0.1"))

	b.Merge(o)
	assert.Equal(t, []flow.PortRange{pr(0, 21), pr(22, 22), pr(23, 442), pr(443, 443), pr(444, 65535)}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Equal(t, []string{"0.0.0.0-9.255.255.255", "10.0.0.0-10.255.255.255", "11.0.0.0-192.168.0.0",
		"192.168.0.1-192.168.0.1", "192.168.0.2-255.255.255.255"},
		addrStrings(b.AddrAtoms(flow.FieldSrcAddr, a("0.0.0.0"), a("255.255.255.255"))))
	// o is unchanged.
	assert.Equal(t, []flow.PortRange{pr(0, 21), pr(22, 22), pr(23, 442), pr(443, 443), pr(444, 65535)}, o.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Len(t, o.AddrAtoms(flow.FieldSrcAddr, a("0.0.0.0"), a("255.255.255.255")), 3)

	// Merging an empty Bounds changes nothing.
	b.Merge(flow.NewBounds())
	b.Merge(nil)
	assert.Len(t, b.Atoms(flow.FieldDstPort, flow.AllPorts), 5)

	// A field b does not vary stays one atom whatever o holds.
	c := flow.NewBounds(flow.FieldDstPort)
	c.Merge(o)
	assert.Len(t, c.Atoms(flow.FieldDstPort, flow.AllPorts), 5)
	assert.Equal(t, []string{"0.0.0.0-255.255.255.255"}, addrStrings(c.AddrAtoms(flow.FieldSrcAddr, a("0.0.0.0"), a("255.255.255.255"))),
		"c does not vary the source address")
	sp := flow.NewBounds(flow.FieldSrcPort)
	sp.Add(flow.FieldSrcPort, 1000, 2000)
	c.Merge(sp)
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, c.Atoms(flow.FieldSrcPort, flow.AllPorts), "c does not vary the source port")

	b.Reset()
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Equal(t, []string{"0.0.0.0-255.255.255.255"}, addrStrings(b.AddrAtoms(flow.FieldSrcAddr, a("0.0.0.0"), a("255.255.255.255"))))
	assert.True(t, b.Varies(flow.FieldDstPort), "Reset keeps what b varies")
	assert.True(t, b.Varies(flow.FieldSrcAddr))
	b.Add(flow.FieldDstPort, 80, 80)
	assert.Equal(t, []flow.PortRange{pr(0, 79), pr(80, 80), pr(81, 65535)}, b.Atoms(flow.FieldDstPort, flow.AllPorts), "b takes edges after Reset")
	// o is unchanged by b's Reset (Merge copied, it did not alias).
	assert.Len(t, o.Atoms(flow.FieldDstPort, flow.AllPorts), 5)
}

// Atoms does not keep or change the recorded edges: a second call gives
// the same answer, and adding after it is seen.
func TestBoundsAtomsAreRepeatable(t *testing.T) {
	b := flow.NewBounds(flow.FieldSrcPort)
	b.Add(flow.FieldSrcPort, 300, 400)
	b.Add(flow.FieldSrcPort, 100, 200)
	first := b.Atoms(flow.FieldSrcPort, flow.AllPorts)
	assert.Equal(t, first, b.Atoms(flow.FieldSrcPort, flow.AllPorts))
	b.Add(flow.FieldSrcPort, 50, 50)
	assert.Len(t, b.Atoms(flow.FieldSrcPort, flow.AllPorts), len(first)+2)
}

func ExampleBounds() {
	// A question varies the destination port and the source address; two
	// rules report their ranges.
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	b.Add(flow.FieldDstPort, 22, 22)      // allow tcp 22 ...
	b.Add(flow.FieldDstPort, 1024, 65535) // ... and tcp 1024-65535
	b.AddPrefix(flow.FieldSrcAddr, netip.MustParsePrefix("10.0.0.0/8"))
	b.Add(flow.FieldSrcPort, 1000, 2000) // not varied: ignored

	for _, at := range b.Atoms(flow.FieldDstPort, flow.AllPorts) {
		fmt.Println("ports", at)
	}
	for _, at := range b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")) {
		fmt.Println("sources", at.From, "-", at.To)
	}
	fmt.Println("source ports:", b.Atoms(flow.FieldSrcPort, flow.AllPorts))
	// Output:
	// ports 0-21
	// ports 22
	// ports 23-1023
	// ports 1024-65535
	// sources 0.0.0.0 - 9.255.255.255
	// sources 10.0.0.0 - 10.255.255.255
	// sources 11.0.0.0 - 255.255.255.255
	// source ports: [0-65535]
}

// TestWindowAddrsKeepsTheAtomsInside: a Bounds windowed to a range gives
// that range (and any range inside it) the atoms an unwindowed one gives,
// whether edges come one by one, merged from a compacted Bounds (found by
// binary search) or merged field to field.
func TestWindowAddrsKeepsTheAtomsInside(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	addr := func() netip.Addr {
		return netip.AddrFrom4([4]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(4)), byte(r.IntN(256))})
	}
	for i := range 300 {
		src := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
		for range 1 + r.IntN(40) {
			a := addr()
			src.AddPrefix(flow.FieldSrcAddr, netip.PrefixFrom(a, 8+r.IntN(25)))
			src.AddAddr(flow.FieldDstAddr, addr())
		}
		if r.IntN(2) == 0 {
			src.Compact()
		}
		from, to := addr(), addr()
		if to.Less(from) {
			from, to = to, from
		}
		full := flow.NewBounds(flow.FieldSrcAddr)
		full.Merge(src)
		full.MergeField(flow.FieldSrcAddr, src, flow.FieldDstAddr)
		win := flow.NewBounds(flow.FieldSrcAddr)
		win.WindowAddrs(from, to)
		win.Merge(src)
		win.MergeField(flow.FieldSrcAddr, src, flow.FieldDstAddr)
		win.AddAddrRange(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("0.0.0.0")) // outside or at the edge
		full.AddAddrRange(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("0.0.0.0"))
		require.Equal(t, full.AddrAtoms(flow.FieldSrcAddr, from, to), win.AddrAtoms(flow.FieldSrcAddr, from, to), "case %d", i)
		require.LessOrEqual(t, win.Len(flow.FieldSrcAddr), full.Len(flow.FieldSrcAddr), "case %d", i)
	}
}

func TestBoundsRecordRanges(t *testing.T) {
	p := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	r := func(from, to string) flow.AddrRange {
		return flow.AddrRange{From: netip.MustParseAddr(from), To: netip.MustParseAddr(to)}
	}
	plain := flow.NewBounds(flow.FieldSrcAddr)
	plain.AddPrefix(flow.FieldSrcAddr, p("10.0.0.0/8"))
	assert.Empty(t, plain.AddrSets(flow.FieldSrcAddr), "a Bounds that does not record keeps edges only")

	fw := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
	fw.RecordRanges()
	fw.AddPrefix(flow.FieldDstAddr, p("0.0.0.0/1"))
	fw.AddAddrSet(flow.FieldDstAddr, []flow.AddrRange{r("0.0.0.0", "9.255.255.255"), r("11.0.0.0", "255.255.255.255")})
	b := flow.NewBounds(flow.FieldSrcAddr)
	b.RecordRanges()
	b.AddPrefix(flow.FieldSrcAddr, p("10.0.2.0/28"))
	b.AddPrefix(flow.FieldSrcAddr, p("10.0.2.0/28"))
	b.AddPrefix(flow.FieldDstAddr, p("10.9.0.0/16")) // a field b does not vary
	b.MergeField(flow.FieldSrcAddr, fw, flow.FieldDstAddr)
	b.Merge(plain) // no sets to carry
	b.Compact()
	assert.Equal(t, [][]flow.AddrRange{
		{r("0.0.0.0", "9.255.255.255"), r("11.0.0.0", "255.255.255.255")},
		{r("0.0.0.0", "127.255.255.255")},
		{r("10.0.2.0", "10.0.2.15")},
	}, b.AddrSets(flow.FieldSrcAddr))
	assert.Empty(t, b.AddrSets(flow.FieldDstAddr))
	// the set's edges are there as a range's are
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("9.0.0.0"), netip.MustParseAddr("12.0.0.0")), 5)
	b.Reset()
	assert.Empty(t, b.AddrSets(flow.FieldSrcAddr))
}

// A recording Bounds tells the edges of its sets from those that came
// without one: merged from a Bounds that did not record.
func TestBoundsLooseAddrs(t *testing.T) {
	p := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	a := netip.MustParseAddr
	plain := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
	plain.AddPrefix(flow.FieldDstAddr, p("10.0.0.0/8"))
	rec := flow.NewBounds(flow.FieldDstAddr)
	rec.RecordRanges()
	rec.AddPrefix(flow.FieldDstAddr, p("192.168.0.0/16"))

	b := flow.NewBounds(flow.FieldSrcAddr)
	assert.Empty(t, b.LooseAddrs(flow.FieldSrcAddr), "nothing yet")
	b.RecordRanges()
	b.AddPrefix(flow.FieldSrcAddr, p("172.16.0.0/12"))
	b.AddAddrSet(flow.FieldSrcAddr, []flow.AddrRange{{From: a("1.0.0.0"), To: a("1.0.0.255")}, {From: a("1.0.1.0"), To: a("1.0.1.255")}})
	b.MergeField(flow.FieldSrcAddr, rec, flow.FieldDstAddr)
	assert.Empty(t, b.LooseAddrs(flow.FieldSrcAddr), "every edge so far is a set's")
	b.MergeField(flow.FieldSrcAddr, plain, flow.FieldDstAddr)
	assert.Equal(t, []netip.Addr{a("10.0.0.0"), a("11.0.0.0")}, b.LooseAddrs(flow.FieldSrcAddr))
	// carried by a merge into another recording Bounds, windowed
	c := flow.NewBounds(flow.FieldDstAddr)
	c.RecordRanges()
	c.WindowAddrs(a("10.0.0.0"), a("10.255.255.255"))
	c.MergeField(flow.FieldDstAddr, b, flow.FieldSrcAddr)
	assert.Empty(t, c.LooseAddrs(flow.FieldDstAddr), "10.0.0.0 cuts nothing inside the window, 11.0.0.0 is past it")
	c.WindowAddrs(a("9.0.0.0"), a("12.0.0.0"))
	c.MergeField(flow.FieldDstAddr, b, flow.FieldSrcAddr)
	assert.Equal(t, []netip.Addr{a("10.0.0.0"), a("11.0.0.0")}, c.LooseAddrs(flow.FieldDstAddr))
	assert.Nil(t, c.LooseAddrs(flow.FieldDstPort), "not an address field")
	c.Reset()
	assert.Empty(t, c.LooseAddrs(flow.FieldDstAddr))
}

// TestEmbedIPv4 records IPv4 edges as their images in an IPv6 /96 (a
// NAT64 translator's prefix) while embedding is on: added, merged field
// to field (compacted or not), recorded as sets, inside a window of the
// prefix; IPv6 edges and the other field stay as they are, and an
// invalid prefix or Reset ends it.
func TestEmbedIPv4(t *testing.T) {
	pre := pfx("64:ff9b::/96")
	img := func(s string) netip.Addr {
		b, v4 := pre.Addr().As16(), a(s).As4()
		copy(b[12:], v4[:])
		return netip.AddrFrom16(b)
	}
	v4 := flow.NewBounds(flow.FieldDstAddr)
	v4.AddPrefix(flow.FieldDstAddr, pfx("198.51.100.0/24"))
	compact := flow.NewBounds(flow.FieldDstAddr)
	compact.AddPrefix(flow.FieldDstAddr, pfx("198.51.100.0/24"))
	compact.Compact()
	want := []flow.AddrRange{
		{From: pre.Addr(), To: img("198.51.99.255")},
		{From: img("198.51.100.0"), To: img("198.51.100.255")},
		{From: img("198.51.101.0"), To: img("255.255.255.255")},
	}
	tests := []struct {
		name string
		add  func(b *flow.Bounds)
	}{
		{"added", func(b *flow.Bounds) { b.AddPrefix(flow.FieldDstAddr, pfx("198.51.100.0/24")) }},
		{"added as a set", func(b *flow.Bounds) {
			b.AddAddrSet(flow.FieldDstAddr, []flow.AddrRange{{From: a("198.51.100.0"), To: a("198.51.100.255")}})
		}},
		{"merged", func(b *flow.Bounds) { b.Merge(v4) }},
		{"merged compacted", func(b *flow.Bounds) { b.MergeField(flow.FieldDstAddr, compact, flow.FieldDstAddr) }},
	}
	for _, tt := range tests {
		for _, window := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, window %v", tt.name, window), func(t *testing.T) {
				b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
				b.RecordRanges()
				if window {
					b.WindowAddrs(pre.Addr(), img("255.255.255.255"))
				}
				b.EmbedIPv4(flow.FieldDstAddr, pre)
				tt.add(b)
				b.AddPrefix(flow.FieldSrcAddr, pfx("10.0.0.0/8")) // the other field: unchanged
				b.AddPrefix(flow.FieldDstAddr, pfx("64:ff9b::/120"))
				assert.Equal(t, []flow.AddrRange{{From: pre.Addr(), To: img("0.0.0.255")}, {From: img("0.0.1.0"), To: img("198.51.99.255")}, want[1], want[2]},
					b.AddrAtoms(flow.FieldDstAddr, pre.Addr(), img("255.255.255.255")))
				assert.Len(t, b.AddrAtoms(flow.FieldDstAddr, a("0.0.0.0"), a("255.255.255.255")), 1, "no IPv4 edge is left")
				assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, a("0.0.0.0"), a("255.255.255.255")), map[bool]int{false: 3, true: 1}[window])
				if tt.name == "added" || tt.name == "added as a set" {
					assert.Contains(t, b.AddrSets(flow.FieldDstAddr), []flow.AddrRange{want[1]})
				} else { // merged from a Bounds that did not record: loose edges
					assert.Contains(t, b.LooseAddrs(flow.FieldDstAddr), img("198.51.100.0"))
				}
			})
		}
	}
	t.Run("ended", func(t *testing.T) {
		b := flow.NewBounds(flow.FieldDstAddr)
		b.EmbedIPv4(flow.FieldDstAddr, pre)
		b.EmbedIPv4(flow.FieldDstAddr, netip.Prefix{})
		b.AddPrefix(flow.FieldDstAddr, pfx("198.51.100.0/24"))
		require.Len(t, b.AddrAtoms(flow.FieldDstAddr, a("0.0.0.0"), a("255.255.255.255")), 3)
		b.EmbedIPv4(flow.FieldDstAddr, pfx("64:ff9b::/64")) // no /96: no embedding
		b.AddPrefix(flow.FieldDstAddr, pfx("203.0.113.0/24"))
		require.Len(t, b.AddrAtoms(flow.FieldDstAddr, a("0.0.0.0"), a("255.255.255.255")), 5)
		b.Reset()
		b.EmbedIPv4(flow.FieldDstAddr, pre)
		b.Reset()
		b.AddPrefix(flow.FieldDstAddr, pfx("198.51.100.0/24"))
		require.Len(t, b.AddrAtoms(flow.FieldDstAddr, a("0.0.0.0"), a("255.255.255.255")), 3)
	})
}

// TestAtomsIntoAgreesWithAtoms: AtomsInto appends what Atoms returns,
// for random edges and windows, and leaves the Bounds' answers as they
// were (it only orders the edges).
func TestAtomsIntoAgreesWithAtoms(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 500 {
		b := flow.NewBounds(flow.FieldSrcPort, flow.FieldICMPType)
		for range rng.IntN(12) {
			lo := uint16(rng.IntN(65536))
			hi := lo + uint16(rng.IntN(int(65535-lo)+1))
			b.Add(flow.FieldSrcPort, lo, hi)
			b.Add(flow.FieldICMPType, lo%256, hi%256)
		}
		lo := uint16(rng.IntN(65536))
		within := flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(int(65535-lo)+1))}
		for _, f := range []flow.Field{flow.FieldSrcPort, flow.FieldICMPType, flow.FieldDstPort} {
			want := b.Atoms(f, within)
			prefix := []flow.PortRange{{Lo: 1, Hi: 2}}
			got := b.AtomsInto(prefix, f, within)
			require.Equal(t, append([]flow.PortRange{{Lo: 1, Hi: 2}}, want...), got, "case %d, field %v, within %v", i, f, within)
			assert.Equal(t, want, b.Atoms(f, within), "the Bounds answers as before")
		}
	}
	assert.Empty(t, flow.NewBounds(flow.FieldSrcPort).AtomsInto(nil, flow.FieldSrcPort, flow.PortRange{Lo: 2, Hi: 1}))
}
