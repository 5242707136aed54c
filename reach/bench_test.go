package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// The large topology's sizes: the issue's, at or near AWS's quotas.
const (
	largeSubnets         = 50  // workload subnets; half in zone A (private), half in zone B (public)
	largeIfacesPerSubnet = 20  // 1,000 interfaces
	largeGroups          = 500 // security groups...
	largeRulesPerGroup   = 60  // ...of 60 rules each (AWS's default quota)
	largeACLEntries      = 40  // per direction, per workload subnet ACL
	largeFirewallRules   = 10000
	largeFirewallGroups  = 5
	largeLists           = 20 // prefix lists for security group rules
)

// largeTopology generates one VPC, 10.1.0.0/16, at the sizes:
//
//   - 50 workload subnets 10.1.S.0/24, each with its own network ACL of 40
//     inbound and 40 outbound entries (denies of bogon ranges and of a few
//     ports, allows of services, allows of ephemeral-port replies) and 20
//     interfaces 10.1.S.10–29; subnets 0–24 are zone A (private, named
//     app-SS-KK), 25–49 zone B (public IPs 52.94.S.10–29, named web-SS-KK);
//   - 500 security groups of 60 rules mixing CIDRs, group references and
//     prefix lists over tcp, udp and icmp; each interface is in its
//     subnet's group sg-00SS and one to three of the other 450; every
//     tenth (eni-SS03, eni-SS13) also in sg-risky, which opens SSH, RDP
//     and Redis to internet addresses;
//   - routing: zone A's default route goes to NAT gateway nat-large (in
//     subnet-nat), zone B's to firewall endpoint vpce-large (in
//     subnet-fw); traffic between the zones goes through the endpoint by
//     prefix-list routes (pl-zone-a, pl-zone-b); the NAT subnet's default
//     route goes through the endpoint too, the firewall subnet's to the
//     internet gateway igw-large, whose edge route table sends zone B's
//     subnets and the NAT subnet back through the endpoint (a route per
//     subnet block: a gateway route table takes no prefix list);
//   - firewall fw-large: a stateless group that forwards to the stateful
//     engine (dropping bogon sources first), and 10,000 Suricata rules in
//     five strict-order groups with aws:drop_established. Only the last
//     rules of the last group pass tcp/8080 and tcp/443 to zone B and
//     HTTPS out, and drop telnet.
//
// The generator is deterministic.
func largeTopology() *reach.Builder { return largeTopologyOf(false) }

