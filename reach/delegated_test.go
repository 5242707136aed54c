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
	"github.com/reachsim/reachsim/sg"
)

// hasDetail reports whether some hop of r has a detail holding all of
// words.
func hasDetail(r *reach.Result, words ...string) bool {
	for _, h := range slices.Concat(r.Forward, r.Return) {
		for _, d := range h.Details() {
			if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(d, w) }) {
				return true
			}
		}
	}
	return false
}

// TestDelegatedPrefixIsTheInterfaces: an address of a prefix delegated to
// an interface (Interface.DelegatedPrefixes) is the interface's own, as
// AWS has it: a packet to it is delivered to the interface, through its
// subnet's ACL and its security groups, and the interface sends from it.
// An IPv6 prefix of a public block is on the internet as the interface's
// IPv6 address is; no public IPv4 address maps to an IPv4 prefix. An
// address of the subnet outside the prefixes stays unknown.
func TestDelegatedPrefixIsTheInterfaces(t *testing.T) {
	m := v6Design(t, func(_ *reach.VPC, ifs []reach.Interface) {
		ifs[1].DelegatedPrefixes = []netip.Prefix{bp("2001:db8:90:2:a::/80"), bp("10.9.2.32/28")}
	})
	for _, tc := range []struct {
		from, to string
		want     reach.Outcome
		code     reach.Code // of the first block, when unreachable
	}{
		{"2001:db8:ff::7", "2001:db8:90:2:a::5", reach.Reachable, ""},
		{"ula", "2001:db8:90:2:a::5", reach.Reachable, ""},
		{"ula", "10.9.2.40", reach.Reachable, ""},
		{"10.9.2.40", "ula", reach.Reachable, ""},
		{"2001:db8:90:2:a::5", "2001:db8:ff::7", reach.Reachable, ""},
		{"10.9.2.40", "8.8.8.8", reach.Unreachable, reach.NoPublicIP},
		{"2001:db8:ff::7", "2001:db8:90:2:b::5", reach.Unreachable, reach.UnknownDestination},
		{"ula", "10.9.2.60", reach.Unreachable, reach.UnknownDestination},
		{"2001:db8:ff::7", "2001:db8:90:2::10", reach.Reachable, ""},
	} {
		q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: 443}
		r, err := m.Check(q)
		require.NoError(t, err, "%s -> %s", tc.from, tc.to)
		require.Equal(t, tc.want, r.Outcome, r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, "Verdict agrees with Check: %s -> %s", tc.from, tc.to)
		if tc.code != "" {
			h, ok := blockAt(r)
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.code, h.Code, r.Text())
		}
		for _, a := range []string{tc.from, tc.to} {
			if strings.HasPrefix(a, "2001:db8:90:2:a:") || a == "10.9.2.40" {
				assert.True(t, hasDetail(r, a, "delegated to gua (eni-g)"), "the trace says %s is of a prefix delegated to eni-g:\n%s", a, r.Text())
				assert.Contains(t, r.From+r.To, "gua (eni-g) ["+a+"]", "the end is named by the interface")
			}
		}
	}
	owner, ok := m.Owner(ba("10.9.2.33"))
	require.True(t, ok)
	assert.Equal(t, "eni-g", owner)
	_, err := m.Check(reach.Query{From: "10.9.2.60", To: "ula", Protocol: flow.TCP, Port: 443})
	require.ErrorIs(t, err, reach.ErrQuery, "an address of the subnet outside the prefixes sends nothing")
}

