package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// The services of an instance's own host: the Instance Metadata Service
// (IMDS), the Amazon Time Sync Service and Windows activation.
//
// Every EC2 instance reaches IMDS at 169.254.169.254 (HTTP, tcp port 80)
// and the Amazon Time Sync Service at 169.254.169.123 (NTP, udp port
// 123); on instances built on the Nitro System, also at fd00:ec2::254 and
// fd00:ec2::123. A Windows instance activates its license against AWS's
// KMS servers at 169.254.169.250 and 169.254.169.251 (KMS, tcp port
// 1688), fd00:ec2::250 over IPv6 (EC2 User Guide, EC2Config: "These
// addresses are used by Windows Activation and when you access instance
// metadata"). These addresses are link-local to the instance: its own
// host answers them, and neither security groups, network ACLs nor route
// tables see the traffic
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html,
// semantics.md B.5: network ACLs do not filter "Windows license
// activation"). Two more link-local addresses are answered on the host
// by an agent, software the input does not hold: the Amazon ECS task
// metadata endpoint 169.254.170.2 (the ECS container agent, or AWS
// Fargate, for tasks in awsvpc mode; Amazon ECS Developer Guide, "Task
// metadata endpoint"), HTTP on tcp port 80, and the Amazon EKS Pod
// Identity Agent at 169.254.170.23 and fd00:ec2::23, which uses the
// node's host network and tcp ports 80 and 2703 there (Amazon EKS User
// Guide, "Set up the Amazon EKS Pod Identity Agent" and "Learn how EKS
// Pod Identity grants pods access to AWS services",
// https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html).
// HTTP on those ports is undecided ([InstanceServiceIndeterminate],
// naming the agent), other traffic [InstanceServiceOtherTraffic]. The
// walk takes a packet from an interface to one of them
// straight to the service (a hop of kind [KindInstanceService]) and the
// reply straight back, as it does the Amazon DNS server's (amazondns.go).
//
// IMDS is enabled or disabled per instance (describe-instances'
// MetadataOptions.HttpEndpoint, enabled by default) and its IPv6 endpoint
// separately (HttpProtocolIpv6, disabled by default, Nitro only)
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html):
// [Interface.MetadataEndpoint] and [Interface.MetadataIPv6]. Enabled,
// IMDS answers over IPv4; disabled, it answers nothing
// ([InstanceServiceDisabled]), and HttpProtocolIpv6 disabled blocks
// fd00:ec2::254 alone. An option the input does not give leaves what it
// decides undecided ([InstanceServiceIndeterminate]), as is fd00:ec2::254
// with both enabled and fd00:ec2::123 (Nitro only; the input does not say
// whether the instance is built on the Nitro System). Time Sync over IPv4
// answers every instance. Windows activation answers a Windows instance
// ([Interface.Platform]); for any other, or one whose platform the input
// does not give, the request is undecided, and over IPv6 it is undecided
// too (fd00:ec2::250, as every fd00:ec2:: address, is taken to answer
// Nitro instances only). Other traffic to these addresses is
// [InstanceServiceOtherTraffic]; a packet for them from anything but the
// instance (the internet, a host outside the design) is
// [InstanceServiceOutside]. An Alibaba Cloud instance's services are
// Alibaba Cloud's own (100.100.100.200, the DNS servers of
// 100.100.2.112/28 and 100.100.2.128/28; alibaba_services.go): its packets to AWS's addresses are walked as any
// other.

// KindInstanceService: a service of the sending instance's own host (the
// Instance Metadata Service, the Amazon Time Sync Service, Windows
// activation), or for an Alibaba Cloud (ECS) instance one of Alibaba
// Cloud's services it reaches from inside (its instance metadata
// service, its DNS servers); the hop's ID
// is the interface's, its Name the service and the address the packet is
// sent to.
const KindInstanceService Kind = "instance-service"

