package aws_test

import (
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// patchedChange writes changes on the dump in, loads the patched dump
// (its two listings of rules must agree: no warning) and returns the one
// resource the diff from m, in's model, names, and the patched
// directory.
func patchedChange(t *testing.T, m *reach.Model, in string, changes ...reach.Change) (reach.ResourceChange, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "patched")
	_, err := aws.WritePatched(out, changes, in)
	require.NoError(t, err)
	patched, rep, err := aws.Load(out)
	require.NoError(t, err)
	assert.Empty(t, rep.Warnings, "the two listings agree")
	d, err := reach.Diff(m, patched, reach.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, d.Resources, 1)
	return d.Resources[0], out
}

// TestPatchRuleForms: a security group rule of each form a fix may add
// (an IPv6 peer, every protocol, ICMP and ICMPv6 types and codes, tcp
// port 0 alone, an outbound udp range) is written to both listings of
// the sample dump so that loading the patched dump reads that very rule
// (the listings agree: no warning), and removing it again gives the dump
// back as it was.
func TestPatchRuleForms(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		rule sg.Rule
	}{
		{"tcp from an IPv6 block", sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8443), ICMPType: -1, ICMPCode: -1,
			Peer: sg.CIDR("2001:db8:1::/48")}},
		{"every protocol", sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("192.0.2.0/24")}},
		{"icmp destination unreachable, fragmentation needed", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: 3, ICMPCode: 4,
			Peer: sg.CIDR("192.0.2.0/24")}},
		{"icmpv6 echo request, every code", sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMPv6, ICMPType: 128, ICMPCode: -1, Peer: sg.CIDR("2001:db8:2::/48")}},
		{"tcp port 0 alone", sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, PortZero: true, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("192.0.2.0/24")}},
		{"outbound udp range", sg.Rule{Direction: flow.Outbound, Protocol: flow.UDP, Ports: flow.Range[uint16]{Lo: 5000, Hi: 5100}, ICMPType: -1, ICMPCode: -1,
			Peer: sg.CIDR("192.0.2.0/24")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			add := reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &tc.rule}
			c, out := patchedChange(t, m, in, add)
			require.Len(t, c.Details, 1, c.Details)
			// "rule added: inbound sgr-… allows …": the traffic and peer as added
			_, got, _ := strings.Cut(c.Details[0], "allows ")
			_, want, _ := strings.Cut(tc.rule.String(), "allows ")
			assert.Equal(t, want, got, c.Details[0])

			remove := reach.Change{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &tc.rule}
			back := filepath.Join(t.TempDir(), "back")
			_, err := aws.WritePatched(back, []reach.Change{remove}, out)
			require.NoError(t, err)
			restored, rep, err := aws.Load(back)
			require.NoError(t, err)
			assert.Empty(t, rep.Warnings)
			d, err := reach.Diff(m, restored, reach.DiffOptions{})
			require.NoError(t, err)
			assert.Empty(t, d.Resources, "removed from both listings")
		})
	}
}

// TestPatchEntryForms: an ACL entry a fix adds or replaces is written so
// that loading the patched dump reads that very entry; a replacement
// takes the place of the entry of its number and direction only (acl-db
// holds entry 100 both ways), and an entry of each form (deny, every
// protocol, an IPv6 block, ICMP type and code) reads back as written.
func TestPatchEntryForms(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		acl     string
		action  reach.ChangeAction
		entry   string
		details []string
	}{
		{"replace inbound entry 100", "acl-db", reach.ChangeReplace, "100 allow tcp 5432-5433 from 10.0.0.0/16",
			[]string{"entry removed: 100 allow tcp 5432 from 10.0.2.0/24", "entry added: 100 allow tcp 5432-5433 from 10.0.0.0/16"}},
		{"replace inbound entry 100 of two: 110 stays", "acl-app", reach.ChangeReplace, "100 allow tcp 8081 from 10.0.1.0/24",
			[]string{"entry removed: 100 allow tcp 8080 from 10.0.1.0/24", "entry added: 100 allow tcp 8081 from 10.0.1.0/24"}},
		{"add a deny of every protocol", "acl-db", reach.ChangeAdd, "90 deny all from 192.0.2.0/24", []string{"entry added: 90 deny all from 192.0.2.0/24"}},
		{"add an IPv6 entry", "acl-db", reach.ChangeAdd, "91 allow tcp 5432 from 2001:db8::/32", []string{"entry added: 91 allow tcp 5432 from 2001:db8::/32"}},
		{"add an icmp entry", "acl-db", reach.ChangeAdd, "92 allow icmp type 3 code 4 from 192.0.2.0/24", []string{"entry added: 92 allow icmp type 3 code 4 from 192.0.2.0/24"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := nacl.ParseEntry(tc.entry)
			require.NoError(t, err)
			e.Direction = flow.Inbound
			c, _ := patchedChange(t, m, in, reach.Change{Action: tc.action, Kind: reach.ResourceNetworkACL, Resource: tc.acl, Entry: &e})
			assert.Equal(t, tc.acl, c.ID)
			assert.ElementsMatch(t, tc.details, c.Details)
		})
	}
}

// TestPatchRemovesOnlyItsRule: removing a rule takes that rule only: not
// one of the same peer whose port range shares its first or last port,
// nor one of the same traffic and peer in the other direction. The rules
// are added by the same patch (a rule one change adds, a later one may
// remove: it was not found, its ports being numbers the patch wrote).
func TestPatchRemovesOnlyItsRule(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	peer := sg.CIDR("192.0.2.0/24")
	rule := func(dir flow.Direction, lo, hi uint16) *sg.Rule {
		return &sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.Range[uint16]{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	add := func(r *sg.Rule) reach.Change {
		return reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: r}
	}
	changes := []reach.Change{add(rule(flow.Inbound, 443, 443)), add(rule(flow.Inbound, 443, 450)), add(rule(flow.Inbound, 440, 443)),
		add(rule(flow.Outbound, 443, 443)),
		{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: rule(flow.Inbound, 443, 443)}}
	c, _ := patchedChange(t, m, in, changes...)
	var got []string
	for _, s := range c.Details {
		_, after, _ := strings.Cut(s, "allows ")
		got = append(got, after)
	}
	assert.ElementsMatch(t, []string{"tcp/443-450 from 192.0.2.0/24", "tcp/440-443 from 192.0.2.0/24", "tcp/443 to 192.0.2.0/24"}, got, c.Details)
}

// TestPatchRouteForms: a route to the internet gateway for an IPv6 block
// reads back as written; a route to anything else is refused (Patch
// writes internet gateway routes only).
func TestPatchRouteForms(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	v6 := reach.Route{Destination: netip.MustParsePrefix("2001:db8::/32"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"}
	c, _ := patchedChange(t, m, in, reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-public", Route: &v6})
	assert.Equal(t, []string{"route added: 2001:db8::/32 via igw-demo"}, c.Details)

	nat := reach.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-demo"}
	_, err = aws.WritePatched(filepath.Join(t.TempDir(), "nat"), []reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-public", Route: &nat}}, in)
	require.ErrorIs(t, err, aws.ErrPatch)
	assert.ErrorContains(t, err, "only a route to an internet gateway is patched")
}
