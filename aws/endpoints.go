package aws

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Egress-only internet gateways (describe-egress-only-internet-gateways)
// and VPC endpoints (describe-vpc-endpoints): the gateway endpoints for S3
// and DynamoDB are route targets; interface endpoints are not, and
// Gateway Load Balancer endpoints are modelled only as a firewall's.

type eigwRec struct {
	eigw reach.EgressOnlyInternetGateway
	at   jsonloc.Loc
	vpc  jsonloc.Loc
}

type eigwJSON struct {
	EgressOnlyInternetGatewayId string
	Attachments                 []struct{ State, VpcId string }
	Tags                        []tagJSON
}

func (l *loader) readEgressOnlyIGWs(o jsonloc.Loc, raw json.RawMessage) {
	gws, _ := decodeCheckedList[eigwJSON](l, o, raw)
	for i, g := range gws {
		at := o.Index(i)
		id := g.EgressOnlyInternetGatewayId
		if !l.require(at, "", "EgressOnlyInternetGatewayId", id) || !l.claim("egress-only internet gateway", id, at.Field("EgressOnlyInternetGatewayId")) {
			continue
		}
		attached := false
		for j, a := range g.Attachments {
			ao := at.Field("Attachments").Index(j)
			switch a.State {
			case "", "available", "attached":
			default:
				l.warn(ao, "egress-only internet gateway %s is %s to %s: left out", id, a.State, a.VpcId)
				continue
			}
			if !l.require(ao, id, "VpcId", a.VpcId) {
				continue
			}
			if attached {
				l.fail(ao, id, a.VpcId, ErrInvalidDump, "an egress-only internet gateway is attached to one VPC")
				continue
			}
			attached = true
			l.eigws[id] = &eigwRec{eigw: reach.EgressOnlyInternetGateway{ID: id, Name: nameTag(g.Tags), VPC: a.VpcId}, at: at, vpc: ao.Field("VpcId")}
		}
		if len(g.Attachments) == 0 {
			l.warn(at, "egress-only internet gateway %s is not attached to a VPC: left out", id)
		}
	}
}

type vpceRec struct {
	ep      reach.GatewayEndpoint
	typ     string // Gateway, Interface, GatewayLoadBalancer...; unavailable, invalid: a gateway endpoint left out
	state   string // State, for a gateway endpoint that is not available
	at, vpc jsonloc.Loc
}

type vpceJSON struct {
	vpceUnread
	VpcEndpointId, VpcEndpointType, VpcId, ServiceName, State string
	PolicyDocument, IpAddressType                             string
	RouteTableIds                                             []string
	NetworkInterfaceIds                                       []string // an interface endpoint's
	Tags                                                      []tagJSON
}

func (l *loader) readVPCEndpoints(o jsonloc.Loc, raw json.RawMessage) {
	eps, _ := decodeCheckedList[vpceJSON](l, o, raw)
	for i, e := range eps {
		at := o.Index(i)
		id := e.VpcEndpointId
		if !l.require(at, "", "VpcEndpointId", id) || !l.claim("VPC endpoint", id, at.Field("VpcEndpointId")) {
			continue
		}
		r := &vpceRec{typ: e.VpcEndpointType, at: at, vpc: at.Field("VpcId")}
		l.vpces[id] = r
		if strings.EqualFold(e.VpcEndpointType, "Interface") {
			for _, eni := range e.NetworkInterfaceIds {
				l.vpceOfENI[eni] = id // its interfaces are destinations only (endpointInterface)
			}
		}
		if !strings.EqualFold(e.VpcEndpointType, "Gateway") {
			continue // what a route to it becomes is said where a route names it
		}
		if !strings.EqualFold(e.State, "available") {
			l.warn(at, "gateway endpoint %s is %q, not available: left out; routes to it are kept as unmodelled (what they route is indeterminate)", id, e.State)
			r.typ, r.state = "unavailable", e.State
			continue
		}
		if !l.require(at, id, "VpcId", e.VpcId) || !l.require(at, id, "ServiceName", e.ServiceName) {
			r.typ = "invalid"
			continue
		}
		r.ep = reach.GatewayEndpoint{ID: id, Name: nameTag(e.Tags), VPC: e.VpcId, Service: e.ServiceName}
		switch typ := strings.ToLower(e.IpAddressType); typ {
		case "ipv4", "ipv6", "dualstack":
			r.ep.IPAddressType = typ
		case "":
			// unknown: IPv6 through the endpoint is undecided
		default:
			l.fail(at.Field("IpAddressType"), id, e.IpAddressType, ErrInvalidDump, "not an IP address type of a gateway endpoint (ipv4, ipv6 or dualstack)")
			r.typ = "invalid"
			continue
		}
		switch full, ok := FullAccessPolicy(e.PolicyDocument); {
		case !ok:
			l.warn(at.Field("PolicyDocument"), "the policy of gateway endpoint %s is not JSON: taken for a custom policy, which reachsim does not evaluate", id)
			r.ep.CustomPolicy = true
		case !full:
			l.warn(at.Field("PolicyDocument"), "gateway endpoint %s has a policy that is not the full-access default: reachsim does not evaluate it (it decides which requests %s accepts, not whether the connection opens); results through it say so", id, e.ServiceName)
			r.ep.CustomPolicy = true
		}
	}
}