// largeTopologyOf is largeTopology, with changed a handful of the changes
// a review meets (BenchmarkDiffLarge): a rule added to one group (sg-0007,
// tcp 5432 from zone B's 10.1.30.0/24), an ACL entry changed (acl-07's
// first inbound entry denies ssh instead of telnet), a route changed
// (zone B's table sends 198.51.100.0/24, a partner, straight to the
// internet gateway rather than through the firewall; no pair's traffic
// changes by it: the internet node is every internet address, and the
// others still reach zone B through the firewall).
func largeTopologyOf(changed bool) *reach.Builder {
	rng := rand.New(rand.NewPCG(2024, 11))
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-large", Name: "large", CIDRs: []netip.Prefix{bp("10.1.0.0/16")}, MainRouteTable: "rtb-zone-a", DefaultACL: "acl-open"})
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-large", VPC: "vpc-large"})
	b.AddNetworkACL(nacl.NewDefault("acl-open", "vpc-large", false))

	// Prefix lists: the two zones, and lists for security group rules.
	var zoneA, zoneB []netip.Prefix
	for s := range largeSubnets {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(s), 0}), 24)
		if s < largeSubnets/2 {
			zoneA = append(zoneA, p)
		} else {
			zoneB = append(zoneB, p)
		}
	}
	b.AddPrefixList(reach.PrefixList{ID: "pl-zone-a", Name: "zone A", Entries: zoneA},
		reach.PrefixList{ID: "pl-zone-b", Name: "zone B", Entries: zoneB})
	for l := range largeLists {
		pl := reach.PrefixList{ID: fmt.Sprintf("pl-%02d", l), Name: fmt.Sprintf("partners %d", l)}
		for range 4 + rng.IntN(37) { // 4-40 entries: some lists short, some searched by trie
			pl.Entries = append(pl.Entries, largeOutsidePrefix(rng))
		}
		b.AddPrefixList(pl)
	}

	// Routing.
	fw := func(dst netip.Prefix, pl string) reach.Route {
		return reach.Route{Destination: dst, PrefixList: pl, Target: reach.TargetFirewallEndpoint, TargetID: "vpce-large"}
	}
	anyV4 := bp("0.0.0.0/0")
	zoneBRoutes := []reach.Route{fw(anyV4, ""), fw(netip.Prefix{}, "pl-zone-a")}
	if changed {
		zoneBRoutes = append(zoneBRoutes, reach.Route{Destination: bp("198.51.100.0/24"), Target: reach.TargetInternetGateway, TargetID: "igw-large"})
	}
	// A gateway route table takes whole subnet blocks, no prefix list.
	edgeRoutes := []reach.Route{fw(bp("10.1.251.0/24"), "")}
	for _, p := range zoneB {
		edgeRoutes = append(edgeRoutes, fw(p, ""))
	}
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-zone-a", VPC: "vpc-large", Routes: []reach.Route{
			{Destination: anyV4, Target: reach.TargetNATGateway, TargetID: "nat-large"}, fw(netip.Prefix{}, "pl-zone-b")}},
		reach.RouteTable{ID: "rtb-zone-b", VPC: "vpc-large", Routes: zoneBRoutes},
		reach.RouteTable{ID: "rtb-nat", VPC: "vpc-large", Routes: []reach.Route{fw(anyV4, "")}},
		reach.RouteTable{ID: "rtb-fw", VPC: "vpc-large", Routes: []reach.Route{
			{Destination: anyV4, Target: reach.TargetInternetGateway, TargetID: "igw-large"}}},
		reach.RouteTable{ID: "rtb-edge", VPC: "vpc-large", Gateways: []string{"igw-large"}, Routes: edgeRoutes},
	)
	b.AddSubnet(
		reach.Subnet{ID: "subnet-fw", Name: "firewall", VPC: "vpc-large", CIDRs: []netip.Prefix{bp("10.1.250.0/24")}, RouteTable: "rtb-fw"},
		reach.Subnet{ID: "subnet-nat", Name: "nat", VPC: "vpc-large", CIDRs: []netip.Prefix{bp("10.1.251.0/24")}, RouteTable: "rtb-nat"},
	)
	b.AddNATGateway(reach.NATGateway{ID: "nat-large", Subnet: "subnet-nat", PrivateIP: ba("10.1.251.10"), PublicIP: ba("52.95.0.10")})

	// Workload subnets, their ACLs and interfaces.
	for s := range largeSubnets {
		id := fmt.Sprintf("subnet-%02d", s)
		rt := "rtb-zone-a"
		if s >= largeSubnets/2 {
			rt = "rtb-zone-b"
		}
		acl := largeACL(rng, fmt.Sprintf("acl-%02d", s))
		if changed && s == 7 {
			acl.Entries[0] = nacl.MustParseEntry("100 deny tcp 22 from 0.0.0.0/0")
		}
		b.AddNetworkACL(acl)
		b.AddSubnet(reach.Subnet{ID: id, VPC: "vpc-large", CIDRs: []netip.Prefix{zoneAB(zoneA, zoneB, s)}, RouteTable: rt, ACL: acl.ID,
			AvailabilityZone: []string{"eu-west-1a", "eu-west-1b"}[s%2]})
		for k := range largeIfacesPerSubnet {
			in := reach.Interface{
				ID:         fmt.Sprintf("eni-%02d%02d", s, k),
				Instance:   fmt.Sprintf("i-%02d%02d", s, k),
				Subnet:     id,
				PrivateIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, 1, byte(s), byte(10 + k)})},
				Groups:     []string{largeGroupID(s)},
			}
			if k%10 == 3 { // a tenth of the interfaces open risky services to the internet
				in.Groups = append(in.Groups, "sg-risky")
			}
			if s < largeSubnets/2 {
				in.Name = fmt.Sprintf("app-%02d-%02d", s, k)
			} else {
				in.Name = fmt.Sprintf("web-%02d-%02d", s, k)
				in.PublicIP = netip.AddrFrom4([4]byte{52, 94, byte(s), byte(10 + k)})
			}
			for range 1 + rng.IntN(3) {
				g := largeGroupID(largeSubnets + rng.IntN(largeGroups-largeSubnets))
				if !slices.Contains(in.Groups, g) {
					in.Groups = append(in.Groups, g)
				}
			}
			b.AddInterface(in)
		}
	}
	for g := range largeGroups {
		grp := largeGroup(rng, g)
		if changed && g == 7 {
			grp.Rules = append(grp.Rules, sg.Rule{ID: "sgr-new-postgres", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.1.30.0/24")})
		}
		b.AddSecurityGroup(grp)
	}
	b.AddSecurityGroup(sg.Group{ID: "sg-risky", Name: "risky", VPCID: "vpc-large", Rules: []sg.Rule{
		{ID: "sgr-risky-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4},
		{ID: "sgr-risky-rdp", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](3389), Peer: sg.CIDR("198.51.100.0/24")},
		{ID: "sgr-risky-redis", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](6379), Peer: sg.CIDR("203.0.113.0/24")},
		{ID: "sgr-risky-https", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4},
	}})
	b.AddFirewall(reach.Firewall{ID: "fw-large", Name: "large-firewall", VPC: "vpc-large", Policy: largePolicy(rng),
		Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-large", Subnet: "subnet-fw"}}})
	return b
}

func zoneAB(a, b []netip.Prefix, s int) netip.Prefix {
	if s < len(a) {
		return a[s]
	}
	return b[s-len(a)]
}

func largeGroupID(g int) string { return fmt.Sprintf("sg-%04d", g) }

// largeOutsidePrefix returns a random block outside the VPC and outside
// the addresses the benchmark queries use.
func largeOutsidePrefix(rng *rand.Rand) netip.Prefix {
	switch rng.IntN(3) {
	case 0:
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(2 + rng.IntN(200)), byte(rng.IntN(256)), 0}), 24)
	case 1:
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + rng.IntN(16)), byte(rng.IntN(16) * 16), 0}), 20)
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(rng.IntN(256)), 0}), 24)
}

