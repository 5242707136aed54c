package reachtest_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func TestSetAssertions(t *testing.T) {
	m := model(t)
	tests := []struct {
		name   string
		run    func(r *recorder) bool
		pass   bool
		quotes []string // what the failure message must contain
	}{
		{"exactly https from the internet", func(r *recorder) bool {
			return reachtest.AssertOnlyPorts(r, m, "198.51.100.7", "web-1", flow.TCP, "https")
		}, true, nil},
		{"the same by number", func(r *recorder) bool {
			return reachtest.AssertOnlyPorts(r, m, "198.51.100.7", "web-1", flow.TCP, "443")
		}, true, nil},
		{"8080 from the web tier to the app tier", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "web-1", "app-1", flow.TCP, "8080") }, true, nil},
		{"none open, and none wanted", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "app-1", "db-1", flow.UDP, "none") }, true, nil},
		{"missing and extra ports, and the cuts of the missing ones", func(r *recorder) bool {
			return reachtest.AssertOnlyPorts(r, m, "198.51.100.7", "web-1", flow.TCP, "ssh,8000-8100")
		}, false, []string{
			"expected exactly ports 22,8000-8100 open from 198.51.100.7 -> web-1 tcp, and no others (from any client port, at any address of either end), but IPv4: missing 22,8000-8100, extra 443:\n",
			"IPv4, 198.51.100.7 -> 203.0.113.10 (the query's pair, client port 50000): open 443\n",
			"  missing: 22,8000-8100, cut by:\n    request hop 4, network-firewall vpce-fw (demo-firewall): FIREWALL_DROP: 22,8000-8100\n",
			"    request hop 8, security-groups sg-web (web-1 (eni-web1)): SG_NO_ALLOW: 8000-8100",
			"  extra: 443 open from 198.51.100.7 -> 203.0.113.10\n    port 443, client port 50000, passes:\n",
			"      security-groups sg-web (web-1 (eni-web1)) inbound: sg-web sgr-web-https allows tcp/443 from 0.0.0.0/0",
		}},
		{"a port cut on the reply", func(r *recorder) bool {
			return reachtest.AssertOnlyPorts(r, m, "app-1", "db-1", flow.TCP, "postgresql")
		}, false, []string{
			"  missing: 5432, cut by:\n", "    reply hop 3, network-acl acl-db (subnet-db): RETURN_ACL_DEFAULT_DENY: 5432"}},
		{"only extra ports", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "web-1", "app-1", flow.TCP, "none") }, false, []string{
			"but IPv4: extra 8080:\n", "  extra: 8080 open from 10.0.1.10 -> 10.0.2.20\n",
			"      security-groups sg-app (app-1 (eni-app1)) inbound: sg-app sgr-app-http allows tcp/8080 from sg-web"}},
		{"a bad port set", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "web-1", "app-1", flow.TCP, "htps") }, false, []string{
			"reachtest: AssertOnlyPorts web-1 -> app-1 tcp: ", "did you mean https?"}},
		{"a protocol without ports", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "web-1", "app-1", flow.ICMP, "none") }, false, []string{
			"asks about tcp or udp ports, not icmp"}},
		{"an endpoint that names nothing", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, m, "web-9", "app-1", flow.TCP, "80") }, false, []string{
			"reachtest: AssertOnlyPorts web-9 -> app-1 tcp: "}},

		{"the web tier is not exposed on ssh or rdp", func(r *recorder) bool { return reachtest.AssertNotExposed(r, m, "web-1", "ssh,rdp") }, true, nil},
		{"the database is exposed on no well-known port", func(r *recorder) bool { return reachtest.AssertNotExposed(r, m, "db-1", "1-1023,postgresql") }, true, nil},
		{"https is exposed: the prefixes and the opening rules, both families", func(r *recorder) bool {
			return reachtest.AssertNotExposed(r, m, "web-1", "22,https")
		}, false, []string{
			"expected no internet address to reach web-1 on tcp 22,443 from any client port, but it is exposed on 443:\n",
			"  port 443 (https), IPv4, at 203.0.113.10 of web-1 (eni-web1):\n    exposed: reached, from some client port, by every IPv4 address but 0.0.0.0/8, 10.0.0.0/8, ",
			"    opened by sg-web rule sgr-web-https (tcp/443 from 0.0.0.0/0)\n",
			", one of them, port 443, client port 50000, the request passes:\n",
			"      network-firewall vpce-fw (demo-firewall): inbound-web sid 10: pass tcp any any -> 10.0.1.0/24 443",
			"      security-groups sg-web (web-1 (eni-web1)) inbound: sg-web sgr-web-https allows tcp/443 from 0.0.0.0/0\n",
			"  port 443 (https), IPv6, at 2001:db8:10:1::10 of web-1 (eni-web1):\n    exposed: reached, from some client port, by every IPv6 address but ",
			"sgr-web-https6 allows tcp/443 from ::/0",
		}},
		{"a bad port set", func(r *recorder) bool { return reachtest.AssertNotExposed(r, m, "web-1", "ssh,") }, false, []string{"reachtest: AssertNotExposed web-1: "}},
		{"an endpoint that names nothing", func(r *recorder) bool { return reachtest.AssertNotExposed(r, m, "web-9", "22") }, false, []string{"reachtest: AssertNotExposed web-9: "}},
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
			for _, q := range tt.quotes {
				assert.Contains(t, r.errors[0], q)
			}
		})
	}
}

