package sg_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestOverSourcePorts: a view over the span 1024-65535 (the ports a NAT
// gateway picks) judges a packet at every port of the span, whatever
// source port it carries: one verdict for all is that decision, different
// ones are Indeterminate (SourcePortDiffers). Its bounds add no
// source-port edge, and keep the destination-port edges of rules whose
// source ports leave out the packet's own port.
func TestOverSourcePorts(t *testing.T) {
	span := flow.PortRange{Lo: 1024, Hi: 65535}
	tcp22 := func(a flow.Action, prio int, src flow.PortRange, dst flow.PortRange) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Action: a, Priority: prio, Protocol: flow.TCP, Ports: dst, SourcePorts: src, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	for _, tc := range []struct {
		name  string
		rules []sg.Rule
		want  flow.Verdict
		basis sg.Basis
	}{
		{"drop the span", []sg.Rule{tcp22(flow.Drop, 1, r(1024, 65535), r(22, 22)), tcp22(flow.Pass, 2, flow.PortRange{}, r(22, 22))}, flow.Deny, sg.ByRule},
		{"accept below the span only", []sg.Rule{tcp22(flow.Pass, 1, r(1, 1023), r(22, 22))}, flow.Deny, sg.DefaultDeny},
		{"drop below the span only", []sg.Rule{tcp22(flow.Drop, 1, r(1, 1023), r(22, 22)), tcp22(flow.Pass, 2, flow.PortRange{}, r(22, 22))}, flow.Allow, sg.ByRule},
		{"drop part of the span", []sg.Rule{tcp22(flow.Drop, 1, r(1024, 30000), r(22, 22)), tcp22(flow.Pass, 2, flow.PortRange{}, r(22, 22))}, flow.Indeterminate, sg.SourcePortDiffers},
		{"no source ports", []sg.Rule{tcp22(flow.Pass, 1, flow.PortRange{}, r(22, 22))}, flow.Allow, sg.ByRule},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := sg.Compile([]sg.Group{aliGroup("sg-a", sg.AlibabaEnterprise, tc.rules...)}, nil)
			require.NoError(t, err)
			v := ev.OverSourcePorts(span)
			got, ok := v.SourcePortSpan()
			require.True(t, ok)
			assert.Equal(t, span, got)
			for _, sp := range []uint16{7, 1023, 2000, 40000} {
				f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(addr("198.51.100.7"), sp), Dst: netip.AddrPortFrom(addr("10.0.0.1"), 22)}
				d := v.Evaluate(f, flow.Inbound)
				assert.Equal(t, tc.want, d.Verdict, "source port %d", sp)
				assert.Equal(t, tc.basis, d.Basis, "source port %d", sp)
				assert.Equal(t, tc.want, v.Explain(f, flow.Inbound).Verdict, "Explain, source port %d", sp)
				b := flow.NewBounds(flow.FieldSrcPort, flow.FieldDstPort)
				v.Bounds(f, flow.Inbound, b)
				assert.Len(t, b.Atoms(flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535}), 1, "no source-port edge")
				fixed := flow.NewBounds(flow.FieldDstPort)
				v.Bounds(f, flow.Inbound, fixed)
				assert.Len(t, fixed.Atoms(flow.FieldDstPort, flow.PortRange{Lo: 1, Hi: 65535}), 3, "the rules' destination port 22 is an edge from source port %d", sp)
			}
		})
	}
	_, ok := (*sg.Evaluator)(nil).SourcePortSpan()
	assert.False(t, ok)
	assert.Nil(t, (*sg.Evaluator)(nil).OverSourcePorts(span))
}