// The instance services' explanation codes, reachsim's own.
const (
	// InstanceServiceOtherTraffic: traffic to an instance service that it
	// does not answer: to IMDS other than HTTP (tcp port 80), to the
	// Amazon Time Sync Service other than NTP (udp port 123), to Windows
	// activation other than KMS (tcp port 1688), to the Amazon ECS task
	// metadata endpoint other than HTTP (tcp port 80), to the EKS Pod
	// Identity Agent other than HTTP (tcp ports 80 and 2703). (Alibaba
	// Cloud's services are another matter: what else answers at their
	// addresses is undocumented, [InstanceServiceIndeterminate].)
	InstanceServiceOtherTraffic Code = "INSTANCE_SERVICE_OTHER_TRAFFIC"
	// InstanceServiceOutside: a packet for an instance service's
	// link-local address from the internet or a host outside the design:
	// only the instance itself reaches its host's services.
	InstanceServiceOutside Code = "INSTANCE_SERVICE_OUTSIDE_INSTANCE"
	// InstanceServiceDisabled: a request to IMDS from an instance whose
	// metadata options disable it ([Interface.MetadataEndpoint]), or to
	// its IPv6 endpoint fd00:ec2::254 with that endpoint disabled
	// ([Interface.MetadataIPv6]).
	InstanceServiceDisabled Code = "INSTANCE_SERVICE_DISABLED"
	// InstanceServiceIndeterminate: a request to IMDS whose enablement
	// the input does not give ([Interface.MetadataEndpoint]), or at
	// fd00:ec2::254, whose IPv6 endpoint's enablement the input does not
	// give or which answers instances built on the Nitro System only, or
	// to the Amazon Time Sync Service's IPv6
	// address, which answers instances built on the Nitro System only, or
	// to Windows activation from an instance the input does not say runs
	// Windows ([Interface.Platform]), or over IPv6, or to an agent's
	// endpoint on its port (the Amazon ECS task metadata endpoint, tcp
	// port 80; the EKS Pod Identity Agent, tcp ports 80 and 2703), which
	// software on the host answers when it runs there, or traffic other
	// than HTTP (tcp port 80) to Alibaba Cloud's metadata service at
	// 100.100.100.200, or other than DNS to its DNS servers, which Alibaba
	// Cloud documents nothing of. The hop is undecided.
	InstanceServiceIndeterminate Code = "INSTANCE_SERVICE_INDETERMINATE"
)

// instanceService is one of the services an instance's host answers.
type instanceService struct {
	name    string // "Instance Metadata Service"
	proto   flow.Protocol
	ports   []uint16 // the ports it answers on, ascending
	traffic string   // what it answers: "HTTP (tcp port 80)"
	v6      bool     // its IPv6 address, Nitro only
	// v4 is the service's IPv4 address, for a fix that offers it
	v4 netip.Addr
	// agent, when set, is the software on the host that answers, which
	// the input does not hold: "the Amazon ECS container agent (or AWS
	// Fargate)"
	agent string
	// alsoTCP: it answers tcp on its ports as well as proto (udp): DNS
	alsoTCP bool
	// alibaba: one of Alibaba Cloud's services (alibaba_services.go)
	alibaba bool
}

// answers reports whether s answers pkt's traffic: its protocol, on one
// of its ports.
func (s instanceService) answers(pkt flow.Flow) bool {
	if pkt.Protocol != s.proto && !(s.alsoTCP && pkt.Protocol == flow.TCP) {
		return false
	}
	return pkt.Protocol.HasPorts() && slices.Contains(s.ports, pkt.Dst.Port())
}

var (
	imds4      = netip.AddrFrom4([4]byte{169, 254, 169, 254})
	imds6      = netip.MustParseAddr("fd00:ec2::254")
	timeSync4  = netip.AddrFrom4([4]byte{169, 254, 169, 123})
	timeSync6  = netip.MustParseAddr("fd00:ec2::123")
	kms4a      = netip.AddrFrom4([4]byte{169, 254, 169, 250})
	kms4b      = netip.AddrFrom4([4]byte{169, 254, 169, 251})
	kms6       = netip.MustParseAddr("fd00:ec2::250")
	imdsSvc    = instanceService{name: imdsName, proto: flow.TCP, ports: []uint16{80}, traffic: "HTTP (tcp port 80)", v4: imds4}
	timeSyncSv = instanceService{name: timeSyncName, proto: flow.UDP, ports: []uint16{123}, traffic: "NTP (udp port 123)", v4: timeSync4}
	kmsSvc     = instanceService{name: kmsName, proto: flow.TCP, ports: []uint16{1688}, traffic: "KMS (tcp port 1688)", v4: kms4a}
	// the endpoints of agents on the host (hostagent)
	ecsAgent4 = netip.AddrFrom4([4]byte{169, 254, 170, 2})
	podID4    = netip.AddrFrom4([4]byte{169, 254, 170, 23})
	podID6    = netip.MustParseAddr("fd00:ec2::23")
	ecsSvc    = instanceService{name: "Amazon ECS task metadata endpoint", proto: flow.TCP, ports: []uint16{80}, traffic: "HTTP (tcp port 80)", v4: ecsAgent4,
		agent: "the Amazon ECS container agent (or AWS Fargate) of a task's host"}
	podIDSvc = instanceService{name: "Amazon EKS Pod Identity Agent", proto: flow.TCP, ports: []uint16{80, 2703}, traffic: "HTTP (tcp ports 80 and 2703)", v4: podID4,
		agent: "the EKS Pod Identity Agent of an EKS node"}
)