// largeBogon returns a random block of the shared address space, which
// no query uses.
func largeBogon(rng *rand.Rand) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(64 + rng.IntN(64)), byte(rng.IntN(256)), 0}), 24)
}

// largeServicePorts are the ports of filler rules; none is 443, 8080 or
// 23, which the queries use.
var largeServicePorts = []uint16{22, 25, 80, 389, 636, 1433, 3306, 5432, 5672, 6379, 8443, 9090, 9200, 11211, 27017}

func largePort(rng *rand.Rand) uint16 { return largeServicePorts[rng.IntN(len(largeServicePorts))] }

// largeGroup generates security group g: 60 rules, the last three of a
// subnet's group (g < 50) being the ones the queries rely on.
func largeGroup(rng *rand.Rand, g int) sg.Group {
	grp := sg.Group{ID: largeGroupID(g), Name: fmt.Sprintf("group-%d", g), VPCID: "vpc-large"}
	anchors := []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8080), Peer: sg.PrefixList("pl-zone-a")},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, Peer: sg.AnyIPv4},
	}
	n := largeRulesPerGroup
	if g < largeSubnets {
		n -= len(anchors)
	}
	for i := range n {
		r := sg.Rule{ID: fmt.Sprintf("sgr-%04d-%02d", g, i), Direction: flow.Inbound, Protocol: flow.TCP}
		other := sg.GroupRef(largeGroupID(rng.IntN(largeGroups)))
		list := sg.PrefixList(fmt.Sprintf("pl-%02d", rng.IntN(largeLists)))
		cidr := sg.Peer{Kind: sg.PeerCIDR, CIDR: largeOutsidePrefix(rng)}
		switch rng.IntN(10) {
		case 0, 1, 2: // tcp service from a CIDR
			r.Ports, r.Peer = flow.Single(largePort(rng)), cidr
		case 3: // tcp range from another group
			lo := uint16(2000 + rng.IntN(20000))
			r.Ports, r.Peer = flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(100))}, other
		case 4: // udp from a prefix list
			r.Protocol, r.Ports, r.Peer = flow.UDP, flow.Single(uint16(5000+rng.IntN(1000))), list
		case 5: // ping from the private range, or all ICMP from a CIDR
			r.Protocol, r.Peer = flow.ICMP, sg.CIDR("172.16.0.0/12")
			r.ICMPType, r.ICMPCode = 8, -1
			if rng.IntN(2) == 0 {
				r.ICMPType, r.Peer = -1, cidr
			}
		case 6: // tcp service over IPv6
			r.Ports, r.Peer = flow.Single(largePort(rng)), sg.CIDR(fmt.Sprintf("2001:db8:%x::/48", rng.IntN(1<<16)))
		case 7: // outbound tcp to a CIDR
			r.Direction, r.Ports, r.Peer = flow.Outbound, flow.Single(largePort(rng)), cidr
		case 8: // outbound DNS to a prefix list
			r.Direction, r.Protocol, r.Ports, r.Peer = flow.Outbound, flow.UDP, flow.Single[uint16](53), list
		default: // outbound tcp to another group
			r.Direction, r.Ports, r.Peer = flow.Outbound, flow.Single(largePort(rng)), other
		}
		if !r.Protocol.IsICMP() {
			r.ICMPType, r.ICMPCode = -1, -1
		}
		grp.Rules = append(grp.Rules, r)
	}
	if g < largeSubnets {
		for i, r := range anchors {
			r.ID = fmt.Sprintf("sgr-%04d-%02d", g, n+i)
			r.ICMPType, r.ICMPCode = -1, -1
			grp.Rules = append(grp.Rules, r)
		}
	}
	return grp
}

