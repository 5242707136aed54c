package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A network ACL cuts the reply to app's client port: a client picks its
// ephemeral port anew for each connection (AWS VPC User Guide, "Ephemeral
// ports"), so a query that names no client port gets an entry for every
// client port of 1024-65535 (the rest of it where the ACL lets some
// through already), and later connections from other client ports work
// too; a query that names its client port gets that one port (audit
// lintfix21 finding 1: the fix opened the default 50000 alone).
func TestFixReplyClientPorts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		out     []string // acl-priv's outbound entries
		srcPort uint16
		want    []string // the changes
		open    []uint16 // client ports reachable after
		closed  []uint16 // client ports still cut after
	}{
		{name: "no client port, part of the range let through: the rest",
			out:  []string{"100 allow tcp 1024-32767 to 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 32768-65535 to 10.0.1.10/32"},
			open: []uint16{1024, 32767, 32768, 45000, 50000, 50001, 60999, 65535}},
		{name: "no client port, nothing let through: the whole range",
			out:  []string{"100 allow udp 53 to 10.0.0.0/16"},
			want: []string{"acl-priv add 110 allow tcp 1024-65535 to 10.0.1.10/32"},
			open: []uint16{1024, 32768, 50000, 65535}, closed: []uint16{1023}},
		{name: "no client port, an adjacent entry for the peer: widened",
			out:  []string{"100 allow tcp 1024-32767 to 10.0.1.10/32"},
			want: []string{"acl-priv replace 100 allow tcp 1024-65535 to 10.0.1.10/32"},
			open: []uint16{1024, 40000, 65535}},
		{name: "no client port, a deny entry first: the rest, before it",
			out:  []string{"100 allow tcp 1024-32767 to 10.0.0.0/16", "200 deny tcp 40000-61000 to 10.0.1.0/24", "300 allow tcp 1024-65535 to 10.0.0.0/16"},
			want: []string{"acl-priv add 199 allow tcp 40000-61000 to 10.0.1.10/32"},
			open: []uint16{32768, 40000, 50000, 61000, 65535}},
		{name: "the client port named: that port alone",
			out:     []string{"100 allow tcp 1024-32767 to 10.0.0.0/16"},
			srcPort: 40000,
			want:    []string{"acl-priv add 110 allow tcp 40000 to 10.0.1.10/32"},
			open:    []uint16{40000}, closed: []uint16{40001, 50000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newLf21()
			d.acls["acl-priv"].Entries = lf21entries(append([]string{"100 allow tcp 5432 from 10.0.0.0/16"}, tc.out...)...)
			m := d.build(t)
			q := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: tc.srcPort}
			require.Equal(t, reach.Unreachable, lf21check(t, m, q).Outcome)
			fx, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			var got []string
			for _, c := range fx.Changes {
				got = append(got, c.Resource+" "+string(c.Action)+" "+c.Spec)
				if tc.srcPort == 0 {
					assert.Contains(t, c.Text, "picked anew for each connection", "the text says why the range")
				} else {
					assert.NotContains(t, c.Text, "picked anew")
				}
			}
			require.Equal(t, tc.want, got)
			assert.Equal(t, reach.Reachable, fx.After)
			for _, p := range append(append([]uint16{}, tc.open...), tc.closed...) {
				q2 := q
				q2.SrcPort = p
				r := lf21check(t, fx.Patched, q2)
				want := reach.Reachable
				if slicesContains(tc.closed, p) {
					want = reach.Unreachable
				}
				assert.Equal(t, want, r.Outcome, "client port %d after the fix: %s", p, firstLine(r.Text()))
			}
			// AlsoChanged holds what Apply's model says about the
			// sessions db-1 opens to web-1 (the outbound entry lets
			// them out too, to ports 1024-65535): none changes, since
			// sg-web admits tcp 443 alone
			assert.Empty(t, fx.AlsoChanged)
		})
	}
}

func slicesContains(ps []uint16, p uint16) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
