package reach_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// withUnknownApp is the sample design with a second app server whose
// address is known only later, in app-1's group; edit changes the design
// before it is built.
func withUnknownApp(t *testing.T, edit func(d *sample.Design)) (*reach.Model, error) {
	t.Helper()
	d := sample.ThreeTierDesign()
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
		Groups: []string{"sg-app"}, AddressUnknown: "aws_instance.app2: private_ip"})
	if edit != nil {
		edit(d)
	}
	return d.Builder().Build()
}

func TestUnknownAddressDecidesOnlyWhereItDecides(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	m, err := withUnknownApp(t, nil)
	require.NoError(t, err)
	ifs := m.Interfaces()
	var app2 reach.Interface
	for _, it := range ifs {
		if it.ID == "aws_instance.app2" {
			app2 = it
		}
	}
	require.Equal(t, []netip.Addr{netip.MustParseAddr("10.0.2.254")}, app2.PrivateIPs, "the highest free address of 10.0.2.0/24 (.255 is reserved)")

	// nothing in the sample tells addresses of 10.0.2.0/24 apart: every
	// answer is the one for any address, group membership included (the
	// database admits sg-app's members)
	for _, tc := range []struct {
		q    reach.Query
		want reach.Outcome
	}{
		{reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}, reach.Reachable},
		{reach.Query{From: "web-1", To: "app-2", Protocol: flow.TCP, Port: 8080}, reach.Reachable},
		{reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 22}, reach.Unreachable},
	} {
		r, err := m.Check(tc.q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, r.Text())
		assert.Empty(t, r.Unknowns)
		v, err := m.Verdict(tc.q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v)
	}
	_, err = m.Ports(reach.PortsQuery{From: "app-2", To: "db-1", Protocol: flow.TCP})
	require.NoError(t, err)

	// an ACL entry of the database's subnet that tells apart halves of
	// the app subnet: every answer from or to app-2 depends on its address
	m, err = withUnknownApp(t, func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
	})
	require.NoError(t, err)
	q := reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.Len(t, r.Unknowns, 1)
	assert.Contains(t, r.Unknowns[0], "aws_instance.app2: private_ip is known only later")
	assert.Contains(t, r.Unknowns[0], "edges at 10.0.2.128")
	assert.Contains(t, r.Text(), "INDETERMINATE: the answer depends on values known only later")
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	r, err = m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "app-1's address is known: %s", r.Text())
	// the set questions answer app-2's parts by the single check's rule:
	// the port the database's group admits is indeterminate, the others
	// blocked by the group whichever address app-2 gets
	pr, err := m.Ports(reach.PortsQuery{From: "app-2", To: "db-1", Protocol: flow.TCP, ClientPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, "5432", pr.Indeterminate.String(), "%s", pr)
	assert.True(t, pr.Open.IsEmpty(), "%s", pr)
	require.NotEmpty(t, pr.Cuts)
	assert.Equal(t, reach.Cut{Leg: reach.Forward, Kind: reach.KindInterface, ID: "aws_instance.app2", Name: "app-2", Code: reach.AddressKnownLater,
		Ports: pr.Indeterminate, Indeterminate: true}, pr.Cuts[0], "%s", pr)
	assert.Contains(t, pr.String(), "the address of network-interface aws_instance.app2 (app-2): ADDRESS_KNOWN_LATER (undecided): 5432")
	_, err = m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports:   []reach.PortsQuery{{From: "app-2", To: "db-1", Protocol: flow.TCP}, {From: "web-1", To: "app-2", Protocol: flow.TCP}, {From: "app-2", To: "db-1", Protocol: flow.ICMP}},
		Sources: []reach.SourcesQuery{{To: "db-1", Protocol: flow.TCP, Port: 5432}, {To: "app-2", Protocol: flow.TCP, Port: 8080}},
		Step:    89, Seed: 3,
	})
}

