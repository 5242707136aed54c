package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
)

// ACL_CUTS_REPLIES: a network ACL that allows TCP requests and cuts
// their replies. The requests an allow entry decides span the address
// blocks of its TCP cells (lintChain); the replies' fate depends only on
// the peer's address (and the client port), by the entries of the other
// direction. So each block is split again at the edges of those entries
// (partition over protocol and address): within a piece, every reply
// entry holds every address or none, and one round trip from its lowest
// address decides the piece. No address is tried one by one.

// replyCutKey is one finding of ACL_CUTS_REPLIES: the leg the replies are cut
// on and the entry that cuts them.
type replyCutKey struct {
	leg nacl.Leg
	cut string
}

// cutGroup gathers what one finding says: the first request entry that
// meets the cut, the addresses of its block whose replies are cut, and
// the client port ranges cut (each once, with its first port cut).
type cutGroup struct {
	idx     int
	entry   nacl.Entry
	cut     nacl.Entry
	part    []addrset.Range
	names   []string
	named   map[string]bool
	wanted  flow.PortSet
	related []string
}

// cutReplies checks, for each allow entry of one direction and family
// that decides TCP cells, the requests it allows from (for an inbound
// entry) or to (outbound) every address of its block it decides: with the
// ACL on the server's side for an inbound entry, on the client's for an
// outbound one, whether the replies to each client port range get
// through the ACL; replies are the chain of the other direction,
// replyEntries. Entries whose ports look like a range of client ports
// (from 1024 up, 1024 ports or more) are taken for reply entries and not
// checked as requests. One finding per leg and entry that cuts, naming
// every range it cuts and the part of the request entry's block whose
// replies it cuts.
func cutReplies(ai *aclInfo, c *chainLint, replyEntries []nacl.Entry, dir flow.Direction, v6 bool, ranges []nacl.NamedRange) []LintFinding {
	by := map[replyCutKey]*cutGroup{}
	var order []replyCutKey
	other := netip.MustParseAddr("192.0.2.1") // the other end: no entry of this direction matches on it
	if v6 {
		other = netip.MustParseAddr("2001:db8::1")
	}
	replyBoxes := make([]box, len(replyEntries))
	replyIdx := make([]int32, len(replyEntries))
	for i, e := range replyEntries {
		replyBoxes[i], replyIdx[i] = aclBox(e), int32(i)
	}
	tcp := span{uint64(flow.TCP), uint64(flow.TCP)}
	for i, e := range c.entries {
		if e.Action != flow.Pass || len(c.tcp[i]) == 0 || (e.UsesPorts() && e.Ports.Lo >= 1024 && e.Ports.Hi-e.Ports.Lo >= 1023) {
			continue
		}
		// one round trip per set of reply entries that hold a piece
		trips := map[string][]nacl.RangeCheck{}
		for _, blk := range c.tcp[i] {
			dom := box{tcp, blk.hi, blk.lo}
			partition(replyBoxes, replyIdx, dom, 0, nil, func(cell box, cands []int32) bool {
				key := fmt.Sprint(cands)
				cuts, ok := trips[key]
				if !ok {
					peer := spanAddr(cell[boxAddrHi].lo, cell[boxAddrLo].lo, v6)
					req := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(other, DefaultSourcePort), Dst: netip.AddrPortFrom(peer, blk.port)}
					client, server := ai.ev, (*nacl.Evaluator)(nil)
					if dir == flow.Inbound {
						req.Src, req.Dst = netip.AddrPortFrom(peer, DefaultSourcePort), netip.AddrPortFrom(other, blk.port)
						client, server = nil, ai.ev
					}
					for _, rc := range nacl.CheckRoundTrip(req, client, server, ranges...).Ranges {
						if !rc.OK() && rc.Leg.IsReply() {
							cuts = append(cuts, rc)
						}
					}
					trips[key] = cuts
				}
				piece := addrset.Range{From: spanAddr(cell[boxAddrHi].lo, cell[boxAddrLo].lo, v6), To: spanAddr(cell[boxAddrHi].hi, cell[boxAddrLo].hi, v6)}
				for _, rc := range cuts {
					k := replyCutKey{rc.Leg, entryRef(rc.Decision.Entry)}
					g := by[k]
					if g == nil {
						g = &cutGroup{idx: i, entry: e, cut: rc.Decision.Entry, named: map[string]bool{}}
						by[k] = g
						order = append(order, k)
					}
					if g.idx != i {
						if !slices.Contains(g.related, entryRef(e)) {
							g.related = append(g.related, entryRef(e))
						}
						continue
					}
					if len(g.part) == 0 || g.part[len(g.part)-1] != piece {
						g.part = append(g.part, piece)
					}
					if !g.named[rc.Range.String()] {
						g.named[rc.Range.String()] = true
						g.names = append(g.names, fmt.Sprintf("%s (first port cut %d)", rc.Range, rc.FirstBlocked))
					}
					g.wanted = g.wanted.Union(rc.Blocked)
				}
				return true
			})
		}
	}
	out := make([]LintFinding, len(order))
	for i, k := range order {
		out[i] = by[k].finding(ai.acl.ID, k.leg)
	}
	return out
}