// A route to a VPN gateway leaves every port to 192.0.2.0/24
// indeterminate: AssertOnlyPorts fails on it, whatever it expects.
func TestOnlyPortsFailsOnIndeterminate(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-private" {
			d.RouteTables[i].Routes = append(d.RouteTables[i].Routes, reach.Route{Destination: netip.MustParsePrefix("192.0.2.0/24"),
				Target: reach.TargetUnmodelled, TargetID: "vgw-office", TargetType: "virtual private gateway"})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	for _, want := range []string{"none", "443"} {
		r := &recorder{}
		assert.False(t, reachtest.AssertOnlyPorts(r, m, "app-1", "192.0.2.10", flow.TCP, want))
		require.Len(t, r.errors, 1)
		assert.Contains(t, r.errors[0], "IPv4: undecided 1-65535 (indeterminate: it depends on what the input does not hold)")
		assert.Contains(t, r.errors[0], "request hop 4, unmodelled-target vgw-office (virtual private gateway): UNMODELLED_TARGET (undecided): ")
	}
}

// TestOnlyPortsFailsOnAWantedPortUndecided: a port the assertion wants
// open that the input leaves undecided fails it, though every other port
// answers as wanted. On the sample design web-1 also takes 5900 from the
// internet, and the firewall drops a session to 5900 whose data holds a
// word, which the input cannot say.
func TestOnlyPortsFailsOnAWantedPortUndecided(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Firewalls[0].Policy.Stateful = stateful.Config{Order: stateful.StrictOrder, Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{
		Name: "by-payload", RuleOrder: stateful.StrictOrder, RulesString: `drop tcp any any -> any 5900 (content:"quit"; sid:5;)` + "\n"}}}}
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-web" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5900), Peer: sg.AnyIPv4})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	for _, tc := range []struct{ want, says string }{
		{"443,5900", "IPv4: undecided 5900 (indeterminate: it depends on what the input does not hold)"},
		{"443", "IPv4: undecided 5900 (indeterminate: it depends on what the input does not hold)"},
	} {
		r := &recorder{}
		assert.False(t, reachtest.AssertOnlyPorts(r, m, "8.8.8.8", "web-1", flow.TCP, tc.want), tc.want)
		require.Len(t, r.errors, 1, tc.want)
		assert.Contains(t, r.errors[0], tc.says, tc.want)
	}
}
