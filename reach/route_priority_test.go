package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// priorityDesign is one VPC, vpc-a (10.0.0.0/16), with an internet
// gateway igw-a: web (10.0.0.10, public 198.51.100.10) in subnet-pub,
// whose table rtb-pub routes 0.0.0.0/0 to igw-a and then routes, and app
// (10.0.1.10) in subnet-app, on the main table (local only). Prefix list
// pl-1 holds 93.184.216.0/24 and 8.8.8.0/24, pl-2 93.184.216.0/24 alone.
// Security groups and network ACLs let everything through.
func priorityDesign(routes ...reach.Route) *reach.Builder {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"})
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	b.AddPrefixList(
		reach.PrefixList{ID: "pl-1", Entries: []netip.Prefix{bp("93.184.216.0/24"), bp("8.8.8.0/24")}},
		reach.PrefixList{ID: "pl-2", Entries: []netip.Prefix{bp("93.184.216.0/24")}},
	)
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
		reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: append([]reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}, routes...)},
	)
	b.AddSubnet(
		reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/24")}, RouteTable: "rtb-pub"},
		reach.Subnet{ID: "subnet-app", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24")}},
	)
	b.AddSecurityGroup(openGroup("sg-open"))
	b.AddInterface(
		reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.0.10")}, PublicIP: ba("198.51.100.10"), Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("10.0.1.10")}, Groups: []string{"sg-open"}},
	)
	return b
}

