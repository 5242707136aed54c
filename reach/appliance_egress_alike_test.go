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

// alikeArms puts twoArmedNAT's outside interface eni-out in the inside
// interface's subnet, without a public address: the instance's two
// interfaces are alike (one subnet, the same groups and check, no public
// address).
func alikeArms(d *sample.Design) {
	d.Interfaces[2].Subnet = "subnet-in"
	d.Interfaces[2].PrivateIPs = []netip.Addr{netip.MustParseAddr("10.0.3.11")}
	d.Interfaces[2].PublicIP = netip.Addr{}
}

// withC adds interface c (10.0.1.20, subnet-pub) and a route of
// subnet-priv sending 10.0.1.0/24 to eni-in: b reaches c only through the
// instance.
func withC(d *sample.Design) {
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-c", Name: "c", Subnet: "subnet-pub",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}, Groups: []string{"sg-open"}})
	d.RouteTables[1].Routes = append(d.RouteTables[1].Routes,
		reach.Route{Destination: netip.MustParsePrefix("10.0.1.0/24"), Target: reach.TargetInterface, TargetID: "eni-in"})
}

// edits applies each edit in turn.
func edits(fs ...func(*sample.Design)) func(*sample.Design) {
	return func(d *sample.Design) {
		for _, f := range fs {
			f(d)
		}
	}
}

