package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Alibaba Cloud's services an ECS instance reaches from inside: its
// instance metadata service at 100.100.100.200, HTTP on tcp port 80
// (ECS "Instance metadata": curl http://100.100.100.200/latest/meta-data/...,
// https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata),
// and Alibaba Cloud's DNS servers, DNS on udp and tcp port 53, at every
// address of 100.100.2.112/28 and 100.100.2.128/28 (VPC "Network ACLs":
// "Network ACLs allow the DNS servers at 100.100.2.128/28 and
// 100.100.2.112/28, and the Metaserver at 100.100.100.200/32",
// https://www.alibabacloud.com/help/en/vpc/user-guide/network-acl-overview),
// among them the default ones, 100.100.2.136 and 100.100.2.138 (VPC
// "DHCP options sets": "The IP addresses of the Alibaba Cloud DNS
// servers, which are 100.100.2.136 and 100.100.2.138, are used by
// default", https://www.alibabacloud.com/help/en/vpc/user-guide/overview-5;
// ECS "Private DNS resolution for ECS instances"), and others some
// regions hand out. Like AWS's instance services (instanceservice.go), a
// packet from an ECS interface to them goes straight to the service (a
// hop of kind [KindInstanceService]) and the reply straight back: no
// route table, gateway or network ACL carries or filters it (the
// network ACL page above).
//
// What is not documented, or not in the input, leaves the request
// undecided ([InstanceServiceIndeterminate]), its hop naming it:
//   - whether the instance's security groups filter the packet: Alibaba
//     Cloud documents no exemption for these addresses, nor that the
//     groups see the packet. The source's outbound groups are asked: when
//     they allow it nothing depends on the question; when they do not
//     (an enterprise group's default, a drop rule), the hop is undecided;
//   - the metadata service answers only when the instance's metadata
//     options enable it (DescribeInstances MetadataOptions.HttpEndpoint,
//     enabled by default; ModifyInstanceMetadataOptions,
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-modifyinstancemetadataoptions):
//     [Interface.MetadataEndpoint] disabled blocks it
//     ([InstanceServiceDisabled]), enabled lets it answer, left unset it
//     is undecided.
//
// Other traffic to these addresses (another port or protocol: HTTPS or
// ICMP to the metadata service, NTP to a DNS server) is undecided too
// ([InstanceServiceIndeterminate]): Alibaba Cloud documents the services'
// traffic there and nothing else, neither that other traffic is refused
// nor that anything answers it (alibabaOtherTraffic). An
// AWS interface's packet to them is walked as any other, and an ECS
// interface's packet to AWS's link-local services too
// (instanceServiceFor).

var (
	aliMetadata4 = netip.AddrFrom4([4]byte{100, 100, 100, 200})
	// the blocks of Alibaba Cloud's DNS servers (VPC "Network ACLs")
	aliDNSBlocks = []netip.Prefix{netip.MustParsePrefix("100.100.2.112/28"), netip.MustParsePrefix("100.100.2.128/28")}
	aliMetaSvc   = instanceService{name: aliMetadataName, proto: flow.TCP, ports: []uint16{80}, traffic: "HTTP (tcp port 80)", v4: aliMetadata4, alibaba: true}
	// no v4: it answers at every address of aliDNSBlocks
	aliDNSSvc = instanceService{name: "Alibaba Cloud DNS server", proto: flow.UDP, alsoTCP: true, ports: []uint16{53}, traffic: "DNS (udp and tcp port 53)", alibaba: true}
)

const aliMetadataName = "Alibaba Cloud instance metadata service"

// alibabaServiceAt returns the Alibaba Cloud service at address a, if
// any: the metadata service at 100.100.100.200, a DNS server at any
// address of 100.100.2.112/28 and 100.100.2.128/28.
func alibabaServiceAt(a netip.Addr) (instanceService, bool) {
	if !a.Is4() || a.As4()[0] != 100 {
		return instanceService{}, false // the common case
	}
	if a == aliMetadata4 {
		return aliMetaSvc, true
	}
	for _, p := range aliDNSBlocks {
		if p.Contains(a) {
			return aliDNSSvc, true
		}
	}
	return instanceService{}, false
}

