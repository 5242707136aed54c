package aws

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Instances and their network interfaces: describe-instances and
// describe-network-interfaces, merged by interface ID.

type eniRec struct {
	id       string
	at       jsonloc.Loc
	subnet   string
	vpc      string // VpcId, "" when not printed (Options.VPCs: select.go)
	ips      []netip.Addr
	ipAt     []jsonloc.Loc
	public   netip.Addr
	publicAt jsonloc.Loc
	groups   []string
	groupAt  []itemAt
	name     string
	instance string
	device   int // attachment device index, -1 when unknown
	typ      string
	attached bool
	// status is the interface's Status, attachStatus its Attachment's
	// ("attaching", "detaching": in transition); lambda says its
	// Description is that of a Lambda function's interface of old
	// ("AWS Lambda VPC ENI-…")
	status, attachStatus string
	lambda               bool
	secondary            []publicRec // public IPs of secondary private addresses
	// denyIGW is DenyAllIgwTraffic; prefixes the delegated prefixes
	// (Ipv4Prefixes, Ipv6Prefixes), read at prefixAt
	denyIGW  bool
	prefixes []netip.Prefix
	prefixAt []jsonloc.Loc
	// sdCheck is SourceDestCheck, read at sdAt; nil when the input does
	// not print it. sdUnknown names the absent value of an interface a
	// route targets (reach.Interface.SourceDestCheckUnknown).
	sdCheck   *bool
	sdAt      jsonloc.Loc
	sdUnknown string
	// platform is its instance's (reach.Interface.Platform), meta its
	// metadata options
	platform string
	meta     metaRec
	// vpce names the interface endpoint of an interface whose
	// InterfaceType is vpc_endpoint (reach.Interface.InterfaceEndpoint):
	// its ID, from the endpoint's NetworkInterfaceIds in
	// describe-vpc-endpoints or the interface's Description; "" for
	// another interface
	vpce string
}

type instRec struct {
	id, name, state string
	at              jsonloc.Loc
	// platform is describe-instances' Platform ("windows") or, when it
	// is empty, PlatformDetails ("Linux/UNIX"); "" when neither is printed
	platform string
	meta     metaRec
}

// metaRec is an instance's MetadataOptions as reach.Interface holds
// them (MetadataEndpoint, MetadataIPv6, MetadataUnknown).
type metaRec struct {
	endpoint, ipv6 reach.Option
	unknown        string
}

// metadataJSON is describe-instances' MetadataOptions.
type metadataJSON struct {
	metadataUnread
	State            string // "pending" or "applied"
	HttpEndpoint     string // "enabled" or "disabled"
	HttpProtocolIpv6 string // "enabled" or "disabled"
}

// readMetadata reads the MetadataOptions m of an instance at o: a value
// other than enabled or disabled is left unset with a warning, and
// options AWS is still applying (State pending: "the instance is not
// ready to process metadata traffic with the new selection") are left
// unset, naming why.
func (l *loader) readMetadata(o jsonloc.Loc, m *metadataJSON) metaRec {
	var r metaRec
	if m == nil {
		return r // not in the input: unset, and the hop says so
	}
	if m.State == "pending" {
		r.unknown = fmt.Sprintf("%s: pending (AWS is applying a change to the options)", o.Field("State"))
		return r
	}
	var odd []string
	for _, f := range []struct {
		name, v string
		to      *reach.Option
	}{{"HttpEndpoint", m.HttpEndpoint, &r.endpoint}, {"HttpProtocolIpv6", m.HttpProtocolIpv6, &r.ipv6}} {
		if f.v == "" {
			continue // unset: not in the input
		}
		if opt, ok := reach.ParseOption(f.v); ok {
			*f.to = opt
			continue
		}
		l.warn(o.Field(f.name), "%q is neither enabled nor disabled: whether the metadata service answers is left undecided", f.v)
		odd = append(odd, fmt.Sprintf("%s: %q (neither enabled nor disabled)", o.Field(f.name), f.v))
	}
	r.unknown = strings.Join(odd, "; ")
	return r
}

