package reach_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// findingKey is what the table tests compare: "ID kind resource rule".
func findingKeys(res *reach.LintResult) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", f.ID, f.Kind, f.Resource, f.Rule)))
	}
	return out
}

func lintOf(t *testing.T, d *sample.Design, more ...func(*reach.Builder)) *reach.LintResult {
	t.Helper()
	b := d.Builder()
	for _, f := range more {
		f(b)
	}
	m, err := b.Build()
	require.NoError(t, err)
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	return res
}

// TestLintDemo: the sample's findings, each one a fact of the design.
func TestLintDemo(t *testing.T) {
	res := lintOf(t, sample.ThreeTierDesign())
	assert.Equal(t, []string{
		"ACL_CUTS_REPLIES network-acl acl-db outbound *",
		"ACL_REDUNDANT network-acl acl-app inbound 100",
		"EXPOSED_RISKY_CLOSED security-group sg-web sgr-web-ssh",
	}, findingKeys(res))
	cut := res.Findings[0]
	assert.Equal(t, reach.Medium, cut.Severity)
	assert.Contains(t, cut.Message, "Linux (kernel default) 32768-60999 (first port cut 32768)")
	assert.Contains(t, cut.Fix, "outbound allow entry for tcp 32768-65535 to 10.0.2.0/24")
	assert.Equal(t, []string{"inbound 100"}, cut.Related)
	assert.Equal(t, reach.Medium, res.Worst())
	assert.Equal(t, 1, res.AtLeast(reach.Medium))
	assert.Equal(t, 3, res.AtLeast(reach.Low))
	assert.Nil(t, res.Findings[0].Origin, "a design in code has no origin")
}

