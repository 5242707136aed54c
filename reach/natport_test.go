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

// natPortDesign is vpc-g (10.1.0.0/16) with app (10.1.2.10) in a private
// subnet whose default route is the public NAT gateway nat-g (10.1.1.100,
// Elastic IP 198.51.100.100, in subnet-pub, whose ACL acl-pub holds
// pub), and whose route to vpc-b (10.9.0.0/16) is the private NAT
// gateway nat-p (10.1.3.100, in subnet-natp), whose subnet reaches vpc-b
// over a peering; db (10.9.1.10) is in vpc-b's subnet-db, whose ACL
// acl-db holds db. Every group lets everything in and out.
func natPortDesign(t *testing.T, pub, db []string) func() (*reach.Model, error) {
	return func() (*reach.Model, error) { return natPortBuilder(t, pub, db).Build() }
}

// openACL lets everything in and out.
var openACL = []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}

// A NAT gateway picks the session's source port itself, within
// 1024-65535 (AWS VPC User Guide, "Ephemeral ports": "A NAT gateway uses
// ports 1024-65535"), which the input does not say. A network ACL that
// judges the reply to that port judges the whole range: one decision for
// all of it is certain, different ones leave the hop undecided
// (NAT_PORT_UNKNOWN), whatever the client's own port. Check, Verdict and
// the slow reference walk agree.
func TestNATGatewayPickedPort(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pub, db  []string
		to       string
		want     reach.Outcome
		code     reach.Code
		acl      string   // the ACL whose hop decides
		missing  []string // what the undecided hop's Missing names
		srcPorts []uint16 // client ports that all get the answer
	}{
		{name: "NAT subnet's ACL lets replies in to 32768-65535 only", to: "8.8.8.8",
			pub:  []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 32768-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Indeterminate, code: "RETURN_" + reach.NATPortUnknown, acl: "acl-pub",
			missing: []string{"nat-g", "1024-65535", "acl-pub allows replies to 32768-65535 only"}},
		{name: "NAT subnet's ACL lets replies in to 1024-2000 only", to: "8.8.8.8",
			pub:  []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 1024-2000 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Indeterminate, code: "RETURN_" + reach.NATPortUnknown, acl: "acl-pub",
			missing: []string{"nat-g", "acl-pub allows replies to 1024-2000 only"}},
		{name: "NAT subnet's ACL lets replies in to 1025-65535: the gateway may pick 1024", to: "8.8.8.8",
			pub:  []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 1025-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Indeterminate, code: "RETURN_" + reach.NATPortUnknown, acl: "acl-pub",
			missing: []string{"nat-g", "acl-pub allows replies to 1025-65535 only"}},
		{name: "NAT subnet's ACL lets replies in to every port the gateway picks", to: "8.8.8.8",
			pub:  []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 1024-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Reachable},
		{name: "NAT subnet's ACL lets replies in to none of them", to: "8.8.8.8",
			pub:  []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 1-1023 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Unreachable, code: "RETURN_" + reach.ACLDefaultDeny, acl: "acl-pub"},
		{name: "an entry denies part of the range, another allows the rest", to: "8.8.8.8",
			pub:  []string{"90 deny tcp 1024-4999 from 0.0.0.0/0", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
			want: reach.Indeterminate, code: "RETURN_" + reach.NATPortUnknown, acl: "acl-pub",
			missing: []string{"acl-pub allows replies to 5000-65535 only"}},
		{name: "private NAT gateway: the destination subnet's ACL lets replies out to 32768-65535 only", to: "db",
			db:   []string{"100 allow all from 0.0.0.0/0", "100 allow tcp 32768-65535 to 0.0.0.0/0"},
			want: reach.Indeterminate, code: "RETURN_" + reach.NATPortUnknown, acl: "acl-db",
			missing: []string{"nat-p", "acl-db allows replies to 32768-65535 only"}},
		{name: "private NAT gateway: the destination subnet's ACL lets replies out to 1024-65535", to: "db",
			db:   []string{"100 allow all from 0.0.0.0/0", "100 allow tcp 1024-65535 to 0.0.0.0/0"},
			want: reach.Reachable},
		{name: "private NAT gateway: the destination subnet's ACL lets replies out to 0-1023 only", to: "db",
			db:   []string{"100 allow all from 0.0.0.0/0", "100 allow tcp 0-1023 to 0.0.0.0/0"},
			want: reach.Unreachable, code: "RETURN_" + reach.ACLDefaultDeny, acl: "acl-db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, db := tc.pub, tc.db
			if pub == nil {
				pub = openACL
			}
			if db == nil {
				db = openACL
			}
			build := natPortDesign(t, pub, db)
			m, err := build()
			require.NoError(t, err)
			ref := buildReference(t, build)
			for _, port := range []uint16{50000, 1024, 2000, 40000} {
				q := reach.Query{From: "app", To: tc.to, Protocol: flow.TCP, Port: 443, SrcPort: port}
				r := check(t, m, q)
				require.Equal(t, tc.want, r.Outcome, "client port %d:\n%s", port, r.Text())
				v, err := m.Verdict(q)
				require.NoError(t, err)
				assert.Equal(t, tc.want, v, "Verdict, client port %d", port)
				want, err := ref.Check(q)
				require.NoError(t, err)
				assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk")
				if tc.code == "" {
					assert.Empty(t, r.Blocks, r.Text())
					continue
				}
				require.Len(t, r.Blocks, 1, r.Text())
				b := r.Blocks[0]
				assert.Equal(t, tc.code, b.Code, r.Text())
				assert.Equal(t, tc.acl, b.ID, r.Text())
				h := r.Return[b.Hop-1]
				assert.Contains(t, h.Reason(), "1024-65535", "the reason says the port is the gateway's, any of the range:\n%s", r.Text())
				assert.Contains(t, h.Fix, "1024-65535", r.Text())
				for _, s := range tc.missing {
					assert.Contains(t, h.Missing, s, r.Text())
				}
			}
		})
	}
}

