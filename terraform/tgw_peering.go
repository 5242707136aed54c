package terraform

import "github.com/reachsim/reachsim/reach"

// Transit gateway peering attachments: aws_ec2_transit_gateway_peering_attachment
// and aws_ec2_transit_gateway_peering_attachment_accepter.
//
// A peering attachment joins two transit gateways; reachsim does not
// follow a packet from one gateway to the other. A route of a gateway of
// the plan to the attachment sends what it matches where the model cannot
// follow (UNMODELLED_TARGET, indeterminate), as a route to a peering
// attachment of an AWS dump does. Whether the peer has accepted it does
// not matter then, nor what the gateway on the other side routes.
//
// Each side of the peering is an attachment of its own gateway: the
// requester's (the attachment's transit_gateway_id) and the accepter's
// (its peer_transit_gateway_id, or the accepter's transit_gateway_id),
// when those are gateways of the plan. A route, association or
// propagation of a route table of the plan that names the peering (by a
// reference to the attachment or to its accepter, or by their known ID)
// names its own gateway's side. AWS propagates no route over a peering
// attachment (static routes only) and associates it with no table by
// default: it takes neither of its gateway's defaults.

// tgwPeerings is what the peering readers assemble.
type tgwPeerings struct {
	// canon maps the model ID, and the known ID, of a peering attachment
	// and of its accepter to the peering's model ID: the attachment's
	// when the plan holds it, else the accepter's
	canon map[string]string
	// sides holds, per peering (by model ID), its side on each gateway
	// of the plan (by the gateway's model ID)
	sides map[string]map[string]*reach.TGWAttachment
}

// peeringName records that id names peering canon.
func (r *reader) peeringName(id, canon string) {
	if r.tgwPeer.canon == nil {
		r.tgwPeer.canon = map[string]string{}
	}
	if id != "" {
		r.tgwPeer.canon[id] = canon
	}
}

// readTGWPeering reads an aws_ec2_transit_gateway_peering_attachment.
func (r *reader) readTGWPeering(in *instance) {
	r.peeringName(in.id, in.id)
	r.peeringName(in.known, in.id)
	for _, attr := range []string{"transit_gateway_id", "peer_transit_gateway_id"} {
		if g, _, _ := r.tgwOf(in, attr); g != nil {
			r.peeringSide(in.id, g, in)
		}
	}
}

// readTGWPeeringAccepter reads an
// aws_ec2_transit_gateway_peering_attachment_accepter: the accepting
// side of a peering attachment of the plan, or of one outside it.
func (r *reader) readTGWPeeringAccepter(in *instance) {
	id, _, _ := r.linkOneOpen(in, "transit_gateway_attachment_id", "aws_ec2_transit_gateway_peering_attachment")
	canon, ok := r.tgwPeer.canon[id]
	if !ok {
		canon = in.id
		r.peeringName(id, canon)
	}
	r.peeringName(in.id, canon)
	r.peeringName(in.known, canon)
	if g, _, _ := r.tgwOf(in, "transit_gateway_id"); g != nil {
		r.peeringSide(canon, g, in)
	}
}

// peeringSide returns peering canon's side on gateway g, adding it (named
// after in) the first time.
func (r *reader) peeringSide(canon string, g *tgwRec, in *instance) *reach.TGWAttachment {
	if r.tgwPeer.sides == nil {
		r.tgwPeer.sides = map[string]map[string]*reach.TGWAttachment{}
	}
	sides := r.tgwPeer.sides[canon]
	if sides == nil {
		sides = map[string]*reach.TGWAttachment{}
		r.tgwPeer.sides[canon] = sides
	}
	if a := sides[g.spec.ID]; a != nil {
		return a
	}
	id := canon
	if len(sides) > 0 {
		id = canon + "@" + g.spec.ID // the other side
	}
	a := &reach.TGWAttachment{ID: id, Name: nameTag(in), Type: "peering", TransitGateway: g.spec.ID}
	sides[g.spec.ID] = a
	r.tgw.atts[a.ID] = a
	r.tgw.atList = append(r.tgw.atList, a.ID)
	return a
}

// peeringOf returns the side on rt's gateway of the peering that id
// names; ok is false when id names no peering.
func (r *reader) peeringOf(id string, in *instance, rt *reach.TGWRouteTable) (a *reach.TGWAttachment, ok bool) {
	canon, ok := r.tgwPeer.canon[id]
	if !ok || rt == nil {
		return nil, ok
	}
	g := r.tgw.gws[rt.TransitGateway]
	if g == nil {
		return nil, true
	}
	return r.peeringSide(canon, g, in), true
}
