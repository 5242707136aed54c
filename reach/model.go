package reach

import (
	"fmt"
	"net/netip"
)

// VPC is a virtual private cloud: its address blocks and the route table
// and network ACL that subnets use when they name none of their own.
type VPC struct {
	ID   string
	Name string
	// CIDRs are the VPC's IPv4 and IPv6 blocks; the first IPv4 block is
	// the primary one, whose base address plus two is the VPC's Amazon
	// DNS server (aws.Load puts describe-vpcs' CidrBlock first).
	CIDRs []netip.Prefix
	// MainRouteTable is the route table of subnets with no explicit
	// association. It must name a route table of this VPC.
	MainRouteTable string
	// DefaultACL is the network ACL of subnets with no explicit
	// association. It must name a network ACL of this VPC.
	DefaultACL string
	// DNSSupportDisabled says the VPC's enableDnsSupport attribute is
	// off, so its Amazon DNS server answers no one ([AmazonDNSDisabled]).
	// describe-vpcs does not print the attribute (describe-vpc-attribute
	// does), so aws.Load leaves it false: DNS support on, AWS's default,
	// a documented assumption.
	DNSSupportDisabled bool
	// PrivateIPv6 lists the VPC's IPv6 blocks, or blocks of them (a
	// subnet's), that are private IPv6 space: describe-vpcs' and
	// describe-subnets' Ipv6AddressAttribute "private" (IpSource "none"),
	// a private GUA range from IPAM. AWS does not advertise them on the
	// internet, so the internet gateway and the egress-only internet
	// gateway neither send a packet from such an address to the internet
	// nor deliver one from the internet to it ([PrivateAddressOnInternet]),
	// as for unique local addresses (fc00::/7), which need no entry here.
	// Each must be an IPv6 block inside one of CIDRs.
	PrivateIPv6 []netip.Prefix
}

// Subnet is a subnet of a VPC. RouteTable and ACL name its explicit
// associations; "" means the VPC's main route table and default ACL.
type Subnet struct {
	ID               string
	Name             string
	VPC              string
	CIDRs            []netip.Prefix // one IPv4 block and at most one IPv6 block, inside the VPC's
	AvailabilityZone string
	// AvailabilityZoneID is the zone's AZ ID ("use1-az1"; describe-subnets'
	// AvailabilityZoneId, Terraform's availability_zone_id), "" when the
	// input lacks it. AWS maps zone names to physical zones per account
	// in the older Regions, so us-east-1a of one account may be another
	// place than us-east-1a of another; AZ IDs are the same in every
	// account. Where a transit gateway keeps a packet in its zone across
	// VPCs (tgw.go), two subnets are in one zone when their AZ IDs are
	// equal, in two when both are known and differ; when either is
	// missing, their names decide only for subnets of one owner
	// (OwnerID), and the zone is undecided otherwise.
	AvailabilityZoneID string
	// OwnerID is the account that owns the subnet (describe-subnets'
	// OwnerId; Terraform: its owner_id, or the account of its provider
	// configuration), "" when the input does not say. Two subnets are of
	// one owner when their OwnerIDs are equal: an input that names no
	// owner for either is taken for one account, as a single-account
	// dump is; one named and one not are of owners the input does not
	// decide.
	OwnerID    string
	RouteTable string
	ACL        string
	// RouteTablesMaybe lists route tables of the subnet's VPC that may
	// route the subnet in place of its own (RouteTable, or the VPC's main
	// route table when RouteTable is ""): the input does not decide which
	// (aws.Load: an association in transition, associating or
	// disassociating), and RouteTablesWhy says why. A lookup the tables
	// answer differently (different targets, a route in one only, or an
	// undecided lookup in one of the others) is an undecided hop
	// ([RouteIndeterminate]) naming them, and ends its leg; one they all
	// answer alike goes on by the subnet's own table. Each must name a
	// route table of the subnet's VPC.
	RouteTablesMaybe []string
	RouteTablesWhy   string
}

