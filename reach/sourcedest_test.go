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

// middlebox is one VPC (10.0.0.0/16) whose subnets a (10.0.1.0/24) and b
// (10.0.2.0/24) send each other's traffic through the appliance eni-ap
// in subnet fw (10.0.3.0/24), whose source/destination check set sets;
// a's table sends fw's block (10.0.3.0/24) there too, so traffic for
// eni-ap itself goes to it as a route's target. (Each is a whole
// subnet's block: AWS takes a route more specific than the local route
// only so.)
// Every group and ACL is open, but b's group lets in tcp 22 only.
func middlebox(set func(*reach.Interface)) *sample.Design {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	via := func(dsts ...string) []reach.Route {
		var rs []reach.Route
		for _, d := range dsts {
			rs = append(rs, reach.Route{Destination: pfx(d), Target: reach.TargetInterface, TargetID: "eni-ap"})
		}
		return rs
	}
	ap := reach.Interface{ID: "eni-ap", Name: "ap", Subnet: "subnet-fw", PrivateIPs: []netip.Addr{ip("10.0.3.10")}, Groups: []string{"sg-open"}}
	set(&ap)
	return &sample.Design{
		VPCs: []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-main", VPC: "vpc-1"},
			{ID: "rtb-a", VPC: "vpc-1", Routes: via("10.0.2.0/24", "10.0.3.0/24")}, {ID: "rtb-b", VPC: "vpc-1", Routes: via("10.0.1.0/24")}},
		ACLs: []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false)},
		Subnets: []reach.Subnet{
			{ID: "subnet-a", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}, RouteTable: "rtb-a"},
			{ID: "subnet-b", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}, RouteTable: "rtb-b"},
			{ID: "subnet-fw", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.3.0/24")}},
		},
		Groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}},
			{ID: "sg-ssh", Rules: []sg.Rule{all(flow.Outbound), {Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4}}}},
		Interfaces: []reach.Interface{
			{ID: "eni-a", Name: "a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, Groups: []string{"sg-open"}},
			{ID: "eni-b", Name: "b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.0.2.10")}, Groups: []string{"sg-ssh"}},
			ap,
		},
	}
}

// The source/destination checks an appliance may have.
var (
	checkOn      = func(*reach.Interface) {}
	checkOff     = func(in *reach.Interface) { in.SourceDestCheckDisabled = true }
	checkUnknown = func(in *reach.Interface) { in.SourceDestCheckUnknown = "aws_instance.fw: source_dest_check" }
)

// An appliance whose source/destination check is on (AWS's default)
// drops what a route sends it for others; with the check off it forwards;
// with the check known only later the hop is undecided and the walk goes
// on, so a certain block further on still decides.
func TestApplianceSourceDestCheck(t *testing.T) {
	tcp := func(port uint16) reach.Query {
		return reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: port}
	}
	for _, tc := range []struct {
		name    string
		check   func(*reach.Interface)
		q       reach.Query
		want    reach.Outcome
		codes   []reach.Code
		reason  string
		missing string
	}{
		{"check on: dropped", checkOn, tcp(22), reach.Unreachable, []reach.Code{reach.SourceDestCheck},
			"the source/destination check of eni-ap is on", ""},
		{"check off: forwarded", checkOff, tcp(22), reach.Reachable, nil,
			"the appliance forwards the packet unchanged (source/destination check off)", ""},
		{"check unknown: undecided, both ways", checkUnknown, tcp(22), reach.Indeterminate,
			[]reach.Code{reach.SourceDestCheckUnknown, reach.SourceDestCheckUnknown.OnLeg(reach.Return)},
			"whether eni-ap checks source and destination is known only later", "aws_instance.fw: source_dest_check, known only later"},
		{"check unknown, then b's group blocks for certain", checkUnknown, tcp(80), reach.Unreachable,
			[]reach.Code{reach.SourceDestCheckUnknown, reach.SGNoAllow, reach.SourceDestCheckUnknown.OnLeg(reach.Return)},
			"whether eni-ap checks", "aws_instance.fw: source_dest_check, known only later"},
		{"check on, to the appliance itself: arrives", checkOn, reach.Query{From: "a", To: "ap", Protocol: flow.TCP, Port: 22}, reach.Reachable, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := build(t, middlebox(tc.check))
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.ElementsMatch(t, tc.codes, r.Codes(), r.Text())
			assert.Contains(t, r.Forward[1].Reason(), "via eni-ap", "the route sends the packet to the appliance")
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict answers as Check")
			if !raceOn {
				assert.Zero(t, testing.AllocsPerRun(50, func() { _, _ = m.Verdict(tc.q) }), "a verdict allocates nothing, its hops' words unwritten")
			}
			if tc.reason == "" {
				return
			}
			var hop reach.Hop
			for _, h := range r.Forward {
				if h.Kind == reach.KindInterface {
					hop = h
				}
			}
			require.Equal(t, "eni-ap", hop.ID, r.Text())
			assert.Contains(t, hop.Reason(), tc.reason)
			if tc.missing == "" {
				assert.Empty(t, hop.Missing)
			} else {
				assert.Contains(t, hop.Missing, tc.missing)
			}
			if hop.Code != "" {
				assert.Contains(t, hop.Fix, "aws ec2 modify-network-interface-attribute --network-interface-id eni-ap --no-source-dest-check")
			}
		})
	}
}