// The routes of priorityDesign's cases.
var (
	staticIGW  = reach.Route{Destination: bp("93.184.216.0/24"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}
	staticHole = reach.Route{Destination: bp("93.184.216.0/24"), Target: reach.TargetBlackhole, TargetID: "nat-gone"}
	propLater  = reach.Route{Unknown: "the routes vgw-1 propagates at run time", Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true}
	propVGW    = reach.Route{Destination: bp("93.184.216.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true}
	pl1IGW     = reach.Route{PrefixList: "pl-1", Target: reach.TargetInternetGateway, TargetID: "igw-a"}
	pl1Hole    = reach.Route{PrefixList: "pl-1", Target: reach.TargetBlackhole, TargetID: "nat-old"}
	pl2IGW     = reach.Route{PrefixList: "pl-2", Target: reach.TargetInternetGateway, TargetID: "igw-a"}
	pl2Hole    = reach.Route{PrefixList: "pl-2", Target: reach.TargetBlackhole, TargetID: "nat-gone"}
)

// AWS's route priority
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html):
// the longest prefix; among routes of the same prefix a static route,
// then a prefix-list route, then a propagated one, whatever their order
// in the table; prefix-list routes whose lists overlap, to different
// targets, are chosen between at random, which the input does not say.
func TestRoutePriority(t *testing.T) {
	tests := []struct {
		name    string
		routes  []reach.Route
		to      string
		outcome reach.Outcome
		code    reach.Code // of rtb-pub's hop
		rule    string     // of rtb-pub's hop
	}{
		{"a static route beats a propagated one of the same CIDR", []reach.Route{propVGW, staticIGW}, "93.184.216.34",
			reach.Reachable, "", "93.184.216.0/24 via igw-a"},
		{"a static blackhole beats a propagated one of the same CIDR", []reach.Route{staticHole, propVGW}, "93.184.216.34",
			reach.Unreachable, reach.BlackholeRoute, "93.184.216.0/24 via nat-gone"},
		{"a prefix-list route beats a propagated one of the same prefix", []reach.Route{propVGW, pl2IGW}, "93.184.216.34",
			reach.Reachable, "", "pl-2 (93.184.216.0/24) via igw-a"},
		{"a static route beats a prefix-list route of the same prefix", []reach.Route{pl2Hole, staticIGW}, "93.184.216.34",
			reach.Reachable, "", "93.184.216.0/24 via igw-a"},
		{"a propagated route more specific than the rest wins", []reach.Route{propVGW}, "93.184.216.34",
			reach.Indeterminate, "", "93.184.216.0/24 via vgw-1 (propagated)"}, // then UNMODELLED_TARGET
		{"a propagated route to the VPC's CIDR loses to local", []reach.Route{{Destination: bp("10.0.0.0/16"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", Propagated: true}}, "10.0.1.10",
			reach.Reachable, "", "10.0.0.0/16 via local"},
		{"a propagated route more specific than local, inside the VPC, loses to local", []reach.Route{{Destination: bp("10.0.1.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", Propagated: true}}, "10.0.1.10",
			reach.Reachable, "", "10.0.0.0/16 via local"},
		{"a propagated route known only later cannot beat local", []reach.Route{propLater}, "10.0.1.10",
			reach.Reachable, "", "10.0.0.0/16 via local"},
		{"a propagated route known only later could match outside the VPC", []reach.Route{propLater}, "93.184.216.34",
			reach.Indeterminate, reach.RouteIndeterminate, ""},
		{"overlapping prefix lists to different targets tie", []reach.Route{pl1IGW, pl2Hole}, "93.184.216.34",
			reach.Indeterminate, reach.RouteTie, ""},
		{"whatever their order", []reach.Route{pl2Hole, pl1IGW}, "93.184.216.34",
			reach.Indeterminate, reach.RouteTie, ""},
		{"a propagated route of the shared block does not decide the tie", []reach.Route{pl1IGW, propVGW, pl2Hole}, "93.184.216.34",
			reach.Indeterminate, reach.RouteTie, ""},
		{"a static route of the shared block decides it", []reach.Route{pl1IGW, pl2Hole, staticHole}, "93.184.216.34",
			reach.Unreachable, reach.BlackholeRoute, "93.184.216.0/24 via nat-gone"},
		{"a more specific route decides it", []reach.Route{pl1IGW, pl2Hole, {Destination: bp("93.184.216.34/32"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}, "93.184.216.34",
			reach.Reachable, "", "93.184.216.34/32 via igw-a"},
		{"outside the shared block a list's route is alone", []reach.Route{pl1Hole, pl2IGW}, "8.8.8.8",
			reach.Unreachable, reach.BlackholeRoute, "pl-1 (8.8.8.0/24) via nat-old"},
		{"overlapping prefix lists to the same target do not tie", []reach.Route{pl2IGW, pl1IGW}, "93.184.216.34",
			reach.Reachable, "", "pl-2 (93.184.216.0/24) via igw-a"},
		{"two blackholes drop the packet either way", []reach.Route{pl1Hole, pl2Hole}, "93.184.216.34",
			reach.Unreachable, reach.BlackholeRoute, "pl-1 (93.184.216.0/24) via nat-old"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := priorityDesign(tc.routes...).Build()
			require.NoError(t, err)
			q := reach.Query{From: "web", To: tc.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.outcome, r.Outcome, r.Text())
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindRouteTable })
			require.GreaterOrEqual(t, i, 0, r.Text())
			h := r.Forward[i]
			require.Equal(t, "rtb-pub", h.ID, r.Text())
			require.Equal(t, tc.code, h.Code, r.Text())
			require.Equal(t, tc.rule, h.Rule, r.Text())
			if h.Code == "" {
				why := "longest prefix"
				if strings.HasSuffix(tc.rule, " (propagated)") {
					why = "propagated; longest prefix, no static or prefix-list route of its length"
				}
				assert.Equal(t, tc.to+" matches "+strings.TrimSuffix(tc.rule, " (propagated)")+" ("+why+")", h.Reason())
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			require.Equal(t, tc.outcome, v, "Verdict answers as Check")
		})
	}
}

// The tie's hop is undecided, ends its leg, and names the routes that tie
// and what would decide.
func TestRouteTieHop(t *testing.T) {
	m, err := priorityDesign(pl1IGW, pl2Hole).Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "web", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.Len(t, r.Forward, 2, "security groups, then the table; the leg ends there:\n%s", r.Text())
	h := r.Forward[1]
	assert.Equal(t, flow.Indeterminate, h.Verdict)
	assert.True(t, h.Undecided())
	assert.Equal(t, "93.184.216.34 matches 93.184.216.0/24, which the prefix lists of 2 routes to different targets share: pl-1 (93.184.216.0/24) via igw-a, pl-2 (93.184.216.0/24) via nat-gone; AWS picks one of them at random, and the input does not say which", h.Reason())
	assert.Equal(t, "which of the routes pl-1 (93.184.216.0/24) via igw-a, pl-2 (93.184.216.0/24) via nat-gone of rtb-pub AWS chose for 93.184.216.0/24 (it picks one at random where prefix lists overlap, then keeps it)", h.Missing)
	assert.Equal(t, "keep 93.184.216.0/24 in one of the prefix lists pl-1, pl-2 only, or add a route for 93.184.216.0/24 itself to rtb-pub (a CIDR route takes priority over prefix-list routes)", h.Fix)
	assert.Empty(t, r.Return, "the reply is not traced")

	// on the reply: a host of the shared block reaches web's public
	// address, and the reply meets the tie
	r, err = m.CheckFlow(flow.MustParse("tcp 93.184.216.34:50000 -> 198.51.100.10:443"))
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.Contains(t, r.Codes(), reach.RouteTie.OnLeg(reach.Return), r.Text())
}

// The set questions answer as single checks where routes tie and where
// propagated routes lose: brute force over Ports, Sources, Matrix and
// Audit.
func TestSetAnswersWithRoutePriority(t *testing.T) {
	for _, routes := range [][]reach.Route{
		{pl1IGW, pl2Hole},
		{pl1Hole, pl2IGW, propVGW},
		{propVGW, pl2IGW, {Destination: bp("8.8.8.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", Propagated: true}},
	} {
		m, err := priorityDesign(routes...).Build()
		require.NoError(t, err)
		brute.CheckSetAnswers(t, m, brute.Options{
			Ports:   []reach.PortsQuery{{From: "web", To: "93.184.216.34", Protocol: flow.TCP}, {From: "web", To: "8.8.8.8", Protocol: flow.UDP}},
			Step:    97,
			Sources: []reach.SourcesQuery{{To: "web", Protocol: flow.TCP, Port: 443}},
			Few:     true,
		})
	}
	m, err := priorityDesign(pl1IGW, pl2Hole).Build()
	require.NoError(t, err)
	s, err := m.Sources(reach.SourcesQuery{To: "web", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{bp("93.184.216.0/24")}, s.InternetIndeterminate, "the replies to the shared block meet the tie")
	p, err := m.Ports(reach.PortsQuery{From: "web", To: "93.184.216.34", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, p.Open.IsEmpty(), "no port is open for certain")
	assert.Equal(t, flow.SetOf(flow.PortRange{Lo: 1, Hi: 65535}), p.Indeterminate, "every port is left open by the tie")
}

// A change review tells a propagated route from a static one of the same
// destination.
func TestDiffOfAPropagatedRoute(t *testing.T) {
	static := reach.Route{Destination: bp("93.184.216.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"}
	propagated := static
	propagated.Propagated = true
	before, err := priorityDesign(static, pl2Hole).Build()
	require.NoError(t, err)
	after, err := priorityDesign(propagated, pl2Hole).Build()
	require.NoError(t, err)
	d, err := reach.Diff(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, d.Resources, 1)
	assert.Equal(t, reach.ResourceChange{Kind: reach.ResourceRouteTable, ID: "rtb-pub", Change: "changed", Details: []string{
		"route removed: 93.184.216.0/24 via vgw-1", "route added: 93.184.216.0/24 via vgw-1 (propagated)"}}, d.Resources[0])
	// before, the static route to the VPN gateway won over pl-2's
	// blackhole; after, the blackhole wins
	r, err := after.Check(reach.Query{From: "web", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
}

// Lint names each block that prefix-list routes of a table share toward
// different targets (ROUTE_PREFIX_LIST_TIE), the ones a query meets as
// RouteTie, and nothing where a static route or one target decides.
func TestLintRoutePrefixListTie(t *testing.T) {
	tests := []struct {
		name   string
		routes []reach.Route
		want   []string // the findings' messages
	}{
		{"overlapping lists to different targets", []reach.Route{pl1IGW, pl2Hole},
			[]string{"prefix lists pl-1, pl-2 all hold 93.184.216.0/24, and their routes lead to different targets (pl-1 -> igw-a; pl-2 -> nat-gone): AWS picks one of them at random for 93.184.216.0/24"}},
		{"to one target", []reach.Route{pl2IGW, pl1IGW}, nil},
		{"a static route decides", []reach.Route{pl1IGW, pl2Hole, staticHole}, nil},
		{"one list", []reach.Route{pl1IGW}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := priorityDesign(tc.routes...).Build()
			require.NoError(t, err)
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintRoutePrefixListTie}})
			require.NoError(t, err)
			var got []string
			for _, f := range res.Findings {
				assert.Equal(t, "rtb-pub", f.Resource)
				assert.Equal(t, reach.Medium, f.Severity)
				assert.Equal(t, "add a static route for 93.184.216.0/24 to the target it should take, or remove 93.184.216.0/24 from all lists but one", f.Fix)
				got = append(got, f.Message)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