// finding words an ACL_CUTS_REPLIES finding: the replies of the requests
// g.entry allows, cut on leg by g.cut for the addresses g.part.
func (g *cutGroup) finding(acl string, leg nacl.Leg) LintFinding {
	e := g.entry
	part := addrset.OfRanges(g.part...)
	replyDir := leg.Direction()
	all := part.Equal(addrset.Of(e.CIDR))
	where := "before any deny entry that matches them"
	if !g.cut.IsDefaultRule() {
		where = "numbered below " + g.cut.Label()
	}
	req := "tcp requests to any port"
	switch {
	case e.UsesPorts() && e.Ports.Lo == e.Ports.Hi:
		req = "tcp/" + strconv.Itoa(int(e.Ports.Lo)) + " requests"
	case e.UsesPorts() && (e.Ports.Lo > 0 || e.Ports.Hi < 65535):
		req = "tcp " + e.Ports.String() + " requests"
	}
	var msg, to string
	if e.Direction == flow.Inbound { // the ACL is the server's: its peers are the clients
		msg = fmt.Sprintf("entry %s allows %s from %s, but %s entry %s drops their replies to ", e, req, e.CIDR, replyDir, g.cut)
		if all {
			msg += "every client in it using "
		} else {
			msg += "the clients in " + addrSetText(part) + " (part of it) using "
		}
		to = "to"
	} else { // the client's: its peers are the servers
		msg = fmt.Sprintf("entry %s allows %s to %s, but %s entry %s drops their replies from ", e, req, e.CIDR, replyDir, g.cut)
		if all {
			msg += "every server in it to clients using "
		} else {
			msg += "the servers in " + addrSetText(part) + " (part of it) to clients using "
		}
		to = "from"
	}
	block := e.CIDR.String() // or the one block cut, when it is one
	if ps := part.Prefixes(); !all && len(ps) == 1 {
		block = ps[0].String()
	}
	related := append([]string{entryRef(e)}, g.related...)
	return LintFinding{ID: LintACLCutsReplies, Severity: Medium, Kind: ResourceNetworkACL, Resource: acl, Rule: entryRef(g.cut),
		Related: related,
		Message: msg + strings.Join(g.names, ", "),
		Fix:     fmt.Sprintf("add %s %s allow entry for tcp %s %s %s, %s", article(replyDir.String()), replyDir, g.wanted, to, block, where)}
}

// addrSetText writes a set of addresses as its CIDR blocks (up to three),
// else as its ranges ("10.0.2.0-10.0.255.255").
func addrSetText(s addrset.Set) string {
	if ps := s.Prefixes(); len(ps) <= 3 {
		parts := make([]string, len(ps))
		for i, p := range ps {
			parts[i] = p.String()
		}
		return strings.Join(parts, ", ")
	}
	var parts []string
	for _, r := range s.Ranges() {
		parts = append(parts, r.From.String()+"-"+r.To.String())
	}
	return strings.Join(parts, ", ")
}
