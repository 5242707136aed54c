package reach_test

import (
	"fmt"
	"math/rand/v2"
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

// fuzzBytes hands out the fuzz input a byte at a time, and zeros once it
// is used up, so every input builds something.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) next() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

// n returns a number below k (k > 0).
func (f *fuzzBytes) n(k int) int { return int(f.next()) % k }

// fuzzDesign builds a small design from the input: one or two VPCs, up to
// four subnets, interfaces, groups, network ACLs, route tables with routes
// to every kind of target (including IDs that do not exist), and, on
// request, the sample's firewall. Many inputs give designs Build rejects;
// that is part of what is fuzzed.
func fuzzDesign(in *fuzzBytes) *reach.Builder {
	d := &sample.Design{}
	hasFW := in.n(2) == 0
	nv := 1 + in.n(2)
	for v := range nv {
		id := fmt.Sprintf("vpc-%d", v)
		cidrs := []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), 0, 0}), 16)}
		if in.n(2) == 0 {
			cidrs = append(cidrs, netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(v)}), 56))
		}
		d.VPCs = append(d.VPCs, reach.VPC{ID: id, CIDRs: cidrs, MainRouteTable: fmt.Sprintf("rtb-%d", v), DefaultACL: fmt.Sprintf("acl-%d", v)})
		d.InternetGateways = append(d.InternetGateways, reach.InternetGatewaySpec{ID: fmt.Sprintf("igw-%d", v), VPC: id})
		d.ACLs = append(d.ACLs, nacl.NewDefault(fmt.Sprintf("acl-%d", v), id, len(cidrs) > 1))
		d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: fmt.Sprintf("rtb-%d", v), VPC: id})
	}
	ns := 1 + in.n(4)
	for s := range ns {
		v := in.n(nv)
		sub := reach.Subnet{ID: fmt.Sprintf("subnet-%d", s), VPC: fmt.Sprintf("vpc-%d", v),
			CIDRs: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(s + in.n(2)), 0}), 24)}}
		if in.n(3) == 0 {
			sub.RouteTable = fmt.Sprintf("rtb-s%d", s)
			rt := reach.RouteTable{ID: sub.RouteTable, VPC: sub.VPC}
			for range in.n(4) {
				rt.Routes = append(rt.Routes, fuzzRoute(in, v, nv, ns, hasFW))
			}
			d.RouteTables = append(d.RouteTables, rt)
		}
		if in.n(3) == 0 {
			sub.ACL = fmt.Sprintf("acl-s%d", s)
			a := nacl.NewCustom(sub.ACL, sub.VPC)
			for k := range in.n(4) {
				a.Entries = append(a.Entries, nacl.Entry{Number: 100 + k, Action: flow.Action(1 + in.n(2)),
					Direction: flow.Direction(in.n(2)), Protocol: []flow.Protocol{flow.AllProtocols, flow.TCP, flow.UDP, flow.ICMP}[in.n(4)],
					CIDR: fuzzPrefix(in), Ports: flow.PortRange{Lo: uint16(in.n(4)) * 1000, Hi: 65535}, ICMPType: -1, ICMPCode: -1})
			}
			d.ACLs = append(d.ACLs, a)
		}
		d.Subnets = append(d.Subnets, sub)
	}
	for g := range 3 {
		grp := sg.Group{ID: fmt.Sprintf("sg-%d", g)}
		for range in.n(5) {
			r := sg.Rule{Direction: flow.Direction(in.n(2)), Protocol: []flow.Protocol{flow.AllProtocols, flow.TCP, flow.UDP, flow.ICMP}[in.n(4)],
				Ports: flow.PortRange{Lo: uint16(in.n(3)) * 200, Hi: uint16(in.n(3))*400 + 443}, ICMPType: -1, ICMPCode: -1}
			switch in.n(3) {
			case 0:
				r.Peer = sg.GroupRef(fmt.Sprintf("sg-%d", in.n(3)))
			default:
				r.Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: fuzzPrefix(in)}
			}
			grp.Rules = append(grp.Rules, r)
		}
		d.Groups = append(d.Groups, grp)
	}
	for i := range in.n(5) {
		s := d.Subnets[in.n(len(d.Subnets))]
		ii := reach.Interface{ID: fmt.Sprintf("eni-%d", i), Name: fmt.Sprintf("host-%d", i), Subnet: s.ID,
			PrivateIPs: []netip.Addr{s.CIDRs[0].Addr().Next().Next().Next().Next()}, Groups: []string{fmt.Sprintf("sg-%d", in.n(3))}}
		for range i {
			ii.PrivateIPs[0] = ii.PrivateIPs[0].Next()
		}
		if in.n(2) == 0 {
			ii.PublicIP = netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)})
		}
		d.Interfaces = append(d.Interfaces, ii)
	}
	if in.n(2) == 0 {
		d.NATGateways = append(d.NATGateways, reach.NATGateway{ID: "nat-0", Subnet: "subnet-0",
			PrivateIP: d.Subnets[0].CIDRs[0].Addr().Next().Next().Next().Next().Next().Next().Next().Next().Next().Next(),
			PublicIP:  netip.MustParseAddr("203.0.113.100")})
	}
	if hasFW {
		d.Firewalls = append(d.Firewalls, reach.Firewall{ID: "fw-0", VPC: d.Subnets[0].VPC, Policy: sample.Policy(),
			Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-0", Subnet: "subnet-0"}}})
	}
	for range in.n(3) { // routes in the main route tables too
		v := in.n(nv)
		rt := &d.RouteTables[v]
		rt.Routes = append(rt.Routes, fuzzRoute(in, v, nv, ns, hasFW))
	}
	return fuzzUnknowns(in, d)
}

// fuzzUnknowns adds to d, on request, values known only later, as a
// Terraform plan gives them: a rule's block or ports, an ACL entry's
// block, a route's destination, an interface's address or groups.
func fuzzUnknowns(in *fuzzBytes, d *sample.Design) *reach.Builder {
	var peers []reach.UnknownPeer
	if in.n(3) == 0 {
		g := &d.Groups[in.n(len(d.Groups))]
		g.Rules = append(g.Rules, sg.Rule{Direction: flow.Direction(in.n(2)), Protocol: flow.TCP, Ports: flow.AllPorts,
			ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("plan:peer")})
		u := reach.UnknownPeer{ID: "plan:peer", What: "aws_security_group.x: ingress[0].cidr_blocks"}
		switch in.n(3) {
		case 0:
			u.Within = []netip.Prefix{fuzzPrefix(in)}
		case 1:
			u.Of = sg.GroupRef(fmt.Sprintf("sg-%d", in.n(3)))
		}
		peers = append(peers, u)
	}
	if in.n(3) == 0 && len(d.Interfaces) > 0 {
		ii := &d.Interfaces[in.n(len(d.Interfaces))]
		ii.GroupsUnknown = "aws_instance.x: vpc_security_group_ids"
		if in.n(2) == 0 {
			ii.Groups = nil
		}
	}
	if in.n(4) == 0 && len(d.Interfaces) > 0 {
		ii := &d.Interfaces[in.n(len(d.Interfaces))]
		ii.AddressUnknown, ii.PrivateIPs = "aws_instance.y: private_ip", nil
	}
	if in.n(3) == 0 {
		rt := &d.RouteTables[in.n(len(d.RouteTables))]
		rt.Routes = append(rt.Routes, reach.Route{Unknown: "aws_route.z: destination_cidr_block", Target: reach.TargetInternetGateway, TargetID: "igw-0"})
	}
	b := d.Builder()
	for _, u := range peers {
		if u.Of.Kind == sg.PeerGroup {
			b.AddUnknownPortsOf(u.ID, u.What, u.Of)
		} else {
			b.AddUnknownPeer(u.ID, u.What, u.Within...)
		}
	}
	if in.n(3) == 0 {
		b.AddUnknownACLEntry(reach.UnknownACLEntry{ACL: "acl-0", What: "aws_network_acl.a: ingress[0].cidr_block",
			Entry: nacl.Entry{Number: 50 + in.n(100), Action: flow.Action(1 + in.n(2)), Direction: flow.Direction(in.n(2)),
				Protocol: flow.TCP, Ports: flow.AllPorts, ICMPType: -1, ICMPCode: -1}, CIDRUnknown: true})
	}
	return b
}

func fuzzPrefix(in *fuzzBytes) netip.Prefix {
	switch in.n(4) {
	case 0:
		return netip.MustParsePrefix("0.0.0.0/0")
	case 1:
		return netip.MustParsePrefix("::/0")
	case 2:
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(in.n(2)), byte(in.n(8)), 0}), 24)
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, 100, 0}), 24)
}

