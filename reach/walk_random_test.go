package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// walkGen generates random designs full of middleboxes: one or two VPCs
// with several subnets and route tables, appliances, NAT gateways,
// internet gateways with edge route tables, firewall endpoints, and
// random routes between them all (loops, hairpins and asymmetric paths
// included), and the endpoints a query can name.
type walkGen struct {
	rng       *rand.Rand
	d         *sample.Design
	endpoints []string // what a query's From and To may be
}

func (g *walkGen) pick(n int) int { return g.rng.IntN(n) }

func (g *walkGen) chance(p float64) bool { return g.rng.Float64() < p }

// vpcParts is what routes of one VPC may point at.
type vpcParts struct {
	id      string
	cidr    netip.Prefix
	subnets []netip.Prefix
	igw     string
	nat     string
	vpces   []string
	enis    []string
	tables  []string
}

func randomWalkDesign(rng *rand.Rand) *walkGen {
	return randomWalkDesignN(rng, 1+rng.IntN(2))
}

// randomWalkDesignN is randomWalkDesign with vpcs VPCs (10.1.0.0/16,
// 10.2.0.0/16...), whose tables route to each other's CIDRs (to the
// next VPC's, round the ring) through their own targets.
func randomWalkDesignN(rng *rand.Rand, vpcs int) *walkGen {
	g := &walkGen{rng: rng, d: &sample.Design{}}
	all := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	tcpIn := func(port uint16) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), Peer: sg.AnyIPv4}
	}
	g.d.Groups = []sg.Group{
		{ID: "sg-open", Name: "open", Rules: []sg.Rule{all(flow.Inbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv4)}},
		{ID: "sg-web", Name: "web", Rules: []sg.Rule{tcpIn(443), tcpIn(22), all(flow.Outbound, sg.AnyIPv4)}},
		{ID: "sg-ref", Name: "ref", Rules: []sg.Rule{all(flow.Inbound, sg.GroupRef("sg-open")), all(flow.Outbound, sg.AnyIPv4)}},
		{ID: "sg-out", Name: "out-only", Rules: []sg.Rule{all(flow.Outbound, sg.AnyIPv4)}},
	}
	g.endpoints = []string{"198.51.100.7", "8.8.8.8"}
	var parts []*vpcParts
	for v := range vpcs {
		parts = append(parts, g.vpc(v))
	}
	for i, vp := range parts {
		other := parts[(i+1)%len(parts)]
		g.routes(vp, other)
	}
	return g
}

