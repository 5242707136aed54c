package stateful_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestDomainOnPortOfNeitherTLSNorHTTP: Suricata (and so Network Firewall)
// detects the application protocol by content, not by port
// (https://docs.suricata.io/en/latest/rules/differences-from-snort.html).
// A session that carries a Domain (a TLS SNI or an HTTP Host) speaks TLS
// or HTTP whatever its port; on a port DefaultAppProto takes for neither,
// the session does not say which, so the engine judges it both ways:
// certain where the two agree, Indeterminate where they differ, naming
// what is missing. Before, such a session was taken as protocol "none":
// a DENYLIST let the denied name through and an ALLOWLIST under
// aws:drop_established dropped the allowed one, for certain. Without a
// Domain the port-based guess stands (a documented limit).
func TestDomainOnPortOfNeitherTLSNorHTTP(t *testing.T) {
	list := func(name, kind string, order stateful.RuleOrder, target string, types ...string) stateful.GroupRef {
		return groupAt(1, stateful.RuleGroup{Name: name, RuleOrder: order, DomainList: &stateful.DomainList{
			Targets: []string{target}, TargetTypes: types, Type: kind}})
	}
	denyTLS := defaultOrderConfig(list("deny", "DENYLIST", stateful.DefaultActionOrder, "evil.example.com", "TLS_SNI"))
	denyBoth := defaultOrderConfig(list("deny", "DENYLIST", stateful.DefaultActionOrder, "evil.example.com", "TLS_SNI", "HTTP_HOST"))
	dropEst := stateful.Defaults{DropEstablished: true}
	allowTLS := strictConfig(dropEst, list("allow", "ALLOWLIST", stateful.StrictOrder, "good.example.com", "TLS_SNI"))
	allowBoth := strictConfig(dropEst, list("allow", "ALLOWLIST", stateful.StrictOrder, "good.example.com", "TLS_SNI", "HTTP_HOST"))
	allowTLSAction := defaultOrderConfig(list("allow", "ALLOWLIST", stateful.DefaultActionOrder, "good.example.com", "TLS_SNI"))
	const missing9443 = "which application protocol the session on tcp/9443 speaks: TLS or HTTP"

	for _, tc := range []struct {
		name     string
		cfg      stateful.Config
		session  stateful.Session
		toServer flow.Verdict // VerdictOn(true)
		toClient flow.Verdict
		missing  string // the Indeterminate's Why, when the readings differ
		noted    bool   // certain, with the doubt listed in Undecided
	}{
		{"TLS-only denylist, denied name on tcp/9443: drops as TLS, passes as HTTP",
			denyTLS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain evil.example.com"),
			flow.Indeterminate, flow.Allow, missing9443, false},
		{"TLS and HTTP denylist, denied name on tcp/9443: drops either way",
			denyBoth, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain evil.example.com"),
			flow.Deny, flow.Allow, "", true},
		{"TLS and HTTP denylist, another name on tcp/9443: passes either way, the protocol decides nothing",
			denyBoth, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain other.example.com"),
			flow.Allow, flow.Allow, "", false},
		{"TLS-only allowlist under aws:drop_established, allowed name on tcp/9443: passes as TLS, data dropped as HTTP",
			allowTLS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain good.example.com"),
			flow.Indeterminate, flow.Allow, missing9443, false},
		{"TLS and HTTP allowlist under aws:drop_established, allowed name on tcp/9443: passes either way",
			allowBoth, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain good.example.com"),
			flow.Allow, flow.Allow, "", true},
		{"TLS-only allowlist under action order, another name on tcp/22: dropped as TLS, passes as HTTP",
			allowTLSAction, session("tcp 10.0.0.5:50000 -> 198.51.100.7:22 domain other.example.com"),
			flow.Indeterminate, flow.Allow, "which application protocol the session on tcp/22 speaks: TLS or HTTP", false},
		{"control: the denied name on tcp/443 (TLS by its port) is dropped",
			denyTLS, session("tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain evil.example.com"),
			flow.Deny, flow.Allow, "", false},
		{"control: the session names its protocol (HTTP): a TLS-only denylist passes it",
			denyTLS, appSession("tcp 10.0.0.5:50000 -> 198.51.100.7:9443 domain evil.example.com", "http"),
			flow.Allow, flow.Allow, "", false},
		{"limit: without a Domain, tcp/9443 is taken for no application protocol (the port-based guess)",
			allowTLSAction, session("tcp 10.0.0.5:50000 -> 198.51.100.7:9443"),
			flow.Allow, flow.Allow, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stateful.Compile(tc.cfg, nil)
			require.NoError(t, err)
			d := e.Evaluate(tc.session)
			assert.Equal(t, tc.toServer, d.VerdictOn(true), d.String())
			assert.Equal(t, tc.toClient, d.VerdictOn(false), d.String())
			ts, tcl := e.Verdicts(tc.session)
			assert.Equal(t, tc.toServer, ts, "Verdicts agrees with Evaluate")
			assert.Equal(t, tc.toClient, tcl, "Verdicts agrees with Evaluate")
			v, st := e.Verdict(tc.session)
			assert.Equal(t, d.Verdict, v)
			assert.Equal(t, d.Stage, st)
			ex := e.Explain(tc.session)
			assert.Equal(t, d.Verdict, ex.Verdict)
			assert.Equal(t, d.Stage, ex.Stage)
			if tc.missing != "" {
				require.NotNil(t, d.Indeterminate, d.String())
				assert.Equal(t, stateful.UnknownAppProto, d.Indeterminate.Keyword)
				assert.Zero(t, d.Indeterminate.Sid)
				assert.Equal(t, tc.missing, d.Indeterminate.Why)
				assert.Contains(t, d.Indeterminate.Rule, "as TLS: ")
				assert.Contains(t, d.Indeterminate.Rule, "; as HTTP: ")
				assert.Contains(t, d.String(), tc.missing)
				return
			}
			noted := false
			for _, u := range d.Undecided {
				noted = noted || u.Keyword == stateful.UnknownAppProto && u.Sid == 0
			}
			assert.Equal(t, tc.noted, noted, "the doubt is listed in Undecided: %s", d.String())
		})
	}
}
