package reach

import "github.com/reachsim/reachsim/flow"

// outcomeOf decides a walk's outcome from its hops (see [Result]): a
// certain block wins over an undecided hop; with neither, the session is
// reachable when the request arrived and the reply was walked.
func outcomeOf(fwd, ret []Hop, arrived bool) Outcome {
	if oneWay(fwd) {
		ret = nil // an error message has no reply: its walk back does not count
	}
	undecided := false
	for _, hops := range [2][]Hop{fwd, ret} {
		for i := range hops {
			if hops[i].Code == "" {
				continue
			}
			if !hops[i].Undecided() {
				return Unreachable
			}
			undecided = true
		}
	}
	switch {
	case undecided:
		return Indeterminate
	case arrived && (len(ret) > 0 || oneWay(fwd)):
		return Reachable
	}
	return Unreachable
}

// oneWay reports whether the walk whose request hops are fwd sent an ICMP
// error message ([flow.Flow.IsICMPError]): one packet, with no reply, which
// arrives or not. Its reply is walked all the same, so that every walk of
// a question takes one path, but does not count.
func oneWay(fwd []Hop) bool {
	return len(fwd) > 0 && fwd[0].Packet.IsICMPError()
}

// arrival is where a walk ended.
type arrival struct {
	ok    bool       // the packet reached an end point (possibly past lifted blocks)
	pkt   flow.Flow  // the packet as it arrived
	iface *ifaceInfo // the interface it arrived at; nil for the internet
	// service is the gateway endpoint whose AWS service the packet reached
	// (gwendpoint.go); nil otherwise
	service *gwEndpointInfo
	// dns is the VPC whose Amazon DNS server the packet reached
	// (amazondns.go); nil otherwise
	dns *vpcInfo
	// host is the interface whose own instance's host service (IMDS,
	// Time Sync) the packet reached (instanceservice.go); nil otherwise
	host *ifaceInfo
	// private: the request may have come in privately, by an undecided
	// way in (privateEntry), to iface; ok is false (its way back is not
	// walked, but its subnet's outbound ACL judges the reply:
	// walker.privateReplyACL)
	private bool
}
