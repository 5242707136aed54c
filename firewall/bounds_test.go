package firewall_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
)

// decisionKey is what must not change within an atom: each direction's
// verdict and rule, and what the stateful engine decided.
type decisionKey struct {
	Request, Reply         flow.Verdict
	RequestRule, ReplyRule string
	Stateful               string
	Warnings               string
}

func keyOf(d firewall.Decision) decisionKey {
	k := decisionKey{Request: d.VerdictOn(false), Reply: d.VerdictOn(true), RequestRule: d.RuleOn(false), ReplyRule: d.RuleOn(true),
		Warnings: strings.Join(d.Warnings, "; ")}
	if s := d.Stateful; s != nil {
		k.Stateful = fmt.Sprintf("%s %s %s sid %d %v %s", s.Verdict, s.Stage, s.Action, s.Sid, s.Default, s.DefaultAction)
	}
	return k
}

// A small universe, so that rules and connections meet often.
var (
	fwAddrs4 = []string{"10.0.0.1", "10.0.1.5", "192.0.2.1", "198.51.100.7", "0.0.0.0", "255.255.255.255"}
	fwAddrs6 = []string{"2001:db8::1", "2001:db8:1::5", "fd00::1"}
	fwCIDRs  = []string{"10.0.0.0/16", "10.0.0.1/32", "0.0.0.0/0", "192.0.2.0/24", "255.255.255.255/32", "2001:db8::/32", "::/0", "2001:db8::1/128"}
	fwPorts  = []uint16{0, 22, 53, 80, 443, 444, 1023, 1024, 8443, 50000, 65535}
	// @PARTNERS is a set whose entries are unknown (partnersUnknown)
	fwSuricata = []string{"any", "$HOME_NET", "$EXTERNAL_NET", "10.0.0.1", "192.0.2.0/24", "[!10.0.1.0/24,10.0.0.0/16]",
		"@PARTNERS", "[@PARTNERS,192.0.2.0/24]", "[10.0.0.0/16,!@PARTNERS]"}
	fwSPorts = []string{"any", "any", "22", "443", "1024:65535", "[80,443]", "!53", "0", "65535", "[1000:60000,!50000]"}
)

func pickOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randomStatelessRule(r *rand.Rand, prio int) stateless.Rule {
	rl := stateless.Rule{Priority: prio, Action: pickOf(r, []flow.Action{flow.Pass, flow.Drop, flow.Forward, flow.Forward})}
	if r.IntN(2) == 0 {
		rl.Protocols = []flow.Protocol{pickOf(r, []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.GRE})}
	}
	if r.IntN(3) == 0 {
		rl.Sources = []netip.Prefix{netip.MustParsePrefix(pickOf(r, fwCIDRs))}
	}
	if r.IntN(3) == 0 {
		rl.Destinations = []netip.Prefix{netip.MustParsePrefix(pickOf(r, fwCIDRs))}
	}
	port := func() flow.PortRange {
		a, b := pickOf(r, fwPorts), pickOf(r, fwPorts)
		return flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
	}
	if r.IntN(3) == 0 {
		rl.DestinationPorts = []flow.PortRange{port()}
	}
	if r.IntN(4) == 0 {
		rl.SourcePorts = []flow.PortRange{port()}
	}
	return rl
}

func randomStatefulRule(r *rand.Rand, sid int) string {
	var opts []string
	proto := pickOf(r, []string{"ip", "tcp", "tcp", "udp", "icmp", "tls", "http"})
	if proto == "icmp" && r.IntN(2) == 0 {
		opts = append(opts, "itype:"+pickOf(r, []string{"8", "0", ">10", "<5", "3<>7"}))
	}
	if r.IntN(4) == 0 {
		opts = append(opts, "flow:"+pickOf(r, []string{"to_server", "established", "not_established"}))
	}
	opts = append(opts, fmt.Sprintf("sid:%d", sid))
	return fmt.Sprintf("%s %s %s %s %s %s %s (%s;)", pickOf(r, []string{"pass", "drop", "alert", "reject"}), proto,
		pickOf(r, fwSuricata), pickOf(r, fwSPorts), pickOf(r, []string{"->", "->", "<>"}), pickOf(r, fwSuricata), pickOf(r, fwSPorts),
		strings.Join(opts, "; "))
}

func randomPolicy(r *rand.Rand) firewall.Policy {
	var sl []stateless.Rule
	for i := range r.IntN(6) {
		sl = append(sl, randomStatelessRule(r, i+1))
	}
	var sf []string
	for i := range 1 + r.IntN(6) {
		sf = append(sf, randomStatefulRule(r, i+1))
	}
	defaults := stateful.Defaults{}
	switch r.IntN(4) {
	case 0:
		defaults.DropStrict = true
	case 1:
		defaults.DropEstablished = true
	}
	return withPartners(newPolicy(pickOf(r, []flow.Action{flow.Forward, flow.Forward, flow.Pass, flow.Drop}), sl, defaults, sf...))
}

