package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
}

type firewallInfo struct {
	Firewall
	engine *firewall.Engine
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
}

// IPSet implements [stateful.IPSetResolver]: an IP set reference names a
// managed prefix list by ARN (arn:aws:ec2:…:prefix-list/pl-…) or by ID.
// The slice is the caller's own copy: changing it changes nothing in the
// model.
func (m *Model) IPSet(arn string) ([]netip.Prefix, error) {
	id := arn
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		id = arn[i+1:]
	}
	ps, ok := m.lists[id]
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
		fi := &firewallInfo{Firewall: f}
		pol := f.Policy
		if len(pol.Stateful.HomeNet) == 0 {
			pol.Stateful.HomeNet = vi.CIDRs // HOME_NET defaults to the firewall's VPC
		}
		eng, err := firewall.Compile(pol, m)
		if err != nil {
			p.wrap(f.ID, path("firewalls", i, "Policy"), err) // its endpoints stay known
		}
		fi.engine = eng
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
			default:
				m.endpoints[e.ID] = &endpointInfo{ID: e.ID, subnet: si, fw: fi}
			}
		}
	}
}

// inspectFirewalls decides every firewall endpoint crossing once both legs
// are known: the firewall sees the session as a whole, and whether the
// request, the reply or both pass through it matters.
//
// When the request found no end point, the reply was not traced and a
// crossing of the request alone is not asymmetric.
func (m *Model) inspectFirewalls(r *Result, fw, rw *walker, replyTraced bool) {
	type seen struct {
		fwd, ret *crossing
	}
	order := []string{}
	by := map[string]*seen{}
	note := func(c *crossing, ret bool) {
		s, ok := by[c.endpoint.ID]
		if !ok {
			s = &seen{}
			by[c.endpoint.ID] = s
			order = append(order, c.endpoint.ID)
		}
		if ret {
			if s.ret == nil {
				s.ret = c
			}
		} else if s.fwd == nil {
			s.fwd = c
		}
	}
	for i := range fw.crossed {
		note(&fw.crossed[i], false)
	}
	for i := range rw.crossed {
		note(&rw.crossed[i], true)
	}
	for _, id := range order {
		s := by[id]
		ei := m.endpoints[id]
		var req flow.Flow
		if s.fwd != nil {
			req = s.fwd.pkt
		} else {
			req = s.ret.pkt.Reverse()
		}
		ins := ei.fw.engine.Evaluate(firewall.Connection{Flow: req, Request: s.fwd != nil, Reply: s.ret != nil || !replyTraced})
		fill := func(h *Hop, leg Leg) {
			h.Verdict = ins.VerdictOn(leg == Return)
			h.Rule = ins.RuleOn(leg == Return)
			h.Reason = ins.ReasonOn(leg == Return)
			h.Details = ins.Details()
			switch h.Verdict {
			case flow.Deny:
				h.Code = FirewallDrop.OnLeg(leg)
				h.Fix = ins.Fix()
			case flow.Indeterminate:
				h.Code = FirewallIndeterminate.OnLeg(leg)
				h.Fix = "the firewall's answer depends on the packet's content; check the named rule by hand"
			}
		}
		if s.fwd != nil {
			fill(&r.Forward[s.fwd.hop], Forward)
		}
		if s.ret != nil {
			fill(&r.Return[s.ret.hop], Return)
		}
		if replyTraced && (s.fwd == nil || s.ret == nil) {
			c, hops, leg, other := s.fwd, r.Forward, Forward, "reply"
			if c == nil {
				c, hops, leg, other = s.ret, r.Return, Return, "request"
			}
			h := &hops[c.hop]
			h.Verdict = flow.Deny
			h.Code = AsymmetricRoute
			h.Reason = fmt.Sprintf("the %s passes firewall endpoint %s but the %s does not: Network Firewall needs both directions of a session at the same endpoint, and drops what it has no state for", leg, id, other)
			h.Fix = fmt.Sprintf("route the %s through %s as well (for traffic from the internet, an edge route table on the internet gateway sending the subnet's CIDR to %s)", other, id, id)
		}
	}
}
