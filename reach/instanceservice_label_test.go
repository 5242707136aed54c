package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A query's destination label said "(on the sending instance's own
// host)" for the link-local service addresses whatever sent: for an
// internet host, which has no such host (the answer is
// INSTANCE_SERVICE_OUTSIDE_INSTANCE), and for an Alibaba Cloud instance,
// whose packet is walked as any other (audit p6merge finding 4). The
// label names the sending instance's host only for an AWS interface, in
// Check, CheckFlow and Ports alike.
func TestInstanceServiceLabelNamesTheSender(t *testing.T) {
	m, err := hostServiceDesign(true)()
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		q        reach.Query
		own      bool   // the label names the sending instance's own host
		contains string // in the label
	}{
		{"from an AWS instance", reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}, true, "Instance Metadata Service 169.254.169.254"},
		{"from the internet", reach.Query{From: "203.0.113.9", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}, false, "each EC2 instance reaches it on its own host only"},
		{"from a host outside the design", reach.Query{From: "192.168.7.7", To: "169.254.169.250", Protocol: flow.TCP, Port: 1688}, false, "Windows activation"},
		{"from an Alibaba Cloud instance", reach.Query{From: "ecs", To: "169.254.169.123", Protocol: flow.UDP, Port: 123}, false, "Alibaba Cloud instance's packet is routed as any other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, m, tc.q)
			assert.Equal(t, tc.own, r.Forward[0].Kind == reach.KindInstanceService, r.Text())
			assert.Equal(t, tc.own, strings.Contains(r.To, "on the sending instance's own host"), r.To)
			assert.Contains(t, r.To, tc.contains)
			cf, err := m.CheckFlow(r.Flow)
			require.NoError(t, err)
			assert.Equal(t, r.To, cf.To, "CheckFlow")
			if tc.q.From != "203.0.113.9" && tc.q.From != "192.168.7.7" {
				p, err := m.Ports(reach.PortsQuery{From: tc.q.From, To: tc.q.To, Protocol: tc.q.Protocol})
				require.NoError(t, err)
				assert.Equal(t, r.To, p.To, "Ports")
			}
		})
	}
}
