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

// twoArmedNAT is a NAT instance with two interfaces (AWS: an appliance
// with one interface in each subnet, "Elastic network interfaces" use
// cases): the private subnet's default route is the instance's inside
// interface eni-in (no public address, subnet-in); its outside
// interface eni-out, in the public subnet, holds the Elastic IP
// 54.1.1.1. Both have the source/destination check off. edit adjusts
// the design.
func twoArmedNAT(t *testing.T, edit func(*sample.Design)) *reach.Model {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables: []reach.RouteTable{
			{ID: "rtb-pub", VPC: "vpc-1", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}},
			{ID: "rtb-priv", VPC: "vpc-1", Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInterface, TargetID: "eni-in"}}},
		},
		ACLs: []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false)},
		Subnets: []reach.Subnet{
			{ID: "subnet-pub", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.1.0/24")}},
			{ID: "subnet-priv", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24")}, RouteTable: "rtb-priv"},
			{ID: "subnet-in", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.3.0/24")}},
		},
		Groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}},
		Interfaces: []reach.Interface{
			{ID: "eni-b", Name: "b", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ip("10.0.2.10")}, Groups: []string{"sg-open"}},
			{ID: "eni-in", Instance: "i-nat", Subnet: "subnet-in", PrivateIPs: []netip.Addr{ip("10.0.3.10")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
			{ID: "eni-out", Instance: "i-nat", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ip("10.0.1.10")}, PublicIP: ip("54.1.1.1"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
		},
	}
	if edit != nil {
		edit(d)
	}
	return build(t, d)
}

// hopCodes lists the codes of r's hops, both legs.
func hopCodes(r *reach.Result) []reach.Code {
	var out []reach.Code
	for _, h := range slices.Concat(r.Forward, r.Return) {
		if h.Code != "" {
			out = append(out, h.Code)
		}
	}
	return out
}

// A packet an instance with several interfaces forwards may leave by any
// of them (the operating system picks, and a NAT instance translates to
// that interface's address): never a certain NO_PUBLIC_IP because the
// receiving interface has no public address, and undecided
// (APPLIANCE_EGRESS_UNKNOWN) naming the instance and its interfaces.
// What the packet met before the instance still decides for certain; a
// packet to the instance itself is not forwarded; an instance with one
// interface is judged as before. Regression for audit natinst22,
// finding 1 (probe TestAuditNatinst22TwoInterfaceNATInstance).
func TestApplianceSeveralInterfaces(t *testing.T) {
	ip := netip.MustParseAddr
	toInternet := reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name string
		edit func(*sample.Design)
		q    reach.Query
		want reach.Outcome
		code reach.Code // a code the result holds
		not  reach.Code // a code it must not hold
	}{
		{"two interfaces, the public address on the other", nil, toInternet,
			reach.Indeterminate, reach.ApplianceEgressUnknown, reach.NoPublicIP},
		// by eni-in the internet gateway drops it (no public address), by
		// eni-out its check does: dropped whichever way out
		{"the other interface's check on: dropped whichever way out", func(d *sample.Design) { d.Interfaces[2].SourceDestCheckDisabled = false }, toInternet,
			reach.Unreachable, reach.NoPublicIP, reach.ApplianceEgressUnknown},
		{"the receiving interface's check unknown", func(d *sample.Design) {
			d.Interfaces[1].SourceDestCheckDisabled, d.Interfaces[1].SourceDestCheckUnknown = false, "aws_instance.nat: source_dest_check"
		}, toInternet, reach.Indeterminate, reach.SourceDestCheckUnknown, reach.NoPublicIP},
		{"the receiving interface's check on: dropped whichever way out", func(d *sample.Design) { d.Interfaces[1].SourceDestCheckDisabled = false }, toInternet,
			reach.Unreachable, reach.SourceDestCheck, reach.ApplianceEgressUnknown},
		{"the receiving interface's groups deny inbound: dropped whichever way out", func(d *sample.Design) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-out-only", Rules: []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
			d.Interfaces[1].Groups = []string{"sg-out-only"}
		}, toInternet, reach.Unreachable, reach.SGNoAllow, ""},
		{"to the instance's receiving interface itself: not forwarded", nil,
			reach.Query{From: "b", To: "10.0.3.10", Protocol: flow.TCP, Port: 22}, reach.Reachable, "", reach.ApplianceEgressUnknown},
		{"one interface without a public address: dropped at the internet gateway", func(d *sample.Design) { d.Interfaces = d.Interfaces[:2] }, toInternet,
			reach.Unreachable, reach.NoPublicIP, reach.ApplianceEgressUnknown},
		{"one interface with a public address: a NAT instance may translate", func(d *sample.Design) {
			d.Interfaces = d.Interfaces[:2]
			d.Interfaces[1].PublicIP = ip("54.1.1.2")
		}, toInternet, reach.Indeterminate, reach.ApplianceTranslationUnknown, reach.ApplianceEgressUnknown},
		{"two interfaces of different instances: eni-in forwards alone", func(d *sample.Design) { d.Interfaces[2].Instance = "i-other" }, toInternet,
			reach.Unreachable, reach.NoPublicIP, reach.ApplianceEgressUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmedNAT(t, tc.edit)
			r := check(t, m, tc.q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			codes := hopCodes(r)
			if tc.code != "" {
				assert.Contains(t, codes, tc.code, r.Text())
			}
			if tc.not != "" {
				assert.NotContains(t, codes, tc.not, r.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check:\n%s", r.Text())
		})
	}
}

// The undecided hop names the instance, every interface, what each
// interface gives and what the input does not hold, and its fix does not
// ask for a public address the instance already has. The trace shows the
// walk out of eni-out (the first whose answer is not unreachable), on to
// the internet and back.
func TestApplianceSeveralInterfacesWords(t *testing.T) {
	m := twoArmedNAT(t, nil)
	r := check(t, m, reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
	var h *reach.Hop
	for i := range r.Forward {
		if r.Forward[i].Code == reach.ApplianceEgressUnknown {
			h = &r.Forward[i]
		}
	}
	require.NotNil(t, h, r.Text())
	assert.Equal(t, "eni-in", h.ID)
	for _, s := range []string{"i-nat", "eni-in", "eni-out"} {
		assert.Contains(t, h.Missing, s)
	}
	assert.Contains(t, h.Reason(), "54.1.1.1", "the other interface's public address is named")
	assert.Contains(t, h.Reason(), "if i-nat sends the request out of eni-in, internet-gateway igw-1 blocks it (NO_PUBLIC_IP)", "what each interface gives")
	assert.Contains(t, h.Reason(), "This trace shows the walk where i-nat sends the request out of eni-out")
	assert.Contains(t, h.Fix, "NAT gateway")
	assert.NotContains(t, h.Fix, "public or Elastic IP")
	assert.NotEmpty(t, r.Return, "the walk goes on out of eni-out")
}

// Ports, Sources, the Matrix and the Audit agree with Check and Verdict
// on the two-interface design, pair by pair.
func TestApplianceSeveralInterfacesSetAnswers(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, tc := range []struct {
		name string
		edit func(*sample.Design)
	}{
		{"check off on both", nil},
		{"the other interface's check on", func(d *sample.Design) { d.Interfaces[2].SourceDestCheckDisabled = false }},
		{"the receiving interface's check on", func(d *sample.Design) { d.Interfaces[1].SourceDestCheckDisabled = false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmedNAT(t, tc.edit)
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "b", To: "8.8.8.8", Protocol: flow.TCP}, {From: "b", To: "eni-out", Protocol: flow.TCP},
					{From: "b", To: "8.8.8.8", Protocol: flow.ICMP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22}, {To: "eni-out", Protocol: flow.TCP, Port: 443}},
				Few:     true,
			})
		})
	}
}

