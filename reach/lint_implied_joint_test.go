package reach_test

import (
	"fmt"
	"math/rand/v2"
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

// SG_RULE_IMPLIED findings are safe to follow together: removing every
// rule they name changes no Check answer (doc.go, README "What is dead,
// shadowed or dangerous"). Rules are weighed from the last to the first
// (group ID, then position): of rules that imply one another the first
// stays.

// jointDesign is one VPC (10.0.0.0/16) with an internet gateway, a
// default route to it and allow-all ACLs, two subnets (10.0.1.0/24,
// 10.0.2.0/24) and the interfaces and groups given; jointBuild adds
// prefix list pl-1.
func jointDesign(groups []sg.Group, ifaces []reach.Interface) *sample.Design {
	pfx := netip.MustParsePrefix
	return &sample.Design{
		VPCs: []reach.VPC{{ID: "vpc-j", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-j", DefaultACL: "acl-j"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-j", VPC: "vpc-j", Routes: []reach.Route{
			{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-j"}}}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-j", VPC: "vpc-j"}},
		ACLs:             []nacl.ACL{nacl.NewDefault("acl-j", "vpc-j", false)},
		Subnets: []reach.Subnet{
			{ID: "subnet-j1", VPC: "vpc-j", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}},
			{ID: "subnet-j2", VPC: "vpc-j", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}},
		},
		Groups:     groups,
		Interfaces: ifaces,
	}
}

// jointBuild builds d with prefix list pl-1 (198.51.100.0/25,
// 10.0.2.0/24).
func jointBuild(t *testing.T, d *sample.Design) *reach.Model {
	t.Helper()
	m, err := d.Builder().AddPrefixList(reach.PrefixList{ID: "pl-1",
		Entries: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/25"), netip.MustParsePrefix("10.0.2.0/24")}}).Build()
	require.NoError(t, err)
	return m
}

// withoutRules is d with the rules named removed ("group rule").
func withoutRules(d *sample.Design, gone []string) *sample.Design {
	out := *d
	out.Groups = slices.Clone(d.Groups)
	for i := range out.Groups {
		g := &out.Groups[i]
		g.Rules = slices.DeleteFunc(slices.Clone(g.Rules), func(r sg.Rule) bool { return slices.Contains(gone, g.ID+" "+r.ID) })
	}
	return &out
}

// reportedImplied is every rule SG_RULE_IMPLIED names, as "group rule".
func reportedImplied(t *testing.T, m *reach.Model) []string {
	t.Helper()
	res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied}})
	require.NoError(t, err)
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Resource+" "+f.Rule)
	}
	return out
}

