package nacl_test

import (
	"errors"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

const (
	in  = flow.Inbound
	out = flow.Outbound
)

func TestEvaluate(t *testing.T) {
	gre22 := nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.GRE, CIDR: netip.MustParsePrefix("10.0.0.0/8"), Ports: flow.Single[uint16](22)}
	withGRE := nacl.NewCustom("acl-gre", "vpc-1")
	withGRE.Entries = []nacl.Entry{gre22}

	tests := []struct {
		name    string
		acl     nacl.ACL
		flow    string
		dir     flow.Direction
		verdict flow.Verdict
		rule    string // the deciding entry's label: "100" or "*"
	}{
		// First match.
		{"the first match wins over a later allow",
			custom("acl-1", "100 deny tcp 22 from 0.0.0.0/0", "110 allow tcp 22 from 203.0.113.0/24"),
			"tcp 203.0.113.5:50000 -> 10.0.0.5:22", in, flow.Deny, "100"},
		{"an earlier allow wins over a later deny",
			custom("acl-1", "100 allow tcp 22 from 203.0.113.0/24", "110 deny all from 0.0.0.0/0"),
			"tcp 203.0.113.5:50000 -> 10.0.0.5:22", in, flow.Allow, "100"},
		{"a broad deny shadows a narrower allow behind it",
			custom("acl-1", "90 deny all from 203.0.113.0/24", "100 allow tcp 443 from 0.0.0.0/0"),
			"tcp 203.0.113.9:50000 -> 10.0.0.5:443", in, flow.Deny, "90"},
		{"a packet outside the shadowing deny reaches the allow",
			custom("acl-1", "90 deny all from 203.0.113.0/24", "100 allow tcp 443 from 0.0.0.0/0"),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:443", in, flow.Allow, "100"},
		{"entries are tried by number, not in the order given",
			custom("acl-1", "200 allow all from 0.0.0.0/0", "100 deny tcp 80 from 0.0.0.0/0"),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:80", in, flow.Deny, "100"},
		{"a packet no entry matches falls to the IPv4 star",
			custom("acl-1", "100 allow tcp 443 from 0.0.0.0/0"),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:80", in, flow.Deny, "*"},

		// Default and custom ACLs.
		{"a new custom ACL denies IPv4 inbound", nacl.NewCustom("acl-c", "vpc-1"),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:443", in, flow.Deny, "*"},
		{"a new custom ACL denies IPv4 outbound", nacl.NewCustom("acl-c", "vpc-1"),
			"udp 10.0.0.5:50000 -> 8.8.8.8:53", out, flow.Deny, "*"},
		{"a new custom ACL denies IPv6", nacl.NewCustom("acl-c", "vpc-1"),
			"tcp [2001:db8::1]:50000 -> [2001:db8:1::5]:443", in, flow.Deny, "*"},
		{"the default ACL allows IPv4 inbound by rule 100", nacl.NewDefault("acl-d", "vpc-1", false),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:443", in, flow.Allow, "100"},
		{"the default ACL allows IPv4 outbound by rule 100", nacl.NewDefault("acl-d", "vpc-1", false),
			"udp 10.0.0.5:50000 -> 8.8.8.8:53", out, flow.Allow, "100"},
		{"the default ACL of an IPv4-only VPC denies IPv6", nacl.NewDefault("acl-d", "vpc-1", false),
			"tcp [2001:db8::1]:50000 -> [2001:db8:1::5]:443", in, flow.Deny, "*"},
		{"the default ACL of an IPv6 VPC allows IPv6 inbound by rule 101", nacl.NewDefault("acl-d", "vpc-1", true),
			"tcp [2001:db8::1]:50000 -> [2001:db8:1::5]:443", in, flow.Allow, "101"},
		{"the default ACL of an IPv6 VPC allows IPv6 outbound by rule 101", nacl.NewDefault("acl-d", "vpc-1", true),
			"icmpv6 2001:db8:1::5 -> 2001:db8::1", out, flow.Allow, "101"},

		// Address families.
		{"0.0.0.0/0 never matches an IPv6 packet",
			custom("acl-1", "100 allow all from 0.0.0.0/0"),
			"tcp [2001:db8::1]:50000 -> [2001:db8:1::5]:443", in, flow.Deny, "*"},
		{"::/0 never matches an IPv4 packet",
			custom("acl-1", "100 allow all from ::/0"),
			"tcp 198.51.100.1:50000 -> 10.0.0.5:443", in, flow.Deny, "*"},
		{"an IPv4 deny with a lower number does not stop an IPv6 packet",
			custom("acl-1", "100 deny all from 0.0.0.0/0", "110 allow all from ::/0"),
			"udp [2001:db8::1]:50000 -> [2001:db8:1::5]:53", in, flow.Allow, "110"},
		{"an IPv6 entry matches by prefix",
			custom("acl-1", "100 deny tcp 22 from 2001:db8::/32", "110 allow tcp 22 from ::/0"),
			"tcp [2001:db8:ff::1]:50000 -> [2001:db9::5]:22", in, flow.Deny, "100"},

		// Directions.
		{"inbound entries match the source address",
			custom("acl-1", "100 allow all from 10.0.1.0/24"),
			"tcp 10.0.1.5:50000 -> 10.0.2.7:443", in, flow.Allow, "100"},
		{"inbound entries ignore the destination address",
			custom("acl-1", "100 allow all from 10.0.1.0/24"),
			"tcp 10.0.2.7:50000 -> 10.0.1.5:443", in, flow.Deny, "*"},
		{"outbound entries match the destination address",
			custom("acl-1", "100 allow all to 10.0.2.0/24"),
			"tcp 10.0.1.5:50000 -> 10.0.2.7:443", out, flow.Allow, "100"},
		{"outbound entries ignore the source address",
			custom("acl-1", "100 allow all to 10.0.2.0/24"),
			"tcp 10.0.2.7:50000 -> 10.0.1.5:443", out, flow.Deny, "*"},
		{"inbound entries are never used outbound",
			custom("acl-1", "100 allow all from 0.0.0.0/0"),
			"tcp 10.0.1.5:50000 -> 10.0.2.7:443", out, flow.Deny, "*"},

		// Ports.
		{"the port range is the destination port",
			custom("acl-1", "100 allow tcp 443 from 0.0.0.0/0"),
			"tcp 10.0.0.1:443 -> 10.0.0.2:50000", in, flow.Deny, "*"},
		{"the low bound of a port range is included",
			custom("acl-1", "100 allow tcp 1024-65535 from 0.0.0.0/0"),
			"tcp 10.0.0.1:443 -> 10.0.0.2:1024", in, flow.Allow, "100"},
		{"the high bound of a port range is included",
			custom("acl-1", "100 allow tcp 1024-65535 from 0.0.0.0/0"),
			"tcp 10.0.0.1:443 -> 10.0.0.2:65535", in, flow.Allow, "100"},
		{"a port just below the range is not",
			custom("acl-1", "100 allow tcp 1024-65535 from 0.0.0.0/0"),
			"tcp 10.0.0.1:443 -> 10.0.0.2:1023", in, flow.Deny, "*"},
		{"a udp entry does not match tcp on the same port",
			custom("acl-1", "100 allow udp 53 from 0.0.0.0/0"),
			"tcp 10.0.0.1:50000 -> 10.0.0.2:53", in, flow.Deny, "*"},

		// ICMP.
		{"icmp all matches any type and code",
			custom("acl-1", "100 allow icmp all from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2 type 11 code 1", in, flow.Allow, "100"},
		{"icmp type 8 matches echo requests of any code",
			custom("acl-1", "100 allow icmp type 8 from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", in, flow.Allow, "100"},
		{"icmp type 8 does not match echo replies",
			custom("acl-1", "100 allow icmp type 8 from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2 type 0 code 0", in, flow.Deny, "*"},
		{"icmp type 3 code 4 matches fragmentation needed",
			custom("acl-1", "100 allow icmp type 3 code 4 from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4", in, flow.Allow, "100"},
		{"icmp type 3 code 4 does not match port unreachable",
			custom("acl-1", "100 allow icmp type 3 code 4 from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2 type 3 code 3", in, flow.Deny, "*"},
		{"an icmp entry does not match tcp",
			custom("acl-1", "100 allow icmp all from 0.0.0.0/0"),
			"tcp 10.0.0.1:50000 -> 10.0.0.2:443", in, flow.Deny, "*"},
		{"icmpv6 type 128 matches IPv6 echo requests",
			custom("acl-1", "100 allow icmpv6 type 128 from ::/0"),
			"icmpv6 2001:db8::1 -> 2001:db8::2", in, flow.Allow, "100"},
		{"icmpv6 type 128 does not match packet too big",
			custom("acl-1", "100 allow icmpv6 type 128 from ::/0"),
			"icmpv6 2001:db8::1 -> 2001:db8::2 type 2", in, flow.Deny, "*"},
		{"an icmpv6 entry with an IPv4 CIDR never matches icmp",
			custom("acl-1", "100 allow icmpv6 from 0.0.0.0/0"),
			"icmp 10.0.0.1 -> 10.0.0.2", in, flow.Deny, "*"},
		{"an all-protocols entry matches icmp",
			custom("acl-1", "100 deny all from 10.0.0.0/8"),
			"icmp 10.0.0.1 -> 10.0.0.2", in, flow.Deny, "100"},

		// Other protocol numbers.
		{"a gre entry matches gre whatever ports it was given", withGRE,
			"gre 10.0.0.1 -> 10.0.0.2", in, flow.Allow, "100"},
		{"protocol 47 does not match esp (50)", withGRE,
			"esp 10.0.0.1 -> 10.0.0.2", in, flow.Deny, "*"},
		{"a numbered protocol matches that number only",
			custom("acl-1", "100 allow 132 from 0.0.0.0/0"),
			"sctp 10.0.0.1 -> 10.0.0.2", in, flow.Allow, "100"},
		{"a tcp entry does not match protocol 0",
			custom("acl-1", "100 allow tcp 0-65535 from 0.0.0.0/0"),
			"0 10.0.0.1 -> 10.0.0.2", in, flow.Deny, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := compile(t, tt.acl)
			f := fl(tt.flow)
			d := ev.Evaluate(f, tt.dir)
			assert.Equal(t, tt.verdict, d.Verdict)
			assert.Equal(t, tt.rule, d.Entry.Label())
			assert.Equal(t, tt.rule == "*", d.Default)
			assert.Equal(t, tt.acl.ID, d.ACL)
			assert.Nil(t, d.Skipped, "Evaluate gives no trace")
			if d.Default {
				want := nacl.DefaultRule(tt.dir, f.Is6())
				assert.Equal(t, want, d.Entry, "the star rule of the packet's direction and family")
			}
			x := ev.Explain(f, tt.dir)
			x.Skipped = nil
			assert.Equal(t, d, x, "Explain decides as Evaluate does")
			v, n := refEvaluate(tt.acl, f, tt.dir)
			assert.Equal(t, tt.verdict, v, "reference verdict")
			assert.Equal(t, d.Entry.Number, n, "reference rule")
		})
	}
}

func TestExplainSaysWhyEachEntryWasPassedOver(t *testing.T) {
	acl := custom("acl-1",
		"100 allow tcp 22 from 0.0.0.0/0",
		"110 allow udp 443 from 0.0.0.0/0",
		"120 allow tcp 1024-65535 from 0.0.0.0/0",
		"130 deny tcp 443 from 10.0.0.0/8",
		"140 allow icmp type 8 from 0.0.0.0/0",
		"150 allow tcp 443 from 198.51.100.0/24",
		"155 allow all from ::/0",
		"160 deny all from 0.0.0.0/0",
		"100 allow icmp type 3 code 4 to 0.0.0.0/0",
		"110 allow icmp type 0 to 0.0.0.0/0",
		"120 allow all to 192.0.2.0/24",
	)
	ev := compile(t, acl)
	tests := []struct {
		name    string
		flow    string
		dir     flow.Direction
		skipped []string
		result  string
	}{
		{"an allowed tcp packet lists the entries tried before it",
			"tcp 198.51.100.7:50000 -> 10.0.2.7:443", in,
			[]string{
				"100: port 443 ≠ 22",
				"110: protocol tcp ≠ udp",
				"120: port 443 not in 1024-65535",
				"130: source 198.51.100.7 not in 10.0.0.0/8",
				"140: protocol tcp ≠ icmp",
			},
			"allowed by rule 150 (allow tcp 443 from 198.51.100.0/24) on acl-1"},
		{"the first entry deciding leaves no trace",
			"tcp 198.51.100.7:50000 -> 10.0.2.7:22", in, nil,
			"allowed by rule 100 (allow tcp 22 from 0.0.0.0/0) on acl-1"},
		{"entries of the other family are not listed",
			"udp [2001:db8::1]:50000 -> [2001:db8::2]:53", in, nil,
			"allowed by rule 155 (allow all from ::/0) on acl-1"},
		{"icmp type and code mismatches are named, then the destination",
			"icmp 10.0.2.7 -> 203.0.113.1 type 3 code 1", out,
			[]string{
				"100: icmp code 1 ≠ 4",
				"110: icmp type 3 ≠ 0",
				"120: destination 203.0.113.1 not in 192.0.2.0/24",
			},
			"denied by rule * (deny all to 0.0.0.0/0) on acl-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ev.Explain(fl(tt.flow), tt.dir)
			var got []string
			for _, s := range d.Skipped {
				got = append(got, s.String())
			}
			assert.Equal(t, tt.skipped, got)
			assert.Equal(t, tt.result, d.String())
		})
	}
}

func TestDecisionString(t *testing.T) {
	ev := compile(t, custom("acl-0abc", "120 deny tcp 32768-65535 from 0.0.0.0/0", "130 allow tcp 1024-65535 from 0.0.0.0/0"))
	tests := []struct{ name, flow, want string }{
		{"a deny names the rule, its text and the ACL", "tcp 198.51.100.1:443 -> 10.0.0.5:40000",
			"denied by rule 120 (deny tcp 32768-65535 from 0.0.0.0/0) on acl-0abc"},
		{"an allow reads the same way", "tcp 198.51.100.1:443 -> 10.0.0.5:2000",
			"allowed by rule 130 (allow tcp 1024-65535 from 0.0.0.0/0) on acl-0abc"},
		{"the star rule prints as *", "udp [2001:db8::1]:53 -> [2001:db8::2]:2000",
			"denied by rule * (deny all from ::/0) on acl-0abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ev.Evaluate(fl(tt.flow), in).String())
		})
	}
}

func TestNilEvaluatorMeansNoACL(t *testing.T) {
	var ev *nacl.Evaluator
	f := fl("tcp 10.0.0.1:50000 -> 10.0.0.2:443")
	for _, dir := range []flow.Direction{in, out} {
		d := ev.Evaluate(f, dir)
		assert.Equal(t, flow.Allow, d.Verdict)
		assert.Equal(t, flow.Pass, d.Action)
		assert.False(t, d.Default, "no ACL is not the * rule")
		assert.Equal(t, "", d.ACL)
		assert.Equal(t, "allowed: no network ACL", d.String())
		assert.Equal(t, d, ev.Explain(f, dir))
		assert.True(t, ev.AllowedPorts(f, dir).IsFull())
	}
	assert.Equal(t, "", ev.ID())
	assert.Equal(t, nacl.ACL{}, ev.ACL())
}

func TestCompileRejects(t *testing.T) {
	e := func(mod func(*nacl.Entry)) nacl.Entry {
		x := en("100 allow tcp 443 from 0.0.0.0/0")
		mod(&x)
		return x
	}
	tests := []struct {
		name    string
		acl     nacl.ACL
		path    string
		rule    string
		errIs   error
		message string
	}{
		{"an ACL without ID", nacl.ACL{}, "ID", "", nacl.ErrInvalidACL, "no ID"},
		{"rule number zero", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Number = 0 })}},
			"Entries[0].Number", "0", nacl.ErrInvalidEntry, "want 1 to 32766"},
		{"the star rule written as an entry", nacl.ACL{ID: "a", Entries: []nacl.Entry{nacl.DefaultRule(in, false)}},
			"Entries[0].Number", "32767", nacl.ErrInvalidEntry, "implicit * rules"},
		{"an indeterminate action", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Action = flow.Alert })}},
			"Entries[0].Action", "100", nacl.ErrInvalidEntry, "want allow or deny"},
		{"an unset action: allow or deny is never guessed", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Action = 0 })}},
			"Entries[0].Action", "100", nacl.ErrInvalidEntry, "action unset: want allow or deny"},
		{"a direction out of range", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Direction = 7 })}},
			"Entries[0].Direction", "100", nacl.ErrInvalidEntry, "want inbound or outbound"},
		{"a protocol above 255", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Protocol = 300 })}},
			"Entries[0].Protocol", "100", nacl.ErrInvalidEntry, "protocol 300"},
		{"a missing CIDR", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.CIDR = netip.Prefix{} })}},
			"Entries[0].CIDR", "100", nacl.ErrInvalidEntry, "CIDR"},
		{"an IPv4-mapped CIDR", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.CIDR = netip.MustParsePrefix("::ffff:10.0.0.0/104") })}},
			"Entries[0].CIDR", "100", nacl.ErrInvalidEntry, "IPv4-mapped"},
		{"a tcp entry without ports", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Ports = flow.PortRange{} })}},
			"Entries[0].Ports", "100", nacl.ErrInvalidEntry, "tcp entry 100 has no ports: set Ports (flow.AllPorts for every port"},
		{"a udp entry without ports", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Protocol, x.Ports = flow.UDP, flow.PortRange{} })}},
			"Entries[0].Ports", "100", nacl.ErrInvalidEntry, "udp entry 100 has no ports"},
		{"PortZero beside a port range", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.PortZero = true })}},
			"Entries[0].Ports", "100", nacl.ErrInvalidEntry, "PortZero stands for port 0 alone"},
		{"a reversed tcp port range", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Ports = flow.PortRange{Lo: 443, Hi: 80} })}},
			"Entries[0].Ports", "100", nacl.ErrInvalidEntry, "above the last"},
		{"an icmp type above 255", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Protocol, x.ICMPType = flow.ICMP, 256 })}},
			"Entries[0].ICMPType", "100", nacl.ErrInvalidEntry, "ICMP type 256"},
		{"an icmp code below -1", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Protocol, x.ICMPCode = flow.ICMP, -2 })}},
			"Entries[0].ICMPCode", "100", nacl.ErrInvalidEntry, "ICMP code -2"},
		{"an icmp code under all types", nacl.ACL{ID: "a", Entries: []nacl.Entry{e(func(x *nacl.Entry) { x.Protocol, x.ICMPType, x.ICMPCode = flow.ICMP, -1, 4 })}},
			"Entries[0].ICMPCode", "100", nacl.ErrInvalidEntry, "a code needs a type"},
		{"two entries of one direction with one number, across families",
			custom("acl-dup", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0", "100 deny all from ::/0"),
			"Entries[2].Number", "100", nacl.ErrDuplicateRule, "inbound rule 100 is both Entries[0] (100 allow all from 0.0.0.0/0) and Entries[2] (100 deny all from ::/0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := nacl.Compile(tt.acl)
			require.Error(t, err)
			assert.Nil(t, ev)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
			assert.ErrorIs(t, err, tt.errIs)
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, tt.rule, ie.Rule)
			assert.Equal(t, tt.acl.ID, ie.Resource)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
	assert.Panics(t, func() { nacl.MustCompile(nacl.ACL{}) })
}