func TestLintFindings(t *testing.T) {
	tcp := func(id string, dir flow.Direction, port uint16, peer sg.Peer) sg.Rule {
		return sg.Rule{ID: id, Direction: dir, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	group := func(d *sample.Design, id string) *sg.Group {
		for i := range d.Groups {
			if d.Groups[i].ID == id {
				return &d.Groups[i]
			}
		}
		panic(id)
	}
	acl := func(d *sample.Design, id string) *nacl.ACL {
		for i := range d.ACLs {
			if d.ACLs[i].ID == id {
				return &d.ACLs[i]
			}
		}
		panic(id)
	}
	for _, tc := range []struct {
		name   string
		change func(d *sample.Design) []func(*reach.Builder)
		want   []string // findings the change adds, in order
		gone   []string // findings of the sample it removes
	}{
		{"a deny behind a wider allow is shadowed", func(d *sample.Design) []func(*reach.Builder) {
			a := acl(d, "acl-public")
			a.Entries = append(a.Entries, nacl.MustParseEntry("120 deny tcp 22 from 198.51.100.0/24"))
			return nil
		}, []string{"ACL_SHADOWED network-acl acl-public inbound 120"}, nil},
		{"entries shadowed together", func(d *sample.Design) []func(*reach.Builder) {
			a := acl(d, "acl-app")
			a.Entries = append(a.Entries, nacl.MustParseEntry("105 allow tcp 1024-8079 from 10.0.1.0/24"), nacl.MustParseEntry("106 allow tcp 8081-65535 from 10.0.1.0/24"),
				nacl.MustParseEntry("107 deny tcp 1024-65535 from 10.0.1.0/25"))
			return nil
			// 105 and 106 hide 107 together; 107 makes 100, 105 and 106 needed:
			// without one of them, 107 would deny
		}, []string{"ACL_SHADOWED network-acl acl-app inbound 107"}, []string{"ACL_REDUNDANT network-acl acl-app inbound 100"}},
		{"an ACL of no subnet", func(d *sample.Design) []func(*reach.Builder) {
			d.ACLs = append(d.ACLs, nacl.NewCustom("acl-spare", "vpc-demo"))
			return nil
		}, []string{"ACL_UNUSED network-acl acl-spare"}, nil},
		{"an implied rule and a duplicate", func(d *sample.Design) []func(*reach.Builder) {
			g := group(d, "sg-web")
			g.Rules = append(g.Rules, tcp("sgr-web-https-office", flow.Inbound, 443, sg.CIDR("192.0.2.0/24")), tcp("sgr-web-ssh-again", flow.Inbound, 22, sg.CIDR("198.51.100.0/24")))
			return nil
		}, []string{"SG_RULE_IMPLIED security-group sg-web sgr-web-https-office", "SG_RULE_IMPLIED security-group sg-web sgr-web-ssh-again"}, nil},
		{"implied across the groups of the interface", func(d *sample.Design) []func(*reach.Builder) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-extra", VPCID: "vpc-demo", Rules: []sg.Rule{tcp("sgr-extra", flow.Inbound, 8080, sg.CIDR("10.0.1.0/24"))}})
			d.Interfaces[1].Groups = append(d.Interfaces[1].Groups, "sg-extra")
			g := group(d, "sg-app")
			g.Rules = append(g.Rules, tcp("sgr-app-http-web", flow.Inbound, 8080, sg.CIDR("10.0.1.10/32")))
			return nil
		}, []string{"SG_RULE_IMPLIED security-group sg-app sgr-app-http-web"}, nil},
		{"a group reference is no cover once identity is lost", func(d *sample.Design) []func(*reach.Builder) {
			g := group(d, "sg-app")
			g.Rules = append(g.Rules, tcp("sgr-app-http-cidr", flow.Inbound, 8080, sg.CIDR("10.0.1.10/32")))
			return nil
		}, nil, nil},
		{"an unused group", func(d *sample.Design) []func(*reach.Builder) {
			d.Groups = append(d.Groups, sg.Group{ID: "sg-old", Name: "old", VPCID: "vpc-demo"}, sg.Group{ID: "sg-def", Name: "default", VPCID: "vpc-demo"})
			return nil
		}, []string{"SG_UNUSED security-group sg-old"}, nil},
		{"a group and a prefix list not in the input", func(d *sample.Design) []func(*reach.Builder) {
			g := group(d, "sg-db")
			g.Rules = append(g.Rules, tcp("sgr-db-peer", flow.Inbound, 5432, sg.GroupRef("sg-peer")), tcp("sgr-db-pl", flow.Inbound, 5432, sg.PrefixList("pl-empty")))
			return []func(*reach.Builder){func(b *reach.Builder) {
				b.AddUnresolvedGroup("sg-peer").AddPrefixList(reach.PrefixList{ID: "pl-empty"})
			}}
		}, []string{"REF_MISSING_GROUP security-group sg-db sgr-db-peer", "REF_MISSING_PREFIX_LIST security-group sg-db sgr-db-pl"}, nil},
		{"SSH open to the internet through every layer", func(d *sample.Design) []func(*reach.Builder) {
			g := group(d, "sg-web")
			g.Rules[2] = tcp("sgr-web-ssh", flow.Inbound, 22, sg.AnyIPv4)
			d.Firewalls = nil
			d.RouteTables[0].Routes = nil
			for i := range d.RouteTables {
				for j := range d.RouteTables[i].Routes {
					if r := &d.RouteTables[i].Routes[j]; r.Target == reach.TargetFirewallEndpoint {
						r.Target, r.TargetID = reach.TargetInternetGateway, "igw-demo"
					}
				}
			}
			return nil
		}, []string{"EXPOSED_RISKY security-group sg-web sgr-web-ssh"}, []string{"EXPOSED_RISKY_CLOSED security-group sg-web sgr-web-ssh"}},
		{"quotas", func(d *sample.Design) []func(*reach.Builder) {
			g := group(d, "sg-db")
			for i := range 61 {
				g.Rules = append(g.Rules, tcp(fmt.Sprintf("sgr-q%d", i), flow.Inbound, 5432, sg.CIDR(fmt.Sprintf("10.0.3.%d/32", i))))
			}
			return nil
		}, []string{"QUOTA_SG_RULES security-group sg-db inbound IPv4 rules"}, nil},
		{"a stateful group above its declared capacity", func(d *sample.Design) []func(*reach.Builder) {
			d.Firewalls[0].Policy.Stateful.Groups[0].Group.Capacity = 2
			return nil
		}, []string{"QUOTA_FIREWALL stateful-rule-group inbound-web rules"}, nil},
		{"a hidden stateful rule", func(d *sample.Design) []func(*reach.Builder) {
			p := &d.Firewalls[0].Policy.Stateful.Groups[0].Group
			p.RulesString = "drop tcp any any -> [10.0.0.0/16,2001:db8:10::/56] 22 (sid:1;)\n" + p.RulesString
			return nil
		}, []string{"FW_RULE_UNREACHABLE network-firewall fw-demo group inbound-web sid 20"}, nil},
		{"a one-way stateless pass", func(d *sample.Design) []func(*reach.Builder) {
			p := &d.Firewalls[0].Policy.Stateless
			p.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "fast", Capacity: 10, Rules: []stateless.Rule{{
				Priority: 1, Action: flow.Pass, Protocols: []flow.Protocol{flow.TCP},
				Destinations: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}, DestinationPorts: []flow.PortRange{{Lo: 443, Hi: 443}}}}}}}
			return nil
		}, []string{"FW_STATELESS_PASS_ONE_WAY network-firewall fw-demo stateless group fast priority 1"}, nil},
		{"a stateless pass both ways is fine", func(d *sample.Design) []func(*reach.Builder) {
			p := &d.Firewalls[0].Policy.Stateless
			p.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "fast", Capacity: 10, Rules: []stateless.Rule{{
				Priority: 1, Action: flow.Pass, Protocols: []flow.Protocol{flow.TCP},
				Destinations: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}, DestinationPorts: []flow.PortRange{{Lo: 443, Hi: 443}}}, {
				Priority: 2, Action: flow.Pass, Protocols: []flow.Protocol{flow.TCP},
				Sources: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}, SourcePorts: []flow.PortRange{{Lo: 443, Hi: 443}}}}}}}
			return nil
		}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := findingKeys(lintOf(t, sample.ThreeTierDesign()))
			d := sample.ThreeTierDesign()
			more := tc.change(d)
			got := findingKeys(lintOf(t, d, more...))
			var added []string
			for _, k := range got {
				if !slices.Contains(base, k) {
					added = append(added, k)
				}
			}
			slices.Sort(added)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			assert.Equal(t, want, added)
			for _, k := range tc.gone {
				assert.NotContains(t, got, k)
			}
		})
	}
}

