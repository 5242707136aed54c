package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Leg is which way a packet of the session travels: the request from the
// source to the destination, or the reply coming back.
type Leg uint8

// The two legs.
const (
	Forward Leg = iota
	Return
)

// String returns "forward" or "return".
func (l Leg) String() string {
	if l == Return {
		return "return"
	}
	return "forward"
}

// MarshalText implements [encoding.TextMarshaler].
func (l Leg) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Kind is the kind of component a hop is.
type Kind string

// The kinds of component on a path.
const (
	KindSecurityGroups  Kind = "security-groups" // the groups of one interface, judged together
	KindNetworkACL      Kind = "network-acl"
	KindRouteTable      Kind = "route-table"
	KindInternetGateway Kind = "internet-gateway"
	KindNATGateway      Kind = "nat-gateway"
	KindFirewall        Kind = "network-firewall"
	KindInterface       Kind = "network-interface"
	KindInternet        Kind = "internet"
	// KindUnmodelled: a route's target reachsim does not model, or what
	// holds a destination address the design does not model
	// ([UnmodelledAddress]); its Name says what it is: "virtual private
	// gateway"...
	KindUnmodelled Kind = "unmodelled-target"
	// KindTransitGateway: a transit gateway's route table (its ID the
	// table's, or the attachment's when the attachment has none).
	KindTransitGateway Kind = "transit-gateway"
	// KindEgressOnlyInternetGateway: an egress-only internet gateway (eigw-…).
	KindEgressOnlyInternetGateway Kind = "egress-only-internet-gateway"
	// KindGatewayEndpoint: a gateway VPC endpoint for S3 or DynamoDB (vpce-…).
	KindGatewayEndpoint Kind = "gateway-endpoint"
	// KindService: the AWS service behind a gateway endpoint, where its
	// traffic ends (as [KindInternet] for the internet); its Name is the
	// service's name (com.amazonaws.us-east-1.s3).
	KindService Kind = "aws-service"
)

// Code names why a hop blocks a packet, in the spirit of AWS Reachability
// Analyzer's explanation codes. A code on the return leg carries the
// prefix "RETURN_" (RETURN_ACL_DENY is a network ACL that drops the reply).
type Code string

