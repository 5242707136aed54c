package reach_test

// Regression tests for audit natgw21: a private NAT gateway routed to the
// internet gateway, a NAT gateway's private address addressed from the
// internet, and how a trace words ICMP and chained translations through
// NAT gateways.

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

// natDesign is vpc-g 10.1.0.0/16 with subnet-pub 10.1.1.0/24 (public
// nat-g 10.1.1.100 / 198.51.100.100, rtb-pub 0/0 -> igw-g), subnet-priv
// 10.1.2.0/24 (app 10.1.2.10, rtb-priv 0/0 -> nat-g, 10.9/16 -> nat-p),
// subnet-natp 10.1.3.0/24 (private nat-p 10.1.3.100, rtb-natp 10.9/16 ->
// pcx-gb); vpc-b 10.9.0.0/16 with db 10.9.1.10 in subnet-db. Every ACL and
// group allows everything.
type natDesign struct {
	privRoutes, natpRoutes []reach.Route
}

func newNATDesign() *natDesign {
	return &natDesign{
		privRoutes: []reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-g"},
			{Destination: bp("10.9.0.0/16"), Target: reach.TargetNATGateway, TargetID: "nat-p"}},
		natpRoutes: []reach.Route{{Destination: bp("10.9.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-gb"}},
	}
}

func (d *natDesign) build(t *testing.T) *reach.Model {
	t.Helper()
	open := func(id, vpc string) nacl.ACL {
		a := nacl.ACL{ID: id, VPCID: vpc}
		for _, l := range []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"} {
			e, err := nacl.ParseEntry(l)
			require.NoError(t, err, l)
			a.Entries = append(a.Entries, e)
		}
		return a
	}
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	rules := []sg.Rule{all(flow.Inbound), all(flow.Outbound)}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-g"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.9.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-g", VPC: "vpc-g"}).
		AddNATGateway(reach.NATGateway{ID: "nat-g", Subnet: "subnet-pub", PrivateIP: ba("10.1.1.100"), PublicIP: ba("198.51.100.100")},
			reach.NATGateway{ID: "nat-p", Subnet: "subnet-natp", PrivateIP: ba("10.1.3.100"), Private: true}).
		AddPeering(reach.Peering{ID: "pcx-gb", RequesterVPC: "vpc-g", AccepterVPC: "vpc-b", Status: "active"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-g", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-g"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-g", Routes: d.privRoutes},
			reach.RouteTable{ID: "rtb-natp", VPC: "vpc-g", Routes: d.natpRoutes},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{{Destination: bp("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-gb"}}}).
		AddNetworkACL(nacl.NewDefault("acl-g", "vpc-g", true), nacl.NewDefault("acl-b", "vpc-b", true),
			open("acl-pub", "vpc-g"), open("acl-priv", "vpc-g"), open("acl-natp", "vpc-g"), open("acl-db", "vpc-b")).
		AddSubnet(reach.Subnet{ID: "subnet-pub", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.1.0/24")}, ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.2.0/24")}, RouteTable: "rtb-priv", ACL: "acl-priv"},
			reach.Subnet{ID: "subnet-natp", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.3.0/24")}, RouteTable: "rtb-natp", ACL: "acl-natp"},
			reach.Subnet{ID: "subnet-db", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("10.9.1.0/24")}, ACL: "acl-db"}).
		AddSecurityGroup(sg.Group{ID: "sg-app", VPCID: "vpc-g", Rules: rules}, sg.Group{ID: "sg-db", VPCID: "vpc-b", Rules: rules}).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", Groups: []string{"sg-app"}, PrivateIPs: []netip.Addr{ba("10.1.2.10")}},
			reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-db", Groups: []string{"sg-db"}, PrivateIPs: []netip.Addr{ba("10.9.1.10")}}).
		Build()
	require.NoError(t, err)
	return m
}

// natCheck checks q with Check, CheckInto and Verdict, which must agree.
func natCheck(t *testing.T, m *reach.Model, q reach.Query) *reach.Result {
	t.Helper()
	r, err := m.Check(q)
	require.NoError(t, err)
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, r.Outcome, v, "Verdict %+v", q)
	into := new(reach.Result)
	require.NoError(t, m.CheckInto(q, into))
	assert.Equal(t, r.Text(), into.Text(), "CheckInto %+v", q)
	return r
}

func blockCodes(r *reach.Result) []reach.Code {
	out := []reach.Code{}
	for _, b := range r.Blocks {
		out = append(out, b.Code)
	}
	return out
}