const (
	imdsName     = "Instance Metadata Service"
	timeSyncName = "Amazon Time Sync Service"
	kmsName      = "Windows activation (AWS KMS server)"
)

// instanceServiceAt returns the instance service at address a, if any.
func instanceServiceAt(a netip.Addr) (instanceService, bool) {
	var s instanceService
	if !inServiceBlock(a) {
		return s, false // the common case, in a few comparisons
	}
	switch a {
	case imds4, imds6:
		s = imdsSvc
	case timeSync4, timeSync6:
		s = timeSyncSv
	case kms4a, kms4b, kms6:
		s = kmsSvc
	case ecsAgent4:
		s = ecsSvc
	case podID4, podID6:
		s = podIDSvc
	default:
		return s, false
	}
	s.v6 = a.Is6()
	return s, true
}

// inServiceBlock reports whether a lies in 169.254.0.0/16 or
// fd00:ec2::/32, where every address instanceServiceAt knows lies
// (TestInstanceServiceBlocks).
func inServiceBlock(a netip.Addr) bool {
	if a.Is4() {
		b := a.As4()
		return b[0] == 169 && b[1] == 254
	}
	b := a.As16()
	return b[0] == 0xfd && b[1] == 0 && b[2] == 0x0e && b[3] == 0xc2
}

// isWindows reports whether the input says the instance of ii runs
// Windows ([Interface.Platform]).
func (ii *ifaceInfo) isWindows() bool {
	return len(ii.Platform) >= 7 && strings.EqualFold(ii.Platform[:7], "windows")
}

// instanceServiceFor returns the service a packet from src to dst goes
// to, if any: AWS's link-local services of an EC2 instance's own host,
// or for an Alibaba Cloud (ECS) interface Alibaba Cloud's own services
// (alibaba_services.go), unless an interface of the design holds the
// address. Neither cloud's instance reaches the other's.
func (m *Model) instanceServiceFor(src *ifaceInfo, dst netip.Addr) (instanceService, bool) {
	if !src.isAlibaba() {
		return instanceServiceAt(dst)
	}
	if _, held := m.ifaceByAddr(dst); held {
		return instanceService{}, false
	}
	return alibabaServiceAt(dst)
}

// toInstanceService takes pkt from the interface src straight to the
// service s it is addressed to (instanceServiceFor). A block there is
// lifted, as every block whose path beyond is known: the reply is walked
// too.
func (w *walker) toInstanceService(pkt flow.Flow, src *ifaceInfo, s instanceService) arrival {
	dst := pkt.Dst.Addr()
	if w.bounds != nil && pkt.Protocol.HasPorts() {
		for _, p := range s.ports { // the walk tells the service's ports apart
			w.bounds.Add(flow.FieldDstPort, p, p)
		}
	}
	h := Hop{Kind: KindInstanceService, ID: src.ID, Packet: pkt, Verdict: flow.Allow}
	if w.explain {
		h.Name = s.name + " " + dst.String()
		h.reason = fmt.Sprintf("delivered to the %s on the host of %s: the address is link-local to the instance; security groups, network ACLs and route tables do not apply to it", s.name, src.label())
		if s.alibaba {
			h.reason = fmt.Sprintf("delivered to the %s from %s, which every ECS instance of a VPC reaches from inside; route tables, gateways and network ACLs do not apply to it, and its outbound security groups allow it", s.name, src.label())
		}
	}
	switch {
	case !s.answers(pkt) && s.alibaba:
		w.alibabaOtherTraffic(&h, s, pkt) // alibaba_services.go
	case !s.answers(pkt):
		h.Verdict, h.Code = flow.Deny, InstanceServiceOtherTraffic
		if w.explain {
			h.reason = fmt.Sprintf("%s is the address of the %s, which answers %s only, not %s", dst, s.name, s.traffic, pkt.Traffic())
			h.Fix = fmt.Sprintf("send %s to it: nothing else listens there", s.traffic)
		}
	case s.alibaba:
		w.toAlibabaService(&h, s, src, pkt) // alibaba_services.go
	case s.agent != "":
		h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
		if w.explain {
			h.reason = fmt.Sprintf("%s is the link-local address of the %s, which %s answers on the host itself, when it runs there", dst, s.name, s.agent)
			h.Missing = fmt.Sprintf("whether %s runs on the host of %s and answers there: software the input does not hold", s.agent, src.label())
			h.Fix = "check the task's or node's agent on the host (its security groups, network ACLs and routes do not apply)"
		}
	case s.name == imdsName:
		w.toIMDS(&h, s, src)
	case s.name == kmsName:
		w.toWindowsActivation(&h, s, src)
	case s.v6 && !src.subnet.ipv6Only(): // AWS launches only Nitro instances in an IPv6-only subnet
		h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
		if w.explain {
			h.reason = fmt.Sprintf("%s is the IPv6 address of the %s, which answers instances built on the Nitro System only", dst, s.name)
			h.Missing = fmt.Sprintf("whether the instance of %s is built on the Nitro System (the input does not say its instance type)", src.label())
			h.Fix = fmt.Sprintf("check the instance type, or query the %s over IPv4 (%s)", s.name, s.v4)
		}
	}
	w.add(h)
	return arrival{ok: true, pkt: pkt, host: src}
}

