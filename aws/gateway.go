package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Gateways: describe-internet-gateways and describe-nat-gateways.

type igwRec struct {
	igw reach.InternetGatewaySpec
	at  jsonloc.Loc
	vpc jsonloc.Loc
}

type igwJSON struct {
	igwUnread
	InternetGatewayId string
	Attachments       []struct{ State, VpcId string }
}

func (l *loader) readIGWs(o jsonloc.Loc, raw json.RawMessage) {
	igws, _ := decodeCheckedList[igwJSON](l, o, raw)
	for i, g := range igws {
		at := o.Index(i)
		if !l.require(at, "", "InternetGatewayId", g.InternetGatewayId) ||
			!l.claim("internet gateway", g.InternetGatewayId, at.Field("InternetGatewayId")) {
			continue
		}
		attached := false
		for j, a := range g.Attachments {
			ao := at.Field("Attachments").Index(j)
			switch a.State {
			case "", "available", "attached":
			default:
				l.warn(ao, "internet gateway %s is %s to %s: left out", g.InternetGatewayId, a.State, a.VpcId)
				continue
			}
			if !l.require(ao, g.InternetGatewayId, "VpcId", a.VpcId) {
				continue
			}
			if attached {
				l.fail(ao, g.InternetGatewayId, a.VpcId, ErrInvalidDump, "an internet gateway is attached to one VPC")
				continue
			}
			attached = true
			l.igws = append(l.igws, &igwRec{igw: reach.InternetGatewaySpec{ID: g.InternetGatewayId, VPC: a.VpcId}, at: at, vpc: ao.Field("VpcId")})
		}
		if !attached && len(g.Attachments) == 0 {
			l.warn(at, "internet gateway %s is not attached to a VPC: left out", g.InternetGatewayId)
		}
	}
}

type natRec struct {
	nat                 reach.NATGateway
	vpc                 string // VpcId (Options.VPCs: select.go)
	at, subnet, pr, pub jsonloc.Loc
	// secPr and secPub locate each of nat.Secondary's addresses
	secPr, secPub []jsonloc.Loc
}

// natOut says why a NAT gateway the input lists is left out, and what it
// is in words: a route to it is kept as unmodelled (indeterminate). at is
// where the gateway is listed and json the listing, whose addresses are
// declared unmodelled (natsLeftOutAddresses).
type natOut struct {
	what, why string
	at        jsonloc.Loc
	json      natJSON
}

type natJSON struct {
	natUnread
	NatGatewayId, SubnetId, VpcId, State string
	AvailabilityMode                     string // zonal (the default) or regional
	ConnectivityType                     string // public (the default) or private
	NatGatewayAddresses                  []struct {
		natAddressUnread
		PrivateIp, PublicIp string
		NetworkInterfaceId  string // the interface that holds PrivateIp
		IsPrimary           *bool
		Status              string // assigning, succeeded, failed, ... (absent in older dumps)
	}
	Tags []tagJSON
}

// natHolder is a NAT gateway the input lists, where its private
// addresses are: its subnet ("" for a regional one) and VPC.
type natHolder struct{ id, subnet, vpc string }

// noteNATInterfaces records what tells the network interfaces of n apart,
// whether n is modelled or left out (natOfENI): the interface of each of
// its addresses (NetworkInterfaceId) and its private addresses. A
// malformed address is reported where n is modelled, and matches nothing.
func (l *loader) noteNATInterfaces(n natJSON) {
	h := natHolder{n.NatGatewayId, n.SubnetId, n.VpcId}
	for _, a := range n.NatGatewayAddresses {
		if a.NetworkInterfaceId != "" {
			l.natByENI[a.NetworkInterfaceId] = n.NatGatewayId
		}
		if ip, err := netip.ParseAddr(a.PrivateIp); err == nil {
			l.natByIP[ip] = append(l.natByIP[ip], h)
		}
	}
}

// natOfENI returns the ID of the NAT gateway whose network interface
// (InterfaceType nat_gateway) e is: the one whose NatGatewayAddresses
// name e, else one with a private address of e in e's subnet (in e's
// VPC for a gateway in no subnet), a modelled one before one left out
// (a deleted gateway stays listed for a while, and a new one may have
// its address); "" when the input lists none.
func (l *loader) natOfENI(e *eniRec) string {
	if id, ok := l.natByENI[e.id]; ok {
		return id
	}
	vpc := ""
	if s := l.out.subnetBy[e.subnet]; s != nil {
		vpc = s.subnet.VPC
	}
	found := ""
	for _, a := range e.ips {
		for _, h := range l.natByIP[a] {
			if h.subnet != e.subnet && (h.subnet != "" || (h.vpc != "" && vpc != "" && h.vpc != vpc)) {
				continue
			}
			if _, out := l.natsOut[h.id]; !out {
				return h.id
			}
			if found == "" {
				found = h.id
			}
		}
	}
	return found
}

