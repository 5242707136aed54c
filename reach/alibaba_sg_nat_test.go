package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Alibaba Cloud security group rules naming source ports after a NAT
// gateway (audit clientports23 finding 3): ecs-priv reaches ecs-web's
// public address through nat-a, which sends the session from a port of
// its own, 1024-65535 (natport.go). ecs-web's group judges that port,
// over every port the gateway may pick, not ecs-priv's client port: the
// same verdict for all is that verdict, different ones leave the hop
// undecided (NAT_PORT_UNKNOWN). Verdict, Check, Sources (from the
// default client port and from every client port) and Ports agree.
func TestAlibabaSGAfterNATJudgesNATPorts(t *testing.T) {
	in, pass, drop := flow.Inbound, flow.Pass, flow.Drop
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	anyPort := flow.PortRange{}
	for _, tc := range []struct {
		name string
		web  []sg.Rule
		want reach.Outcome
		code reach.Code // on the security group hop, when blocked or undecided
	}{
		{"drop the gateway's ports", []sg.Rule{aliCPRule(in, drop, 1, "0.0.0.0/0", r(1024, 65535), anyPort), aliCPRule(in, pass, 2, "0.0.0.0/0", anyPort, anyPort)}, reach.Unreachable, reach.SGDeny},
		{"accept low ports only", []sg.Rule{aliCPRule(in, pass, 1, "0.0.0.0/0", r(1, 1023), anyPort), aliCPRule(in, drop, 2, "0.0.0.0/0", anyPort, anyPort)}, reach.Unreachable, reach.SGDeny},
		{"drop low ports only", []sg.Rule{aliCPRule(in, drop, 1, "0.0.0.0/0", r(1, 1023), anyPort), aliCPRule(in, pass, 2, "0.0.0.0/0", anyPort, anyPort)}, reach.Reachable, ""},
		{"drop some of the gateway's ports", []sg.Rule{aliCPRule(in, drop, 1, "0.0.0.0/0", r(1024, 30000), anyPort), aliCPRule(in, pass, 2, "0.0.0.0/0", anyPort, anyPort)}, reach.Indeterminate, reach.NATPortUnknown},
		{"source-port drop on some destination ports", []sg.Rule{aliCPRule(in, drop, 1, "0.0.0.0/0", r(1024, 65535), r(20, 22)), aliCPRule(in, pass, 2, "0.0.0.0/0", anyPort, r(1, 100))}, reach.Unreachable, reach.SGDeny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, fl := range []sg.Flavour{sg.AlibabaBasic, sg.AlibabaEnterprise} {
				m := aliCPAliDesign(t, fl, tc.web, nil)
				q := reach.Query{From: "eni-priv", To: "198.51.100.10", Protocol: flow.TCP, Port: 22}
				for _, p := range []uint16{500, 1023, 5000, 50000} {
					q.SrcPort = p
					o, err := m.Verdict(q)
					require.NoError(t, err)
					assert.Equal(t, tc.want.String(), o.String(), "%v: Verdict from client port %d", fl, p)
					res, err := m.Check(q)
					require.NoError(t, err)
					assert.Equal(t, tc.want.String(), res.Outcome.String(), "%v: Check from client port %d\n%s", fl, p, res.Text())
					if tc.code != "" {
						found := false
						for _, h := range res.Forward {
							found = found || h.Kind == reach.KindSecurityGroups && h.Code == tc.code
						}
						assert.True(t, found, "%v: from client port %d, a security group hop with code %s\n%s", fl, p, tc.code, res.Text())
					}
				}
				for _, anyClient := range []bool{false, true} {
					s, err := m.Sources(reach.SourcesQuery{To: "198.51.100.10", Protocol: flow.TCP, Port: 22, AnyClientPort: anyClient})
					require.NoError(t, err)
					assert.Equal(t, tc.want.String(), aliCPIfaceOutcome(s, "eni-priv").String(), "%v: Sources (every client port: %v)\n%s", fl, anyClient, s)
				}
				pr, err := m.Ports(reach.PortsQuery{From: "eni-priv", To: "198.51.100.10", Protocol: flow.TCP})
				require.NoError(t, err)
				for port := uint16(1); port <= 120; port++ {
					want, err := m.Verdict(reach.Query{From: "eni-priv", To: "198.51.100.10", Protocol: flow.TCP, Port: port})
					require.NoError(t, err)
					got := reach.Unreachable
					switch {
					case pr.Open.Contains(port):
						got = reach.Reachable
					case pr.Indeterminate.Contains(port):
						got = reach.Indeterminate
					}
					assert.Equal(t, want.String(), got.String(), "%v: Ports, destination port %d", fl, port)
				}
			}
		})
	}
}

// TestSourcesAnyClientAlibabaAfterNAT is the audit's probe
// (TestAuditClientports23AlibabaAfterNAT): ecs-web's group drops tcp/22
// from source ports 1024-65535 at priority 1 and accepts at 2 (or the
// converse, accepting 1-1023 only): no port nat-a picks gets in, whatever
// ecs-priv's client port.
func TestSourcesAnyClientAlibabaAfterNAT(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	in, pass, drop := flow.Inbound, flow.Pass, flow.Drop
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	for _, web := range [][]sg.Rule{
		{aliCPRule(in, drop, 1, "0.0.0.0/0", r(1024, 65535), flow.PortRange{}), aliCPRule(in, pass, 2, "0.0.0.0/0", flow.PortRange{}, flow.PortRange{})},
		{aliCPRule(in, pass, 1, "0.0.0.0/0", r(1, 1023), flow.PortRange{}), aliCPRule(in, drop, 2, "0.0.0.0/0", flow.PortRange{}, flow.PortRange{})},
	} {
		m := aliCPAliDesign(t, sg.AlibabaBasic, web, nil)
		for _, p := range []uint16{500, 1023, 5000} {
			o, err := m.Verdict(reach.Query{From: "eni-priv", To: "198.51.100.10", Protocol: flow.TCP, Port: 22, SrcPort: p})
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable.String(), o.String(), "%v: from ecs-priv's client port %d through nat-a: ecs-web's group sees the gateway's port, 1024-65535", web[0], p)
		}
		aliCPCheckSources(t, m, reach.SourcesQuery{To: "198.51.100.10", Protocol: flow.TCP, Port: 22}, []string{"eni-priv", "eni-cl"}, "after nat-a")
		s, err := m.Sources(reach.SourcesQuery{To: "198.51.100.10", Protocol: flow.TCP, Port: 22, AnyClientPort: true})
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable.String(), aliCPIfaceOutcome(s, "eni-priv").String(), "%v:\n%s", web[0], s)
	}
}