// TestLintJSON: the schema's field names and values.
func TestLintJSON(t *testing.T) {
	d := sample.ThreeTierDesign()
	m, err := d.Builder().SetOrigin(reach.ResourceNetworkACL, "acl-db", reach.Origin{File: "acls.json", Path: "NetworkAcls[3]"}).Build()
	require.NoError(t, err)
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	var doc struct {
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	require.Len(t, doc.Findings, 3)
	f := doc.Findings[0]
	assert.Equal(t, "ACL_CUTS_REPLIES", f["id"])
	assert.Equal(t, "medium", f["severity"])
	assert.Equal(t, "network-acl", f["kind"])
	assert.Equal(t, "acl-db", f["resource"])
	assert.Equal(t, "outbound *", f["rule"])
	assert.Equal(t, map[string]any{"file": "acls.json", "path": "NetworkAcls[3]"}, f["origin"])
	assert.Equal(t, []any{"inbound 100"}, f["related"])
	assert.NotEmpty(t, f["message"])
	assert.NotEmpty(t, f["fix"])
	assert.NotContains(t, doc.Findings[1], "origin", "no origin recorded: omitted")
	o, ok := m.Origin(reach.ResourceNetworkACL, "acl-db")
	assert.True(t, ok)
	assert.Equal(t, "acls.json: NetworkAcls[3]", o.String())
	assert.Contains(t, res.Text(), "medium ACL_CUTS_REPLIES network-acl acl-db outbound * (acls.json: NetworkAcls[3])\n")
}

// TestLintChecksDocumented: every ID a finding can carry is in LintChecks,
// once.
func TestLintChecksDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range reach.LintChecks() {
		assert.False(t, seen[c.ID], c.ID)
		seen[c.ID] = true
		assert.NotEmpty(t, c.Title)
		assert.NotZero(t, c.Severity)
	}
	assert.Len(t, seen, 25)
}

