package sg_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// unknownResolver knows no group's members: every group it is asked about
// is one the input does not hold, and Known names the addresses certainly
// outside it.
type unknownResolver struct{ Known func(netip.Addr) bool }

func (u unknownResolver) GroupMembers(group string) ([]netip.Addr, error) {
	return nil, &sg.UnknownMembers{Group: group, Known: u.Known}
}

// partResolver knows some members of every group (Members), and whether
// another address could be one (Known).
type partResolver struct{ sg.UnknownMembers }

func (p partResolver) GroupMembers(group string) ([]netip.Addr, error) {
	u := p.UnknownMembers
	u.Group = group
	return nil, &u
}

func (partResolver) PrefixList(id string) ([]netip.Prefix, error) { return nil, sg.ErrUnresolved }

func (unknownResolver) PrefixList(id string) ([]netip.Prefix, error) {
	return nil, sg.ErrUnresolved
}

// TestUnknownMembers: a rule that references a group whose members the
// input does not hold decides nothing for certain; the verdict is
// indeterminate only where no other rule allows the packet and the peer
// might be a member.
func TestUnknownMembers(t *testing.T) {
	designed := netip.MustParseAddr("10.0.0.1") // an address whose groups are all known
	res := unknownResolver{Known: func(a netip.Addr) bool { return a == designed }}
	g := sg.Group{ID: "sg-db", Rules: []sg.Rule{
		withID(in("tcp 5432", sg.GroupRef("sg-peer")), "sgr-peer"),
		withID(in("tcp 5432", sg.CIDR("10.1.0.0/16")), "sgr-cidr"),
	}}
	e, err := sg.Compile([]sg.Group{g}, res)
	require.NoError(t, err, "a reference to a group with unknown members compiles")
	tests := []struct {
		name    string
		flow    string
		verdict flow.Verdict
		basis   sg.Basis
		rule    string
	}{
		{"a peer that might be a member, nothing else allows: indeterminate", "tcp 10.2.0.5:50000 -> 10.0.3.30:5432", flow.Indeterminate, sg.UnknownMember, "sgr-peer"},
		{"another rule allows the peer: allowed by it", "tcp 10.1.0.5:50000 -> 10.0.3.30:5432", flow.Allow, sg.ByRule, "sgr-cidr"},
		{"the rule's traffic does not match: denied", "tcp 10.2.0.5:50000 -> 10.0.3.30:22", flow.Deny, sg.NoRuleAllows, ""},
		{"a peer whose groups are all known is no member: denied", "tcp 10.0.0.1:50000 -> 10.0.3.30:5432", flow.Deny, sg.NoRuleAllows, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := flow.MustParse(tt.flow)
			d := e.Evaluate(f, flow.Inbound)
			assert.Equal(t, tt.verdict, d.Verdict)
			assert.Equal(t, tt.basis, d.Basis)
			assert.Equal(t, tt.rule, d.Rule.ID)
			x := e.Explain(f, flow.Inbound)
			assert.Equal(t, d.Verdict, x.Verdict)
			if tt.verdict == flow.Indeterminate {
				assert.Contains(t, x.String(), "member of sg-peer, and the input does not say whether it is")
				assert.Contains(t, x.Groups[0].Reason, "whether 10.2.0.5 is a member of sg-peer is unknown")
			}
		})
	}

	t.Run("a group whose members are known in part", func(t *testing.T) {
		member, other, maybe := netip.MustParseAddr("10.0.0.7"), netip.MustParseAddr("10.0.0.8"), netip.MustParseAddr("10.0.0.9")
		res := partResolver{UnknownMembers: sg.UnknownMembers{Members: []netip.Addr{member},
			Known: func(a netip.Addr) bool { return a != maybe }}}
		g := sg.Group{ID: "sg-db", Rules: []sg.Rule{withID(in("tcp 5432", sg.GroupRef("sg-app")), "sgr-app")}}
		e, err := sg.Compile([]sg.Group{g}, res)
		require.NoError(t, err)
		for _, c := range []struct {
			peer    netip.Addr
			verdict flow.Verdict
		}{{member, flow.Allow}, {other, flow.Deny}, {maybe, flow.Indeterminate}} {
			f := flow.MustParse("tcp " + c.peer.String() + ":50000 -> 10.0.3.30:5432")
			assert.Equal(t, c.verdict, e.Evaluate(f, flow.Inbound).Verdict, c.peer)
			assert.Equal(t, c.verdict, e.Explain(f, flow.Inbound).Verdict, c.peer)
			b := flow.NewBounds(flow.FieldSrcAddr)
			e.Bounds(f, flow.Inbound, b)
			assert.Contains(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.0.255")),
				flow.AddrRange{From: member, To: member}, "a known member is an atom of its own")
		}
	})
	t.Run("a middlebox-blind view knows the group has no member there", func(t *testing.T) {
		blind, err := e.WithMembership(sg.StaticResolver{Members: map[string][]netip.Addr{"sg-peer": nil}})
		require.NoError(t, err)
		assert.Equal(t, flow.Deny, blind.Evaluate(flow.MustParse("tcp 10.2.0.5:50000 -> 10.0.3.30:5432"), flow.Inbound).Verdict)
	})
	t.Run("an Alibaba Cloud rule cannot reference a group with unknown members", func(t *testing.T) {
		ali := sg.Group{ID: "sg-ali", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP,
			Ports: flow.AllPorts, Priority: 1, Action: flow.Drop, Peer: sg.GroupRef("sg-peer")}}}
		_, err := sg.Compile([]sg.Group{ali}, sg.StaticResolver{Members: map[string][]netip.Addr{"sg-ali": nil}, Unknown: []string{"sg-peer"}})
		require.ErrorIs(t, err, sg.ErrUnresolved)
		require.ErrorIs(t, err, sg.ErrMembersUnknown)
	})
	t.Run("other callers see an error wrapping ErrMembersUnknown", func(t *testing.T) {
		_, err := res.GroupMembers("sg-peer")
		require.ErrorIs(t, err, sg.ErrMembersUnknown)
		assert.EqualError(t, err, "group members unknown: security group sg-peer is not in the input")
	})
}

