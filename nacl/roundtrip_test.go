package nacl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

func TestEphemeralRanges(t *testing.T) {
	rs := nacl.EphemeralRanges()
	want := []struct {
		name   string
		lo, hi uint16
	}{
		{"Linux (kernel default)", 32768, 60999},
		{"Linux (AWS docs)", 32768, 61000},
		{"Windows Server 2008+", 49152, 65535},
		{"Windows Server 2003 and earlier", 1025, 5000},
		{"NAT gateway, ELB, Lambda", 1024, 65535},
	}
	require.Len(t, rs, len(want))
	for i, w := range want {
		assert.Equal(t, w.name, rs[i].Name)
		assert.Equal(t, flow.PortRange{Lo: w.lo, Hi: w.hi}, rs[i].Ports)
	}
	rs[0].Ports.Lo = 1
	assert.Equal(t, uint16(32768), nacl.EphemeralRanges()[0].Ports.Lo, "each call returns a fresh slice")
	assert.Equal(t, "Linux (kernel default) 32768-60999", nacl.EphemeralLinux.String())
}

func TestLeg(t *testing.T) {
	tests := []struct {
		leg      nacl.Leg
		text     string
		dir      flow.Direction
		reply    bool
		onClient bool
	}{
		{nacl.RequestOut, "request outbound", flow.Outbound, false, true},
		{nacl.RequestIn, "request inbound", flow.Inbound, false, false},
		{nacl.ReplyOut, "reply outbound", flow.Outbound, true, false},
		{nacl.ReplyIn, "reply inbound", flow.Inbound, true, true},
	}
	for _, tt := range tests {
		t.Run("the "+tt.text+" leg", func(t *testing.T) {
			assert.Equal(t, tt.text, tt.leg.String())
			assert.Equal(t, tt.dir, tt.leg.Direction())
			assert.Equal(t, tt.reply, tt.leg.IsReply())
			assert.Equal(t, tt.onClient, tt.leg.OnClient())
		})
	}
	assert.Equal(t, "Leg(9)", nacl.Leg(9).String())
}

// rangeWant is the expected check of one named range: "" when it passes,
// else the first blocked port, the leg and the deciding rule label.
type rangeWant struct {
	first uint16
	leg   nacl.Leg
	acl   string
	rule  string
}

var ok = rangeWant{}

