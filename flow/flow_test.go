package flow_test

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
func a0(s string) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr(s), 0) }

func TestParseFlow(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want flow.Flow
		out  string // String of the result; "" means same as in
	}{
		{"tcp over IPv4", "tcp 10.0.1.5:49152 -> 10.0.2.7:5432",
			flow.Flow{Protocol: flow.TCP, Src: ap("10.0.1.5:49152"), Dst: ap("10.0.2.7:5432")}, ""},
		{"udp over IPv6 in brackets", "udp [2001:db8::1]:5353 -> [2001:db8::2]:53",
			flow.Flow{Protocol: flow.UDP, Src: ap("[2001:db8::1]:5353"), Dst: ap("[2001:db8::2]:53")}, ""},
		{"icmp with type and code", "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0",
			flow.Flow{Protocol: flow.ICMP, Src: a0("10.0.0.1"), Dst: a0("10.0.0.2"), ICMPType: 8}, ""},
		{"icmp without a type is an echo request", "icmp 10.0.0.1 -> 10.0.0.2",
			flow.Flow{Protocol: flow.ICMP, Src: a0("10.0.0.1"), Dst: a0("10.0.0.2"), ICMPType: 8},
			"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0"},
		{"icmp type without code has code 0", "icmp 10.0.0.1 -> 10.0.0.2 type 3",
			flow.Flow{Protocol: flow.ICMP, Src: a0("10.0.0.1"), Dst: a0("10.0.0.2"), ICMPType: 3},
			"icmp 10.0.0.1 -> 10.0.0.2 type 3 code 0"},
		{"icmpv6 echo by default", "icmpv6 2001:db8::1 -> 2001:db8::2",
			flow.Flow{Protocol: flow.ICMPv6, Src: a0("2001:db8::1"), Dst: a0("2001:db8::2"), ICMPType: 128},
			"icmpv6 2001:db8::1 -> 2001:db8::2 type 128 code 0"},
		{"protocol by number", "47 10.0.0.1 -> 10.0.0.2",
			flow.Flow{Protocol: flow.GRE, Src: a0("10.0.0.1"), Dst: a0("10.0.0.2")},
			"gre 10.0.0.1 -> 10.0.0.2"},
		{"unnamed protocol number", "89 10.0.0.1 -> 10.0.0.2",
			flow.Flow{Protocol: 89, Src: a0("10.0.0.1"), Dst: a0("10.0.0.2")}, ""},
		{"domain", "tcp 10.0.1.5:50000 -> 198.51.100.7:443 domain example.com",
			flow.Flow{Protocol: flow.TCP, Src: ap("10.0.1.5:50000"), Dst: ap("198.51.100.7:443"), Domain: "example.com"}, ""},
		{"application protocol, an alias in upper case", "tcp 10.0.1.5:50000 -> 198.51.100.7:443 app SSL domain example.com",
			flow.Flow{Protocol: flow.TCP, Src: ap("10.0.1.5:50000"), Dst: ap("198.51.100.7:443"), App: flow.AppTLS, Domain: "example.com"},
			"tcp 10.0.1.5:50000 -> 198.51.100.7:443 app tls domain example.com"},
		{"application protocol on udp", "udp 10.0.1.5:50000 -> 198.51.100.7:53 app dns",
			flow.Flow{Protocol: flow.UDP, Src: ap("10.0.1.5:50000"), Dst: ap("198.51.100.7:53"), App: flow.AppDNS}, ""},
		{"extra spaces and upper-case protocol", "  TCP\t10.0.1.5:1   ->  10.0.2.7:2 ",
			flow.Flow{Protocol: flow.TCP, Src: ap("10.0.1.5:1"), Dst: ap("10.0.2.7:2")},
			"tcp 10.0.1.5:1 -> 10.0.2.7:2"},
		{"icmpv6 between bracketed addresses", "icmpv6 [2001:db8::1] -> [2001:db8::2] type 129",
			flow.Flow{Protocol: flow.ICMPv6, Src: a0("2001:db8::1"), Dst: a0("2001:db8::2"), ICMPType: 129},
			"icmpv6 2001:db8::1 -> 2001:db8::2 type 129 code 0"},
		{"gre between a bracketed and a bare IPv6 address", "gre [2001:db8::1] -> 2001:db8::2",
			flow.Flow{Protocol: flow.GRE, Src: a0("2001:db8::1"), Dst: a0("2001:db8::2")},
			"gre 2001:db8::1 -> 2001:db8::2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := flow.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			out := tt.out
			if out == "" {
				out = tt.in
			}
			assert.Equal(t, out, got.String())
			back, err := flow.Parse(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String round-trips through Parse")
		})
	}
}