// eniJSON is a NetworkInterface of describe-network-interfaces or an
// instance's NetworkInterfaces element in describe-instances.
type eniJSON struct {
	eniUnread
	NetworkInterfaceId string
	SubnetId           string
	VpcId              string
	InterfaceType      string
	Status             string
	Description        string
	PrivateIpAddresses []eniPrivateIP
	PrivateIpAddress   string
	Ipv6Addresses      []eniIPv6JSON
	Association        *eniAssocJSON
	DenyAllIgwTraffic  bool
	SourceDestCheck    *bool
	Ipv4Prefixes       []struct{ Ipv4Prefix string }
	Ipv6Prefixes       []struct{ Ipv6Prefix string }
	Groups             []struct{ GroupId, GroupName string }
	Attachment         *eniAttachJSON
	TagSet             []tagJSON
}

// eniStatuses and attachStatuses are the values of a network interface's
// Status (API_NetworkInterface) and of its Attachment's Status
// (API_NetworkInterfaceAttachment) the AWS CLI prints; "" is one the
// input does not print. Any other value is refused: whether the interface
// is in use would be a guess.
var (
	eniStatuses    = map[string]bool{"": true, "available": true, "associated": true, "attaching": true, "in-use": true, "detaching": true}
	attachStatuses = map[string]bool{"": true, "attaching": true, "attached": true, "detaching": true, "detached": true}
)

// eniPrivateIP is one of an interface's PrivateIpAddresses.
type eniPrivateIP struct {
	PrivateDnsName   unread
	PrivateIpAddress string
	Primary          bool
	Association      *eniAssocJSON
}