// The audit's case, worded: the reply's hop at the NAT subnet's ACL says
// the port is the gateway's pick, not the client's 50000.
func TestNATGatewayPickedPortTrace(t *testing.T) {
	m, err := natPortDesign(t, []string{"100 allow all from 10.1.0.0/16", "110 allow tcp 32768-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}, openACL)()
	require.NoError(t, err)
	r := check(t, m, reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
	text := r.Text()
	assert.Contains(t, text, "missing: the source port NAT gateway nat-g picks for the session (1024-65535): acl-pub allows replies to 32768-65535 only")
	assert.Contains(t, text, "ports 1024-32767: denied by rule *")
	assert.Contains(t, text, "ports 32768-65535: allowed by rule 110")
	assert.NotContains(t, text, "ephemeral port, here 50000")
	nat := r.Forward[4]
	require.Equal(t, reach.KindNATGateway, nat.Kind, text)
	assert.Contains(t, nat.Reason(), "picks within 1024-65535", text)
}

// Ports, Sources, the matrix and the audit agree with a Check of every
// value through NAT gateways whose replies an ACL lets through to part of
// the range the gateway picks from: the answer no longer depends on the
// client's port beyond the gateway.
func TestNATGatewayPickedPortSetAnswers(t *testing.T) {
	m, err := natPortDesign(t,
		[]string{"100 allow all from 10.1.0.0/16", "110 allow tcp 32768-65535 from 0.0.0.0/0", "120 allow udp 1024-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"},
		[]string{"90 deny tcp 22 from 0.0.0.0/0", "100 allow all from 0.0.0.0/0", "100 allow tcp 40000-65535 to 10.1.3.0/24", "110 allow all to 10.1.0.0/16"})()
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{{From: "app", To: "8.8.8.8", Protocol: flow.TCP}, {From: "app", To: "db", Protocol: flow.TCP},
			{From: "app", To: "8.8.8.8", Protocol: flow.UDP}},
		Step:    211,
		Sources: []reach.SourcesQuery{{To: "db", Protocol: flow.TCP, Port: 5432}, {To: "db", Protocol: flow.TCP, Port: 22}},
		Few:     true,
	})
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "8.8.8.8", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "1-65535", p.Indeterminate.String(), "every port depends on the port nat-g picks")
	for _, c := range p.Clients {
		assert.True(t, c.Open.IsEmpty(), "%s: %s", c.Name, c.Open)
		assert.True(t, c.Partly.IsEmpty(), "%s: %s: no client port decides", c.Name, c.Partly)
	}
	u, err := m.Ports(reach.PortsQuery{From: "app", To: "8.8.8.8", Protocol: flow.UDP})
	require.NoError(t, err)
	assert.Equal(t, "1-65535", u.Open.String(), "udp replies are let in to the whole range")
}

