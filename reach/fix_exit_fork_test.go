package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// Where a check is indeterminate only because the subnets a transit
// gateway may send a leg out by answer differently (tgw_exit_fork.go),
// Fix opens the blocks of the combination still unreachable, named by
// the subnet each leg takes there, and its answer is verified: the
// patched design reaches whichever subnet the gateway takes.
func TestFixOpensEveryExitSubnet(t *testing.T) {
	tests := []struct {
		name  string
		d     func() *tgwDesign
		q     reach.Query
		where string // the combination the changes are for
		acl   string // the ACL they open
	}{
		{"the request through subnet-tb3, whose ACL drops it", func() *tgwDesign { return withZoneGap("acl-deny-b") },
			tcp("app-a2", "app-b", 443), "transit gateway attachment att-b sends the request through subnet-tb3", "acl-deny-b"},
		{"the reply through subnet-ta2, whose ACL drops it", func() *tgwDesign {
			d := withZoneGap("")
			d.subnet("subnet-ta2").ACL = "acl-deny-a"
			d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-b3", Name: "app-b3", Subnet: "subnet-tb3", PrivateIPs: addrs("10.2.8.10"), Groups: []string{"sg-open"}})
			return d
		}, tcp("app-a", "app-b3", 443), "transit gateway attachment att-a sends the reply through subnet-ta2", "acl-deny-a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d().build(t)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			out, err := m.Fix(tt.q, reach.Reachable)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, out.After)
			require.NotEmpty(t, out.Changes)
			for _, c := range out.Changes {
				assert.True(t, strings.HasPrefix(c.Text, "on the path where "+tt.where+" (not the one the trace shows): "), c.Text)
				assert.Contains(t, c.Text, tt.acl)
			}
			patched, err := m.Apply(out.Changes)
			require.NoError(t, err)
			after, err := patched.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, after.Outcome, "every subnet now gets through: %s", after.Text())
		})
	}
}
