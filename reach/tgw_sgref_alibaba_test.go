package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// An Alibaba Cloud group behind a transit gateway whose security group
// referencing support the input lacks: such groups take no part in the
// gateway's referencing, so they judge the packet as they would anywhere.
// A basic group's evaluator for an unknown identity asked for its
// members' list, which the unknown identity cannot give, and every
// question to the interface panicked (audit alibaba20 finding 1).
func TestAlibabaGroupsBehindTGWOfUnknownReferencing(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, tc := range []struct {
		flavour sg.Flavour
		port    uint16
		want    reach.Outcome
	}{
		{sg.AlibabaBasic, 443, reach.Reachable},
		{sg.AlibabaBasic, 22, reach.Unreachable},
		{sg.AlibabaEnterprise, 443, reach.Reachable},
		{sg.AlibabaEnterprise, 22, reach.Unreachable},
	} {
		t.Run(tc.flavour.String(), func(t *testing.T) {
			d := newTGWDesign().referencing("unknown", "", "")
			d.groups = append(d.groups, sg.Group{ID: "sg-ali", VPCID: "vpc-b", Flavour: tc.flavour, Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1, ICMPType: -1, ICMPCode: -1},
			}})
			d.ifaces[2].Groups = []string{"sg-ali"}
			m := d.build(t)
			q := reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: tc.port}
			var r *reach.Result
			var err error
			require.NotPanics(t, func() { r, err = m.Check(q) })
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
			require.NotPanics(t, func() {
				brute.CheckSetAnswers(t, m, brute.Options{
					Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}},
					Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}},
					Few:     true,
				})
			})
		})
	}
}
