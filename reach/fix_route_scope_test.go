package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// noIGWRouteDesign: one VPC with an internet gateway but no route to it;
// eni-web (10.0.1.10, public 203.0.113.10) in subnet-web, whose group
// admits tcp 443 (and icmp when sgICMP) from anywhere and whose ACL
// allows tcp 443 in and its replies out (and icmp both ways when
// aclICMP).
func noIGWRouteDesign(t *testing.T, sgICMP, aclICMP bool) *reach.Model {
	t.Helper()
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	acl := nacl.NewCustom("acl-web", "vpc-1")
	entries := []string{"100 allow tcp 443 from 0.0.0.0/0", "100 allow tcp 1024-65535 to 0.0.0.0/0"}
	if aclICMP {
		entries = append(entries, "200 allow icmp from 0.0.0.0/0", "200 allow icmp to 0.0.0.0/0")
	}
	for _, e := range entries {
		acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
	}
	rules := []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}
	if sgICMP {
		rules = append(rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
	}
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables:      []reach.RouteTable{{ID: "rtb-main", VPC: "vpc-1"}},
		ACLs:             []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false), acl},
		Subnets:          []reach.Subnet{{ID: "subnet-web", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}, ACL: "acl-web"}},
		Groups:           []sg.Group{{ID: "sg-web", Rules: rules}},
		Interfaces: []reach.Interface{{ID: "eni-web", Subnet: "subnet-web", PrivateIPs: []netip.Addr{ip("10.0.1.10")},
			PublicIP: ip("203.0.113.10"), Groups: []string{"sg-web"}}},
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// TestFixAlsoChangedRouteAfterFilterOnSamePair: fixing ping from the
// internet takes a filter change (an ACL entry, or a group rule, for
// icmp from the host) and a route to the host via the internet gateway.
// The route carries every protocol: tcp/443 from the host, cut before by
// the missing return route, works after, and AlsoChanged lists it,
// though the filter change before it compared the same pair of
// endpoints on icmp alone (audit fix17, finding 1: the pair was compared
// once, on the query's protocol, so the route's other protocols never
// were).
func TestFixAlsoChangedRouteAfterFilterOnSamePair(t *testing.T) {
	for _, tt := range []struct {
		name            string
		sgICMP, aclICMP bool
		filter          string // the kind of the filter change
	}{
		{"acl entry, then route", true, false, reach.ResourceNetworkACL},
		{"group rule, then route", false, true, reach.ResourceSecurityGroup},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := noIGWRouteDesign(t, tt.sgICMP, tt.aclICMP)
			q := reach.Query{From: "198.51.100.7", To: "eni-web", Protocol: flow.ICMP}
			fx, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			require.Equal(t, reach.Reachable, fx.After)
			var kinds []string
			for _, c := range fx.Changes {
				kinds = append(kinds, c.Kind)
			}
			require.Contains(t, kinds, tt.filter)
			require.Contains(t, kinds, reach.ResourceRouteTable)
			require.Less(t, slices.Index(kinds, tt.filter), slices.Index(kinds, reach.ResourceRouteTable), "the filter change comes first: %q", kinds)

			other := reach.Query{From: "198.51.100.7", To: "eni-web", Protocol: flow.TCP, Port: 443}
			before, err := m.Verdict(other)
			require.NoError(t, err)
			after, err := fx.Patched.Verdict(other)
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, before)
			require.Equal(t, reach.Reachable, after)
			i := slices.IndexFunc(fx.AlsoChanged, func(sc reach.SessionChange) bool {
				return sc.From == "198.51.100.7" && sc.To == "eni-web" && sc.Protocol == flow.TCP
			})
			if assert.GreaterOrEqual(t, i, 0, "tcp from the host is listed; AlsoChanged: %+v", fx.AlsoChanged) {
				assert.True(t, fx.AlsoChanged[i].Gained.Contains(443), "tcp/443 gained: %+v", fx.AlsoChanged[i])
			}
			// each session once: the query's message is not listed again
			// as the route's echo
			seen := map[string]bool{}
			for _, sc := range fx.AlsoChanged {
				k := fmt.Sprintf("%s -> %s %s", sc.From, sc.To, sc.Protocol)
				if sc.ICMP != nil {
					k += fmt.Sprintf(" %d/%d", sc.ICMP.Type, sc.ICMP.Code)
				}
				assert.False(t, seen[k], "%s listed twice", k)
				seen[k] = true
				assert.False(t, sc.From == "198.51.100.7" && sc.To == "eni-web" && sc.Protocol == flow.ICMP &&
					(sc.ICMP == nil || *sc.ICMP == reach.ICMPMessage{Type: 8}), "the query itself is not another session: %+v", sc)
			}
		})
	}
}