// An instance whose interfaces are alike for the packet (one subnet, the
// same groups, the same source/destination check, none with a public
// address) leaves nothing to pick between: every interface's path is
// the receiving one's, and the answer is certain, as for one interface
// (audit new22, probe TestAuditNew22SameSubnetNoPublicIsCertain). Where
// the interfaces differ in anything the path reads, the hop stays
// undecided (APPLIANCE_EGRESS_UNKNOWN).
func TestApplianceSeveralInterfacesAlike(t *testing.T) {
	toInternet := reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}
	toC := reach.Query{From: "b", To: "c", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name  string
		edit  func(*sample.Design)
		q     reach.Query
		want  reach.Outcome
		code  reach.Code // a code the result holds
		alike bool       // the appliance's hop says every interface's path is its own
	}{
		{"alike, to the internet: no public address on any interface", alikeArms, toInternet,
			reach.Unreachable, reach.NoPublicIP, true},
		{"alike, to c through the instance", edits(alikeArms, withC), toC, reach.Reachable, "", true},
		{"alike, checks unknown alike: undecided by the check, not the egress", edits(alikeArms, withC, func(d *sample.Design) {
			for _, i := range []int{1, 2} {
				d.Interfaces[i].SourceDestCheckDisabled, d.Interfaces[i].SourceDestCheckUnknown = false, "aws_instance.nat: source_dest_check"
			}
		}), toC, reach.Indeterminate, reach.SourceDestCheckUnknown, true},
		{"alike, c's groups deny: a certain block past the instance", edits(alikeArms, withC, func(d *sample.Design) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-none"})
			d.Interfaces[3].Groups = []string{"sg-none"}
		}), toC, reach.Unreachable, reach.SGNoAllow, true},
		{"alike, the subnet's ACL denies egress past the instance", edits(alikeArms, func(d *sample.Design) {
			a := nacl.NewCustom("acl-in", "vpc-1")
			a.Entries = []nacl.Entry{{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
			d.ACLs = append(d.ACLs, a)
			d.Subnets[2].ACL = "acl-in"
		}), toInternet, reach.Unreachable, reach.ACLDefaultDeny, true},
		// interfaces that differ are each walked (appliance_egress_fork.go):
		// both reach c here
		{"other subnet: each interface walked, both reach c", withC, toC, reach.Reachable, "", false},
		{"other groups: each interface walked, both reach c", edits(alikeArms, withC, func(d *sample.Design) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-other", Rules: d.Groups[0].Rules})
			d.Interfaces[2].Groups = []string{"sg-other"}
		}), toC, reach.Reachable, "", false},
		{"other check: undecided (one interface drops it, the other does not)", edits(alikeArms, withC, func(d *sample.Design) { d.Interfaces[2].SourceDestCheckDisabled = false }),
			toC, reach.Indeterminate, reach.ApplianceEgressUnknown, false},
		{"a public address on the other: undecided", edits(alikeArms, func(d *sample.Design) { d.Interfaces[2].PublicIP = netip.MustParseAddr("54.1.1.1") }),
			toInternet, reach.Indeterminate, reach.ApplianceEgressUnknown, false},
		{"a public address known only later: undecided", edits(alikeArms, func(d *sample.Design) { d.Interfaces[2].PublicIPUnknown = "aws_instance.nat: public_ip" }),
			toInternet, reach.Indeterminate, reach.ApplianceEgressUnknown, false},
		{"alike, but addressed to the other interface: undecided (host model)", edits(alikeArms, func(d *sample.Design) {
			d.RouteTables[1].Routes = append(d.RouteTables[1].Routes,
				reach.Route{Destination: netip.MustParsePrefix("10.0.3.0/24"), Target: reach.TargetInterface, TargetID: "eni-in"})
		}), reach.Query{From: "b", To: "10.0.3.11", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, reach.ApplianceEgressUnknown, false},
		// a prefix delegated to the other interface holds addresses of
		// the instance too (audit new23)
		{"alike, but addressed to the other interface's delegated prefix: undecided (host model)", edits(alikeArms, func(d *sample.Design) {
			d.Interfaces[2].DelegatedPrefixes = []netip.Prefix{netip.MustParsePrefix("10.0.3.32/28")}
			d.RouteTables[1].Routes = append(d.RouteTables[1].Routes,
				reach.Route{Destination: netip.MustParsePrefix("10.0.3.0/24"), Target: reach.TargetInterface, TargetID: "eni-in"})
		}), reach.Query{From: "b", To: "10.0.3.40", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, reach.ApplianceEgressUnknown, false},
		{"alike, but the other interface's prefixes are known only later: undecided", edits(alikeArms, func(d *sample.Design) {
			d.Interfaces[2].IPv4PrefixesUnknown = "aws_network_interface.out: ipv4_prefix_count"
			d.RouteTables[1].Routes = append(d.RouteTables[1].Routes,
				reach.Route{Destination: netip.MustParsePrefix("10.0.3.0/24"), Target: reach.TargetInterface, TargetID: "eni-in"})
		}), reach.Query{From: "b", To: "10.0.3.40", Protocol: flow.TCP, Port: 22}, reach.Indeterminate, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmedNAT(t, tc.edit)
			r := check(t, m, tc.q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			codes := hopCodes(r)
			if tc.code != "" {
				assert.Contains(t, codes, tc.code, r.Text())
			}
			if tc.alike {
				assert.NotContains(t, codes, reach.ApplianceEgressUnknown, r.Text())
				var words string
				for _, h := range r.Forward {
					if h.ID == "eni-in" {
						words = strings.Join(h.Details(), "\n")
					}
				}
				assert.Contains(t, words, "every interface's path is this one", r.Text())
				assert.Contains(t, words, "eni-out", r.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check:\n%s", r.Text())
		})
	}
}

// Ports, Sources, the Matrix and the Audit agree with Check and Verdict,
// pair by pair, where the instance's interfaces are alike (a certain
// answer past the instance) and where they differ (undecided).
func TestApplianceSeveralInterfacesAlikeSetAnswers(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, tc := range []struct {
		name string
		edit func(*sample.Design)
	}{
		{"alike", alikeArms},
		{"alike, to c", edits(alikeArms, withC)},
		{"alike, c's groups open 443 only", edits(alikeArms, withC, func(d *sample.Design) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-443", Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
				{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
			d.Interfaces[3].Groups = []string{"sg-443"}
		})},
		{"differ by subnet, to c", withC},
		{"differ by check, to c", edits(alikeArms, withC, func(d *sample.Design) { d.Interfaces[2].SourceDestCheckDisabled = false })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmedNAT(t, tc.edit)
			ports := []reach.PortsQuery{{From: "b", To: "8.8.8.8", Protocol: flow.TCP}, {From: "b", To: "8.8.8.8", Protocol: flow.ICMP}}
			sources := []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22}}
			if _, err := m.Verdict(reach.Query{From: "b", To: "c", Protocol: flow.TCP, Port: 443}); err == nil {
				ports = append(ports, reach.PortsQuery{From: "b", To: "c", Protocol: flow.TCP}, reach.PortsQuery{From: "b", To: "c", Protocol: flow.UDP})
				sources = append(sources, reach.SourcesQuery{To: "c", Protocol: flow.TCP, Port: 443})
			}
			brute.CheckSetAnswers(t, m, brute.Options{Ports: ports, Step: 211, Sources: sources, Few: true})
		})
	}
}

