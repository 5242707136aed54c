package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// natRepliesDesign: a VPC whose public subnet holds NAT gateway nat-n
// behind network ACL acl-pub (entries as given), and app in a private
// subnet whose default route goes to the gateway.
func natRepliesDesign(t *testing.T, entries ...string) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	open := sg.Group{ID: "sg-open", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	pub := nacl.NewCustom("acl-pub", "vpc-n")
	for _, e := range entries {
		pub.Entries = append(pub.Entries, nacl.MustParseEntry(e))
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-n", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-priv", DefaultACL: "acl-d"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-n", VPC: "vpc-n"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-n", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-n", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-n"}}}).
		AddNetworkACL(nacl.NewDefault("acl-d", "vpc-n", false), pub).
		AddSubnet(reach.Subnet{ID: "subnet-pub", VPC: "vpc-n", CIDRs: []netip.Prefix{p("10.0.1.0/24")}, RouteTable: "rtb-pub", ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-n", CIDRs: []netip.Prefix{p("10.0.2.0/24")}}).
		AddNATGateway(reach.NATGateway{ID: "nat-n", Subnet: "subnet-pub", PrivateIP: a("10.0.1.100"), PublicIP: a("198.51.100.100")}).
		AddSecurityGroup(open).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{a("10.0.2.10")}, Groups: []string{"sg-open"}}).
		Build()
	require.NoError(t, err)
	return m
}