func TestUnknownAddressWithAPublicIP(t *testing.T) {
	m, err := withUnknownApp(t, func(d *sample.Design) {
		for i := range d.Subnets {
			if d.Subnets[i].ID == "subnet-public" {
				d.Interfaces[len(d.Interfaces)-1].Subnet = d.Subnets[i].ID
			}
		}
		last := &d.Interfaces[len(d.Interfaces)-1]
		last.Groups, last.PublicIP = []string{"sg-web"}, netip.MustParseAddr("203.0.113.77")
	})
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "198.51.100.7", To: "app-2", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "its public IP maps to the placeholder: %s", r.Text())
	assert.Contains(t, r.Text(), "destination 203.0.113.77 translated to 10.0.1.254")
}

func TestUnknownAddressErrors(t *testing.T) {
	_, err := withUnknownApp(t, func(d *sample.Design) {
		d.Interfaces[len(d.Interfaces)-1].PrivateIPs = []netip.Addr{netip.MustParseAddr("10.0.2.99")}
	})
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "the primary IPv4 address is unknown, yet PrivateIPs holds one")

	_, err = withUnknownApp(t, func(d *sample.Design) {
		for i := range d.Subnets {
			if d.Subnets[i].ID == "subnet-app" {
				d.Subnets[i].CIDRs = []netip.Prefix{netip.MustParsePrefix("10.0.2.16/29")}
			}
		}
		d.Interfaces[1].PrivateIPs = []netip.Addr{netip.MustParseAddr("10.0.2.20"), netip.MustParseAddr("10.0.2.21"), netip.MustParseAddr("10.0.2.22")} // app-1, on every usable address
	})
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "subnet subnet-app has no free address left")
}

func TestUnknownPublicAddress(t *testing.T) {
	// a second VPC's server with a public IP AWS picks, which web-1
	// reaches over the internet, and whose own egress rule names a public
	// block
	build := func(egress string) *reach.Model {
		d := sample.ThreeTierDesign()
		d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"})
		d.InternetGateways = append(d.InternetGateways, reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"})
		d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"}}})
		d.ACLs = append(d.ACLs, nacl.NewDefault("acl-b", "vpc-b", false))
		d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.9.1.0/24")}})
		g := sg.New("sg-b", "b", "vpc-b", false)
		g.Rules = append(g.Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
			sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(egress)})
		d.Groups = append(d.Groups, g)
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.b", Name: "b-1", Subnet: "subnet-b", Groups: []string{"sg-b"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.9.1.10")}, PublicIPUnknown: "aws_instance.b: public_ip"})
		m, err := d.Builder().Build()
		require.NoError(t, err)
		return m
	}
	fromInternet := reach.Query{From: "198.51.100.7", To: "b-1", Protocol: flow.TCP, Port: 443}
	overInternet := reach.Query{From: "b-1", To: "web-1", Protocol: flow.TCP, Port: 443}

	m := build("203.0.113.0/24") // an edge inside the public space (the sample's firewall has more)
	r, err := m.Check(fromInternet)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "no filter sees the public address of a packet from the internet: %s", r.Text())
	assert.Empty(t, r.Unknowns)
	assert.Contains(t, r.Text(), "destination 240.0.0.1 translated to 10.9.1.10")
	r, err = m.Check(overInternet)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.NotEmpty(t, r.Unknowns)
	assert.Contains(t, r.Unknowns[0], "aws_instance.b: public_ip is known only later")
	v, err := m.Verdict(overInternet)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	_, err = m.Matrix(reach.MatrixOptions{})
	require.ErrorIs(t, err, reach.ErrQuery)
	_, err = m.Audit(reach.AuditOptions{})
	require.NoError(t, err, "the audit asks from the internet")
}

