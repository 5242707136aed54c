package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Sources from every client port on Alibaba Cloud security groups whose
// rules name source ports (audit clientports23): each answer is held to
// a Verdict from every client port, 1-65535. A rule accepting source
// port 7 alone from one block cuts the internet's addresses as well as
// the client ports: the discovery walk that cuts the addresses varies
// the client port too (addrSources), or the block's addresses get in
// unseen.

// aliCPBest is the best Verdict of q from every client port (Reachable,
// then Indeterminate, then Unreachable), and the first port of each.
func aliCPBest(t testing.TB, m *reach.Model, q reach.Query) (reach.Outcome, map[reach.Outcome]uint16) {
	t.Helper()
	first := map[reach.Outcome]uint16{}
	out := reach.Unreachable
	for p := 1; p <= 65535; p++ {
		q.SrcPort = uint16(p)
		o, err := m.Verdict(q)
		if err != nil {
			continue
		}
		if _, ok := first[o]; !ok {
			first[o] = uint16(p)
		}
		if o == reach.Reachable {
			return o, first
		}
		if o == reach.Indeterminate {
			out = o
		}
	}
	return out, first
}

func aliCPIfaceOutcome(r *reach.SourcesResult, id string) reach.Outcome {
	for _, i := range r.Interfaces {
		if i.ID == id && len(i.Prefixes) == 0 {
			return i.Outcome
		}
	}
	return reach.Unreachable
}

func aliCPAddrOutcome(r *reach.SourcesResult, a netip.Addr) reach.Outcome {
	switch {
	case addrset.Of(r.Internet...).Contains(a):
		return reach.Reachable
	case addrset.Of(r.InternetIndeterminate...).Contains(a):
		return reach.Indeterminate
	}
	return reach.Unreachable
}

func aliCPCheckSources(t *testing.T, m *reach.Model, q reach.SourcesQuery, froms []string, msg string) *reach.SourcesResult {
	t.Helper()
	q.AnyClientPort = true
	r, err := m.Sources(q)
	require.NoError(t, err, msg)
	for _, from := range froms {
		want, firsts := aliCPBest(t, m, reach.Query{From: from, To: q.To, Protocol: q.Protocol, Port: q.Port, IPv6: q.IPv6})
		var got reach.Outcome
		if a, err := netip.ParseAddr(from); err == nil {
			got = aliCPAddrOutcome(r, a)
		} else {
			got = aliCPIfaceOutcome(r, from)
		}
		assert.Equal(t, want.String(), got.String(), "%s: from %s: brute force over every client port says %s (first port of each outcome %v), Sources from every client port %s\n%s", msg, from, want, firsts, got, r)
	}
	return r
}

// ---- (4) transit gateway appliance mode: zones cutting different client ports

func aliCPRule(dir flow.Direction, act flow.Action, prio int, peer string, src flow.PortRange, dst flow.PortRange) sg.Rule {
	if dst == (flow.PortRange{}) {
		dst = flow.PortRange{Lo: 22, Hi: 22}
	}
	return sg.Rule{Direction: dir, Action: act, Priority: prio, Protocol: flow.TCP, Ports: dst, SourcePorts: src, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(peer)}
}