// toIMDS judges, on the hop h, an HTTP request from src to the Instance
// Metadata Service by the instance's metadata options
// ([Interface.MetadataEndpoint], [Interface.MetadataIPv6]): a disabled
// endpoint blocks it, an enabled one answers over IPv4, and what the
// input does not give, or the Nitro System at fd00:ec2::254, is
// undecided.
func (w *walker) toIMDS(h *Hop, s instanceService, src *ifaceInfo) {
	what := func(opt string) string { // the option, and why it is not known
		if src.MetadataUnknown != "" {
			return "(" + src.MetadataUnknown + ")"
		}
		return "(describe-instances MetadataOptions." + opt + "), which the input does not hold"
	}
	modify := "aws ec2 modify-instance-metadata-options"
	if src.Instance != "" {
		modify += " --instance-id " + src.Instance
	}
	var missing []string
	switch src.MetadataEndpoint {
	case OptionDisabled:
		h.Verdict, h.Code = flow.Deny, InstanceServiceDisabled
		if w.explain {
			h.reason = fmt.Sprintf("the metadata options of %s disable the %s (HttpEndpoint disabled): it answers nothing", src.label(), s.name)
			h.Fix = fmt.Sprintf("enable the instance metadata service of %s (%s --http-endpoint enabled; Terraform: metadata_options { http_endpoint = \"enabled\" })", src.label(), modify)
		}
		return
	case OptionEnabled:
	default:
		missing = append(missing, fmt.Sprintf("whether the instance metadata service of %s is enabled %s", src.label(), what("HttpEndpoint, enabled by default")))
	}
	if s.v6 {
		switch src.MetadataIPv6 {
		case OptionDisabled:
			h.Verdict, h.Code = flow.Deny, InstanceServiceDisabled
			if w.explain {
				h.reason = fmt.Sprintf("the metadata options of %s disable the %s's IPv6 endpoint (HttpProtocolIpv6 disabled)", src.label(), s.name)
				h.Missing = ""
				h.Fix = fmt.Sprintf("query the %s over IPv4 (%s), or enable its IPv6 endpoint on %s, an instance built on the Nitro System (%s --http-protocol-ipv6 enabled; Terraform: metadata_options { http_protocol_ipv6 = \"enabled\" })", s.name, imds4, src.label(), modify)
			}
			return
		case OptionEnabled:
		default:
			missing = append(missing, fmt.Sprintf("whether its IPv6 endpoint is enabled %s", what("HttpProtocolIpv6, disabled by default")))
		}
		if !src.subnet.ipv6Only() { // AWS launches only Nitro instances in an IPv6-only subnet
			missing = append(missing, fmt.Sprintf("whether the instance of %s is built on the Nitro System, which the input does not say (describe-instance-types Hypervisor)", src.label()))
		}
	}
	if len(missing) == 0 {
		if w.explain {
			h.reason = fmt.Sprintf("delivered to the %s on the host of %s, whose metadata options enable it (HttpEndpoint enabled): the address is link-local to the instance; security groups, network ACLs and route tables do not apply to it", s.name, src.label())
		}
		return
	}
	h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
	if w.explain {
		h.reason = fmt.Sprintf("the %s answers on the host of %s when the instance's metadata options enable it", s.name, src.label())
		if s.v6 {
			h.reason += "; its IPv6 endpoint answers only when enabled too, on an instance built on the Nitro System"
		}
		h.Missing = strings.Join(missing, "; and ")
		h.Fix = "check the instance's metadata options (aws ec2 describe-instances --query 'Reservations[].Instances[].MetadataOptions')"
		if s.v6 {
			h.Fix += fmt.Sprintf(", or query it over IPv4 (%s)", imds4)
		}
	}
}

