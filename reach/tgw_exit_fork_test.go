package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// exitGapDesign makes a design of two or three VPCs joined by a transit
// gateway whose attachments often have no subnet in a zone the others
// send from, so that the gateway's exit subnet is one AWS does not name:
// subnets in three zones, some with a network ACL that drops another
// VPC's traffic, some with a route table of their own that lacks a
// route or holds a blackhole; each subnet holds one interface.
func exitGapDesign(seed uint64) *refNet {
	rng := rand.New(rand.NewPCG(seed, 51))
	chance := func(p float64) bool { return rng.Float64() < p }
	pfx := netip.MustParsePrefix
	open := []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}
	d := &sample.Design{Groups: []sg.Group{{ID: "sg-open", Rules: open}}}
	n := &refNet{d: d, tgws: []reach.TransitGateway{{ID: "tgw-1"}}}
	vpcs := 2 + rng.IntN(2)
	block := func(i int) string { return fmt.Sprintf("10.%d.0.0/16", i) }
	toTGW := func(i int) reach.Route {
		return reach.Route{Destination: pfx(block(i)), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}
	}
	table := reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1"}
	for i := range vpcs {
		v := fmt.Sprintf("vpc-%d", i)
		d.VPCs = append(d.VPCs, reach.VPC{ID: v, CIDRs: []netip.Prefix{pfx(block(i))}, MainRouteTable: fmt.Sprintf("rtb-%d", i), DefaultACL: fmt.Sprintf("acl-%d", i)})
		d.ACLs = append(d.ACLs, nacl.NewDefault(fmt.Sprintf("acl-%d", i), v, false))
		main := reach.RouteTable{ID: fmt.Sprintf("rtb-%d", i), VPC: v}
		for j := range vpcs {
			if j != i && chance(0.9) {
				main.Routes = append(main.Routes, toTGW(j))
			}
		}
		d.RouteTables = append(d.RouteTables, main)
		att := reach.TGWAttachment{ID: fmt.Sprintf("att-%d", i), TransitGateway: "tgw-1", Type: "vpc", VPC: v, RouteTable: table.ID, Propagations: []string{table.ID}}
		zones := map[string]bool{}
		for k := range 2 + rng.IntN(2) {
			id := fmt.Sprintf("subnet-%d-%d", i, k)
			s := reach.Subnet{ID: id, VPC: v, CIDRs: []netip.Prefix{pfx(fmt.Sprintf("10.%d.%d.0/24", i, k))}, AvailabilityZone: fmt.Sprintf("az-%d", 1+rng.IntN(3))}
			if chance(0.35) {
				// an ACL that drops what one VPC sends in
				acl := nacl.NewCustom("acl-"+id, v)
				for _, e := range []string{fmt.Sprintf("100 deny all from %s", block(rng.IntN(vpcs))), "200 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"} {
					acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
				}
				d.ACLs = append(d.ACLs, acl)
				s.ACL = acl.ID
			}
			if chance(0.3) {
				// a table of its own: the main one's routes, one missing
				// or a blackhole
				own := reach.RouteTable{ID: "rtb-" + id, VPC: v, Routes: slices.Clone(main.Routes)}
				if len(own.Routes) > 0 && chance(0.5) {
					own.Routes = slices.Delete(own.Routes, 0, 1)
				} else if len(own.Routes) > 0 {
					own.Routes[0].Target, own.Routes[0].TargetID = reach.TargetBlackhole, ""
				}
				d.RouteTables = append(d.RouteTables, own)
				s.RouteTable = own.ID
			}
			d.Subnets = append(d.Subnets, s)
			d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-" + id[len("subnet-"):], Subnet: id,
				PrivateIPs: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.%d.%d.10", i, k))}, Groups: []string{"sg-open"}})
			if !zones[s.AvailabilityZone] && (len(att.Subnets) == 0 || chance(0.7)) {
				zones[s.AvailabilityZone] = true
				att.Subnets = append(att.Subnets, id)
			}
		}
		n.tgwAtts = append(n.tgwAtts, att)
	}
	n.tgwRTs = []reach.TGWRouteTable{table}
	return n
}

