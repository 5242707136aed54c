package stateful

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Engine is a policy's stateful rule groups, resolved and compiled
// for fast evaluation of sessions. Build it with [Compile]; it is
// immutable and safe for concurrent use. The package doc states how it
// decides.
//
// A nil *Engine means "no stateful firewall here": Evaluate and Explain
// allow every session with a Decision whose Default is true.
type Engine struct {
	order    RuleOrder
	defaults Defaults
	// dataDecides: a rule or default could decide a TCP data packet
	// (order.go)
	dataDecides bool
	groups      []groupInfo
	rules       []rule // in decision order
	ix          index
	// the rules by address, for Bounds with fixed addresses
	// (bounds_index.go), built at first use
	addrOnce sync.Once
	addrIx   *addrIndex
	// kept holds the port edges of the atom pairs asked so far
	// (bounds_cache.go)
	kept boundsCache
}

// Order returns the engine's rule order.
func (e *Engine) Order() RuleOrder {
	if e == nil {
		return DefaultActionOrder
	}
	return e.order
}

// NumRules returns the number of rules the engine holds.
func (e *Engine) NumRules() int {
	if e == nil {
		return 0
	}
	return len(e.rules)
}

// GroupRules returns how many rules each rule group holds, in the order
// of Config.Groups (a domain list counts the rules it stands for, as
// [RuleGroup.Rules] gives them; an opaque group, whose rules are unknown,
// counts 0); nil for a nil Engine.
func (e *Engine) GroupRules() []int {
	if e == nil {
		return nil
	}
	n := make([]int, len(e.groups))
	for i := range e.rules {
		if !e.rules[i].opaque {
			n[e.rules[i].group]++
		}
	}
	return n
}

type groupInfo struct {
	label    string
	priority int
}

// matchResult is the outcome of matching a rule against a packet.
type matchResult uint8

const (
	matchNo matchResult = iota
	matchYes
	matchMaybe
)

// rule is a compiled rule.
type rule struct {
	group      int32 // index into Engine.groups
	sid        int
	prio       int // Suricata priority; defaultPriority when unset
	action     flow.Action
	overridden bool   // a drop turned into an alert by DROP_TO_ALERT
	text       string // the rule's text: the end of label
	label      string // "group sid N: text", as Decision.RuleLabel gives it

	// header
	protoAny bool        // ip, ipv4, ipv6, or an application protocol
	family   uint8       // 0 both, 4 or 6
	protos   [4]uint64   // IP protocols when !protoAny
	apps     []string    // session application protocols the rule needs (one of)
	src, dst addrset.Set // the addresses the rule may match
	srcAny   bool
	dstAny   bool
	sp, dp   flow.PortSet
	spAny    bool
	dpAny    bool
	bidir    bool
	ipOnly   bool
	// pktWhy is set for a rule of packet scope (scope.go): its pass
	// passes the packet it matched, not the flow; it says why.
	pktWhy string
	// stream: a payload rule (pkt_stream), of flow scope where it matches
	// the TCP stream, of packet scope on other protocols.
	stream bool

	// srcSure and dstSure are the addresses the rule certainly matches;
	// they differ from src and dst only when an IP set whose entries are
	// unknown decides, and setKW ("@NAME", the first such set) and setWhy
	// then say so.
	srcSure, dstSure addrset.Set
	setKW, setWhy    string

	// options
	est          int8   // +1 established, -1 not_established
	dir          int8   // +1 to_server, -1 to_client
	never        bool   // a condition no packet meets (flow:only_frag, an undetected protocol)
	neverWhy     string // why never, for Explain
	needsPayload bool
	conds        []cond
	bufs         []buffer
	unknownKW    string // the first undecidable keyword, "" if none
	unknownWhy   string
	opaque       bool // a rule an opaque group stands for (opaque.go)
}

// defaultPriority is Suricata's priority of a rule without one.
const defaultPriority = 3

func (r *rule) hasProto(p flow.Protocol) bool {
	return p >= 0 && p <= 255 && r.protos[p>>6]&(1<<(uint(p)&63)) != 0
}

func (r *rule) setProto(p flow.Protocol) { r.protos[p>>6] |= 1 << (uint(p) & 63) }

