package reachtest_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sg"
)

// exposeSpec shapes exposeDesign: ACL entries of the host's subnet (none:
// the VPC's default ACL, which allows all), the host group's inbound
// rules, a change to the host's interface and to the builder.
type exposeSpec struct {
	acl   []string
	rules []sg.Rule
	iface func(*reach.Interface)
	more  func(*reach.Builder)
}

// exposeDesign: vpc-x (10.0.0.0/16, 2001:db8:1::/56) whose one subnet
// (10.0.1.0/24, 2001:db8:1:1::/64) routes both families to an internet
// gateway; "host" (eni-host) there at 10.0.1.10 (public IP 203.0.113.10)
// and 2001:db8:1:1::10, in sg-host, which allows every outbound session.
func exposeDesign(t *testing.T, s exposeSpec) *reach.Model {
	t.Helper()
	pfx := func(ss ...string) []netip.Prefix {
		out := make([]netip.Prefix, len(ss))
		for i, x := range ss {
			out[i] = netip.MustParsePrefix(x)
		}
		return out
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-x", CIDRs: pfx("10.0.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-x", DefaultACL: "acl-default"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-x", VPC: "vpc-x"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-x", VPC: "vpc-x", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-x"},
			{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-x"}}}).
		AddNetworkACL(nacl.NewDefault("acl-default", "vpc-x", true))
	sub := reach.Subnet{ID: "subnet-x", VPC: "vpc-x", CIDRs: pfx("10.0.1.0/24", "2001:db8:1:1::/64")}
	if s.acl != nil {
		a := nacl.NewCustom("acl-x", "vpc-x")
		for _, e := range s.acl {
			a.Entries = append(a.Entries, nacl.MustParseEntry(e))
		}
		b.AddNetworkACL(a)
		sub.ACL = "acl-x"
	}
	b.AddSubnet(sub)
	b.AddSecurityGroup(sg.Group{ID: "sg-host", Name: "host", VPCID: "vpc-x", Rules: append([]sg.Rule{
		{ID: "sgr-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{ID: "sgr-out6", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}, s.rules...)})
	in := reach.Interface{ID: "eni-host", Name: "host", Subnet: "subnet-x", Groups: []string{"sg-host"},
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("2001:db8:1:1::10")},
		PublicIP:   netip.MustParseAddr("203.0.113.10")}
	if s.iface != nil {
		s.iface(&in)
	}
	b.AddInterface(in)
	if s.more != nil {
		s.more(b)
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// sshFrom is an inbound rule allowing tcp/22 from peer.
func sshFrom(id string, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: peer}
}

// TestNotExposedEveryWayIn: AssertNotExposed fails wherever some internet
// address gets to the interface on a port, whatever client port it picks
// and whichever of the interface's addresses it sends to, and whichever
// of them (or its ID or name) the test names; it passes where none does.
func TestNotExposedEveryWayIn(t *testing.T) {
	// the ACL lets replies out to client ports 1024-32767 only: from the
	// default client port (50000) the session fails, from 30000 it works
	lowReplies := exposeSpec{
		acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"},
		rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
	}
	// no public IP on the primary; an Elastic IP on a secondary address
	secondaryEIP := exposeSpec{
		rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
		iface: func(in *reach.Interface) {
			in.PublicIP = netip.Addr{}
			in.PrivateIPs = append(in.PrivateIPs, netip.MustParseAddr("10.0.1.11"))
			in.PublicIPs = []reach.PublicIP{{Private: netip.MustParseAddr("10.0.1.11"), Public: netip.MustParseAddr("203.0.113.11")}}
		},
	}
	// no IPv6 address of its own, an IPv6 prefix delegated to it
	prefixOnly := exposeSpec{
		rules: []sg.Rule{sshFrom("sgr-ssh6", sg.AnyIPv6)},
		iface: func(in *reach.Interface) {
			in.PrivateIPs = in.PrivateIPs[:1]
			in.DelegatedPrefixes = []netip.Prefix{netip.MustParsePrefix("2001:db8:1:1:1::/80")}
		},
	}
	// a second IPv6 address
	secondIPv6 := exposeSpec{
		rules: []sg.Rule{sshFrom("sgr-ssh6", sg.AnyIPv6)},
		iface: func(in *reach.Interface) {
			in.PrivateIPs = append(in.PrivateIPs, netip.MustParseAddr("2001:db8:1:1::11"))
		},
	}
	// no public address at all: a private host
	private := exposeSpec{
		rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)},
		iface: func(in *reach.Interface) { in.PublicIP = netip.Addr{}; in.PrivateIPs = in.PrivateIPs[:1] },
	}
	openV4 := exposeSpec{rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)}}
	tests := []struct {
		name   string
		spec   exposeSpec
		to     string
		ports  string
		pass   bool
		quotes []string
	}{
		{"replies only to low client ports: exposed from client port 30000", lowReplies, "host", "ssh", false, []string{
			"from any client port, but it is exposed on 22", "at 203.0.113.10 of host (eni-host)", "client port 1024, the request passes"}},
		{"replies only to low client ports, by public IP", lowReplies, "203.0.113.10", "ssh", false, nil},
		{"replies only to low client ports: other ports closed", lowReplies, "host", "rdp,80", true, nil},
		{"an Elastic IP on a secondary address, by name", secondaryEIP, "host", "ssh", false, []string{"at 203.0.113.11 of host (eni-host)"}},
		{"an Elastic IP on a secondary address, by the secondary", secondaryEIP, "10.0.1.11", "ssh", false, []string{"at 203.0.113.11"}},
		{"an Elastic IP on a secondary address, by the primary", secondaryEIP, "10.0.1.10", "ssh", false, []string{"at 203.0.113.11"}},
		{"an Elastic IP on a secondary address, by the Elastic IP", secondaryEIP, "203.0.113.11", "ssh", false, nil},
		{"the public IP open, by the private address", openV4, "10.0.1.10", "ssh", false, []string{"IPv4, at 203.0.113.10"}},
		{"the public IP open, by ID", openV4, "eni-host", "ssh", false, nil},
		{"the public IP open, not on IPv6", openV4, "2001:db8:1:1::10", "ssh", false, []string{"IPv4, at 203.0.113.10"}},
		{"only a delegated IPv6 prefix, by name", prefixOnly, "host", "ssh", false, []string{"IPv6, at delegated prefix 2001:db8:1:1:1::/80"}},
		{"only a delegated IPv6 prefix, by an address of it", prefixOnly, "2001:db8:1:1:1::5", "ssh", false, []string{"IPv6, at delegated prefix"}},
		{"only a delegated IPv6 prefix: other ports closed", prefixOnly, "host", "80,443", true, nil},
		{"a second IPv6 address", secondIPv6, "host", "ssh", false, []string{"IPv6, at 2001:db8:1:1::11", "IPv6, at 2001:db8:1:1::10"}},
		{"an IPv6 address as to, closed", openV4, "2001:db8:1:1::10", "rdp", true, nil},
		{"a private host: not exposed", private, "host", "ssh", true, nil},
		{"a private host by address: not exposed", private, "10.0.1.10", "ssh", true, nil},
		{"port 0 is refused", openV4, "host", "0-1023", false, []string{"reachtest: AssertNotExposed host: ", "holds port 0"}},
		{"a name no interface has", openV4, "host-9", "ssh", false, []string{"reachtest: AssertNotExposed host-9: ", "names no interface"}},
		{"an address no interface holds", openV4, "198.51.100.9", "ssh", false, []string{"no interface of the design holds 198.51.100.9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := exposeDesign(t, tt.spec)
			r := &recorder{}
			assert.Equal(t, tt.pass, reachtest.AssertNotExposed(r, m, tt.to, tt.ports), "%v", r.errors)
			assert.Positive(t, r.helpers)
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

// TestNotExposedUndecided: a rule by a prefix list the input does not
// hold leaves the exposure undecided: AssertNotExposed fails, saying so,
// with the undecided hop's code and what the input lacks, and never that
// the port is exposed or that the request passes.
func TestNotExposedUndecided(t *testing.T) {
	unresolved := func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-office") }
	tests := []struct {
		name string
		spec exposeSpec
		v6   bool
	}{
		{"both families", exposeSpec{rules: []sg.Rule{sshFrom("sgr-ssh-pl", sg.PrefixList("pl-office"))}, more: unresolved}, true},
		{"replies only to low client ports", exposeSpec{
			acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"},
			rules: []sg.Rule{sshFrom("sgr-ssh-pl", sg.PrefixList("pl-office"))}, more: unresolved}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := exposeDesign(t, tt.spec)
			r := &recorder{}
			require.False(t, reachtest.AssertNotExposed(r, m, "host", "ssh"))
			require.Len(t, r.errors, 1)
			msg := r.errors[0]
			assert.Contains(t, msg, "whether it is exposed on 22 is undecided")
			assert.Contains(t, msg, "IPv4, at 203.0.113.10 of host (eni-host):\n    undecided: no internet address reaches it for certain")
			assert.Contains(t, msg, "opened by sg-host rule sgr-ssh-pl (tcp/22 from pl-office)")
			assert.Contains(t, msg, "SG_INDETERMINATE at security-groups sg-host: the entries of prefix list pl-office, which the input does not hold")
			if tt.v6 {
				assert.Contains(t, msg, "IPv6, at 2001:db8:1:1::10 of host (eni-host):\n    undecided")
			}
			assert.NotContains(t, msg, "but it is exposed on")
			assert.NotContains(t, msg, "the request passes")
		})
	}
}

// TestBlockedNotByUndecided: an undecided hop blocks nothing. The ACL
// lets no reply out to the default client port (RETURN_ACL_DEFAULT_DENY,
// for certain: the outcome is Unreachable), and the request's only
// block is an SG rule by a prefix list the input lacks (SG_INDETERMINATE,
// undecided): whether the request is blocked is not known.
func TestBlockedNotByUndecided(t *testing.T) {
	m := exposeDesign(t, exposeSpec{
		acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0"},
		rules: []sg.Rule{sshFrom("sgr-ssh-pl", sg.PrefixList("pl-office"))},
		more:  func(b *reach.Builder) { b.AddUnresolvedPrefixList("pl-office") },
	})
	q := reach.Query{From: "198.51.100.7", To: "host", Protocol: flow.TCP, Port: 22}
	res, err := m.Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, res.Outcome)
	undecided := "SG_INDETERMINATE at security-groups sg-host (forward hop 3): the entries of prefix list pl-office, which the input does not hold"
	tests := []struct {
		name   string
		run    func(r *recorder) bool
		pass   bool
		quotes []string
		not    []string
	}{
		{"the request is not blocked for certain", func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, q) }, false,
			[]string{"no hop blocks it for certain; undecided", undecided}, nil},
		{"an undecided code pins no request block", func(r *recorder) bool { return reachtest.AssertRequestBlocked(r, m, q, reach.SGIndeterminate) }, false,
			[]string{"no hop blocks it for certain", undecided}, nil},
		{"an undecided code pins no block", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, q, reach.SGIndeterminate) }, false,
			[]string{"to be blocked with SG_INDETERMINATE, but the hops that block it for certain are [RETURN_ACL_DEFAULT_DENY]", undecided}, nil},
		{"not reachable, for certain", func(r *recorder) bool { return reachtest.AssertNotReachable(r, m, q) }, true, nil, nil},
		{"not reachable, by the reply's certain block", func(r *recorder) bool {
			return reachtest.AssertNotReachable(r, m, q, reach.ACLDefaultDeny.OnLeg(reach.Return))
		}, true, nil, nil},
		{"the reply's block, but the request is undecided", func(r *recorder) bool { return reachtest.AssertReplyBlocked(r, m, q, reach.ACLDefaultDeny) }, false,
			[]string{"but whether the request passes is undecided", undecided}, []string{"the request is blocked too"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			assert.Equal(t, tt.pass, tt.run(r), "%v", r.errors)
			if tt.pass {
				assert.Empty(t, r.errors)
				return
			}
			require.Len(t, r.errors, 1)
			for _, s := range tt.quotes {
				assert.Contains(t, r.errors[0], s)
			}
			for _, s := range tt.not {
				assert.NotContains(t, r.errors[0], s)
			}
		})
	}
}

