package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// clientPortDesign: vpc-c (10.6.0.0/16, 2001:db8:6::/56) with an internet
// gateway for both families, one subnet whose ACL holds acl (nil: allow
// all), and host-c (10.6.1.10, public IP 203.0.113.60, 2001:db8:6:1::10,
// and the delegated prefix 2001:db8:6:1:1::/80) whose group opens SSH by
// peer, to each family.
func clientPortDesign(t testing.TB, peer4, peer6 sg.Peer, acl []string, extra func(*reach.Builder)) *reach.Model {
	t.Helper()
	if acl == nil {
		acl = []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0", "101 allow all from ::/0", "101 allow all to ::/0"}
	}
	a := nacl.NewCustom("acl-c", "vpc-c")
	for _, l := range acl {
		e, err := nacl.ParseEntry(l)
		require.NoError(t, err, l)
		a.Entries = append(a.Entries, e)
	}
	ssh := func(id string, p sg.Peer) sg.Rule {
		return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: p}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{bp("10.6.0.0/16"), bp("2001:db8:6::/56")}, MainRouteTable: "rtb-c", DefaultACL: "acl-c"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-c", VPC: "vpc-c"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-c", VPC: "vpc-c", Routes: []reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-c"},
			{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-c"}}}).
		AddNetworkACL(a).
		AddSubnet(reach.Subnet{ID: "subnet-c", VPC: "vpc-c", CIDRs: []netip.Prefix{bp("10.6.1.0/24"), bp("2001:db8:6:1::/64")}}).
		AddSecurityGroup(sg.Group{ID: "sg-c", VPCID: "vpc-c", Rules: []sg.Rule{
			ssh("sgr-ssh4", peer4), ssh("sgr-ssh6", peer6),
			{ID: "sgr-out4", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{ID: "sgr-out6", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}}}).
		AddInterface(reach.Interface{ID: "eni-c", Name: "host-c", Subnet: "subnet-c", Groups: []string{"sg-c"},
			PrivateIPs: []netip.Addr{ba("10.6.1.10"), ba("2001:db8:6:1::10")}, PublicIP: ba("203.0.113.60"),
			DelegatedPrefixes: []netip.Prefix{bp("2001:db8:6:1:1::/80")}})
	if extra != nil {
		extra(b)
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestAuditAnyClientPort: the zero AuditOptions.SrcPort asks from every
// client port; SrcPort DefaultSourcePort from that one alone. A stateless
// ACL that lets replies out only to client ports 1024-32767 stops the session from the default client port (50000), so
// the audit from it alone calls SSH closed; yet a client that picks port
// 30000 (any attacker can) gets in, for certain: exposed. Asked from every
// client port, the audit says so, at the public IP, the IPv6 address and
// the delegated prefix alike; and a reply no client port gets back keeps
// it closed; a prefix list the input lacks leaves it undecided. Each
// answer is held to brute force (brute.CheckAudit, which tries every
// client port for an exposed finding no sampled port explains).
func TestAuditAnyClientPort(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	lowReplies := []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0",
		"101 allow tcp 22 from ::/0", "101 allow tcp 1024-32767 to ::/0"}
	noReplies := []string{"100 allow tcp 22 from 0.0.0.0/0", "101 allow tcp 22 from ::/0"}
	// replies only to client port 7 (echo): one client port of 65535
	oneReply := []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 7 to 0.0.0.0/0",
		"101 allow tcp 22 from ::/0", "101 allow tcp 7 to ::/0"}
	unresolved := func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-c") }
	// SSH, and RDP, which no rule opens (brute force asks Sources per port
	// of the catalogue and client port: a short one keeps it quick)
	cat := []reach.Risk{
		{Service: "SSH", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](22)), Severity: reach.High},
		{Service: "RDP", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](3389)), Severity: reach.High},
	}
	tests := []struct {
		name     string
		m        *reach.Model
		def, any reach.Exposure // from the default client port (SrcPort 50000); from any (SrcPort 0)
	}{
		{"replies out to 1024-32767 only: closed from 50000, exposed from 30000",
			clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, lowReplies, nil), reach.Closed, reach.Exposed},
		{"replies out to port 7 only: exposed from that one client port",
			clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, oneReply, nil), reach.Closed, reach.Exposed},
		{"no reply gets out: closed from every client port",
			clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, noReplies, nil), reach.Closed, reach.Closed},
		{"an open ACL: exposed either way",
			clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, nil, nil), reach.Exposed, reach.Exposed},
		{"a prefix list the input lacks: undecided from the client ports replies get out to",
			clientPortDesign(t, sg.PrefixList("pl-c"), sg.PrefixList("pl-c"), lowReplies, unresolved), reach.Closed, reach.Undecided},
	}
	for _, tt := range tests {
		for _, v6 := range []bool{false, true} {
			for _, anyPort := range []bool{false, true} {
				o := reach.AuditOptions{IPv6: v6, SrcPort: reach.DefaultSourcePort, Catalogue: cat}
				if anyPort {
					o.SrcPort = 0
				}
				a, err := tt.m.Audit(o)
				require.NoError(t, err)
				want := tt.def
				if anyPort {
					want = tt.any
				}
				// IPv4: the public IP; IPv6: the address and the prefix
				wantN := 1
				if v6 {
					wantN = 2
				}
				require.Len(t, a.Findings, wantN, "%s (IPv6 %v, any client port %v):\n%s", tt.name, v6, anyPort, a.Text())
				for _, f := range a.Findings {
					assert.Equal(t, want, f.Exposure, "%s (IPv6 %v, any client port %v) at %s:\n%s", tt.name, v6, anyPort, f.Address, a.Text())
				}
				brute.CheckAudit(t, tt.m, a, o, []string{"eni-c"}, tt.name)
			}
		}
	}
}