// vpc adds VPC v with its subnets, interfaces, gateways and firewall;
// routes come later, once every VPC's targets are known.
func (g *walkGen) vpc(v int) *vpcParts {
	vp := &vpcParts{id: fmt.Sprintf("vpc-%d", v), cidr: netip.MustParsePrefix(fmt.Sprintf("10.%d.0.0/16", v+1))}
	for t := range 2 + g.pick(3) {
		vp.tables = append(vp.tables, fmt.Sprintf("rtb-%d-%d", v, t))
	}
	g.d.VPCs = append(g.d.VPCs, reach.VPC{ID: vp.id, CIDRs: []netip.Prefix{vp.cidr}, MainRouteTable: vp.tables[0], DefaultACL: fmt.Sprintf("acl-%d-open", v)})
	open := nacl.NewDefault(fmt.Sprintf("acl-%d-open", v), vp.id, false)
	strict := nacl.NewCustom(fmt.Sprintf("acl-%d-strict", v), vp.id)
	for _, e := range []string{"100 allow tcp 443 from 0.0.0.0/0", "110 allow tcp 1024-65535 from 0.0.0.0/0", "120 deny udp 53 from 0.0.0.0/0",
		"100 allow tcp 1024-65535 to 0.0.0.0/0", "110 allow tcp 443 to 0.0.0.0/0", "120 allow icmp to 10.0.0.0/8"} {
		if g.chance(0.7) {
			strict.Entries = append(strict.Entries, nacl.MustParseEntry(e))
		}
	}
	g.d.ACLs = append(g.d.ACLs, open, strict)
	if g.chance(0.85) {
		vp.igw = fmt.Sprintf("igw-%d", v)
		g.d.InternetGateways = append(g.d.InternetGateways, reach.InternetGatewaySpec{ID: vp.igw, VPC: vp.id})
	}
	groups := []string{"sg-open", "sg-web", "sg-ref", "sg-out"}
	n := 3 + g.pick(4)
	for s := range n {
		cidr := netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.0/24", v+1, s))
		vp.subnets = append(vp.subnets, cidr)
		sub := reach.Subnet{ID: fmt.Sprintf("subnet-%d-%d", v, s), VPC: vp.id, CIDRs: []netip.Prefix{cidr}}
		if g.chance(0.7) {
			sub.RouteTable = vp.tables[g.pick(len(vp.tables))]
		}
		switch g.pick(3) {
		case 0:
			sub.ACL = strict.ID
		case 1:
			sub.ACL = open.ID
		}
		g.d.Subnets = append(g.d.Subnets, sub)
		for i := range 1 + g.pick(3) {
			in := reach.Interface{ID: fmt.Sprintf("eni-%d-%d-%d", v, s, i), Subnet: sub.ID,
				PrivateIPs: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.%d.%d.%d", v+1, s, 10+i))},
				Groups:     []string{groups[g.pick(len(groups))]}}
			// the source/destination check, which decides whether a
			// route's appliance forwards: mostly off, else on or unknown
			switch k := g.pick(20); {
			case k < 4:
			case k < 7:
				in.SourceDestCheckUnknown = in.ID + ": source_dest_check"
			default:
				in.SourceDestCheckDisabled = true
			}
			if g.chance(0.5) {
				in.PublicIP = netip.MustParseAddr(fmt.Sprintf("203.0.113.%d", v*64+s*4+i))
				g.endpoints = append(g.endpoints, in.PublicIP.String())
			}
			g.d.Interfaces = append(g.d.Interfaces, in)
			vp.enis = append(vp.enis, in.ID)
			g.endpoints = append(g.endpoints, in.ID)
		}
	}
	if g.chance(0.6) {
		s := g.pick(n)
		nat := reach.NATGateway{ID: fmt.Sprintf("nat-%d", v), Subnet: fmt.Sprintf("subnet-%d-%d", v, s),
			PrivateIP: netip.MustParseAddr(fmt.Sprintf("10.%d.%d.100", v+1, s))}
		if g.chance(0.7) {
			nat.PublicIP = netip.MustParseAddr(fmt.Sprintf("192.0.2.%d", 100+v)) // documentation: AWS gives no address of 198.18.0.0/15 (benchmarking, not global)
			g.endpoints = append(g.endpoints, nat.PublicIP.String())
		}
		g.d.NATGateways = append(g.d.NATGateways, nat)
		vp.nat = nat.ID
	}
	if g.chance(0.75) {
		fw := reach.Firewall{ID: fmt.Sprintf("fw-%d", v), VPC: vp.id, Policy: g.policy(vp)}
		for j, s := range g.rng.Perm(n)[:1+g.pick(2)] {
			id := fmt.Sprintf("vpce-%d-%d", v, j)
			fw.Endpoints = append(fw.Endpoints, reach.FirewallEndpointSpec{ID: id, Subnet: fmt.Sprintf("subnet-%d-%d", v, s)})
			vp.vpces = append(vp.vpces, id)
		}
		g.d.Firewalls = append(g.d.Firewalls, fw)
	}
	return vp
}

