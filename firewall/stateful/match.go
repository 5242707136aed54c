package stateful

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// The matcher: a compiled rule applied to one stage's packet.

// match applies r to one stage's packet.
func (r *rule) match(p *packet) matchResult {
	if r.never {
		return matchNo
	}
	spec := p.spec
	if r.ipOnly && !p.first {
		return matchNo
	}
	if len(r.apps) > 0 && (!p.appKnown || !slices.Contains(r.apps, p.app)) {
		return matchNo
	}
	if r.protoAny {
		if r.family == 4 && !p.f.Src.Addr().Is4() || r.family == 6 && p.f.Src.Addr().Is4() {
			return matchNo
		}
	} else if !r.hasProto(p.f.Protocol) {
		return matchNo
	}
	if r.est > 0 && !spec.established || r.est < 0 && spec.established {
		return matchNo
	}
	if r.dir > 0 && !spec.toServer || r.dir < 0 && spec.toServer {
		return matchNo
	}
	if r.needsPayload && !spec.payload {
		return matchNo
	}
	if !r.header(p) {
		return matchNo
	}
	res := matchYes
	if r.setKW != "" && !r.headerSure(p) {
		res = matchMaybe
	}
	for i := range r.conds {
		switch r.conds[i].eval(p) {
		case matchNo:
			return matchNo
		case matchMaybe:
			res = matchMaybe
		}
	}
	for i := range r.bufs {
		switch r.bufs[i].eval(p) {
		case matchNo:
			return matchNo
		case matchMaybe:
			res = matchMaybe
		}
	}
	if r.unknownKW != "" {
		res = matchMaybe
	}
	return res
}

// header reports whether the rule's addresses and ports may match p, both
// ways for "<>".
func (r *rule) header(p *packet) bool {
	return r.headerIn(p, &r.src, &r.dst, r.srcAny, r.dstAny)
}

// headerSure reports whether the rule's addresses and ports certainly
// match p: header, with the addresses an IP set whose entries are unknown
// leaves in doubt taken out.
func (r *rule) headerSure(p *packet) bool {
	return r.headerIn(p, &r.srcSure, &r.dstSure, false, false)
}

func (r *rule) headerIn(p *packet, srcSet, dstSet *addrset.Set, srcAny, dstAny bool) bool {
	src, dst := p.f.Src.Addr(), p.f.Dst.Addr()
	sp, dp := p.f.Src.Port(), p.f.Dst.Port()
	ports := p.hasPorts()
	fits := func(set *flow.PortSet, any bool, port uint16) bool {
		return any || ports && set.Contains(port)
	}
	if (srcAny || srcSet.Contains(src)) && (dstAny || dstSet.Contains(dst)) &&
		fits(&r.sp, r.spAny, sp) && fits(&r.dp, r.dpAny, dp) {
		return true
	}
	return r.bidir && (srcAny || srcSet.Contains(dst)) && (dstAny || dstSet.Contains(src)) &&
		fits(&r.sp, r.spAny, dp) && fits(&r.dp, r.dpAny, sp)
}

func (c *cond) eval(p *packet) matchResult {
	var ok bool
	switch c.kind {
	case condIPProto:
		ok = c.num.test(int(p.f.Protocol))
	case condIType:
		ok = p.f.Protocol.IsICMP() && c.num.test(int(p.f.ICMPType))
	case condICode:
		ok = p.f.Protocol.IsICMP() && c.num.test(int(p.f.ICMPCode))
	case condSameIP:
		ok = p.f.Src.Addr() == p.f.Dst.Addr()
	case condALP:
		ok = p.appKnown && slices.Contains(c.apps, p.app) != c.neg
	case condSSLState:
		cur := ""
		switch {
		case p.spec.request:
			cur = "client_hello"
		case p.spec.response:
			cur = "server_hello"
		}
		unknown := false
		for _, s := range c.states {
			if s.name != "client_hello" && s.name != "server_hello" {
				unknown = true
				continue
			}
			if (cur == s.name) != s.neg {
				return matchYes
			}
		}
		if unknown {
			return matchMaybe
		}
		return matchNo
	}
	if ok {
		return matchYes
	}
	return matchNo
}