// TestDelegatedPrefixFiltered: the interface's subnet ACL and security
// groups judge its delegated prefixes' addresses as its own; a rule for
// the primary address alone does not admit them.
func TestDelegatedPrefixFiltered(t *testing.T) {
	m := podDesign(t, "", func(b *reach.Builder) {
		// the database admits the node's primary address only
		b.AddSecurityGroup(sg.Group{ID: "sg-db", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.1.10/32")}}})
	})
	for _, tc := range []struct {
		from string
		want reach.Outcome
	}{
		{"eni-node", reach.Reachable},
		{"10.0.1.37", reach.Unreachable},
	} {
		r, err := m.Check(reach.Query{From: tc.from, To: "eni-db", Protocol: flow.TCP, Port: 5432})
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, r.Text())
	}
	// the database subnet's ACL denies the pods' prefix inbound
	m = podDesign(t, "acl-db", func(b *reach.Builder) {
		b.AddSecurityGroup(sg.Group{ID: "sg-db", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.0.0/16")}}})
		acl := nacl.NewCustom("acl-db", "vpc-p")
		for _, e := range []string{"90 deny all from 10.0.1.32/28", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"} {
			acl.Entries = append(acl.Entries, nacl.MustParseEntry(e))
		}
		b.AddNetworkACL(acl)
	})
	for _, tc := range []struct {
		from string
		want reach.Outcome
	}{
		{"eni-node", reach.Reachable},
		{"10.0.1.37", reach.Unreachable},
		{"10.0.1.48", reach.Unreachable}, // outside the prefix: nothing sends from it
	} {
		r, err := m.Check(reach.Query{From: tc.from, To: "eni-db", Protocol: flow.TCP, Port: 5432})
		if tc.from == "10.0.1.48" {
			require.ErrorIs(t, err, reach.ErrQuery)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, r.Text())
		if tc.want == reach.Unreachable {
			h, ok := blockAt(r)
			require.True(t, ok)
			assert.Equal(t, reach.ACLDeny, h.Code, r.Text())
		}
	}
}

// podDesign is an Amazon EKS node in prefix mode: eni-node (10.0.1.10,
// group sg-node) holds 10.0.1.32/28 and 2001:db8:1:1:a::/80, whose
// addresses its pods use; eni-db (10.0.2.10, group sg-db, which edit
// adds) is a database in another subnet; eni-other (10.0.1.20, group
// sg-other) is in the node's subnet. Every group but sg-db lets all out.
// dbACL, when set, is the database subnet's network ACL, which edit adds.
func podDesign(t *testing.T, dbACL string, edit func(b *reach.Builder)) *reach.Model {
	t.Helper()
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
	b.AddRouteTable(reach.RouteTable{ID: "rtb-p", VPC: "vpc-p"})
	b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true))
	out := func(id string) sg.Group {
		return sg.Group{ID: id, Rules: []sg.Rule{
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}}}
	}
	b.AddSecurityGroup(out("sg-node"), out("sg-other"))
	b.AddSubnet(reach.Subnet{ID: "subnet-node", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}},
		reach.Subnet{ID: "subnet-db", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2001:db8:1:2::/64")}, ACL: dbACL})
	b.AddInterface(
		reach.Interface{ID: "eni-node", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2001:db8:1:1::10")}, Groups: []string{"sg-node"},
			DelegatedPrefixes: []netip.Prefix{bp("10.0.1.32/28"), bp("2001:db8:1:1:a::/80")}},
		reach.Interface{ID: "eni-other", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.20"), ba("2001:db8:1:1::20")}, Groups: []string{"sg-other"}},
		reach.Interface{ID: "eni-db", Subnet: "subnet-db", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2001:db8:1:2::10")}, Groups: []string{"sg-db"}})
	edit(b)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestDelegatedPrefixGroupReference: as Amazon EKS documents for pods
// sharing their node's interface, a rule referencing a group matches the
// addresses of the prefixes delegated to its members, as sources of an
// inbound rule and as destinations of an outbound one, IPv4 and IPv6
// alike; it matches no other interface's address.
func TestDelegatedPrefixGroupReference(t *testing.T) {
	m := podDesign(t, "", func(b *reach.Builder) {
		b.AddSecurityGroup(sg.Group{ID: "sg-db", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.GroupRef("sg-node")},
			{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8080), Peer: sg.GroupRef("sg-node")}}})
	})
	for _, tc := range []struct {
		from, to string
		port     uint16
		want     reach.Outcome
	}{
		{"10.0.1.37", "eni-db", 5432, reach.Reachable},
		{"2001:db8:1:1:a::77", "2001:db8:1:2::10", 5432, reach.Reachable},
		{"eni-node", "eni-db", 5432, reach.Reachable},
		{"eni-other", "eni-db", 5432, reach.Unreachable},
		{"10.0.1.37", "eni-db", 5433, reach.Unreachable},
		// the database's outbound rule references the node's group: the
		// pods' addresses are destinations it matches (the node's groups
		// do not admit inbound, so the session stops there)
		{"eni-db", "10.0.1.37", 8080, reach.Unreachable},
	} {
		q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.TCP, Port: tc.port}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, "%s -> %s:%d\n%s", tc.from, tc.to, tc.port, r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v)
	}
	r, err := m.Check(reach.Query{From: "eni-db", To: "10.0.1.37", Protocol: flow.TCP, Port: 8080})
	require.NoError(t, err)
	require.NotEmpty(t, r.Forward)
	first := r.Forward[0]
	assert.Equal(t, reach.KindSecurityGroups, first.Kind)
	assert.Equal(t, flow.Allow, first.Verdict, "the outbound rule referencing sg-node matches a pod's address: %s", r.Text())
	h, ok := blockAt(r)
	require.True(t, ok)
	assert.Equal(t, reach.SGNoAllow, h.Code)
	assert.Contains(t, h.Name, "eni-node", "the pod's address is judged by the node's groups")
	prefixes := m.GroupPrefixes("sg-node")
	assert.ElementsMatch(t, []netip.Prefix{bp("10.0.1.32/28"), bp("2001:db8:1:1:a::/80")}, prefixes)
	assert.Empty(t, m.GroupPrefixes("sg-other"))
}