// TestLintConcurrent: lint reads the model only; concurrent runs, beside
// other queries, agree (run under -race in CI).
func TestLintConcurrent(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	want, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	results := make([]*reach.LintResult, 4)
	done := make(chan struct{})
	for i := range results {
		go func() {
			defer func() { done <- struct{}{} }()
			results[i], _ = m.Lint(reach.LintOptions{Workers: 2})
			_, _ = m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
		}()
	}
	for range results {
		<-done
	}
	for _, r := range results {
		assert.Equal(t, want, r)
	}
}

// TestLintOnlyAndSkip: Only keeps the findings of the checks named, Skip
// drops them, and an ID that is no check's is an error.
func TestLintOnlyAndSkip(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	idsOf := func(o reach.LintOptions) []string {
		t.Helper()
		res, err := m.Lint(o)
		require.NoError(t, err)
		var out []string
		for _, f := range res.Findings {
			out = append(out, f.ID)
		}
		return out
	}
	all := idsOf(reach.LintOptions{})
	require.Contains(t, all, reach.LintACLRedundant)
	require.Contains(t, all, reach.LintExposedRiskyClosed)
	assert.Equal(t, []string{reach.LintACLRedundant}, idsOf(reach.LintOptions{Only: []string{reach.LintACLRedundant}}))
	skipped := idsOf(reach.LintOptions{Skip: []string{reach.LintExposedRiskyClosed}})
	assert.Len(t, skipped, len(all)-1)
	assert.NotContains(t, skipped, reach.LintExposedRiskyClosed)
	_, err = m.Lint(reach.LintOptions{Only: []string{"ACL_SHADOWD"}})
	require.ErrorIs(t, err, reach.ErrQuery)
	require.ErrorContains(t, err, `"ACL_SHADOWD" is no lint check`)
}

// SG_RULE_IMPLIED judges a group reference by its members' addresses; an
// interface whose address is known only later (a plan's) could get any
// free address of its subnet, not just its placeholder, so a rule that
// references its group is never claimed implied by address ranges (a
// claim would be false for some address AWS may pick).
func TestLintImpliedWithUnknownAddress(t *testing.T) {
	design := func(unknown bool, cidr string) *reach.Builder {
		d := sample.ThreeTierDesign()
		for i := range d.Interfaces {
			if d.Interfaces[i].ID == "eni-app1" && unknown {
				d.Interfaces[i].PrivateIPs = nil
				d.Interfaces[i].AddressUnknown = "aws_instance.app: private_ip"
			}
		}
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-db" {
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-range", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(cidr)})
			}
		}
		return d.Builder()
	}
	tests := []struct {
		name    string
		unknown bool
		cidr    string
		claimed bool // sgr-db-pg (tcp/5432 from sg-app) found implied
	}{
		{"known address inside the range: implied", false, "10.0.2.0/24", true},
		{"known address outside the range: not implied", false, "10.0.2.128/25", false},
		{"address known only later, placeholder inside the range: no claim", true, "10.0.2.128/25", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := design(tc.unknown, tc.cidr).Build()
			require.NoError(t, err)
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied}})
			require.NoError(t, err)
			claimed := slices.ContainsFunc(res.Findings, func(f reach.LintFinding) bool { return f.Resource == "sg-db" && f.Rule == "sgr-db-pg" })
			assert.Equal(t, tc.claimed, claimed, "%v", res.Findings)
		})
	}
}
