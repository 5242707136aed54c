// Package alibaba reads Alibaba Cloud's API JSON: [ParseSecurityGroup]
// reads a DescribeSecurityGroupAttribute response into an [sg.Group] of
// the Alibaba flavour.
//
// Every error is a *[flow.InputError] naming the JSON path, the group and
// rule, and the offending text.
package alibaba
