package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// Lint of Network Firewall policies: stateful rules an earlier rule hides
// under STRICT_ORDER (FW_RULE_UNREACHABLE, from stateful.Engine.Hidden),
// and stateless aws:pass rules whose traffic's replies get no pass
// (FW_STATELESS_PASS_ONE_WAY): the request skips the stateful engine, the
// reply meets it (which never saw the request) or a drop.

// lintFirewalls checks every firewall's policy.
func (m *Model) lintFirewalls() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.firewalls)) {
		fw := m.firewalls[id]
		for _, h := range fw.engine.Stateful().Hidden() {
			out = append(out, LintFinding{ID: LintFWRuleUnreachable, Severity: Medium, Kind: ResourceFirewall, Resource: id,
				Rule: fmt.Sprintf("group %s sid %d", h.Group, h.Sid), Related: []string{fmt.Sprintf("group %s sid %d", h.ByGroup, h.BySid)},
				Message: fmt.Sprintf("stateful rule %q (group %s) never matches under strict order: the earlier rule %q (group %s) decides every packet it could match",
					h.Rule, h.Group, h.ByRule, h.ByGroup),
				Fix: fmt.Sprintf("remove sid %d from %s, or move it before sid %d of %s if it should decide", h.Sid, h.Group, h.BySid, h.ByGroup)})
		}
		out = append(out, passOneWay(id, fw.engine)...)
	}
	return out
}

// passOneWay checks each stateless pass rule of e on a connection it
// passes: a witness request built from the rule's first source,
// destination, ports and protocol.
func passOneWay(id string, e *firewall.Engine) []LintFinding {
	var out []LintFinding
	for _, g := range e.Stateless().Config().Groups {
		for _, r := range g.Group.Rules {
			if r.Action != flow.Pass {
				continue
			}
			f, ok := witness(r)
			if !ok {
				continue
			}
			d := e.Evaluate(firewall.Connection{Flow: f, Request: true, Reply: true})
			mine, cut := false, -1
			for i, p := range d.Packets {
				sd := p.Decision
				if !p.Reply && sd.Action == flow.Pass && !sd.Default && sd.Group == g.Group.Label() && sd.RulePriority == r.Priority {
					mine = true
				}
				if p.Reply && !p.Possible && sd.Action != flow.Pass && cut < 0 { // a packet every reply has
					cut = i
				}
			}
			if !mine || cut < 0 {
				continue
			}
			out = append(out, oneWayFinding(id, g.Group.Label(), r, f, d.Packets[cut]))
		}
	}
	return out
}

// oneWayFinding words a FW_STATELESS_PASS_ONE_WAY finding.
func oneWayFinding(id, group string, r stateless.Rule, f flow.Flow, reply firewall.PacketResult) LintFinding {
	sd := reply.Decision
	what := "the default action"
	if !sd.Default {
		what = fmt.Sprintf("rule priority %d of %s", sd.RulePriority, sd.Group)
	}
	fate := fmt.Sprintf("is forwarded to the stateful engine by %s, which never saw the request and treats it as a midstream packet", what)
	if sd.Action == flow.Drop {
		fate = "is dropped by " + what
	}
	rev := f.Reverse()
	return LintFinding{ID: LintFWPassOneWay, Severity: Medium, Kind: ResourceFirewall, Resource: id,
		Rule: fmt.Sprintf("stateless group %s priority %d", group, r.Priority),
		Message: fmt.Sprintf("stateless rule %s passes the request %s %s -> %s, skipping the stateful engine, but its reply %s -> %s%s %s",
			r, f.Protocol, f.Src, f.Dst, rev.Src, rev.Dst, flagText(reply.Packet.Flags), fate),
		Fix: fmt.Sprintf("add a stateless aws:pass rule for the replies (%s from %s port %s to %s port %s) before what stops them, or make rule priority %d of %s aws:forward_to_sfe so the stateful engine sees both directions",
			f.Protocol, blocksText(r.Destinations), portsText(r.DestinationPorts), blocksText(r.Sources), portsText(r.SourcePorts), r.Priority, group)}
}

// blocksText prints CIDR blocks, "any" for none.
func blocksText(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "any"
	}
	return prefixText(ps)
}

// flagText is " (flags SYN|ACK)" for a TCP packet, "" otherwise.
func flagText(fl stateless.TCPFlags) string {
	if fl == 0 {
		return ""
	}
	return " (flags " + fl.String() + ")"
}

// portsText prints port ranges, "any" for none.
func portsText(rs []flow.PortRange) string {
	if len(rs) == 0 {
		return "any"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// witness builds a request the stateless rule r matches (by its first
// element of each attribute), and whether it could.
func witness(r stateless.Rule) (flow.Flow, bool) {
	proto, ok := witnessProto(r)
	if !ok {
		return flow.Flow{}, false
	}
	src, dst, ok := witnessAddrs(r.Sources, r.Destinations)
	if !ok {
		return flow.Flow{}, false
	}
	if (proto == flow.ICMP && src.Is6()) || (proto == flow.ICMPv6 && src.Is4()) {
		return flow.Flow{}, false
	}
	f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(src, 0), Dst: netip.AddrPortFrom(dst, 0)}
	if proto.HasPorts() {
		sp, dp := uint16(DefaultSourcePort), uint16(443)
		if len(r.SourcePorts) > 0 {
			sp = r.SourcePorts[0].Lo
		}
		if len(r.DestinationPorts) > 0 {
			dp = r.DestinationPorts[0].Lo
		}
		f.Src, f.Dst = netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp)
	}
	switch proto {
	case flow.ICMP:
		f.ICMPType = flow.ICMPEchoRequest
	case flow.ICMPv6:
		f.ICMPType = flow.ICMPv6EchoRequest
	}
	return f, true
}

// witnessProto picks the protocol of a witness of r: TCP when r allows
// it, else UDP when r names no TCP flags, else r's first protocol when r
// names neither ports nor flags.
func witnessProto(r stateless.Rule) (flow.Protocol, bool) {
	if len(r.Protocols) == 0 || slices.Contains(r.Protocols, flow.TCP) {
		return flow.TCP, true
	}
	if len(r.TCPFlags) > 0 {
		return 0, false
	}
	if slices.Contains(r.Protocols, flow.UDP) {
		return flow.UDP, true
	}
	if len(r.SourcePorts) > 0 || len(r.DestinationPorts) > 0 {
		return 0, false
	}
	return r.Protocols[0], true
}

// witnessAddrs picks a source and a destination of one family among the
// blocks (any address when a list is empty).
func witnessAddrs(srcs, dsts []netip.Prefix) (src, dst netip.Addr, ok bool) {
	pick := func(ps []netip.Prefix, v6 bool, def string) (netip.Addr, bool) {
		if len(ps) == 0 {
			if v6 {
				def = "2001:db8::" + def[strings.LastIndex(def, ".")+1:]
			}
			return netip.MustParseAddr(def), true
		}
		for _, p := range ps {
			if p.Addr().Is6() == v6 {
				return p.Masked().Addr(), true
			}
		}
		return netip.Addr{}, false
	}
	for _, v6 := range []bool{false, true} {
		s, ok1 := pick(srcs, v6, "10.0.0.10")
		d, ok2 := pick(dsts, v6, "198.51.100.10")
		if ok1 && ok2 {
			return s, d, true
		}
	}
	return netip.Addr{}, netip.Addr{}, false
}
