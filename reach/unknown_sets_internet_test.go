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
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// publicUnknownApp is withUnknownApp's design with app-2 a web server
// with a public IP in the sample's public subnet, where a route for half
// the subnet, in another VPC's table, tells its possible addresses apart
// (a route counts wherever it is); edit (when not nil) changes it
// further.
func publicUnknownApp(t *testing.T, edit func(*sample.Design)) *reach.Model {
	t.Helper()
	m, err := withUnknownApp(t, func(d *sample.Design) {
		last := &d.Interfaces[len(d.Interfaces)-1]
		last.Subnet, last.Groups, last.PublicIP = "subnet-public", []string{"sg-web"}, netip.MustParseAddr("203.0.113.77")
		// another VPC's table, whose route for half the public subnet
		// goes nowhere
		d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-x", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}, MainRouteTable: "rtb-x", DefaultACL: "acl-x"})
		d.ACLs = append(d.ACLs, nacl.NewDefault("acl-x", "vpc-x", false))
		d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-x", VPC: "vpc-x", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("10.0.1.128/25"), Target: reach.TargetBlackhole}}})
		if edit != nil {
			edit(d)
		}
	})
	require.NoError(t, err)
	return m
}

// TestSetAnswersInternetWithUnknownAddress: a web server whose address
// is known only later, with a public IP, in the sample's public subnet,
// where a route for half the subnet, in another VPC's table, tells its
// possible addresses apart (a route counts wherever it is). A check from
// the internet is indeterminate; so are the internet's addresses in
// Sources, its Matrix cell from the internet and its audit findings,
// answered by the single check's rule, each held to Verdict.
func TestSetAnswersInternetWithUnknownAddress(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	m := publicUnknownApp(t, nil)
	v, err := m.Verdict(reach.Query{From: "198.51.100.7", To: "app-2", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, v, "the route tells app-2's addresses apart")

	s, err := m.Sources(reach.SourcesQuery{To: "app-2", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Empty(t, s.Internet, "%s", s)
	assert.NotEmpty(t, s.InternetIndeterminate, "%s", s)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	var own string
	for _, c := range mx.Classes {
		for _, mb := range c.Members {
			if mb.ID == "aws_instance.app2" {
				assert.Len(t, c.Members, 1, "a class of its own")
				own = c.Name
			}
		}
	}
	require.NotEmpty(t, own)
	found := false
	for _, c := range mx.Cells {
		if c.From == reach.InternetNode && c.To == own {
			found = true
			assert.True(t, c.Allowed.TCP.IsEmpty(), "%+v", c)
			assert.True(t, c.Indeterminate.TCP.Contains(443), "%+v", c)
		}
	}
	assert.True(t, found, "the internet's cell to app-2")
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports:   []reach.PortsQuery{{From: "198.51.100.7", To: "app-2", Protocol: flow.TCP}, {From: "app-2", To: "198.51.100.7", Protocol: flow.TCP}, {From: "198.51.100.7", To: "app-2", Protocol: flow.ICMP}},
		Sources: []reach.SourcesQuery{{To: "app-2", Protocol: flow.TCP, Port: 443}, {To: "app-2", Protocol: flow.TCP, Port: 22}, {To: "db-1", Protocol: flow.TCP, Port: 5432}},
		Step:    61, Seed: 5,
		NoMatrix: raceOn, // the matrix above still runs; its brute force is slow under -race
	})
}

// TestSetAnswersUnknownAddressBudget: a part answered by the single
// check's rule that would take more than its budget of checks is refused,
// naming the value and the budget: here 256 ICMP types times the code
// atoms of a group with a rule for each of 70 codes; the tcp question,
// with few atoms, answers.
func TestSetAnswersUnknownAddressBudget(t *testing.T) {
	m, err := withUnknownApp(t, func(d *sample.Design) {
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-db" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.128/25"), ICMPType: -1, ICMPCode: -1})
			}
		}
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-db" {
				for c := range 70 {
					d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: 3, ICMPCode: int16(2 * c),
						Peer: sg.CIDR("10.0.0.0/16")})
				}
			}
		}
	})
	require.NoError(t, err)
	_, err = m.Ports(reach.PortsQuery{From: "app-2", To: "db-1", Protocol: flow.ICMP})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.ErrorContains(t, err, "the answer depends on a value known only later: aws_instance.app2: private_ip")
	assert.ErrorContains(t, err, "more than 16384 checks")
	pr, err := m.Ports(reach.PortsQuery{From: "app-2", To: "db-1", Protocol: flow.TCP, ClientPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, "5432", pr.Indeterminate.String())
	_, err = m.Ports(reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.ICMP})
	require.NoError(t, err, "app-1's address is known: the fast path answers")
}

// TestPortsUnknownAddressElsewhere: a design with a route by a prefix list
// the input lacks (whose undecided lookups keep the sets exact) and an
// interface whose address is known only later, told apart: a Ports
// question between other interfaces does not depend on that address and
// answers by the fast path; one from it, by the single check's rule.
func TestPortsUnknownAddressElsewhere(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
		Groups: []string{"sg-app"}, AddressUnknown: "aws_instance.app2: private_ip"})
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-db" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
				Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.128/25"), ICMPType: -1, ICMPCode: -1})
		}
	}
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-fw" { // on no path asked here
			d.RouteTables[i].Routes = append(d.RouteTables[i].Routes, reach.Route{PrefixList: "pl-ext", Target: reach.TargetBlackhole})
		}
	}
	m, err := d.Builder().AddUnresolvedPrefixList("pl-ext").Build()
	require.NoError(t, err)
	pr, err := m.Ports(reach.PortsQuery{From: "web-1", To: "app-1", Protocol: flow.TCP})
	require.NoError(t, err, "app-2's address is no end of this question")
	assert.Equal(t, "8080", pr.Open.String())
	pr, err = m.Ports(reach.PortsQuery{From: "app-2", To: "db-1", Protocol: flow.TCP, ClientPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, "5432", pr.Indeterminate.String(), "%s", pr)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{{From: "web-1", To: "app-1", Protocol: flow.TCP}, {From: "app-2", To: "db-1", Protocol: flow.TCP, ClientPort: 30000}},
		Few:   true, Seed: 6,
	})
}

// TestLintExposureWithUnknownAddress: lint's exposure checks run the
// audit, which answers a design with an interface whose address is known
// only later and told apart (its findings by the single check's rule):
// they no longer skip the whole design. SSH opened to the internet on the
// web group: web-1's exposure is certain, app-2's (whose possible
// addresses a route tells apart) undecided.
func TestLintExposureWithUnknownAddress(t *testing.T) {
	m := publicUnknownApp(t, func(d *sample.Design) {
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-web" {
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-web-ssh", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4})
			}
		}
		for i := range d.ACLs {
			if d.ACLs[i].ID == "acl-public" {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry("90 allow tcp 22 from 0.0.0.0/0"))
			}
		}
	})
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	for _, s := range res.Skipped {
		assert.NotContains(t, s, "EXPOSED_RISKY: not audited", "the audit answers this design")
	}
	ids := map[string]string{}
	for _, f := range res.Findings {
		if f.Rule == "sgr-web-ssh" {
			ids[f.ID] = f.Message
		}
	}
	assert.Contains(t, ids, reach.LintExposedRiskyUndecided, "app-2's SSH: undecided; %v", ids)
}
