// The randomized test of the filter reference (filter_ref_test.go): the
// routing reference's open designs (route_ref_gen_test.go) given random
// security group rules and network ACL entries over their own CIDRs, with
// port and ICMP edges (and prefix lists as group rule peers), asked wide
// questions; the engine must agree with
// it on each leg's first block, on every filter that blocks on each leg
// (in walk order), on the outcome and on the verdict. Designs of their
// own then try Alibaba Cloud groups and instances of several interfaces
// (filter_ref_ali_test.go). The log counts the questions compared and
// those skipped, by reason.

package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// filterEdgePorts are the ports rules and questions are drawn from: the
// edges of the whole range, of the well-known and ephemeral ranges, and
// the client ports the questions use.
var filterEdgePorts = []uint16{0, 1, 22, 53, 443, 1023, 1024, 40000, 49999, 50000, 50001, 65534, 65535}

// agreeWithFilterReference requires the engine's check r of f and the
// filter reference's want to agree: on the first block of each leg (the
// rule named where the reference knows it), on every filter that blocks,
// on the outcome and on the verdict. It returns the reference's first
// blocks ("none" for a forward leg without one).
func agreeWithFilterReference(t *testing.T, seed uint64, f flow.Flow, r *reach.Result, want refSession) (wf, wr string) {
	t.Helper()
	explain := func(what string) string {
		return fmt.Sprintf("seed %d, %s: the %s differ\nreference forward:\n  %s\n  filters %+v\nreference return:\n  %s\n  filters %+v\nengine:\n%s",
			seed, f, what, hopLines(want.fwd), want.fwdF, hopLines(want.ret), want.retF, r.Text())
	}
	wf, wr = firstBlock(want.fwd, want.fwdF), firstBlock(want.ret, want.retF)
	// the rule is named only where the reference knows it (a
	// NAT gateway's port judged by several entries: not)
	ef := engineBlock(r.Forward, !strings.HasSuffix(wf, "rule "))
	er := engineBlock(r.Return, !strings.HasSuffix(wr, "rule "))
	if want.fwd == nil {
		wf = "none"
	}
	require.Equal(t, wf, ef, explain("first blocks of the forward legs"))
	if len(want.ret) > 0 || len(r.Return) > 0 {
		require.Equal(t, wr, er, explain("first blocks of the return legs"))
	}
	// every filter that blocks, in walk order, not only the first
	if want.fwd != nil {
		require.Equal(t, filterBlocks(want.fwdF), engineFilterBlocks(r.Forward), explain("blocking filters of the forward legs"))
	}
	if want.ret != nil {
		require.Equal(t, filterBlocks(want.retF), engineFilterBlocks(r.Return), explain("blocking filters of the return legs"))
	}
	require.Equal(t, want.outcome, r.Outcome, explain("outcomes"))
	require.Equal(t, want.reachable, r.Reachable, explain("verdicts"))
	return wf, wr
}

