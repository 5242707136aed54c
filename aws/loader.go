package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The loader's state and the helpers every reader uses: warnings, errors
// that name the file and JSON path, duplicate checks, decoding.

type loader struct {
	report *Report
	errs   []error
	// sums are the hashes of the files' bytes, in the order read: a
	// second reading (placeBuildError) checks it reads the same input
	sums []uint64

	vpcs      []*vpcRec
	subnets   []*subnetRec
	enisFile  map[string]*eniRec // from describe-network-interfaces
	enisInst  map[string]*eniRec // from describe-instances
	instances map[string]*instRec
	groups    map[string]*groupRec
	ruleSets  map[string]*ruleSetRec
	ruleIDs   map[string]itemAt // rule ID -> where it was first listed
	acls      []*aclRec
	rts       []*rtRec
	igws      []*igwRec
	nats      []*natRec
	natsOut   map[string]natOut // NAT gateways left out, by ID (gateway.go)
	// vpcsOut are the VPCs Options.VPCs leaves out, bpaOnly their records,
	// read for the Region's Block Public Access mode alone (select.go)
	vpcsOut map[string]bool
	bpaOnly []*vpcRec
	// groupsOut are the security groups left out with them, by ID: their VPC
	groupsOut map[string]string
	// natByENI and natByIP tell the NAT gateway of a nat_gateway
	// interface (gateway.go, natOfENI)
	natByENI   map[string]string
	natByIP    map[netip.Addr][]natHolder
	eigws      map[string]*eigwRec // endpoints.go
	vpces      map[string]*vpceRec // endpoints.go
	vpceOfENI  map[string]string   // interface endpoints' network interfaces: their endpoint's ID (endpoints.go)
	lists      map[string]*listRec
	firewalls  []*fwRec
	policies   []*policyRec
	ruleGroups []*ruleGroupRec
	peerings   []*peeringRec          // see peering.go
	addresses  []*addressRec          // describe-addresses, associated with an interface
	idleEIPs   []idleEIP              // describe-addresses, associated with nothing (addresses.go)
	bpa        bpaRec                 // VPC Block Public Access
	tgw        *tgwState              // transit gateways, see tgw.go
	seen       map[string]jsonloc.Loc // kind + " " + ID -> where it was first listed
	// unknown gathers the unknown keys of the file being read (unknownkeys.go)
	unknown unknownSeen
	// haveInstances says the input holds describe-instances (a
	// Reservations list): an instance it does not list is not known to run
	haveInstances bool

	// Results of assemble, in builder order.
	out struct {
		vpcs    []*vpcRec
		subnets []*subnetRec
		ifaces  []*eniRec
		groups  []sg.Group
		groupAt []placed
		// unresolved are the groups rules reference that no file holds
		unresolved []string
		// leftOut are those of them left out with their VPC (groups.go)
		leftOut []reach.LeftOutGroup
		// unresolvedLists are the lists used whose entries no file holds
		unresolvedLists []string
		acls            []*aclRec
		rts             []*rtRec
		igws            []*igwRec
		nats            []*natRec
		lists           []*listRec
		fws             []reach.Firewall
		fwAt            []placed
		bpa             reach.BlockPublicAccess
		vpcByID         map[string]*vpcRec
		// peerings are the peering connections modelled (both VPCs in
		// the input), peeringByID every one read
		peerings    []*peeringRec
		peeringByID map[string]*peeringRec
		subnetBy    map[string]*subnetRec
		// unmodelled are the addresses of the interfaces left out, read
		// at unmodelledAt (instance.go)
		unmodelled   []reach.UnmodelledAddress
		unmodelledAt []jsonloc.Loc
		// unmodelledSeen holds the addresses of unmodelled, each
		// declared once (declareUnmodelled)
		unmodelledSeen map[netip.Addr]bool
		// unmodelledBlocks are the public blocks of the VPCs
		// Options.VPCs leaves out, read at unmodelledBlockAt (select.go)
		unmodelledBlocks  []reach.UnmodelledBlock
		unmodelledBlockAt []jsonloc.Loc
		// groupUses are the security groups of the interfaces left out,
		// read at groupUseAt (instance.go)
		groupUses  []reach.UnmodelledGroupUse
		groupUseAt []*eniRec
		// hostless are the addresses of the interfaces left out that
		// deliver to no host (instance.go)
		hostless []reach.HostlessAddress
	}
}

// countKinds are the keys of Report.Counts.
var countKinds = []string{"vpcs", "subnets", "instances", "network-interfaces", "security-groups", "security-group-rules",
	"network-acls", "route-tables", "routes", "internet-gateways", "nat-gateways", "prefix-lists", "firewalls",
	"firewall-policies", "rule-groups", "vpc-peering-connections", "transit-gateways", "transit-gateway-route-tables", "transit-gateway-attachments",
	"egress-only-internet-gateways", "gateway-endpoints"}

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
		ruleIDs:   map[string]itemAt{},
		lists:     map[string]*listRec{},
		eigws:     map[string]*eigwRec{},
		natsOut:   map[string]natOut{},
		natByENI:  map[string]string{},
		natByIP:   map[netip.Addr][]natHolder{},
		vpces:     map[string]*vpceRec{},
		vpceOfENI: map[string]string{},
		seen:      map[string]jsonloc.Loc{},
	}
}

func (l *loader) warn(o jsonloc.Loc, format string, args ...any) {
	l.report.Warnings = append(l.report.Warnings, o.String()+": "+fmt.Sprintf(format, args...))
}

