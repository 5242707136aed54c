package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// Firewall is an AWS Network Firewall in a VPC: its policy and its
// endpoints, one per firewall subnet. Route tables send traffic through an
// endpoint with a route whose target is the endpoint's ID (vpce-…).
type Firewall struct {
	ID        string // the firewall's name or ARN
	Name      string
	VPC       string
	Policy    firewall.Policy
	Endpoints []FirewallEndpointSpec
}

// FirewallEndpointSpec is one firewall endpoint and the subnet it sits in.
type FirewallEndpointSpec struct {
	ID     string // vpce-…
	Subnet string
	// Note, when set, is a line the trace adds to the details of every
	// crossing of the endpoint: how the input knows it (a Terraform plan's
	// endpoint whose ID is known only after apply, which the routes that
	// refer to its firewall reach by zone).
	Note string
	// IPAddressType is the IP address type of the endpoint's subnet
	// mapping, as AWS writes it: "IPV4", "IPV6" or "DUALSTACK"
	// (describe-firewall's Firewall.SubnetMappings[].IPAddressType,
	// Terraform's subnet_mapping.ip_address_type). An endpoint serves the
	// families its type names: a packet of the other family routed to it
	// gets an undecided hop there ([FirewallEndpointIPType]), uninspected,
	// as AWS documents the type (API reference, SubnetMapping) but not
	// what the endpoint does with traffic it does not serve. A mapping's
	// type is its subnet's: Build refuses DUALSTACK or IPV6 in a subnet
	// without an IPv6 block, IPV4 or DUALSTACK in one without an IPv4
	// block. "" (the zero value) when the input does not say (output from
	// before the field, a value known only after apply; AWS documents no
	// default): the type is then the subnet's when its blocks leave one
	// (IPV4 without an IPv6 block, IPV6 without an IPv4 block); in a
	// dual-stack subnet it is IPV4 or DUALSTACK, so IPv4 is inspected and
	// an IPv6 packet's hop there is undecided ([FirewallEndpointIPType]).
	// Set it to DUALSTACK for an endpoint that serves both families.
	IPAddressType string
}

type firewallInfo struct {
	Firewall
	engine *firewall.Engine
	// quotas are the quota warnings of its policy (quota.go)
	quotas []QuotaWarning
	// varyCache holds the engine's bounds when addresses vary, per
	// protocol and family (addressBounds in ports.go)
	varyCache sync.Map
	// natFree holds, per protocol and family, whether its decisions
	// cannot depend on a NAT gateway's picked port (natfw.go)
	natFree sync.Map
	// fixedCache holds them when addresses stay fixed, per protocol and
	// atoms of the addresses (fixedBounds in ports.go)
	fixedCache sync.Map
	// portGrids holds the verdicts per atom of the ports, per
	// portGridKey, and portGridCells counts the cells they keep, to
	// bound them (ports_grid.go)
	portGrids     sync.Map
	portGridCells atomic.Int64
}

func (f *firewallInfo) label() string {
	if f.Name != "" && f.Name != f.ID {
		return f.Name
	}
	return f.ID
}

type endpointInfo struct {
	ID     string
	subnet *subnetInfo
	fw     *firewallInfo
	note   string
	// ipType is the subnet mapping's IP address type
	// (FirewallEndpointSpec.IPAddressType), or, when the input does not
	// give it, the one its subnet's blocks leave (subnetIPType): "" for
	// a dual-stack subnet, IPV4 or DUALSTACK
	ipType string
	// derived: ipType is the subnet's, the input giving none
	derived bool
}

