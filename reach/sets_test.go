package reach_test

import (
	"fmt"
	"math/rand/v2"
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

// spice adds random port-range rules to a generated design's groups and
// custom network ACLs, so that port sets have many edges, and to some
// AWS groups a rule of one ICMP (or ICMPv6) type, or one code of it, so
// that the set answers' ICMP tables are tested on both legs.
func spice(rng *rand.Rand, d *sample.Design) {
	port := func() uint16 { return uint16(1 + rng.IntN(65535)) }
	pr := func() flow.PortRange {
		a, b := port(), port()
		if rng.IntN(3) == 0 {
			b = a
		}
		return flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
	}
	for i := range d.Groups {
		for range rng.IntN(4) {
			dir := []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)]
			proto := []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: dir, Protocol: proto, Ports: pr(), Peer: sg.AnyIPv4})
		}
		if !d.Groups[i].Flavour.IsAlibaba() && rng.IntN(3) == 0 { // an ICMP type, or one code of it, either way
			r := sg.Rule{Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)], Protocol: flow.ICMP,
				ICMPType: []int16{0, 3, 8, 11, 13, 14}[rng.IntN(6)], ICMPCode: []int16{-1, -1, 0, 1}[rng.IntN(4)], Peer: sg.AnyIPv4}
			if rng.IntN(3) == 0 {
				r.Protocol, r.Peer, r.ICMPType = flow.ICMPv6, sg.AnyIPv6, []int16{1, 128, 129, 135}[rng.IntN(4)]
			}
			d.Groups[i].Rules = append(d.Groups[i].Rules, r)
		}
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if len(a.Entries) == 0 || a.Entries[0].Number > 100 { // a default ACL: leave it open
			continue
		}
		for k := range rng.IntN(5) {
			e := nacl.Entry{Number: 10 + k, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol:  []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)], CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: pr()}
			a.Entries = append(a.Entries, e)
		}
	}
}

// TestPortsAgreesWithVerdict compares Ports with a Verdict per port on
// random designs full of middleboxes, with random port-range rules.
func TestPortsAgreesWithVerdict(t *testing.T) {
	designs := 60
	if testing.Short() || raceOn {
		designs = 30 // at 15 no partial set was met once queries from an interface to itself became errors
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 77))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), g.d)
		if seed%3 == 2 {
			g.delegate() // prefixes delegated to interfaces: their addresses as ends
		}
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		for range 3 {
			vq := g.query()
			q := reach.PortsQuery{From: vq.From, To: vq.To, Protocol: []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)]}
			msg := fmt.Sprintf("seed %d: %+v", seed, q)
			r, err := m.Ports(q)
			if _, verr := m.Verdict(reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, Port: 1}); verr != nil {
				require.Error(t, err, msg)
				continue
			}
			require.NoError(t, err, msg)
			brute.CheckPorts(t, rng, m, q, r, brute.PortsToCheck(rng, r.Open, r.Indeterminate), msg)
			switch {
			case r.Open.IsEmpty() && r.Indeterminate.IsEmpty():
				stats["closed"]++
			case r.Open.IsFull() || r.Open.Equal(flow.SetOf(flow.PortRange{Lo: 1, Hi: 65535})):
				stats["all open"]++
			default:
				stats["some open"]++
			}
		}
		// The sample design's firewall, widened, on the way to and from
		// the internet: server-first ports and SSH under the established
		// defaults, domain rules asked of without a domain, opaque groups.
		prng := rand.New(rand.NewPCG(seed, 0x9d))
		d := publicDesign(prng)
		fwSpice(prng, d)
		m, err = d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		ends := [][2]string{{"198.51.100.7", "web-1"}, {"web-1", "93.184.216.34"}, {"app-1", "93.184.216.34"}, {"8.8.8.8", "203.0.113.10"}}[prng.IntN(4)]
		q := reach.PortsQuery{From: ends[0], To: ends[1], Protocol: []flow.Protocol{flow.TCP, flow.TCP, flow.UDP}[prng.IntN(3)]}
		msg := fmt.Sprintf("seed %d, the sample design widened: %+v", seed, q)
		r, err := m.Ports(q)
		require.NoError(t, err, msg)
		brute.CheckPorts(t, prng, m, q, r, brute.PortsToCheck(prng, r.Open, r.Indeterminate), msg)
		if !r.Indeterminate.IsEmpty() {
			stats["sample, some indeterminate"]++
		}
	}
	t.Logf("%v", stats)
	assert.Positive(t, stats["some open"], "some answers are partial port sets")
	assert.Positive(t, stats["sample, some indeterminate"], "some answers through the widened firewall leave ports undecided")
}