// The explanation codes. See the README's table for what each means and
// what fixes it.
const (
	// SGNoAllow: no rule of the interface's security groups allows the
	// packet (AWS), in the direction of the hop.
	SGNoAllow Code = "SG_NO_ALLOW"
	// SGDeny: an Alibaba Cloud security group drops the packet (a drop rule,
	// a default deny or member isolation).
	SGDeny Code = "SG_DENY"
	// ACLDeny: a numbered network ACL entry denies the packet.
	ACLDeny Code = "ACL_DENY"
	// ACLDefaultDeny: no numbered entry matched; the final * entry denies.
	ACLDefaultDeny Code = "ACL_DEFAULT_DENY"
	// NoRoute: the route table has no route for the destination.
	NoRoute Code = "NO_ROUTE"
	// BlackholeRoute: the matching route's target no longer exists.
	BlackholeRoute Code = "BLACKHOLE_ROUTE"
	// NoInternetGateway: the VPC has no internet gateway for traffic to or
	// from the internet.
	NoInternetGateway Code = "NO_INTERNET_GATEWAY"
	// NoPublicIP: traffic to or from the internet needs a public IPv4
	// address on the interface (or a public NAT gateway), and there is
	// none; also what an internet gateway says to the traffic of a private
	// NAT gateway, where the walk ends (no delivery, no reply). Reachability Analyzer calls it
	// IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS (outbound) and
	// IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS (inbound). Not for a request
	// from a public source whose way back, the reply's route from the
	// destination's subnet, ends undecided: it may come in privately (see
	// [UnmodelledTarget]).
	NoPublicIP Code = "NO_PUBLIC_IP"
	// NATNoInbound: a NAT gateway does not accept connections from outside.
	NATNoInbound Code = "NAT_NO_INBOUND"
	// PrivateAddressOnInternet: the internet gateway drops, on the
	// request, a packet it would send to an address the internet does not
	// route (RFC 1918, 100.64.0.0/10, loopback, link-local, the IPv4
	// special-purpose blocks IANA marks not globally reachable, 0.0.0.0/8,
	// 192.0.0.0/24 but for 192.0.0.9 and 192.0.0.10, and 198.18.0.0/15,
	// unique local fc00::/7, a VPC's private IPv6 block
	// [VPC.PrivateIPv6]...), or one from the internet whose source is an
	// RFC 1918, 100.64.0.0/10 or other such non-global IPv4 address (a
	// host outside the design: unless the way back to it ends undecided,
	// where it may come in privately; see [UnmodelledTarget]).
	// Over IPv6 it (or an egress-only internet gateway) also
	// drops a packet from a unique local or private block's address to
	// the internet, and one from the internet to such an address.
	PrivateAddressOnInternet Code = "PRIVATE_ADDRESS_ON_INTERNET"
	// UnknownDestination: the route leads into the VPC, but no interface
	// or gateway there has the destination address, or only something
	// that delivers to no host does ([HostlessAddress], which the reason
	// then names).
	UnknownDestination Code = "UNKNOWN_DESTINATION"
	// DelegatedPrefixesUnknown: nothing in the design holds the
	// destination, a free address of a subnet with an interface that gets
	// prefixes AWS picks at launch ([Interface.IPv4PrefixesUnknown],
	// [Interface.IPv6PrefixesUnknown]): one of them may hold it. The hop
	// is undecided and names the value ([Hop.Missing]).
	DelegatedPrefixesUnknown Code = "DELEGATED_PREFIXES_UNKNOWN"
	// AddressUnknownDestination: nothing in the design holds the
	// destination, a free address of a subnet with an interface whose
	// address AWS picks at launch ([Interface.AddressUnknown],
	// [Interface.IPv6Unknown]): it may pick this one. The hop is
	// undecided and names the value ([Hop.Missing]).
	AddressUnknownDestination Code = "ADDRESS_UNKNOWN_DESTINATION"
	// RoutingLoop: the packet comes back unchanged to a route table or a
	// middlebox it has passed on the same leg, so it would go round that
	// cycle forever. Reported once, where the cycle closes, naming the
	// cycle in order (the route tables and the middleboxes between them);
	// the leg ends there. Fix: change a route of a table on the cycle.
	RoutingLoop Code = "ROUTING_LOOP"
	// FirewallDrop: an AWS Network Firewall rule or default action drops
	// (or rejects) the packet.
	FirewallDrop Code = "FIREWALL_DROP"
	// FirewallIndeterminate: the firewall's decision depends on something
	// a flow does not describe (payload content, say). The hop is
	// undecided (verdict indeterminate).
	FirewallIndeterminate Code = "FIREWALL_INDETERMINATE"
	// FirewallEndpointIPType: the route sends the packet to a Network
	// Firewall endpoint whose subnet mapping's IP address type does not
	// serve its family (IPv6 to an IPV4 endpoint, IPv4 to an IPV6 one:
	// [FirewallEndpointSpec.IPAddressType]), or may not (an IPv6 packet at
	// an endpoint of unknown type in a dual-stack subnet, IPV4 or
	// DUALSTACK: the hop then names the missing type). AWS documents the type, not
	// what the endpoint does with such traffic (drops it, or forwards it
	// inspected or not): the hop is undecided and names the endpoint and
	// its type; the walk goes on past it as if the endpoint forwarded the
	// packet uninspected, so a certain block beyond it still decides.
	FirewallEndpointIPType Code = "FIREWALL_ENDPOINT_IP_TYPE_MISMATCH"
	// ACLIndeterminate: a network ACL entry with a value known only later
	// (a Terraform plan's CIDR block or ports computed at apply) comes
	// before the entry that decides, could match the packet, and acts
	// otherwise ([UnknownACLEntry]). The hop is undecided.
	ACLIndeterminate Code = "ACL_INDETERMINATE"
	// RouteIndeterminate: a route of the table whose destination is known
	// only later could be the longest match and send the packet elsewhere
	// than the route that matches ([Route.Unknown]); or the input does not
	// decide which table routes the packet ([Subnet.RouteTablesMaybe],
	// [RouteTable.GatewaysMaybe]: an association in transition), and the
	// tables route it differently. The hop is undecided, and the leg ends
	// there.
	RouteIndeterminate Code = "ROUTE_INDETERMINATE"
	// RouteTie: the longest match is a block that two or more prefix-list
	// routes of the table share (their lists overlap), leading to
	// different targets, and no static CIDR route of that block decides.
	// AWS then picks one of those routes at random and keeps it ("Route
	// priority for prefix lists"), which the input does not say: the hop
	// is undecided, names the routes ([Hop.Missing]), and the leg ends
	// there. Fix: keep the block in one of the lists, or add a CIDR route
	// for it (which takes priority over prefix-list routes).
	RouteTie Code = "ROUTE_TIE"
	// SGIndeterminate: only a security group rule that references a group
	// the input does not hold (in a peered VPC or another account) could
	// allow the packet, and whether the peer is a member of that group is
	// unknown; or Alibaba Cloud groups decide a packet a middlebox
	// forwarded differently with the sender's group membership and
	// without it, which Alibaba Cloud does not document (alibaba_sg.go).
	// The hop is undecided.
	SGIndeterminate Code = "SG_INDETERMINATE"
	// UnmodelledTarget: the matching route sends the packet to a target
	// reachsim does not model (a virtual private gateway, a transit
	// gateway, a peering connection, a Gateway Load Balancer endpoint...).
	// The hop is undecided, and the leg ends there: an undecided route
	// never falls back to a less specific one. It is also the request's
	// first hop, naming that target, when the request comes from a
	// private host outside the design (an RFC 1918, 100.64.0.0/10 or other
	// non-global IPv4 address, 198.18.0.0/15 say, a unique local or other
	// non-global IPv6 address) and the way back to it, the
	// reply's route from the destination's subnet, ends there: the host
	// may sit beyond it and send through it (a VPN, Direct Connect), not
	// from the internet. So too for a public host outside the design (a
	// network on premises using public addresses, say) whose way back
	// ends there, to an address of the destination's own or to an
	// interface named by ID, which it is then sent to privately. (Where
	// the way back ends at another undecided hop, a route known only
	// later say, the request's first hop has that hop's code.)
	UnmodelledTarget Code = "UNMODELLED_TARGET"
	// NATICMPErrorUnknown: an ICMP error message ([flow.Flow.IsICMPError])
	// of no session a NAT gateway tracks reaches it: whether the gateway
	// translates one is not documented (RFC 5508 has a NAT drop it). The
	// hop is undecided; the walk goes on past it as translated.
	NATICMPErrorUnknown Code = "NAT_ICMP_ERROR_UNKNOWN"
	// UnmodelledDestination: the destination address is held by
	// something the design does not model (a load balancer's, a transit
	// gateway's or an interface VPC endpoint's interface...: an
	// [UnmodelledAddress]), which AWS delivers the packet to. The hop is
	// undecided and names it ([Hop.Missing]); the leg ends there. Fix:
	// check by hand whether it accepts the packet.
	UnmodelledDestination Code = "UNMODELLED_DESTINATION"
	// SourceDestCheck: a route sends the packet to a network interface
	// (an appliance) whose source/destination check is on, AWS's default
	// ([Interface.SourceDestCheckDisabled] false): the interface drops a
	// packet of which it is neither the source nor the destination. Fix:
	// turn the check off (modify-network-interface-attribute
	// --no-source-dest-check) if the appliance is meant to forward.
	SourceDestCheck Code = "SOURCE_DEST_CHECK"
	// SourceDestCheckUnknown: a route sends the packet through an
	// appliance whose source/destination check is known only later
	// ([Interface.SourceDestCheckUnknown]). The hop is undecided, and the
	// walk goes on past it.
	SourceDestCheckUnknown Code = "SOURCE_DEST_CHECK_UNKNOWN"
	// ApplianceTranslationUnknown: a packet an appliance forwarded (a
	// route's target interface, its source/destination check off or
	// unknown) reaches the internet gateway from a private IPv4 address
	// without a public one. Unchanged, it is dropped there ([NoPublicIP]);
	// but AWS documents this design as a NAT instance, whose operating
	// system replaces the source with the appliance's own address, and the
	// input does not say whether it does. When the appliance has a public
	// IPv4 address the hop is undecided and the walk goes on as the
	// translated packet would (from the appliance's public address, its
	// reply back through the appliance). So too for IPv6 (a NAT66 or
	// NPTv6 instance, nat66.go): an IPv6 packet an appliance with a
	// global IPv6 address of its own forwarded, which reaches the
	// internet gateway or the egress-only internet gateway of the
	// appliance's VPC from a source the internet does not route ([PrivateAddressOnInternet]
	// unchanged) or from another VPC of the design with no internet
	// gateway (no reply would come back), is undecided there and walked
	// on from the appliance's address. So too for a packet an appliance
	// forwarded to a VPC peering connection of its own VPC from a source
	// outside that VPC ([PeeringAddressOutsideVPC] unchanged): the
	// appliance may translate the source to its own address (a NAT
	// instance, a router's masquerade), the walk going on from the
	// address of the interface it sends by, the reply back through it
	// (peering_nat.go). Likewise a packet for the NAT64
	// prefix 64:ff9b::/96 that an appliance with an IPv4 address
	// forwards, which its subnet's routes send, unchanged, to an
	// internet gateway or an egress-only one ([NAT64NotTranslated]
	// otherwise), or to no route or a blackhole: the appliance may be a
	// NAT64 instance. The hop is the appliance's own; for TCP and UDP the
	// walk goes on as the translated IPv4 packet would, checked by the
	// appliance's security groups and routed from its subnet, and the
	// IPv6 packet's own egress there (groups, route, network ACL) does not
	// decide; otherwise it ends at the undecided hop. When the
	// appliance's subnet may get the unchanged packet somewhere (a NAT
	// gateway, a peering, a transit gateway...), the unchanged and the
	// translated packet are each walked, and the appliance's hop is
	// undecided when one possibility passes (or is undecided) and the
	// other is blocked.
	ApplianceTranslationUnknown Code = "APPLIANCE_TRANSLATION_UNKNOWN"
	// ApplianceEgressUnknown: a route sends the packet to a network
	// interface of an instance with several ([Interface.Instance]), which
	// forwards it (the packet is neither from nor to that interface). The
	// instance's operating system picks the interface the packet leaves
	// by, and for a NAT instance the address it translates to, which the
	// input does not hold; each interface has its own groups, subnet,
	// source/destination check and public addresses. The walk is taken
	// out of each interface (per leg, appliance_egress_fork.go): the answer
	// is certain where every one gives the same, and otherwise this hop is
	// undecided, naming what each interface gives. A packet no choice
	// follows (addressed to another interface of the instance, for the
	// NAT64 prefix, or on a design of more than 64 combinations) ends
	// there, undecided; a certain block before it (the receiving
	// interface's check or inbound groups, a network ACL) still decides.
	// Where every interface is alike for the packet (one subnet, the same
	// groups and check, no public address: appliance_egress.go) there is
	// nothing to pick between and the walk goes on, certain. Fix: route the traffic to an appliance with one interface, or to a
	// NAT gateway for internet egress, or make every interface's path answer alike.
	ApplianceEgressUnknown Code = "APPLIANCE_EGRESS_UNKNOWN"
	// NATPortUnknown: a network ACL judges a reply to the source port a
	// NAT gateway picked for the session, which the input does not say
	// (AWS: a NAT gateway uses ports 1024-65535), and decides differently
	// for different ports of that range; or a firewall endpoint that the
	// session crosses beyond the gateway (the request after it, the reply
	// before it) does, or an Alibaba Cloud security group whose rules
	// name source ports judging the request beyond the gateway. The hop
	// is undecided; its Missing names the ports the ACL or firewall lets
	// through. Fix: treat the whole range
	// 1024-65535 alike.
	NATPortUnknown Code = "NAT_PORT_UNKNOWN"
	// AsymmetricRoute: the request crosses a firewall endpoint that the
	// reply does not (or the other way round); the firewall has no state
	// for the half it sees and drops it where its stateless engine forwards
	// a packet of it to the stateful engine (or drops one itself). Where
	// the stateless engine passes every packet of it the hop is undecided:
	// AWS calls asymmetric routing unsupported but documents no drop. So
	// for TCP; a lone packet of a connectionless protocol opens a flow of
	// its own: the code marks its crossing only where the firewall drops
	// it for certain, or where rules on flow state or direction leave it
	// undecided.
	AsymmetricRoute Code = "ASYMMETRIC_ROUTE"
	// NATUnsupportedProtocol: a NAT gateway carries TCP, UDP and ICMP
	// only, and drops any other protocol.
	NATUnsupportedProtocol Code = "NAT_UNSUPPORTED_PROTOCOL"
	// ReplyViaNAT: the reply of a connection that did not come through a
	// NAT gateway is routed to one (a server with a public IP in a subnet
	// whose default route is a NAT gateway): it would leave from the NAT
	// gateway's address, which the client does not expect, so the
	// connection fails. Only ever on the reply, so it has no RETURN_
	// prefix.
	ReplyViaNAT Code = "REPLY_VIA_NAT_GATEWAY"
	// VPCBlockPublicAccess: VPC Block Public Access blocks the packet at
	// the internet gateway or the egress-only internet gateway, or, in
	// block-bidirectional mode, at a carrier gateway (see
	// [BlockPublicAccess]).
	VPCBlockPublicAccess Code = "VPC_BLOCK_PUBLIC_ACCESS"

	// Transit gateways (see [TransitGateway]); AWS Reachability Analyzer
	// has no codes of its own for them, so these follow Network Manager's
	// Route Analyzer (ROUTE_NOT_FOUND, BLACKHOLE_ROUTE_FOR_DESTINATION_FOUND,
	// TGW_ATTACH_STABLE_ROUTE_TABLE_NOT_FOUND).

	// TGWNoRoute: the transit gateway route table associated with the
	// attachment the packet entered through has no route for it.
	TGWNoRoute Code = "TGW_NO_ROUTE"
	// TGWBlackholeRoute: the matching transit gateway route is a
	// blackhole, which drops the packet.
	TGWBlackholeRoute Code = "TGW_BLACKHOLE_ROUTE"
	// TGWNoAssociation: the attachment the packet entered through is
	// associated with no transit gateway route table.
	TGWNoAssociation Code = "TGW_NO_ASSOCIATION"
	// TGWNoAttachmentInAZ: the transit gateway's VPC attachment has no
	// subnet in the Availability Zone the packet leaves from, so the
	// gateway does not take it.
	TGWNoAttachmentInAZ Code = "TGW_NO_ATTACHMENT_IN_AZ"
	// TGWRoutesUnknown: the routes of the transit gateway route table
	// that decides are not in the input, or some are not: a VPN, Direct
	// Connect gateway or Connect attachment (or a VPC attachment whose
	// VPC the input lacks) propagates to the table, which is not
	// [TGWRouteTable.Listed], and a route it propagates could route the
	// packet (the table has none for it, or one that a longer prefix, or
	// an earlier kind at its prefix, would beat). The hop is undecided.
	TGWRoutesUnknown Code = "TGW_ROUTES_UNKNOWN"
	// TGWPropagationUnknown: the transit gateway route that matches was
	// propagated by a VPC attachment whose block overlaps another's
	// propagated to the same table (or a propagated blackhole route, whose
	// attachment is not named), and the input (which does not list the
	// table's routes) does not say which VPC was attached first: AWS
	// propagates only that one's block. The hop is undecided. Fix: give
	// the table's routes as AWS lists them, or the VPCs distinct blocks.
	TGWPropagationUnknown Code = "TGW_PROPAGATION_UNKNOWN"
	// TGWExitZoneUnknown: the transit gateway sends the packet to a VPC
	// attachment that has no subnet in the zone the packet entered by (or
	// the zone is unknown, or undecided: subnets of two owners whose AZ
	// IDs the input lacks, [Subnet.AvailabilityZoneID]), AWS does not document which of its subnets
	// it then takes, they are not alike for the packet (route table,
	// network ACL, Block Public Access exclusion, the destination in one
	// of them, or a route back to a transit gateway), and the answers
	// through them differ (or the design has too many such attachments to
	// walk each: tgw_exit_fork.go). The hop is undecided. Fix: give the
	// attachment a subnet in that zone.
	TGWExitZoneUnknown Code = "TGW_EXIT_ZONE_UNKNOWN"
	// TGWEntryZoneUnknown: a VPC route sends the packet to a transit
	// gateway, and which subnet of the VPC's attachment it enters by (the
	// one in the zone of the subnet it leaves) the input does not decide:
	// that subnet's zone is unknown and the attachment's subnets differ
	// for the packet (their network ACLs) or the source subnet may lie in
	// a zone the attachment has no subnet in (unless it is itself one of
	// the attachment's: the model does not know a VPC's zones), or the
	// attachment has no subnet known to be in that zone but some of
	// unknown zone (the packet enters through one, or is dropped). The
	// hop is undecided; where the candidate subnets share a network ACL
	// the walk goes on through the first, so that a certain block beyond
	// decides. Fix: give the subnets
	// their Availability Zones.
	TGWEntryZoneUnknown Code = "TGW_ENTRY_ZONE_UNKNOWN"
	// TGWApplianceZoneUnknown: the transit gateway leaves the packet
	// through an attachment with appliance mode, whose subnet (zone) the
	// gateway's flow hash picks, and the answer differs between the
	// subnets it can pick. The hop is undecided.
	TGWApplianceZoneUnknown Code = "TGW_APPLIANCE_ZONE_UNKNOWN"
	// TGWIPv6Unsupported: the transit gateway routes an IPv6 packet that
	// entered, or would leave, through a VPC attachment without IPv6
	// support ([TGWAttachment.IPv6Support]), whose transit gateway
	// interfaces have no IPv6 address; AWS's documents differ on whether
	// it passes. The hop is undecided, and the walk goes on. Fix: enable
	// the attachment's IPv6 support.
	TGWIPv6Unsupported Code = "TGW_IPV6_SUPPORT_DISABLED"
	// TGWAttachmentStateUnknown: the transit gateway routes a packet that
	// entered, or would leave, through an attachment whose state the
	// input does not decide ([TGWAttachment.StateUnknown]: a VPC
	// attachment to another account's gateway that may stay pending
	// acceptance), and only an available attachment carries traffic. The
	// hop is undecided, and the walk goes on. Fix: have the gateway's
	// owner accept the attachment.
	TGWAttachmentStateUnknown Code = "TGW_ATTACHMENT_STATE_UNKNOWN"
	// EgressOnlyNoInbound: a connection from the internet to an IPv6
	// address of a VPC whose only way in from the internet is an
	// egress-only internet gateway, or (on the reply) the reply of a
	// connection that did not leave through the egress-only internet
	// gateway it is routed to (the internet opened it through the VPC's
	// internet gateway): an egress-only internet gateway carries
	// connections the VPC opens through it (and their replies), none the
	// internet opens. Fix: attach an internet gateway and route the
	// subnet's IPv6 traffic (::/0) to it.
	EgressOnlyNoInbound Code = "EGRESS_ONLY_NO_INBOUND"
	// NAT64NotTranslated: a packet for the NAT64 prefix 64:ff9b::/96 (an
	// IPv4 address as DNS64 synthesises it) is routed to an internet
	// gateway or an egress-only one, which forward IPv6 unchanged: only a
	// NAT gateway translates it, and the packet reaches no host
	// (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html).
	// Through an appliance that may translate it (a NAT64 instance), this
	// is what the unchanged packet meets; the answer weighs the
	// translated packet too, the appliance's hop
	// [ApplianceTranslationUnknown] when they differ. Fix: route
	// 64:ff9b::/96 to a NAT gateway.
	NAT64NotTranslated Code = "NAT64_NOT_TRANSLATED"
	// GatewayEndpointProtocol: a gateway VPC endpoint carries TCP and
	// echo requests only (its replies: TCP and echo replies), as
	// Reachability Analyzer's code of the same name says, and only of the
	// address families its IP address type names
	// ([GatewayEndpoint.IPAddressType]: IPv4 for ipv4, IPv6 for ipv6,
	// both for dualstack).
	GatewayEndpointProtocol Code = "VPCE_GATEWAY_PROTOCOL_RESTRICTION"
	// GatewayEndpointIPTypeUnknown: an IPv6 packet is routed to a
	// gateway VPC endpoint whose IP address type the input does not hold
	// ([GatewayEndpoint.IPAddressType] ""): an ipv6 or dualstack endpoint
	// carries it, an ipv4 one drops it. The hop is undecided, and the
	// walk goes on.
	GatewayEndpointIPTypeUnknown Code = "VPCE_GATEWAY_IP_ADDRESS_TYPE_UNKNOWN"
	// GatewayEndpointSource: a gateway VPC endpoint serves only sources in
	// its own VPC; traffic that came from elsewhere (a peered VPC, a
	// transit gateway, the internet through an appliance) cannot use it.
	GatewayEndpointSource Code = "VPCE_GATEWAY_SOURCE_OUTSIDE_VPC"
	// InterfaceEndpointProtocol: a session other than TCP is delivered
	// to a network interface of an interface VPC endpoint
	// ([Interface.InterfaceEndpoint]). Interface endpoints have long
	// carried TCP only; whether the endpoint carries this protocol AWS's
	// documents do not settle, so the hop is undecided.
	InterfaceEndpointProtocol Code = "VPCE_INTERFACE_PROTOCOL_UNKNOWN"
)