func TestCompileAccepts(t *testing.T) {
	gre := nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.GRE, CIDR: netip.MustParsePrefix("10.1.2.3/8"), Ports: flow.PortRange{Lo: 9, Hi: 1}, ICMPType: 7}
	icmpv6on4 := nacl.Entry{Number: 110, Action: flow.Pass, Protocol: flow.ICMPv6, CIDR: netip.MustParsePrefix("10.0.0.0/8"), ICMPType: -1, ICMPCode: 4}
	tests := []struct {
		name string
		in   nacl.Entry
		want string
	}{
		{"ports and icmp fields on gre are ignored and cleared, the CIDR masked", gre, "100 allow gre from 10.0.0.0/8"},
		{"icmpv6 with an IPv4 CIDR ignores its type and code", icmpv6on4, "110 allow icmpv6 from 10.0.0.0/8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := compile(t, nacl.ACL{ID: "a", Entries: []nacl.Entry{tt.in}})
			got := ev.ACL().Entries
			require.Len(t, got, 1)
			assert.Equal(t, tt.want, got[0].String())
			assert.Equal(t, en(tt.want), got[0])
		})
	}
	t.Run("one number may serve both directions", func(t *testing.T) {
		_, err := nacl.Compile(custom("a", "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"))
		assert.NoError(t, err)
	})
}

