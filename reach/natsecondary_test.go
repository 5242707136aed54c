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
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// natSecondaryModel is the sample with secondary addresses on its NAT
// gateway, after edit.
func natSecondaryModel(t *testing.T, secondary []reach.NATAddress, edit func(d *sample.Design)) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	d.NATGateways[0].Secondary = secondary
	if edit != nil {
		edit(d)
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// webRule replaces the rule of sg-web with r's ID by r.
func webRule(d *sample.Design, r sg.Rule) {
	for i := range d.Groups {
		if d.Groups[i].ID != "sg-web" {
			continue
		}
		for j := range d.Groups[i].Rules {
			if d.Groups[i].Rules[j].ID == r.ID {
				d.Groups[i].Rules[j] = r
				return
			}
		}
	}
	panic("no rule " + r.ID)
}

func TestNATSecondaryAddresses(t *testing.T) {
	a := netip.MustParseAddr
	near := []reach.NATAddress{{PrivateIP: a("10.0.1.101"), PublicIP: a("203.0.113.101")}}
	// HTTPS to web-1 from the NAT gateway's primary Elastic IP only
	httpsFromPrimary := func(d *sample.Design) {
		webRule(d, sg.Rule{ID: "sgr-web-https", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443),
			ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("203.0.113.100/32")})
	}
	// the database's subnet refuses the upper half of the public subnet
	dbRefusesUpper := func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
	}
	toInternet := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}
	httpsOverInternet := reach.Query{From: "app-1", To: "203.0.113.10", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}
	for _, tc := range []struct {
		name      string
		secondary []reach.NATAddress
		edit      func(d *sample.Design)
		q         reach.Query
		want      reach.Outcome
		unknown   string // what Unknowns names, when indeterminate
	}{
		{"primary only: its EIP is admitted", nil, httpsFromPrimary, httpsOverInternet, reach.Reachable, ""},
		{"a secondary EIP the rule does not admit", near, httpsFromPrimary, httpsOverInternet, reach.Indeterminate,
			"NAT gateway nat-demo sends each connection from one of its public addresses (203.0.113.100, 203.0.113.101)"},
		{"no edge between the addresses", near, nil, toInternet, reach.Reachable, ""},
		{"to the internet, no filter sees the public address", near, httpsFromPrimary, toInternet, reach.Reachable, ""},
		{"private addresses told apart off the path: the same answer from each", []reach.NATAddress{{PrivateIP: a("10.0.1.200"), PublicIP: a("203.0.113.101")}}, dbRefusesUpper, toInternet, reach.Reachable, ""},
		{"private addresses on one side of every edge", []reach.NATAddress{{PrivateIP: a("10.0.1.120")}}, dbRefusesUpper, toInternet, reach.Reachable, ""},
		{"secondaries known only later", nil, func(d *sample.Design) {
			dbRefusesUpper(d)
			d.NATGateways[0].SecondaryUnknown = "aws_nat_gateway.main: secondary_private_ip_addresses"
		}, toInternet, reach.Indeterminate, "aws_nat_gateway.main: secondary_private_ip_addresses (known only later: any address of subnet subnet-public)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := natSecondaryModel(t, tc.secondary, tc.edit)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.unknown == "" {
				assert.Empty(t, r.Unknowns)
				return
			}
			require.NotEmpty(t, r.Unknowns)
			assert.Contains(t, r.Unknowns[0], tc.unknown)
			assert.Contains(t, r.Text(), tc.unknown)
		})
	}
}

func TestNATSecondarySetQuestions(t *testing.T) {
	a := netip.MustParseAddr
	apart := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.200")}}, func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
	})
	_, err := apart.Ports(reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.ErrorContains(t, err, "nat-demo")
	_, err = apart.Matrix(reach.MatrixOptions{})
	require.ErrorIs(t, err, reach.ErrQuery)
	// Sources asks per path: no path to web-1's private address crosses
	// the gateway (it refused the whole design)
	_, err = apart.Sources(reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)

	same := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.101"), PublicIP: a("203.0.113.101")}}, nil)
	p, err := same.Ports(reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"})
	require.NoError(t, err, "nothing tells the addresses apart")
	assert.NotEmpty(t, p.Open.String())
	_, err = same.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
}

func TestNATSecondaryAuditAnswers(t *testing.T) {
	// the audit asks from the internet: no NAT gateway translates its sessions
	m := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: netip.MustParseAddr("10.0.1.200")}}, func(d *sample.Design) {
		webRule(d, sg.Rule{ID: "sgr-web-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22),
			ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.1.128/25")})
	})
	_, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
}

