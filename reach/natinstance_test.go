package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// natInstance is AWS's NAT instance design on the middlebox: private
// subnet b sends 0.0.0.0/0 to the appliance eni-ap, which sits in a public
// subnet whose table sends 0.0.0.0/0 to the internet gateway. set adjusts
// the appliance.
func natInstance(set func(*reach.Interface), edit func(*sample.Design)) *reach.Model {
	pfx := netip.MustParsePrefix
	d := middlebox(set)
	d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}}
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-pub", VPC: "vpc-1",
		Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}})
	d.Subnets[2].RouteTable = "rtb-pub"
	d.RouteTables[2].Routes = append(d.RouteTables[2].Routes, reach.Route{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInterface, TargetID: "eni-ap"})
	edit(d)
	m, err := d.Builder().Build()
	if err != nil {
		panic(err)
	}
	return m
}

// A private instance whose default route is an appliance (AWS's NAT
// instance) reaches the internet only if the appliance translates its
// source, which the input does not say: undecided, never a certain
// NO_PUBLIC_IP, when the appliance has a public address; the walk goes on
// as the translated packet would, so a certain block beyond still decides.
func TestNATInstance(t *testing.T) {
	public := func(in *reach.Interface) { in.PublicIP = netip.MustParseAddr("54.1.1.1") }
	both := func(fs ...func(*reach.Interface)) func(*reach.Interface) {
		return func(in *reach.Interface) {
			for _, f := range fs {
				f(in)
			}
		}
	}
	asIs := func(*sample.Design) {}
	eipOnSecondary := func(in *reach.Interface) { // AWS maps an Elastic IP to any private address
		in.PrivateIPs = append(in.PrivateIPs, netip.MustParseAddr("10.0.3.11"))
		in.PublicIPs = []reach.PublicIP{{Private: netip.MustParseAddr("10.0.3.11"), Public: netip.MustParseAddr("54.1.1.2")}}
	}
	thenPlainAppliance := func(d *sample.Design) { // the NAT instance's subnet sends 0.0.0.0/0 to a second appliance
		pfx := netip.MustParsePrefix
		d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-fw2", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.4.0/24")}, RouteTable: "rtb-pub"})
		d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-fw", VPC: "vpc-1",
			Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInterface, TargetID: "eni-fw2"}}})
		d.Subnets[2].RouteTable = "rtb-fw"
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-fw2", Name: "fw2", Subnet: "subnet-fw2",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.4.10")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
	}
	closeOut := func(d *sample.Design) { // the appliance's group lets nothing out
		d.Groups[0].Rules = d.Groups[0].Rules[:1]
	}
	for _, tc := range []struct {
		name  string
		set   func(*reach.Interface)
		edit  func(*sample.Design)
		port  uint16
		want  reach.Outcome
		codes []reach.Code
	}{
		{"check off, public address: undecided", both(checkOff, public), asIs, 443, reach.Indeterminate,
			[]reach.Code{reach.ApplianceTranslationUnknown}},
		{"check unknown, public address: undecided", both(checkUnknown, public), asIs, 443, reach.Indeterminate,
			[]reach.Code{reach.SourceDestCheckUnknown, reach.ApplianceTranslationUnknown}},
		{"check on: dropped at the appliance", both(checkOn, public), asIs, 443, reach.Unreachable,
			[]reach.Code{reach.SourceDestCheck}},
		{"no public address on the appliance: dropped at the gateway either way", checkOff, asIs, 443, reach.Unreachable,
			[]reach.Code{reach.NoPublicIP, reach.NoPublicIP.OnLeg(reach.Return)}},
		{"the appliance's group lets nothing out: a certain block past the doubt", both(checkOff, public), closeOut, 443, reach.Unreachable,
			[]reach.Code{reach.SGNoAllow, reach.ApplianceTranslationUnknown}},
		{"the Elastic IP on a secondary address: undecided", both(checkOff, eipOnSecondary), asIs, 443, reach.Indeterminate,
			[]reach.Code{reach.ApplianceTranslationUnknown}},
		{"a NAT instance, then an appliance without a public address: undecided", both(checkOff, public), thenPlainAppliance, 443, reach.Indeterminate,
			[]reach.Code{reach.ApplianceTranslationUnknown}},
		{"two appliances, neither with a public address: dropped at the gateway", checkOff, thenPlainAppliance, 443, reach.Unreachable,
			[]reach.Code{reach.NoPublicIP, reach.NoPublicIP.OnLeg(reach.Return)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := natInstance(tc.set, tc.edit)
			r, err := m.Check(reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: tc.port})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			var codes []reach.Code
			for _, h := range slices.Concat(r.Forward, r.Return) {
				if h.Code != "" {
					codes = append(codes, h.Code)
				}
			}
			assert.ElementsMatch(t, tc.codes, codes, r.Text())
			v, err := m.Verdict(reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: tc.port})
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
		})
	}
}

