package reach

import (
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/sg"
)

// Severity ranks an audit finding.
type Severity uint8

// The severities, least first.
const (
	Low Severity = iota + 1
	Medium
	High
)

var severityNames = [...]string{0: "none", Low: "low", Medium: "medium", High: "high"}

// String names the severity: "high"; "none" for the zero Severity
// ([AuditResult.Worst] of no finding).
func (s Severity) String() string {
	if int(s) < len(severityNames) && severityNames[s] != "" {
		return severityNames[s]
	}
	return "severity?"
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads "low", "medium" or "high".
func ParseSeverity(text string) (Severity, error) {
	for _, s := range []Severity{Low, Medium, High} {
		if s.String() == strings.ToLower(text) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("severity %q: want high, medium or low", text)
}

// Risk is a service an audit looks for: one that should not face the
// internet.
type Risk struct {
	Service  string        `json:"service"`
	Protocol flow.Protocol `json:"protocol"`
	Ports    flow.PortSet  `json:"ports"`
	Severity Severity      `json:"severity"`
}

// RiskyServices returns the audit's catalogue, a new slice: remote
// shells and desktops, file sharing, databases, caches, message queues,
// container and cluster control planes.
func RiskyServices() []Risk {
	r := func(name string, sev Severity, proto flow.Protocol, ports ...uint16) Risk {
		rs := make([]flow.PortRange, len(ports))
		for i, p := range ports {
			rs[i] = flow.Single(p)
		}
		return Risk{Service: name, Protocol: proto, Ports: flow.SetOf(rs...), Severity: sev}
	}
	tcp, udp := flow.TCP, flow.UDP
	return []Risk{
		r("SSH", High, tcp, 22),
		r("Telnet", High, tcp, 23),
		r("RDP", High, tcp, 3389),
		r("VNC", High, tcp, 5800, 5900),
		r("SMB", High, tcp, 445),
		r("NetBIOS", High, tcp, 137, 138, 139),
		r("NetBIOS", High, udp, 137, 138, 139),
		r("RPC", High, tcp, 135),
		r("Docker API", High, tcp, 2375, 2376),
		r("Kubernetes API", High, tcp, 6443),
		r("etcd", High, tcp, 2379, 2380),
		r("Kubelet", High, tcp, 10250),
		r("MySQL", High, tcp, 3306),
		r("PostgreSQL", High, tcp, 5432),
		r("MSSQL", High, tcp, 1433),
		r("Oracle", High, tcp, 1521),
		r("MongoDB", High, tcp, 27017),
		r("Redis", High, tcp, 6379),
		r("Memcached", High, tcp, 11211),
		r("Memcached", High, udp, 11211),
		r("Elasticsearch", High, tcp, 9200, 9300),
		r("Cassandra", High, tcp, 9042),
		r("CouchDB", High, tcp, 5984),
		r("ZooKeeper", High, tcp, 2181),
		r("Kafka", High, tcp, 9092),
		r("NFS", High, tcp, 2049),
		r("LDAP", Medium, tcp, 389),
		r("SNMP", Medium, udp, 161),
		r("FTP", Medium, tcp, 21),
		r("SMTP", Medium, tcp, 25),
		r("RabbitMQ", Medium, tcp, 5672),
		r("Jupyter", Medium, tcp, 8888),
		r("Kibana", Medium, tcp, 5601),
		r("Prometheus", Low, tcp, 9090),
		r("Grafana", Low, tcp, 3000),
	}
}

// AuditOptions tunes [Model.Audit].
type AuditOptions struct {
	// Catalogue is the services to look for; nil means RiskyServices().
	Catalogue []Risk
	// IPv6 audits IPv6 exposure; the default is IPv4.
	IPv6 bool
	// Workers is how many goroutines share the interfaces; 0 means one
	// per core.
	Workers int
	// SrcPort is the client (source) port the sessions are asked from.
	// 0, the zero value, asks from every client port, 1-65535, as
	// `reachsim audit`, [Model.Lint] and reachtest.AssertNotExposed do:
	// a service is Exposed when some internet address reaches it from
	// some client port for certain (a client picks its own port), and
	// Undecided when none does but the input leaves some open; a network
	// ACL that lets replies out only to some client ports (1024-32767,
	// say) then closes the service only when it closes it for every
	// client port. Any other value asks from that one client port alone
	// ([DefaultSourcePort], 50000, for what [Model.Check] asks by
	// default). Sources are the internet addresses that reach the service
	// from the client ports asked; ClosedBy is what stops a session from
	// SrcPort, or from DefaultSourcePort when SrcPort is 0.
	SrcPort uint16
	// ByPort answers each service port by port: a finding per set of
	// its ports answered alike (the same rules open them, to the same
	// internet addresses, with the same exposure and sources, and for a
	// closed one the same hops stopping it; ClosedBy's fix is for the
	// first port), rather than one finding for all of them, exposed when
	// some port is. The findings of a service at an address come in the
	// order of their first port. Answered atom by atom as without it
	// (audit_ports.go): "every tcp port" costs a walk per piece of the
	// ports no filter tells apart, not one per port.
	ByPort bool
}

// Exposure says how far the internet gets to a risky service.
type Exposure uint8

// The exposures.
const (
	// Closed: a security group rule opens the service to internet
	// addresses, but a hop stops every one of them: another layer, or,
	// on Alibaba Cloud, a drop rule of the interface's own security
	// groups that comes first (a smaller priority number, or the same;
	// ClosedBy then names the security groups).
	Closed Exposure = iota + 1
	// Exposed: some internet address reaches the service, through every
	// layer.
	Exposed
	// Undecided: no internet address reaches it for certain, but the
	// input leaves some open.
	Undecided
)

var exposureNames = [...]string{Closed: "closed", Exposed: "exposed", Undecided: "indeterminate"}

// String names the exposure.
func (e Exposure) String() string {
	if int(e) < len(exposureNames) && exposureNames[e] != "" {
		return exposureNames[e]
	}
	return "exposure?"
}

// MarshalText writes the name.
func (e Exposure) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Finding is one risky service of one interface that a security group
// opens to internet addresses.
type Finding struct {
	Interface string `json:"interface"`
	Name      string `json:"name,omitempty"`
	// Address is where the internet sends to: the public IP of the
	// interface's first private address ([Interface.PublicIP]), or that
	// private address when it has none; or the public or Elastic IP of
	// another of its private addresses ([Interface.PublicIPs]); for IPv6,
	// any of its IPv6 addresses. An interface gets a finding per address
	// for each service.
	Address netip.Addr `json:"address"`
	// AddressUnknown names the value known only later whose placeholder
	// Address is ([Interface.PublicIPUnknown], [Interface.IPv6Unknown]);
	// empty when Address is the interface's own.
	AddressUnknown string `json:"address_unknown,omitempty"`
	// Prefix, on a finding for the addresses of an IPv6 prefix delegated
	// to the interface ([Interface.DelegatedPrefixes]), is that prefix;
	// Address is then its first address, whose sessions the finding
	// answers. Where the design could treat the prefix's addresses apart
	// (a route or block inside it, a firewall), a finding not Exposed for
	// Address is Undecided.
	Prefix netip.Prefix `json:"prefix,omitzero"`
	// PrefixesUnknown, on a finding for the free addresses of the
	// interface's subnet that IPv6 prefixes AWS delegates to it at launch
	// may hold ([Interface.IPv6PrefixesUnknown]), names that value known
	// only later; Prefix is then the subnet's IPv6 block and Address the
	// first free address of it, whose sessions the finding answers as if
	// it were the interface's. Whether AWS delegates an address is
	// unknown, so such a finding is never Exposed: Undecided where an
	// address would be exposed, or where the design could treat the free
	// addresses apart (as for Prefix) and Address's is not.
	PrefixesUnknown string        `json:"prefixes_unknown,omitempty"`
	Service         string        `json:"service"`
	Severity        Severity      `json:"severity"`
	Protocol        flow.Protocol `json:"protocol"`
	// Ports are the service's ports the opening rules open.
	Ports    flow.PortSet `json:"ports"`
	Exposure Exposure     `json:"exposure"`
	// Sources are the internet addresses that reach it (Exposed), or
	// might (Undecided), as the fewest CIDR blocks.
	Sources []netip.Prefix `json:"sources"`
	// OpenedBy names the security group rules that open it to internet
	// addresses: "sg-1 rule sgr-2 (tcp/22 from 0.0.0.0/0)". A rule that
	// matches only some source ports (Alibaba Cloud's 5-tuple rules) names
	// them as its trace does: "sg-1 rule i3 (tcp/443 from 0.0.0.0/0 from
	// source ports 1-1023)".
	OpenedBy []string `json:"opened_by"`
	// ClosedBy names, for a Closed finding, the hops that stop a session
	// from an address the rules open it to: one that no block of the
	// design tells apart from the rest of the internet, where a
	// documentation address is one (package doc, "Set questions").
	ClosedBy []Block `json:"closed_by,omitempty"`

	// sameLayer, for a Closed finding that the interface's own Alibaba
	// Cloud groups close, is the drop rule that decides (lint words it)
	sameLayer *sgClosing
}

// sgClosing is the drop rule of an interface's Alibaba Cloud groups that
// closes a session its accept rules open, and those accept rules.
type sgClosing struct {
	drop   ruleKey
	rule   sg.Rule
	groups []string // the interface's groups
	opens  []ruleKey
}

// sgClosingOf is what closes the session of r when its first block is
// the destination interface's Alibaba Cloud groups and a drop rule of
// theirs decides (Alibaba: the rules by priority, drop first at equal
// priority); nil otherwise. opens are the accept rules that open it.
func (m *Model) sgClosingOf(r *Result, opens []ruleKey) *sgClosing {
	if len(r.Blocks) == 0 {
		return nil
	}
	b := r.Blocks[0]
	if b.Kind != KindSecurityGroups || b.Indeterminate || b.Leg != Forward || b.Hop < 1 || b.Hop > len(r.Forward) {
		return nil
	}
	h := r.Forward[b.Hop-1]
	ii := m.ifaceAt(h)
	if ii == nil || ii.sg == nil || !ii.sg.normal.Flavour().IsAlibaba() {
		return nil
	}
	d := ii.sg.normal.Evaluate(h.Packet, h.Direction)
	if d.Basis != sg.ByRule || d.Action != flow.Drop {
		return nil
	}
	return &sgClosing{drop: ruleKey{d.Group, d.RuleIndex}, rule: d.Rule, groups: ii.Groups, opens: opens}
}

// AuditResult is the answer of [Model.Audit]. Its JSON form is part of
// the CLI's stable schema (README, "Set questions").
type AuditResult struct {
	// Interfaces is how many interfaces were audited.
	Interfaces int `json:"interfaces"`
	// Findings are sorted by severity (highest first), exposure, then
	// the design's order of interfaces.
	Findings []Finding `json:"findings"`
}

// Worst returns the highest severity of the exposed or undecided
// findings, 0 when there is none.
func (a *AuditResult) Worst() Severity {
	var w Severity
	for _, f := range a.Findings {
		if f.Exposure != Closed && f.Severity > w {
			w = f.Severity
		}
	}
	return w
}

// Audit checks every interface against a catalogue of risky services:
// for each security group rule that opens one of them to internet
// addresses, whether some internet address reaches it through every
// layer (routes, gateways, network ACLs, firewalls, the reply's way
// back), with the exact set of those addresses; or whether another layer
// closes it (on Alibaba Cloud, or a drop rule of the interface's own
// groups that comes first), and which. Only a security group rule can open a port of an
// interface to the internet, so an interface no rule opens a service on
// has no finding for it. It asks at every address the internet sends to
// the interface at, with a finding per address ([Finding.Address]): the
// public IP of its first private address, or that private address when
// it has none, and the public or Elastic IP of each of its other private
// addresses that has one ([Interface.PublicIPs]); for IPv6, each of its
// IPv6 addresses. Sessions are asked from every client port, or, with
// [AuditOptions].SrcPort, from that one alone. Interfaces of one
// class ([Model.Matrix]) are answered once. With transit gateway appliance mode (or an exit
// subnet AWS does not name, [Model.Matrix]), the addresses are
// merged over the subnets the gateway can pick as [Model.Sources]
// merges them: a service some address reaches whichever subnet the hash
// picks is exposed; one no address reaches for certain but some might,
// undecided.
func (m *Model) Audit(o AuditOptions) (*AuditResult, error) {
	if err := m.unknownErrOthers(false); err != nil {
		return nil, err
	}
	if err := m.unknownErrIfaces(); err != nil {
		return nil, err
	}
	if err := m.applianceErr("Audit"); err != nil {
		return nil, err
	}
	cat := o.Catalogue
	if cat == nil {
		cat = RiskyServices()
	}
	classes, _ := m.classes(o.IPv6)
	if o.IPv6 {
		// an interface with IPv6 prefixes delegated to it, or delegated
		// at launch, and no IPv6 address of its own is in no class: its
		// prefixes are audited alone (auditPrefixesOnly)
		for _, ii := range m.ifaceOrder {
			if _, ok := ii.addr(true); !ok && (ii.IPv6PrefixesUnknown != "" || slices.ContainsFunc(ii.DelegatedPrefixes, func(p netip.Prefix) bool { return p.Addr().Is6() })) {
				classes = append(slices.Clip(classes), []*ifaceInfo{ii})
			}
		}
	}
	not := m.notInternetSet().Ranges()
	res := &AuditResult{Findings: []Finding{}}
	per := make([][]Finding, len(classes))
	errs := make([]error, len(classes))
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallel(len(classes), workers, func(k int) {
		if _, own := classes[k][0].addr(o.IPv6); !own {
			per[k], errs[k] = m.auditPrefixesOnly(classes[k][0], cat, not, o)
			return
		}
		per[k], errs[k] = m.auditClass(classes[k], cat, o.IPv6, not, o)
	})
	for k, cl := range classes {
		if errs[k] != nil {
			return nil, errs[k]
		}
		res.Interfaces += len(cl)
		res.Findings = append(res.Findings, per[k]...)
	}
	order := map[string]int{}
	for i, ii := range m.ifaceOrder {
		order[ii.ID] = i
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity) - int(a.Severity)
		}
		if ea, eb := exposureRank(a.Exposure), exposureRank(b.Exposure); ea != eb {
			return ea - eb
		}
		return order[a.Interface] - order[b.Interface]
	})
	return res, nil
}