// Compile checks a policy's stateful configuration and compiles
// it. It resolves every variable and IP set reference (res may be nil if
// no group has IP set references) and compiles every rule; see
// [Engine] for the semantics.
//
// Errors are *[flow.InputError] values naming the group and rule, wrapping
// [ErrInvalidPolicy] (rule order, defaults under DEFAULT_ACTION_ORDER,
// duplicate or out-of-range priorities, empty HomeNet), [ErrInvalidGroup]
// (a group's rule order differs from the policy's, sources, duplicate
// sids), [ErrInvalidRule] (options Suricata would reject, the priority
// keyword in a STRICT_ORDER group), [suricata.ErrSyntax] or [ErrUnresolved] (an
// unknown $VARIABLE or @REFERENCE: never a silent non-match). A reference
// whose entries res reports unknown ([ErrIPSetUnknown]) is accepted: its
// rules are undecidable where the entries could decide (see the package
// doc).
func Compile(cfg Config, res IPSetResolver) (*Engine, error) {
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
	e := &Engine{order: cfg.Order, defaults: cfg.Defaults}
	c := compiler{res: res, refs: map[string]addrset.Set{}, unknown: map[string]addrset.Set{}, home: home}
	seenPrio := map[int]int{}
	seenID := map[string]int{}
	for gi, ref := range cfg.Groups {
		g := ref.Group
		label := g.Label()
		path := "StatefulRuleGroupReferences[" + strconv.Itoa(gi) + "]"
		res := g.resource()
		gerr := func(err error) error { return &flow.InputError{Path: path, Resource: res, Err: err} }
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
			return nil, gerr(fmt.Errorf("%w: the group's rule order %s differs from the policy's %s", ErrRuleOrderMismatch, g.RuleOrder, cfg.Order))
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
		var rules []suricata.Rule
		if g.Opaque != "" {
			rules, err = opaqueRules(&g) // opaque.go
		} else {
			rules, err = g.Rules()
		}
		if err != nil {
			return nil, err
		}
		if err := c.startGroup(&g, label); err != nil {
			return nil, gerr(err)
		}
		e.groups = append(e.groups, groupInfo{label: label, priority: ref.Priority})
		start := len(e.rules)
		for ri := range rules {
			r, err := c.compile(&rules[ri], cfg.Order)
			if err != nil {
				return nil, &flow.InputError{Path: path, Resource: res, Rule: "sid " + strconv.Itoa(rules[ri].Sid()), Text: rules[ri].Text, Err: err}
			}
			r.group = int32(gi)
			r.label = label + " sid " + strconv.Itoa(r.sid) + ": " + r.text
			r.text = r.label[len(r.label)-len(r.text):]
			if ref.DropToAlert && r.action == flow.Drop {
				r.action, r.overridden = flow.Alert, true
			}
			if len(g.StandardRules) > 0 {
				r.pktWhy, r.stream = "", false // AWS: a standard rule's action applies to the flow (scope.go)
			}
			e.rules = append(e.rules, r)
		}
		disputeGeneratedDrops(e.rules[start:], &g, cfg.Order) // domainunknown.go
		if g.Opaque != "" {
			markOpaque(e.rules[start:], &g) // opaque.go
		}
	}
	if cfg.Order == StrictOrder {
		slices.SortStableFunc(e.rules, func(a, b rule) int {
			return cmp.Compare(e.groups[a.group].priority, e.groups[b.group].priority)
		})
	} else {
		slices.SortStableFunc(e.rules, func(a, b rule) int {
			return cmp.Or(cmp.Compare(a.action, b.action), cmp.Compare(a.prio, b.prio))
		})
	}
	e.ix.build(e.rules)
	e.dataDecides = e.computeDataDecides() // order.go
	return e, nil
}

