package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Lint on Alibaba Cloud designs (audit alilint25, findings 1 and 2): the
// probes, kept as regression tests, and the checks' own tests.

func aliLintRule(id string, dir flow.Direction, proto flow.Protocol, lo, hi uint16, peer sg.Peer, act flow.Action, prio int) sg.Rule {
	r := sg.Rule{ID: id, Direction: dir, Protocol: proto, ICMPType: -1, ICMPCode: -1, Peer: peer, Action: act, Priority: prio}
	if proto.HasPorts() {
		r.Ports = flow.PortRange{Lo: lo, Hi: hi}
	}
	return r
}

// aliLintDesign: one VPC, an internet gateway, two vSwitches (vsw-pub with the
// default ACL, vsw-acl whose ACL denies tcp/22 inbound), ECS interfaces with
// public IPs and Alibaba groups of several shapes.
func aliLintDesign(t *testing.T, extra ...func(b *reach.Builder)) *reach.Model {
	t.Helper()
	return aliLintDesignG(t, nil, extra...)
}

func aliLintDesignG(t *testing.T, mut func(gs []sg.Group), extra ...func(b *reach.Builder)) *reach.Model {
	t.Helper()
	m, err := aliLintBuildE(mut, extra...)
	require.NoError(t, err)
	return m
}

func aliLintBuildE(mut func(gs []sg.Group), extra ...func(b *reach.Builder)) (*reach.Model, error) {
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	in, out := flow.Inbound, flow.Outbound
	any4 := sg.AnyIPv4
	allOut := func(id string) sg.Rule { return aliLintRule(id, out, flow.AllProtocols, 0, 0, any4, flow.Pass, 1) }
	groups := []sg.Group{
		// ecs-a: two groups; an accept at 10 in one, a drop at 1 in the other: closed by the groups.
		{ID: "sg-a1", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{aliLintRule("a1-ssh", in, flow.TCP, 22, 22, any4, flow.Pass, 10)}},
		{ID: "sg-a2", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{aliLintRule("a2-drop", in, flow.TCP, 22, 22, any4, flow.Drop, 1)}},
		// ecs-b: accept 3389 from anywhere, drop from 203.0.113.0/24 at the same priority.
		{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			aliLintRule("b-rdp", in, flow.TCP, 3389, 3389, any4, flow.Pass, 1),
			aliLintRule("b-drop", in, flow.TCP, 3389, 3389, sg.CIDR("203.0.113.0/24"), flow.Drop, 1)}},
		// ecs-c: accept ssh, the ACL denies it.
		{ID: "sg-c", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{aliLintRule("c-ssh", in, flow.TCP, 22, 22, any4, flow.Pass, 5)}},
		// ecs-d: enterprise: accept mysql at 50, drop all at 100 (and no egress rule).
		{ID: "sg-d", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
			aliLintRule("d-mysql", in, flow.TCP, 3306, 3306, any4, flow.Pass, 50),
			aliLintRule("d-dropall", in, flow.AllProtocols, 0, 0, any4, flow.Drop, 100)}},
		// ecs-e: accept redis at 60, drop all tcp at 50: closed by the group.
		{ID: "sg-e", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			aliLintRule("e-redis", in, flow.TCP, 6379, 6379, any4, flow.Pass, 60),
			aliLintRule("e-droptcp", in, flow.TCP, 1, 65535, any4, flow.Drop, 50), allOut("e-out")}},
		// sg-unused: no member.
		{ID: "sg-unused", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{aliLintRule("u-ssh", in, flow.TCP, 22, 22, any4, flow.Pass, 1)}},
	}
	if mut != nil {
		mut(groups)
	}
	iface := func(id, subnet, private, public string, gs ...string) reach.Interface {
		return reach.Interface{ID: "eni-" + id, Name: id, Subnet: subnet, PrivateIPs: []netip.Addr{a(private)}, PublicIP: a(public), Groups: gs}
	}
	acl := nacl.NewDefault("acl-acl", "vpc-a", false)
	acl.IsDefault = false
	acl.Entries = append([]nacl.Entry{nacl.MustParseEntry("50 deny tcp 22 from 0.0.0.0/0")}, acl.Entries...)
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false), acl).
		AddSubnet(
			reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}},
			reach.Subnet{ID: "vsw-acl", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, ACL: "acl-acl"},
		).
		AddSecurityGroup(groups...).
		AddInterface(
			iface("ecs-a", "vsw-pub", "10.2.1.10", "198.51.100.10", "sg-a1", "sg-a2"),
			iface("ecs-b", "vsw-pub", "10.2.1.11", "198.51.100.11", "sg-b"),
			iface("ecs-c", "vsw-acl", "10.2.2.12", "198.51.100.12", "sg-c"),
			iface("ecs-d", "vsw-pub", "10.2.1.13", "198.51.100.13", "sg-d"),
			iface("ecs-e", "vsw-pub", "10.2.1.14", "198.51.100.14", "sg-e"),
		)
	for _, f := range extra {
		f(b)
	}
	return b.Build()
}

