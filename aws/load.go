package aws

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	slashpath "path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// ErrInvalidDump is wrapped by the errors [Load] reports about AWS CLI
// output it cannot use: a required field that is missing, a value of the
// wrong form, entries of a prefix list it cannot attribute, a resource
// listed twice. JSON that does not decode wraps [flow.ErrJSON] instead,
// and references to resources that are not in the input wrap
// [ErrTopology] (or [firewall.ErrUnresolved] for firewall policies and
// rule groups).
var ErrInvalidDump = errors.New("invalid AWS CLI output")

// Report says what [Load] read and what it left out.
type Report struct {
	// Files lists the files read, in the order read (the paths as given,
	// each directory's *.json files in name order).
	Files []string
	// Warnings lists, sorted, what was read but not modelled and why:
	// unknown top-level keys, instances that are not running, routes to
	// targets reachsim does not model, NAT gateways that are not
	// available... Each starts with the file and the JSON path.
	Warnings []string
	// Counts maps each kind of resource to the number modelled:
	// "vpcs", "subnets", "instances", "network-interfaces",
	// "security-groups", "security-group-rules", "network-acls",
	// "route-tables", "routes", "internet-gateways", "nat-gateways",
	// "prefix-lists", "firewalls", "firewall-policies", "rule-groups".
	// Every kind is present, zero when none was loaded.
	Counts map[string]int
}

// Load reads AWS CLI JSON from files and directories (non-recursive;
// *.json) in the OS file system and builds the model.
//
// Produce the input with the AWS CLI (v2 merges paginated results, so no
// NextToken is left in the files); add --filters Name=vpc-id,Values=vpc-…
// (attachment.vpc-id for internet gateways; describe-security-group-rules
// filters by group-id only) to narrow a busy account down to one VPC:
//
//	aws ec2 describe-vpcs                 --output json > vpcs.json
//	aws ec2 describe-subnets              --output json > subnets.json
//	aws ec2 describe-instances            --output json > instances.json
//	aws ec2 describe-network-interfaces   --output json > network-interfaces.json
//	aws ec2 describe-security-groups      --output json > security-groups.json
//	aws ec2 describe-security-group-rules --output json > security-group-rules.json
//	aws ec2 describe-network-acls         --output json > network-acls.json
//	aws ec2 describe-route-tables         --output json > route-tables.json
//	aws ec2 describe-internet-gateways    --output json > internet-gateways.json
//	aws ec2 describe-nat-gateways         --output json > nat-gateways.json
//	# prefix lists that rules or routes use: the lists, then each list's entries
//	aws ec2 describe-managed-prefix-lists --output json > prefix-lists.json
//	aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0123456789abcdef0 --output json > pl-0123456789abcdef0.json
//	# AWS Network Firewall: the firewall, its policy, each rule group the policy names
//	aws network-firewall describe-firewall        --firewall-name NAME --output json > firewall.json
//	aws network-firewall describe-firewall-policy --firewall-policy-arn ARN --output json > firewall-policy.json
//	aws network-firewall describe-rule-group      --rule-group-arn ARN --output json > rule-group-NAME.json
//
// and run Load on the directory. Skip the commands for what the account
// does not use; describe-instances and describe-network-interfaces each
// suffice for the interfaces, describe-security-groups and
// describe-security-group-rules each for the groups (both are best: the
// first has the groups' names and VPCs, the second the rules' sgr- IDs,
// which traces show).
//
// How the input is read:
//   - Each file is recognised by its top-level keys, not its name; one file
//     may merge the keys of several commands (jq -s add). The keys read are
//     Vpcs, Subnets, NetworkInterfaces, Reservations, SecurityGroups,
//     SecurityGroupRules, NetworkAcls, RouteTables, InternetGateways,
//     NatGateways, PrefixLists, Entries, RuleGroup with RuleGroupResponse,
//     FirewallPolicy with FirewallPolicyResponse, Firewall with
//     FirewallStatus. NextToken and UpdateToken are ignored (a NextToken
//     that is set is a warning: a page of the listing is missing). Any other
//     key is a warning, not a failure. Files may come in any order.
//   - Only running instances are modelled: the interfaces of a pending,
//     stopping, stopped, shutting-down or terminated instance are left out,
//     with a warning. An interface's addresses and groups come from
//     describe-network-interfaces and from the NetworkInterfaces of
//     describe-instances, merged by interface ID (when both list an
//     interface and disagree, describe-network-interfaces wins, with a
//     warning). Without describe-instances every in-use interface is
//     modelled. Private addresses are PrivateIpAddresses (primary first)
//     then Ipv6Addresses; the public IPv4 address is Association.PublicIp.
//     An interface's Name tag names it; an instance's Name tag names its
//     primary interface (device index 0) when that has none. Interfaces of
//     NAT gateways and Gateway Load Balancer (firewall) endpoints are left
//     out silently, being modelled as what they serve; interfaces of load
//     balancers, transit gateways and other managed services, interfaces
//     that are not attached and interfaces without security groups are
//     left out with a warning.
//   - Security groups from both describe-security-groups and
//     describe-security-group-rules take their rules from the second and
//     their names and VPC from the first (a warning says when the two
//     disagree on the number of rules).
//   - Route tables: an association with Main true makes the table its
//     VPC's main table, one with a SubnetId the subnet's table, one with an
//     internet gateway's GatewayId an edge association; routes to local,
//     igw-…, vpce-… (a Network Firewall endpoint of a firewall in the input),
//     nat-… and eni-… are modelled, a route in state blackhole becomes a
//     [reach.TargetBlackhole] route. Routes to anything else (transit gateways, peering
//     connections, virtual private gateways, egress-only internet gateways,
//     VPC endpoints that are not firewall endpoints...) are skipped with a
//     warning: the table's other routes then answer for those addresses.
//   - Network ACLs: IsDefault makes an ACL its VPC's default; Associations
//     give each subnet its ACL. The "*" entries (32767, 32768) are implicit.
//   - NAT gateways in state available are modelled with their primary
//     address (PrivateIp, PublicIp); others are a warning.
//   - Prefix lists: a file with both PrefixLists (one list) and Entries, or
//     an Entries-only file whose name holds the list's ID (pl-….json). A list
//     that rules or routes reference but whose entries are not in the input
//     is modelled empty, with a warning.
//   - AWS Network Firewall: a firewall's FirewallPolicyArn must name a
//     policy in the input, and the policy's rule group ARNs rule groups in
//     the input. The firewall's ID is its ARN, its name FirewallName, and
//     its endpoints those of FirewallStatus.SyncStates.
//
// Errors come in two rounds, each reported whole, joined with errors.Join,
// each error a *[flow.InputError] whose File is the file the faulty
// resource came from and whose Path is its JSON path there
// (SecurityGroupRules[7], NetworkInterfaces[2].Groups[0].GroupId). First
// what the loader finds: malformed JSON, a missing required field, a
// resource listed twice, a reference the loader resolves itself that is not
// in the input (a route table or network ACL associated with an unknown
// subnet, a firewall policy or rule group ARN). When there are none, every
// fault [Builder.Build] finds: a subnet whose VPC, an interface whose
// security group, a route whose NAT gateway, a rule whose referenced group
// is not in the input, and the rest. Build's sentinels ([ErrTopology], the
// packages' own) stay reachable with errors.Is. The report is returned even
// when the load fails.
func Load(paths ...string) (*reach.Model, *Report, error) {
	return load(osSource{}, paths)
}

// LoadFS is Load over an fs.FS (the embedded sample, tests). Paths
// are slash-separated and relative to the root of fsys, as fs.FS wants.
func LoadFS(fsys fs.FS, paths ...string) (*reach.Model, *Report, error) {
	return load(fsSource{fsys}, paths)
}

// source is a file system to read the input from.
type source interface {
	stat(name string) (fs.FileInfo, error)
	readDir(name string) ([]fs.DirEntry, error)
	readFile(name string) ([]byte, error)
	join(dir, name string) string
	clean(name string) string
}

type osSource struct{}

func (osSource) stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osSource) readDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osSource) readFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (osSource) join(dir, name string) string               { return filepath.Join(dir, name) }
func (osSource) clean(name string) string                   { return filepath.Clean(name) }

type fsSource struct{ fsys fs.FS }

func (s fsSource) stat(name string) (fs.FileInfo, error)      { return fs.Stat(s.fsys, name) }
func (s fsSource) readDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.fsys, name) }
func (s fsSource) readFile(name string) ([]byte, error)       { return fs.ReadFile(s.fsys, name) }
func (fsSource) join(dir, name string) string                 { return slashpath.Join(dir, name) }
func (fsSource) clean(name string) string                     { return slashpath.Clean(name) }

