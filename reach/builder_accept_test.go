// The builder's acceptance of valid designs and what it builds from them:
// implicit local routes, and a model unaffected by later changes to its
// inputs. builder_test.go holds the designs it rejects.

package reach_test

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func TestBuildAcceptsValidDesigns(t *testing.T) {
	t.Run("the demo builds", func(t *testing.T) {
		m, err := sample.ThreeTier().Build()
		require.NoError(t, err)
		require.NotNil(t, m)
	})
	t.Run("an empty builder builds an empty model", func(t *testing.T) {
		m, err := reach.NewBuilder().Build()
		require.NoError(t, err)
		_, err = m.Check(reach.Query{From: "eni-x", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
		assert.ErrorIs(t, err, reach.ErrQuery)
	})
	t.Run("a builder builds the same model twice", func(t *testing.T) {
		b := sample.ThreeTier()
		m1, err := b.Build()
		require.NoError(t, err)
		m2, err := b.Build()
		require.NoError(t, err)
		q := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
		r1, err := m1.Check(q)
		require.NoError(t, err)
		r2, err := m2.Check(q)
		require.NoError(t, err)
		// by what a reader sees: JSON holds every exported field and each
		// hop's reason and details; as Go values the results point into
		// their own models, which fill words at first use
		j1, err := json.Marshal(r1)
		require.NoError(t, err)
		j2, err := json.Marshal(r2)
		require.NoError(t, err)
		assert.JSONEq(t, string(j1), string(j2))
		assert.Equal(t, r1.Text(), r2.Text())
	})
	t.Run("host bits in a VPC and a route are masked, not rejected", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.VPCs[0].CIDRs[0] = bp("10.0.7.7/16")
		addRoute(d, rtPrivate, reach.Route{Destination: bp("192.168.1.1/16"), Target: reach.TargetBlackhole, TargetID: "nat-gone"})
		m, err := d.Builder().Build()
		require.NoError(t, err)
		r, err := m.Check(reach.Query{From: "app-1", To: "192.168.9.9", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Equal(t, []reach.Code{reach.BlackholeRoute}, r.Codes())
		assert.Contains(t, r.Forward[1].Reason(), "192.168.0.0/16")
	})
	t.Run("a subnet with an IPv6 block only builds", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		extraSubnet(d, "subnet-v6", "2001:db8:10:9::/64")
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2001:db8:10:9::9")}, Groups: []string{"sg-web"}})
		_, err := d.Builder().Build()
		require.NoError(t, err)
	})
	t.Run("an explicit local route for the VPC's block builds and routes", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		addRoute(d, rtPrivate, reach.Route{Destination: bp("10.0.0.0/16"), Target: reach.TargetLocal, TargetID: "local"})
		m, err := d.Builder().Build()
		require.NoError(t, err)
		r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
		require.NoError(t, err)
		assert.Equal(t, "10.0.0.0/16 via local", routeHop(t, r.Forward, "rtb-private").Rule)
	})
}

// routeHop returns the first route-table hop of hops with the given ID.
func routeHop(t *testing.T, hops []reach.Hop, table string) reach.Hop {
	t.Helper()
	for _, h := range hops {
		if h.Kind == reach.KindRouteTable && h.ID == table {
			return h
		}
	}
	require.Failf(t, "no route table hop", "%s not on the path", table)
	return reach.Hop{}
}

func TestBuildAddsImplicitLocalRoutes(t *testing.T) {
	d := sample.ThreeTierDesign()
	// A probe in the firewall subnet with an IPv6 and a public address, so
	// that both of the VPC's blocks are routed locally from the public
	// subnet, and from the internet gateway's edge.
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-probe", Name: "probe", Subnet: "subnet-fw",
		PrivateIPs: []netip.Addr{ba("10.0.0.50"), ba("2001:db8:10::50")}, PublicIP: ba("203.0.113.50"), Groups: []string{"sg-web"}})
	m, err := d.Builder().Build()
	require.NoError(t, err)
	tests := []struct {
		name  string
		q     reach.Query
		table string
		rule  string
	}{
		{"rtb-private, which lists only a default route, routes the VPC's IPv4 block locally",
			reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, "rtb-private", "10.0.0.0/16 via local"},
		{"rtb-public routes the IPv6 block locally, beating its ::/0 route",
			reach.Query{From: "web-1", To: "probe", Protocol: flow.TCP, Port: 443, IPv6: true}, "rtb-public", "2001:db8:10::/56 via local"},
		{"rtb-public routes the IPv4 block locally, beating its 0.0.0.0/0 route",
			reach.Query{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080}, "rtb-public", "10.0.0.0/16 via local"},
		{"the edge route table gets local routes too",
			reach.Query{From: "198.51.100.7", To: "203.0.113.50", Protocol: flow.TCP, Port: 443}, "rtb-edge", "10.0.0.0/16 via local"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			h := routeHop(t, r.Forward, tt.table)
			assert.Equal(t, tt.rule, h.Rule)
			assert.False(t, h.Blocked())
		})
	}
}

