package brute

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// edges adds to seen every edge of the sets and its neighbours, within
// 1-65535.
func edges(seen map[uint16]bool, sets ...flow.PortSet) {
	for _, s := range sets {
		for _, r := range s.Ranges() {
			for _, p := range []int{int(r.Lo) - 1, int(r.Lo), int(r.Hi), int(r.Hi) + 1} {
				if p >= 1 && p <= 65535 {
					seen[uint16(p)] = true
				}
			}
		}
	}
}

func sorted(seen map[uint16]bool) []uint16 {
	out := make([]uint16, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// PortsToCheck is the ports a brute-force check tries: every edge of the
// sets and its neighbours, a few well-known ports (those whose server
// speaks first, 21, 25, 110, 143 and 5900, and SSH's 22, which Network
// Firewall's established defaults tell apart), and 200 random ones, in
// random order.
func PortsToCheck(rng *rand.Rand, sets ...flow.PortSet) []uint16 {
	seen := map[uint16]bool{1: true, 65535: true, 21: true, 22: true, 25: true, 53: true, 80: true, 110: true, 143: true, 443: true,
		5900: true, reach.DefaultSourcePort: true}
	edges(seen, sets...)
	for range 200 {
		seen[uint16(1+rng.IntN(65535))] = true
	}
	out := sorted(seen)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// EveryPort is every step-th port from 1 (step 1: every port), and every
// edge of the sets and its neighbours.
func EveryPort(step int, sets ...flow.PortSet) []uint16 {
	seen := map[uint16]bool{65535: true}
	for p := 1; p <= 65535; p += max(step, 1) {
		seen[uint16(p)] = true
	}
	edges(seen, sets...)
	return sorted(seen)
}

// portOutcome is what a Ports answer says of destination port p.
func portOutcome(r *reach.PortsResult, p uint16) reach.Outcome {
	switch {
	case r.Open.Contains(p):
		return reach.Reachable
	case r.Indeterminate.Contains(p):
		return reach.Indeterminate
	}
	return reach.Unreachable
}

// CheckPorts demands that r, the answer of m.Ports(q) for tcp or udp,
// agree with Verdict on the ports given from the client port the answer
// is for, q.ClientPort ([reach.DefaultSourcePort] when 0): Open,
// Indeterminate, and a port is in a cut exactly when it is not
// reachable; and, for every 16th of the first 1,600 ports, from two
// random client ports of each client range (Open: reachable;
// Indeterminate: not reachable for certain; none of Open, Partly and
// Indeterminate: unreachable).
func CheckPorts(t testing.TB, rng *rand.Rand, m *reach.Model, q reach.PortsQuery, r *reach.PortsResult, ports []uint16, msg string) {
	t.Helper()
	vq := reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, IPv6: q.IPv6, Domain: q.Domain, App: q.App}
	for i, p := range ports {
		vq.Port, vq.SrcPort = p, q.ClientPort // 0: the default, as Ports takes it
		got, err := m.Verdict(vq)
		noErr(t, err, msg)
		want := portOutcome(r, p)
		same(t, want, got, "%s: port %d from client port %d: Verdict says %s, Ports %s", msg, p, vq.SrcPort, got, want)
		cut := false
		for _, c := range r.Cuts {
			cut = cut || c.Ports.Contains(p)
		}
		same(t, want != reach.Reachable, cut, "%s: port %d is in a cut exactly when it is not reachable", msg, p)
		if i%16 != 0 || i > 16*100 {
			continue // the client ranges: for a sample of the ports
		}
		for _, cp := range r.Clients {
			for range 2 {
				lo, hi := int(cp.Range.Ports.Lo), int(cp.Range.Ports.Hi)
				vq.SrcPort = uint16(lo + rng.IntN(hi-lo+1))
				got, err := m.Verdict(vq)
				noErr(t, err, msg)
				switch {
				case cp.Open.Contains(p):
					same(t, reach.Reachable, got, "%s: port %d from client port %d (%s)", msg, p, vq.SrcPort, cp.Name)
				case cp.Indeterminate.Contains(p):
					require.NotEqual(t, reach.Reachable, got, "%s: port %d from client port %d (%s): indeterminate from the range", msg, p, vq.SrcPort, cp.Name)
				case !cp.Partly.Contains(p):
					same(t, reach.Unreachable, got, "%s: port %d from client port %d (%s): cut from the whole range", msg, p, vq.SrcPort, cp.Name)
				}
			}
		}
	}
}

// icmpHas reports whether the sets hold type ty, code code.
func icmpHas(sets []reach.ICMPCodes, ty, code uint8) bool {
	for _, s := range sets {
		if s.Type == ty && s.Codes.Contains(code) {
			return true
		}
	}
	return false
}

// icmpCodesToCheck is, for one type, the codes a brute-force check tries:
// 0 to 16, 255, and every edge of the type's code sets and its neighbours.
func icmpCodesToCheck(ty uint8, sets ...[]reach.ICMPCodes) []uint8 {
	seen := map[int]bool{255: true}
	for c := range 17 {
		seen[c] = true
	}
	for _, ss := range sets {
		for _, s := range ss {
			if s.Type != ty {
				continue
			}
			for _, r := range s.Codes.Ranges() {
				for _, c := range []int{int(r.Lo) - 1, int(r.Lo), int(r.Hi), int(r.Hi) + 1} {
					if c >= 0 && c <= 255 {
						seen[c] = true
					}
				}
			}
		}
	}
	var out []uint8
	for c := range seen {
		out = append(out, uint8(c))
	}
	slices.Sort(out)
	return out
}

// CheckPortsICMP demands that r, the answer of m.Ports(q) for icmp or
// icmpv6, agree with Verdict on every ICMP type, for the codes
// icmpCodesToCheck names: ICMP, ICMPIndeterminate, and a message is in a
// cut exactly when it is not reachable.
func CheckPortsICMP(t testing.TB, m *reach.Model, q reach.PortsQuery, r *reach.PortsResult, msg string) {
	t.Helper()
	vq := reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, IPv6: q.IPv6}
	for ty := range 256 {
		for _, code := range icmpCodesToCheck(uint8(ty), r.ICMP, r.ICMPIndeterminate) {
			vq.ICMP = &reach.ICMPMessage{Type: uint8(ty), Code: code}
			got, err := m.Verdict(vq)
			noErr(t, err, msg)
			want := reach.Unreachable
			switch {
			case icmpHas(r.ICMP, uint8(ty), code):
				want = reach.Reachable
			case icmpHas(r.ICMPIndeterminate, uint8(ty), code):
				want = reach.Indeterminate
			}
			same(t, want, got, "%s: type %d code %d: Verdict says %s, Ports %s", msg, ty, code, got, want)
			cut := false
			for _, c := range r.Cuts {
				cut = cut || icmpHas(c.ICMP, uint8(ty), code)
			}
			same(t, want != reach.Reachable, cut, "%s: type %d code %d is in a cut exactly when it is not reachable", msg, ty, code)
		}
	}
}
