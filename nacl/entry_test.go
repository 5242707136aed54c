package nacl_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

func TestEntryStringRoundTrips(t *testing.T) {
	tests := []struct {
		name, in, out string
	}{
		{"a tcp allow from a /24 prints as written", "100 allow tcp 22 from 203.0.113.0/24", ""},
		{"a udp port range to everyone prints as written", "110 deny udp 1024-65535 to 0.0.0.0/0", ""},
		{"an icmp type and code print both", "120 allow icmp type 3 code 4 from 10.0.0.0/8", ""},
		{"an icmp type alone means every code", "121 allow icmp type 8 from 10.0.0.0/8", ""},
		{"an icmp entry without type means all", "122 allow icmp from 10.0.0.0/8", "122 allow icmp all from 10.0.0.0/8"},
		{"icmpv6 all from ::/0 prints as written", "130 allow icmpv6 all from ::/0", ""},
		{"icmpv6 with an IPv4 CIDR drops its type and code", "131 allow icmpv6 type 2 from 10.0.0.0/8", "131 allow icmpv6 from 10.0.0.0/8"},
		{"gre prints by name without ports", "140 allow gre from 10.0.0.0/8", ""},
		{"an unnamed protocol prints as its number", "141 deny 89 to 10.1.0.0/16", ""},
		{"protocol numbers are read as names", "142 allow 6 443 from 0.0.0.0/0", "142 allow tcp 443 from 0.0.0.0/0"},
		{"all protocols by number is all", "143 allow -1 to 0.0.0.0/0", "143 allow all to 0.0.0.0/0"},
		{"a CIDR with host bits is masked", "150 allow tcp 443 from 10.1.2.3/16", "150 allow tcp 443 from 10.1.0.0/16"},
		{"an IPv6 entry prints its CIDR", "160 deny tcp 0-65535 to 2001:db8::/32", ""},
		{"a tcp entry for port 0 alone prints its port", "170 deny tcp 0 from 0.0.0.0/0", ""},
		{"the IPv4 star rule prints as *", "* deny all from 0.0.0.0/0", ""},
		{"the IPv6 star rule prints as *", "* deny all to ::/0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := nacl.ParseEntry(tt.in)
			require.NoError(t, err)
			want := tt.out
			if want == "" {
				want = tt.in
			}
			assert.Equal(t, want, e.String())
			back, err := nacl.ParseEntry(e.String())
			require.NoError(t, err)
			assert.Equal(t, e, back)
		})
	}
}

func TestParseEntryFields(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want nacl.Entry
	}{
		{"from makes an inbound tcp entry with its port range", "100 allow tcp 1024-65535 from 0.0.0.0/0",
			nacl.Entry{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: flow.PortRange{Lo: 1024, Hi: 65535}}},
		{"to makes an outbound deny", "7 deny udp 53 to 10.0.0.2/32",
			nacl.Entry{Number: 7, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.UDP, CIDR: netip.MustParsePrefix("10.0.0.2/32"), Ports: flow.Single[uint16](53)}},
		{"icmp type without code keeps code -1", "100 allow icmp type 3 from 10.0.0.0/8",
			nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.ICMP, CIDR: netip.MustParsePrefix("10.0.0.0/8"), ICMPType: 3, ICMPCode: -1}},
		{"icmpv6 all is type and code -1", "100 allow icmpv6 all from ::/0",
			nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.ICMPv6, CIDR: netip.MustParsePrefix("::/0"), ICMPType: -1, ICMPCode: -1}},
		{"icmpv6 with an IPv4 CIDR is loaded as all types", "100 allow icmpv6 type 2 code 0 from 10.0.0.0/8",
			nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.ICMPv6, CIDR: netip.MustParsePrefix("10.0.0.0/8"), ICMPType: -1, ICMPCode: -1}},
		{"port 0 alone sets PortZero", "100 allow tcp 0 from 0.0.0.0/0",
			nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.TCP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), PortZero: true}},
		{"the IPv6 outbound star is rule 32768", "* deny all to ::/0", nacl.DefaultRule(flow.Outbound, true)},
		{"the IPv4 inbound star is rule 32767", "* deny all from 0.0.0.0/0", nacl.DefaultRule(flow.Inbound, false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := nacl.ParseEntry(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, e)
		})
	}
}

func TestParseEntryRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"too few words", "100 allow tcp 22"},
		{"rule number zero", "0 allow tcp 22 from 10.0.0.0/8"},
		{"rule number above 32766", "32767 deny all from 0.0.0.0/0"},
		{"a non-numeric rule number", "x allow all from 0.0.0.0/0"},
		{"an unknown action", "100 permit all from 0.0.0.0/0"},
		{"an unknown protocol", "100 allow bogus from 0.0.0.0/0"},
		{"tcp without ports", "100 allow tcp from 0.0.0.0/0"},
		{"a reversed port range", "100 allow tcp 443-80 from 0.0.0.0/0"},
		{"a port above 65535", "100 allow udp 70000 from 0.0.0.0/0"},
		{"ports on gre", "100 allow gre 22 from 0.0.0.0/0"},
		{"an icmp code without a type", "100 allow icmp code 4 from 0.0.0.0/0"},
		{"an icmp type above 255", "100 allow icmp type 256 from 0.0.0.0/0"},
		{"neither from nor to", "100 allow all at 0.0.0.0/0"},
		{"a bare address for a CIDR", "100 allow all from 10.0.0.1"},
		{"an IPv4-mapped IPv6 CIDR", "100 allow all from ::ffff:10.0.0.0/104"},
		{"a star rule that allows", "* allow all from 0.0.0.0/0"},
		{"a star rule narrower than everything", "* deny all from 10.0.0.0/8"},
		{"trailing words", "100 allow all from 0.0.0.0/0 extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := nacl.ParseEntry(tt.in)
			require.Error(t, err)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
			assert.ErrorIs(t, err, nacl.ErrInvalidEntry)
			assert.Equal(t, tt.in, ie.Text)
		})
	}
}

func TestDefaultRuleAndLabels(t *testing.T) {
	v4 := nacl.DefaultRule(flow.Inbound, false)
	v6 := nacl.DefaultRule(flow.Outbound, true)
	assert.Equal(t, nacl.DefaultRuleIPv4, v4.Number)
	assert.Equal(t, nacl.DefaultRuleIPv6, v6.Number)
	assert.True(t, v4.IsDefaultRule())
	assert.True(t, v6.IsDefaultRule())
	assert.False(t, en("100 allow all from 0.0.0.0/0").IsDefaultRule())
	assert.Equal(t, "*", v6.Label())
	assert.Equal(t, "100", en("100 allow all from 0.0.0.0/0").Label())
	assert.Equal(t, "* deny all from 0.0.0.0/0", v4.String())
	assert.Equal(t, "* deny all to ::/0", v6.String())
	assert.True(t, v6.Is6())
	assert.False(t, v4.Is6())
}

func TestMustParseEntryPanicsOnBadInput(t *testing.T) {
	assert.Panics(t, func() { nacl.MustParseEntry("100 allow") })
}