// largeACL generates a workload subnet's ACL: 40 entries each way, the
// last four of each the ones the queries rely on.
func largeACL(rng *rand.Rand, id string) nacl.ACL {
	acl := nacl.NewCustom(id, "vpc-large")
	for _, dir := range []string{"from", "to"} {
		anchors := []string{
			"allow tcp 443 %s 0.0.0.0/0",
			"allow tcp 8080 %s 10.1.0.0/16",
			"allow tcp 1024-65535 %s 0.0.0.0/0", // replies to clients' ephemeral ports
			"allow udp 1024-65535 %s 0.0.0.0/0",
		}
		for i := range largeACLEntries - len(anchors) {
			num := 100 + 10*i
			var e string
			switch {
			case i == 0:
				e = fmt.Sprintf("%d deny tcp 23 %s 0.0.0.0/0", num, dir)
			case i < 12:
				e = fmt.Sprintf("%d deny all %s %s", num, dir, largeBogon(rng))
			case i < 30:
				e = fmt.Sprintf("%d allow tcp %d %s 10.1.0.0/16", num, largePort(rng), dir)
			case i < 33:
				e = fmt.Sprintf("%d allow udp 53 %s %s", num, dir, largeOutsidePrefix(rng))
			default:
				e = fmt.Sprintf("%d allow icmp type 8 %s 10.1.0.0/16", num, dir)
			}
			acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
		}
		for i, a := range anchors {
			acl.Entries = append(acl.Entries, nacl.MustParseEntry(fmt.Sprintf("%d ", 1000+10*i)+fmt.Sprintf(a, dir)))
		}
	}
	return acl
}

