package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestQueryAppTransport: an application protocol rides on the transport
// its Suricata parser registers for (TLS, HTTP/1, HTTP/2, SSH over TCP;
// QUIC, DHCP over UDP; DNS over both: flow.App.RunsOver). A Query, a
// PortsQuery or a flow given to CheckFlow naming tls over udp or quic
// over tcp describes no session Network Firewall could see: each is
// refused (ErrQuery, naming the app and the transport), while the valid
// ones stay accepted (audit m17a, finding 3).
func TestQueryAppTransport(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	for _, tc := range []struct {
		name   string
		proto  flow.Protocol
		port   uint16
		app    flow.App
		domain string
		ok     bool
	}{
		{"dns over tcp", flow.TCP, 53, flow.AppDNS, "", true},
		{"dns over udp", flow.UDP, 53, flow.AppDNS, "", true},
		{"quic over udp", flow.UDP, 443, flow.AppQUIC, "", true},
		{"ike over udp", flow.UDP, 500, flow.AppIKE, "", true},
		{"sip over tcp", flow.TCP, 5060, flow.AppSIP, "", true},
		{"none over udp", flow.UDP, 9999, flow.AppNone, "", true},
		{"http2 with a domain", flow.TCP, 80, flow.AppHTTP2, "www.example.com", true},
		{"tls over udp", flow.UDP, 443, flow.AppTLS, "", false},
		{"http over udp", flow.UDP, 80, flow.AppHTTP, "", false},
		{"ssh over udp", flow.UDP, 22, flow.AppSSH, "", false},
		{"quic over tcp", flow.TCP, 443, flow.AppQUIC, "", false},
		{"dhcp over tcp", flow.TCP, 67, flow.AppDHCP, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: tc.proto, Port: tc.port, App: tc.app, Domain: tc.domain}
			_, err := m.Check(q)
			_, perr := m.Ports(reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: tc.proto, App: tc.app, Domain: tc.domain})
			if tc.ok {
				assert.NoError(t, err)
				assert.NoError(t, perr, "Ports")
				return
			}
			assert.ErrorIs(t, err, reach.ErrQuery, "%s app %s accepted", tc.proto, tc.app)
			assert.ErrorContains(t, err, "app "+tc.app.String()+" runs over")
			assert.ErrorContains(t, err, "not "+tc.proto.String())
			assert.ErrorIs(t, perr, reach.ErrQuery, "Ports: %s app %s accepted", tc.proto, tc.app)
		})
	}
}