func exposureRank(e Exposure) int {
	switch e {
	case Exposed:
		return 0
	case Undecided:
		return 1
	}
	return 2
}

// opening is a security group rule that opens ports to internet
// addresses.
type opening struct {
	key   ruleKey
	label string
	proto flow.Protocol // AllProtocols for a rule of every protocol
	ports flow.PortSet
	peers []netip.Prefix // the rule's blocks that hold internet addresses
}

// openings lists the inbound rules of ii's groups that open something
// to internet addresses of the family; not is every address that is no
// internet host ([Model.notInternet]), its ranges sorted.
func (m *Model) openings(ii *ifaceInfo, v6 bool, not []addrset.Range) []opening {
	var out []opening
	for _, g := range ii.sg.normal.Groups() {
		for i, r := range g.Rules {
			if r.Direction != flow.Inbound || (r.Action != 0 && r.Action != flow.Pass) {
				continue
			}
			if !r.Protocol.HasPorts() && r.Protocol != flow.AllProtocols {
				continue // the catalogue holds tcp and udp services
			}
			var peers []netip.Prefix
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				peers = []netip.Prefix{r.Peer.CIDR}
			case sg.PeerPrefixList:
				peers = m.lists[r.Peer.PrefixList]
				if m.isUnresolvedList(r.Peer.PrefixList) {
					// its entries are not in the input: it may hold any
					// internet address of its family, which the walk then
					// leaves open
					peers = nil
					for _, all := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
						if familyMayHold(m.unresolvedLists[r.Peer.PrefixList], all.Addr()) {
							peers = append(peers, all)
						}
					}
				}
			}
			var public []netip.Prefix
			for _, p := range peers {
				if p.Addr().Is6() == v6 && !covered(not, p.Masked().Addr(), addrset.Last(p)) {
					public = append(public, p)
				}
			}
			if len(public) == 0 {
				continue
			}
			ports := flow.FullSet[uint16]()
			if r.Protocol.HasPorts() {
				ports = flow.SetOf(r.Ports)
				if r.PortZero {
					ports = flow.SetOf(flow.PortRange{})
				}
			}
			label := fmt.Sprintf("%s rule %s (%s from %s", g.ID, ruleName(r, i), r.Traffic(), r.Peer)
			if r.SourcePorts != (flow.PortRange{}) && !r.SourcePorts.IsFull() {
				// an Alibaba 5-tuple rule matches only these client
				// ports: without them a finding closed at the default
				// client port would name an opening rule in the very
				// group that closes it, with nothing to say why
				label += " from source ports " + r.SourcePorts.String()
			}
			out = append(out, opening{key: ruleKey{g.ID, i}, label: label + ")", proto: r.Protocol, ports: ports, peers: public})
		}
	}
	return out
}

