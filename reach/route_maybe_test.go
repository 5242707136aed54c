package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// A subnet whose route table the input does not decide
// (Subnet.RouteTablesMaybe): answers the tables tell apart are
// indeterminate, ROUTE_INDETERMINATE naming the tables and why; answers
// they agree on stay certain, in every question.

// maybeDesign is vpc-1 with an internet gateway, the main table rtb-main
// (0.0.0.0/0 to it), rtb-priv (local only, plus priv), subnet-a, which
// rtb-priv may route (maybe), and subnet-b; a (public) and b are open
// interfaces.
func maybeDesign(maybe []string, priv ...reach.Route) *reach.Builder {
	pfx := netip.MustParsePrefix
	open := sg.Group{ID: "sg-open", VPCID: "vpc-1", Rules: []sg.Rule{
		{ID: "in", Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
		{ID: "out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}}}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-main", VPC: "vpc-1", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-1", Routes: priv}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}, RouteTablesMaybe: maybe, RouteTablesWhy: "rtb-priv is associating"},
			reach.Subnet{ID: "subnet-b", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}}).
		AddSecurityGroup(open).
		AddInterface(reach.Interface{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}, PublicIP: netip.MustParseAddr("198.51.100.10"), Groups: []string{"sg-open"}},
			reach.Interface{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.2.10")}, PublicIP: netip.MustParseAddr("198.51.100.20"), Groups: []string{"sg-open"}})
}

func TestRouteTablesMaybe(t *testing.T) {
	m, err := maybeDesign([]string{"rtb-priv"}).Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"the tables differ: to the internet", reach.Query{From: "eni-a", To: "93.184.216.34", Protocol: flow.TCP, Port: 443}, reach.Indeterminate},
		{"the tables differ: the reply to the internet", reach.Query{From: "203.0.113.7", To: "198.51.100.10", Protocol: flow.TCP, Port: 443}, reach.Indeterminate},
		{"the tables agree: local", reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 22}, reach.Reachable},
		{"another subnet", reach.Query{From: "eni-b", To: "93.184.216.34", Protocol: flow.TCP, Port: 443}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.want == reach.Indeterminate {
				und := r.Undecided()
				require.NotEmpty(t, und, r.Text())
				assert.True(t, strings.HasSuffix(string(und[0].Code), string(reach.RouteIndeterminate)), und[0].Code) // RETURN_ on the reply
				assert.Contains(t, und[0].Missing, "which of rtb-main, rtb-priv routes subnet subnet-a: rtb-priv is associating")
			}
		})
	}
	// the set questions agree with the walks
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "eni-a", To: "93.184.216.34", Protocol: flow.TCP}, {From: "eni-b", To: "eni-a", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "eni-a", Protocol: flow.TCP, Port: 443}}})
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	require.Equal(t, "eni-a", mx.Classes[0].Members[0].ID)
	c := brute.CellOf(mx, mx.Classes[0].Name, reach.InternetNode)
	assert.True(t, c.Allowed.TCP.IsEmpty(), "eni-a reaches the internet for certain on no port: %+v", c)
	assert.True(t, c.Indeterminate.TCP.Contains(443), "%+v", c)
}

// A table rtb-priv routes like the main one: every answer stays certain.
func TestRouteTablesMaybeAlike(t *testing.T) {
	m, err := maybeDesign([]string{"rtb-priv"}, reach.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}).Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "eni-a", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

// Diff sees a change of a table that may route a subnet, as the
// reference does.
func TestRouteTablesMaybeDiff(t *testing.T) {
	before, err := maybeDesign([]string{"rtb-priv"}).Build()
	require.NoError(t, err)
	after, err := maybeDesign([]string{"rtb-priv"}, reach.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}).Build()
	require.NoError(t, err)
	d, err := reach.Diff(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Equal(t, ref.Changes, d.Changes)
	require.NotEmpty(t, d.Changes, "eni-a now reaches the internet for certain")
}

func TestRouteTablesMaybeRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		maybe string
		want  string
	}{
		{"unknown", "rtb-none", "unknown route table"},
		{"another VPC", "rtb-other", "route table belongs to vpc-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := maybeDesign([]string{tc.maybe}).
				AddVPC(reach.VPC{ID: "vpc-2", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}).
				AddRouteTable(reach.RouteTable{ID: "rtb-other", VPC: "vpc-2"})
			_, err := b.Build()
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, "RouteTablesMaybe[0]")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// A table whose edge association with the internet gateway is in
// transition (RouteTable.GatewaysMaybe): what enters through the gateway
// for subnet-a, which the table sends to a blackhole, is undecided; for
// subnet-b, which it routes locally as the gateway would without it,
// certain. The set questions agree with the walks.
func TestRouteTableGatewaysMaybe(t *testing.T) {
	pfx := netip.MustParsePrefix
	m, err := maybeDesign(nil).AddRouteTable(reach.RouteTable{ID: "rtb-edge", VPC: "vpc-1", GatewaysMaybe: []string{"igw-1"}, GatewaysWhy: "associating",
		Routes: []reach.Route{{Destination: pfx("10.0.1.0/24"), Target: reach.TargetBlackhole}}}).Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "203.0.113.7", To: "198.51.100.10", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "whether the edge association of rtb-edge with igw-1 applies: associating")
	r, err = m.Check(reach.Query{From: "203.0.113.7", To: "198.51.100.20", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "203.0.113.7", To: "eni-a", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "eni-a", Protocol: flow.TCP, Port: 443}, {To: "eni-b", Protocol: flow.TCP, Port: 443}}})

	_, err = maybeDesign(nil).AddRouteTable(reach.RouteTable{ID: "rtb-edge", VPC: "vpc-1", GatewaysMaybe: []string{"igw-none"}}).Build()
	assert.ErrorContains(t, err, "GatewaysMaybe[0]")
}
