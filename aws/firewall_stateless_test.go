package aws_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

func readStatelessGroup(t *testing.T, file string) stateless.RuleGroup {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/firewall", file))
	require.NoError(t, err)
	g, err := aws.ParseStatelessRuleGroup(data)
	require.NoError(t, err)
	return g
}

func TestParseStatelessRuleGroup(t *testing.T) {
	g := readStatelessGroup(t, "stateless-web.json")
	assert.Equal(t, "web-in", g.Name)
	assert.Equal(t, "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/web-in", g.ARN)
	assert.Equal(t, 100, g.Capacity)
	assert.Equal(t, 11, g.ConsumedCapacity(), "as the describe output's ConsumedCapacity says")
	require.Len(t, g.Rules, 7)
	assert.Equal(t, stateless.Rule{
		Priority:         10,
		Sources:          prefixes("10.0.0.0/16"),
		Destinations:     prefixes("0.0.0.0/0"),
		SourcePorts:      []flow.PortRange{{Lo: 1024, Hi: 65535}},
		DestinationPorts: []flow.PortRange{{Lo: 443, Hi: 443}},
		Protocols:        []flow.Protocol{flow.TCP},
		TCPFlags:         []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}},
		Action:           flow.Forward,
		CustomActions:    []string{"HttpsSyn"},
	}, g.Rules[0])
	assert.Equal(t, []stateless.TCPFlagMatch{{Flags: stateless.RST}}, g.Rules[6].TCPFlags, "an empty Masks list stays empty: all flags")
	assert.Equal(t, []stateless.CustomAction{
		{Name: "HttpsSyn", Dimensions: []string{"https-syn"}},
		{Name: "Dns", Dimensions: []string{"dns"}},
		{Name: "Resets", Dimensions: []string{"tcp resets"}},
	}, g.CustomActions)

	e := compileStateless(t, stateless.Config{
		Groups:          []stateless.GroupRef{{Priority: 1, Group: g}},
		Default:         stateless.DefaultAction{Action: flow.Drop},
		FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
	})
	for _, c := range []struct {
		name string
		p    stateless.Packet
		want string
	}{
		{"the opening SYN of an HTTPS connection is forwarded and counted", packet("tcp 10.0.3.4:50000 -> 93.184.216.34:443", stateless.SYN),
			"forward to stateful engine by priority 10 of group web-in (priority 1) (custom actions: HttpsSyn)"},
		{"the rest of the connection is forwarded by the next rule", packet("tcp 10.0.3.4:50000 -> 93.184.216.34:443", stateless.ACK),
			"forward to stateful engine by priority 20 of group web-in (priority 1)"},
		{"the replies are forwarded too", packet("tcp 93.184.216.34:443 -> 10.0.3.4:50000", stateless.SYN|stateless.ACK),
			"forward to stateful engine by priority 30 of group web-in (priority 1)"},
		{"DNS to the resolver passes", packet("udp 10.0.3.4:40000 -> 10.0.0.2:53"), "pass by priority 40 of group web-in (priority 1) (custom actions: Dns)"},
		{"IPv6 HTTPS is forwarded", packet("tcp [2001:db8:1234::5]:50000 -> [2001:db8:ffff::1]:443"), "forward to stateful engine by priority 50 of group web-in (priority 1)"},
		{"ICMPv6 passes", packet("icmpv6 [2001:db8::1] -> [2001:db8::2]"), "pass by priority 60 of group web-in (priority 1)"},
		{"a bare reset is dropped", packet("tcp 198.51.100.1:1 -> 10.0.0.9:2", stateless.RST), "drop by priority 70 of group web-in (priority 1) (custom actions: Resets)"},
		{"anything else meets the default", packet("udp 10.0.3.4:40000 -> 10.0.0.3:53"), "drop by the stateless default action"},
	} {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, e.Evaluate(c.p).String()) })
	}
}

func TestParseStatelessRuleGroupCanonical(t *testing.T) {
	g := readStatelessGroup(t, "stateless-blocklist.json")
	var prios []int
	for _, r := range g.Rules {
		prios = append(prios, r.Priority)
	}
	assert.Equal(t, []int{100, 200, 65535}, prios, "rules come sorted by priority")
	assert.Equal(t, prefixes("198.51.100.0/24", "203.0.113.0/24", "2001:db8:bad::/48"), g.Rules[1].Sources, "host bits are masked, IPv6 kept")
	assert.Equal(t, stateless.Rule{Priority: 65535, Action: flow.Forward}, g.Rules[2], "empty MatchAttributes match everything")
	assert.Equal(t, 5, g.ConsumedCapacity())
}