// readENI reads one network interface at o; instance is the ID of the
// instance whose NetworkInterfaces hold it, "" in describe-network-interfaces.
func (l *loader) readENI(o jsonloc.Loc, n *eniJSON, instance string) *eniRec {
	if !l.require(o, instance, "NetworkInterfaceId", n.NetworkInterfaceId) || !l.require(o, n.NetworkInterfaceId, "SubnetId", n.SubnetId) {
		return nil
	}
	e := &eniRec{id: n.NetworkInterfaceId, at: o, subnet: n.SubnetId, vpc: n.VpcId, name: nameTag(n.TagSet), instance: instance, device: -1, typ: n.InterfaceType,
		attached: instance != "" || n.Status == "in-use", status: n.Status, lambda: strings.HasPrefix(n.Description, "AWS Lambda VPC ENI")}
	if !eniStatuses[n.Status] {
		l.fail(o.Field("Status"), n.NetworkInterfaceId, n.Status, ErrInvalidDump, "unknown network interface status: AWS prints available, associated, attaching, in-use or detaching (API_NetworkInterface), and whether the interface is in use is unknown")
		return nil
	}
	if a := n.Attachment; a != nil {
		if !attachStatuses[a.Status] {
			l.fail(o.Field("Attachment").Field("Status"), n.NetworkInterfaceId, a.Status, ErrInvalidDump, "unknown attachment status: AWS prints attaching, attached, detaching or detached (API_NetworkInterfaceAttachment), and whether the interface is attached is unknown")
			return nil
		}
		if a.InstanceId != "" {
			e.instance = a.InstanceId
		}
		e.attachStatus = a.Status
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
		po := o.Field("PrivateIpAddresses").Index(j)
		a, ok := l.addr(po.Field("PrivateIpAddress"), e.id, p.PrivateIpAddress, fam4)
		if !ok {
			continue
		}
		e.ips = append(e.ips, a)
		e.ipAt = append(e.ipAt, po.Field("PrivateIpAddress"))
		if p.Association != nil && p.Association.PublicIp != "" && j != order[0] {
			pat := po.Field("Association").Field("PublicIp")
			if pub, ok := l.addr(pat, e.id, p.Association.PublicIp, fam4); ok {
				e.addPublic(l, publicRec{private: a, public: pub, at: pat}, e.id)
			}
		}
	}
	if len(n.PrivateIpAddresses) > 0 && n.PrivateIpAddress != "" {
		// the primary address, repeated: checked, never read apart
		at := o.Field("PrivateIpAddress")
		if a, ok := l.addr(at, e.id, n.PrivateIpAddress, fam4); ok && !slices.ContainsFunc(n.PrivateIpAddresses, func(p eniPrivateIP) bool { q, err := netip.ParseAddr(p.PrivateIpAddress); return err == nil && q == a }) {
			l.fail(at, e.id, n.PrivateIpAddress, ErrInvalidDump, "the address is none of PrivateIpAddresses' (the AWS CLI prints the primary one of them here)")
		}
	}
	if len(n.PrivateIpAddresses) == 0 && n.PrivateIpAddress != "" {
		if a, ok := l.addr(o.Field("PrivateIpAddress"), e.id, n.PrivateIpAddress, fam4); ok {
			e.ips = append(e.ips, a)
			e.ipAt = append(e.ipAt, o.Field("PrivateIpAddress"))
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
		po := o.Field("Ipv6Addresses").Index(j).Field("Ipv6Address")
		if a, ok := l.addr(po, e.id, n.Ipv6Addresses[j].Ipv6Address, fam6); ok {
			e.ips = append(e.ips, a)
			e.ipAt = append(e.ipAt, po)
		}
	}
	if n.InterfaceType == "vpc_endpoint" {
		e.vpce = vpceOfDescription(n.Description)
	}
	e.denyIGW = n.DenyAllIgwTraffic
	if n.SourceDestCheck != nil {
		e.sdCheck, e.sdAt = n.SourceDestCheck, o.Field("SourceDestCheck")
	}
	for j, p := range n.Ipv4Prefixes {
		e.addPrefix(l, o.Field("Ipv4Prefixes").Index(j).Field("Ipv4Prefix"), p.Ipv4Prefix, fam4)
	}
	for j, p := range n.Ipv6Prefixes {
		e.addPrefix(l, o.Field("Ipv6Prefixes").Index(j).Field("Ipv6Prefix"), p.Ipv6Prefix, fam6)
	}
	switch {
	case n.Association != nil && n.Association.PublicIp != "":
		e.publicAt = o.Field("Association").Field("PublicIp")
		e.public, _ = l.addr(e.publicAt, e.id, n.Association.PublicIp, fam4)
	default:
		for _, j := range order[:min(1, len(order))] {
			if p := n.PrivateIpAddresses[j]; p.Association != nil && p.Association.PublicIp != "" {
				e.publicAt = o.Field("PrivateIpAddresses").Index(j).Field("Association").Field("PublicIp")
				e.public, _ = l.addr(e.publicAt, e.id, p.Association.PublicIp, fam4)
			}
		}
	}
	var groups *jsonloc.Loc // built once, for the locations of its items
	for j, g := range n.Groups {
		if g.GroupId == "" {
			l.require(o.Field("Groups").Index(j), e.id, "GroupId", g.GroupId)
			continue
		}
		if groups == nil {
			at := o.Field("Groups")
			groups = &at
		}
		e.groups = append(e.groups, g.GroupId)
		e.groupAt = append(e.groupAt, itemAt{list: groups, i: j, field: "GroupId"})
	}
	return e
}

type (
	reservationJSON struct {
		reservationUnread
		Instances []instanceJSON
	}
	instanceJSON struct {
		instanceUnread
		InstanceId        string
		State             *instanceStateJSON
		SourceDestCheck   *bool  // the primary interface's
		PublicIpAddress   string // the primary interface's public IPv4 address
		MetadataOptions   *metadataJSON
		Platform          string // "windows" for a Windows instance, else empty
		PlatformDetails   string // "Linux/UNIX", "Windows", "Windows with SQL Server Standard", ...
		Tags              []tagJSON
		NetworkInterfaces []eniJSON
	}
)

// readReservations takes in the Reservations list at o, decoded.
//
// Each element is cleared once read, so that what it held is garbage
// while the rest are read.
func (l *loader) readReservations(o jsonloc.Loc, reservations []reservationJSON) {
	for i, res := range reservations {
		ro := o.Index(i)
		for j, in := range res.Instances {
			io := ro.Field("Instances").Index(j)
			if !l.require(io, "", "InstanceId", in.InstanceId) || !l.claim("instance", in.InstanceId, io.Field("InstanceId")) {
				continue
			}
			r := &instRec{id: in.InstanceId, name: nameTag(in.Tags), at: io, platform: cmp.Or(in.Platform, in.PlatformDetails),
				meta: l.readMetadata(io.Field("MetadataOptions"), in.MetadataOptions)}
			if in.State != nil {
				r.state = in.State.Name
			}
			l.instances[r.id] = r
			for k := range in.NetworkInterfaces {
				e := l.readENI(io.Field("NetworkInterfaces").Index(k), &in.NetworkInterfaces[k], in.InstanceId)
				if e == nil {
					continue
				}
				if prev, dup := l.enisInst[e.id]; dup {
					l.fail(e.at.Field("NetworkInterfaceId"), e.id, e.id, ErrInvalidDump, "network interface %s is listed twice (first at %s)", e.id, prev.at)
					continue
				}
				primary := e.device == 0 || e.device < 0 && len(in.NetworkInterfaces) == 1
				if e.sdCheck == nil && in.SourceDestCheck != nil && primary {
					e.sdCheck, e.sdAt = in.SourceDestCheck, io.Field("SourceDestCheck")
				}
				if in.PublicIpAddress != "" && primary {
					l.instancePublicIP(e, io.Field("PublicIpAddress"), in.PublicIpAddress)
				}
				l.enisInst[e.id] = e
			}
		}
		reservations[i] = reservationJSON{} // garbage once read: see readFile
	}
}

// instancePublicIP reads describe-instances' PublicIpAddress at o, the
// public IPv4 address of the instance's primary interface e: the
// interface's when its element does not print its Association (a trimmed
// input), an error naming both when they differ.
func (l *loader) instancePublicIP(e *eniRec, o jsonloc.Loc, s string) {
	a, ok := l.addr(o, e.id, s, fam4)
	switch {
	case !ok:
	case !e.public.IsValid():
		e.public, e.publicAt = a, o
	case e.public != a:
		l.fail(o, e.id, s, ErrInvalidDump, "the instance's PublicIpAddress is not %s, the public IP of its primary interface %s (at %s)", e.public, e.id, e.publicAt)
	}
}

// Interface types left out without a word (they are modelled as what
// they serve: a NAT gateway, a route target) and with a warning.
var (
	silentTypes = map[string]string{"nat_gateway": "NAT gateway", "gateway_load_balancer_endpoint": "Gateway Load Balancer endpoint"}
	otherTypes  = map[string]string{
		"network_load_balancer": "Network Load Balancer", "load_balancer": "load balancer", "gateway_load_balancer": "Gateway Load Balancer",
		"transit_gateway": "transit gateway", "global_accelerator_managed": "Global Accelerator", "api_gateway_managed": "API Gateway",
		"quicksight": "QuickSight", "iot_rules_managed": "IoT rules", "aws_codestar_connections_managed": "CodeStar connections",
		"lambda": "Lambda function",
	}
	// hostTypes are the interface types of hosts (instances, and the
	// hosts of managed services such as RDS, whose interfaces are of
	// type interface): "" is one the input does not print. The loader
	// leaves out an interface of a type in none of these lists, with a
	// warning: a type AWS added after this reader.
	hostTypes = map[string]bool{"": true, "interface": true, "efa": true, "trunk": true, "branch": true, "vpc_endpoint": true}
)

// stoppedStates are the instance states in which an instance certainly
// answers nothing; pending, stopping and shutting-down are transitions,
// and an instance whose State the input does not print may be running.
var stoppedStates = map[string]bool{"stopped": true, "terminated": true}

// inTransition returns the state of e when it is attaching or detaching
// (its Status, else its Attachment's), "" otherwise.
func (e *eniRec) inTransition() string {
	for _, st := range [2]string{e.status, e.attachStatus} {
		if st == "attaching" || st == "detaching" {
			return st
		}
	}
	return ""
}

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
			if e.name == "" && e.device == 0 {
				e.name = in.name // a query may name it so, left out or not
			}
			if in.state != "running" {
				// the instance is reported below
				what := fmt.Sprintf("network interface of instance %s, which is %s", in.id, cmp.Or(in.state, "in a state the input does not print"))
				l.groupUse(e, what)
				if stoppedStates[in.state] {
					l.hostless(e, what) // it answers nothing, for certain
				} else {
					l.unmodelled(e, e.id, what) // it may answer, or not
				}
				continue
			}
			e.platform, e.meta = in.platform, in.meta
		} else if e.instance != "" && l.haveInstances {
			l.warn(e.at, "network interface %s is attached to instance %s, which describe-instances does not list (filtered, say to running instances): whether the instance runs is unknown, so queries to the interface's addresses are indeterminate", e.id, e.instance)
			what := fmt.Sprintf("network interface of instance %s, which describe-instances does not list", e.instance)
			l.unmodelled(e, e.id, what)
			l.groupUse(e, what)
			continue
		}
		if e.typ == "vpc_endpoint" {
			l.endpointInterface(e)
		}
		switch {
		case e.typ == "nat_gateway":
			l.natInterface(e)
			continue
		case silentTypes[e.typ] != "":
			l.unmodelled(e, e.id, "network interface of a "+silentTypes[e.typ])
			l.groupUse(e, "network interface of a "+silentTypes[e.typ])
			continue
		case otherTypes[e.typ] != "":
			l.warn(e.at, "network interface %s of %s left out: reachsim does not model it", e.id, withArticle(otherTypes[e.typ]))
			l.unmodelled(e, e.id, "network interface of a "+otherTypes[e.typ])
			l.groupUse(e, "network interface of a "+otherTypes[e.typ])
			continue
		case e.typ == "efa-only":
			l.warn(e.at, "network interface %s is EFA-only (InterfaceType efa-only): left out (it has no IP address and carries no IP traffic)", e.id)
			l.groupUse(e, "EFA-only network interface")
			continue
		case !hostTypes[e.typ]:
			l.warn(e.at, "network interface %s has InterfaceType %q, which reachsim does not know: left out, and queries to its addresses are indeterminate", e.id, e.typ)
			l.unmodelled(e, e.id, "network interface of a kind reachsim does not know")
			l.groupUse(e, "network interface of a kind reachsim does not know")
			continue
		case e.lambda:
			l.warn(e.at, "network interface %s of a Lambda function (its Description) left out: reachsim does not model it", e.id)
			l.unmodelled(e, e.id, "network interface of a Lambda function")
			l.groupUse(e, "network interface of a Lambda function")
			continue
		case e.inTransition() != "":
			st := e.inTransition()
			to := ""
			if e.instance != "" {
				to = " (to instance " + e.instance + ")"
			}
			l.warn(e.at, "network interface %s is %s%s: whether a host answers on it is undecided, so queries to its addresses are indeterminate", e.id, st, to)
			what := "network interface that is " + st + to
			l.unmodelled(e, e.id, what)
			l.groupUse(e, what)
			continue
		case !e.attached:
			l.warn(e.at, "network interface %s is not attached to anything: left out", e.id)
			l.groupUse(e, "network interface attached to nothing")
			l.hostless(e, "network interface attached to nothing")
			continue
		case len(e.groups) == 0:
			l.warn(e.at, "network interface %s has no security groups: left out (reachsim models interfaces with security groups)", e.id)
			l.unmodelled(e, e.id, "network interface without security groups")
			continue
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
		case stoppedStates[in.state]:
			l.warn(in.at, "instance %s is %s: left out (only running instances are modelled)", label, in.state)
		case in.state == "":
			l.warn(in.at, "instance %s: the input does not print its State (a trimmed input): left out, and queries to the addresses of its interfaces are indeterminate", label)
		case in.state != "running":
			l.warn(in.at, "instance %s is %s: left out, and queries to the addresses of its interfaces are indeterminate (it may answer, or not)", label, in.state)
		case !seenInst[id]:
			l.warn(in.at, "instance %s has no network interface in the input: left out", label)
		}
	}
	l.sourceDestUnknown()
	// An instance's primary interface first: queries by instance ID use it.
	slices.SortFunc(l.out.ifaces, func(a, b *eniRec) int {
		return cmp.Or(cmp.Compare(a.instance, b.instance), cmp.Compare(uint(a.device), uint(b.device)), cmp.Compare(a.id, b.id))
	})
	l.report.Counts["instances"] = running
	l.report.Counts["network-interfaces"] = len(l.out.ifaces)
}

