// Package alibaba reads Alibaba Cloud's API JSON: [ParseSecurityGroup]
// reads a DescribeSecurityGroupAttribute response into an [sg.Group] of
// the Alibaba flavour. Only VPC security groups are read: a
// classic-network group keeps separate internet and intranet rule sets
// (its rules' NicType), which [sg.Group] cannot express, so its rules are
// an error rather than rules for all traffic.
//
// Every error is a *[flow.InputError] naming the JSON path, the group and
// rule, and the offending text.
package alibaba
