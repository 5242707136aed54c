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
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// podsWhat is the value known only later of podsRefDesign's node.
const podsWhat = "aws_network_interface.pods: ipv4_prefixes"

// podsRefDesign is a node, pods (eni-pods, 10.0.1.10, group sg-open),
// whose IPv4 prefixes AWS delegates at launch (EKS pods in prefix mode)
// beside one it has (10.0.1.64/28), another interface of its subnet
// (other, 10.0.1.20, not of sg-open), and x (10.0.2.10) in another
// subnet, whose group sg-x allows traffic only to and from sg-open's
// members (the peer ref, sg.GroupRef("sg-open") unless set).
func podsRefDesign(ref sg.Peer) *sample.Design {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	all := func(dir flow.Direction, p sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: p}
	}
	if ref == (sg.Peer{}) {
		ref = sg.GroupRef("sg-open")
	}
	return &sample.Design{
		VPCs:        []reach.VPC{{ID: "vpc-p", CIDRs: []netip.Prefix{pfx("10.0.0.0/16"), pfx("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"}},
		RouteTables: []reach.RouteTable{{ID: "rtb-p", VPC: "vpc-p"}},
		ACLs:        []nacl.ACL{nacl.NewDefault("acl-p", "vpc-p", true)},
		Subnets: []reach.Subnet{
			{ID: "subnet-pods", VPC: "vpc-p", CIDRs: []netip.Prefix{pfx("10.0.1.0/24"), pfx("2001:db8:1:1::/64")}},
			{ID: "subnet-x", VPC: "vpc-p", CIDRs: []netip.Prefix{pfx("10.0.2.0/24"), pfx("2001:db8:1:2::/64")}},
		},
		Groups: []sg.Group{
			{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound, sg.AnyIPv4), all(flow.Inbound, sg.AnyIPv6), all(flow.Outbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv6)}},
			{ID: "sg-x", Rules: []sg.Rule{all(flow.Outbound, ref), all(flow.Inbound, ref)}},
		},
		Interfaces: []reach.Interface{
			{ID: "eni-pods", Name: "pods", Subnet: "subnet-pods", PrivateIPs: []netip.Addr{ip("10.0.1.10"), ip("2001:db8:1:1::10")}, Groups: []string{"sg-open"},
				DelegatedPrefixes: []netip.Prefix{pfx("10.0.1.64/28")}, IPv4PrefixesUnknown: podsWhat},
			{ID: "eni-other", Name: "other", Subnet: "subnet-pods", PrivateIPs: []netip.Addr{ip("10.0.1.20"), ip("2001:db8:1:1::20")}, Groups: []string{"sg-x"}},
			{ID: "eni-x", Name: "x", Subnet: "subnet-x", PrivateIPs: []netip.Addr{ip("10.0.2.10"), ip("2001:db8:1:2::10")}, Groups: []string{"sg-x"}},
		},
	}
}

// TestGroupReferenceMayMatchFreeAddress: a rule referencing a group
// matches the addresses of the prefixes delegated to its members, so
// where AWS delegates a member's prefixes at launch
// (Interface.IPv4PrefixesUnknown) it may match any free address of the
// member's subnet: the security group hop is undecided
// (SG_INDETERMINATE, naming the value), never a certain SG_NO_ALLOW
// that would make the answer Unreachable. An address something holds,
// one AWS reserves, one of another subnet and one of the other family
// (whose prefixes are known: none) stay certain. So does a rule whose
// ports are known only later and whose peer is the group
// (Builder.AddUnknownPortsOf), which may match the free addresses and
// the delegated prefixes as the group does.
func TestGroupReferenceMayMatchFreeAddress(t *testing.T) {
	const prefixesMissing = podsWhat + ", known only later: whether the prefixes or addresses AWS gives pods (eni-pods), a member of sg-open, at launch hold 10.0.1.37"
	const portsWhat = "aws_security_group_rule.x: from_port"
	plain := build(t, podsRefDesign(sg.Peer{}))
	ports, err := podsRefDesign(sg.GroupRef("plan:ports")).Builder().AddUnknownPortsOf("plan:ports", portsWhat, sg.GroupRef("sg-open")).Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		m       *reach.Model
		to      string
		want    reach.Outcome
		codes   []reach.Code
		missing string // of the security group hop, when undecided
	}{
		{"a free address of the member's subnet: undecided at the sender's group", plain, "10.0.1.37",
			reach.Indeterminate, []reach.Code{reach.SGIndeterminate, reach.DelegatedPrefixesUnknown}, prefixesMissing},
		{"the member's own address", plain, "10.0.1.10", reach.Reachable, nil, ""},
		{"an address of the member's delegated prefix", plain, "10.0.1.70", reach.Reachable, nil, ""},
		{"another interface's address: certainly no member", plain, "10.0.1.20",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.SGNoAllow}, ""},
		{"an address AWS reserves (the last): certainly no member", plain, "10.0.1.255",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnknownDestination}, ""},
		{"an address AWS reserves (the first four): certainly no member", plain, "10.0.1.3",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnknownDestination}, ""},
		{"a free address of another subnet: certainly no member", plain, "10.0.2.37",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnknownDestination}, ""},
		{"a free IPv6 address: the member's IPv6 prefixes are known (none)", plain, "2001:db8:1:1::37",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnknownDestination}, ""},
		{"ports known only later, a free address", ports, "10.0.1.37",
			reach.Indeterminate, []reach.Code{reach.SGIndeterminate, reach.DelegatedPrefixesUnknown}, portsWhat + ", known only later"},
		{"ports known only later, an address of the member's delegated prefix", ports, "10.0.1.70",
			reach.Indeterminate, []reach.Code{reach.SGIndeterminate}, portsWhat + ", known only later"},
		{"ports known only later, another interface's address", ports, "10.0.1.20",
			reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.SGNoAllow}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: "x", To: tc.to, Protocol: flow.TCP, Port: 443}
			r, err := tc.m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if len(tc.codes) == 0 {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tc.codes, r.Codes(), "in the order of the trace: %s", r.Text())
			}
			v, err := tc.m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.missing == "" {
				return
			}
			require.NotEmpty(t, r.Forward, r.Text())
			h := r.Forward[0]
			require.Equal(t, reach.KindSecurityGroups, h.Kind, r.Text())
			assert.Equal(t, flow.Indeterminate, h.Verdict, r.Text())
			assert.Contains(t, h.Missing, tc.missing, r.Text())
			if tc.m == plain {
				assert.True(t, hasDetail(r, "whether 10.0.1.37 is a member of sg-open is unknown: the input holds only some of its members"), r.Text())
			}
		})
	}
}

