package stateful

import (
	"fmt"
	"strconv"
	"strings"
)

// Domain-list rule generation, in the forms AWS's developer guide lists
// ("Stateful rules examples: domain list rules"). See
// [RuleGroup.Rules] for the result.

// domainListWords maps a GeneratedRulesType to the action of its rules and
// the word of its msg.
var domainListWords = map[string][2]string{
	"ALLOWLIST":  {"pass", "allowlisted"},
	"DENYLIST":   {"drop", "denylisted"},
	"REJECTLIST": {"reject", "rejectlisted"},
	"ALERTLIST":  {"alert", "alertlisted"},
}

// suricata returns the rules AWS generates for the list, in order, with
// sids from 1. Errors wrap [ErrInvalidGroup].
func (d *DomainList) suricata(order RuleOrder) ([]string, error) {
	words, ok := domainListWords[d.Type]
	if !ok {
		return nil, fmt.Errorf("%w: GeneratedRulesType %q: want ALLOWLIST, DENYLIST, REJECTLIST or ALERTLIST", ErrInvalidGroup, d.Type)
	}
	if len(d.TargetTypes) == 0 {
		return nil, fmt.Errorf("%w: a domain list needs at least one target type (TLS_SNI, HTTP_HOST)", ErrInvalidGroup)
	}
	seenType := map[string]bool{}
	for _, t := range d.TargetTypes {
		if t != "TLS_SNI" && t != "HTTP_HOST" {
			return nil, fmt.Errorf("%w: target type %q: want TLS_SNI or HTTP_HOST", ErrInvalidGroup, t)
		}
		if seenType[t] {
			return nil, fmt.Errorf("%w: target type %s is listed twice", ErrInvalidGroup, t)
		}
		seenType[t] = true
	}
	if len(d.Targets) == 0 {
		return nil, fmt.Errorf("%w: a domain list needs at least one target", ErrInvalidGroup)
	}
	for i, t := range d.Targets {
		if err := checkDomainTarget(t); err != nil {
			return nil, fmt.Errorf("%w: Targets[%d] %q: %s", ErrInvalidGroup, i, t, err)
		}
	}
	prio := ""
	if order == DefaultActionOrder {
		prio = "priority:1; "
	}
	action, word := words[0], words[1]
	var out []string
	sid := 0
	next := func() string { sid++; return strconv.Itoa(sid) }
	for _, target := range d.Targets {
		for _, tt := range d.TargetTypes {
			var match string
			if tt == "TLS_SNI" {
				if strings.HasPrefix(target, ".") {
					match = `ssl_state:client_hello; tls.sni; dotprefix; content:"` + target + `"; nocase; endswith;`
				} else {
					match = `ssl_state:client_hello; tls.sni; content:"` + target + `"; startswith; nocase; endswith;`
				}
				out = append(out, action+` tls $HOME_NET any -> $EXTERNAL_NET any (`+match+` msg:"matching TLS `+word+` FQDNs"; `+prio+`flow:to_server, established; sid:`+next()+`; rev:1;)`)
				continue
			}
			host := strings.ToLower(target)
			if strings.HasPrefix(host, ".") {
				match = `http.host; dotprefix; content:"` + host + `"; endswith;`
			} else {
				match = `http.host; content:"` + host + `"; startswith; endswith;`
			}
			out = append(out, action+` http $HOME_NET any -> $EXTERNAL_NET any (`+match+` msg:"matching HTTP `+word+` FQDNs"; `+prio+`flow:to_server, established; sid:`+next()+`; rev:1;)`)
		}
	}
	if d.Type == "ALLOWLIST" {
		for _, tt := range d.TargetTypes {
			if tt == "TLS_SNI" {
				out = append(out, `drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"not matching any TLS allowlisted FQDNs"; `+prio+`ssl_state:client_hello; flow:to_server, established; sid:`+next()+`; rev:1;)`)
			} else {
				out = append(out, `drop http $HOME_NET any -> $EXTERNAL_NET any (http.header_names; content:"|0d 0a|"; startswith; msg:"not matching any HTTP allowlisted FQDNs"; `+prio+`flow:to_server, established; sid:`+next()+`; rev:1;)`)
			}
		}
	}
	return out, nil
}

// checkDomainTarget checks a domain-list target: a host name, optionally
// with one leading dot, made of letters, digits, '-' and '_'.
func checkDomainTarget(t string) error {
	name := strings.TrimPrefix(t, ".")
	switch {
	case name == "":
		return fmt.Errorf("empty domain name")
	case len(name) > 253:
		return fmt.Errorf("longer than 253 characters")
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, ".."):
		return fmt.Errorf("empty label")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("character %q is not allowed in a domain name (only a leading '.' is a wildcard)", c)
		}
	}
	return nil
}
