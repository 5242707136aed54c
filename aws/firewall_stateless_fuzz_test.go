package aws_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

func FuzzParseStatelessRuleGroup(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata/firewall", "stateless-*.json"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, s := range []string{
		statelessGroupDoc(statelessRuleDoc("1", `"Sources":[{"AddressDefinition":"10.0.0.7/8"}],"Protocols":[6],"TCPFlags":[{"Flags":["SYN"],"Masks":["SYN","ACK"]}]`, `"aws:pass","M"`),
			`{"ActionName":"M","ActionDefinition":{"PublishMetricAction":{"Dimensions":[{"Value":"m 1"}]}}}`),
		statelessGroupDoc(statelessRuleDoc(`"2"`, `"DestinationPorts":[{"FromPort":"80","ToPort":80}],"Destinations":[{"AddressDefinition":"::/0"}]`, `"aws:forward_to_sfe"`), ""),
		statelessGroupDoc(statelessRuleDoc("3", `"SourcePorts":[{"FromPort":9,"ToPort":8}]`, `"aws:drop"`)+","+statelessRuleDoc("3", "", `"aws:drop"`), ""),
		statelessGroupDoc("", ""),
		`{"RuleGroupResponse":{"RuleGroupName":"x","Type":"STATEFUL_DOMAIN"}}`,
		`{"RuleGroupResponse":{"RuleGroupArn":"arn:x","Type":"STATELESS"},"RuleGroup":{"RulesSource":{"RulesString":"pass ip any any -> any any (sid:1;)"}}}`,
		`null`,
		`[]`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	sentinels := []error{stateless.ErrInvalidRule, stateless.ErrInvalidGroup, flow.ErrJSON}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := aws.ParseStatelessRuleGroup(data)
		if err != nil {
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not a *flow.InputError", err)
			require.True(t, slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }), "error %v wraps no sentinel", err)
			require.Zero(t, g.Name)
			return
		}
		require.True(t, slices.IsSortedFunc(g.Rules, func(a, b stateless.Rule) int { return a.Priority - b.Priority }))
		if g.Capacity > 0 {
			require.LessOrEqual(t, g.ConsumedCapacity(), g.Capacity)
		}
		e, err := stateless.Compile(stateless.Config{
			Groups:          []stateless.GroupRef{{Priority: 1, Group: g}},
			Default:         stateless.DefaultAction{Action: flow.Drop},
			FragmentDefault: stateless.DefaultAction{Action: flow.Pass},
		})
		require.NoError(t, err, "every parsed group compiles")
		require.Equal(t, g, e.Config().Groups[0].Group, "a parsed group is already canonical")
		_ = e.Evaluate(stateless.Packet{Flow: flow.MustParse("tcp 10.0.0.1:50000 -> 10.0.0.2:443"), Flags: stateless.SYN})
	})
}