// IPSet implements [stateful.IPSetResolver]: an IP set reference names a
// managed prefix list by ARN (arn:aws:ec2:…:prefix-list/pl-…) or by ID,
// or a resource group (arn:aws:resource-groups:…:group/NAME), whose
// members the input never holds: it answers an *[stateful.UnknownIPSet].
// The slice is the caller's own copy: changing it changes nothing in the
// model. A list declared with [Builder.AddUnresolvedPrefixList] answers
// an *[stateful.UnknownIPSet], with its address family when the design
// gives it ([PrefixList.AddressFamily]): the rules that use it are
// undecidable where its entries could decide.
func (m *Model) IPSet(arn string) ([]netip.Prefix, error) {
	id := arn
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		id = arn[i+1:]
	}
	if isResourceGroup(arn) {
		// its members are resources whose addresses the input never
		// lists: the rules that use it are undecidable
		return nil, &stateful.UnknownIPSet{ARN: arn}
	}
	ps, ok := m.lists[id]
	if !ok && m.isUnresolvedList(id) {
		return nil, &stateful.UnknownIPSet{ARN: arn, Family: m.unresolvedLists[id]}
	}
	if !ok {
		return nil, fmt.Errorf("%w: IP set reference %s: prefix list %s is not in the design", stateful.ErrUnresolved, arn, id)
	}
	return slices.Clone(ps), nil
}

func (b *Builder) buildFirewalls(p *problems, m *Model) {
	if m.firewalls == nil {
		m.firewalls = map[string]*firewallInfo{}
	}
	for i, f := range b.firewalls {
		if b.skip("firewalls", i, f.ID) {
			continue
		}
		vi, ok := m.vpcs[f.VPC]
		if !ok {
			p.add(f.ID, path("firewalls", i, "VPC"), f.VPC, "unknown VPC")
			continue
		}
		fi := b.reuse.firewall(f.ID) // a patched design's: unchanged, its caches still true
		if fi == nil {
			fi = &firewallInfo{Firewall: f}
			pol := f.Policy
			if len(pol.Stateful.HomeNet) == 0 {
				pol.Stateful.HomeNet = vi.CIDRs // HOME_NET defaults to the firewall's VPC
			}
			eng, err := firewall.Compile(pol, m)
			if err != nil {
				p.wrap(f.ID, path("firewalls", i, "Policy"), err) // its endpoints stay known
			}
			fi.engine = eng
		}
		m.firewalls[f.ID] = fi
		if len(f.Endpoints) == 0 {
			p.add(f.ID, path("firewalls", i, "Endpoints"), "", "a firewall needs at least one endpoint")
		}
		for j, e := range f.Endpoints {
			ep := path("firewalls", i, fmt.Sprintf("Endpoints[%d]", j))
			si, ok := m.subnets[e.Subnet]
			switch {
			case e.ID == "":
				p.add(f.ID, ep+".ID", "", "an endpoint needs an ID")
			case !ok:
				p.add(f.ID, ep+".Subnet", e.Subnet, "unknown subnet")
			case si.VPC != f.VPC:
				p.add(f.ID, ep+".Subnet", e.Subnet, "subnet belongs to %s, the firewall to %s", si.VPC, f.VPC)
			case m.endpoints[e.ID] != nil:
				p.add(f.ID, ep+".ID", e.ID, "endpoint ID already used")
			case !validEndpointIPType(e.IPAddressType):
				p.add(f.ID, ep+".IPAddressType", e.IPAddressType, "unknown IP address type (AWS's are IPV4, IPV6 and DUALSTACK)")
			case endpointTypeProblem(e.IPAddressType, si) != "":
				p.add(f.ID, ep+".IPAddressType", e.IPAddressType, "endpoint %s: %s", e.ID, endpointTypeProblem(e.IPAddressType, si))
				fallthrough // kept, so that the routes to it add no problems of their own
			default:
				ei := &endpointInfo{ID: e.ID, subnet: si, fw: fi, note: e.Note, ipType: e.IPAddressType}
				if ei.ipType == "" {
					ei.ipType = subnetIPType(si) // firewall_family.go: "" for a dual-stack subnet
					ei.derived = ei.ipType != ""
				}
				m.endpoints[e.ID] = ei
			}
		}
	}
}

