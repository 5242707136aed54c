package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// TestRoutePrefixes: RoutePrefixes names every block where the design's
// routing may send a packet elsewhere (what package brute samples the
// internet's cells at): every route table's routes (the local routes
// Build adds included; a prefix list's route by its entries), every
// transit gateway route table's, and every prefix list's entries; a
// route whose destination is known only later adds nothing; each once,
// masked, IPv4 first, sorted.
func TestRoutePrefixes(t *testing.T) {
	base := []string{"10.1.0.0/16", "10.2.0.0/16", "10.9.0.0/16"}
	tests := []struct {
		name string
		edit func(d *tgwDesign) []reach.PrefixList // the lists to declare
		want []string
	}{
		{"routes, local routes and transit gateway routes", nil, base},
		{"a route to a local gateway", func(d *tgwDesign) []reach.PrefixList {
			d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("203.0.113.128/25"), Target: reach.TargetUnmodelled, TargetID: "lgw-1", TargetType: "local gateway"})
			return nil
		}, append(base[:3:3], "203.0.113.128/25")},
		{"a prefix list's route, a list no route names, a route known only later", func(d *tgwDesign) []reach.PrefixList {
			d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{PrefixList: "pl-1", Target: reach.TargetTransitGateway, TargetID: "tgw-1"},
				reach.Route{Unknown: "aws_route.later: destination_cidr_block", Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
			return []reach.PrefixList{{ID: "pl-1", Entries: []netip.Prefix{pfx("198.51.100.0/24"), pfx("192.0.2.0/25")}},
				{ID: "pl-2", Entries: []netip.Prefix{pfx("8.8.8.0/24"), pfx("2600::/16")}}}
		}, []string{"8.8.8.0/24", "10.1.0.0/16", "10.2.0.0/16", "10.9.0.0/16", "192.0.2.0/25", "198.51.100.0/24", "2600::/16"}},
		{"a transit gateway blackhole, IPv6 after IPv4, one prefix once", func(d *tgwDesign) []reach.PrefixList {
			d.routes("tgw-rtb-1", tgwRoute("172.16.0.0/12", "", false), tgwRoute("2001:db8::/32", "", false))
			d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("10.9.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
			return nil
		}, []string{"10.1.0.0/16", "10.2.0.0/16", "10.9.0.0/16", "172.16.0.0/12", "2001:db8::/32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			var lists []reach.PrefixList
			if tt.edit != nil {
				lists = tt.edit(d)
			}
			m, err := d.builder().AddPrefixList(lists...).Build()
			require.NoError(t, err)
			got := m.RoutePrefixes()
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			require.Equal(t, tt.want, s)
			got[0] = pfx("0.0.0.0/0") // the caller's own
			require.Equal(t, tt.want[0], m.RoutePrefixes()[0].String())
		})
	}
}
