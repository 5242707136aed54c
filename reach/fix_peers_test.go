package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Fix's peers: public addresses known only later, NAT gateways with
// several addresses, the port a NAT gateway picks (audit difffix,
// findings 1, 5 and 6).

func fxPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// fxInbound is an inbound tcp rule for one port from cidr.
func fxInbound(id string, port uint16, cidr string) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(cidr)}
}

// fxTwoVPCs is vpc-a (10.1.0.0/16) and vpc-b (10.2.0.0/16), each with
// an internet gateway, a public subnet routing 0.0.0.0/0 to it and an
// allow-all default ACL; web (eni-a, given as ifaceA) in subnet-a (whose
// ACL is aclA, "" for the default), srv (eni-b, public IP 198.51.100.20)
// in subnet-b. sg-a allows everything out; sg-b holds rulesB.
func fxTwoVPCs(aclA string, ifaceA reach.Interface, rulesB ...sg.Rule) *reach.Builder {
	b := reach.NewBuilder()
	for _, v := range []string{"a", "b"} {
		n := map[string]string{"a": "1", "b": "2"}[v]
		b.AddVPC(reach.VPC{ID: "vpc-" + v, CIDRs: fxPrefixes("10." + n + ".0.0/16"), MainRouteTable: "rtb-" + v, DefaultACL: "acl-" + v})
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-" + v, VPC: "vpc-" + v})
		b.AddRouteTable(reach.RouteTable{ID: "rtb-" + v, VPC: "vpc-" + v, Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-" + v}}})
		b.AddNetworkACL(nacl.NewDefault("acl-"+v, "vpc-"+v, false))
		acl := ""
		if v == "a" {
			acl = aclA
		}
		b.AddSubnet(reach.Subnet{ID: "subnet-" + v, VPC: "vpc-" + v, CIDRs: fxPrefixes("10." + n + ".1.0/24"), ACL: acl})
	}
	b.AddSecurityGroup(sg.Group{ID: "sg-a", VPCID: "vpc-a", Rules: []sg.Rule{{ID: "sgr-a-out", Direction: flow.Outbound, Protocol: flow.AllProtocols,
		ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	b.AddSecurityGroup(sg.Group{ID: "sg-b", VPCID: "vpc-b", Rules: rulesB})
	ifaceA.ID, ifaceA.Name, ifaceA.Subnet, ifaceA.Groups = "eni-a", "web", "subnet-a", []string{"sg-a"}
	b.AddInterface(ifaceA, reach.Interface{ID: "eni-b", Name: "srv", Subnet: "subnet-b", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.1.20")},
		PublicIP: netip.MustParseAddr("198.51.100.20"), Groups: []string{"sg-b"}})
	return b
}

// fxNATVPCs is fxTwoVPCs (subnet-a's ACL aclNAT) with priv (eni-p,
// 10.1.2.10) in a private subnet of vpc-a whose 0.0.0.0/0 goes to nat,
// in subnet-a.
func fxNATVPCs(aclNAT string, nat reach.NATGateway, rulesB ...sg.Rule) *reach.Builder {
	b := fxTwoVPCs(aclNAT, reach.Interface{PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10")}}, rulesB...)
	b.AddRouteTable(reach.RouteTable{ID: "rtb-a-priv", VPC: "vpc-a", Routes: []reach.Route{
		{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: nat.ID}}})
	b.AddSubnet(reach.Subnet{ID: "subnet-a-priv", VPC: "vpc-a", CIDRs: fxPrefixes("10.1.2.0/24"), RouteTable: "rtb-a-priv"})
	nat.Subnet = "subnet-a"
	b.AddNATGateway(nat)
	b.AddSecurityGroup(sg.Group{ID: "sg-p", VPCID: "vpc-a", Rules: []sg.Rule{{ID: "sgr-p-out", Direction: flow.Outbound, Protocol: flow.AllProtocols,
		ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	b.AddInterface(reach.Interface{ID: "eni-p", Name: "priv", Subnet: "subnet-a-priv", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.2.10")}, Groups: []string{"sg-p"}})
	return b
}

var placeholderBlock = netip.MustParsePrefix("240.0.0.0/4")

// TestFixPublicPlaceholder: a public address known only later (an
// instance's, a NAT gateway's Elastic IP) is shown by a placeholder from
// 240.0.0.0/4, which AWS never gives. Fix writes no rule for it (a rule
// for the placeholder admits no address AWS gives, and one for any
// address AWS may give admits the whole internet): it answers ErrNoFix,
// naming the value. A rule for the placeholder, written by hand, makes
// the answer indeterminate, never a certain Reachable.
func TestFixPublicPlaceholder(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name   string
		build  func(rules ...sg.Rule) *reach.Builder
		from   string
		unsure string
	}{
		{"interface public ip", func(rules ...sg.Rule) *reach.Builder {
			return fxTwoVPCs("", reach.Interface{PrivateIPs: []netip.Addr{a("10.1.1.10")}, PublicIPUnknown: "aws_instance.web: public_ip"}, rules...)
		}, "web", "aws_instance.web: public_ip"},
		{"nat gateway elastic ip", func(rules ...sg.Rule) *reach.Builder {
			return fxNATVPCs("", reach.NATGateway{ID: "nat-a", PrivateIP: a("10.1.1.100"), PublicIPUnknown: "aws_eip.nat: public_ip"}, rules...)
		}, "priv", "aws_eip.nat: public_ip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: tc.from, To: "srv", Protocol: flow.TCP, Port: 443}
			m, err := tc.build().Build()
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())

			fix, err := m.Fix(q, reach.Reachable)
			require.ErrorIs(t, err, reach.ErrNoFix)
			assert.Nil(t, fix)
			assert.Contains(t, err.Error(), tc.unsure)
			assert.Contains(t, err.Error(), "240.0.0.1")

			// by hand: a rule for the placeholder, or for a block that
			// tells it apart from public addresses
			for _, cidr := range []string{"240.0.0.1/32", "240.0.0.0/4", "224.0.0.0/3", "0.0.0.0/1", "128.0.0.0/1"} {
				m, err := tc.build(fxInbound("r", 443, cidr)).Build()
				require.NoError(t, err)
				r, err := m.Check(q)
				require.NoError(t, err)
				assert.Equal(t, reach.Indeterminate, r.Outcome, "a rule for %s: %s", cidr, r.Text())
				assert.NotEmpty(t, r.Unknowns, cidr)
			}
			// a rule for every public address admits whatever AWS gives
			m, err = tc.build(fxInbound("r", 443, "0.0.0.0/0")).Build()
			require.NoError(t, err)
			r, err = m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}

// TestFixClosePublicPlaceholder: to stop a session from a public address
// known only later, Fix writes no deny entry or rule removal for the
// placeholder either.
func TestFixClosePublicPlaceholder(t *testing.T) {
	m, err := fxTwoVPCs("", reach.Interface{PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10")}, PublicIPUnknown: "aws_instance.web: public_ip"},
		fxInbound("r", 443, "0.0.0.0/0")).Build()
	require.NoError(t, err)
	q := reach.Query{From: "web", To: "srv", Protocol: flow.TCP, Port: 443}
	fix, err := m.Fix(q, reach.Unreachable)
	if err != nil {
		require.ErrorIs(t, err, reach.ErrNoFix)
		return
	}
	for _, c := range fix.Changes {
		if c.Entry != nil {
			assert.False(t, placeholderBlock.Overlaps(c.Entry.CIDR), c.Text)
		}
		if c.Rule != nil && c.Rule.Peer.Kind == sg.PeerCIDR {
			assert.False(t, placeholderBlock.Overlaps(c.Rule.Peer.CIDR), c.Text)
		}
	}
	r, err := fix.Patched.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome)
}

// TestFixNATSecondary: a NAT gateway with secondary addresses sends each
// connection from one of its choosing, so Fix opens (or closes) every
// address it may send from, verified by Check; with an address known
// only later there is none to write.
func TestFixNATSecondary(t *testing.T) {
	a := netip.MustParseAddr
	nat := reach.NATGateway{ID: "nat-a", PrivateIP: a("10.1.1.100"), PublicIP: a("203.0.113.100"),
		Secondary: []reach.NATAddress{{PrivateIP: a("10.1.1.101"), PublicIP: a("203.0.113.101")}, {PrivateIP: a("10.1.1.102"), PublicIP: a("203.0.113.102")}}}
	q := reach.Query{From: "priv", To: "srv", Protocol: flow.TCP, Port: 443}
	peers := func(fix *reach.FixResult) []string {
		var out []string
		for _, c := range fix.Changes {
			if c.Rule != nil {
				out = append(out, c.Rule.Peer.CIDR.String())
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		rules []sg.Rule
		want  reach.Outcome
		peers []string
	}{
		{"open every address", nil, reach.Reachable, []string{"203.0.113.100/32", "203.0.113.101/32", "203.0.113.102/32"}},
		{"open the addresses not open yet", []sg.Rule{fxInbound("r1", 443, "203.0.113.101/32")}, reach.Reachable, []string{"203.0.113.100/32", "203.0.113.102/32"}},
		{"close every address", []sg.Rule{fxInbound("r0", 443, "203.0.113.100/32"), fxInbound("r1", 443, "203.0.113.101/32"), fxInbound("r2", 443, "203.0.113.102/32")},
			reach.Unreachable, []string{"203.0.113.100/32", "203.0.113.101/32", "203.0.113.102/32"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := fxNATVPCs("", nat, tc.rules...).Build()
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			require.NotEqual(t, tc.want, r.Outcome)
			fix, err := m.Fix(q, tc.want)
			require.NoError(t, err)
			assert.Equal(t, tc.want, fix.After)
			assert.ElementsMatch(t, tc.peers, peers(fix))
			again, err := m.Apply(fix.Changes)
			require.NoError(t, err)
			r, err = again.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}

	t.Run("an address known only later", func(t *testing.T) {
		n := nat
		n.SecondaryUnknown = "aws_nat_gateway.a: secondary_allocation_ids"
		m, err := fxNATVPCs("", n).Build()
		require.NoError(t, err)
		_, err = m.Fix(q, reach.Reachable)
		require.ErrorIs(t, err, reach.ErrNoFix)
		assert.Contains(t, err.Error(), "aws_nat_gateway.a: secondary_allocation_ids")
		assert.NotContains(t, err.Error(), "after the changes")
	})
}

// TestFixNATReplyPorts: the NAT gateway's subnet ACL judges the reply at
// the port the gateway picks (1024-65535, AWS VPC User Guide, "Ephemeral
// ports"). Where the ACL lets some of them through and not others
// (NAT_PORT_UNKNOWN), Fix opens the rest, as it opens the whole range
// where every port is denied; the patched model is reachable whichever
// port the gateway picks.
func TestFixNATReplyPorts(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name    string
		entries []string
		before  reach.Outcome
		opened  string // the ports of the inbound entry Fix adds
	}{
		{"replies denied", []string{"100 allow tcp 443 from 10.1.2.0/24", "100 allow tcp 443 to 0.0.0.0/0", "110 allow tcp 1024-65535 to 10.1.2.0/24"},
			reach.Unreachable, "1024-65535"},
		{"replies half allowed", []string{"100 allow tcp 443 from 10.1.2.0/24", "110 allow tcp 1024-32767 from 0.0.0.0/0", "100 allow tcp 443 to 0.0.0.0/0", "110 allow tcp 1024-65535 to 10.1.2.0/24"},
			reach.Indeterminate, "32768-65535"},
		{"replies denied in the middle", []string{"100 allow tcp 443 from 10.1.2.0/24", "105 deny tcp 40000-50000 from 198.51.100.0/24", "110 allow tcp 1024-65535 from 0.0.0.0/0",
			"100 allow tcp 443 to 0.0.0.0/0", "110 allow tcp 1024-65535 to 10.1.2.0/24"}, reach.Indeterminate, "40000-50000"},
		{"replies denied by two deny entries: the allow goes before the first", []string{"100 allow tcp 443 from 10.1.2.0/24", "104 deny tcp 29000-31000 from 198.51.100.0/24",
			"106 deny tcp 44000-46000 from 198.51.100.0/24", "110 allow tcp 1024-65535 from 0.0.0.0/0",
			"100 allow tcp 443 to 0.0.0.0/0", "110 allow tcp 1024-65535 to 10.1.2.0/24"}, reach.Indeterminate, "1024-65535"},
		{"replies denied by a deny entry", []string{"100 allow tcp 443 from 10.1.2.0/24", "105 deny tcp 1024-65535 from 198.51.100.0/24", "110 allow tcp 1024-65535 from 0.0.0.0/0",
			"100 allow tcp 443 to 0.0.0.0/0", "110 allow tcp 1024-65535 to 10.1.2.0/24"}, reach.Unreachable, "1024-65535"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fxNATVPCs("acl-nat", reach.NATGateway{ID: "nat-a", PrivateIP: a("10.1.1.100"), PublicIP: a("203.0.113.100")}, fxInbound("r", 443, "0.0.0.0/0"))
			acl := nacl.NewCustom("acl-nat", "vpc-a")
			for _, e := range tc.entries {
				acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
			}
			b.AddNetworkACL(acl)
			m, err := b.Build()
			require.NoError(t, err)
			q := reach.Query{From: "priv", To: "srv", Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.before, r.Outcome, r.Text())
			fix, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			require.Len(t, fix.Changes, 1)
			c := fix.Changes[0]
			require.NotNil(t, c.Entry)
			assert.Equal(t, flow.Inbound, c.Entry.Direction)
			assert.Equal(t, tc.opened, c.Entry.Ports.String())
			assert.Equal(t, "198.51.100.20/32", c.Entry.CIDR.String())
			for _, sp := range []uint16{1024, 30000, 45000, 65535} {
				q2 := q
				q2.SrcPort = sp
				r, err := fix.Patched.Check(q2)
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, r.Outcome, "client port %d: %s", sp, r.Text())
			}
		})
	}
}

// TestFixRouteAlsoChangedEveryProtocol: a route carries every protocol
// of its family, so the sessions a route Fix adds alters are compared on
// each protocol the design's filters tell apart (GRE and ESP among those
// no filter names, which one entry stands for) and on the ICMP messages,
// not only tcp, udp and echo.
func TestFixRouteAlsoChangedEveryProtocol(t *testing.T) {
	for _, tc := range []struct {
		name  string
		named []sg.Rule // extra outbound rules of sg-a
	}{
		{"no protocol named", nil},
		{"esp named", []sg.Rule{{ID: "esp", Direction: flow.Outbound, Protocol: 50, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fxTwoVPCs("", reach.Interface{PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10")}, PublicIP: netip.MustParseAddr("198.51.100.10")})
			b.AddSecurityGroup(sg.Group{ID: "sg-a2", VPCID: "vpc-a", Rules: append([]sg.Rule{{ID: "out", Direction: flow.Outbound, Protocol: flow.AllProtocols,
				ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}, tc.named...)})
			b.AddRouteTable(reach.RouteTable{ID: "rtb-a-none", VPC: "vpc-a"})
			b.AddSubnet(reach.Subnet{ID: "subnet-a2", VPC: "vpc-a", CIDRs: fxPrefixes("10.1.2.0/24"), RouteTable: "rtb-a-none"})
			b.AddInterface(reach.Interface{ID: "eni-a2", Name: "web2", Subnet: "subnet-a2", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.2.10")},
				PublicIP: netip.MustParseAddr("198.51.100.12"), Groups: []string{"sg-a2"}})
			m, err := b.Build()
			require.NoError(t, err)
			q := reach.Query{From: "web2", To: "203.0.113.7", Protocol: flow.TCP, Port: 443}
			fix, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			require.Equal(t, reach.Reachable, fix.After)
			require.Len(t, fix.Changes, 1)
			require.Equal(t, reach.ResourceRouteTable, fix.Changes[0].Kind)
			listed := func(p flow.Protocol, msg *reach.ICMPMessage) bool {
				for _, sc := range fix.AlsoChanged {
					if msg != nil && (sc.ICMP == nil || *sc.ICMP != *msg) {
						continue
					}
					if sc.Protocol == p || sc.Protocols.Contains(uint8(p)) {
						return true
					}
				}
				return false
			}
			for _, pq := range []reach.Query{
				{Protocol: 47}, {Protocol: 50}, {Protocol: 132}, {Protocol: flow.UDP, Port: 53},
				{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}}, {Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 13}},
				{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 4}},
			} {
				pq.From, pq.To = q.From, q.To
				x, err := m.Check(pq)
				require.NoError(t, err)
				y, err := fix.Patched.Check(pq)
				require.NoError(t, err)
				require.NotEqual(t, x.Outcome, y.Outcome, "%v: the route changes it", pq)
				assert.True(t, listed(pq.Protocol, pq.ICMP), "%s %v: %s before, %s after, not in AlsoChanged %+v", pq.Protocol, pq.ICMP, x.Outcome, y.Outcome, fix.AlsoChanged)
			}
		})
	}
}

// TestFixQuotaWarnings: a fix that takes a resource above a quota's
// default (a 21st inbound entry of a network ACL: Amazon VPC quotas,
// "Rules per network ACL", 20 per direction) says so: AWS refuses
// create-network-acl-entry there unless the quota was raised. Where an
// existing entry can be widened instead, no entry is added.
func TestFixQuotaWarnings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		extra   string // a 20th inbound entry
		warning bool
		change  reach.ChangeAction
	}{
		{"a 21st entry", "119 allow tcp 1019 from 192.0.2.0/24", true, reach.ChangeAdd},
		{"an entry widened", "119 allow tcp 444 from 198.51.100.10/32", false, reach.ChangeReplace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fxTwoVPCs("", reach.Interface{PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10")}, PublicIP: netip.MustParseAddr("198.51.100.10")},
				fxInbound("r", 443, "0.0.0.0/0"))
			acl := nacl.NewCustom("acl-b20", "vpc-b")
			for i := range 19 {
				acl.Entries = append(acl.Entries, nacl.MustParseEntry(fmt.Sprintf("%d allow tcp %d from 192.0.2.0/24", 100+i, 1000+i)))
			}
			acl.Entries = append(acl.Entries, nacl.MustParseEntry(tc.extra), nacl.MustParseEntry("100 allow all to 0.0.0.0/0"))
			b.AddNetworkACL(acl)
			b.AddSubnet(reach.Subnet{ID: "subnet-b2", VPC: "vpc-b", CIDRs: fxPrefixes("10.2.2.0/24"), ACL: "acl-b20"})
			b.AddInterface(reach.Interface{ID: "eni-b2", Name: "srv2", Subnet: "subnet-b2", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.2.20")},
				PublicIP: netip.MustParseAddr("198.51.100.22"), Groups: []string{"sg-b"}})
			m, err := b.Build()
			require.NoError(t, err)
			require.Empty(t, m.QuotaWarnings())
			fix, err := m.Fix(reach.Query{From: "web", To: "srv2", Protocol: flow.TCP, Port: 443}, reach.Reachable)
			require.NoError(t, err)
			require.Len(t, fix.Changes, 1)
			assert.Equal(t, tc.change, fix.Changes[0].Action)
			if !tc.warning {
				assert.Empty(t, fix.QuotaWarnings)
				assert.Empty(t, fix.Warnings)
				return
			}
			require.Len(t, fix.QuotaWarnings, 1)
			w := fix.QuotaWarnings[0]
			assert.Equal(t, "acl-b20", w.Resource)
			assert.Equal(t, 21, w.Count)
			assert.Equal(t, 20, w.Limit)
			require.Len(t, fix.Warnings, 1)
			assert.Contains(t, fix.Warnings[0], "21 inbound rules, above the quota of 20")
		})
	}
}
