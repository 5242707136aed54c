package reach

// Alibaba Cloud's platform rules: what the cloud itself does to an ECS
// instance's traffic, beyond anything its security groups say. An
// interface is an Alibaba Cloud (ECS) interface when its security groups
// are of an Alibaba flavour (sg.AlibabaBasic, sg.AlibabaEnterprise).
//
//   - Outbound TCP to port 25 toward the internet is blocked by default,
//     to keep instances from sending spam; Alibaba Cloud lifts the block
//     on application ([Interface.Port25Unblocked]). The walk reports it as
//     a hop of kind [KindPlatform] with code [AlibabaPort25Blocked], on
//     the request, where the packet leaves for the internet (through a NAT
//     gateway or an appliance too: the instance is still the sender).
//     Private traffic inside the VPC is not affected.
//   - Some carriers treat ports 25, 135, 139, 444, 445, 5800 and 5900 as
//     high-risk and block them, even where a security group opens them.
//     That happens outside the cloud and not everywhere, so it is not a
//     block but a warning on the [Result] of any tcp or udp query to one
//     of those ports whose request crosses the internet with an Alibaba
//     interface at either end.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// KindPlatform is a hop that stands for a rule of the cloud platform
// itself, not of a component of the design (Alibaba Cloud's block on
// outbound port 25, say). Its ID names the platform ("alibaba-cloud").
const KindPlatform Kind = "platform"

// AlibabaPort25Blocked: Alibaba Cloud blocks outbound TCP to port 25
// from an ECS instance toward the internet by default, whatever the
// security groups allow. Fix: have Alibaba Cloud unblock port 25 for the
// account (then set [Interface.Port25Unblocked]), or send mail over port
// 465 (SMTP over TLS) or 80 instead.
const AlibabaPort25Blocked Code = "ALIBABA_PORT_25_BLOCKED"

// alibabaPlatform is the ID of Alibaba Cloud's platform hops.
const alibabaPlatform = "alibaba-cloud"

// smtpPort is the destination port Alibaba Cloud blocks outbound by
// default.
const smtpPort = 25

// carrierHighRiskPorts are the destination ports some carriers block as
// high-risk, whatever a security group says, per Alibaba Cloud's ECS
// documentation on common ports.
var carrierHighRiskPorts = []uint16{25, 135, 139, 444, 445, 5800, 5900}

// isAlibaba reports whether ii is an Alibaba Cloud ECS interface: its
// security groups are of an Alibaba flavour. A nil ii is not.
func (ii *ifaceInfo) isAlibaba() bool {
	return ii != nil && ii.sg != nil && ii.sg.normal.Flavour().IsAlibaba()
}

// alibabaEgress adds Alibaba Cloud's port 25 block to the request as it
// leaves for the internet, when it comes from an ECS interface that has
// not had port 25 unblocked. The block is lifted for the rest of the
// walk, like every other. The sender is the source of the leg's first
// hop, before any translation.
func (w *walker) alibabaEgress(pkt flow.Flow) {
	if w.leg != Forward || pkt.Protocol != flow.TCP || pkt.Dst.Port() != smtpPort || len(*w.hops) == 0 {
		return
	}
	if slices.ContainsFunc(*w.hops, func(h Hop) bool { return h.Code == AlibabaPort25Blocked }) {
		return // reported once, where the request first leaves for the internet
	}
	sender, _ := w.m.ifaceByAddr((*w.hops)[0].Packet.Src.Addr())
	if !sender.isAlibaba() || sender.Port25Unblocked {
		return
	}
	w.add(Hop{Kind: KindPlatform, ID: alibabaPlatform, Name: sender.label(), Packet: pkt, Verdict: flow.Deny,
		Code: AlibabaPort25Blocked,
		reason: fmt.Sprintf("Alibaba Cloud blocks outbound tcp/25 from ECS instances to the internet by default, whatever the security groups allow, and %s has not had it unblocked",
			sender.label()),
		Fix: "apply to Alibaba Cloud to have TCP port 25 unblocked (then set Port25Unblocked on the interface), or send mail over port 465 (SMTP over TLS) or 80 instead"})
}