// TestUnknownEntries: a rule that references a prefix list whose entries
// the input does not hold may match any address, of either family: it
// allows nothing for certain, and where nothing else allows the packet
// the verdict is indeterminate, naming the rule and the list.
func TestUnknownEntries(t *testing.T) {
	res := sg.StaticResolver{UnknownLists: []string{"pl-shared"}}
	g := sg.Group{ID: "sg-db", Rules: []sg.Rule{
		withID(in("tcp 5432", sg.PrefixList("pl-shared")), "sgr-list"),
		withID(in("tcp 5432", sg.CIDR("10.1.0.0/16")), "sgr-cidr"),
	}}
	e, err := sg.Compile([]sg.Group{g}, res)
	require.NoError(t, err, "a reference to a list with unknown entries compiles")
	tests := []struct {
		name    string
		flow    string
		verdict flow.Verdict
		basis   sg.Basis
		rule    string
	}{
		{"any IPv4 peer, nothing else allows: indeterminate", "tcp 10.2.0.5:50000 -> 10.0.3.30:5432", flow.Indeterminate, sg.UnknownEntry, "sgr-list"},
		{"an IPv6 peer too: the list's family is not known either", "tcp [2001:db8::5]:50000 -> [2001:db8:1::30]:5432", flow.Indeterminate, sg.UnknownEntry, "sgr-list"},
		{"another rule allows the peer: allowed by it", "tcp 10.1.0.5:50000 -> 10.0.3.30:5432", flow.Allow, sg.ByRule, "sgr-cidr"},
		{"the rule's traffic does not match: denied", "tcp 10.2.0.5:50000 -> 10.0.3.30:22", flow.Deny, sg.NoRuleAllows, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := flow.MustParse(tt.flow)
			d := e.Evaluate(f, flow.Inbound)
			assert.Equal(t, tt.verdict, d.Verdict)
			assert.Equal(t, tt.basis, d.Basis)
			assert.Equal(t, tt.rule, d.Rule.ID)
			x := e.Explain(f, flow.Inbound)
			assert.Equal(t, d.Verdict, x.Verdict)
			assert.Equal(t, d.Basis, x.Basis)
			if tt.verdict == flow.Indeterminate {
				assert.Equal(t, "sg-db sgr-list allows tcp/5432 from pl-shared", e.RuleLabel(d))
				assert.Contains(t, x.String(), "allows it if the peer is in pl-shared, and the input does not hold the list's entries")
				assert.Contains(t, x.Groups[0].Reason, "is in pl-shared is unknown: the input does not hold the list's entries")
			}
		})
	}
	t.Run("the port sets: the list's ports are undecided, the others' allowed", func(t *testing.T) {
		allow, undecided, ok := e.PortVerdicts(flow.MustParse("tcp 10.2.0.5:50000 -> 10.0.3.30:1"), flow.Inbound)
		require.True(t, ok)
		assert.True(t, allow.IsEmpty())
		assert.Equal(t, "5432", undecided.String())
	})
	t.Run("a middlebox-blind view: a list matches by address, so it stays unknown", func(t *testing.T) {
		blind, err := e.WithMembership(sg.StaticResolver{})
		require.NoError(t, err)
		assert.Equal(t, flow.Indeterminate, blind.Evaluate(flow.MustParse("tcp 10.2.0.5:50000 -> 10.0.3.30:5432"), flow.Inbound).Verdict)
	})
	t.Run("an Alibaba Cloud rule cannot reference a list with unknown entries", func(t *testing.T) {
		ali := sg.Group{ID: "sg-ali", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP,
			Ports: flow.AllPorts, Priority: 1, Action: flow.Drop, Peer: sg.PrefixList("pl-shared")}}}
		_, err := sg.Compile([]sg.Group{ali}, res)
		require.ErrorIs(t, err, sg.ErrUnresolved)
		require.ErrorIs(t, err, sg.ErrEntriesUnknown)
	})
	t.Run("other callers see an error wrapping ErrEntriesUnknown", func(t *testing.T) {
		_, err := res.PrefixList("pl-shared")
		require.ErrorIs(t, err, sg.ErrEntriesUnknown)
		assert.EqualError(t, err, "prefix list entries unknown: prefix list pl-shared is referenced, and the input does not hold its entries")
	})
}