// The model keeps copies: changing what went into the builder, or the
// builder itself, after Build changes nothing in the model.
func TestModelIsUnaffectedByLaterChangesToItsInputs(t *testing.T) {
	queries := []reach.Query{
		{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432},
		{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000},
		{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080},
		{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443},
		{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 22},
		{From: "2001:db8:ff::7", To: "web-1", Protocol: flow.TCP, Port: 443},
		{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"},
		{From: "app-1", To: "web-1", Protocol: flow.ICMP},
		{From: "203.0.113.7", To: "partner", Protocol: flow.TCP, Port: 443},
	}
	check := func(m *reach.Model) []*reach.Result {
		t.Helper()
		out := make([]*reach.Result, len(queries))
		for i, q := range queries {
			r, err := m.Check(q)
			if q.To == "partner" {
				require.Error(t, err, "partner is only added after Build")
				continue
			}
			require.NoError(t, err, "%+v", q)
			out[i] = r
		}
		return out
	}
	d := sample.ThreeTierDesign()
	pl := reach.PrefixList{ID: "pl-db-clients", Entries: []netip.Prefix{bp("10.0.2.0/24")}}
	d.Groups[grDB].Rules = append(d.Groups[grDB].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432),
		ICMPType: -1, ICMPCode: -1, Peer: sg.PrefixList("pl-db-clients")})
	b := d.Builder().AddPrefixList(pl)
	m, err := b.Build()
	require.NoError(t, err)
	before := check(m)

	// Change every slice the builder shares with the design, in place.
	d.VPCs[0].CIDRs[0] = bp("10.99.0.0/16")
	d.Subnets[snDB].CIDRs[0] = bp("10.0.30.0/24")
	d.Interfaces[ifDB].PrivateIPs[0] = ba("10.0.3.99")
	d.Interfaces[ifWeb].Groups[0] = "sg-db"
	d.Groups[grDB].Rules[0].Ports = flow.Single[uint16](1)
	d.Groups[grWeb].Rules[0].Peer = sg.CIDR("192.0.2.0/24")
	d.ACLs[aclDB].Entries[1] = nacl.MustParseEntry("100 allow tcp 1024-65535 to 10.0.2.0/24")
	d.ACLs[aclApp].Entries[0] = nacl.MustParseEntry("100 deny tcp 8080 from 10.0.1.0/24")
	d.RouteTables[rtPrivate].Routes[0] = reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetBlackhole}
	d.RouteTables[rtEdge].Routes[0].TargetID = "vpce-gone"
	d.RouteTables[rtEdge].Gateways[0] = "igw-gone"
	d.Firewalls[0].Endpoints[0].Subnet = "subnet-db"
	d.Firewalls[0].Policy.Stateful.Groups[0].Group.RulesString = "drop ip any any -> any any (sid:1;)"
	pl.Entries[0] = bp("192.0.2.0/24")
	// And the builder itself.
	b.AddInterface(reach.Interface{ID: "eni-partner", Name: "partner", Subnet: "subnet-public",
		PrivateIPs: []netip.Addr{ba("10.0.1.77")}, PublicIP: ba("203.0.113.77"), Groups: []string{"sg-web"}})

	assert.Equal(t, before, check(m), "the model answers as before")

	// The changes do reach a model built afterwards: the test would prove
	// nothing otherwise.
	d2 := sample.ThreeTierDesign()
	d2.ACLs[aclDB].Entries[1] = nacl.MustParseEntry("100 allow tcp 1024-65535 to 10.0.2.0/24")
	m2, err := d2.Builder().Build()
	require.NoError(t, err)
	r, err := m2.Check(queries[0])
	require.NoError(t, err)
	assert.True(t, r.Reachable)
	assert.False(t, before[0].Reachable, "app-1 -> db-1 fails on the ephemeral-port pitfall in the demo")
	_, err = b.Build()
	assert.Error(t, err, "the builder now holds the changed, broken design")
}
