package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// BlockMode is the mode of VPC Block Public Access (BPA) in a Region.
type BlockMode uint8

// The modes of VPC Block Public Access.
const (
	// BlockOff: traffic passes internet gateways as usual.
	BlockOff BlockMode = iota
	// BlockBidirectional: the internet gateways (and egress-only internet
	// gateways) of VPCs and subnets not excluded pass no traffic, either
	// way.
	BlockBidirectional
	// BlockIngress: nothing from the internet enters VPCs and subnets not
	// excluded, except to NAT gateways (and egress-only internet gateways),
	// which only carry connections their side opens. Traffic out passes;
	// the reply to an interface's own public address does not.
	BlockIngress
)

var blockModeNames = [...]string{"off", "block-bidirectional", "block-ingress"}

// String returns the mode as AWS spells it: "off", "block-bidirectional"
// or "block-ingress".
func (b BlockMode) String() string {
	if int(b) < len(blockModeNames) {
		return blockModeNames[b]
	}
	return fmt.Sprintf("BlockMode(%d)", b)
}

// ExclusionMode is what a Block Public Access exclusion allows.
type ExclusionMode uint8

// The modes of a Block Public Access exclusion.
const (
	// AllowBidirectional: the excluded VPC or subnet reaches and is
	// reached from the internet as if BPA were off.
	AllowBidirectional ExclusionMode = iota
	// AllowEgress: connections out from the excluded VPC or subnet, and
	// their replies, pass; connections in do not. It only matters under
	// [BlockBidirectional]: under [BlockIngress] it changes nothing.
	AllowEgress
)

// String returns the mode as AWS spells it: "allow-bidirectional" or
// "allow-egress".
func (e ExclusionMode) String() string {
	switch e {
	case AllowBidirectional:
		return "allow-bidirectional"
	case AllowEgress:
		return "allow-egress"
	}
	return fmt.Sprintf("ExclusionMode(%d)", e)
}

// BlockExclusion exempts one VPC or one subnet (exactly one of VPC and
// Subnet is set) from the Region's Block Public Access mode.
type BlockExclusion struct {
	ID     string // vpcbpa-exclude-…
	VPC    string
	Subnet string
	Mode   ExclusionMode
}

// BlockPublicAccess is the VPC Block Public Access setting of the
// design's Region: its mode and its exclusions. It applies where traffic
// crosses an internet gateway or an egress-only internet gateway (and, in
// block-bidirectional mode, a carrier gateway), whatever VPC the packet
// comes from, judged by the subnet on the gateway's VPC's side of the
// crossing: the sending or receiving interface's, or the NAT gateway's
// for traffic it translates; for a packet from another VPC (through a
// transit gateway or a peering), the subnet of the gateway's VPC it
// leaves from, or the VPC's exclusion alone when no subnet of the VPC is
// on its path. An exclusion of the subnet wins over one of its VPC.
type BlockPublicAccess struct {
	Mode       BlockMode
	Exclusions []BlockExclusion
}

// SetBlockPublicAccess sets the Region's VPC Block Public Access.
func (b *Builder) SetBlockPublicAccess(bpa BlockPublicAccess) *Builder {
	b.bpa = bpa
	return b
}

// bpaInfo is the checked BPA setting: the exclusion of each VPC and
// subnet.
type bpaInfo struct {
	mode     BlockMode
	excluded map[string]BlockExclusion // VPC or subnet ID -> exclusion
}

func (b *Builder) buildBPA(p *problems, m *Model) {
	if b.bpa.Mode > BlockIngress {
		p.add("", "blockPublicAccess.Mode", b.bpa.Mode.String(), "unknown Block Public Access mode")
	}
	m.bpa = &bpaInfo{mode: b.bpa.Mode, excluded: map[string]BlockExclusion{}}
	for i, x := range b.bpa.Exclusions {
		at := path("blockPublicAccess.Exclusions", i, "")
		target := x.VPC
		switch {
		case (x.VPC == "") == (x.Subnet == ""):
			p.add(x.ID, at, "", "an exclusion names a VPC or a subnet, not both, nor neither")
			continue
		case x.Subnet != "":
			target = x.Subnet
			if _, ok := m.subnets[x.Subnet]; !ok {
				p.add(x.ID, at+".Subnet", x.Subnet, "unknown subnet")
				continue
			}
		default:
			if _, ok := m.vpcs[x.VPC]; !ok {
				p.add(x.ID, at+".VPC", x.VPC, "unknown VPC")
				continue
			}
		}
		if x.Mode > AllowEgress {
			p.add(x.ID, at+".Mode", x.Mode.String(), "unknown exclusion mode")
		}
		if old, dup := m.bpa.excluded[target]; dup {
			p.add(x.ID, at, target, "%s already has exclusion %s", target, old.ID)
			continue
		}
		m.bpa.excluded[target] = x
	}
}

// BlockPublicAccess returns the design's VPC Block Public Access mode
// and its exclusions in a new slice, sorted by VPC then subnet (so
// subnet exclusions, which name no VPC, first).
func (m *Model) BlockPublicAccess() BlockPublicAccess {
	out := BlockPublicAccess{Mode: m.bpa.mode}
	for _, x := range m.bpa.excluded {
		out.Exclusions = append(out.Exclusions, x)
	}
	sortExclusions(out.Exclusions)
	return out
}