// TestAuditAnyClientPortSessions: what the zero SrcPort's Exposed rests on,
// checked session by session: from client port 30000 the session is
// Reachable, from the default one it is not.
func TestAuditAnyClientPortSessions(t *testing.T) {
	m := clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"}, nil)
	for _, tt := range []struct {
		src  uint16
		want reach.Outcome
	}{{0, reach.Unreachable}, {30000, reach.Reachable}, {32767, reach.Reachable}, {32768, reach.Unreachable}, {1023, reach.Unreachable}} {
		o, err := m.Verdict(reach.Query{From: "198.51.100.7", To: "host-c", Protocol: flow.TCP, Port: 22, SrcPort: tt.src})
		require.NoError(t, err)
		assert.Equal(t, tt.want, o, "client port %d", tt.src)
	}
}

// TestLintExposureFromEveryClientPort: lint's exposure checks ask from
// every client port, as `reachsim audit` does: SSH whose replies the ACL
// lets out only to client ports 1024-32767 is exposed (an attacker picks
// its own port), not closed because client port 50000 is cut.
func TestLintExposureFromEveryClientPort(t *testing.T) {
	m := clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, []string{
		"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"}, nil)
	v, err := m.Verdict(reach.Query{From: "198.51.100.7", To: "host-c", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, v, "from the default client port, 50000")
	v, err = m.Verdict(reach.Query{From: "198.51.100.7", To: "host-c", Protocol: flow.TCP, Port: 22, SrcPort: 30000})
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, v, "from client port 30000")
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	var ids []string
	for _, f := range res.Findings {
		if f.Rule == "sgr-ssh4" {
			ids = append(ids, f.ID)
		}
	}
	assert.Equal(t, []string{reach.LintExposedRisky}, ids)
}

// TestAuditSrcPort: AuditOptions.SrcPort asks from that one client port:
// behind an ACL that lets replies out to client ports 1024-32767 only,
// SSH is exposed from 30000 and 32767, closed from 50000 and 1023 (by the
// ACL's outbound default deny, on the reply), exposed from every client
// port (0), in both families.
func TestAuditSrcPort(t *testing.T) {
	m := clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0",
		"101 allow tcp 22 from ::/0", "101 allow tcp 1024-32767 to ::/0"}, nil)
	cat := []reach.Risk{{Service: "SSH", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](22)), Severity: reach.High}}
	for _, tt := range []struct {
		port uint16
		want reach.Exposure
	}{{0, reach.Exposed}, {30000, reach.Exposed}, {32767, reach.Exposed}, {reach.DefaultSourcePort, reach.Closed}, {1023, reach.Closed}, {32768, reach.Closed}} {
		for _, v6 := range []bool{false, true} {
			a, err := m.Audit(reach.AuditOptions{Catalogue: cat, IPv6: v6, SrcPort: tt.port})
			require.NoError(t, err)
			require.NotEmpty(t, a.Findings)
			for _, f := range a.Findings {
				assert.Equal(t, tt.want, f.Exposure, "client port %d (IPv6 %v) at %s:\n%s", tt.port, v6, f.Address, a.Text())
				if tt.want == reach.Closed {
					require.NotEmpty(t, f.ClosedBy, "client port %d", tt.port)
					assert.Equal(t, reach.Return, f.ClosedBy[0].Leg, "client port %d: the reply is cut", tt.port)
				}
			}
		}
	}
}