func aliLintOutcome(t *testing.T, m *reach.Model, q reach.Query) reach.Outcome {
	t.Helper()
	r, err := m.Check(q)
	require.NoError(t, err, "%+v", q)
	return r.Outcome
}

// TestLintAlibabaFindingsHold: each lint finding's claim, checked with Check.
func TestLintAlibabaFindingsHold(t *testing.T) {
	m := aliLintDesign(t)
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	for _, f := range res.Findings {
		t.Logf("%s %s %s %s %s | %s | fix: %s | related %v", f.Severity, f.ID, f.Kind, f.Resource, f.Rule, f.Message, f.Fix, f.Related)
	}
	t.Logf("skipped: %v", res.Skipped)
	keys := findingKeys(res)
	// ecs-b rdp: exposed (from 192.0.2.7)
	assert.Contains(t, keys, "EXPOSED_RISKY security-group sg-b b-rdp")
	// ecs-d mysql: exposed
	assert.Contains(t, keys, "EXPOSED_RISKY security-group sg-d d-mysql")
	// ecs-c ssh: closed by the ACL
	assert.Contains(t, keys, "EXPOSED_RISKY_CLOSED security-group sg-c c-ssh")
	// ecs-a ssh: closed by the group sg-a2's drop, ecs-e redis by its own group's drop
	assert.Contains(t, keys, "EXPOSED_RISKY_CLOSED security-group sg-a1 a1-ssh")
	assert.Contains(t, keys, "EXPOSED_RISKY_CLOSED security-group sg-e e-redis")
	assert.Contains(t, keys, "SG_UNUSED security-group sg-unused")
	for _, f := range res.Findings {
		if f.ID == reach.LintExposedRisky {
			assert.NotContains(t, f.Message, "drop", "an exposure names no drop rule as opening")
		}
	}
}

// TestLintAlibabaShadowedProbe: an Alibaba accept rule that a drop
// at a higher priority hides entirely can never match a packet: is it
// reported by any lint check (SG_RULE_IMPLIED only weighs AWS groups)?
func TestLintAlibabaShadowedProbe(t *testing.T) {
	m := aliLintDesign(t)
	// sg-e's e-redis (accept 6379 prio 60) sits behind e-droptcp (drop tcp 1-65535 prio 50).
	require.Equal(t, reach.Unreachable, aliLintOutcome(t, m, reach.Query{From: "ecs-b", To: "ecs-e", Protocol: flow.TCP, Port: 6379}))
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	var about []string
	for _, f := range res.Findings {
		if f.Resource == "sg-e" && f.Rule == "e-redis" && f.ID != reach.LintExposedRiskyClosed {
			about = append(about, f.ID)
		}
	}
	assert.NotEmpty(t, about, "an Alibaba accept rule hidden by a higher-priority drop (it never matches any packet) gets no lint finding beyond the risky-port one; skipped: %v", res.Skipped)
	skippedSaysSo := false
	for _, s := range res.Skipped {
		if strings.Contains(s, "sg-e") {
			skippedSaysSo = true
		}
	}
	assert.True(t, skippedSaysSo, "skipped does not say the Alibaba groups' rules were not weighed: %v", res.Skipped)
}

