package stateful

// The domain a session's client sends, when the session does not say it,
// and the drop rules of a STRICT_ORDER domain allowlist, which AWS's
// documents disagree on.
//
// A session whose Flow.Domain is "" carries a TLS SNI or HTTP Host that
// is not known (or none at all): at the client's first application
// message of a TLS (HTTP) session, every rule that reads tls.sni
// (http.host) might match (match.go), and the worlds (worlds.go) try each
// such rule matching and not. Where every world gives the same answer it
// is certain; where they differ the verdict is Indeterminate, naming the
// first such rule met, keyword "tls.sni" or "http.host", and what is
// missing: the domain the client sends.

// The Why of an [Unknown] left undecided by the domain the session does
// not give (Keyword "tls.sni" or "http.host").
const (
	whySNIUnknown  = "the TLS SNI the client sends, which the session does not give (flow \"domain NAME\", reach.Query.Domain, --domain)"
	whyHostUnknown = "the HTTP Host the client sends, which the session does not give (flow \"domain NAME\", reach.Query.Domain, --domain)"
)

// domainUnknownBy names r's buffer that reads the domain the session does
// not give at p (p.sniUnknown, p.hostUnknown), or "" when r reads none.
func (r *rule) domainUnknownBy(p *packet) (kw, why string) {
	for i := range r.bufs {
		switch k := r.bufs[i].kind; {
		case k == bufSNI && p.sniUnknown:
			return bufNames[bufSNI], whySNIUnknown
		case k == bufHost && p.hostUnknown:
			return bufNames[bufHost], whyHostUnknown
		}
	}
	return "", ""
}

// UnknownGeneratedDrop is the Keyword of an [Unknown] that names one of
// the "not matching any TLS (HTTP) allowlisted FQDNs" drop rules of a
// domain ALLOWLIST under STRICT_ORDER: whether Network Firewall
// generates it, AWS's documents disagree (see the package doc, Domain
// lists), so the rule is undecidable wherever it would match.
const UnknownGeneratedDrop = "generated-drop"

// whyGeneratedDrop is the Why of an [Unknown] of Keyword
// UnknownGeneratedDrop.
const whyGeneratedDrop = "whether AWS generates this drop rule for a STRICT_ORDER domain allowlist: " +
	"its developer guide says so, its best-practices guide says not (you set a drop default)"

// disputeGeneratedDrops marks the drop rules a domain ALLOWLIST under
// STRICT_ORDER generates (the last rules of the group, one per target
// type: DomainList.suricata) undecidable, Keyword UnknownGeneratedDrop.
func disputeGeneratedDrops(rules []rule, g *RuleGroup, order RuleOrder) {
	d := g.DomainList
	if order != StrictOrder || d == nil || d.Type != "ALLOWLIST" || len(d.TargetTypes) > len(rules) {
		return
	}
	for i := len(rules) - len(d.TargetTypes); i < len(rules); i++ {
		if rules[i].unknownKW == "" {
			rules[i].unknownKW, rules[i].unknownWhy = UnknownGeneratedDrop, whyGeneratedDrop
		}
	}
}

// DomainNotGiven reports whether u is a rule left undecided by the domain
// the session does not give (Flow.Domain ""): its Keyword "tls.sni" or
// "http.host", its Why naming the TLS SNI or HTTP Host the client sends.
// A caller names the domain as what is missing.
func (u Unknown) DomainNotGiven() bool {
	return u.Keyword == bufNames[bufSNI] && u.Why == whySNIUnknown || u.Keyword == bufNames[bufHost] && u.Why == whyHostUnknown
}