// The walks over the subnet a transit gateway sends a packet out by,
// where AWS does not name it (tgw_exit_fork.go), agree with the
// reference's (route_ref_exitfork_test.go) on every pair of interfaces of
// generated designs: outcome, verdict, first blocks and every blocking
// filter; Verdict agrees with Check; and on some designs every set
// answer agrees with brute force over Check, which walks the choices.
func TestTransitGatewayExitForksAgreeWithReference(t *testing.T) {
	t.Parallel()
	designs, sets, step := 150, 10, uint64(1)
	switch {
	case raceOn: // the race detector needs the concurrency, not every design (14 s at 40)
		sets, step = 2, 6
	case testing.Short():
		designs, sets = 40, 3
	}
	stats := map[string]int{}
	for seed := uint64(0); seed < uint64(designs); seed += step {
		n := exitGapDesign(seed)
		n.stats, n.filtered = stats, true
		m, err := n.build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
		unforked := reach.WithoutExitForks(m)
		forks := false
		for _, a := range n.tgwAtts {
			forks = forks || n.exitForking(a.ID)
		}
		if forks {
			stats["designs whose exits fork"]++
		} else {
			stats["designs whose exits do not fork"]++
		}
		for _, from := range n.d.Interfaces {
			for _, to := range n.d.Interfaces {
				if from.ID == to.ID {
					continue
				}
				f := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(from.PrivateIPs[0], 50000), Dst: netip.AddrPortFrom(to.PrivateIPs[0], 443)}
				r, err := m.CheckFlow(f)
				if errors.Is(err, reach.ErrQuery) {
					continue
				}
				require.NoError(t, err, "seed %d: %s", seed, f)
				want := n.refCheck(f, from.ID)
				require.Empty(t, want.skip, "seed %d: %s", seed, f)
				agreeWithFilterReference(t, seed, f, r, want)
				v, err := m.VerdictFlow(f)
				require.NoError(t, err)
				require.Equal(t, r.Outcome, v, "seed %d, %s: Verdict answers as Check does\n%s", seed, f, r.Text())
				stats["outcome "+r.Outcome.String()]++
				// walking each subnet only ever decides what was undecided
				if was, err := unforked.VerdictFlow(f); err == nil && was != reach.Indeterminate {
					require.Equal(t, was, r.Outcome, "seed %d, %s: forking changed a certain answer\n%s", seed, f, r.Text())
				} else if err == nil && r.Outcome != reach.Indeterminate {
					stats["decided by walking each subnet"]++
				}
				if slices.ContainsFunc(slices.Concat(r.Forward, r.Return), func(h reach.Hop) bool {
					return h.Code == reach.TGWExitZoneUnknown || h.Code == reach.TGWExitZoneUnknown.OnLeg(reach.Return)
				}) {
					stats[fmt.Sprintf("%s (forks %v)", reach.TGWExitZoneUnknown, forks)]++
				}
			}
		}
		if forks && stats["set answers checked"] < sets {
			stats["set answers checked"]++
			brute.CheckSetAnswers(t, m, brute.Options{Few: true, Seed: seed,
				Ports:   []reach.PortsQuery{{From: n.d.Interfaces[0].ID, To: n.d.Interfaces[len(n.d.Interfaces)-1].ID, Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: n.d.Interfaces[len(n.d.Interfaces)-1].ID, Protocol: flow.TCP, Port: 443}},
			})
		}
	}
	t.Logf("%d designs: %v", (uint64(designs)+step-1)/step, stats)
	if raceOn {
		return // a sixth of the designs: the runs without -race check what they exercise
	}
	for _, want := range []string{"designs whose exits fork", "designs whose exits do not fork",
		"a transit gateway exit walked per subnet: every subnet alike", "a transit gateway exit walked per subnet: the subnets differ",
		"TGW_EXIT_ZONE_UNKNOWN (forks true)", "TGW_EXIT_ZONE_UNKNOWN (forks false)",
		"outcome " + reach.Reachable.String(), "outcome " + reach.Unreachable.String(), "outcome " + reach.Indeterminate.String(),
		"decided by walking each subnet"} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
}