// Codes lists every explanation code without the RETURN_ prefix, for
// documentation and tests.
var Codes = []Code{SGNoAllow, SGDeny, ACLDeny, ACLDefaultDeny, NoRoute, BlackholeRoute, NoInternetGateway,
	NoPublicIP, NATNoInbound, PrivateAddressOnInternet, UnknownDestination, DelegatedPrefixesUnknown, AddressUnknownDestination, AddressKnownLater, RoutingLoop, FirewallDrop,
	FirewallIndeterminate, FirewallEndpointIPType, AsymmetricRoute, SGIndeterminate, ACLIndeterminate, RouteIndeterminate, RouteTie, UnmodelledTarget,
	UnmodelledDestination, SourceDestCheck, SourceDestCheckUnknown, ApplianceTranslationUnknown, ApplianceEgressUnknown,
	AlibabaPort25Blocked,
	PeeringNotActive, PeeringStatusUnknown, PeeringAddressOutsideVPC,
	NATUnsupportedProtocol, NATPortUnknown, NATICMPErrorUnknown, ReplyViaNAT, VPCBlockPublicAccess, DenyAllIGWTraffic,
	TGWNoRoute, TGWBlackholeRoute, TGWNoAssociation, TGWNoAttachmentInAZ, TGWRoutesUnknown, TGWPropagationUnknown, TGWEntryZoneUnknown, TGWExitZoneUnknown, TGWApplianceZoneUnknown, TGWIPv6Unsupported, TGWAttachmentStateUnknown,
	EgressOnlyNoInbound, NAT64NotTranslated, GatewayEndpointProtocol, GatewayEndpointSource, GatewayEndpointIPTypeUnknown, InterfaceEndpointProtocol,
	AmazonDNSOnlyDNS, AmazonDNSOutsideVPC, AmazonDNSDisabled, AmazonDNSIndeterminate,
	InstanceServiceOtherTraffic, InstanceServiceOutside, InstanceServiceDisabled, InstanceServiceIndeterminate}

