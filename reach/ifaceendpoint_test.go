package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// vpceDesign: vpc-1 10.0.0.0/16 with subnet-app 10.0.1.0/24 holding
// eni-app (10.0.1.10, an instance i-app) and eni-app2 (10.0.1.11), and
// subnet-ep 10.0.2.0/24 holding eni-vpce (10.0.2.50), the network
// interface of interface endpoint vpce-1 (AWS PrivateLink), and eni-vpce2
// (10.0.2.51) of the same endpoint. Every group is open both ways.
func vpceDesign() *sample.Design {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	open := []sg.Rule{all(flow.Inbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv4)}
	return &sample.Design{
		VPCs:        []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-main", VPC: "vpc-1"}},
		ACLs:        []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", true)},
		Subnets: []reach.Subnet{
			{ID: "subnet-app", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}},
			{ID: "subnet-ep", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}},
		},
		Groups: []sg.Group{
			{ID: "sg-open", VPCID: "vpc-1", Rules: open},
			{ID: "sg-ep", VPCID: "vpc-1", Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("10.0.1.0/24")},
				{Direction: flow.Inbound, Protocol: flow.UDP, Ports: flow.Single[uint16](53), Peer: sg.CIDR("10.0.1.0/24")},
				all(flow.Outbound, sg.AnyIPv4)}},
		},
		Interfaces: []reach.Interface{
			{ID: "eni-app", Instance: "i-app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, Groups: []string{"sg-open"}},
			{ID: "eni-app2", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ip("10.0.1.11")}, Groups: []string{"sg-open"}},
			{ID: "eni-vpce", Subnet: "subnet-ep", PrivateIPs: []netip.Addr{ip("10.0.2.50")}, Groups: []string{"sg-ep"}, InterfaceEndpoint: "vpce-1"},
			{ID: "eni-vpce2", Subnet: "subnet-ep", PrivateIPs: []netip.Addr{ip("10.0.2.51")}, Groups: []string{"sg-ep"}, InterfaceEndpoint: "vpce-1"},
		},
	}
}

func vpceModel(t *testing.T) *reach.Model {
	t.Helper()
	m, err := vpceDesign().Builder().Build()
	require.NoError(t, err)
	return m
}

func hasCode(r *reach.Result, c reach.Code) bool {
	for _, h := range r.Forward {
		if h.Code == c {
			return true
		}
	}
	return false
}

// AWS PrivateLink Guide: an interface endpoint carries the sessions
// resources open towards its service; the service cannot open one
// through it. A query from its network interface is refused, as one from
// a NAT gateway's address.
func TestInterfaceEndpointOpensNoSessions(t *testing.T) {
	m := vpceModel(t)
	for _, from := range []string{"eni-vpce", "10.0.2.50"} {
		t.Run(from, func(t *testing.T) {
			_, err := m.Check(reach.Query{From: from, To: "eni-app", Protocol: flow.TCP, Port: 22})
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.Contains(t, err.Error(), "interface endpoint vpce-1")
			_, err = m.Ports(reach.PortsQuery{From: from, To: "eni-app", Protocol: flow.TCP})
			assert.ErrorIs(t, err, reach.ErrQuery)
		})
	}
}

// To the endpoint: TCP as its groups say; any other protocol undecided
// (interface endpoints have long carried TCP only), unless a group blocks
// it anyway.
func TestInterfaceEndpointAsDestination(t *testing.T) {
	m := vpceModel(t)
	for _, tc := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
		code bool // the hop VPCE_INTERFACE_PROTOCOL_UNKNOWN is on the path
	}{
		{"tcp/443 its group admits", reach.Query{From: "eni-app", To: "eni-vpce", Protocol: flow.TCP, Port: 443}, reach.Reachable, false},
		{"tcp/443 by address", reach.Query{From: "eni-app", To: "10.0.2.50", Protocol: flow.TCP, Port: 443}, reach.Reachable, false},
		{"tcp/22 its group refuses", reach.Query{From: "eni-app", To: "eni-vpce", Protocol: flow.TCP, Port: 22}, reach.Unreachable, false},
		{"udp/53 its group admits", reach.Query{From: "eni-app", To: "eni-vpce", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, true},
		{"udp/123 its group refuses", reach.Query{From: "eni-app", To: "eni-vpce", Protocol: flow.UDP, Port: 123}, reach.Unreachable, true},
		{"icmp echo", reach.Query{From: "eni-app", To: "eni-vpce", Protocol: flow.ICMP}, reach.Unreachable, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome)
			assert.Equal(t, tc.code, hasCode(r, reach.InterfaceEndpointProtocol), "%v", r.Forward)
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
		})
	}
}

// Set questions take the endpoint's interfaces for no source.
func TestInterfaceEndpointNoSource(t *testing.T) {
	m := vpceModel(t)
	s, err := m.Sources(reach.SourcesQuery{To: "eni-app", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	var ids []string
	for _, si := range s.Interfaces {
		ids = append(ids, si.ID)
	}
	assert.Equal(t, []string{"eni-app2"}, ids)

	s, err = m.Sources(reach.SourcesQuery{To: "eni-vpce", Protocol: flow.UDP, Port: 53})
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 2)
	for _, si := range s.Interfaces {
		assert.Equal(t, reach.Indeterminate, si.Outcome, si.ID)
	}

	for _, workers := range []int{1, 2} {
		mx, err := m.Matrix(reach.MatrixOptions{Workers: workers, NoInternet: true})
		require.NoError(t, err)
		class := map[string]string{}
		for _, c := range mx.Classes {
			for _, mb := range c.Members {
				class[mb.ID] = c.Name
			}
		}
		require.NotEqual(t, class["eni-app"], class["eni-vpce"])
		require.NotEmpty(t, class["eni-vpce"])
		toEP := false
		for _, c := range mx.Cells {
			assert.NotEqual(t, class["eni-vpce"], c.From, "a cell from the endpoint's interfaces: %+v", c)
			if c.From == class["eni-app"] && c.To == class["eni-vpce"] {
				toEP = true
				assert.Equal(t, "tcp 443", c.Allowed.String())
				assert.Equal(t, "udp 53", c.Indeterminate.String())
			}
		}
		assert.True(t, toEP, "the cell to the endpoint")
	}
}

func TestInterfaceEndpointWithInstanceRefused(t *testing.T) {
	d := vpceDesign()
	d.Interfaces[2].Instance = "i-x"
	_, err := d.Builder().Build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.Contains(t, err.Error(), "attached to no instance")
}