func (l *loader) readNATs(o jsonloc.Loc, raw json.RawMessage) {
	nats, _ := decodeCheckedList[natJSON](l, o, raw)
	for i, n := range nats {
		at := o.Index(i)
		if !l.require(at, "", "NatGatewayId", n.NatGatewayId) ||
			!l.claim("NAT gateway", n.NatGatewayId, at.Field("NatGatewayId")) {
			continue
		}
		l.noteNATInterfaces(n)
		if n.State != "available" {
			l.warn(at, "NAT gateway %s is %q, not available: left out", n.NatGatewayId, n.State)
			l.natsOut[n.NatGatewayId] = natOut{what: "NAT gateway", why: fmt.Sprintf("it is %q, not available, and reachsim models available NAT gateways only", n.State), at: at, json: n}
			continue
		}
		if regional := strings.EqualFold(n.AvailabilityMode, "regional"); regional || n.SubnetId == "" {
			what, why := "regional NAT gateway", "AvailabilityMode regional: it spans the VPC's zones, in no subnet"
			if !regional {
				what, why = "NAT gateway without a subnet", "no SubnetId (a regional NAT gateway?)"
			}
			l.warn(at, "NAT gateway %s has %s: reachsim models NAT gateways in a subnet; left out, and routes to it are kept as unmodelled (what they route is indeterminate)", n.NatGatewayId, why)
			l.natsOut[n.NatGatewayId] = natOut{what: what, why: "reachsim models NAT gateways in a subnet (zonal ones), and this one is in none", at: at, json: n}
			continue
		}
		primary := -1
		for j, a := range n.NatGatewayAddresses {
			if primary < 0 || (a.IsPrimary != nil && *a.IsPrimary) {
				primary = j
			}
		}
		if primary < 0 {
			l.fail(at.Field("NatGatewayAddresses"), n.NatGatewayId, "", ErrInvalidDump, "an available NAT gateway has an address")
			continue
		}
		ao := at.Field("NatGatewayAddresses").Index(primary)
		a := n.NatGatewayAddresses[primary]
		r := &natRec{nat: reach.NATGateway{ID: n.NatGatewayId, Name: nameTag(n.Tags), Subnet: n.SubnetId}, vpc: n.VpcId, at: at, subnet: at.Field("SubnetId"),
			pr: ao.Field("PrivateIp"), pub: ao.Field("PublicIp")}
		switch n.ConnectivityType {
		case "", "public":
		case "private":
			r.nat.Private = true
		default:
			l.fail(at.Field("ConnectivityType"), n.NatGatewayId, n.ConnectivityType, ErrInvalidDump, "a NAT gateway's connectivity type is public or private")
			continue
		}
		var ok bool
		if r.nat.PrivateIP, ok = l.addr(r.pr, n.NatGatewayId, a.PrivateIp, fam4); !ok {
			continue
		}
		switch {
		case a.PublicIp != "":
			if r.nat.PublicIP, ok = l.addr(r.pub, n.NatGatewayId, a.PublicIp, fam4); !ok {
				continue
			}
		case !r.nat.Private:
			// A public NAT gateway always has an Elastic IP (CreateNatGateway
			// requires one, and the primary cannot be disassociated): the
			// input was trimmed, and the address is unknown, not absent.
			r.nat.PublicIPUnknown = ao.String() + ": PublicIp (not in the input)"
			l.warn(ao, "NAT gateway %s is public, but its address lists no PublicIp (a public NAT gateway always has an Elastic IP: the input was trimmed): its public address is unknown, and answers that depend on it are indeterminate", n.NatGatewayId)
		}
		if !l.readNATSecondary(r, n, primary) {
			continue
		}
		l.nats = append(l.nats, r)
	}
}

// readNATSecondary reads the addresses of n other than its primary one
// into r's Secondary: the gateway may send a connection from any of them
// (reach.NATGateway.Secondary). An address whose association failed is
// left out; one being assigned or released may still carry connections,
// and is kept. It reports false when an address is malformed.
func (l *loader) readNATSecondary(r *natRec, n natJSON, primary int) bool {
	for j, a := range n.NatGatewayAddresses {
		if j == primary {
			continue
		}
		ao := r.at.Field("NatGatewayAddresses").Index(j)
		if strings.EqualFold(a.Status, "failed") {
			l.warn(ao, "NAT gateway %s: secondary address %s failed to be assigned: left out", n.NatGatewayId, a.PrivateIp)
			continue
		}
		var s reach.NATAddress
		var ok bool
		if s.PrivateIP, ok = l.addr(ao.Field("PrivateIp"), n.NatGatewayId, a.PrivateIp, fam4); !ok {
			return false
		}
		if a.PublicIp != "" {
			if s.PublicIP, ok = l.addr(ao.Field("PublicIp"), n.NatGatewayId, a.PublicIp, fam4); !ok {
				return false
			}
		}
		r.nat.Secondary = append(r.nat.Secondary, s)
		r.secPr, r.secPub = append(r.secPr, ao.Field("PrivateIp")), append(r.secPub, ao.Field("PublicIp"))
	}
	return true
}
