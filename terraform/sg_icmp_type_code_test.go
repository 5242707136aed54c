package terraform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// parseWithGroupRule parses the public web design, whose group sg-1
// allows tcp/22 only, with one more rule of sg-1 from 0.0.0.0/0: a typ
// (aws_vpc_security_group_ingress_rule or _egress_rule) named name, of
// protocol proto, from_port from and to_port to (nil: left out).
func parseWithGroupRule(t *testing.T, typ, name, proto string, from, to any) (*reach.Model, error) {
	t.Helper()
	rule := planRes{typ: typ, name: name, values: map[string]any{"id": "sgr-9", "security_group_rule_id": "sgr-9",
		"security_group_id": "sg-1", "ip_protocol": proto, "from_port": from, "to_port": to, "cidr_ipv4": "0.0.0.0/0"},
		exprs: map[string]any{"security_group_id": "sg-1"}}
	return terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false, sgBlock(22)), publicWeb(), rule)...), nil)
}

// TestVPCGroupRuleICMPTypeAndCode: aws_vpc_security_group_ingress_rule and
// _egress_rule leave from_port (the ICMP type) and to_port (the code)
// Optional, and the provider sends the one set alone. AWS requires both
// for ICMP and ICMPv6, -1 meaning all (AuthorizeSecurityGroupIngress,
// API_IpPermission); only an ICMPv6 rule may leave both out (every type
// and code). A rule with one of them was read as every ICMP type and
// code, a certain Reachable for an ICMP timestamp request (type 13) that
// a rule for type 8 does not allow; it is refused now, naming the
// resource and the attribute it lacks.
func TestVPCGroupRuleICMPTypeAndCode(t *testing.T) {
	for _, tc := range []struct {
		name     string
		typ      string
		proto    string
		from, to any // nil: left out (null)
		path     string
		err      string // "" when the plan is read
	}{
		{name: "icmp type 8, to_port left out", proto: "icmp", from: 8,
			path: "aws_vpc_security_group_ingress_rule.ping: to_port", err: "an icmp rule that sets from_port (8) but not to_port: AWS requires both"},
		{name: "icmp code 0, from_port left out", proto: "icmp", to: 0,
			path: "aws_vpc_security_group_ingress_rule.ping: from_port", err: "an icmp rule that sets to_port (0) but not from_port: AWS requires both"},
		{name: "icmpv6 type 128, to_port left out", proto: "icmpv6", from: 128,
			path: "aws_vpc_security_group_ingress_rule.ping: to_port", err: "an icmpv6 rule that sets from_port (128) but not to_port"},
		{name: "icmpv6 code -1, from_port left out", proto: "58", to: -1,
			path: "aws_vpc_security_group_ingress_rule.ping: from_port", err: "an icmpv6 rule that sets to_port (-1) but not from_port"},
		{name: "egress rule, icmp type 8", typ: "aws_vpc_security_group_egress_rule", proto: "icmp", from: 8,
			path: "aws_vpc_security_group_egress_rule.ping: to_port", err: "write -1 for all types or all codes"},
		{name: "icmp with neither", proto: "icmp",
			path: "aws_vpc_security_group_ingress_rule.ping: from_port", err: "an icmp rule needs its ICMP type (from_port) and code (to_port)"},
		{name: "icmpv6 with neither: every type and code", proto: "icmpv6"},
		{name: "icmp type 8, every code", proto: "icmp", from: 8, to: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ := tc.typ
			if typ == "" {
				typ = "aws_vpc_security_group_ingress_rule"
			}
			m, err := parseWithGroupRule(t, typ, "ping", tc.proto, tc.from, tc.to)
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), "%v", err)
				var ie *flow.InputError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, tc.path, ie.Path)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			if tc.proto != "icmp" {
				return
			}
			for _, q := range []struct {
				typ  uint8
				want reach.Outcome
			}{{8, reach.Reachable}, {13, reach.Unreachable}} {
				r, err := m.Check(reach.Query{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: q.typ, Code: 0}})
				require.NoError(t, err)
				assert.Equal(t, q.want, r.Outcome, "ICMP type %d:\n%s", q.typ, r.Text())
			}
		})
	}
}

// TestVPCGroupRulePortBounds: a rule's ports and ICMP type and code are
// read exactly or refused. from_port 0 to_port 0 of tcp is port 0 alone
// (AWS), never every port; a range one port backwards, and ICMP type -1
// (all types) with a code, are refused naming the resource and attribute.
func TestVPCGroupRulePortBounds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		proto    string
		from, to any
		text     string // the offending text the error quotes
		err      string // "" when the plan is read
		open443  bool   // whether the rule, with the group's tcp/22, lets tcp 443 in
	}{
		{name: "tcp 0-0 is port 0 alone", proto: "tcp", from: 0, to: 0},
		{name: "tcp 443-443", proto: "tcp", from: 443, to: 443, open443: true},
		{name: "tcp 0-65535 is every port", proto: "tcp", from: 0, to: 65535, open443: true},
		{name: "tcp one port backwards", proto: "tcp", from: 444, to: 443, text: "444-443", err: "ports are 0–65535, from before to"},
		{name: "icmp type -1 with code 3", proto: "icmp", from: -1, to: 3, text: "-1/3", err: "type -1 with code -1"},
		{name: "icmp type 256", proto: "icmp", from: 256, to: 0, text: "256/0", err: "ICMP type and code are -1 (all) or 0–255"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseWithGroupRule(t, "aws_vpc_security_group_ingress_rule", "r", tc.proto, tc.from, tc.to)
			if tc.err != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, terraform.ErrInvalidPlan)
				var ie *flow.InputError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, "aws_vpc_security_group_ingress_rule.r: from_port", ie.Path)
				assert.Equal(t, tc.text, ie.Text)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			for _, q := range []struct {
				port uint16
				want reach.Outcome
			}{{22, reach.Reachable}, {443, map[bool]reach.Outcome{true: reach.Reachable, false: reach.Unreachable}[tc.open443]}} {
				r, err := m.Check(reach.Query{From: "198.51.100.7", To: "aws_instance.web", Protocol: flow.TCP, Port: q.port})
				require.NoError(t, err)
				assert.Equal(t, q.want, r.Outcome, "tcp %d:\n%s", q.port, r.Text())
			}
		})
	}
}