func aliCPAliDesign(t *testing.T, fl sg.Flavour, web, cl []sg.Rule) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction, prio int) sg.Rule {
		return sg.Rule{Direction: dir, Action: flow.Pass, Priority: prio, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	webRules := append(append([]sg.Rule{}, web...), all(flow.Outbound, 100))
	clRules := append(append([]sg.Rule{}, cl...), all(flow.Outbound, 100), all(flow.Inbound, 100))
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-a"}}},
		).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(
			reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}},
			reach.Subnet{ID: "vsw-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, RouteTable: "rtb-priv"},
		).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "vsw-pub", PrivateIP: a("10.2.1.100"), PublicIP: a("198.51.100.100")}).
		AddSecurityGroup(sg.Group{ID: "sg-web", Flavour: fl, VPCID: "vpc-a", Rules: webRules}, sg.Group{ID: "sg-cl", Flavour: fl, VPCID: "vpc-a", Rules: clRules}).
		AddInterface(
			reach.Interface{ID: "eni-web", Name: "ecs-web", Subnet: "vsw-pub", PrivateIPs: []netip.Addr{a("10.2.1.10")}, PublicIP: a("198.51.100.10"), Groups: []string{"sg-web"}},
			reach.Interface{ID: "eni-cl", Name: "ecs-cl", Subnet: "vsw-pub", PrivateIPs: []netip.Addr{a("10.2.1.20")}, PublicIP: a("198.51.100.20"), Groups: []string{"sg-cl"}},
			reach.Interface{ID: "eni-priv", Name: "ecs-priv", Subnet: "vsw-priv", PrivateIPs: []netip.Addr{a("10.2.2.10")}, Groups: []string{"sg-cl"}},
		)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

func TestSourcesAnyClientAlibabaDest(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	in, pass, drop := flow.Inbound, flow.Pass, flow.Drop
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	any := flow.PortRange{}
	tests := []struct {
		name string
		web  []sg.Rule
	}{
		{"one client port, a drop winning the tie on its neighbours", []sg.Rule{
			aliCPRule(in, drop, 1, "0.0.0.0/0", r(1, 4999), any),
			aliCPRule(in, drop, 1, "0.0.0.0/0", r(5001, 65535), any),
			aliCPRule(in, pass, 1, "0.0.0.0/0", r(4000, 6000), any),
		}},
		{"tie at one priority: accept 1500-3000, drop 1000-2000; lower accept 1-1200", []sg.Rule{
			aliCPRule(in, pass, 1, "0.0.0.0/0", r(1500, 3000), any),
			aliCPRule(in, drop, 1, "0.0.0.0/0", r(1000, 2000), any),
			aliCPRule(in, pass, 2, "0.0.0.0/0", r(1, 1200), any),
			aliCPRule(in, drop, 5, "0.0.0.0/0", any, any),
		}},
		{"per block: 198.51.100.0/24 from port 7 only, 10.2.0.0/16 from port 9 only, rest dropped", []sg.Rule{
			aliCPRule(in, pass, 1, "198.51.100.0/24", r(7, 7), any),
			aliCPRule(in, pass, 1, "10.2.0.0/16", r(9, 9), any),
			aliCPRule(in, drop, 1, "198.51.100.0/25", r(7, 8), any),
			aliCPRule(in, drop, 2, "0.0.0.0/0", any, any),
		}},
		{"accept low source ports only (1-1023): through a NAT gateway the port is 1024-65535", []sg.Rule{
			aliCPRule(in, pass, 1, "0.0.0.0/0", r(1, 1023), any),
			aliCPRule(in, drop, 2, "0.0.0.0/0", any, any),
		}},
		{"drop high source ports (1024-65535) at priority 1, accept all at 2", []sg.Rule{
			aliCPRule(in, drop, 1, "0.0.0.0/0", r(1024, 65535), any),
			aliCPRule(in, pass, 2, "0.0.0.0/0", any, any),
		}},
	}
	if testing.Short() || raceOn {
		tests = tests[2:3] // the per-block case: 65,535 verdicts a source
	}
	froms := []string{"eni-cl", "eni-priv", "198.51.100.7", "198.51.100.200", "8.8.8.8"}
	for k, fl := range []sg.Flavour{sg.AlibabaBasic, sg.AlibabaEnterprise} {
		tos := []string{"10.2.1.10", "198.51.100.10"}
		if raceOn { // one destination a flavour: 65,535 verdicts a source are slow under -race
			tos = tos[k : k+1]
		}
		for _, tt := range tests {
			m := aliCPAliDesign(t, fl, tt.web, nil)
			for _, to := range tos {
				aliCPCheckSources(t, m, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 22}, froms, fmt.Sprintf("%s (%v) to %s", tt.name, fl, to))
			}
		}
	}
}