// fuzzRoute returns a route of a table of VPC v.
func fuzzRoute(in *fuzzBytes, v, nv, ns int, hasFW bool) reach.Route {
	r := reach.Route{Destination: fuzzPrefix(in)}
	k := in.n(6)
	if k == 2 && !hasFW {
		k = 0
	}
	switch k {
	case 0:
		r.Target, r.TargetID = reach.TargetInternetGateway, fmt.Sprintf("igw-%d", in.n(nv))
	case 1:
		r.Target, r.TargetID = reach.TargetNATGateway, "nat-0"
	case 2:
		r.Target, r.TargetID = reach.TargetFirewallEndpoint, "vpce-0"
	case 3:
		r.Target, r.TargetID = reach.TargetInterface, fmt.Sprintf("eni-%d", in.n(ns))
	case 4:
		r.Target, r.TargetID = reach.TargetBlackhole, "nat-gone"
	default:
		r.Target, r.Destination = reach.TargetLocal, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), 0, 0}), 16)
	}
	return r
}

// fuzzQuery asks about the design's endpoints, the internet, and
// addresses nobody owns, with every protocol.
func fuzzQuery(in *fuzzBytes) reach.Query {
	ends := []string{"eni-0", "eni-1", "host-2", "host-3", "10.0.1.4", "10.1.0.5", "203.0.113.10", "203.0.113.100",
		"198.51.100.7", "2001:db8::1", "2001:db8:0:1::4", "nobody", "i-missing", "10.0.0.4"}
	q := reach.Query{From: ends[in.n(len(ends))], To: ends[in.n(len(ends))], IPv6: in.n(4) == 0}
	switch in.n(6) {
	case 0, 1:
		q.Protocol, q.Port = flow.TCP, []uint16{22, 80, 443, 5432}[in.n(4)]
		if in.n(3) == 0 {
			q.Domain = "api.github.com"
		}
	case 2:
		q.Protocol, q.Port, q.SrcPort = flow.UDP, 53, uint16(in.n(3))*20000
	case 3:
		q.Protocol = flow.ICMP
	case 4:
		q.Protocol = flow.ICMPv6
	default:
		q.Protocol = flow.Protocol(in.next()) // protocol 0 and the rest: errors are fine
	}
	return q
}

