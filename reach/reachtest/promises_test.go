package reachtest_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sg"
)

// addClient adds "client" (eni-client) beside the host, dual-stack, in
// sg-client (every outbound session, nothing inbound).
func addClient(b *reach.Builder) {
	b.AddSecurityGroup(sg.Group{ID: "sg-client", Name: "client", VPCID: "vpc-x", Rules: []sg.Rule{
		{ID: "c-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{ID: "c-out6", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}})
	b.AddInterface(reach.Interface{ID: "eni-client", Name: "client", Subnet: "subnet-x", Groups: []string{"sg-client"},
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20"), netip.MustParseAddr("2001:db8:1:1::20")}})
}

// tcpFrom is an inbound rule allowing tcp/port from peer.
func tcpFrom(id string, port uint16, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: peer}
}

// TestOnlyPortsEveryWayIn: "exactly these ports, and no others" holds
// over both families, at every interface and address of the ends, from
// every client port; an extra port names the rules that open it.
func TestOnlyPortsEveryWayIn(t *testing.T) {
	tests := []struct {
		name     string
		spec     exposeSpec
		from, to string
		ports    string
		pass     bool
		quotes   []string
	}{
		{"22 open over IPv6 only", exposeSpec{
			rules: []sg.Rule{tcpFrom("sgr-https", 443, sg.CIDR("10.0.0.0/16")), tcpFrom("sgr-ssh6", 22, sg.CIDR("2001:db8:1::/56"))},
			more:  addClient,
		}, "client", "host", "443", false, []string{
			"IPv6: missing 443, extra 22",
			"  extra: 22 open from 2001:db8:1:1::20 -> 2001:db8:1:1::10\n",
			"security-groups sg-host (host (eni-host)) inbound: sg-host sgr-ssh6 allows tcp/22 from 2001:db8:1::/56",
		}},
		{"443 over both families", exposeSpec{
			rules: []sg.Rule{tcpFrom("sgr-https", 443, sg.CIDR("10.0.0.0/16")), tcpFrom("sgr-https6", 443, sg.CIDR("2001:db8:1::/56"))},
			more:  addClient,
		}, "client", "host", "443", true, nil},
		{"an instance open at its second interface", exposeSpec{
			iface: func(in *reach.Interface) { in.Instance = "i-1"; in.PublicIP = netip.Addr{} },
			more: func(b *reach.Builder) {
				b.AddSecurityGroup(sg.Group{ID: "sg-pub", Name: "pub", VPCID: "vpc-x", Rules: []sg.Rule{
					{ID: "p-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
					sshFrom("p-ssh", sg.AnyIPv4)}})
				b.AddInterface(reach.Interface{ID: "eni-pub", Name: "host-pub", Instance: "i-1", Subnet: "subnet-x", Groups: []string{"sg-pub"},
					PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.30")}, PublicIP: netip.MustParseAddr("203.0.113.30")})
			},
		}, "198.51.100.7", "i-1", "none", false, []string{
			"IPv4: extra 22", "  extra: 22 open from 198.51.100.7 -> 203.0.113.30\n", "sg-pub p-ssh allows tcp/22 from 0.0.0.0/0"}},
		{"an Elastic IP on a secondary address", exposeSpec{
			rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
			iface: func(in *reach.Interface) {
				in.PublicIP = netip.Addr{}
				in.PrivateIPs = append(in.PrivateIPs, netip.MustParseAddr("10.0.1.11"))
				in.PublicIPs = []reach.PublicIP{{Private: netip.MustParseAddr("10.0.1.11"), Public: netip.MustParseAddr("203.0.113.11")}}
			},
		}, "198.51.100.7", "host", "none", false, []string{"IPv4: extra 22", "  extra: 22 open from 198.51.100.7 -> 203.0.113.11\n"}},
		{"open from client ports 1024-32767 only", exposeSpec{
			acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"},
			rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
		}, "198.51.100.7", "host", "none", false, []string{
			"IPv4: extra 22", "(22 from some client ports only)", "    port 22, client port 1024, passes:\n",
			"network-acl acl-x (subnet-x) inbound: 100 allow tcp 22 from 0.0.0.0/0"}},
		{"wanted from the default client port, cut there", exposeSpec{
			acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"},
			rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
		}, "198.51.100.7", "host", "ssh", false, []string{"IPv4: missing 22", "RETURN_ACL_DEFAULT_DENY: 22"}},
		{"an empty end", exposeSpec{}, "198.51.100.7", "", "none", false, []string{`the to end "" is empty`}},
		{"an empty source", exposeSpec{}, " ", "host", "none", false, []string{`the from end " " is empty`}},
		{"no family in common", exposeSpec{}, "2001:db8:ffff::7", "10.0.1.10", "none", false, []string{"the ends share no address family"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := exposeDesign(t, tt.spec)
			r := &recorder{}
			assert.Equal(t, tt.pass, reachtest.AssertOnlyPorts(r, m, tt.from, tt.to, flow.TCP, tt.ports), "%v", r.errors)
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

// TestAssertionsRefuseNothing: a nil model and an empty endpoint fail
// with an error, neither panicking nor passing.
func TestAssertionsRefuseNothing(t *testing.T) {
	m := exposeDesign(t, exposeSpec{})
	tests := []struct {
		name  string
		run   func(r *recorder) bool
		quote string
	}{
		{"AssertReachable, nil model", func(r *recorder) bool {
			return reachtest.AssertReachable(r, nil, reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 1})
		}, "the model is nil"},
		{"AssertNotReachable, nil model", func(r *recorder) bool {
			return reachtest.AssertNotReachable(r, nil, reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 1})
		}, "the model is nil"},
		{"AssertOnlyPorts, nil model", func(r *recorder) bool { return reachtest.AssertOnlyPorts(r, nil, "a", "b", flow.TCP, "22") }, "the model is nil"},
		{"AssertNotExposed, nil model", func(r *recorder) bool { return reachtest.AssertNotExposed(r, nil, "a", "22") }, "the model is nil"},
		{"AssertNotExposed, empty endpoint", func(r *recorder) bool { return reachtest.AssertNotExposed(r, m, "", "ssh") }, `the to end "" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			require.NotPanics(t, func() { assert.False(t, tt.run(r)) })
			require.Len(t, r.errors, 1)
			assert.Contains(t, r.errors[0], tt.quote)
		})
	}
}

// TestNotExposedMessages: the summary names no empty undecided set, and
// a wide exposure is written as merged port ranges, short.
func TestNotExposedMessages(t *testing.T) {
	all := sg.Rule{ID: "sgr-all", Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	all6 := all
	all6.ID, all6.Peer = "sgr-all6", sg.AnyIPv6
	tests := []struct {
		name     string
		spec     exposeSpec
		ports    string
		quotes   []string
		maxBytes int
	}{
		{"exposed over IPv4, undecided over IPv6", exposeSpec{
			rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4), sshFrom("sgr-ssh-pl", sg.PrefixList("pl-office"))},
			more:  func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-office") },
		}, "ssh", []string{"but it is exposed on 22, and at some addresses or over a family, whether it is exposed on 22 is undecided"}, 10_000},
		{"open on every port", exposeSpec{rules: []sg.Rule{all, all6}}, "1-100", []string{
			"but it is exposed on 1-100:\n  ports 1-100, IPv4, at 203.0.113.10 of host (eni-host):\n",
			"opened by sg-host rule sgr-all (all traffic from 0.0.0.0/0)",
			"  ports 1-100, IPv6, at 2001:db8:1:1::10 of host (eni-host):\n",
		}, 10_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := exposeDesign(t, tt.spec)
			r := &recorder{}
			require.False(t, reachtest.AssertNotExposed(r, m, "host", tt.ports))
			require.Len(t, r.errors, 1)
			first := strings.SplitN(r.errors[0], "\n", 2)[0]
			assert.NotContains(t, first, "exposed on none")
			for _, q := range tt.quotes {
				assert.Contains(t, r.errors[0], q)
			}
			assert.Less(t, len(r.errors[0]), tt.maxBytes)
		})
	}
}
