package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// The randomized brute force of the NAT64 prefix in set answers: small
// designs whose IPv6-only subnet sends 64:ff9b::/96 (and parts of it) to
// NAT gateways, an appliance (a NAT64 instance, perhaps), an egress-only
// gateway or a blackhole, with IPv4 network ACL entries, routes and
// security group rules beyond the translation; an IPv6 Matrix's internet
// cells, atom by atom, and Diff's answers between two variants must
// agree with Verdict on addresses inside the prefix (each atom's first
// and last, the images of every IPv4 bound of the design) and outside
// it.

// nat64Blocks are the IPv4 blocks the random designs name: documentation
// and public blocks, the VPC's own, the design's public addresses.
var nat64Blocks = []string{"198.51.100.0/24", "198.51.100.0/25", "198.51.100.128/26", "198.51.100.7/32", "203.0.113.0/24",
	"203.0.113.0/28", "8.8.8.0/24", "0.0.0.0/1", "128.0.0.0/2", "10.0.1.0/24", "10.0.0.0/16", "54.0.0.0/24", "54.0.0.10/32", "192.0.2.0/24"}

// nat64RandomDesign is what varies between the random designs.
type nat64RandomDesign struct {
	pubOut, pubIn, pub2Out []nacl.Entry  // IPv4 entries of acl-pub and acl-pub2
	pubRoutes              []reach.Route // IPv4 routes of rtb-pub beyond the defaults
	v6Routes               []reach.Route // the routes of rtb-v6 (subnet-v6, v6's)
	webIn, v6Out, xOut     []sg.Rule     // rules of web's, v6's and the appliance's groups
	// apart puts web in subnet-web, apart from the NAT gateways: its own
	// route table rtb-web (webRoutes beyond the defaults) and ACL acl-web
	// (webACL's entries, then everything let in and out); noWebPublic
	// drops its public IP
	apart, noWebPublic bool
	webACL             []nacl.Entry
	webRoutes          []reach.Route
}

func nat64Block(rng *rand.Rand) netip.Prefix {
	return netip.MustParsePrefix(nat64Blocks[rng.IntN(len(nat64Blocks))])
}

// nat64ImageBlock is the block of 64:ff9b::/96 that holds the IPv4
// block p.
func nat64ImageBlock(p netip.Prefix) netip.Prefix {
	return netip.PrefixFrom(nat64Image(p.Addr()), 96+p.Bits())
}

func nat64Ports(rng *rand.Rand) (flow.Protocol, flow.PortRange) {
	protos := []flow.Protocol{flow.TCP, flow.TCP, flow.UDP, flow.AllProtocols}
	ports := []flow.PortRange{{Lo: 443, Hi: 443}, {Lo: 80, Hi: 80}, {Lo: 53, Hi: 53}, {Lo: 1, Hi: 1024}, {Lo: 0, Hi: 65535}, {Lo: 1024, Hi: 65535}}
	return protos[rng.IntN(len(protos))], ports[rng.IntN(len(ports))]
}

func nat64Entry(rng *rand.Rand, dir flow.Direction) nacl.Entry {
	proto, ports := nat64Ports(rng)
	act := []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)]
	e := nacl.Entry{Number: 10 + rng.IntN(80), Action: act, Direction: dir, Protocol: proto, CIDR: nat64Block(rng)}
	if proto != flow.AllProtocols {
		e.Ports = ports
	}
	return e
}

func nat64Rule(rng *rand.Rand, dir flow.Direction, v6 bool) sg.Rule {
	proto, ports := nat64Ports(rng)
	r := sg.Rule{Direction: dir, Protocol: proto, ICMPType: -1, ICMPCode: -1}
	if proto != flow.AllProtocols {
		r.Ports = ports
	}
	p := nat64Block(rng)
	if v6 {
		p = []netip.Prefix{nat64ImageBlock(p), bp("64:ff9b::/96"), bp("::/0"), bp("2600::/16")}[rng.IntN(4)]
	}
	r.Peer = sg.CIDR(p.String())
	return r
}