// toAlibabaService judges, on the hop h, pkt from the ECS interface src
// to the Alibaba Cloud service s, which answers its traffic: by src's
// outbound security groups (a denial is undecided: Alibaba Cloud does
// not document whether they filter it) and, for the metadata service,
// by the instance's metadata options.
func (w *walker) toAlibabaService(h *Hop, s instanceService, src *ifaceInfo, pkt flow.Flow) {
	if s.name == aliMetadataName && src.MetadataEndpoint == OptionDisabled {
		h.Verdict, h.Code = flow.Deny, InstanceServiceDisabled
		if w.explain {
			h.reason = fmt.Sprintf("the metadata options of %s disable the %s (HttpEndpoint disabled): it answers nothing", src.label(), s.name)
			h.Fix = fmt.Sprintf("enable the instance metadata service of %s (aliyun ecs ModifyInstanceMetadataOptions --HttpEndpoint enabled%s)", src.label(), aliInstanceArg(src))
		}
		return
	}
	ev := src.sg.normal
	if w.bounds != nil { // the groups' edges cut the atoms too
		w.noteBounds(w.bounds, w.clientField(), len(*w.hops), func() { ev.Bounds(pkt, flow.Outbound, w.bounds) })
	}
	x := ev.Evaluate(pkt, flow.Outbound)
	var missing []string
	if !x.Allowed() && w.explain {
		missing = append(missing, fmt.Sprintf("whether Alibaba Cloud's security groups filter an instance's packets to the %s, which Alibaba Cloud does not document: the outbound groups of %s (%s) do not allow it (%s)", s.name, src.label(), src.groupList, x))
	}
	metaUnknown := s.name == aliMetadataName && src.MetadataEndpoint != OptionEnabled
	if metaUnknown && w.explain {
		why := "(DescribeInstances MetadataOptions.HttpEndpoint, enabled by default), which the input does not hold"
		if src.MetadataUnknown != "" {
			why = "(" + src.MetadataUnknown + ")"
		}
		missing = append(missing, fmt.Sprintf("whether the instance metadata service of %s is enabled %s", src.label(), why))
	}
	if x.Allowed() && !metaUnknown {
		return
	}
	h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
	if !w.explain {
		return
	}
	h.reason = fmt.Sprintf("the %s answers %s from inside every ECS instance of a VPC; route tables, gateways and network ACLs do not apply to it", s.name, s.traffic)
	h.Missing = strings.Join(missing, "; and ")
	var fix []string
	if !x.Allowed() { // as for any Alibaba group hop: a drop rule is removed or narrowed, or an accept comes before it
		fix = append(fix, alibabaSGFix(w.m, pkt, src, flow.Outbound, x, ev.RuleLabel(x), false))
	}
	if metaUnknown {
		describe := "aliyun ecs DescribeInstances"
		if src.Instance != "" {
			describe += " --InstanceIds '[\"" + src.Instance + "\"]'"
		}
		fix = append(fix, fmt.Sprintf("check the instance's metadata options (%s: MetadataOptions.HttpEndpoint)", describe))
	}
	h.Fix = strings.Join(fix, "; ")
}

// alibabaOtherTraffic judges, on the hop h, pkt from an ECS interface to
// the address of the Alibaba Cloud service s, which s does not answer
// (another protocol or port): undecided. Alibaba Cloud documents the
// service's traffic at the address (ECS "Instance metadata": HTTP, tcp
// port 80, at 100.100.100.200; VPC "DHCP options sets": DNS at its DNS
// servers) and nothing of any other, neither that it is refused nor that
// something else answers it, so neither a block nor a delivery is
// certain.
func (w *walker) alibabaOtherTraffic(h *Hop, s instanceService, pkt flow.Flow) {
	h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
	if !w.explain {
		return
	}
	dst := pkt.Dst.Addr()
	h.reason = fmt.Sprintf("%s is the address of the %s, which answers %s from inside every ECS instance of a VPC; Alibaba Cloud documents nothing else there", dst, s.name, s.traffic)
	h.Missing = fmt.Sprintf("what answers %s at %s, which Alibaba Cloud does not document: it documents its %s there, %s, and says neither that other traffic is refused nor that anything answers it",
		pkt.Traffic(), dst, strings.TrimPrefix(s.name, "Alibaba Cloud "), s.traffic)
	h.Fix = fmt.Sprintf("send %s to it, the traffic Alibaba Cloud documents there", s.traffic)
}

// aliInstanceArg is the instance argument of an aliyun ecs command about
// src's instance, "" when the input does not give it.
func aliInstanceArg(src *ifaceInfo) string {
	if src.Instance == "" {
		return ""
	}
	return " --InstanceId " + src.Instance
}
