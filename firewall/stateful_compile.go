package firewall

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// StatefulEngine is a policy's stateful rule groups, resolved and compiled
// for fast evaluation of sessions. Build it with [CompileStateful]; it is
// immutable and safe for concurrent use.
//
// # What it models
//
// A session ([Session]) is judged packet by packet ([Stage]): the client's
// opening packet, the server's first reply, then the first data packet in
// each direction. At each stage the rules are tried in the policy's order:
//
//   - DEFAULT_ACTION_ORDER: every rule of every group, ranked by action
//     (pass, drop, reject, alert), then by the Suricata priority keyword
//     (lower first; a rule without one counts as 3, Suricata's default;
//     classtype priorities are not modelled), then by the order of the
//     groups in the policy, then by the order of the rules. A matching pass
//     rule passes the whole connection (Suricata stops inspecting the
//     flow); otherwise a matching drop or reject blocks the packet;
//     otherwise the packet passes and the next stage is judged. Alert
//     rules never decide.
//   - STRICT_ORDER: groups by ascending priority, rules as written. The
//     first matching pass, drop or reject decides (pass passes the whole
//     connection); alerts are recorded and evaluation goes on (reachsim's
//     reading of AWS's and Suricata's action semantics). If no rule
//     decides, the default actions apply: aws:drop_strict drops the packet;
//     aws:drop_established drops established TCP packets (DataToServer,
//     DataToClient: the handshake gets through, the data does not) and
//     every UDP, ICMP and other non-TCP packet (AWS's page says both
//     "established once both sides sent" and "drops all packets of
//     connectionless protocols"; reachsim takes the latter).
//     aws:drop_established_app_layer decides like aws:drop_established at
//     this granularity: its differences (tolerating a ClientHello or HTTP
//     header split over several segments, dropping server-sent banners)
//     lie within a stage, since DataToServer carries the whole first
//     application message. The _to_server variant drops only
//     client-to-server packets (which come first). Without a drop default
//     the packet passes and the next stage is judged.
//
// No decision at any stage: the connection is allowed by the engine's pass
// default (Action "", Default true). A reject counts as a drop for
// reachability; its action is reported.
//
// # Matching
//
// A rule matches a stage when its protocol, addresses and ports match the
// stage's packet (for "<>" also with source and destination swapped), and
// its options hold:
//
//   - Protocols: "ip" (and "ipv4", "ipv6") every packet; tcp, udp, icmp
//     (ICMP and ICMPv6), icmpv4, icmpv6 by IP protocol; an application
//     protocol ("tls", "http", "dns", ...) only at stages whose
//     application protocol is known and equal ("http" also matches
//     HTTP/2). A rule with ports other than "any" never matches a packet
//     without ports (ICMP).
//   - flow: established, not_established, stateless, to_server/from_client,
//     to_client/from_server, no_frag, only_frag; ip_proto; itype; icode;
//     sameip; app-layer-protocol; ssl_state client_hello (the client's first
//     application message: DataToServer for TCP) and server_hello (the
//     server's first: DataToClient for TCP).
//   - tls.sni and http.host sticky buffers with content, nocase, startswith,
//     endswith, depth, offset and the dotprefix, to_lowercase and
//     strip_whitespace transforms. The buffer holds the session's Domain
//     at the client's first application message of a TLS (tls.sni) or
//     HTTP (http.host, lower case) connection, and nothing elsewhere; an
//     empty Domain means the connection carries no SNI or Host, so those
//     rules do not match. http.header_names is known to start with
//     "\r\n" (enough for AWS's generated allowlist drop rule).
//   - Informational keywords (sid, msg, rev, gid, classtype, metadata,
//     reference, priority, noalert, alert, target, tag, requires,
//     flowbits/xbits set, unset, toggle and noalert) do not affect
//     matching.
//
// Anything else that decides whether a rule matches (payload content and
// pcre, other sticky buffers such as dns.query or http.uri, ja3, geoip,
// flowbits:isset, dsize, flags, thresholds, unknown keywords) makes the
// rule undecidable ([Unknown]) at the stages where everything else about
// it matches. Payload keywords never match a TCP SYN or SYN-ACK (they
// carry no payload); application-layer keywords only match where their
// protocol is known. Under STRICT_ORDER an undecidable pass, drop or
// reject reached before any decision makes the verdict Indeterminate;
// under DEFAULT_ACTION_ORDER a definite pass wins over an undecidable
// one, which wins over any drop, and a definite drop wins over an
// undecidable drop. Undecidable alerts never matter.
//
// IP-only rules (Suricata's classification: a layer-3/4 protocol, both
// ports "any", no negated address, no flow keyword and only informational
// options; a rule with $EXTERNAL_NET counts as negated unless the group
// defines EXTERNAL_NET) are checked on the first packet of each direction
// only (OpenRequest, OpenReply).
//
// # Variables
//
// $HOME_NET is the group's IPSets["HOME_NET"] if set, else the policy's
// HomeNet. $EXTERNAL_NET is the group's IPSets["EXTERNAL_NET"] if set,
// else the complement of the policy's HomeNet (AWS's quirk: a group that
// overrides only HOME_NET keeps the policy's EXTERNAL_NET). Other $NAMEs
// come from the group's IPSets (addresses) or PortSets (ports), @NAMEs
// from its IPSetReferences through the [IPSetResolver]. A list is the
// union of its positive items minus the union of its negated items (only
// negated items: everything minus them).
type StatefulEngine struct {
	order    RuleOrder
	defaults StatefulDefaults
	groups   []sfGroup
	rules    []sfRule // in decision order
	ix       sfIndex
}

