package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// VPC peering connections: describe-vpc-peering-connections, and the
// routes to them (pcx-…).

type peeringRec struct {
	p     reach.Peering
	at    jsonloc.Loc
	sides [2]peerSide // requester, accepter
	// modelled says whether both VPCs are in the input: only then is the
	// connection given to the builder and routes to it followed.
	modelled bool
}

type peerSide struct {
	field string // "RequesterVpcInfo" or "AccepterVpcInfo"
	vpc   string
	owner string
	cidrs []netip.Prefix
	at    []jsonloc.Loc // of each of cidrs
}

type peeringJSON struct {
	peeringUnread
	VpcPeeringConnectionId string
	RequesterVpcInfo       *peerVPCJSON
	AccepterVpcInfo        *peerVPCJSON
	Status                 *struct{ Code, Message string }
	Tags                   []tagJSON
}

type peerVPCJSON struct {
	peerVPCUnread
	VpcId, OwnerId, Region, CidrBlock string
	CidrBlockSet                      []struct{ CidrBlock string }
	Ipv6CidrBlockSet                  []struct{ Ipv6CidrBlock string }
}

// readPeerings reads the VpcPeeringConnections of
// describe-vpc-peering-connections at o.
func (l *loader) readPeerings(o jsonloc.Loc, raw json.RawMessage) {
	pcs, _ := decodeCheckedList[peeringJSON](l, o, raw)
	for i, pj := range pcs {
		at := o.Index(i)
		id := pj.VpcPeeringConnectionId
		if !l.require(at, "", "VpcPeeringConnectionId", id) || !l.claim("peering connection", id, at.Field("VpcPeeringConnectionId")) {
			continue
		}
		rec := &peeringRec{p: reach.Peering{ID: id, Name: nameTag(pj.Tags)}, at: at}
		ok := true
		for k, side := range []struct {
			field string
			info  *peerVPCJSON
		}{{"RequesterVpcInfo", pj.RequesterVpcInfo}, {"AccepterVpcInfo", pj.AccepterVpcInfo}} {
			s, good := l.peerSide(at.Field(side.field), id, side.field, side.info)
			rec.sides[k], ok = s, ok && good
		}
		if pj.Status == nil || pj.Status.Code == "" {
			l.fail(at.Field("Status").Field("Code"), id, "", ErrInvalidDump, "Status.Code is missing: want the connection's status (active, pending-acceptance, ...)")
			ok = false
		} else {
			rec.p.Status = pj.Status.Code
		}
		if ok {
			rec.p.RequesterVPC, rec.p.AccepterVPC = rec.sides[0].vpc, rec.sides[1].vpc
			l.peerings = append(l.peerings, rec)
		}
	}
}

// peerSide reads one side of a peering connection at o.
func (l *loader) peerSide(o jsonloc.Loc, id, field string, info *peerVPCJSON) (peerSide, bool) {
	s := peerSide{field: field}
	if info == nil {
		l.fail(o, id, "", ErrInvalidDump, "%s is missing", field)
		return s, false
	}
	if !l.require(o, id, "VpcId", info.VpcId) {
		return s, false
	}
	s.vpc, s.owner = info.VpcId, info.OwnerId
	ok := true
	add := func(at jsonloc.Loc, text string, v6 bool) {
		p, good := l.prefix(at, id, text, famAny) // the family is checked below
		switch {
		case !good:
			ok = false
		case p.Addr().Is6() != v6:
			fam := "IPv4"
			if v6 {
				fam = "IPv6"
			}
			l.fail(at, id, text, ErrInvalidDump, "not an %s CIDR block", fam)
			ok = false
		case !slices.Contains(s.cidrs, p):
			s.cidrs, s.at = append(s.cidrs, p), append(s.at, at)
		}
	}
	if info.CidrBlock != "" {
		add(o.Field("CidrBlock"), info.CidrBlock, false)
	}
	for j, c := range info.CidrBlockSet {
		add(o.Field("CidrBlockSet").Index(j).Field("CidrBlock"), c.CidrBlock, false)
	}
	for j, c := range info.Ipv6CidrBlockSet {
		add(o.Field("Ipv6CidrBlockSet").Index(j).Field("Ipv6CidrBlock"), c.Ipv6CidrBlock, true)
	}
	return s, ok
}