func (b *buffer) eval(p *packet) matchResult {
	var buf []byte
	switch b.kind {
	case bufSNI:
		if !p.sniVisible {
			if p.sniUnknown {
				return matchMaybe
			}
			return matchNo
		}
		buf = p.rawDot
		if b.lower {
			buf = p.lowDot
		}
	case bufHost:
		if !p.hostVisible {
			if p.hostUnknown {
				return matchMaybe
			}
			return matchNo
		}
		buf = p.lowDot
	case bufHeaderNames:
		if !p.httpRequest {
			return matchNo
		}
		// The buffer is unknown except that it starts with "\r\n".
		for i := range b.contents {
			c := &b.contents[i]
			if c.neg || !c.starts || c.ends || c.hasDepth || c.offset != 0 || len(c.pat) > 2 || string(c.pat) != "\r\n"[:len(c.pat)] {
				return matchMaybe
			}
		}
		if b.unknown {
			return matchMaybe
		}
		return matchYes
	}
	if !b.dot {
		buf = buf[1:]
	}
	res := matchYes
	for i := range b.contents {
		c := &b.contents[i]
		if c.find(buf) == c.neg {
			res = matchNo
			break
		}
	}
	if b.unknown && res == matchYes {
		return matchMaybe
	}
	return res
}

// find reports whether c's pattern occurs in buf where its modifiers
// allow.
func (c *contentMatch) find(buf []byte) bool {
	n := len(c.pat)
	lo, hi := c.offset, len(buf)-n // candidate start positions
	if c.hasDepth {
		hi = min(hi, c.offset+c.depth-n)
	}
	if c.starts {
		hi = min(hi, lo)
		if lo != 0 {
			return false
		}
	}
	if c.ends {
		lo = max(lo, len(buf)-n)
	}
	for i := lo; i <= hi; i++ {
		if i < 0 {
			continue
		}
		if equalBytes(buf[i:i+n], c.pat, c.nocase) {
			return true
		}
	}
	return false
}

func equalBytes(a, b []byte, nocase bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x != y {
			if !nocase {
				return false
			}
			if 'A' <= x && x <= 'Z' {
				x += 'a' - 'A'
			}
			if 'A' <= y && y <= 'Z' {
				y += 'a' - 'A'
			}
			if x != y {
				return false
			}
		}
	}
	return true
}

// mismatch says why r does not match p (Explain only), in the order match
// checks; "" when it matches or might.
func (r *rule) mismatch(p *packet) string {
	spec := p.spec
	switch {
	case r.never:
		return r.neverWhy
	case r.ipOnly && !p.first:
		return "an IP-only rule is checked on the first packet of each direction only"
	case len(r.apps) > 0 && !p.appKnown:
		return "the application protocol is not known yet"
	case len(r.apps) > 0 && !slices.Contains(r.apps, p.app):
		return "the application protocol is " + p.app
	case r.protoAny && (r.family == 4 && !p.f.Src.Addr().Is4() || r.family == 6 && p.f.Src.Addr().Is4()):
		return "another address family"
	case !r.protoAny && !r.hasProto(p.f.Protocol):
		return "protocol " + p.f.Protocol.String()
	case r.est > 0 && !spec.established:
		return "not established"
	case r.est < 0 && spec.established:
		return "established"
	case r.dir > 0 && !spec.toServer:
		return "to the client, the rule wants to_server"
	case r.dir < 0 && spec.toServer:
		return "to the server, the rule wants to_client"
	case r.needsPayload && !spec.payload:
		return "the packet carries no payload"
	case !r.header(p):
		return "addresses or ports do not match " + p.f.String()
	}
	for i := range r.conds {
		if r.conds[i].eval(p) == matchNo {
			return "an option does not hold"
		}
	}
	for i := range r.bufs {
		if r.bufs[i].eval(p) == matchNo {
			return bufNames[r.bufs[i].kind] + " does not match"
		}
	}
	return ""
}
