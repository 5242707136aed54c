package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// delegatedDesign is one dual-stack public subnet behind an internet
// gateway with n open interfaces, each delegated an IPv6 /80: the
// internet's sources to one of them are cut around n delegated prefixes.
func delegatedDesign(tb testing.TB, n int) *reach.Model {
	tb.Helper()
	open := sg.Group{ID: "sg-open", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}}
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("2001:db8:10::/56")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}},
		ACLs:    []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", true)},
		Subnets: []reach.Subnet{{ID: "s-1", VPC: "vpc-1", CIDRs: []netip.Prefix{bp("10.1.1.0/24"), bp("2001:db8:10:1::/64")}}},
		Groups:  []sg.Group{open},
	}
	for i := range n {
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: fmt.Sprintf("eni-%d", i), Subnet: "s-1",
			PrivateIPs:        []netip.Addr{ba(fmt.Sprintf("10.1.1.%d", 10+i)), ba(fmt.Sprintf("2001:db8:10:1::%x", 0x10+i))},
			DelegatedPrefixes: []netip.Prefix{bp(fmt.Sprintf("2001:db8:10:1:%x::/80", 0xa+i))}, Groups: []string{"sg-open"}})
	}
	m, err := d.Builder().Build()
	require.NoError(tb, err)
	return m
}

// BenchmarkSourcesDelegated: who reaches one interface on 443 over IPv6,
// in a subnet of 20 interfaces with a delegated prefix each; fast, and
// built under internal/slowpath, free of every index (reference).
func BenchmarkSourcesDelegated(b *testing.B) {
	q := reach.SourcesQuery{To: "eni-0", Protocol: flow.TCP, Port: 443, IPv6: true}
	fast := delegatedDesign(b, 20)
	restore := slowpath.Set(true)
	ref := delegatedDesign(b, 20)
	restore()
	for _, c := range []struct {
		name string
		m    *reach.Model
	}{{"fast", fast}, {"reference", ref}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.m.Sources(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
