package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Elastic IPs: describe-addresses, and the public addresses of an
// interface's private addresses (PrivateIpAddresses[].Association in
// describe-network-interfaces and describe-instances).

// publicRec is a public or Elastic IP mapped to a private address of an
// interface.
type publicRec struct {
	private, public netip.Addr
	at              jsonloc.Loc // the public address
}

// addressRec is an Elastic IP of describe-addresses.
type addressRec struct {
	publicRec
	eni string
}

type elasticIPJSON struct {
	addressUnread
	PublicIp           string
	AllocationId       string
	AssociationId      string
	NetworkInterfaceId string
	PrivateIpAddress   string
	InstanceId         string
}

func (l *loader) readAddresses(o jsonloc.Loc, raw json.RawMessage) {
	addrs, _ := decodeCheckedList[elasticIPJSON](l, o, raw)
	for i, a := range addrs {
		at := o.Index(i)
		id := a.AllocationId
		if id == "" {
			id = a.PublicIp
		}
		if !l.require(at, id, "PublicIp", a.PublicIp) || !l.claim("Elastic IP", a.PublicIp, at.Field("PublicIp")) {
			continue
		}
		public, ok := l.addr(at.Field("PublicIp"), id, a.PublicIp, fam4)
		if !ok {
			continue
		}
		if a.NetworkInterfaceId == "" {
			// associated with nothing: it carries no traffic, and it is
			// no internet host either (idleAddresses)
			l.idleEIPs = append(l.idleEIPs, idleEIP{public, at.Field("PublicIp"), id})
			continue
		}
		if !l.require(at, id, "PrivateIpAddress", a.PrivateIpAddress) {
			continue
		}
		private, ok := l.addr(at.Field("PrivateIpAddress"), id, a.PrivateIpAddress, fam4)
		if !ok {
			continue
		}
		l.addresses = append(l.addresses, &addressRec{publicRec: publicRec{private: private, public: public, at: at.Field("PublicIp")}, eni: a.NetworkInterfaceId})
	}
}

// assembleAddresses maps the Elastic IPs of describe-addresses to the
// interfaces' private addresses, beside what the interfaces say
// themselves; the two must agree. An Elastic IP on an interface the model
// does not hold is its holder's: a NAT gateway's (the interface is the
// gateway's, or the gateway lists the address), declared unmodelled in
// the name of a gateway left out; one declared unmodelled already; that
// of an interface left out whose addresses are declared (a load
// balancer's), declared alike; else it is declared unmodelled in the
// interface's name, with a warning: AWS delivers a packet for it to that
// interface, so it is no internet host.
func (l *loader) assembleAddresses() {
	byID := map[string]*eniRec{}
	for _, e := range l.out.ifaces {
		byID[e.id] = e
	}
	var natPublic map[netip.Addr]bool // the modelled NAT gateways' Elastic IPs
	for _, a := range l.addresses {
		e, ok := byID[a.eni]
		if !ok {
			if natPublic == nil {
				natPublic = l.natPublicIPs()
			}
			l.addressElsewhere(a, natPublic)
			continue
		}
		primary := len(e.ips) > 0 && e.ips[0] == a.private && a.private.Is4()
		switch {
		case primary && !e.public.IsValid():
			e.public, e.publicAt = a.public, a.at
		case primary && e.public != a.public:
			l.fail(a.at, a.eni, a.public.String(), ErrInvalidDump, "Elastic IP of %s on %s, whose interface says its public address is %s", a.private, a.eni, e.public)
		case primary:
		default:
			e.addPublic(l, a.publicRec, a.eni)
		}
	}
}

// natPublicIPs returns the Elastic IPs of the NAT gateways the model
// holds.
func (l *loader) natPublicIPs() map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	for _, r := range l.nats {
		out[r.nat.PublicIP] = true
		for _, s := range r.nat.Secondary {
			out[s.PublicIP] = true
		}
	}
	return out
}

// addressElsewhere places a, an Elastic IP describe-addresses associates
// with a network interface the model does not hold (assembleAddresses).
func (l *loader) addressElsewhere(a *addressRec, natPublic map[netip.Addr]bool) {
	switch nat := l.natByENI[a.eni]; {
	case natPublic[a.public], l.out.unmodelledSeen[a.public]:
		// a modelled NAT gateway's, or declared already
	case nat != "":
		if out, left := l.natsOut[nat]; left {
			l.declareUnmodelled(a.public, a.at, nat, out.what+" left out: "+out.why, reach.LeftOutNames{})
		} else {
			l.warn(a.at, "Elastic IP %s: describe-addresses associates it with network interface %s of NAT gateway %s, which does not list it: the address is left out", a.public, a.eni, nat)
		}
	case l.declaredLike(a):
		// on an interface left out whose addresses are declared (a
		// load balancer's): the address is declared alike
	default:
		l.warn(a.at, "Elastic IP %s is associated with network interface %s, which the model does not hold (not in the input, or left out): a packet for the address is undecided (UNMODELLED_DESTINATION), never one for an internet host", a.public, a.eni)
		l.declareUnmodelled(a.public, a.at, a.eni, "network interface not in the model, which describe-addresses associates the Elastic IP with", reach.LeftOutNames{})
	}
}

// declaredLike declares a's Elastic IP as its private address is declared
// (same owner, same words) when that is declared unmodelled, and reports
// whether it is.
func (l *loader) declaredLike(a *addressRec) bool {
	if !l.out.unmodelledSeen[a.private] {
		return false
	}
	for _, u := range l.out.unmodelled {
		if u.Address == a.private && u.Owner == a.eni {
			l.declareUnmodelled(a.public, a.at, u.Owner, u.What, u.LeftOutNames)
			return true
		}
	}
	return false
}

// addPublic adds p to e's public addresses of secondary private
// addresses, unless e has it already.
func (e *eniRec) addPublic(l *loader, p publicRec, id string) {
	for _, q := range e.secondary {
		if q.private != p.private {
			continue
		}
		if q.public != p.public {
			l.fail(p.at, id, p.public.String(), ErrInvalidDump, "%s of %s has the public address %s already (at %s)", p.private, id, q.public, q.at)
		}
		return
	}
	e.secondary = append(e.secondary, p)
}

// publicIPs is what the builder gets of e's secondary public addresses.
func (e *eniRec) publicIPs(p *placed) []reach.PublicIP {
	var out []reach.PublicIP
	for j, s := range e.secondary {
		out = append(out, reach.PublicIP{Private: s.private, Public: s.public})
		p.set(fmt.Sprintf("PublicIPs[%d]", j), s.at)
	}
	return out
}

// idleEIP is an Elastic IP describe-addresses lists associated with
// nothing.
type idleEIP struct {
	public netip.Addr
	at     jsonloc.Loc
	id     string // its AllocationId (its address when it has none)
}

// idleAddresses declares the Elastic IPs associated with nothing that
// nothing modelled holds either (describe-network-interfaces may be newer
// than describe-addresses) unmodelled, in their allocation's name: the
// account holds the address, so a packet for it is for no internet host,
// and AWS's edge delivers it to nothing; a query to it is undecided
// (UNMODELLED_DESTINATION), never answered as one to a host on the
// internet.
func (l *loader) idleAddresses() {
	if len(l.idleEIPs) == 0 {
		return
	}
	held := l.heldAddresses()
	for _, e := range l.idleEIPs {
		if !held[e.public] {
			l.declareUnmodelled(e.public, e.at, e.id, "Elastic IP of the account associated with nothing (describe-addresses): no host takes a packet for it", reach.LeftOutNames{})
		}
	}
}