func TestEvaluatorIsACopy(t *testing.T) {
	acl := custom("acl-1", "200 allow all from 0.0.0.0/0", "100 deny tcp 22 from 0.0.0.0/0")
	acl.Subnets = []string{"subnet-1"}
	ev := compile(t, acl)
	f := fl("tcp 10.0.0.1:50000 -> 10.0.0.2:22")

	acl.Entries[1].Action = flow.Pass
	acl.Entries[0].Number = 50
	acl.Subnets[0] = "subnet-2"
	d := ev.Evaluate(f, in)
	assert.Equal(t, flow.Deny, d.Verdict, "changing the ACL after Compile changes nothing")
	assert.Equal(t, 100, d.Entry.Number)

	got := ev.ACL()
	assert.Equal(t, []string{"subnet-1"}, got.Subnets)
	require.Len(t, got.Entries, 2)
	assert.Equal(t, 100, got.Entries[0].Number, "entries come sorted")
	got.Entries[0].Action = flow.Pass
	got.Subnets[0] = "x"
	assert.Equal(t, flow.Deny, ev.Evaluate(f, in).Verdict, "changing the returned copy changes nothing")
	assert.Equal(t, "subnet-1", ev.ACL().Subnets[0])
	assert.Equal(t, "acl-1", ev.ID())
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	ev := compile(t, maxACL())
	for _, f := range []flow.Flow{benchLast, benchDefault, benchLast6} {
		allocs := testing.AllocsPerRun(100, func() { _ = ev.Evaluate(f, in) })
		assert.Zero(t, allocs, f.String())
	}
}