// inspectFirewalls decides every firewall endpoint crossing once both legs
// are known: the firewall sees the session as a whole, and whether the
// request, the reply or both pass through it matters.
//
// Each crossing is a flow of its own for the firewall, as the packet is
// when it reaches the endpoint (after any address translation before it):
// a path that crosses one endpoint twice on a leg (out to the internet
// gateway and back in through its edge route table, say) is two sessions,
// each judged and traced. A reply's crossing belongs to the request's
// crossing of the same endpoint whose flow it reverses; a crossing with
// no partner is a session the firewall sees one way only.
//
// When the request found no end point, the reply was not traced and a
// crossing of the request alone is not asymmetric.
func (m *Model) inspectFirewalls(fwd, ret []Hop, fw, rw *walker, replyTraced bool) {
	if len(fw.crossed) == 0 && len(rw.crossed) == 0 {
		return
	}
	countCrossings(fw.crossed)
	countCrossings(rw.crossed)
	var room [4]session
	for _, s := range pairCrossingsInto(fw.crossed, rw.crossed, room[:0]) {
		m.inspectSession(fwd, ret, s, replyTraced, fw.explain)
	}
}

// countCrossings numbers the crossings of each endpoint on a leg.
func countCrossings(cs []crossing) {
	for i := range cs {
		for j := range cs[:i+1] {
			if cs[j].endpoint == cs[i].endpoint {
				cs[i].nth++
			}
		}
		for j := range cs {
			if cs[j].endpoint == cs[i].endpoint {
				cs[i].of++
			}
		}
	}
}

// which tells a crossing from the leg's other crossings of its endpoint,
// "" when there are none.
func (c *crossing) which(leg Leg) string {
	if c.of < 2 {
		return ""
	}
	return fmt.Sprintf(" (the %s's crossing %d of %d of %s, seen as %s)", legNoun(leg), c.nth, c.of, c.endpoint.ID, c.pkt)
}

// legNoun names what travels on a leg: "request" or "reply".
func legNoun(leg Leg) string {
	if leg == Return {
		return "reply"
	}
	return "request"
}

// session is one flow through one firewall endpoint: its request's
// crossing, its reply's, or both.
type session struct {
	fwd, ret *crossing
	// other is a crossing of the same endpoint on the other leg that
	// carries a different flow, for the asymmetric reason; nil if none.
	other *crossing
}

// request returns the session's request as the client sent it (the
// reply's reversed when the request does not cross) and the endpoint it
// crosses.
func (s session) request() (flow.Flow, *endpointInfo) {
	if s.fwd != nil {
		return s.fwd.pkt, s.fwd.endpoint
	}
	return s.ret.pkt.Reverse(), s.ret.endpoint
}

// pairCrossings pairs each reply crossing with the request crossing of
// the same endpoint whose flow it reverses, in the order the request met
// them; unpaired crossings of either leg are sessions of their own.
func pairCrossings(fwd, ret []crossing) []session {
	return pairCrossingsInto(fwd, ret, make([]session, 0, len(fwd)+len(ret)))
}

// pairCrossingsInto is pairCrossings appending to out, for a caller with
// room of its own.
func pairCrossingsInto(fwd, ret []crossing, out []session) []session {
	for i := range fwd {
		out = append(out, session{fwd: &fwd[i]})
	}
	requests := len(out)
	for i := range ret {
		c := &ret[i]
		paired := false
		for j := range out[:requests] {
			s := &out[j]
			if s.ret == nil && s.fwd.endpoint == c.endpoint && s.fwd.pkt.Reverse() == c.pkt {
				s.ret, paired = c, true
				break
			}
		}
		if !paired {
			out = append(out, session{ret: c}) // after every request's
		}
	}
	// A one-way session at an endpoint the other leg crosses with
	// another flow: say so in its reason.
	for i := range out {
		s := &out[i]
		for j := range out {
			o := &out[j]
			switch {
			case s.fwd != nil && s.ret == nil && o.ret != nil && o.ret.endpoint == s.fwd.endpoint && s.other == nil:
				s.other = o.ret
			case s.ret != nil && s.fwd == nil && o.fwd != nil && o.fwd.endpoint == s.ret.endpoint && s.other == nil:
				s.other = o.fwd
			}
		}
	}
	return out
}

