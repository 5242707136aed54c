package aws_test

import (
	"net/netip"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

const tlsConfigARN = "arn:aws:network-firewall:us-east-1:111122223333:tls-configuration/inspect-all"

// TestTLSInspectionLeavesTCPUndecided: a policy with a
// TLSInspectionConfigurationArn decrypts the TLS in its scope, inspects it
// with the stateful rules and drops, among others, TLS without a server
// name and non-TLS traffic in scope (AWS, "Considerations when working
// with TLS inspection configurations",
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/tls-inspection-considerations.html).
// The scope is not in describe-firewall-policy's output and reachsim does
// not model the inspection: a TCP session forwarded to the stateful engine
// is Indeterminate, unless the engines drop it for certain in the
// handshake, or by a default action or a rule that does not read the
// application layer when no pass rule reads it; other protocols are
// unaffected. Before, Build dropped the ARN
// and the answer was a certain Allow.
func TestTLSInspectionLeavesTCPUndecided(t *testing.T) {
	policy := func(extra string) string {
		return `{
  "FirewallPolicyResponse": {"FirewallPolicyName": "tls-insp", "FirewallPolicyArn": "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/tls-insp"},
  "FirewallPolicy": {
    "StatelessDefaultActions": ["aws:forward_to_sfe"],
    "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"]` + extra + `,
    "TLSInspectionConfigurationArn": "` + tlsConfigARN + `"
  }
}`
	}
	const missing = "the TLS inspection configuration " + tlsConfigARN + " of policy tls-insp, which may decrypt and drop this session"
	strictDrop := `, "StatefulDefaultActions": ["aws:drop_strict"], "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"}`
	dropEst := `, "StatefulDefaultActions": ["aws:drop_established"], "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"}`
	for _, tc := range []struct {
		name            string
		policy          string
		flow            string
		request, reply  flow.Verdict
		requestUndecide bool // the request's Indeterminate names the configuration
	}{
		{"HTTPS without SNI, no rules: undecided both ways", policy(""), "tcp 10.0.0.5:50000 -> 198.51.100.7:443", flow.Indeterminate, flow.Indeterminate, true},
		{"HTTPS with SNI: undecided too (the scope may hold it)", policy(""), "tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com", flow.Indeterminate, flow.Indeterminate, true},
		{"aws:drop_established drops the data, after the handshake: certain (inspection only adds drops); the reply is undecided", policy(dropEst), "tcp 10.0.0.5:50000 -> 198.51.100.7:443", flow.Deny, flow.Indeterminate, false},
		{"aws:drop_strict drops the SYN for certain, before any inspection", policy(strictDrop), "tcp 10.0.0.5:50000 -> 198.51.100.7:443", flow.Deny, flow.Allow, false},
		{"UDP is unaffected", policy(""), "udp 10.0.0.5:50000 -> 198.51.100.7:53", flow.Allow, flow.Allow, false},
		{"ICMP is unaffected", policy(""), "icmp 10.0.0.5 -> 198.51.100.7 type 8 code 0", flow.Allow, flow.Allow, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := aws.ParseFirewallPolicy([]byte(tc.policy))
			require.NoError(t, err)
			assert.Equal(t, tlsConfigARN, spec.TLSInspectionConfiguration)
			pol, err := spec.Build(nil)
			require.NoError(t, err)
			assert.Equal(t, tlsConfigARN, pol.TLSInspectionConfigurationArn, "Build carries the ARN")
			pol.Stateful.HomeNet = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
			e, err := firewall.Compile(pol, nil)
			require.NoError(t, err)
			c := firewall.Connection{Flow: flow.MustParse(tc.flow), Request: true, Reply: true}
			d := e.Evaluate(c)
			assert.Equal(t, tc.request, d.VerdictOn(false), d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), d.ReasonOn(true))
			req, rep := e.Verdicts(c)
			assert.Equal(t, tc.request, req, "Verdicts agrees with Evaluate")
			assert.Equal(t, tc.reply, rep, "Verdicts agrees with Evaluate")
			o := e.Outline(c)
			assert.Equal(t, [2]flow.Verdict{tc.request, tc.reply}, o.Verdict, "Outline agrees with Evaluate")
			m, fix := d.UnknownOn(false)
			if tc.requestUndecide {
				assert.Equal(t, missing, m)
				assert.Contains(t, fix, "describe-tls-inspection-configuration")
				assert.Contains(t, d.ReasonOn(false), "TLS inspection configuration "+tlsConfigARN)
				assert.Equal(t, missing, o.Missing[0])
			} else {
				assert.Empty(t, m)
			}
		})
	}
	t.Run("without TLS inspection the same session is allowed", func(t *testing.T) {
		spec, err := aws.ParseFirewallPolicy([]byte(strings.Replace(policy(""), `"`+tlsConfigARN+`"`, `""`, 1)))
		require.NoError(t, err)
		pol, err := spec.Build(nil)
		require.NoError(t, err)
		pol.Stateful.HomeNet = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
		e := firewall.MustCompile(pol, nil)
		req, rep := e.Verdicts(firewall.Connection{Flow: flow.MustParse("tcp 10.0.0.5:50000 -> 198.51.100.7:443"), Request: true, Reply: true})
		assert.Equal(t, flow.Allow, req)
		assert.Equal(t, flow.Allow, rep)
	})
}

// TestLoadWarnsOfTLSInspection: the loader names the JSON path of the
// ARN, and a trace through the firewall is undecided, naming the
// configuration as what is missing.
func TestLoadWarnsOfTLSInspection(t *testing.T) {
	fsys, plain := fstest.MapFS{}, fstest.MapFS{}
	entries, err := os.ReadDir("../sample/aws")
	require.NoError(t, err)
	for _, en := range entries {
		data, err := os.ReadFile("../sample/aws/" + en.Name())
		require.NoError(t, err)
		plain["dump/"+en.Name()] = &fstest.MapFile{Data: data}
		if en.Name() == "firewall-policy.json" {
			s := strings.Replace(string(data), `"FirewallPolicy": {`, `"FirewallPolicy": {"TLSInspectionConfigurationArn": "`+tlsConfigARN+`",`, 1)
			require.NotEqual(t, string(data), s, "the sample's policy has a FirewallPolicy object")
			data = []byte(s)
		}
		fsys["dump/"+en.Name()] = &fstest.MapFile{Data: data}
	}
	m, rep, err := aws.LoadFS(fsys, "dump")
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "firewall-policy.json: FirewallPolicy.TLSInspectionConfigurationArn")
	q := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v, "Verdict agrees with Check")
	u := r.Undecided()
	require.NotEmpty(t, u, r.Text())
	assert.Equal(t, reach.FirewallIndeterminate, u[0].Code)
	assert.Contains(t, u[0].Missing, "the TLS inspection configuration "+tlsConfigARN+" of policy demo-policy")
	ping := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.ICMP}
	vp, err := m.Verdict(ping)
	require.NoError(t, err)
	without, _, err := aws.LoadFS(plain, "dump")
	require.NoError(t, err)
	vw, err := without.Verdict(ping)
	require.NoError(t, err)
	assert.Equal(t, vw, vp, "ICMP is unaffected by TLS inspection: the answer without it")
}