// largePolicy generates the firewall's policy: a stateless group that
// forwards to the stateful engine, and 10,000 stateful rules.
func largePolicy(rng *rand.Rand) firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	toStateful := stateless.RuleGroup{Name: "to-stateful", Rules: []stateless.Rule{
		{Priority: 10, Sources: []netip.Prefix{bp("100.64.0.0/10")}, Action: flow.Drop},
		{Priority: 20, Protocols: []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP}, Action: flow.Forward},
		{Priority: 30, Action: flow.Forward},
	}}
	var anchors []string
	for s := largeSubnets / 2; s < largeSubnets; s++ {
		anchors = append(anchors,
			fmt.Sprintf("pass tcp any any -> 10.1.%d.0/24 8080 (msg:\"zone B service\";", s),
			fmt.Sprintf("pass tcp any any -> 10.1.%d.0/24 443 (msg:\"zone B HTTPS\";", s))
	}
	anchors = append(anchors,
		"pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (msg:\"HTTPS out\";",
		"drop tcp any any -> $HOME_NET 23 (msg:\"no telnet\";")
	var rules []string
	for i := range largeFirewallRules - len(anchors) {
		net := fmt.Sprintf("10.1.%d.0/24", rng.IntN(largeSubnets))
		switch rng.IntN(10) {
		case 0, 1, 2, 3, 4, 5:
			rules = append(rules, fmt.Sprintf("pass tcp any any -> %s %d (msg:\"svc %d\";", net, largePort(rng), i))
		case 6, 7:
			lo := 30000 + rng.IntN(1000)
			rules = append(rules, fmt.Sprintf("drop tcp any any -> %s [%d:%d] (msg:\"block range\";", net, lo, lo+10))
		case 8:
			rules = append(rules, fmt.Sprintf("pass udp $HOME_NET any -> any %d (flow:to_server;", []int{53, 123}[rng.IntN(2)]))
		default:
			rules = append(rules, fmt.Sprintf("drop ip %s any -> $HOME_NET any (msg:\"bogon\";", largeBogon(rng)))
		}
	}
	rules = append(rules, anchors...)
	p := firewall.Policy{
		Name:      "large-policy",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd, Groups: []stateless.GroupRef{{Priority: 1, Group: toStateful}}},
		Stateful: stateful.Config{Order: stateful.StrictOrder,
			Defaults: stateful.Defaults{DropEstablished: true, AlertEstablished: true}},
	}
	per := largeFirewallRules / largeFirewallGroups
	for g := range largeFirewallGroups {
		var sb strings.Builder
		for i, r := range rules[g*per : (g+1)*per] {
			fmt.Fprintf(&sb, "%s sid:%d;)\n", r, g*per+i+1)
		}
		p.Stateful.Groups = append(p.Stateful.Groups, stateful.GroupRef{Priority: 10 * (g + 1), Group: stateful.RuleGroup{
			Name: fmt.Sprintf("rules-%d", g), RuleOrder: stateful.StrictOrder, RulesString: sb.String()}})
	}
	return p
}

// largeModel is the large topology, built once for the tests and
// benchmarks that share it.
var largeModel = sync.OnceValues(func() (*reach.Model, error) { return largeTopology().Build() })

func mustLargeModel(tb testing.TB) *reach.Model {
	tb.Helper()
	m, err := largeModel()
	require.NoError(tb, err)
	return m
}

// The queries the large benchmarks run, and their expected outcomes.
var (
	// Zone A to zone B: through the firewall both ways, every component
	// traced.
	largeAcrossZones = reach.Query{From: "app-03-05", To: "web-40-07", Protocol: flow.TCP, Port: 8080}
	// The internet to zone B: the internet gateway, its edge route table,
	// the firewall.
	largeFromInternet = reach.Query{From: "203.0.113.77", To: "web-40-07", Protocol: flow.TCP, Port: 443}
	// Zone A to the internet: the NAT gateway, then the firewall.
	largeToInternet = reach.Query{From: "app-12-00", To: "93.184.216.34", Protocol: flow.TCP, Port: 443}
	// Telnet from the internet: dropped by an ACL and the firewall.
	largeTelnet = reach.Query{From: "203.0.113.77", To: "web-30-01", Protocol: flow.TCP, Port: 23}
	// Zone B to zone A: no security group, ACL or firewall rule allows it.
	largeBackwards = reach.Query{From: "web-45-19", To: "app-00-00", Protocol: flow.TCP, Port: 8080}
)

func kindsOf(hops []reach.Hop) []reach.Kind {
	out := make([]reach.Kind, len(hops))
	for i, h := range hops {
		out[i] = h.Kind
	}
	return out
}