func sortExclusions(xs []BlockExclusion) {
	key := func(x BlockExclusion) string { return x.VPC + "/" + x.Subnet }
	slices.SortFunc(xs, func(a, b BlockExclusion) int { return strings.Compare(key(a), key(b)) })
}

// bpaBlocks returns the reason Block Public Access drops a packet
// crossing an internet gateway or an egress-only internet gateway (or a
// carrier gateway) of vpc, judged by subnet s of vpc (nil: no subnet of
// vpc is on the packet's path there, and only vpc's exclusion counts), or
// "" when it passes. out says the packet leaves for the internet; outOnly
// that it comes in through a gateway that carries only connections its
// side opens (to a NAT gateway's address, or through an egress-only
// internet gateway), which block-ingress lets through; reply that it is
// on the return leg (the reply of a connection opened from the VPC when
// out is false).
func (m *Model) bpaBlocks(vpc *vpcInfo, s *subnetInfo, out, outOnly, reply bool) (why, fix string) {
	if m.bpa == nil || m.bpa.mode == BlockOff || vpc == nil {
		return "", ""
	}
	var x BlockExclusion
	excluded := false
	if s != nil {
		x, excluded = m.bpa.excluded[s.ID]
	}
	if !excluded {
		x, excluded = m.bpa.excluded[vpc.ID]
	}
	mode := m.bpa.mode
	switch {
	case excluded && x.Mode == AllowBidirectional:
		return "", ""
	case excluded && x.Mode == AllowEgress && mode == BlockBidirectional:
		if out || reply {
			return "", ""
		}
		return fmt.Sprintf("VPC Block Public Access is %s and exclusion %s of %s allows egress only: connections from the internet are blocked", mode, x.ID, exclusionTarget(x)),
			fmt.Sprintf("change exclusion %s to allow-bidirectional", x.ID)
	case mode == BlockIngress && (out || outOnly):
		return "", ""
	}
	// what the exclusion would be for: the subnet (or the VPC), or the VPC
	// alone when no subnet of it is on the path
	target, notExcluded := vpc.ID, fmt.Sprintf("%s is not excluded (no subnet of it is on the packet's path there)", vpc.ID)
	if s != nil {
		target, notExcluded = fmt.Sprintf("%s (or %s)", s.ID, vpc.ID), fmt.Sprintf("neither %s nor %s is excluded", s.ID, vpc.ID)
	}
	why = fmt.Sprintf("VPC Block Public Access is %s, and %s", mode, notExcluded)
	if excluded {
		why = fmt.Sprintf("VPC Block Public Access is %s, and exclusion %s of %s (%s) does not apply to it", mode, x.ID, exclusionTarget(x), x.Mode)
	}
	if mode == BlockIngress {
		why += ": nothing from the internet enters, but to NAT gateways and through egress-only internet gateways"
		if reply {
			why += " (the reply to a connection from an interface's own public address is blocked too)"
		}
	}
	fix = fmt.Sprintf("create an allow-bidirectional exclusion for %s", target)
	if out || reply {
		fix = fmt.Sprintf("create an exclusion for %s, or send the traffic through a NAT gateway", target)
		if mode == BlockBidirectional {
			fix = fmt.Sprintf("create an allow-egress or allow-bidirectional exclusion for %s; under block-ingress the traffic could leave through a NAT gateway (IPv6: an egress-only internet gateway)", target)
		}
	}
	return why, fix
}

// bpaSubnet is the subnet of vpc Block Public Access judges a crossing
// of one of vpc's gateways by: the subnet of vpc whose interface holds
// addr (the packet's source going out, its destination coming in), else
// s, the subnet of vpc the packet leaves from (a source in another VPC,
// through a transit gateway or a peering: the last subnet of vpc on its
// path), else nil (no subnet of vpc on the path: vpc's exclusion alone
// decides).
func (m *Model) bpaSubnet(addr netip.Addr, vpc *vpcInfo, s *subnetInfo) *subnetInfo {
	if h := m.holderIn(addr, vpc); h != nil {
		return h
	}
	if s != nil && s.vpc == vpc {
		return s
	}
	return nil
}

func exclusionTarget(x BlockExclusion) string {
	if x.Subnet != "" {
		return x.Subnet
	}
	return x.VPC
}

// blockPublicAccess sets the internet gateway or egress-only internet
// gateway hop h to a Block Public Access block when BPA drops it,
// reporting whether it did. vpc, s, out and outOnly are as for bpaBlocks.
func (w *walker) blockPublicAccess(h *Hop, vpc *vpcInfo, s *subnetInfo, out, outOnly bool) bool {
	why, fix := w.m.bpaBlocks(vpc, s, out, outOnly, w.leg == Return)
	if why == "" {
		return false
	}
	h.Verdict, h.Code, h.reason, h.Fix = flow.Deny, VPCBlockPublicAccess, why, fix
	return true
}