// Interface is a network interface (ENI), usually an instance's: its
// private addresses inside its subnet, its public or Elastic IPv4 address,
// and its security groups.
type Interface struct {
	ID   string // eni-…
	Name string // the Name tag, used to refer to it in queries
	// Instance is the i-… of the instance it is attached to, if any.
	// The instance-level fields (MetadataEndpoint, MetadataIPv6,
	// whether MetadataUnknown is set, and whether Platform is Windows,
	// another platform or unsaid) must agree across the interfaces of
	// one Instance: Build refuses ([ErrTopology]) two that disagree,
	// naming both and the field. A packet a route sends to one of
	// several interfaces of an instance, which the instance forwards, may
	// leave by any of them (its operating system picks): the walk does not
	// follow it past ([ApplianceEgressUnknown]), unless they are all
	// alike for it (one subnet, the same groups and source/destination
	// check, no public address), when every one's path is the same.
	Instance string
	Subnet   string
	// PrivateIPs are the interface's private IPv4 and IPv6 addresses; the
	// first of each family is the one queries use by default. Each is
	// inside the subnet and none AWS reserves there (the first four and
	// the last of each of its blocks; Build refuses one); for an Alibaba
	// Cloud (ECS) interface none Alibaba reserves in its vSwitch instead
	// (the first and the last three of its IPv4 block, the first and the
	// last nine of its IPv6 block).
	PrivateIPs []netip.Addr
	// PublicIP is the public or Elastic IPv4 address the internet gateway
	// maps to the first private IPv4 address, if any. Build refuses one
	// AWS never gives as a public address (and so in PublicIPs, and a NAT
	// gateway's): private, shared (100.64.0.0/10), loopback, link-local,
	// multicast, broadcast, or of another block IANA marks not globally
	// reachable (0.0.0.0/8, 192.0.0.0/24 but its anycast 192.0.0.9 and
	// 192.0.0.10, 198.18.0.0/15). The documentation blocks (192.0.2.0/24,
	// 198.51.100.0/24, 203.0.113.0/24) stand for public addresses.
	PublicIP netip.Addr
	// PublicIPs maps private IPv4 addresses of the interface to their
	// public or Elastic IPs (an Elastic IP on a secondary private
	// address); one private address has one public address. An entry for
	// the first private IPv4 address means what PublicIP does: Build
	// moves it there in the model's copy ([Model.Interfaces]), and every
	// question answers as if PublicIP held it.
	PublicIPs []PublicIP
	Groups    []string // security group IDs
	// Port25Unblocked says, for an Alibaba Cloud ECS interface (one whose
	// groups are of an Alibaba flavour), that Alibaba Cloud has lifted its
	// default block on outbound TCP to port 25 toward the internet, as it
	// does on application. Left false, such traffic is blocked
	// ([AlibabaPort25Blocked]). An unblock granted to a whole account is
	// set on each of its interfaces. Ignored on AWS interfaces.
	Port25Unblocked bool
	// DenyAllIGWTraffic is describe-network-interfaces' DenyAllIgwTraffic:
	// "inbound traffic from the internet is dropped"; the interface stays
	// reachable from peered VPCs and through transit gateways. A
	// connection the internet opens to the interface, through the
	// internet gateway, is dropped there ([DenyAllIGWTraffic]). Whether
	// the replies of connections the interface opens to the internet are
	// dropped too AWS does not say: such a reply is undecided.
	DenyAllIGWTraffic bool
	// DelegatedPrefixes are the IPv4 (/28) and IPv6 (/80) prefixes
	// delegated to the interface (describe-network-interfaces'
	// Ipv4Prefixes and Ipv6Prefixes), each inside the interface's subnet,
	// overlapping no other and holding no address the design gives to
	// anything else (an interface's private address, a NAT gateway's)
	// and none AWS reserves in the subnet (the first four and the last of
	// each block, IPv4 and IPv6: Amazon VPC User Guide, "Subnet CIDR
	// blocks"); Build refuses any other. An interface may have IPv6
	// prefixes and no IPv6 address of its own.
	// Their addresses are the interface's own, as AWS has it (Amazon EKS's
	// VPC CNI in prefix mode gives them to pods): a packet to one is
	// delivered to the interface, and a query may send from one (by
	// address); the interface's security groups and its subnet's network
	// ACL judge them as its private addresses, and a rule referencing one
	// of its groups matches them ([Model.GroupPrefixes]). No public IPv4
	// address maps to an IPv4 prefix; an IPv6 prefix is on the internet
	// as the interface's IPv6 address is (unless a private block holds
	// it), DenyAllIGWTraffic and egress-only gateways included.
	DelegatedPrefixes []netip.Prefix
	// IPv4PrefixesUnknown and IPv6PrefixesUnknown, when set, say the
	// interface gets prefixes of that family AWS picks at launch
	// (Terraform's ipv4_prefix_count / ipv6_prefix_count: ipv4_prefixes /
	// ipv6_prefixes known only after apply) and name that value
	// ("aws_network_interface.pods: ipv4_prefixes"). Any free address of
	// the subnet (none AWS reserves, none of another resource or delegated
	// prefix) may then be the interface's: a packet to such an address,
	// otherwise an unknown destination ([UnknownDestination]), is
	// undecided ([DelegatedPrefixesUnknown]), and a rule referencing one of
	// the interface's groups may match such an address, as it matches
	// [Interface.DelegatedPrefixes]: a security group hop that only such a
	// rule could allow is undecided too ([SGIndeterminate], naming this
	// value), outbound to such an address and inbound from one, never a
	// certain block. An IPv6 prefix's addresses
	// are judged at the IPv6 placeholder when the interface has no IPv6
	// address of its own ([Interface.IPv6Unknown], which then stands for
	// every address of the subnet's IPv6 block AWS may give it, so its
	// answers hold for the prefix's addresses or are indeterminate). The
	// set questions judge the free addresses as the interface's own, in
	// the design with them all delegated to it, and never answer for
	// certain: [Model.Sources] lists those that get through or might as
	// one Indeterminate entry ([SourceInterface.PrefixesUnknown]), and
	// [Model.Audit] gives IPv6 ones findings never Exposed
	// ([Finding.PrefixesUnknown]); where the interface's address of the
	// family is known only later too, its placeholder stands for them (see
	// prefixes_unknown.go). A [Model.Matrix] cell answers for the
	// interfaces' own addresses only. Secondary private addresses AWS
	// picks from the subnet are alike the interface's own: the terraform
	// package sets IPv4PrefixesUnknown for them too
	// ("aws_network_interface.pods: private_ips", when private_ips_count
	// asks for more than the plan shows).
	IPv4PrefixesUnknown, IPv6PrefixesUnknown string
	// AddressUnknown, when set, says the interface's private IPv4 address
	// is known only later (Terraform's "known after apply") and names that
	// value ("aws_instance.web: private_ip"). PrivateIPs then holds no IPv4
	// address: Build gives the interface a free IPv4 address of its subnet
	// to walk with, and an answer that depends on which address AWS picks
	// is indeterminate (see unknown.go and [Result.Unknowns]). A rule
	// referencing one of the interface's groups may match any free
	// address it could get: a security group hop only such a rule could
	// allow is undecided ([SGIndeterminate]), not a certain block.
	AddressUnknown string
	// IPv6Unknown, when set, says the interface gets IPv6 addresses AWS
	// picks at launch (known only later: Terraform's ipv6_address_count,
	// or a subnet that assigns one on creation) and names that value
	// ("aws_instance.web: ipv6_addresses"). PrivateIPs then holds no IPv6
	// address: Build gives the interface a free address of its subnet's
	// IPv6 block, which stands for each address AWS may pick, and an IPv6
	// answer that depends on which it picks is indeterminate, as for
	// AddressUnknown.
	IPv6Unknown string
	// PublicIPUnknown, when set, says the interface gets a public IPv4
	// address AWS picks at launch (known only later) and names that value
	// ("aws_instance.web: public_ip"); PublicIP is then unset. Build gives
	// it a placeholder from 240.0.0.0/4, an address AWS never allocates.
	// Only a path between two interfaces of the design over the internet
	// shows the public address to a filter: such an answer is
	// indeterminate when a CIDR block of the design tells public
	// addresses apart (unknown.go), or tells the placeholder apart from
	// them (a rule for 240.0.0.1/32 admits no address AWS gives).
	PublicIPUnknown string
	// GroupsUnknown, when set, says the interface's security groups are
	// known only later beyond those Groups lists (which may then be
	// empty), and names that value ("aws_instance.app: vpc_security_group_ids").
	// AWS groups only add allows: a packet Groups allow passes, and any
	// other packet the interface's groups judge is undecided
	// ([SGIndeterminate]). The interface may be a member of any AWS group,
	// so a rule that references one and could allow a packet from or to
	// the interface, where no other rule does, is undecided too. It is an
	// AWS interface (Build refuses GroupsUnknown beside an Alibaba Cloud
	// group), so it joins no Alibaba group: their members stay known. Set
	// questions refuse a design with such an interface.
	GroupsUnknown string
	// SourceDestCheckDisabled says the interface's source/destination
	// check is off (describe-network-interfaces' SourceDestCheck false,
	// Terraform's source_dest_check = false), as a NAT, routing or
	// firewall instance needs. Left false, the check is on, AWS's
	// default: a packet that a route sends to the interface (an
	// appliance, [TargetInterface]) and of which the interface is neither
	// the source nor the destination is dropped there
	// ([SourceDestCheck]). With the check off the appliance forwards the
	// packet unchanged, except that one reaching the internet gateway
	// from a private IPv4 address without a public one, or a VPC peering
	// connection from outside the appliance's VPC, may have been
	// translated by it (a NAT instance: [ApplianceTranslationUnknown]).
	// Alibaba Cloud's elastic network interfaces have
	// the same check, judged alike (Alibaba Cloud turns it on by default
	// for interfaces created since April 2025; an older one that forwards
	// has it off).
	SourceDestCheckDisabled bool
	// SourceDestCheckUnknown, when set, says whether the interface's
	// source/destination check is on is known only later (Terraform's
	// "known after apply"), or the input does not say, and names that
	// value ("aws_instance.fw: source_dest_check"). A packet the
	// appliance would forward is then undecided there
	// ([SourceDestCheckUnknown]) and the walk goes on past it, so a
	// certain block further on still decides. SourceDestCheckDisabled
	// must then be false.
	SourceDestCheckUnknown string
	// MetadataEndpoint and MetadataIPv6 are the metadata options of the
	// interface's instance (describe-instances' MetadataOptions.HttpEndpoint
	// and HttpProtocolIpv6, Terraform's aws_instance metadata_options
	// http_endpoint and http_protocol_ipv6), which decide whether the
	// Instance Metadata Service answers it at 169.254.169.254 and at
	// fd00:ec2::254 (see [KindInstanceService]). MetadataEndpoint
	// disabled: neither answers ([InstanceServiceDisabled]); enabled: the
	// IPv4 endpoint answers. The IPv6 endpoint answers only when
	// MetadataIPv6 is enabled too, on an instance built on the Nitro
	// System, which the input does not say: such a request is undecided,
	// MetadataIPv6 disabled blocks it. Left [OptionUnset] (the zero
	// value: the input does not say, as a [Builder] user who sets nothing
	// does not), a request the option decides is undecided
	// ([InstanceServiceIndeterminate]). Every interface of an instance
	// carries its instance's options (Build refuses interfaces of one
	// [Interface.Instance] that disagree). For an Alibaba Cloud (ECS)
	// interface, MetadataEndpoint is its instance's DescribeInstances
	// MetadataOptions.HttpEndpoint (ModifyInstanceMetadataOptions,
	// enabled by default), which decides the same way whether its
	// instance metadata service answers at 100.100.100.200;
	// MetadataIPv6 has no meaning there.
	MetadataEndpoint, MetadataIPv6 Option
	// MetadataUnknown, when set, says why an option above left
	// [OptionUnset] is not known although the input holds the options,
	// and names that value: known only later ("aws_instance.app:
	// metadata_options", Terraform's "known after apply"), or a change
	// AWS has not applied yet ("aws/instances.json:
	// Reservations[0].Instances[0].MetadataOptions.State: pending"). The
	// undecided hop's Missing names it instead of saying the input lacks
	// the options.
	MetadataUnknown string
	// Platform is the operating system of the interface's instance as
	// the input gives it (describe-instances' Platform, "windows" for
	// Windows instances, else its PlatformDetails, such as "Linux/UNIX" or
	// "Windows with SQL Server Standard"); "" when the input does
	// not say. Windows activation (AWS's KMS servers at 169.254.169.250
	// and 169.254.169.251, tcp port 1688) answers an instance whose
	// platform starts with "Windows" (in any case); for any other, and
	// for "", the request is undecided ([InstanceServiceIndeterminate]):
	// an empty Platform is never taken for Linux.
	Platform string
	// InterfaceEndpoint, when set, says the interface is a network
	// interface of an interface VPC endpoint (AWS PrivateLink;
	// describe-network-interfaces' InterfaceType vpc_endpoint) and names
	// the endpoint (its vpce-… ID, or what the input says of it). Such an
	// interface only carries the sessions resources open towards the
	// endpoint's service; the service opens none through it (AWS
	// PrivateLink Guide). It is a destination only: a query from it is an
	// error wrapping [ErrQuery], as one from a NAT gateway's address is,
	// and [Model.Sources], [Model.Matrix] and [Diff] take it for no source
	// (its cells from it are absent). A TCP session to it is judged by its
	// groups and its subnet's network ACL as any interface's; a session of
	// another protocol is undecided at the interface
	// ([InterfaceEndpointProtocol]): interface endpoints have long carried
	// TCP only, and whether one carries more today AWS's documents do not
	// settle. Build refuses it with an Instance.
	InterfaceEndpoint string
}