func TestLintImpliedFindingsJointly(t *testing.T) {
	ssh := func(id, cidr string) sg.Rule {
		return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(cidr)}
	}
	wide, low, high := ssh("r-wide", "198.51.100.0/24"), ssh("r-low", "198.51.100.0/25"), ssh("r-high", "198.51.100.128/25")
	tests := []struct {
		name   string
		groups []sg.Group
		want   []string
	}{
		{"a rule and its two halves: the halves go, the first stays", []sg.Group{{ID: "sg-b", Rules: []sg.Rule{wide, low, high}}},
			[]string{"sg-b r-low", "sg-b r-high"}},
		{"the two halves first: the wide rule goes", []sg.Group{{ID: "sg-b", Rules: []sg.Rule{low, high, wide}}},
			[]string{"sg-b r-wide"}},
		{"two equal rules: the second goes", []sg.Group{{ID: "sg-b", Rules: []sg.Rule{low, ssh("r-low-again", "198.51.100.0/25")}}},
			[]string{"sg-b r-low-again"}},
		{"across the groups of an interface: by group ID", []sg.Group{{ID: "sg-b1", Rules: []sg.Rule{low, high}}, {ID: "sg-b2", Rules: []sg.Rule{wide}}},
			[]string{"sg-b2 r-wide"}},
		{"a quarter, the halves and the whole: only the whole stays", []sg.Group{{ID: "sg-b", Rules: []sg.Rule{high, ssh("r-quarter", "198.51.100.0/26"), wide, low}}},
			[]string{"sg-b r-high", "sg-b r-quarter", "sg-b r-low"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			for _, g := range tc.groups {
				ids = append(ids, g.ID)
			}
			d := jointDesign(tc.groups, []reach.Interface{{ID: "eni-srv", Name: "srv", Subnet: "subnet-j1",
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}, PublicIP: netip.MustParseAddr("203.0.113.20"), Groups: ids}})
			m := jointBuild(t, d)
			got := reportedImplied(t, m)
			assert.ElementsMatch(t, tc.want, got)
			less := jointBuild(t, withoutRules(d, got))
			for _, from := range []string{"198.51.100.0", "198.51.100.63", "198.51.100.64", "198.51.100.127", "198.51.100.128", "198.51.100.255"} {
				q := reach.Query{From: from, To: "srv", Protocol: flow.TCP, Port: 22, SrcPort: 40000}
				a, err := m.Check(q)
				require.NoError(t, err)
				b, err := less.Check(q)
				require.NoError(t, err)
				assert.Equal(t, a.Outcome, b.Outcome, "%s without %v: %s", from, got, b.Text())
			}
		})
	}
}

// randomJointDesign is jointDesign with four groups of random rules
// (peers among blocks and their halves, the internet's, pl-1 and the
// groups; ports among ranges and their halves) and five interfaces with
// public addresses and random groups, some with a delegated prefix.
func randomJointDesign(rng *rand.Rand) *sample.Design {
	peers := []string{"0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.0/25", "10.0.1.128/25", "10.0.2.0/24", "10.0.2.0/25",
		"198.51.100.0/24", "198.51.100.0/25", "198.51.100.128/25", "198.51.100.7/32"}
	ports := []flow.PortRange{flow.AllPorts, {Lo: 0, Hi: 1023}, {Lo: 1024, Hi: 65535}, {Lo: 22, Hi: 22}, {Lo: 22, Hi: 443}, {Lo: 22, Hi: 80}, {Lo: 81, Hi: 443}, {Lo: 443, Hi: 443}}
	protos := []flow.Protocol{flow.AllProtocols, flow.TCP, flow.TCP, flow.TCP, flow.UDP, flow.ICMP}
	groups := make([]sg.Group, 4)
	for g := range groups {
		groups[g] = sg.Group{ID: fmt.Sprintf("sg-%d", g), VPCID: "vpc-j"}
		for i := range 2 + rng.IntN(8) {
			r := sg.Rule{ID: fmt.Sprintf("r%d", i), Direction: flow.Direction(rng.IntN(2)), Protocol: protos[rng.IntN(len(protos))], ICMPType: -1, ICMPCode: -1}
			switch {
			case r.Protocol.HasPorts():
				r.Ports = ports[rng.IntN(len(ports))]
			case r.Protocol == flow.ICMP && rng.IntN(2) == 0:
				r.ICMPType = 8
			}
			switch k := rng.IntN(10); {
			case k < 7:
				r.Peer = sg.CIDR(peers[rng.IntN(len(peers))])
			case k < 8:
				r.Peer = sg.PrefixList("pl-1")
			default:
				r.Peer = sg.GroupRef(fmt.Sprintf("sg-%d", rng.IntN(len(groups))))
			}
			groups[g].Rules = append(groups[g].Rules, r)
		}
	}
	var ifaces []reach.Interface
	for i := range 5 {
		sub := 1 + i%2
		ii := reach.Interface{ID: fmt.Sprintf("eni-%d", i), Name: fmt.Sprintf("h%d", i), Subnet: fmt.Sprintf("subnet-j%d", sub),
			PrivateIPs: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", sub, 10+i))},
			PublicIP:   netip.MustParseAddr(fmt.Sprintf("203.0.113.%d", 10+i))}
		for _, g := range rng.Perm(len(groups))[:1+rng.IntN(2)] {
			ii.Groups = append(ii.Groups, fmt.Sprintf("sg-%d", g))
		}
		if rng.IntN(3) == 0 {
			ii.DelegatedPrefixes = []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(sub), byte(128 + 16*i)}), 28)}
		}
		ifaces = append(ifaces, ii)
	}
	return jointDesign(groups, ifaces)
}

