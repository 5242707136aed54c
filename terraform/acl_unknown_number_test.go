package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestInlineACLEntryUnknownNumber: an inline ingress or egress block of
// an aws_network_acl or aws_default_network_acl whose rule_no is known
// only after apply is an entry whose place among the entries is unknown,
// as an aws_network_acl_rule's: it may come before any of them, or
// decide nothing (number 1, its match unknown). The queries it could
// decide otherwise than the known entries do are indeterminate, naming
// it, with a warning; the rest are answered, never a refusal of the plan.
func TestInlineACLEntryUnknownNumber(t *testing.T) {
	// block is an inline entry of rule_no known only after apply: action
	// for tcp on port (every protocol and port when port is 0) from
	// cidr
	block := func(action, cidr string, port int) map[string]any {
		b := aclBlock(0, port)
		delete(b, "rule_no")
		b["action"], b["cidr_block"] = action, cidr
		return b
	}
	allowAll := []any{aclBlock(100, 0)}
	for _, tc := range []struct {
		name    string
		owner   string // "acl": acl-pub, an aws_network_acl; "default": the VPC's aws_default_network_acl
		egress  bool   // the block is an egress one
		block   map[string]any
		port    uint16
		want    reach.Outcome
		missing string
	}{
		{name: "a deny of the port", owner: "acl", block: block("deny", "0.0.0.0/0", 22), port: 22, want: reach.Indeterminate, missing: "aws_network_acl.pub: ingress[0].rule_no"},
		{name: "a deny of another port: answered", owner: "acl", block: block("deny", "0.0.0.0/0", 22), port: 443, want: reach.Reachable},
		{name: "a deny of another block: answered", owner: "acl", block: block("deny", "192.0.2.0/24", 22), port: 22, want: reach.Reachable},
		{name: "an allow: the same answer either way", owner: "acl", block: block("allow", "0.0.0.0/0", 22), port: 22, want: reach.Reachable},
		{name: "an egress deny of everything", owner: "acl", egress: true, block: block("deny", "0.0.0.0/0", 0), port: 22, want: reach.Indeterminate, missing: "aws_network_acl.pub: egress[0].rule_no"},
		{name: "the default ACL's deny of the port", owner: "default", block: block("deny", "0.0.0.0/0", 22), port: 22, want: reach.Indeterminate, missing: "aws_default_network_acl.main: ingress[0].rule_no"},
		{name: "the default ACL's deny of another port: answered", owner: "default", block: block("deny", "0.0.0.0/0", 22), port: 443, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			owner := &rs[3] // acl-main, the default ACL, allowing everything
			addr := "aws_default_network_acl.main"
			if tc.owner == "acl" {
				rs = append(rs, pubACL(aclBlock(100, 0)))
				owner, addr = &rs[len(rs)-1], "aws_network_acl.pub"
			}
			attr := "ingress"
			if tc.egress {
				attr = "egress"
			}
			before := map[string]any{}
			for k, v := range owner.values {
				before[k] = v
			}
			owner.values = map[string]any{}
			for k, v := range before {
				owner.values[k] = v
			}
			owner.values[attr] = []any{tc.block, aclBlock(100, 0)}
			owner.unknown = map[string]any{attr: []any{map[string]any{"rule_no": true}, map[string]any{}}}
			before[attr] = allowAll
			rs = append(rs, publicWeb())
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", changePlan(t, map[string]map[string]any{addr: before}, nil, nil, rs...), rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", tc.port))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.missing == "" {
				return
			}
			code := reach.ACLIndeterminate
			if tc.egress { // on the reply's way out
				code = "RETURN_" + reach.ACLIndeterminate
			}
			assert.Contains(t, r.Codes(), code, r.Text())
			assert.Contains(t, r.Text(), "missing: "+tc.missing, r.Text())
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.missing+": known only after apply: the queries whose answer it could change are indeterminate")
		})
	}
}