func TestUnknownNATAddressPorts(t *testing.T) {
	// Ports refuses a path through a NAT gateway whose address is known
	// only later where the design tells its possible addresses apart
	d := sample.ThreeTierDesign()
	n := &d.NATGateways[0]
	n.PrivateIP, n.PrivateIPUnknown = netip.Addr{}, "aws_nat_gateway.main: private_ip"
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-db" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
				Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.0/28"), ICMPType: -1, ICMPCode: -1})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	_, err = m.Ports(reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.ErrorContains(t, err, "aws_nat_gateway.main: private_ip is known only later")
	_, err = m.Ports(reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP})
	require.NoError(t, err, "a path without the NAT gateway")
}

func TestNATSecondaryBuildErrors(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name      string
		private   bool
		secondary reach.NATAddress
		err       string
	}{
		{"outside the subnet", false, reach.NATAddress{PrivateIP: a("10.0.2.77")},
			`natGateways[0].Secondary[0].PrivateIP (nat-demo): "10.0.2.77": invalid topology: a NAT gateway's secondary address is a private IPv4 address inside subnet subnet-public`},
		{"IPv6", false, reach.NATAddress{PrivateIP: a("2001:db8:10:1::77")}, `natGateways[0].Secondary[0].PrivateIP (nat-demo): "2001:db8:10:1::77"`},
		{"taken", false, reach.NATAddress{PrivateIP: a("10.0.1.10")}, "address already used by eni-web1"},
		{"the primary again", false, reach.NATAddress{PrivateIP: a("10.0.1.100")}, "address already used by nat-demo"},
		{"a public address on a private gateway", true, reach.NATAddress{PrivateIP: a("10.0.1.101"), PublicIP: a("198.51.100.9")},
			`natGateways[0].Secondary[0].PublicIP (nat-demo): "198.51.100.9": invalid topology: a private NAT gateway has no public address`},
		{"an IPv6 public address", false, reach.NATAddress{PrivateIP: a("10.0.1.101"), PublicIP: a("2001:db8::9")}, "not an IPv4 address"},
		{"an Elastic IP taken", false, reach.NATAddress{PrivateIP: a("10.0.1.101"), PublicIP: a("203.0.113.10")}, "address already used by eni-web1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			n := &d.NATGateways[0]
			n.Secondary = []reach.NATAddress{tc.secondary}
			if tc.private {
				n.Private, n.PublicIP = true, netip.Addr{}
			}
			_, err := d.Builder().Build()
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.err)
		})
	}
}

func TestNATSecondaryAddressesAsEnds(t *testing.T) {
	a := netip.MustParseAddr
	m := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.101"), PublicIP: a("203.0.113.101")}}, nil)
	for _, to := range []string{"203.0.113.101", "10.0.1.101"} {
		from := "198.51.100.7"
		if to == "10.0.1.101" {
			from = "web-1"
		}
		r, err := m.Check(reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		assert.Equal(t, []reach.Code{reach.NATNoInbound}, r.Codes(), "a NAT gateway's secondary address takes no connection: %s", r.Text())
	}
	// the model keeps its own copy
	d := sample.ThreeTierDesign()
	sec := []reach.NATAddress{{PrivateIP: a("10.0.1.101")}}
	d.NATGateways[0].Secondary = sec
	m2, err := d.Builder().Build()
	require.NoError(t, err)
	sec[0].PrivateIP = a("10.0.1.10")
	r, err := m2.Check(reach.Query{From: "web-1", To: "10.0.1.101", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, []reach.Code{reach.NATNoInbound}, r.Codes(), r.Text())
}

// TestNATSecondaryCertainBlockWins: where the session is blocked for
// certain from every address the NAT gateway may pick, which one it picks
// changes nothing: Unreachable, not Indeterminate. SSH from app-1 through
// nat-demo to web-1's public address: sg-web's SSH rule (198.51.100.0/24)
// tells the gateway's Elastic IPs apart, but the firewall drops SSH to the
// VPC from anywhere (sid 20).
func TestNATSecondaryCertainBlockWins(t *testing.T) {
	a := netip.MustParseAddr
	m := natSecondaryModel(t, []reach.NATAddress{{PrivateIP: a("10.0.1.200"), PublicIP: a("198.51.100.200")}}, nil)
	q := reach.Query{From: "app-1", To: "203.0.113.10", Protocol: flow.TCP, Port: 22}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Empty(t, r.Unknowns)
	assert.Contains(t, r.Text(), "the answer, unreachable, is the same from each of them")
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, v)
	// HTTPS, which the firewall passes and sg-web admits from anywhere,
	// works from either address
	q.Port, q.Domain = 443, "www.example.com"
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	v, err = m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, v)
}

