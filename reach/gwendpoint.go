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
// transit gateways or VPNs), and the traffic TCP or an echo request
// ([GatewayEndpointProtocol]) of an address family the endpoint's
// [GatewayEndpoint.IPAddressType] carries: ipv4 carries IPv4 only, ipv6
// IPv6 only, dualstack both (AWS's PrivateLink guide, "Gateway
// endpoints", "IP address type": the type decides which of the service's
// prefix lists, IPv4, IPv6 or both, AWS adds to the route tables). A
// packet of the family the type leaves out is dropped there
// ([GatewayEndpointProtocol]); an IPv6 packet through an endpoint whose
// type the input does not hold is undecided
// ([GatewayEndpointIPTypeUnknown]) and the walk goes on, while an IPv4
// one passes: AWS adds the IPv4 prefix list's route only for ipv4 and
// dualstack endpoints.
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
	// IPAddressType is the endpoint's IP address type as AWS writes it
	// (describe-vpc-endpoints' IpAddressType; Terraform's ip_address_type
	// of aws_vpc_endpoint):
	// "ipv4", "ipv6" or "dualstack"; "" when the input does not hold it
	// (an older dump, a value known only later), which leaves IPv6
	// through the endpoint undecided. Any other value is an error of
	// Build.
	IPAddressType string
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
		switch e.IPAddressType {
		case "", "ipv4", "ipv6", "dualstack":
		default:
			p.add(e.ID, path("gatewayEndpoints", i, "IPAddressType"), e.IPAddressType, "unknown IP address type (AWS's are ipv4, ipv6 and dualstack)")
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
	v6 := pkt.Dst.Addr().Is6()
	switch {
	case v6 && ep.IPAddressType == "ipv4", !v6 && ep.IPAddressType == "ipv6":
		fam, other := "IPv4", "IPv6"
		if v6 {
			fam, other = other, fam
		}
		h.Verdict, h.Code = flow.Deny, GatewayEndpointProtocol
		h.reason = fmt.Sprintf("the gateway endpoint's IP address type is %s: it carries %s only, not %s", ep.IPAddressType, other, fam)
		h.Fix = fmt.Sprintf("make %s's IP address type dualstack (modify-vpc-endpoint --ip-address-type dualstack; Terraform's ip_address_type), or reach %s over %s", ep.ID, ep.Service, other)
	case !gatewayEndpointCarries(pkt):
		h.Verdict, h.Code = flow.Deny, GatewayEndpointProtocol
		h.reason = fmt.Sprintf("a gateway endpoint carries TCP and ICMP echo only, not %s", pkt.Traffic())
		h.Fix = fmt.Sprintf("use TCP to reach %s", ep.Service)
	case v6 && ep.IPAddressType == "":
		h.Verdict, h.Code = flow.Indeterminate, GatewayEndpointIPTypeUnknown
		h.reason = "the gateway endpoint carries IPv6 only if its IP address type is ipv6 or dualstack, which the input does not say"
		h.Missing = fmt.Sprintf("the IP address type of gateway endpoint %s (IpAddressType), which the input does not hold", ep.ID)
		h.Fix = fmt.Sprintf("give the input %s's IP address type: IpAddressType in aws ec2 describe-vpc-endpoints --vpc-endpoint-ids %s (Terraform: ip_address_type of its aws_vpc_endpoint, known after apply)", ep.ID, ep.ID)
	}
	w.add(h)
	w.add(Hop{Kind: KindService, ID: ep.Service, Name: pkt.Dst.Addr().String(), Packet: pkt, Verdict: flow.Allow,
		reason: fmt.Sprintf("delivered to %s at %s", ep.Service, pkt.Dst.Addr())})
	return arrival{ok: true, pkt: pkt, service: ep}
}

// gatewayEndpointCarries reports whether a gateway endpoint takes the
// packet pkt, of a family it carries: TCP, or an ICMP or ICMPv6 echo
// request.
func gatewayEndpointCarries(pkt flow.Flow) bool {
	switch pkt.Protocol {
	case flow.TCP:
		return true
	case flow.ICMP, flow.ICMPv6:
		return pkt.ICMPType == echoRequestOf(pkt.Protocol)
	}
	return false
}

// echoRequest is the ICMP type of an echo request, the only ICMP message
// a gateway endpoint carries (ICMPv6's: [flow.ICMPv6EchoRequest]).
const echoRequest = 8

// echoRequestOf returns the echo request's type of ICMP protocol p.
func echoRequestOf(p flow.Protocol) uint8 {
	if p == flow.ICMPv6 {
		return flow.ICMPv6EchoRequest
	}
	return echoRequest
}

// endpointICMPRuns appends to hops, for an icmp or icmpv6 Ports
// question, the runs of each gateway endpoint the request passes on p or
// that is undecided for it: the probe walked is an echo request, and the
// endpoint cuts every other type (gatewayEndpointCarries) before its IP
// address type is asked. A hop that blocks or is undecided for the probe
// is among p.dest already, over every type.
func (p *portPath) endpointICMPRuns(hops []hopRuns) []hopRuns {
	if !p.f.Protocol.IsICMP() {
		return hops
	}
	echo := uint16(echoRequestOf(p.f.Protocol))
	for i, h := range p.path.fwd {
		if h.Kind == KindGatewayEndpoint && (h.Code == "" || h.Code == GatewayEndpointIPTypeUnknown) {
			hops = append(hops, hopRuns{Forward, i, []portRun{
				{echo<<8 - 1, GatewayEndpointProtocol, false},
				{echo<<8 | 255, "", false},
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
