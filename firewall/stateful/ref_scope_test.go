package stateful

import (
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// The reference's action scope (the package doc, Action scope), read from
// the rule's text apart from the engine's compiler.

// refPacketScope returns why rule rr's pass applies to a packet of
// protocol proto only, "" when it applies to the flow.
func (e *refEngine) refPacketScope(rr *refRule, proto flow.Protocol) string {
	if len(rr.g.StandardRules) > 0 {
		return "" // AWS: a standard rule acts on the flow
	}
	sr := &rr.sr
	headerApp := true
	switch sr.Protocol {
	case "ip", "ipv4", "ipv6", "pkthdr", "tcp", "tcp-pkt", "tcp-stream", "udp", "icmp", "icmpv4", "icmpv6", "sctp":
		headerApp = false
	}
	portsAny := e.portsAll(rr.g, sr.SrcPorts) && e.portsAll(rr.g, sr.DstPorts)
	var flowState, flowDir, geoip, appTx, alp, payload bool
	pkt := ""
	buf := false // a sticky buffer is active
	for _, o := range sr.Options {
		kw := o.Keyword
		switch {
		case refInfoKeywords[kw], kw == "requires", kw == "alert", kw == "threshold", kw == "detection_filter":
		case kw == "flowbits":
			if strings.HasPrefix(o.Value, "isset") || strings.HasPrefix(o.Value, "isnotset") {
				pkt = cmpOr(pkt, kw)
			}
		case kw == "flow":
			for _, v := range strings.Split(o.Value, ",") {
				switch strings.TrimSpace(v) {
				case "to_server", "to_client", "from_server", "from_client":
					flowDir = true
				default:
					flowState = true
				}
			}
		case kw == "app-layer-protocol":
			alp = true
		case kw == "geoip":
			geoip = true
		case kw == "ssl_state", strings.Contains(kw, "."):
			appTx, buf = true, true
		case kw == "content", kw == "pcre":
			payload = payload || !buf
		case kw == "ip_proto", kw == "itype", kw == "icode", kw == "sameip":
			pkt = cmpOr(pkt, kw)
		}
	}
	switch {
	case appTx:
		return ""
	case payload:
		if proto != flow.TCP {
			return "payload rule on a packet of a protocol without a stream"
		}
		return ""
	case pkt != "":
		return "packet keyword " + pkt
	case geoip && !portsAny:
		return "packet keyword geoip"
	case flowState, flowDir && !headerApp && !alp:
		return "flow keyword"
	}
	return ""
}

// cmpOr returns a, or b when a is "".
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