// A private NAT gateway whose subnet routes the internet to the internet
// gateway: AWS's internet gateway drops its traffic ("If you route
// traffic from the private NAT gateway to the internet gateway, the
// internet gateway drops the traffic"), so the walk ends there: nothing
// is delivered and no reply is traced (it used to show delivery to the
// internet and a reply blocked as RETURN_UNKNOWN_DESTINATION, "no
// interface or gateway there has" nat-p's own address). An interface
// without a public address keeps both its blocks.
func TestPrivateNATToInternetGatewayEndsWalk(t *testing.T) {
	toIGW := reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-g"}
	viaNATP := []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-p"}}
	tests := []struct {
		name       string
		privRoutes []reach.Route
		q          reach.Query
		want       []reach.Code
		reason     string // in the internet gateway hop's reason
		returns    bool   // a reply is traced
	}{
		{"tcp via private NAT", viaNATP, ngwQuery(flow.TCP, 443), []reach.Code{reach.NoPublicIP},
			"10.1.3.100 is private NAT gateway nat-p's address", false},
		{"udp via private NAT", viaNATP, ngwQuery(flow.UDP, 53), []reach.Code{reach.NoPublicIP},
			"the internet gateway drops what it sends", false},
		{"icmp via private NAT", viaNATP, ngwQuery(flow.ICMP, 0), []reach.Code{reach.NoPublicIP},
			"private NAT gateway nat-p", false},
		{"interface without public IP", []reach.Route{toIGW}, ngwQuery(flow.TCP, 443),
			[]reach.Code{reach.NoPublicIP, reach.NoPublicIP.OnLeg(reach.Return)}, "10.1.2.10 has no public IPv4 address", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newNATDesign()
			d.privRoutes = tc.privRoutes
			d.natpRoutes = append(d.natpRoutes, toIGW)
			m := d.build(t)
			r := natCheck(t, m, tc.q)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Equal(t, tc.want, blockCodes(r), r.Text())
			require.NotEmpty(t, r.Forward)
			igw := r.Forward[len(r.Forward)-1]
			if !tc.returns {
				assert.Equal(t, reach.KindInternetGateway, igw.Kind, "the walk ends at the internet gateway:\n%s", r.Text())
				assert.Empty(t, r.Return, r.Text())
				assert.Equal(t, 1, len(r.Blocks), r.Text())
			} else {
				igw = r.Forward[len(r.Forward)-2]
				assert.NotEmpty(t, r.Return, r.Text())
			}
			assert.Contains(t, igw.Reason(), tc.reason, r.Text())
			assert.NotContains(t, r.Text(), "no interface or gateway there has it", r.Text())
			// the set answers agree with Check port by port
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "app", To: "8.8.8.8", Protocol: flow.TCP}, {From: "app", To: "8.8.8.8", Protocol: flow.ICMP}},
				Step:  257, Few: true,
			})
		})
	}
}

func ngwQuery(p flow.Protocol, port uint16) reach.Query {
	q := reach.Query{From: "app", To: "8.8.8.8", Protocol: p, Port: port}
	if p.HasPorts() {
		q.SrcPort = 50000
	}
	return q
}

// A host outside the design addressing a NAT gateway's private address:
// the gateway accepts no connection from outside, whichever way it came;
// the trace names the gateway (it said "no interface or gateway there has
// it").
func TestInternetToNATPrivateAddress(t *testing.T) {
	tests := []struct {
		name, from, to, nat string
	}{
		{"private NAT gateway", "8.8.8.8", "10.1.3.100", "nat-p"},
		{"public NAT gateway's private address", "8.8.8.8", "10.1.1.100", "nat-g"},
		{"from a private host", "192.168.7.7", "10.1.3.100", "nat-p"},
	}
	m := newNATDesign().build(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := natCheck(t, m, reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443, SrcPort: 50000})
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.NATNoInbound}, blockCodes(r), r.Text())
			require.Len(t, r.Forward, 1, r.Text())
			assert.Equal(t, reach.KindNATGateway, r.Forward[0].Kind, r.Text())
			assert.Equal(t, tc.nat, r.Forward[0].ID, r.Text())
			assert.Contains(t, r.Forward[0].Reason(), tc.to+" is NAT gateway "+tc.nat+"'s private address, which the internet cannot address", r.Text())
			assert.Contains(t, r.Forward[0].Fix, "instead of "+tc.nat, r.Text())
			assert.NotContains(t, r.Text(), "no interface or gateway there has it", r.Text())
		})
	}
}