// emptyEngine stands in for a nil *StatefulEngine.
var emptyEngine = &StatefulEngine{}

// Order returns the engine's rule order.
func (e *StatefulEngine) Order() RuleOrder {
	if e == nil {
		return DefaultActionOrder
	}
	return e.order
}

// NumRules returns the number of rules the engine holds.
func (e *StatefulEngine) NumRules() int {
	if e == nil {
		return 0
	}
	return len(e.rules)
}

type sfGroup struct {
	label    string
	priority int
}

// sfAction is a rule's effective action; the order is DEFAULT_ACTION_ORDER's.
type sfAction uint8

const (
	sfPass sfAction = iota
	sfDrop
	sfReject
	sfAlert
)

var sfActionNames = [...]string{sfPass: "pass", sfDrop: "drop", sfReject: "reject", sfAlert: "alert"}

// String returns the action as Suricata writes it.
func (a sfAction) String() string { return sfActionNames[a] }

// sfTri is the outcome of matching a rule against a packet.
type sfTri uint8

const (
	sfNo sfTri = iota
	sfYes
	sfUnknown
)

// sfRule is a compiled rule.
type sfRule struct {
	group      int32 // index into StatefulEngine.groups
	sid        int
	prio       int // Suricata priority; defaultPriority when unset
	action     sfAction
	overridden bool // a drop turned into an alert by DROP_TO_ALERT
	text       string

	// header
	protoAny bool      // ip, ipv4, ipv6, or an application protocol
	family   uint8     // 0 both, 4 or 6
	protos   [4]uint64 // IP protocols when !protoAny
	apps     []string  // session application protocols the rule needs (one of)
	src, dst addrset.Set
	srcAny   bool
	dstAny   bool
	sp, dp   flow.PortSet
	spAny    bool
	dpAny    bool
	bidir    bool
	ipOnly   bool

	// options
	est          int8 // +1 established, -1 not_established
	dir          int8 // +1 to_server, -1 to_client
	never        bool // a condition no packet meets (flow:only_frag)
	needsPayload bool
	conds        []sfCond
	bufs         []sfBuf
	unknownKW    string // the first undecidable keyword, "" if none
	unknownWhy   string
}

// defaultPriority is Suricata's priority of a rule without one.
const defaultPriority = 3