// covered reports whether the sorted, merged ranges rs hold every
// address from from to to.
func covered(rs []addrset.Range, from, to netip.Addr) bool {
	i, _ := slices.BinarySearchFunc(rs, from, func(r addrset.Range, a netip.Addr) int {
		if a.Less(r.From) {
			return 1
		}
		if r.To.Less(a) {
			return -1
		}
		return 0
	})
	return i < len(rs) && !from.Less(rs[i].From) && !rs[i].To.Less(to)
}

// ruleName is a rule's ID, or its position in its group when it has
// none, counted from 0 as [sg.Rule.Label] counts it: a check's trace, the
// loader's warnings, audit and lint give one rule one name.
func ruleName(r sg.Rule, i int) string {
	if r.ID != "" {
		return r.ID
	}
	return "#" + strconv.Itoa(i)
}

// asks lists, per risky service of the catalogue, what the inbound
// rules of ii's groups open of it to internet addresses of the family;
// o.SrcPort is the client port asked from (0: every one). With o.ByPort,
// a service's ports are cut into the sets the same rules open
// (splitByOpenings), an ask each.
func (m *Model) asks(ii *ifaceInfo, cat []Risk, v6 bool, not []addrset.Range, o AuditOptions) []serviceAsk {
	opens := m.openings(ii, v6, not)
	if len(opens) == 0 {
		return nil
	}
	var asked []serviceAsk
	for ri, risk := range cat {
		var ports flow.PortSet
		var by []string
		var keys []ruleKey
		var where []netip.Prefix
		var hitOps []opening
		var hits []flow.PortSet
		for _, op := range opens {
			if op.proto != flow.AllProtocols && op.proto != risk.Protocol {
				continue
			}
			if hit := op.ports.Intersect(risk.Ports); !hit.IsEmpty() {
				ports, by, where = ports.Union(hit), append(by, op.label), append(where, op.peers...)
				hitOps, hits, keys = append(hitOps, op), append(hits, hit), append(keys, op.key)
			}
		}
		if ports.IsEmpty() {
			continue
		}
		if !o.ByPort {
			open := addrset.Of(where...).Difference(addrset.OfRanges(not...))
			asked = append(asked, serviceAsk{risk, ports, open, by, keys, o.SrcPort, false, ri})
			continue
		}
		sets, bys, keyss, wheres := splitByOpenings(hitOps, hits)
		for i, ps := range sets {
			open := addrset.Of(wheres[i]...).Difference(addrset.OfRanges(not...))
			asked = append(asked, serviceAsk{risk, ps, open, bys[i], keyss[i], o.SrcPort, true, ri})
		}
	}
	return asked
}