// FullAccessPolicy reports whether doc is the endpoint policy AWS gives a
// gateway endpoint by default, one statement allowing every action on every
// resource to every principal, without a condition (or no policy at all);
// ok is false when doc is not JSON. A gateway endpoint whose policy is
// not the default is [reach.GatewayEndpoint.CustomPolicy] (package
// terraform reads aws_vpc_endpoint's policy with it too).
func FullAccessPolicy(doc string) (full, ok bool) {
	if strings.TrimSpace(doc) == "" {
		return true, true
	}
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false, false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(p.Statement, &one) != nil {
			return false, true
		}
		stmts = append(stmts, one)
	}
	if len(stmts) != 1 {
		return false, true
	}
	s := stmts[0]
	star := func(key string) bool {
		var v any
		if json.Unmarshal(s[key], &v) != nil {
			return false
		}
		if m, ok := v.(map[string]any); ok && len(m) == 1 { // Principal {"AWS": "*"}
			v = m["AWS"]
		}
		return isStar(v)
	}
	var effect string
	_ = json.Unmarshal(s["Effect"], &effect)
	_, cond := s["Condition"]
	_, notAction := s["NotAction"]
	_, notResource := s["NotResource"]
	_, notPrincipal := s["NotPrincipal"]
	return effect == "Allow" && star("Action") && star("Resource") && star("Principal") && !cond && !notAction && !notResource && !notPrincipal, true
}

// vpceTarget is what a route to a vpce-… that is no firewall endpoint
// becomes.
type vpceTarget uint8

const (
	vpceUnknown     vpceTarget = iota // not in the input, or a Gateway Load Balancer endpoint: unmodelled
	vpceGateway                       // a gateway endpoint: modelled
	vpceDropped                       // left out, with a warning or an error
	vpceUnknownList                   // a gateway endpoint whose prefix list the input lacks: unmodelled
	vpceUnavailable                   // a gateway endpoint that is not available: unmodelled
)

// vpceRoute says what the route dest -> target (a vpce-… that is no
// firewall endpoint) of table id, at o, becomes; pl is its prefix list.
func (l *loader) vpceRoute(o jsonloc.Loc, id, dest, target, pl string) vpceTarget {
	r := l.vpces[target]
	switch {
	case r == nil:
		return vpceUnknown
	case strings.EqualFold(r.typ, "Interface"):
		l.warn(o, "route %s -> %s of %s left out: %s is an interface endpoint, which is no route target", dest, target, id, target)
		return vpceDropped
	case r.typ == "unavailable":
		return vpceUnavailable
	case r.typ == "invalid": // an error is recorded: the load fails
		return vpceDropped
	case !strings.EqualFold(r.typ, "Gateway"):
		return vpceUnknown
	case pl != "" && l.lists[pl] == nil:
		return vpceUnknownList
	}
	return vpceGateway
}

// assembleEndpoints gives each gateway endpoint its service's prefix list
// (the AWS-managed list named after the service) once every file is read;
// none (any list) when several lists have that name or the endpoint
// carries IPv6.
func (l *loader) assembleEndpoints() {
	byName := map[string]string{}
	for id, r := range l.lists {
		if r.list.Name == "" {
			continue
		}
		if _, twice := byName[r.list.Name]; twice {
			id = "" // the service's IPv4 and IPv6 lists, say: either
		}
		byName[r.list.Name] = id
	}
	for _, r := range l.vpces {
		// an ipv6 or dualstack endpoint's routes are by the service's
		// IPv6 prefix list, which may have another name: any list is
		// accepted
		if strings.EqualFold(r.typ, "Gateway") && r.ep.IPAddressType != "ipv6" && r.ep.IPAddressType != "dualstack" {
			r.ep.PrefixList = byName[r.ep.Service]
		}
	}
}

// isStar reports whether a policy value is "*" or ["*"].
func isStar(v any) bool {
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	return v == "*"
}

// gatewayEndpoints returns the modelled gateway endpoints, by ID.
func (l *loader) gatewayEndpoints() []*vpceRec {
	var out []*vpceRec
	for _, id := range slices.Sorted(maps.Keys(l.vpces)) {
		if r := l.vpces[id]; strings.EqualFold(r.typ, "Gateway") {
			out = append(out, r)
		}
	}
	return out
}

// addEndpoints gives b the egress-only internet gateways and gateway
// endpoints, and w where each came from.
func (l *loader) addEndpoints(b *reach.Builder, w where) {
	for _, id := range slices.Sorted(maps.Keys(l.eigws)) {
		r := l.eigws[id]
		p := placed{base: r.at}
		p.set("ID", r.at.Field("EgressOnlyInternetGatewayId"))
		p.set("VPC", r.vpc)
		b.AddEgressOnlyInternetGateway(r.eigw)
		w.add("egressOnlyInternetGateways", p)
	}
	for _, r := range l.gatewayEndpoints() {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("VpcEndpointId"))
		p.set("VPC", r.vpc)
		p.set("PrefixList", r.at.Field("ServiceName"))
		p.set("IPAddressType", r.at.Field("IpAddressType"))
		b.AddGatewayEndpoint(r.ep)
		w.add("gatewayEndpoints", p)
	}
}