func (r *sfRule) hasProto(p flow.Protocol) bool {
	return p >= 0 && p <= 255 && r.protos[p>>6]&(1<<(uint(p)&63)) != 0
}

func (r *sfRule) setProto(p flow.Protocol) { r.protos[p>>6] |= 1 << (uint(p) & 63) }

// CompileStateful checks a policy's stateful configuration and compiles
// it. It resolves every variable and IP set reference (res may be nil if
// no group has IP set references) and compiles every rule; see
// [StatefulEngine] for the semantics.
//
// Errors are *[flow.InputError] values naming the group and rule, wrapping
// [ErrInvalidPolicy] (rule order, defaults under DEFAULT_ACTION_ORDER,
// duplicate or out-of-range priorities, empty HomeNet), [ErrInvalidGroup]
// (a group's rule order differs from the policy's, sources, duplicate
// sids), [ErrInvalidRule] (options Suricata would reject, the priority
// keyword in a STRICT_ORDER group), [suricata.ErrSyntax] or [ErrUnresolved] (an
// unknown $VARIABLE or @REFERENCE: never a silent non-match).
func CompileStateful(cfg StatefulConfig, res IPSetResolver) (*StatefulEngine, error) {
	if !cfg.Order.IsValid() {
		return nil, &flow.InputError{Path: "StatefulEngineOptions.RuleOrder", Err: fmt.Errorf("%w: rule order %d out of range", ErrInvalidPolicy, uint8(cfg.Order))}
	}
	if !cfg.Defaults.IsZero() {
		if cfg.Order != StrictOrder {
			return nil, &flow.InputError{Path: "StatefulDefaultActions", Err: fmt.Errorf("%w: stateful default actions %s need STRICT_ORDER", ErrInvalidPolicy, strings.Join(cfg.Defaults.Names(), ", "))}
		}
		if err := cfg.Defaults.Validate(); err != nil {
			return nil, &flow.InputError{Path: "StatefulDefaultActions", Err: err}
		}
	}
	if len(cfg.HomeNet) == 0 {
		return nil, &flow.InputError{Path: "HomeNet", Err: fmt.Errorf("%w: the policy's HOME_NET is empty: pass PolicyVariables HOME_NET or the CIDRs of the firewall's VPC", ErrInvalidPolicy)}
	}
	home, err := prefixSet(cfg.HomeNet)
	if err != nil {
		return nil, &flow.InputError{Path: "HomeNet", Err: fmt.Errorf("%w: %w", ErrInvalidPolicy, err)}
	}
	e := &StatefulEngine{order: cfg.Order, defaults: cfg.Defaults}
	c := sfCompiler{res: res, refs: map[string]addrset.Set{}, home: home, ext: home.Complement()}
	seenPrio := map[int]int{}
	seenID := map[string]int{}
	for gi, ref := range cfg.Groups {
		g := ref.Group
		label := g.Label()
		path := "StatefulRuleGroupReferences[" + strconv.Itoa(gi) + "]"
		gerr := func(err error) error { return &flow.InputError{Path: path, Resource: label, Err: err} }
		id := g.ARN
		if id == "" {
			id = g.Name
		}
		if id != "" {
			if j, dup := seenID[id]; dup {
				return nil, gerr(fmt.Errorf("%w: rule group %s is referenced twice (also at %d)", ErrInvalidPolicy, id, j))
			}
			seenID[id] = gi
		}
		if !g.RuleOrder.IsValid() {
			return nil, gerr(fmt.Errorf("%w: rule order %d out of range", ErrInvalidGroup, uint8(g.RuleOrder)))
		}
		if g.RuleOrder != cfg.Order {
			return nil, gerr(fmt.Errorf("%w: the group's rule order %s differs from the policy's %s", ErrInvalidGroup, g.RuleOrder, cfg.Order))
		}
		if cfg.Order == StrictOrder {
			if ref.Priority < 1 || ref.Priority > 65535 {
				return nil, gerr(fmt.Errorf("%w: priority %d: want 1 to 65535 under STRICT_ORDER", ErrInvalidPolicy, ref.Priority))
			}
			if j, dup := seenPrio[ref.Priority]; dup {
				return nil, gerr(fmt.Errorf("%w: priority %d is also used by StatefulRuleGroupReferences[%d]", ErrInvalidPolicy, ref.Priority, j))
			}
			seenPrio[ref.Priority] = gi
		}
		rules, err := g.Rules()
		if err != nil {
			return nil, err
		}
		if err := c.startGroup(&g, label); err != nil {
			return nil, gerr(err)
		}
		e.groups = append(e.groups, sfGroup{label: label, priority: ref.Priority})
		for ri := range rules {
			r, err := c.rule(&rules[ri], cfg.Order)
			if err != nil {
				return nil, &flow.InputError{Path: path, Resource: label, Rule: "sid " + strconv.Itoa(rules[ri].Sid()), Text: rules[ri].Text, Err: err}
			}
			r.group = int32(gi)
			if ref.DropToAlert && r.action == sfDrop {
				r.action, r.overridden = sfAlert, true
			}
			e.rules = append(e.rules, r)
		}
	}
	if cfg.Order == StrictOrder {
		slices.SortStableFunc(e.rules, func(a, b sfRule) int {
			return cmp.Compare(e.groups[a.group].priority, e.groups[b.group].priority)
		})
	} else {
		slices.SortStableFunc(e.rules, func(a, b sfRule) int {
			return cmp.Or(cmp.Compare(a.action, b.action), cmp.Compare(a.prio, b.prio))
		})
	}
	e.ix.build(e.rules)
	return e, nil
}

