package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// changeBetween returns d's change from node from to node to, each named
// by an interface's ID or name, or reach.InternetNode; nil when none.
func changeBetween(d *reach.DiffResult, from, to string) *reach.PairChange {
	for _, g := range d.Groups {
		for _, mb := range g.Members {
			if mb.ID == from || mb.Name == from {
				from = g.Name
			}
			if mb.ID == to || mb.Name == to {
				to = g.Name
			}
		}
	}
	for i, c := range d.Changes {
		if c.From == from && c.To == to {
			return &d.Changes[i]
		}
	}
	return nil
}

// eigwOnlyModel is one VPC whose subnet routes ::/0 to an egress-only
// internet gateway, and only that.
func eigwOnlyModel(t *testing.T, bpa reach.BlockPublicAccess) *reach.Model {
	t.Helper()
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-e", CIDRs: []netip.Prefix{pfx("10.8.0.0/16"), pfx("2001:db8:e::/56")}, MainRouteTable: "rtb-e", DefaultACL: "acl-e"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-e", VPC: "vpc-e", Routes: []reach.Route{
			{Destination: pfx("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-e"}}}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-e", VPC: "vpc-e"}).
		AddNetworkACL(nacl.NewDefault("acl-e", "vpc-e", true)).
		AddSecurityGroup(openGroup("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-e", VPC: "vpc-e", CIDRs: []netip.Prefix{pfx("10.8.1.0/24"), pfx("2001:db8:e:1::/64")}}).
		AddInterface(reach.Interface{ID: "eni-e", Name: "egress", Subnet: "subnet-e", PrivateIPs: []netip.Addr{ba("10.8.1.10"), ba("2001:db8:e:1::10")}, Groups: []string{"sg-open"}}).
		SetBlockPublicAccess(bpa).Build()
	require.NoError(t, err)
	return m
}

// TestDiffCausesBlockPublicAccessAtOtherGateways: Block Public Access
// blocks egress-only internet gateways and carrier gateways as it does
// internet gateways, and Check names it there (VPC_BLOCK_PUBLIC_ACCESS);
// Diff named it as a cause only where the path crossed an internet
// gateway: the change came with no cause ("causes not attributed"), or
// with BPA on the path of one model only though both traces met it at
// the gateway (audit diff27, finding 3).
func TestDiffCausesBlockPublicAccessAtOtherGateways(t *testing.T) {
	excludeB := reach.BlockExclusion{ID: "x-b", VPC: "vpc-b", Mode: reach.AllowBidirectional}
	bidirectional := reach.BlockPublicAccess{Mode: reach.BlockBidirectional}
	for _, tc := range []struct {
		name   string
		a, b   *reach.Model
		v6     bool
		from   string
		q      reach.Query // a session of the change: reachable before, not after, or the other way
		onPath string
	}{
		{"egress-only internet gateway, the only gateway, BPA turned on",
			eigwOnlyModel(t, reach.BlockPublicAccess{}), eigwOnlyModel(t, bidirectional), true, "egress",
			reach.Query{From: "egress", To: "2001:db8:ff::7", Protocol: flow.TCP, Port: 443}, "both"},
		{"egress-only internet gateway of another VPC, its attachment subnet excluded",
			centralIGW(t, true, reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: []reach.BlockExclusion{excludeB}}),
			centralIGW(t, true, reach.BlockPublicAccess{Mode: reach.BlockBidirectional, Exclusions: []reach.BlockExclusion{excludeB,
				{ID: "x-ta", Subnet: "subnet-ta", Mode: reach.AllowEgress}}}), true, "app-b", reach.Query{}, "both"},
		{"carrier gateway, BPA turned on", carrierDesign(t, reach.BlockPublicAccess{}), carrierDesign(t, bidirectional), false, "eni-w",
			reach.Query{From: "eni-w", To: "198.51.100.7", Protocol: flow.TCP, Port: 443}, "both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.q.From != "" {
				ra, rb := check(t, tc.a, tc.q), check(t, tc.b, tc.q)
				require.NotEqual(t, ra.Outcome, rb.Outcome, "%s\n%s", ra.Text(), rb.Text())
				require.Contains(t, rb.Codes(), reach.VPCBlockPublicAccess, rb.Text())
			}
			d, err := reach.Diff(tc.a, tc.b, reach.DiffOptions{IPv6: tc.v6, Workers: 1})
			require.NoError(t, err)
			c := changeBetween(d, tc.from, reach.InternetNode)
			require.NotNil(t, c, d.Text())
			i := slices.IndexFunc(c.Causes, func(cs reach.Cause) bool { return cs.Kind == reach.ResourceBlockPublicAccess })
			require.GreaterOrEqual(t, i, 0, "Block Public Access is the cause: %+v note %q", c.Causes, c.Note)
			assert.Equal(t, tc.onPath, c.Causes[i].OnPath, "both traces meet Block Public Access at the gateway")
			assert.Empty(t, c.Note)
		})
	}
}