// natInterface leaves out e, the network interface of a NAT gateway
// (InterfaceType nat_gateway). When the gateway is modelled it holds e's
// addresses; when the loader leaves it out (not available, regional) they
// are declared unmodelled in its name, and when the input does not list
// it in e's: AWS still delivers a packet for them to the gateway, so they
// are no unknown destination.
func (l *loader) natInterface(e *eniRec) {
	id := l.natOfENI(e)
	out, left := l.natsOut[id]
	switch {
	case id == "":
		l.unmodelled(e, e.id, "network interface of a NAT gateway that is not in the input")
	case left:
		l.unmodelled(e, id, out.what+" left out, network interface "+e.id)
	}
}

// endpointInterface names the interface endpoint of e, the network
// interface of one (InterfaceType vpc_endpoint), which the model then
// takes for a destination only (reach.Interface.InterfaceEndpoint): AWS
// PrivateLink carries the sessions resources open towards the endpoint's
// service, never one the service opens. The endpoint is the one whose
// NetworkInterfaceIds (describe-vpc-endpoints) list e, else the one e's
// Description names ("VPC Endpoint Interface vpce-…"), else unnamed.
func (l *loader) endpointInterface(e *eniRec) {
	if id := l.vpceOfENI[e.id]; id != "" {
		e.vpce = id
	}
	if e.vpce == "" {
		e.vpce = "(unnamed: neither describe-vpc-endpoints nor the Description of " + e.id + " names it)"
	}
}