// MustCompileStateful is [CompileStateful] that panics on error, for
// literals in tests and examples.
func MustCompileStateful(cfg StatefulConfig, res IPSetResolver) *StatefulEngine {
	e, err := CompileStateful(cfg, res)
	if err != nil {
		panic(err)
	}
	return e
}

// prefixSet checks prefixes and returns their set.
func prefixSet(ps []netip.Prefix) (addrset.Set, error) {
	for _, p := range ps {
		if !p.IsValid() {
			return addrset.Set{}, fmt.Errorf("invalid prefix %v", p)
		}
		if p.Addr().Zone() != "" || p.Addr().Is4In6() {
			return addrset.Set{}, fmt.Errorf("prefix %s: zoned and IPv4-mapped IPv6 prefixes are not accepted", p)
		}
	}
	return addrset.Of(ps...), nil
}

// sfCompiler resolves and compiles the rules of one group at a time.
type sfCompiler struct {
	res       IPSetResolver
	refs      map[string]addrset.Set // resolved IP set references by ARN
	home, ext addrset.Set            // the policy's HOME_NET and EXTERNAL_NET

	g        *StatefulRuleGroup
	label    string
	gHome    addrset.Set
	gExt     addrset.Set
	extNeg   bool // the group's EXTERNAL_NET is the policy's (a negation)
	ipsets   map[string]addrset.Set
	portsets map[string]flow.PortSet
}

func (c *sfCompiler) startGroup(g *StatefulRuleGroup, label string) error {
	c.g, c.label = g, label
	c.gHome, c.gExt, c.extNeg = c.home, c.ext, true
	c.ipsets, c.portsets = map[string]addrset.Set{}, map[string]flow.PortSet{}
	for name, ps := range g.IPSets {
		s, err := prefixSet(ps)
		if err != nil {
			return fmt.Errorf("%w: IP set %s: %w", ErrInvalidGroup, name, err)
		}
		c.ipsets[name] = s
	}
	for name, rs := range g.PortSets {
		for _, r := range rs {
			if r.IsEmpty() {
				return fmt.Errorf("%w: port set %s: range %d-%d is reversed", ErrInvalidGroup, name, r.Lo, r.Hi)
			}
		}
		c.portsets[name] = flow.SetOf(rs...)
	}
	if s, ok := c.ipsets["HOME_NET"]; ok {
		c.gHome = s
	}
	if s, ok := c.ipsets["EXTERNAL_NET"]; ok {
		c.gExt, c.extNeg = s, false
	}
	return nil
}

