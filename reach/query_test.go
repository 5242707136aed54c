package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A half-asked question is an error that names what is missing, never a
// question nobody meant to ask.
func TestHalfAskedQueriesAreErrors(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	echoReply := &reach.ICMPMessage{Type: flow.ICMPEchoReply}
	tests := []struct {
		name string
		q    reach.Query
		says string
	}{
		{"a query without a protocol", reach.Query{From: "web-1", To: "db-1"}, "no protocol"},
		{"a query for all protocols", reach.Query{From: "web-1", To: "db-1", Protocol: flow.AllProtocols}, "a session has one protocol"},
		{"a tcp query without a port", reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP}, "no destination port: a tcp query needs Port"},
		{"a udp query without a port", reach.Query{From: "web-1", To: "db-1", Protocol: flow.UDP, SrcPort: 40000}, "no destination port: a udp query needs Port"},
		{"an icmp query with a port", reach.Query{From: "web-1", To: "db-1", Protocol: flow.ICMP, Port: 22}, "icmp has no ports"},
		{"an icmpv6 query with a source port", reach.Query{From: "web-1", To: "db-1", Protocol: flow.ICMPv6, SrcPort: 22, IPv6: true}, "icmpv6 has no ports"},
		{"a gre query with a port", reach.Query{From: "web-1", To: "db-1", Protocol: flow.GRE, Port: 22}, "gre has no ports"},
		{"a tcp query with an ICMP message", reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 22, ICMP: echoReply}, "tcp has no ICMP type and code"},
		{"a udp query with a domain", reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.UDP, Port: 443, Domain: "www.example.com"}, "carried by tcp, not udp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Check(tt.q)
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, tt.says)
		})
	}
}

// Every ICMP type can be asked, echo reply (0) included; no message means
// an echo request.
func TestICMPMessages(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	tests := []struct {
		name      string
		q         reach.Query
		typ, code uint8
		replyType uint8
	}{
		{"no message is an echo request", reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP}, 8, 0, 0},
		{"type 0 is an echo reply", reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 0}}, 0, 0, 8},
		{"type and code are kept; an error message has no reply", reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 4}}, 3, 4, 0},
		{"no icmpv6 message is an echo request", reach.Query{From: "web-1", To: "2001:db8:ffff::7", Protocol: flow.ICMPv6}, 128, 0, 129},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, [2]uint8{tt.typ, tt.code}, [2]uint8{r.Flow.ICMPType, r.Flow.ICMPCode})
			if r.Flow.IsICMPError() {
				assert.Empty(t, r.Return, "an error message has no reply")
				return
			}
			require.NotEmpty(t, r.Return, "the reply is traced")
			assert.Equal(t, tt.replyType, r.Return[0].Packet.ICMPType)
		})
	}
}

// CheckFlow takes a flow as given, but not the holes a Flow literal with
// a forgotten field falls into.
func TestCheckFlowHoles(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	web, app := netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.2.20")
	tests := []struct {
		name string
		f    flow.Flow
		says string
	}{
		{"the zero flow", flow.Flow{}, "invalid flow"},
		{"a flow without a protocol", flow.Flow{Src: netip.AddrPortFrom(web, 0), Dst: netip.AddrPortFrom(app, 0)}, "protocol 0"},
		{"a tcp flow without a destination port", flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(web, 40000), Dst: netip.AddrPortFrom(app, 0)}, "port 0"},
		{"a udp flow without a source port", flow.Flow{Protocol: flow.UDP, Src: netip.AddrPortFrom(web, 0), Dst: netip.AddrPortFrom(app, 53)}, "port 0"},
		{"an icmp flow with a domain", flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(web, 0), Dst: netip.AddrPortFrom(app, 0), Domain: "example.com"}, "carried by tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.CheckFlow(tt.f)
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, tt.says)
		})
	}
	r, err := m.CheckFlow(flow.MustParse("icmp 10.0.1.10 -> 10.0.2.20 type 0"))
	require.NoError(t, err, "an echo reply is a flow like any other")
	assert.Equal(t, flow.ICMPEchoReply, r.Flow.ICMPType)
}

