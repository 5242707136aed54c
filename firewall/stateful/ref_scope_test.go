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
	if rr.opaque { // the second rule: a pass of the packet alone
		if rr.sr.Sid() == 2 {
			return "a rule of a group whose rules are unknown may be a packet rule"
		}
		return ""
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

// refSpeakers: who sends a TCP session's first data packet, by its
// application protocol as detected: the server greets first in SMTP,
// FTP, POP3, IMAP and RFB; SSH lets either side begin, and so does a
// session of no detected protocol; the rest: the client.
var refSpeakers = map[string]string{"smtp": "server", "ftp": "server", "pop3": "server", "imap": "server", "rfb": "server",
	"ssh": "either", "none": "either"}

// evaluateOrder is evaluateApp in the order the session's data packets
// come: both orders when it is not known, certain where they agree (or
// both deny), Indeterminate naming the doubt where they differ.
func (e *refEngine) evaluateOrder(s Session) (Decision, bool) {
	who := ""
	if s.Flow.Protocol == flow.TCP {
		app := s.Flow.App.String()
		if s.Flow.App == flow.AppUnset {
			app = DefaultAppProto(s.Flow)
		}
		app = refCanonApp(app)
		if app == "ike" || app == "ftp-data" {
			app = "none"
		}
		who = refSpeakers[app]
	}
	if who == "server" {
		e.serverFirst = true
		defer func() { e.serverFirst = false }()
	}
	if who != "either" {
		return e.evaluateApp(s)
	}
	dc, ok1 := e.evaluateApp(s)
	e.serverFirst = true
	ds, ok2 := e.evaluateApp(s)
	e.serverFirst = false
	if !ok1 || !ok2 {
		return dc, false
	}
	u := Unknown{Stage: DataToServer, Keyword: UnknownFirstSpeaker}
	switch {
	case dc.Verdict != flow.Indeterminate && dc.Verdict == ds.Verdict && refDenies(dc) == refDenies(ds):
		return dc, true
	case dc.Verdict == flow.Deny && ds.Verdict == flow.Deny:
		dc.Undecided = refPlaced(dc.Undecided, u)
		return dc, true
	case dc.Verdict == flow.Indeterminate && ds.Verdict == flow.Indeterminate:
		dc.legs = refDenies(dc) | refDenies(ds)
		return dc, true
	}
	d := Decision{Verdict: flow.Indeterminate, Stage: DataToServer, Action: dc.Action, Indeterminate: &u, Warning: dc.Warning, legs: refDenies(dc) | refDenies(ds)}
	if dc.Verdict == flow.Allow {
		d.Action = ds.Action
	}
	return d, true
}
