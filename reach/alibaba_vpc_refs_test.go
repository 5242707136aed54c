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

// aliRefDesign is two VPCs joined by a peering, vpc-a (10.2.0.0/16) and
// vpc-b (10.3.0.0/16), each with one vSwitch, and two ECS interfaces:
// eni-a (group sg-a, in aIn) and eni-b (10.3.1.10, in vpc-b, wearing
// sg-b when bWorn, else sg-c). The groups are basic, sg-a with VPCID aID
// and rule r, sg-b with VPCID bID.
func aliRefDesign(aIn, aID, bID string, bWorn bool, r sg.Rule) *reach.Builder {
	a := netip.MustParseAddr
	aAddr, aSub := a("10.2.1.10"), "vsw-a"
	if aIn == "vpc-b" {
		aAddr, aSub = a("10.3.1.20"), "vsw-b"
	}
	bGroup := "sg-b"
	if !bWorn {
		bGroup = "sg-c"
	}
	return peeredVPCs().
		AddSecurityGroup(
			sg.Group{ID: "sg-a", VPCID: aID, Flavour: sg.AlibabaBasic, Rules: []sg.Rule{r}},
			sg.Group{ID: "sg-b", VPCID: bID, Flavour: sg.AlibabaBasic},
			sg.Group{ID: "sg-c", VPCID: "vpc-b", Flavour: sg.AlibabaBasic}).
		AddInterface(
			reach.Interface{ID: "eni-a", Subnet: aSub, PrivateIPs: []netip.Addr{aAddr}, Groups: []string{"sg-a"}},
			reach.Interface{ID: "eni-b", Subnet: "vsw-b", PrivateIPs: []netip.Addr{a("10.3.1.10")}, Groups: []string{bGroup}})
}

// TestBuildRefusesAlibabaGroupRefsAcrossVPCs: between VPC-type security
// groups, Alibaba Cloud lets a rule authorize other groups of the same
// VPC only (AuthorizeSecurityGroup, group-to-group authorization;
// https://help.aliyun.com/en/ecs/api-authorizesecuritygroup), so a rule
// that references a group of another VPC is input Alibaba Cloud would
// not hold. Build accepted it and matched the other VPC's members by
// their private addresses: eni-b reached eni-a on tcp/22 across the
// peering, a certain REACHABLE no Alibaba document supports. Now Build
// refuses it, naming the group, the rule, the field and both VPCs. A
// group's VPC is its VPCID, else its members'; a reference whose groups'
// VPCs the input does not tell is left alone.
func TestBuildRefusesAlibabaGroupRefsAcrossVPCs(t *testing.T) {
	in := sg.Rule{ID: "sgr-in", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1,
		Action: flow.Pass, Priority: 1, Peer: sg.GroupRef("sg-b")}
	out := sg.Rule{ID: "sgr-out", Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1,
		Action: flow.Drop, Priority: 1, Peer: sg.GroupRef("sg-b")}
	for _, c := range []struct {
		name           string
		aIn, aID, bID  string
		bWorn, refused bool
		rule           sg.Rule
	}{
		{"inbound, both VPCIDs", "vpc-a", "vpc-a", "vpc-b", true, true, in},
		{"outbound, both VPCIDs", "vpc-a", "vpc-a", "vpc-b", true, true, out},
		{"the referenced group's VPC from its member", "vpc-a", "vpc-a", "", true, true, in},
		{"the referencing group's VPC from its member", "vpc-a", "", "vpc-b", true, true, in},
		{"same VPC", "vpc-b", "vpc-b", "vpc-b", true, false, in},
		{"the referenced group's VPC not told", "vpc-a", "vpc-a", "", false, false, in},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := aliRefDesign(c.aIn, c.aID, c.bID, c.bWorn, c.rule).Build()
			if !c.refused {
				require.NoError(t, err)
				if c.bWorn {
					r, err := m.Check(reach.Query{From: "eni-b", To: "eni-a", Protocol: flow.TCP, Port: 22})
					require.NoError(t, err)
					assert.Equal(t, reach.Reachable, r.Outcome, "a reference within one VPC matches its members:\n%s", r.Text())
				}
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrTopology)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "groups[0].Rules[0].Peer", ie.Path)
			assert.Equal(t, "sg-a", ie.Resource)
			assert.Equal(t, c.rule.ID, ie.Rule)
			assert.Equal(t, "sg-b", ie.Text)
			assert.Contains(t, err.Error(), "sg-a is a group of VPC vpc-a")
			assert.Contains(t, err.Error(), "sg-b of VPC vpc-b")
			assert.Contains(t, err.Error(), "same VPC")
		})
	}
}

// TestAlibabaFixOffersNoGroupOfAnotherVPC: the fix of a packet an
// Alibaba Cloud basic group denies offered, beside the sender's address,
// a basic group of the sender as the new rule's peer, whatever its VPC:
// across a peering that is a rule Alibaba Cloud refuses (a VPC group's
// rules reference groups of the same VPC only, AuthorizeSecurityGroup)
// and Build now refuses too. It offers the group within one VPC only.
func TestAlibabaFixOffersNoGroupOfAnotherVPC(t *testing.T) {
	web := sg.Rule{ID: "sgr-web", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](80), ICMPType: -1, ICMPCode: -1,
		Action: flow.Pass, Priority: 1, Peer: sg.AnyIPv4}
	for _, c := range []struct {
		name    string
		aIn     string
		offered bool
	}{
		{"across a peering", "vpc-a", false},
		{"within one VPC", "vpc-b", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := aliRefDesign(c.aIn, c.aIn, "vpc-b", true, web).Build()
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "eni-b", To: "eni-a", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome, "%s", r.Text())
			var fix string
			for _, h := range r.Forward {
				if h.Verdict == flow.Deny {
					fix = h.Fix
				}
			}
			assert.Contains(t, fix, "add an inbound accept rule to sg-a allowing tcp/22 from 10.3.1.10/32")
			if c.offered {
				assert.Contains(t, fix, "(or sg-b, a basic group of eni-b)")
			} else {
				assert.NotContains(t, fix, "sg-b", "a group of another VPC is no peer an Alibaba rule can name")
			}
		})
	}
}

// peeredVPCs is a builder holding two VPCs joined by the active peering
// pcx-ab, vpc-a (10.2.0.0/16) and vpc-b (10.3.0.0/16), each with one
// vSwitch (vsw-a 10.2.1.0/24, vsw-b 10.3.1.0/24), a route to the other
// over the peering and an open default ACL.
func peeredVPCs() *reach.Builder {
	p := netip.MustParsePrefix
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, DefaultACL: "acl-a", MainRouteTable: "rtb-a"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{p("10.3.0.0/16")}, DefaultACL: "acl-b", MainRouteTable: "rtb-b"}).
		AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("10.3.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{{Destination: p("10.2.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}},
			reach.Subnet{ID: "vsw-b", VPC: "vpc-b", CIDRs: []netip.Prefix{p("10.3.1.0/24")}})
}