// assemblePeerings models the peering connections whose two VPCs are in
// the input, and warns of the others: routes to them stay unmodelled. It
// warns too where a connection lists a CIDR block its VPC does not have
// (the VPC's own blocks are used).
func (l *loader) assemblePeerings() {
	l.out.peeringByID = map[string]*peeringRec{}
	for _, r := range l.peerings {
		l.out.peeringByID[r.p.ID] = r
		var missing []string
		chosenOut := 0 // sides left out by Options.VPCs (select.go)
		for _, s := range r.sides {
			v := l.out.vpcByID[s.vpc]
			if v == nil {
				if l.vpcsOut[s.vpc] {
					chosenOut++
				}
				what := s.vpc
				if s.owner != "" {
					what += " (account " + s.owner + ")"
				}
				if len(s.cidrs) > 0 {
					what += " " + prefixText(s.cidrs)
				}
				missing = append(missing, what)
				continue
			}
			for j, c := range s.cidrs {
				if !slices.Contains(v.vpc.CIDRs, c) {
					l.warn(s.at[j], "peering connection %s lists %s for %s, which describe-vpcs does not give it: the VPC's own blocks (%s) are used",
						r.p.ID, c, s.vpc, prefixText(v.vpc.CIDRs))
				}
			}
		}
		if len(missing) > 0 {
			verb := "is"
			if len(missing) > 1 {
				verb = "are"
			}
			why, add := "not in the input (a VPC of another account or Region?)", "add the VPC's describe-vpcs, describe-subnets, ... output to follow them"
			switch {
			case len(missing) == 2 && chosenOut > 0:
				continue // joins no VPC of the design: nothing routes to it
			case chosenOut == len(missing):
				why, add = "left out (not among the VPCs chosen)", "choose it too to follow them"
			}
			l.warn(r.at, "peering connection %s joins %s and %s, but %s %s %s: routes to %s are kept as unmodelled and queries they route are indeterminate (check, ports and sources exit 3); %s",
				r.p.ID, r.p.RequesterVPC, r.p.AccepterVPC, strings.Join(missing, " and "), verb, why, r.p.ID, add)
			continue
		}
		r.modelled = true
		l.out.peerings = append(l.out.peerings, r)
	}
	slices.SortFunc(l.out.peerings, func(a, b *peeringRec) int { return strings.Compare(a.p.ID, b.p.ID) })
	l.report.Counts["vpc-peering-connections"] = len(l.out.peerings)
}

func prefixText(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// peeringRoute reads a route to the peering connection id: modelled when
// the connection is ([reach.TargetPeering]), else why it stays
// unmodelled.
func (l *loader) peeringRoute(id string) (modelled bool, why string) {
	r := l.out.peeringByID[id]
	switch {
	case r == nil:
		return false, "the peering connection is not in the input (add the output of aws ec2 describe-vpc-peering-connections)"
	case !r.modelled:
		if l.vpcsOut[r.p.RequesterVPC] || l.vpcsOut[r.p.AccepterVPC] {
			return false, fmt.Sprintf("the peering connection (%s and %s) joins a VPC left out (not among the VPCs chosen)", r.p.RequesterVPC, r.p.AccepterVPC)
		}
		return false, fmt.Sprintf("the peering connection joins a VPC that is not in the input (%s and %s)", r.p.RequesterVPC, r.p.AccepterVPC)
	}
	return true, ""
}

// addPeerings gives the modelled peering connections to the builder.
func (l *loader) addPeerings(b *reach.Builder, w where) {
	for _, r := range l.out.peerings {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("VpcPeeringConnectionId"))
		p.set("RequesterVPC", r.at.Field("RequesterVpcInfo").Field("VpcId"))
		p.set("AccepterVPC", r.at.Field("AccepterVpcInfo").Field("VpcId"))
		b.AddPeering(r.p)
		w.add("peerings", p)
	}
}