// auditClass audits the first interface of a class and copies the
// findings to every member.
func (m *Model) auditClass(cl []*ifaceInfo, cat []Risk, v6 bool, not []addrset.Range, o AuditOptions) ([]Finding, error) {
	rep := cl[0]
	asked := m.asks(rep, cat, v6, not, o) // also what the members' delegated prefixes answer
	if len(asked) == 0 {
		return nil, nil
	}
	// found[k] are the findings at the representative's k-th address
	// (internetEnds); every member of a class has as many
	// (computeClasses: an interface with Elastic IPs on its other
	// private addresses is a class of its own)
	reps := rep.internetEnds(v6, true)
	found := make([][]Finding, len(reps))
	for k, at := range reps {
		fs, err := m.auditAsks(at, asked, v6, nil)
		if err != nil {
			return nil, err
		}
		found[k] = fs
	}
	var out []Finding
	for _, ii := range cl {
		for k, at := range ii.internetEnds(v6, true) {
			if k >= len(found) {
				return nil, fmt.Errorf("audit: %s has more public addresses than %s, the first of its class (internal error)", ii.label(), rep.label())
			}
			for _, f := range found[k] {
				f.Interface, f.Name = ii.ID, ii.Name
				f.Address = at
				f.AddressUnknown = ii.unknownAt(f.Address)
				f.Sources = slices.Clone(f.Sources)
				f.OpenedBy = slices.Clone(f.OpenedBy)
				f.ClosedBy = slices.Clone(f.ClosedBy)
				out = append(out, f)
			}
		}
		if v6 && len(ii.DelegatedPrefixes) > 0 {
			fs, err := m.auditDelegated(ii, asked) // delegated.go
			if err != nil {
				return nil, err
			}
			out = append(out, fs...)
		}
		if v6 && ii.IPv6PrefixesUnknown != "" {
			fs, err := m.auditPrefixesUnknown(ii, asked) // prefixes_unknown.go
			if err != nil {
				return nil, err
			}
			out = append(out, fs...)
		}
	}
	return out, nil
}

