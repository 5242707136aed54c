package aws_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/aws"
)

// BenchmarkParseRuleGroup reads a stateful rule group of 10,000 rules in
// a rules string, as describe-rule-group prints it (a third of AWS's
// 30,000-rule quota).
func BenchmarkParseRuleGroup(b *testing.B) {
	var rules strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&rules, "pass tcp $HOME_NET any -> 10.%d.%d.0/24 %d (msg:\"rule %d\"; flow:to_server, established; sid:%d; rev:1;)\n",
			i/256%256, i%256, 1024+i%60000, i, i+1)
	}
	doc, err := json.Marshal(map[string]any{
		"RuleGroup":         map[string]any{"RulesSource": map[string]any{"RulesString": rules.String()}, "StatefulRuleOptions": map[string]any{"RuleOrder": "STRICT_ORDER"}},
		"RuleGroupResponse": map[string]any{"RuleGroupName": "big", "RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/big", "Type": "STATEFUL", "Capacity": 30000},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aws.ParseRuleGroup(doc); err != nil {
			b.Fatal(err)
		}
	}
}