func TestUnknownNATAddresses(t *testing.T) {
	// the sample's NAT gateway, new: AWS picks both its addresses
	build := func(edit func(d *sample.Design)) *reach.Model {
		d := sample.ThreeTierDesign()
		for i := range d.NATGateways {
			n := &d.NATGateways[i]
			n.PrivateIP, n.PublicIP = netip.Addr{}, netip.Addr{}
			n.PrivateIPUnknown, n.PublicIPUnknown = "aws_nat_gateway.main: private_ip", "aws_eip.nat: public_ip"
		}
		if edit != nil {
			edit(d)
		}
		m, err := d.Builder().Build()
		require.NoError(t, err)
		return m
	}
	q := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}
	m := build(nil)
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "no CIDR block of the sample tells the NAT subnet's addresses apart: %s", r.Text())
	assert.Empty(t, r.Unknowns)
	assert.Contains(t, r.Text(), "translated to its public address 240.0.0.1")

	m = build(func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.0/28"), ICMPType: -1, ICMPCode: -1})
			}
		}
	})
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.NotEmpty(t, r.Unknowns)
	assert.Contains(t, r.Unknowns[0], "aws_nat_gateway.main: private_ip is known only later")
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	r, err = m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "a path without the NAT gateway: %s", r.Text())
}

func TestUnknownPeer(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" { // the database also admits redis from a block known only later, ports unknown from 10.0.1.0/24
			d.Groups[i].Rules = append(d.Groups[i].Rules,
				sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](6379), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("plan:cidr")},
				sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 0, Hi: 65535}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("plan:ports")})
		}
	}
	m, err := d.Builder().AddUnknownPeer("plan:cidr", "aws_security_group.db: ingress[1].cidr_blocks").
		AddUnknownPeer("plan:ports", "aws_security_group.db: ingress[2].from_port", netip.MustParsePrefix("10.0.1.0/24")).Build()
	require.NoError(t, err)
	// the database's group cannot decide where only such a rule could
	// allow (the sample's ACLs may still block for certain elsewhere)
	for _, tc := range []struct {
		from    string
		port    uint16
		missing string // "": the group decides
	}{
		{"app-1", 6379, "aws_security_group.db: ingress[1].cidr_blocks, known only later"},
		{"app-1", 5432, ""}, // sg-app's own rule decides
		{"web-1", 22, "aws_security_group.db: ingress[2].from_port, known only later"},
		{"198.51.100.7", 22, ""}, // outside the block of the rule whose ports are unknown
	} {
		r, err := m.Check(reach.Query{From: tc.from, To: "db-1", Protocol: flow.TCP, Port: tc.port, SrcPort: 30000})
		require.NoError(t, err)
		var missing []string
		for _, h := range r.Undecided() {
			if h.Kind == reach.KindSecurityGroups {
				missing = append(missing, h.Missing)
			}
		}
		if tc.missing == "" {
			assert.Empty(t, missing, "%s:%d %s", tc.from, tc.port, r.Text())
			continue
		}
		require.Len(t, missing, 1, "%s:%d %s", tc.from, tc.port, r.Text())
		assert.Contains(t, missing[0], tc.missing)
	}
	r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	_, err = m.Sources(reach.SourcesQuery{To: "db-1", Protocol: flow.TCP, Port: 6379})
	require.ErrorIs(t, err, reach.ErrQuery)
	_, err = d.Builder().AddUnknownPeer("sg-db", "clash").Build()
	require.ErrorIs(t, err, reach.ErrTopology)
}

func TestUnknownACLEntry(t *testing.T) {
	d := sample.ThreeTierDesign()
	build := func(u ...reach.UnknownACLEntry) (*reach.Model, error) {
		return d.Builder().AddUnknownACLEntry(u...).Build()
	}
	deny := nacl.Entry{Number: 10, Action: flow.Drop, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1}
	m, err := build(reach.UnknownACLEntry{ACL: "acl-db", What: "aws_network_acl.db: ingress[0].cidr_block", Entry: deny, CIDRUnknown: true})
	require.NoError(t, err)
	q := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.ACLIndeterminate}, r.Codes())
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	_, err = m.Audit(reach.AuditOptions{})
	require.ErrorIs(t, err, reach.ErrQuery)

	_, err = build(reach.UnknownACLEntry{ACL: "acl-nope", What: "x", Entry: deny, CIDRUnknown: true})
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "unknown network ACL")
}

