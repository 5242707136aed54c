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
	PublicIp           string
	AllocationId       string
	AssociationId      string
	NetworkInterfaceId string
	PrivateIpAddress   string
	InstanceId         string
}

func (l *loader) readAddresses(o jsonloc.Loc, raw json.RawMessage) {
	addrs, _ := decodeList[elasticIPJSON](l, o, raw)
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
		if !ok || a.NetworkInterfaceId == "" {
			continue // not associated: it carries no traffic
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
// themselves; the two must agree.
func (l *loader) assembleAddresses() {
	byID := map[string]*eniRec{}
	for _, e := range l.out.ifaces {
		byID[e.id] = e
	}
	for _, a := range l.addresses {
		e, ok := byID[a.eni]
		if !ok {
			l.warn(a.at, "Elastic IP %s: network interface %s is not in the input (or left out): the address is left out", a.public, a.eni)
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