// inspectSession judges one session at its endpoint and fills in its
// crossings' hops (fwd and ret), with their reasons when explain.
func (m *Model) inspectSession(fwd, ret []Hop, s session, replyTraced, explain bool) {
	req, ei := s.request()
	conn := firewall.Connection{Flow: req, Request: s.fwd != nil, Reply: s.ret != nil || !replyTraced}
	ni := s.natNamed() // natfw.go: the request's source port is a NAT gateway's pick
	if !explain {
		var request, reply flow.Verdict
		if ni != nil {
			request, reply = natFirewallVerdicts(ei.fw, conn)
		} else {
			request, reply = ei.fw.engine.Verdicts(conn)
		}
		inspectQuietly(fwd, ret, s, ei, replyTraced, request, reply, conn)
		return
	}
	var runs []natRun
	var mixed [2]flow.Verdict
	var each [][2]flow.Verdict
	if ni != nil {
		runs = natFirewallRuns(ei.fw, conn)
		mixed, each = natVerdictsOf(ei.fw.engine, runs)
		conn = natRepresentative(runs, conn.Flow.Src.Port()).conn
	}
	o := ei.fw.engine.Outline(conn)
	met := &fwMet{engine: ei.fw.engine, conn: conn}
	judge := fwJudge{met} // the reasons and details, worded when read
	fill := func(h *Hop, c *crossing, leg Leg) {
		k := b2i(leg == Return)
		if mixed[k] == natPortMixed {
			natMixedHop(h, c, leg, ei.fw, ni, runs, each, met)
			return
		}
		h.Verdict, h.Rule = o.Verdict[k], o.Rule[k]
		h.reason, h.judge = c.which(leg), judge // after the decision's reason
		switch h.Verdict {
		case flow.Deny:
			h.Code = FirewallDrop.OnLeg(leg)
			h.Fix = o.Fix
		case flow.Indeterminate:
			h.Code = FirewallIndeterminate.OnLeg(leg)
			h.Missing = "what the firewall's rule depends on beyond the flow (payload content, say), which a query does not describe"
			h.Fix = "the firewall's answer depends on the packet's content; check the named rule by hand"
			if u := unknownSetOf(ei.fw.engine, conn); u != nil {
				ref, _, _ := strings.Cut(u.Why, ": the input does not hold")
				h.Missing = "the entries of " + ref + ", which the input does not hold: whether the rule matches depends on them"
				h.Fix = "add the prefix list's entries to the input (aws ec2 get-managed-prefix-list-entries for the list the reference names), or check the rule by hand"
				if strings.Contains(ref, ":resource-groups:") {
					h.Missing = "the members of the resource group of " + ref + ", whose addresses the input does not hold: whether the rule matches depends on them"
					h.Fix = "check by hand which addresses the group's resources hold (aws resource-groups list-group-resources)"
				}
			}
			if o.Missing[k] != "" { // what the firewall names itself: the application protocol, ...
				h.Missing, h.Fix = o.Missing[k], o.Settle[k]
			}
		}
	}
	if s.fwd != nil {
		fill(&fwd[s.fwd.hop], s.fwd, Forward)
	}
	if s.ret != nil {
		fill(&ret[s.ret.hop], s.ret, Return)
	}
	asymmetric(fwd, ret, s, ei, replyTraced, conn)
}

