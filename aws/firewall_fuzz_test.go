package aws_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// seedFirewallFiles adds the testdata files matching pattern and extra inputs.
func seedFirewallFiles(f *testing.F, pattern string, extra ...string) {
	files, err := filepath.Glob(filepath.Join("testdata/firewall", pattern))
	require.NoError(f, err)
	require.NotEmpty(f, files, pattern)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, s := range append(extra, `null`, `[]`, `{`, `{}`, `""`) {
		f.Add([]byte(s))
	}
}

// checkInputErr fails unless err is (or holds) a *flow.InputError, or wraps
// flow.ErrJSON.
func checkInputErr(t *testing.T, err error) {
	t.Helper()
	var ie *flow.InputError
	if !errors.As(err, &ie) && !errors.Is(err, flow.ErrJSON) {
		t.Fatalf("error %T is neither a *flow.InputError nor flow.ErrJSON: %v", err, err)
	}
	if err.Error() == "" {
		t.Fatal("empty error message")
	}
}

func FuzzParseRuleGroup(f *testing.F) {
	seedFirewallFiles(f, "rulegroup-*.json",
		statefulDoc(`{"RulesSource":{"StatefulRules":[{"Action":"DROP","Header":{"Protocol":"HTTP","Source":"$HOME_NET","SourcePort":"ANY","Direction":"ANY","Destination":"$EXTERNAL_NET","DestinationPort":"ANY"},"RuleOptions":[{"Keyword":"sid","Settings":["1234"]},{"Keyword":"msg","Settings":["\"a \\\" b\""]}]}]}}`),
		statefulDoc(`{"RuleVariables":{"IPSets":{"HOME_NET":{"Definition":["10.0.0.0/8"]}},"PortSets":{"P":{"Definition":["1:2"]}}},"RulesSource":{"RulesString":"pass tcp $HOME_NET $P -> any any (sid:1;)"}}`),
		statefulDoc(`{"RulesSource":{"RulesSourceList":{"Targets":[".example.com"],"TargetTypes":["HTTP_HOST"],"GeneratedRulesType":"REJECTLIST"}},"StatefulRuleOptions":{"RuleOrder":"DEFAULT_ACTION_ORDER"}}`),
		`{"RuleGroup":{"RulesSource":{"RulesString":"alert ip any any -> any any (sid:9;)"}}}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := aws.ParseRuleGroup(data)
		if err != nil {
			checkInputErr(t, err)
			return
		}
		if (g.Stateless == nil) == (g.Stateful == nil) {
			t.Fatalf("want exactly one kind of group: %+v", g)
		}
		if g.Stateful != nil {
			if _, err := g.Stateful.Rules(); err != nil {
				t.Fatalf("a parsed stateful group has no rules: %v", err)
			}
			return
		}
		cfg := stateless.Config{
			Groups:          []stateless.GroupRef{{Priority: 1, Group: *g.Stateless}},
			Default:         stateless.DefaultAction{Action: flow.Pass},
			FragmentDefault: stateless.DefaultAction{Action: flow.Pass},
		}
		if _, err := stateless.Compile(cfg); err != nil {
			t.Fatalf("a parsed stateless group does not compile: %v", err)
		}
	})
}

func FuzzParseFirewallPolicy(f *testing.F) {
	seedFirewallFiles(f, "policy-*.json",
		policyDoc(statelessDefaults),
		policyDoc(metricAction+`,"StatelessDefaultActions":["aws:pass","M"],"StatelessFragmentDefaultActions":["M","aws:drop"]`),
		policyDoc(statelessDefaults+`,"StatefulDefaultActions":["aws:drop_strict","aws:alert_strict"],"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER","StreamExceptionPolicy":"CONTINUE"},"PolicyVariables":{"RuleVariables":{"HOME_NET":{"Definition":["10.0.0.0/8","2001:db8::/32"]}}}`),
		policyDoc(statelessDefaults+`,"StatelessRuleGroupReferences":[{"ResourceArn":"arn:a","Priority":"1"}],"StatefulRuleGroupReferences":[{"ResourceArn":"arn:b","Priority":1,"Override":{"Action":"DROP_TO_ALERT"}}]`),
	)
	home := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := aws.ParseFirewallPolicy(data)
		if err != nil {
			checkInputErr(t, err)
			return
		}
		p, err := s.Build(nil)
		if len(s.StatelessGroups)+len(s.StatefulGroups) > 0 {
			if !errors.Is(err, firewall.ErrUnresolved) {
				t.Fatalf("Build without groups: want ErrUnresolved, got %v", err)
			}
			checkInputErr(t, err)
			return
		}
		if err != nil {
			t.Fatalf("Build of a policy without groups: %v", err)
		}
		if len(p.Stateful.HomeNet) == 0 {
			p.Stateful.HomeNet = home
		}
		if _, err := firewall.Compile(p, nil); err != nil {
			t.Fatalf("a parsed policy without groups does not compile: %v", err)
		}
	})
}

func FuzzParseFirewall(f *testing.F) {
	seedFirewallFiles(f, "firewall-*.json",
		`{"Firewall":{"FirewallName":"fw","FirewallPolicyArn":"arn:p","VpcId":"vpc-1","SubnetMappings":[{"SubnetId":"subnet-a"}]},"FirewallStatus":{"SyncStates":{"az":{"Attachment":{"SubnetId":"subnet-a","EndpointId":"vpce-a"}}}}}`,
		`{"Firewall":{"FirewallArn":"arn:fw","FirewallPolicyArn":"arn:p","VpcId":"vpc-1"},"FirewallStatus":{"SyncStates":{"az":{}}}}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := aws.ParseFirewall(data)
		if err != nil {
			checkInputErr(t, err)
			return
		}
		if s.PolicyARN == "" || s.VPCID == "" {
			t.Fatalf("missing policy or VPC: %+v", s)
		}
		if !slices.IsSortedFunc(s.Endpoints, func(a, b aws.FirewallEndpoint) int {
			switch {
			case a.AvailabilityZone < b.AvailabilityZone:
				return -1
			case a.AvailabilityZone > b.AvailabilityZone:
				return 1
			}
			return 0
		}) {
			t.Fatalf("endpoints not sorted by zone: %+v", s.Endpoints)
		}
		for _, sub := range s.Subnets {
			if !slices.ContainsFunc(s.Endpoints, func(e aws.FirewallEndpoint) bool { return e.SubnetID == sub && e.EndpointID != "" }) {
				t.Fatalf("subnet %s has no endpoint: %+v", sub, s)
			}
		}
	})
}