// BenchmarkTGWExitForks measures what walking each exit subnet costs on a
// generated design whose exits fork (exitGapDesign): a check across the
// transit gateway, and the whole matrix (answered once per zone world),
// beside the same model answering such exits undecided, as before
// (unforked).
func BenchmarkTGWExitForks(b *testing.B) {
	var n *refNet
	var m *reach.Model
	for seed := uint64(0); m == nil; seed++ {
		n = exitGapDesign(seed)
		for _, a := range n.tgwAtts {
			if n.exitForking(a.ID) && len(n.d.Interfaces) >= 8 {
				var err error
				m, err = n.build()
				require.NoError(b, err)
				break
			}
		}
	}
	// a check whose request meets a fork
	var q reach.Query
	for _, from := range n.d.Interfaces {
		for _, to := range n.d.Interfaces {
			c := reach.Query{From: from.ID, To: to.ID, Protocol: flow.TCP, Port: 443}
			if r, err := m.Check(c); err == nil && slices.ContainsFunc(r.Forward, func(h reach.Hop) bool {
				return slices.ContainsFunc(h.Details(), func(d string) bool { return strings.Contains(d, "each is walked") })
			}) && q.From == "" {
				q = c
			}
		}
	}
	require.NotEmpty(b, q.From, "a check meets a fork")
	for _, tc := range []struct {
		name string
		m    *reach.Model
	}{{"forked", m}, {"unforked", reach.WithoutExitForks(m)}} {
		b.Run("check/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.m.Check(q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("matrix/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.m.Matrix(reach.MatrixOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Without appliance mode, the request and the reply choose the subnet a
// transit gateway sends them out by apart: in a centralised inspection
// VPC whose attachment has no subnet in the spokes' zone (az-3), the
// request may cross one appliance and the reply the other. An appliance
// whose security group lets in only the request's side then drops the
// reply it never saw the request of (its group tracks no such session):
// the answer differs between the combinations, though each subnet alone,
// both ways, gets through. The set questions answer it alike (their zone
// worlds choose each leg's subnet apart).
func TestTransitGatewayExitChoicesPerLeg(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		peer  string // the block ap-2's group lets in
		want  reach.Outcome
		codes []reach.Code
	}{
		{"ap-2 lets in the request's side only: the crossed combinations drop the reply", "10.1.0.0/16",
			reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}},
		{"ap-2 lets in every side: every combination gets through", "10.0.0.0/8", reach.Reachable, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newApplianceDesign(false)
			for i := range d.subnets {
				if id := d.subnets[i].ID; id == "subnet-a" || id == "subnet-b" {
					d.subnets[i].AvailabilityZone = "az-3"
				}
			}
			d.groups = append(d.groups, sg.Group{ID: "sg-ap2", Rules: []sg.Rule{
				{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.MustParsePrefix(tc.peer)}},
				{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
			d.ifaces[4].Groups = []string{"sg-ap2"}
			m := d.build(t)
			checkAToB(t, m, tc.want, tc.codes)
			if raceOn && tc.want == reach.Reachable {
				return // under -race, the set answers of the case that differs (16 s)
			}
			brute.CheckSetAnswers(t, m, brute.Options{Few: true,
				Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}},
			})
		})
	}
}

// An exit AWS does not name beside appliance mode: att-i's flow hash
// picks ap-1 (az-1) or ap-2 (az-2) for both directions; the reply then
// comes back to the transit gateway in that appliance's zone, and att-a,
// with subnets in az-1 and az-3, has none in az-2, so the reply through
// ap-2 leaves by either of them. Through subnet-a3, closed, it is
// dropped. The check walks every combination of both kinds of choice, and
// the set questions every zone world of both.
func TestTransitGatewayExitForksBesideApplianceMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		closed bool // subnet-a3 has the ACL that denies everything
		want   reach.Outcome
		codes  []reach.Code
	}{
		{"the reply through ap-2 may leave by a closed subnet", true, reach.Indeterminate, []reach.Code{reach.TGWApplianceZoneUnknown}},
		{"every subnet open", false, reach.Reachable, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newApplianceDesign(true)
			a3 := reach.Subnet{ID: "subnet-a3", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.3.0/24")}, AvailabilityZone: "az-3"}
			if tc.closed {
				a3.ACL = "acl-closed-a"
				d.acls = append(d.acls, nacl.NewCustom("acl-closed-a", "vpc-a"))
			}
			d.subnets = append(d.subnets, a3)
			d.atts[0].Subnets = append(d.atts[0].Subnets, "subnet-a3")
			m := d.build(t)
			checkAToB(t, m, tc.want, tc.codes)
			if raceOn && !tc.closed {
				return // under -race, the set answers of the case that differs (16 s)
			}
			brute.CheckSetAnswers(t, m, brute.Options{Few: true})
		})
	}
}