func TestCheckRoundTrip(t *testing.T) {
	def := nacl.NewDefault("acl-def", "vpc-1", true)
	clientOut443 := "100 allow tcp 443 to 0.0.0.0/0"
	serverIn443 := "100 allow tcp 443 from 0.0.0.0/0"
	serverOutAll := "100 allow tcp 1024-65535 to 0.0.0.0/0"
	req := "tcp 10.0.1.5:50000 -> 10.0.2.7:443"

	tests := []struct {
		name    string
		client  *nacl.ACL // nil: no ACL (the internet)
		server  nacl.ACL
		request string
		allowed string
		ranges  [5]rangeWant // Linux kernel, Linux AWS, Windows, Windows legacy, AWS services
	}{
		{"default ACLs on both sides let every range through",
			&def, def, req, "0-65535", [5]rangeWant{ok, ok, ok, ok, ok}},
		{"a client reply rule for 1024-32767 cuts Linux and modern Windows clients off at the star",
			ptr(custom("acl-c", clientOut443, "100 allow tcp 1024-32767 from 0.0.0.0/0")),
			custom("acl-s", serverIn443, serverOutAll), req, "1024-32767",
			[5]rangeWant{{32768, nacl.ReplyIn, "acl-c", "*"}, {32768, nacl.ReplyIn, "acl-c", "*"}, {49152, nacl.ReplyIn, "acl-c", "*"}, ok, {32768, nacl.ReplyIn, "acl-c", "*"}}},
		{"a deny of high ports before a broad allow cuts them by its own number",
			ptr(custom("acl-c", clientOut443, "100 allow tcp 1024-32767 from 0.0.0.0/0", "120 deny tcp 32768-65535 from 0.0.0.0/0", "130 allow tcp 0-65535 from 0.0.0.0/0")),
			custom("acl-s", serverIn443, serverOutAll), req, "1024-32767",
			[5]rangeWant{{32768, nacl.ReplyIn, "acl-c", "120"}, {32768, nacl.ReplyIn, "acl-c", "120"}, {49152, nacl.ReplyIn, "acl-c", "120"}, ok, {32768, nacl.ReplyIn, "acl-c", "120"}}},
		{"the server's outbound reply rule can cut clients too",
			&def, custom("acl-s", serverIn443, "100 allow tcp 49152-65535 to 0.0.0.0/0"), req, "49152-65535",
			[5]rangeWant{{32768, nacl.ReplyOut, "acl-s", "*"}, {32768, nacl.ReplyOut, "acl-s", "*"}, ok, {1025, nacl.ReplyOut, "acl-s", "*"}, {1024, nacl.ReplyOut, "acl-s", "*"}}},
		{"AWS's Linux range needs port 61000, which the kernel range does not use",
			ptr(custom("acl-c", clientOut443, "100 allow tcp 1024-60999 from 0.0.0.0/0")), def, req, "1024-60999",
			[5]rangeWant{ok, {61000, nacl.ReplyIn, "acl-c", "*"}, {61000, nacl.ReplyIn, "acl-c", "*"}, ok, {61000, nacl.ReplyIn, "acl-c", "*"}}},
		{"a request the server's ACL refuses cuts every port at the request leg",
			&def, custom("acl-s", "100 allow tcp 22 from 0.0.0.0/0", serverOutAll), req, "none",
			[5]rangeWant{{32768, nacl.RequestIn, "acl-s", "*"}, {32768, nacl.RequestIn, "acl-s", "*"}, {49152, nacl.RequestIn, "acl-s", "*"}, {1025, nacl.RequestIn, "acl-s", "*"}, {1024, nacl.RequestIn, "acl-s", "*"}}},
		{"a request the client's ACL refuses is cut before it leaves",
			ptr(custom("acl-c", "100 deny tcp 443 to 10.0.2.0/24", "110 allow all to 0.0.0.0/0", "100 allow all from 0.0.0.0/0")), def, req, "none",
			[5]rangeWant{{32768, nacl.RequestOut, "acl-c", "100"}, {32768, nacl.RequestOut, "acl-c", "100"}, {49152, nacl.RequestOut, "acl-c", "100"}, {1025, nacl.RequestOut, "acl-c", "100"}, {1024, nacl.RequestOut, "acl-c", "100"}}},
		{"a client on the internet crosses only the server's ACL",
			nil, custom("acl-s", serverIn443, "100 allow tcp 32768-65535 to 0.0.0.0/0"), "tcp 198.51.100.7:40000 -> 10.0.2.7:443", "32768-65535",
			[5]rangeWant{ok, ok, ok, {1025, nacl.ReplyOut, "acl-s", "*"}, {1024, nacl.ReplyOut, "acl-s", "*"}}},
		{"an IPv4 reply rule does nothing for an IPv6 connection",
			ptr(custom("acl-c", "100 allow all to ::/0", "100 allow tcp 1024-65535 from 0.0.0.0/0", "110 allow tcp 32768-65535 from ::/0")), def,
			"tcp [2001:db8:1::5]:50000 -> [2001:db8:2::7]:443", "32768-65535",
			[5]rangeWant{ok, ok, ok, {1025, nacl.ReplyIn, "acl-c", "*"}, {1024, nacl.ReplyIn, "acl-c", "*"}}},
		{"a ping needs the echo reply allowed on the way back",
			&def, custom("acl-s", "100 allow icmp type 8 from 0.0.0.0/0", "100 allow icmp type 8 to 0.0.0.0/0"), "icmp 10.0.1.5 -> 10.0.2.7", "none",
			[5]rangeWant{{32768, nacl.ReplyOut, "acl-s", "*"}, {32768, nacl.ReplyOut, "acl-s", "*"}, {49152, nacl.ReplyOut, "acl-s", "*"}, {1025, nacl.ReplyOut, "acl-s", "*"}, {1024, nacl.ReplyOut, "acl-s", "*"}}},
		{"a ping whose echo reply is allowed passes whatever the port",
			&def, custom("acl-s", "100 allow icmp type 8 from 0.0.0.0/0", "100 allow icmp type 0 to 0.0.0.0/0"), "icmp 10.0.1.5 -> 10.0.2.7", "0-65535",
			[5]rangeWant{ok, ok, ok, ok, ok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var client *nacl.Evaluator
			if tt.client != nil {
				client = compile(t, *tt.client)
			}
			server := compile(t, tt.server)
			rt := nacl.CheckRoundTrip(fl(tt.request), client, server)
			assert.Equal(t, tt.allowed, rt.Allowed.String())
			require.Len(t, rt.Ranges, 5)
			allOK := true
			for i, w := range tt.ranges {
				c := rt.Ranges[i]
				if w == ok {
					assert.True(t, c.OK(), "%s", c)
					continue
				}
				allOK = false
				if assert.False(t, c.OK(), "%s should be cut", c.Range) {
					assert.Equal(t, w.first, c.FirstBlocked, "%s", c)
					assert.Equal(t, w.leg, c.Leg, "%s", c)
					assert.Equal(t, w.acl, c.Decision.ACL, "%s", c)
					assert.Equal(t, w.rule, c.Decision.Entry.Label(), "%s", c)
					assert.Equal(t, flow.Deny, c.Decision.Verdict)
					assert.Equal(t, w.leg.Direction(), c.Decision.Entry.Direction)
				}
			}
			assert.Equal(t, allOK, rt.OK())
			want, _ := roundTripByBruteForce(fl(tt.request), client, server)
			assert.Equal(t, want.String(), rt.Allowed.String(), "brute force over every client port")
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestCheckRoundTripLegs(t *testing.T) {
	client := compile(t, custom("acl-c", "100 allow tcp 443 to 0.0.0.0/0", "100 allow tcp 1024-32767 from 0.0.0.0/0"))
	server := compile(t, nacl.NewDefault("acl-s", "vpc-1", false))
	rt := nacl.CheckRoundTrip(fl("tcp 10.0.1.5:50000 -> 10.0.2.7:443"), client, server)
	want := []struct {
		acl, allowed string
	}{{"acl-c", "0-65535"}, {"acl-s", "0-65535"}, {"acl-s", "0-65535"}, {"acl-c", "1024-32767"}}
	for i, w := range want {
		assert.Equal(t, nacl.Leg(i), rt.Legs[i].Leg)
		assert.Equal(t, w.acl, rt.Legs[i].ACL)
		assert.Equal(t, w.allowed, rt.Legs[i].Allowed.String())
	}
}

func TestCheckRoundTripWithOwnRanges(t *testing.T) {
	client := compile(t, custom("acl-c", "100 allow tcp 443 to 0.0.0.0/0", "100 allow tcp 1024-32767 from 0.0.0.0/0"))
	mine := nacl.NamedRange{Name: "my app", Ports: flow.PortRange{Lo: 20000, Hi: 20999}}
	rt := nacl.CheckRoundTrip(fl("tcp 10.0.1.5:50000 -> 10.0.2.7:443"), client, nil, mine)
	require.Len(t, rt.Ranges, 1)
	assert.True(t, rt.OK())
	assert.Equal(t, "my app 20000-20999: allowed", rt.Ranges[0].String())
}

func TestRoundTripString(t *testing.T) {
	client := compile(t, custom("acl-client", "100 allow tcp 443 to 0.0.0.0/0", "100 allow tcp 1024-32767 from 0.0.0.0/0", "120 deny tcp 32768-65535 from 0.0.0.0/0"))
	server := compile(t, nacl.NewDefault("acl-server", "vpc-1", false))
	rt := nacl.CheckRoundTrip(fl("tcp 10.0.1.5:50000 -> 10.0.2.7:443"), client, server)
	assert.Equal(t, `tcp 10.0.1.5 -> 10.0.2.7:443: round trip allowed only for client ports 1024-32767
  Linux (kernel default) 32768-60999: cut off for ports 32768-60999; port 32768: reply inbound denied by rule 120 (deny tcp 32768-65535 from 0.0.0.0/0) on acl-client
  Linux (AWS docs) 32768-61000: cut off for ports 32768-61000; port 32768: reply inbound denied by rule 120 (deny tcp 32768-65535 from 0.0.0.0/0) on acl-client
  Windows Server 2008+ 49152-65535: cut off for ports 49152-65535; port 49152: reply inbound denied by rule 120 (deny tcp 32768-65535 from 0.0.0.0/0) on acl-client
  Windows Server 2003 and earlier 1025-5000: allowed
  NAT gateway, ELB, Lambda 1024-65535: cut off for ports 32768-65535; port 32768: reply inbound denied by rule 120 (deny tcp 32768-65535 from 0.0.0.0/0) on acl-client`, rt.String())

	all := nacl.CheckRoundTrip(fl("tcp [2001:db8::1]:50000 -> [2001:db8::2]:443"), nil, nil, nacl.EphemeralLinux)
	assert.Equal(t, "tcp 2001:db8::1 -> [2001:db8::2]:443: round trip allowed for every client port\n  Linux (kernel default) 32768-60999: allowed", all.String())
	none := nacl.CheckRoundTrip(fl("gre 10.0.0.1 -> 10.0.0.2"), server, client, nacl.EphemeralLinux)
	assert.Equal(t, "gre 10.0.0.1 -> 10.0.0.2: round trip allowed for no client port\n  Linux (kernel default) 32768-60999: cut off for ports 32768-60999; port 32768: request inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client", none.String())
}