// MustCompile is [Compile] that panics on error, for
// literals in tests and examples.
func MustCompile(cfg Config, res IPSetResolver) *Engine {
	e, err := Compile(cfg, res)
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

// compiler resolves and compiles the rules of one group at a time.
type compiler struct {
	res  IPSetResolver
	refs map[string]addrset.Set // resolved IP set references by ARN
	// unknown are the ARNs whose entries are unknown, each with the
	// addresses it may hold: those of its family (UnknownIPSet.Family),
	// or every address
	unknown map[string]addrset.Set
	home    addrset.Set // the policy's HOME_NET
	// the unknown IP sets the current rule's addresses involve, as
	// "@NAME (ARN)", each once, in the order written
	ruleUnknown []string

	g        *RuleGroup
	label    string
	gHome    addrset.Set
	gExt     addrset.Set // the group's own EXTERNAL_NET, when !extNeg
	extNeg   bool        // the group's EXTERNAL_NET is the policy's: !$HOME_NET of the policy
	ipsets   map[string]addrset.Set
	portsets map[string]flow.PortSet
}

func (c *compiler) startGroup(g *RuleGroup, label string) error {
	c.g, c.label = g, label
	c.gHome, c.gExt, c.extNeg = c.home, addrset.Set{}, true
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

// addrVal is the value of an address expression: the addresses it may
// hold and those it certainly holds. They differ only where an IP set
// whose entries are unknown decides: an address's membership in such a
// set is unknown, and the expression is read in three-valued logic.
type addrVal struct {
	may, sure addrset.Set
	neg       bool // the expression contains a negation (after expanding $EXTERNAL_NET)
}

// addrParts are the items of an address expression sorted as Suricata
// sorts them (DetectAddressParse2 in src/detect-engine-address.c): the
// positive items (its "gh" list) and the negated ones ("ghn"), each
// gathered as the addresses they may and certainly hold.
type addrParts struct {
	posMay, posSure, negMay, negSure addrset.Set
	neg                              bool
}

// add puts an item's value on the positive or the negated side.
func (p *addrParts) add(v addrVal, negated bool) {
	if negated {
		p.negMay, p.negSure = p.negMay.Union(v.may), p.negSure.Union(v.sure)
	} else {
		p.posMay, p.posSure = p.posMay.Union(v.may), p.posSure.Union(v.sure)
	}
	p.neg = p.neg || v.neg || negated
}

// merge resolves the parts as Suricata does, one address family at a
// time ([addrset.MergeNot]): "!10.0.0.0/8" holds no IPv6 address.
func (p *addrParts) merge() addrVal {
	may, sure := addrset.MergeNot(p.posMay, p.posSure, p.negMay, p.negSure)
	return addrVal{may: may, sure: sure, neg: p.neg}
}

// addr resolves an address expression as Suricata does (see the package
// doc's Variables). An IP set reference whose entries are unknown adds
// itself to c.ruleUnknown.
//
// Suricata refuses an address (DetectAddressMergeNot, which resolves the
// whole expression and each negated part on its own) whose negated side
// covers every IPv4 address ("Complete IP space negated") or which holds
// no address ("no addresses left after merging addresses and negated
// addresses"), and so does addr once the variables are resolved, with an
// [ErrInvalidRule] error naming the expression: a variable can bring
// either about ($EXTERNAL_NET when HOME_NET holds every IPv4 address;
// "[10.0.0.0/8,![$X,!10.0.0.0/16]]" when $X is 10.0.0.0/16). Where IP
// sets whose entries are unknown take part, addr refuses only what every
// value of theirs makes refused (the sure negations cover IPv4, the may
// bound is empty); where only some values would, the address is kept and
// read in three-valued logic (a stated limit, in the package doc).
func (c *compiler) addr(x suricata.AddrExpr) (addrVal, error) {
	return c.resolve(x, false)
}

// resolve is addr of x; part says x is a negated part, written "!x", and
// its errors name it so.
func (c *compiler) resolve(x suricata.AddrExpr, part bool) (addrVal, error) {
	var p addrParts
	if err := c.collect(x, &p); err != nil {
		return addrVal{}, err
	}
	what := func() string {
		if part {
			return fmt.Sprintf("negated part %q", "!"+x.String())
		}
		return fmt.Sprintf("address %q", x.String())
	}
	if addrset.All4().SubsetOf(p.negSure) {
		return addrVal{}, fmt.Errorf("%w: %s negates every IPv4 address once its variables are resolved, which Suricata refuses (\"Complete IP space negated\")", ErrInvalidRule, what())
	}
	v := p.merge()
	if v.may.IsEmpty() {
		return addrVal{}, fmt.Errorf("%w: %s holds no address once its variables are resolved, which Suricata refuses (\"no addresses left after merging addresses and negated addresses\")", ErrInvalidRule, what())
	}
	return v, nil
}

// collect adds expression x to the parts p: a negated expression is
// resolved on its own and its addresses join the negated side; the items
// of a list join the sides as if written in the enclosing list
// (Suricata's "normal block"); the policy's $EXTERNAL_NET, "!$HOME_NET",
// puts HOME_NET on the negated side.
func (c *compiler) collect(x suricata.AddrExpr, p *addrParts) error {
	if x.Negate {
		x.Negate = false
		v, err := c.resolve(x, true)
		if err != nil {
			return err
		}
		p.add(v, true)
		return nil
	}
	switch {
	case x.List != nil:
		for _, it := range x.List {
			if err := c.collect(it, p); err != nil {
				return err
			}
		}
		return nil
	case x.Var == "EXTERNAL_NET" && c.extNeg:
		p.add(addrVal{may: c.home, sure: c.home}, true)
		return nil
	}
	v, err := c.atom(x)
	if err != nil {
		return err
	}
	p.add(v, false)
	return nil
}

// atom resolves an expression that is neither negated nor a list.
func (c *compiler) atom(x suricata.AddrExpr) (v addrVal, err error) {
	var s addrset.Set
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
			s = c.gExt
		default:
			var ok bool
			if s, ok = c.ipsets[x.Var]; !ok {
				if _, isPort := c.portsets[x.Var]; isPort {
					return v, fmt.Errorf("%w: $%s is a port set, used as an address", ErrUnresolved, x.Var)
				}
				return v, fmt.Errorf("%w: variable $%s is not defined in the group's IPSets (nor is it HOME_NET or EXTERNAL_NET)", ErrUnresolved, x.Var)
			}
		}
	case x.Ref != "":
		var known bool
		if s, known, err = c.ref(x.Ref); err != nil {
			return v, err
		}
		if !known {
			return addrVal{may: s}, nil
		}
	default:
		return v, fmt.Errorf("%w: empty address expression", ErrInvalidRule)
	}
	return addrVal{may: s, sure: s}, nil
}