func TestSourcesAnyClientAlibabaSrc(t *testing.T) {
	out, pass, drop := flow.Outbound, flow.Pass, flow.Drop
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	any := flow.PortRange{}
	web := []sg.Rule{{Direction: flow.Inbound, Action: flow.Pass, Priority: 1, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}
	tests := []struct {
		name string
		cl   []sg.Rule
	}{
		{"one client port out", []sg.Rule{
			aliCPRule(out, drop, 1, "0.0.0.0/0", r(1, 4999), any),
			aliCPRule(out, drop, 1, "0.0.0.0/0", r(5001, 65535), any),
			aliCPRule(out, pass, 1, "0.0.0.0/0", r(4000, 6000), any),
		}},
		{"per destination block: to the VPC from port 9, to 198.51.100.0/24 from 7", []sg.Rule{
			aliCPRule(out, pass, 1, "10.2.0.0/16", r(9, 9), any),
			aliCPRule(out, pass, 1, "198.51.100.0/24", r(7, 7), any),
			aliCPRule(out, drop, 2, "0.0.0.0/0", any, any),
		}},
	}
	for _, fl := range []sg.Flavour{sg.AlibabaBasic, sg.AlibabaEnterprise} {
		for _, tt := range tests {
			m := aliCPAliDesign(t, fl, web, tt.cl)
			for _, to := range []string{"10.2.1.10", "198.51.100.10"} {
				aliCPCheckSources(t, m, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 22}, []string{"eni-cl", "eni-priv"}, fmt.Sprintf("%s (%v) to %s", tt.name, fl, to))
			}
		}
	}
}

func TestSourcesAnyClientAlibabaBlockPorts(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	in, pass, drop := flow.Inbound, flow.Pass, flow.Drop
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	web := []sg.Rule{
		aliCPRule(in, pass, 1, "198.51.100.0/24", r(7, 7), flow.PortRange{}),
		aliCPRule(in, drop, 1, "198.51.100.0/25", r(7, 8), flow.PortRange{}),
		aliCPRule(in, drop, 2, "0.0.0.0/0", flow.PortRange{}, flow.PortRange{}),
	}
	for _, fl := range []sg.Flavour{sg.AlibabaBasic, sg.AlibabaEnterprise} {
		m := aliCPAliDesign(t, fl, web, nil)
		o, err := m.Verdict(reach.Query{From: "198.51.100.200", To: "198.51.100.10", Protocol: flow.TCP, Port: 22, SrcPort: 7})
		require.NoError(t, err)
		require.Equal(t, reach.Reachable, o)
		aliCPCheckSources(t, m, reach.SourcesQuery{To: "198.51.100.10", Protocol: flow.TCP, Port: 22}, []string{"198.51.100.200", "198.51.100.7", "8.8.8.8"}, fmt.Sprintf("%v: a block from port 7 only", fl))
		a, err := m.Audit(reach.AuditOptions{Catalogue: []reach.Risk{{Service: "SSH", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](22)), Severity: reach.High}}})
		require.NoError(t, err)
		i := slices.IndexFunc(a.Findings, func(f reach.Finding) bool { return f.Interface == "eni-web" && f.Service == "SSH" })
		if assert.GreaterOrEqual(t, i, 0, "%v: SSH on ecs-web is opened to 198.51.100.0/24 from port 7: a finding\n%s", fl, a.Text()) {
			f := a.Findings[i]
			assert.Equal(t, reach.Exposed.String(), f.Exposure.String(), "%v: 198.51.100.128/25 reaches SSH from client port 7:\n%s", fl, a.Text())
			assert.True(t, addrset.Of(f.Sources...).Contains(netip.MustParseAddr("198.51.100.200")), "%v: sources %v", fl, f.Sources)
		}
	}
}

// ---- (2) the destination's filters after a NAT gateway: the NAT's port