// gather expands the paths into the files to read: a file as is, a
// directory's *.json files (not its subdirectories) in name order. A file
// named twice is read once.
func gather(src source, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, &flow.InputError{Err: fmt.Errorf("%w: no input: name at least one file or directory of AWS CLI JSON", ErrInvalidDump)}
	}
	var files []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	var errs []error
	for _, p := range paths {
		p = src.clean(p)
		info, err := src.stat(p)
		if err != nil {
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		entries, err := src.readDir(p)
		if err != nil {
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(slashpath.Ext(e.Name()), ".json") {
				add(src.join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			errs = append(errs, &flow.InputError{File: p, Err: fmt.Errorf("%w: the directory holds no *.json file", ErrInvalidDump)})
		}
	}
	return files, errors.Join(errs...)
}

func load(src source, paths []string) (*reach.Model, *Report, error) {
	l := newLoader()
	files, err := gather(src, paths)
	if err != nil {
		return nil, l.report, err
	}
	for _, f := range files {
		data, err := src.readFile(f)
		if err != nil {
			l.errs = append(l.errs, &flow.InputError{File: f, Err: err})
			continue
		}
		l.report.Files = append(l.report.Files, f)
		l.readFile(f, data)
	}
	if len(l.errs) == 0 {
		l.assemble()
	}
	slices.Sort(l.report.Warnings)
	if len(l.errs) > 0 {
		return nil, l.report, errors.Join(l.errs...)
	}
	b, where := l.builder()
	m, err := b.Build()
	if err != nil {
		return nil, l.report, where.explain(err)
	}
	return m, l.report, nil
}

// origin is where a value sits in the input: a file and a JSON path.
type origin struct{ file, path string }

func (o origin) field(name string) origin { return origin{o.file, jsonloc.Join(o.path, name)} }

func (o origin) index(i int) origin { return origin{o.file, jsonloc.Index(o.path, i)} }

func (o origin) String() string {
	if o.path == "" {
		return o.file
	}
	return o.file + ": " + o.path
}

// The records the loader collects before it builds. Each keeps the
// origins of its fields, so that every error can name the file and path.
type (
	vpcRec struct {
		vpc      reach.VPC
		at       origin
		cidrAt   []origin
		mainAt   origin // the Main association in the route tables
		defACLAt origin // the default ACL in the network ACLs
	}
	subnetRec struct {
		subnet reach.Subnet
		at     origin
		cidrAt []origin
		rtAt   origin
		aclAt  origin
	}
	eniRec struct {
		id        string
		at        origin
		subnet    string
		ips       []netip.Addr
		ipAt      []origin
		public    netip.Addr
		publicAt  origin
		groups    []string
		groupAt   []origin
		name      string
		instance  string
		device    int // attachment device index, -1 when unknown
		typ       string
		attached  bool
		secondary []string // public IPs of secondary private addresses (not modelled)
	}
	instRec struct {
		id, name, state string
		at              origin
	}
	groupRec struct {
		g      sg.Group
		at     origin // the describe-security-groups element
		nRules int    // rules describe-security-groups lists for it
	}
	ruleSetRec struct {
		owner  string
		rules  []sg.Rule
		ruleAt []origin
		at     origin // the first rule
	}
	aclRec struct {
		acl     nacl.ACL
		at      origin
		assocAt []origin
	}
	rtRec struct {
		rt       reach.RouteTable
		at       origin
		routeAt  []routeOrigin
		gwAt     []origin
		routesIn []routeJSON // read once every firewall endpoint is known
		assocs   []assocJSON
	}
	routeOrigin struct{ at, dest, target origin }
	igwRec      struct {
		igw reach.InternetGatewaySpec
		at  origin
		vpc origin
	}
	natRec struct {
		nat                 reach.NATGateway
		at, subnet, pr, pub origin
	}
	listRec struct {
		list      reach.PrefixList
		at        origin
		described bool
		entries   bool
		entryAt   []origin
	}
	fwRec struct {
		spec FirewallSpec
		at   origin
	}
	policyRec struct {
		spec PolicySpec
		at   origin
	}
	ruleGroupRec struct {
		g  RuleGroup
		at origin
	}
)

type loader struct {
	report *Report
	errs   []error

	vpcs       []*vpcRec
	subnets    []*subnetRec
	enisFile   map[string]*eniRec // from describe-network-interfaces
	enisInst   map[string]*eniRec // from describe-instances
	instances  map[string]*instRec
	groups     map[string]*groupRec
	ruleSets   map[string]*ruleSetRec
	ruleIDs    map[string]origin
	acls       []*aclRec
	rts        []*rtRec
	igws       []*igwRec
	nats       []*natRec
	lists      map[string]*listRec
	firewalls  []*fwRec
	policies   []*policyRec
	ruleGroups []*ruleGroupRec
	seen       map[string]origin // kind + " " + ID -> where it was first listed

	// Results of assemble, in builder order.
	out struct {
		vpcs     []*vpcRec
		subnets  []*subnetRec
		ifaces   []*eniRec
		groups   []sg.Group
		groupAt  []placed
		acls     []*aclRec
		rts      []*rtRec
		igws     []*igwRec
		nats     []*natRec
		lists    []*listRec
		fws      []reach.Firewall
		fwAt     []placed
		vpcByID  map[string]*vpcRec
		subnetBy map[string]*subnetRec
	}
}

// countKinds are the keys of Report.Counts.
var countKinds = []string{"vpcs", "subnets", "instances", "network-interfaces", "security-groups", "security-group-rules",
	"network-acls", "route-tables", "routes", "internet-gateways", "nat-gateways", "prefix-lists", "firewalls",
	"firewall-policies", "rule-groups"}

func newLoader() *loader {
	counts := make(map[string]int, len(countKinds))
	for _, k := range countKinds {
		counts[k] = 0
	}
	return &loader{
		report:    &Report{Counts: counts},
		enisFile:  map[string]*eniRec{},
		enisInst:  map[string]*eniRec{},
		instances: map[string]*instRec{},
		groups:    map[string]*groupRec{},
		ruleSets:  map[string]*ruleSetRec{},
		ruleIDs:   map[string]origin{},
		lists:     map[string]*listRec{},
		seen:      map[string]origin{},
	}
}

func (l *loader) warn(o origin, format string, args ...any) {
	l.report.Warnings = append(l.report.Warnings, o.String()+": "+fmt.Sprintf(format, args...))
}

// fail records a fault in the input at o, wrapping sentinel.
func (l *loader) fail(o origin, resource, text string, sentinel error, format string, args ...any) {
	l.errs = append(l.errs, &flow.InputError{File: o.file, Path: o.path, Resource: resource, Text: text,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))})
}

// parserErr records an error of another package's parser for file.
func (l *loader) parserErr(file string, err error) { l.errs = append(l.errs, inFile(err, file)) }

// inFile sets File on the *flow.InputError values err is made of (each
// error of a join), wrapping any other error in one.
func inFile(err error, file string) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = inFile(e, file)
		}
		return errors.Join(out...)
	}
	if ie, ok := err.(*flow.InputError); ok {
		if ie.File == "" {
			ie.File = file
		}
		return ie
	}
	return &flow.InputError{File: file, Err: err}
}

// claim records that kind id is listed at o, and reports a second listing.
func (l *loader) claim(kind, id string, o origin) bool {
	key := kind + " " + id
	if first, dup := l.seen[key]; dup {
		l.fail(o, id, id, ErrInvalidDump, "%s %s is listed twice (first at %s)", kind, id, first)
		return false
	}
	l.seen[key] = o
	return true
}

// decode decodes raw, found at o, into v.
func (l *loader) decode(o origin, raw json.RawMessage, v any) bool {
	if err := jsonloc.Unmarshal(o.path, raw, v); err != nil {
		l.parserErr(o.file, err)
		return false
	}
	return true
}

// list decodes raw, found at o, as a JSON list whose elements are decoded
// one at a time (so that errors carry their index).
func (l *loader) list(o origin, raw json.RawMessage) []json.RawMessage {
	var items []json.RawMessage
	if !l.decode(o, raw, &items) {
		return nil
	}
	return items
}

// decodeList decodes raw, the JSON list at o, in one pass. Only when that
// fails does it decode element by element, with slow when given (for
// elements whose own lists need indices in errors), so that the error it
// records names the element.
func decodeList[T any](l *loader, o origin, raw json.RawMessage, slow func(o origin, raw json.RawMessage) bool) ([]T, bool) {
	var items []T
	if json.Unmarshal(raw, &items) == nil {
		return items, true
	}
	elems := l.list(o, raw)
	if elems == nil {
		return nil, false
	}
	for i, e := range elems {
		var ok bool
		if slow != nil {
			ok = slow(o.index(i), e)
		} else {
			var v T
			ok = l.decode(o.index(i), e, &v)
		}
		if !ok {
			return nil, false
		}
	}
	if !l.decode(o, raw, &items) {
		return nil, false
	}
	return items, true
}

// require reports a missing required field.
func (l *loader) require(o origin, resource, field, value string) bool {
	if value == "" {
		l.fail(o.field(field), resource, "", ErrInvalidDump, "%s is missing", field)
		return false
	}
	return true
}

func (l *loader) prefix(o origin, resource, s string) (netip.Prefix, bool) {
	p, err := flow.ParseCIDR(s)
	if err != nil {
		l.fail(o, resource, s, ErrInvalidDump, "not a CIDR block")
		return netip.Prefix{}, false
	}
	return p, true
}

func (l *loader) addr(o origin, resource, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		l.fail(o, resource, s, ErrInvalidDump, "not an IP address")
		return netip.Addr{}, false
	}
	return a, true
}

type tagJSON struct{ Key, Value string }

func nameTag(tags []tagJSON) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