// filterDesign is openDesign's design of seed (even: one or two VPCs;
// odd: two to four, joined by peerings and transit gateways, with
// gateway endpoints) with random security group rules and network ACL
// entries, and its transit gateways given security group referencing
// support at random (on, off, unknown; an attachment's now and then
// off): peers and CIDRs from the design's own blocks and addresses and
// from outside, its groups, its prefix lists (those of unknown entries
// too), ports from filterEdgePorts, ICMP types and codes around echo.
func filterDesign(seed uint64) (n *refNet, srcs, dsts []netip.Addr) {
	n, srcs, dsts = openDesign(seed)
	rng := rand.New(rand.NewPCG(seed, 31))
	chance := func(p float64) bool { return rng.Float64() < p }
	d := n.d
	cidrs := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("0.0.0.0/1"),
		netip.MustParsePrefix("128.0.0.0/1"), netip.MustParsePrefix("8.8.8.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("10.0.0.0/8")}
	for _, v := range d.VPCs {
		cidrs = append(cidrs, v.CIDRs...)
	}
	for _, s := range d.Subnets {
		cidrs = append(cidrs, s.CIDRs...)
	}
	for _, a := range dsts {
		if chance(0.3) {
			cidrs = append(cidrs, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	var groups []string
	for _, g := range d.Groups {
		groups = append(groups, g.ID)
	}
	var lists []string
	for _, l := range n.lists {
		lists = append(lists, l.ID)
	}
	lists = append(lists, n.unresolved...)
	lrng := rand.New(rand.NewPCG(seed, 33)) // a stream of its own: the rest stays as it was
	protocols := []flow.Protocol{flow.AllProtocols, flow.TCP, flow.TCP, flow.TCP, flow.UDP, flow.UDP, flow.ICMP, flow.ICMP, flow.GRE, flow.SCTP}
	ports := func() (flow.PortRange, bool) {
		switch {
		case chance(0.2):
			return flow.AllPorts, false
		case chance(0.05):
			return flow.PortRange{}, true // port 0 alone
		}
		a, b := filterEdgePorts[rng.IntN(len(filterEdgePorts))], filterEdgePorts[rng.IntN(len(filterEdgePorts))]
		if a > b {
			a, b = b, a
		}
		if a == 0 && b == 0 {
			return flow.PortRange{}, true
		}
		return flow.PortRange{Lo: a, Hi: b}, false
	}
	icmp := func() (int16, int16) {
		switch rng.IntN(5) {
		case 0:
			return -1, -1
		case 1:
			return 8, -1
		case 2:
			return 8, 0
		case 3:
			return 0, -1
		}
		return 13, int16(rng.IntN(2))
	}
	for i := range d.Groups {
		if !chance(0.6) {
			continue // open both ways
		}
		g := &d.Groups[i]
		g.Rules = nil
		if chance(0.5) {
			// members of a group, wherever they are, let in
			g.Rules = append(g.Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1,
				Peer: sg.GroupRef(groups[rng.IntN(len(groups))])})
		}
		for range 1 + rng.IntN(6) {
			r := sg.Rule{Direction: flow.Inbound, Protocol: protocols[rng.IntN(len(protocols))], ICMPType: -1, ICMPCode: -1}
			if chance(0.5) {
				r.Direction = flow.Outbound
			}
			switch {
			case r.Protocol.HasPorts():
				r.Ports, r.PortZero = ports()
			case r.Protocol == flow.ICMP:
				r.ICMPType, r.ICMPCode = icmp()
			}
			r.Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: cidrs[rng.IntN(len(cidrs))].Masked()}
			if chance(0.25) {
				r.Peer = sg.GroupRef(groups[rng.IntN(len(groups))])
			}
			if r.Peer.Kind == sg.PeerCIDR && len(lists) > 0 && lrng.Float64() < 0.25 {
				// a prefix list of the design (the S3 service's, over
				// subnets, outside); now and then one whose entries the
				// input lacks
				r.Peer = sg.Peer{Kind: sg.PeerPrefixList, PrefixList: lists[lrng.IntN(len(lists))]}
			}
			g.Rules = append(g.Rules, r)
		}
		if chance(0.5) {
			// most groups allow all traffic out, as AWS creates them
			g.Rules = append(g.Rules, sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
		}
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if !chance(0.6) {
			continue
		}
		a.Entries = nil
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			var used []int
			for range rng.IntN(7) {
				num := 1 + rng.IntN(nacl.MaxRuleNumber)
				if chance(0.3) {
					num = []int{1, 99, 100, 101, nacl.MaxRuleNumber}[rng.IntN(5)]
				}
				if slices.Contains(used, num) {
					continue
				}
				used = append(used, num)
				e := nacl.Entry{Number: num, Action: flow.Pass, Direction: dir, Protocol: protocols[rng.IntN(len(protocols))],
					CIDR: cidrs[rng.IntN(len(cidrs))].Masked()}
				if chance(0.3) {
					e.Action = flow.Drop
				}
				switch {
				case e.Protocol.HasPorts():
					e.Ports, e.PortZero = ports()
				case e.Protocol == flow.ICMP:
					e.ICMPType, e.ICMPCode = icmp()
				}
				a.Entries = append(a.Entries, e)
			}
			if num := 32000 + rng.IntN(700); chance(0.6) && !slices.Contains(used, num) {
				// a broad entry behind the others
				a.Entries = append(a.Entries, nacl.Entry{Number: num, Action: flow.Pass, Direction: dir, Protocol: flow.AllProtocols,
					CIDR: netip.MustParsePrefix("0.0.0.0/0")})
			}
		}
	}
	for i := range n.tgws {
		// security group referencing support, off by AWS's default
		switch k := rng.IntN(10); {
		case k < 5:
			n.tgws[i].SecurityGroupReferencing = true
		case k < 6:
			n.tgws[i].SecurityGroupReferencingUnknown = "the option (a value known only after apply)"
		}
	}
	for i := range n.tgwAtts {
		if n.tgwAtts[i].Type == "vpc" && chance(0.1) {
			n.tgwAtts[i].SecurityGroupReferencingDisabled = true
		}
	}
	for i := range d.Subnets {
		s := &d.Subnets[i]
		var mine []string
		for _, a := range d.ACLs {
			if a.VPCID == s.VPC {
				mine = append(mine, a.ID)
			}
		}
		if len(mine) > 0 && chance(0.6) {
			s.ACL = mine[rng.IntN(len(mine))]
		}
	}
	return n, srcs, dsts
}

// filterFlow picks a flow between the design's addresses, with edge ports,
// ICMP types and codes, and protocols without ports.
func filterFlow(rng *rand.Rand, srcs, dsts []netip.Addr) flow.Flow {
	src, dst := srcs[rng.IntN(len(srcs))], dsts[rng.IntN(len(dsts))]
	port := func() uint16 { return filterEdgePorts[1+rng.IntN(len(filterEdgePorts)-1)] }
	f := flow.Flow{Src: netip.AddrPortFrom(src, 0), Dst: netip.AddrPortFrom(dst, 0)}
	switch k := rng.IntN(10); {
	case k < 2:
		f.Protocol, f.ICMPType = flow.ICMP, flow.ICMPEchoRequest
		switch rng.IntN(4) {
		case 0:
			f.ICMPCode = 1
		case 1:
			f.ICMPType = 13 // timestamp, answered by 14
		}
		if src.Is6() {
			f.Protocol, f.ICMPType, f.ICMPCode = flow.ICMPv6, 128, 0
		}
	case k < 3:
		f.Protocol = []flow.Protocol{flow.GRE, flow.ESP, flow.SCTP}[rng.IntN(3)]
	case k < 5:
		f.Protocol = flow.UDP
		f.Src, f.Dst = netip.AddrPortFrom(src, port()), netip.AddrPortFrom(dst, port())
	default:
		f.Protocol = flow.TCP
		f.Src, f.Dst = netip.AddrPortFrom(src, port()), netip.AddrPortFrom(dst, port())
	}
	return f
}

// firstBlock is the first hop of the reference's leg that blocks or
// cannot decide, its filter judgements and routing hops in walk order,
// worded as engineBlock words the engine's.
func firstBlock(hops []refHop, filts []refFilt) string {
	for k := 0; k <= len(hops); k++ {
		for _, f := range filts {
			if f.at == k && f.code != "" {
				return fmt.Sprintf("%s %s %s %s rule %s", f.kind, f.id, f.dir, f.code, f.rule)
			}
		}
		if k < len(hops) && hops[k].code != "" {
			return fmt.Sprintf("%s %s %s", hops[k].kind, hops[k].id, hops[k].code)
		}
	}
	return "none"
}

// engineBlock words the engine's first blocking (or undecided) hop of a
// leg; rule says whether to name an ACL's deciding rule number.
func engineBlock(leg []reach.Hop, rule bool) string {
	for _, h := range leg {
		if h.Code == "" {
			continue
		}
		code := reach.Code(strings.TrimPrefix(string(h.Code), "RETURN_"))
		switch h.Kind {
		case reach.KindSecurityGroups:
			id := h.Name
			if i := strings.LastIndex(id, "("); i >= 0 {
				id = strings.TrimSuffix(id[i+1:], ")")
			}
			return fmt.Sprintf("%s %s %s %s rule ", h.Kind, id, h.Direction, code)
		case reach.KindNetworkACL:
			num := ""
			if rule {
				num, _, _ = strings.Cut(h.Rule, " ")
			}
			return fmt.Sprintf("%s %s %s %s rule %s", h.Kind, h.ID, h.Direction, code, num)
		}
		return fmt.Sprintf("%s %s %s", h.Kind, h.ID, code)
	}
	return "none"
}

func TestFilterWalkAgreesWithSlowReference(t *testing.T) {
	t.Parallel()
	designs, flows := 320, 50
	if testing.Short() || raceOn {
		designs = 120
		if raceOn {
			designs = 40 // the race detector needs the walks, not every design; the gate runs 320
		}
	}
	start := time.Now()
	stats := map[string]int{}
	// then designs of Alibaba Cloud groups, instances of several
	// interfaces or both (filter_ref_ali_test.go), on seeds of their own
	extra := 60
	switch {
	case raceOn:
		extra = 15
	case testing.Short():
		extra = 30
	}
	for k := range uint64(designs + extra) {
		seed := k
		var n *refNet
		var srcs, dsts []netip.Addr
		if k < uint64(designs) {
			n, srcs, dsts = filterDesign(seed)
		} else {
			seed = 1000 + 2*(k-uint64(designs)) // even: one or two VPCs, no transit gateway, no peering
			n, srcs, dsts = filterExtraDesign(seed, k%3 != 2, k%3 != 0)
			stats["designs of Alibaba Cloud groups or instances of several interfaces"]++
		}
		n.stats, n.filtered = stats, true
		m, err := n.build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
		rng := rand.New(rand.NewPCG(seed, 32))
		for range flows {
			f := filterFlow(rng, srcs, dsts)
			r, err := m.CheckFlow(f)
			if errors.Is(err, reach.ErrQuery) {
				stats["not a question"]++
				continue
			}
			require.NoError(t, err, "seed %d: %s", seed, f)
			stats["asked"]++
			want := n.refCheck(f, n.sourceIface(f.Src.Addr()))
			if want.skip != "" {
				stats["skipped: "+want.skip]++
				continue
			}
			stats["compared"]++
			if n.alibabaIface(n.d.Interfaces[0]) {
				stats["alibaba compared"]++
			}
			if slices.ContainsFunc(n.d.Interfaces, func(in reach.Interface) bool { return in.Instance != "" }) {
				stats["compared with an instance of several interfaces"]++
			}
			wf, wr := agreeWithFilterReference(t, seed, f, r, want)
			stats["outcome "+r.Outcome.String()]++
			for i, b := range []string{wf, wr} {
				if b != "none" {
					stats["first block "+strings.Fields(b)[0]]++
					if fs := strings.Fields(b); len(fs) > 3 {
						stats["first block "+fs[0]+" "+fs[2]+" "+fs[3]]++
						if i == 1 {
							stats["first block of the reply "+fs[0]]++
						}
					}
				}
			}
			if wr == "none" && wf != "none" && strings.HasPrefix(wf, string(reach.KindSecurityGroups)) && len(want.ret) > 0 {
				stats["the reply passes groups the request did not pass"]++
			}
			if slices.ContainsFunc(want.fwd, func(h refHop) bool { return h.kind == reach.KindNATGateway && h.code == "" }) {
				stats["through a NAT gateway"]++
			}
			for _, k := range []reach.Kind{reach.KindPeering, reach.KindGatewayEndpoint} {
				if slices.ContainsFunc(want.fwd, func(h refHop) bool { return h.kind == k && h.code == "" }) {
					stats["compared through "+string(k)]++
				}
			}
		}
	}
	t.Logf("%d designs, %d flows each, in %s: %v", designs+extra, flows, time.Since(start).Round(time.Millisecond), stats)
	for k, v := range stats {
		if strings.HasPrefix(k, "skipped: ") {
			t.Logf("%s: %d", k, v)
		}
	}
	t.Logf("compared: %d of %d questions asked", stats["compared"], stats["asked"])
	require.Greater(t, stats["compared"], 9*stats["asked"]/10, "most questions are compared, not skipped")
	for _, want := range []string{"outcome " + reach.Reachable.String(), "outcome " + reach.Unreachable.String(),
		"first block " + string(reach.KindNetworkACL), "first block " + string(reach.KindSecurityGroups), "first block " + string(reach.KindRouteTable),
		"first block network-acl inbound ACL_DENY", "first block network-acl outbound ACL_DEFAULT_DENY",
		"first block security-groups inbound SG_NO_ALLOW", "first block security-groups outbound SG_NO_ALLOW",
		"the reply passes groups the request did not pass", "first block of the reply network-acl", "through a NAT gateway", "a group reference matches", "a group reference matches nothing",
		// the multi-VPC designs (odd seeds)
		"compared through " + string(reach.KindPeering), "compared through " + string(reach.KindGatewayEndpoint), "through a transit gateway",
		"first block " + string(reach.KindTransitGateway), "first block " + string(reach.KindPeering), "a group reference matches a member of another VPC",
		"an outbound group reference does not cross a transit gateway", "a transit gateway without security group referencing",
		"a transit gateway with security group referencing", "groups judge a packet beyond a transit gateway with its identity",
		// appliances
		"an appliance forwards", "a group reference an appliance keeps from matching",
		// prefix lists in group rules
		"a prefix list matches", "a prefix list matches nothing", "a prefix list of unknown entries may match",
		// Alibaba Cloud groups and instances of several interfaces
		"alibaba: a basic group's members reach each other", "alibaba: rules of one priority, accept and drop, tie", "alibaba: a rule decides",
		"alibaba: kept and lost identity judge apart", "alibaba compared", "first block security-groups inbound SG_DENY", "first block security-groups outbound SG_DENY",
		"compared with an instance of several interfaces",
		"skipped: an instance of several interfaces forwards (its operating system picks the interface)"} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
	if designs >= 320 { // rarer: not in the short run
		for _, want := range []string{"first block of the reply security-groups", "a group reference matches across a transit gateway",
			"a group reference a transit gateway keeps from matching", "first block security-groups inbound SG_INDETERMINATE"} {
			require.Positive(t, stats[want], "the generated designs exercise %s", want)
		}
	}
}

// filterBlocks names, in walk order, the reference's filter judgements of
// a leg that block: kind, ID (for groups, the interface's) and direction.
func filterBlocks(fs []refFilt) []string {
	var out []string
	for _, f := range fs {
		if f.code != "" {
			out = append(out, fmt.Sprintf("%s %s %s", f.kind, f.id, f.dir))
		}
	}
	return out
}

// engineFilterBlocks names the engine's network ACL and security group
// hops of a leg that block, as filterBlocks names the reference's.
func engineFilterBlocks(leg []reach.Hop) []string {
	var out []string
	for _, h := range leg {
		if (h.Kind == reach.KindSecurityGroups || h.Kind == reach.KindNetworkACL) && h.Code != "" {
			id := h.ID
			if h.Kind == reach.KindSecurityGroups {
				id = h.Name
				if i := strings.LastIndex(id, "("); i >= 0 {
					id = strings.TrimSuffix(id[i+1:], ")")
				}
			}
			out = append(out, fmt.Sprintf("%s %s %s", h.Kind, id, h.Direction))
		}
	}
	return out
}

// filterExtraDesign is filterDesign's design of seed (even: one or two
// VPCs) with, when alibaba, Alibaba Cloud groups in place of AWS's and,
// when multi, one or two instances of several interfaces
// (filter_ref_ali_test.go), each from a random stream of its own.
func filterExtraDesign(seed uint64, alibaba, multi bool) (n *refNet, srcs, dsts []netip.Addr) {
	n, srcs, dsts = filterDesign(seed)
	if alibaba {
		cidrs := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("10.0.0.0/8"),
			netip.MustParsePrefix("8.8.8.0/24"), netip.MustParsePrefix("203.0.113.0/24")}
		for _, v := range n.d.VPCs {
			cidrs = append(cidrs, v.CIDRs...)
		}
		for _, s := range n.d.Subnets {
			cidrs = append(cidrs, s.CIDRs...)
		}
		for _, in := range n.d.Interfaces {
			cidrs = append(cidrs, netip.PrefixFrom(in.PrivateIPs[0], 32))
		}
		alibabaGroups(n, rand.New(rand.NewPCG(seed, 41)), cidrs)
	}
	if multi {
		multiInterface(n, rand.New(rand.NewPCG(seed, 42)))
	}
	return n, srcs, dsts
}