// An Alibaba Cloud interface has the same source/destination check
// (Alibaba Cloud's ECS user guide, "Source/destination check"): on, it
// drops what a route sends it for others; off, it forwards.
func TestApplianceSourceDestCheckAlibaba(t *testing.T) {
	for _, tc := range []struct {
		name  string
		off   bool
		want  reach.Outcome
		words string
	}{
		{"check on", false, reach.Unreachable, "SOURCE_DEST_CHECK"},
		{"check off", true, reach.Reachable, "source/destination check off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := middlebox(func(in *reach.Interface) { in.Groups, in.SourceDestCheckDisabled = []string{"sg-ali"}, tc.off })
			g := sg.Group{ID: "sg-ali", Name: "ali", Flavour: sg.AlibabaBasic}
			for _, r := range d.Groups[0].Rules {
				r.Action, r.Priority = flow.Pass, 1
				g.Rules = append(g.Rules, r)
			}
			d.Groups = append(d.Groups, g)
			r, err := build(t, d).Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.words)
		})
	}
}

// The set answers agree with Verdict, value by value, on a design
// whose appliance checks source and destination, does not, or may.
func TestApplianceSourceDestCheckSetAnswers(t *testing.T) {
	for name, check := range map[string]func(*reach.Interface){"on": checkOn, "off": checkOff, "unknown": checkUnknown} {
		t.Run(name, func(t *testing.T) {
			m := build(t, middlebox(check))
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "a", To: "b", Protocol: flow.TCP}, {From: "b", To: "a", Protocol: flow.UDP},
					{From: "a", To: "b", Protocol: flow.ICMP}},
				Sources: []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22}},
				Step:    97,
			})
			r, err := m.Ports(reach.PortsQuery{From: "a", To: "b", Protocol: flow.TCP})
			require.NoError(t, err)
			switch name {
			case "on":
				assert.True(t, r.Open.IsEmpty(), "nothing gets past the check: %s", r.Open)
				assert.True(t, r.Indeterminate.IsEmpty(), "%s", r.Indeterminate)
			case "off":
				assert.Equal(t, "22", r.Open.String())
			case "unknown":
				assert.True(t, r.Open.IsEmpty(), "%s", r.Open)
				assert.Equal(t, "22", r.Indeterminate.String())
			}
		})
	}
}

// Diff reports an appliance's source/destination check turned off: the
// pairs it lets through, and the interface's change, worded.
func TestDiffSourceDestCheck(t *testing.T) {
	before, after := build(t, middlebox(checkOn)), build(t, middlebox(checkOff))
	d, err := reach.Diff(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, d.Changes, "turning the check off opens a to b")
	assert.Contains(t, d.Resources, reach.ResourceChange{Kind: reach.ResourceInterface, ID: "eni-ap", Change: "changed",
		Details: []string{"source/destination check: on -> off"}})
	d, err = reach.Diff(after, build(t, middlebox(checkUnknown)), reach.DiffOptions{})
	require.NoError(t, err)
	assert.Contains(t, d.Resources, reach.ResourceChange{Kind: reach.ResourceInterface, ID: "eni-ap", Change: "changed",
		Details: []string{"source/destination check: off -> unknown (aws_instance.fw: source_dest_check)"}})
}

// Build refuses an interface whose check is both unknown and off.
func TestSourceDestCheckUnknownAndOff(t *testing.T) {
	_, err := middlebox(func(in *reach.Interface) { checkOff(in); checkUnknown(in) }).Builder().Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SourceDestCheckUnknown")
}

// Lint finds a route to an appliance whose check is on, and none where
// the check is off or unknown.
func TestLintRouteSourceDestCheck(t *testing.T) {
	for name, tc := range map[string]struct {
		check func(*reach.Interface)
		want  []string
	}{
		"on":      {checkOn, []string{"rtb-a 10.0.2.0/24", "rtb-a 10.0.3.0/24", "rtb-b 10.0.1.0/24"}},
		"off":     {checkOff, nil},
		"unknown": {checkUnknown, nil},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := build(t, middlebox(tc.check)).Lint(reach.LintOptions{Only: []string{reach.LintRouteSourceDestCheck}})
			require.NoError(t, err)
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Resource+" "+f.Rule)
				assert.Equal(t, []string{"eni-ap"}, f.Related)
				assert.Contains(t, f.Fix, "--no-source-dest-check")
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// A free address of the appliance's subnet may be of a prefix AWS
// delegates to the appliance at launch: then the appliance receives it
// as its own, else its check drops it. Undecided, never a certain block.
func TestApplianceMayOwnUnknownPrefix(t *testing.T) {
	m := build(t, middlebox(func(in *reach.Interface) { in.IPv4PrefixesUnknown = "aws_network_interface.ap: ipv4_prefixes" }))
	q := reach.Query{From: "a", To: "10.0.3.50", Protocol: flow.TCP, Port: 22}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.DelegatedPrefixesUnknown}, r.Codes(), r.Text())
	assert.Contains(t, r.Text(), "aws_network_interface.ap: ipv4_prefixes, known only later")
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
}