// TestLintNATSubnetCutsReplies: a NAT gateway picks its source port in
// 1024-65535, and its subnet's ACL that drops the replies on part of that
// range (or all of it) is ACL_CUTS_REPLIES, naming the ports cut, the
// entries that cut them and the addresses; each finding holds under
// Check (a session through the gateway is indeterminate where part of the
// range is cut, unreachable where all of it is, reachable from addresses
// the finding leaves out); an ACL that passes 1024-65535 gets none.
// Audit alilint25, finding 4 (TestAuditAlilint25NATSubnetACLCutsReplies).
func TestLintNATSubnetCutsReplies(t *testing.T) {
	type probe struct {
		proto flow.Protocol
		to    string
		want  reach.Outcome
	}
	out := "100 allow all to 0.0.0.0/0"
	vpc := "110 allow all from 10.0.0.0/16"
	tests := []struct {
		name     string
		entries  []string
		want     []string // finding keys about acl-pub
		contains []string // in the first finding's message | fix
		probes   []probe  // from app, port 443
	}{
		{name: "the audit's probe: tcp 32768-65535 only",
			entries: []string{"100 allow tcp 32768-65535 from 0.0.0.0/0", vpc, out},
			want:    []string{"ACL_CUTS_REPLIES network-acl acl-pub inbound *", "ACL_CUTS_REPLIES network-acl acl-pub inbound *"},
			contains: []string{"NAT gateway nat-n (in subnet-pub) sends tcp sessions", "inbound entry * (deny all from 0.0.0.0/0) drops replies",
				"from every internet address to ports 1024-32767, part of the range", "indeterminate (RETURN_NAT_PORT_UNKNOWN)",
				"add an inbound allow entry for tcp 1024-65535 from 0.0.0.0/0, before any deny entry"},
			probes: []probe{{flow.TCP, "192.0.2.7", reach.Indeterminate}, {flow.UDP, "192.0.2.7", reach.Unreachable}}},
		{name: "tcp and udp, cut by a deny entry for part of the internet",
			entries: []string{"90 deny all from 203.0.113.0/24", "100 allow tcp 1024-65535 from 0.0.0.0/0", "105 allow udp 1024-65535 from 0.0.0.0/0", vpc, out},
			// the first is the check of the common client ranges
			want: []string{"ACL_CUTS_REPLIES network-acl acl-pub inbound 90", "ACL_CUTS_REPLIES network-acl acl-pub inbound 90", "ACL_CUTS_REPLIES network-acl acl-pub inbound 90"},
			contains: []string{"inbound entry 90 (deny all from 203.0.113.0/24) drops replies",
				"from the internet addresses in 203.0.113.0/24 to every port of 1024-65535: a session through the gateway to them is unreachable",
				"from 203.0.113.0/24, numbered below 90"},
			probes: []probe{{flow.TCP, "203.0.113.9", reach.Unreachable}, {flow.UDP, "203.0.113.9", reach.Unreachable},
				{flow.TCP, "192.0.2.7", reach.Reachable}, {flow.UDP, "192.0.2.7", reach.Reachable}}},
		{name: "a hole in the middle of the range, from half the internet",
			entries:  []string{"80 deny udp 5000-5999 from 128.0.0.0/1", "100 allow udp 1024-65535 from 0.0.0.0/0", "105 allow tcp 1024-65535 from 0.0.0.0/0", vpc, out},
			want:     []string{"ACL_CUTS_REPLIES network-acl acl-pub inbound 80"},
			contains: []string{"sends udp sessions", "from the internet addresses in 128.0.0.0/1 to ports 5000-5999, part of the range"},
			probes: []probe{{flow.UDP, "192.0.2.7", reach.Indeterminate}, {flow.UDP, "8.8.8.8", reach.Reachable},
				{flow.TCP, "192.0.2.7", reach.Reachable}}},
		{name: "two entries cut: part of the range from most, all of it from a block",
			entries: []string{"90 deny tcp 0-65535 from 203.0.113.0/24", "100 allow tcp 32768-65535 from 0.0.0.0/0", "101 allow udp 1024-65535 from 0.0.0.0/0", vpc, out},
			want:    []string{"ACL_CUTS_REPLIES network-acl acl-pub inbound 90", "ACL_CUTS_REPLIES network-acl acl-pub inbound 90"},
			contains: []string{"inbound entries 90 (deny tcp 0-65535 from 203.0.113.0/24), * (deny all from 0.0.0.0/0) drop replies",
				"from every internet address but those in 203.0.113.0/24 to ports 1024-32767, part of the range", "indeterminate",
				"from the internet addresses in 203.0.113.0/24 to every port of 1024-65535: a session through the gateway to them is unreachable"},
			probes: []probe{{flow.TCP, "203.0.113.9", reach.Unreachable}, {flow.TCP, "192.0.2.7", reach.Indeterminate}, {flow.UDP, "203.0.113.9", reach.Reachable}}},
		{name: "1024-65535 open: no finding",
			entries: []string{"100 allow tcp 1024-65535 from 0.0.0.0/0", "101 allow udp 1024-65535 from 0.0.0.0/0", vpc, out},
			probes:  []probe{{flow.TCP, "192.0.2.7", reach.Reachable}, {flow.UDP, "192.0.2.7", reach.Reachable}}},
		{name: "no request leaves: no reply to weigh",
			entries: []string{vpc, "100 allow all to 10.0.0.0/16"},
			probes:  []probe{{flow.TCP, "192.0.2.7", reach.Unreachable}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := natRepliesDesign(t, tc.entries...)
			for _, pr := range tc.probes {
				r, err := m.Check(reach.Query{From: "app", To: pr.to, Protocol: pr.proto, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, pr.want, r.Outcome, "%s to %s: %v", pr.proto, pr.to, r.Blocks)
			}
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintACLCutsReplies}})
			require.NoError(t, err)
			var got []reach.LintFinding // the NAT gateway's
			var keys []string
			for i, f := range res.Findings {
				if f.Resource == "acl-pub" {
					keys = append(keys, findingKeys(res)[i])
					t.Logf("%s | %s | %v", f.Message, f.Fix, f.Related)
				}
				if slices.Contains(f.Related, "nat-n") {
					got = append(got, f)
				}
			}
			assert.Equal(t, tc.want, keys)
			if len(got) > 0 {
				assert.Equal(t, reach.Medium, got[0].Severity)
				for _, s := range tc.contains {
					assert.Contains(t, got[0].Message+" | "+got[0].Fix, s)
				}
			}
		})
	}
}