func TestEvaluateOfInvalidFlowsDoesNotPanic(t *testing.T) {
	ev := compile(t, nacl.NewDefault("acl-d", "vpc-1", true))
	d := ev.Evaluate(flow.Flow{}, in)
	assert.Equal(t, flow.Deny, d.Verdict)
	assert.True(t, d.Default)
	assert.Equal(t, nacl.DefaultRuleIPv4, d.Entry.Number)
	assert.NotPanics(t, func() { ev.Explain(flow.Flow{}, out) })
	assert.True(t, ev.AllowedPorts(flow.Flow{Protocol: flow.TCP}, out).IsEmpty())
}

func TestConcurrentUse(t *testing.T) {
	ev := compile(t, maxACL())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				f := benchLast
				if (g+i)%2 == 0 {
					f = benchDefault
				}
				d := ev.Evaluate(f, in)
				x := ev.Explain(f, in)
				assert.Equal(t, d.Entry, x.Entry)
				_ = ev.AllowedPorts(f, in)
			}
		})
	}
	wg.Wait()
}

func TestAllowedPorts(t *testing.T) {
	tests := []struct {
		name string
		acl  nacl.ACL
		flow string
		dir  flow.Direction
		want string
	}{
		{"a lone allow range is the answer",
			custom("a", "100 allow tcp 1024-65535 from 0.0.0.0/0"), "tcp 10.0.0.1:443 -> 10.0.0.2:1", in, "1024-65535"},
		{"an earlier deny carves a hole in a later allow",
			custom("a", "90 deny tcp 3306 from 0.0.0.0/0", "100 allow tcp 1024-65535 from 0.0.0.0/0"), "tcp 10.0.0.1:443 -> 10.0.0.2:1", in, "1024-3305,3307-65535"},
		{"a later deny cannot take back an earlier allow",
			custom("a", "100 allow tcp 1024-32767 from 0.0.0.0/0", "120 deny tcp 0-65535 from 0.0.0.0/0", "130 allow tcp 0-65535 from 0.0.0.0/0"), "tcp 10.0.0.1:443 -> 10.0.0.2:1", in, "1024-32767"},
		{"entries for another address leave the ports to the star",
			custom("a", "100 allow tcp 0-65535 from 192.0.2.0/24"), "tcp 10.0.0.1:443 -> 10.0.0.2:1", in, "none"},
		{"an all-protocols allow opens every port",
			custom("a", "100 allow all to 10.0.0.0/8"), "udp 10.0.0.2:53 -> 10.0.0.1:1", out, "0-65535"},
		{"udp entries do not count for tcp",
			custom("a", "100 allow udp 0-65535 from 0.0.0.0/0", "110 allow tcp 80 from 0.0.0.0/0"), "tcp 10.0.0.1:443 -> 10.0.0.2:1", in, "80"},
		{"a protocol without ports is all or nothing",
			custom("a", "100 allow gre from 0.0.0.0/0"), "gre 10.0.0.1 -> 10.0.0.2", in, "0-65535"},
		{"a denied protocol without ports gets nothing",
			custom("a", "100 allow tcp 0-65535 from 0.0.0.0/0"), "gre 10.0.0.1 -> 10.0.0.2", in, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := compile(t, tt.acl)
			f := fl(tt.flow)
			got := ev.AllowedPorts(f, tt.dir)
			assert.Equal(t, tt.want, got.String())
			brute := portSetOf(func(p uint16) bool {
				g := f
				if g.Protocol.HasPorts() {
					g.Dst = netip.AddrPortFrom(g.Dst.Addr(), p)
				}
				return ev.Evaluate(g, tt.dir).Verdict == flow.Allow
			})
			assert.Equal(t, brute.String(), got.String(), "brute force over every port")
		})
	}
}

func TestPortZeroEntryMatchesPortZeroOnly(t *testing.T) {
	acl := nacl.ACL{ID: "acl-0", Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Protocol: flow.TCP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), PortZero: true},
	}}
	ev := compile(t, acl)
	assert.Equal(t, flow.Allow, ev.Evaluate(fl("tcp 10.0.0.1:5 -> 10.0.0.2:0"), in).Verdict)
	assert.Equal(t, flow.Deny, ev.Evaluate(fl("tcp 10.0.0.1:5 -> 10.0.0.2:1"), in).Verdict)
	assert.Equal(t, "0", ev.AllowedPorts(fl("tcp 10.0.0.1:5 -> 10.0.0.2:1"), in).String())
}
