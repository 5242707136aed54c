package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// groupsEntry is a VPC (10.1.0.0/16, 2001:db8:1::/56) with an internet
// gateway: db (10.1.1.20, 2001:db8:1:1::20, no public address) in
// subnet-db, whose group sg-db admits tcp 5432 from 10.0.0.0/8 and from
// fd00::/8, tcp 8080 from 10.50.0.5 alone, and tcp 443 from the prefix
// list pl-missing, whose entries the input lacks; its network ACL acl-db denies tcp 5432 from
// 10.50.0.0/16 and allows the rest. With vpn, subnet-db's table rtb-db
// sends 10.50.0.0/16, 203.0.113.0/24 and fd00:50::/32 to vgw-1, a
// virtual private gateway, and 10.60.0.0/15 to tgw-1, whose table sends
// 10.60.0.0/16 to att-vpn, a VPN attachment; and 0.0.0.0/0 to the
// internet gateway either way.
func groupsEntry(t *testing.T, vpn bool) *reach.Model {
	t.Helper()
	rt := reach.RouteTable{ID: "rtb-db", VPC: "vpc-app", Routes: []reach.Route{
		cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-app"), cidrRoute("::/0", reach.TargetInternetGateway, "igw-app")}}
	if vpn {
		rt.Routes = append(rt.Routes, unmodelledRoute("10.50.0.0/16", "vgw-1", "virtual private gateway"),
			unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway"), unmodelledRoute("fd00:50::/32", "vgw-1", "virtual private gateway"),
			cidrRoute("10.60.0.0/15", reach.TargetTransitGateway, "tgw-1"))
	}
	acl := nacl.NewCustom("acl-db", "vpc-app")
	for _, e := range []string{"90 deny tcp 5432 from 10.50.0.0/16", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0",
		"101 allow all from ::/0", "101 allow all to ::/0"} {
		acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
	}
	out := func(peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	db := sg.Group{ID: "sg-db", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.0.0/8")},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("fd00::/8")},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8080), Peer: sg.CIDR("10.50.0.5/32")},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.PrefixList("pl-missing")},
		out(sg.AnyIPv4), out(sg.AnyIPv6)}}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-app", CIDRs: pfxs("10.1.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-db", DefaultACL: "acl-app"}).
		AddRouteTable(rt).
		AddNetworkACL(nacl.NewDefault("acl-app", "vpc-app", true), acl).
		AddSecurityGroup(db).
		AddUnresolvedPrefixList("pl-missing").
		AddSubnet(reach.Subnet{ID: "subnet-db", VPC: "vpc-app", CIDRs: pfxs("10.1.1.0/24", "2001:db8:1:1::/64"), ACL: "acl-db"},
			reach.Subnet{ID: "subnet-tgw", VPC: "vpc-app", CIDRs: pfxs("10.1.9.0/24")}).
		AddInterface(reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-db", Groups: []string{"sg-db"},
			PrivateIPs: addrs("10.1.1.20", "2001:db8:1:1::20")}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-app", VPC: "vpc-app"}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Listed: true, Routes: []reach.TGWRoute{
			{Destination: bp("10.60.0.0/16"), Attachment: "att-vpn"}}}).
		AddTGWAttachment(reach.TGWAttachment{ID: "att-app", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-app", Subnets: []string{"subnet-tgw"}, RouteTable: "tgw-rtb-1"},
			reach.TGWAttachment{ID: "att-vpn", TransitGateway: "tgw-1", Type: "vpn", RouteTable: "tgw-rtb-1"})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// A request from a host outside the design whose way back ends at what
// the design does not model may come in privately: its way in is
// undecided. But a packet that comes in privately keeps its source
// address (a virtual private gateway, a transit gateway, a peering do
// not translate), and the destination's security groups judge it
// whichever way it came: where they drop it for certain, so does the
// answer (SG_NO_ALLOW at the groups, after the undecided way in, which
// does not decide); where they let it in or cannot decide, the answer
// stays undecided. Network ACLs are not judged: the way in may skip the
// destination's subnet's or cross others.
func TestPrivateEntryClosedByGroups(t *testing.T) {
	m := groupsEntry(t, true)
	for _, tc := range []struct {
		name     string
		q        reach.Query
		want     reach.Outcome
		codes    []reach.Code
		at       string // the ID of the first hop, the undecided way in
		groups   flow.Verdict
		dst      string // the packet's destination, when not q.To
		sgReason string // in the groups hop's reason, when they drop it
	}{
		{name: "on premises over a VPN to a database port no rule opens (was undecided)", q: tcp("10.50.0.5", "db", 22),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.SGNoAllow}, at: "vgw-1", groups: flow.Deny, dst: "10.1.1.20",
			sgReason: "no rule allows tcp/22 from 10.50.0.5"},
		{name: "the port the group opens to the source, which the subnet's ACL denies: a way in by a VPN gateway crosses it", q: tcp("10.50.0.5", "db", 5432),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.ACLDeny}, at: "vgw-1", groups: flow.Allow, dst: "10.1.1.20"},
		{name: "the subnet's ACL is judged: the way in comes from outside the subnet", q: tcp("10.50.0.5", "10.1.1.20", 5432),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.ACLDeny}, at: "vgw-1", groups: flow.Allow},
		{name: "the port the group opens to the source: undecided, the way in decides", q: tcp("fd00:50::5", "2001:db8:1:1::20", 5432),
			want: reach.Indeterminate, codes: []reach.Code{reach.UnmodelledTarget}, at: "vgw-1", groups: flow.Allow},
		{name: "a rule by a prefix list the input lacks: undecided twice", q: tcp("10.50.0.5", "db", 443),
			want: reach.Indeterminate, codes: []reach.Code{reach.UnmodelledTarget, reach.SGIndeterminate}, at: "vgw-1", groups: flow.Indeterminate, dst: "10.1.1.20"},
		{name: "a transit gateway's VPN attachment", q: tcp("10.60.0.5", "db", 22),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.SGNoAllow}, at: "att-vpn", groups: flow.Deny, dst: "10.1.1.20",
			sgReason: "no rule allows tcp/22 from 10.60.0.5"},
		{name: "a public address on premises, named by ID: the private address", q: tcp("203.0.113.5", "eni-db", 5432),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.SGNoAllow}, at: "vgw-1", groups: flow.Deny, dst: "10.1.1.20",
			sgReason: "no rule allows tcp/5432 from 203.0.113.5"},
		{name: "a unique local source over IPv6", q: tcp("fd00:50::5", "2001:db8:1:1::20", 22),
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.SGNoAllow}, at: "vgw-1", groups: flow.Deny},
		{name: "a unique local source the group admits", q: tcp("fd00:50::5", "2001:db8:1:1::20", 5432),
			want: reach.Indeterminate, codes: []reach.Code{reach.UnmodelledTarget}, at: "vgw-1", groups: flow.Allow},
		{name: "ping, which no rule opens", q: reach.Query{From: "10.50.0.5", To: "db", Protocol: flow.ICMP},
			want: reach.Unreachable, codes: []reach.Code{reach.UnmodelledTarget, reach.SGNoAllow}, at: "vgw-1", groups: flow.Deny, dst: "10.1.1.20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, m, tc.q)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Equal(t, tc.codes, r.Codes(), r.Text())
			dst := tc.dst
			if dst == "" {
				dst = tc.q.To
			}
			assert.Equal(t, ba(dst), r.Flow.Dst.Addr(), r.Text())
			fwd := withoutACLs(r.Forward)
			require.Len(t, fwd, 2, "the way in, then the destination's groups: %s", r.Text())
			assert.Empty(t, withoutACLs(r.Return), "the request arrives nowhere for certain (the subnet's outbound ACL may judge the reply)")
			e, g := fwd[0], fwd[1]
			assert.Equal(t, tc.at, e.ID, r.Text())
			assert.Equal(t, flow.Indeterminate, e.Verdict)
			assert.NotEmpty(t, e.Missing, "what the way in lacks is named")
			assert.Equal(t, reach.KindSecurityGroups, g.Kind)
			assert.Equal(t, flow.Inbound, g.Direction)
			assert.Equal(t, "sg-db", g.ID)
			assert.Equal(t, tc.groups, g.Verdict, r.Text())
			assert.Equal(t, r.Flow, g.Packet, "the groups judge the request as sent: its source kept")
			details := strings.Join(g.Details(), "\n")
			if tc.groups == flow.Deny {
				assert.Contains(t, r.Text(), "NOT REACHABLE: 1 blocking point (and 1 undecided hop)")
				assert.Contains(t, details, "it does not decide the answer", r.Text())
				assert.Contains(t, strings.Join(e.Details(), "\n"), "eni-db's security groups drop it", r.Text())
				assert.Empty(t, e.Fix, "the way in needs no checking: %s", r.Text())
				assert.NotEmpty(t, g.Fix, r.Text())
				assert.Contains(t, details+g.Reason(), tc.sgReason, r.Text())
				b, ok := r.First()
				require.True(t, ok)
				assert.True(t, b.Indeterminate, "the first block is the undecided way in")
				assert.False(t, r.Blocks[1].Indeterminate)
			} else {
				assert.NotEmpty(t, e.Fix, "what to check by hand: %s", r.Text())
			}
			if tc.groups == flow.Allow {
				assert.Contains(t, details, "the undecided way in (hop 1) decides", r.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			into := new(reach.Result)
			require.NoError(t, m.CheckInto(tc.q, into))
			assert.Equal(t, r.Outcome, into.Outcome, "CheckInto agrees with Check")
			assert.Equal(t, r.Codes(), into.Codes())
		})
	}
}