// TestGroupReferenceFreeAddressSetAnswers: the set questions agree with
// Check where a group reference may match a free address: Sources of x
// (inbound from sg-open) lists the node's free addresses as one
// Indeterminate entry naming the value, and x among the sources of such
// an address; Ports from x to it are undecided on every port; the
// matrix and the audit agree with brute force.
func TestGroupReferenceFreeAddressSetAnswers(t *testing.T) {
	d := podsRefDesign(sg.Peer{})
	m := build(t, d)
	q := reach.SourcesQuery{To: "x", Protocol: flow.TCP, Port: 443}
	s, err := m.Sources(q)
	require.NoError(t, err)
	var entry *reach.SourceInterface
	for i, e := range s.Interfaces {
		if e.PrefixesUnknown != "" {
			require.Nil(t, entry, "one entry for the node's free addresses: %s", s)
			entry = &s.Interfaces[i]
		}
	}
	require.NotNil(t, entry, "%s", s)
	assert.Equal(t, "eni-pods", entry.ID)
	assert.Equal(t, podsWhat, entry.PrefixesUnknown)
	assert.Equal(t, reach.Indeterminate, entry.Outcome)
	free := entry.Prefixes
	assert.Contains(t, free, bp("10.0.1.32/27"), "%s", s)
	assert.Greater(t, checkPrefixesUnknownSources(t, d, nil, m, q, s, "Sources of x"), 0)

	s, err = m.Sources(reach.SourcesQuery{To: "10.0.1.37", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Contains(t, s.Interfaces, reach.SourceInterface{ID: "eni-x", Name: "x", Address: ba("10.0.2.10"), Outcome: reach.Indeterminate},
		"x may reach a pod's address: %s", s)
	// the pods' free addresses are no source of one of them: the node's
	// own once delegated (a session inside the host), no one's otherwise
	assert.False(t, slices.ContainsFunc(s.Interfaces, func(e reach.SourceInterface) bool { return e.ID == "eni-pods" && e.PrefixesUnknown != "" }), "%s", s)

	p, err := m.Ports(reach.PortsQuery{From: "x", To: "10.0.1.37", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, flow.SetOf[uint16](), p.Open, "%s", p)
	assert.Equal(t, flow.SetOf(flow.PortRange{Lo: 1, Hi: 65535}), p.Indeterminate, "%s", p)

	brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Few: true,
		Sources: []reach.SourcesQuery{q, {To: "10.0.1.37", Protocol: flow.TCP, Port: 443}, {To: "other", Protocol: flow.TCP, Port: 443}},
		Ports:   []reach.PortsQuery{{From: "x", To: "10.0.1.37", Protocol: flow.TCP}, {From: "x", To: "10.0.1.20", Protocol: flow.UDP}}})
}

// A member whose address AWS picks at launch (Interface.AddressUnknown)
// may get any free address of its subnet: a rule referencing its group
// may match such an address, so the hop is undecided, never a certain
// SG_NO_ALLOW; an address another interface holds stays certain.
func TestGroupReferenceMayMatchAnAddressKnownOnlyLater(t *testing.T) {
	const what = "aws_instance.pods: private_ip"
	d := podsRefDesign(sg.Peer{})
	pods := &d.Interfaces[0]
	pods.PrivateIPs, pods.DelegatedPrefixes, pods.IPv4PrefixesUnknown = pods.PrivateIPs[1:], nil, ""
	pods.AddressUnknown = what
	m := build(t, d)
	for _, tc := range []struct {
		name    string
		to      string
		want    reach.Outcome
		codes   []reach.Code
		missing string
	}{
		{"a free address the member may get: undecided", "10.0.1.37", reach.Indeterminate,
			[]reach.Code{reach.SGIndeterminate, reach.AddressUnknownDestination},
			what + ", known only later: whether AWS gives pods (eni-pods), a member of sg-open, the address 10.0.1.37"},
		{"another interface's address: certain", "10.0.1.20", reach.Unreachable,
			[]reach.Code{reach.SGNoAllow, reach.SGNoAllow}, ""},
		{"an address AWS reserves: certain", "10.0.1.3", reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnknownDestination}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: "x", To: tc.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			var codes []reach.Code
			for _, h := range r.Forward {
				if h.Code != "" {
					codes = append(codes, h.Code)
				}
				if h.Code == reach.SGIndeterminate {
					assert.Contains(t, h.Missing, tc.missing)
				}
			}
			assert.Equal(t, tc.codes, codes, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
		})
	}
}