// ICMP has no ports: a NAT gateway hop says the gateway maps the echo
// identifier, and the reply's NAT hop names no port (it said "its source
// port is one the gateway picks within 1024-65535" and "the reply goes
// back to 10.1.2.10:0"). TCP keeps its port words.
func TestNATGatewayICMPWords(t *testing.T) {
	tests := []struct {
		name   string
		q      reach.Query
		fwd    string // in the request's NAT hop
		fwdNot string
		ret    string // in the reply's NAT hop
		retNot string
	}{
		{"icmp via public NAT", reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.ICMP},
			"echo's identifier", "source port", "the reply goes back to 10.1.2.10 (ICMP has no ports", "10.1.2.10:0"},
		{"icmp via private NAT", reach.Query{From: "app", To: "db", Protocol: flow.ICMP},
			"echo's identifier", "source port", "the reply goes back to 10.1.2.10 (ICMP has no ports", "10.1.2.10:0"},
		{"tcp via public NAT", reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: 50000},
			"its source port is one the gateway picks within 1024-65535", "identifier", "the reply goes back to 10.1.2.10:50000", "ICMP"},
	}
	m := newNATDesign().build(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := natCheck(t, m, tc.q)
			require.Equal(t, reach.Reachable, r.Outcome, r.Text())
			fwd, ret := natHopReasons(r.Forward), natHopReasons(r.Return)
			assert.Contains(t, fwd, tc.fwd, r.Text())
			assert.NotContains(t, fwd, tc.fwdNot, r.Text())
			assert.Contains(t, ret, tc.ret, r.Text())
			assert.NotContains(t, ret, tc.retNot, r.Text())
		})
	}
}

func natHopReasons(hops []reach.Hop) string {
	var out []string
	for _, h := range hops {
		if h.Kind == reach.KindNATGateway {
			out = append(out, h.Reason())
		}
	}
	return strings.Join(out, "\n")
}

// Two NAT gateways chained (a private one in a spoke, then the central
// public one behind a transit gateway): the public gateway sends the
// reply back to the port the private one picked, not to the client's
// (it said "10.1.2.100:50000").
func TestChainedNATReplyPortWords(t *testing.T) {
	d := newTGWDesign()
	d.rts[0].Routes = []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-pa"}}
	d.rts = append(d.rts,
		reach.RouteTable{ID: "rtb-a2", VPC: "vpc-a", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}}},
		reach.RouteTable{ID: "rtb-tb", VPC: "vpc-b", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-b"}}},
		reach.RouteTable{ID: "rtb-nat", VPC: "vpc-b", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"},
			{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}}})
	d.subnet("subnet-a2").RouteTable = "rtb-a2"
	d.subnet("subnet-a2").AvailabilityZone = "az-1"
	d.subnet("subnet-tb").RouteTable = "rtb-tb"
	d.subnet("subnet-b2").RouteTable = "rtb-nat"
	d.routes("tgw-rtb-1", tgwRoute("0.0.0.0/0", "att-b", false))
	d.ifaces = []reach.Interface{d.ifaces[0]}
	m, err := d.builder().AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"}).
		AddNATGateway(reach.NATGateway{ID: "nat-pa", Subnet: "subnet-a2", PrivateIP: ba("10.1.2.100"), Private: true},
			reach.NATGateway{ID: "nat-b", Subnet: "subnet-b2", PrivateIP: ba("10.2.2.100"), PublicIP: ba("52.0.0.1")}).Build()
	require.NoError(t, err)
	tests := []struct {
		name string
		q    reach.Query
		want []string // the reply's NAT hops' reasons, in order
	}{
		{"tcp", reach.Query{From: "app-a", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: 50000}, []string{
			"NAT gateways are stateful: the reply goes back to 10.1.2.100, at the source port NAT gateway nat-pa picked (one of 1024-65535)",
			"NAT gateways are stateful: the reply goes back to 10.1.1.10:50000"}},
		{"icmp", reach.Query{From: "app-a", To: "8.8.8.8", Protocol: flow.ICMP}, []string{
			"NAT gateways are stateful: the reply goes back to 10.1.2.100 (ICMP has no ports: the gateway restores the echo identifier it mapped)",
			"NAT gateways are stateful: the reply goes back to 10.1.1.10 (ICMP has no ports: the gateway restores the echo identifier it mapped)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := natCheck(t, m, tc.q)
			require.Equal(t, reach.Reachable, r.Outcome, r.Text())
			assert.Equal(t, strings.Join(tc.want, "\n"), natHopReasons(r.Return), r.Text())
		})
	}
}