// The set questions agree with Check on requests that may come in
// privately, where the destination's groups close some ports: Ports from
// each such source, Sources, the matrix and the audit (brute force), the
// matrix's reference; the internet's cell with db holds, undecided, only
// what db's groups may let in from 203.0.113.0/24 (tcp 443, by the list
// the input lacks), no longer every session; and Diff, routing those
// blocks to the VPN, gains that alone.
func TestPrivateEntryClosedByGroupsSets(t *testing.T) {
	m := groupsEntry(t, true)
	for _, tc := range []struct {
		q   reach.PortsQuery
		und string
	}{
		{reach.PortsQuery{From: "10.50.0.5", To: "db", Protocol: flow.TCP}, "443,8080"}, // acl-db denies 5432 from 10.50.0.0/16: a way in by the VPN gateway crosses it
		{reach.PortsQuery{From: "10.60.0.5", To: "db", Protocol: flow.TCP}, "443,5432"},
		{reach.PortsQuery{From: "203.0.113.5", To: "db", Protocol: flow.TCP}, "443"},
		{reach.PortsQuery{From: "10.50.0.5", To: "db", Protocol: flow.UDP}, "none"},
	} {
		r, err := m.Ports(tc.q)
		require.NoError(t, err)
		assert.True(t, r.Open.IsEmpty(), r.String())
		assert.Equal(t, tc.und, r.Indeterminate.String(), "%+v: %s", tc.q, r)
	}
	s, err := m.Sources(reach.SourcesQuery{To: "db", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Empty(t, s.InternetIndeterminate, "the groups close tcp 22 to every address: %s", s)
	s, err = m.Sources(reach.SourcesQuery{To: "db", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, pfxs("203.0.113.0/24"), s.InternetIndeterminate, s.String())

	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	c := brute.CellOf(mx, reach.InternetNode, classOf(t, mx, "eni-db"))
	assert.True(t, c.Allowed.IsEmpty(), c.Allowed.String())
	assert.Equal(t, "tcp 443", c.Indeterminate.String())

	brute.CheckSetAnswers(t, m, brute.Options{Few: true, IPv6: true,
		Ports: []reach.PortsQuery{{From: "10.50.0.5", To: "db", Protocol: flow.TCP}, {From: "10.60.0.5", To: "db", Protocol: flow.TCP},
			{From: "203.0.113.5", To: "db", Protocol: flow.TCP}, {From: "fd00:50::5", To: "2001:db8:1:1::20", Protocol: flow.TCP},
			{From: "10.50.0.5", To: "db", Protocol: flow.ICMP}, {From: "10.50.0.5", To: "db", Protocol: flow.UDP}},
		Sources: []reach.SourcesQuery{{To: "db", Protocol: flow.TCP, Port: 22}, {To: "db", Protocol: flow.TCP, Port: 443},
			{To: "db", Protocol: flow.TCP, Port: 5432}, {To: "db", Protocol: flow.TCP, Port: 22, IPv6: true}}})
	assertMatrixAgreesWithReference(t, m)

	d, err := reach.Diff(groupsEntry(t, false), m, reach.DiffOptions{})
	require.NoError(t, err)
	found := false
	for _, pc := range d.Changes {
		if pc.From != reach.InternetNode {
			continue
		}
		for _, ac := range pc.Addresses {
			found = true
			assert.Equal(t, pfxs("203.0.113.0/24"), ac.Addresses, "%+v", pc)
			assert.Equal(t, "tcp 443", ac.IndeterminateGained.String(), "only what the groups may let in: %+v", ac)
		}
	}
	assert.True(t, found, "the internet to db changed: %+v", d.Changes)
}

// privateRoutes adds to some of d's route tables (not gateway route
// tables) a route for 172.16.0.0/12, a private block outside the design,
// to what the design does not model: a host there may come in privately.
func privateRoutes(rng *rand.Rand, d *sample.Design) {
	targets := []reach.Route{
		{Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"},
		{Target: reach.TargetUnmodelled, TargetID: "lgw-1", TargetType: "local gateway"},
		{Target: reach.TargetUnmodelled, TargetID: "pcx-gone", TargetType: "peering connection"},
	}
	for i := range d.RouteTables {
		if rt := &d.RouteTables[i]; rt.Gateways == nil && rng.Float64() < 0.6 {
			r := targets[rng.IntN(len(targets))]
			r.Destination = bp("172.16.0.0/12")
			rt.Routes = append(rt.Routes, r)
		}
	}
}

// On random designs full of middleboxes, with random port-range rules,
// whose tables send private and public blocks to what the design does
// not model, a request from outside the design that may come in
// privately (its walk the undecided way in, then the destination's
// groups) is closed for certain exactly where the destination's groups,
// compiled on their own from the design (sg.Compile), drop it for
// certain, and undecided elsewhere; Verdict agrees, and Ports and
// Sources agree with Verdict (brute force).
func TestPrivateEntryJudgedByGroupsRandom(t *testing.T) {
	designs := 30
	if testing.Short() || raceOn {
		designs = 8
	}
	stats := map[string]int{}
	outside := []string{"172.20.0.5", "198.51.100.7", "8.8.8.8", "1.2.3.4"}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 0x9e18))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), g.d)
		privateRoutes(rng, g.d)
		for i := range g.d.Groups {
			if rng.IntN(3) == 0 { // a rule by a list whose entries the input lacks: undecided groups
				g.d.Groups[i].Rules = append(g.d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.PortRange{Lo: 400, Hi: 600}, Peer: sg.PrefixList("pl-missing")})
			}
		}
		m, err := g.d.Builder().AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err, "seed %d", seed)
		res := sg.StaticResolver{Members: map[string][]netip.Addr{}, UnknownLists: []string{"pl-missing"}}
		for _, gr := range g.d.Groups {
			res.Members[gr.ID] = []netip.Addr{}
		}
		for _, in := range g.d.Interfaces {
			for _, id := range in.Groups {
				res.Members[id] = append(res.Members[id], in.PrivateIPs...)
			}
		}
		var entered []reach.Query
		for _, in := range g.d.Interfaces {
			groups := slices.DeleteFunc(slices.Clone(g.d.Groups), func(gr sg.Group) bool { return !slices.Contains(in.Groups, gr.ID) })
			ev, err := sg.Compile(groups, res)
			require.NoError(t, err)
			for _, from := range outside {
				q := reach.Query{From: from, To: in.ID, Protocol: flow.TCP, Port: []uint16{22, 443, 500, 5432, uint16(1 + rng.IntN(65535))}[rng.IntN(5)]}
				switch rng.IntN(5) {
				case 0:
					q.Protocol, q.Port = flow.UDP, 53
				case 1:
					q.Protocol, q.Port = flow.ICMP, 0
				}
				msg := fmt.Sprintf("seed %d: %+v", seed, q)
				r, err := m.Check(q)
				require.NoError(t, err, msg)
				fwd := withoutACLs(r.Forward)
				if len(fwd) != 2 || !fwd[0].Undecided() || fwd[1].Kind != reach.KindSecurityGroups {
					stats["not a private entry"]++
					continue
				}
				entered = append(entered, q)
				want := ev.Evaluate(r.Flow, flow.Inbound).Verdict
				require.Equal(t, want, fwd[1].Verdict, "%s\n%s", msg, r.Text())
				out := reach.Indeterminate
				if want == flow.Deny || aclDenies(r.Forward) || aclDenies(r.Return) {
					out = reach.Unreachable
				}
				require.Equal(t, out, r.Outcome, "%s\n%s", msg, r.Text())
				v, err := m.Verdict(q)
				require.NoError(t, err, msg)
				require.Equal(t, out, v, "%s: Verdict", msg)
				stats[fmt.Sprintf("groups %s", want)]++
			}
		}
		if len(entered) == 0 {
			continue
		}
		q := entered[rng.IntN(len(entered))]
		pq := reach.PortsQuery{From: q.From, To: q.To, Protocol: []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]}
		pr, err := m.Ports(pq)
		require.NoError(t, err, "seed %d: %+v", seed, pq)
		brute.CheckPorts(t, rng, m, pq, pr, brute.PortsToCheck(rng, pr.Open, pr.Indeterminate), fmt.Sprintf("seed %d: %+v", seed, pq))
		if seed%2 == 0 {
			sq := reach.SourcesQuery{To: q.To, Protocol: flow.TCP, Port: []uint16{22, 443, 500}[rng.IntN(3)]}
			sr, err := m.Sources(sq)
			require.NoError(t, err, "seed %d: %+v", seed, sq)
			var ids []string
			for _, in := range g.d.Interfaces {
				ids = append(ids, in.ID)
			}
			brute.CheckSources(t, m, sq, sr, ids, brute.AddrsToCheck(rng, false, sr.Internet, sr.InternetIndeterminate)[:40], fmt.Sprintf("seed %d: %+v", seed, sq))
		}
	}
	t.Logf("%v", stats)
	for _, v := range []flow.Verdict{flow.Deny, flow.Allow, flow.Indeterminate} {
		assert.Positive(t, stats[fmt.Sprintf("groups %s", v)], "the designs give requests that may come in privately whose groups say %s", v)
	}
}

// Fix reads the destination's groups on the path of a request that may
// come in privately: it closes such a request by removing the rule that
// admits exactly it (the answer then certain), and cannot make one
// reachable, its way in undecided whatever the groups say.
func TestPrivateEntryFix(t *testing.T) {
	m := groupsEntry(t, true)
	q := tcp("10.50.0.5", "db", 8080)
	r, err := m.Fix(q, reach.Unreachable)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Before)
	assert.Equal(t, reach.Unreachable, r.After)
	require.Len(t, r.Changes, 1)
	assert.Equal(t, reach.ChangeRemove, r.Changes[0].Action)
	assert.Equal(t, "sg-db", r.Changes[0].Resource)
	v, err := r.Patched.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, v)

	_, err = m.Fix(tcp("10.50.0.5", "db", 22), reach.Reachable)
	require.ErrorIs(t, err, reach.ErrNoFix)
	assert.Contains(t, err.Error(), "vgw-1", "the undecided way in is named")
}