// carrierWarnings returns the warning for a query to a port some carriers
// block as high-risk, when its request crosses the internet with an
// Alibaba interface at either end (src, or the interface the destination
// address names); none otherwise.
func (m *Model) carrierWarnings(r *Result, src *ifaceInfo) []string {
	f := r.Flow
	if !f.Protocol.HasPorts() || !slices.Contains(carrierHighRiskPorts, f.Dst.Port()) {
		return nil
	}
	if !slices.ContainsFunc(r.Forward, func(h Hop) bool { return h.Kind == KindInternetGateway || h.Kind == KindInternet }) {
		return nil
	}
	end := src
	if !end.isAlibaba() {
		end = m.byPublic[f.Dst.Addr()]
		if end == nil {
			end, _ = m.ifaceByAddr(f.Dst.Addr())
		}
	}
	if !end.isAlibaba() {
		return nil
	}
	ports := make([]string, len(carrierHighRiskPorts))
	for i, p := range carrierHighRiskPorts {
		ports[i] = fmt.Sprint(p)
	}
	return []string{fmt.Sprintf("%s between the Alibaba Cloud instance %s and the internet may be blocked by a carrier, whatever the security groups allow: "+
		"some carriers block ports %s as high-risk; a different port avoids it",
		f.Traffic(), end.label(), strings.Join(ports, ", "))}
}

// checkGroupRefs refuses a rule that references a group of the design it
// cannot reference. An Alibaba Cloud basic group's rules may authorize
// other basic groups only: "An advanced security group also cannot serve
// as an authorization object in other groups' rules" (ECS, "Basic and
// advanced security groups", group-based authorization;
// https://www.alibabacloud.com/help/en/ecs/user-guide/basic-security-groups-and-advanced-security-groups).
// (An enterprise group's own rules reference no group at all: sg.Compile
// refuses those.) And between VPC security groups a rule authorizes
// groups of the same VPC only (AuthorizeSecurityGroup, group-to-group
// authorization: VPC-type groups grant access to other groups of the
// same VPC; https://help.aliyun.com/en/ecs/api-authorizesecuritygroup),
// so an Alibaba Cloud rule that references a group of another VPC is
// refused too, a group's VPC being its VPCID, else its members'
// (aliGroupVPC); a group whose VPC the input does not tell is left
// alone. Nor does a rule of one cloud reference a group of the other: an
// AWS group and an Alibaba Cloud group have no member in common, and
// neither cloud can name the other's groups.
func (b *Builder) checkGroupRefs(p *problems, m *Model) {
	var vpcOf map[string]string // aliGroupVPC's members' VPCs, made at the first need
	for i, g := range b.groups {
		if b.skip("groups", i, g.ID) {
			continue
		}
		for j, r := range g.Rules {
			if r.Peer.Kind != sg.PeerGroup {
				continue
			}
			ref := m.groups[r.Peer.Group]
			if ref == nil {
				continue // unresolved, or unknown: reported elsewhere
			}
			var why string
			switch {
			case g.Flavour.IsAlibaba() != ref.Flavour.IsAlibaba():
				why = fmt.Sprintf("%s group %s references %s group %s: a rule references groups of its own cloud only", g.Flavour, g.ID, ref.Flavour, ref.ID)
			case g.Flavour == sg.AlibabaBasic && ref.Flavour == sg.AlibabaEnterprise:
				why = fmt.Sprintf("%s is an enterprise (advanced) security group, which Alibaba Cloud does not accept as the authorization object of a rule: a basic group's rules reference basic groups only", ref.ID)
			case g.Flavour.IsAlibaba():
				here, there := aliGroupVPC(m, g.ID, &vpcOf), aliGroupVPC(m, ref.ID, &vpcOf)
				if here == "" || there == "" || here == there {
					continue
				}
				why = fmt.Sprintf("%s is a group of VPC %s and %s of VPC %s: Alibaba Cloud lets a VPC security group's rule reference groups of the same VPC only (AuthorizeSecurityGroup), so no such rule exists; reference the members by their addresses (a CIDR block or a prefix list)",
					g.ID, here, ref.ID, there)
			default:
				continue
			}
			name := r.ID
			if name == "" {
				name = "#" + strconv.Itoa(j)
			}
			p.errs = append(p.errs, &flow.InputError{Path: path("groups", i, fmt.Sprintf("Rules[%d].Peer", j)), Resource: g.ID, Rule: name, Text: r.Peer.Group,
				Err: fmt.Errorf("%w: %s", ErrTopology, why)})
		}
	}
}