// vpceOfDescription returns the endpoint ID a vpc_endpoint interface's
// Description names ("VPC Endpoint Interface vpce-0abc"), "" when it
// names none.
func vpceOfDescription(d string) string {
	for f := range strings.FieldsSeq(d) {
		if strings.HasPrefix(f, "vpce-") {
			return f
		}
	}
	return ""
}

// groupUse declares the security groups of e, an interface left out of
// the model (what says what it is), as used by it
// (reach.UnmodelledGroupUse): lint must not call them unused, nor their
// rules implied, since AWS applies them to e (or, for an interface
// attached to nothing or to a stopped instance, will once it is used,
// and refuses to delete them meanwhile).
func (l *loader) groupUse(e *eniRec, what string) {
	if len(e.groups) == 0 {
		return
	}
	typ := e.typ
	if typ == "" {
		typ = "not in the input"
	}
	l.out.groupUses = append(l.out.groupUses, reach.UnmodelledGroupUse{Owner: e.id, What: what + " (InterfaceType " + typ + ")", Groups: e.groups})
	l.out.groupUseAt = append(l.out.groupUseAt, e)
}

// unmodelled declares the addresses of e, an interface left out of the
// model (what says what it is), as held by owner (e's ID, or the NAT
// gateway's it serves), something reachsim does not model: a packet to
// one is undecided, not an unknown destination (reach.UnmodelledAddress).
// Only addresses inside the blocks of the VPC of the interface's subnet,
// and its public IPv4 address, are declared: an interface whose subnet
// or VPC is not in the input declares none (its addresses belong to no
// VPC of the design).
func (l *loader) unmodelled(e *eniRec, owner, what string) {
	s := l.out.subnetBy[e.subnet]
	if s == nil || l.out.vpcByID[s.subnet.VPC] == nil {
		return
	}
	blocks := l.out.vpcByID[s.subnet.VPC].vpc.CIDRs
	typ := e.typ
	if typ == "" {
		typ = "not in the input"
	}
	what += " (InterfaceType " + typ + ")"
	for j, a := range e.ips {
		if !slices.ContainsFunc(blocks, func(p netip.Prefix) bool { return p.Contains(a) }) {
			continue
		}
		l.declareUnmodelled(a, e.ipAt[j], owner, what, e.names())
	}
	if e.public.IsValid() && e.public.Is4() {
		// its Elastic IP (an internet-facing load balancer's): the
		// internet carries a packet for it there
		l.declareUnmodelled(e.public, e.publicAt, owner, what, e.names())
	}
}