// statelessGroupDoc wraps rules and custom actions (JSON list bodies) into a
// describe-rule-group document of a stateless group named "g".
func statelessGroupDoc(rules, customs string) string {
	return `{"RuleGroup":{"RulesSource":{"StatelessRulesAndCustomActions":{"StatelessRules":[` + rules + `],"CustomActions":[` + customs + `]}}},` +
		`"RuleGroupResponse":{"RuleGroupName":"g","Type":"STATELESS","Capacity":100}}`
}

// statelessRuleDoc is one rule with the given MatchAttributes body and actions.
func statelessRuleDoc(prio, match, actions string) string {
	return `{"Priority":` + prio + `,"RuleDefinition":{"MatchAttributes":{` + match + `},"Actions":[` + actions + `]}}`
}

func TestParseStatelessRuleGroupErrors(t *testing.T) {
	const (
		rules = "RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules"
		ma    = rules + "[0].RuleDefinition.MatchAttributes"
		metr  = `{"ActionName":"M","ActionDefinition":{"PublishMetricAction":{"Dimensions":[{"Value":"m"}]}}}`
	)
	stateful, err := os.ReadFile(filepath.Join("testdata/firewall", "stateless-stateful-type.json"))
	require.NoError(t, err)
	// one rule of 200 sources and 151 destinations: 30,200 capacity units,
	// above AWS's 30,000 per stateless group, in a group that declares none
	var srcs, dsts []string
	for i := range 200 {
		srcs = append(srcs, fmt.Sprintf(`{"AddressDefinition":"10.%d.0.0/16"}`, i))
		if i < 151 {
			dsts = append(dsts, fmt.Sprintf(`{"AddressDefinition":"172.16.%d.0/24"}`, i))
		}
	}
	overLimit := strings.Replace(statelessGroupDoc(statelessRuleDoc("7", `"Sources":[`+strings.Join(srcs, ",")+`],"Destinations":[`+strings.Join(dsts, ",")+`]`, `"aws:pass"`), ""), `,"Capacity":100`, "", 1)
	tests := []struct {
		name     string
		doc      string
		sentinel error
		path     string
		rule     string
		text     string
	}{
		{"a stateful group is named as such", string(stateful), stateless.ErrInvalidGroup, "RuleGroupResponse.Type", "", "STATEFUL"},
		{"output of another command has no RuleGroupResponse", `{"FirewallPolicy":{}}`, stateless.ErrInvalidGroup, "RuleGroupResponse", "", ""},
		{"broken JSON is a JSON error", `{"RuleGroup":`, flow.ErrJSON, "RuleGroup", "", `{"RuleGroup":`},
		{"a value of the wrong type is a JSON error at its path", statelessGroupDoc(`{"Priority":1,"RuleDefinition":{"MatchAttributes":{"Sources":"10.0.0.0/8"},"Actions":["aws:pass"]}}`, ""),
			flow.ErrJSON, ma + ".Sources", "1", `"10.0.0.0/8"`},
		{"a rule needs a priority", statelessGroupDoc(`{"RuleDefinition":{"MatchAttributes":{},"Actions":["aws:pass"]}}`, ""), stateless.ErrInvalidRule, rules + "[0].Priority", "", ""},
		{"a priority of 0 is out of range", statelessGroupDoc(statelessRuleDoc("0", "", `"aws:pass"`), ""), stateless.ErrInvalidRule, rules + "[0].Priority", "0", "0"},
		{"a priority may not repeat", statelessGroupDoc(statelessRuleDoc("5", "", `"aws:pass"`)+","+statelessRuleDoc("5", "", `"aws:drop"`), ""), stateless.ErrInvalidGroup, rules + "[1].Priority", "5", "5"},
		{"a rule needs MatchAttributes", statelessGroupDoc(`{"Priority":1,"RuleDefinition":{"Actions":["aws:pass"]}}`, ""), stateless.ErrInvalidRule, rules + "[0].RuleDefinition.MatchAttributes", "1", ""},
		{"a bad CIDR is quoted", statelessGroupDoc(statelessRuleDoc("7", `"Sources":[{"AddressDefinition":"10.0.0.0/33"}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".Sources[0].AddressDefinition", "7", "10.0.0.0/33"},
		{"an address with a zone is not a CIDR block", statelessGroupDoc(statelessRuleDoc("7", `"Destinations":[{"AddressDefinition":"fe80::1%eth0"}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".Destinations[0].AddressDefinition", "7", "fe80::1%eth0"},
		{"an IPv4-mapped block is rejected", statelessGroupDoc(statelessRuleDoc("7", `"Destinations":[{"AddressDefinition":"::ffff:10.0.0.0/104"}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".Destinations[0].AddressDefinition", "7", "::ffff:10.0.0.0/104"},
		{"a port above 65535 is rejected", statelessGroupDoc(statelessRuleDoc("7", `"DestinationPorts":[{"FromPort":1,"ToPort":70000}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".DestinationPorts[0].ToPort", "7", "70000"},
		{"a port range may not run backwards", statelessGroupDoc(statelessRuleDoc("7", `"SourcePorts":[{"FromPort":443,"ToPort":80}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".SourcePorts[0]", "7", "443-80"},
		{"a port range needs both ends", statelessGroupDoc(statelessRuleDoc("7", `"SourcePorts":[{"FromPort":443}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".SourcePorts[0].ToPort", "7", ""},
		{"a protocol above 255 is rejected", statelessGroupDoc(statelessRuleDoc("7", `"Protocols":[6,256]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".Protocols[1]", "7", "256"},
		{"an unknown TCP flag is rejected", statelessGroupDoc(statelessRuleDoc("7", `"TCPFlags":[{"Flags":["SYN","NS"]}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".TCPFlags[0].Flags[1]", "7", "NS"},
		{"flags outside the masks are rejected", statelessGroupDoc(statelessRuleDoc("7", `"TCPFlags":[{"Flags":["SYN","FIN"],"Masks":["SYN"]}]`, `"aws:pass"`), ""), stateless.ErrInvalidRule, ma + ".TCPFlags[0].Flags", "7", "SYN,FIN"},
		{"a rule without a standard action is rejected", statelessGroupDoc(statelessRuleDoc("7", "", `"M"`), metr), stateless.ErrInvalidRule, rules + "[0].RuleDefinition.Actions", "7", "M"},
		{"a rule with two standard actions is rejected", statelessGroupDoc(statelessRuleDoc("7", "", `"aws:pass","aws:drop"`), ""), stateless.ErrInvalidRule, rules + "[0].RuleDefinition.Actions[1]", "7", "aws:drop"},
		{"a stateful action is no stateless action", statelessGroupDoc(statelessRuleDoc("7", "", `"aws:alert_strict"`), ""), stateless.ErrInvalidRule, rules + "[0].RuleDefinition.Actions[0]", "7", "aws:alert_strict"},
		{"an undefined custom action is rejected", statelessGroupDoc(statelessRuleDoc("7", "", `"aws:pass","Nope"`), metr), stateless.ErrInvalidGroup, rules + "[0].RuleDefinition.Actions[1]", "7", "Nope"},
		{"a custom action needs PublishMetricAction", statelessGroupDoc(statelessRuleDoc("7", "", `"aws:pass"`), `{"ActionName":"M","ActionDefinition":{}}`), stateless.ErrInvalidGroup,
			"RuleGroup.RulesSource.StatelessRulesAndCustomActions.CustomActions[0].ActionDefinition.PublishMetricAction", "", "M"},
		{"a dimension value has a limited alphabet", statelessGroupDoc(statelessRuleDoc("7", "", `"aws:pass"`), `{"ActionName":"M","ActionDefinition":{"PublishMetricAction":{"Dimensions":[{"Value":"a/b"}]}}}`), stateless.ErrInvalidGroup,
			"RuleGroup.RulesSource.StatelessRulesAndCustomActions.CustomActions[0].ActionDefinition.PublishMetricAction.Dimensions[0].Value", "", "a/b"},
		{"rules may not consume more than the declared capacity", strings.Replace(statelessGroupDoc(statelessRuleDoc("7", `"Protocols":[6,17]`, `"aws:pass"`), ""), `"Capacity":100`, `"Capacity":1`, 1),
			stateless.ErrInvalidGroup, rules, "", "2"},
		{"rules may not consume more than AWS's limit", overLimit, stateless.ErrInvalidGroup, rules, "", "30200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := aws.ParseStatelessRuleGroup([]byte(tt.doc))
			require.Error(t, err)
			assert.Zero(t, g.Name, "no group comes back with an error")
			assert.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "%v is a *flow.InputError", err)
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, tt.rule, ie.Rule)
			assert.Equal(t, tt.text, ie.Text)
			if tt.sentinel != flow.ErrJSON && !strings.Contains(tt.name, "another command") {
				assert.NotEmpty(t, ie.Resource, "errors name the group")
			}
		})
	}
}

func TestParseStatelessRuleGroupIPv6(t *testing.T) {
	g, err := aws.ParseStatelessRuleGroup([]byte(statelessGroupDoc(statelessRuleDoc("1", `"Sources":[{"AddressDefinition":"2001:DB8::7/64"}]`, `"aws:drop"`), "")))
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("2001:db8::/64")}, g.Rules[0].Sources)
}

func TestParseStatelessRuleGroupBareAddress(t *testing.T) {
	g, err := aws.ParseStatelessRuleGroup([]byte(statelessGroupDoc(statelessRuleDoc("1", `"Destinations":[{"AddressDefinition":"10.0.0.1"}]`, `"aws:drop"`), "")))
	require.NoError(t, err, "AWS's AddressDefinition pattern admits a bare address")
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}, g.Rules[0].Destinations)
}