// fail records a fault in the input at o, wrapping sentinel.
func (l *loader) fail(o jsonloc.Loc, resource, text string, sentinel error, format string, args ...any) {
	o.Resource = resource
	l.errs = append(l.errs, o.Fail(text, sentinel, format, args...))
}

// parserErr records an error of another package's parser for file.
func (l *loader) parserErr(file string, err error) {
	l.errs = append(l.errs, jsonloc.WithFile(err, file))
}

// claim records that kind id is listed at o, and reports a second listing.
func (l *loader) claim(kind, id string, o jsonloc.Loc) bool {
	key := kind + " " + id
	if first, dup := l.seen[key]; dup {
		l.fail(o, id, id, ErrInvalidDump, "%s %s is listed twice (first at %s)", kind, id, first)
		return false
	}
	l.seen[key] = o
	return true
}

// checkedDoc decodes a document cut from a file whose keys readFile has
// checked (jsonloc.Document) already: the parsers need not check again.
func checkedDoc(data []byte, v any) error { return jsonloc.Unmarshal("", data, v) }

// decode decodes raw, found at o, into v.
func (l *loader) decode(o jsonloc.Loc, raw json.RawMessage, v any) bool {
	if err := o.Decode(raw, v); err != nil {
		l.errs = append(l.errs, err)
		return false
	}
	return true
}

// decodeCheckedList decodes raw, the JSON list at o, into elements of
// a type that declares the members of its API shape it does not read
// (apimembers.go): a key of an element that is neither read nor declared
// is a warning (unknownkeys.go). A list that is null or absent is a
// warning: the command prints an empty list for no resources. An error
// names the full path of the value that failed (jsonloc.Unmarshal finds
// it).
func decodeCheckedList[T any](l *loader, o jsonloc.Loc, raw json.RawMessage) ([]T, bool) {
	var items []T
	if !l.decodeKnown(o, raw, &items) {
		return nil, false
	}
	if items == nil {
		l.warn(o, nullList)
	}
	return items, true
}

// nullList is the warning for a list that is null.
const nullList = "null where a list belongs: nothing read"

// require reports a missing required field.
func (l *loader) require(o jsonloc.Loc, resource, field, value string) bool {
	if value == "" {
		l.fail(o.Field(field), resource, "", ErrInvalidDump, "%s is missing", field)
		return false
	}
	return true
}

// family is the address family a field of the AWS CLI's output holds.
type family uint8

const (
	famAny family = iota // either: a prefix list's entries, a transit gateway route's destination
	fam4                 // IPv4 only: CidrBlock, PrivateIpAddress, PublicIp, Ipv4Prefix...
	fam6                 // IPv6 only: Ipv6CidrBlock, Ipv6Address, Ipv6Prefix...
)

// wrong reports whether a, read from a field that holds fam, is of the
// other family, and names the family a has and the one fam wants.
func (fam family) wrong(a netip.Addr) (got, want string, bad bool) {
	if fam == famAny || a.Is6() == (fam == fam6) {
		return "", "", false
	}
	if fam == fam6 {
		return "IPv4", "IPv6", true
	}
	return "IPv6", "IPv4", true
}

// prefix reads the CIDR block s at o (host bits masked, as flow.ParseCIDR
// does), of family fam: a block of the other family is an error, never
// a guess, as in the per-kind parsers.
func (l *loader) prefix(o jsonloc.Loc, resource, s string, fam family) (netip.Prefix, bool) {
	p, err := flow.ParseCIDR(s)
	if err != nil {
		l.fail(o, resource, s, ErrInvalidDump, "not a CIDR block")
		return netip.Prefix{}, false
	}
	if got, want, bad := fam.wrong(p.Addr()); bad {
		l.fail(o, resource, s, ErrInvalidDump, "an %s block where an %s block belongs", got, want)
		return netip.Prefix{}, false
	}
	return p, true
}

// block reads the CIDR block s at o as prefix does, and refuses one with
// host bits set ("10.0.1.5/24"): the AWS CLI prints a subnet's or a
// route's block with its host bits clear, and which block was meant is a
// guess.
func (l *loader) block(o jsonloc.Loc, resource, s string, fam family) (netip.Prefix, bool) {
	p, ok := l.prefix(o, resource, s, fam)
	if !ok {
		return p, false
	}
	if q, err := netip.ParsePrefix(s); err == nil && q != q.Masked() {
		l.fail(o, resource, s, ErrInvalidDump, "host bits are set (the block is %s): the AWS CLI prints a block with its host bits clear, so this one was edited, and which block was meant is unknown", q.Masked())
		return netip.Prefix{}, false
	}
	return p, true
}

// addr reads the IP address s at o, of family fam (an address of the
// other family is an error). flow.ParseAddrOrCIDR holds the checks an
// address needs (no zone, no IPv4-mapped IPv6 address); a block with a
// prefix length is no address.
func (l *loader) addr(o jsonloc.Loc, resource, s string, fam family) (netip.Addr, bool) {
	p, err := flow.ParseAddrOrCIDR(s)
	if err != nil || strings.Contains(s, "/") {
		l.fail(o, resource, s, ErrInvalidDump, "not an IP address")
		return netip.Addr{}, false
	}
	if got, want, bad := fam.wrong(p.Addr()); bad {
		l.fail(o, resource, s, ErrInvalidDump, "an %s address where an %s address belongs", got, want)
		return netip.Addr{}, false
	}
	return p.Addr(), true
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