// Option is a setting the input may turn on or off, or not give.
type Option uint8

// The values of an [Option].
const (
	// OptionUnset: the input does not give the setting (or it is known
	// only later): what it decides is undecided.
	OptionUnset Option = iota
	// OptionEnabled: the input gives "enabled".
	OptionEnabled
	// OptionDisabled: the input gives "disabled".
	OptionDisabled
)

// String returns "enabled", "disabled" or "unset".
func (o Option) String() string {
	switch o {
	case OptionEnabled:
		return "enabled"
	case OptionDisabled:
		return "disabled"
	case OptionUnset:
		return "unset"
	}
	return fmt.Sprintf("Option(%d)", uint8(o))
}

// ParseOption reads "enabled" or "disabled", as describe-instances and
// Terraform print the metadata options; anything else is not an option
// (ok false).
func ParseOption(s string) (o Option, ok bool) {
	switch s {
	case "enabled":
		return OptionEnabled, true
	case "disabled":
		return OptionDisabled, true
	}
	return OptionUnset, false
}

// TargetKind is what a route sends packets to.
type TargetKind uint8

// The route targets reachsim models.
const (
	// TargetLocal: the VPC's own routing, to an address inside the VPC.
	// A local route's destination is exactly one of the VPC's CIDR blocks,
	// as AWS has one local route per block whose destination never
	// changes: Build refuses any other block, and a prefix list.
	TargetLocal TargetKind = iota
	// TargetInternetGateway: out to the internet (igw-…).
	TargetInternetGateway
	// TargetNATGateway: to a NAT gateway (nat-…).
	TargetNATGateway
	// TargetFirewallEndpoint: to a Network Firewall endpoint (vpce-…).
	TargetFirewallEndpoint
	// TargetInterface: to a network interface, e.g. an appliance (eni-…).
	// A packet addressed to the interface arrives there; any other is
	// forwarded unchanged only when the interface's source/destination
	// check is off ([Interface.SourceDestCheckDisabled]), else dropped
	// ([SourceDestCheck]) or, the check unknown, undecided; a NAT
	// instance's translation is undecided ([ApplianceTranslationUnknown]).
	TargetInterface
	// TargetBlackhole: the route's target no longer exists; packets are dropped.
	TargetBlackhole
	// TargetUnmodelled: a target reachsim does not model (a virtual
	// private gateway vgw-…, a transit gateway or peering connection the
	// input does not hold, a local or carrier gateway, a core network, a
	// VPC endpoint that is neither a firewall's nor a gateway endpoint). The
	// route is kept so that longest prefix match selects it as AWS would;
	// a packet it matches gets an undecided hop ([UnmodelledTarget]) and
	// its leg ends there, never falling back to a less specific route.
	// Route.TargetType says what the target is.
	TargetUnmodelled
	// TargetPeering: across a VPC peering connection (pcx-…, a [Peering])
	// into the peer VPC.
	TargetPeering
	// TargetTransitGateway: to a transit gateway (tgw-…) with a VPC
	// attachment to the table's VPC; see [TransitGateway].
	TargetTransitGateway
	// TargetEgressOnlyInternetGateway: out to the internet over IPv6
	// through an egress-only internet gateway (eigw-…), whose replies come
	// back; nothing the internet opens comes in (see
	// [EgressOnlyInternetGateway]).
	TargetEgressOnlyInternetGateway
	// TargetGatewayEndpoint: to the AWS service (S3, DynamoDB) behind a
	// gateway VPC endpoint (vpce-…), by the service's prefix list (see
	// [GatewayEndpoint]).
	TargetGatewayEndpoint
)