func TestAQueryFromAPublicAddressLeavesFromThePrivateOne(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	byName, err := m.Check(reach.Query{From: "web-1", To: "198.51.100.7", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	byPublic, err := m.Check(reach.Query{From: "203.0.113.10", To: "198.51.100.7", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, byName.Reachable, byPublic.Reachable)
	assert.Equal(t, byName.Codes(), byPublic.Codes())
	assert.Equal(t, byName.Flow, byPublic.Flow, "the packet leaves web-1 from 10.0.1.10, whichever address named it")
	assert.Empty(t, byPublic.Warnings)
}

func TestAPrivateAddressOutsideTheDesignIsNoInternetHost(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "web-1", To: "192.168.10.5", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, "host 192.168.10.5 outside the design (not an internet address)", r.To)
	r, err = m.Check(reach.Query{From: "web-1", To: "198.51.100.7", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, "internet host 198.51.100.7", r.To)
}

// A word of a query names an interface by its ID first, then by its
// instance's ID, then by its Name tag, whatever the order the interfaces
// were added in; a Name tag on several interfaces is an error naming them,
// unless they are all one instance's, which it then names.
func TestAQueryWordIsAnIDThenAnInstanceThenAName(t *testing.T) {
	addr := netip.MustParseAddr
	extra := []reach.Interface{
		{ID: "eni-x1", Name: "eni-app1", Instance: "i-x", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.21")}, Groups: []string{"sg-app"}},
		{ID: "eni-x2", Name: "i-db1", Instance: "i-x", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.22")}, Groups: []string{"sg-app"}},
		{ID: "eni-x3", Name: "twin", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.23")}, Groups: []string{"sg-app"}},
		{ID: "eni-x4", Name: "twin", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.24")}, Groups: []string{"sg-app"}},
		{ID: "eni-y1", Name: "pair", Instance: "i-y", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.25")}, Groups: []string{"sg-app"}},
		{ID: "eni-y2", Name: "pair", Instance: "i-y", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.26")}, Groups: []string{"sg-app"}},
		{ID: "eni-z1", Name: "split", Instance: "i-z1", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.27")}, Groups: []string{"sg-app"}},
		{ID: "eni-z2", Name: "split", Instance: "i-z2", Subnet: "subnet-app", PrivateIPs: []netip.Addr{addr("10.0.2.28")}, Groups: []string{"sg-app"}},
	}
	for _, first := range []bool{false, true} {
		d := sample.ThreeTierDesign()
		if first {
			d.Interfaces = append(slices.Clone(extra), d.Interfaces...)
		} else {
			d.Interfaces = append(d.Interfaces, extra...)
		}
		m := build(t, d)
		tests := []struct {
			to, dst, label string
		}{
			{"eni-app1", "10.0.2.20", "app-1 (eni-app1)"}, // an ID before another interface's Name tag
			{"i-db1", "10.0.3.30", "db-1 (eni-db1)"},      // an instance before another interface's Name tag
			{"i-x", "10.0.2.21", "i-x"},                   // an instance's first interface
			{"eni-x2", "10.0.2.22", "eni-x2"},
			{"db-1", "10.0.3.30", "db-1 (eni-db1)"},
			{"pair", "10.0.2.25", "i-y pair (eni-y1)"}, // a Name tag on the interfaces of one instance: the instance
		}
		for _, tt := range tests {
			r, err := m.Check(reach.Query{From: "web-1", To: tt.to, Protocol: flow.TCP, Port: 5432})
			require.NoError(t, err, "%s (interfaces added first: %v)", tt.to, first)
			assert.Equal(t, tt.dst, r.Flow.Dst.Addr().String(), "%s (interfaces added first: %v)", tt.to, first)
			assert.Contains(t, r.To, tt.label, "%s (interfaces added first: %v)", tt.to, first)
		}
		_, err := m.Check(reach.Query{From: "web-1", To: "twin", Protocol: flow.TCP, Port: 5432})
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, `name "twin" is on several interfaces (eni-x3, eni-x4); use an ID`)
		_, err = m.Check(reach.Query{From: "web-1", To: "split", Protocol: flow.TCP, Port: 5432})
		assert.ErrorContains(t, err, `name "split" is on several interfaces (eni-z1, eni-z2); use an ID`, "two instances' interfaces")
		_, err = m.Check(reach.Query{From: "web-1", To: "nothing-here", Protocol: flow.TCP, Port: 5432})
		assert.ErrorContains(t, err, `"nothing-here" is no address, interface ID, instance ID or Name tag in the design`)
	}
}