// TestPortsOnTheSampleDesign checks every port of a few pairs of the
// sample design against Verdict, and the answers a reader of the README
// relies on.
func TestPortsOnTheSampleDesign(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		q    reach.PortsQuery
		open string
	}{
		{reach.PortsQuery{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP}, "443"},
		{reach.PortsQuery{From: "web-1", To: "app-1", Protocol: flow.TCP}, "8080"},
		{reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP}, "none"},
		{reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.UDP}, "none"},
	}
	for i, tt := range tests {
		r, err := m.Ports(tt.q)
		require.NoError(t, err)
		assert.Equal(t, tt.open, r.Open.String(), "%+v", tt.q)
		ports := brute.PortsToCheck(rng, r.Open)
		if !testing.Short() && !raceOn {
			ports = ports[:0]
			step := 1 + rng.IntN(60) // the first pair: every port
			if i == 0 {
				step = 1
			}
			for p := 1; p <= 65535; p += step {
				ports = append(ports, uint16(p))
			}
		}
		brute.CheckPorts(t, rng, m, tt.q, r, ports, fmt.Sprintf("%+v", tt.q))
	}
}

// TestSourcesAgreesWithVerdict compares Sources with a Verdict per
// source on random designs and on the sample design.
func TestSourcesAgreesWithVerdict(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 40
	if testing.Short() || raceOn {
		designs = 30 // at 15 no partial set was met once queries from an interface to itself became errors
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 78))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), g.d)
		if seed%2 == 1 { // rules by a group or a prefix list the input lacks: answers it leaves open
			spiceMore(rng, g.d)
			for i := range g.d.Groups {
				if g.d.Groups[i].Flavour.IsAlibaba() {
					continue // its rules can drop: no reference to what the input lacks
				}
				g.d.Groups[i].Rules = append(g.d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.AllPorts, Peer: sg.PrefixList("pl-missing")})
			}
		}
		if seed%3 == 2 {
			g.delegate() // prefixes delegated to interfaces: Sources lists their addresses apart
		}
		if seed%2 == 0 { // public blocks routed to a VPN: they may come in privately
			vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), g.d)
		}
		var ifaces []string
		for _, in := range g.d.Interfaces {
			ifaces = append(ifaces, in.ID)
		}
		to := make([]string, 3)
		for k := range to {
			to[k] = ifaces[rng.IntN(len(ifaces))]
		}
		later := seed%4 == 1 // prefixes AWS picks at launch: Sources lists the free addresses apart
		if later {
			unknownPrefixDesign(g, to[0])
		}
		unresolved := func(b *reach.Builder) { b.AddUnresolvedGroup("sg-missing").AddUnresolvedPrefixList("pl-missing") }
		b := g.d.Builder()
		unresolved(b)
		m, err := b.Build()
		require.NoError(t, err, "seed %d", seed)
		for k := range 3 {
			vq := g.query()
			q := reach.SourcesQuery{To: to[k], Protocol: vq.Protocol, Port: vq.Port}
			msg := fmt.Sprintf("seed %d: %+v", seed, q)
			r, err := m.Sources(q)
			if err != nil {
				continue // a destination on the internet
			}
			brute.CheckSources(t, m, q, r, ifaces, brute.AddrsToCheck(rng, false, r.Internet, r.InternetIndeterminate), msg)
			stats[fmt.Sprintf("internet blocks %v", len(r.Internet)+len(r.InternetIndeterminate) > 0)]++
			stats[fmt.Sprintf("an interface left open %v", slices.ContainsFunc(r.Interfaces, func(s reach.SourceInterface) bool { return s.Outcome == reach.Indeterminate }))]++
			stats["delegated entries"] += len(slices.DeleteFunc(slices.Clone(r.Interfaces), func(s reach.SourceInterface) bool { return len(s.Prefixes) == 0 }))
			if later {
				stats["free addresses checked"] += checkPrefixesUnknownSources(t, g.d, unresolved, m, q, r, msg) // prefixes_unknown_test.go
				stats["entries of prefixes known only later"] += len(slices.DeleteFunc(slices.Clone(r.Interfaces), func(s reach.SourceInterface) bool { return s.PrefixesUnknown == "" }))
			}
		}
	}
	t.Logf("%v", stats)
	if !testing.Short() && !raceOn { // the few designs of a short run may have none
		assert.Positive(t, stats["internet blocks true"])
		assert.Positive(t, stats["an interface left open true"])
		assert.Positive(t, stats["delegated entries"], "some sources are addresses of delegated prefixes")
		assert.Positive(t, stats["entries of prefixes known only later"], "some sources are free addresses prefixes known only later may hold")
	}

	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, q := range []reach.SourcesQuery{
		{To: "web-1", Protocol: flow.TCP, Port: 443},
		{To: "web-1", Protocol: flow.TCP, Port: 443, IPv6: true},
		{To: "db-1", Protocol: flow.TCP, Port: 5432},
		{To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}},
	} {
		r, err := m.Sources(q)
		require.NoError(t, err, "%+v", q)
		brute.CheckSources(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, brute.AddrsToCheck(rng, q.IPv6, r.Internet, r.InternetIndeterminate), fmt.Sprintf("%+v", q))
	}
}

