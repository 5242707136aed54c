package reachtest_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sample"
)

// recorder is a TestingT that keeps what a failing assertion says.
type recorder struct {
	errors  []string
	failed  bool
	helpers int
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) FailNow() { r.failed = true }
func (r *recorder) Helper()  { r.helpers++ }

func model(t *testing.T) *reach.Model {
	t.Helper()
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	return m
}

func TestAssertions(t *testing.T) {
	m := model(t)
	https := reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443}
	ssh := reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 22}
	appDB := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	tests := []struct {
		name   string
		run    func(r *recorder) bool
		pass   bool
		quotes string // what the failure message must contain
	}{
		{"a reachable query passes AssertReachable", func(r *recorder) bool { return reachtest.AssertReachable(r, m, https) }, true, ""},
		{"a blocked query fails AssertReachable with its trace", func(r *recorder) bool { return reachtest.AssertReachable(r, m, ssh, "office SSH %s", "must work") }, false, "FIREWALL_DROP"},
		{"the failure message carries the caller's message", func(r *recorder) bool { return reachtest.AssertReachable(r, m, ssh, "office SSH %s", "must work") }, false, "office SSH must work"},
		{"a blocked query passes AssertNotReachable", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, ssh) }, true, ""},
		{"the expected code passes", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, ssh, reach.FirewallDrop) }, true, ""},
		{"a wrong expected code fails", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, ssh, reach.SGNoAllow) }, false, "expected 198.51.100.7 -> web-1 tcp/22 to be blocked with SG_NO_ALLOW"},
		{"a reachable query fails AssertNotReachable", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, https) }, false, "REACHABLE"},
		{"a blocked request passes AssertRequestBlocked", func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, ssh, reach.FirewallDrop) }, true, ""},
		{"a request blocked by something else fails AssertRequestBlocked", func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, ssh, reach.SGNoAllow) }, false, "the hops that block the request for certain are [FIREWALL_DROP]"},
		{"a blocked reply fails AssertRequestBlocked", func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, appDB) }, false, "nothing blocks it"},
		{"a blocked reply passes AssertReplyBlocked", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, appDB, reach.ACLDefaultDeny) }, true, ""},
		{"AssertReplyBlocked takes RETURN_ codes as they are", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, appDB, "RETURN_ACL_DEFAULT_DENY") }, true, ""},
		{"a reply blocked by something else fails AssertReplyBlocked", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, appDB, reach.ACLDeny) }, false, "blocked with RETURN_ACL_DENY"},
		{"a blocked request fails AssertReplyBlocked", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, ssh) }, false, "the request is blocked too"},
		{"a reachable query fails AssertReplyBlocked", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, https) }, false, "nothing blocks it"},
		{"a query without a protocol fails AssertNotReachable", func(r *recorder) bool {
			return reachtest.AssertNotReachable(r, m, reach.Query{From: "web-1", To: "db-1"})
		}, false, "no protocol"},
		{"a tcp query without a port fails AssertNotReachable", func(r *recorder) bool {
			return reachtest.AssertNotReachable(r, m, reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP})
		}, false, "no destination port"},
		{"a bad query fails with the error", func(r *recorder) bool {
			return reachtest.AssertReachable(r, m, reach.Query{From: "nobody", To: "web-1", Protocol: flow.TCP, Port: 1})
		}, false, "no address, interface ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			assert.Equal(t, tt.pass, tt.run(r))
			assert.Positive(t, r.helpers, "the helpers mark themselves as test helpers")
			if tt.pass {
				assert.Empty(t, r.errors)
				return
			}
			require.Len(t, r.errors, 1)
			assert.Contains(t, r.errors[0], tt.quotes)
		})
	}
}

func TestRequireStopsTheTest(t *testing.T) {
	m := model(t)
	r := &recorder{}
	reachtest.RequireReachable(r, m, reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
	assert.True(t, r.failed)
	r = &recorder{}
	reachtest.RequireNotReachable(r, m, reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.SGNoAllow)
	assert.False(t, r.failed)
	assert.Empty(t, r.errors)
}

// TestEveryAssertionFailsOnIndeterminate: a route to a VPN gateway makes
// app-1's traffic to 192.0.2.0/24 indeterminate; no assertion may pass on
// it, not even one that expects it not to be reachable, and each names
// what is missing.
func TestEveryAssertionFailsOnIndeterminate(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-private" {
			d.RouteTables[i].Routes = append(d.RouteTables[i].Routes, reach.Route{Destination: netip.MustParsePrefix("192.0.2.0/24"),
				Target: reach.TargetUnmodelled, TargetID: "vgw-office", TargetType: "virtual private gateway"})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	q := reach.Query{From: "app-1", To: "192.0.2.10", Protocol: flow.TCP, Port: 443}
	for name, assertion := range map[string]func(r *recorder) bool{
		"AssertReachable":      func(r *recorder) bool { return reachtest.AssertReachable(r, m, q) },
		"AssertNotReachable":   func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, q) },
		"AssertRequestBlocked": func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, q) },
		"AssertReplyBlocked":   func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, q) },
		"RequireNotReachable": func(r *recorder) bool {
			reachtest.RequireNotReachable(r, m, q, reach.UnmodelledTarget)
			return !r.failed
		},
	} {
		t.Run(name+" fails and says what is missing", func(t *testing.T) {
			r := &recorder{}
			assert.False(t, assertion(r))
			require.Len(t, r.errors, 1)
			assert.Contains(t, r.errors[0], "but the answer is indeterminate: it depends on what the input does not hold")
			assert.Contains(t, r.errors[0], "UNMODELLED_TARGET at unmodelled-target vgw-office: what lies beyond vgw-office (virtual private gateway)")
			assert.Contains(t, r.errors[0], "INDETERMINATE")
		})
	}
}