// TestLintAlibabaClosedTextProbe: an EXPOSED_RISKY_CLOSED finding
// closed by an Alibaba drop rule says "open in its security group" and "only another layer keeps it closed", though the groups themselves close it.
func TestLintAlibabaClosedTextProbe(t *testing.T) {
	m := aliLintDesign(t)
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	for _, f := range res.Findings {
		if (f.Resource == "sg-a1" || f.Resource == "sg-e") && f.ID == reach.LintExposedRiskyClosed {
			// The service is closed by the security groups themselves (an Alibaba drop rule at a higher
			// priority), not by "another layer", and it is not "open to internet addresses in its
			// security group": the groups drop it.
			assert.NotContains(t, f.Fix, "only another layer keeps it closed", "%s: %s", f.Resource, f.Fix)
			assert.NotContains(t, f.Message, "is open to internet addresses in its security group", "%s: %s", f.Resource, f.Message)
		}
	}
	a, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	for _, f := range a.Findings {
		t.Logf("%s %s %s %v opened %v closed %v", f.Interface, f.Service, f.Exposure, f.Sources, f.OpenedBy, f.ClosedBy)
	}
}

// TestLintAlibabaClosedSameLayer: EXPOSED_RISKY_CLOSED says what closes a
// service its interface's own Alibaba groups close: the drop rule and its
// priority, and the opening accept rule dead where rules coming first
// hide it; another layer's closing keeps its words.
func TestLintAlibabaClosedSameLayer(t *testing.T) {
	m := aliLintDesignG(t, func(gs []sg.Group) {
		for i := range gs {
			if gs[i].ID == "sg-d" {
				gs[i].Rules = []sg.Rule{
					aliLintRule("d-all", flow.Inbound, flow.AllProtocols, 0, 0, sg.AnyIPv4, flow.Pass, 5),
					aliLintRule("d-nossh", flow.Inbound, flow.TCP, 22, 22, sg.AnyIPv4, flow.Drop, 5),
				}
			}
		}
	})
	res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintExposedRiskyClosed}})
	require.NoError(t, err)
	byRule := map[string]reach.LintFinding{}
	for _, f := range res.Findings {
		if f.Rule == "d-all" && !strings.HasPrefix(f.Message, "SSH") {
			continue
		}
		byRule[f.Rule] = f
	}
	cases := []struct {
		rule              string
		message, fix, not []string
	}{
		{"a1-ssh", []string{"SSH (tcp/22) on ecs-a (eni-ecs-a) [198.51.100.10] is not open: the accept rule that would open it is dead there, never deciding: sg-a1 rule a1-ssh (tcp/22 from 0.0.0.0/0), which sg-a2 rule a2-drop (drop tcp/22 from 0.0.0.0/0, priority 1) hides; closed by drop rule a2-drop of sg-a2 (priority 1) of the same security groups"},
			[]string{"remove sg-a1 rule a1-ssh, which never decides there"}, []string{"another layer", "open to internet addresses in its security group"}},
		{"e-redis", []string{"the accept rule that would open it is dead there", "sg-e rule e-droptcp (drop tcp/1-65535 from 0.0.0.0/0, priority 50) hides", "closed by drop rule e-droptcp of sg-e (priority 50) of the same security groups, which comes first (security-groups sg-e (SG_DENY, forward hop 3))"},
			[]string{"remove sg-e rule e-redis"}, []string{"another layer", "open to internet addresses in its security group"}},
		{"d-all", []string{"SSH (tcp/22) on ecs-d (eni-ecs-d) [198.51.100.13] is opened by sg-d rule d-all (all traffic from 0.0.0.0/0), but closed by drop rule d-nossh of sg-d (priority 5) of the same security groups"},
			[]string{"today only drop rule d-nossh of sg-d (priority 5) of the same security groups keeps it closed"}, []string{"another layer", "dead"}},
		{"c-ssh", []string{"is open to internet addresses in its security group but closed by network-acl acl-acl (ACL_DENY, forward hop 2)"},
			[]string{"today only another layer keeps it closed"}, []string{"dead", "same security groups"}},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			f, ok := byRule[tc.rule]
			require.True(t, ok, res.Text())
			for _, s := range tc.message {
				assert.Contains(t, f.Message, s)
			}
			for _, s := range tc.fix {
				assert.Contains(t, f.Fix, s)
			}
			for _, s := range tc.not {
				assert.NotContains(t, f.Message+f.Fix, s)
			}
		})
	}
}
