package reach

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
)

// UnmodelledBlock is a block of addresses that something the design
// does not model holds, though the input held it: a VPC a loader leaves
// out (aws.Options.VPCs), its IPv4 blocks (private or not) and its IPv6
// ones (the Amazon-provided block its instances' addresses come from,
// or a private one). No address of it is an internet host. A packet the
// internet carries to a public address of it is undecided
// ([UnmodelledDestination], naming Owner and What), never a certain
// delivery to an internet host; a packet for a private address of it
// goes where the routes send it (through a peering connection to that
// VPC, undecided: [UnmodelledTarget]; to an internet gateway, which drops
// it: [PrivateAddressOnInternet]). A query cannot start from an address
// of it: what the holder sends, and by which way, is not modelled (a
// private address of a VPC left out is not taken for a host on the
// internet). Set questions about the internet (Sources, Audit, Matrix's
// internet node) leave it out of the internet, as they leave out an
// [UnmodelledAddress]; [Diff] compares an address a block holds in one
// model only as undecided in that model, and lists a block declared,
// dropped or changed as a [ResourceChange] of kind
// [ResourceUnmodelledBlock]. Blocks may overlap: an address several
// blocks of different owners hold (two VPCs left out that share a CIDR
// block) is named by all of them, sorted ("vpc-d or vpc-e"), with their
// descriptions (each once), and so is a prefix several declare, as a
// [ResourceChange] of a diff. A single address is declared with
// [Builder.AddUnmodelledAddress].
type UnmodelledBlock struct {
	Prefix netip.Prefix
	// Owner is the ID of what holds it ("vpc-0d"); What says in words
	// what it is, for the trace.
	Owner string
	What  string
}

// AddUnmodelledBlock declares blocks of addresses held by something the
// design does not model ([UnmodelledBlock]). Build refuses a block that
// is not masked, not of unicast addresses (loopback, link-local,
// multicast, the unspecified address), or overlaps a VPC block of the
// design.
func (b *Builder) AddUnmodelledBlock(u ...UnmodelledBlock) *Builder {
	b.unmodelledBlocks = append(b.unmodelledBlocks, u...)
	return b
}

// UnmodelledBlocks returns the blocks declared with
// [Builder.AddUnmodelledBlock], in the order given (copies).
func (m *Model) UnmodelledBlocks() []UnmodelledBlock {
	return slices.Clone(m.unmodelledBlocks)
}

// buildUnmodelledBlocks checks the unmodelled blocks.
func (b *Builder) buildUnmodelledBlocks(p *problems, m *Model) {
	for i, u := range b.unmodelledBlocks {
		pp := path("unmodelledBlocks", i, "Prefix")
		switch {
		case u.Owner == "" || strings.ContainsAny(u.Owner, " \t\n"):
			p.add(u.Owner, path("unmodelledBlocks", i, "Owner"), u.Owner, "an unmodelled block needs the ID of what holds it, without spaces")
			continue
		case !u.Prefix.IsValid() || u.Prefix.Addr().Is4In6() || u.Prefix.Addr().Zone() != "" || u.Prefix != u.Prefix.Masked():
			p.add(u.Owner, pp, u.Prefix.String(), "not a masked IPv4 or IPv6 block")
			continue
		case !u.Prefix.Addr().IsGlobalUnicast() || u.Prefix.Addr().IsLinkLocalUnicast() || u.Prefix.Addr().IsLoopback():
			p.add(u.Owner, pp, u.Prefix.String(), "not a block of unicast addresses: an unmodelled block is one a network holds")
			continue
		}
		if v := m.vpcOverlapping(u.Prefix); v != "" {
			p.add(u.Owner, pp, u.Prefix.String(), "overlaps a block of %s, a VPC of the design", v)
			continue
		}
		for _, o := range m.unmodelledBlocks {
			m.blocksShared = m.blocksShared || (o.Owner != u.Owner && o.Prefix.Overlaps(u.Prefix))
		}
		m.unmodelledBlocks = append(m.unmodelledBlocks, u)
	}
}

// vpcOverlapping returns the ID of a VPC of the design with a block that
// overlaps p, "" when none does.
func (m *Model) vpcOverlapping(p netip.Prefix) string {
	for _, v := range m.vpcOrder {
		for _, c := range slices.Concat(v.CIDRs, v.PrivateIPv6) {
			if c.Overlaps(p) {
				return v.ID
			}
		}
	}
	return ""
}

// unmodelledBlockAt returns the unmodelled address a is, in a declared
// block, and whether it is in one: held by every owner of a block holding
// it (mergeBlocks), when blocks of different owners overlap.
func (m *Model) unmodelledBlockAt(a netip.Addr) (*unmodelledInfo, bool) {
	var held []UnmodelledBlock
	for _, u := range m.unmodelledBlocks {
		if !u.Prefix.Contains(a) {
			continue
		}
		if !m.blocksShared { // the first is the only one
			return &unmodelledInfo{UnmodelledAddress: UnmodelledAddress{Address: a, Owner: u.Owner, What: u.What}}, true
		}
		held = append(held, u)
	}
	if len(held) == 0 {
		return nil, false
	}
	u := mergeBlocks(held)
	return &unmodelledInfo{UnmodelledAddress: UnmodelledAddress{Address: a, Owner: u.Owner, What: u.What}}, true
}

// mergeBlocks is the one block that stands for blocks holding the same
// addresses (us, not empty): the first's prefix; the owners sorted, each
// once, joined by " or " ("vpc-d or vpc-e"); the descriptions in the
// owners' order, each once, joined by " or ".
func mergeBlocks(us []UnmodelledBlock) UnmodelledBlock {
	if len(us) == 1 {
		return us[0]
	}
	sorted := slices.Clone(us)
	slices.SortFunc(sorted, func(x, y UnmodelledBlock) int {
		return cmp.Or(strings.Compare(x.Owner, y.Owner), strings.Compare(x.What, y.What))
	})
	var owners, whats []string
	for _, u := range sorted {
		if !slices.Contains(owners, u.Owner) {
			owners = append(owners, u.Owner)
		}
		if u.What != "" && !slices.Contains(whats, u.What) {
			whats = append(whats, u.What)
		}
	}
	return UnmodelledBlock{Prefix: us[0].Prefix, Owner: strings.Join(owners, " or "), What: strings.Join(whats, " or ")}
}