func nat64Route(rng *rand.Rand, v6 bool) reach.Route {
	p := nat64Block(rng)
	if v6 {
		p = nat64ImageBlock(p)
		targets := []reach.Route{{Target: reach.TargetNATGateway, TargetID: "nat-b"}, {Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"},
			{Target: reach.TargetBlackhole}, {Target: reach.TargetInterface, TargetID: "eni-x"}, {Target: reach.TargetNATGateway, TargetID: "nat-a"}}
		r := targets[rng.IntN(len(targets))]
		r.Destination = p
		return r
	}
	targets := []reach.Route{{Target: reach.TargetBlackhole}, {Target: reach.TargetInternetGateway, TargetID: "igw-a"}, {Target: reach.TargetNATGateway, TargetID: "nat-b"}}
	r := targets[rng.IntN(len(targets))]
	r.Destination = p
	if r.Target == reach.TargetInternetGateway && nat64VPC.Contains(p.Addr()) && p.Bits() > nat64VPC.Bits() {
		// AWS takes a route more specific than the local route only to a
		// NAT gateway, an interface or an endpoint (and only for a
		// subnet's whole block, as 10.0.1.0/24 is): Build refuses one to
		// the internet gateway, so it goes to nat-b (no draw more: the
		// seeds' other designs stay as they were)
		r.Target, r.TargetID = reach.TargetNATGateway, "nat-b"
	}
	return r
}

// nat64VPC is vpc-a's IPv4 block in the random NAT64 designs (build).
var nat64VPC = netip.MustParsePrefix("10.0.0.0/16")

// randomNAT64Design draws a design.
func randomNAT64Design(rng *rand.Rand) nat64RandomDesign {
	var d nat64RandomDesign
	for range 1 + rng.IntN(4) {
		d.pubOut = append(d.pubOut, nat64Entry(rng, flow.Outbound))
	}
	if rng.IntN(2) == 0 { // the rest let out, or denied by default
		d.pubOut = append(d.pubOut, nacl.Entry{Number: 95, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")})
	}
	for range rng.IntN(2) {
		d.pubIn = append(d.pubIn, nat64Entry(rng, flow.Inbound))
	}
	for range rng.IntN(3) {
		d.pub2Out = append(d.pub2Out, nat64Entry(rng, flow.Outbound))
	}
	for range rng.IntN(3) {
		d.pubRoutes = append(d.pubRoutes, nat64Route(rng, false))
	}
	first := reach.Route{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-a"}
	if rng.IntN(3) == 0 {
		first.Target, first.TargetID = reach.TargetInterface, "eni-x"
	}
	d.v6Routes = []reach.Route{first}
	if rng.IntN(2) == 0 {
		d.v6Routes = append(d.v6Routes, reach.Route{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"})
	}
	for range rng.IntN(3) {
		d.v6Routes = append(d.v6Routes, nat64Route(rng, true))
	}
	for range 1 + rng.IntN(2) {
		d.webIn = append(d.webIn, nat64Rule(rng, flow.Inbound, false))
	}
	for range 1 + rng.IntN(3) {
		d.v6Out = append(d.v6Out, nat64Rule(rng, flow.Outbound, true))
	}
	for range 1 + rng.IntN(2) {
		d.xOut = append(d.xOut, nat64Rule(rng, flow.Outbound, false))
	}
	return d
}

// mutate returns d with one thing changed: an entry, a route or a rule
// drawn again.
func (d nat64RandomDesign) mutate(rng *rand.Rand) nat64RandomDesign {
	c := d.clone()
	switch rng.IntN(6) {
	case 0:
		c.pubOut[rng.IntN(len(c.pubOut))] = nat64Entry(rng, flow.Outbound)
	case 1:
		c.pubIn = append(c.pubIn, nat64Entry(rng, flow.Inbound))
	case 2:
		c.pubRoutes = append(c.pubRoutes, nat64Route(rng, false))
	case 3:
		c.v6Routes = append(c.v6Routes, nat64Route(rng, true))
	case 4:
		c.v6Out[rng.IntN(len(c.v6Out))] = nat64Rule(rng, flow.Outbound, true)
	default:
		c.xOut[rng.IntN(len(c.xOut))] = nat64Rule(rng, flow.Outbound, false)
	}
	return c
}

// clone returns a copy of d that shares no slice with it.
func (d nat64RandomDesign) clone() nat64RandomDesign {
	c := d
	c.pubOut, c.pubIn, c.pub2Out, c.pubRoutes = slices.Clone(d.pubOut), slices.Clone(d.pubIn), slices.Clone(d.pub2Out), slices.Clone(d.pubRoutes)
	c.v6Routes, c.webIn, c.v6Out, c.xOut = slices.Clone(d.v6Routes), slices.Clone(d.webIn), slices.Clone(d.v6Out), slices.Clone(d.xOut)
	c.webACL, c.webRoutes = slices.Clone(d.webACL), slices.Clone(d.webRoutes)
	return c
}

// uniqueEntries drops the entries whose number an earlier one of their
// direction has.
func uniqueEntries(es []nacl.Entry) []nacl.Entry {
	var out []nacl.Entry
	for _, e := range es {
		if !slices.ContainsFunc(out, func(o nacl.Entry) bool { return o.Number == e.Number && o.Direction == e.Direction }) {
			out = append(out, e)
		}
	}
	return out
}

// uniqueRoutes drops the routes whose destination an earlier one has.
func uniqueRoutes(rs []reach.Route) []reach.Route {
	var out []reach.Route
	for _, r := range rs {
		if !slices.ContainsFunc(out, func(o reach.Route) bool { return o.Destination == r.Destination }) {
			out = append(out, r)
		}
	}
	return out
}

// build builds the design: vpc-a (10.0.0.0/16, 2600:1f18:1::/56) with
// subnet-pub (nat-a, web with public IP 54.0.0.10, and eni-x, an
// appliance with public IP 54.0.0.20 and its check off), subnet-pub2
// (nat-b), both routed by rtb-pub to the internet gateway, and
// subnet-v6 (v6, IPv6 only), routed by rtb-v6. With apart, web is in
// subnet-web (10.0.2.0/24, rtb-web, acl-web) at 10.0.2.10 instead.
func (d nat64RandomDesign) build(t *testing.T) *reach.Model {
	t.Helper()
	m, err := d.builder().Build()
	require.NoError(t, err)
	return m
}

// builder returns the design of d (see build).
func (d nat64RandomDesign) builder() *reach.Builder {
	all := func(dir flow.Direction, n int, cidr string) nacl.Entry {
		return nacl.Entry{Number: n, Action: flow.Pass, Direction: dir, Protocol: flow.AllProtocols, CIDR: bp(cidr)}
	}
	acl := func(id, subnet string, out, in []nacl.Entry) nacl.ACL {
		es := slices.Concat(uniqueEntries(out), uniqueEntries(in))
		es = append(es, all(flow.Inbound, 100, "0.0.0.0/0"), all(flow.Inbound, 101, "::/0"), all(flow.Outbound, 101, "::/0"))
		return nacl.ACL{ID: id, VPCID: "vpc-a", Subnets: []string{subnet}, Entries: es}
	}
	group := func(id string, rules ...sg.Rule) sg.Group {
		for i := range rules {
			rules[i].ID = fmt.Sprintf("%s-r%d", id, i)
		}
		return sg.Group{ID: id, Name: id, Rules: rules}
	}
	open := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), acl("acl-pub", "subnet-pub", d.pubOut, d.pubIn), acl("acl-pub2", "subnet-pub2", d.pub2Out, nil)).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: uniqueRoutes(slices.Concat([]reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}, d.pubRoutes))},
			reach.RouteTable{ID: "rtb-v6", VPC: "vpc-a", Routes: uniqueRoutes(d.v6Routes)}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub", ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-pub2", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.4.0/24"), bp("2600:1f18:1:4::/64")}, RouteTable: "rtb-pub", ACL: "acl-pub2"},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:1:3::/64")}, RouteTable: "rtb-v6"}).
		AddNATGateway(
			reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")},
			reach.NATGateway{ID: "nat-b", Subnet: "subnet-pub2", PrivateIP: ba("10.0.4.5"), PublicIP: ba("54.0.0.6")}).
		AddSecurityGroup(
			group("sg-web", append(slices.Clone(d.webIn), open(flow.Inbound, sg.AnyIPv6), open(flow.Outbound, sg.AnyIPv4), open(flow.Outbound, sg.AnyIPv6))...),
			group("sg-v6", append(slices.Clone(d.v6Out), open(flow.Inbound, sg.AnyIPv6))...),
			group("sg-x", append(slices.Clone(d.xOut), open(flow.Inbound, sg.AnyIPv4), open(flow.Inbound, sg.AnyIPv6), open(flow.Outbound, sg.AnyIPv6))...))
	web := reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2600:1f18:1:1::10")}, PublicIP: ba("54.0.0.10"), Groups: []string{"sg-web"}}
	if d.apart {
		web.Subnet, web.PrivateIPs = "subnet-web", []netip.Addr{ba("10.0.2.10"), ba("2600:1f18:1:2::10")}
		b.AddNetworkACL(acl("acl-web", "subnet-web", d.webACL, []nacl.Entry{all(flow.Outbound, 100, "0.0.0.0/0")})).
			AddRouteTable(reach.RouteTable{ID: "rtb-web", VPC: "vpc-a", Routes: uniqueRoutes(slices.Concat([]reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}, d.webRoutes))}).
			AddSubnet(reach.Subnet{ID: "subnet-web", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2600:1f18:1:2::/64")}, RouteTable: "rtb-web", ACL: "acl-web"})
	}
	if d.noWebPublic {
		web.PublicIP = netip.Addr{}
	}
	b.AddInterface(
		web,
		reach.Interface{ID: "eni-x", Name: "x", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.20"), ba("2600:1f18:1:1::20")}, PublicIP: ba("54.0.0.20"),
			SourceDestCheckDisabled: true, Groups: []string{"sg-x"}},
		reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::10")}, Groups: []string{"sg-v6"}})
	return b
}

// nat64Sessions are the sessions the brute force tries at each address.
var nat64Sessions = []reach.Query{
	{Protocol: flow.TCP, Port: 443}, {Protocol: flow.TCP, Port: 80}, {Protocol: flow.TCP, Port: 2222}, {Protocol: flow.UDP, Port: 53},
	{Protocol: flow.UDP, Port: 5000}, {Protocol: flow.ICMPv6, ICMP: &reach.ICMPMessage{Type: 128}},
}

// nat64Samples returns the addresses the brute force tries: inside
// 64:ff9b::/96, the images of the first and last address of every IPv4
// block the designs name and of the design's IPv4 addresses, and their
// neighbours, and random ones; outside it, its neighbours and a few
// IPv6 internet addresses. Each is an internet host of m.
func nat64Samples(rng *rand.Rand, m *reach.Model) []netip.Addr {
	var v4 []netip.Addr
	for _, s := range nat64Blocks {
		p := bp(s)
		last := lastOf(p)
		v4 = append(v4, p.Addr(), p.Addr().Prev(), p.Addr().Next(), last, last.Next())
	}
	for _, s := range []string{"10.0.1.5", "10.0.1.10", "10.0.1.20", "10.0.4.5", "54.0.0.5", "54.0.0.6", "54.0.0.10", "54.0.0.20", "255.255.255.255"} {
		a := ba(s)
		v4 = append(v4, a, a.Prev(), a.Next())
	}
	for range 12 {
		v4 = append(v4, netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
	}
	var out []netip.Addr
	for _, a := range v4 {
		if a.IsValid() && a.Is4() {
			out = append(out, nat64Image(a))
		}
	}
	for _, s := range []string{"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", "64:ff9b::1:0:0", "2600::1", "2001:db8:aaaa::7", "2a00:1450::5"} {
		out = append(out, ba(s))
	}
	return slices.DeleteFunc(out, func(a netip.Addr) bool { return !brute.InternetHost(m, a) })
}

// spanOutcome is what the atoms say of session q with the internet
// address a: none holding a says it carries nothing.
func spanOutcome(spans []reach.InternetSpan, a netip.Addr, q reach.Query) reach.Outcome {
	for _, s := range spans {
		if !a.Less(s.From) && !s.To.Less(a) {
			return brute.CellOutcome(reach.Cell{Allowed: s.Allowed, Indeterminate: s.Indeterminate}, q)
		}
	}
	return reach.Unreachable
}

// internetQuery6 is session q between the internet address x and the
// interface id, x opening it when fromInternet.
func internetQuery6(q reach.Query, x netip.Addr, id string, fromInternet bool) reach.Query {
	q.From, q.To, q.IPv6 = id, x.String(), true
	if fromInternet {
		q.From, q.To = x.String(), id
	}
	return q
}

// trafficHas reports whether t holds session q.
func trafficHas(t reach.Traffic, q reach.Query) bool {
	return brute.CellOutcome(reach.Cell{Allowed: t}, q) == reach.Reachable
}

func TestNAT64SetAnswersRandom(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	seeds := make([]uint64, 24)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	if testing.Short() || raceOn {
		// three seeds that between them meet each kind below (4: an
		// undecided atom, 5: open ones, 13: an address change) and both
		// extra references (4: every pair walked whole, 5 and 13: the
		// reference diff); the full run meets them all by seed 13
		seeds = []uint64{4, 5, 13}
		if raceOn {
			seeds = []uint64{4, 13}
		}
	}
	ids := []string{"eni-v6", "eni-web", "eni-x"}
	prefix := bp("64:ff9b::/96")
	// what the seeds met inside the prefix: atoms open, atoms undecided,
	// address changes
	var open, und, changed int
	for _, seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 64))
		da := randomNAT64Design(rng)
		db := da.mutate(rng)
		before, after := da.build(t), db.build(t)
		msg := fmt.Sprintf("seed %d", seed)
		samples := nat64Samples(rng, before)
		// the matrix, atom by atom, factored and (on some seeds) every
		// pair walked whole
		for _, fast := range []bool{true, seed%4 == 0 && !raceOn} { // the references are slow under -race
			mx, spans, err := reach.MatrixInternetSpans(before, reach.MatrixOptions{IPv6: true, Workers: 1}, fast)
			require.NoError(t, err, msg)
			require.Empty(t, mx.Notes, msg)
			for _, c := range mx.Classes {
				if c.Name == reach.InternetNode {
					continue
				}
				id := c.Members[0].ID
				for _, fromInternet := range []bool{false, true} {
					key := [2]string{c.Name, reach.InternetNode}
					if fromInternet {
						key = [2]string{reach.InternetNode, c.Name}
					}
					at := slices.Clone(samples)
					for _, s := range spans[key] {
						at = append(at, s.From, s.To)
						if prefix.Contains(s.From) && !s.Allowed.TCP.IsEmpty() {
							open++
						}
						if prefix.Contains(s.From) && !s.Indeterminate.TCP.IsEmpty() {
							und++
						}
					}
					for _, a := range at {
						if !brute.InternetHost(before, a) {
							continue
						}
						for _, q := range nat64Sessions {
							q = internetQuery6(q, a, id, fromInternet)
							v, err := before.Verdict(q)
							require.NoError(t, err, msg)
							if got := spanOutcome(spans[key], a, q); got != v { // the matrix's text only on failure: it is long
								require.Equal(t, v, got, "%s (fast %v): %s -> %s %s %d\n%s", msg, fast, q.From, q.To, q.Protocol, q.Port, mx.Text())
							}
						}
					}
				}
			}
		}
		// Diff between the two variants
		diffs := []func(a, b *reach.Model, o reach.DiffOptions) (*reach.DiffResult, error){reach.Diff}
		if seed%4 == 1 && !raceOn {
			diffs = append(diffs, reach.DiffReference)
		}
		for _, diff := range diffs {
			res, err := diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
			require.NoError(t, err, msg)
			require.Empty(t, res.Notes, msg)
			for _, id := range ids {
				for _, fromInternet := range []bool{false, true} {
					pc, _ := internetChangeOf(res, id, fromInternet)
					for _, ac := range pc.Addresses {
						if slices.ContainsFunc(ac.Addresses, prefix.Overlaps) {
							changed++
						}
					}
					for _, a := range samples {
						if !brute.InternetHost(after, a) {
							continue
						}
						ac, _ := addressChangeAt(pc, a)
						for _, q := range nat64Sessions {
							q = internetQuery6(q, a, id, fromInternet)
							vb, err := before.Verdict(q)
							require.NoError(t, err, msg)
							va, err := after.Verdict(q)
							require.NoError(t, err, msg)
							what := fmt.Sprintf("%s: %s -> %s %s %d (%s -> %s)\n%s", msg, q.From, q.To, q.Protocol, q.Port, vb, va, res.Text())
							require.Equal(t, va == reach.Reachable && vb != reach.Reachable, trafficHas(ac.Gained, q), "gained: "+what)
							require.Equal(t, vb == reach.Reachable && va != reach.Reachable, trafficHas(ac.Lost, q), "lost: "+what)
							require.Equal(t, va == reach.Indeterminate && vb != reach.Indeterminate, trafficHas(ac.IndeterminateGained, q), "indeterminate gained: "+what)
							require.Equal(t, vb == reach.Indeterminate && va != reach.Indeterminate, trafficHas(ac.IndeterminateLost, q), "indeterminate lost: "+what)
						}
					}
				}
			}
		}
	}
	t.Logf("inside 64:ff9b::/96: %d atoms open, %d undecided, %d address changes", open, und, changed)
	require.Positive(t, open, "some atom of the prefix is open")
	require.Positive(t, und, "some atom of the prefix is undecided (an appliance)")
	require.Positive(t, changed, "some address of the prefix changed")
}