// TestGroupsUnknown: an interface whose groups are known only later is
// undecided at its own groups where the groups it lists do not allow, and
// may be a member of any group, so a rule that references a group is
// undecided for it; every other answer keeps its value.
func TestGroupsUnknown(t *testing.T) {
	build := func(t *testing.T, groups ...string) *reach.Model {
		t.Helper()
		d := sample.ThreeTierDesign()
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.2.21")}, Groups: groups,
			GroupsUnknown: "aws_instance.app2: vpc_security_group_ids"})
		m, err := d.Builder().Build()
		require.NoError(t, err)
		return m
	}
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port, SrcPort: 30000}
	}
	tests := []struct {
		name    string
		groups  []string
		q       reach.Query
		outcome reach.Outcome
		missing []string // in the undecided security group hops' Missing, in order
	}{
		{"its own groups cannot deny, nor can a group reference decide", nil, tcp("app-2", "db-1", 5432), reach.Indeterminate,
			[]string{"aws_instance.app2: vpc_security_group_ids, known only later: a group it adds could allow the packet",
				"aws_instance.app2: vpc_security_group_ids, known only later: whether 10.0.2.21 is a member of sg-app, which rule sg-db sgr-db-pg"}},
		{"inbound to it", nil, tcp("app-1", "app-2", 8080), reach.Indeterminate,
			[]string{"aws_instance.app2: vpc_security_group_ids, known only later: a group it adds could allow"}},
		{"a known member of sg-app passes sg-db for certain", []string{"sg-app"}, tcp("app-2", "db-1", 5432), reach.Reachable, nil},
		{"a group it lists allows: allowed", []string{"sg-app"}, tcp("web-1", "app-2", 8080), reach.Reachable, nil},
		{"other interfaces keep their answers", nil, tcp("app-1", "db-1", 5432), reach.Reachable, nil},
		{"a known non-member is denied for certain", nil, tcp("web-1", "db-1", 5432), reach.Unreachable, nil},
		{"another hop blocks for certain: unreachable, though its groups are undecided", nil, tcp("198.51.100.7", "app-2", 22), reach.Unreachable,
			[]string{"aws_instance.app2: vpc_security_group_ids, known only later: a group it adds could allow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, tt.groups...)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			var missing []string
			for _, h := range r.Undecided() {
				require.Equal(t, reach.KindSecurityGroups, h.Kind, r.Text())
				missing = append(missing, h.Missing)
			}
			require.Len(t, missing, len(tt.missing), r.Text())
			for i, want := range tt.missing {
				assert.Contains(t, missing[i], want)
			}
		})
	}
	m := build(t)
	_, err := m.Sources(reach.SourcesQuery{To: "db-1", Protocol: flow.TCP, Port: 5432})
	require.ErrorIs(t, err, reach.ErrQuery, "set questions refuse")
	require.ErrorContains(t, err, "aws_instance.app2: vpc_security_group_ids")
	_, err = m.Ports(reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP})
	require.ErrorIs(t, err, reach.ErrQuery)
	_, err = m.GroupMembers("sg-app")
	require.ErrorIs(t, err, sg.ErrMembersUnknown, "every group may have one more member")
}

