package aws

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// declareUnmodelled declares a, read at at, an address owner holds,
// which the model does not (reach.UnmodelledAddress; what says what owner
// is; names, those a query may give the interface that holds it, zero
// for none), unless it is declared already: the first declaration stands.
func (l *loader) declareUnmodelled(a netip.Addr, at jsonloc.Loc, owner, what string, names reach.LeftOutNames) {
	if l.out.unmodelledSeen[a] {
		return
	}
	if l.out.unmodelledSeen == nil {
		l.out.unmodelledSeen = map[netip.Addr]bool{}
	}
	l.out.unmodelledSeen[a] = true
	l.out.unmodelled = append(l.out.unmodelled, reach.UnmodelledAddress{Address: a, Owner: owner, What: what, LeftOutNames: names})
	l.out.unmodelledAt = append(l.out.unmodelledAt, at)
}

// heldAddresses returns the addresses something modelled holds: the
// private and public addresses of the interfaces and of the NAT
// gateways.
func (l *loader) heldAddresses() map[netip.Addr]bool {
	held := map[netip.Addr]bool{}
	for _, e := range l.out.ifaces {
		for _, a := range e.ips {
			held[a] = true
		}
		held[e.public] = true
		for _, s := range e.secondary {
			held[s.public] = true
		}
	}
	for _, r := range l.nats {
		held[r.nat.PrivateIP], held[r.nat.PublicIP] = true, true
		for _, s := range r.nat.Secondary {
			held[s.PrivateIP], held[s.PublicIP] = true, true
		}
	}
	return held
}

// natsLeftOutAddresses declares the addresses of every NAT gateway the
// loader leaves out (not available, regional, in no subnet: natOut)
// unmodelled, in its name: its Elastic IPs (NatGatewayAddresses[].PublicIp)
// and, inside the blocks of its VPC when the model holds that VPC, its
// private addresses. AWS still delivers a packet for one to the gateway
// (which takes no connection from outside), so the address is neither an
// internet host nor an unknown destination: a query to it is undecided,
// naming the gateway. This holds whether or not
// describe-network-interfaces lists the gateway's interface
// (natInterface declares that interface's addresses alike, first). An
// address something modelled holds (a deleted gateway's Elastic IP
// associated anew, its private address given to a new interface) stays
// that holder's.
func (l *loader) natsLeftOutAddresses() {
	if len(l.natsOut) == 0 {
		return
	}
	held := l.heldAddresses()
	for _, id := range slices.SortedFunc(maps.Keys(l.natsOut), cmp.Compare[string]) {
		out := l.natsOut[id]
		what := out.what + " left out: " + out.why
		var blocks []netip.Prefix
		vpc := out.json.VpcId
		if s := l.out.subnetBy[out.json.SubnetId]; vpc == "" && s != nil {
			vpc = s.subnet.VPC
		}
		if v := l.out.vpcByID[vpc]; v != nil {
			blocks = v.vpc.CIDRs
		}
		for j, a := range out.json.NatGatewayAddresses {
			ao := out.at.Field("NatGatewayAddresses").Index(j)
			if pub, err := netip.ParseAddr(a.PublicIp); err == nil && pub.Is4() && !held[pub] {
				l.declareUnmodelled(pub, ao.Field("PublicIp"), id, what, reach.LeftOutNames{})
			}
			pr, err := netip.ParseAddr(a.PrivateIp)
			if err != nil || held[pr] || !slices.ContainsFunc(blocks, func(p netip.Prefix) bool { return p.Contains(pr) }) {
				continue
			}
			l.declareUnmodelled(pr, ao.Field("PrivateIp"), id, what, reach.LeftOutNames{})
		}
	}
}
