package sg_test

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// Tiny constructors for table rows.

// rule builds a rule from "tcp 22", "udp 1000-2000", "icmp 8/0",
// "icmp -1/-1", "all", "47" and a peer.
func rule(dir flow.Direction, traffic string, peer sg.Peer) sg.Rule {
	r := sg.Rule{Direction: dir, ICMPType: -1, ICMPCode: -1, Peer: peer}
	proto, rest, _ := strings.Cut(traffic, " ")
	r.Protocol = flow.MustParseProtocol(proto)
	switch {
	case r.Protocol.HasPorts():
		pr, err := flow.ParseRange[uint16](rest)
		if err != nil {
			panic(err)
		}
		r.Ports = pr
	case r.Protocol.IsICMP() && rest != "":
		var t, c int
		if _, err := fmt.Sscanf(rest, "%d/%d", &t, &c); err != nil {
			panic(err)
		}
		r.ICMPType, r.ICMPCode = int16(t), int16(c)
	}
	return r
}

func in(traffic string, peer sg.Peer) sg.Rule  { return rule(flow.Inbound, traffic, peer) }
func out(traffic string, peer sg.Peer) sg.Rule { return rule(flow.Outbound, traffic, peer) }

func withID(r sg.Rule, id string) sg.Rule { r.ID = id; return r }

// ali makes an Alibaba rule with an action and priority.
func ali(r sg.Rule, a flow.Action, prio int) sg.Rule { r.Action, r.Priority = a, prio; return r }

func group(id string, rules ...sg.Rule) sg.Group { return sg.Group{ID: id, Name: id, Rules: rules} }

func aliGroup(id string, fl sg.Flavour, rules ...sg.Rule) sg.Group {
	return sg.Group{ID: id, Name: id, Flavour: fl, Rules: rules}
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = addr(s)
	}
	return out
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
