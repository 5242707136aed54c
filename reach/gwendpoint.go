package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// Gateway VPC endpoints for S3 and DynamoDB.

// GatewayEndpoint is a gateway VPC endpoint (vpce-…) for S3 or DynamoDB:
// the route tables that use it send the service's addresses (its
// AWS-managed prefix list) to it, and the packet is delivered to the
// service, an end point as the internet is; the reply comes back through
// the endpoint to the source's private address, unchanged (no address is
// translated). The source must be in the endpoint's VPC
// ([GatewayEndpointSource]: an endpoint does not serve peered VPCs,
// transit gateways or VPNs), and the traffic IPv4 TCP or ICMP echo
// ([GatewayEndpointProtocol]): AWS's gateway endpoints carry IPv4 only, so
// an IPv6 packet that a route sends to one (by an IPv6 block in its prefix
// list) is dropped there.
//
// The endpoint's policy is not evaluated: it says which requests (which
// buckets or tables, which actions, which principals) the service
// accepts, not whether packets pass, so a reachable answer means the
// connection opens. An endpoint whose policy is not the full-access
// default is marked CustomPolicy, and a [Result] whose path uses it warns
// that the policy may still refuse the request.
type GatewayEndpoint struct {
	ID   string
	Name string
	VPC  string
	// Service is the service's name (com.amazonaws.us-east-1.s3).
	Service string
	// PrefixList is the service's AWS-managed prefix list (pl-…): routes
	// to the endpoint must be by it; it may be a list whose entries the
	// input does not hold ([Builder.AddUnresolvedPrefixList]). "" accepts
	// any prefix list.
	PrefixList string
	// CustomPolicy says the endpoint's policy is not the full-access
	// default, which reachsim does not evaluate.
	CustomPolicy bool
}

// AddGatewayEndpoint adds gateway VPC endpoints.
func (b *Builder) AddGatewayEndpoint(e ...GatewayEndpoint) *Builder {
	b.gwEPs = append(b.gwEPs, e...)
	return b
}

type gwEndpointInfo struct {
	GatewayEndpoint
	vpc *vpcInfo
}

func (b *Builder) buildGatewayEndpoints(p *problems, m *Model) {
	m.gwEndpoints = map[string]*gwEndpointInfo{}
	for i, e := range b.gwEPs {
		if b.skip("gatewayEndpoints", i, e.ID) {
			continue
		}
		vi, ok := m.vpcs[e.VPC]
		if !ok {
			p.add(e.ID, path("gatewayEndpoints", i, "VPC"), e.VPC, "unknown VPC")
			continue
		}
		if _, ok := m.lists[e.PrefixList]; e.PrefixList != "" && !ok && !m.isUnresolvedList(e.PrefixList) {
			p.add(e.ID, path("gatewayEndpoints", i, "PrefixList"), e.PrefixList, "unknown prefix list")
		}
		if _, clash := m.endpoints[e.ID]; clash {
			p.add(e.ID, path("gatewayEndpoints", i, "ID"), e.ID, "ID already used by a firewall endpoint")
			continue
		}
		m.gwEndpoints[e.ID] = &gwEndpointInfo{GatewayEndpoint: e, vpc: vi}
		if e.CustomPolicy {
			m.customPolicies++
		}
	}
}

// checkGatewayEndpointRoute checks a route of table ri (item i of the
// builder's route tables) to a gateway endpoint: by prefix list, in the
// endpoint's VPC.
func (b *Builder) checkGatewayEndpointRoute(p *problems, m *Model, ri *rtInfo, i int, cr *compiledRoute) {
	rp := path("routeTables", i, fmt.Sprintf("Routes[%d]", cr.index))
	ei, ok := m.gwEndpoints[cr.TargetID]
	switch {
	case !ok || ei.VPC != ri.VPC:
		p.add(ri.ID, rp+".TargetID", cr.TargetID, "no gateway endpoint %s in %s", cr.TargetID, ri.VPC)
	case cr.PrefixList == "":
		p.add(ri.ID, rp+".Destination", cr.Destination.String(), "a route to gateway endpoint %s is by its service's prefix list, not a CIDR block", ei.ID)
	case ei.PrefixList != "" && cr.PrefixList != ei.PrefixList:
		p.add(ri.ID, rp+".PrefixList", cr.PrefixList, "gateway endpoint %s serves %s, whose prefix list is %s", ei.ID, ei.Service, ei.PrefixList)
	}
}

