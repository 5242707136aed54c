package brute

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/reach"
)

// shared is the shared address space (RFC 6598), never the internet.
var shared = netip.MustParsePrefix("100.64.0.0/10")

// special4 are IANA's IPv4 special-purpose blocks that are not globally
// reachable beyond private, shared, loopback, link-local, multicast and
// broadcast (iana-ipv4-special-registry: "this network", the IETF
// protocol assignments, benchmarking), and global4 the globally
// reachable entries inside them (PCP and TURN anycast), which are. The
// documentation blocks and the reserved 240.0.0.0/4 are left in, as in
// package reach.
var special4, global4 = prefixes("0.0.0.0/8", "192.0.0.0/24", "198.18.0.0/15"), prefixes("192.0.0.9/32", "192.0.0.10/32")

// special6 are IANA's IPv6 special-purpose blocks that are not
// globally reachable (iana-ipv6-special-registry), and global6 the
// globally reachable (or undecided) entries inside them, which are.
var special6, global6 = prefixes("::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "5f00::/16"),
	prefixes("2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28")

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func within(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// NonGlobal4 reports whether a is an IPv4 address of a block IANA's
// special-purpose registry marks not globally reachable (beyond private,
// shared, loopback, link-local, multicast and broadcast), written
// independently of package reach: 0.0.0.0/8, 192.0.0.0/24 but for
// 192.0.0.9 and 192.0.0.10, 198.18.0.0/15.
func NonGlobal4(a netip.Addr) bool {
	return a.Is4() && within(special4, a) && !within(global4, a)
}

// NonGlobal6 reports whether a is an IPv6 address of a block IANA's
// special-purpose registry marks not globally reachable (beyond
// loopback, unspecified, link-local, unique local and multicast, which
// netip tells apart), written independently of package reach:
// ::/96, 64:ff9b:1::/48, 100::/64, 100:0:0:1::/64, 2001::/23 but for
// its globally reachable entries, 5f00::/16.
func NonGlobal6(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && within(special6, a) && !within(global6, a)
}

// InternetHost is Sources' documented rule, written independently: a
// global unicast address that is not private, not shared (100.64.0.0/10),
// not in a non-global special-purpose block of either family (NonGlobal4,
// NonGlobal6) and not one the design holds ([reach.Model.Owner]).
func InternetHost(m *reach.Model, a netip.Addr) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() || shared.Contains(a) {
		return false
	}
	if NonGlobal4(a) || NonGlobal6(a) {
		return false
	}
	_, held := m.Owner(a)
	return !held
}

// AddrsToCheck is the internet addresses a brute-force check tries, of
// the family v6 says: the first and last address of every block of the
// sets and their neighbours, and 300 random ones.
func AddrsToCheck(rng *rand.Rand, v6 bool, sets ...[]netip.Prefix) []netip.Addr {
	var out []netip.Addr
	for _, ps := range sets {
		for _, p := range ps {
			first, last := p.Masked().Addr(), addrset.Last(p)
			out = append(out, first, first.Prev(), last, last.Next())
		}
	}
	for range 300 {
		if v6 {
			var b [16]byte
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			b[0] = 0x20 | b[0]&0x0f
			out = append(out, netip.AddrFrom16(b))
			continue
		}
		out = append(out, netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
	}
	return out
}

// RouteAddrs is the internet hosts (InternetHost) of the family v6 says
// at the edges of the blocks where m's routing may send a packet
// elsewhere ([reach.Model.RoutePrefixes]: routes, transit gateway routes,
// prefix lists) and of the blocks held by what m does not model
// ([reach.Model.UnmodelledBlocks]): each block's first and last
// addresses (the second and the last but one where those are no
// internet hosts) and the ones just outside it, each once; none inside a
// VPC (outsideVPCs). An address such a block holds may be routed to what
// the design does not model (a virtual private gateway, a local gateway)
// and so be undecided where every other address is decided: random
// addresses would rarely land in it.
func RouteAddrs(m *reach.Model, v6 bool) []netip.Addr {
	blocks := m.RoutePrefixes()
	for _, u := range m.UnmodelledBlocks() {
		blocks = append(blocks, u.Prefix)
	}
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	for _, p := range blocks {
		if p.Addr().Is6() != v6 {
			continue
		}
		first, last := p.Masked().Addr(), addrset.Last(p)
		inside := []netip.Addr{first, last}
		if !InternetHost(m, first) {
			inside[0] = first.Next()
		}
		if !InternetHost(m, last) {
			inside[1] = last.Prev()
		}
		for _, a := range append(inside, first.Prev(), last.Next()) {
			if a.IsValid() && !seen[a] && InternetHost(m, a) && outsideVPCs(m, a) {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// outsideVPCs reports whether a query may name a as a source outside
// the design: an address inside a VPC's blocks that no interface holds
// ([reach.Model.Owner] does not name it; a route's block, a VPC's own
// or a subnet's routed to an appliance, is often one, and IPv6 ones are
// global unicast) is not, and Verdict from it is an error wrapping
// [reach.ErrQuery] whatever the destination. Asked of a session to each
// interface in turn (one may be an error of its own: no address of a's
// family) until one is no error.
func outsideVPCs(m *reach.Model, a netip.Addr) bool {
	ins := m.Interfaces()
	for _, in := range ins {
		if _, err := m.Verdict(reach.Query{From: a.String(), To: in.ID, Protocol: flow.TCP, Port: 1, IPv6: a.Is6()}); err == nil {
			return true
		}
	}
	return len(ins) == 0
}

// NearDesign is the neighbours of the design's interfaces' addresses
// (public, elastic, and private, IPv6 ones included: ±1 and +256):
// internet addresses beside the ones the design holds.
func NearDesign(m *reach.Model) []netip.Addr {
	var out []netip.Addr
	for _, in := range m.Interfaces() {
		addrs := append([]netip.Addr{in.PublicIP}, in.PrivateIPs...)
		for _, p := range in.PublicIPs {
			addrs = append(addrs, p.Public)
		}
		for _, a := range addrs {
			if !a.IsValid() {
				continue
			}
			out = append(out, a.Prev(), a.Next())
			b := a.AsSlice()
			b[len(b)-2]++
			if c, ok := netip.AddrFromSlice(b); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// SourcesClientPorts are the client ports CheckSources tries for
// q: q's own (SrcPort; 0, the default, when none), or, when
// q.AnyClientPort, the ends of the port space, the edges of the common
// ephemeral ranges and the well-known ports, [reach.DefaultSourcePort],
// and the ports of extra (say, the edges of a design's ACL rules) with
// their neighbours.
func SourcesClientPorts(q reach.SourcesQuery, extra ...uint16) []uint16 {
	if !q.AnyClientPort {
		return []uint16{q.SrcPort}
	}
	out := []uint16{1, 1023, 1024, 1025, 5000, 5001, 30000, 32767, 32768, 49151, 49152, reach.DefaultSourcePort, 60999, 61000, 61001, 65535}
	for _, p := range extra {
		out = append(out, p)
		if p > 1 {
			out = append(out, p-1)
		}
		if p < 65535 {
			out = append(out, p+1)
		}
	}
	return out
}

// verdictAny is Verdict of q from each client port of ports, combined
// as a Sources answer from every client port combines them: Reachable
// when one is, else Indeterminate when one is, else Unreachable (an
// error counts as Unreachable). ok is false when every port's question
// is an error.
func verdictAny(m *reach.Model, q reach.Query, ports []uint16) (out reach.Outcome, ok bool) {
	out = reach.Unreachable
	for _, p := range ports {
		q.SrcPort = p
		o, err := m.Verdict(q)
		if err != nil {
			continue
		}
		ok = true
		switch o {
		case reach.Reachable:
			return reach.Reachable, true
		case reach.Indeterminate:
			out = reach.Indeterminate
		}
	}
	return out, ok
}

// CheckSources demands that r, the answer of m.Sources(q), agree with
// Verdict from every interface of ifaces (IDs; the destination is never
// its own source) and from every internet address of addrs (of q's
// family; the others are passed over). With q.AnyClientPort, Verdict is
// asked from each client port of [SourcesClientPorts](q) and the best
// answer counts ([CheckSourcesFrom] takes the ports).
func CheckSources(t testing.TB, m *reach.Model, q reach.SourcesQuery, r *reach.SourcesResult, ifaces []string, addrs []netip.Addr, msg string) {
	t.Helper()
	CheckSourcesFrom(t, m, q, r, ifaces, addrs, SourcesClientPorts(q), msg)
}

// CheckSourcesFrom is [CheckSources] with the client ports to try given:
// each source's Verdict is the best of its Verdicts from those ports
// (Reachable, then Indeterminate, then Unreachable), as Sources from
// every client port answers.
func CheckSourcesFrom(t testing.TB, m *reach.Model, q reach.SourcesQuery, r *reach.SourcesResult, ifaces []string, addrs []netip.Addr, ports []uint16, msg string) {
	t.Helper()
	vq := reach.Query{To: q.To, Protocol: q.Protocol, Port: q.Port, SrcPort: q.SrcPort, ICMP: q.ICMP, IPv6: q.IPv6, Domain: q.Domain, App: q.App}
	dest := map[string]bool{} // the destination's interface: never its own source
	for _, in := range m.Interfaces() {
		dest[in.ID] = isDest(in, q.To)
	}
	listed := map[string]reach.Outcome{}
	delegated := map[string][]reach.SourceInterface{} // the entries of delegated prefixes' addresses
	var nat64 []reach.SourceInterface                 // the entries of sessions through NAT64
	for _, i := range r.Interfaces {
		if i.NAT64To.IsValid() {
			nat64 = append(nat64, i)
			continue
		}
		if len(i.Prefixes) > 0 {
			delegated[i.ID] = append(delegated[i.ID], i)
			continue
		}
		listed[i.ID] = i.Outcome
	}
	checkDelegatedSources(t, m, vq, delegated, ifaces, addrs, ports, msg)
	checkNAT64Sources(t, m, vq, nat64, ifaces, dest, addrs, ports, msg)
	for _, id := range ifaces {
		vq.From = id
		got, _ := verdictAny(m, vq, ports)
		want, ok := listed[id]
		if !ok {
			want = reach.Unreachable
		}
		if dest[id] {
			require.False(t, ok, "%s: the destination is not its own source", msg)
			continue
		}
		require.Equal(t, got, want, "%s: from %s: Verdict says %s, Sources %s", msg, id, got, want)
	}
	for _, a := range addrs {
		if !a.IsValid() || a.Is6() != q.IPv6 {
			continue
		}
		vq.From = a.String()
		got, ok := verdictAny(m, vq, ports)
		if !ok {
			continue // not a source a query may name
		}
		if !InternetHost(m, a) {
			continue
		}
		want := reach.Unreachable
		switch {
		case addrset.Of(r.Internet...).Contains(a):
			want = reach.Reachable
		case addrset.Of(r.InternetIndeterminate...).Contains(a):
			want = reach.Indeterminate
		}
		require.Equal(t, want, got, "%s: from %s: Sources says %s, Verdict %s", msg, a, want, got)
	}
}

// isDest reports whether to, a question's destination, names in: by ID,
// Name tag, or one of its own or public addresses.
func isDest(in reach.Interface, to string) bool {
	if in.ID == to || in.Name == to || in.PublicIP.IsValid() && in.PublicIP.String() == to {
		return true
	}
	for _, a := range in.PrivateIPs {
		if a.String() == to {
			return true
		}
	}
	for _, p := range in.PublicIPs {
		if p.Public.String() == to {
			return true
		}
	}
	return false
}

// checkDelegatedSources demands that the entries of a Sources answer for
// the addresses of prefixes delegated to interfaces of ifaces (by ID) agree
// with Verdict from those addresses: each prefix's first, second and last
// addresses, the one past its middle, and those of addrs inside it; from
// the best of the client ports ports (verdictAny).
func checkDelegatedSources(t testing.TB, m *reach.Model, vq reach.Query, delegated map[string][]reach.SourceInterface, ifaces []string, addrs []netip.Addr, ports []uint16, msg string) {
	t.Helper()
	byID := map[string]reach.Interface{}
	for _, in := range m.Interfaces() {
		byID[in.ID] = in
	}
	for _, id := range ifaces {
		in := byID[id]
		if isDest(in, vq.To) {
			require.Empty(t, delegated[id], "%s: the destination is not its own source", msg)
			continue
		}
		for _, p := range in.DelegatedPrefixes {
			if p.Addr().Is6() != vq.IPv6 {
				continue
			}
			last := addrset.Last(p)
			mid := p.Addr()
			if p.Bits() < p.Addr().BitLen() {
				half, _ := mid.Prefix(p.Bits() + 1)
				mid = addrset.Last(half).Next()
			}
			sample := []netip.Addr{p.Addr(), p.Addr().Next(), last, mid}
			for _, a := range addrs {
				if p.Contains(a) {
					sample = append(sample, a)
				}
			}
			for _, a := range sample {
				q := vq
				q.From = a.String()
				got, _ := verdictAny(m, q, ports)
				want := reach.Unreachable
				for _, e := range delegated[id] {
					if addrset.Of(e.Prefixes...).Contains(a) {
						want = e.Outcome
					}
				}
				require.Equal(t, got, want, "%s: from %s (delegated to %s): Verdict says %s, Sources %s", msg, a, id, got, want)
			}
		}
	}
}

// nat64Via is the addresses of the NAT64 prefix (64:ff9b::/96, RFC
// 6052) an IPv6 client sends to for to, an IPv4 question's destination:
// to itself when it is an IPv4 address, else the first private IPv4
// address of the interface it names (by ID or Name), then that
// interface's public IPv4 address (PublicIP), if it has one. None for
// IPv6 questions, for a link-local address (a service of the instance's
// own host, the Amazon DNS server every VPC shares) and when to names no
// IPv4 address.
func nat64Via(m *reach.Model, q reach.Query) []netip.Addr {
	if q.IPv6 {
		return nil
	}
	var v4s []netip.Addr
	if a, err := netip.ParseAddr(q.To); err == nil {
		v4s = append(v4s, a)
	} else {
		for _, in := range m.Interfaces() {
			if in.ID != q.To && in.Name != q.To {
				continue
			}
			for _, a := range in.PrivateIPs {
				if a.Is4() {
					v4s = append(v4s, a)
					break
				}
			}
			if len(v4s) > 0 && in.PublicIP.IsValid() {
				v4s = append(v4s, in.PublicIP)
			}
			break
		}
	}
	if len(v4s) == 0 || !v4s[0].Is4() || v4s[0].IsLinkLocalUnicast() {
		return nil
	}
	var out []netip.Addr
	for _, v4 := range v4s {
		b := [16]byte{0, 0x64, 0xff, 0x9b}
		v := v4.As4()
		copy(b[12:], v[:])
		out = append(out, netip.AddrFrom16(b))
	}
	return out
}

// prefixSample is the addresses of p a brute force tries: its first,
// second and last, the one past its middle, and those of addrs inside it.
func prefixSample(p netip.Prefix, addrs []netip.Addr) []netip.Addr {
	last := addrset.Last(p)
	mid := p.Addr()
	if p.Bits() < p.Addr().BitLen() {
		half, _ := mid.Prefix(p.Bits() + 1)
		mid = addrset.Last(half).Next()
	}
	out := []netip.Addr{p.Addr(), p.Addr().Next(), last, mid}
	for _, a := range addrs {
		if p.Contains(a) {
			out = append(out, a)
		}
	}
	return out
}

// checkNAT64Sources demands that the NAT64 entries of a Sources answer to
// an IPv4 destination agree with Verdict from each interface of ifaces
// to each address of the NAT64 prefix that holds an address of the
// destination (nat64Via), an ICMP echo request asked as an ICMPv6 one:
// from the interface's IPv6 address (an entry without Prefixes), and
// from the addresses of the IPv6 prefixes delegated to it (prefixSample:
// entries with Prefixes). For another ICMP message, or no such address,
// there are none.
func checkNAT64Sources(t testing.TB, m *reach.Model, vq reach.Query, listed []reach.SourceInterface, ifaces []string, dest map[string]bool, addrs []netip.Addr, ports []uint16, msg string) {
	t.Helper()
	vias := nat64Via(m, vq)
	if len(vias) > 0 && vq.Protocol == flow.ICMP {
		if vq.ICMP != nil && *vq.ICMP != (reach.ICMPMessage{Type: 8}) {
			vias = nil
		}
		vq.Protocol, vq.ICMP = flow.ICMPv6, nil
	}
	for _, e := range listed {
		require.Contains(t, vias, e.NAT64To, "%s: NAT64 entry of %s to an address the question does not ask", msg, e.ID)
		require.Empty(t, e.PrefixesUnknown, "%s: a NAT64 entry of %s for prefixes delegated at launch", msg, e.ID)
	}
	vq.IPv6 = true
	byID := map[string]reach.Interface{}
	for _, in := range m.Interfaces() {
		byID[in.ID] = in
	}
	for _, via := range vias {
		vq.To = via.String()
		for _, id := range ifaces {
			var own []reach.SourceInterface
			var delegated []reach.SourceInterface
			for _, e := range listed {
				if e.ID != id || e.NAT64To != via {
					continue
				}
				if len(e.Prefixes) > 0 {
					delegated = append(delegated, e)
				} else {
					own = append(own, e)
				}
			}
			if dest[id] {
				require.Empty(t, append(own, delegated...), "%s: the destination is not its own source through NAT64", msg)
				continue
			}
			require.LessOrEqual(t, len(own), 1, "%s: two NAT64 entries for %s to %s", msg, id, via)
			var v6 netip.Addr
			for _, a := range byID[id].PrivateIPs {
				if a.Is6() {
					v6 = a
					break
				}
			}
			want := reach.Unreachable
			if v6.IsValid() {
				vq.From = id
				want, _ = verdictAny(m, vq, ports)
			}
			got := reach.Unreachable
			if len(own) == 1 {
				got = own[0].Outcome
				require.Equal(t, v6, own[0].Address, "%s: %s through NAT64", msg, id)
			}
			require.Equal(t, want, got, "%s: from %s through NAT64 to %s: Verdict says %s, Sources %s", msg, id, via, want, got)
			for _, p := range byID[id].DelegatedPrefixes {
				if !p.Addr().Is6() {
					continue
				}
				for _, a := range prefixSample(p, addrs) {
					q := vq
					q.From = a.String()
					want, _ := verdictAny(m, q, ports)
					got := reach.Unreachable
					for _, e := range delegated {
						if addrset.Of(e.Prefixes...).Contains(a) {
							got = e.Outcome
						}
					}
					require.Equal(t, want, got, "%s: from %s (delegated to %s) through NAT64 to %s: Verdict says %s, Sources %s", msg, a, id, via, want, got)
				}
			}
		}
	}
}
