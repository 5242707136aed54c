package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// TestSourcesToAnInternetHost: Sources to an internet host answers which
// interfaces' sessions out to it get through (from their own addresses,
// the addresses of prefixes delegated to them, and, asked for an IPv4
// host, through NAT64), each as Verdict answers from there, on random
// designs; no internet address is a source, and a note says why.
func TestSourcesToAnInternetHost(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 24
	if testing.Short() || raceOn {
		designs = 8
	}
	stats := map[string]int{}
	check := func(m *reach.Model, ifaces []string, q reach.SourcesQuery, msg string) {
		r, err := m.Sources(q)
		require.NoError(t, err, msg)
		assert.Empty(t, r.Internet, msg)
		assert.Empty(t, r.InternetIndeterminate, msg)
		assert.Equal(t, []string{"no internet address is asked: the destination is an internet host, and traffic between internet hosts does not cross the design"}, r.Notes, msg)
		brute.CheckSources(t, m, q, r, ifaces, nil, msg)
		for _, s := range r.Interfaces {
			stats[fmt.Sprintf("%s nat64 %v", s.Outcome, s.NAT64To.IsValid())]++
			if len(s.Prefixes) > 0 {
				stats["delegated entries"]++
			}
		}
	}
	askOutside(t, designs, 0x1d57, []string{"8.8.8.8", "198.51.100.7", "2001:db8:ff::7"}, "198.51.100.7", func(seed uint64, d *sample.Design) {
		if seed%3 == 0 {
			vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), d)
		}
	}, check)
	t.Logf("%v", stats)
	if !testing.Short() && !raceOn {
		assert.Positive(t, stats["reachable nat64 false"], "some interface reaches the host")
		assert.Positive(t, stats["reachable nat64 true"], "some interface reaches the host through NAT64")
		assert.Positive(t, stats["indeterminate nat64 false"], "some session is left open")
		assert.Positive(t, stats["delegated entries"], "some delegated addresses reach the host")
	}
}

// TestSourcesToAPrivateHostOutside: Sources to a host outside the design
// at an address the internet does not route (on premises behind a VPN)
// answers, as to an internet host, which interfaces' sessions out to it
// get through, each as Verdict answers from there (undecided where a
// route hands them to a VPN gateway or another target the design does
// not model), on random designs; no internet address is a source, and a
// note says why.
func TestSourcesToAPrivateHostOutside(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 16
	if testing.Short() || raceOn {
		designs = 5
	}
	stats := map[string]int{}
	check := func(m *reach.Model, ifaces []string, q reach.SourcesQuery, msg string) {
		r, err := m.Sources(q)
		require.NoError(t, err, msg)
		assert.Empty(t, r.Internet, msg)
		assert.Empty(t, r.InternetIndeterminate, msg)
		assert.Zero(t, r.Atoms, "no internet address is walked: %s", msg)
		assert.Equal(t, []string{q.To + " is not an internet address, so no internet host's packet to it reaches the design (an internet gateway takes in only packets to the public addresses it maps)"},
			trimNotes(r.Notes, "no internet address is asked: "), msg)
		brute.CheckSources(t, m, q, r, ifaces, nil, msg)
		for _, s := range r.Interfaces {
			stats[fmt.Sprintf("%s nat64 %v", s.Outcome, s.NAT64To.IsValid())]++
		}
	}
	askOutside(t, designs, 0x9e4, []string{"192.168.7.7", "fd00:99::7"}, "192.168.7.7", func(seed uint64, d *sample.Design) {
		onPremRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), d)
	}, check)
	t.Logf("%v", stats)
	if !testing.Short() && !raceOn {
		assert.Positive(t, stats["indeterminate nat64 false"], "some session is handed to a VPN gateway")
	}
}

// askOutside asks Sources of designs random designs (salt seeds them;
// edit changes each before it is built) to each of tos, over a protocol
// and port of the design's own query, then of a random NAT64 design to
// nat64To over TCP and UDP port 443, handing each answer to check with
// the interfaces to hold it to.
func askOutside(t *testing.T, designs int, salt uint64, tos []string, nat64To string, edit func(seed uint64, d *sample.Design),
	check func(m *reach.Model, ifaces []string, q reach.SourcesQuery, msg string)) {
	t.Helper()
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, salt))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		if seed%2 == 0 {
			g.delegate()
		}
		edit(seed, g.d)
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		var ifaces []string
		for _, in := range g.d.Interfaces {
			ifaces = append(ifaces, in.ID)
		}
		for _, to := range tos {
			vq := g.query()
			q := reach.SourcesQuery{To: to, Protocol: vq.Protocol, Port: vq.Port, ICMP: vq.ICMP, IPv6: strings.Contains(to, ":")}
			check(m, ifaces, q, fmt.Sprintf("seed %d: %+v", seed, q))
		}
		// IPv6-only clients through NAT64
		nm := randomNAT64Design(rng).build(t)
		for _, p := range []flow.Protocol{flow.TCP, flow.UDP} {
			q := reach.SourcesQuery{To: nat64To, Protocol: p, Port: 443}
			check(nm, []string{"eni-v6", "eni-web", "eni-x"}, q, fmt.Sprintf("NAT64 seed %d: %+v", seed, q))
		}
	}
}

// trimNotes is notes, each without prefix (which it must begin with).
func trimNotes(notes []string, prefix string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = strings.TrimPrefix(n, prefix)
		if out[i] == n {
			out[i] = "(without the prefix) " + n
		}
	}
	return out
}

