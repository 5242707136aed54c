package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
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

// viaNATGateway moves twoArmedNAT's eni-out, without its public
// address, to a subnet of its own (subnet-out, 10.0.4.0/24), and gives it
// and subnet-in a route table sending the internet to NAT gateway nat-1
// in the public subnet: whichever interface the instance sends by, the
// packet meets the same NAT gateway.
func viaNATGateway(d *sample.Design) {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	d.NATGateways = append(d.NATGateways, reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub", PrivateIP: ip("10.0.1.5"), PublicIP: ip("54.2.2.2")})
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-nat", VPC: "vpc-1",
		Routes: []reach.Route{{Destination: pfx("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-1"}}})
	d.Subnets[2].RouteTable = "rtb-nat"
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-out", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.4.0/24")}, RouteTable: "rtb-nat"})
	d.Interfaces[2].Subnet, d.Interfaces[2].PrivateIPs, d.Interfaces[2].PublicIP = "subnet-out", []netip.Addr{ip("10.0.4.10")}, netip.Addr{}
}

// replyThroughOut moves eni-out to subnet-out (main route table: local
// routes only) and gives c's subnet a route table sending b's subnet to
// eni-out: the reply of b's session with c comes back through the
// instance, which picks the interface it leaves by too.
func replyThroughOut(d *sample.Design) {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-out", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.4.0/24")}})
	d.Interfaces[2].Subnet, d.Interfaces[2].PrivateIPs, d.Interfaces[2].PublicIP = "subnet-out", []netip.Addr{ip("10.0.4.10")}, netip.Addr{}
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-c", VPC: "vpc-1", Routes: []reach.Route{
		{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
		{Destination: pfx("10.0.2.0/24"), Target: reach.TargetInterface, TargetID: "eni-out"}}})
	d.Subnets[0].RouteTable = "rtb-c"
}

// denyInternetOut gives subnet-in and subnet-pub a network ACL that lets
// in everything and out only the VPC's addresses.
func denyInternetOut(d *sample.Design) {
	a := nacl.NewCustom("acl-vpc-out", "vpc-1")
	a.Entries = []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.0.0/16")}}
	d.ACLs = append(d.ACLs, a)
	d.Subnets[0].ACL, d.Subnets[2].ACL = "acl-vpc-out", "acl-vpc-out"
}