func TestParseFlowRejects(t *testing.T) {
	tests := []struct {
		name, in, quote string
	}{
		{"empty text", "", "PROTOCOL SOURCE -> DESTINATION"},
		{"missing arrow", "tcp 10.0.0.1:1 10.0.0.2:2", "PROTOCOL SOURCE -> DESTINATION"},
		{"unknown protocol", "tcpx 10.0.0.1:1 -> 10.0.0.2:2", `"tcpx"`},
		{"protocol all", "all 10.0.0.1 -> 10.0.0.2", "not all"},
		{"tcp without ports", "tcp 10.0.0.1 -> 10.0.0.2:2", `"10.0.0.1"`},
		{"IPv6 without brackets", "udp 2001:db8::1:53 -> [2001:db8::2]:53", `"2001:db8::1:53"`},
		{"port out of range", "tcp 10.0.0.1:70000 -> 10.0.0.2:2", `"10.0.0.1:70000"`},
		{"port on icmp", "icmp 10.0.0.1:5 -> 10.0.0.2", "has no ports"},
		{"mixed families", "tcp 10.0.0.1:1 -> [2001:db8::2]:2", "different address families"},
		{"icmp between IPv6 addresses", "icmp 2001:db8::1 -> 2001:db8::2", "use icmpv6"},
		{"icmpv6 between IPv4 addresses", "icmpv6 10.0.0.1 -> 10.0.0.2", "use icmp"},
		{"type on tcp", "tcp 10.0.0.1:1 -> 10.0.0.2:2 type 8", "no ICMP type"},
		{"type out of range", "icmp 10.0.0.1 -> 10.0.0.2 type 256", `"256"`},
		{"code without type", "icmp 10.0.0.1 -> 10.0.0.2 code 1", "needs a type"},
		{"dangling keyword", "icmp 10.0.0.1 -> 10.0.0.2 type", `"type" needs a value`},
		{"repeated keyword", "tcp 10.0.0.1:1 -> 10.0.0.2:2 domain a.com domain b.com", "given twice"},
		{"unknown keyword", "tcp 10.0.0.1:1 -> 10.0.0.2:2 via x", `"via"`},
		{"bad domain", "tcp 10.0.0.1:1 -> 10.0.0.2:2 domain ex/ample", `"ex/ample"`},
		{"unknown application protocol", "tcp 10.0.0.1:1 -> 10.0.0.2:2 app sshh", `application protocol "sshh": want one of none, tls`},
		{"application protocol on icmp", "icmp 10.0.0.1 -> 10.0.0.2 app dns", "carries no application protocol"},
		{"a domain spoken as ssh", "tcp 10.0.0.1:1 -> 10.0.0.2:2 app ssh domain example.com", "want tls, http or http2"},
		{"zone", "udp [fe80::1%eth0]:1 -> [fe80::2]:2", "zone"},
		{"IPv4-mapped IPv6", "udp [::ffff:10.0.0.1]:1 -> [::ffff:10.0.0.2]:2", "write the IPv4 address 10.0.0.1"},
		// Brackets go around one IPv6 address, both of them; words are
		// separated by spaces or tabs alone (Parse's doc). Parse stripped a
		// leading "[" and a trailing "]" each on its own, and split on every
		// Unicode space.
		{"brackets opened on one word, closed on another", "icmpv6 [2001:db8::1 -> 2001:db8::2]", `"[2001:db8::1": a bracket is not matched`},
		{"a closing bracket alone", "icmp 10.0.0.1] -> 10.0.0.2", `"10.0.0.1]": a bracket is not matched`},
		{"an opening bracket alone", "gre [10.0.0.1 -> 10.0.0.2", `"[10.0.0.1": a bracket is not matched`},
		{"IPv4 in brackets", "icmp [10.0.0.1] -> 10.0.0.2", `"[10.0.0.1]": only an IPv6 address may be written in brackets`},
		{"IPv4 in brackets with a port", "tcp [10.0.0.1]:1 -> 10.0.0.2:2", `"[10.0.0.1]:1"`},
		{"empty brackets", "icmpv6 [] -> 2001:db8::2", `"[]" is not an address`},
		{"a newline as a separator", "tcp\n10.0.0.1:1 -> 10.0.0.2:2", `'\n' at byte 3: words are separated by spaces or tabs`},
		{"a no-break space as a separator", "tcp\u00a010.0.0.1:1 -> 10.0.0.2:2", `'\u00a0' at byte 3`},
		{"a trailing carriage return", "tcp 10.0.0.1:1 -> 10.0.0.2:2\r", `'\r' at byte 28`},
		{"a vertical tab", "tcp 10.0.0.1:1\v-> 10.0.0.2:2", `'\v' at byte 14`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flow.Parse(tt.in)
			require.ErrorIs(t, err, flow.ErrFlow)
			assert.Contains(t, err.Error(), tt.quote)
		})
	}
}