// aliGroupVPC is the VPC of group id: its VPCID, else the VPC of the
// first interface that wears it (all of its members are of one VPC, or
// Build refuses them: checkAlibabaGroupVPC); "" when the input tells
// neither.
// *vpcOf keeps the interfaces' answers, made at the first call that needs
// them.
func aliGroupVPC(m *Model, id string, vpcOf *map[string]string) string {
	if g := m.groups[id]; g != nil && g.VPCID != "" {
		return g.VPCID
	}
	if *vpcOf == nil {
		*vpcOf = map[string]string{}
		for _, ii := range m.ifaceOrder {
			if ii.subnet == nil || ii.subnet.vpc == nil {
				continue
			}
			for _, gid := range ii.Groups {
				if _, ok := (*vpcOf)[gid]; !ok {
					(*vpcOf)[gid] = ii.subnet.vpc.ID
				}
			}
		}
	}
	return (*vpcOf)[id]
}

// checkAlibabaGroupVPC refuses ii, the interface b.ifaces[ii.index], wearing
// gr (its Groups[j]), an Alibaba Cloud group of another VPC: Alibaba
// Cloud adds an instance or an elastic network interface to a security
// group of its own VPC only (JoinSecurityGroup, error
// InvalidInstanceId.Mismatch;
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-joinsecuritygroup).
// The group's VPC is its VPCID; without one, the VPC of its first member,
// which *first keeps (made at the first need), so that members of one
// group in two VPCs are refused too. A VPCID that names no VPC of the
// design is refused by buildPlain, and not again here. Where the loader
// recorded the group's origin ([Builder.SetOrigin]), the error names the
// file and JSON path its VPC came from (VpcId).
func (b *Builder) checkAlibabaGroupVPC(p *problems, m *Model, gr *sg.Group, ii *ifaceInfo, j int, first *map[string]*ifaceInfo) {
	here := ii.subnet.vpc.ID
	var why string
	switch {
	case gr.VPCID == here:
		return
	case gr.VPCID != "":
		if _, ok := m.vpcs[gr.VPCID]; !ok {
			return // unknown VPC: buildPlain
		}
		from := ""
		if o, ok := b.origins[originKey{ResourceSecurityGroup, gr.ID}]; ok {
			o.Path = strings.TrimPrefix(o.Path+".VpcId", ".")
			from = " (read from " + o.String() + ")"
		}
		why = fmt.Sprintf("%s is in VPC %s and %s is a security group of VPC %s%s: Alibaba Cloud adds an instance or an elastic network interface to a security group of its own VPC only (JoinSecurityGroup, InvalidInstanceId.Mismatch); give the interface a group of VPC %s",
			ii.label(), here, gr.ID, gr.VPCID, from, here)
	default:
		if *first == nil {
			*first = map[string]*ifaceInfo{}
		}
		other, ok := (*first)[gr.ID]
		if !ok {
			(*first)[gr.ID] = ii
			return
		}
		there := other.subnet.vpc.ID
		if there == here {
			return
		}
		why = fmt.Sprintf("%s is in VPC %s and %s's member %s is in VPC %s: an Alibaba Cloud security group belongs to one VPC, and Alibaba Cloud adds an instance or an elastic network interface to a security group of its own VPC only (JoinSecurityGroup, InvalidInstanceId.Mismatch); set the group's VPCID, and give each VPC's interfaces groups of their own VPC",
			ii.label(), here, gr.ID, other.label(), there)
	}
	p.add(ii.ID, path("interfaces", ii.index, fmt.Sprintf("Groups[%d]", j)), gr.ID, "%s", why)
}
