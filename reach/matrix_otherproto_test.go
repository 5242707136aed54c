package reach_test

// Matrix classes and the rules of protocols other than tcp, udp, ICMP and
// GRE (audit matrix21 findings 1 and 2): a network ACL entry or a Network
// Firewall stateless rule for ESP (50), AH (51), SCTP (132)... by address
// tells that address's interface apart from its neighbours'.

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func opPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func opAddrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

// opOpen is a group that allows everything both ways, IPv4 and IPv6.
func opOpen(id string) sg.Group {
	return sg.Group{ID: id, Name: id, VPCID: "vpc-1", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}}
}

// opACLDesign is one VPC with an internet gateway; subnet-a (eni-a1,
// a1) has the network ACL of entries, subnet-b (eni-b1 and eni-b2, b1
// and b2) the default one; every interface wears the same open group.
func opACLDesign(entries []string, a1, b1, b2 string) *reach.Builder {
	acl := nacl.NewCustom("acl-a", "vpc-1")
	for _, e := range entries {
		acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
	}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: opPrefixes("10.0.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-1", DefaultACL: "acl-def"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
			{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-def", "vpc-1", true), acl).
		AddSecurityGroup(opOpen("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-1", CIDRs: opPrefixes("10.0.1.0/24", "2001:db8:1:1::/64"), ACL: "acl-a"},
			reach.Subnet{ID: "subnet-b", VPC: "vpc-1", CIDRs: opPrefixes("10.0.2.0/24", "2001:db8:1:2::/64")}).
		AddInterface(reach.Interface{ID: "eni-a1", Subnet: "subnet-a", Groups: []string{"sg-open"}, PrivateIPs: opAddrs(a1)},
			reach.Interface{ID: "eni-b1", Subnet: "subnet-b", Groups: []string{"sg-open"}, PrivateIPs: opAddrs(b1)},
			reach.Interface{ID: "eni-b2", Subnet: "subnet-b", Groups: []string{"sg-open"}, PrivateIPs: opAddrs(b2)})
}

// opFirewallDesign: subnet-a's internet traffic goes through a firewall
// endpoint in subnet-fw, both ways; eni-a1 (10.0.1.10) and eni-a2
// (10.0.1.11) have public IPs.
func opFirewallDesign(pol firewall.Policy) *reach.Builder {
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: opPrefixes("10.0.0.0/16"), MainRouteTable: "rtb-fw", DefaultACL: "acl-def"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-edge", VPC: "vpc-1", Gateways: []string{"igw-1"}, Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("10.0.1.0/24"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"}}},
			reach.RouteTable{ID: "rtb-fw", VPC: "vpc-1", Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}},
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-1", Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"}}}).
		AddNetworkACL(nacl.NewDefault("acl-def", "vpc-1", true)).
		AddSubnet(reach.Subnet{ID: "subnet-fw", VPC: "vpc-1", CIDRs: opPrefixes("10.0.0.0/24")},
			reach.Subnet{ID: "subnet-a", VPC: "vpc-1", CIDRs: opPrefixes("10.0.1.0/24"), RouteTable: "rtb-a"}).
		AddSecurityGroup(opOpen("sg-open")).
		AddInterface(reach.Interface{ID: "eni-a1", Subnet: "subnet-a", Groups: []string{"sg-open"}, PrivateIPs: opAddrs("10.0.1.10"), PublicIP: netip.MustParseAddr("203.0.113.10")},
			reach.Interface{ID: "eni-a2", Subnet: "subnet-a", Groups: []string{"sg-open"}, PrivateIPs: opAddrs("10.0.1.11"), PublicIP: netip.MustParseAddr("203.0.113.11")}).
		AddFirewall(reach.Firewall{ID: "fw-1", VPC: "vpc-1", Policy: pol, Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-fw", Subnet: "subnet-fw"}}})
}

// opStateless is a policy whose stateless rules drop proto from and to
// addr, everything else forwarded to an empty stateful engine.
func opStateless(proto flow.Protocol, addr string) firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	return firewall.Policy{Name: "p",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd, Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "g", Rules: []stateless.Rule{
			{Priority: 1, Destinations: opPrefixes(addr), Protocols: []flow.Protocol{proto}, Action: flow.Drop},
			{Priority: 2, Sources: opPrefixes(addr), Protocols: []flow.Protocol{proto}, Action: flow.Drop},
		}}}}},
		Stateful: stateful.Config{Order: stateful.StrictOrder},
	}
}