func TestReverse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tcp 10.0.1.5:49152 -> 10.0.2.7:5432", "tcp 10.0.2.7:5432 -> 10.0.1.5:49152"},
		{"udp [2001:db8::1]:5353 -> [2001:db8::2]:53", "udp [2001:db8::2]:53 -> [2001:db8::1]:5353"},
		{"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "icmp 10.0.0.2 -> 10.0.0.1 type 0 code 0"},
		{"icmp 10.0.0.1 -> 10.0.0.2 type 13 code 0", "icmp 10.0.0.2 -> 10.0.0.1 type 14 code 0"},
		{"icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4", "icmp 10.0.0.2 -> 10.0.0.1 type 3 code 4"},
		{"icmpv6 2001:db8::1 -> 2001:db8::2 type 128 code 0", "icmpv6 2001:db8::2 -> 2001:db8::1 type 129 code 0"},
		{"gre 10.0.0.1 -> 10.0.0.2", "gre 10.0.0.2 -> 10.0.0.1"},
		{"tcp 10.0.0.1:1 -> 10.0.0.2:443 domain example.com", "tcp 10.0.0.2:443 -> 10.0.0.1:1 domain example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f := flow.MustParse(tt.in)
			assert.Equal(t, tt.want, f.Reverse().String())
			assert.Equal(t, f, f.Reverse().Reverse(), "reversing twice gives the flow back")
		})
	}
}

func TestValidate(t *testing.T) {
	assert.ErrorIs(t, flow.Flow{}.Validate(), flow.ErrFlow, "the zero flow is not valid")
	f := flow.MustParse("gre 10.0.0.1 -> 10.0.0.2")
	f.ICMPType = 3
	assert.ErrorIs(t, f.Validate(), flow.ErrFlow)
	g := flow.MustParse("tcp 10.0.0.1:1 -> 10.0.0.2:2")
	g.Protocol = flow.AllProtocols
	assert.ErrorIs(t, g.Validate(), flow.ErrFlow)
}