// inspectQuietly is inspectSession for a walk without explanations, given
// the firewall's verdicts on the request and the reply (natPortMixed
// where they differ across the ports a NAT gateway may pick) and conn,
// the session it judged.
func inspectQuietly(fwd, ret []Hop, s session, ei *endpointInfo, replyTraced bool, request, reply flow.Verdict, conn firewall.Connection) {
	fill := func(h *Hop, v flow.Verdict, leg Leg) {
		h.Verdict = v
		switch v {
		case flow.Deny:
			h.Code = FirewallDrop.OnLeg(leg)
		case flow.Indeterminate:
			h.Code = FirewallIndeterminate.OnLeg(leg)
		case natPortMixed: // natfw.go
			h.Verdict, h.Code = flow.Indeterminate, NATPortUnknown.OnLeg(leg)
		}
	}
	if s.fwd != nil {
		fill(&fwd[s.fwd.hop], request, Forward)
	}
	if s.ret != nil {
		fill(&ret[s.ret.hop], reply, Return)
	}
	asymmetric(fwd, ret, s, ei, replyTraced, conn)
}

// asymmetric decides the one crossing of a session that crosses endpoint
// ei on one leg only, when the reply was traced (and counts: an ICMP
// error message has none, oneWay); conn is the session the firewall
// judges there (for the NAT-named, on the client's port). Network Firewall
// needs both directions of a TCP session at one endpoint: where its
// stateless engine forwards a packet of the leg to the stateful engine,
// which has no state for the half it sees, or drops one itself, the
// crossing is a certain drop; where it passes every packet of the leg,
// AWS documents no drop (it says asymmetric routing is unsupported), so
// the crossing is undecided. A packet of another protocol that the
// stateful engine has no flow for opens a flow of its own: the crossing
// gets the firewall's verdict on that packet alone, as the firewall
// judges a leg without its opening elsewhere (asymmetricVerdict). A
// crossing that is not allowed gets the code AsymmetricRoute.
func asymmetric(fwd, ret []Hop, s session, ei *endpointInfo, replyTraced bool, conn firewall.Connection) {
	if !replyTraced || (s.fwd != nil && s.ret != nil) || oneWay(fwd) {
		return
	}
	c, hops, leg, other := s.fwd, fwd, Forward, "reply"
	if c == nil {
		c, hops, leg, other = s.ret, ret, Return, "request"
	}
	id := ei.ID
	h := &hops[c.hop]
	v, how := asymmetricVerdict(ei.fw, conn, s.natNamed() != nil, leg == Return)
	proto := c.pkt.Protocol.String()
	if how == asymNewFlow || how == asymPassedOneWay {
		// the firewall's own verdict on the packet: its reason and
		// details stay, with the one-way crossing said after them
		note := "it passes the stateless engine, which forwards it to no stateful engine"
		if how == asymNewFlow {
			note = "Network Firewall's stateful engine opens a flow of its own for a packet of a connectionless protocol it has no flow for, and judges the packet so (here alike whether read as the " + legNoun(leg) + " of the session or as a flow of its own)"
		}
		h.Verdict, h.Code = v, ""
		if v != flow.Allow {
			h.Code = AsymmetricRoute
		}
		if v == flow.Deny {
			h.Missing = ""
		}
		h.reason += fmt.Sprintf("; only the %s crosses firewall endpoint %s, not the %s: %s", legNoun(leg), id, other, note)
		return
	}
	h.Verdict, h.Code = v, AsymmetricRoute
	if j, ok := h.judge.(fwJudge); ok {
		h.judge = fwDetails(j) // the session's details stay; the reason is this one
	}
	why := "Network Firewall needs both directions of a session at the same endpoint, and drops what it has no state for"
	h.Missing, h.Fix = "", fmt.Sprintf("route the %s through %s as well (for traffic from the internet, an edge route table on the internet gateway sending the subnet's CIDR to %s)", other, id, id)
	switch how {
	case asymPassed:
		why = "Network Firewall does not support asymmetric routing, but its stateless engine forwards no packet of the " + legNoun(leg) +
			" to the stateful engine (which would have no state for it) and does not drop them all: AWS documents no drop for the packets it passes"
		h.Missing = "whether Network Firewall drops the packets of a session that crosses its endpoint on one leg only when its stateless engine passes them (AWS says asymmetric routing is unsupported, and documents no drop for them)"
	case asymReadings:
		why = "the stateful engine sees the " + proto + " " + legNoun(leg) + " alone, a flow of its own that is never established (Suricata establishes a connectionless flow once it sees both directions), " +
			"and the policy's rules judge it differently than as the " + legNoun(leg) + " of the session (they read flow:established or not_established, the flow's direction or its application protocol)"
		h.Missing = "how Network Firewall's stateful engine judges a " + proto + " packet it sees one way only, as the first packet of a flow of its own, which the policy's rules on flow state or direction may decide differently"
	case asymNATMixed:
		ni := s.natNamed()
		why = fmt.Sprintf("Network Firewall judges the %s %s as a flow of its own, and decides it differently for different ports NAT gateway %s may pick (%s)", proto, legNoun(leg), ni.ID, natPorts)
		h.Missing = fmt.Sprintf("the source port NAT gateway %s picks for the session (%s)", ni.ID, natPorts)
	case asymStatelessDrop:
		why = "Network Firewall needs both directions of a session at the same endpoint; its stateless engine drops the " + legNoun(leg) + " itself, so the stateful engine never sees it"
	case asymContinue:
		why = "Network Firewall does not support asymmetric routing; the stateful engine has no state for the " + legNoun(leg) + "'s packets, and the policy's stream exception policy CONTINUE inspects them without the flow's context instead of dropping them, which the policy's rules may decide either way"
		h.Missing = "how Network Firewall's stateful engine, under stream exception policy CONTINUE, judges the packets of a TCP session it sees one way only (without the other direction's handshake)"
	case asymContinueStrict:
		why = "Network Firewall does not support asymmetric routing; under the stream exception policy CONTINUE the stateful engine inspects the " + legNoun(leg) + "'s packets without the flow's context, and aws:drop_strict, which still matches then, drops them: no pass rule may match the session"
	}
	h.reason = fmt.Sprintf("the %s passes firewall endpoint %s but the %s does not: %s", legNoun(leg), id, other, why)
	if s.other != nil {
		h.reason = fmt.Sprintf("the %s passes firewall endpoint %s as %s, but the %s passes it only as %s, another flow: %s", legNoun(leg), id, c.pkt, other, s.other.pkt, why)
	} else {
		h.reason += c.which(leg)
	}
}