// auditPrefixesOnly audits the IPv6 prefixes delegated to ii, an
// interface with no IPv6 address of its own (AWS lets an interface have
// IPv6 prefixes and no IPv6 address): what its groups open to internet
// addresses, asked of each prefix as auditClass asks it of a member's,
// and of the free addresses prefixes AWS delegates at launch may hold.
func (m *Model) auditPrefixesOnly(ii *ifaceInfo, cat []Risk, not []addrset.Range, o AuditOptions) ([]Finding, error) {
	asked := m.asks(ii, cat, true, not, o)
	if len(asked) == 0 {
		return nil, nil
	}
	out, err := m.auditDelegated(ii, asked) // delegated.go
	if err != nil {
		return nil, err
	}
	fs, err := m.auditPrefixesUnknown(ii, asked) // prefixes_unknown.go
	return append(out, fs...), err
}

// Text writes the findings as the CLI prints them: a summary line, then
// per finding its severity, exposure, service, protocol and ports, the
// interface and the address the internet sends to; the internet blocks
// that reach it (exposed) or might (indeterminate); the security group
// rules that open it; and, for a closed finding, the hops that stop it.
//
//	audited 3 interfaces: 1 finding (0 exposed, 0 indeterminate, 1 closed)
//	high   closed        SSH tcp/22 on web-1 (eni-web1) [203.0.113.10]
//	    opened by sg-web rule sgr-web-ssh (tcp/22 from 198.51.100.0/24)
//	    closed by network-firewall vpce-fw (FIREWALL_DROP, forward hop 4)
//
// Every string from the design or the catalogue is escaped as
// [Result.Text] escapes it (internal/textsafe).
func (a *AuditResult) Text() string {
	var b strings.Builder
	count := map[Exposure]int{}
	for _, f := range a.Findings {
		count[f.Exposure]++
	}
	switch len(a.Findings) {
	case 0:
		fmt.Fprintf(&b, "audited %d %s: no finding (no security group rule opens a risky service to internet addresses)\n",
			a.Interfaces, plural(a.Interfaces, "interface", "interfaces"))
		return b.String()
	default:
		fmt.Fprintf(&b, "audited %d %s: %d %s (%d exposed, %d indeterminate, %d closed)\n",
			a.Interfaces, plural(a.Interfaces, "interface", "interfaces"), len(a.Findings), plural(len(a.Findings), "finding", "findings"),
			count[Exposed], count[Undecided], count[Closed])
	}
	for _, f := range a.Findings {
		name := textsafe.String(f.Interface)
		if f.Name != "" {
			name = fmt.Sprintf("%s (%s)", textsafe.String(f.Name), name)
		}
		where := f.Address.String() + placeholderText(f.AddressUnknown)
		switch {
		case f.PrefixesUnknown != "":
			where = "free addresses of " + f.Prefix.String() + ", which prefixes delegated at launch may hold: " + textsafe.String(f.PrefixesUnknown) + " is known only later"
		case f.Prefix.IsValid():
			where = "delegated " + f.Prefix.String()
		}
		fmt.Fprintf(&b, "%-6s %-13s %s %s/%s on %s [%s]\n", f.Severity, f.Exposure, textsafe.String(f.Service), f.Protocol, f.Ports, name, where)
		switch f.Exposure {
		case Exposed, Undecided:
			fmt.Fprintf(&b, "    from %s\n", prefixText(f.Sources))
		}
		for _, o := range f.OpenedBy {
			fmt.Fprintf(&b, "    opened by %s\n", textsafe.String(o))
		}
		for _, c := range f.ClosedBy {
			fmt.Fprintf(&b, "    closed by %s\n", closedByText(c))
		}
	}
	return b.String()
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