// names are the names a query may give e, an interface left out of the
// model, beside its addresses (reach.LeftOutNames): its ID, its
// instance's, its Name tag (its instance's, for a primary interface
// without one of its own); none for a NAT gateway's, whose addresses are
// declared in the gateway's name.
func (e *eniRec) names() reach.LeftOutNames {
	if e.typ == "nat_gateway" {
		return reach.LeftOutNames{}
	}
	return reach.LeftOutNames{Interface: e.id, Instance: e.instance, Name: e.name, Device: e.device}
}

// hostless declares the addresses of e, an interface left out of the
// model that delivers to no host (attached to nothing, or to a stopped
// instance: what says which), as held by it (reach.HostlessAddress): a
// packet to one is still a certain drop, but the trace names e. Only
// addresses inside the blocks of the VPC of the interface's subnet are
// declared, and its public IPv4 address when it has one (an Elastic IP
// stays associated while its instance is stopped: the internet's packets
// for it reach the VPC, and no host).
func (l *loader) hostless(e *eniRec, what string) {
	s := l.out.subnetBy[e.subnet]
	if s == nil || l.out.vpcByID[s.subnet.VPC] == nil {
		return
	}
	blocks := l.out.vpcByID[s.subnet.VPC].vpc.CIDRs
	declared := false
	for _, a := range e.ips {
		if slices.ContainsFunc(blocks, func(p netip.Prefix) bool { return p.Contains(a) }) {
			l.out.hostless = append(l.out.hostless, reach.HostlessAddress{Address: a, Owner: e.id, What: what, LeftOutNames: e.names()})
			declared = true
		}
	}
	if declared && e.public.IsValid() && e.public.Is4() {
		l.out.hostless = append(l.out.hostless, reach.HostlessAddress{Address: e.public, Owner: e.id, What: what, LeftOutNames: e.names()})
	}
}