// policy is a random firewall policy in strict or action order.
func (g *walkGen) policy(vp *vpcParts) firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	p := firewall.Policy{Name: "random-" + vp.id, Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd}}
	if g.chance(0.3) {
		actions := []flow.Action{flow.Pass, flow.Drop, flow.Forward}
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "stateless", Rules: []stateless.Rule{
			{Priority: 1, Destinations: []netip.Prefix{vp.subnets[g.pick(len(vp.subnets))]}, DestinationPorts: []flow.PortRange{flow.Single[uint16](22)},
				Protocols: []flow.Protocol{flow.TCP}, Action: actions[g.pick(len(actions))]},
		}}}}
	}
	order := stateful.DefaultActionOrder
	if g.chance(0.6) {
		order = stateful.StrictOrder
		switch g.pick(3) {
		case 0:
			p.Stateful.Defaults = stateful.Defaults{DropEstablished: true, AlertEstablished: true}
		case 1:
			p.Stateful.Defaults = stateful.Defaults{DropStrict: true}
		}
	}
	p.Stateful.Order = order
	net := func() string {
		if g.chance(0.5) {
			return vp.subnets[g.pick(len(vp.subnets))].String()
		}
		return fmt.Sprintf("203.0.113.%d", g.pick(128))
	}
	templates := []func() string{
		func() string { return "pass tcp any any -> any 443" },
		func() string { return "drop tcp any any -> " + net() + " any" },
		func() string { return "pass ip " + net() + " any -> any any" },
		func() string { return "drop udp any any -> any 53" },
		func() string { return "reject tcp $HOME_NET any -> $EXTERNAL_NET 80" },
		func() string { return "alert tcp any any -> any any" },
		func() string { return "pass icmp any any -> any any" },
		func() string { return "drop tcp " + net() + " any -> " + net() + " 22" },
	}
	var rules strings.Builder
	for i := range 1 + g.pick(5) {
		fmt.Fprintf(&rules, "%s (sid:%d;)\n", templates[g.pick(len(templates))](), i+1)
	}
	p.Stateful.Groups = []stateful.GroupRef{{Priority: 10, Group: stateful.RuleGroup{Name: "rules", RuleOrder: order, RulesString: rules.String()}}}
	if g.chance(0.3) {
		p.Stateful.Groups = append(p.Stateful.Groups, stateful.GroupRef{Priority: 20, Group: stateful.RuleGroup{Name: "domains", RuleOrder: order,
			DomainList: &stateful.DomainList{Targets: []string{".example.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}}})
	}
	return p
}

// routes fills vp's route tables (and perhaps an edge route table) with
// random routes to random targets.
func (g *walkGen) routes(vp, other *vpcParts) {
	dests := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("8.8.0.0/16"), other.cidr, netip.MustParsePrefix("203.0.113.0/24")}
	dests = append(dests, vp.subnets...)
	dests = append(dests, other.subnets...)
	// target picks a route's target; inside: for a destination inside
	// vp (a subnet's block), more specific than the local route, which
	// AWS takes only to a NAT gateway, a network interface or a firewall
	// (Gateway Load Balancer) endpoint (reach/subnettable.go)
	target := func(edge, inside bool) reach.Route {
		for {
			switch g.pick(6) {
			case 0:
				if vp.igw != "" && !edge && !inside {
					return reach.Route{Target: reach.TargetInternetGateway, TargetID: vp.igw}
				}
			case 1:
				if vp.nat != "" && !edge {
					return reach.Route{Target: reach.TargetNATGateway, TargetID: vp.nat}
				}
			case 2, 3:
				if len(vp.vpces) > 0 {
					return reach.Route{Target: reach.TargetFirewallEndpoint, TargetID: vp.vpces[g.pick(len(vp.vpces))]}
				}
			case 4:
				return reach.Route{Target: reach.TargetInterface, TargetID: vp.enis[g.pick(len(vp.enis))]}
			default:
				if g.chance(0.2) {
					return reach.Route{Target: reach.TargetBlackhole, TargetID: "eni-gone"}
				}
			}
		}
	}
	fill := func(rt *reach.RouteTable, n int, edge bool) {
		used := map[netip.Prefix]bool{}
		for _, r := range rt.Routes {
			used[r.Destination] = true
		}
		for range n {
			d := dests[g.pick(len(dests))]
			if edge {
				d = vp.subnets[g.pick(len(vp.subnets))]
			}
			if used[d] || d == vp.cidr {
				continue
			}
			used[d] = true
			r := target(edge, slices.Contains(vp.subnets, d))
			r.Destination = d
			rt.Routes = append(rt.Routes, r)
		}
	}
	for _, id := range vp.tables {
		rt := reach.RouteTable{ID: id, VPC: vp.id}
		if g.chance(0.6) {
			// Most tables have a way out: to the internet gateway, or
			// through a firewall endpoint or a NAT gateway to it.
			r := target(false, false)
			r.Destination = dests[0]
			rt.Routes = append(rt.Routes, r)
		}
		fill(&rt, g.pick(5), false)
		g.d.RouteTables = append(g.d.RouteTables, rt)
	}
	if vp.igw != "" && g.chance(0.6) {
		rt := reach.RouteTable{ID: "rtb-edge-" + vp.id, VPC: vp.id, Gateways: []string{vp.igw}}
		fill(&rt, 1+g.pick(3), true)
		g.d.RouteTables = append(g.d.RouteTables, rt)
	}
}

// query is a random question between the design's endpoints.
func (g *walkGen) query() reach.Query {
	q := reach.Query{From: g.endpoints[g.pick(len(g.endpoints))], To: g.endpoints[g.pick(len(g.endpoints))]}
	switch g.pick(5) {
	case 0:
		q.Protocol = flow.UDP
		q.Port = 53
	case 1:
		q.Protocol = flow.ICMP
	default:
		q.Protocol = flow.TCP
		q.Port = []uint16{22, 80, 443, 5432}[g.pick(4)]
		if g.chance(0.2) {
			q.Domain = []string{"www.example.com", "evil.test"}[g.pick(2)]
		}
		if g.chance(0.2) {
			q.SrcPort = 30000
		}
	}
	return q
}

// forwards reports whether a hop is a forwarding point: a route table
// that found a route, or a middlebox that passes the packet on.
func forwards(h reach.Hop) bool {
	switch h.Kind {
	case reach.KindRouteTable:
		return h.Code == ""
	case reach.KindFirewall, reach.KindInterface, reach.KindNATGateway:
		return true
	}
	return false
}

// checkTrace asserts what every answer must have: a verdict and a reason
// on every hop, a code exactly on the hops that do not allow, a code and a
// matching hop for every block; no forwarding point met twice by the
// same packet on a leg (that is a loop, which must end the leg, reported
// once), at most one routing loop per leg, and as its last hop.
func checkTrace(r *reach.Result) error {
	for _, leg := range [][]reach.Hop{r.Forward, r.Return} {
		seen := map[string]bool{}
		for i, h := range leg {
			switch {
			case h.Verdict != flow.Allow && h.Verdict != flow.Deny && h.Verdict != flow.Indeterminate:
				return fmt.Errorf("%s hop %d (%s %s): verdict %d", h.Leg, i+1, h.Kind, h.ID, h.Verdict)
			case strings.TrimSpace(h.Reason()) == "":
				return fmt.Errorf("%s hop %d (%s %s, %s): no reason", h.Leg, i+1, h.Kind, h.ID, h.Verdict)
			case (h.Verdict != flow.Allow) != (h.Code != ""):
				return fmt.Errorf("%s hop %d (%s %s): verdict %s with code %q", h.Leg, i+1, h.Kind, h.ID, h.Verdict, h.Code)
			case h.Leg != leg[0].Leg:
				return fmt.Errorf("hop %d (%s %s) is on the %s leg among %s hops", i+1, h.Kind, h.ID, h.Leg, leg[0].Leg)
			case h.Code == reach.RoutingLoop.OnLeg(h.Leg) && i != len(leg)-1:
				return fmt.Errorf("%s hop %d: a routing loop that does not end the leg", h.Leg, i+1)
			}
			if !forwards(h) || h.Code == reach.RoutingLoop.OnLeg(h.Leg) {
				continue
			}
			key := fmt.Sprintf("%s %s %s", h.Kind, h.ID, h.Packet)
			if seen[key] {
				return fmt.Errorf("%s hop %d: %s met twice: an unreported loop", h.Leg, i+1, key)
			}
			seen[key] = true
		}
	}
	for _, b := range r.Blocks {
		hops := r.Forward
		if b.Leg == reach.Return {
			hops = r.Return
		}
		if b.Code == "" || b.Hop < 1 || b.Hop > len(hops) || hops[b.Hop-1].Code != b.Code {
			return fmt.Errorf("block %+v has no code or points at no blocking hop", b)
		}
	}
	if r.Reachable && len(r.Blocks) > 0 {
		return fmt.Errorf("reachable with %d blocks", len(r.Blocks))
	}
	return nil
}

func TestRandomTopologiesTraceEveryHop(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs, queries := 300, 40
	if testing.Short() {
		designs = 60
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 10)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
		for range queries {
			q := g.query()
			r, err := m.Check(q)
			if errors.Is(err, reach.ErrQuery) {
				continue
			}
			require.NoError(t, err, "seed %d: %+v", seed, q)
			stats["checked"]++
			if r.Reachable {
				stats["reachable"]++
			}
			for _, leg := range [][]reach.Hop{r.Forward, r.Return} {
				fws := 0
				for _, h := range leg {
					if h.Kind == reach.KindFirewall {
						fws++
					}
				}
				if fws > 1 {
					stats["more than one crossing per leg"]++
				}
			}
			for _, c := range r.Codes() {
				stats[string(c)]++
			}
			if err := checkTrace(r); err != nil {
				t.Fatalf("seed %d, query %+v: %v\n%s", seed, q, err, r.Text())
			}
		}
	}
	t.Logf("%v", stats)
	for _, want := range []string{"reachable", "more than one crossing per leg", string(reach.RoutingLoop), string(reach.FirewallDrop), string(reach.AsymmetricRoute)} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
}

// delegate gives some interfaces of the design prefixes delegated to them
// (Interface.DelegatedPrefixes: one to four /28s, or /29s, of their
// subnet, each interface its own slots, clear of the interfaces' and NAT
// gateways' addresses, of route_ref_gen's secondary addresses and of
// those AWS reserves, which Build refuses in a delegated prefix), and
// adds an address of each, and the one just past an interface's last,
// to the endpoints a query may name. Across a design, the interfaces
// carrying one group may collect enough prefixes for a reference to the
// group to search them by halves.
func (g *walkGen) delegate() {
	slots := [3][4]byte{{32, 48, 64, 80}, {112, 128, 144, 160}, {176, 208, 224, 16}}
	for i := range g.d.Interfaces {
		in := &g.d.Interfaces[i]
		a := in.PrivateIPs[0].As4()
		slot := int(a[3]) - 10
		if slot < 0 || slot > 2 || !g.chance(0.4) {
			continue
		}
		for k := range 1 + g.pick(4) {
			bits := 28 // AWS delegates /28s only; the draw keeps the seeds' designs
			_ = g.chance(0.2)
			a[3] = slots[slot][k]
			p := netip.PrefixFrom(netip.AddrFrom4(a), bits)
			in.DelegatedPrefixes = append(in.DelegatedPrefixes, p)
			b := a
			b[3] += byte(g.pick(1 << (32 - bits)))
			g.endpoints = append(g.endpoints, netip.AddrFrom4(b).String())
		}
		last := in.DelegatedPrefixes[len(in.DelegatedPrefixes)-1]
		past := last.Addr().As4()
		past[3] += byte(1 << (32 - last.Bits()))
		g.endpoints = append(g.endpoints, netip.AddrFrom4(past).String())
	}
}
