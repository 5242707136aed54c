package reach

import (
	"fmt"
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
// crosses an internet gateway or an egress-only internet gateway, judged
// by the subnet on the VPC's side of the crossing: the sending or
// receiving interface's, or the NAT gateway's for traffic it translates.
// An exclusion of the subnet wins over one of its VPC.
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
// crossing an internet gateway or an egress-only internet gateway of
// subnet s's VPC, or "" when it passes. out says the packet leaves for
// the internet; outOnly that it comes in through a gateway that carries
// only connections its side opens (to a NAT gateway's address, or
// through an egress-only internet gateway), which block-ingress lets
// through; reply that it is on the return leg (the reply of a connection
// opened from the VPC when out is false).
func (m *Model) bpaBlocks(s *subnetInfo, out, outOnly, reply bool) (why, fix string) {
	if m.bpa == nil || m.bpa.mode == BlockOff || s == nil {
		return "", ""
	}
	x, excluded := m.bpa.excluded[s.ID]
	if !excluded {
		x, excluded = m.bpa.excluded[s.vpc.ID]
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
	why = fmt.Sprintf("VPC Block Public Access is %s, and neither %s nor %s is excluded", mode, s.ID, s.vpc.ID)
	if excluded {
		why = fmt.Sprintf("VPC Block Public Access is %s, and exclusion %s of %s (%s) does not apply to it", mode, x.ID, exclusionTarget(x), x.Mode)
	}
	if mode == BlockIngress {
		why += ": nothing from the internet enters, but to NAT gateways and through egress-only internet gateways"
		if reply {
			why += " (the reply to a connection from an interface's own public address is blocked too)"
		}
	}
	fix = fmt.Sprintf("create an allow-bidirectional exclusion for %s (or %s)", s.ID, s.vpc.ID)
	if out || reply {
		fix = fmt.Sprintf("create an exclusion for %s (or %s), or send the traffic through a NAT gateway", s.ID, s.vpc.ID)
		if mode == BlockBidirectional {
			fix = fmt.Sprintf("create an allow-egress or allow-bidirectional exclusion for %s (or %s); under block-ingress the traffic could leave through a NAT gateway (IPv6: an egress-only internet gateway)", s.ID, s.vpc.ID)
		}
	}
	return why, fix
}

func exclusionTarget(x BlockExclusion) string {
	if x.Subnet != "" {
		return x.Subnet
	}
	return x.VPC
}

// blockPublicAccess sets the internet gateway or egress-only internet
// gateway hop h to a Block Public Access block when BPA drops it,
// reporting whether it did. s, out and outOnly are as for bpaBlocks.
func (w *walker) blockPublicAccess(h *Hop, s *subnetInfo, out, outOnly bool) bool {
	why, fix := w.m.bpaBlocks(s, out, outOnly, w.leg == Return)
	if why == "" {
		return false
	}
	h.Verdict, h.Code, h.reason, h.Fix = flow.Deny, VPCBlockPublicAccess, why, fix
	return true
}