// natPortBuilder is natPortDesign's design as a Builder (so that more can
// be added before Build).
func natPortBuilder(t *testing.T, pub, db []string) *reach.Builder {
	entries := func(id, vpc string, lines []string) nacl.ACL {
		a := nacl.ACL{ID: id, VPCID: vpc}
		for _, l := range lines {
			e, err := nacl.ParseEntry(l)
			require.NoError(t, err, l)
			a.Entries = append(a.Entries, e)
		}
		return a
	}
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-g"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.9.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-g", VPC: "vpc-g"}).
		AddNATGateway(reach.NATGateway{ID: "nat-g", Subnet: "subnet-pub", PrivateIP: ba("10.1.1.100"), PublicIP: ba("198.51.100.100")},
			reach.NATGateway{ID: "nat-p", Subnet: "subnet-natp", PrivateIP: ba("10.1.3.100"), Private: true}).
		AddPeering(reach.Peering{ID: "pcx-gb", RequesterVPC: "vpc-g", AccepterVPC: "vpc-b", Status: "active"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-g", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-g"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-g", Routes: []reach.Route{
				{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-g"},
				{Destination: bp("10.9.0.0/16"), Target: reach.TargetNATGateway, TargetID: "nat-p"}}},
			reach.RouteTable{ID: "rtb-natp", VPC: "vpc-g", Routes: []reach.Route{{Destination: bp("10.9.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-gb"}}},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{{Destination: bp("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-gb"}}}).
		AddNetworkACL(nacl.NewDefault("acl-g", "vpc-g", false), nacl.NewDefault("acl-b", "vpc-b", false),
			entries("acl-pub", "vpc-g", pub), entries("acl-db", "vpc-b", db)).
		AddSubnet(reach.Subnet{ID: "subnet-pub", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.1.0/24")}, ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.2.0/24")}, RouteTable: "rtb-priv"},
			reach.Subnet{ID: "subnet-natp", VPC: "vpc-g", CIDRs: []netip.Prefix{bp("10.1.3.0/24")}, RouteTable: "rtb-natp"},
			reach.Subnet{ID: "subnet-db", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("10.9.1.0/24")}, ACL: "acl-db"}).
		AddSecurityGroup(sg.Group{ID: "sg-all", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", Groups: []string{"sg-all"}, PrivateIPs: []netip.Addr{ba("10.1.2.10")}},
			reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-db", Groups: []string{"sg-all"}, PrivateIPs: []netip.Addr{ba("10.9.1.10")}})
}

// An ACL entry whose CIDR is known only later (a Terraform plan) denies
// replies to 1024-2000 ahead of the entry that allows 1024-65535. The NAT
// gateway may pick a port in 1024-2000: if the unknown CIDR holds 8.8.8.8,
// the reply is dropped for those ports. The answer depends on the unknown
// value (and on the picked port): it must not be a certain Reachable,
// whatever the client's own port.
func TestNATGatewayPickedPortUnknownEntry(t *testing.T) {
	m, err := natPortBuilder(t,
		[]string{"100 allow all from 10.1.0.0/16", "110 allow tcp 1024-65535 from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}, openACL).
		AddUnknownACLEntry(reach.UnknownACLEntry{ACL: "acl-pub", What: "aws_network_acl.pub: ingress[0].cidr_block",
			Entry:       nacl.Entry{Number: 50, Direction: flow.Inbound, Action: flow.Drop, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 1024, Hi: 2000}},
			CIDRUnknown: true}).Build()
	require.NoError(t, err)
	for _, port := range []uint16{1500, 50000} {
		q := reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: port}
		r, err := m.Check(q)
		require.NoError(t, err)
		v, err := m.Verdict(q)
		require.NoError(t, err)
		if r.Outcome != reach.Indeterminate {
			t.Errorf("client port %d: Check = %s, want Indeterminate\n%s", port, r.Outcome, r.Text())
		}
		if v != reach.Indeterminate {
			t.Errorf("client port %d: Verdict = %s, want Indeterminate", port, v)
		}
	}
}

// Fix through a NAT gateway whose subnet's ACL lets no reply in: the
// change that opens it allows the range the gateway picks from
// (1024-65535), and Fix verifies it.
func TestNATGatewayPickedPortFix(t *testing.T) {
	m, err := natPortBuilder(t,
		[]string{"100 allow all from 10.1.0.0/16", "100 allow all to 0.0.0.0/0"}, openACL).Build()
	require.NoError(t, err)
	q := reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: 50000}
	r, err := m.Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	f, err := m.Fix(q, reach.Reachable)
	if err != nil {
		t.Fatalf("Fix: %v\n%s", err, r.Text())
	}
	require.Len(t, f.Changes, 1)
	assert.Contains(t, f.Changes[0].Spec, "1024-65535", "the change opens every port the gateway may pick")
	require.Equal(t, reach.Reachable, f.After)
}

// Fix widens an allow entry next to the range a NAT gateway picks from
// over the whole range (1-1023 becomes 1-65535), not by one port, which
// would leave the reply undecided.
func TestNATGatewayPickedPortFixWidens(t *testing.T) {
	m, err := natPortBuilder(t,
		[]string{"50 allow tcp 1-1023 from 8.8.8.8/32", "100 allow all from 10.1.0.0/16", "100 allow all to 0.0.0.0/0"}, openACL).Build()
	require.NoError(t, err)
	q := reach.Query{From: "app", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: 50000}
	r, err := m.Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	f, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err, r.Text())
	require.Len(t, f.Changes, 1)
	assert.Contains(t, f.Changes[0].Spec, "1-65535")
	assert.Equal(t, reach.Reachable, f.After)
}
