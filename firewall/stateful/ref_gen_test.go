package stateful

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/slowpath"
)

// --- random configurations ---

var (
	randomHome     = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
	randomAddrs4   = []string{"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.1.0.1", "192.0.2.1", "198.51.100.1", "198.51.100.200"}
	randomAddrs6   = []string{"2001:db8::1", "2001:db8::2", "2001:db8:1::1"}
	randomPrefixes = []string{"10.0.0.0/24", "10.0.0.0/16", "10.0.1.0/24", "192.0.2.0/24", "198.51.100.0/25", "0.0.0.0/0", "2001:db8::/64", "2001:db8::1", "10.0.0.1"}
	randomPorts    = []uint16{22, 53, 80, 123, 443, 8080, 50000}
	randomDomains  = []string{"example.com", "www.example.com", "WWW.Example.com", "a.b.example.com", "example.org", "badexample.com"}
	randomTargets  = []string{"example.com", ".example.com", "www.example.com", ".org", "example.org"}
	// randomIPSets resolves the generator's IP set references: @PL to
	// its entries, @PU to a set whose entries are unknown, @PU4 and @PU6
	// to sets whose entries are unknown and whose family is known.
	randomIPSets = PartialIPSets{
		Known:    StaticIPSets{"arn:pl-1": {netip.MustParsePrefix("198.51.100.128/25"), netip.MustParsePrefix("2001:db8:1::/48")}},
		Unknown:  []string{"arn:pl-unknown", "arn:pl-unknown4", "arn:pl-unknown6"},
		Families: map[string]string{"arn:pl-unknown4": FamilyIPv4, "arn:pl-unknown6": FamilyIPv6},
	}
)

type generator struct{ r *rand.Rand }

func (g generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g generator) chance(p float64) bool   { return g.r.Float64() < p }

func (g generator) addrItem() string {
	switch g.r.IntN(6) {
	case 0:
		return "$HOME_NET"
	case 1:
		return "$EXTERNAL_NET"
	case 2:
		return "$SRV"
	case 3:
		return g.pick([]string{"@PL", "@PL", "@PU", "@PU4", "@PU6"}) // @PU…: entries unknown
	}
	return g.pick(randomPrefixes)
}