// twoPublicDesign: one VPC with an internet gateway, and a route to it
// when igwRoute; eni-a (public 203.0.113.10), eni-b (public
// 203.0.113.11) and eni-c (public 203.0.113.12) in subnet-1, groups
// and ACL open.
func twoPublicDesign(t *testing.T, igwRoute bool) *reach.Model {
	t.Helper()
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	open := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	rtb := reach.RouteTable{ID: "rtb-main", VPC: "vpc-1"}
	if igwRoute {
		rtb.Routes = []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}
	}
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables:      []reach.RouteTable{rtb},
		ACLs:             []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false)},
		Subnets:          []reach.Subnet{{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}}},
		Groups:           []sg.Group{{ID: "sg-open", Rules: []sg.Rule{open(flow.Inbound), open(flow.Outbound)}}},
		Interfaces: []reach.Interface{
			{ID: "eni-a", Subnet: "subnet-1", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, PublicIP: ip("203.0.113.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b", Subnet: "subnet-1", PrivateIPs: []netip.Addr{ip("10.0.1.11")}, PublicIP: ip("203.0.113.11"), Groups: []string{"sg-open"}},
			{ID: "eni-c", Subnet: "subnet-1", PrivateIPs: []netip.Addr{ip("10.0.1.12")}, PublicIP: ip("203.0.113.12"), Groups: []string{"sg-open"}},
		},
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// TestFixRouteToPublicAddressOfTheDesign: a VPC reaches a public IPv4
// address of the design (another instance's public IP) over the
// internet, so a missing route to it is fixed with a route to the
// internet gateway, as for an internet host (audit fix17, finding 2: Fix
// refused any address the design holds). A private address outside
// every VPC is still refused.
func TestFixRouteToPublicAddressOfTheDesign(t *testing.T) {
	m := twoPublicDesign(t, false)
	for _, tt := range []struct {
		name   string
		to     string
		routes []string    // the routes Fix adds, via igw-1; none: ErrNoFix
		reason string      // the ErrNoFix's text
		also   reach.Query // another session they open
	}{
		{"another instance's public IP", "203.0.113.11", []string{"203.0.113.11/32", "203.0.113.10/32"}, "",
			reach.Query{From: "eni-b", To: "203.0.113.10", Protocol: flow.TCP, Port: 443}},
		{"the instance's own public IP", "203.0.113.10", []string{"203.0.113.10/32"}, "",
			reach.Query{From: "eni-a", To: "203.0.113.10", Protocol: flow.TCP, Port: 80}},
		{"a private address outside the VPC", "192.168.1.1", nil, "adds routes to the internet gateway only", reach.Query{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := reach.Query{From: "eni-a", To: tt.to, Protocol: flow.TCP, Port: 443}
			fx, err := m.Fix(q, reach.Reachable)
			if tt.routes == nil {
				require.ErrorIs(t, err, reach.ErrNoFix)
				assert.Contains(t, err.Error(), tt.reason)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, fx.After)
			var got []string
			for _, c := range fx.Changes {
				require.Equal(t, reach.ResourceRouteTable, c.Kind, c.Text)
				assert.Equal(t, "igw-1", c.Route.TargetID)
				got = append(got, c.Route.Destination.String())
			}
			assert.Equal(t, tt.routes, got)
			p, err := m.Apply(fx.Changes)
			require.NoError(t, err)
			v, err := p.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, v)
			// another session the routes open, listed
			o := tt.also
			before, err := m.Verdict(o)
			require.NoError(t, err)
			after, err := p.Verdict(o)
			require.NoError(t, err)
			require.Equal(t, []reach.Outcome{reach.Unreachable, reach.Reachable}, []reach.Outcome{before, after}, "%+v", o)
			assert.True(t, slices.ContainsFunc(fx.AlsoChanged, func(sc reach.SessionChange) bool {
				return sc.From == o.From && sc.To == o.To && sc.Protocol == o.Protocol && sc.Gained.Contains(o.Port)
			}), "%s -> %s tcp/%d gained: %+v", o.From, o.To, o.Port, fx.AlsoChanged)
		})
	}
}

// TestFixAlsoChangedFilterOfPublicAddressOfTheDesign: an ACL entry for a
// public address of the design judges the sessions to it over the
// internet (from every interface of the ACL's subnets) and the replies
// of those its owner opens to their public addresses, not the owners'
// private sessions: AlsoChanged lists those (found by the random
// sessions brute force).
func TestFixAlsoChangedFilterOfPublicAddressOfTheDesign(t *testing.T) {
	m := twoPublicDesign(t, true)
	for _, tt := range []struct {
		name  string
		q     reach.Query
		other reach.Query // a session the deny entry closes too
	}{
		{"to another instance's public IP", reach.Query{From: "eni-a", To: "203.0.113.11", Protocol: flow.TCP, Port: 22},
			reach.Query{From: "eni-c", To: "203.0.113.11", Protocol: flow.TCP, Port: 22}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx, err := m.Fix(tt.q, reach.Unreachable)
			require.NoError(t, err)
			require.NotEmpty(t, fx.Changes)
			for _, c := range fx.Changes {
				require.Equal(t, reach.ResourceNetworkACL, c.Kind, c.Text)
			}
			before, err := m.Verdict(tt.other)
			require.NoError(t, err)
			after, err := fx.Patched.Verdict(tt.other)
			require.NoError(t, err)
			require.Equal(t, reach.Reachable, before)
			require.Equal(t, reach.Unreachable, after)
			assert.True(t, slices.ContainsFunc(fx.AlsoChanged, func(sc reach.SessionChange) bool {
				return sc.From == tt.other.From && sc.To == tt.other.To && sc.Protocol == flow.TCP && sc.Lost.Contains(tt.other.Port)
			}), "%s -> %s tcp/%d lost: %+v", tt.other.From, tt.other.To, tt.other.Port, fx.AlsoChanged)
		})
	}
}
