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
	"github.com/reachsim/reachsim/sg"
)

// newSibEstate is the two-armed estate (twoArmEstate) where eni-out has
// a group of its own (sg-out, all in and out) and an allow-all ACL
// acl-out is there for subnet-out to take, and where subnet-in (rtb-a,
// the main table) routes VPC B to pcx-ab too, so that c reaches d
// whichever interface i-ap sends by.
func newSibEstate() *twoArmEstate {
	d := newTwoArmEstate()
	d.rt("rtb-a").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
	d.iface("eni-out").Groups = []string{"sg-out"}
	d.groups = append(d.groups, sg.Group{ID: "sg-out", Rules: []sg.Rule{armAll(flow.Inbound), armAll(flow.Outbound)}})
	d.acls = append(d.acls, nacl.ACL{ID: "acl-out", VPCID: "vpc-a", Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}})
	return d
}

// sibEstateModels builds the estate before and after edit, each copy
// first adjusted by base.
func sibEstateModels(t *testing.T, base, edit func(*twoArmEstate)) (before, after *reach.Model) {
	t.Helper()
	for i, m := range []**reach.Model{&before, &after} {
		d := newSibEstate()
		if base != nil {
			base(d)
		}
		if i == 1 {
			edit(d)
		}
		var err error
		*m, err = d.builder().Build()
		require.NoError(t, err)
	}
	return before, after
}

// pairChangeOf returns d's change from interface from to interface to.
func pairChangeOf(d *reach.DiffResult, from, to string) *reach.PairChange {
	names := map[string]string{}
	for _, g := range d.Groups {
		for _, mb := range g.Members {
			names[mb.ID] = g.Name
		}
	}
	for i, c := range d.Changes {
		if c.From == names[from] && c.To == names[to] {
			return &d.Changes[i]
		}
	}
	return nil
}

// A change on an appliance's other interface (added; its group's rules;
// its subnet's network ACL or route table) changes every pair whose
// path crosses the instance, since the instance may send what it
// forwards out of that interface (appliance_egress_fork.go): Diff
// reports what the whole matrices' comparison does (audit estates24
// finding 1: its scope counted only the interface a route names), and
// the pair's change names the changed resource as its cause, though
// Check's trace shows the other interface's path (finding 2).
func TestDiffApplianceSiblingInterface(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	q := reach.Query{From: "eni-c", To: "eni-d", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name          string
		models        func(t *testing.T) (before, after *reach.Model)
		q             reach.Query
		before, after reach.Outcome
		cause         string // the ID of a resource among q's pair's causes
	}{
		{"second interface added, its group closed", func(t *testing.T) (*reach.Model, *reach.Model) {
			return sibEstateModels(t, func(d *twoArmEstate) {
				d.ifaces = slices.DeleteFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-out" })
			}, func(d *twoArmEstate) {
				nd := newSibEstate()
				nd.iface("eni-out").Groups = []string{"sg-none"}
				d.ifaces = append(d.ifaces, *nd.iface("eni-out"))
				d.groups = append(d.groups, sg.Group{ID: "sg-none"})
			})
		}, q, reach.Reachable, reach.Indeterminate, "eni-out"},
		{"the other interface's group loses its rules", func(t *testing.T) (*reach.Model, *reach.Model) {
			return sibEstateModels(t, nil, func(d *twoArmEstate) { d.group("sg-out").Rules = nil })
		}, q, reach.Reachable, reach.Indeterminate, "sg-out"},
		{"the other interface's subnet's ACL denies VPC B", func(t *testing.T) (*reach.Model, *reach.Model) {
			return sibEstateModels(t, func(d *twoArmEstate) { d.subnet("subnet-out").ACL = "acl-out" }, func(d *twoArmEstate) {
				a := d.acl("acl-out")
				a.Entries = append(slices.Clone(a.Entries), nacl.Entry{Number: 40 + len(a.Entries), Action: flow.Drop, Direction: flow.Outbound,
					Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.1.0.0/16")})
			})
		}, q, reach.Reachable, reach.Indeterminate, "acl-out"},
		{"the other interface's subnet's route table loses VPC B", func(t *testing.T) (*reach.Model, *reach.Model) {
			return sibEstateModels(t, nil, func(d *twoArmEstate) { d.rt("rtb-out").Routes = d.rt("rtb-out").Routes[1:] })
		}, q, reach.Reachable, reach.Indeterminate, "rtb-out"},
		{"transit gateway appliance mode (zone worlds), second interface added, check on", func(t *testing.T) (*reach.Model, *reach.Model) {
			mk := func(second bool) *reach.Model {
				d := newApplianceDesign(true)
				d.ifaces[slices.IndexFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-ap1" })].Instance = "i-ap"
				if second {
					d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-ap1x", Instance: "i-ap", Subnet: "subnet-ap2",
						PrivateIPs: []netip.Addr{netip.MustParseAddr("10.9.12.9")}, Groups: []string{"sg-open"}})
				}
				return d.build(t)
			}
			return mk(false), mk(true)
		}, reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 443}, reach.Reachable, reach.Indeterminate, "eni-ap1x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := tc.models(t)
			for _, side := range []struct {
				m    *reach.Model
				want reach.Outcome
			}{{before, tc.before}, {after, tc.after}} {
				r, err := side.m.Check(tc.q)
				require.NoError(t, err)
				require.Equal(t, side.want, r.Outcome, r.Text())
			}
			ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
			require.NoError(t, err)
			got, err := reach.Diff(before, after, reach.DiffOptions{})
			require.NoError(t, err)
			requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, got), "Diff against the whole matrices")
			requireSameDeltas(t, diffByPair(t, got), diffByPair(t, ref), "the whole matrices against Diff")
			pc := pairChangeOf(got, tc.q.From, tc.q.To)
			require.NotNil(t, pc, "Diff reports %s -> %s:\n%s", tc.q.From, tc.q.To, got.Text())
			var ids []string
			for _, c := range pc.Causes {
				ids = append(ids, c.ID)
			}
			assert.Contains(t, ids, tc.cause, "the change names its cause (note %q)\n%s", pc.Note, got.Text())
			for _, c := range got.Changes {
				assert.True(t, len(c.Causes) > 0 || c.Note != "", "%s -> %s has a cause or says why not\n%s", c.From, c.To, got.Text())
			}
		})
	}
}

