package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// ACL_CUTS_REPLIES weighs every address of the request entry's block,
// not its lowest address only: per-subnet reply entries with one subnet
// forgotten are found, and the finding names the part whose replies are
// cut (audit lintfix21 finding 2); an entry for every protocol is worded
// with no tcp/0 request and no network address for a host (finding 3).
func TestLintCutsRepliesWholeBlock(t *testing.T) {
	for _, tc := range []struct {
		name    string
		acl     string
		entries []string
		// the findings' keys, and what their message and fix hold
		keys     []string
		contains []string
		fix      string
		absent   []string
	}{
		{name: "one subnet of three forgotten: the rest of the block",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 10.0.0.0/16",
				"100 allow tcp 1024-65535 to 10.0.0.0/24", "110 allow tcp 1024-65535 to 10.0.1.0/24"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub outbound *"},
			contains: []string{"allows tcp/22 requests from 10.0.0.0/16", "drops their replies to the clients in 10.0.2.0-10.0.255.255 (part of it)"},
			fix:      "add an outbound allow entry for tcp 32768-65535 to 10.0.0.0/16, before any deny entry that matches them"},
		{name: "the replies to one block cut: the fix names it",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 10.0.0.0/23", "100 allow tcp 1024-65535 to 10.0.0.0/24"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub outbound *"},
			contains: []string{"the clients in 10.0.1.0/24 (part of it)"},
			fix:      "add an outbound allow entry for tcp 32768-65535 to 10.0.1.0/24, before any deny entry that matches them"},
		{name: "two pieces between reply entries",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 10.0.0.0/22",
				"100 allow tcp 1024-65535 to 10.0.0.0/24", "110 allow tcp 1024-65535 to 10.0.2.0/24"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub outbound *"},
			contains: []string{"the clients in 10.0.1.0/24, 10.0.3.0/24 (part of it)"},
			fix:      "to 10.0.0.0/22, before any deny entry"},
		{name: "a deny entry cuts part: it is named",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 10.0.0.0/16",
				"90 deny tcp 40000-65535 to 10.0.2.0/24", "100 allow tcp 1024-65535 to 10.0.0.0/16"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub outbound 90"},
			contains: []string{"outbound entry 90 deny tcp 40000-65535 to 10.0.2.0/24 drops their replies to the clients in 10.0.2.0/24 (part of it)"},
			fix:      "to 10.0.2.0/24, numbered below 90"},
		{name: "every subnet has its reply entry: nothing",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 10.0.0.0/22",
				"100 allow tcp 1024-65535 to 10.0.0.0/23", "110 allow tcp 1024-65535 to 10.0.2.0/23"}},
		{name: "the client's side: replies from part of the servers",
			acl: "acl-pub", entries: []string{"100 allow tcp 443 to 10.0.0.0/16",
				"100 allow tcp 1024-65535 from 10.0.0.0/17"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub inbound *"},
			contains: []string{"allows tcp/443 requests to 10.0.0.0/16", "drops their replies from the servers in 10.0.128.0/17 (part of it) to clients using"},
			fix:      "add an inbound allow entry for tcp 32768-65535 from 10.0.128.0/17"},
		{name: "IPv6: the rest of the block",
			acl: "acl-pub", entries: []string{"100 allow tcp 22 from 2001:db8:1::/56",
				"100 allow tcp 1024-65535 to 2001:db8:1::/57"},
			keys:     []string{"ACL_CUTS_REPLIES acl-pub outbound *"},
			contains: []string{"the clients in 2001:db8:1:80::/57 (part of it)"},
			fix:      "to 2001:db8:1:80::/57"},
		{name: "an entry for every protocol: any port, the whole block",
			acl: "acl-priv", entries: []string{"100 allow all from 10.0.0.0/16", "100 allow tcp 1024-32767 to 10.0.0.0/16"},
			keys:     []string{"ACL_CUTS_REPLIES acl-priv outbound *"},
			contains: []string{"allows tcp requests to any port from 10.0.0.0/16", "drops their replies to every client in it using"},
			absent:   []string{"tcp/0", "for one", "10.0.0.0,"},
			fix:      "add an outbound allow entry for tcp 32768-65535 to 10.0.0.0/16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newLf21()
			d.acls[tc.acl].Entries = lf21entries(tc.entries...)
			m := d.build(t)
			fs := lf21lint(t, m, reach.LintACLCutsReplies)
			assert.Equal(t, tc.keys, lf21keys(fs))
			for _, f := range fs {
				for _, s := range tc.contains {
					assert.Contains(t, f.Message, s)
				}
				for _, s := range tc.absent {
					assert.NotContains(t, f.Message, s)
				}
				assert.Contains(t, f.Fix, tc.fix)
			}
		})
	}
}

// The audit's case agrees with Check: ssh from db-1 (10.0.2.20) to web-1
// is cut on the reply, and lint says so.
func TestLintCutsRepliesAgreesWithCheck(t *testing.T) {
	d := newLf21()
	d.acls["acl-pub"].Entries = lf21entries("100 allow tcp 22 from 10.0.0.0/16",
		"100 allow tcp 1024-65535 to 10.0.0.0/24", "110 allow tcp 1024-65535 to 10.0.1.0/24")
	d.groups["sg-web"].Rules = append(d.groups["sg-web"].Rules, lf21tcp("sgr-web-ssh", flow.Inbound, 22, 22, sg.CIDR("10.0.0.0/16")))
	m := d.build(t)
	for _, tc := range []struct {
		from string
		want reach.Outcome
	}{{"db-1", reach.Unreachable}} {
		r := lf21check(t, m, reach.Query{From: tc.from, To: "web-1", Protocol: flow.TCP, Port: 22})
		require.Equal(t, tc.want, r.Outcome)
	}
	fs := lf21lint(t, m, reach.LintACLCutsReplies)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "10.0.2.0-10.0.255.255")
}
