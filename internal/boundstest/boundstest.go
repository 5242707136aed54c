package boundstest

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Check cuts every field b varies (after the filter's Bounds method filled
// it for base) into atoms, picks up to picks combinations of atoms (one
// atom per field; always the first and last atoms and those holding
// base's values among them), and demands that decide gives, at several
// values inside the combination (first, last, base's, random), the answer
// it gives at the combination's first values. Ports vary only on TCP and
// UDP flows, ICMP types and codes only on ICMP flows; addresses vary over
// base's family, IPv4-mapped IPv6 addresses left out. It returns the
// number of combinations checked and an error naming the first value
// decided differently.
func Check[K comparable](r *rand.Rand, b *flow.Bounds, base flow.Flow, decide func(flow.Flow) K, picks int) (int, error) {
	var dims []dim
	for f := flow.FieldSrcPort; f <= flow.FieldDstAddr; f++ {
		if d, ok := newDim(b, base, f); ok {
			dims = append(dims, d)
		}
	}
	if len(dims) == 0 {
		return 0, nil
	}
	checked := 0
	for k := range picks {
		choice := make([]int, len(dims))
		for i, d := range dims {
			switch k {
			case 0:
				choice[i] = 0
			case 1:
				choice[i] = d.n - 1
			case 2:
				choice[i] = d.holding
			default:
				choice[i] = r.IntN(d.n)
			}
		}
		first := base
		for i, d := range dims {
			first = d.set(first, choice[i], 0, r)
		}
		want := decide(first)
		for v := 1; v < 5; v++ {
			g := base
			for i, d := range dims {
				g = d.set(g, choice[i], v, r)
			}
			if got := decide(g); got != want {
				return checked, fmt.Errorf("%s is decided %+v, but %s, in the same atom (%s), is decided %+v",
					first, want, g, atomsText(dims, choice), got)
			}
		}
		checked++
	}
	return checked, nil
}

// dim is one varied field cut into atoms.
type dim struct {
	field   flow.Field
	ports   []flow.Range[uint16] // port, type or code atoms
	addrs   []flow.AddrRange     // address atoms
	n       int                  // number of atoms
	holding int                  // the atom holding base's value
	baseP   uint16
	baseA   netip.Addr
}

func newDim(b *flow.Bounds, base flow.Flow, f flow.Field) (dim, bool) {
	d := dim{field: f}
	if !b.Varies(f) {
		return d, false
	}
	switch f {
	case flow.FieldSrcPort, flow.FieldDstPort:
		if !base.Protocol.HasPorts() {
			return d, false
		}
		d.baseP = base.Src.Port()
		if f == flow.FieldDstPort {
			d.baseP = base.Dst.Port()
		}
		d.ports = b.Atoms(f, flow.AllPorts)
	case flow.FieldICMPType, flow.FieldICMPCode:
		if !base.Protocol.IsICMP() {
			return d, false
		}
		d.baseP = uint16(base.ICMPType)
		if f == flow.FieldICMPCode {
			d.baseP = uint16(base.ICMPCode)
		}
		d.ports = b.Atoms(f, flow.Range[uint16]{Lo: 0, Hi: 255})
	default:
		d.baseA = base.Src.Addr()
		if f == flow.FieldDstAddr {
			d.baseA = base.Dst.Addr()
		}
		for _, rg := range familyRanges(d.baseA.Is4()) {
			d.addrs = append(d.addrs, b.AddrAtoms(f, rg.From, rg.To)...)
		}
	}
	d.n = len(d.ports) + len(d.addrs)
	d.holding = slices.IndexFunc(d.ports, func(p flow.Range[uint16]) bool { return p.Contains(d.baseP) })
	if d.addrs != nil {
		d.holding = slices.IndexFunc(d.addrs, func(a flow.AddrRange) bool { return !d.baseA.Less(a.From) && !a.To.Less(d.baseA) })
	}
	return d, d.n > 0 && d.holding >= 0
}

// familyRanges is every valid address of a family, as flow.Flow.Validate
// accepts them: IPv6 without the IPv4-mapped ::ffff:0:0/96.
func familyRanges(is4 bool) []flow.AddrRange {
	if is4 {
		return []flow.AddrRange{{From: netip.MustParseAddr("0.0.0.0"), To: netip.MustParseAddr("255.255.255.255")}}
	}
	return []flow.AddrRange{
		{From: netip.MustParseAddr("::"), To: netip.MustParseAddr("::fffe:ffff:ffff")},
		{From: netip.MustParseAddr("::1:0:0:0"), To: netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")},
	}
}

// set gives f the which-th value of atom i: 0 first, 1 last, 2 base's
// own value when it lies in the atom (else the second), 3 and up random.
func (d dim) set(f flow.Flow, i, which int, r *rand.Rand) flow.Flow {
	if d.ports != nil {
		at := d.ports[i]
		v := at.Lo
		switch {
		case which == 1:
			v = at.Hi
		case which == 2 && at.Contains(d.baseP):
			v = d.baseP
		case which == 2 && at.Lo < at.Hi:
			v = at.Lo + 1
		case which >= 3:
			v = at.Lo + uint16(r.IntN(int(at.Hi-at.Lo)+1))
		}
		switch d.field {
		case flow.FieldSrcPort:
			f.Src = netip.AddrPortFrom(f.Src.Addr(), v)
		case flow.FieldDstPort:
			f.Dst = netip.AddrPortFrom(f.Dst.Addr(), v)
		case flow.FieldICMPType:
			f.ICMPType = uint8(v)
		case flow.FieldICMPCode:
			f.ICMPCode = uint8(v)
		}
		return f
	}
	at := d.addrs[i]
	a := at.From
	switch {
	case which == 1:
		a = at.To
	case which == 2 && !d.baseA.Less(at.From) && !at.To.Less(d.baseA):
		a = d.baseA
	case which == 2 && at.From != at.To:
		a = at.From.Next()
	case which >= 3:
		a = addrIn(r, at)
	}
	if d.field == flow.FieldSrcAddr {
		f.Src = netip.AddrPortFrom(a, f.Src.Port())
	} else {
		f.Dst = netip.AddrPortFrom(a, f.Dst.Port())
	}
	return f
}

// addrIn returns a random address of at.
func addrIn(r *rand.Rand, at flow.AddrRange) netip.Addr {
	lo, hi := toInt(at.From), toInt(at.To)
	span := new(big.Int).Sub(hi, lo)
	span.Add(span, big.NewInt(1))
	var off *big.Int
	if span.IsUint64() {
		off = new(big.Int).SetUint64(r.Uint64N(span.Uint64()))
	} else { // a span over 2^64: 128 random bits, reduced (a tiny bias does not matter here)
		off = new(big.Int).SetUint64(r.Uint64())
		off.Lsh(off, 64).Or(off, new(big.Int).SetUint64(r.Uint64()))
		off.Mod(off, span)
	}
	v := off.Add(off, lo).FillBytes(make([]byte, 16))
	a := netip.AddrFrom16([16]byte(v))
	if at.From.Is4() {
		return a.Unmap()
	}
	return a
}

func toInt(a netip.Addr) *big.Int {
	b := a.As16()
	return new(big.Int).SetBytes(b[:])
}

func atomsText(dims []dim, choice []int) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += ", "
		}
		if d.ports != nil {
			s += fmt.Sprintf("%s %s", d.field, d.ports[choice[i]])
		} else {
			s += fmt.Sprintf("%s %s-%s", d.field, d.addrs[choice[i]].From, d.addrs[choice[i]].To)
		}
	}
	return s
}