// publicDesign is the sample design with random internet-facing rules:
// web-1's group opens random ports to random public blocks, the public
// subnet's ACL allows and denies random blocks first, and its route table
// sends random blocks into a blackhole.
func publicDesign(rng *rand.Rand) *sample.Design {
	d := sample.ThreeTierDesign()
	block := func() netip.Prefix {
		bits := 4 + rng.IntN(24)
		a := netip.AddrFrom4([4]byte{byte(1 + rng.IntN(222)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		return netip.PrefixFrom(a, bits).Masked()
	}
	for i := range d.Groups {
		if d.Groups[i].ID != "sg-web" {
			continue
		}
		if rng.IntN(2) == 0 { // no more 443 from everywhere
			d.Groups[i].Rules = d.Groups[i].Rules[1:]
		}
		for range 1 + rng.IntN(5) {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.PortRange{Lo: 400, Hi: 500}, Peer: sg.CIDR(block().String())})
		}
	}
	for i := range d.ACLs {
		if d.ACLs[i].ID != "acl-public" {
			continue
		}
		for k := range rng.IntN(5) {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 1 + k, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)], Protocol: flow.TCP, CIDR: block(),
				Ports: flow.AllPorts})
		}
	}
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-public" && rng.IntN(2) == 0 {
			d.RouteTables[i].Routes = append(d.RouteTables[i].Routes, reach.Route{Destination: block(), Target: reach.TargetBlackhole})
		}
	}
	return d
}

// TestSourcesFromTheInternet compares Sources with a Verdict per source
// on designs whose internet-facing rules cut the address space at random
// places.
func TestSourcesFromTheInternet(t *testing.T) {
	designs := 60
	if testing.Short() || raceOn {
		designs = 30 // at 15 no partial set was met once queries from an interface to itself became errors
	}
	partial, open := 0, 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 79))
		d := publicDesign(rng)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), d)
		if seed%3 == 2 { // the firewall drops a list whose entries the input lacks, or web-1 admits it
			if rng.IntN(2) == 0 {
				g := &d.Firewalls[0].Policy.Stateful.Groups[0].Group
				g.IPSetReferences = map[string]string{"MISSING": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-missing"}
				g.RulesString = "drop tcp @MISSING any -> any 443 (sid:4;)\n" + g.RulesString
			} else {
				for i := range d.Groups {
					if d.Groups[i].ID == "sg-web" {
						d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.PrefixList("pl-missing")})
					}
				}
			}
		}
		if seed%3 == 1 { // public blocks routed to a VPN: they may come in privately
			vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), d)
		}
		m, err := d.Builder().AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err, "seed %d", seed)
		q := reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443} // the sample firewall passes 443 alone
		r, err := m.Sources(q)
		require.NoError(t, err, "seed %d", seed)
		if len(r.Internet) > 1 {
			partial++
		}
		if len(r.InternetIndeterminate) > 0 {
			open++
		}
		brute.CheckSources(t, m, q, r, []string{"eni-web1", "eni-app1", "eni-db1"}, brute.AddrsToCheck(rng, false, r.Internet, r.InternetIndeterminate), fmt.Sprintf("seed %d: %+v", seed, q))
	}
	assert.Greater(t, partial, designs/3, "most answers are several blocks")
	assert.Positive(t, open, "some answers leave addresses open")
}
