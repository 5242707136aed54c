package nacl_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
	"github.com/reachsim/reachsim/nacl"
)

// decisionKey is what must not change within an atom: the verdict and
// the deciding entry.
type decisionKey struct {
	Verdict flow.Verdict
	Action  flow.Action
	Number  int
	Default bool
}

func keyOf(d nacl.Decision) decisionKey {
	return decisionKey{d.Verdict, d.Action, d.Entry.Number, d.Default}
}

// variations lists the field sets a set question varies for f in dir: ports
// for TCP and UDP, type and code for ICMP, and the address the direction
// compares.
func variations(f flow.Flow, dir flow.Direction) [][]flow.Field {
	peer := flow.FieldSrcAddr
	if dir == flow.Outbound {
		peer = flow.FieldDstAddr
	}
	out := [][]flow.Field{{peer}}
	switch {
	case f.Protocol.HasPorts():
		out = append(out, []flow.Field{flow.FieldDstPort}, []flow.Field{flow.FieldSrcPort},
			[]flow.Field{flow.FieldDstPort, flow.FieldSrcPort}, []flow.Field{flow.FieldDstPort, peer})
	case f.Protocol.IsICMP():
		out = append(out, []flow.Field{flow.FieldICMPType}, []flow.Field{flow.FieldICMPCode},
			[]flow.Field{flow.FieldICMPType, flow.FieldICMPCode}, []flow.Field{flow.FieldICMPType, peer})
	}
	return out
}

func checkBounds(t *testing.T, r *rand.Rand, e *nacl.Evaluator, f flow.Flow, dir flow.Direction, picks int, what string) int {
	t.Helper()
	n := 0
	for _, vary := range variations(f, dir) {
		b := flow.NewBounds(vary...)
		e.Bounds(f, dir, b)
		k, err := boundstest.Check(r, b, f, func(g flow.Flow) decisionKey { return keyOf(e.Evaluate(g, dir)) }, picks)
		require.NoError(t, err, "%s: %s %s varying %v", what, dir, f, vary)
		n += k
	}
	return n
}

// TestBoundsAgreeWithEvaluate: for random ACLs and flows, every atom of
// the fields varied is decided by one entry.
func TestBoundsAgreeWithEvaluate(t *testing.T) {
	g := newGen(1212)
	r := rand.New(rand.NewPCG(12, 12))
	checked, multi := 0, 0
	for i := range 500 {
		acl := g.acl("acl-b", 12)
		e, err := nacl.Compile(acl)
		require.NoError(t, err, "random ACL %d", i)
		for range 6 {
			f := g.flow()
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				b := flow.NewBounds(flow.FieldDstPort)
				e.Bounds(f, dir, b)
				if len(b.Atoms(flow.FieldDstPort, flow.AllPorts)) > 2 {
					multi++
				}
				checked += checkBounds(t, r, e, f, dir, 6, fmt.Sprintf("ACL %d %v", i, acl.Entries))
			}
		}
	}
	assert.Greater(t, multi, 500, "entries cut the port space often")
	assert.Greater(t, checked, 20000)
}

// TestBoundsEdges holds the edges of the port, ICMP and address spaces to
// the same check, with many picks.
func TestBoundsEdges(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		flows   []string
	}{
		{"port 0 and 65535", []string{"100 allow tcp 0 from 0.0.0.0/0", "110 deny udp 65535 from 10.0.0.0/8", "120 allow udp 65534-65535 from 0.0.0.0/0",
			"130 allow tcp 1024-65535 from 10.0.0.5/32", "100 allow all to 0.0.0.0/0"},
			[]string{"tcp 10.0.0.1:1 -> 10.0.0.2:0", "udp 10.0.0.1:1 -> 10.0.0.2:65535", "tcp 10.0.0.5:65535 -> 10.0.0.2:65535"}},
		{"prefixes /0, /32 and /128", []string{"100 deny tcp 22 from 10.0.0.5/32", "110 allow tcp 22 from 0.0.0.0/0",
			"120 allow tcp 22 from 2001:db8::5/128", "130 deny all from ::/0", "140 allow all from 255.255.255.255/32",
			"100 deny all to 0.0.0.0/32", "110 allow all to ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"},
			[]string{"tcp 10.0.0.5:1 -> 10.0.0.2:22", "tcp [2001:db8::5]:1 -> [2001:db8::2]:22", "udp 255.255.255.255:9 -> 0.0.0.0:9",
				"gre 2001:db8::1 -> ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
		{"ICMP types and codes", []string{"100 allow icmp type 8 code 0 from 0.0.0.0/0", "110 deny icmp type 3 from 10.0.0.0/8", "120 allow icmp type 255 code 255 from 0.0.0.0/0",
			"130 allow icmpv6 type 128 code 0 from ::/0", "140 deny icmpv6 from 2001:db8::/32", "150 allow icmp type 0 code 0 from 0.0.0.0/0"},
			[]string{"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4", "icmp 10.0.0.1 -> 10.0.0.2 type 255 code 255",
				"icmpv6 2001:db8::1 -> 2001:db8::2 type 128 code 0"}},
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := compile(t, custom("acl-1", tt.entries...))
			for _, s := range tt.flows {
				f := fl(s)
				for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
					checkBounds(t, r, e, f, dir, 200, tt.name)
				}
			}
		})
	}
}

func TestBoundsPortAtoms(t *testing.T) {
	e := compile(t, custom("acl-1", "100 allow tcp 22 from 0.0.0.0/0", "110 deny tcp 0-1023 from 10.0.0.0/8", "120 allow tcp 1024-65535 from 0.0.0.0/0",
		"130 allow udp 53 from 0.0.0.0/0", "140 allow tcp 80 from 192.0.2.0/24"))
	b := flow.NewBounds(flow.FieldDstPort)
	e.Bounds(fl("tcp 10.0.0.1:1000 -> 10.0.0.2:22"), flow.Inbound, b)
	assert.Equal(t, []flow.PortRange{{Lo: 0, Hi: 21}, {Lo: 22, Hi: 22}, {Lo: 23, Hi: 1023}, {Lo: 1024, Hi: 65535}},
		b.Atoms(flow.FieldDstPort, flow.AllPorts), "udp 53 is another protocol, tcp 80 another source")
}

func TestBoundsOfNilEvaluatorAddNothing(t *testing.T) {
	var e *nacl.Evaluator
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr, flow.FieldDstAddr)
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		e.Bounds(fl("tcp 10.0.0.1:1000 -> 10.0.0.2:22"), dir, b)
	}
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	all4 := []flow.AddrRange{{From: fl("tcp 0.0.0.0:1 -> 0.0.0.0:1").Src.Addr(), To: fl("tcp 255.255.255.255:1 -> 0.0.0.0:1").Src.Addr()}}
	assert.Equal(t, all4, b.AddrAtoms(flow.FieldSrcAddr, all4[0].From, all4[0].To))
	assert.Equal(t, all4, b.AddrAtoms(flow.FieldDstAddr, all4[0].From, all4[0].To))
}