// TestNATSecondarySourcesPerPath: Sources refused every destination of a
// design with a NAT gateway whose secondary addresses a filter tells
// apart, even one no source's path to crosses the gateway, where Check
// answers every source for certain. It refuses now only where the
// question's own paths cross it, as Ports does: the internet's and a
// delegated prefix's, which the set walks answer by pieces; an
// interface's session is answered as Verdict answers it (walked from
// each address of the gateway: the same answer stands, different ones
// are indeterminate).
func TestNATSecondarySourcesPerPath(t *testing.T) {
	a := netip.MustParseAddr
	// acl-db refuses the upper half of the public subnet, which holds
	// nat-demo's secondary 10.0.1.200 but not its primary
	apart := func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.1.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
	}
	secondary := []reach.NATAddress{{PrivateIP: a("10.0.1.200"), PublicIP: a("203.0.113.101")}}
	podsOnApp := func(d *sample.Design) {
		apart(d)
		for i := range d.Interfaces {
			if d.Interfaces[i].Name == "app-1" {
				d.Interfaces[i].DelegatedPrefixes = []netip.Prefix{netip.MustParsePrefix("10.0.2.64/28")}
			}
		}
	}
	sink := kitchenSink(t, kitchenSinkOpts{natSecondary: true, fwRules: "pass tcp 10.1.1.100 any -> any 7777 (sid:1;)\n"})
	tests := []struct {
		name    string
		m       *reach.Model
		q       reach.SourcesQuery
		refused string // what the error names; "" for an answer
		listed  string // an interface the answer lists as reaching To
	}{
		{"no path to web-1 crosses the gateway", natSecondaryModel(t, secondary, apart),
			reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443}, "", "eni-app1"},
		{"app-1 crosses it to web-1's public address: Verdict's answer", natSecondaryModel(t, secondary, apart),
			reach.SourcesQuery{To: "203.0.113.10", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}, "", "eni-app1"},
		{"app-1's pods cross it to web-1's public address", natSecondaryModel(t, secondary, podsOnApp),
			reach.SourcesQuery{To: "203.0.113.10", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}, "nat-demo", ""},
		{"kitchen sink: app-c is reached over the peering alone", sink,
			reach.SourcesQuery{To: "app-c", Protocol: flow.TCP, Port: 22}, "", "eni-app"},
		{"kitchen sink: app-b is reached over the transit gateway alone", sink,
			reach.SourcesQuery{To: "app-b", Protocol: flow.TCP, Port: 5150}, "", "eni-app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.Matrix(reach.MatrixOptions{})
			require.ErrorIs(t, err, reach.ErrQuery, "the matrix still refuses the design")
			r, err := tt.m.Sources(tt.q)
			if tt.refused != "" {
				require.ErrorIs(t, err, reach.ErrQuery)
				assert.ErrorContains(t, err, tt.refused)
				return
			}
			require.NoError(t, err)
			assert.True(t, slices.ContainsFunc(r.Interfaces, func(s reach.SourceInterface) bool {
				return s.ID == tt.listed && s.Outcome == reach.Reachable
			}), "%s reaches %s: %+v", tt.listed, tt.q.To, r.Interfaces)
			var ids []string
			for _, in := range tt.m.Interfaces() {
				if in.PublicIP.String() != tt.q.To { // not a source of its own
					ids = append(ids, in.ID)
				}
			}
			brute.CheckSources(t, tt.m, tt.q, r, ids, brute.NearDesign(tt.m), tt.name)
		})
	}
}
