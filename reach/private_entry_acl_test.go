package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// withoutACLs returns hops but the network ACL hops: a request that may
// have come in privately meets its way in, the destination subnet's
// inbound ACL where the way in comes from outside the subnet, and the
// destination's groups; its reply, the subnet's outbound ACL alone
// (private_entry.go).
func withoutACLs(hops []reach.Hop) []reach.Hop {
	var out []reach.Hop
	for _, h := range hops {
		if h.Kind != reach.KindNetworkACL {
			out = append(out, h)
		}
	}
	return out
}

// aclDenies reports whether a network ACL hop of hops drops its packet.
func aclDenies(hops []reach.Hop) bool {
	for _, h := range hops {
		if h.Kind == reach.KindNetworkACL && h.Verdict == flow.Deny {
			return true
		}
	}
	return false
}

// aclEntryDesign: vpc-u (10.1.0.0/16, 2600:1f18:bb00::/56) with an
// internet gateway; subnet-u, whose table sends 0.0.0.0/0 and ::/0 to
// target (an unmodelled one of type what), holds u (open group) and has
// network ACL acl.
func aclEntryDesign(t *testing.T, targetID, what string, acl nacl.ACL) *reach.Model {
	t.Helper()
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-u", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("2600:1f18:bb00::/56")}, MainRouteTable: "rtb-u", DefaultACL: "acl-u"})
	b.AddRouteTable(reach.RouteTable{ID: "rtb-u", VPC: "vpc-u", Routes: []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetUnmodelled, TargetID: targetID, TargetType: what},
		{Destination: bp("::/0"), Target: reach.TargetUnmodelled, TargetID: targetID, TargetType: what}}})
	acl.Subnets = []string{"subnet-u"}
	b.AddNetworkACL(nacl.NewDefault("acl-u", "vpc-u", true), acl)
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-u", VPC: "vpc-u"})
	b.AddSecurityGroup(openGroup("sg-open"))
	b.AddSubnet(reach.Subnet{ID: "subnet-u", VPC: "vpc-u", CIDRs: []netip.Prefix{bp("10.1.1.0/24"), bp("2600:1f18:bb00:1::/64")}, ACL: acl.ID})
	b.AddInterface(reach.Interface{ID: "eni-u", Name: "u", Subnet: "subnet-u", PrivateIPs: []netip.Addr{ba("10.1.1.10"), ba("2600:1f18:bb00:1::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// A request that may come in privately (its way back ends at what the
// design does not model) meets its destination subnet's network ACL:
// inbound where the way in comes from outside the subnet (a virtual
// private gateway's; not a target of unknown type, which may hand it on
// from within), and the reply outbound, which leaves by the subnet's own
// route table for a target outside it. A deny-everything ACL decides:
// Unreachable, in Check, Verdict and the set questions alike (audit
// v6nat25, finding 2).
func TestPrivateEntryJudgedBySubnetACL(t *testing.T) {
	// slow under -race: the reach tests share both cores
	t.Parallel()
	denyAll := nacl.NewCustom("acl-deny", "vpc-u") // no entries: * denies all
	inDeny := nacl.NewCustom("acl-in", "vpc-u")    // outbound allows all, inbound nothing
	for _, e := range []string{"100 allow all to 0.0.0.0/0", "101 allow all to ::/0"} {
		inDeny.Entries = append(inDeny.Entries, nacl.MustParseEntry(e))
	}
	for _, tc := range []struct {
		name, target, what, src, dst string
		acl                          nacl.ACL
		want                         reach.Outcome
		code                         reach.Code
	}{
		{"IPv6 internet source, target of unknown type, deny-all: the reply's ACL", "x-unknown-1", "", "2606:4700::1", "2600:1f18:bb00:1::10", denyAll, reach.Unreachable, "RETURN_ACL_DEFAULT_DENY"},
		{"IPv4 internet source, VPN gateway, deny-all: the request's ACL", "vgw-1", "virtual private gateway", "8.8.8.8", "10.1.1.10", denyAll, reach.Unreachable, reach.ACLDefaultDeny},
		{"on premises over a VPN, deny-all", "vgw-1", "virtual private gateway", "192.168.5.5", "10.1.1.10", denyAll, reach.Unreachable, reach.ACLDefaultDeny},
		{"unique local over a VPN, deny-all", "vgw-1", "virtual private gateway", "fd12:3456::5", "2600:1f18:bb00:1::10", denyAll, reach.Unreachable, reach.ACLDefaultDeny},
		{"VPN gateway, inbound denied: the way in crosses the ACL", "vgw-1", "virtual private gateway", "192.168.5.5", "10.1.1.10", inDeny, reach.Unreachable, reach.ACLDefaultDeny},
		{"unknown type, inbound denied: its way in may be within the subnet", "x-unknown-1", "", "192.168.5.5", "10.1.1.10", inDeny, reach.Indeterminate, reach.UnmodelledTarget},
		{"transit gateway the input lacks, inbound denied: its attachment may sit in the subnet", "tgw-gone", "transit gateway", "192.168.5.5", "10.1.1.10", inDeny, reach.Indeterminate, reach.UnmodelledTarget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := aclEntryDesign(t, tc.target, tc.what, tc.acl)
			q := reach.Query{From: tc.src, To: tc.dst, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			v6 := ba(tc.dst).Is6()
			s, err := m.Sources(reach.SourcesQuery{To: "u", Protocol: flow.TCP, Port: 443, IPv6: v6})
			require.NoError(t, err)
			if tc.acl.ID == "acl-deny" {
				assert.Empty(t, s.Internet, "the subnet's ACL denies all")
				assert.Empty(t, s.InternetIndeterminate, "the subnet's ACL denies all")
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: tc.src, To: "u", Protocol: flow.TCP, IPv6: v6}},
				Sources: []reach.SourcesQuery{{To: "u", Protocol: flow.TCP, Port: 443, IPv6: v6}},
				IPv6:    true, Few: true,
			})
		})
	}
}

// An egress-only internet gateway the input lacks (a route to it whose
// gateway the input does not list: an unmodelled target of its type, or
// of unknown type with its eigw- ID) is no private way in, and drops the
// reply of a connection the internet opens whatever its state: an
// internet host's session to an instance whose subnet routes ::/0 to it
// is Unreachable (RETURN_EGRESS_ONLY_NO_INBOUND), as with one the input
// holds, in every question (audit v6nat25, findings 1 and 7).
func TestUnmodelledEgressOnlyGateway(t *testing.T) {
	open := nacl.NewCustom("acl-open", "vpc-u")
	for _, e := range []string{"100 allow all from 0.0.0.0/0", "101 allow all from ::/0", "100 allow all to 0.0.0.0/0", "101 allow all to ::/0"} {
		open.Entries = append(open.Entries, nacl.MustParseEntry(e))
	}
	for _, tc := range []struct{ name, id, what string }{
		{"by type", "eigw-0a", "egress-only internet gateway"},
		{"by ID alone", "eigw-0b", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := aclEntryDesign(t, tc.id, tc.what, open)
			for _, src := range []string{"2606:4700::1", "fd12:3456::5"} {
				q := reach.Query{From: src, To: "2600:1f18:bb00:1::10", Protocol: flow.TCP, Port: 443}
				r, err := m.Check(q)
				require.NoError(t, err)
				require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
				assert.NotContains(t, r.Text(), "privately", "no private way in through an egress-only gateway")
				v, err := m.Verdict(q)
				require.NoError(t, err)
				assert.Equal(t, reach.Unreachable, v)
			}
			r, err := m.Check(reach.Query{From: "2606:4700::1", To: "2600:1f18:bb00:1::10", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Contains(t, r.Codes(), reach.Code("RETURN_EGRESS_ONLY_NO_INBOUND"), r.Text())
			out, err := m.Check(reach.Query{From: "u", To: "2606:4700::1", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, out.Outcome, "out through a gateway the input lacks: undecided")
			if tc.what != "" {
				assert.Contains(t, out.Text(), tc.id+", an egress-only internet gateway", out.Text())
			}
			s, err := m.Sources(reach.SourcesQuery{To: "u", Protocol: flow.TCP, Port: 443, IPv6: true})
			require.NoError(t, err)
			assert.Empty(t, s.InternetIndeterminate, "no internet host opens a session through an egress-only gateway")
			a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			for _, f := range a.Findings {
				assert.NotEqual(t, reach.Indeterminate.String(), f.Exposure.String(), "%+v", f)
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "2606:4700::1", To: "u", Protocol: flow.TCP, IPv6: true}},
				Sources: []reach.SourcesQuery{{To: "u", Protocol: flow.TCP, Port: 443, IPv6: true}},
				IPv6:    true, Few: true,
			})
		})
	}
}