// answer is a query's answer as compared: the error, or the text and JSON
// renderings.
func answer(m *reach.Model, q reach.Query) string {
	r, err := m.Check(q)
	if err != nil {
		return "error: " + err.Error()
	}
	return rendered(r)
}

// answerInto is answer by CheckInto into r, reused.
func answerInto(m *reach.Model, q reach.Query, r *reach.Result) string {
	if err := m.CheckInto(q, r); err != nil {
		return "error: " + err.Error()
	}
	return rendered(r)
}

// rendered is r's text and JSON renderings.
func rendered(r *reach.Result) string {
	j, err := r.JSON()
	if err != nil {
		return "JSON error: " + err.Error()
	}
	return r.Text() + "\n" + string(j)
}

// FuzzModelCheck builds a random small design and asks it random
// questions: no input may panic, and a built model answers every question
// the same whether asked first or last, of it or of a model built again
// from the same design, by Check or by CheckInto into a reused Result:
// byte-identical traces.
func FuzzModelCheck(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 3, 1, 0, 2, 1, 0, 0, 2, 1, 4, 2, 1, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("a firewall, a NAT gateway and public interfaces ask each other everything"))
	f.Add([]byte{0, 1, 0, 3, 0, 0, 0, 0, 3, 0, 2, 0, 3, 0, 1, 1, 2, 0, 2, 1, 0, 4, 0, 0, 1, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 5, 1, 0, 2, 0, 0, 1, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzBytes{data}
		design := in.b
		m1, err1 := fuzzDesign(&fuzzBytes{design}).Build()
		fuzzDesign(in) // consume the design's bytes: the rest are the queries
		m2, err2 := fuzzDesign(&fuzzBytes{design}).Build()
		if err1 != nil {
			require.Error(t, err2)
			require.Equal(t, err1.Error(), err2.Error(), "the same design fails the same way")
			return
		}
		require.NoError(t, err2)
		var qs []reach.Query
		for len(in.b) > 0 && len(qs) < 16 {
			qs = append(qs, fuzzQuery(in))
		}
		if len(qs) == 0 {
			qs = append(qs, fuzzQuery(in))
		}
		first := make([]string, len(qs))
		for i, q := range qs {
			first[i] = answer(m1, q)
		}
		var reused reach.Result
		for i := len(qs) - 1; i >= 0; i-- {
			require.Equal(t, first[i], answer(m2, qs[i]), "query %+v on a model built again, asked in reverse order", qs[i])
			require.Equal(t, first[i], answer(m1, qs[i]), "query %+v asked again", qs[i])
			require.Equal(t, first[i], answerInto(m1, qs[i], &reused), "query %+v asked into a reused Result", qs[i])
		}
		for _, q := range qs[:min(len(qs), 4)] {
			fuzzFixAndVerdict(t, m1, q)
		}
		l1, err := m1.Lint(reach.LintOptions{Workers: 1})
		require.NoError(t, err, "a built model can always be linted")
		l2, err := m2.Lint(reach.LintOptions{Workers: 1})
		require.NoError(t, err)
		require.Equal(t, l1, l2, "the same design, the same findings")
		if d, err := reach.Diff(m1, m2, reach.DiffOptions{Workers: 1}); err == nil {
			require.Empty(t, d.Changes, "a design against itself built again")
			require.Empty(t, d.Resources)
		}
		require.Equal(t, m1.QuotaWarnings(), m2.QuotaWarnings())
	})
}