// sourceDestUnknown marks the interfaces that routes target (appliances)
// whose SourceDestCheck the input does not print: the CLI always prints
// it, so the input was trimmed, and whether the appliance forwards is
// unknown (reach.Interface.SourceDestCheckUnknown), with a warning. Other
// interfaces keep AWS's default, the check on, which only an appliance's
// answers depend on.
func (l *loader) sourceDestUnknown() {
	targets := map[string]bool{}
	for _, r := range l.rts {
		for _, rt := range r.rt.Routes {
			if rt.Target == reach.TargetInterface {
				targets[rt.TargetID] = true
			}
		}
	}
	for _, e := range l.out.ifaces {
		if e.sdCheck == nil && targets[e.id] {
			e.sdUnknown = e.at.String() + ": SourceDestCheck (not in the input)"
			l.warn(e.at, "network interface %s: a route sends traffic to it, but the input does not say whether its source/destination check is on (SourceDestCheck): traffic it would forward is indeterminate", e.id)
		}
	}
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
	if e.attachStatus == "" {
		e.attachStatus = o.attachStatus
	}
	e.lambda = e.lambda || o.lambda
	e.attached = e.attached || o.attached
	e.denyIGW = e.denyIGW || o.denyIGW
	switch {
	case e.sdCheck == nil:
		e.sdCheck, e.sdAt = o.sdCheck, o.sdAt
	case o.sdCheck != nil && *o.sdCheck != *e.sdCheck:
		differ("SourceDestCheck")
	}
	if len(e.prefixes) == 0 {
		e.prefixes, e.prefixAt = o.prefixes, o.prefixAt
	} else if len(o.prefixes) > 0 && !slices.Equal(sortedCopy(e.prefixes, comparePrefix), sortedCopy(o.prefixes, comparePrefix)) {
		differ("the delegated prefixes")
	}
}

// addPrefix reads a prefix delegated to the interface (Ipv4Prefixes,
// Ipv6Prefixes) at o, of family fam: its addresses are the interface's.
func (e *eniRec) addPrefix(l *loader, o jsonloc.Loc, s string, fam family) {
	p, ok := l.prefix(o, e.id, s, fam)
	if !ok || slices.Contains(e.prefixes, p) {
		return
	}
	e.prefixes = append(e.prefixes, p)
	e.prefixAt = append(e.prefixAt, o)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

func sortedCopy[T any](s []T, c func(a, b T) int) []T {
	s = slices.Clone(s)
	slices.SortFunc(s, c)
	return s
}

// withArticle is what, after "a", or "an" before a vowel.
func withArticle(what string) string {
	if what != "" && strings.ContainsRune("aeiouAEIOU", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}