// ref resolves the IP set reference @name of the current group: its set,
// or known false and the addresses it may hold when the resolver says its
// entries are unknown (the reference then joins c.ruleUnknown).
func (c *compiler) ref(name string) (s addrset.Set, known bool, err error) {
	arn, ok := c.g.IPSetReferences[name]
	if !ok {
		return s, false, fmt.Errorf("%w: IP set reference @%s is not defined in the group's IPSetReferences", ErrUnresolved, name)
	}
	if s, ok = c.refs[arn]; ok {
		return s, true, nil
	}
	if s, ok = c.unknown[arn]; !ok {
		if c.res == nil {
			return s, false, fmt.Errorf("%w: IP set reference @%s (%s) needs an IPSetResolver", ErrUnresolved, name, arn)
		}
		ps, err := c.res.IPSet(arn)
		switch {
		case errors.Is(err, ErrIPSetUnknown):
			if s, err = unknownSetMay(err); err != nil {
				return s, false, fmt.Errorf("%w: IP set reference @%s (%s): %w", ErrUnresolved, name, arn, err)
			}
			c.unknown[arn] = s
		case err != nil:
			if !errors.Is(err, ErrUnresolved) {
				err = fmt.Errorf("%w: %w", ErrUnresolved, err)
			}
			return s, false, fmt.Errorf("IP set reference @%s (%s): %w", name, arn, err)
		default:
			if s, err = prefixSet(ps); err != nil {
				return s, false, fmt.Errorf("%w: IP set reference @%s (%s): %w", ErrInvalidGroup, name, arn, err)
			}
			c.refs[arn] = s
			return s, true, nil
		}
	}
	if u := "@" + name + " (" + arn + ")"; !slices.Contains(c.ruleUnknown, u) {
		c.ruleUnknown = append(c.ruleUnknown, u)
	}
	return s, false, nil
}

// unknownSetMay returns the addresses an IP set whose entries are unknown
// (err, wrapping [ErrIPSetUnknown]) may hold: those of its family when an
// [*UnknownIPSet] says it, else every address.
func unknownSetMay(err error) (addrset.Set, error) {
	var u *UnknownIPSet
	if !errors.As(err, &u) {
		return addrset.All(), nil
	}
	switch u.Family {
	case "":
		return addrset.All(), nil
	case FamilyIPv4:
		return addrset.All4(), nil
	case FamilyIPv6:
		return addrset.All6(), nil
	}
	return addrset.Set{}, fmt.Errorf("address family %q is neither %s nor %s", u.Family, FamilyIPv4, FamilyIPv6)
}