// addr resolves an address expression; neg reports whether it contains a
// negation (after expanding $EXTERNAL_NET).
func (c *sfCompiler) addr(x suricata.AddrExpr) (s addrset.Set, neg bool, err error) {
	switch {
	case x.Any:
		s = addrset.All()
	case x.Prefix.IsValid():
		s = addrset.Of(x.Prefix)
	case x.Var != "":
		switch x.Var {
		case "HOME_NET":
			s = c.gHome
		case "EXTERNAL_NET":
			s, neg = c.gExt, c.extNeg
		default:
			var ok bool
			if s, ok = c.ipsets[x.Var]; !ok {
				if _, isPort := c.portsets[x.Var]; isPort {
					return s, false, fmt.Errorf("%w: $%s is a port set, used as an address", ErrUnresolved, x.Var)
				}
				return s, false, fmt.Errorf("%w: variable $%s is not defined in the group's IPSets (nor is it HOME_NET or EXTERNAL_NET)", ErrUnresolved, x.Var)
			}
		}
	case x.Ref != "":
		arn, ok := c.g.IPSetReferences[x.Ref]
		if !ok {
			return s, false, fmt.Errorf("%w: IP set reference @%s is not defined in the group's IPSetReferences", ErrUnresolved, x.Ref)
		}
		if s, ok = c.refs[arn]; !ok {
			if c.res == nil {
				return s, false, fmt.Errorf("%w: IP set reference @%s (%s) needs an IPSetResolver", ErrUnresolved, x.Ref, arn)
			}
			ps, err := c.res.IPSet(arn)
			if err != nil {
				if !errors.Is(err, ErrUnresolved) {
					err = fmt.Errorf("%w: %w", ErrUnresolved, err)
				}
				return s, false, fmt.Errorf("IP set reference @%s (%s): %w", x.Ref, arn, err)
			}
			if s, err = prefixSet(ps); err != nil {
				return s, false, fmt.Errorf("%w: IP set reference @%s (%s): %w", ErrInvalidGroup, x.Ref, arn, err)
			}
			c.refs[arn] = s
		}
	case x.List != nil:
		var pos, negs addrset.Set
		hasPos := false
		for _, it := range x.List {
			item := it
			item.Negate = false
			is, n, err := c.addr(item)
			if err != nil {
				return s, false, err
			}
			neg = neg || n || it.Negate
			if it.Negate {
				negs = negs.Union(is)
			} else {
				pos, hasPos = pos.Union(is), true
			}
		}
		if !hasPos {
			pos = addrset.All()
		}
		s = pos.Difference(negs)
	default:
		return s, false, fmt.Errorf("%w: empty address expression", ErrInvalidRule)
	}
	if x.Negate {
		s, neg = s.Complement(), true
	}
	return s, neg, nil
}

// ports resolves a port expression.
func (c *sfCompiler) ports(x suricata.PortExpr) (flow.PortSet, error) {
	var s flow.PortSet
	switch {
	case x.Any:
		s = flow.FullSet[uint16]()
	case x.Set:
		s = flow.SetOf(x.Range)
	case x.Var != "":
		var ok bool
		if s, ok = c.portsets[x.Var]; !ok {
			if _, isAddr := c.ipsets[x.Var]; isAddr || x.Var == "HOME_NET" || x.Var == "EXTERNAL_NET" {
				return s, fmt.Errorf("%w: $%s is an IP set, used as a port", ErrUnresolved, x.Var)
			}
			return s, fmt.Errorf("%w: port variable $%s is not defined in the group's PortSets", ErrUnresolved, x.Var)
		}
	case x.List != nil:
		var pos, negs flow.PortSet
		hasPos := false
		for _, it := range x.List {
			item := it
			item.Negate = false
			is, err := c.ports(item)
			if err != nil {
				return s, err
			}
			if it.Negate {
				negs = negs.Union(is)
			} else {
				pos, hasPos = pos.Union(is), true
			}
		}
		if !hasPos {
			pos = flow.FullSet[uint16]()
		}
		s = pos.Difference(negs)
	default:
		return s, fmt.Errorf("%w: empty port expression", ErrInvalidRule)
	}
	if x.Negate {
		s = s.Complement()
	}
	return s, nil
}

