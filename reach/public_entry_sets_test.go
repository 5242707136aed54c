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
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// classOf is the name of the matrix class whose members hold id.
func classOf(t *testing.T, mx *reach.Matrix, id string) string {
	t.Helper()
	for _, c := range mx.Classes {
		if slices.ContainsFunc(c.Members, func(m reach.ClassMember) bool { return m.ID == id }) {
			return c.Name
		}
	}
	require.Failf(t, "no class", "%s is in no class", id)
	return ""
}

// The set questions agree with Check on public sources whose way back is
// a VPN: the internet addresses subnet-app routes to vgw-1 (203.0.113.0/24)
// are undecided toward app named by ID (at its private address), toward
// db's private address and its IPv6 one, where the destination's groups
// let them in, never reachable for certain; where those groups close
// the port (tcp 22 to app), closed for certain, whichever way the
// request came; app's public address is answered as before; web, whose
// subnet routes them to the internet gateway, too.
func TestPublicSourceOutsideTheDesignSets(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	vgw := fns(route(unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway")),
		route(unmodelledRoute("2600::/16", "vgw-1", "virtual private gateway")))
	m := publicEntry(t, publicEntryOpts{edit: vgw})
	vpn := addrset.Of(bp("203.0.113.0/24"))
	for _, tc := range []struct {
		to       string
		port     uint16
		v6       bool
		open     bool // the other internet addresses get through
		undecide []netip.Prefix
	}{
		{to: "app", port: 443, open: true, undecide: pfxs("203.0.113.0/24")},
		{to: "app", port: 22}, // sg-web closes it: whichever way the request came
		{to: "10.1.1.20", port: 22, undecide: pfxs("203.0.113.0/24")},
		{to: "db", port: 22, undecide: pfxs("203.0.113.0/24")},
		{to: "198.51.100.10", port: 443, open: true, undecide: pfxs("203.0.113.0/24")}, // in through the internet gateway, the reply to vgw-1
		{to: "198.51.100.10", port: 22},
		{to: "web", port: 443, open: true},
		{to: "db", port: 22, v6: true, open: true, undecide: pfxs("2600::/16")},
	} {
		q := reach.SourcesQuery{To: tc.to, Protocol: flow.TCP, Port: tc.port, IPv6: tc.v6}
		msg := fmt.Sprintf("%+v", q)
		r, err := m.Sources(q)
		require.NoError(t, err, msg)
		assert.True(t, addrset.Of(tc.undecide...).Equal(addrset.Of(r.InternetIndeterminate...)), "%s: %s", msg, r)
		assert.Equal(t, tc.open, len(r.Internet) > 0, "%s: %s", msg, r)
		if !tc.v6 {
			assert.False(t, addrset.Of(r.Internet...).Overlaps(vpn) && tc.to != "web", "%s: no address routed to vgw-1 gets through for certain: %s", msg, r)
		}
	}

	// The internet's cell with app's class holds, undecided, what
	// 203.0.113.0/24 may send over the VPN that app's groups let in:
	// nothing but tcp 443, which the rest of the internet opens; with
	// db's class (no public address), what db's groups let in: tcp 22.
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	c := brute.CellOf(mx, reach.InternetNode, classOf(t, mx, "eni-app"))
	assert.Equal(t, "tcp 443", c.Allowed.String())
	assert.True(t, c.Indeterminate.IsEmpty(), "the groups close the rest for certain: %s", c.Indeterminate)
	c = brute.CellOf(mx, reach.InternetNode, classOf(t, mx, "eni-db"))
	assert.True(t, c.Allowed.IsEmpty(), c.Allowed.String())
	assert.Equal(t, "tcp 22", c.Indeterminate.String())
	c = brute.CellOf(mx, reach.InternetNode, classOf(t, mx, "eni-web"))
	assert.Equal(t, "tcp 443", c.Allowed.String())
	assert.True(t, c.Indeterminate.IsEmpty(), "web's subnet routes it to the internet: %s", c.Indeterminate)

	// db has no public address: SSH, which its group opens to the
	// internet, was closed (no public IP); the VPN's addresses leave it
	// undecided.
	a, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	i := slices.IndexFunc(a.Findings, func(f reach.Finding) bool { return f.Interface == "eni-db" && f.Service == "SSH" })
	require.GreaterOrEqual(t, i, 0, "%+v", a.Findings)
	assert.Equal(t, reach.Undecided, a.Findings[i].Exposure, "%+v", a.Findings[i])

	brute.CheckSetAnswers(t, m, brute.Options{Few: true, IPv6: true,
		Ports: []reach.PortsQuery{{From: "203.0.113.5", To: "app", Protocol: flow.TCP}, {From: "8.8.8.8", To: "app", Protocol: flow.TCP},
			{From: "203.0.113.5", To: "db", Protocol: flow.ICMP}},
		Sources: []reach.SourcesQuery{{To: "app", Protocol: flow.TCP, Port: 443}, {To: "app", Protocol: flow.TCP, Port: 22},
			{To: "db", Protocol: flow.TCP, Port: 22}, {To: "10.1.1.10", Protocol: flow.TCP, Port: 443}, {To: "198.51.100.10", Protocol: flow.TCP, Port: 443},
			{To: "db", Protocol: flow.TCP, Port: 22, IPv6: true}}})

	// The reference matrix, every pair walked whole, agrees.
	assertMatrixAgreesWithReference(t, m)
}

// Diff compares the internet address by address: routing 203.0.113.0/24
// to a VPN gateway in app's subnet loses what those addresses reached for
// certain (tcp 443 to app) and leaves it undecided, but nothing app's
// groups close (they judge the request whichever way it came); the rest
// of the internet is as it was.
func TestPublicSourceOutsideTheDesignDiff(t *testing.T) {
	before := publicEntry(t, publicEntryOpts{})
	after := publicEntry(t, publicEntryOpts{edit: fns(route(unmodelledRoute("203.0.113.0/24", "vgw-1", "virtual private gateway")))})
	d, err := reach.Diff(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	var found bool
	for _, pc := range d.Changes {
		if pc.From != reach.InternetNode {
			continue
		}
		for _, ac := range pc.Addresses {
			assert.Equal(t, pfxs("203.0.113.0/24"), ac.Addresses, "only the VPN's addresses changed: %+v", pc)
			if slices.Contains(diffMembers(d, pc.To), "eni-app") {
				found = true
				assert.True(t, ac.Lost.TCP.Contains(443), "%+v", ac)
				assert.True(t, ac.IndeterminateGained.TCP.Contains(443), "%+v", ac)
				assert.False(t, ac.IndeterminateGained.TCP.Contains(22), "sg-web closes it: %+v", ac)
			}
		}
	}
	assert.True(t, found, "the internet to app changed: %+v", d.Changes)
}

// diffMembers are the interface IDs of the diff's group named name.
func diffMembers(d *reach.DiffResult, name string) []string {
	for _, g := range d.Groups {
		if g.Name == name {
			var out []string
			for _, m := range g.Members {
				out = append(out, m.ID)
			}
			return out
		}
	}
	return nil
}

// vpnRoutes adds to some of d's route tables (not gateway route tables)
// routes for public blocks to what the design does not model (a virtual
// private gateway, perhaps propagated; a local gateway; a peering
// connection the input lacks): the internet addresses the brute-force
// checks send from among them (198.51.100.7, 8.8.8.8, 1.2.3.4,
// 2001:db8:aaaa::7, 2600::1), and 0.0.0.0/0 where a table has no such
// route. A query from such an address to an interface of the table's
// subnets may come in privately (private_entry.go): the set questions
// must answer it as Check does. rng is a stream of its own, so that the
// rest of a seed's design stays as it was.
func vpnRoutes(rng *rand.Rand, d *sample.Design) {
	blocks := pfxs("198.51.100.0/24", "8.8.8.0/24", "1.2.3.0/24", "203.0.113.128/25", "0.0.0.0/1", "2001:db8:aaaa::/48", "2600::/16", "0.0.0.0/0")
	targets := []reach.Route{
		{Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"},
		{Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true},
		{Target: reach.TargetUnmodelled, TargetID: "lgw-1", TargetType: "local gateway"},
		{Target: reach.TargetUnmodelled, TargetID: "pcx-gone", TargetType: "peering connection"},
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if rt.Gateways != nil || rng.Float64() < 0.5 {
			continue
		}
		for range 1 + rng.IntN(2) {
			r := targets[rng.IntN(len(targets))]
			r.Destination = blocks[rng.IntN(len(blocks))]
			if !slices.ContainsFunc(rt.Routes, func(x reach.Route) bool { return x.Destination == r.Destination }) {
				rt.Routes = append(rt.Routes, r)
			}
		}
	}
}

// assertMatrixAgreesWithReference holds m's matrix, over IPv4 and over
// IPv6, to the reference matrix (every pair walked whole), cell by cell.
func assertMatrixAgreesWithReference(t *testing.T, m *reach.Model) {
	t.Helper()
	for _, v6 := range []bool{false, true} {
		fast, err := m.Matrix(reach.MatrixOptions{IPv6: v6})
		require.NoError(t, err)
		ref, err := reach.MatrixReference(m, reach.MatrixOptions{IPv6: v6})
		require.NoError(t, err)
		require.Equal(t, len(ref.Cells), len(fast.Cells))
		for i := range ref.Cells {
			assert.True(t, ref.Cells[i].Allowed.Equal(fast.Cells[i].Allowed) && ref.Cells[i].Indeterminate.Equal(fast.Cells[i].Indeterminate),
				"v6 %v %s -> %s: reference %s / %s, fast %s / %s", v6, ref.Cells[i].From, ref.Cells[i].To,
				ref.Cells[i].Allowed, ref.Cells[i].Indeterminate, fast.Cells[i].Allowed, fast.Cells[i].Indeterminate)
		}
	}
}