// The appliance probes of audit new22 (TestAuditNew22*), kept: a
// certain ACL block before the instance stays certain (Check and
// Verdict); traffic the instance sends from its own interface is not
// forwarded; a session between the instance's outside interface and b
// that no route sends through the instance is answered alike by Check
// and Verdict.
func TestApplianceSeveralInterfacesNew22Probes(t *testing.T) {
	t.Run("an ACL before the appliance stays certain", func(t *testing.T) {
		m := twoArmedNAT(t, func(d *sample.Design) {
			d.ACLs = append(d.ACLs, nacl.NewCustom("acl-in", "vpc-1")) // denies everything
			d.Subnets[2].ACL = "acl-in"
		})
		q := reach.Query{From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}
		r := check(t, m, q)
		assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, v)
	})
	t.Run("originated, not forwarded", func(t *testing.T) {
		m := twoArmedNAT(t, nil)
		r := check(t, m, reach.Query{From: "eni-in", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
		assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		assert.NotContains(t, hopCodes(r), reach.ApplianceEgressUnknown, r.Text())
		r = check(t, m, reach.Query{From: "eni-out", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	})
	t.Run("eni-out to b: Check and Verdict agree", func(t *testing.T) {
		m := twoArmedNAT(t, nil)
		q := reach.Query{From: "eni-out", To: "b", Protocol: flow.TCP, Port: 22}
		r := check(t, m, q)
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, r.Outcome, v, r.Text())
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	})
}

// Random appliance instances of two or three interfaces (each in the
// inside or the public subnet, with one of three groups — two of them
// alike in rules but not in name —, its check off, on or unknown, a
// public address or none; the inside subnet's internet through a NAT
// gateway or not; the reply from c through the instance or not): Ports,
// Sources, the Matrix and the Audit agree with Check and Verdict, pair
// by pair, whether the interfaces are alike (a certain answer past the
// instance), differ but every interface gives the same answer (certain
// too) or differ in their answers (undecided).
func TestApplianceSeveralInterfacesRandomSetAnswers(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	seeds := 32
	if testing.Short() || raceOn { // 86 s under -race at 32: the race detector needs the concurrency, not every seed
		seeds = 6 // meets each kind below
	}
	kinds := map[string]int{}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 23))
		n := 2 + rng.IntN(2)
		m := twoArmedNAT(t, func(d *sample.Design) {
			withC(d)
			d.Groups = append(d.Groups, sg.Group{ID: "sg-open2", Rules: d.Groups[0].Rules}, sg.Group{ID: "sg-443", Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
				{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
			same := rng.IntN(2) == 0 // mostly alike: every draw the first's
			var first reach.Interface
			for k := range n {
				in := reach.Interface{ID: fmt.Sprintf("eni-nat%d", k), Instance: "i-nat", Groups: []string{"sg-open"}, SourceDestCheckDisabled: true}
				if k == 0 {
					in.ID = "eni-in" // the route's target
				}
				sub := rng.IntN(2)
				if same && k > 0 && rng.IntN(4) > 0 {
					sub = slices.Index([]string{"subnet-in", "subnet-pub"}, first.Subnet)
				}
				in.Subnet = []string{"subnet-in", "subnet-pub"}[sub]
				in.PrivateIPs = []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", []int{3, 1}[sub], 30+k))}
				if !same || k == 0 || rng.IntN(4) == 0 {
					in.Groups = []string{[]string{"sg-open", "sg-open2", "sg-443"}[rng.IntN(3)]}
					switch rng.IntN(5) {
					case 0:
						in.SourceDestCheckDisabled = false
					case 1:
						in.SourceDestCheckDisabled, in.SourceDestCheckUnknown = false, "aws_instance.nat: source_dest_check"
					}
					if rng.IntN(3) == 0 {
						in.PublicIP = netip.MustParseAddr(fmt.Sprintf("54.1.1.%d", 1+k))
					}
				} else {
					in.Groups, in.SourceDestCheckDisabled, in.SourceDestCheckUnknown = first.Groups, first.SourceDestCheckDisabled, first.SourceDestCheckUnknown
				}
				if k == 0 {
					first = in
				}
				d.Interfaces = append(d.Interfaces, in)
			}
			d.Interfaces = slices.DeleteFunc(d.Interfaces, func(in reach.Interface) bool { return in.ID == "eni-out" })
			d.Interfaces = slices.DeleteFunc(d.Interfaces, func(in reach.Interface) bool {
				return in.ID == "eni-in" && in.PrivateIPs[0] == netip.MustParseAddr("10.0.3.10")
			})
			if rng.IntN(3) == 0 { // the inside subnet's internet through a NAT gateway
				d.NATGateways = append(d.NATGateways, reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub",
					PrivateIP: netip.MustParseAddr("10.0.1.5"), PublicIP: netip.MustParseAddr("54.2.2.2")})
				d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-nat", VPC: "vpc-1",
					Routes: []reach.Route{{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-1"}}})
				d.Subnets[2].RouteTable = "rtb-nat"
			}
			if rng.IntN(3) == 0 { // c's reply to b's subnet through the instance
				d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-c", VPC: "vpc-1", Routes: []reach.Route{
					{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
					{Destination: netip.MustParsePrefix("10.0.2.0/24"), Target: reach.TargetInterface, TargetID: fmt.Sprintf("eni-nat%d", 1+rng.IntN(n-1))}}})
				d.Subnets[0].RouteTable = "rtb-c"
			}
		})
		kind := "alike"
		for _, q := range []reach.Query{{From: "b", To: "c", Protocol: flow.TCP, Port: 443}, {From: "b", To: "8.8.8.8", Protocol: flow.TCP, Port: 443}} {
			r := check(t, m, q)
			switch words := r.Text() + hopWords(r); {
			case slices.ContainsFunc(hopCodes(r), func(c reach.Code) bool { return strings.HasSuffix(string(c), string(reach.ApplianceEgressUnknown)) }):
				kind = "differ"
			case strings.Contains(words, "every interface was tried") && kind == "alike":
				kind = "agree"
			}
		}
		kinds[kind]++
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "b", To: "8.8.8.8", Protocol: flow.TCP}, {From: "b", To: "c", Protocol: flow.TCP},
					{From: "b", To: "c", Protocol: flow.ICMP}, {From: "b", To: "eni-nat1", Protocol: flow.TCP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "c", Protocol: flow.TCP, Port: 443}, {To: "b", Protocol: flow.TCP, Port: 22}},
				Few:     true,
			})
		})
	}
	t.Logf("designs whose interfaces are alike / differ but agree / differ in their answers: %d / %d / %d", kinds["alike"], kinds["agree"], kinds["differ"])
	assert.Positive(t, kinds["alike"], "some designs' interfaces are alike")
	assert.Positive(t, kinds["agree"], "some designs' interfaces differ but give the same answer")
	assert.Positive(t, kinds["differ"], "some designs' interfaces differ in their answers")
}

// hopWords joins the reasons and details of r's hops.
func hopWords(r *reach.Result) string {
	var b strings.Builder
	for _, h := range slices.Concat(r.Forward, r.Return) {
		b.WriteString(h.Reason() + "\n" + strings.Join(h.Details(), "\n") + "\n")
	}
	return b.String()
}