// Exit forks whose worlds, with appliance mode's, would be more than the
// set questions walk (64) do not fork: the design is answered as before,
// such an exit undecided where the subnets differ, and the set questions
// still answer it. att-i's five subnets make five appliance worlds; att-a
// and att-b, with two subnets each and none in most of those zones,
// would make sixteen exit worlds more each.
func TestTransitGatewayExitForksBeyondTheWorlds(t *testing.T) {
	d := newApplianceDesign(true)
	for z := 3; z <= 5; z++ {
		id := fmt.Sprintf("subnet-ti%d", z)
		d.subnets = append(d.subnets, reach.Subnet{ID: id, VPC: "vpc-i", CIDRs: []netip.Prefix{pfx(fmt.Sprintf("10.9.%d.0/24", z))}, AvailabilityZone: fmt.Sprintf("az-%d", z), RouteTable: "rtb-ti1"})
		d.atts[2].Subnets = append(d.atts[2].Subnets, id)
	}
	d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-a3", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.3.0/24")}, AvailabilityZone: "az-3", ACL: "acl-closed-a"})
	d.acls = append(d.acls, nacl.NewCustom("acl-closed-a", "vpc-a"))
	d.atts[0].Subnets = append(d.atts[0].Subnets, "subnet-a3")
	m := d.build(t)
	r, err := m.Check(reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, r.Outcome, "through ap-2 the reply's exit into att-a is undecided: %s", r.Text())
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err, "the set questions answer the design by its appliance worlds alone")
	c := brute.CellOf(mx, "C1", "C2")
	require.True(t, c.Allowed.TCP.String() == "none" && c.Indeterminate.TCP.Contains(443), "app-a to app-b: %+v", c)
}

// checkAToB checks tcp/443 from app-a to app-b on m: the outcome is want,
// the codes of the undecided hops codes, and Verdict answers alike.
func checkAToB(t *testing.T, m *reach.Model, want reach.Outcome, codes []reach.Code) {
	t.Helper()
	q := reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443}
	r, err := m.Check(q)
	require.NoError(t, err)
	require.Equal(t, want, r.Outcome, r.Text())
	var got []reach.Code
	for _, h := range r.Undecided() {
		got = append(got, h.Code)
	}
	require.Equal(t, codes, got, r.Text())
	v, err := m.Verdict(q)
	require.NoError(t, err)
	require.Equal(t, want, v, "Verdict answers as Check does")
}
