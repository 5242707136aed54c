package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestSourcesPrefixesKnownOnlyLater: an interface that gets IPv4
// prefixes AWS picks at launch (EKS pods in prefix mode) may send from
// any free address of its subnet. Sources lists, beside its own address,
// one Indeterminate entry with exactly the free addresses that would get
// through were they its own, naming the value known only later; none
// when no free address would (an address AWS reserves is never one).
func TestSourcesPrefixesKnownOnlyLater(t *testing.T) {
	const what = "aws_network_interface.ap: ipv4_prefixes"
	pods := func(ps ...string) reach.SourceInterface {
		var blocks []netip.Prefix
		for _, p := range ps {
			blocks = append(blocks, bp(p))
		}
		return reach.SourceInterface{ID: "eni-ap", Name: "ap", Address: blocks[0].Addr(), Outcome: reach.Indeterminate, Prefixes: blocks, PrefixesUnknown: what}
	}
	own := reach.SourceInterface{ID: "eni-ap", Name: "ap", Address: ba("10.0.3.10"), Outcome: reach.Reachable}
	for _, tc := range []struct {
		name string
		peer sg.Peer // b admits tcp/22 from it
		want []reach.SourceInterface
	}{
		{"free space of the subnet admitted: the pods may reach b", sg.CIDR("10.0.3.48/28"), []reach.SourceInterface{pods("10.0.3.48/28")}},
		{"only addresses AWS reserves admitted: no pod", sg.CIDR("10.0.3.0/30"), nil},
		{"only the interface's own address admitted", sg.CIDR("10.0.3.10/32"), []reach.SourceInterface{own}},
		{"another subnet admitted", sg.CIDR("10.0.1.0/24"), []reach.SourceInterface{{ID: "eni-a", Name: "a", Address: ba("10.0.1.10"), Outcome: reach.Reachable}}},
		// a, whose group it is too, reaches b through the appliance, which loses its identity
		{"the interface's group admitted: every free address, a pod's once delegated", sg.GroupRef("sg-open"), []reach.SourceInterface{own,
			pods("10.0.3.4/30", "10.0.3.8/31", "10.0.3.11/32", "10.0.3.12/30", "10.0.3.16/28", "10.0.3.32/27", "10.0.3.64/26",
				"10.0.3.128/26", "10.0.3.192/27", "10.0.3.224/28", "10.0.3.240/29", "10.0.3.248/30", "10.0.3.252/31", "10.0.3.254/32")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := middlebox(func(in *reach.Interface) {
				in.IPv4PrefixesUnknown = what
				in.SourceDestCheckDisabled = true
			})
			d.Groups[1].Rules[1].Peer = tc.peer // b admits tcp/22 from it only
			m := build(t, d)
			s, err := m.Sources(reach.SourcesQuery{To: "b", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			want := tc.want
			if want == nil {
				want = []reach.SourceInterface{}
			}
			require.Equal(t, want, s.Interfaces, "%s", s)
			if slices.ContainsFunc(want, func(e reach.SourceInterface) bool { return e.PrefixesUnknown != "" }) {
				assert.Contains(t, s.String(), "which prefixes delegated at launch may hold: "+what+" is known only later) (indeterminate)")
			}
			checkPrefixesUnknownSources(t, d, nil, m, reach.SourcesQuery{To: "b", Protocol: flow.TCP, Port: 22}, s, tc.name)
		})
	}
}

// unknownV6Design is a node whose IPv6 prefixes AWS picks at launch, in
// a subnet routed to the internet (unless set gives the node the
// Instance "no-route"), and a database admitting tcp/5432 from pods of
// 2001:db8:1:1:a::/80 (the node's whole subnet when set gives it the
// Instance "db-admits-subnet"); set changes the node.
func unknownV6Design(t *testing.T, set func(*reach.Interface)) *reach.Model {
	t.Helper()
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
	node := reach.Interface{ID: "eni-node", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2001:db8:1:1::10")}, Groups: []string{"sg-node"},
		IPv6PrefixesUnknown: "aws_network_interface.node: ipv6_prefixes"}
	set(&node)
	rt := reach.RouteTable{ID: "rtb-p", VPC: "vpc-p", Routes: []reach.Route{{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-p"}}}
	pods := "2001:db8:1:1:a::/80"
	switch node.Instance {
	case "no-route":
		rt.Routes = nil
	case "db-admits-subnet":
		pods = "2001:db8:1:1::/64"
	}
	node.Instance = ""
	b.AddRouteTable(rt)
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-p", VPC: "vpc-p"})
	b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true))
	b.AddSecurityGroup(sg.Group{ID: "sg-node", Rules: []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv6}}},
		sg.Group{ID: "sg-db", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR(pods)}}})
	b.AddSubnet(reach.Subnet{ID: "subnet-node", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}},
		reach.Subnet{ID: "subnet-db", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2001:db8:1:2::/64")}})
	b.AddInterface(node, reach.Interface{ID: "eni-db", Subnet: "subnet-db", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2001:db8:1:2::10")}, Groups: []string{"sg-db"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestSourcesIPv6PrefixesKnownOnlyLater: IPv6 prefixes AWS picks at
// launch are judged as IPv4 ones, in the subnet's IPv6 block (atoms, not
// addresses: a /64). Where the interface's IPv6 address is known only
// later too (Interface.IPv6Unknown), its placeholder stands for every
// free address of the block, so it answers for them: no entry of its
// own, and the placeholder's is as a pod's.
func TestSourcesIPv6PrefixesKnownOnlyLater(t *testing.T) {
	q := reach.SourcesQuery{To: "eni-db", Protocol: flow.TCP, Port: 5432, IPv6: true}
	m := unknownV6Design(t, func(*reach.Interface) {})
	s, err := m.Sources(q)
	require.NoError(t, err)
	require.Equal(t, []reach.SourceInterface{{ID: "eni-node", Address: ba("2001:db8:1:1:a::"), Outcome: reach.Indeterminate,
		Prefixes: []netip.Prefix{bp("2001:db8:1:1:a::/80")}, PrefixesUnknown: "aws_network_interface.node: ipv6_prefixes"}}, s.Interfaces, "%s", s)
	s4, err := m.Sources(reach.SourcesQuery{To: "eni-db", Protocol: flow.TCP, Port: 5432})
	require.NoError(t, err)
	assert.Empty(t, s4.Interfaces, "the node's IPv4 prefixes are known (none): no IPv4 pod")

	placeholder := func(in *reach.Interface) {
		in.PrivateIPs = in.PrivateIPs[:1]
		in.IPv6Unknown = "aws_network_interface.node: ipv6_addresses"
	}
	// the design tells apart the addresses the placeholder stands for:
	// its entry is the single check's answer (indeterminate), the rest
	// held to brute force
	m = unknownV6Design(t, placeholder)
	s, err = m.Sources(q)
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1, "%s", s)
	assert.Equal(t, reach.SourceInterface{ID: "eni-node", Address: s.Interfaces[0].Address, AddressUnknown: "aws_network_interface.node: ipv6_addresses",
		Outcome: reach.Indeterminate}, s.Interfaces[0], "%s", s)
	brute.CheckSetAnswers(t, m, brute.Options{Sources: []reach.SourcesQuery{q}, IPv6: true, Few: true, Seed: 1})
	m = unknownV6Design(t, func(in *reach.Interface) {
		placeholder(in)
		in.Instance = "db-admits-subnet"
	})
	s, err = m.Sources(q)
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1, "%s", s)
	assert.Equal(t, "aws_network_interface.node: ipv6_addresses", s.Interfaces[0].AddressUnknown, "the placeholder answers for every free address: %s", s)
	assert.Empty(t, s.Interfaces[0].PrefixesUnknown)
}

// TestSourcesPrefixesKnownOnlyLaterScale: a /16 subnet's free space is
// judged by atoms, not by address.
func TestSourcesPrefixesKnownOnlyLaterScale(t *testing.T) {
	d := middlebox(func(in *reach.Interface) { in.IPv4PrefixesUnknown = "aws_network_interface.ap: ipv4_prefixes" })
	d.VPCs[0].CIDRs = []netip.Prefix{bp("10.0.0.0/8")}
	d.Subnets[2].CIDRs = []netip.Prefix{bp("10.3.0.0/16")}
	d.RouteTables[1].Routes[1].Destination = bp("10.3.0.0/16") // fw's block, whole
	d.Interfaces[2].PrivateIPs = []netip.Addr{ba("10.3.0.10")}
	d.Groups[1].Rules[1].Peer = sg.CIDR("10.3.128.0/17")
	m := build(t, d)
	s, err := m.Sources(reach.SourcesQuery{To: "b", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1, "%s", s)
	assert.Equal(t, []netip.Prefix{bp("10.3.128.0/18"), bp("10.3.192.0/19"), bp("10.3.224.0/20"), bp("10.3.240.0/21"), bp("10.3.248.0/22"),
		bp("10.3.252.0/23"), bp("10.3.254.0/24"), bp("10.3.255.0/25"), bp("10.3.255.128/26"), bp("10.3.255.192/27"), bp("10.3.255.224/28"),
		bp("10.3.255.240/29"), bp("10.3.255.248/30"), bp("10.3.255.252/31"), bp("10.3.255.254/32")}, s.Interfaces[0].Prefixes, "all but the last address, which AWS reserves")
}

// TestAuditPrefixesKnownOnlyLater: IPv6 prefixes AWS picks at launch are
// on the internet as the interface's IPv6 address is, so a service its
// groups open to the internet may be exposed on a pod's address: an
// Undecided finding for the subnet's free addresses, naming the value,
// never a certain "not exposed", whether or not the interface has an
// IPv6 address of its own. Without a way to the internet it is Closed.
func TestAuditPrefixesKnownOnlyLater(t *testing.T) {
	noRoute := func(in *reach.Interface) { in.Instance = "no-route" }
	for _, tc := range []struct {
		name string
		set  func(*reach.Interface)
		want reach.Exposure
	}{
		{"own IPv6 address", func(*reach.Interface) {}, reach.Undecided},
		{"no IPv6 address", func(in *reach.Interface) { in.PrivateIPs = in.PrivateIPs[:1] }, reach.Undecided},
		{"no route to the internet", noRoute, reach.Closed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := unknownV6Design(t, tc.set)
			a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			var pods []reach.Finding
			for _, f := range a.Findings {
				if f.PrefixesUnknown != "" {
					pods = append(pods, f)
				}
			}
			require.Len(t, pods, 1, "%s", a.Text())
			f := pods[0]
			assert.Equal(t, "eni-node", f.Interface)
			assert.Equal(t, "aws_network_interface.node: ipv6_prefixes", f.PrefixesUnknown)
			assert.Equal(t, bp("2001:db8:1:1::/64"), f.Prefix)
			assert.Equal(t, "SSH", f.Service)
			assert.Equal(t, tc.want, f.Exposure, "a pod's address may be exposed: undecided, not exposed (AWS may delegate no such address): %s", a.Text())
			if tc.want == reach.Undecided {
				assert.NotEmpty(t, f.Sources)
			}
			assert.Contains(t, a.Text(), "ipv6_prefixes is known only later")
		})
	}
}

// unknownPrefixDesign returns d with IPv4 prefixes known only later on
// about a third of its interfaces (not the destination's).
func unknownPrefixDesign(g *walkGen, not string) {
	ali := map[string]bool{} // an ECS interface gets no AWS prefixes (nor may a basic group's members be unknown)
	for _, gr := range g.d.Groups {
		if gr.Flavour.IsAlibaba() {
			ali[gr.ID] = true
		}
	}
	for i := range g.d.Interfaces {
		in := &g.d.Interfaces[i]
		if in.ID != not && in.Name != not && g.chance(0.35) && !slices.ContainsFunc(in.Groups, func(id string) bool { return ali[id] }) {
			in.IPv4PrefixesUnknown = "aws_network_interface." + in.ID + ": ipv4_prefixes"
		}
	}
}

// checkPrefixesUnknownSources demands that the entries Sources (r, for q
// on m, built from d and extra) gives for prefixes known only later hold
// exactly the free addresses whose session gets through or might once
// they are the interface's: for each such interface, d with every free
// address of its subnet given to it (as secondary addresses; computed here: the subnet's
// block less the first four, the last and every address m's Owner
// reports) is built, and Verdict from each free address of it compared.
func checkPrefixesUnknownSources(t *testing.T, d *sample.Design, extra func(*reach.Builder), m *reach.Model, q reach.SourcesQuery, r *reach.SourcesResult, msg string) int {
	t.Helper()
	checked := 0
	subnets := map[string]netip.Prefix{}
	for _, s := range d.Subnets {
		for _, c := range s.CIDRs {
			if c.Addr().Is4() {
				subnets[s.ID] = c
			}
		}
	}
	for i, in := range d.Interfaces {
		if in.IPv4PrefixesUnknown == "" || in.ID == q.To || in.Name == q.To {
			continue
		}
		var entry addrset.Set
		for _, e := range r.Interfaces {
			if e.ID == in.ID && e.PrefixesUnknown != "" {
				require.Equal(t, in.IPv4PrefixesUnknown, e.PrefixesUnknown, msg)
				require.Equal(t, reach.Indeterminate, e.Outcome, msg)
				require.True(t, entry.IsEmpty(), "%s: one entry per interface", msg)
				entry = addrset.Of(e.Prefixes...)
				require.Equal(t, e.Prefixes, entry.Prefixes(), "%s: the fewest blocks", msg)
			}
		}
		block := subnets[in.Subnet]
		var free []netip.Prefix
		last := addrset.Last(block)
		for a := block.Addr().Next().Next().Next().Next(); a != last; a = a.Next() {
			if _, held := m.Owner(a); !held {
				free = append(free, netip.PrefixFrom(a, 32))
			}
		}
		known := *d
		known.Interfaces = slices.Clone(d.Interfaces)
		ki := &known.Interfaces[i]
		ki.IPv4PrefixesUnknown = ""
		ki.PrivateIPs = slices.Clone(ki.PrivateIPs) // the free addresses the interface's own (AWS delegates only /28s: as secondary addresses)
		for _, p := range free {
			ki.PrivateIPs = append(ki.PrivateIPs, p.Addr())
		}
		b := known.Builder()
		if extra != nil {
			extra(b)
		}
		km, err := b.Build()
		require.NoError(t, err, msg)
		for _, p := range free {
			vq := reach.Query{From: p.Addr().String(), To: q.To, Protocol: q.Protocol, Port: q.Port}
			got, err := km.Verdict(vq)
			if slices.ContainsFunc(free, func(f netip.Prefix) bool { return f.Addr().String() == q.To }) {
				// the destination is a free address: the interface's own
				// once delegated, a session to it stays inside the host
				require.ErrorIs(t, err, reach.ErrQuery, msg)
				require.False(t, entry.Contains(p.Addr()), "%s: from %s to its own %s", msg, p.Addr(), q.To)
				continue
			}
			require.NoError(t, err, msg)
			require.Equal(t, got != reach.Unreachable, entry.Contains(p.Addr()),
				"%s: from %s, free in %s's subnet: with it delegated, Verdict says %s; Sources lists it: %v", msg, p.Addr(), in.ID, got, entry.Contains(p.Addr()))
			checked++
		}
	}
	return checked
}