// TestDelegatedPrefixesCheckedAtBuild: a delegated prefix overlaps no
// other, and holds no interface's private address (AWS reserves its
// addresses for its interface).
func TestDelegatedPrefixesCheckedAtBuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		node    []netip.Prefix
		other   []netip.Prefix
		wantErr string
	}{
		{"overlap", []netip.Prefix{bp("10.0.1.32/28")}, []netip.Prefix{bp("10.0.1.32/28")}, "overlaps 10.0.1.32/28"},
		{"holds an address", []netip.Prefix{bp("10.0.1.16/28")}, nil, "10.0.1.20"},
		{"disjoint", []netip.Prefix{bp("10.0.1.32/28")}, []netip.Prefix{bp("10.0.1.48/28")}, ""},
	} {
		b := reach.NewBuilder()
		b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
		b.AddRouteTable(reach.RouteTable{ID: "rtb-p", VPC: "vpc-p"})
		b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", false))
		b.AddSecurityGroup(openGroup("sg-open"))
		b.AddSubnet(reach.Subnet{ID: "subnet-node", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24")}})
		b.AddInterface(
			reach.Interface{ID: "eni-node", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.10")}, Groups: []string{"sg-open"}, DelegatedPrefixes: tc.node},
			reach.Interface{ID: "eni-other", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.20")}, Groups: []string{"sg-open"}, DelegatedPrefixes: tc.other})
		_, err := b.Build()
		if tc.wantErr == "" {
			require.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.wantErr, tc.name)
	}
}

// TestDelegatedPrefixSources: Sources reports, beside an interface's own
// address, exactly the addresses of the prefixes delegated to it whose
// session gets through, as blocks of an entry of their own: here the
// database admits 10.0.1.32/29 (half of the pods' /28) and 2001:db8:1:1:a::/81,
// not the node's own addresses. Ports agrees with brute force for pairs
// naming delegated addresses, and every set answer for the design.
func TestDelegatedPrefixSources(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	m := podDesign(t, "", func(b *reach.Builder) {
		b.AddSecurityGroup(sg.Group{ID: "sg-db", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.1.32/29")},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Range[uint16]{Lo: 5000, Hi: 5100}, Peer: sg.CIDR("2001:db8:1:1:a::/81")},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.GroupRef("sg-node")}}})
	})
	r, err := m.Sources(reach.SourcesQuery{To: "eni-db", Protocol: flow.TCP, Port: 5432})
	require.NoError(t, err)
	require.Equal(t, []reach.SourceInterface{{ID: "eni-node", Address: ba("10.0.1.32"), Outcome: reach.Reachable, Prefixes: []netip.Prefix{bp("10.0.1.32/29")}}},
		r.Interfaces, "the pods of 10.0.1.32/29 reach the database, not the node itself: %s", r)
	assert.Contains(t, r.String(), "delegated: 10.0.1.32/29")
	r, err = m.Sources(reach.SourcesQuery{To: "eni-db", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Equal(t, []reach.SourceInterface{
		{ID: "eni-node", Address: ba("10.0.1.10"), Outcome: reach.Reachable},
		{ID: "eni-node", Address: ba("10.0.1.32"), Outcome: reach.Reachable, Prefixes: []netip.Prefix{bp("10.0.1.32/28")}}},
		r.Interfaces, "a reference to the node's group admits the node and its pods: %s", r)
	brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Few: true,
		Sources: []reach.SourcesQuery{{To: "eni-db", Protocol: flow.TCP, Port: 5432}, {To: "eni-db", Protocol: flow.TCP, Port: 5050, IPv6: true},
			{To: "eni-db", Protocol: flow.TCP, Port: 22}, {To: "eni-other", Protocol: flow.TCP, Port: 22}},
		Ports: []reach.PortsQuery{{From: "10.0.1.37", To: "eni-db", Protocol: flow.TCP}, {From: "2001:db8:1:1:a::5", To: "2001:db8:1:2::10", Protocol: flow.TCP},
			{From: "eni-db", To: "10.0.1.45", Protocol: flow.TCP}}})
}

// TestDelegatedPrefixAudit: an IPv6 prefix delegated to an interface is
// on the internet as its IPv6 address is, so a risky service the
// interface's groups open to the internet is exposed on the prefix's
// addresses: a finding of its own (Finding.Prefix). The IPv4 prefix,
// which no public address maps to, has none. A route inside the prefix
// (which the design could treat apart) leaves a finding exposed for the
// prefix's first address exposed.
func TestDelegatedPrefixAudit(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	build := func(edgeRoute bool) *reach.Model {
		b := reach.NewBuilder()
		b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
		rt := reach.RouteTable{ID: "rtb-p", VPC: "vpc-p", Routes: []reach.Route{{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-p"}}}
		if edgeRoute {
			rt.Routes = append(rt.Routes, reach.Route{Destination: bp("2001:db8:1:1:a:8000::/81"), Target: reach.TargetBlackhole, TargetID: "eni-gone"})
		}
		b.AddRouteTable(rt)
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-p", VPC: "vpc-p"})
		b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true))
		b.AddSecurityGroup(sg.Group{ID: "sg-node", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv6}}})
		b.AddSubnet(reach.Subnet{ID: "subnet-node", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}})
		b.AddInterface(reach.Interface{ID: "eni-node", Subnet: "subnet-node", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2001:db8:1:1::10")},
			Groups: []string{"sg-node"}, DelegatedPrefixes: []netip.Prefix{bp("10.0.1.32/28"), bp("2001:db8:1:1:a::/80")}})
		m, err := b.Build()
		require.NoError(t, err)
		return m
	}
	m := build(false)
	a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	var own, pods []reach.Finding
	for _, f := range a.Findings {
		if f.Prefix.IsValid() {
			pods = append(pods, f)
		} else {
			own = append(own, f)
		}
	}
	require.Len(t, own, 1, "%+v", a.Findings)
	require.Len(t, pods, 1, "%+v", a.Findings)
	assert.Equal(t, reach.Exposed, own[0].Exposure)
	assert.Equal(t, reach.Exposed, pods[0].Exposure, "the delegated prefix is exposed as the interface is")
	assert.Equal(t, bp("2001:db8:1:1:a::/80"), pods[0].Prefix)
	assert.Equal(t, "eni-node", pods[0].Interface)
	assert.NotEmpty(t, pods[0].OpenedBy)
	brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Few: true})

	a, err = build(true).Audit(reach.AuditOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	for _, f := range a.Findings {
		if f.Prefix.IsValid() {
			assert.Equal(t, reach.Exposed, f.Exposure, "the prefix's first address is still exposed")
		}
	}
	a4, err := m.Audit(reach.AuditOptions{Workers: 1})
	require.NoError(t, err)
	for _, f := range a4.Findings {
		assert.False(t, f.Prefix.IsValid(), "no IPv4 finding for the IPv4 prefix")
	}
}

// An interface with an IPv4 address only and an IPv6 prefix delegated to
// it (AWS allows IPv6 prefixes without an IPv6 address): Check reaches
// the prefix from the internet, and Audit gives the prefix its findings,
// as brute.CheckAudit holds it to.
func TestAuditDelegatedV6WithoutOwnV6(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	m := v6Design(t, func(_ *reach.VPC, ifs []reach.Interface) {
		ifs[1].PrivateIPs = []netip.Addr{ba("10.9.2.10")}
		ifs[1].DelegatedPrefixes = []netip.Prefix{bp("2001:db8:90:2:a::/80")}
	})
	r, err := m.Check(reach.Query{From: "2001:db8:ff::7", To: "2001:db8:90:2:a::5", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, r.Outcome, r.Text())
	o := reach.AuditOptions{IPv6: true, Workers: 1}
	if raceOn { // the brute force of every service is slow under -race
		o.Catalogue = reach.RiskyServices()[:2] // SSH, Telnet
	}
	a, err := m.Audit(o)
	require.NoError(t, err)
	var ssh *reach.Finding
	for i, f := range a.Findings {
		if f.Interface == "eni-g" && f.Prefix == bp("2001:db8:90:2:a::/80") && f.Service == "SSH" {
			ssh = &a.Findings[i]
		}
	}
	require.NotNil(t, ssh, "Audit gives the delegated prefix of eni-g an SSH finding:\n%s", a.Text())
	assert.Equal(t, reach.Exposed, ssh.Exposure)
	assert.Equal(t, 2, a.Interfaces, "eni-g is audited")
	assert.Contains(t, a.Text(), "delegated 2001:db8:90:2:a::/80")
	brute.CheckAudit(t, m, a, o, []string{"eni-g"}, "prefix-only IPv6 interface")
}

// Build refuses a delegated prefix holding an address the design gives
// to something else, or one AWS reserves in the subnet (the first four
// and the last of each block, IPv4 and IPv6: Amazon VPC User Guide,
// "Subnet CIDR blocks"): AWS never delegates those.
func TestDelegatedPrefixHoldsOthersAddress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix string
		nat    string // a NAT gateway's private address, if any
		words  []string
	}{
		{"NAT gateway's private address", "10.0.1.32/28", "10.0.1.40", []string{"10.0.1.32/28", "10.0.1.40", "nat-1", "no other use"}},
		{"network address and VPC router", "10.0.1.0/28", "", []string{"10.0.1.0/28", "holds 10.0.1.0", "reserves", "subnet-a"}},
		{"last address", "10.0.1.240/28", "", []string{"10.0.1.240/28", "holds 10.0.1.255", "reserves"}},
		{"IPv6 first addresses", "2001:db8:1:1::/80", "", []string{"2001:db8:1:1::/80", "holds 2001:db8:1:1::", "reserves"}},
		{"IPv6 last address", "2001:db8:1:1:ffff::/80", "", []string{"holds 2001:db8:1:1:ffff:ffff:ffff:ffff", "reserves"}},
		{"free block", "10.0.1.16/28", "10.0.1.40", nil},
		{"free IPv6 block", "2001:db8:1:1:1::/80", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := reach.NewBuilder()
			b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
			b.AddRouteTable(reach.RouteTable{ID: "rtb-p", VPC: "vpc-p"})
			b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true))
			b.AddSecurityGroup(openGroup("sg-open"))
			b.AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}})
			b.AddInterface(reach.Interface{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.0.1.100")}, Groups: []string{"sg-open"},
				DelegatedPrefixes: []netip.Prefix{bp(tc.prefix)}})
			if tc.nat != "" {
				b.AddNATGateway(reach.NATGateway{ID: "nat-1", Subnet: "subnet-a", PrivateIP: ba(tc.nat), Private: true})
			}
			_, err := b.Build()
			if tc.words == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, reach.ErrTopology)
			for _, w := range tc.words {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// An interface that gets prefixes AWS picks at launch
// (Interface.IPv4PrefixesUnknown, IPv6PrefixesUnknown): a free address
// of its subnet may be one of its prefixes', so a packet to it is
// undecided and names the value, where it would be an unknown
// destination; an address AWS reserves, one of another subnet, and one
// of the family whose prefixes are known stay unknown destinations.
func TestPrefixesKnownOnlyLater(t *testing.T) {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, MainRouteTable: "rtb-p", DefaultACL: "acl-p"})
	b.AddRouteTable(reach.RouteTable{ID: "rtb-p", VPC: "vpc-p"})
	b.AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true))
	b.AddSecurityGroup(openGroup("sg-open"))
	b.AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}},
		reach.Subnet{ID: "subnet-b", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2001:db8:1:2::/64")}})
	b.AddInterface(reach.Interface{ID: "eni-pods", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.0.1.10")}, Groups: []string{"sg-open"},
		IPv4PrefixesUnknown: "aws_network_interface.pods: ipv4_prefixes"},
		reach.Interface{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2001:db8:1:2::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		to   string
		want reach.Outcome
		code reach.Code
	}{
		{"10.0.1.37", reach.Indeterminate, reach.DelegatedPrefixesUnknown},
		{"10.0.1.254", reach.Indeterminate, reach.DelegatedPrefixesUnknown},
		{"10.0.1.3", reach.Unreachable, reach.UnknownDestination},   // reserved
		{"10.0.1.255", reach.Unreachable, reach.UnknownDestination}, // reserved
		{"10.0.2.37", reach.Unreachable, reach.UnknownDestination},  // no such interface in subnet-b
		{"2001:db8:1:1::37", reach.Unreachable, reach.UnknownDestination},
	} {
		t.Run(tc.to, func(t *testing.T) {
			q := reach.Query{From: "eni-b", To: tc.to, Protocol: flow.TCP, Port: 443}
			if ba(tc.to).Is6() {
				q.IPv6 = true
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Code == tc.code })
			require.GreaterOrEqual(t, i, 0, r.Text())
			if tc.code == reach.DelegatedPrefixesUnknown {
				assert.True(t, r.Forward[i].Undecided(), r.Text())
				assert.Contains(t, r.Forward[i].Missing, "aws_network_interface.pods: ipv4_prefixes")
			}
		})
	}
}
