package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// accountRefDesign: one VPC, a (sg-a, owned by owner when set) and b
// (sg-b, whose inbound tcp/22 rule references ref); unresolved are
// declared with AddUnresolvedGroup.
func accountRefDesign(owner, ref string, unresolved ...string) *reach.Builder {
	ga := sg.Group{ID: "sg-a", VPCID: "vpc-1", OwnerID: owner, Rules: []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	gb := sg.Group{ID: "sg-b", VPCID: "vpc-1", Rules: []sg.Rule{
		{ID: "sgr-bin", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef(ref)}}}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1"}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
		AddSecurityGroup(ga, gb).
		AddUnresolvedGroup(unresolved...).
		AddInterface(
			reach.Interface{ID: "eni-a", Name: "a", Subnet: "subnet-1", Groups: []string{"sg-a"}, PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}},
			reach.Interface{ID: "eni-b", Name: "b", Subnet: "subnet-1", Groups: []string{"sg-b"}, PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}})
}

// A rule may reference a group as "account/sg-…", the form the VPC
// Peering Guide writes for a group of another account
// (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html):
// Build reads it as the group's ID, and the reference matches its
// members as the bare ID does; an account other than the group's known
// owner is refused, naming the rule's path and text; a group the input
// does not hold may be declared unresolved in either form. The caller's
// group keeps the text it was given.
func TestGroupReferenceWithAccount(t *testing.T) {
	tests := []struct {
		name       string
		owner, ref string
		unresolved []string
		want       reach.Outcome
		err        []string // in the Build error
	}{
		{name: "bare ID", ref: "sg-a", want: reach.Reachable},
		{name: "account/ID, owner unknown", ref: "111122223333/sg-a", want: reach.Reachable},
		{name: "account/ID, the owner", owner: "111122223333", ref: "111122223333/sg-a", want: reach.Reachable},
		{name: "account/ID, another owner", owner: "444455556666", ref: "111122223333/sg-a",
			err: []string{"groups[1].Rules[0].Peer.Group", "111122223333/sg-a", "belongs to account 444455556666"}},
		{name: "account/ID of a group declared unresolved by ID", ref: "111122223333/sg-x", unresolved: []string{"sg-x"}, want: reach.Unreachable},
		{name: "account/ID of a group declared unresolved so too", ref: "111122223333/sg-x", unresolved: []string{"111122223333/sg-x"}, want: reach.Unreachable},
		{name: "account/ID of a group nowhere", ref: "111122223333/sg-x", err: []string{"sg-x", "not in the design"}},
		{name: "not an account", ref: "1111/sg-a", err: []string{"1111/sg-a", "not in the design"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := accountRefDesign(tt.owner, tt.ref, tt.unresolved...)
			m, err := b.Build()
			if tt.err != nil {
				require.Error(t, err)
				for _, s := range tt.err {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			// b itself (a design address) is certainly no member of an
			// unresolved group; an outside one is unknown
			if tt.want == reach.Reachable {
				r, err = m.Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 23})
				require.NoError(t, err)
				assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			}
		})
	}
	t.Run("the caller's group is not changed", func(t *testing.T) {
		g := sg.Group{ID: "sg-b", VPCID: "vpc-1", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("111122223333/sg-b")}}}
		for _, once := range []bool{false, true} {
			b := reach.NewBuilder().
				AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
				AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1"}).
				AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
				AddSecurityGroup(g)
			var err error
			if once {
				_, err = b.BuildOnce()
			} else {
				_, err = b.Build()
			}
			require.NoError(t, err)
			assert.Equal(t, "111122223333/sg-b", g.Rules[0].Peer.Group)
		}
	})
}
