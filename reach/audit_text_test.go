package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

func TestAuditResultText(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	demo, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	p := netip.MustParsePrefix
	ssh := flow.SetOf(flow.Single[uint16](22))
	hand := &reach.AuditResult{Interfaces: 1, Findings: []reach.Finding{
		{Interface: "eni-a", Name: "bastion\n", Address: netip.MustParseAddr("203.0.113.5"), Service: "SSH", Severity: reach.High,
			Protocol: flow.TCP, Ports: ssh, Exposure: reach.Exposed, Sources: []netip.Prefix{p("198.51.100.0/24")},
			OpenedBy: []string{"sg-a rule sgr-1 (tcp/22 from 198.51.100.0/24)"}},
		{Interface: "eni-a", Address: netip.MustParseAddr("203.0.113.5"), Service: "Grafana", Severity: reach.Low,
			Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](3000)), Exposure: reach.Undecided, Sources: []netip.Prefix{p("192.0.2.0/24")},
			OpenedBy: []string{"sg-a rule #2 (tcp/3000 from 0.0.0.0/0)"}},
	}}
	for _, tt := range []struct {
		name string
		a    *reach.AuditResult
		want string
	}{
		{"the sample: SSH opened by the group, closed by the firewall", demo, `audited 3 interfaces: 1 finding (0 exposed, 0 indeterminate, 1 closed)
high   closed        SSH tcp/22 on web-1 (eni-web1) [203.0.113.10]
    opened by sg-web rule sgr-web-ssh (tcp/22 from 198.51.100.0/24)
    closed by network-firewall vpce-fw (FIREWALL_DROP, forward hop 4)
`},
		{"exposed and indeterminate, names escaped", hand, `audited 1 interface: 2 findings (1 exposed, 1 indeterminate, 0 closed)
high   exposed       SSH tcp/22 on bastion\n (eni-a) [203.0.113.5]
    from 198.51.100.0/24
    opened by sg-a rule sgr-1 (tcp/22 from 198.51.100.0/24)
low    indeterminate Grafana tcp/3000 on eni-a [203.0.113.5]
    from 192.0.2.0/24
    opened by sg-a rule #2 (tcp/3000 from 0.0.0.0/0)
`},
		{"nothing found", &reach.AuditResult{Interfaces: 2, Findings: []reach.Finding{}},
			"audited 2 interfaces: no finding (no security group rule opens a risky service to internet addresses)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.Text())
		})
	}
}