var targetNames = [...]string{"local", "internet-gateway", "nat-gateway", "firewall-endpoint", "network-interface", "blackhole", "unmodelled",
	"peering-connection", "transit-gateway", "egress-only-internet-gateway", "gateway-endpoint"}

// String returns a short kebab-case name.
func (k TargetKind) String() string {
	if int(k) < len(targetNames) {
		return targetNames[k]
	}
	return "unknown"
}

// MarshalText implements [encoding.TextMarshaler].
func (k TargetKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Route is one entry of a route table: a destination (a CIDR block or a
// managed prefix list) and a target.
//
// A lookup takes the route of the longest matching prefix (a prefix-list
// route matches with its longest matching entry). Among routes of the
// same prefix, as AWS decides
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html):
// a static CIDR route first (the local route Build adds is one; a route
// for a VPC CIDR block replaces it), then a prefix-list route, then a
// propagated route ([Route.Propagated]). Two prefix-list routes whose
// lists share the matching block and that lead to different targets tie:
// AWS picks one of them at random and keeps it, which the input does not
// say, so the lookup is an undecided hop ([RouteTie]) that ends its leg;
// when they lead to the same target (or both are blackholes) the first in
// table order carries the packet.
type Route struct {
	Destination netip.Prefix // IPv4 or IPv6; unset when PrefixList is set
	PrefixList  string       // pl-… instead of a CIDR
	Target      TargetKind
	TargetID    string // igw-…, eigw-…, nat-…, vpce-…, eni-…, pcx-…, tgw-…; "local" or "" for TargetLocal; the vanished target for TargetBlackhole, "" when the input does not name it
	// TargetType says in words what a TargetUnmodelled target is
	// ("virtual private gateway", "transit gateway"), for the trace;
	// "" reads as "target".
	TargetType string
	// Unknown, when set, says the route's destination is known only later
	// (a Terraform plan's, computed at apply) and names it
	// ("aws_route.peer: destination_cidr_block"); Destination and
	// PrefixList are then ignored. Such a route could be the longest match
	// for any destination: a lookup whose answer it could change (it
	// sends the packet elsewhere than the route that matches) is an
	// undecided hop ([RouteIndeterminate]) that ends its leg.
	Unknown string
	// Propagated says the route was propagated into the table by a
	// virtual private gateway (route propagation; describe-route-tables'
	// Origin EnableVgwRoutePropagation) rather than created (static): it
	// loses to a static route and to a prefix-list route of the same
	// prefix, and to the local route wherever the VPC's blocks hold its
	// destination, "even if the propagated routes are more specific"
	// (Site-to-Site VPN User Guide, "Route tables and AWS Site-to-Site
	// VPN route priority"); so does one whose destination is Unknown. A
	// propagated route has a CIDR destination, never a prefix
	// list nor the target local; a table may hold one static and one
	// propagated route of the same CIDR, not two of either.
	Propagated bool
}

// RouteTable is a VPC route table. Routes to the VPC's own CIDRs ("local")
// are added by [Builder.Build] when the table lacks them, as AWS does.
// Gateways lists the internet gateways the table is edge-associated with
// (ingress routing): traffic entering the VPC through them is routed by
// this table. Such a gateway route table holds, as AWS requires (Amazon
// VPC User Guide, "Gateway route tables"), only routes to local, a
// network interface or a Gateway Load Balancer endpoint (a firewall
// endpoint is one), each for a whole CIDR block of the VPC or of one of
// its subnets, by no prefix list, and no propagated route: Build refuses
// any other, naming it.
type RouteTable struct {
	ID       string
	Name     string
	VPC      string
	Routes   []Route
	Gateways []string
	// GatewaysMaybe lists internet gateways whose edge association with
	// the table is in transition (aws.Load: associating or
	// disassociating), and GatewaysWhy says so: traffic entering the VPC
	// through one may be routed by this table, or as without it (by the
	// gateway's table of Gateways, if any, else delivered by the local
	// route). An entering packet the two route differently is an
	// undecided hop ([RouteIndeterminate]) that ends its leg. A gateway
	// has at most one such table; the table is held to the rules of a
	// gateway route table.
	GatewaysMaybe []string
	GatewaysWhy   string
}

// InternetGatewaySpec is an internet gateway attached to a VPC.
type InternetGatewaySpec struct {
	ID  string
	VPC string
}

// NATGateway is a NAT gateway in a subnet. A public NAT gateway maps the
// traffic it forwards to its private address, which the internet gateway
// maps in turn to PublicIP. A private one (Private set, AWS's
// connectivity type private) maps it to its private address only, and
// reaches other networks through the routes of its subnet (the VPC's
// other subnets, a transit gateway, a peering connection), never the
// internet: an internet gateway drops what it sends ([NoPublicIP]), and
// the walk ends there (no delivery, no reply). Neither kind accepts a
// connection from outside ([NATNoInbound]), to its Elastic IP or, from
// outside the design, its private address.
// Either kind does NAT64 for IPv6 TCP and UDP to 64:ff9b::/96 routed to
// it: to IPv4 from its private address, to the IPv4 address the prefix
// holds, and back on the reply (nat64.go); other IPv6 it drops.
type NATGateway struct {
	ID        string
	Name      string
	Subnet    string
	PrivateIP netip.Addr // inside the subnet, none AWS reserves there (the first four and the last of each block)
	PublicIP  netip.Addr // unset on a private NAT gateway; a public address, as [Interface.PublicIP]
	Private   bool       // connectivity type private
	// PrivateIPUnknown and PublicIPUnknown, when set, say that address is
	// known only later (a Terraform plan's new NAT gateway and its new
	// Elastic IP) or missing from the input (aws.Load's public NAT gateway
	// whose dump lists no PublicIp) and name it; the address field is then unset. Build
	// places them as it places an interface's ([Interface.AddressUnknown],
	// [Interface.PublicIPUnknown]), and an answer whose path crosses the
	// gateway is indeterminate when the design tells apart addresses it
	// could get.
	PrivateIPUnknown, PublicIPUnknown string
	// Secondary are the gateway's other addresses (AWS's
	// NatGatewayAddresses beyond the primary one: AssignPrivateNatGatewayAddress,
	// AssociateNatGatewayAddress): a private IPv4 address in its subnet each,
	// with, on a public gateway, the Elastic IP associated with it, if any.
	// The gateway sends each connection from an address of its choosing, the
	// primary one or one of these, so an answer whose path crosses it is
	// exact only where the design does not tell those addresses apart (no
	// block of a route, a network ACL entry or a security group rule holds
	// some of them but not all, and no firewall rule's address edge falls
	// between them; the public ones count only
	// where the path shows the gateway's public address to a filter, on the
	// way to a public address of the design). Where it does, the session is
	// walked from each other address too: the same certain answer from
	// each stands (a warning says so); different ones make it
	// [Indeterminate], [Result.Unknowns] naming the gateway and the edges.
	// [Model.Matrix] then refuses the design; [Model.Ports], and
	// [Model.Sources] for the internet's addresses and delegated
	// prefixes, refuse only a question whose own path crosses the
	// gateway (Sources answers each interface as Verdict does). The trace
	// shows the primary addresses.
	Secondary []NATAddress
	// SecondaryUnknown, when set, says the gateway has secondary addresses
	// known only later (a Terraform plan's secondary_private_ip_address_count
	// or computed secondary_allocation_ids) and names them: they may be any
	// address of the gateway's subnet (and, for a public gateway with new
	// Elastic IPs, any public IPv4 address), judged as Secondary is.
	SecondaryUnknown string
}

// NATAddress is a secondary address of a [NATGateway]: its private IPv4
// address and, on a public gateway, the Elastic IP associated with it
// (unset when it has none).
type NATAddress struct {
	PrivateIP, PublicIP netip.Addr
}

// PrefixList is a managed prefix list (pl-…): a name for a set of CIDRs
// that security group rules and routes can reference.
type PrefixList struct {
	ID      string
	Name    string
	Entries []netip.Prefix
	// MaxEntries is the list's declared maximum size (AWS's MaxEntries),
	// which a security group rule or route referencing a customer-managed
	// list counts against its quota (see [Model.QuotaWarnings]); 0 when
	// unknown: the quota warnings then count the entries (at least 1) and
	// say that the input lacks it.
	MaxEntries int
	// AWSManaged says the list is one of AWS's (describe-managed-prefix-lists'
	// OwnerId "AWS", Terraform's data.aws_prefix_list): a reference to it
	// counts against the quotas as its weight ([AWSListWeight]), not its
	// MaxEntries or entries. A list named com.amazonaws.… is AWS's
	// whatever this says (AWS refuses such names for other lists).
	AWSManaged bool
	// EntriesUnknown says the input holds the list (its ID, name and
	// MaxEntries, as describe-managed-prefix-lists gives them) but not
	// its entries: Entries is empty, and the list is unresolved as one
	// declared with [Builder.AddUnresolvedPrefixList] (it may hold any
	// block of its AddressFamily, of either family when that is
	// unknown), while its MaxEntries still counts against the quotas.
	// Such a list is how a design declares an unresolved list of a known
	// family.
	EntriesUnknown bool
	// AddressFamily is the list's address family as AWS spells it
	// (describe-managed-prefix-lists' AddressFamily, Terraform's
	// address_family): "IPv4" or "IPv6" ([sg.FamilyIPv4],
	// [sg.FamilyIPv6]), a list that holds blocks of that family only;
	// "" when unknown. Any other value, or an entry of the other family,
	// is a build error. It matters when EntriesUnknown: a security group
	// rule by the list certainly matches no address of the other family,
	// a route by it is never the longest match for a destination of the
	// other family, and a firewall IP set reference to it certainly holds
	// no address of the other family.
	AddressFamily string
}
