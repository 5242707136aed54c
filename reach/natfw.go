package reach

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
)

// The port a NAT gateway picks, at a firewall endpoint.
//
// A firewall endpoint the request crosses after a NAT gateway translated
// it sees the gateway's port as the source port, and one the reply
// crosses before the gateway translates it back sees it as the
// destination port (crossing.nat). The walk keeps the client's port there
// in its place (natport.go), so the firewall judges the session over
// every port of natPorts: the engine's bounds on that port (the
// request's source port) cut natPorts into runs it treats alike, and one
// session per run decides the run. The same verdict for every run is that
// verdict, the deciding rule the run's that holds the client's port (else
// the first run's); different ones leave the crossing undecided
// ([NATPortUnknown]). Check and Verdict (inspectSession), the replay of a
// middle's atoms (which calls it), Ports (natCell, ports_grid.go) and the
// bounds of the set questions (firewallBounds: no edge of that port) all
// decide by natFirewallRuns.

// natPortMixed is, beside flow's verdicts, the verdict of a leg whose
// firewall decides differently for different ports a NAT gateway may
// pick: undecided, [NATPortUnknown].
const natPortMixed = flow.Indeterminate + 1

// natNamed returns the NAT gateway whose picked port session s carries,
// nil when none.
func (s session) natNamed() *natInfo {
	if s.fwd != nil && s.fwd.nat != nil {
		return s.fwd.nat
	}
	if s.ret != nil {
		return s.ret.nat
	}
	return nil
}

// natRun is a run of the ports a NAT gateway may pick that a firewall
// treats alike, and the session the firewall judged for it.
type natRun struct {
	ports flow.PortRange
	conn  firewall.Connection
}

// natFirewallRuns cuts natPorts into the runs that firewall fi treats alike
// for conn, whose request's source port is the one a NAT gateway picked
// (the client's port standing for it), and returns each run with the
// session that stands for it: on the client's port in the run that holds
// it, on the run's first port in the others.
func natFirewallRuns(fi *firewallInfo, conn firewall.Connection) []natRun {
	if fi.natPortFree(conn.Flow) {
		return []natRun{{natPorts, natStand(conn)}} // the common case: no rule names such a port
	}
	e := fi.engine
	b := flow.NewBounds(flow.FieldSrcPort)
	e.Bounds(conn, b)
	stand := conn.Flow.Src.Port()
	atoms := b.Atoms(flow.FieldSrcPort, natPorts)
	out := make([]natRun, len(atoms))
	for i, a := range atoms {
		c := conn
		if !a.Contains(stand) {
			c.Flow.Src = netip.AddrPortFrom(c.Flow.Src.Addr(), a.Lo)
		}
		out[i] = natRun{a, c}
	}
	return out
}

// natRepresentative returns the run whose session decides the rule a
// crossing names when every run decides alike: the one that holds the
// client's port, else the first.
func natRepresentative(runs []natRun, stand uint16) natRun {
	for _, r := range runs {
		if r.ports.Contains(stand) {
			return r
		}
	}
	return runs[0]
}

// natFirewallVerdicts is what firewall fi decides, on the request and the
// reply, for conn, a session whose request's source port is the one a
// NAT gateway picked, over every port of natPorts: a leg's verdict where
// every run gives it, natPortMixed where they differ.
func natFirewallVerdicts(fi *firewallInfo, conn firewall.Connection) (request, reply flow.Verdict) {
	if fi.natPortFree(conn.Flow) {
		return fi.engine.Verdicts(natStand(conn))
	}
	// natFirewallRuns and natVerdictsOf without their slices: the
	// bounds and atoms of a pooled scratch
	s := natScratchPool.Get().(*natScratch)
	defer natScratchPool.Put(s)
	s.b.Reset()
	fi.engine.Bounds(conn, s.b)
	s.atoms = s.b.AtomsInto(s.atoms[:0], flow.FieldSrcPort, natPorts)
	stand := conn.Flow.Src.Port()
	var v [2]flow.Verdict
	for i, a := range s.atoms {
		c := conn
		if !a.Contains(stand) {
			c.Flow.Src = netip.AddrPortFrom(c.Flow.Src.Addr(), a.Lo)
		}
		var each [2]flow.Verdict
		each[0], each[1] = fi.engine.Verdicts(c)
		for k := range v {
			switch {
			case i == 0:
				v[k] = each[k]
			case v[k] != each[k]:
				v[k] = natPortMixed
			}
		}
	}
	return v[0], v[1]
}

