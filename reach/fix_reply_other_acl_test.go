package reach_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A network ACL cuts the reply to web-1's client port (acl-priv, db-1's
// subnet's, outbound) and the query names no client port: Fix opens the
// reply to every client port of 1024-65535 there. Another ACL of the
// reply path (acl-pub, web-1's subnet's, inbound) lets the reply to the
// default client port 50000 through, but not to every port of the range:
// the fix claimed the flow for every client while the connections from
// those ports stayed cut there (fixreply22). Fix now opens the rest at
// that ACL too, its change naming the entries that cut which ports, and
// verifies the whole range on the reply path.
func TestFixReplyOtherACLCutsPartOfRange(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pub      []string // acl-pub's inbound entries
		srcPort  uint16
		want     []string // the changes, "resource action spec leg hop"
		wantText string   // in the last change's text
		open     []uint16 // client ports reachable after
		closed   []uint16 // client ports still cut after
	}{
		{name: "the client's ACL lets 32768-65535 alone through: the rest there",
			pub: []string{"100 allow tcp 32768-65535 from 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 1024-65535 to 10.0.1.10/32 return 3",
				"acl-pub add 110 allow tcp 1024-32767 from 10.0.2.20/32 return 4"},
			wantText: "the reply to client port 50000 passes acl-pub, but rule * (deny all from 0.0.0.0/0) cuts the replies to client ports 1024-32767;",
			open:     []uint16{1024, 2000, 32767, 32768, 50000, 65535}, closed: []uint16{1023}},
		{name: "a deny entry of the client's ACL cuts a middle range: an allow before it",
			pub: []string{"90 deny tcp 40000-45000 from 10.0.0.0/16", "100 allow tcp 1024-65535 from 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 1024-65535 to 10.0.1.10/32 return 3",
				"acl-pub add 89 allow tcp 40000-45000 from 10.0.2.20/32 return 4"},
			wantText: "rule 90 (deny tcp 40000-45000 from 10.0.0.0/16) cuts the replies to client ports 40000-45000;",
			open:     []uint16{1024, 39999, 40000, 42000, 45000, 45001, 65535}},
		{name: "a deny entry and the default rule cut: each named, one entry for the rest",
			pub: []string{"90 deny tcp 2000-3000 from 10.0.0.0/16", "100 allow tcp 32768-65535 from 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 1024-65535 to 10.0.1.10/32 return 3",
				"acl-pub add 89 allow tcp 1024-32767 from 10.0.2.20/32 return 4"},
			wantText: "rule * (deny all from 0.0.0.0/0) cuts the replies to client ports 1024-1999,3001-32767, and rule 90 (deny tcp 2000-3000 from 10.0.0.0/16) cuts the replies to client ports 2000-3000;",
			open:     []uint16{1024, 1999, 2000, 3000, 3001, 32767, 50000}},
		{name: "the client's ACL lets the whole range through: nothing more",
			pub:  []string{"100 allow tcp 1024-65535 from 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 1024-65535 to 10.0.1.10/32 return 3"},
			open: []uint16{1024, 50000, 65535}, closed: []uint16{1023}},
		{name: "the client port named: that port alone, the client's ACL left as it is",
			pub:     []string{"100 allow tcp 32768-65535 from 10.0.0.0/16"},
			srcPort: 40000,
			want:    []string{"acl-priv add 110 allow tcp 40000 to 10.0.1.10/32 return 3"},
			open:    []uint16{40000}, closed: []uint16{2000, 40001}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newLf21()
			d.acls["acl-priv"].Entries = lf21entries("100 allow tcp 5432 from 10.0.0.0/16", "100 allow udp 53 to 10.0.0.0/16")
			d.acls["acl-pub"].Entries = lf21entries(append(tc.pub, "100 allow all to 0.0.0.0/0")...)
			m := d.build(t)
			q := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: tc.srcPort}
			require.Equal(t, reach.Unreachable, lf21check(t, m, q).Outcome)
			fx, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			var got []string
			for _, c := range fx.Changes {
				got = append(got, c.Resource+" "+string(c.Action)+" "+c.Spec+" "+c.Leg.String()+" "+strconv.Itoa(c.Hop))
			}
			require.Equal(t, tc.want, got)
			last := fx.Changes[len(fx.Changes)-1]
			if tc.wantText != "" {
				assert.Contains(t, last.Text, tc.wantText)
				assert.Contains(t, last.Text, "with this entry the reply path lets them through to all of 1024-65535")
			} else {
				assert.NotContains(t, last.Text, "passes acl-pub")
			}
			assert.Equal(t, reach.Reachable, fx.After)
			for _, p := range append(append([]uint16{}, tc.open...), tc.closed...) {
				q2 := q
				q2.SrcPort = p
				r := lf21check(t, fx.Patched, q2)
				want := reach.Reachable
				if slicesContains(tc.closed, p) {
					want = reach.Unreachable
				}
				assert.Equal(t, want, r.Outcome, "client port %d after the fix: %s", p, r.Text())
			}
			assert.Empty(t, fx.AlsoChanged) // sg-web admits tcp 443 alone
		})
	}
}

// TestFixReplyOtherACLNoRoomSaysWhatToDo: where no entry fits before the
// one that cuts part of the range at another reply-path ACL (rule 1),
// Fix refuses (ErrNoFix) and its error says what to do by hand, not an
// empty "by hand:" (audit new22).
func TestFixReplyOtherACLNoRoomSaysWhatToDo(t *testing.T) {
	d := newLf21()
	d.acls["acl-priv"].Entries = lf21entries("100 allow tcp 5432 from 10.0.0.0/16", "100 allow udp 53 to 10.0.0.0/16")
	d.acls["acl-pub"].Entries = lf21entries("1 deny tcp 2000-3000 from 10.0.0.0/16", "100 allow tcp 1024-65535 from 10.0.0.0/16", "100 allow all to 0.0.0.0/0")
	m := d.build(t)
	_, err := m.Fix(reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.Reachable)
	require.ErrorIs(t, err, reach.ErrNoFix)
	assert.Contains(t, err.Error(), "by hand: let acl-pub's inbound replies to client ports 1024-65535 through")
	assert.Contains(t, err.Error(), "rule 1 (deny tcp 2000-3000 from 10.0.0.0/16) cuts the replies to client ports 2000-3000")
	assert.NotRegexp(t, `by hand:\s*(\(|$)`, err.Error())
}
