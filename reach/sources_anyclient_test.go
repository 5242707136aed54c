package reach_test

import (
	"encoding/json"
	"errors"
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
	"github.com/reachsim/reachsim/sg"
)

// anyClientDesign: vpc-s (10.8.0.0/16, 2001:db8:8::/56) with an internet
// gateway for both families; subnet-db, whose ACL holds acl (nil: allow
// all), with db-s (10.8.1.10, public IP 203.0.113.80, 2001:db8:8:1::10),
// whose group opens tcp 5432 to peers; and subnet-cl, whose ACL allows
// all, with client-s (10.8.2.20, 2001:db8:8:2::20, and the delegated
// prefix 2001:db8:8:2:1::/80), whose group lets everything out.
func anyClientDesign(t testing.TB, acl []string, peers []sg.Peer, extra func(*reach.Builder)) *reach.Model {
	t.Helper()
	all := []string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0", "101 allow all from ::/0", "101 allow all to ::/0"}
	if acl == nil {
		acl = all
	}
	mk := func(id string, lines []string) nacl.ACL {
		a := nacl.NewCustom(id, "vpc-s")
		for _, l := range lines {
			e, err := nacl.ParseEntry(l)
			require.NoError(t, err, l)
			a.Entries = append(a.Entries, e)
		}
		return a
	}
	var in []sg.Rule
	for i, p := range peers {
		in = append(in, sg.Rule{ID: fmt.Sprintf("sgr-pg%d", i), Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: p})
	}
	out := []sg.Rule{
		{ID: "sgr-out4", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{ID: "sgr-out6", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-s", CIDRs: []netip.Prefix{bp("10.8.0.0/16"), bp("2001:db8:8::/56")}, MainRouteTable: "rtb-s", DefaultACL: "acl-cl"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-s", VPC: "vpc-s"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-s", VPC: "vpc-s", Routes: []reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-s"},
			{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-s"}}}).
		AddNetworkACL(mk("acl-cl", all)).
		AddNetworkACL(mk("acl-db", acl)).
		AddSubnet(reach.Subnet{ID: "subnet-db", VPC: "vpc-s", ACL: "acl-db", CIDRs: []netip.Prefix{bp("10.8.1.0/24"), bp("2001:db8:8:1::/64")}}).
		AddSubnet(reach.Subnet{ID: "subnet-cl", VPC: "vpc-s", CIDRs: []netip.Prefix{bp("10.8.2.0/24"), bp("2001:db8:8:2::/64")}}).
		AddSecurityGroup(sg.Group{ID: "sg-db", VPCID: "vpc-s", Rules: append(in, out...)}).
		AddSecurityGroup(sg.Group{ID: "sg-cl", VPCID: "vpc-s", Rules: out}).
		AddInterface(reach.Interface{ID: "eni-db", Name: "db-s", Subnet: "subnet-db", Groups: []string{"sg-db"},
			PrivateIPs: []netip.Addr{ba("10.8.1.10"), ba("2001:db8:8:1::10")}, PublicIP: ba("203.0.113.80")}).
		AddInterface(reach.Interface{ID: "eni-cl", Name: "client-s", Subnet: "subnet-cl", Groups: []string{"sg-cl"},
			PrivateIPs:        []netip.Addr{ba("10.8.2.20"), ba("2001:db8:8:2::20")},
			DelegatedPrefixes: []netip.Prefix{bp("2001:db8:8:2:1::/80")}})
	if extra != nil {
		extra(b)
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// anyClientAnswer is what a Sources answer says of each kind of source
// in anyClientDesign: client-s's own address, its delegated prefix
// (IPv6), and the internet ("open", "undecided" or "none").
type anyClientAnswer struct {
	iface, delegated reach.Outcome
	internet         string
}

// summarize reads r as an anyClientAnswer.
func summarize(t testing.TB, r *reach.SourcesResult) anyClientAnswer {
	t.Helper()
	a := anyClientAnswer{iface: reach.Unreachable, delegated: reach.Unreachable, internet: "none"}
	for _, i := range r.Interfaces {
		require.Equal(t, "eni-cl", i.ID, "only client-s is a source:\n%s", r)
		if len(i.Prefixes) > 0 {
			require.Equal(t, []netip.Prefix{bp("2001:db8:8:2:1::/80")}, i.Prefixes, "the whole delegated prefix, alike:\n%s", r)
			a.delegated = i.Outcome
			continue
		}
		a.iface = i.Outcome
	}
	switch {
	case len(r.Internet) > 0:
		require.Empty(t, r.InternetIndeterminate, "every internet address alike:\n%s", r)
		a.internet = "open"
	case len(r.InternetIndeterminate) > 0:
		a.internet = "undecided"
	}
	return a
}

// TestSourcesAnyClientPort: SourcesQuery.AnyClientPort asks from every
// client port. db-s's subnet ACL lets replies out only to client ports
// 1024-32767 (as the sample's database subnet does), so from the default
// client port (50000) no source gets through; yet a client that picks
// port 30000 does, for certain: asked from every client port, client-s,
// the addresses of its delegated prefix and the internet get through,
// over IPv4 and IPv6, exactly as they do with an open ACL. Replies out to
// one port (7) alone are enough; no reply out shuts every source out; a
// prefix list the input lacks leaves the internet undecided while
// client-s, which a rule opens the port to for certain, gets through, and
// alone leaves every source undecided (the best any client port does).
// Each answer is held to brute force (brute.CheckSourcesFrom: the best
// Verdict over client ports at every edge of the ACL's port ranges, and
// the common ones), and to the same question with an open ACL.
func TestSourcesAnyClientPort(t *testing.T) {
	low := []string{"100 allow tcp 5432 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0",
		"101 allow tcp 5432 from ::/0", "101 allow tcp 1024-32767 to ::/0"}
	one := []string{"100 allow tcp 5432 from 0.0.0.0/0", "100 allow tcp 7 to 0.0.0.0/0",
		"101 allow tcp 5432 from ::/0", "101 allow tcp 7 to ::/0"}
	none := []string{"100 allow tcp 5432 from 0.0.0.0/0", "101 allow tcp 5432 from ::/0"}
	high := []string{"100 allow tcp 5432 from 0.0.0.0/0", "100 allow tcp 32768-65535 to 0.0.0.0/0",
		"101 allow tcp 5432 from ::/0", "101 allow tcp 32768-65535 to ::/0"}
	anyPeer := []sg.Peer{sg.AnyIPv4, sg.AnyIPv6}
	// client-s's subnet for certain, the internet through a list the input lacks
	listPeer := []sg.Peer{sg.CIDR("10.8.2.0/24"), sg.CIDR("2001:db8:8:2::/64"), sg.PrefixList("pl-s")}
	unresolved := func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-s") }
	U, R, I := reach.Unreachable, reach.Reachable, reach.Indeterminate
	tests := []struct {
		name     string
		acl      []string
		peers    []sg.Peer
		extra    func(*reach.Builder)
		def, any anyClientAnswer // from the default client port; from any
	}{
		{"replies out to 1024-32767 only: none from 50000, every source from 30000",
			low, anyPeer, nil, anyClientAnswer{U, U, "none"}, anyClientAnswer{R, R, "open"}},
		{"replies out to port 7 only: every source from that one client port",
			one, anyPeer, nil, anyClientAnswer{U, U, "none"}, anyClientAnswer{R, R, "open"}},
		{"no reply gets out: no source from any client port",
			none, anyPeer, nil, anyClientAnswer{U, U, "none"}, anyClientAnswer{U, U, "none"}},
		{"replies out to 32768-65535: every source from 50000 already",
			high, anyPeer, nil, anyClientAnswer{R, R, "open"}, anyClientAnswer{R, R, "open"}},
		{"an open ACL: every source either way",
			nil, anyPeer, nil, anyClientAnswer{R, R, "open"}, anyClientAnswer{R, R, "open"}},
		{"a prefix list the input lacks: the internet undecided, client-s through, from the client ports replies get out to",
			low, listPeer, unresolved, anyClientAnswer{U, U, "none"}, anyClientAnswer{R, R, "undecided"}},
		{"that list alone: every source undecided, from the client ports replies get out to",
			low, []sg.Peer{sg.PrefixList("pl-s")}, unresolved, anyClientAnswer{U, U, "none"}, anyClientAnswer{I, I, "undecided"}},
		{"that list alone, replies out to 32768-65535: every source undecided from 50000 already",
			high, []sg.Peer{sg.PrefixList("pl-s")}, unresolved, anyClientAnswer{I, I, "undecided"}, anyClientAnswer{I, I, "undecided"}},
	}
	rng := rand.New(rand.NewPCG(21, 5432))
	for _, tt := range tests {
		m := anyClientDesign(t, tt.acl, tt.peers, tt.extra)
		open := anyClientDesign(t, nil, tt.peers, tt.extra)
		for _, v6 := range []bool{false, true} {
			for _, anyPort := range []bool{false, true} {
				msg := fmt.Sprintf("%s (IPv6 %v, any client port %v)", tt.name, v6, anyPort)
				q := reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, IPv6: v6, AnyClientPort: anyPort}
				r, err := m.Sources(q)
				require.NoError(t, err, msg)
				want := tt.def
				if anyPort {
					want = tt.any
				}
				if !v6 {
					want.delegated = U // an IPv6 prefix
				}
				assert.Equal(t, want, summarize(t, r), "%s:\n%s", msg, r)
				assert.Equal(t, anyPort, r.AnyClientPort, msg)
				if anyPort {
					assert.Contains(t, r.String(), "over tcp port 5432 from any client port:", msg)
				} else {
					assert.NotContains(t, r.String(), "from any client port", msg)
				}
				if anyPort && tt.any.iface != U { // an ACL that lets some client port's replies out is an open ACL
					ro, err := open.Sources(reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, IPv6: v6})
					require.NoError(t, err, msg)
					assert.Equal(t, ro.Interfaces, r.Interfaces, msg)
					assert.Equal(t, ro.Internet, r.Internet, msg)
					assert.Equal(t, ro.InternetIndeterminate, r.InternetIndeterminate, msg)
				}
				addrs := append(brute.AddrsToCheck(rng, v6, r.Internet, r.InternetIndeterminate)[:60], brute.NearDesign(m)...)
				ports := brute.SourcesClientPorts(q, 7, 1024, 32767, 32768)
				brute.CheckSourcesFrom(t, m, q, r, []string{"eni-db", "eni-cl"}, addrs, ports, msg)
			}
		}
	}
}

// TestSourcesAnyClientPortEveryPort holds Sources from every client port
// to the plainest brute force: a Verdict from each client port, 1-65535,
// one by one, for client-s, the first address of its delegated prefix
// and an internet address, where db-s's subnet ACL lets replies out to
// one client port alone (7) or to 1024-32767 but 2000-2999.
func TestSourcesAnyClientPortEveryPort(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	if testing.Short() {
		t.Skip("65535 verdicts per source")
	}
	tests := []struct {
		name string
		acl  []string
	}{
		{"replies out to port 7 only", []string{"100 allow tcp 5432 from 0.0.0.0/0", "100 allow tcp 7 to 0.0.0.0/0",
			"101 allow tcp 5432 from ::/0", "101 allow tcp 7 to ::/0"}},
		{"replies out to 1024-32767 but 2000-2999", []string{"100 allow tcp 5432 from 0.0.0.0/0", "90 deny tcp 2000-2999 to 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0",
			"101 allow tcp 5432 from ::/0", "91 deny tcp 2000-2999 to ::/0", "101 allow tcp 1024-32767 to ::/0"}},
	}
	families := []bool{false, true}
	if raceOn { // ~100 s under -race: the second case on IPv4 only, still every client port
		tests, families = tests[1:], families[:1]
	}
	for _, tt := range tests {
		m := anyClientDesign(t, tt.acl, []sg.Peer{sg.AnyIPv4, sg.AnyIPv6}, nil)
		for _, v6 := range families {
			q := reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, IPv6: v6, AnyClientPort: true}
			r, err := m.Sources(q)
			require.NoError(t, err, tt.name)
			froms := []string{"eni-cl", "198.51.100.1"}
			if v6 {
				froms = []string{"eni-cl", "2001:db8:8:2:1::", "2001:db8:ffff::1"}
			}
			ports := make([]uint16, 0, 65535)
			for p := 1; p <= 65535; p++ {
				if raceOn && p%97 != 0 && !slices.Contains([]int{1, 7, 8, 1023, 1024, 1999, 2000, 2999, 3000, 32767, 32768, 65535}, p) {
					continue // under -race, the ACLs' edges and every 97th
				}
				ports = append(ports, uint16(p))
			}
			brute.CheckSourcesFrom(t, m, q, r, []string{"eni-cl"}, nil, ports, tt.name)
			for _, from := range froms {
				got := reach.Unreachable
				for _, p := range ports {
					o, err := m.Verdict(reach.Query{From: from, To: "db-s", Protocol: flow.TCP, Port: 5432, SrcPort: p, IPv6: v6})
					require.NoError(t, err, "%s: from %s", tt.name, from)
					if o == reach.Reachable {
						got = o
						break
					}
				}
				want := reach.Unreachable
				switch a, err := netip.ParseAddr(from); {
				case err != nil:
					want = summarize(t, r).iface
				case a.Is6() && bp("2001:db8:8:2:1::/80").Contains(a):
					want = summarize(t, r).delegated
				case len(r.Internet) > 0:
					want = reach.Reachable
				}
				assert.Equal(t, got, want, "%s (IPv6 %v): from %s: every client port says %s, Sources %s", tt.name, v6, from, got, want)
			}
		}
	}
}

// TestSourcesAnyClientPortQuery: AnyClientPort with a client port given,
// or with a protocol without ports, is an error naming both; the answer's
// JSON carries the option (any_client_port), and leaves it out when not
// asked.
func TestSourcesAnyClientPortQuery(t *testing.T) {
	m := anyClientDesign(t, nil, []sg.Peer{sg.AnyIPv4, sg.AnyIPv6}, nil)
	tests := []struct {
		name    string
		q       reach.SourcesQuery
		wantErr string
		json    string
	}{
		{"a client port and every client port", reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, SrcPort: 30000, AnyClientPort: true},
			"SrcPort 30000 and AnyClientPort are both set", ""},
		{"icmp has no client port", reach.SourcesQuery{To: "db-s", Protocol: flow.ICMP, AnyClientPort: true},
			"AnyClientPort asks from every client port, and icmp has no ports", ""},
		{"udp from every client port", reach.SourcesQuery{To: "db-s", Protocol: flow.UDP, Port: 53, AnyClientPort: true},
			"", `"any_client_port":true`},
		{"tcp from the default client port", reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432},
			"", ""},
	}
	for _, tt := range tests {
		r, err := m.Sources(tt.q)
		if tt.wantErr != "" {
			require.Error(t, err, tt.name)
			assert.True(t, errors.Is(err, reach.ErrQuery), tt.name)
			assert.Contains(t, err.Error(), tt.wantErr, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		b, err := json.Marshal(r)
		require.NoError(t, err, tt.name)
		if tt.json == "" {
			assert.NotContains(t, string(b), "any_client_port", tt.name)
			assert.NotContains(t, r.String(), "from any client port", tt.name)
			continue
		}
		assert.Contains(t, string(b), tt.json, tt.name)
		assert.Contains(t, r.String(), "over udp port 53 from any client port:", tt.name)
	}
}

// TestSourcesAnyClientPortPrefixesUnknown: the free addresses of
// client-s's subnet, which prefixes AWS delegates to it at launch may
// hold (IPv6PrefixesUnknown), are asked from every client port too: an
// ACL that lets replies out to 1024-32767 only lists none of them from
// the default client port, and every one from any (as Indeterminate:
// whether AWS delegates them is unknown).
func TestSourcesAnyClientPortPrefixesUnknown(t *testing.T) {
	low := []string{"100 allow tcp 5432 from ::/0", "100 allow tcp 1024-32767 to ::/0"}
	m := anyClientDesign(t, low, []sg.Peer{sg.AnyIPv6}, func(b *reach.Builder) {
		b.AddInterface(reach.Interface{ID: "eni-free", Name: "free-s", Subnet: "subnet-cl", Groups: []string{"sg-cl"},
			PrivateIPs: []netip.Addr{ba("10.8.2.30"), ba("2001:db8:8:2::30")}, IPv6PrefixesUnknown: "aws_network_interface.free: ipv6_prefixes"})
	})
	tests := []struct {
		name    string
		anyPort bool
		want    bool // an entry for the free addresses
	}{
		{"from client port 50000: replies cut", false, false},
		{"from any client port: replies out to 30000", true, true},
	}
	for _, tt := range tests {
		r, err := m.Sources(reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, IPv6: true, AnyClientPort: tt.anyPort})
		require.NoError(t, err, tt.name)
		var free []reach.SourceInterface
		for _, i := range r.Interfaces {
			if i.PrefixesUnknown != "" {
				free = append(free, i)
			}
		}
		if !tt.want {
			assert.Empty(t, free, "%s:\n%s", tt.name, r)
			continue
		}
		require.Len(t, free, 1, "%s:\n%s", tt.name, r)
		assert.Equal(t, "eni-free", free[0].ID, tt.name)
		assert.Equal(t, reach.Indeterminate, free[0].Outcome, tt.name)
		assert.Contains(t, free[0].Prefixes, bp("2001:db8:8:2:8000::/66"), "%s: the free addresses of subnet-cl's block", tt.name)
	}
}

// TestSourcesAnyClientPortRandom holds Sources from every client port to
// brute force on random ACLs: db-s's subnet lets replies out to a random
// range of client ports but a random range inside it (denied first), over
// IPv4 and IPv6, to peers any address or a list the input lacks. Brute
// force asks Verdict from every edge of those ranges and their neighbours
// (brute.SourcesClientPorts), which cut the client ports: the best
// answer of them per source is the answer.
func TestSourcesAnyClientPortRandom(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 24
	if testing.Short() {
		designs = 6
	}
	reached := 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 0xc1))
		port := func() uint16 { return uint16(1 + rng.IntN(65535)) }
		lo, hi := port(), port()
		if hi < lo {
			lo, hi = hi, lo
		}
		dlo := lo + uint16(rng.IntN(int(hi-lo)+1))
		dhi := dlo + uint16(rng.IntN(int(hi-dlo)+1))
		acl := []string{
			"100 allow tcp 5432 from 0.0.0.0/0", "101 allow tcp 5432 from ::/0",
			fmt.Sprintf("90 deny tcp %d-%d to 0.0.0.0/0", dlo, dhi), fmt.Sprintf("91 deny tcp %d-%d to ::/0", dlo, dhi),
			fmt.Sprintf("100 allow tcp %d-%d to 0.0.0.0/0", lo, hi), fmt.Sprintf("101 allow tcp %d-%d to ::/0", lo, hi)}
		peers, extra := []sg.Peer{sg.AnyIPv4, sg.AnyIPv6}, func(*reach.Builder) {}
		if seed%3 == 2 {
			peers, extra = []sg.Peer{sg.PrefixList("pl-s")}, func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-s") }
		}
		m := anyClientDesign(t, acl, peers, extra)
		for _, v6 := range []bool{false, true} {
			msg := fmt.Sprintf("seed %d: replies to %d-%d but %d-%d (IPv6 %v)", seed, lo, hi, dlo, dhi, v6)
			q := reach.SourcesQuery{To: "db-s", Protocol: flow.TCP, Port: 5432, IPv6: v6, AnyClientPort: true}
			r, err := m.Sources(q)
			require.NoError(t, err, msg)
			if len(r.Interfaces) > 0 {
				reached++
			}
			addrs := append(brute.AddrsToCheck(rng, v6, r.Internet, r.InternetIndeterminate)[:40], brute.NearDesign(m)...)
			brute.CheckSourcesFrom(t, m, q, r, []string{"eni-db", "eni-cl"}, addrs, brute.SourcesClientPorts(q, lo, hi, dlo, dhi), msg)
		}
	}
	assert.Positive(t, reached, "some ACL lets some client port's replies out")
}