// onPremRoutes adds, to about half of d's route tables that serve no
// gateway, a route to an on-premises block (192.168.0.0/16, fd00::/8)
// through a VPN gateway, a local gateway or a peering connection the
// design does not model.
func onPremRoutes(rng *rand.Rand, d *sample.Design) {
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if rt.Gateways != nil || rng.Float64() < 0.5 {
			continue
		}
		for _, b := range pfxs("192.168.0.0/16", "fd00::/8") {
			r := []reach.Route{
				{Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"},
				{Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true},
				{Target: reach.TargetUnmodelled, TargetID: "pcx-gone", TargetType: "peering connection"},
			}[rng.IntN(3)]
			r.Destination = b
			rt.Routes = append(rt.Routes, r)
		}
	}
}

// A public address of something the design does not model (an
// internet-facing load balancer's Elastic IP) is no internet host: the
// internet's addresses are asked, and reach it undecided.
func TestSourcesToAnUnmodelledPublicAddress(t *testing.T) {
	m, err := sample.ThreeTierDesign().Builder().
		AddUnmodelledAddress(reach.UnmodelledAddress{Address: ba("203.0.113.77"), Owner: "eni-0nlb", What: "network interface of a Network Load Balancer"}).Build()
	require.NoError(t, err)
	q := reach.SourcesQuery{To: "203.0.113.77", Protocol: flow.TCP, Port: 443}
	r, err := m.Sources(q)
	require.NoError(t, err)
	assert.Empty(t, r.Notes)
	assert.Positive(t, r.Atoms, "the internet's addresses are walked")
	assert.NotEmpty(t, r.InternetIndeterminate, "the internet reaches it undecided")
	brute.CheckSources(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, brute.AddrsToCheck(rand.New(rand.NewPCG(1, 2)), false, r.Internet, r.InternetIndeterminate), "unmodelled")
}

// Addresses that are the design's, though no interface of it holds them,
// are no hosts outside it: Sources asks the internet's addresses for a
// NAT gateway's Elastic IP, a stopped instance's Elastic IP (which finds
// no host) and the instance metadata service (which only the instances
// themselves reach), and never words them as an internet host or a
// private host outside the design. An IPv4-mapped IPv6 address is
// refused as such, whatever family the question asks.
func TestSourcesToDesignAddressesWithoutInterface(t *testing.T) {
	off := reach.LeftOutNames{Interface: "eni-off", Instance: "i-off", Name: "off"}
	m, err := sample.ThreeTierDesign().Builder().AddHostlessAddress(
		reach.HostlessAddress{Address: ba("10.0.1.50"), Owner: "eni-off", What: "network interface of instance i-off, which is stopped", LeftOutNames: off},
		reach.HostlessAddress{Address: ba("198.51.100.50"), Owner: "eni-off", What: "network interface of instance i-off, which is stopped", LeftOutNames: off}).Build()
	require.NoError(t, err)
	for _, tc := range []struct{ name, to string }{
		{"a NAT gateway's Elastic IP", "203.0.113.100"},
		{"a stopped instance's Elastic IP", "198.51.100.50"},
		{"the instance metadata service", "169.254.169.254"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.SourcesQuery{To: tc.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Sources(q)
			require.NoError(t, err)
			for _, n := range r.Notes {
				assert.NotContains(t, n, "internet host", r.Notes)
				assert.NotContains(t, n, "not an internet address", r.Notes)
			}
			assert.Positive(t, r.Atoms, "the internet's addresses are walked")
			assert.Empty(t, r.Internet, "nothing on the internet reaches it")
			brute.CheckSources(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, brute.AddrsToCheck(rand.New(rand.NewPCG(3, 4)), false, r.Internet, r.InternetIndeterminate), tc.name)
		})
	}
	for _, v6 := range []bool{false, true} {
		_, err := m.Sources(reach.SourcesQuery{To: "::ffff:198.51.100.7", Protocol: flow.TCP, Port: 443, IPv6: v6})
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, "use a plain IPv4 or IPv6 address")
	}
}

// An interface of the design at an address where Alibaba Cloud keeps a
// service of its ECS instances (a VPC block of 100.64.0.0/10, as EKS's
// custom networking gives pods) is that interface: Sources asks who
// reaches it, the internet included, and never names the service.
func TestSourcesToAnInterfaceAtAnAlibabaServiceAddress(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.VPCs[0].CIDRs = append(d.VPCs[0].CIDRs, pfxs("100.100.100.0/24")...)
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-pods", VPC: "vpc-demo", CIDRs: pfxs("100.100.100.0/24"), RouteTable: "rtb-private"})
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-pod", Subnet: "subnet-pods", PrivateIPs: []netip.Addr{ba("100.100.100.200")}, Groups: []string{"sg-app"}})
	m, err := d.Builder().Build()
	require.NoError(t, err)
	q := reach.SourcesQuery{To: "100.100.100.200", Protocol: flow.TCP, Port: 8080}
	r, err := m.Sources(q)
	require.NoError(t, err)
	assert.Contains(t, r.To, "eni-pod")
	assert.NotContains(t, r.To, "metadata")
	assert.Positive(t, r.Atoms, "the internet's addresses are walked")
	brute.CheckSources(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, brute.AddrsToCheck(rand.New(rand.NewPCG(5, 6)), false, r.Internet, r.InternetIndeterminate), "pod")
}
