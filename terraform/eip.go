package terraform

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/reach"
)

// Elastic IPs on instances and network interfaces: aws_eip (its instance
// or network_interface) and aws_eip_association. An Elastic IP on the
// primary private address of an interface is its public IPv4 address
// ([reach.Interface.PublicIP]), in place of the one AWS gave it at launch
// (associate_public_ip_address, or its subnet's map_public_ip_on_launch),
// which AWS releases when the Elastic IP is associated: "If you associate
// an Elastic IP address with an instance that has a public IPv4 address,
// the public IPv4 address is released" (EC2 User Guide, Elastic IP
// addresses; AssociateAddress says the same of an Elastic IP the instance
// had). A new Elastic IP, whose address the plan knows only after apply,
// makes that public address one known only later
// ([reach.Interface.PublicIPUnknown]). An Elastic IP on a secondary
// private address is one of [reach.Interface.PublicIPs].

// eipSlot is where an Elastic IP sits: an interface (its model ID) and
// its private address, "" for the primary one.
type eipSlot struct{ iface, private string }

// eipUse is the Elastic IP of a slot (the address of its aws_eip, or of
// the association when the Elastic IP is not in the plan) and the
// resource that associates it.
type eipUse struct{ eip, by string }

// readEIP reads an aws_eip associated through its own instance or
// network_interface attribute. Both are Optional and Computed: where the
// configuration sets neither, the planned values are the association AWS
// holds, an aws_eip_association's (or one made outside Terraform). Such
// an association is the Elastic IP's only where the plan does not say
// otherwise: an aws_eip_association of the plan that names the Elastic
// IP decides where it sits, and one the plan deletes takes it away; one
// with an interface the plan does not hold (a NAT gateway's) is outside
// the model.
func (r *reader) readEIP(in *instance) {
	computed := !in.configured("instance") && !in.configured("network_interface")
	target := ""
	if id, ok := r.linkOne(in, "instance", "aws_instance"); ok && id != "" {
		target = id
	} else if id, ok := r.linkOne(in, "network_interface", "aws_network_interface", "aws_instance"); ok && id != "" {
		target = id
	}
	if target == "" {
		return // allocated, not associated (a NAT gateway's, or spare)
	}
	if !computed {
		r.associate(in, in, target, "associate_with_private_ip")
		return
	}
	switch by := r.eipAssociationOf(in); {
	case by != "":
		return // that association decides (readEIPAssociation)
	case r.enis[target] == nil:
		if !r.natEIP(in) {
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: associated with %s, which the plan does not hold: the model leaves the Elastic IP out", in.addr, target))
		}
		return
	}
	r.associate(in, in, target, "private_ip")
}

// eipAssociationOf returns the address of an aws_eip_association of the
// plan, kept or created, or one it deletes or replaces, that names the
// Elastic IP eip ("" when none).
func (r *reader) eipAssociationOf(eip *instance) string {
	pub, _ := eip.values["public_ip"].(string)
	for _, g := range r.goneOf("aws_eip_association") {
		alloc, _ := g.values["allocation_id"].(string)
		p, _ := g.values["public_ip"].(string)
		if alloc != "" && alloc == eip.known || pub != "" && p == pub {
			return g.addr
		}
	}
	for _, a := range r.insts {
		if a.typ != "aws_eip_association" {
			continue
		}
		if id, _, _ := r.linkOneOpen(a, "allocation_id", "aws_eip"); id != "" && id == eip.id {
			return a.addr
		}
		if p, _ := a.values["public_ip"].(string); pub != "" && p == pub && !isUnknown(a.unknown, "public_ip") {
			return a.addr
		}
	}
	return ""
}

// natEIP reports whether a NAT gateway of the plan uses the Elastic IP
// eip (allocation_id, secondary_allocation_ids,
// aws_nat_gateway_eip_association), whose network interface is the
// gateway's.
func (r *reader) natEIP(eip *instance) bool {
	if eip.known == "" {
		return false
	}
	for _, n := range r.insts {
		switch n.typ {
		case "aws_nat_gateway", "aws_nat_gateway_eip_association":
			if a, _ := n.values["allocation_id"].(string); a == eip.known {
				return true
			}
			if l, _ := strs(n.values["secondary_allocation_ids"]); slices.Contains(l, eip.known) {
				return true
			}
		}
	}
	return false
}

