package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// joinVPCDesign is two VPCs joined by a peering, vpc-a (10.2.0.0/16,
// vSwitch vsw-a) and vpc-b (10.3.0.0/16, vSwitch vsw-b), with the given
// groups and three interfaces: eni-a1 (10.2.1.10) and eni-a2 (10.2.1.11)
// in vsw-a, eni-b (10.3.1.10) in vsw-b, wearing the groups given.
func joinVPCDesign(groups []sg.Group, a1, a2, b []string) *reach.Builder {
	a := netip.MustParseAddr
	iface := func(id, sub, ip string, gs []string) reach.Interface {
		return reach.Interface{ID: id, Subnet: sub, PrivateIPs: []netip.Addr{a(ip)}, Groups: gs}
	}
	return peeredVPCs().
		AddSecurityGroup(groups...).
		AddInterface(iface("eni-a1", "vsw-a", "10.2.1.10", a1), iface("eni-a2", "vsw-a", "10.2.1.11", a2), iface("eni-b", "vsw-b", "10.3.1.10", b))
}

// allOut is an outbound rule letting everything out, at priority pr for
// an Alibaba Cloud group (0 for an AWS one).
func allOut(pr int) sg.Rule {
	r := sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: pr}
	return r
}

// TestBuildRefusesAlibabaInterfaceWearingAGroupOfAnotherVPC: Alibaba
// Cloud adds an instance or an ENI to a security group of its own VPC
// only (JoinSecurityGroup, error InvalidInstanceId.Mismatch;
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-joinsecuritygroup).
// Build checked that a group's VPCID names a VPC of the design, not that
// the interfaces wearing it are in that VPC: eni-b of vpc-b wearing
// vpc-a's basic group was accepted, and the group's inner access policy
// Accept let eni-b reach eni-a1 on every port across the peering, a
// certain REACHABLE for a setup Alibaba Cloud refuses. Now Build refuses
// it, naming the interface, the group and both VPCs; a group without
// VPCID belongs to one VPC too, so its members in two VPCs are refused
// alike. AWS groups are left alone (AWS lets a group be associated with
// other VPCs: AssociateSecurityGroupVpc).
func TestBuildRefusesAlibabaInterfaceWearingAGroupOfAnotherVPC(t *testing.T) {
	basic := func(id, vpc string) sg.Group { return sg.Group{ID: id, VPCID: vpc, Flavour: sg.AlibabaBasic} }
	enterprise := sg.Group{ID: "sg-x", VPCID: "vpc-a", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{allOut(1)}}
	awsGroup := sg.Group{ID: "sg-x", VPCID: "vpc-a", Flavour: sg.AWS, Rules: []sg.Rule{allOut(0),
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-x")}}}
	x := []string{"sg-x"}
	for _, c := range []struct {
		name   string
		groups []sg.Group
		b      []string
		path   string   // "" when Build accepts the design
		want   []string // in the error
	}{
		{"a basic group of vpc-a on an interface of vpc-b", []sg.Group{basic("sg-x", "vpc-a")}, x,
			"interfaces[2].Groups[0]", []string{"eni-b is in VPC vpc-b", "sg-x is a security group of VPC vpc-a", "JoinSecurityGroup"}},
		{"an enterprise group of vpc-a on an interface of vpc-b", []sg.Group{enterprise}, x,
			"interfaces[2].Groups[0]", []string{"eni-b is in VPC vpc-b", "sg-x is a security group of VPC vpc-a"}},
		{"the second of the interface's groups", []sg.Group{basic("sg-x", "vpc-a"), basic("sg-b", "vpc-b")}, []string{"sg-b", "sg-x"},
			"interfaces[2].Groups[1]", []string{"eni-b is in VPC vpc-b", "sg-x is a security group of VPC vpc-a"}},
		{"a group without VPCID worn in two VPCs", []sg.Group{basic("sg-x", "")}, x,
			"interfaces[2].Groups[0]", []string{"eni-b is in VPC vpc-b", "sg-x", "member eni-a1 is in VPC vpc-a", "one VPC"}},
		{"a basic group of vpc-b on its own interface", []sg.Group{basic("sg-x", "vpc-a"), basic("sg-b", "vpc-b")}, []string{"sg-b"}, "", nil},
		{"an AWS group of vpc-a on an interface of vpc-b (AWS unchanged)", []sg.Group{awsGroup}, x, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := joinVPCDesign(c.groups, x, x, c.b).Build()
			if c.path == "" {
				require.NoError(t, err)
				if c.groups[0].Flavour == sg.AWS {
					r, err := m.Check(reach.Query{From: "eni-b", To: "eni-a1", Protocol: flow.TCP, Port: 22})
					require.NoError(t, err)
					assert.Equal(t, reach.Reachable, r.Outcome, "an AWS group's self reference still matches its members across VPCs:\n%s", r.Text())
				}
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrTopology)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, c.path, ie.Path)
			assert.Equal(t, "eni-b", ie.Resource)
			assert.Equal(t, "sg-x", ie.Text)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, 1, strings.Count(err.Error(), "\n")+1, "one error, on the interface of the other VPC: %v", err)
		})
	}
}

