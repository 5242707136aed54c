package reach

import (
	"fmt"
	"sync"

	"github.com/reachsim/reachsim/sg"
)

// Security groups after a NAT gateway.
//
// Beyond a NAT gateway the walk keeps the client's port in the request
// (natport.go), but the packet carries a port the gateway picked, within
// natPorts. AWS security group rules name no source port, so the stand-in
// changes nothing there; Alibaba Cloud rules may (SourcePortRange), so an
// Alibaba Cloud group that judges the request after a NAT gateway
// (walker.natPort, on the forward leg) judges every port of natPorts
// ([sg.Evaluator.OverSourcePorts]): the same verdict for every port is
// that verdict; different ones leave the hop undecided
// ([NATPortUnknown]). Check, Verdict, the set questions (ports_fast.go,
// sets) and the matrix's deferred hops (sgHop.nat) all judge by the same
// view, whose bounds add no edge on the client's port.

// natSG is a view of an interface's groups over natPorts, built once.
type natSG struct {
	once sync.Once
	ev   *sg.Evaluator
}

// natView returns the view over natPorts of p's normal evaluator, or of
// its identity-lost one (blind), built at its first use. Safe for
// concurrent use.
func (p *sgPair) natView(blind bool) *sg.Evaluator {
	i, base := 0, p.normal
	if blind {
		i = 1
	}
	p.natEv[i].once.Do(func() {
		if blind {
			base = p.blind()
		}
		p.natEv[i].ev = base.OverSourcePorts(natPorts)
	})
	return p.natEv[i].ev
}

// natPortSGHop words h, ii's security groups judging the request after
// NAT gateway w.natPort, whose rules decide the ports it may pick
// differently: undecided, [NATPortUnknown] (the caller words the code
// for the leg).
func (w *walker) natPortSGHop(h *Hop, ii *ifaceInfo) {
	ni := w.natPort
	h.Code, h.Rule, h.judge = NATPortUnknown, "", nil // the reason is this one
	h.reason = fmt.Sprintf("the request's source port is the one NAT gateway %s picked for the session, one of %s that the input does not say, and the rules of %s, which name source ports, decide those ports differently",
		ni.ID, natPorts, ii.label())
	h.Missing = fmt.Sprintf("the source port NAT gateway %s picks for the session (%s): the security groups of %s decide some of those ports apart", ni.ID, natPorts, ii.label())
	h.Fix = fmt.Sprintf("make the source-port rules of %s's security groups treat every port of %s alike: the NAT gateway picks any of them", ii.label(), natPorts)
}