// readEIPAssociation reads an aws_eip_association.
func (r *reader) readEIPAssociation(in *instance) {
	eip, _ := r.linkOne(in, "allocation_id", "aws_eip")
	t := r.byAdr[eip]
	if t == nil {
		if pub, ok := r.addr(in, "public_ip", false); ok {
			t = &instance{addr: in.addr, values: map[string]any{"public_ip": pub.String()}}
		} else {
			r.fail(in, "allocation_id", eip, ErrInvalidPlan, "no Elastic IP of the plan")
			return
		}
	}
	target := ""
	if id, ok := r.linkOne(in, "instance_id", "aws_instance"); ok && id != "" {
		target = id
	} else if id, ok := r.linkOne(in, "network_interface_id", "aws_network_interface", "aws_instance"); ok && id != "" {
		target = id
	}
	if target == "" {
		r.fail(in, "instance_id", "", unknownOr(in, "instance_id", "network_interface_id"), "an association names an instance or a network interface")
		return
	}
	r.associate(in, t, target, "private_ip_address")
}

// associate gives the interface target the public address of the Elastic
// IP eip, on the private address attribute privAttr of in names (the
// interface's primary one when none). On the primary address it takes
// the place of the public address the interface has or gets at launch,
// which AWS releases; a new Elastic IP leaves that address known only
// later. Two Elastic IPs of the plan on one private address are an error:
// AWS keeps the one associated last, and the plan does not order them.
func (r *reader) associate(in, eip *instance, target, privAttr string) {
	it := r.enis[target]
	if it == nil {
		r.fail(in, "", target, ErrInvalidPlan, "no instance or network interface of the plan")
		return
	}
	priv, named := r.addr(in, privAttr, false)
	first, hasFirst := primaryIPv4(it)
	if !named && !hasFirst && it.AddressUnknown == "" {
		return // its address is unknown: reported already
	}
	primary := !named || hasFirst && priv == first
	slot, where := eipSlot{iface: target}, "its primary private address"
	if !primary {
		slot.private, where = priv.String(), priv.String()
	}
	if prev, ok := r.ext.eipOn[slot]; ok {
		if prev.eip != eip.addr {
			r.fail(in, "", target, ErrInvalidPlan, "%s associates another Elastic IP (%s) with %s: AWS keeps the one associated last, and the plan does not order them", prev.by, prev.eip, where)
		}
		return // one association read twice (an aws_eip's instance and its aws_eip_association)
	}
	unknown := isUnknown(eip.unknown, "public_ip")
	var pub netip.Addr
	if !unknown {
		var ok bool
		if pub, ok = r.eipPublic(eip); !ok {
			return
		}
	}
	if r.ext.eipOn == nil {
		r.ext.eipOn = map[eipSlot]eipUse{}
	}
	r.ext.eipOn[slot] = eipUse{eip: eip.addr, by: in.addr}
	if !primary {
		if unknown {
			r.fail(in, privAttr, priv.String(), ErrUnknownValue, "a new Elastic IP on a secondary private address: its address is known only after apply, and the model holds a public address known only later for the primary private address alone")
			return
		}
		it.PublicIPs = append(it.PublicIPs, reach.PublicIP{Private: priv, Public: pub})
		return
	}
	if it.PublicIP.IsValid() && it.PublicIP != pub {
		now := pub.String()
		if unknown {
			now = "known only after apply"
		}
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: its public IPv4 address %s gives way to the Elastic IP (%s) that %s associates with its primary private address: AWS releases the address it had", target, it.PublicIP, now, in.addr))
	}
	if unknown {
		it.PublicIP, it.PublicIPUnknown = netip.Addr{}, eip.addr+": public_ip" // a new Elastic IP (see reach.Interface.PublicIPUnknown)
		return
	}
	it.PublicIP, it.PublicIPUnknown = pub, ""
}

// primaryIPv4 returns the primary private IPv4 address of it, when the
// plan knows it.
func primaryIPv4(it *reach.Interface) (netip.Addr, bool) {
	if it.AddressUnknown != "" {
		return netip.Addr{}, false
	}
	for _, a := range it.PrivateIPs {
		if a.Is4() {
			return a, true
		}
	}
	return netip.Addr{}, false
}