// An instance whose interfaces differ is walked once per interface it
// may send the packet out of (per leg): where every interface gives the
// same answer, that answer is certain, the appliance's hop saying every
// interface was tried; where they differ, the answer is Indeterminate,
// the appliance's hop undecided (APPLIANCE_EGRESS_UNKNOWN) naming what
// each gives. Check, Verdict, Ports, Sources, the Matrix and the Audit
// agree, pair by pair.
func TestApplianceSeveralInterfacesDifferButAgree(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	toInternet := reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}
	toC := reach.Query{From: "b", To: "c", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name  string
		edit  func(*sample.Design)
		q     reach.Query
		want  reach.Outcome
		code  reach.Code // a code the result holds
		words []string   // in the words of the first hop of eni-in
	}{
		{"two subnets, no public address: NO_PUBLIC_IP whichever way out", func(d *sample.Design) { d.Interfaces[2].PublicIP = netip.Addr{} },
			toInternet, reach.Unreachable, reach.NoPublicIP, []string{"every interface was tried", "(unreachable)", "out of eni-out, internet-gateway igw-1 blocks it (NO_PUBLIC_IP)"}},
		{"two subnets whose route tables send to one NAT gateway", viaNATGateway,
			toInternet, reach.Reachable, "", []string{"every interface was tried", "(reachable)", "out of eni-in, the session gets through", "out of eni-out, the session gets through"}},
		{"both subnets' ACLs deny the internet", denyInternetOut,
			toInternet, reach.Unreachable, reach.ACLDefaultDeny, []string{"every interface was tried", "out of eni-out"}},
		{"the other interface's check on, to c", edits(withC, func(d *sample.Design) { d.Interfaces[2].SourceDestCheckDisabled = false }),
			toC, reach.Indeterminate, reach.ApplianceEgressUnknown, []string{"out of eni-in, the session gets through", "out of eni-out (public address 54.1.1.1), network-interface eni-out blocks it (SOURCE_DEST_CHECK)"}},
		{"a public address on the other only", nil,
			toInternet, reach.Indeterminate, reach.ApplianceEgressUnknown, []string{"out of eni-in, internet-gateway igw-1 blocks it (NO_PUBLIC_IP)", "out of eni-out (public address 54.1.1.1)"}},
		{"the reply through the instance too: every combination reaches c", edits(withC, replyThroughOut),
			toC, reach.Reachable, "", []string{"every interface was tried", "sends the reply out of eni-out"}},
		// eni-out's groups see the reply as a new flow, and (by eni-out)
		// the request: closed, they stop the session whichever way out
		{"the reply through the instance, eni-out's groups closed", edits(withC, replyThroughOut, func(d *sample.Design) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-none"})
			d.Interfaces[2].Groups = []string{"sg-none"}
		}), toC, reach.Unreachable, reach.SGNoAllow.OnLeg(reach.Return), []string{"every interface was tried"}},
		{"the reply through the instance, subnet-in's ACL denies b's subnet: undecided by the reply's interface", edits(withC, replyThroughOut, func(d *sample.Design) {
			a := nacl.NewCustom("acl-in", "vpc-1")
			a.Entries = []nacl.Entry{
				{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
				{Number: 50, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.0/24")},
				{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
			d.ACLs = append(d.ACLs, a)
			d.Subnets[2].ACL = "acl-in"
		}), toC, reach.Indeterminate, reach.ApplianceEgressUnknown, []string{"sends the reply out of eni-in, network-acl acl-in blocks it", "sends the reply out of eni-out, the session gets through"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmedNAT(t, tc.edit)
			r := check(t, m, tc.q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			codes := hopCodes(r)
			if tc.code != "" {
				assert.Contains(t, codes, tc.code, r.Text())
			}
			if tc.want != reach.Indeterminate {
				assert.NotContains(t, codes, reach.ApplianceEgressUnknown, r.Text())
			}
			var words string
			for _, h := range r.Forward {
				if h.ID == "eni-in" && h.Kind == reach.KindInterface {
					words = h.Reason() + "\n" + strings.Join(h.Details(), "\n")
					break
				}
			}
			for _, w := range tc.words {
				assert.Contains(t, words, w, r.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check:\n%s", r.Text())
			ports := []reach.PortsQuery{{From: "b", To: "8.8.8.8", Protocol: flow.TCP}, {From: "b", To: "8.8.8.8", Protocol: flow.ICMP}}
			sources := []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22}}
			if tc.q == toC {
				ports = append(ports, reach.PortsQuery{From: "b", To: "c", Protocol: flow.TCP}, reach.PortsQuery{From: "b", To: "c", Protocol: flow.UDP})
				sources = append(sources, reach.SourcesQuery{To: "c", Protocol: flow.TCP, Port: 443})
			}
			brute.CheckSetAnswers(t, m, brute.Options{Ports: ports, Step: 211, Sources: sources, Few: true})
		})
	}
}

// On centralised inspection designs with transit gateway appliance mode
// (applianceInspectionRandom's) whose first appliance is a two-armed
// instance (a second interface in the other appliance subnet, its check
// off or on at random), the worlds of both kinds combine: every set
// answer agrees with Check session by session.
func TestApplianceSeveralInterfacesWithZoneWorlds(t *testing.T) {
	designs := 3
	if testing.Short() || raceOn {
		designs = 1
	}
	for k := range uint64(designs) {
		seed := 2*k + 1
		rng := rand.New(rand.NewPCG(seed, 81))
		d := newApplianceDesign(true)
		j := slices.IndexFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-ap1" })
		d.ifaces[j].Instance = "i-ap"
		d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-ap1x", Instance: "i-ap", Subnet: "subnet-ap2",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.9.12.9")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: rng.IntN(2) == 0})
		if rng.IntN(2) == 0 {
			acl := nacl.ACL{ID: "acl-zone-ap2", VPCID: "vpc-i", Entries: []nacl.Entry{
				{Number: 100, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: pfx("10.2.1.0/24")},
				{Number: 200, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: pfx("0.0.0.0/0")},
				{Number: 200, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: pfx("0.0.0.0/0")}}}
			d.acls = append(d.acls, acl)
			i := slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == "subnet-ap2" })
			d.subnets[i].ACL = acl.ID
		}
		m := d.build(t)
		var ids []string
		for _, in := range m.Interfaces() {
			ids = append(ids, in.ID)
		}
		r, err := m.Check(reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		t.Logf("seed %d: a to b %s", seed, r.Outcome)
		checkApplianceSets(t, m, ids, seed, !raceOn, fmt.Sprintf("two-armed seed %d", seed))
	}
}