// natScratch is natFirewallVerdicts' bounds and atoms, kept in
// natScratchPool between calls.
type natScratch struct {
	b     *flow.Bounds
	atoms []flow.PortRange
}

var natScratchPool = sync.Pool{New: func() any { return &natScratch{b: flow.NewBounds(flow.FieldSrcPort)} }}

// natStand is conn with its request's source port one a NAT gateway may
// pick: the client's own when it is one, else the first.
func natStand(conn firewall.Connection) firewall.Connection {
	if p := conn.Flow.Src.Port(); p < natPorts.Lo {
		conn.Flow.Src = netip.AddrPortFrom(conn.Flow.Src.Addr(), natPorts.Lo)
	}
	return conn
}

// natPortFree reports whether firewall f's decisions cannot depend on
// the port a NAT gateway picks, for packets of pkt's protocol and family:
// no rule, whatever its addresses, cuts natPorts as the request's source
// port or the reply's destination port (addressBounds). Kept per protocol
// and family.
func (f *firewallInfo) natPortFree(pkt flow.Flow) bool {
	key := [2]int{int(pkt.Protocol), b2i(pkt.Is6())}
	if v, ok := f.natFree.Load(key); ok {
		return v.(bool)
	}
	free := len(f.addressBounds(pkt).Atoms(flow.FieldSrcPort, natPorts)) == 1
	f.natFree.Store(key, free)
	return free
}

// natVerdictsOf decides runs (natFirewallRuns): per leg, the verdict
// every run gives, or natPortMixed; and each run's verdicts.
func natVerdictsOf(e *firewall.Engine, runs []natRun) ([2]flow.Verdict, [][2]flow.Verdict) {
	each := make([][2]flow.Verdict, len(runs))
	var v [2]flow.Verdict
	for i, r := range runs {
		each[i][0], each[i][1] = e.Verdicts(r.conn)
		for k := range v {
			switch {
			case i == 0:
				v[k] = each[i][k]
			case v[k] != each[i][k]:
				v[k] = natPortMixed
			}
		}
	}
	return v, each
}

// natMixedHop words h, the crossing of leg of a session through firewall
// fi whose verdict differs across the ports NAT gateway ni may pick
// (natPortMixed): undecided, [NATPortUnknown], its reason giving the
// verdict of each run of them, Missing the ports the firewall passes.
func natMixedHop(h *Hop, c *crossing, leg Leg, fi *firewallInfo, ni *natInfo, runs []natRun, each [][2]flow.Verdict, met *fwMet) {
	k := b2i(leg == Return)
	h.Verdict, h.Rule, h.Code = flow.Indeterminate, "", NATPortUnknown.OnLeg(leg)
	h.judge = fwDetails{met} // the client's port's session's details; the reason is this one
	var by [3][]flow.PortRange
	var words []string
	for i, r := range runs {
		v := each[i][k]
		by[v] = appendRange(by[v], r.ports)
		words = append(words, "ports "+r.ports.String()+": "+v.String())
	}
	port := "the request's source port is the one NAT gateway " + ni.ID + " picked"
	if leg == Return {
		port = "the reply goes to the port NAT gateway " + ni.ID + " picked"
	}
	h.reason = fmt.Sprintf("%s for the session, one of %s that the input does not say, and firewall %s decides differently across them (%s)",
		port, natPorts, fi.label(), strings.Join(words, "; ")) + c.which(leg)
	h.Missing = fmt.Sprintf("the source port NAT gateway %s picks for the session (%s): firewall %s passes the %s for %s only",
		ni.ID, natPorts, fi.label(), legNoun(leg), flow.SetOf(by[flow.Allow]...))
	h.Fix = fmt.Sprintf("make firewall %s's rules treat every port of %s alike as the request's source port and the reply's destination port: the NAT gateway picks any of them",
		fi.label(), natPorts)
}