// TestUnknownPortsOfAGroupRule: a rule whose ports are known only later
// and whose peer is a group may match any port from the group's members,
// and no other address.
func TestUnknownPortsOfAGroupRule(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.PortRange{Lo: 0, Hi: 65535}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("plan:ports")})
		}
	}
	m, err := d.Builder().AddUnknownPortsOf("plan:ports", "aws_security_group_rule.db_app: from_port", sg.GroupRef("sg-app")).Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		from    string
		port    uint16
		outcome reach.Outcome
	}{
		{"app-1", 5432, reach.Reachable},     // the rule with known ports decides
		{"app-1", 6379, reach.Indeterminate}, // a member: only the unknown rule could allow
		{"web-1", 6379, reach.Unreachable},   // no member: the rule cannot match
		{"198.51.100.7", 6379, reach.Unreachable},
	} {
		q := reach.Query{From: tc.from, To: "db-1", Protocol: flow.TCP, Port: tc.port, SrcPort: 30000}
		r, err := m.Check(q)
		require.NoError(t, err)
		sgHops := 0
		for _, h := range r.Undecided() {
			if h.Kind == reach.KindSecurityGroups {
				sgHops++
				assert.Contains(t, h.Missing, "aws_security_group_rule.db_app: from_port, known only later")
			}
		}
		assert.Equal(t, tc.outcome == reach.Indeterminate, sgHops == 1, "%s:%d %s", tc.from, tc.port, r.Text())
		if tc.outcome != reach.Indeterminate {
			assert.Equal(t, tc.outcome, r.Outcome, "%s:%d %s", tc.from, tc.port, r.Text())
		}
	}
	for _, bad := range []sg.Peer{sg.GroupRef("sg-nowhere"), sg.PrefixList("pl-nowhere"), sg.CIDR("10.0.0.0/8")} {
		_, err := d.Builder().AddUnknownPortsOf("plan:ports", "x", bad).Build()
		require.ErrorIs(t, err, reach.ErrTopology, bad)
	}
}

// TestUnknownPeerAfterAMiddlebox: a packet a firewall endpoint forwarded
// has lost its group identity, not its address: a rule whose block is
// known only later may still match it (undecided), a rule that references
// a group the input does not hold cannot (denied), and neither panics.
func TestUnknownPeerAfterAMiddlebox(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-web" {
			d.Groups[i].Rules = append(d.Groups[i].Rules,
				sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8443), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("plan:cidr")},
				sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](9443), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-gone")})
		}
	}
	m, err := d.Builder().AddUnknownPeer("plan:cidr", "aws_security_group.web: ingress[9].cidr_blocks").AddUnresolvedGroup("sg-gone").Build()
	require.NoError(t, err)
	groupsHop := func(port uint16) reach.Hop {
		r, err := m.Check(reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: port})
		require.NoError(t, err)
		for _, h := range r.Forward {
			if h.Kind == reach.KindSecurityGroups {
				return h
			}
		}
		t.Fatalf("no security group hop:\n%s", r.Text())
		return reach.Hop{}
	}
	assert.Equal(t, reach.SGIndeterminate, groupsHop(8443).Code, "the block known only later could be the internet host's")
	assert.Equal(t, reach.SGNoAllow, groupsHop(9443).Code, "a group reference matches nothing past the firewall")
}

// TestUnknownACLEntryICMPType: PortsUnknown on an ICMP entry stands for
// its type and code: the entry may match any ICMP type, whatever its
// ICMPType says.
func TestUnknownACLEntryICMPType(t *testing.T) {
	d := sample.ThreeTierDesign()
	allow := nacl.Entry{Number: 10, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.ICMP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), ICMPType: 0, ICMPCode: 0}
	q := reach.Query{From: "app-1", To: "db-1", Protocol: flow.ICMP} // echo request, which acl-db denies
	for _, tc := range []struct {
		name         string
		portsUnknown bool
		undecided    bool
	}{
		{"type known: echo reply only", false, false},
		{"type known only later", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := d.Builder().AddUnknownACLEntry(reach.UnknownACLEntry{ACL: "acl-db", What: "aws_network_acl.db: ingress[0].icmp_type",
				Entry: allow, PortsUnknown: tc.portsUnknown}).Build()
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.undecided, slices.Contains(r.Codes(), reach.ACLIndeterminate), r.Text())
		})
	}
}