// OnLeg returns c as it is reported on leg l: on the return leg with the
// prefix "RETURN_" (ACLDefaultDeny becomes RETURN_ACL_DEFAULT_DENY), except
// AsymmetricRoute, which concerns both legs, ReplyViaNAT, which is only
// ever on the reply, and a code that has the prefix already.
func (c Code) OnLeg(l Leg) Code {
	if l == Return && c != "" && c != AsymmetricRoute && c != ReplyViaNAT && !strings.HasPrefix(string(c), "RETURN_") {
		if r, ok := returnCodes[c]; ok {
			return r // worded once: a verdict blocked on its reply allocates nothing
		}
		return "RETURN_" + c
	}
	return c
}

// returnCodes holds each code of [Codes] as the return leg reports it.
var returnCodes = func() map[Code]Code {
	out := make(map[Code]Code, len(Codes))
	for _, c := range Codes {
		out[c] = "RETURN_" + c
	}
	return out
}()

// Hop is one step of a path: a component the packet meets, what it did
// with it, and why.
//
// JSON writes the fields in the order leg, kind, id, name, direction,
// packet, verdict, rule, reason, details, code, fix, missing; Leg,
// Direction and Verdict are declared side by side, which keeps a Hop (and
// a trace) smaller.
type Hop struct {
	Leg Leg `json:"leg"`
	// Direction is the direction the filter judged the packet in, for
	// security groups and network ACLs ([Hop.HasDirection]); other
	// components have none and leave it zero. JSON writes it as "inbound"
	// or "outbound", and leaves it out where there is none.
	Direction flow.Direction `json:"direction,omitempty"`
	Verdict   flow.Verdict   `json:"verdict"`
	// natPort: a network ACL that judged the reply to the port a NAT
	// gateway picked over every port it may pick (natport.go)
	natPort bool
	Kind    Kind   `json:"kind"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	// Packet is the packet as it reaches the hop (after any address
	// translation before it). Beyond a NAT gateway, the port the gateway
	// picked for the session (one of 1024-65535, which the input does not
	// say) holds the client's port in its place; a network ACL that judges
	// it judges the whole range, and its reason says so.
	Packet flow.Flow `json:"packet"`
	// Rule is the rule that decided: an SG rule, an ACL entry, a route, a
	// firewall rule; "" when a default decided.
	Rule string `json:"rule,omitempty"`
	// reason is the hop's reason as the walk worded it, or, with a judge,
	// what the judge's reason appends to its words
	reason string
	// judge is what [Hop.Reason] and [Hop.Details] word the hop's
	// explanation from (details.go); nil: reason alone, and no details
	judge hopJudge
	// notes are fixed lines of the details, after the judge's
	notes []string
	// Code is set when the hop blocks (or cannot decide about) the packet.
	Code Code `json:"code,omitempty"`
	// Fix says what would make the hop pass, when it blocks; when it is
	// undecided, what would decide it.
	Fix string `json:"fix,omitempty"`
	// Missing names, on an undecided hop (verdict indeterminate), what the
	// input does not hold that the answer depends on.
	Missing string `json:"missing,omitempty"`
}

// Details lists supporting facts for the trace: each security group's
// matching or closest rule, the network ACL entries passed over, the
// firewall's decision on each packet and its alerts, notes on the path.
// A check only records which filter judged which packet; the lines are
// worded here, when the trace is read (each call words them anew, into a
// slice of the caller's own), so a check whose trace nobody reads costs
// little more than a [Model.Verdict]. JSON writes them as "details".
func (h Hop) Details() []string {
	return h.detailLines()
}

// Reason says in a sentence what happened at the hop and why: "allowed by
// sg-web rule sgr-1 ...", "10.0.2.7 matches 10.0.0.0/16 via local
// (longest prefix)". Like [Hop.Details], the sentences of the hops a path
// meets most (security groups, routes, firewalls) are worded when read,
// from what the walk recorded. JSON writes it as "reason".
func (h Hop) Reason() string {
	return h.words()
}

// Blocked reports whether the hop stops the packet or cannot decide about
// it (it has a code).
func (h Hop) Blocked() bool { return h.Code != "" }

// Undecided reports whether the hop cannot decide about the packet: its
// verdict is indeterminate.
func (h Hop) Undecided() bool { return h.Verdict == flow.Indeterminate }

// HasDirection reports whether the hop is a filter that judges a packet
// in a direction (security groups, network ACLs), so that its Direction
// means something.
func (h Hop) HasDirection() bool { return h.Kind == KindSecurityGroups || h.Kind == KindNetworkACL }

// hopJSON is a Hop as JSON writes it: the fields of Hop in the order its
// doc gives, with the direction a string that is left out where a hop has
// none (Inbound is Direction's zero value, so omitempty alone cannot tell).
type hopJSON struct {
	Leg       Leg          `json:"leg"`
	Kind      Kind         `json:"kind"`
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Direction string       `json:"direction,omitempty"`
	Packet    flow.Flow    `json:"packet"`
	Verdict   flow.Verdict `json:"verdict"`
	Rule      string       `json:"rule,omitempty"`
	Reason    string       `json:"reason"`
	Details   []string     `json:"details,omitempty"`
	Code      Code         `json:"code,omitempty"`
	Fix       string       `json:"fix,omitempty"`
	Missing   string       `json:"missing,omitempty"`
}

// MarshalJSON implements [json.Marshaler]: the hop's fields as tagged,
// "direction" only on a hop that has one ([Hop.HasDirection]).
func (h Hop) MarshalJSON() ([]byte, error) {
	j := hopJSON{Leg: h.Leg, Kind: h.Kind, ID: h.ID, Name: h.Name, Packet: h.Packet, Verdict: h.Verdict,
		Rule: h.Rule, Reason: h.Reason(), Details: h.Details(), Code: h.Code, Fix: h.Fix, Missing: h.Missing}
	if h.HasDirection() {
		j.Direction = h.Direction.String()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // flows read "->"
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Block points at a blocking hop of a [Result].
type Block struct {
	Leg Leg `json:"leg"`
	// Hop is the blocking hop's number on its leg, counting from 1 as the
	// trace does: the hop is Forward[Hop-1] or Return[Hop-1].
	Hop  int    `json:"hop"`
	Code Code   `json:"code"`
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Fix  string `json:"fix,omitempty"`
	// Indeterminate marks an undecided hop ([Hop.Undecided]): it does not
	// block for certain, the answer depends on what the input lacks.
	Indeterminate bool `json:"indeterminate,omitempty"`
}

// Outcome is the answer to a query: the session works, it does not, or it
// depends on something the input does not hold.
type Outcome uint8

// The outcomes. The zero value is Unreachable, as a zero [Result]'s
// Reachable is false.
const (
	// Unreachable: a hop blocks the session for certain.
	Unreachable Outcome = iota
	// Reachable: the request and the reply pass every hop.
	Reachable
	// Indeterminate: no hop blocks for certain, but a hop could not decide
	// (a route to a target reachsim does not model, a security group rule
	// referencing a group the input does not hold, a firewall rule that
	// depends on payload): the answer depends on what the input lacks,
	// which the undecided hops name ([Hop.Missing]).
	Indeterminate
)

var outcomeNames = [...]string{Unreachable: "unreachable", Reachable: "reachable", Indeterminate: "indeterminate"}

// String returns "reachable", "unreachable" or "indeterminate".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (o Outcome) MarshalText() ([]byte, error) {
	if int(o) >= len(outcomeNames) {
		return nil, fmt.Errorf("invalid outcome %d", uint8(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: the String form.
func (o *Outcome) UnmarshalText(b []byte) error {
	for v, n := range outcomeNames {
		if string(b) == n {
			*o = Outcome(v)
			return nil
		}
	}
	return fmt.Errorf("invalid outcome %q: want reachable, unreachable or indeterminate", b)
}

// Result is the answer to one query: whether the session works, the hops
// of the request and of the reply in order, and every blocking point, not
// just the first (evaluation goes on past a block as if it were lifted,
// where the path beyond it is known).
//
// Outcome decides between three answers. Unreachable when any hop blocks
// for certain; else Indeterminate when a hop could not decide; else
// Reachable. A certain block wins over an undecided hop because it does
// not depend on it: an undecided filter (a security group, a firewall)
// does not change the path, so a block elsewhere stops the session
// whether the filter would pass the packet or not; and an undecided route
// ends its leg, so no hop after it is judged. Reachable is true only for
// the outcome Reachable.
type Result struct {
	From      string    `json:"from"` // the source as the query named it, with what it resolved to
	To        string    `json:"to"`
	Flow      flow.Flow `json:"flow"` // the request as the source sends it
	Reachable bool      `json:"reachable"`
	Outcome   Outcome   `json:"outcome"`
	Forward   []Hop     `json:"forward"`
	Return    []Hop     `json:"return"`
	Blocks    []Block   `json:"blocks"`
	Warnings  []string  `json:"warnings,omitempty"`
	// Unknowns names, on an indeterminate answer, the values known only
	// later that it depends on ("aws_instance.web: private_ip"), with why
	// (see [Interface.AddressUnknown]).
	Unknowns []string `json:"unknowns,omitempty"`
}

// First returns the first blocking point, forward before return, and
// whether there is one.
func (r *Result) First() (Block, bool) {
	if len(r.Blocks) == 0 {
		return Block{}, false
	}
	return r.Blocks[0], true
}

// Undecided returns the hops that could not decide ([Hop.Undecided]),
// forward before return: what an indeterminate outcome depends on.
func (r *Result) Undecided() []Hop {
	var out []Hop
	for _, hops := range [][]Hop{r.Forward, r.Return} {
		for _, h := range hops {
			if h.Undecided() {
				out = append(out, h)
			}
		}
	}
	return out
}

// Codes returns the codes of every blocking point in order.
func (r *Result) Codes() []Code {
	out := make([]Code, len(r.Blocks))
	for i, b := range r.Blocks {
		out[i] = b.Code
	}
	return out
}
