package stateful

import "github.com/reachsim/reachsim/flow"

// Action scope: whether a matching pass rule passes the whole flow or only
// the packet it matched (the package doc, Action scope). Suricata decides
// it from the rule's type (docs.suricata.io, "Rule Types and
// Categorization", Action Scope; src/detect-engine-build.c
// SignatureSetType): ip_only, like_ip_only, pd_only, app_layer and app_tx
// rules (and stream matches) act on the flow, pkt rules on the packet.

// scopeFacts are what a rule's options say about its type, gathered as
// they are compiled (keywords.go).
type scopeFacts struct {
	flowState bool   // a flow option other than a direction (established, not_established, stateless, ...)
	flowDir   bool   // flow:to_server or to_client
	pktKW     string // the first packet keyword (ip_proto, itype, icode, sameip, ttl, dsize, flags, ...)
	geoip     bool   // geoip: compatible with IP-only rules, a packet keyword otherwise
	appTx     bool   // a sticky buffer or application-layer keyword (tls.sni, http.host, ssl_state, dns.query, ...)
	alp       bool   // app-layer-protocol
	payload   bool   // content or a payload keyword on the payload (a stream match)
}

// packetKeyword records kw as a packet keyword, the first one kept.
func (f *scopeFacts) packetKeyword(kw string) {
	if f.pktKW == "" {
		f.pktKW = kw
	}
}

// packetScope returns why a rule with these options is a packet rule ("flow
// keyword", "packet keyword itype"), or "" when its action applies to the
// flow. headerApp: the header names an application protocol; portsAny:
// both its ports are any.
//
//   - app_tx (a sticky buffer or application keyword, whatever its flow
//     keyword) rules act on the flow, and payload rules (pkt_stream) too
//     on TCP, where they match the stream ([rule.packetScope]);
//   - a packet keyword makes a pkt rule (geoip only beside ports);
//   - flow:established, not_established (any flow option but a direction)
//     turns app_layer, pd_only, ip_only and like_ip_only rules into pkt
//     rules; flow:to_server or to_client turns ip_only and like_ip_only
//     ones into pkt rules, while app_layer and pd_only rules keep their
//     type;
//   - a rule without such options keeps flow scope: an ip_only or
//     like_ip_only rule, and (reachsim's reading of AWS's StatefulRule API
//     reference, which says Network Firewall stops inspecting the flow
//     for every action of a standard rule) a tcp or udp rule with ports.
func (f *scopeFacts) packetScope(headerApp, portsAny bool) string {
	switch {
	case f.appTx, f.payload:
		return ""
	case f.pktKW != "":
		return "packet keyword " + f.pktKW
	case f.geoip && !portsAny:
		return "packet keyword geoip"
	case f.flowState:
		return "flow keyword"
	case f.flowDir && !headerApp && !f.alp:
		return "flow keyword"
	}
	return ""
}

// packetScope returns why r's action applies to p's packet only, "" when
// it applies to the flow: a payload rule matches the TCP stream (flow
// scope) but the packet of any other protocol.
func (r *rule) packetScope(p *packet) string {
	if r.stream && p.f.Protocol != flow.TCP {
		return "payload rule on a packet of a protocol without a stream"
	}
	return r.pktWhy
}