// opOtherProtocols are the protocols every member pair is asked about:
// GRE, ESP, AH, SCTP, and a few no filter of the tests names.
var opOtherProtocols = []flow.Protocol{47, 50, 51, 132, 2, 200, 255}

// opEveryMember demands that every cell between interfaces agree with
// Verdict for every ordered pair of distinct members of its classes, and
// that every member's cells with the internet hold what Verdict finds
// reachable from and to the internet addresses nets (when the matrix has
// the internet), for
// tcp 22 and 443, udp 53, and the protocols of opOtherProtocols and
// protos; it returns the number of sessions compared.
func opEveryMember(t *testing.T, m *reach.Model, mx *reach.Matrix, v6 bool, nets []string, protos []flow.Protocol, msg string) int {
	t.Helper()
	classOf := map[string]string{}
	var ids []string
	for _, c := range mx.Classes {
		for _, mb := range c.Members {
			classOf[mb.ID] = c.Name
			ids = append(ids, mb.ID)
		}
	}
	endpoint := map[string]bool{}
	for _, in := range m.Interfaces() {
		endpoint[in.ID] = in.InterfaceEndpoint != ""
	}
	qs := []reach.Query{{Protocol: flow.TCP, Port: 22}, {Protocol: flow.TCP, Port: 443}, {Protocol: flow.UDP, Port: 53}}
	for _, p := range slices.Concat(opOtherProtocols, protos) {
		qs = append(qs, reach.Query{Protocol: p})
	}
	internet := mx.Classes[len(mx.Classes)-1].Name == reach.InternetNode
	asked := 0
	check := func(from, to, ca, cb string) {
		if endpoint[from] {
			return // opens no sessions: no cell from it
		}
		c := brute.CellOf(mx, ca, cb)
		for _, q := range qs {
			q.From, q.To, q.IPv6 = from, to, v6
			got, err := m.Verdict(q)
			require.NoError(t, err, "%s: %+v", msg, q)
			asked++
			if ca == reach.InternetNode || cb == reach.InternetNode {
				// the cell holds what gets through from or to some internet address
				if got != reach.Unreachable {
					require.NotEqual(t, reach.Unreachable, brute.CellOutcome(c, q), "%s: %s (%s) -> %s (%s) %s %d is %s, not in the cell %s; indeterminate %s",
						msg, from, ca, to, cb, q.Protocol, q.Port, got, c.Allowed, c.Indeterminate)
				}
				continue
			}
			require.Equal(t, got, brute.CellOutcome(c, q), "%s: %s (%s) -> %s (%s) %s %d: Verdict against the cell %s; indeterminate %s",
				msg, from, ca, to, cb, q.Protocol, q.Port, c.Allowed, c.Indeterminate)
		}
	}
	for _, a := range ids {
		for _, b := range ids {
			if a != b {
				check(a, b, classOf[a], classOf[b])
			}
		}
		if internet {
			for _, n := range nets {
				check(n, a, reach.InternetNode, classOf[a])
				check(a, n, classOf[a], reach.InternetNode)
			}
		}
	}
	return asked
}