// ports resolves a port expression.
func (c *compiler) ports(x suricata.PortExpr) (flow.PortSet, error) {
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
	if s.IsEmpty() {
		return s, fmt.Errorf("%w: port expression %q holds no port once its variables are resolved, which Suricata refuses (\"no ports left after merging ports with negated ports\")", ErrInvalidRule, x.String())
	}
	return s, nil
}

// appAliases maps a rule's application protocol to the session protocols
// (as canonApp names them) it matches, as Suricata's AppProtoEquals
// (src/app-layer-protos.h) matches a signature's protocol to a flow's:
// http matches HTTP/1 and HTTP/2 (http1 HTTP/1 only), and dcerpc matches
// DCERPC over SMB too, so a dcerpc rule matches an smb session.
var appAliases = map[string][]string{
	"http":   {"http", "http2"},
	"dcerpc": {"dcerpc", "smb"},
	"http1":  {"http"},
	"ikev2":  {"ike"},
	"ike":    {"ike"},
	"ssl":    {"tls"},
}

// appsOf returns the session protocols a rule's application protocol
// name (lower case) matches (appAliases), in a shared slice.
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
func (c *compiler) compile(sr *suricata.Rule, order RuleOrder) (rule, error) {
	r := rule{sid: sr.Sid(), text: sr.Text, prio: defaultPriority, bidir: sr.Bidirectional}
	if r.sid <= 0 {
		return r, fmt.Errorf("%w: the rule has no positive sid", ErrInvalidRule)
	}
	switch sr.Action {
	case "pass":
		r.action = flow.Pass
	case "drop":
		r.action = flow.Drop
	case "reject":
		r.action = flow.Reject
	case "alert":
		r.action = flow.Alert
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
		if !slices.ContainsFunc(r.apps, detected) {
			// AWS: Network Firewall does not support FTP-data protocol
			// detection nor the IKEv2 protocol: no session is seen to
			// speak it
			r.never, r.neverWhy = true, fmt.Sprintf("Network Firewall does not detect the %s protocol (AWS, limitations and caveats for stateful rules): the rule matches no session", proto)
		}
	}
	if sr.NoMatch != "" {
		r.never, r.neverWhy = true, sr.NoMatch
	}
	c.ruleUnknown = c.ruleUnknown[:0]
	src, err := c.addr(sr.Src)
	if err != nil {
		return r, err
	}
	dst, err := c.addr(sr.Dst)
	if err != nil {
		return r, err
	}
	r.src, r.dst, r.srcSure, r.dstSure = src.may, dst.may, src.sure, dst.sure
	if len(c.ruleUnknown) > 0 {
		r.setKW, r.setWhy = unknownSetsWhy(c.ruleUnknown)
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
	r.ipOnly = headerProtos[proto] && len(r.apps) == 0 && info && r.spAny && r.dpAny && !src.neg && !dst.neg
	return r, nil
}

// unknownSetsWhy words the reason of a rule whose addresses involve IP
// sets whose entries are unknown (refs: "@NAME (ARN)", in the order
// written), and names the first as its keyword.
func unknownSetsWhy(refs []string) (kw, why string) {
	kw, _, _ = strings.Cut(refs[0], " ")
	if len(refs) == 1 {
		return kw, "IP set reference " + refs[0] + ": the input does not hold its entries"
	}
	return kw, "IP set references " + strings.Join(refs, ", ") + ": the input does not hold their entries"
}

// HasPassRule reports whether some rule of e is a pass rule; false for a
// nil Engine.
func (e *Engine) HasPassRule() bool {
	if e == nil {
		return false
	}
	for i := range e.rules {
		if e.rules[i].action == flow.Pass {
			return true
		}
	}
	return false
}

// DenyIgnoresApp reports whether d, a certain Deny by e, stands whatever
// the application layer of the session shows (as when TLS inspection
// decrypts it): a default action or a rule whose match does not depend on
// the application protocol, its buffers or its payload decided, and no
// pass rule of e depends on them. Rules that depend on them can then only
// add drops.
func (e *Engine) DenyIgnoresApp(d Decision) bool {
	if e == nil || d.Verdict != flow.Deny {
		return false
	}
	found := d.Default
	for i := range e.rules {
		r := &e.rules[i]
		if r.action == flow.Pass && r.needsApp() {
			return false
		}
		if !d.Default && r.sid == d.Sid && e.groups[r.group].label == d.Group {
			if r.needsApp() {
				return false
			}
			found = true
		}
	}
	return found
}