// jointQueries are the sessions whose answers an SG rule of d may
// decide: between every two interfaces (from a private address or one
// of a delegated prefix), from internet addresses at the edges of the
// rules' blocks to each public address, and from each interface to
// them, over protocols and ports at the edges of the rules' ranges.
func jointQueries(d *sample.Design) []reach.Query {
	var ends []string
	for _, ii := range d.Interfaces {
		ends = append(ends, ii.PrivateIPs[0].String())
		for _, p := range ii.DelegatedPrefixes {
			ends = append(ends, p.Addr().String(), p.Addr().Next().String())
		}
	}
	internet := []string{"198.51.100.0", "198.51.100.7", "198.51.100.127", "198.51.100.128", "198.51.100.255", "192.0.2.1"}
	type proto struct {
		p    flow.Protocol
		port uint16
		icmp *reach.ICMPMessage
	}
	var protos []proto
	for _, port := range []uint16{1, 22, 23, 80, 81, 443, 444, 1023, 1024, 65535} {
		protos = append(protos, proto{flow.TCP, port, nil})
	}
	protos = append(protos, proto{flow.UDP, 22, nil}, proto{flow.UDP, 1024, nil}, proto{flow.ICMP, 0, &reach.ICMPMessage{Type: 8}},
		proto{flow.ICMP, 0, &reach.ICMPMessage{Type: 13}}, proto{flow.GRE, 0, nil})
	var out []reach.Query
	add := func(from, to string) {
		for _, p := range protos {
			q := reach.Query{From: from, To: to, Protocol: p.p, Port: p.port, ICMP: p.icmp}
			if p.p.HasPorts() {
				q.SrcPort = 40000
			}
			out = append(out, q)
		}
	}
	for i, ii := range d.Interfaces {
		for _, from := range ends {
			// not the interface's own addresses: a session to itself
			// stays inside the host (a query error)
			if !holdsAddr(ii, netip.MustParseAddr(from)) {
				add(from, ii.Name)
			}
		}
		for _, a := range internet {
			add(a, d.Interfaces[i].PublicIP.String())
			add(ii.Name, a)
		}
	}
	return out
}

// TestLintImpliedFindingsJointlyRandom removes every rule SG_RULE_IMPLIED
// names, all at once, from random designs and checks that no Check
// answer changes.
func TestLintImpliedFindingsJointlyRandom(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 60
	if testing.Short() || raceOn {
		designs = 15
	}
	rng := rand.New(rand.NewPCG(7, 11))
	reported, several := 0, 0
	for n := range designs {
		d := randomJointDesign(rng)
		m := jointBuild(t, d)
		gone := reportedImplied(t, m)
		if len(gone) == 0 {
			continue
		}
		reported += len(gone)
		if len(gone) > 1 {
			several++
		}
		less := jointBuild(t, withoutRules(d, gone))
		for _, q := range jointQueries(d) {
			a, err := m.Check(q)
			require.NoError(t, err)
			b, err := less.Check(q)
			require.NoError(t, err)
			require.Equal(t, a.Outcome, b.Outcome, "design %d, without %v: %s -> %s %s %d %v", n, gone, q.From, q.To, q.Protocol, q.Port, q.ICMP)
		}
	}
	t.Logf("%d rules reported in %d designs, %d designs with several", reported, designs, several)
	require.Greater(t, several, designs/4)
}
