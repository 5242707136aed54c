package sg_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestCompileRefusesAlibabaICMPOfTheOtherFamily: an Alibaba Cloud ICMP
// rule whose CIDR peer is an IPv6 block, or ICMPv6 with an IPv4 block,
// has no documented meaning and as written would match no packet: Compile
// refuses it, naming the rule. So for a prefix list of the other family
// (an Alibaba list holds blocks of one family: CreatePrefixList), which
// Compile accepted and matched nothing by: an accept rule silently
// allowed nothing, a drop rule dropped nothing. A list without entries
// matches nothing whatever the rule means, and is accepted. AWS rules are
// left as they are.
func TestCompileRefusesAlibabaICMPOfTheOtherFamily(t *testing.T) {
	for _, c := range []struct {
		name    string
		flavour sg.Flavour
		proto   flow.Protocol
		peer    sg.Peer
		refused bool
	}{
		{"Alibaba ICMP, IPv6 peer", sg.AlibabaEnterprise, flow.ICMP, sg.AnyIPv6, true},
		{"Alibaba ICMPv6, IPv4 peer", sg.AlibabaBasic, flow.ICMPv6, sg.AnyIPv4, true},
		{"Alibaba ICMP, IPv4 peer", sg.AlibabaEnterprise, flow.ICMP, sg.AnyIPv4, false},
		{"Alibaba ICMPv6, IPv6 peer", sg.AlibabaEnterprise, flow.ICMPv6, sg.AnyIPv6, false},
		{"AWS ICMP, IPv6 peer", sg.AWS, flow.ICMP, sg.AnyIPv6, false},
		{"Alibaba ICMP, IPv6 prefix list", sg.AlibabaBasic, flow.ICMP, sg.PrefixList("pl-6"), true},
		{"Alibaba ICMPv6, IPv4 prefix list", sg.AlibabaEnterprise, flow.ICMPv6, sg.PrefixList("pl-4"), true},
		{"Alibaba ICMP, IPv4 prefix list", sg.AlibabaBasic, flow.ICMP, sg.PrefixList("pl-4"), false},
		{"Alibaba ICMPv6, IPv6 prefix list", sg.AlibabaBasic, flow.ICMPv6, sg.PrefixList("pl-6"), false},
		{"Alibaba ICMP, empty prefix list", sg.AlibabaBasic, flow.ICMP, sg.PrefixList("pl-0"), false},
		{"Alibaba all protocols, IPv6 prefix list", sg.AlibabaBasic, flow.AllProtocols, sg.PrefixList("pl-6"), false},
		{"AWS ICMP, IPv6 prefix list", sg.AWS, flow.ICMP, sg.PrefixList("pl-6"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sg.Rule{ID: "sgr-1", Direction: flow.Inbound, Protocol: c.proto, ICMPType: -1, ICMPCode: -1, Peer: c.peer}
			if c.flavour.IsAlibaba() {
				r.Action, r.Priority = flow.Pass, 1
			}
			g := sg.Group{ID: "sg-1", Flavour: c.flavour, Rules: []sg.Rule{r}}
			_, err := sg.Compile([]sg.Group{g}, sg.StaticResolver{Members: map[string][]netip.Addr{"sg-1": nil}, PrefixLists: map[string][]netip.Prefix{
				"pl-4": {netip.MustParsePrefix("192.0.2.0/24")}, "pl-6": {netip.MustParsePrefix("2001:db8::/32")}, "pl-0": nil}})
			if !c.refused {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, sg.ErrInvalidRule)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "sg-1", ie.Resource)
			assert.Equal(t, "sgr-1", ie.Rule)
			assert.Contains(t, err.Error(), "of the other address family")
		})
	}
}

// TestUnknownMembersErrorSaysWhetherTheGroupIsHeld: the error of a group
// the input holds, some of whose members are unknown, does not say the
// group is missing from the input.
func TestUnknownMembersErrorSaysWhetherTheGroupIsHeld(t *testing.T) {
	for _, c := range []struct {
		held bool
		want string
	}{
		{false, "group members unknown: security group sg-1 is not in the input"},
		{true, "group members unknown: security group sg-1 is in the input, but whether some addresses are its members is unknown"},
	} {
		err := &sg.UnknownMembers{Group: "sg-1", Held: c.held}
		assert.EqualError(t, err, c.want)
		assert.ErrorIs(t, err, sg.ErrMembersUnknown)
	}
}

// TestAlibabaRulesAlibabaCannotWrite: AuthorizeSecurityGroup takes tcp
// and udp port ranges within 1–65535 and -1/-1 for ICMP (no type or code):
// a Go-written Alibaba Cloud rule for port 0 alone, or for one ICMP type
// or code, is refused, as the JSON reader refuses it, not judged as a rule
// that cannot exist (audit alibaba20 finding 2). AWS rules keep both.
func TestAlibabaRulesAlibabaCannotWrite(t *testing.T) {
	for _, c := range []struct {
		name    string
		flavour sg.Flavour
		rule    sg.Rule
		refused string
	}{
		{"Alibaba tcp port 0 alone", sg.AlibabaBasic, sg.Rule{Protocol: flow.TCP, PortZero: true}, "port ranges are 1–65535"},
		{"Alibaba ICMP type 8", sg.AlibabaEnterprise, sg.Rule{Protocol: flow.ICMP, ICMPType: 8, ICMPCode: -1}, "set both to -1"},
		{"Alibaba ICMP type 8 code 0", sg.AlibabaBasic, sg.Rule{Protocol: flow.ICMP, ICMPType: 8, ICMPCode: 0}, "set both to -1"},
		{"Alibaba ICMPv6 type 128", sg.AlibabaBasic, sg.Rule{Protocol: flow.ICMPv6, ICMPType: 128, ICMPCode: -1, Peer: sg.AnyIPv6}, "set both to -1"},
		{"Alibaba ICMP every type", sg.AlibabaBasic, sg.Rule{Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1}, ""},
		{"Alibaba tcp 1-65535", sg.AlibabaBasic, sg.Rule{Protocol: flow.TCP, Ports: flow.PortRange{Lo: 1, Hi: 65535}}, ""},
		{"AWS tcp port 0 alone", sg.AWS, sg.Rule{Protocol: flow.TCP, PortZero: true}, ""},
		{"AWS ICMP type 8 code 0", sg.AWS, sg.Rule{Protocol: flow.ICMP, ICMPType: 8, ICMPCode: 0}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.rule
			r.ID, r.Direction = "sgr-1", flow.Inbound
			if r.Peer == (sg.Peer{}) {
				r.Peer = sg.AnyIPv4
			}
			if !r.Protocol.IsICMP() {
				r.ICMPType, r.ICMPCode = -1, -1
			}
			if c.flavour.IsAlibaba() {
				r.Action, r.Priority = flow.Pass, 1
			}
			_, err := sg.Compile([]sg.Group{{ID: "sg-1", Flavour: c.flavour, Rules: []sg.Rule{r}}}, sg.StaticResolver{Members: map[string][]netip.Addr{"sg-1": nil}})
			if c.refused == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, sg.ErrInvalidRule)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "sgr-1", ie.Rule)
			assert.Contains(t, err.Error(), c.refused)
		})
	}
}