// asymHow says how asymmetricVerdict decided a one-leg crossing.
type asymHow uint8

const (
	// asymForwarded: TCP, a packet of the leg is forwarded to the
	// stateful engine, which has no state for it: Deny
	asymForwarded asymHow = iota
	// asymStatelessDrop: the stateless engine drops a packet of the leg
	// for certain: Deny
	asymStatelessDrop
	// asymPassed: TCP, the stateless engine passes every packet of the
	// leg: Indeterminate (AWS documents no drop)
	asymPassed
	// asymPassedOneWay: another protocol, the stateless engine decides
	// the leg's packet itself and does not drop it: its verdict
	asymPassedOneWay
	// asymNewFlow: another protocol, the stateful engine judges the leg's
	// packet as a flow of its own, as it judges the leg of the session:
	// the firewall's verdict
	asymNewFlow
	// asymReadings: another protocol, the two readings differ, or a rule
	// that may match reads the flow's state: Indeterminate
	asymReadings
	// asymNATMixed: the verdicts differ across the ports a NAT gateway
	// may pick (none undecided for another reason): Indeterminate
	asymNATMixed
	// asymContinue: TCP, a packet of the leg is forwarded to the stateful
	// engine under stream exception policy CONTINUE, which inspects it
	// without the flow's context: Indeterminate
	asymContinue
	// asymContinueStrict: asymContinue, where aws:drop_strict meets every
	// packet of the session (no pass rule may match it): Deny
	asymContinueStrict
)

