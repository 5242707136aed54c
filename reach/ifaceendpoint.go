package reach

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

// Network interfaces of interface VPC endpoints ([Interface.InterfaceEndpoint]):
// a destination only. A query from one is refused (checkEnds), set
// questions take none for a source (Matrix's plan; Sources through
// Verdict's refusal), and a session other than TCP delivered to one is
// undecided here.

// interfaceEndpointProtocol adds the undecided hop of pkt, a session
// other than TCP delivered to ii, a network interface of an interface
// endpoint: interface endpoints have long carried TCP only, and whether
// one carries another protocol today the documents reachsim follows do
// not settle ([InterfaceEndpointProtocol]).
func (w *walker) interfaceEndpointProtocol(pkt flow.Flow, ii *ifaceInfo) {
	w.add(Hop{Kind: KindInterface, ID: ii.ID, Name: ii.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: InterfaceEndpointProtocol,
		reason:  fmt.Sprintf("%s is a network interface of interface endpoint %s, which carries TCP; whether it carries %s is not known", ii.label(), ii.InterfaceEndpoint, pkt.Protocol),
		Missing: fmt.Sprintf("whether interface endpoint %s carries %s (AWS documents interface endpoints as carrying TCP)", ii.InterfaceEndpoint, pkt.Protocol),
		Fix:     fmt.Sprintf("reach the service of %s over TCP", ii.InterfaceEndpoint)}) // rare: worded whether explained or not
}