// An ACL entry or a stateless firewall rule by address, of any protocol,
// tells its interface apart: the matrix agrees with Verdict for every
// member pair (before, it merged eni-b1 and eni-b2, or eni-a1 and eni-a2,
// and gave the class its first member's answer, wrong both ways).
func TestMatrixOtherProtocolRulesSplitClasses(t *testing.T) {
	openAfter := func(rule string) []string {
		return []string{rule, "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0", "101 allow all from ::/0", "101 allow all to ::/0"}
	}
	for _, tt := range []struct {
		name    string
		b       *reach.Builder
		v6      bool
		nets    []string
		apart   [2]string // two interfaces that must be in different classes
		from    string    // a session Verdict answers as want
		to      string
		proto   flow.Protocol
		want    reach.Outcome
		noInter bool
	}{
		{name: "ACL denies ESP from the class's first member (matrix said unreachable for all)",
			b:     opACLDesign(openAfter("90 deny 50 from 10.0.2.10/32"), "10.0.1.10", "10.0.2.10", "10.0.2.11"),
			apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-b2", to: "eni-a1", proto: 50, want: reach.Reachable, noInter: true},
		{name: "ACL denies ESP from the class's second member (matrix said reachable for all)",
			b:     opACLDesign(openAfter("90 deny 50 from 10.0.2.11/32"), "10.0.1.10", "10.0.2.10", "10.0.2.11"),
			apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-b2", to: "eni-a1", proto: 50, want: reach.Unreachable, noInter: true},
		{name: "ACL denies AH outbound to one member",
			b:     opACLDesign(openAfter("90 deny 51 to 10.0.2.11/32"), "10.0.1.10", "10.0.2.10", "10.0.2.11"),
			apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-a1", to: "eni-b2", proto: 51, want: reach.Unreachable, noInter: true},
		{name: "ACL allows only SCTP from one member ahead of a deny of all",
			b:     opACLDesign([]string{"80 allow 132 from 10.0.2.10/32", "90 deny all from 10.0.2.0/24", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}, "10.0.1.10", "10.0.2.10", "10.0.2.11"),
			apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-b1", to: "eni-a1", proto: 132, want: reach.Reachable, noInter: true},
		{name: "IPv6: ACL denies ESP from one /128",
			b:  opACLDesign(openAfter("90 deny 50 from 2001:db8:1:2::10/128"), "2001:db8:1:1::10", "2001:db8:1:2::10", "2001:db8:1:2::11"),
			v6: true, apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-b2", to: "eni-a1", proto: 50, want: reach.Reachable, noInter: true},
		{name: "IPv4 with the internet: ACL denies ESP from one member",
			b:     opACLDesign(openAfter("90 deny 50 from 10.0.2.11/32"), "10.0.1.10", "10.0.2.10", "10.0.2.11"),
			nets:  []string{"198.51.100.7", "8.8.8.8"},
			apart: [2]string{"eni-b1", "eni-b2"}, from: "eni-b2", to: "eni-a1", proto: 50, want: reach.Unreachable},
		{name: "stateless firewall rule drops ESP to and from eni-a1",
			b:     opFirewallDesign(opStateless(50, "10.0.1.10/32")),
			nets:  []string{"198.51.100.7", "8.8.8.8"},
			apart: [2]string{"eni-a1", "eni-a2"}, from: "198.51.100.7", to: "eni-a2", proto: 50, want: reach.Reachable},
		{name: "stateless firewall rule drops AH to and from eni-a2",
			b:     opFirewallDesign(opStateless(51, "10.0.1.11/32")),
			nets:  []string{"198.51.100.7"},
			apart: [2]string{"eni-a1", "eni-a2"}, from: "eni-a2", to: "198.51.100.7", proto: 51, want: reach.Unreachable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.b.Build()
			require.NoError(t, err)
			v, err := m.Verdict(reach.Query{From: tt.from, To: tt.to, Protocol: tt.proto, IPv6: tt.v6})
			require.NoError(t, err)
			require.Equal(t, tt.want, v, "Verdict %s -> %s protocol %d", tt.from, tt.to, tt.proto)
			for _, workers := range []int{1, 3} {
				mx, err := m.Matrix(reach.MatrixOptions{IPv6: tt.v6, NoInternet: tt.noInter, Workers: workers})
				require.NoError(t, err)
				classOf := map[string]string{}
				for _, c := range mx.Classes {
					for _, mb := range c.Members {
						classOf[mb.ID] = c.Name
					}
				}
				assert.NotEqual(t, classOf[tt.apart[0]], classOf[tt.apart[1]], "%s and %s share a class", tt.apart[0], tt.apart[1])
				opEveryMember(t, m, mx, tt.v6, tt.nets, nil, fmt.Sprintf("%d workers", workers))
			}
		})
	}
}

// Diff, on the same classes, reports the change an ESP entry makes for
// one member of what was a class: exactly that member and eni-a1 lose
// ESP, both ways (its replies are dropped too), and nobody else.
func TestDiffOtherProtocolEntrySplitsClass(t *testing.T) {
	open := []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}
	for _, tt := range []struct {
		name string
		deny string
		lost string // the member whose ESP with eni-a1 is lost
	}{
		{name: "the class's first member", deny: "90 deny 50 from 10.0.2.10/32", lost: "eni-b1"},
		{name: "the class's second member", deny: "90 deny 50 from 10.0.2.11/32", lost: "eni-b2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, err := opACLDesign(open, "10.0.1.10", "10.0.2.10", "10.0.2.11").Build()
			require.NoError(t, err)
			after, err := opACLDesign(append([]string{tt.deny}, open...), "10.0.1.10", "10.0.2.10", "10.0.2.11").Build()
			require.NoError(t, err)
			d, err := reach.Diff(before, after, reach.DiffOptions{NoInternet: true})
			require.NoError(t, err)
			members := map[string][]string{}
			for _, g := range d.Groups {
				for _, mb := range g.Members {
					members[g.Name] = append(members[g.Name], mb.ID)
				}
			}
			var lost []string // "from -> to" of every pair that lost ESP
			for _, c := range d.Changes {
				if !c.Lost.Other.Contains(50) {
					continue
				}
				require.Len(t, members[c.From], 1, "%+v", c)
				require.Len(t, members[c.To], 1, "%+v", c)
				lost = append(lost, members[c.From][0]+" -> "+members[c.To][0])
				assert.True(t, c.Gained.IsEmpty(), "%+v", c)
			}
			slices.Sort(lost)
			// round trip: the entry drops the request one way, the reply the other
			want := []string{"eni-a1 -> " + tt.lost, tt.lost + " -> eni-a1"}
			slices.Sort(want)
			require.Equal(t, want, lost, "who lost ESP: %+v", d.Changes)
		})
	}
}

// addTwins gives up to three of d's interfaces (those with one IPv4
// address and nothing of their own: no public address, no instance, no
// delegated prefix) a twin: the same subnet and groups at the next free
// address, a class with it unless a rule tells them apart. It returns
// the twins' and their originals' IDs.
func addTwins(rng *rand.Rand, d *sample.Design) []string {
	used := map[netip.Addr]bool{}
	for _, in := range d.Interfaces {
		for _, a := range in.PrivateIPs {
			used[a] = true
		}
	}
	blocks := map[string][]netip.Prefix{}
	for _, sn := range d.Subnets {
		blocks[sn.ID] = sn.CIDRs
	}
	var ids []string
	for _, k := range rng.Perm(len(d.Interfaces)) {
		in := d.Interfaces[k]
		if len(ids) >= 6 || len(in.PrivateIPs) != 1 || !in.PrivateIPs[0].Is4() || in.PublicIP.IsValid() || len(in.PublicIPs) > 0 ||
			in.Instance != "" || len(in.DelegatedPrefixes) > 0 || in.InterfaceEndpoint != "" {
			continue
		}
		a := in.PrivateIPs[0].Next()
		for used[a] {
			a = a.Next()
		}
		if !slices.ContainsFunc(blocks[in.Subnet], func(p netip.Prefix) bool { return p.Contains(a) && a != netip.PrefixFrom(a, p.Bits()).Masked().Addr() }) {
			continue
		}
		used[a] = true
		twin := in
		twin.ID, twin.Name, twin.PrivateIPs = in.ID+"-twin", "", []netip.Addr{a}
		twin.Groups = slices.Clone(in.Groups)
		d.Interfaces = append(d.Interfaces, twin)
		ids = append(ids, in.ID, twin.ID)
	}
	return ids
}

// otherProtocolRules gives d's network ACLs and firewalls rules of
// protocols other than tcp, udp, ICMP and GRE (ESP, AH, SCTP) by the /32
// of one of d's interfaces, ahead of their other rules: ACL entries that
// allow or deny in either direction, stateless rules that drop or pass.
// The interfaces of prefer are picked three times in four. It returns the
// protocols it named.
func otherProtocolRules(rng *rand.Rand, d *sample.Design, prefer []string) []flow.Protocol {
	protos := []flow.Protocol{50, 51, 132}
	var named []flow.Protocol
	addr := func() netip.Prefix {
		in := d.Interfaces[rng.IntN(len(d.Interfaces))]
		if len(prefer) > 0 && rng.IntN(4) > 0 {
			id := prefer[rng.IntN(len(prefer))]
			in = d.Interfaces[slices.IndexFunc(d.Interfaces, func(x reach.Interface) bool { return x.ID == id })]
		}
		return netip.PrefixFrom(in.PrivateIPs[0], in.PrivateIPs[0].BitLen())
	}
	if len(d.Interfaces) == 0 {
		return nil
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		used := map[[2]int]bool{}
		for _, e := range a.Entries {
			used[[2]int{int(e.Direction), e.Number}] = true
		}
		for range 1 + rng.IntN(3) {
			e := nacl.Entry{Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol:  protos[rng.IntN(len(protos))], CIDR: addr(), ICMPType: -1, ICMPCode: -1}
			for n := 1; ; n++ {
				if !used[[2]int{int(e.Direction), n}] {
					e.Number = n
					break
				}
			}
			used[[2]int{int(e.Direction), e.Number}] = true
			a.Entries = append(a.Entries, e)
			named = append(named, e.Protocol)
		}
	}
	for i := range d.Firewalls {
		p := &d.Firewalls[i].Policy.Stateless
		var rules []stateless.Rule
		for k := range 1 + rng.IntN(2) {
			r := stateless.Rule{Priority: k + 1, Protocols: []flow.Protocol{protos[rng.IntN(len(protos))]},
				Action: []flow.Action{flow.Drop, flow.Pass}[rng.IntN(2)]}
			if rng.IntN(2) == 0 {
				r.Destinations = []netip.Prefix{addr()}
			} else {
				r.Sources = []netip.Prefix{addr()}
			}
			rules = append(rules, r)
			named = append(named, r.Protocols...)
		}
		// ahead of the policy's own groups: lowest priority first
		for k := range p.Groups {
			p.Groups[k].Priority++
		}
		p.Groups = append(p.Groups, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{Name: "other-protocols", Rules: rules}})
	}
	slices.Sort(named)
	return slices.Compact(named)
}

// TestMatrixOtherProtocolsAgreeWithVerdict: random designs, some
// interfaces given a twin, whose ACLs and firewalls hold rules of other
// protocols by an interface's address (a twin's, mostly);
// every member pair of every class, and every member with the internet,
// agrees with Verdict for those protocols (and tcp, udp).
func TestMatrixOtherProtocolsAgreeWithVerdict(t *testing.T) {
	designs := 16
	if testing.Short() || raceOn {
		designs = 4
	}
	asked, grouped := 0, 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 2150))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		d := g.d
		addGroups(rng, d)
		twins := addTwins(rng, d)
		protos := otherProtocolRules(rng, d, twins)
		m, err := d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		mx, err := m.Matrix(reach.MatrixOptions{Workers: 1 + rng.IntN(3)})
		require.NoError(t, err, "seed %d", seed)
		if slices.ContainsFunc(mx.Classes, func(c reach.Class) bool { return len(c.Members) > 1 }) {
			grouped++
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Logf("%d interfaces (%d twins and originals), %d classes", len(d.Interfaces), len(twins), len(mx.Classes)-1)
			asked += opEveryMember(t, m, mx, false, []string{"198.51.100.7", "8.8.8.8"}, protos, fmt.Sprintf("seed %d", seed))
		})
	}
	t.Logf("%d sessions compared; %d designs of %d have a class of several interfaces", asked, grouped, designs)
	assert.Positive(t, grouped, "some designs have classes of several interfaces")
}