// TestBuildAlibabaGroupOfUnknownVPCIsOneError: a group whose VPCID names
// no VPC of the design is refused there, once; its members are not
// refused again for being in another VPC than one that does not exist.
func TestBuildAlibabaGroupOfUnknownVPCIsOneError(t *testing.T) {
	x := []string{"sg-x"}
	_, err := joinVPCDesign([]sg.Group{{ID: "sg-x", VPCID: "vpc-gone", Flavour: sg.AlibabaBasic}}, x, x, x).Build()
	require.Error(t, err)
	var ie *flow.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "groups[0].VPCID", ie.Path)
	assert.Equal(t, 1, strings.Count(err.Error(), "\n")+1, "%v", err)
}

// TestBuildAlibabaGroupMismatchNamesItsOrigin: where the group was read
// from JSON (alibaba.ParseSecurityGroup, its VPC from VpcId) and the
// loader recorded where ([reach.Builder.SetOrigin]), the error names the
// file and JSON path the group's VPC came from.
func TestBuildAlibabaGroupMismatchNamesItsOrigin(t *testing.T) {
	x := []string{"sg-x"}
	b := joinVPCDesign([]sg.Group{{ID: "sg-x", VPCID: "vpc-a", Flavour: sg.AlibabaBasic}}, x, x, x).
		SetOrigin(reach.ResourceSecurityGroup, "sg-x", reach.Origin{File: "sg-x.json"})
	_, err := b.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sg-x is a security group of VPC vpc-a (read from sg-x.json: VpcId)")
}

// TestAlibabaGroupMembersTalkByFlavour: a basic group with inner access
// policy Accept lets its members reach each other on any port whatever
// its rules (ModifySecurityGroupPolicy), and only its members, who are
// all of the group's VPC (Build refuses one of another VPC, above): an
// interface of vpc-b in its own group gains nothing from vpc-a's group
// across the peering, nor does a member of another group of vpc-a. An
// isolated basic group (Drop) and an enterprise group isolate their
// members: only an inbound rule lets them talk.
func TestAlibabaGroupMembersTalkByFlavour(t *testing.T) {
	inSubnet22 := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1,
		Peer: sg.CIDR("10.2.1.0/24"), Action: flow.Pass, Priority: 1}
	basic := sg.Group{ID: "sg-a", VPCID: "vpc-a", Flavour: sg.AlibabaBasic}
	isolated := sg.Group{ID: "sg-a", VPCID: "vpc-a", Flavour: sg.AlibabaBasic, InnerAccessDrop: true}
	enterprise := sg.Group{ID: "sg-a", VPCID: "vpc-a", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{allOut(1)}}
	enterpriseAdmits := enterprise
	enterpriseAdmits.Rules = []sg.Rule{allOut(1), inSubnet22}
	other := sg.Group{ID: "sg-c", VPCID: "vpc-a", Flavour: sg.AlibabaBasic}
	ownB := sg.Group{ID: "sg-b", VPCID: "vpc-b", Flavour: sg.AlibabaBasic}
	a, c, bb := []string{"sg-a"}, []string{"sg-c"}, []string{"sg-b"}
	for _, tc := range []struct {
		name      string
		groups    []sg.Group
		a2        []string
		q         reach.Query
		reachable bool
		why       string // in the trace
	}{
		{"basic members talk on tcp/22", []sg.Group{basic, ownB}, a, tcp("eni-a1", "eni-a2", 22), true, "whose members reach each other"},
		{"basic members talk on udp/53, no rule needed", []sg.Group{basic, ownB},
			a, reach.Query{From: "eni-a2", To: "eni-a1", Protocol: flow.UDP, Port: 53}, true, "whose members reach each other"},
		{"a member of another basic group of the VPC is no member", []sg.Group{basic, other, ownB}, c, tcp("eni-a2", "eni-a1", 22), false, "no inbound rule"},
		{"an interface of the peered VPC is no member", []sg.Group{basic, ownB}, a, tcp("eni-b", "eni-a1", 22), false, "no inbound rule"},
		{"nor is a member reached in the peered VPC", []sg.Group{basic, ownB}, a, tcp("eni-a1", "eni-b", 22), false, "no inbound rule"},
		{"isolated basic members do not talk", []sg.Group{isolated, ownB}, a, tcp("eni-a1", "eni-a2", 22), false, "whose members are isolated"},
		{"enterprise members do not talk", []sg.Group{enterprise, ownB}, a, tcp("eni-a1", "eni-a2", 22), false, "the default denies"},
		{"enterprise members talk by an inbound rule", []sg.Group{enterpriseAdmits, ownB}, a, tcp("eni-a1", "eni-a2", 22), true, "sg-a rule"},
		{"and only where it allows", []sg.Group{enterpriseAdmits, ownB}, a, tcp("eni-a1", "eni-a2", 23), false, "the default denies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := joinVPCDesign(tc.groups, a, tc.a2, bb).Build()
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			want := reach.Unreachable
			if tc.reachable {
				want = reach.Reachable
			}
			assert.Equal(t, want, r.Outcome, "%s", r.Text())
			assert.Contains(t, r.Text(), tc.why)
		})
	}
}
