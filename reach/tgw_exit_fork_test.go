package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
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
	designs, sets := 150, 10
	if testing.Short() || raceOn {
		designs, sets = 40, 3
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		n := exitGapDesign(seed)
		n.stats, n.filtered = stats, true
		m, err := n.build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
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
	t.Logf("%d designs: %v", designs, stats)
	for _, want := range []string{"designs whose exits fork", "designs whose exits do not fork",
		"a transit gateway exit walked per subnet: every subnet alike", "a transit gateway exit walked per subnet: the subnets differ",
		"TGW_EXIT_ZONE_UNKNOWN (forks true)", "TGW_EXIT_ZONE_UNKNOWN (forks false)",
		"outcome " + reach.Reachable.String(), "outcome " + reach.Unreachable.String(), "outcome " + reach.Indeterminate.String()} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
}