// sub returns a JSON object holding the present keys of top, for the
// parsers of the other packages.
func sub(top map[string]json.RawMessage, keys ...string) []byte {
	b := []byte{'{'}
	for _, k := range keys {
		raw, ok := top[k]
		if !ok {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = append(b, raw...)
	}
	return append(b, '}')
}

// readFile reads one file's top-level keys.
func (l *loader) readFile(file string, data []byte) {
	var top map[string]json.RawMessage
	if err := jsonloc.Unmarshal("", data, &top); err != nil {
		l.parserErr(file, err)
		return
	}
	keys := slices.Sorted(maps.Keys(top))
	read := false
	var unknown []string
	root := origin{file: file}
	for _, k := range keys {
		o := root.field(k)
		raw := top[k]
		read = read || resourceKeys[k]
		switch k {
		case "Vpcs":
			l.readVPCs(o, raw)
		case "Subnets":
			l.readSubnets(o, raw)
		case "NetworkInterfaces":
			enis, _ := decodeList[eniJSON](l, o, raw, nil)
			for i := range enis {
				if e := l.readENI(o.index(i), &enis[i], ""); e != nil {
					if prev, dup := l.enisFile[e.id]; dup {
						l.fail(e.at.field("NetworkInterfaceId"), e.id, e.id, ErrInvalidDump, "network interface %s is listed twice (first at %s)", e.id, prev.at)
						continue
					}
					l.enisFile[e.id] = e
				}
			}
		case "Reservations":
			l.readReservations(o, raw)
		case "SecurityGroups":
			l.readGroups(file, sub(top, k))
		case "SecurityGroupRules":
			l.readGroupRules(o, raw, sub(top, k))
		case "NetworkAcls":
			l.readACLs(file, sub(top, k))
		case "RouteTables":
			l.readRouteTables(o, raw)
		case "InternetGateways":
			l.readIGWs(o, raw)
		case "NatGateways":
			l.readNATs(o, raw)
		case "PrefixLists":
			l.readPrefixLists(file, top)
		case "Entries":
			if _, both := top["PrefixLists"]; !both {
				l.readPrefixLists(file, top)
			}
		case "RuleGroup":
			l.readRuleGroup(file, sub(top, "RuleGroup", "RuleGroupResponse"))
		case "RuleGroupResponse":
			if _, both := top["RuleGroup"]; !both {
				l.readRuleGroup(file, sub(top, "RuleGroup", "RuleGroupResponse"))
			}
		case "FirewallPolicy":
			l.readPolicy(file, sub(top, "FirewallPolicy", "FirewallPolicyResponse"))
		case "FirewallPolicyResponse":
			if _, both := top["FirewallPolicy"]; !both {
				l.readPolicy(file, sub(top, "FirewallPolicy", "FirewallPolicyResponse"))
			}
		case "Firewall":
			l.readFirewall(file, sub(top, "Firewall", "FirewallStatus"))
		case "FirewallStatus":
			if _, both := top["Firewall"]; !both {
				l.readFirewall(file, sub(top, "Firewall", "FirewallStatus"))
			}
		case "NextToken":
			var tok *string
			if json.Unmarshal(raw, &tok) == nil && tok != nil && *tok != "" {
				l.warn(o, "NextToken is set: this is one page of a paginated listing, and the other pages are missing unless other files hold them (the AWS CLI v2 fetches every page unless --max-items or --no-paginate is given)")
			}
		case "UpdateToken":
		default:
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	switch {
	case !read && len(unknown) > 0:
		l.warn(root, "ignored: no top-level key reachsim reads (only %s): is this the output of an aws describe command?", strings.Join(unknown, ", "))
	case !read:
		l.warn(root, "ignored: no top-level key reachsim reads: is this the output of an aws describe command?")
	case len(unknown) > 0:
		l.warn(root, "unknown top-level key(s) %s ignored", strings.Join(unknown, ", "))
	}
}

// resourceKeys are the top-level keys Load reads resources from.
var resourceKeys = map[string]bool{
	"Vpcs": true, "Subnets": true, "NetworkInterfaces": true, "Reservations": true, "SecurityGroups": true,
	"SecurityGroupRules": true, "NetworkAcls": true, "RouteTables": true, "InternetGateways": true,
	"NatGateways": true, "PrefixLists": true, "Entries": true, "RuleGroup": true, "RuleGroupResponse": true,
	"FirewallPolicy": true, "FirewallPolicyResponse": true, "Firewall": true, "FirewallStatus": true,
}

type cidrAssocJSON struct {
	CidrBlock      string
	CidrBlockState *struct{ State string }
}

type ipv6AssocJSON struct {
	Ipv6CidrBlock      string
	Ipv6CidrBlockState *struct{ State string }
}

// associated reports whether a CIDR block association state counts.
func associated(st *struct{ State string }) bool {
	return st == nil || st.State == "" || st.State == "associated"
}

type vpcJSON struct {
	VpcId                       string
	CidrBlock                   string
	CidrBlockAssociationSet     []cidrAssocJSON
	Ipv6CidrBlockAssociationSet []ipv6AssocJSON
	Tags                        []tagJSON
}

func (l *loader) readVPCs(o origin, raw json.RawMessage) {
	vpcs, _ := decodeList[vpcJSON](l, o, raw, nil)
	for i, v := range vpcs {
		at := o.index(i)
		if !l.require(at, "", "VpcId", v.VpcId) || !l.claim("VPC", v.VpcId, at.field("VpcId")) {
			continue
		}
		r := &vpcRec{vpc: reach.VPC{ID: v.VpcId, Name: nameTag(v.Tags)}, at: at}
		add := func(o origin, s string) {
			p, ok := l.prefix(o, v.VpcId, s)
			if ok && !slices.Contains(r.vpc.CIDRs, p) {
				r.vpc.CIDRs = append(r.vpc.CIDRs, p)
				r.cidrAt = append(r.cidrAt, o)
			}
		}
		if v.CidrBlock != "" {
			add(at.field("CidrBlock"), v.CidrBlock)
		}
		for j, a := range v.CidrBlockAssociationSet {
			ao := at.field("CidrBlockAssociationSet").index(j)
			if !associated(a.CidrBlockState) {
				l.warn(ao, "CIDR block %s of %s is %s: left out", a.CidrBlock, v.VpcId, a.CidrBlockState.State)
				continue
			}
			add(ao.field("CidrBlock"), a.CidrBlock)
		}
		for j, a := range v.Ipv6CidrBlockAssociationSet {
			ao := at.field("Ipv6CidrBlockAssociationSet").index(j)
			if !associated(a.Ipv6CidrBlockState) {
				l.warn(ao, "IPv6 CIDR block %s of %s is %s: left out", a.Ipv6CidrBlock, v.VpcId, a.Ipv6CidrBlockState.State)
				continue
			}
			add(ao.field("Ipv6CidrBlock"), a.Ipv6CidrBlock)
		}
		l.vpcs = append(l.vpcs, r)
	}
}

type subnetJSON struct {
	SubnetId, VpcId, CidrBlock, AvailabilityZone string
	Ipv6CidrBlockAssociationSet                  []ipv6AssocJSON
	Tags                                         []tagJSON
}

func (l *loader) readSubnets(o origin, raw json.RawMessage) {
	subnets, _ := decodeList[subnetJSON](l, o, raw, nil)
	for i, s := range subnets {
		at := o.index(i)
		if !l.require(at, "", "SubnetId", s.SubnetId) || !l.require(at, s.SubnetId, "VpcId", s.VpcId) ||
			!l.claim("subnet", s.SubnetId, at.field("SubnetId")) {
			continue
		}
		r := &subnetRec{subnet: reach.Subnet{ID: s.SubnetId, Name: nameTag(s.Tags), VPC: s.VpcId, AvailabilityZone: s.AvailabilityZone}, at: at}
		if s.CidrBlock != "" {
			if p, ok := l.prefix(at.field("CidrBlock"), s.SubnetId, s.CidrBlock); ok {
				r.subnet.CIDRs = append(r.subnet.CIDRs, p)
				r.cidrAt = append(r.cidrAt, at.field("CidrBlock"))
			}
		}
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			ao := at.field("Ipv6CidrBlockAssociationSet").index(j)
			if !associated(a.Ipv6CidrBlockState) {
				l.warn(ao, "IPv6 CIDR block %s of %s is %s: left out", a.Ipv6CidrBlock, s.SubnetId, a.Ipv6CidrBlockState.State)
				continue
			}
			if p, ok := l.prefix(ao.field("Ipv6CidrBlock"), s.SubnetId, a.Ipv6CidrBlock); ok {
				r.subnet.CIDRs = append(r.subnet.CIDRs, p)
				r.cidrAt = append(r.cidrAt, ao.field("Ipv6CidrBlock"))
			}
		}
		l.subnets = append(l.subnets, r)
	}
}

// eniJSON is a NetworkInterface of describe-network-interfaces or an
// instance's NetworkInterfaces element in describe-instances.
type eniJSON struct {
	NetworkInterfaceId string
	SubnetId           string
	InterfaceType      string
	Status             string
	PrivateIpAddresses []struct {
		PrivateIpAddress string
		Primary          bool
		Association      *struct{ PublicIp string }
	}
	PrivateIpAddress string
	Ipv6Addresses    []struct {
		Ipv6Address   string
		IsPrimaryIpv6 bool
	}
	Association *struct{ PublicIp string }
	Groups      []struct{ GroupId, GroupName string }
	Attachment  *struct {
		InstanceId  string
		DeviceIndex *int
		Status      string
	}
	TagSet []tagJSON
}

// readENI reads one network interface at o; instance is the ID of the
// instance whose NetworkInterfaces hold it, "" in describe-network-interfaces.
func (l *loader) readENI(o origin, n *eniJSON, instance string) *eniRec {
	if !l.require(o, instance, "NetworkInterfaceId", n.NetworkInterfaceId) || !l.require(o, n.NetworkInterfaceId, "SubnetId", n.SubnetId) {
		return nil
	}
	e := &eniRec{id: n.NetworkInterfaceId, at: o, subnet: n.SubnetId, name: nameTag(n.TagSet), instance: instance, device: -1, typ: n.InterfaceType,
		attached: instance != "" || n.Status == "in-use"}
	if a := n.Attachment; a != nil {
		if a.InstanceId != "" {
			e.instance = a.InstanceId
		}
		if a.DeviceIndex != nil {
			e.device = *a.DeviceIndex
		}
	}
	// The primary private IPv4 address first, then the others in order.
	order := make([]int, 0, len(n.PrivateIpAddresses))
	for j, p := range n.PrivateIpAddresses {
		if p.Primary {
			order = append([]int{j}, order...)
		} else {
			order = append(order, j)
		}
	}
	for _, j := range order {
		p := n.PrivateIpAddresses[j]
		po := o.field("PrivateIpAddresses").index(j)
		a, ok := l.addr(po.field("PrivateIpAddress"), e.id, p.PrivateIpAddress)
		if !ok {
			continue
		}
		e.ips = append(e.ips, a)
		e.ipAt = append(e.ipAt, po.field("PrivateIpAddress"))
		if p.Association != nil && p.Association.PublicIp != "" && !p.Primary {
			e.secondary = append(e.secondary, p.Association.PublicIp+" of "+p.PrivateIpAddress)
		}
	}
	if len(n.PrivateIpAddresses) == 0 && n.PrivateIpAddress != "" {
		if a, ok := l.addr(o.field("PrivateIpAddress"), e.id, n.PrivateIpAddress); ok {
			e.ips = append(e.ips, a)
			e.ipAt = append(e.ipAt, o.field("PrivateIpAddress"))
		}
	}
	v6 := make([]int, 0, len(n.Ipv6Addresses))
	for j, p := range n.Ipv6Addresses {
		if p.IsPrimaryIpv6 {
			v6 = append([]int{j}, v6...)
		} else {
			v6 = append(v6, j)
		}
	}
	for _, j := range v6 {
		po := o.field("Ipv6Addresses").index(j).field("Ipv6Address")
		if a, ok := l.addr(po, e.id, n.Ipv6Addresses[j].Ipv6Address); ok {
			e.ips = append(e.ips, a)
			e.ipAt = append(e.ipAt, po)
		}
	}
	switch {
	case n.Association != nil && n.Association.PublicIp != "":
		e.publicAt = o.field("Association").field("PublicIp")
		e.public, _ = l.addr(e.publicAt, e.id, n.Association.PublicIp)
	default:
		for _, j := range order[:min(1, len(order))] {
			if p := n.PrivateIpAddresses[j]; p.Association != nil && p.Association.PublicIp != "" {
				e.publicAt = o.field("PrivateIpAddresses").index(j).field("Association").field("PublicIp")
				e.public, _ = l.addr(e.publicAt, e.id, p.Association.PublicIp)
			}
		}
	}
	for j, g := range n.Groups {
		gpath := o.field("Groups").index(j)
		if !l.require(gpath, e.id, "GroupId", g.GroupId) {
			continue
		}
		e.groups = append(e.groups, g.GroupId)
		e.groupAt = append(e.groupAt, gpath.field("GroupId"))
	}
	return e
}

type (
	reservationJSON struct{ Instances []instanceJSON }
	instanceJSON    struct {
		InstanceId        string
		State             *struct{ Name string }
		Tags              []tagJSON
		NetworkInterfaces []eniJSON
	}
)

func (l *loader) readReservations(o origin, raw json.RawMessage) {
	// Decoded in one pass; element by element only to locate an error.
	instSlow := func(o origin, raw json.RawMessage) bool {
		var in struct {
			InstanceId        string
			State             *struct{ Name string }
			Tags              []tagJSON
			NetworkInterfaces json.RawMessage
		}
		if !l.decode(o, raw, &in) {
			return false
		}
		_, ok := decodeList[eniJSON](l, o.field("NetworkInterfaces"), in.NetworkInterfaces, nil)
		return ok
	}
	resSlow := func(o origin, raw json.RawMessage) bool {
		var res struct{ Instances json.RawMessage }
		if !l.decode(o, raw, &res) {
			return false
		}
		_, ok := decodeList[instanceJSON](l, o.field("Instances"), res.Instances, instSlow)
		return ok
	}
	reservations, _ := decodeList[reservationJSON](l, o, raw, resSlow)
	for i, res := range reservations {
		ro := o.index(i)
		for j, in := range res.Instances {
			io := ro.field("Instances").index(j)
			if !l.require(io, "", "InstanceId", in.InstanceId) || !l.claim("instance", in.InstanceId, io.field("InstanceId")) {
				continue
			}
			r := &instRec{id: in.InstanceId, name: nameTag(in.Tags), at: io}
			if in.State != nil {
				r.state = in.State.Name
			}
			l.instances[r.id] = r
			for k := range in.NetworkInterfaces {
				e := l.readENI(io.field("NetworkInterfaces").index(k), &in.NetworkInterfaces[k], in.InstanceId)
				if e == nil {
					continue
				}
				if prev, dup := l.enisInst[e.id]; dup {
					l.fail(e.at.field("NetworkInterfaceId"), e.id, e.id, ErrInvalidDump, "network interface %s is listed twice (first at %s)", e.id, prev.at)
					continue
				}
				l.enisInst[e.id] = e
			}
		}
	}
}

func (l *loader) readGroups(file string, doc []byte) {
	gs, err := ParseSecurityGroups(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	for i, g := range gs {
		at := origin{file, jsonloc.Index("SecurityGroups", i)}
		if !l.claim("security group", g.ID, at.field("GroupId")) {
			continue
		}
		l.groups[g.ID] = &groupRec{g: g, at: at, nRules: len(g.Rules)}
	}
}

func (l *loader) readGroupRules(o origin, raw json.RawMessage, doc []byte) {
	gs, err := ParseSecurityGroupRules(doc)
	if err != nil {
		l.parserErr(o.file, err)
		return
	}
	// The parser groups the rules; find each rule's element by its ID.
	var ids []struct{ SecurityGroupRuleId string }
	if !l.decode(o, raw, &ids) {
		return
	}
	index := make(map[string]int, len(ids))
	for i, r := range ids {
		index[r.SecurityGroupRuleId] = i
	}
	for _, g := range gs {
		rs := l.ruleSets[g.ID]
		for _, r := range g.Rules {
			at := o.index(index[r.ID])
			if first, dup := l.ruleIDs[r.ID]; dup {
				l.fail(at.field("SecurityGroupRuleId"), g.ID, r.ID, ErrInvalidDump, "rule %s is listed twice (first at %s)", r.ID, first)
				continue
			}
			l.ruleIDs[r.ID] = at
			if rs == nil {
				rs = &ruleSetRec{owner: g.OwnerID, at: at}
				l.ruleSets[g.ID] = rs
			}
			rs.rules = append(rs.rules, r)
			rs.ruleAt = append(rs.ruleAt, at)
		}
	}
}

func (l *loader) readACLs(file string, doc []byte) {
	acls, err := ParseNetworkACLs(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	for i, a := range acls {
		at := origin{file, jsonloc.Index("NetworkAcls", i)}
		if !l.claim("network ACL", a.ID, at.field("NetworkAclId")) {
			continue
		}
		r := &aclRec{acl: a, at: at}
		for j := range a.Subnets {
			r.assocAt = append(r.assocAt, at.field("Associations").index(j).field("SubnetId"))
		}
		l.acls = append(l.acls, r)
	}
}

type assocJSON struct {
	Main             bool
	SubnetId         string
	GatewayId        string
	AssociationState *struct{ State string }
}

type routeTableJSON struct {
	RouteTableId, VpcId string
	Associations        []assocJSON
	Routes              []routeJSON
	Tags                []tagJSON
}

func (l *loader) readRouteTables(o origin, raw json.RawMessage) {
	slow := func(o origin, raw json.RawMessage) bool {
		var t struct {
			RouteTableId, VpcId string
			Associations        []assocJSON
			Routes              json.RawMessage
			Tags                []tagJSON
		}
		if !l.decode(o, raw, &t) {
			return false
		}
		_, ok := decodeList[routeJSON](l, o.field("Routes"), t.Routes, nil)
		return ok
	}
	tables, _ := decodeList[routeTableJSON](l, o, raw, slow)
	for i, t := range tables {
		at := o.index(i)
		if !l.require(at, "", "RouteTableId", t.RouteTableId) || !l.require(at, t.RouteTableId, "VpcId", t.VpcId) ||
			!l.claim("route table", t.RouteTableId, at.field("RouteTableId")) {
			continue
		}
		l.rts = append(l.rts, &rtRec{rt: reach.RouteTable{ID: t.RouteTableId, Name: nameTag(t.Tags), VPC: t.VpcId}, at: at,
			routesIn: t.Routes, assocs: t.Associations})
	}
}

type igwJSON struct {
	InternetGatewayId string
	Attachments       []struct{ State, VpcId string }
}

func (l *loader) readIGWs(o origin, raw json.RawMessage) {
	igws, _ := decodeList[igwJSON](l, o, raw, nil)
	for i, g := range igws {
		at := o.index(i)
		if !l.require(at, "", "InternetGatewayId", g.InternetGatewayId) ||
			!l.claim("internet gateway", g.InternetGatewayId, at.field("InternetGatewayId")) {
			continue
		}
		attached := false
		for j, a := range g.Attachments {
			ao := at.field("Attachments").index(j)
			switch a.State {
			case "", "available", "attached":
			default:
				l.warn(ao, "internet gateway %s is %s to %s: left out", g.InternetGatewayId, a.State, a.VpcId)
				continue
			}
			if !l.require(ao, g.InternetGatewayId, "VpcId", a.VpcId) {
				continue
			}
			if attached {
				l.fail(ao, g.InternetGatewayId, a.VpcId, ErrInvalidDump, "an internet gateway is attached to one VPC")
				continue
			}
			attached = true
			l.igws = append(l.igws, &igwRec{igw: reach.InternetGatewaySpec{ID: g.InternetGatewayId, VPC: a.VpcId}, at: at, vpc: ao.field("VpcId")})
		}
		if !attached && len(g.Attachments) == 0 {
			l.warn(at, "internet gateway %s is not attached to a VPC: left out", g.InternetGatewayId)
		}
	}
}

type natJSON struct {
	NatGatewayId, SubnetId, State string
	NatGatewayAddresses           []struct {
		PrivateIp, PublicIp string
		IsPrimary           *bool
	}
	Tags []tagJSON
}

func (l *loader) readNATs(o origin, raw json.RawMessage) {
	nats, _ := decodeList[natJSON](l, o, raw, nil)
	for i, n := range nats {
		at := o.index(i)
		if !l.require(at, "", "NatGatewayId", n.NatGatewayId) ||
			!l.claim("NAT gateway", n.NatGatewayId, at.field("NatGatewayId")) {
			continue
		}
		if n.State != "available" {
			l.warn(at, "NAT gateway %s is %q, not available: left out", n.NatGatewayId, n.State)
			continue
		}
		if n.SubnetId == "" {
			l.warn(at, "NAT gateway %s has no SubnetId (a regional NAT gateway?): reachsim models NAT gateways in a subnet; left out", n.NatGatewayId)
			continue
		}
		primary := -1
		for j, a := range n.NatGatewayAddresses {
			if primary < 0 || (a.IsPrimary != nil && *a.IsPrimary) {
				primary = j
			}
		}
		if primary < 0 {
			l.fail(at.field("NatGatewayAddresses"), n.NatGatewayId, "", ErrInvalidDump, "an available NAT gateway has an address")
			continue
		}
		if extra := len(n.NatGatewayAddresses) - 1; extra > 0 {
			l.warn(at, "NAT gateway %s: %d secondary address(es) left out; its primary address is modelled", n.NatGatewayId, extra)
		}
		ao := at.field("NatGatewayAddresses").index(primary)
		a := n.NatGatewayAddresses[primary]
		r := &natRec{nat: reach.NATGateway{ID: n.NatGatewayId, Name: nameTag(n.Tags), Subnet: n.SubnetId}, at: at, subnet: at.field("SubnetId"),
			pr: ao.field("PrivateIp"), pub: ao.field("PublicIp")}
		var ok bool
		if r.nat.PrivateIP, ok = l.addr(r.pr, n.NatGatewayId, a.PrivateIp); !ok {
			continue
		}
		if a.PublicIp != "" {
			if r.nat.PublicIP, ok = l.addr(r.pub, n.NatGatewayId, a.PublicIp); !ok {
				continue
			}
		}
		l.nats = append(l.nats, r)
	}
}

var prefixListID = regexp.MustCompile(`pl-[0-9A-Za-z]+`)

// readPrefixLists reads a file's PrefixLists and Entries: Entries belong to
// the file's only prefix list, or to the list its name holds.
func (l *loader) readPrefixLists(file string, top map[string]json.RawMessage) {
	root := origin{file: file}
	type listJSON struct{ PrefixListId, PrefixListName string }
	var described []*listRec
	if raw, ok := top["PrefixLists"]; ok {
		o := root.field("PrefixLists")
		lists, _ := decodeList[listJSON](l, o, raw, nil)
		for i, p := range lists {
			at := o.index(i)
			if !l.require(at, "", "PrefixListId", p.PrefixListId) {
				continue
			}
			r := l.lists[p.PrefixListId]
			switch {
			case r == nil:
				r = &listRec{list: reach.PrefixList{ID: p.PrefixListId}}
				l.lists[p.PrefixListId] = r
			case r.described && r.list.Name != p.PrefixListName:
				l.fail(at.field("PrefixListName"), p.PrefixListId, p.PrefixListName, ErrInvalidDump, "prefix list %s is named %q here and %q at %s", p.PrefixListId, p.PrefixListName, r.list.Name, r.at)
				continue
			}
			// A list described in several files (all lists, and one list
			// merged with its entries) is one list.
			if !r.described {
				r.described, r.at, r.list.Name = true, at, p.PrefixListName
			}
			described = append(described, r)
		}
	}
	raw, ok := top["Entries"]
	if !ok {
		return
	}
	o := root.field("Entries")
	var r *listRec
	switch ids := slices.Compact(slices.Sorted(slices.Values(prefixListID.FindAllString(slashpath.Base(filepath.ToSlash(file)), -1)))); {
	case len(described) == 1:
		r = described[0]
	case len(described) > 1:
		l.fail(o, "", "", ErrInvalidDump, "Entries cannot be told apart: the file's PrefixLists names %d lists; give each list's entries a file of its own", len(described))
		return
	case len(ids) == 1:
		r = l.lists[ids[0]]
		if r == nil {
			r = &listRec{list: reach.PrefixList{ID: ids[0]}, at: o}
			l.lists[ids[0]] = r
		}
	default:
		l.fail(o, "", "", ErrInvalidDump, "Entries of an unknown prefix list: get-managed-prefix-list-entries does not print the list's ID, so name the file after it (pl-0123456789abcdef0.json) or merge the list's PrefixLists from describe-managed-prefix-lists --prefix-list-ids into it")
		return
	}
	if r.entries {
		l.fail(o, r.list.ID, "", ErrInvalidDump, "entries of prefix list %s are given twice (first at %s)", r.list.ID, r.entryAt[0].file)
		return
	}
	r.entries = true
	if r.at.file == "" {
		r.at = o
	}
	entries, _ := decodeList[struct{ Cidr string }](l, o, raw, nil)
	for i, e := range entries {
		at := o.index(i)
		if !l.require(at, r.list.ID, "Cidr", e.Cidr) {
			continue
		}
		if p, ok := l.prefix(at.field("Cidr"), r.list.ID, e.Cidr); ok {
			r.list.Entries = append(r.list.Entries, p)
			r.entryAt = append(r.entryAt, at.field("Cidr"))
		}
	}
	if len(r.entryAt) == 0 {
		r.entryAt = append(r.entryAt, o) // for the message above
		r.list.Entries = []netip.Prefix{}
	}
}

func (l *loader) readRuleGroup(file string, doc []byte) {
	g, err := ParseRuleGroup(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	l.ruleGroups = append(l.ruleGroups, &ruleGroupRec{g: g, at: origin{file, "RuleGroupResponse"}})
}

func (l *loader) readPolicy(file string, doc []byte) {
	s, err := ParseFirewallPolicy(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	l.policies = append(l.policies, &policyRec{spec: s, at: origin{file, "FirewallPolicy"}})
}

func (l *loader) readFirewall(file string, doc []byte) {
	s, err := ParseFirewall(doc)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	at := origin{file, "Firewall"}
	id := s.ARN
	if id == "" {
		id = s.Name
	}
	if !l.require(at, s.Name, "FirewallArn", id) || !l.claim("firewall", id, at.field("FirewallArn")) {
		return
	}
	l.firewalls = append(l.firewalls, &fwRec{spec: s, at: at})
}

// assemble resolves what the files say about each other: associations,
// instances and their interfaces, groups and their rules, firewalls and
// their policies.
func (l *loader) assemble() {
	out := &l.out
	out.vpcByID = map[string]*vpcRec{}
	for _, r := range l.vpcs {
		out.vpcByID[r.vpc.ID] = r
	}
	out.subnetBy = map[string]*subnetRec{}
	for _, r := range l.subnets {
		out.subnetBy[r.subnet.ID] = r
	}
	fws := l.assembleFirewalls()
	endpoints := map[string]bool{}
	for _, f := range fws {
		for _, e := range f.Endpoints {
			endpoints[e.ID] = true
		}
	}
	l.assembleRouteTables(endpoints)
	l.assembleACLs()
	l.assembleInterfaces()
	l.assembleGroups()
	l.assembleLists()

	byID := func(a, b string) int { return cmp.Compare(a, b) }
	out.vpcs = slices.SortedFunc(slices.Values(l.vpcs), func(a, b *vpcRec) int { return byID(a.vpc.ID, b.vpc.ID) })
	out.subnets = slices.SortedFunc(slices.Values(l.subnets), func(a, b *subnetRec) int { return byID(a.subnet.ID, b.subnet.ID) })
	out.acls = slices.SortedFunc(slices.Values(l.acls), func(a, b *aclRec) int { return byID(a.acl.ID, b.acl.ID) })
	out.rts = slices.SortedFunc(slices.Values(l.rts), func(a, b *rtRec) int { return byID(a.rt.ID, b.rt.ID) })
	out.igws = slices.SortedFunc(slices.Values(l.igws), func(a, b *igwRec) int { return byID(a.igw.ID, b.igw.ID) })
	out.nats = slices.SortedFunc(slices.Values(l.nats), func(a, b *natRec) int { return byID(a.nat.ID, b.nat.ID) })

	c := l.report.Counts
	c["vpcs"], c["subnets"], c["network-acls"], c["route-tables"] = len(out.vpcs), len(out.subnets), len(out.acls), len(out.rts)
	c["internet-gateways"], c["nat-gateways"], c["prefix-lists"], c["firewalls"] = len(out.igws), len(out.nats), len(out.lists), len(out.fws)
	c["routes"] = 0
	for _, r := range out.rts {
		c["routes"] += len(r.rt.Routes)
	}
}

func (l *loader) assembleRouteTables(endpoints map[string]bool) {
	out := &l.out
	for _, r := range l.rts {
		id := r.rt.ID
		for j, a := range r.assocs {
			ao := r.at.field("Associations").index(j)
			if !associated(a.AssociationState) {
				l.warn(ao, "association of %s is %s: left out", id, a.AssociationState.State)
				continue
			}
			switch {
			case a.Main:
				v := out.vpcByID[r.rt.VPC]
				switch {
				case v == nil: // the table's unknown VPC is reported by Build
				case v.vpc.MainRouteTable != "":
					l.fail(ao.field("Main"), id, id, ErrInvalidDump, "%s has two main route tables, %s (%s) and %s", r.rt.VPC, v.vpc.MainRouteTable, v.mainAt, id)
				default:
					v.vpc.MainRouteTable, v.mainAt = id, ao.field("Main")
				}
			case a.SubnetId != "":
				s := out.subnetBy[a.SubnetId]
				switch {
				case s == nil:
					l.fail(ao.field("SubnetId"), id, a.SubnetId, reach.ErrTopology, "unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)")
				case s.subnet.RouteTable != "":
					l.fail(ao.field("SubnetId"), id, a.SubnetId, ErrInvalidDump, "subnet %s is associated with two route tables, %s (%s) and %s", a.SubnetId, s.subnet.RouteTable, s.rtAt, id)
				default:
					s.subnet.RouteTable, s.rtAt = id, ao.field("SubnetId")
				}
			case strings.HasPrefix(a.GatewayId, "igw-"):
				r.rt.Gateways = append(r.rt.Gateways, a.GatewayId)
				r.gwAt = append(r.gwAt, ao.field("GatewayId"))
			case a.GatewayId != "":
				l.warn(ao, "edge association of %s with %s left out: reachsim models edge associations with internet gateways only", id, a.GatewayId)
			}
		}
		for j, rj := range r.routesIn {
			l.route(r, r.at.field("Routes").index(j), rj, endpoints)
		}
	}
}

// routeJSON is one of a route table's Routes.
type routeJSON struct {
	DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId string
	GatewayId, NatGatewayId, NetworkInterfaceId, InstanceId                 string
	TransitGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId   string
	CarrierGatewayId, LocalGatewayId, CoreNetworkArn, OdbNetworkArn         string
	State                                                                   string
}

// What reachsim does not model, by route target field.
var unmodelledTargets = []struct{ field, what string }{
	{"TransitGatewayId", "transit gateway"},
	{"VpcPeeringConnectionId", "VPC peering connection"},
	{"EgressOnlyInternetGatewayId", "egress-only internet gateway"},
	{"CarrierGatewayId", "carrier gateway"},
	{"LocalGatewayId", "local gateway"},
	{"CoreNetworkArn", "Cloud WAN core network"},
	{"OdbNetworkArn", "ODB network"},
	{"InstanceId", "instance (with no NetworkInterfaceId)"},
}

func (r routeJSON) target(field string) string {
	switch field {
	case "GatewayId":
		return r.GatewayId
	case "NatGatewayId":
		return r.NatGatewayId
	case "NetworkInterfaceId":
		return r.NetworkInterfaceId
	case "InstanceId":
		return r.InstanceId
	case "TransitGatewayId":
		return r.TransitGatewayId
	case "VpcPeeringConnectionId":
		return r.VpcPeeringConnectionId
	case "EgressOnlyInternetGatewayId":
		return r.EgressOnlyInternetGatewayId
	case "CarrierGatewayId":
		return r.CarrierGatewayId
	case "LocalGatewayId":
		return r.LocalGatewayId
	case "CoreNetworkArn":
		return r.CoreNetworkArn
	case "OdbNetworkArn":
		return r.OdbNetworkArn
	}
	return ""
}

// route reads one route at o into table r, or warns why it is left out.
func (l *loader) route(r *rtRec, o origin, rj routeJSON, endpoints map[string]bool) {
	id := r.rt.ID
	var rt reach.Route
	var ro routeOrigin
	ro.at = o
	dest := ""
	switch n := btoi(rj.DestinationCidrBlock != "") + btoi(rj.DestinationIpv6CidrBlock != "") + btoi(rj.DestinationPrefixListId != ""); {
	case n == 0:
		l.warn(o, "route of %s without a destination left out", id)
		return
	case n > 1:
		l.fail(o, id, "", ErrInvalidDump, "a route has one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId")
		return
	case rj.DestinationPrefixListId != "":
		rt.PrefixList, dest, ro.dest = rj.DestinationPrefixListId, rj.DestinationPrefixListId, o.field("DestinationPrefixListId")
	default:
		field, s := "DestinationCidrBlock", rj.DestinationCidrBlock
		if s == "" {
			field, s = "DestinationIpv6CidrBlock", rj.DestinationIpv6CidrBlock
		}
		ro.dest = o.field(field)
		p, ok := l.prefix(ro.dest, id, s)
		if !ok {
			return
		}
		rt.Destination, dest = p, s
	}
	skip := func(target, what, why string) {
		l.warn(o, "route %s -> %s (%s) of %s left out: %s; the table's other routes answer for %s, so read results for those addresses with care", dest, target, what, id, why, dest)
	}
	field := ""
	for _, f := range []string{"NetworkInterfaceId", "NatGatewayId", "GatewayId"} {
		if rj.target(f) != "" {
			field = f
			break
		}
	}
	if field == "" {
		for _, u := range unmodelledTargets {
			if t := rj.target(u.field); t != "" {
				field = u.field
				if rj.State == "blackhole" {
					break
				}
				skip(t, u.what, "reachsim does not model "+u.what+"s")
				return
			}
		}
	}
	if field == "" {
		l.warn(o, "route %s of %s has no target reachsim knows: left out", dest, id)
		return
	}
	ro.target = o.field(field)
	target := rj.target(field)
	rt.TargetID = target
	switch {
	case rj.State == "blackhole":
		rt.Target = reach.TargetBlackhole
	case field == "NetworkInterfaceId":
		rt.Target = reach.TargetInterface
	case field == "NatGatewayId":
		rt.Target = reach.TargetNATGateway
	case target == "local":
		rt.Target = reach.TargetLocal
	case strings.HasPrefix(target, "igw-"):
		rt.Target = reach.TargetInternetGateway
	case strings.HasPrefix(target, "vpce-"):
		if !endpoints[target] {
			skip(target, "VPC endpoint", "it is no Network Firewall endpoint of a firewall in the input (a gateway endpoint for S3 or DynamoDB, or a Gateway Load Balancer endpoint?); if it is one, add the firewall's aws network-firewall describe-firewall output")
			return
		}
		rt.Target = reach.TargetFirewallEndpoint
	case strings.HasPrefix(target, "vgw-"):
		skip(target, "virtual private gateway", "reachsim does not model VPN")
		return
	default:
		skip(target, "gateway", "reachsim does not model this kind of gateway")
		return
	}
	r.rt.Routes = append(r.rt.Routes, rt)
	r.routeAt = append(r.routeAt, ro)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (l *loader) assembleACLs() {
	out := &l.out
	for _, r := range l.acls {
		a := r.acl
		if a.IsDefault {
			if v := out.vpcByID[a.VPCID]; v != nil {
				if v.vpc.DefaultACL != "" {
					l.fail(r.at.field("IsDefault"), a.ID, a.ID, ErrInvalidDump, "%s has two default network ACLs, %s (%s) and %s", a.VPCID, v.vpc.DefaultACL, v.defACLAt, a.ID)
				} else {
					v.vpc.DefaultACL, v.defACLAt = a.ID, r.at.field("IsDefault")
				}
			}
		}
		for j, sid := range a.Subnets {
			s := out.subnetBy[sid]
			switch {
			case s == nil:
				l.fail(r.assocAt[j], a.ID, sid, reach.ErrTopology, "unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)")
			case s.subnet.ACL != "":
				l.fail(r.assocAt[j], a.ID, sid, ErrInvalidDump, "subnet %s is associated with two network ACLs, %s (%s) and %s", sid, s.subnet.ACL, s.aclAt, a.ID)
			default:
				s.subnet.ACL, s.aclAt = a.ID, r.assocAt[j]
			}
		}
	}
}

// Interface types left out without a word (they are modelled as what
// they serve) and with a warning.
var (
	silentTypes = map[string]bool{"nat_gateway": true, "gateway_load_balancer_endpoint": true}
	otherTypes  = map[string]string{
		"network_load_balancer": "Network Load Balancer", "load_balancer": "load balancer", "gateway_load_balancer": "Gateway Load Balancer",
		"transit_gateway": "transit gateway", "global_accelerator_managed": "Global Accelerator", "api_gateway_managed": "API Gateway",
		"quicksight": "QuickSight", "iot_rules_managed": "IoT rules", "aws_codestar_connections_managed": "CodeStar connections",
	}
)

func (l *loader) assembleInterfaces() {
	// Merge the two sources: describe-network-interfaces first.
	merged := map[string]*eniRec{}
	for id, e := range l.enisFile {
		if o := l.enisInst[id]; o != nil {
			l.mergeENI(e, o)
		}
		merged[id] = e
	}
	for id, e := range l.enisInst {
		if merged[id] == nil {
			merged[id] = e
		}
	}
	running := 0
	seenInst := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(merged)) {
		e := merged[id]
		if in := l.instances[e.instance]; in != nil {
			if in.state != "running" {
				continue // the instance is reported below
			}
			if e.name == "" && e.device == 0 {
				e.name = in.name
			}
		}
		switch {
		case silentTypes[e.typ]:
			continue
		case otherTypes[e.typ] != "":
			l.warn(e.at, "network interface %s of a %s left out: reachsim does not model it", e.id, otherTypes[e.typ])
			continue
		case !e.attached:
			l.warn(e.at, "network interface %s is not attached to anything: left out", e.id)
			continue
		case len(e.groups) == 0:
			l.warn(e.at, "network interface %s has no security groups: left out (reachsim models interfaces with security groups)", e.id)
			continue
		}
		for _, s := range e.secondary {
			l.warn(e.at, "network interface %s: public IP %s left out: reachsim maps one public IPv4 address per interface, to its primary private address", e.id, s)
		}
		l.out.ifaces = append(l.out.ifaces, e)
		if e.instance != "" && l.instances[e.instance] != nil && !seenInst[e.instance] {
			seenInst[e.instance] = true
			running++
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.instances)) {
		in := l.instances[id]
		label := in.id
		if in.name != "" {
			label += " (" + in.name + ")"
		}
		switch {
		case in.state != "running":
			st := in.state
			if st == "" {
				st = "in an unknown state"
			}
			l.warn(in.at, "instance %s is %s: left out (only running instances are modelled)", label, st)
		case !seenInst[id]:
			l.warn(in.at, "instance %s has no network interface in the input: left out", label)
		}
	}
	// An instance's primary interface first: queries by instance ID use it.
	slices.SortFunc(l.out.ifaces, func(a, b *eniRec) int {
		return cmp.Or(cmp.Compare(a.instance, b.instance), cmp.Compare(uint(a.device), uint(b.device)), cmp.Compare(a.id, b.id))
	})
	l.report.Counts["instances"] = running
	l.report.Counts["network-interfaces"] = len(l.out.ifaces)
}

// mergeENI completes e (from describe-network-interfaces) with o (the same
// interface in describe-instances), warning where they disagree.
func (l *loader) mergeENI(e, o *eniRec) {
	differ := func(what string) {
		l.warn(e.at, "network interface %s: %s differs from %s; using describe-network-interfaces", e.id, what, o.at)
	}
	if e.subnet != o.subnet {
		differ("the subnet")
	}
	if !slices.Equal(sortedCopy(e.ips, netip.Addr.Compare), sortedCopy(o.ips, netip.Addr.Compare)) {
		differ("the private addresses")
	}
	switch {
	case !e.public.IsValid():
		e.public, e.publicAt = o.public, o.publicAt
	case o.public.IsValid() && o.public != e.public:
		differ("the public IP")
	}
	if !slices.Equal(sortedCopy(e.groups, strings.Compare), sortedCopy(o.groups, strings.Compare)) {
		differ("the security groups")
	}
	if e.instance == "" {
		e.instance = o.instance
	}
	if e.device < 0 {
		e.device = o.device
	}
	if e.typ == "" {
		e.typ = o.typ
	}
	e.attached = e.attached || o.attached
}

func sortedCopy[T any](s []T, c func(a, b T) int) []T {
	s = slices.Clone(s)
	slices.SortFunc(s, c)
	return s
}

func (l *loader) assembleGroups() {
	out := &l.out
	ids := map[string]bool{}
	for id := range l.groups {
		ids[id] = true
	}
	for id := range l.ruleSets {
		ids[id] = true
	}
	nRules := 0
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		gr, rs := l.groups[id], l.ruleSets[id]
		var g sg.Group
		var p placed
		switch {
		case gr != nil:
			g = gr.g
			p.base = gr.at
			p.set("ID", gr.at.field("GroupId"))
			p.set("VPCID", gr.at.field("VpcId"))
		default:
			g = sg.Group{ID: id, OwnerID: rs.owner, Flavour: sg.AWS}
			p.base = rs.at
			p.set("ID", rs.at.field("GroupId"))
		}
		if rs != nil {
			if gr != nil && gr.nRules != len(rs.rules) {
				l.warn(gr.at, "security group %s: describe-security-groups lists %d rules, describe-security-group-rules %d; using the latter", id, gr.nRules, len(rs.rules))
			}
			g.Rules = rs.rules
			for j, at := range rs.ruleAt {
				p.set(fmt.Sprintf("Rules[%d]", j), at)
			}
		} else {
			for j := range g.Rules {
				p.set(fmt.Sprintf("Rules[%d]", j), gr.at)
			}
		}
		nRules += len(g.Rules)
		out.groups = append(out.groups, g)
		out.groupAt = append(out.groupAt, p)
	}
	l.report.Counts["security-groups"] = len(out.groups)
	l.report.Counts["security-group-rules"] = nRules
}

func (l *loader) assembleLists() {
	used := map[string]bool{}
	for _, g := range l.out.groups {
		for _, r := range g.Rules {
			if r.Peer.Kind == sg.PeerPrefixList {
				used[r.Peer.PrefixList] = true
			}
		}
	}
	for _, r := range l.rts {
		for _, rt := range r.rt.Routes {
			if rt.PrefixList != "" {
				used[rt.PrefixList] = true
			}
		}
	}
	for _, f := range l.out.fws {
		for _, g := range f.Policy.Stateful.Groups {
			for _, arn := range g.Group.IPSetReferences {
				used[arn[strings.LastIndex(arn, "/")+1:]] = true
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.lists)) {
		r := l.lists[id]
		if !r.entries && used[id] {
			l.warn(r.at, "prefix list %s is used but its entries are not in the input: modelled empty (add aws ec2 get-managed-prefix-list-entries --prefix-list-id %s --output json > %s.json)", id, id, id)
		}
		l.out.lists = append(l.out.lists, r)
	}
}

// assembleFirewalls binds each firewall to its policy and the policy to its
// rule groups.
func (l *loader) assembleFirewalls() []reach.Firewall {
	out := &l.out
	groups := []RuleGroup{}
	groupAt := map[string]origin{}
	for _, g := range l.ruleGroups {
		arn := g.g.ARN()
		if arn == "" {
			l.warn(g.at, "rule group %s has no RuleGroupArn: no policy can refer to it; left out", g.g.Name())
			continue
		}
		if first, dup := groupAt[arn]; dup {
			l.fail(g.at.field("RuleGroupArn"), g.g.Name(), arn, ErrInvalidDump, "rule group %s is listed twice (first at %s)", arn, first)
			continue
		}
		groupAt[arn] = g.at
		groups = append(groups, g.g)
	}
	policies := map[string]*policyRec{}
	for _, p := range l.policies {
		arn := p.spec.ARN
		if arn == "" {
			l.warn(p.at, "firewall policy %s has no FirewallPolicyArn in FirewallPolicyResponse: no firewall can refer to it; left out", p.spec.Name)
			continue
		}
		if first, dup := policies[arn]; dup {
			l.fail(origin{p.at.file, "FirewallPolicyResponse.FirewallPolicyArn"}, p.spec.Name, arn, ErrInvalidDump, "firewall policy %s is listed twice (first at %s)", arn, first.at.file)
			continue
		}
		policies[arn] = p
	}
	usedPolicies, usedGroups, failed := map[string]bool{}, map[string]bool{}, map[string]bool{}
	slices.SortFunc(l.firewalls, func(a, b *fwRec) int { return cmp.Compare(a.spec.ARN+a.spec.Name, b.spec.ARN+b.spec.Name) })
	for _, f := range l.firewalls {
		s := f.spec
		id := cmp.Or(s.ARN, s.Name)
		pr := policies[s.PolicyARN]
		if pr == nil {
			l.fail(f.at.field("FirewallPolicyArn"), cmp.Or(s.Name, id), s.PolicyARN, firewall.ErrUnresolved,
				"the firewall's policy is not in the input (add aws network-firewall describe-firewall-policy --firewall-policy-arn %s --output json)", s.PolicyARN)
			continue
		}
		pol, err := pr.spec.Build(groups)
		if err != nil {
			if !failed[s.PolicyARN] {
				failed[s.PolicyARN] = true
				l.parserErr(pr.at.file, err)
			}
			continue
		}
		usedPolicies[s.PolicyARN] = true
		for _, g := range pr.spec.StatelessGroups {
			usedGroups[g.ARN] = true
		}
		for _, g := range pr.spec.StatefulGroups {
			usedGroups[g.ARN] = true
		}
		fw := reach.Firewall{ID: id, Name: s.Name, VPC: s.VPCID, Policy: pol}
		p := placed{base: f.at}
		p.set("ID", f.at.field("FirewallArn"))
		p.set("VPC", f.at.field("VpcId"))
		p.set("Policy", pr.at)
		for j, e := range s.Endpoints {
			eo := origin{f.at.file, "FirewallStatus.SyncStates." + e.AvailabilityZone + ".Attachment"}
			if e.Status != "" && e.Status != "READY" {
				l.warn(eo, "endpoint %s of firewall %s is %s, not READY", e.EndpointID, cmp.Or(s.Name, id), e.Status)
			}
			fw.Endpoints = append(fw.Endpoints, reach.FirewallEndpointSpec{ID: e.EndpointID, Subnet: e.SubnetID})
			p.set(fmt.Sprintf("Endpoints[%d]", j), eo)
			p.set(fmt.Sprintf("Endpoints[%d].ID", j), eo.field("EndpointId"))
			p.set(fmt.Sprintf("Endpoints[%d].Subnet", j), eo.field("SubnetId"))
		}
		out.fws = append(out.fws, fw)
		out.fwAt = append(out.fwAt, p)
	}
	for _, p := range l.policies {
		if p.spec.ARN != "" && !usedPolicies[p.spec.ARN] && policies[p.spec.ARN] == p {
			l.warn(p.at, "firewall policy %s is used by no firewall in the input: left out", cmp.Or(p.spec.Name, p.spec.ARN))
		}
	}
	for _, g := range l.ruleGroups {
		if arn := g.g.ARN(); arn != "" && !usedGroups[arn] {
			l.warn(g.at, "rule group %s is used by no firewall policy in the input: left out", cmp.Or(g.g.Name(), arn))
		}
	}
	l.report.Counts["firewall-policies"] = len(usedPolicies)
	l.report.Counts["rule-groups"] = len(usedGroups)
	return out.fws
}

// placed is where a resource given to the builder came from: the element
// as a whole, and the fields Build may complain about, by the path Build
// uses ("Routes[2].TargetID").
type placed struct {
	base   origin
	fields map[string]origin
}

func (p *placed) set(field string, o origin) {
	if p.fields == nil {
		p.fields = map[string]origin{}
	}
	p.fields[field] = o
}

// lookup returns the origin of field, or of the nearest enclosing one.
func (p placed) lookup(field string) origin {
	for field != "" {
		if o, ok := p.fields[field]; ok {
			return o
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return p.base
}

// where maps the builder's kinds ("subnets") to the origins of its items.
type where map[string][]placed

// builder puts the assembled resources into a Builder, in order.
func (l *loader) builder() (*reach.Builder, where) {
	out := &l.out
	w := where{}
	b := reach.NewBuilder()
	for _, r := range out.vpcs {
		p := placed{base: r.at}
		p.set("ID", r.at.field("VpcId"))
		for j, o := range r.cidrAt {
			p.set(fmt.Sprintf("CIDRs[%d]", j), o)
		}
		if r.vpc.MainRouteTable != "" {
			p.set("MainRouteTable", r.mainAt)
		}
		if r.vpc.DefaultACL != "" {
			p.set("DefaultACL", r.defACLAt)
		}
		b.AddVPC(r.vpc)
		w["vpcs"] = append(w["vpcs"], p)
	}
	for _, r := range out.igws {
		p := placed{base: r.at}
		p.set("ID", r.at.field("InternetGatewayId"))
		p.set("VPC", r.vpc)
		b.AddInternetGateway(r.igw)
		w["internetGateways"] = append(w["internetGateways"], p)
	}
	for _, r := range out.rts {
		p := placed{base: r.at}
		p.set("ID", r.at.field("RouteTableId"))
		p.set("VPC", r.at.field("VpcId"))
		for j, ro := range r.routeAt {
			k := fmt.Sprintf("Routes[%d]", j)
			p.set(k, ro.at)
			p.set(k+".Destination", ro.dest)
			p.set(k+".PrefixList", ro.dest)
			p.set(k+".TargetID", ro.target)
		}
		for j, o := range r.gwAt {
			p.set(fmt.Sprintf("Gateways[%d]", j), o)
		}
		b.AddRouteTable(r.rt)
		w["routeTables"] = append(w["routeTables"], p)
	}
	for _, r := range out.acls {
		p := placed{base: r.at}
		p.set("ID", r.at.field("NetworkAclId"))
		p.set("VPCID", r.at.field("VpcId"))
		b.AddNetworkACL(r.acl)
		w["acls"] = append(w["acls"], p)
	}
	for _, r := range out.subnets {
		p := placed{base: r.at}
		p.set("ID", r.at.field("SubnetId"))
		p.set("VPC", r.at.field("VpcId"))
		for j, o := range r.cidrAt {
			p.set(fmt.Sprintf("CIDRs[%d]", j), o)
		}
		if r.subnet.RouteTable != "" {
			p.set("RouteTable", r.rtAt)
		}
		if r.subnet.ACL != "" {
			p.set("ACL", r.aclAt)
		}
		b.AddSubnet(r.subnet)
		w["subnets"] = append(w["subnets"], p)
	}
	for _, r := range out.nats {
		p := placed{base: r.at}
		p.set("ID", r.at.field("NatGatewayId"))
		p.set("Subnet", r.subnet)
		p.set("PrivateIP", r.pr)
		p.set("PublicIP", r.pub)
		b.AddNATGateway(r.nat)
		w["natGateways"] = append(w["natGateways"], p)
	}
	for _, r := range out.lists {
		p := placed{base: r.at}
		for j, o := range r.entryAt {
			p.set(fmt.Sprintf("Entries[%d]", j), o)
		}
		b.AddPrefixList(r.list)
		w["prefixLists"] = append(w["prefixLists"], p)
	}
	b.AddSecurityGroup(out.groups...)
	w["groups"] = out.groupAt
	for _, e := range out.ifaces {
		p := placed{base: e.at}
		p.set("ID", e.at.field("NetworkInterfaceId"))
		p.set("Subnet", e.at.field("SubnetId"))
		p.set("Groups", e.at.field("Groups"))
		for j, o := range e.ipAt {
			p.set(fmt.Sprintf("PrivateIPs[%d]", j), o)
		}
		if e.public.IsValid() {
			p.set("PublicIP", e.publicAt)
		}
		for j, o := range e.groupAt {
			p.set(fmt.Sprintf("Groups[%d]", j), o)
		}
		b.AddInterface(reach.Interface{ID: e.id, Name: e.name, Instance: e.instance, Subnet: e.subnet,
			PrivateIPs: e.ips, PublicIP: e.public, Groups: e.groups})
		w["interfaces"] = append(w["interfaces"], p)
	}
	b.AddFirewall(out.fws...)
	w["firewalls"] = out.fwAt
	return b, w
}

// explain rewrites Build's errors, which name the builder's items
// ("interfaces[3].Groups[0]"), to name the file and JSON path each item
// came from.
func (w where) explain(err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		out = append(out, w.place(e))
	}
	return errors.Join(out...)
}

func (w where) place(err error) error {
	ie, ok := err.(*flow.InputError)
	if !ok {
		return err
	}
	kind, rest, _ := strings.Cut(ie.Path, "[")
	num, rest, _ := strings.Cut(rest, "]")
	rest = strings.TrimPrefix(rest, ".")
	i, convErr := strconv.Atoi(num)
	items := w[kind]
	if convErr != nil || i < 0 || i >= len(items) {
		return err
	}
	p := items[i]
	if rest == "" {
		// A group that does not compile: sg.Compile's own error names the rule.
		var inner *flow.InputError
		if errors.As(ie.Err, &inner) && strings.HasPrefix(inner.Path, "Rules[") {
			rest, _, _ = strings.Cut(inner.Path, "]")
			rest += "]"
		}
	}
	o := p.lookup(rest)
	return &flow.InputError{File: o.file, Path: o.path, Resource: ie.Resource, Rule: ie.Rule, Text: ie.Text, Err: ie.Err}
}