// TestOnlyPortsRefusesPortZero: port 0 in the set is named, not
// reported as a missing port with no cut.
func TestOnlyPortsRefusesPortZero(t *testing.T) {
	m := exposeDesign(t, exposeSpec{rules: []sg.Rule{sshFrom("sgr-ssh", sg.AnyIPv4)}})
	for _, ports := range []string{"0", "0,22", "0-22"} {
		r := &recorder{}
		assert.False(t, reachtest.AssertOnlyPorts(r, m, "198.51.100.7", "host", flow.TCP, ports))
		require.Len(t, r.errors, 1)
		assert.Contains(t, r.errors[0], "holds port 0, which no client connects to")
		assert.NotContains(t, r.errors[0], "missing")
	}
}

// TestNotExposedEveryPort: AssertNotExposed over every port (1-65535,
// 1024-65535) on a design whose group opens a few ports to the internet
// (and one to a single block, and one only over IPv6) fails naming
// exactly those ports, each with the rules that open it: the answer is
// cut at the ports the filters tell apart, not asked port by port (which
// took a minute and a half against a group open on every port).
func TestNotExposedEveryPort(t *testing.T) {
	tcp := func(id string, lo, hi uint16, peer sg.Peer) sg.Rule {
		return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	few := exposeSpec{rules: []sg.Rule{
		tcp("sgr-ssh", 22, 22, sg.AnyIPv4), tcp("sgr-web", 8080, 8081, sg.AnyIPv4),
		tcp("sgr-hi", 65535, 65535, sg.CIDR("198.51.100.0/24")), tcp("sgr-v6", 443, 443, sg.AnyIPv6),
	}}
	// every port open, and an ACL that lets in only 22 and 3000-3999
	acl := exposeSpec{
		acl:   []string{"100 allow tcp 22 from 0.0.0.0/0", "110 allow tcp 3000-3999 from 0.0.0.0/0", "100 allow tcp 1-65535 to 0.0.0.0/0"},
		rules: []sg.Rule{tcp("sgr-all", 0, 65535, sg.AnyIPv4)},
	}
	tests := []struct {
		name   string
		spec   exposeSpec
		ports  string
		quotes []string
		not    []string
	}{
		{"a few ports of every one", few, "1-65535", []string{
			"on tcp 1-65535 from any client port, but it is exposed on 22,443,8080-8081,65535:\n",
			"  port 22 (ssh), IPv4, at 203.0.113.10 of host (eni-host):\n    exposed: reached, from some client port, by every IPv4 address",
			"    opened by sg-host rule sgr-ssh (tcp/22 from 0.0.0.0/0)\n",
			"  ports 8080-8081, IPv4, at 203.0.113.10",
			"    opened by sg-host rule sgr-web (tcp/8080-8081 from 0.0.0.0/0)\n",
			"  port 65535, IPv4, at 203.0.113.10 of host (eni-host):\n    exposed: reached, from some client port, by 198.51.100.0/24\n",
			"  port 443 (https), IPv6, at 2001:db8:1:1::10 of host (eni-host)",
		}, []string{"port 21", "port 23", "port 80 (http)"}},
		{"the registered and dynamic ports", few, "1024-65535", []string{
			"on tcp 1024-65535 from any client port, but it is exposed on 8080-8081,65535:\n"}, []string{"port 22", "443"}},
		{"every port opened, an ACL lets a few in", acl, "1-65535", []string{
			"but it is exposed on 22,3000-3999:\n",
			"  ports 22,3000-3999, IPv4, at 203.0.113.10",
			"    opened by sg-host rule sgr-all (tcp/0-65535 from 0.0.0.0/0)\n"}, []string{"4000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := exposeDesign(t, tt.spec)
			r := &recorder{}
			require.False(t, reachtest.AssertNotExposed(r, m, "host", tt.ports))
			require.Len(t, r.errors, 1)
			for _, q := range tt.quotes {
				assert.Contains(t, r.errors[0], q)
			}
			for _, q := range tt.not {
				assert.NotContains(t, r.errors[0], q)
			}
		})
	}
}
