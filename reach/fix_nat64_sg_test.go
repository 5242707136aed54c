package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// n64Design is a dual-stack vpc-a: subnet-v6 (IPv6 only: v6a, v6b) routes
// 64:ff9b::/96 to nat-a (private 10.0.1.5, public 54.0.0.5) in
// subnet-pub, which routes everything to igw-a; db (10.0.3.30, public
// 54.0.0.30) in subnet-db, whose group sg-db admits the rules given. A
// NAT64 session from v6a or v6b to 64:ff9b::a00:31e (db's private
// address) reaches db as IPv4 from nat-a's private address; one to
// 64:ff9b::3600:1e (db's public address) from nat-a's public one, over
// the internet. subnet-db's ACL is acl-db, holding dbEntries (open when
// nil); the other ACLs are open.
func n64Design(t *testing.T, dbEntries []nacl.Entry, dbRules ...sg.Rule) *reach.Model {
	t.Helper()
	dbACL := nacl.NewDefault("acl-db", "vpc-a", false)
	if dbEntries != nil {
		dbACL = nacl.ACL{ID: "acl-db", VPCID: "vpc-a", Entries: dbEntries}
	}
	dbACL.Subnets = []string{"subnet-db"}
	dbGroup := sg.Group{ID: "sg-db", Rules: append([]sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}}, dbRules...)}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), dbACL).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-v6", VPC: "vpc-a", Routes: []reach.Route{dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub"},
			reach.Subnet{ID: "subnet-db", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.3.0/24")}, RouteTable: "rtb-pub", ACL: "acl-db"},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:1:3::/64")}, RouteTable: "rtb-v6"}).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")}).
		AddSecurityGroup(openGroup("sg-open"), dbGroup)
	b.AddInterface(
		reach.Interface{ID: "eni-v6a", Name: "v6a", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-v6b", Name: "v6b", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::11")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-db", PrivateIPs: []netip.Addr{ba("10.0.3.30")}, PublicIP: ba("54.0.0.30"), Groups: []string{"sg-db"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestFixAlsoChangedNAT64Translated: a security group rule or a network
// ACL entry Fix writes for the address a NAT gateway translates NAT64
// sessions from (its private address, or its public one for a session
// over the internet) opens or closes every NAT64 session that gateway
// carries to the group's or the subnet's interfaces, not only the
// query's: v6b's beside v6a's. AlsoChanged ("every other session the
// changes alter") lists them; Verdict on the patched model is the brute
// force. It listed none: it compared the peers' own IPv4 and IPv6
// sessions only.
func TestFixAlsoChangedNAT64Translated(t *testing.T) {
	rule := func(peer string) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(peer)}
	}
	// acl-db lets through everything but tcp/443 from 10.0.0.0/8 in
	closedACL := []nacl.Entry{
		{Number: 100, Action: flow.Drop, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: bp("10.0.0.0/8"), Ports: flow.PortRange{Lo: 443, Hi: 443}},
		{Number: 200, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")},
		{Number: 200, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")},
	}
	const private, public = "64:ff9b::a00:31e", "64:ff9b::3600:1e" // db's addresses, 10.0.3.30 and 54.0.0.30
	tests := []struct {
		name    string
		entries []nacl.Entry
		rules   []sg.Rule
		to      string
		want    reach.Outcome
		change  string // the change Fix makes
	}{
		{"a rule opens, db's private address", nil, nil, private, reach.Reachable, "the inbound rule tcp 443 from 10.0.1.5/32"},
		{"a rule opens, db's public address", nil, nil, public, reach.Reachable, "the inbound rule tcp 443 from 54.0.0.5/32"},
		{"a rule closes, db's private address", nil, []sg.Rule{rule("10.0.1.5/32")}, private, reach.Unreachable, "remove from sg-db"},
		{"a rule closes, db's public address", nil, []sg.Rule{rule("54.0.0.5/32")}, public, reach.Unreachable, "remove from sg-db"},
		{"an entry opens, db's private address", closedACL, []sg.Rule{rule("0.0.0.0/0")}, private, reach.Reachable, "add to acl-db the inbound entry 99 allow tcp 443 from 10.0.1.5/32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := n64Design(t, tt.entries, tt.rules...)
			before := dnVerdict(t, m, "eni-v6b", tt.to)
			fx, err := m.Fix(reach.Query{From: "eni-v6a", To: tt.to, Protocol: flow.TCP, Port: 443}, tt.want)
			require.NoError(t, err)
			require.Equal(t, tt.want, fx.After)
			require.Len(t, fx.Changes, 1)
			assert.Contains(t, fx.Changes[0].Text, tt.change)
			after := dnVerdict(t, fx.Patched, "eni-v6b", tt.to)
			require.NotEqual(t, before, after, "brute force: v6b's NAT64 session changed")
			assert.True(t, dnAlsoHas(fx.AlsoChanged, "eni-v6b", tt.to, tt.want == reach.Reachable),
				"v6b -> %s tcp/443 changed by %q, not in AlsoChanged: %+v", tt.to, fx.Changes[0].Text, fx.AlsoChanged)
			for _, sc := range fx.AlsoChanged {
				v, err := fx.Patched.Verdict(reach.Query{From: sc.From, To: sc.To, Protocol: sc.Protocol, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, dnVerdict(t, m, sc.From, sc.To) != v, sc.Gained.Contains(443) || sc.Lost.Contains(443),
					"%s -> %s: listed as changed on 443 only when it did", sc.From, sc.To)
			}
		})
	}
}