func TestLargeTopologyBuilds(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	if testing.Short() {
		t.Skip("builds the large topology (seconds; tens of seconds under -race)")
	}
	m := mustLargeModel(t)
	t.Run("the generator is deterministic", func(t *testing.T) {
		assert.True(t, reflect.DeepEqual(largeTopology(), largeTopology()), "two runs generate the same design")
	})
	t.Run("zone A reaches zone B through the firewall", func(t *testing.T) {
		r, err := m.Check(largeAcrossZones)
		require.NoError(t, err)
		assert.True(t, r.Reachable, r.Text())
		assert.Contains(t, kindsOf(r.Forward), reach.KindFirewall)
		assert.Contains(t, kindsOf(r.Return), reach.KindFirewall)
		var acls []string
		for _, h := range slices.Concat(r.Forward, r.Return) {
			if h.Kind == reach.KindNetworkACL {
				acls = append(acls, h.ID+" "+h.Direction.String())
			}
		}
		assert.Equal(t, []string{
			"acl-03 outbound", "acl-open inbound", "acl-open outbound", "acl-40 inbound", // to the firewall subnet and on
			"acl-40 outbound", "acl-open inbound", "acl-open outbound", "acl-03 inbound",
		}, acls)
	})
	t.Run("the internet reaches zone B's public addresses through the firewall", func(t *testing.T) {
		r, err := m.Check(largeFromInternet)
		require.NoError(t, err)
		assert.True(t, r.Reachable, r.Text())
		assert.Equal(t, netip.MustParseAddr("52.94.40.17"), r.Flow.Dst.Addr())
		assert.Contains(t, kindsOf(r.Forward), reach.KindFirewall)
		assert.Contains(t, kindsOf(r.Return), reach.KindFirewall)
	})
	t.Run("zone A reaches the internet through the NAT gateway and the firewall", func(t *testing.T) {
		r, err := m.Check(largeToInternet)
		require.NoError(t, err)
		assert.True(t, r.Reachable, r.Text())
		assert.Subset(t, kindsOf(r.Forward), []reach.Kind{reach.KindNATGateway, reach.KindFirewall, reach.KindInternetGateway})
		assert.Subset(t, kindsOf(r.Return), []reach.Kind{reach.KindNATGateway, reach.KindFirewall, reach.KindInternetGateway})
	})
	t.Run("telnet from the internet is dropped by the ACL and the firewall", func(t *testing.T) {
		r, err := m.Check(largeTelnet)
		require.NoError(t, err)
		assert.False(t, r.Reachable)
		assert.Contains(t, r.Codes(), reach.ACLDeny)
		assert.Contains(t, r.Codes(), reach.FirewallDrop)
	})
	t.Run("zone B does not reach zone A's service", func(t *testing.T) {
		r, err := m.Check(largeBackwards)
		require.NoError(t, err)
		assert.False(t, r.Reachable)
		assert.Contains(t, r.Codes(), reach.SGNoAllow)
		assert.Contains(t, r.Codes(), reach.FirewallDrop)
	})
}

func BenchmarkBuildLarge(b *testing.B) {
	builder := largeTopology()
	// The model's retained size: the heap after a GC with the model and
	// before it.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := builder.Build()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	m = nil
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builder.Build(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "model-MB")
}