// The "to decide" text of an ICMP error message that may come in
// privately speaks of no session or reply: an error message has none
// (audit v6nat25, finding 7).
func TestPrivateEntryICMPErrorWording(t *testing.T) {
	open := nacl.NewCustom("acl-open", "vpc-u")
	for _, e := range []string{"100 allow all from 0.0.0.0/0", "101 allow all from ::/0", "100 allow all to 0.0.0.0/0", "101 allow all to ::/0"} {
		open.Entries = append(open.Entries, nacl.MustParseEntry(e))
	}
	m := aclEntryDesign(t, "vgw-1", "virtual private gateway", open)
	for _, tc := range []struct {
		name string
		q    reach.Query
	}{
		{"ICMPv6 destination unreachable", reach.Query{From: "2606:4700::1", To: "2600:1f18:bb00:1::10", Protocol: flow.ICMPv6, ICMP: &reach.ICMPMessage{Type: 1, Code: 4}}},
		{"ICMP time exceeded", reach.Query{From: "8.8.8.8", To: "10.1.1.10", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 11, Code: 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			require.NotEmpty(t, r.Forward)
			fix := r.Forward[0].Fix
			assert.NotEmpty(t, fix, r.Text())
			assert.NotContains(t, fix, "session", r.Text())
			assert.NotContains(t, fix, "reply", r.Text())
		})
	}
}