// sibMutations are changes to the estate's appliance and its
// neighbourhood, most of them on eni-out, the interface no route names.
var sibMutations = []struct {
	name string
	do   func(rng *rand.Rand, d *twoArmEstate)
}{
	{"eni-out's group closed", func(_ *rand.Rand, d *twoArmEstate) { d.group("sg-out").Rules = nil }},
	{"eni-out's group lets out only VPC C", func(_ *rand.Rand, d *twoArmEstate) {
		d.group("sg-out").Rules = []sg.Rule{armAll(flow.Inbound), {Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1,
			Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.MustParsePrefix("10.2.0.0/16")}}}
	}},
	{"eni-out's group lets in nothing", func(_ *rand.Rand, d *twoArmEstate) { d.group("sg-out").Rules = []sg.Rule{armAll(flow.Outbound)} }},
	{"subnet-out's ACL denies a VPC out", func(rng *rand.Rand, d *twoArmEstate) {
		d.subnet("subnet-out").ACL = "acl-out"
		a := d.acl("acl-out")
		a.Entries = append(slices.Clone(a.Entries), nacl.Entry{Number: 40 + len(a.Entries), Action: flow.Drop, Direction: flow.Outbound,
			Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix([]string{"10.1.0.0/16", "10.2.0.0/16", "10.0.2.0/24"}[rng.IntN(3)])})
	}},
	{"subnet-out's ACL denies tcp in", func(_ *rand.Rand, d *twoArmEstate) {
		d.subnet("subnet-out").ACL = "acl-out"
		a := d.acl("acl-out")
		a.Entries = append(slices.Clone(a.Entries), nacl.Entry{Number: 40 + len(a.Entries), Action: flow.Drop, Direction: flow.Inbound,
			Protocol: flow.TCP, Ports: flow.PortRange{Lo: 1, Hi: 65535}, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
	}},
	{"rtb-out loses a route", func(rng *rand.Rand, d *twoArmEstate) {
		rt := d.rt("rtb-out")
		i := rng.IntN(len(rt.Routes))
		rt.Routes = slices.Delete(slices.Clone(rt.Routes), i, i+1)
	}},
	{"rtb-out sends VPC B back to eni-in", func(_ *rand.Rand, d *twoArmEstate) {
		d.rt("rtb-out").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetInterface, "eni-in"), armRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1")}
	}},
	{"eni-out removed", func(_ *rand.Rand, d *twoArmEstate) {
		d.ifaces = slices.DeleteFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-out" })
	}},
	{"eni-out's check on", func(_ *rand.Rand, d *twoArmEstate) { d.iface("eni-out").SourceDestCheckDisabled = false }},
	{"eni-out moves to subnet-c", func(_ *rand.Rand, d *twoArmEstate) {
		in := d.iface("eni-out")
		in.Subnet, in.PrivateIPs = "subnet-c", []netip.Addr{netip.MustParseAddr("10.0.2.99")}
	}},
	{"a third interface on i-ap, in subnet-tatt", func(_ *rand.Rand, d *twoArmEstate) {
		d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-x", Instance: "i-ap", Subnet: "subnet-tatt",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.5.20")}, Groups: []string{"sg-out"}, SourceDestCheckDisabled: true})
	}},
	{"subnet-in's table loses VPC B", func(_ *rand.Rand, d *twoArmEstate) { d.rt("rtb-a").Routes = nil }},
	{"eni-c's group closed", func(_ *rand.Rand, d *twoArmEstate) {
		d.groups = append(d.groups, sg.Group{ID: "sg-none"})
		d.iface("eni-c").Groups = []string{"sg-none"}
	}},
}