func TestFlowJSON(t *testing.T) {
	in := struct {
		F flow.Flow      `json:"flow"`
		D flow.Direction `json:"direction"`
		V flow.Verdict   `json:"verdict"`
	}{flow.MustParse("udp [2001:db8::1]:5353 -> [2001:db8::2]:53"), flow.Outbound, flow.Allow}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"flow":"udp [2001:db8::1]:5353 -> [2001:db8::2]:53","direction":"outbound","verdict":"allow"}`, string(b))
	out := in
	out.F, out.D, out.V = flow.Flow{}, flow.Inbound, flow.Deny
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)
	assert.Error(t, json.Unmarshal([]byte(`{"flow":"tcp x -> y"}`), &out))
}

func TestDirectionAndVerdict(t *testing.T) {
	for _, s := range []string{"inbound", "INGRESS", "in"} {
		d, err := flow.ParseDirection(s)
		require.NoError(t, err)
		assert.Equal(t, flow.Inbound, d)
	}
	for _, s := range []string{"outbound", "Egress", "out"} {
		d, err := flow.ParseDirection(s)
		require.NoError(t, err)
		assert.Equal(t, flow.Outbound, d)
	}
	_, err := flow.ParseDirection("sideways")
	require.ErrorIs(t, err, flow.ErrDirection)
	assert.Equal(t, flow.Outbound, flow.Inbound.Opposite())
	assert.Equal(t, flow.Inbound, flow.Outbound.Opposite())

	assert.Equal(t, flow.Deny, flow.Verdict(0), "the zero verdict fails closed")
	for _, v := range []flow.Verdict{flow.Allow, flow.Deny, flow.Indeterminate} {
		got, err := flow.ParseVerdict(v.String())
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
	_, err = flow.ParseVerdict("maybe")
	require.ErrorIs(t, err, flow.ErrVerdict)
	_, err = json.Marshal(flow.Verdict(9))
	assert.Error(t, err)
}

func TestParseCIDR(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"10.0.0.0/8", "10.0.0.0/8", ""},
		{"100.68.0.18/18", "100.68.0.0/18", ""},
		{"2001:db8::1/32", "2001:db8::/32", ""},
		{"::/0", "::/0", ""},
		{"10.0.0.1", "", "not a CIDR block"},
		{"10.0.0.0/33", "", "not a CIDR block"},
		{"::ffff:10.0.0.0/104", "", "write it as IPv4"},
		{"fe80::/10%eth0", "", "not a CIDR block"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := flow.ParseCIDR(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.String())
		})
	}
}

func TestTraffic(t *testing.T) {
	for in, want := range map[string]string{
		"tcp 10.0.0.1:5 -> 10.0.0.2:22":           "tcp/22",
		"icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4": "icmp type 3 code 4",
		"gre 10.0.0.1 -> 10.0.0.2":                "gre",
	} {
		assert.Equal(t, want, flow.MustParse(in).Traffic(), in)
	}
}

func TestParseAddrOrCIDR(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"10.0.0.5", "10.0.0.5/32"},
		{"2001:db8::1", "2001:db8::1/128"},
		{"10.0.0.5/24", "10.0.0.0/24"},
		{"2001:db8::1/32", "2001:db8::/32"},
		{"::ffff:10.0.0.5", ""},
		{"fe80::1%eth0", ""},
		{"10.0.0.256", ""},
		{"", ""},
		{"::ffff:10.0.0.0/104", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := flow.ParseAddrOrCIDR(tt.in)
			if tt.want == "" {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.String())
		})
	}
}

func TestIsProtocolNumber(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "6": true, "47": true, "255": true, "256": false, "0255": false,
		"": false, "-1": false, "+6": false, " 6": false, "tcp": false, "1e2": false} {
		assert.Equal(t, want, flow.IsProtocolNumber(s), "%q", s)
	}
}

// TestIsICMPError: every type of both families, against RFC 792's five
// error messages and RFC 4443's rule (section 2.1) that ICMPv6 types
// 0-127 are error messages, those not assigned (0, 5-99, 100-101 private
// experimentation, 102-126, 127 reserved) included; no other protocol
// carries one.
func TestIsICMPError(t *testing.T) {
	v4Errors := map[int]bool{3: true, 4: true, 5: true, 11: true, 12: true}
	for _, tc := range []struct {
		proto flow.Protocol
		want  func(typ int) bool
	}{
		{flow.ICMP, func(typ int) bool { return v4Errors[typ] }},
		{flow.ICMPv6, func(typ int) bool { return typ <= 127 }},
		{flow.TCP, func(int) bool { return false }},
		{flow.UDP, func(int) bool { return false }},
	} {
		for typ := range 256 {
			f := flow.Flow{Protocol: tc.proto, ICMPType: uint8(typ)}
			assert.Equal(t, tc.want(typ), f.IsICMPError(), "%s type %d", tc.proto, typ)
		}
	}
	for _, typ := range []uint8{0, 5, 100, 101, 127} { // not assigned, error messages all the same
		assert.True(t, flow.Flow{Protocol: flow.ICMPv6, ICMPType: typ}.IsICMPError(), "icmpv6 type %d", typ)
	}
	for _, typ := range []uint8{128, 129, 133, 135, 200, 255} { // informational
		assert.False(t, flow.Flow{Protocol: flow.ICMPv6, ICMPType: typ}.IsICMPError(), "icmpv6 type %d", typ)
	}
}

// TestApps: every name Apps lists reads back as the protocol that prints
// it, and numbers beyond the list are not valid.
func TestApps(t *testing.T) {
	names := flow.Apps()
	require.Equal(t, "none", names[0])
	for _, n := range names {
		a, err := flow.ParseApp(n)
		require.NoError(t, err, n)
		assert.Equal(t, n, a.String())
		assert.True(t, a.IsValid())
	}
	assert.True(t, flow.AppUnset.IsValid())
	assert.False(t, flow.App(len(names)+1).IsValid())
	assert.Equal(t, "", flow.AppUnset.String())
}
