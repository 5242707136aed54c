package sample

import "embed"

// AWSDump is the sample design of [ThreeTier] as a user's AWS account
// would print it: one directory, aws/, holding the JSON of the AWS CLI
// commands below (same IDs, addresses, rules, routes and firewall policy
// as ThreeTier). Load it with aws.LoadFS(sample.AWSDump, "aws").
//
//	vpcs.json                       aws ec2 describe-vpcs --output json
//	subnets.json                    aws ec2 describe-subnets --output json
//	instances.json                  aws ec2 describe-instances --output json
//	network-interfaces.json         aws ec2 describe-network-interfaces --output json
//	security-groups.json            aws ec2 describe-security-groups --output json
//	security-group-rules.json       aws ec2 describe-security-group-rules --output json
//	network-acls.json               aws ec2 describe-network-acls --output json
//	route-tables.json               aws ec2 describe-route-tables --output json
//	gateways.json                   aws ec2 describe-internet-gateways and aws ec2 describe-nat-gateways,
//	                                merged into one file (jq -s add internet-gateways.json nat-gateways.json)
//	firewall.json                   aws network-firewall describe-firewall --firewall-name demo-firewall --output json
//	firewall-policy.json            aws network-firewall describe-firewall-policy --firewall-policy-name demo-policy --output json
//	rule-group-inbound-web.json     aws network-firewall describe-rule-group --rule-group-name inbound-web --type STATEFUL --output json
//	rule-group-egress-domains.json  aws network-firewall describe-rule-group --rule-group-name egress-domains --type STATEFUL --output json
//
// The IDs are the sample's short ones (vpc-demo, eni-web1, sgr-web-https)
// where AWS would print hexadecimal ones; everything else is as the CLI
// prints it, extra fields included: describe-network-interfaces also
// lists the NAT gateway's and the firewall endpoint's interfaces, which the
// loader leaves out as AWS-managed.
//
//go:embed aws/*.json
var AWSDump embed.FS
