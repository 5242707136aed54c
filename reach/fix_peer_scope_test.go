package reach_test

import (
	"cmp"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// peerScopeDesign: app1 (10.0.1.10) and app2 (10.0.1.11) wear sg-app,
// web (10.0.1.12, public 203.0.113.12) sg-web, db (10.0.2.10, public
// 203.0.113.10) sg-db, whose inbound rules are dbRules; prefix list
// pl-app holds app2's address and 198.51.100.0/24, pl-pub 203.0.113.0/24
// (the design's public addresses), pl-ext is unresolved, and sg-ext a group
// the input does not hold.
func peerScopeDesign(t *testing.T, dbRules ...sg.Rule) *reach.Model {
	t.Helper()
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	out := sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-main", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-app", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}},
			reach.Subnet{ID: "subnet-db", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}}).
		AddPrefixList(reach.PrefixList{ID: "pl-app", Entries: []netip.Prefix{pfx("10.0.1.11/32"), pfx("198.51.100.0/24")}},
			reach.PrefixList{ID: "pl-pub", Entries: []netip.Prefix{pfx("203.0.113.0/24")}}).
		AddUnresolvedPrefixList("pl-ext").AddUnresolvedGroup("sg-ext").
		AddSecurityGroup(sg.Group{ID: "sg-app", VPCID: "vpc-1", Rules: []sg.Rule{out}},
			sg.Group{ID: "sg-web", VPCID: "vpc-1", Rules: []sg.Rule{out}},
			sg.Group{ID: "sg-db", VPCID: "vpc-1", Rules: append([]sg.Rule{out}, dbRules...)}).
		AddInterface(
			reach.Interface{ID: "eni-app1", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, Groups: []string{"sg-app"}},
			reach.Interface{ID: "eni-app2", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ip("10.0.1.11")}, Groups: []string{"sg-app"}},
			reach.Interface{ID: "eni-web", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ip("10.0.1.12")}, PublicIP: ip("203.0.113.12"), Groups: []string{"sg-web"}},
			reach.Interface{ID: "eni-db", Subnet: "subnet-db", PrivateIPs: []netip.Addr{ip("10.0.2.10")}, PublicIP: ip("203.0.113.10"), Groups: []string{"sg-db"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestAlsoChangedGroupAndPrefixListPeers: a change to a security group
// rule whose peer is a group (every interface wearing it) or a prefix
// list (every block of it: the interfaces inside, an internet range)
// changes the sessions of each of them, not only the query's: AlsoChanged
// lists every one whose Verdict differs between the model and the
// patched one (brute force over the design's endpoints and the internet,
// tcp 5432, 22 and 443). Before, such a change compared no peer at all,
// so AlsoChanged claimed the change as narrow as the query. A peer the
// input does not enumerate (a group it does not hold, a list whose
// entries are unknown) leaves the scope unknown: an error wrapping
// ErrNoFix, not a list that may miss sessions.
func TestAlsoChangedGroupAndPrefixListPeers(t *testing.T) {
	rule := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: peer}
	}
	add := func(gid string, r sg.Rule) reach.Change {
		return reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: gid, Direction: r.Direction, Rule: &r, Text: "add"}
	}
	remove := func(gid string, r sg.Rule) reach.Change {
		return reach.Change{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: gid, Direction: r.Direction, Rule: &r, Text: "remove"}
	}
	inApp, inList := rule(flow.Inbound, sg.GroupRef("sg-app")), rule(flow.Inbound, sg.PrefixList("pl-app"))
	widened := rule(flow.Inbound, sg.GroupRef("sg-app"))
	widened.Ports = flow.PortRange{Lo: 5432, Hi: 5433}
	q := reach.Query{From: "eni-app1", To: "eni-db", Protocol: flow.TCP, Port: 5432}
	for _, tc := range []struct {
		name    string
		rules   []sg.Rule // sg-db's before
		change  reach.Change
		q       reach.Query
		must    [][2]string // sessions (tcp 5432, or port) that change, listed
		port    uint16
		missing string // the peer whose scope is unknown
	}{
		{name: "add a group peer", change: add("sg-db", inApp), q: q, must: [][2]string{{"eni-app2", "eni-db"}}},
		{name: "remove a group peer", rules: []sg.Rule{inApp}, change: remove("sg-db", inApp), q: q, must: [][2]string{{"eni-app2", "eni-db"}}},
		{name: "replace a group peer's rule", rules: []sg.Rule{inApp}, q: q, must: [][2]string{{"eni-app2", "eni-db"}, {"eni-app1", "eni-db"}}, port: 5433,
			change: reach.Change{Action: reach.ChangeReplace, Kind: reach.ResourceSecurityGroup, Resource: "sg-db", Rule: &widened, Old: &inApp, Text: "widen"}},
		{name: "add a prefix list peer", change: add("sg-db", inList), q: reach.Query{From: "eni-app2", To: "eni-db", Protocol: flow.TCP, Port: 5432},
			must: [][2]string{{"198.51.100.0", "203.0.113.10"}}},
		{name: "remove a prefix list peer", rules: []sg.Rule{inList}, change: remove("sg-db", inList), q: reach.Query{From: "eni-web", To: "eni-db", Protocol: flow.TCP, Port: 5432},
			must: [][2]string{{"eni-app2", "eni-db"}, {"198.51.100.0", "203.0.113.10"}}},
		{name: "a prefix list block holding public addresses of the design", change: add("sg-db", rule(flow.Inbound, sg.PrefixList("pl-pub"))), q: q,
			must: [][2]string{{"eni-web", "203.0.113.10"}}},
		{name: "a group that wears the rule, to a group peer", change: add("sg-app", rule(flow.Inbound, sg.GroupRef("sg-db"))),
			q: reach.Query{From: "eni-db", To: "eni-app1", Protocol: flow.TCP, Port: 5432}, must: [][2]string{{"eni-db", "eni-app2"}}},
		{name: "a group the input does not hold", change: add("sg-db", rule(flow.Inbound, sg.GroupRef("sg-ext"))), q: q, missing: "sg-ext"},
		{name: "a prefix list of unknown entries", change: add("sg-db", rule(flow.Inbound, sg.PrefixList("pl-ext"))), q: q, missing: "pl-ext"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := peerScopeDesign(t, tc.rules...)
			p, err := m.Apply([]reach.Change{tc.change})
			require.NoError(t, err)
			also, err := reach.AlsoChangedOf(m, p, tc.q, []reach.Change{tc.change})
			if tc.missing != "" {
				require.ErrorIs(t, err, reach.ErrNoFix)
				assert.Contains(t, err.Error(), tc.missing)
				return
			}
			require.NoError(t, err)
			fx := &reach.FixResult{AlsoChanged: also}
			ids := endpointOwners(m)
			port := cmp.Or(tc.port, 5432)
			for _, s := range tc.must {
				assert.True(t, alsoListed(fx, ids, reach.Query{From: s[0], To: s[1], Protocol: flow.TCP, Port: port}, false), "%s -> %s tcp/%d not in %+v", s[0], s[1], port, also)
			}
			ends := []string{"eni-app1", "eni-app2", "eni-web", "eni-db", "203.0.113.10", "203.0.113.12", "198.51.100.7", "8.8.8.8"}
			changed := 0
			for _, from := range ends {
				for _, to := range ends {
					for _, port := range []uint16{5432, 5433, 22, 443} {
						s := reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
						if from == to || sameSession(ids, tc.q, s) {
							continue
						}
						b, err1 := m.Verdict(s)
						a, err2 := p.Verdict(s)
						if err1 != nil || err2 != nil || a == b {
							continue
						}
						changed++
						assert.True(t, alsoListed(fx, ids, s, true), "%s -> %s tcp/%d (%s -> %s) not in AlsoChanged %+v", from, to, port, b, a, also)
					}
				}
			}
			assert.NotZero(t, changed, "the change alters sessions beside the query's")
		})
	}
}
