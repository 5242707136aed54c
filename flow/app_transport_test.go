package flow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// TestAppRunsOver: each application protocol rides on the transports
// Suricata's parser for it registers for, and a flow naming it on
// another is invalid (audit m17a, finding 3): tls, http, http2 and ssh
// over tcp only, quic and dhcp over udp only, dns over either; no App
// runs over a protocol without ports. snmp runs over udp only (audit
// m17d, finding 1: Suricata's rust/src/snmp/snmp.rs registers its parser
// for IPPROTO_UDP, ports 161 and 162, and nothing over TCP).
func TestAppRunsOver(t *testing.T) {
	for _, tc := range []struct {
		app      string
		tcp, udp bool
		words    string
	}{
		{"tls", true, false, "tcp"},
		{"http", true, false, "tcp"},
		{"http2", true, false, "tcp"},
		{"ssh", true, false, "tcp"},
		{"smb", true, false, "tcp"},
		{"ftp-data", true, false, "tcp"},
		{"quic", false, true, "udp"},
		{"dhcp", false, true, "udp"},
		{"ike", false, true, "udp"},
		{"ntp", false, true, "udp"},
		{"dns", true, true, "tcp or udp"},
		{"krb5", true, true, "tcp or udp"},
		{"nfs", true, true, "tcp or udp"},
		{"dcerpc", true, true, "tcp or udp"},
		{"sip", true, true, "tcp or udp"},
		{"snmp", false, true, "udp"},
		{"ldap", true, true, "tcp or udp"},
		{"none", true, true, "tcp or udp"},
	} {
		t.Run(tc.app, func(t *testing.T) {
			a, err := flow.ParseApp(tc.app)
			require.NoError(t, err)
			assert.Equal(t, tc.tcp, a.RunsOver(flow.TCP), "tcp")
			assert.Equal(t, tc.udp, a.RunsOver(flow.UDP), "udp")
			assert.False(t, a.RunsOver(flow.ICMP), "icmp")
			assert.Equal(t, tc.words, a.TransportWords())
			for _, c := range []struct {
				f  string
				ok bool
			}{
				{"tcp 10.0.0.1:50000 -> 10.0.0.2:443 app " + tc.app, tc.tcp},
				{"udp 10.0.0.1:50000 -> 10.0.0.2:443 app " + tc.app, tc.udp},
			} {
				_, err := flow.Parse(c.f)
				if c.ok {
					assert.NoError(t, err, c.f)
					continue
				}
				assert.ErrorIs(t, err, flow.ErrFlow, c.f)
				assert.ErrorContains(t, err, "app "+tc.app+" runs over "+tc.words+" only", c.f)
			}
		})
	}
	assert.False(t, flow.App(250).RunsOver(flow.TCP), "an invalid App")
	assert.Empty(t, flow.App(250).Transports(), "an invalid App")
	// every name has its transports
	for _, n := range flow.Apps() {
		a, err := flow.ParseApp(n)
		require.NoError(t, err)
		assert.NotEmpty(t, a.Transports(), n)
	}
}