// The trace of the NAT instance: the gateway's hop says what is missing,
// the request leaves from the appliance's public address, and the reply
// comes back through the appliance to the private source.
func TestNATInstanceTrace(t *testing.T) {
	m := natInstance(func(in *reach.Interface) {
		in.SourceDestCheckDisabled = true
		in.PublicIP = netip.MustParseAddr("54.1.1.1")
	}, func(*sample.Design) {})
	r, err := m.Check(reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindInternetGateway })
	require.GreaterOrEqual(t, i, 0, r.Text())
	gw := r.Forward[i]
	assert.Equal(t, reach.ApplianceTranslationUnknown, gw.Code)
	assert.Contains(t, gw.Reason(), "if eni-ap translates it (a NAT instance), it leaves from eni-ap's address 10.0.3.10, 54.1.1.1 on the internet")
	assert.Contains(t, gw.Missing, "whether appliance eni-ap replaces the source")
	last := r.Forward[len(r.Forward)-1]
	assert.Equal(t, "54.1.1.1", last.Packet.Src.Addr().String(), "the internet sees the appliance's public address")
	kinds := []reach.Kind{}
	for _, h := range r.Return {
		kinds = append(kinds, h.Kind)
	}
	assert.Equal(t, []reach.Kind{reach.KindInternetGateway, reach.KindNetworkACL, reach.KindSecurityGroups, reach.KindInterface,
		reach.KindSecurityGroups, reach.KindRouteTable, reach.KindNetworkACL, reach.KindNetworkACL, reach.KindSecurityGroups}, kinds, r.Text())
	assert.Equal(t, "10.0.2.10:50000", r.Return[len(r.Return)-1].Packet.Dst.String(), "the reply reaches the private source")
	assert.Empty(t, r.Warnings, "the reply arrives where the request left")
}

// A fix to the groups of a NAT instance lists the sessions to the
// internet that the instance carries among those it changes.
func TestNATInstanceFixListsInternetSessions(t *testing.T) {
	m := natInstance(func(in *reach.Interface) {
		in.SourceDestCheckDisabled = true
		in.PublicIP = netip.MustParseAddr("54.1.1.1")
	}, func(d *sample.Design) { d.Groups[0].Rules = d.Groups[0].Rules[1:] }) // sg-open (a's, the appliance's): nothing inbound
	q := reach.Query{From: "b", To: "a", Protocol: flow.TCP, Port: 22}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	require.NotEmpty(t, fx.Changes)
	var listed []string
	for _, sc := range fx.AlsoChanged {
		listed = append(listed, sc.From+" -> "+sc.To)
		if sc.To == "198.51.100.1" {
			assert.Equal(t, "22", sc.IndeterminateGained.String(), "port 22 to the internet becomes undecided (the NAT instance)")
		}
	}
	assert.Contains(t, listed, "eni-b -> 198.51.100.1", "changes %+v", fx.Changes)
	assert.True(t, slices.ContainsFunc(fx.Changes, func(c reach.Change) bool { return c.Resource == "eni-ap" }),
		"the appliance's groups are changed, not a's (they share sg-open): %+v", fx.Changes)
	before, err := m.Verdict(reach.Query{From: "b", To: "198.51.100.1", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	after, err := fx.Patched.Verdict(reach.Query{From: "b", To: "198.51.100.1", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Equal(t, []reach.Outcome{reach.Unreachable, reach.Indeterminate}, []reach.Outcome{before, after})
}

// The set questions answer the NAT instance as single checks do: the
// private subnet's sessions to the internet are undecided, port by port
// and in the matrix's internet cells.
func TestNATInstanceSetAnswersAgreeWithChecks(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, tc := range []struct {
		name string
		set  func(*reach.Interface)
	}{
		{"check off", func(in *reach.Interface) {
			in.SourceDestCheckDisabled = true
			in.PublicIP = netip.MustParseAddr("54.1.1.1")
		}},
		{"check unknown", func(in *reach.Interface) {
			in.SourceDestCheckUnknown = "aws_instance.nat: source_dest_check"
			in.PublicIP = netip.MustParseAddr("54.1.1.1")
		}},
		{"no public address", func(in *reach.Interface) { in.SourceDestCheckDisabled = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := natInstance(tc.set, func(d *sample.Design) {
				d.Groups[1].Rules[1].Ports = flow.Range[uint16]{Lo: 20, Hi: 25} // b admits 20-25
			})
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "b", To: "8.8.8.8", Protocol: flow.TCP}, {From: "a", To: "b", Protocol: flow.TCP},
					{From: "b", To: "8.8.8.8", Protocol: flow.ICMP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22}, {To: "ap", Protocol: flow.TCP, Port: 443}},
				Few:     true,
			})
			p, err := m.Ports(reach.PortsQuery{From: "b", To: "8.8.8.8", Protocol: flow.TCP})
			require.NoError(t, err)
			if tc.name == "no public address" {
				assert.True(t, p.Indeterminate.IsEmpty(), "dropped at the gateway for certain: %s", p.Indeterminate)
			} else {
				assert.Equal(t, "1-65535", p.Indeterminate.String(), "every port is undecided")
			}
			assert.True(t, p.Open.IsEmpty(), "no port is open for certain: %s", p.Open)
		})
	}
}