// asymmetricVerdict is the verdict on the one leg (reply: the reply) of
// conn, a session that crosses firewall fi on that leg only (nat: over
// every port a NAT gateway may pick, natfw.go), and how it was decided.
//
// TCP: Deny where the stateless engine forwards a packet of the leg to
// the stateful engine (AWS's stream exception policy drops what breaks
// midstream) or drops one for certain, Indeterminate where it decides
// every packet itself and passes every one a session certainly has.
// Under stream exception policy CONTINUE the stateful engine inspects a
// forwarded packet it has no state for without the flow's context:
// Deny where aws:drop_strict meets every packet of the session (no pass
// rule may match it), else Indeterminate.
//
// Other protocols (UDP, ICMP, ...): a packet Suricata has no flow for
// opens a flow of its own, so the leg gets the firewall's verdict on it,
// as [firewall.Engine] judges a leg whose other direction the stateless
// engine passes: the stateless engine's where it decides the packet
// itself; where it forwards it, the stateful engine's, which must be the
// same whether the packet is read as the leg of the session (a reply to
// the client) or as the opening of its own flow (to the server), and no
// rule that may match may read whether the flow is established (the
// engine judges a session's later stages as established; a flow seen one
// way never is): otherwise Indeterminate. Over the ports of a NAT
// gateway, the ports' common verdict, else Indeterminate.
func asymmetricVerdict(fi *firewallInfo, conn firewall.Connection, nat, reply bool) (v flow.Verdict, how asymHow) {
	one := func(c firewall.Connection) (flow.Verdict, asymHow) {
		fr, fp := fi.engine.Forwards(c)
		forwarded := fr && !reply || fp && reply
		req, rep := fi.engine.Verdicts(c)
		if reply {
			req = rep
		}
		if c.Flow.Protocol == flow.TCP {
			switch {
			case forwarded && fi.engine.StreamExceptionPolicy() == "CONTINUE":
				// the engine inspects what it has no state for without
				// the flow's context: dropped for certain only where
				// aws:drop_strict meets every packet
				if fi.engine.Stateful().DropsEveryPacket(c.Flow) {
					return flow.Deny, asymContinueStrict
				}
				return flow.Indeterminate, asymContinue
			case forwarded:
				return flow.Deny, asymForwarded
			case req == flow.Deny:
				return flow.Deny, asymStatelessDrop
			}
			return flow.Indeterminate, asymPassed
		}
		switch {
		case !forwarded && req == flow.Deny:
			return flow.Deny, asymStatelessDrop
		case !forwarded:
			return req, asymPassedOneWay
		case fi.engine.Stateful().ReadsFlowState(c.Flow.Protocol):
			return flow.Indeterminate, asymReadings
		}
		if reply {
			// the reply alone: the opening of a flow of its own
			alone, _ := fi.engine.Verdicts(firewall.Connection{Flow: c.Flow.Reverse(), Request: true})
			if alone != req {
				return flow.Indeterminate, asymReadings
			}
		}
		return req, asymNewFlow
	}
	if !nat {
		return one(conn)
	}
	first := true
	for _, r := range natFirewallRuns(fi, conn) {
		rv, rh := one(r.conn)
		switch {
		case first:
			v, how, first = rv, rh, false
		case rv != v && v != flow.Indeterminate && rv != flow.Indeterminate:
			v, how = flow.Indeterminate, asymNATMixed
		case rv != v && rv == flow.Indeterminate:
			v, how = rv, rh
		}
	}
	return v, how
}

// unknownSetOf returns the stateful engine's undecided rule on conn when
// what it cannot decide is an IP set reference whose entries the input
// does not hold (its Keyword "@NAME"); nil otherwise.
func unknownSetOf(e *firewall.Engine, conn firewall.Connection) *stateful.Unknown {
	d := e.Evaluate(conn)
	if d.Stateful == nil || d.Stateful.Indeterminate == nil {
		return nil
	}
	u := d.Stateful.Indeterminate
	if !strings.HasPrefix(u.Keyword, "@") || !strings.Contains(u.Why, ": the input does not hold") {
		return nil
	}
	return u
}

// isResourceGroup reports whether an IP set reference's ARN names a
// resource group rather than a prefix list.
func isResourceGroup(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":resource-groups:")
}