// toWindowsActivation judges, on the hop h, a KMS request from src to
// AWS's Windows activation servers: answered for a Windows instance
// ([Interface.Platform]), undecided for any other (the input does not say
// what AWS's servers do with it) and for one whose platform the input
// does not give; over IPv6, undecided on the Nitro System too.
func (w *walker) toWindowsActivation(h *Hop, s instanceService, src *ifaceInfo) {
	win, nitro := src.isWindows(), !s.v6 || src.subnet.ipv6Only() // AWS launches only Nitro instances in an IPv6-only subnet
	if win && nitro {
		if w.explain {
			h.reason = fmt.Sprintf("delivered to AWS's KMS servers for Windows activation from %s, a Windows instance (platform %q): the address is link-local to the instance; security groups, network ACLs and route tables do not apply to it", src.label(), src.Platform)
		}
		return
	}
	h.Verdict, h.Code = flow.Indeterminate, InstanceServiceIndeterminate
	if !w.explain {
		return
	}
	h.reason = "AWS's KMS servers answer the Windows activation of Windows instances"
	var missing []string
	switch {
	case win:
	case src.Platform == "":
		missing = append(missing, fmt.Sprintf("whether the instance of %s runs Windows (describe-instances Platform or PlatformDetails), which the input does not hold", src.label()))
	default:
		missing = append(missing, fmt.Sprintf("whether AWS's KMS servers answer the instance of %s, whose platform is %q, not Windows", src.label(), src.Platform))
	}
	h.Fix = "activate Windows from a Windows instance (aws ec2 describe-instances --query 'Reservations[].Instances[].PlatformDetails')"
	if !nitro {
		h.reason += "; their IPv6 address, as every fd00:ec2:: address, answers instances built on the Nitro System only"
		missing = append(missing, fmt.Sprintf("whether the instance of %s is built on the Nitro System (the input does not say its instance type)", src.label()))
		h.Fix += fmt.Sprintf(", or activate over IPv4 (%s or %s)", kms4a, kms4b)
	}
	h.Missing = strings.Join(missing, "; and ")
}

// fromInstanceService brings the reply pkt of a service of ii's host
// straight back to ii.
func (w *walker) fromInstanceService(pkt flow.Flow, ii *ifaceInfo) arrival {
	h := Hop{Kind: KindInstanceService, ID: ii.ID, Packet: pkt, Verdict: flow.Allow}
	if w.explain {
		s, _ := w.m.instanceServiceFor(ii, pkt.Src.Addr())
		h.Name = s.name + " " + pkt.Src.Addr().String()
		h.reason = fmt.Sprintf("the reply goes straight back to %s: it never leaves the instance's host", pkt.Dst.Addr())
		if s.alibaba {
			h.reason = fmt.Sprintf("the reply goes straight back to %s", pkt.Dst.Addr())
		}
	}
	w.add(h)
	return arrival{ok: true, pkt: pkt, iface: ii}
}

// instanceServiceFromOutside is the hop of a packet from the internet (or
// a host outside the design) for an instance service's address: only the
// instance itself reaches its host's services.
func instanceServiceFromOutside(pkt flow.Flow) Hop {
	dst := pkt.Dst.Addr()
	s, _ := instanceServiceAt(dst)
	return Hop{Kind: KindInternet, ID: "internet", Name: dst.String(), Packet: pkt, Verdict: flow.Deny, Code: InstanceServiceOutside,
		reason: fmt.Sprintf("%s is the link-local address of the %s, which every instance reaches on its own host only, not from the internet or another host", dst, s.name),
		Fix:    fmt.Sprintf("reach the %s from the instance itself", s.name)}
}