func (g generator) addr() string {
	switch g.r.IntN(8) {
	case 0, 1:
		return "any"
	case 2:
		return "!" + g.addrItem()
	case 3:
		n := 1 + g.r.IntN(3)
		var items []string
		for range n {
			it := g.addrItem()
			if g.chance(0.15) { // a list inside the list
				it = "[" + g.addrItem() + "," + g.pick([]string{"", "!"}) + g.addrItem() + "]"
			}
			if g.chance(0.4) {
				it = "!" + it
			}
			items = append(items, it)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	return g.addrItem()
}

func (g generator) port() string {
	switch g.r.IntN(9) {
	case 0, 1, 2:
		return "any"
	case 3:
		return "$WEB"
	case 4:
		return "1024:65535"
	case 5:
		return "!" + strconv.Itoa(int(randomPorts[g.r.IntN(len(randomPorts))]))
	case 6:
		return "[80,443,!8080]"
	case 7:
		return "[1000:60000,!50000]"
	}
	return strconv.Itoa(int(randomPorts[g.r.IntN(len(randomPorts))]))
}

// rule writes a random Suricata rule.
func (g generator) rule(sid int, order RuleOrder) string {
	action := g.pick([]string{"pass", "pass", "drop", "drop", "reject", "alert"})
	proto := g.pick([]string{"ip", "tcp", "tcp", "udp", "icmp", "tls", "http", "dns", "ssh", "ikev2", "ftp-data", "dcerpc", "smb"})
	dir := "->"
	if g.chance(0.25) {
		dir = "<>"
	}
	var opts []string
	if g.chance(0.4) {
		opts = append(opts, "flow:"+g.pick([]string{"established", "not_established", "to_server", "to_client", "established,to_server", "not_established, to_client", "stateless", "to_server, established"}))
	}
	if g.chance(0.1) {
		opts = append(opts, "ip_proto:"+g.pick([]string{"TCP", "!UDP", "17", "<17", ">6", "ICMP"}))
	}
	if g.chance(0.08) { // packet keywords: a packet rule (action scope)
		opts = append(opts, g.pick([]string{"itype:8", "itype:>3", "icode:0", "sameip"}))
	}
	alp := ""
	if g.chance(0.1) {
		alp = "app-layer-protocol:" + g.pick([]string{"tls", "!http", "failed", "dns", "http", "ike", "!ftp-data", "dcerpc", "!dcerpc", "smb", "http1", "tls,final"})
		// Suricata refuses app-layer-protocol in a rule whose protocol, or
		// an earlier keyword (tls.sni, ssl_state...), is an application
		// protocol: it goes in first, below, and only under a layer-3/4
		// protocol
		if proto != "ip" && proto != "tcp" && proto != "udp" && proto != "icmp" {
			alp = ""
		}
	}
	canTLS := proto == "ip" || proto == "tcp" || proto == "tls" || proto == "udp"
	canHTTP := proto == "ip" || proto == "tcp" || proto == "http"
	if canTLS && g.chance(0.1) {
		opts = append(opts, "ssl_state:"+g.pick([]string{"client_hello", "server_hello"}))
		canHTTP = false
	}
	if (canTLS || canHTTP) && g.chance(0.35) {
		buf := "tls.sni"
		if !canTLS || canHTTP && g.chance(0.5) {
			buf = "http.host"
		}
		s := buf + ";"
		t := g.pick(randomTargets)
		neg := ""
		if g.chance(0.1) {
			neg = "!"
		}
		switch g.r.IntN(4) {
		case 0:
			s += ` content:` + neg + `"` + strings.TrimPrefix(t, ".") + `"; startswith; endswith;`
		case 1:
			s += ` dotprefix; content:` + neg + `".` + strings.TrimPrefix(t, ".") + `"; endswith;`
		case 2:
			s += ` content:` + neg + `"` + t + `";`
		case 3:
			// Suricata refuses an upper-case or nocase content in http.host.
			if buf == "tls.sni" {
				s += ` content:` + neg + `"` + strings.ToUpper(t) + `"; nocase; endswith;`
			} else {
				s += ` content:` + neg + `"` + t + `"; endswith;`
			}
		}
		if buf == "tls.sni" && g.chance(0.3) && !strings.Contains(s, "nocase") {
			s += " nocase;"
		}
		opts = append(opts, strings.TrimSuffix(s, ";"))
	}
	if g.chance(0.25) {
		switch g.r.IntN(5) {
		case 0:
			opts = append(opts, `content:"GET"`)
		case 1:
			opts = append(opts, `pcre:"/x+/"`)
		case 2:
			opts = append(opts, "geoip:any,RU")
		case 3:
			opts = append(opts, "flowbits:isset,seen")
		case 4:
			if proto == "ip" || proto == "udp" || proto == "tcp" || proto == "dns" {
				opts = append(opts, `dns.query; content:"example"`)
			}
		}
	}
	if g.chance(0.2) {
		opts = append(opts, `msg:"m"`)
	}
	if g.chance(0.1) {
		opts = append(opts, "flowbits:set,seen")
	}
	if order == DefaultActionOrder && g.chance(0.3) {
		opts = append(opts, "priority:"+strconv.Itoa(1+g.r.IntN(5)))
	}
	opts = append(opts, "sid:"+strconv.Itoa(sid))
	g.r.Shuffle(len(opts), func(i, j int) {
		// keep sticky-buffer option groups in place: only swap independent options
		if strings.Contains(opts[i], ";") || strings.Contains(opts[j], ";") {
			return
		}
		opts[i], opts[j] = opts[j], opts[i]
	})
	if alp != "" {
		opts = append([]string{alp}, opts...)
	}
	return fmt.Sprintf("%s %s %s %s %s %s %s (%s;)", action, proto, g.addr(), g.port(), dir, g.addr(), g.port(), strings.Join(opts, "; "))
}

// parsingRule writes a random Suricata rule that parses: one whose
// addresses can match some packet ("!10.0.0.0/24" holds no IPv6 address,
// so "!10.0.0.0/24 any -> 2001:db8::1" matches none), and whose
// addresses Suricata does not refuse once grp's variables are resolved
// ("[$HOME_NET,$EXTERNAL_NET]" holds no address).
func (g generator) parsingRule(sid int, order RuleOrder, grp RuleGroup) string {
	for {
		r := g.rule(sid, order)
		if parseErr(r) != nil {
			continue
		}
		sr, err := suricata.Parse(r)
		if err != nil {
			panic(err)
		}
		if !addrsRefused(grp, sr) {
			return r
		}
	}
}

// addrsRefused reports whether Compile refuses the addresses of rule sr
// in group grp ("no addresses left", "Complete IP space negated"), under
// the generator's HOME_NET and IP sets.
func addrsRefused(grp RuleGroup, sr suricata.Rule) bool {
	c := compiler{res: randomIPSets, refs: map[string]addrset.Set{}, unknown: map[string]addrset.Set{}, home: addrset.Of(randomHome...)}
	if err := c.startGroup(&grp, grp.Name); err != nil {
		panic(err)
	}
	for _, x := range []suricata.AddrExpr{sr.Src, sr.Dst} {
		if _, err := c.addr(x); errors.Is(err, ErrInvalidRule) {
			return true
		} else if err != nil {
			panic(err)
		}
	}
	return false
}

func (g generator) group(name string, order RuleOrder) RuleGroup {
	grp := RuleGroup{Name: name, RuleOrder: order,
		IPSets:          map[string][]netip.Prefix{"SRV": {netip.MustParsePrefix(g.pick(randomPrefixes[:5]))}},
		PortSets:        map[string][]flow.PortRange{"WEB": {{Lo: 80, Hi: 80}, {Lo: 443, Hi: 443}}},
		IPSetReferences: map[string]string{"PL": "arn:pl-1", "PU": "arn:pl-unknown", "PU4": "arn:pl-unknown4", "PU6": "arn:pl-unknown6"},
	}
	if g.chance(0.2) {
		grp.IPSets["HOME_NET"] = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24")}
	}
	if g.chance(0.1) {
		grp.IPSets["EXTERNAL_NET"] = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
	}
	switch g.r.IntN(6) {
	case 0:
		dl := &DomainList{Type: g.pick([]string{"ALLOWLIST", "ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST"})}
		for _, t := range []string{"TLS_SNI", "HTTP_HOST"} {
			if g.chance(0.7) || t == "HTTP_HOST" && len(dl.TargetTypes) == 0 {
				dl.TargetTypes = append(dl.TargetTypes, t)
			}
		}
		seen := map[string]bool{}
		for range 1 + g.r.IntN(3) {
			if t := g.pick(randomTargets); !seen[t] {
				seen[t] = true
				dl.Targets = append(dl.Targets, t)
			}
		}
		grp.DomainList = dl
	case 1:
		for i := range 1 + g.r.IntN(4) {
			grp.StandardRules = append(grp.StandardRules, StandardRule{
				Action: []flow.Action{flow.Pass, flow.Drop, flow.Alert, flow.Reject}[g.r.IntN(4)], Protocol: g.pick([]string{"IP", "TCP", "UDP", "TLS", "ICMP"}),
				Source: g.pick([]string{"ANY", "$HOME_NET", "10.0.0.0/24", "$EXTERNAL_NET"}), SourcePort: g.pick([]string{"ANY", "ANY", "1024:65535"}),
				Direction: g.pick([]string{"FORWARD", "ANY"}), Destination: g.pick([]string{"ANY", "$EXTERNAL_NET", "198.51.100.0/25", "$SRV"}),
				DestinationPort: g.pick([]string{"ANY", "443", "$WEB", "53"}),
				Options:         []suricata.Option{{Keyword: "sid", Value: strconv.Itoa(i + 1)}},
			})
			if g.chance(0.3) { // a standard rule acts on the flow, flow keyword or not
				last := &grp.StandardRules[len(grp.StandardRules)-1]
				last.Options = append(last.Options, suricata.Option{Keyword: "flow", Value: g.pick([]string{"to_server", "not_established", "established,to_client"})})
			}
		}
	default:
		var lines []string
		for i := range 1 + g.r.IntN(8) {
			lines = append(lines, g.parsingRule(i+1, order, grp))
		}
		grp.RulesString = strings.Join(lines, "\n")
	}
	return grp
}

func (g generator) config() Config {
	order := RuleOrder(g.r.IntN(2))
	cfg := Config{Order: order, HomeNet: randomHome}
	prios := g.r.Perm(10)
	for i := range 1 + g.r.IntN(4) {
		cfg.Groups = append(cfg.Groups, GroupRef{Priority: 1 + prios[i]*10, DropToAlert: g.chance(0.15),
			Group: g.group("g"+strconv.Itoa(i), order)})
	}
	if g.chance(0.02) { // a group whose rules the input cannot hold
		grp := &cfg.Groups[g.r.IntN(len(cfg.Groups))].Group
		*grp = RuleGroup{Name: grp.Name, RuleOrder: order, Opaque: "the rules of " + grp.Name + ", which the test does not give"}
	}
	if order == StrictOrder {
		switch g.r.IntN(7) {
		case 1:
			cfg.Defaults.DropStrict = true
		case 2:
			cfg.Defaults.DropEstablished = true
		case 3:
			cfg.Defaults.DropEstablishedAppLayer = true
		case 4:
			cfg.Defaults.DropEstablishedAppLayerToServer = true
		}
		if g.chance(0.3) {
			cfg.Defaults.AlertStrict = true
		}
		if g.chance(0.2) && !cfg.Defaults.DropEstablishedAppLayer && !cfg.Defaults.DropEstablishedAppLayerToServer {
			cfg.Defaults.AlertEstablished = true
		}
	}
	return cfg
}

func (g generator) session() Session {
	var s Session
	six := g.chance(0.15)
	addrs := randomAddrs4
	if six {
		addrs = randomAddrs6
	}
	src, dst := netip.MustParseAddr(g.pick(addrs)), netip.MustParseAddr(g.pick(addrs))
	proto := []flow.Protocol{flow.TCP, flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.GRE}[g.r.IntN(6)]
	if proto == flow.ICMP && six {
		proto = flow.ICMPv6
	}
	s.Flow.Protocol = proto
	var sp, dp uint16
	if proto.HasPorts() {
		sp, dp = randomPorts[g.r.IntN(len(randomPorts))], randomPorts[g.r.IntN(len(randomPorts))]
		if g.chance(0.6) {
			sp = 50000
		}
	}
	s.Flow.Src, s.Flow.Dst = netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp)
	if proto == flow.ICMP {
		s.Flow.ICMPType = flow.ICMPEchoRequest
	} else if proto == flow.ICMPv6 {
		s.Flow.ICMPType = flow.ICMPv6EchoRequest
	}
	if g.chance(0.6) {
		s.Flow.Domain = g.pick(randomDomains)
	}
	if g.chance(0.5) && s.Flow.Protocol.HasPorts() {
		names := []string{"tls", "http", "http2", "dns", "none", "ssh", "HTTP1", "ftp-data", "smb", "dcerpc", "smtp", "ftp", "imap"}
		if s.Flow.Protocol == flow.UDP {
			names = []string{"dns", "none", "quic", "ike", "dhcp", "snmp", "dcerpc"} // what runs over udp (flow.App.RunsOver)
		}
		if s.Flow.Domain != "" {
			names = []string{"tls", "http", "http2"} // a Domain is a TLS SNI or an HTTP Host (tcp only)
			if s.Flow.Protocol != flow.TCP {
				names = nil // none runs over udp
			}
		}
		if len(names) > 0 {
			a, err := flow.ParseApp(g.pick(names))
			if err != nil {
				panic(err)
			}
			s.Flow.App = a
		}
	}
	switch g.r.IntN(10) {
	case 0:
		s.ForwardSeen = true
	case 1:
		s.ReturnSeen = true
	case 2, 3:
	default:
		s.ForwardSeen, s.ReturnSeen = true, true
	}
	if g.chance(0.2) {
		s.Unseen = StageSet(g.r.IntN(16))
	}
	return s
}

// comparable parts of a decision.
type decisionKey struct {
	Verdict       flow.Verdict
	Stage         Stage
	Action        string
	Group         string
	GroupPriority int
	Sid           int
	Rule          string
	Default       bool
	Warning       string
	Unknown       string
	Alerts        string
	Undecided     string
	Legs          uint8
	PacketScope   string
}

func keyOf(d Decision) decisionKey {
	k := decisionKey{d.Verdict, d.Stage, d.Action.String() + d.DefaultAction, d.Group, d.GroupPriority, d.Sid, d.Rule, d.Default, d.Warning, "", "", "", d.legs, d.PacketScope}
	var us []string
	for _, u := range d.Undecided {
		us = append(us, fmt.Sprintf("%s %s sid %d %s %s", u.Stage, u.Group, u.Sid, u.Action, u.Keyword))
	}
	k.Undecided = strings.Join(us, ", ")
	if u := d.Indeterminate; u != nil {
		k.Unknown = fmt.Sprintf("%s %s sid %d %s %s", u.Stage, u.Group, u.Sid, u.Action, u.Keyword)
	}
	var as []string
	for _, a := range d.Alerts {
		as = append(as, fmt.Sprintf("%s/%s/%d/%s/%v/%v", a.Stage, a.Group, a.Sid, a.Action.String()+a.DefaultAction, a.Overridden, a.Default))
	}
	k.Alerts = strings.Join(as, " ")
	return k
}

func TestAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(20260601, 7))
	g := generator{r}
	res := randomIPSets
	configs, compiled, sessions, classified := 3000, 0, 0, 0
	unknownSet := 0  // indeterminate for an IP set whose entries are unknown
	familySet := 0   // indeterminate for one whose entries are unknown and whose family is known
	byWorlds := 0    // certain only because every world gives the verdict
	tooMany := 0     // too many undecidable rules for the reference to try every world
	otherLegs := 0   // indeterminate on a direction other than its stage's, or both
	appDoubts := 0   // indeterminate because TLS and HTTP readings differ
	appSame := 0     // certain although the TLS and HTTP readings went apart
	pktScope := 0    // allowed with a packet rule passing the last stage
	pktDenied := 0   // denied after a packet rule passed an earlier stage
	orderDoubts := 0 // indeterminate because the two orders of the data packets differ
	orderSame := 0   // denied in both orders, on different directions
	opaque := 0      // indeterminate for a group whose rules are unknown
	opaqueSure := 0  // certain although a group whose rules are unknown was met
	verdicts := map[flow.Verdict]int{}
	for range configs {
		cfg := g.config()
		e, err := Compile(cfg, res)
		if err != nil {
			continue // conflicting random options; counted below
		}
		compiled++
		classified += classifiedBuckets(e)
		seg := compileSegmentIndex(t, cfg, res)
		restore := slowpath.Set(true)
		lin, err := Compile(cfg, res)
		restore()
		require.NoError(t, err)
		ref, err := newRefEngine(cfg, res)
		require.NoError(t, err)
		for range 20 {
			s := g.session()
			wd, ok := ref.evaluate(s)
			if !ok {
				tooMany++
				continue
			}
			want := keyOf(wd)
			if wd.Undecided != nil {
				byWorlds++
			}
			if wd.legs != 0 && wd.legs != legOf(wd.Stage) {
				otherLegs++
			}
			got := keyOf(e.Evaluate(s))
			ex := keyOf(e.Explain(s))
			fb := keyOf(seg.Evaluate(s))
			if l := keyOf(lin.Evaluate(s)); l != want {
				t.Fatalf("session %+v: reference %+v, linear scan %+v", s.Flow, want, l)
			}
			d := e.Evaluate(s)
			if v, st := e.Verdict(s); v != d.Verdict || st != d.Stage {
				t.Fatalf("session %+v: Verdict %v at %v, Evaluate %v at %v", s.Flow, v, st, d.Verdict, d.Stage)
			}
			if ts, tc := e.Verdicts(s); ts != wd.VerdictOn(true) || tc != wd.VerdictOn(false) {
				t.Fatalf("session %+v: Verdicts %v, %v; the reference %v, %v", s.Flow, ts, tc, wd.VerdictOn(true), wd.VerdictOn(false))
			}
			sessions++
			verdicts[want.Verdict]++
			if strings.HasSuffix(want.Unknown, " "+UnknownFirstSpeaker) {
				orderDoubts++
			}
			if strings.Contains(want.Undecided, " "+UnknownFirstSpeaker) {
				orderSame++
			}
			if want.PacketScope != "" {
				pktScope++
			}
			if wd.Verdict == flow.Deny && slices.ContainsFunc(e.Explain(s).Stages, func(st StageTrace) bool { return st.Outcome == OutcomePassPacket }) {
				pktDenied++
			}
			if strings.HasSuffix(want.Unknown, " @PU") || strings.HasSuffix(want.Unknown, " @PU4") || strings.HasSuffix(want.Unknown, " @PU6") {
				unknownSet++
			}
			if strings.HasSuffix(want.Unknown, " "+UnknownOpaqueGroup) {
				opaque++
			}
			if strings.Contains(want.Undecided, " "+UnknownOpaqueGroup) {
				opaqueSure++
			}
			if strings.HasSuffix(want.Unknown, " "+UnknownAppProto) {
				appDoubts++
			}
			if strings.Contains(want.Undecided, " "+UnknownAppProto) {
				appSame++
			}
			if strings.HasSuffix(want.Unknown, " @PU4") || strings.HasSuffix(want.Unknown, " @PU6") {
				familySet++
			}
			if got != want || ex != want || fb != want {
				var groups []string
				for _, gr := range cfg.Groups {
					rs, _ := gr.Group.Rules()
					for _, x := range rs {
						groups = append(groups, fmt.Sprintf("  [%s p%d dta=%v] %s", gr.Group.Name, gr.Priority, gr.DropToAlert, x.Text))
					}
				}
				t.Fatalf("session %+v (app %q fwd %v ret %v) under %s defaults %v:\n%s\nreference: %+v\nEvaluate:  %+v\nExplain:   %+v\nsegment index: %+v",
					s.Flow, s.Flow.App, s.ForwardSeen, s.ReturnSeen, cfg.Order, cfg.Defaults.Names(), strings.Join(groups, "\n"), want, got, ex, fb)
			}
		}
	}
	require.Greater(t, compiled, configs*8/10, "most random configurations should compile")
	require.Greater(t, classified, compiled/2, "most engines should use the bit-vector classifier")
	t.Logf("%d configurations (%d compiled), %d sessions: %v, %d for the unknown IP set, %d certain only by worlds, %d indeterminate on another direction than their stage's, %d left out (too many undecidable rules), %d indeterminate between TLS and HTTP, %d the same as both",
		configs, compiled, sessions, verdicts, unknownSet, byWorlds, otherLegs, tooMany, appDoubts, appSame)
	t.Logf("%d allowed by a packet rule at the last stage, %d denied after a packet rule passed an earlier stage", pktScope, pktDenied)
	t.Logf("%d indeterminate between the two orders of the data packets, %d denied in both on different directions", orderDoubts, orderSame)
	t.Logf("%d indeterminate for a group whose rules are unknown, %d certain though one was met", opaque, opaqueSure)
	require.Greater(t, opaque, sessions/200, "some verdicts should hang on a group whose rules are unknown")
	require.Positive(t, orderDoubts, "some sessions should get different answers as the client or the server speaks first")
	require.Positive(t, orderSame, "some sessions should be denied whichever side speaks first")
	require.Greater(t, pktScope, sessions/1000, "some sessions should end with a packet rule's pass")
	require.Greater(t, pktDenied, sessions/4000, "some sessions should be denied after a packet rule passed an earlier packet")
	require.Positive(t, appDoubts, "some sessions should carry a domain to a port of neither TLS nor HTTP and get different answers as each")
	require.Positive(t, appSame, "some sessions should carry a domain to a port of neither TLS nor HTTP and get the same answer as each")
	require.Positive(t, otherLegs, "some worlds should deny on another direction than the first undecidable rule's stage")
	require.Greater(t, byWorlds, sessions/200, "some verdicts should be certain only because every world gives them")
	require.Less(t, tooMany, sessions/100, "few sessions should have too many undecidable rules for the reference")
	require.Greater(t, unknownSet, sessions/250, "some verdicts should hang on the IP set whose entries are unknown")
	require.Greater(t, familySet, sessions/500, "some verdicts should hang on an IP set of one family whose entries are unknown")
	require.Greater(t, verdicts[flow.Indeterminate], sessions/100)
	require.Greater(t, verdicts[flow.Deny], sessions/10)
	require.Greater(t, verdicts[flow.Allow], sessions/10)
}

// compileSegmentIndex compiles cfg with the bit-vector classifier's
// budget at zero, so every bucket falls back to the segment index.
func compileSegmentIndex(t *testing.T, cfg Config, res IPSetResolver) *Engine {
	t.Helper()
	saved := bitBudget
	bitBudget = func(int) int { return -1 }
	defer func() { bitBudget = saved }()
	e, err := Compile(cfg, res)
	require.NoError(t, err)
	require.Zero(t, classifiedBuckets(e), "a zero budget leaves no classifier")
	return e
}

// classifiedBuckets counts the buckets of e that use the classifier.
func classifiedBuckets(e *Engine) int {
	n := 0
	for _, b := range append([]*bucket{&e.ix.ip}, e.ix.protos[:]...) {
		if b != nil && b.bits != nil {
			n++
		}
	}
	return n
}

// actionOf reads a Suricata action word the reference engine keeps as text.
func actionOf(s string) flow.Action {
	a, err := flow.ParseAction(s)
	if err != nil {
		panic(err)
	}
	return a
}

func parseErr(text string) error {
	_, err := suricata.Parse(text)
	return err
}