// TestFuzzDesignsBuild keeps FuzzModelCheck honest: a good share of its
// random designs build, and their queries get answers, not only errors.
func TestFuzzDesignsBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	built, answered := 0, 0
	for range 500 {
		data := make([]byte, 120)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		in := &fuzzBytes{data}
		m, err := fuzzDesign(in).Build()
		if err != nil {
			if testing.Verbose() && built < 3 {
				t.Log(err)
			}
			continue
		}
		built++
		for range 8 {
			if _, err := m.Check(fuzzQuery(in)); err == nil {
				answered++
			}
		}
	}
	t.Logf("%d of 500 designs built, %d queries answered", built, answered)
	assert.Greater(t, built, 150)
	assert.Greater(t, answered, 150)
}

// fuzzFixAndVerdict holds Verdict to Check, and a fix (when one is found)
// to the answer it wants on the patched model.
func fuzzFixAndVerdict(t *testing.T, m *reach.Model, q reach.Query) {
	r, err := m.Check(q)
	v, verr := m.Verdict(q)
	if err != nil {
		require.Error(t, verr, "%+v", q)
		return
	}
	require.NoError(t, verr, "%+v", q)
	require.Equal(t, r.Outcome, v, "%+v: Verdict agrees with Check", q)
	for _, want := range []reach.Outcome{reach.Reachable, reach.Unreachable} {
		fx, err := m.Fix(q, want)
		if err != nil {
			continue // no fix Fix knows, or a question it cannot ask
		}
		got, err := fx.Patched.Check(q)
		require.NoError(t, err)
		require.Equal(t, want, got.Outcome, "%+v: the fix's changes %+v", q, fx.Changes)
	}
}