// TestApplianceSiblingAddressWords: a packet addressed to another
// interface of the instance (eni-out's 10.0.1.10) that a route sends to
// eni-in is undecided, worded as what it is — the instance holds the
// address, and its operating system's host model decides whether it
// accepts it on eni-in — not as a packet the instance forwards (audit
// new22).
func TestApplianceSiblingAddressWords(t *testing.T) {
	m := twoArmedNAT(t, func(d *sample.Design) {
		d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, reach.Route{Destination: netip.MustParsePrefix("10.0.1.0/24"), Target: reach.TargetInterface, TargetID: "eni-in"})
	})
	r := check(t, m, reach.Query{From: "b", To: "10.0.1.10", Protocol: flow.TCP, Port: 22})
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	var h *reach.Hop
	for i := range r.Forward {
		if r.Forward[i].Code == reach.ApplianceEgressUnknown {
			h = &r.Forward[i]
		}
	}
	require.NotNil(t, h, r.Text())
	assert.Contains(t, h.Reason(), "addressed to 10.0.1.10, an address of eni-out")
	assert.Contains(t, h.Reason(), "strong host")
	assert.NotContains(t, h.Reason(), "picks the interface it sends the packet out of")
	assert.Contains(t, h.Missing, "host model")
	assert.Contains(t, h.Fix, "rather than to eni-in")
	assert.NotContains(t, h.Fix, "NAT gateway")
	v, err := m.Verdict(reach.Query{From: "b", To: "10.0.1.10", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Equal(t, r.Outcome, v)
}