// TestPlaceholdersMarkedInSetAnswers: Sources, Matrix and Audit show an
// address known only later by its placeholder, and say so, in Go, in
// JSON and in their texts.
func TestPlaceholdersMarkedInSetAnswers(t *testing.T) {
	const private, public = "aws_instance.app2: private_ip", "aws_instance.app2: public_ip"
	m, err := withUnknownApp(t, nil)
	require.NoError(t, err)
	src, err := m.Sources(reach.SourcesQuery{To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
	require.NoError(t, err)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)

	// the same server in the public subnet, with a public address AWS
	// picks, open to the world on 443
	mp, err := withUnknownApp(t, func(d *sample.Design) {
		last := &d.Interfaces[len(d.Interfaces)-1]
		last.Subnet, last.Groups, last.PublicIPUnknown = "subnet-public", []string{"sg-web"}, public
	})
	require.NoError(t, err)
	https, err := flow.ParsePortSet("443")
	require.NoError(t, err)
	au, err := mp.Audit(reach.AuditOptions{Catalogue: []reach.Risk{{Service: "HTTPS", Protocol: flow.TCP, Ports: https, Severity: reach.Low}}})
	require.NoError(t, err)

	marks := map[string]string{} // where and the address shown → the value it names
	for _, i := range src.Interfaces {
		if i.ID == "aws_instance.app2" {
			marks["sources "+i.Address.String()] = i.AddressUnknown
		} else {
			assert.Empty(t, i.AddressUnknown, i.ID)
		}
	}
	for _, c := range mx.Classes {
		for _, mb := range c.Members {
			if mb.ID == "aws_instance.app2" {
				marks["matrix "+mb.Address.String()] = mb.AddressUnknown
			} else {
				assert.Empty(t, mb.AddressUnknown, mb.ID)
			}
		}
	}
	for _, f := range au.Findings {
		if f.Interface == "aws_instance.app2" {
			marks["audit "+f.Address.String()] = f.AddressUnknown
		} else {
			assert.Empty(t, f.AddressUnknown, f.Interface)
		}
	}
	assert.Equal(t, map[string]string{
		"sources 10.0.2.254": private,
		"matrix 10.0.2.254":  private,
		"audit 240.0.0.1":    public,
	}, marks)
	assert.Contains(t, src.String(), "app-2 (aws_instance.app2) 10.0.2.254 (placeholder: aws_instance.app2: private_ip is known only later)")
	assert.Contains(t, mx.Text(), "app-2 (aws_instance.app2) 10.0.2.254 (placeholder: aws_instance.app2: private_ip is known only later)")
	assert.Contains(t, au.Text(), "[240.0.0.1 (placeholder: aws_instance.app2: public_ip is known only later)]")
	for _, v := range []any{src, mx, au} {
		js, err := json.Marshal(v)
		require.NoError(t, err)
		assert.Contains(t, string(js), `"address_unknown":"aws_instance.app2: `)
	}
}

// A free address of a subnet where AWS picks an interface's address at
// launch may be the one it picks: a packet to it is undecided, never a
// certain UNKNOWN_DESTINATION; an address of another subnet stays one.
func TestFreeAddressAnUnknownAddressMayTake(t *testing.T) {
	m, err := withUnknownApp(t, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		to   string
		want reach.Outcome
		code reach.Code
	}{
		{"10.0.2.77", reach.Indeterminate, reach.AddressUnknownDestination}, // app-2's subnet
		{"10.0.9.77", reach.Unreachable, reach.UnknownDestination},          // no subnet there
	} {
		q := reach.Query{From: "web-1", To: tc.to, Protocol: flow.TCP, Port: 8080}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, r.Text())
		assert.Contains(t, r.Codes(), tc.code, r.Text())
		if tc.code == reach.AddressUnknownDestination {
			assert.Contains(t, r.Text(), "aws_instance.app2: private_ip, known only later: whether it is 10.0.2.77")
		}
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v)
	}
}
