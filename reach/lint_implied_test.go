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
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// impliedRules is the rules SG_RULE_IMPLIED reports in group, as
// "group rule".
func impliedRules(t *testing.T, m *reach.Model, group string) []string {
	t.Helper()
	res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied}})
	require.NoError(t, err)
	var out []string
	for _, f := range res.Findings {
		if f.Resource == group {
			out = append(out, f.Rule)
		}
	}
	return out
}

// TestLintImpliedCountsDelegatedPrefixes: a rule referencing a group
// matches the addresses of the prefixes delegated to the group's members
// (doc.go; Interface.DelegatedPrefixes), and, where AWS delegates them
// at launch (Interface.IPv4PrefixesUnknown), any free address of a
// member's subnet they may hold. sg-db's sgr-db-pg (tcp/5432 from
// sg-app, whose member app-1 is 10.0.2.20) is implied by a CIDR rule only
// when the rule covers those addresses too; where it is reported,
// removing it changes no Check answer of the pods, and where it is not,
// removing it does.
func TestLintImpliedCountsDelegatedPrefixes(t *testing.T) {
	const pod, freeAddr = "10.0.2.49", "10.0.2.100"
	// design gives app-1 prefixes, and sg-db a rule tcp/5432 from (or,
	// outbound, to) cidr beside the reference rule (sgr-db-pg inbound,
	// sgr-db-out-app outbound), left out unless keepRef.
	design := func(prefixes []netip.Prefix, atLaunch bool, dir flow.Direction, cidr string, keepRef bool) *reach.Model {
		d := sample.ThreeTierDesign()
		for i := range d.Interfaces {
			if d.Interfaces[i].ID == "eni-app1" {
				d.Interfaces[i].DelegatedPrefixes = prefixes
				if atLaunch {
					d.Interfaces[i].IPv4PrefixesUnknown = "aws_network_interface.app1: ipv4_prefixes"
				}
			}
		}
		rule := func(id string, peer sg.Peer) sg.Rule {
			return sg.Rule{ID: id, Direction: dir, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: peer}
		}
		for i := range d.Groups {
			g := &d.Groups[i]
			if g.ID != "sg-db" {
				continue
			}
			if dir == flow.Outbound && keepRef {
				g.Rules = append(g.Rules, rule("sgr-db-out-app", sg.GroupRef("sg-app")))
			}
			if dir == flow.Inbound && !keepRef {
				g.Rules = slices.DeleteFunc(g.Rules, func(r sg.Rule) bool { return r.ID == "sgr-db-pg" })
			}
			g.Rules = append(g.Rules, rule("sgr-db-app-ip", sg.CIDR(cidr)))
		}
		if dir == flow.Outbound { // let db-1's sessions to app-1 and its pods through the other hops
			for i := range d.Groups {
				if d.Groups[i].ID == "sg-app" {
					d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-app-pg", Direction: flow.Inbound, Protocol: flow.TCP,
						Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.3.0/24")})
				}
			}
			for i := range d.ACLs {
				if d.ACLs[i].ID == "acl-db" {
					d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry("110 allow tcp 1024-65535 from 10.0.2.0/24"))
				}
			}
		}
		m, err := d.Builder().Build()
		require.NoError(t, err)
		return m
	}
	pods := []netip.Prefix{netip.MustParsePrefix("10.0.2.48/28")}
	tests := []struct {
		name     string
		prefixes []netip.Prefix
		atLaunch bool
		dir      flow.Direction
		cidr     string
		implied  bool
	}{
		{"no delegated prefix, the member's address covered: implied", nil, false, flow.Inbound, "10.0.2.16/29", true},
		{"a delegated prefix outside the range: not implied", pods, false, flow.Inbound, "10.0.2.16/29", false},
		{"a delegated prefix inside the range: implied", pods, false, flow.Inbound, "10.0.2.0/26", true},
		{"outbound, a delegated prefix outside the range: not implied", pods, false, flow.Outbound, "10.0.2.16/29", false},
		{"outbound, prefixes delegated at launch, known ones covered: not claimed", pods, true, flow.Outbound, "10.0.2.0/26", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := "sgr-db-pg"
			peers := []string{"app-1"}
			if len(tc.prefixes) > 0 {
				peers = append(peers, pod)
			}
			if tc.dir == flow.Outbound {
				ref, peers = "sgr-db-out-app", []string{"10.0.2.20", pod}
				if tc.atLaunch {
					peers = append(peers, freeAddr) // an address a prefix delegated at launch may hold
				}
			}
			with := design(tc.prefixes, tc.atLaunch, tc.dir, tc.cidr, true)
			without := design(tc.prefixes, tc.atLaunch, tc.dir, tc.cidr, false)
			assert.Equal(t, tc.implied, slices.Contains(impliedRules(t, with, "sg-db"), ref))
			changed := false
			for _, peer := range peers {
				q := reach.Query{From: peer, To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
				if tc.dir == flow.Outbound {
					q = reach.Query{From: "db-1", To: peer, Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
				}
				a, err := with.Check(q)
				require.NoError(t, err)
				b, err := without.Check(q)
				require.NoError(t, err)
				if a.Outcome != b.Outcome {
					changed = true
					t.Logf("%s -> %s: %s with %s, %s without", q.From, q.To, a.Outcome, ref, b.Outcome)
				}
			}
			if tc.implied {
				assert.False(t, changed, "%s reported implied, yet removing it changes an answer", ref)
			} else {
				assert.True(t, changed, "removing %s should change an answer: the case tests nothing", ref)
			}
		})
	}
}