// TestUnknownEntriesOfOneFamily: a prefix list holds blocks of its
// address family only, so a rule by one whose entries are unknown but
// whose family is known certainly matches no address of the other
// family, and may match any of its own.
func TestUnknownEntriesOfOneFamily(t *testing.T) {
	res := sg.StaticResolver{UnknownLists: []string{"pl-v4", "pl-v6"}, ListFamilies: map[string]string{"pl-v4": sg.FamilyIPv4, "pl-v6": sg.FamilyIPv6}}
	v4 := sg.Group{ID: "sg-db", Rules: []sg.Rule{withID(in("tcp 5432", sg.PrefixList("pl-v4")), "sgr-list")}}
	v6 := sg.Group{ID: "sg-db", Rules: []sg.Rule{withID(in("tcp 5432", sg.PrefixList("pl-v6")), "sgr-list")}}
	const (
		from4 = "tcp 10.2.0.5:50000 -> 10.0.3.30:5432"
		from6 = "tcp [2001:db8::5]:50000 -> [2001:db8:1::30]:5432"
	)
	tests := []struct {
		name    string
		group   sg.Group
		flow    string
		verdict flow.Verdict
		basis   sg.Basis
		reason  string
	}{
		{"an IPv4 list, an IPv4 peer: it may be in the list", v4, from4, flow.Indeterminate, sg.UnknownEntry, "is in pl-v4 is unknown"},
		{"an IPv4 list, an IPv6 peer: certainly not in it", v4, from6, flow.Deny, sg.NoRuleAllows, "2001:db8::5 is not in pl-v4, which holds IPv4 blocks only"},
		{"an IPv6 list, an IPv6 peer: it may be in the list", v6, from6, flow.Indeterminate, sg.UnknownEntry, "is in pl-v6 is unknown"},
		{"an IPv6 list, an IPv4 peer: certainly not in it", v6, from4, flow.Deny, sg.NoRuleAllows, "10.2.0.5 is not in pl-v6, which holds IPv6 blocks only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := sg.Compile([]sg.Group{tt.group}, res)
			require.NoError(t, err)
			f := flow.MustParse(tt.flow)
			d := e.Evaluate(f, flow.Inbound)
			assert.Equal(t, tt.verdict, d.Verdict)
			assert.Equal(t, tt.basis, d.Basis)
			x := e.Explain(f, flow.Inbound)
			assert.Equal(t, d.Verdict, x.Verdict)
			require.NotEmpty(t, x.Groups)
			assert.Contains(t, x.Groups[0].Reason, tt.reason)
			allow, undecided, ok := e.PortVerdicts(f, flow.Inbound)
			require.True(t, ok)
			assert.True(t, allow.IsEmpty())
			assert.Equal(t, tt.verdict == flow.Indeterminate, undecided.Contains(5432), "PortVerdicts agrees: %s", undecided)
		})
	}
	t.Run("another family is an error", func(t *testing.T) {
		_, err := sg.Compile([]sg.Group{v4}, sg.StaticResolver{UnknownLists: []string{"pl-v4"}, ListFamilies: map[string]string{"pl-v4": "ipv4"}})
		require.ErrorIs(t, err, sg.ErrUnresolved)
		assert.ErrorContains(t, err, `prefix list pl-v4: address family "ipv4" is neither IPv4 nor IPv6`)
	})
}