// TestDiffApplianceSiblingRandom holds Diff to the comparison of every
// pair of both whole matrices (DiffReference) on the two-armed
// appliance's estate, with random changes before and after, most on the
// interface of the appliance no route names; every change has a cause
// or a note saying why not.
func TestDiffApplianceSiblingRandom(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 40
	switch {
	case raceOn: // the race detector needs the walks, not every design
		designs = 4
	case testing.Short():
		designs = 8
	}
	scoped := 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 24))
		pick := func() []int {
			var out []int
			for range rng.IntN(3) {
				out = append(out, rng.IntN(len(sibMutations)))
			}
			return out
		}
		base, edit := pick(), pick()
		if len(edit) == 0 {
			edit = []int{rng.IntN(len(sibMutations))}
		}
		var did []string
		apply := func(ks []int, rngSeed uint64) func(*twoArmEstate) {
			return func(d *twoArmEstate) {
				r := rand.New(rand.NewPCG(seed, rngSeed))
				for _, k := range ks {
					sibMutations[k].do(r, d)
				}
			}
		}
		for _, k := range base {
			did = append(did, "base: "+sibMutations[k].name)
		}
		for _, k := range edit {
			did = append(did, "then: "+sibMutations[k].name)
		}
		msg := fmt.Sprintf("seed %d: %v", seed, did)
		var models [2]*reach.Model
		for i := range models {
			d := newSibEstate()
			apply(base, 1)(d)
			if i == 1 {
				apply(edit, 2)(d)
			}
			m, err := d.builder().Build()
			require.NoError(t, err, msg)
			models[i] = m
		}
		before, after := models[0], models[1]
		ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
		require.NoError(t, err, msg)
		got, err := reach.Diff(before, after, reach.DiffOptions{})
		require.NoError(t, err, msg)
		requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, got), msg)
		requireSameDeltas(t, diffByPair(t, got), diffByPair(t, ref), msg+" (no change the whole matrices lack)")
		for _, c := range got.Changes {
			assert.True(t, len(c.Causes) > 0 || c.Note != "", "%s: %s -> %s has a cause or says why not\n%s", msg, c.From, c.To, got.Text())
		}
		if !reach.DiffScopeIsAll(before, after) {
			scoped++
		}
	}
	t.Logf("%d of %d diffs scoped", scoped, designs)
}

// A change whose traces meet no changed resource deciding differently
// says so in its Note, rather than coming with no cause and no word:
// eni-out moved into c's subnet changes c -> d (the path out of eni-out
// now meets subnet-c's table and ACL, which did not change).
func TestDiffUnattributedChangeSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		edit     func(*twoArmEstate)
	}{
		{"appliance's other interface moved to the client's subnet", "eni-c", "eni-d", func(d *twoArmEstate) {
			in := d.iface("eni-out")
			in.Subnet, in.PrivateIPs = "subnet-c", []netip.Addr{netip.MustParseAddr("10.0.2.99")}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := sibEstateModels(t, nil, tc.edit)
			got, err := reach.Diff(before, after, reach.DiffOptions{})
			require.NoError(t, err)
			pc := pairChangeOf(got, tc.from, tc.to)
			require.NotNil(t, pc, got.Text())
			require.Empty(t, pc.Causes, got.Text())
			assert.Contains(t, pc.Note, "causes not attributed", got.Text())
		})
	}
}
