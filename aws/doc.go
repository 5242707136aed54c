// Package aws reads the JSON that the AWS CLI prints (describe-vpcs,
// describe-subnets, describe-instances, describe-network-interfaces,
// describe-security-groups, describe-security-group-rules,
// describe-network-acls, describe-route-tables, describe-internet-gateways,
// describe-nat-gateways, describe-managed-prefix-lists,
// get-managed-prefix-list-entries, and network-firewall describe-firewall,
// describe-firewall-policy and describe-rule-group) into a [reach.Model]:
//
//	m, report, err := aws.Load("dump/")
//
// [Load] is the manual: which commands to run, what is read and what is
// left out. The per-kind parsers ([ParseSecurityGroups],
// [ParseSecurityGroupRules], [ParseNetworkACLs], [ParseRuleGroup],
// [ParseStatelessRuleGroup], [ParseFirewallPolicy], [ParseFirewall]) read
// one command's output into the filter packages' plain data.
//
// Every error names the file, the JSON path, the resource and the
// offending text (a *[flow.InputError]), and wraps [ErrInvalidDump],
// [flow.ErrJSON] or a filter package's sentinel.
package aws