// TestDiffCausesZonesOfTransitGatewaySubnets: a transit gateway picks
// the subnet a packet enters and leaves it by from their zones (AZ IDs,
// else names within one owner). When subnets' AZ IDs change which subnet
// that is, the subnets whose zones the crossing compared are causes, the
// attachment subnet the packet now leaves by among them; Diff named only
// the ends' subnets, whose zones it always counted (audit diff27, finding
// 4). An end's subnet whose AZ ID changed, where no crossing decides
// differently, is named for its other changes only.
func TestDiffCausesZonesOfTransitGatewaySubnets(t *testing.T) {
	swapped := map[string]string{"subnet-a": "use1-az1", "subnet-ta": "use1-az1", "subnet-ta2": "use1-az2",
		"subnet-b": "use1-az4", "subnet-b2": "use1-az4", "subnet-tb": "use1-az4", "subnet-tb3": "use1-az1"}
	closedB := acrossAccounts("111", "111", map[string]string{"subnet-b": "use1-az4"})
	closedB.subnet("subnet-b").ACL = "acl-deny-b"
	for _, tc := range []struct {
		name          string
		a, b          *tgwDesign
		before, after reach.Outcome
		causes        []string // subnets among the causes, with their details
		details       map[string][]string
		notCauses     []string
	}{
		{"two accounts: the AZ IDs decide the exit, undecided before",
			acrossAccounts("111", "222", nil), acrossAccounts("111", "222", swapped), reach.Indeterminate, reach.Unreachable,
			[]string{"subnet-tb3", "subnet-tb", "subnet-ta", "subnet-a"},
			map[string][]string{"subnet-tb3": {"AvailabilityZoneID: none -> use1-az1"}}, nil},
		{"one account: the AZ IDs move the exit from the names' subnet, the transit gateway's hop alike",
			acrossAccounts("111", "111", nil), acrossAccounts("111", "111", swapped), reach.Reachable, reach.Unreachable,
			[]string{"subnet-tb3", "subnet-tb"}, nil, nil},
		{"an end's subnet's AZ ID changed beside its network ACL: only the ACL is a cause",
			acrossAccounts("111", "111", nil), closedB, reach.Reachable, reach.Unreachable,
			[]string{"subnet-b"}, map[string][]string{"subnet-b": {"network ACL: acl-b -> acl-deny-b"}},
			[]string{"subnet-tb3", "subnet-tb", "subnet-ta", "subnet-a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tc.a.build(t), tc.b.build(t)
			q := tcp("app-a", "app-b", 443)
			require.Equal(t, tc.before, check(t, a, q).Outcome)
			require.Equal(t, tc.after, check(t, b, q).Outcome)
			d, err := reach.Diff(a, b, reach.DiffOptions{NoInternet: true, Workers: 1})
			require.NoError(t, err)
			c := changeBetween(d, "app-a", "app-b")
			require.NotNil(t, c, d.Text())
			got := map[string][]string{}
			for _, cs := range c.Causes {
				if cs.Kind == reach.ResourceSubnet {
					got[cs.ID] = cs.Details
				}
			}
			for _, id := range tc.causes {
				assert.Contains(t, got, id, "%s is a cause:\n%s", id, d.Text())
			}
			for id, want := range tc.details {
				assert.Equal(t, want, got[id], "%s's details as a cause", id)
			}
			for _, id := range tc.notCauses {
				assert.NotContains(t, got, id, "%s is no cause:\n%s", id, d.Text())
			}
		})
	}
}