// appAliases maps a rule's application protocol to the session protocols
// (as canonApp names them) it matches.
var appAliases = map[string][]string{
	"http":  {"http", "http2"},
	"http1": {"http"},
	"ikev2": {"ike"},
	"ike":   {"ike"},
	"ssl":   {"tls"},
}

func appsOf(name string) []string {
	if a, ok := appAliases[name]; ok {
		return a
	}
	return []string{name}
}

// headerProtos are the rule protocols that are not application protocols.
var headerProtos = map[string]bool{
	"ip": true, "ipv4": true, "ipv6": true, "pkthdr": true, "tcp": true, "tcp-pkt": true,
	"tcp-stream": true, "udp": true, "icmp": true, "icmpv4": true, "icmpv6": true, "sctp": true,
}

// rule compiles one rule of the current group.
func (c *sfCompiler) rule(sr *suricata.Rule, order RuleOrder) (sfRule, error) {
	r := sfRule{sid: sr.Sid(), text: sr.Text, prio: defaultPriority, bidir: sr.Bidirectional}
	if r.sid <= 0 {
		return r, fmt.Errorf("%w: the rule has no positive sid", ErrInvalidRule)
	}
	switch sr.Action {
	case "pass":
		r.action = sfPass
	case "drop":
		r.action = sfDrop
	case "reject":
		r.action = sfReject
	case "alert":
		r.action = sfAlert
	default:
		return r, fmt.Errorf("%w: action %q", ErrInvalidRule, sr.Action)
	}
	proto := strings.ToLower(sr.Protocol)
	switch proto {
	case "ip", "pkthdr":
		r.protoAny = true
	case "ipv4":
		r.protoAny, r.family = true, 4
	case "ipv6":
		r.protoAny, r.family = true, 6
	case "tcp", "tcp-pkt", "tcp-stream":
		r.setProto(flow.TCP)
	case "udp":
		r.setProto(flow.UDP)
	case "icmp":
		r.setProto(flow.ICMP)
		r.setProto(flow.ICMPv6)
	case "icmpv4":
		r.setProto(flow.ICMP)
	case "icmpv6":
		r.setProto(flow.ICMPv6)
	case "sctp":
		r.setProto(flow.SCTP)
	case "":
		return r, fmt.Errorf("%w: no protocol", ErrInvalidRule)
	default:
		r.protoAny = true
		r.apps = appsOf(proto)
	}
	var err error
	var srcNeg, dstNeg bool
	if r.src, srcNeg, err = c.addr(sr.Src); err != nil {
		return r, err
	}
	if r.dst, dstNeg, err = c.addr(sr.Dst); err != nil {
		return r, err
	}
	if r.sp, err = c.ports(sr.SrcPorts); err != nil {
		return r, err
	}
	if r.dp, err = c.ports(sr.DstPorts); err != nil {
		return r, err
	}
	all := addrset.All()
	r.srcAny, r.dstAny = r.src.Equal(all), r.dst.Equal(all)
	r.spAny, r.dpAny = r.sp.IsFull(), r.dp.IsFull()
	info, err := compileOptions(&r, sr, order)
	if err != nil {
		return r, err
	}
	r.ipOnly = headerProtos[proto] && len(r.apps) == 0 && info && r.spAny && r.dpAny && !srcNeg && !dstNeg
	return r, nil
}