// viaGatewayEndpoint sends pkt from subnet s through a gateway endpoint to
// its service.
func (w *walker) viaGatewayEndpoint(pkt flow.Flow, s *subnetInfo, ep *gwEndpointInfo) arrival {
	if s != nil {
		w.networkACL(pkt, s, flow.Outbound)
	}
	h := Hop{Kind: KindGatewayEndpoint, ID: ep.ID, Name: ep.Service, Packet: pkt, Verdict: flow.Allow,
		reason: fmt.Sprintf("the gateway endpoint carries the packet to %s, unchanged", ep.Service)}
	if ep.CustomPolicy {
		h.addDetail("the endpoint's policy is not the full-access default; reachsim does not evaluate it: it may refuse the request, not the connection")
	}
	src := pkt.Src.Addr()
	if !containsAddr(ep.vpc.CIDRs, src) {
		h.Verdict, h.Code = flow.Deny, GatewayEndpointSource
		h.reason = fmt.Sprintf("%s is not an address of %s: a gateway endpoint serves only its own VPC, not traffic from a peered VPC, a transit gateway, a VPN or the internet", src, ep.VPC)
		h.Fix = fmt.Sprintf("reach %s through an interface endpoint, or from a source inside %s", ep.Service, ep.VPC)
		return w.stop(h)
	}
	// The path beyond is known: a block here is lifted to go on.
	switch {
	case pkt.Dst.Addr().Is6():
		// AWS: gateway endpoints support only IPv4 traffic, whatever
		// the prefix list the route matched holds.
		h.Verdict, h.Code = flow.Deny, GatewayEndpointProtocol
		h.reason = "a gateway endpoint carries IPv4 only, not IPv6"
		h.Fix = fmt.Sprintf("reach %s over IPv4, or over IPv6 through an interface endpoint or the internet", ep.Service)
	case !gatewayEndpointCarries(pkt):
		h.Verdict, h.Code = flow.Deny, GatewayEndpointProtocol
		h.reason = fmt.Sprintf("a gateway endpoint carries TCP and ICMP echo only, not %s", pkt.Traffic())
		h.Fix = fmt.Sprintf("use TCP to reach %s", ep.Service)
	}
	w.add(h)
	w.add(Hop{Kind: KindService, ID: ep.Service, Name: pkt.Dst.Addr().String(), Packet: pkt, Verdict: flow.Allow,
		reason: fmt.Sprintf("delivered to %s at %s", ep.Service, pkt.Dst.Addr())})
	return arrival{ok: true, pkt: pkt, service: ep}
}

// gatewayEndpointCarries reports whether a gateway endpoint takes the
// IPv4 packet pkt: TCP, or an ICMP echo request.
func gatewayEndpointCarries(pkt flow.Flow) bool {
	switch pkt.Protocol {
	case flow.TCP:
		return true
	case flow.ICMP:
		return pkt.ICMPType == echoRequest
	}
	return false
}

// echoRequest is the ICMP type of an echo request, the only ICMP message
// a gateway endpoint carries.
const echoRequest = 8

// endpointICMPRuns appends to hops, for an icmp Ports question, the runs
// of each gateway endpoint the request passes on p: the probe walked is
// an echo request, and the endpoint cuts every other type
// (gatewayEndpointCarries). A hop that blocks the probe is among p.dest
// already.
func (p *portPath) endpointICMPRuns(hops []hopRuns) []hopRuns {
	if p.f.Protocol != flow.ICMP {
		return hops
	}
	for i, h := range p.path.fwd {
		if h.Kind == KindGatewayEndpoint && h.Code == "" {
			hops = append(hops, hopRuns{Forward, i, []portRun{
				{echoRequest<<8 - 1, GatewayEndpointProtocol, false},
				{echoRequest<<8 | 255, "", false},
				{65535, GatewayEndpointProtocol, false},
			}})
		}
	}
	return hops
}

// fromService brings the reply pkt of a session that reached the service
// behind ep back into ep's VPC.
func (w *walker) fromService(pkt flow.Flow, ep *gwEndpointInfo) arrival {
	w.add(Hop{Kind: KindGatewayEndpoint, ID: ep.ID, Name: ep.Service, Packet: pkt, Verdict: flow.Allow,
		reason: fmt.Sprintf("the reply from %s comes back through the gateway endpoint, unchanged", ep.Service)})
	return w.deliverLocal(pkt, nil, ep.vpc)
}

// endpointPolicyWarnings warns, once per endpoint, when r's path uses a
// gateway endpoint whose policy reachsim does not evaluate.
func (m *Model) endpointPolicyWarnings(r *Result) []string {
	if m.customPolicies == 0 {
		return nil // no path meets one
	}
	var out []string
	seen := map[string]bool{}
	for _, h := range r.Forward {
		if h.Kind != KindGatewayEndpoint || seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		if ep := m.gwEndpoints[h.ID]; ep != nil && ep.CustomPolicy {
			out = append(out, fmt.Sprintf("gateway endpoint %s has a policy that is not the full-access default: reachsim does not evaluate it, and %s may refuse the request even though the connection opens", ep.ID, ep.Service))
		}
	}
	return out
}

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