func randomConnection(r *rand.Rand) firewall.Connection {
	pool := fwAddrs4
	protos := []flow.Protocol{flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.GRE}
	six := r.IntN(4) == 0
	if six {
		pool = fwAddrs6
		protos[3] = flow.ICMPv6
	}
	f := flow.Flow{Protocol: pickOf(r, protos)}
	var sp, dp uint16
	if f.Protocol.HasPorts() {
		sp, dp = pickOf(r, fwPorts), pickOf(r, fwPorts)
	}
	f.Src = netip.AddrPortFrom(netip.MustParseAddr(pickOf(r, pool)), sp)
	f.Dst = netip.AddrPortFrom(netip.MustParseAddr(pickOf(r, pool)), dp)
	if f.Protocol.IsICMP() {
		f.ICMPType = pickOf(r, []uint8{8, 0, 3, 11, 128})
		if !six && f.ICMPType == 128 {
			f.ICMPType = 8
		}
	}
	return firewall.Connection{Flow: f, Request: true, Reply: r.IntN(5) != 0}
}

// variations lists the field sets a set question varies for f.
func variations(f flow.Flow) [][]flow.Field {
	out := [][]flow.Field{{flow.FieldSrcAddr}, {flow.FieldDstAddr}}
	switch {
	case f.Protocol.HasPorts():
		out = append(out, []flow.Field{flow.FieldDstPort}, []flow.Field{flow.FieldSrcPort},
			[]flow.Field{flow.FieldDstPort, flow.FieldSrcPort}, []flow.Field{flow.FieldDstPort, flow.FieldSrcAddr})
	case f.Protocol.IsICMP():
		out = append(out, []flow.Field{flow.FieldICMPType, flow.FieldICMPCode})
	}
	return out
}

func checkBounds(t *testing.T, r *rand.Rand, e *firewall.Engine, c firewall.Connection, picks int, what func() string) int {
	t.Helper()
	decide := func(f flow.Flow) decisionKey {
		x := c
		x.Flow = f
		return keyOf(e.Evaluate(x))
	}
	n := 0
	for _, vary := range variations(c.Flow) {
		b := flow.NewBounds(vary...)
		e.Bounds(c, b)
		k, err := boundstest.Check(r, b, c.Flow, decide, picks)
		if err != nil {
			require.NoError(t, err, "%s\nconnection %s (reply %v) varying %v", what(), c.Flow, c.Reply, vary)
		}
		n += k
	}
	return n
}

// TestBoundsAgreeWithEvaluate: for random policies and connections, every
// atom of the fields varied gets the same verdicts and rules both ways.
func TestBoundsAgreeWithEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 16))
	checked, compiled := 0, 0
	for i := range 200 {
		p := randomPolicy(r)
		e, err := firewall.Compile(p, partnersUnknown)
		if err != nil {
			continue // a random rule that matches nothing, rejected
		}
		compiled++
		for range 4 {
			c := randomConnection(r)
			checked += checkBounds(t, r, e, c, 5, func() string {
				return fmt.Sprintf("policy %d: stateless %+v default %s\nstateful %s", i, p.Stateless.Groups, p.Stateless.Default.Action,
					p.Stateful.Groups[0].Group.RulesString)
			})
		}
	}
	assert.Greater(t, compiled, 150)
	assert.Greater(t, checked, 8000)
}

// TestBoundsCoverDefaultAppProto: a tls rule drops a session to 443 (tls
// by DefaultAppProto), not one to 444; Bounds makes 443 an atom.
func TestBoundsCoverDefaultAppProto(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Forward, nil, noDefaults, "drop tls any any -> any any (sid:1;)"))
	c := bothWays("tcp 198.51.100.7:50000 -> 10.0.1.10:443")
	c444 := bothWays("tcp 198.51.100.7:50000 -> 10.0.1.10:444")
	require.NotEqual(t, keyOf(e.Evaluate(c)), keyOf(e.Evaluate(c444)), "the policy tells 443 from 444")
	b := flow.NewBounds(flow.FieldDstPort)
	e.Bounds(c, b)
	atoms := b.Atoms(flow.FieldDstPort, flow.AllPorts)
	assert.Contains(t, atoms, flow.Single[uint16](443))
	assert.NotContains(t, atoms, flow.PortRange{Lo: 444, Hi: 464}, "444 is cut from the next port the table names")
	checkBounds(t, rand.New(rand.NewPCG(2, 2)), e, c, 300, func() string { return "tls rule" })
}

// TestBoundsAddBothEngines: the stateless and the stateful rules' edges.
func TestBoundsAddBothEngines(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Forward, []stateless.Rule{tcpRule(1, flow.Drop, "", 0, "", 23)}, noDefaults, dropSSH))
	c := bothWays(sshFlow)
	b := flow.NewBounds(flow.FieldDstPort)
	e.Bounds(c, b)
	atoms := b.Atoms(flow.FieldDstPort, flow.AllPorts)
	assert.Contains(t, atoms, flow.Single[uint16](22), "the stateful rule")
	assert.Contains(t, atoms, flow.Single[uint16](23), "the stateless rule")
	checkBounds(t, rand.New(rand.NewPCG(3, 3)), e, c, 300, func() string { return "both engines" })
}

func TestBoundsOfNilEngineAddNothing(t *testing.T) {
	var e *firewall.Engine
	b := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr)
	e.Bounds(bothWays(sshFlow), b)
	assert.Equal(t, []flow.PortRange{flow.AllPorts}, b.Atoms(flow.FieldDstPort, flow.AllPorts))
	assert.Len(t, b.AddrAtoms(flow.FieldSrcAddr, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")), 1)
}