func benchCheck(b *testing.B, m *reach.Model, q reach.Query, reachable bool) {
	b.Helper()
	r, err := m.Check(q)
	if err != nil {
		b.Fatal(err)
	}
	if r.Reachable != reachable {
		b.Fatalf("%+v: reachable %v, want %v\n%s", q, r.Reachable, reachable, r.Text())
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Check(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckLarge(b *testing.B) {
	m := mustLargeModel(b)
	b.Run("across-zones-through-firewall", func(b *testing.B) { benchCheck(b, m, largeAcrossZones, true) })
	b.Run("from-internet", func(b *testing.B) { benchCheck(b, m, largeFromInternet, true) })
	b.Run("to-internet-via-nat", func(b *testing.B) { benchCheck(b, m, largeToInternet, true) })
	b.Run("blocked-everywhere", func(b *testing.B) { benchCheck(b, m, largeBackwards, false) })
}

// benchCheckInto measures CheckInto on q into one reused Result, after
// checking its answer is Check's; each answer's trace is read (its
// text), as a loop of checks reads it before asking the next.
func benchCheckInto(b *testing.B, m *reach.Model, q reach.Query) {
	b.Helper()
	want, err := m.Check(q)
	if err != nil {
		b.Fatal(err)
	}
	var r reach.Result
	if err := m.CheckInto(q, &r); err != nil {
		b.Fatal(err)
	}
	if r.Text() != want.Text() {
		b.Fatalf("%+v: CheckInto\n%s\nCheck\n%s", q, r.Text(), want.Text())
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := m.CheckInto(q, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckIntoLarge is BenchmarkCheckLarge's queries answered by
// CheckInto into one reused Result: the same walk and the same whole
// trace, without a new Result's allocation each time.
func BenchmarkCheckIntoLarge(b *testing.B) {
	m := mustLargeModel(b)
	b.Run("across-zones-through-firewall", func(b *testing.B) { benchCheckInto(b, m, largeAcrossZones) })
	b.Run("from-internet", func(b *testing.B) { benchCheckInto(b, m, largeFromInternet) })
	b.Run("to-internet-via-nat", func(b *testing.B) { benchCheckInto(b, m, largeToInternet) })
	b.Run("blocked-everywhere", func(b *testing.B) { benchCheckInto(b, m, largeBackwards) })
}

// benchVerdict measures Verdict on q, after checking it is Check's outcome.
func benchVerdict(b *testing.B, m *reach.Model, q reach.Query, want reach.Outcome) {
	b.Helper()
	r, err := m.Check(q)
	if err != nil {
		b.Fatal(err)
	}
	if got, err := m.Verdict(q); err != nil || got != r.Outcome || got != want {
		b.Fatalf("%+v: verdict %v (%v), Check %v, want %v", q, got, err, r.Outcome, want)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Verdict(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerdictLarge is BenchmarkCheckLarge's queries answered by
// Verdict: the same walk without the trace. floor is what the walk asks
// the evaluators on the same path, asked without a walk. reference is the walk on the
// model built under internal/slowpath (every firewall and security group
// rule scanned, every route looped over, no index), the slow reference of
// TestWalkAgreesWithSlowReference.
func BenchmarkVerdictLarge(b *testing.B) {
	m := mustLargeModel(b)
	queries := []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"across-zones-through-firewall", largeAcrossZones, reach.Reachable},
		{"from-internet", largeFromInternet, reach.Reachable},
		{"to-internet-via-nat", largeToInternet, reach.Reachable},
		{"blocked-everywhere", largeBackwards, reach.Unreachable},
	}
	for _, c := range queries {
		b.Run(c.name+"/fast", func(b *testing.B) { benchVerdict(b, m, c.q, c.want) })
	}
	// floor: the same path's name resolution, filter evaluations and
	// route lookups called one after another, without the walk
	// (reach.VerdictFloor): what any walk of these evaluators pays
	for _, c := range queries {
		b.Run(c.name+"/floor", func(b *testing.B) {
			floor, err := reach.VerdictFloor(m, c.q)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				floor()
			}
		})
	}
	ref := mustLargeReference(b)
	for _, c := range queries {
		b.Run(c.name+"/reference", func(b *testing.B) { benchVerdict(b, ref, c.q, c.want) })
	}
}

// largeReference is the large topology built under internal/slowpath, free of every index.
var largeReference = sync.OnceValues(func() (*reach.Model, error) {
	defer slowpath.Set(true)()
	return largeTopology().Build()
})

func mustLargeReference(tb testing.TB) *reach.Model {
	tb.Helper()
	m, err := largeReference()
	require.NoError(tb, err)
	return m
}

func BenchmarkCheckDemo(b *testing.B) {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("internet-to-web", func(b *testing.B) {
		benchCheck(b, m, reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443}, true)
	})
	b.Run("app-to-db-ephemeral-pitfall", func(b *testing.B) {
		benchCheck(b, m, reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, false)
	})
}

// benchResults returns the results the render benchmarks print: the
// demo's, and the large topology's longest trace.
func benchResults(b *testing.B) map[string]*reach.Result {
	b.Helper()
	dm, err := sample.ThreeTier().Build()
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]*reach.Result{}
	for name, c := range map[string]struct {
		m *reach.Model
		q reach.Query
	}{
		"demo":  {dm, reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}},
		"large": {mustLargeModel(b), largeBackwards},
	} {
		r, err := c.m.Check(c.q)
		if err != nil {
			b.Fatal(err)
		}
		out[name] = r
	}
	return out
}

func BenchmarkRenderText(b *testing.B) {
	for _, name := range []string{"demo", "large"} {
		r := benchResults(b)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = r.Text()
			}
		})
	}
}

func BenchmarkRenderJSON(b *testing.B) {
	for _, name := range []string{"demo", "large"} {
		r := benchResults(b)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.JSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
