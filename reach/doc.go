// Package reach answers "can this source reach that destination over this
// protocol and port — and if not, what stops it, where, in which
// direction?" for a whole design: VPCs, subnets, route tables, internet
// and NAT gateways, transit gateways, AWS Network Firewall endpoints, network interfaces,
// their security groups and their subnets' network ACLs.
//
// The path is derived, not declared. From the source interface the
// request crosses its security groups (outbound), leaves the subnet
// through the subnet's network ACL (outbound) unless source and
// destination share the subnet, is routed table by table by longest prefix
// match — to the VPC's local fabric, a firewall endpoint, a NAT gateway,
// an appliance interface, a VPC peering connection or the internet
// gateway, which maps private to public IPv4 addresses — enters the destination subnet through its ACL
// (inbound) and reaches the destination's security groups (inbound). The
// reply is then walked back from the destination the same way: stateful
// components (security groups, NAT gateways, the firewall's stateful
// engine) let an allowed session's replies through, stateless ones
// (network ACLs, the firewall's stateless engine) judge the reply on its
// own, so ephemeral ports matter; routing back is looked up too. An
// appliance interface forwards a packet of which it is neither the source
// nor the destination only with its source/destination check off
// ([Interface.SourceDestCheckDisabled]); with the check on, AWS's default,
// it drops it ([SourceDestCheck]), and with the check known only later
// ([Interface.SourceDestCheckUnknown]) the hop is undecided and the walk
// goes on (Alibaba Cloud's interfaces have the same check). The
// appliance forwards the packet unchanged; but one that then reaches the
// internet gateway from a private IPv4 address without a public one may
// have been translated by it (AWS's NAT instance design), which the input
// cannot say: with a public address on the appliance that hop is
// undecided ([ApplianceTranslationUnknown]) and the walk goes on as the
// translated packet would; so too at a VPC peering connection, for a
// source outside the appliance's VPC (a router's masquerade,
// peering_nat.go). The same holds for IPv6 (a NAT66 or NPTv6
// instance, AWS's "centralized egress for IPv6" design): an IPv6 packet
// an appliance with a global IPv6 address of its own forwarded, which
// reaches the internet gateway or the egress-only internet gateway of
// the appliance's VPC from a source the internet does not route (unique
// local, a VPC's private IPv6 block) or from another VPC of the design
// with no internet gateway (no reply would come back to it), is
// undecided there ([ApplianceTranslationUnknown]) and walked on from the
// appliance's address, the reply back through the appliance (nat66.go);
// with no such appliance on the path the refusal stays certain. An
// appliance instance with several interfaces (a two-armed firewall or NAT
// instance) forwards out of the one its OS picks, which the input does
// not hold: each is walked, certain where all answer alike, else
// undecided ([ApplianceEgressUnknown], appliance_egress_fork.go); a certain block
// before it still decides. Each crossing of a firewall endpoint is a
// session of its own for the firewall, judged as the packet is when it gets there
// (after any address translation): a path through one endpoint twice (out
// to the internet gateway and back in to another public address) is
// judged twice, and each reply crossing by the session it answers, its
// packets unfragmented (a UDP answer through a policy whose fragment
// default is aws:drop warns that fragmented UDP packets no stateless rule
// matches are dropped there). A session whose stateless rules pass one
// direction whole and forward the other leaves the stateful engine
// without the flow's opening: the forwarded leg is undecided, naming the
// stream exception policy, as the firewall package decides it, unless
// dropped for certain anyway. A session that crosses an endpoint in one direction only
// is asymmetric routing ([AsymmetricRoute]): for TCP a certain drop where
// a packet of it goes to the stateful engine (no state; not under stream
// exception policy CONTINUE) or is dropped, else undecided; a lone
// connectionless packet gets the firewall's verdict (firewall.go).
//
// Evaluation does not stop at the first block: it goes on as if that
// block were lifted, so a [Result] lists every blocking point, forward and
// back, each with an explanation [Code] and what would make it pass. Only
// where the path beyond a block is unknown (no route, say) does the walk
// end there, or where it would repeat itself: a packet that comes back
// unchanged to a route table or middlebox it passed is a routing loop,
// reported once ([RoutingLoop]) with its cycle.
//
// A VPC peering connection ([Peering], [TargetPeering]) carries a packet
// into the peer VPC, which delivers it locally (the destination subnet's
// ACL inbound, the destination's security groups), only when the
// connection is active ([PeeringNotActive] otherwise), and only from an
// address of the VPC it leaves to an address of the peer VPC
// ([PeeringAddressOutsideVPC]): peering is neither transitive nor
// edge-to-edge, so nothing goes on through the peer VPC's other peerings,
// internet gateway, NAT gateways or VPN. The reply needs its own route
// back to the connection in the peer VPC. Build refuses a connection
// between VPCs whose blocks overlap only when it is active or on its way
// to active: AWS creates one of status failed for such a request, which
// a design (a dump) may hold, and which carries nothing. A packet keeps its security
// group identity across a peering: a rule referencing a group of the peer
// VPC matches the members' private addresses. Build accepts a reference to
// a group of any VPC of the design, peered or not (AWS accepts one only in
// the same or a peered VPC, or, in an inbound rule, one attached to the
// same transit gateway); without a peering, the paths reachsim models
// that bring the members' private addresses to it cross a middlebox,
// which loses the identity, the internet (IPv6, which internet gateways
// do not translate), which carries none, or a transit gateway, across
// which only inbound references match, and only with the gateway's
// referencing support. Even between peered VPCs, a packet that crosses
// the internet (out one VPC's internet gateway or egress-only one, in at
// the other's) matches no reference: it arrives from the internet, not
// over the peering. A query between VPCs a peering joins addresses interfaces by
// their private addresses; a connection of a status AWS documents as
// carrying nothing (deleted, rejected, expired, failed, pending-acceptance
// and the others but active, [PeeringStatuses]), which AWS keeps listing
// for hours or days, joins nothing, for addressing as for group
// references; one of a status reachsim does not know still joins.
// A route table's lookup takes the longest matching prefix, and among
// routes of that prefix, as AWS does ([Route]): a static CIDR route, then
// a prefix-list route, then a route a virtual private gateway propagated
// ([Route.Propagated]), which never beats the local route inside the
// VPC's blocks, however specific it is. Where prefix-list routes whose lists share the
// block lead to different targets, AWS picks one at random: the lookup is
// undecided ([RouteTie]). A local route is exactly one of the VPC's CIDR
// blocks (AWS keeps one per block and never changes its destination):
// Build refuses a wider, narrower or other block. A table edge-associated with an internet
// gateway ([RouteTable.Gateways], a gateway route table) takes only what
// AWS lets it hold: routes to local, a network interface or a Gateway
// Load Balancer endpoint (a firewall endpoint is one), for a whole CIDR
// block of the VPC or of one of its subnets, no prefix list and no
// propagated route; Build refuses any other, naming it (gatewaytable.go).
// In any other table, a route more specific than the local route (its
// destination strictly inside a block of the VPC) is one AWS takes only
// for the whole CIDR block of a subnet of the VPC and to a NAT gateway, a
// network interface, a Gateway Load Balancer endpoint or a firewall
// endpoint; Build refuses any other, naming the table, the route and why
// (subnettable.go).
//
// Besides the internet gateway, a packet leaves a VPC through an
// egress-only internet gateway ([EgressOnlyInternetGateway]: IPv6 out and
// the replies back, nothing in; the reply of a connection the internet
// opened through the VPC's internet gateway, routed to an egress-only
// one, even one the input lacks (no private way in), is dropped there,
// [EgressOnlyNoInbound]; one per VPC, as AWS attaches them: Build refuses
// a second) or reaches S3 or DynamoDB through a
// gateway endpoint ([GatewayEndpoint]: by the service's prefix list, to
// an end point like the internet, and back; the address families its IP
// address type names, IPv6 through one whose type the input lacks being
// undecided ([GatewayEndpointIPTypeUnknown]); its policy is not evaluated).
// A private NAT gateway ([NATGateway].Private) translates the source to
// its private address and never reaches the internet. Either kind does
// NAT64: IPv6 TCP and UDP to 64:ff9b::/96 go on as IPv4 from its private
// address to the IPv4 address the prefix holds, the reply translated
// back; ICMPv6 through NAT64 is undecided ([UnmodelledTarget]). A
// packet for 64:ff9b::/96 that a route sends to an internet gateway or
// an egress-only one instead is dropped there ([NAT64NotTranslated]):
// they forward IPv6 unchanged, and only a NAT gateway translates it,
// unless an appliance with an IPv4 address forwarded it on the way: it
// may be a NAT64 instance, which the input cannot say. A NAT64 instance
// ends the IPv6 packet and sends an IPv4 one (RFC 6146), so when the
// appliance's subnet's routes alone doom the unchanged packet (no route
// for it, a blackhole, or the internet gateway or an egress-only one,
// perhaps past firewall endpoints) the walk forks at the appliance: its
// hop is undecided ([ApplianceTranslationUnknown]) and, for TCP and UDP,
// the walk goes on as the translated IPv4 packet would (checked by the
// appliance's security groups, routed from its subnet, the reply
// translated back by it); the appliance's outbound groups, its subnet's
// route and its subnet's outbound ACL never judge the IPv6 packet, which
// either never leaves the appliance or fails anyway. The answer is
// Unreachable only when the translated packet fails too. When the
// unchanged packet may get somewhere (its subnet routes the prefix to a
// NAT gateway, another appliance, a peering or a transit gateway...)
// the question is walked once per possibility (nat64_fork.go): the
// appliance forwards the packet unchanged (its outbound groups, its
// subnet's route and ACL judge the IPv6 packet, and an internet gateway
// it then reaches untranslated is [NAT64NotTranslated]), or it
// translates it (walked as above). The answer is Reachable only when
// both pass, Unreachable only when both are blocked, and Indeterminate
// otherwise, whatever a certain block on one of them says: the
// appliance's hop is then undecided ([ApplianceTranslationUnknown]), its
// reason saying what each possibility meets. Several such appliances on
// a path are walked per combination of their choices (at most 64, past
// which the first one's hop is undecided and the walk ends there). The
// trace shows the appliance forwarding unchanged when the answers agree,
// else the first possibility whose answer is not Unreachable. Behind a
// transit gateway's appliance-mode attachment, where the flow hash may
// pick a zone whose path meets such an appliance and another whose path
// meets none, the trace may show a path without the appliance: when the
// possibilities disagree, the transit gateway hop where the flow hash
// picks is then the undecided one ([TGWApplianceZoneUnknown]), its
// Missing naming the appliance and what each possibility meets, so the
// answer is Indeterminate wherever the source sits. [Model.Ports]
// answers such a question port by port from those walks, as
// [Model.Verdict] does; [Model.Matrix] and [Diff], whose walks of a
// middle follow one path, leave the prefix out of their IPv6 internet
// cells, with a note, where a route may send some of it to such an
// appliance, and no other address a set question asks about is in it.
// A NAT gateway translates a TCP or UDP session's source port too, to a
// port of its own within 1024-65535 (AWS VPC User Guide, "Ephemeral
// ports"), which the input does not say: a network ACL that judges the
// reply to it (the NAT gateway's subnet inbound; for a private NAT
// gateway, the destination subnet's outbound too) judges every port of
// that range, whatever the client's port. One decision for all of it is
// certain; different ones leave the hop undecided ([NATPortUnknown]),
// its Missing naming the ports the ACL lets through. ICMP has no ports:
// for an echo the gateway maps the query identifier instead, which no
// filter judges, and the trace says so. Behind two chained gateways the
// reply reaches the second one at its own port and goes back to the port
// the first one picked, which the trace names as such. A firewall endpoint
// beyond the gateway judges the same range: the request it sees after
// the gateway, and the reply before the gateway translates it back,
// carry the gateway's port, and the firewall's session is decided for
// every port of the range (cut where its rules, stateless or stateful,
// treat ports differently): one verdict for all is certain, with the
// rule of the client's port's run; different ones leave the crossing
// undecided ([NATPortUnknown]), its Missing naming the gateway, the
// firewall and the ports it passes.
// A NAT gateway with secondary addresses ([NATGateway].Secondary) sends
// each connection from an address of its choosing: the trace shows the
// primary ones, and an answer whose path crosses the gateway is exact
// where the design's blocks do not tell its addresses apart; where they
// do, the session is walked from each of its other addresses too, and the
// answer is the same certain one from each, or [Indeterminate]
// ([Result.Unknowns] names the gateway and the edges). Where they do,
// [Model.Matrix] (a union over every path) refuses the design; Ports,
// and Sources for the internet's addresses and delegated prefixes (both
// walked by pieces), refuse a question whose own path crosses the
// gateway; Sources answers each interface as Verdict does.
//
// An interface whose security groups are Alibaba Cloud's is an ECS
// instance, and Alibaba Cloud's platform rules apply to it (see
// [AlibabaPort25Blocked] and [Interface.Port25Unblocked]): outbound tcp/25
// to the internet is blocked unless unblocked, and ports some carriers
// block as high-risk are a warning on the [Result]. AWS's rule that a
// group reference matches nothing once a middlebox forwarded the packet
// is not applied to Alibaba Cloud groups, for which Alibaba documents
// nothing of the kind: they judge such a packet with the sender's group
// membership kept (by its private address) and lost, and where the two
// differ the hop is undecided ([SGIndeterminate], naming what is
// missing). The fix of a packet Alibaba Cloud groups deny follows their
// order (priority 1 first, a drop rule winning a tie): against a
// deciding drop rule, an accept rule of a higher priority (a smaller
// number), or removing or narrowing the drop rule (at priority 1 only
// that); an enterprise group's fix names addresses only (alibaba_sg.go).
// Build refuses an Alibaba Cloud rule that references a group Alibaba
// Cloud does not let it name: an enterprise (advanced) group, or a group
// of another VPC (a group's VPC is its VPCID, else its members'), naming
// the group, the rule and the referenced group (alibaba.go). Nor does
// Alibaba Cloud let an instance or an elastic network interface wear a
// group of another VPC (JoinSecurityGroup, InvalidInstanceId.Mismatch):
// Build refuses an interface wearing an Alibaba Cloud group whose VPCID
// is not the VPC of the interface's subnet, and one wearing a group
// without VPCID whose earlier member is in another VPC, naming the
// interface, the group and both VPCs (and the file the group's VpcId was
// read from, where the loader recorded it with [Builder.SetOrigin]). So a
// basic group's members, who reach each other whatever its rules (inner
// access policy Accept), are all of one VPC. AWS groups are not held to
// this (AWS lets a group be associated with more VPCs).
// The fix of an undecided request to one of Alibaba Cloud's services
// (alibaba_services.go) the outbound groups would not allow says the same.
//
// A query has three answers ([Outcome]): reachable, unreachable, or
// indeterminate when the answer depends on something the input does not
// hold. A hop that cannot decide has the verdict flow.Indeterminate, a
// code ([UnmodelledTarget] for a route to a target reachsim does not
// model, which ends its leg and never falls back to a less specific route;
// [RouteTie] for prefix-list routes AWS chooses between at random;
// [SGIndeterminate] for a security group rule referencing a group the
// input does not hold, declared with [Builder.AddUnresolvedGroup], or a
// prefix list whose entries it does not hold, declared with
// [Builder.AddUnresolvedPrefixList]; [RouteIndeterminate] for a route by
// such a list, which could match any destination of its address family
// ([PrefixList.AddressFamily]; either family when unknown);
// [FirewallIndeterminate] for a firewall rule that depends on payload;
// [FirewallEndpointIPType] for a packet routed to a firewall endpoint
// whose IP address type does not (or may not) serve its family;
// [DenyAllIGWTraffic] for the reply of a connection an
// interface with DenyAllIgwTraffic opened to the internet),
// and names what is missing ([Hop.Missing]). A hop that blocks for certain
// makes the outcome unreachable whatever the undecided hops would say
// (see [Result]). An address inside a VPC's CIDR blocks that nothing
// holds is an unknown destination ([UnknownDestination]), never a host on
// the internet; one held by something the design does not model (a load
// balancer's interface, declared with [Builder.AddUnmodelledAddress]) is
// undecided where the packet gets there ([UnmodelledDestination]), the
// hop naming the holder, and [Model.Owner] answers it; so is a packet the
// internet carries to a public block something the design does not model
// holds ([Builder.AddUnmodelledBlock]: a block of a VPC a loader leaves
// out; an address blocks of several owners hold names them all, "vpc-a or
// vpc-e"); no query starts from an address of such a block, private or
// public. An address of a prefix delegated to an interface
// ([Interface.DelegatedPrefixes]: EKS pods' addresses in prefix mode) is
// the interface's own: delivered to it, sent from by it (a query names it
// by address), judged by its subnet's ACL and its security groups, and
// matched by rules referencing its groups; the trace says which prefix
// it is of (delegated.go). Build refuses a delegated prefix that holds
// an address the design gives to anything else (a NAT gateway's private
// address, an interface's) or one AWS reserves in the subnet (the first
// four and the last of each block, IPv4 and IPv6): AWS delegates neither;
// nor a prefix of a length other than an IPv4 /28 or an IPv6 /80, which
// Build refuses too, naming the interface and the prefix.
// Nor does AWS assign such a reserved address to an interface or a NAT
// gateway: Build refuses one among an interface's PrivateIPs or as a NAT
// gateway's private address (primary or secondary), naming the resource,
// the field and the address (Amazon VPC User Guide, "Subnet CIDR
// blocks"). An Alibaba Cloud (ECS) interface is held to Alibaba's rule
// instead: its vSwitch reserves the first address and the last three of
// its IPv4 block and the first and the last nine of its IPv6 block
// (CreateVSwitchCidrReservation,
// https://www.alibabacloud.com/help/en/vpc/api-610154), and Build refuses
// one of those among its PrivateIPs, naming the interface, the field and
// the address; .1 to .3 of a vSwitch are its to use. The same rule (one
// per cloud) gives the addresses an ECS interface whose address is known
// only later could get, and its placeholder (below), and the delegated
// prefixes Build accepts for it. A design is one address space: two
// VPCs may share a block, but Build refuses two resources of the design
// holding one private address, and where they are of two VPCs the error
// names both and wraps [ErrSharedAddress] (check such VPCs one at a time).
// Where an interface gets prefixes AWS picks at launch
// ([Interface.IPv4PrefixesUnknown], [Interface.IPv6PrefixesUnknown]), a
// packet to a free address of its subnet is undecided
// ([DelegatedPrefixesUnknown]), not an unknown destination, and a rule
// referencing one of its groups may match such an address: a security
// group hop only such a rule could allow is undecided ([SGIndeterminate],
// naming the value), not a certain block. An interface address known only later
// ([Interface.AddressUnknown], [Interface.IPv6Unknown]) walks with a
// placeholder of its subnet's block (the highest address the cloud may
// give there: AWS's rule above, or Alibaba Cloud's for an ECS
// interface, whose vSwitch may give it .1 to .3, the VPC's base plus two
// included: a packet for that address is then undecided, not one for the
// Amazon DNS server), and an answer is indeterminate where
// the design's blocks tell apart the addresses it could get (unknown.go),
// unless a hop blocks every one of them (unknown_block.go: judged again
// over each piece its filter tells apart, membership following the
// interface, when no route tells them apart); a rule referencing one of its groups may match a free address it could
// get, so a hop only such a rule could allow is undecided too. A block
// tells such addresses apart when it holds some of them and not all,
// wherever its ends fall (0.0.0.0/1 holds the public addresses below
// 127.0.0.0/8 and none above; 10.0.2.0/28 holds the free addresses up to
// 10.0.2.15 and none after 10.0.2.16, another interface's), across the
// design as on the question's path; a block that holds none of them (an
// address another resource holds) tells none apart. A Network Firewall
// rule's address set counts the same way, as a whole (drop … 0.0.0.0/1 …
// tells public addresses apart; $EXTERNAL_NET, every address but the
// VPC's, holds them all across the gap of 10.0.0.0/8); a public address known only later
// ([Interface.PublicIPUnknown], [NATGateway.PublicIPUnknown]) walks with a
// placeholder from 240.0.0.0/4, which AWS never gives, and a block that
// tells the placeholder apart from the public addresses (a rule for
// 240.0.0.1/32) makes the answer indeterminate too, never a certain one.
// The set questions answer the parts that involve an interface whose
// address is known only later and told apart (a [Model.Ports] question
// from or to it, its entry and the internet's addresses in
// [Model.Sources], its cells in [Model.Matrix], where it is a class of
// its own, its findings in [Model.Audit]) atom by atom by this rule,
// [Model.Verdict]'s, the atoms cut at every rule's edges with the
// addresses varied too (unknown_sets.go); a Ports cut [AddressKnownLater]
// (hop 0) names the interface for the values the rule leaves open where
// the placeholder's walk does not. A part that would take more than 16384
// such checks is refused (an error wrapping [ErrQuery] naming the budget).
//
// The Amazon DNS server (Route 53 Resolver, [KindAmazonDNS]) of a VPC,
// at the base of its primary IPv4 block plus two (the first IPv4 block of
// [VPC.CIDRs]) and at 169.254.169.253, answers DNS (udp and tcp port 53)
// from the VPC's own interfaces: their packets go straight there and
// back, past no security group, network ACL or route table, as AWS has
// it. Other traffic to it is [AmazonDNSOnlyDNS], a packet from outside
// the VPC [AmazonDNSOutsideVPC] (from the internet, at any of its
// addresses, the shared ones in an internet hop); fd00:ec2::253, which answers Nitro
// instances only, is undecided ([AmazonDNSIndeterminate]) but from an
// instance in an IPv6-only subnet, where AWS launches only Nitro
// instances. An instance with no IPv4 address (in an IPv6-only subnet)
// may ask 169.254.169.253, which AWS says stays reachable there as long
// as AmazonProvidedDNS is the name server of the VPC's DHCP options: the
// input holds none, so a DNS query is undecided ([AmazonDNSIndeterminate]),
// its packet from 169.254.0.1, which stands for the IPv4 link-local
// address the instance gives itself; other traffic and a VPC whose DNS
// support is off are refused as from any instance. A DNS query that a
// NAT gateway of the VPC itself sends on to the VPC's base-plus-two
// address (NAT64 of 64:ff9b::a00:2, say) is undecided too: AWS documents
// nothing of such a query. See amazondns.go.
//
// The services of an instance's own host ([KindInstanceService]) answer
// at link-local addresses every instance shares: the Instance Metadata
// Service (IMDS) at 169.254.169.254 (fd00:ec2::254 over IPv6), HTTP (tcp
// port 80) only, and the Amazon Time Sync Service at 169.254.169.123
// (fd00:ec2::123), NTP (udp port 123) only, and Windows activation,
// AWS's KMS servers at 169.254.169.250 and 169.254.169.251
// (fd00:ec2::250), KMS (tcp port 1688) only. A packet from an interface
// to one of them goes straight to the service and back, past no
// security group, network ACL or route table, as AWS has it. Time Sync
// over IPv4 is reachable, and Windows activation over IPv4 from an
// instance whose [Interface.Platform] is Windows. IMDS answers as the
// instance's metadata options say ([Interface.MetadataEndpoint],
// [Interface.MetadataIPv6]: describe-instances' MetadataOptions,
// Terraform's metadata_options): enabled, over IPv4; disabled, not at all
// ([InstanceServiceDisabled]), and its IPv6 endpoint disabled blocks
// fd00:ec2::254. An option the input does not give (or knows only
// later, [Interface.MetadataUnknown]), Windows activation from an
// instance the input does not say runs Windows, and the IPv6 addresses
// otherwise open, which answer instances built on the Nitro System only
// (not in the input, but for an instance in an IPv6-only subnet, where
// AWS launches only Nitro instances), leave the request undecided
// ([InstanceServiceIndeterminate]), its hop naming what is missing. The
// options and the platform are the instance's: Build refuses two
// interfaces of one [Interface.Instance] that disagree on them
// ([ErrTopology], naming both and the field). Two agents answer on the
// host too, software the input does not hold: the Amazon ECS task
// metadata endpoint at 169.254.170.2 (tcp port 80) and the EKS Pod
// Identity Agent at 169.254.170.23 and fd00:ec2::23 (tcp ports 80 and
// 2703); HTTP to them on those ports is undecided
// ([InstanceServiceIndeterminate]). Other
// traffic to them is [InstanceServiceOtherTraffic]; a packet for them
// from the internet or a host outside the design is
// [InstanceServiceOutside]. An Alibaba Cloud instance's packet to these
// addresses is walked as any other; its own services are Alibaba Cloud's
// (alibaba_services.go): the instance metadata service at 100.100.100.200,
// HTTP (tcp port 80), and the DNS servers at every address of
// 100.100.2.112/28 and 100.100.2.128/28 (the default ones 100.100.2.136
// and 100.100.2.138 among them), DNS (udp and tcp port 53), which
// every ECS instance of a VPC reaches from inside (ECS "Instance
// metadata"; VPC "DHCP options sets"), past route tables, gateways and
// network ACLs (VPC "Network ACLs": "Network ACLs allow the DNS servers
// at 100.100.2.128/28 and 100.100.2.112/28, and the Metaserver at
// 100.100.100.200/32"). Whether the instance's security groups filter
// that traffic Alibaba Cloud does not document: the outbound groups are
// asked, and where they would not allow it the hop is undecided
// ([InstanceServiceIndeterminate]); so is a request to the metadata
// service whose [Interface.MetadataEndpoint] (DescribeInstances
// MetadataOptions.HttpEndpoint) the input does not give, disabled
// blocking it ([InstanceServiceDisabled]). Other traffic to these
// addresses (another port or protocol) is undecided
// ([InstanceServiceIndeterminate]): Alibaba Cloud documents HTTP at the
// metadata service and DNS at the DNS servers, and says neither that
// anything else is refused nor that it is answered. An AWS interface's
// packet to these addresses is walked as any other. See instanceservice.go.
//
// A network interface of an interface VPC endpoint
// ([Interface.InterfaceEndpoint]) is a destination only: AWS PrivateLink
// carries the sessions resources open towards the endpoint's service,
// never one the service opens, so a query from it is an error wrapping
// [ErrQuery] and set questions ([Model.Sources], [Model.Matrix], [Diff])
// take it for no source. A TCP session to it is judged by its groups and
// its subnet's network ACL; one of another protocol is undecided there
// ([InterfaceEndpointProtocol]): interface endpoints have long carried
// TCP only, and whether one carries more today AWS's documents do not settle.
//
// The gateways have rules of their own: a NAT gateway carries TCP, UDP
// and ICMP only ([NATUnsupportedProtocol]); the internet gateway drops on
// the request what it would send to an address the internet does not
// route, or what comes from an RFC 1918, 100.64.0.0/10 or other IPv4
// source IANA marks not globally reachable (0.0.0.0/8, 198.18.0.0/15,
// 192.0.0.0/24 but .9 and .10) ([PrivateAddressOnInternet]). A query's
// source at such an address (or a non-global IPv6 one) outside every VPC
// is a host outside the design, and it may send privately:
// where the way back to it, walked from the destination's subnet as its
// reply would be (routing only), ends at a hop the input does not decide
// (a virtual private gateway, a transit gateway's VPN, Direct Connect or
// peering attachment, a peering connection or transit gateway the input
// lacks, a local gateway: [UnmodelledTarget]; a route known only later:
// [RouteIndeterminate]; a transit gateway's routes the input lacks:
// [TGWRoutesUnknown]), the request to an address of the destination's own
// may come in by that way, which the design does not model: its walk
// ends at once at an undecided hop of that code, naming it, then meets
// the destination's security groups, inbound (the way in is not
// modelled, but a packet that comes in privately keeps its source
// address, and the groups judge it whichever way it came; the subnet's
// network ACL judges it where the way in comes from outside the subnet,
// and its reply where the subnet's route for it leads out of it): where
// they drop it for certain, so does the answer ([SGNoAllow], [ACLDeny]
// and the rest, after the undecided hop), else it is indeterminate,
// never a certain drop at an internet gateway or a missing one
// ([NoInternetGateway]); where the way back ends
// elsewhere (the internet gateway, no route, a blackhole, another
// certain block) no session can work whichever way the request came,
// and the walk goes as from the internet (private_entry.go). Such a
// host reaches an interface named by ID at its private address, not its
// public one. A public source outside the design is asked the same where
// the route for it in the destination's subnet's table is not a certain
// one to the internet gateway, an egress-only one or a blackhole, nor
// missing: a network on premises may use public addresses reached over a
// VPN (the subnet routes 203.0.113.0/24 to a virtual private gateway),
// and where the way back to such a source ends undecided, the request
// most likely came in by that way: to an address of the destination's
// own (a private IPv4 address, never a certain [NoPublicIP]; an IPv6
// one, never a certain [PrivateAddressOnInternet] for a private block,
// [NoInternetGateway], nor a walk in through the internet gateway) it
// ends at once at the same undecided hop, then the destination's groups
// (as above: closed for certain where they drop it), its reason saying the source
// is a public address whose way back does not lead to the internet; and
// a query naming the destination by ID addresses it at its private
// address, not its public one (the way back asked of a TCP request: it
// is routing only). Where that route leads to the internet gateway (the
// usual 0.0.0.0/0), the question is answered as from the internet, and
// a query to the public address itself always is (the request comes in
// through the internet gateway; the reply follows the route). The set
// questions agree address by address (see below). The set questions
// leave the private addresses out of the internet, as below; over IPv6 a
// unique local address
// (fc00::/7), one of the blocks IANA's IPv6 special-purpose registry
// marks not globally reachable (::/96, 64:ff9b:1::/48, 100::/64,
// 100:0:0:1::/64, 2001::/23 but for its globally reachable entries,
// 5f00::/16) or one of a VPC's private IPv6 blocks ([VPC.PrivateIPv6])
// is not on the internet either way, at the internet gateway and at an
// egress-only one: nothing from it is sent to the internet, nothing from
// the internet is delivered to it. The internet gateway drops what the
// internet opens to an interface with DenyAllIgwTraffic
// ([Interface.DenyAllIGWTraffic], [DenyAllIGWTraffic]; its replies are
// undecided), and maps each private IPv4 address to its own
// public or Elastic IP ([Interface.PublicIP] for the first,
// [Interface.PublicIPs], where an entry for the first is taken as its
// PublicIP), and applies VPC Block
// Public Access ([BlockPublicAccess], [VPCBlockPublicAccess]), as an
// egress-only internet gateway does (block-bidirectional stops both;
// block-ingress lets the egress-only one pass); a reply routed to a NAT
// gateway fails ([ReplyViaNAT]).
//
// Build a [Model] with a [Builder], or load one from the JSON the AWS CLI
// prints with package aws (aws.Load); it is immutable and safe for
// concurrent queries. [Builder.Build] copies what it was given;
// [Builder.BuildOnce], for a builder used once (a loader's), lets the model
// take it instead, so that a large design is not held twice. Query it
// with [Model.Check] (endpoints by ID, Name tag or address) or
// [Model.CheckFlow] (a flow by addresses); [Model.CheckInto] answers as
// Check does into a [Result] it reuses, for a loop that reads each trace
// before asking the next; [Model.Verdict] and [Model.VerdictFlow] give
// the same outcome without building the trace, for loops over many
// questions. A question
// must be whole: a [Query] without a protocol, a tcp or udp query without a
// destination port, a port on icmp, is an error wrapping [ErrQuery], never
// a question nobody meant to ask. Render a
// [Result] with [Result.Text] or [Result.JSON]. A check decides first and
// explains when asked: its walk records, at each hop, the filter or
// decision that judged the packet, and a hop's words ([Hop.Reason],
// [Hop.Details]: the groups' closest rules, the ACL entries passed over,
// the firewall's per-packet decisions) are built when read, the same
// text at every read. Package reachtest wraps it in assertions for go test.
//
// Set questions are answered exactly, without a check per value:
// [Model.Ports] (the destination ports, or ICMP types and codes, whose
// round trip works between two ends, per client-port range, and which hop
// cuts the rest), [Model.Sources] (the interfaces and the internet blocks
// that reach a destination, from one client port or, with
// [SourcesQuery].AnyClientPort, from every one, each source's client
// ports cut into atoms at the filters' bounds), [Model.Matrix] (every ordered pair of
// interface classes and the internet, with the traffic each carries) and
// [Model.Audit] (risky services open to the internet, through every layer
// or closed by one, at every address the internet meets an interface
// at: its first address, by its public IP when it has one, and the
// Elastic IPs of its other private addresses, [Interface.PublicIPs]; for
// IPv6, each of its IPv6 addresses; a finding each; from every client
// port, or from one with [AuditOptions].SrcPort, the client ports cut into atoms at the filters' bounds as the
// addresses are). Each filter reports its bounds ([flow.Bounds]): cut
// at them, the varied field falls into atoms that one walk each decides.
// Ports walks once to find the path (no hop on it rewrites a port the
// walk could know: a NAT gateway's pick is judged as its whole range), then
// asks each filter on it for its decision on every port at once (runs of
// ports: a network ACL's entries, a security group's rules, a firewall's
// verdicts per atom of its rules, kept per pair of address atoms, beyond
// a NAT gateway one per destination atom for every port it picks) and
// combines them in one sweep; the walk per atom stays as its reference.
// Matrix factors pairs through their placements: the middle of a path
// (routes, gateways, ACLs, firewalls) is walked once per pair of
// placements with the ends' security groups deferred, and each pair of
// classes is judged by its own groups on what the middle lets through;
// a class's cells with the internet are the union over the addresses the
// internet meets its member at, the Elastic IPs of secondary private
// addresses and every IPv6 address included.
// NAT64 in them is exact: where a route may send 64:ff9b::/96 to a NAT
// gateway or an appliance, the IPv6 internet as a destination is cut
// within the prefix at the images (64:ff9b::a.b.c.d) of every IPv4 cut
// of the design (routes, VPC and special blocks, its IPv4 addresses),
// and a walk past a translation records the IPv4 bounds of the filters
// beyond it (network ACL entries, security group and firewall rules) as
// their images ([flow.Bounds.EmbedIPv4]), on the request's destination
// and the reply's source until it is translated back; so each piece of
// the prefix is addresses the translated walk treats alike, and
// [Model.Matrix]'s and [Diff]'s internet cells agree address by address
// with [Model.Check] inside the prefix, through an appliance that may be
// a NAT64 instance whose subnet's routes doom the unchanged packet too
// (its answer indeterminate). Only TCP and UDP go on past a translation:
// the hops beyond it judge no ICMPv6 nor other protocol. Where a route
// may send some of the prefix to an appliance that may instead forward
// it unchanged somewhere it may get through (the walk forks, below),
// they leave the prefix out, with a note.
// The answers carry the indeterminate outcome like single checks.
// The internet, in them, is every global unicast address the design does
// not hold and no VPC block contains, none of those the internet does
// not route (private, shared, the non-global special-purpose blocks
// above); the documentation blocks (2001:db8::/32, 192.0.2.0/24…) are
// left in, as examples use them for internet hosts, and so is
// 240.0.0.0/4, whose addresses stand for public ones known only later;
// no address is taken to be the
// internet's because it is a documentation one (a public IP or a VPC
// block may be 198.51.100.0/24): where a question needs one internet
// address to stand for the rest (the source of Sources' question, of a
// closed audit finding's blocking session, of a fix's), it is one of
// those: the first of the documentation addresses 198.51.100.1,
// 203.0.113.1 and 192.0.2.1 (2001:db8:ffff::1) that is one and that the
// question allows, else the first internet address it allows. A closed
// audit finding's takes first, among those documentation addresses, one
// that no block of the design tells apart from the rest of the internet
// (no route, security group rule, ACL entry or firewall rule names its
// documentation block, 2001:db8:ffff::/48 for IPv6, or anything inside
// it), so that its blocking session is every internet address's, not
// one a rule of the design refuses on its own.
// An internet address whose way back from an interface's subnet ends
// undecided (a public block routed to a virtual private gateway, above)
// is answered as [Model.Check] answers it: at the interface's own
// addresses (no public IPv4 address, IPv6) the walk ends undecided at
// that hop, then meets the interface's groups; toward an interface named
// by ID (Sources' To, a Matrix or Diff cell's class, whose first end is
// its public IPv4 address) the address sends to the private address,
// undecided for every session the class's groups let in from it and
// closed for the rest, the rest of the internet to the public one; at
// the public address itself (Audit's finding, Sources' To given as that
// address) it is the internet's as before. So a public block a subnet
// routes to a VPN reaches the subnet's interfaces never for certain, by
// ID or at their own addresses, and not at all where their groups shut
// it out: Sources lists it undecided where the groups admit it, an
// internet cell holds undecided every session the groups admit from it
// that the rest of the internet does not open, and an Audit finding at
// an interface without a public address whose groups open the service
// to that block is Undecided, not Closed. The pieces the internet is cut into before any filter
// (addressCuts: every route's destination among them) share their way
// back, which each piece's first internet address decides.
// Addresses of prefixes delegated to interfaces: Sources lists exactly
// those that get through, per interface and outcome, apart from the
// interface's own address ([SourceInterface.Prefixes]); Audit gives each
// IPv6 prefix findings of its own ([Finding.Prefix]), an interface with
// no IPv6 address of its own included; Ports takes them as
// ends; a Matrix cell, and Diff, answer for the interfaces' own
// addresses only, not for their delegated prefixes'. Prefixes AWS
// delegates at launch ([Interface.IPv4PrefixesUnknown]) may hold any free
// address of the subnet: Sources lists the free addresses that would get
// through were they the interface's as one Indeterminate entry
// ([SourceInterface.PrefixesUnknown]), and Audit gives IPv6 ones findings
// that are never Exposed ([Finding.PrefixesUnknown]).
//
// [Model.QuotaWarnings] lists, as lint, where the
// design is above an AWS quota, or for Alibaba Cloud groups and their
// interfaces above Alibaba Cloud's limits ([Quotas]); nothing relies on
// the quotas.
//
// Reviewing a change:
//
//   - [Diff] compares two models: every pair of interfaces (by ID, grouped
//     by class in both) and the internet whose round-trip traffic
//     differs, what it gains and loses, and the changed resources whose
//     decision on the pair's path differs (its causes, traced at every
//     address the internet meets an interface at). The internet is
//     compared address by address, not as the union a [Matrix] cell
//     holds: widening or narrowing the internet addresses that get
//     through is a change, listed with exactly the addresses that gained
//     or lost what ([AddressChange]). Only the pairs a change can touch
//     are answered again; a change it cannot place answers every pair.
//     An address one model counts as the internet's and the other holds
//     in an unmodelled block ([Builder.AddUnmodelledBlock]) is compared
//     as undecided in the second: what its design without the block
//     carries there, up to the internet's edge, is indeterminate (and so
//     lost as certain), with the block as the change's cause. For IPv6,
//     the NAT64 prefix 64:ff9b::/96 is compared address by address too:
//     an address a route sends to a NAT gateway or an appliance goes on
//     as the IPv4 address it holds, and the prefix is cut where those
//     differ (see the set questions above), so an IPv4 ACL entry or route
//     beyond the translation is a change of exactly the NAT64 addresses
//     it concerns (but for the forking appliance above: the prefix is
//     then left out, with a note).
//   - [Model.Lint] reports, with stable IDs ([LintChecks]), where the
//     input holds each resource ([Model.Origin], set by loaders with
//     [Builder.SetOrigin]) and a fix: shadowed and redundant ACL entries,
//     implied security group rules (a group reference stands for every
//     address it matches, the prefixes delegated to its members among
//     them; one whose members are known only later is never implied nor
//     implies; the findings may be followed together: of rules that imply
//     one another, rules are weighed from the last to the first, by group
//     ID then position, each reported only when the rules still kept
//     imply it, so a rule goes in favour of earlier ones and removing
//     every rule reported changes no verdict; a group something the
//     design does not model uses, [Builder.AddUnmodelledGroupUse], is
//     never unused, its rules are never reported implied, since the
//     rules of that thing's other groups are not weighed, and a
//     reference to it is neither implied nor a cover; Skipped says which
//     groups are not weighed and why),
//     unused groups and ACLs, references to
//     what the input lacks, ACLs that cut replies to common client ports,
//     risky services open to the internet, quotas, hidden firewall rules
//     and one-way stateless passes; Skipped also says when the exposure
//     checks could not run (a design with values known only later, or
//     one [Model.Audit] refuses).
//   - [Model.Fix] returns the smallest structured changes ([Change]) that
//     give a query the wanted answer, never wider than the query (but
//     for a peer whose private address is known only later, whose whole
//     subnet block it names; a peer whose public address is known only
//     later gets no fix, [ErrNoFix]: any public address could be it; a
//     NAT gateway with secondary addresses is every address it may send
//     from; a change above a quota's default, where no existing entry or
//     rule can be widened instead, comes with [FixResult.QuotaWarnings]),
//     verified on a copy ([Model.Apply] makes them): the model keeps the
//     design it was built from, and a patched copy reuses its compiled
//     firewalls, ACLs and groups where the changes leave them. Every other
//     session the changes alter is listed ([FixResult.AlsoChanged]; the
//     NAT64 sessions a change judges once a NAT gateway or an appliance
//     translated them among them; for a rule whose peer is a group or a
//     prefix list, the sessions of every member and every block, and an
//     error wrapping [ErrNoFix] where the model cannot enumerate them). A
//     security group rule is added to, widened in or removed from a
//     group only the interface uses, outside uses counting: a group
//     something the model does not hold wears too
//     ([Builder.AddUnmodelledGroupUse]: an RDS instance, a load balancer,
//     a Lambda function) is shared, since AWS applies its rules to that
//     thing's interfaces as well; an opening rule then goes into a new
//     group made for the interface (its text names the outside user),
//     and a closing change is a deny entry in a network ACL on the path
//     (none on it: [ErrNoFix], naming the outside user). A
//     missing route becomes one to the internet gateway for an internet
//     address or a public IPv4 address of the design (reached over the
//     internet), never for an address of a VPC.
//
// Documented assumptions: a security group reference matches the members'
// private IPv4 and IPv6 addresses and the addresses of the prefixes
// delegated to them (as Amazon EKS documents for pods sharing their
// node's groups), among them any free address of a member's subnet that
// a prefix AWS delegates to it at launch may hold (a "maybe" member,
// [Interface.IPv4PrefixesUnknown]: the hop is undecided where only such
// a rule could allow the packet), and matches nothing once a NAT
// gateway, a firewall endpoint or an appliance has forwarded the packet
// (AWS's middlebox limitation; for Alibaba Cloud groups, which Alibaba
// documents nothing of the kind about, either way, undecided where the
// two differ); a query without a source port uses
// [DefaultSourcePort]; a packet from outside its VPC is addressed to an
// interface's public IPv4 address when it has one (unless a peering joins
// the two VPCs: one active, or of a status reachsim does not know; or it
// comes from a private host outside the design, which the internet does
// not carry, or from a public one whose way back ends undecided, at a
// virtual private gateway say, which most likely sends by that way); a
// host at a public address whose way back ends undecided most likely
// sends privately by it, not through the internet gateway (what it
// passes on the way in is not modelled: indeterminate, unless the
// destination's security groups, which judge it with its source kept,
// drop it); a packet keeps its source address across a transit gateway
// and through what a route leads to that reachsim does not model (a
// transit gateway's 1:1 NAT on attachments is not modelled); a security
// group the input does not hold has no member
// among the design's addresses; a VPC's enableDnsSupport is on unless
// [VPC.DNSSupportDisabled] says otherwise (describe-vpcs does not print
// it); a group reference in an inbound rule matches across a transit
// gateway only when the gateway ([TransitGateway.SecurityGroupReferencing],
// off by default) and both VPC attachments crossed
// ([TGWAttachment.SecurityGroupReferencingDisabled], on by default) have
// AWS's security group referencing support, undecided where the input
// lacks one of these options and the reference would decide, and a group
// reference in an outbound rule matches no address beyond a transit
// gateway the packet then crosses (AWS supports none; tgw_sgref.go
// says what AWS documents and which of its limits reachsim does not
// model: the zone use1-az3, PrivateLink, some Local Zones); VPN and load balancers are not modelled yet (a route to
// them is an unmodelled target).
//
// Transit gateways ([TransitGateway], [TGWRouteTable], [TGWAttachment]) are
// modelled for VPC attachments: the route table associated with the
// attachment a packet enters through decides (longest prefix, then at the
// same prefix static, a prefix list reference's ([TGWRoute.PrefixList]),
// then VPC-, Direct Connect gateway-, Connect-, VPN-, peering-propagated, as
// AWS's Route evaluation order says; blackholes drop; propagated routes as
// [TGWAttachment.Propagations] says: none added to a table listed whole, and
// a VPC's block that overlaps another VPC's propagated to the same table not
// added when the table lists the other's, undecided
// ([TGWPropagationUnknown]) when it lists neither, as AWS propagates only
// the block of the VPC attached first, while a VPN's propagated routes
// withhold nothing; a VPN, Direct Connect gateway or Connect attachment
// propagating to a table not listed whole adds routes the input does not
// hold, so a lookup one could decide, none found or one a longer or
// earlier-ranked route would beat, is undecided ([TGWRoutesUnknown])), the
// attachment subnets' network ACLs apply on the way in and out, and the
// destination VPC must route the reply back; tgw.go says exactly how. A
// packet the gateway sends to an attachment with no subnet in the zone it
// entered by (or of unknown zone; zones match by AZ ID, by name within one
// owner, else are undecided: [Subnet.AvailabilityZoneID]) leaves through one
// AWS does not name: where its subnets differ for the packet (route table,
// network ACL, one holding the destination, a route back to a gateway, a BPA
// exclusion where BPA judges), the check walks each, the reply's choice apart,
// undecided ([TGWExitZoneUnknown]) where their answers differ, and the set
// questions answer by zone worlds (tgw_exit_fork.go). A packet enters through the
// attachment's subnet in its zone (matched as the exit is); where the input
// lacks a zone that decides which that is, the hop is undecided
// ([TGWEntryZoneUnknown]): from a subnet of unknown zone, which may lie in a
// zone the attachment has no subnet in (AWS then sends nothing to the
// gateway), unless it is itself one of the attachment's subnets (the exit
// takes the zone as unknown when the attachment has several), and into an
// attachment with no subnet known to be in the packet's zone but some of
// unknown zone (one may be there); in both, where the candidate subnets
// share a network ACL, the walk goes on through the first, so that a certain
// block beyond it, the same either way, decides. An attachment with
// appliance mode ([TGWAttachment.ApplianceMode]) carries both directions of
// a flow through the one subnet the gateway's flow hash picks: the check
// walks every subnet the hash can pick and answers what they all answer,
// undecided ([TGWApplianceZoneUnknown]) when they differ (tgw_appliance.go);
// Ports then walks each atom (port, ICMP type and code) and answers it as
// Verdict does, whichever zone its trace shows (a cut on another zone's path
// names its own hop); Matrix, Sources, Audit and Diff, which read one path
// per session, answer once per zone world (each combination of the subnets
// the hash can pick, one per such attachment) and merge session by session,
// per port and per internet address: open where every world opens it, closed
// where every world closes it, undecided otherwise (tgw_worlds.go). A
// session that meets such an attachment twice as two flows is left undecided
// there. Above 64 worlds they refuse the design (an error wrapping
// [ErrQuery]). An attachment propagates its VPC's IPv6 blocks only with IPv6
// support ([TGWAttachment.IPv6Support]; AWS's default is without), and an
// IPv6 packet routed through an attachment without it is undecided
// ([TGWIPv6Unsupported]): AWS's documents differ on whether it passes. An
// attachment whose state the input does not decide
// ([TGWAttachment.StateUnknown]: another account's attachment that may stay
// pending acceptance, as a Terraform plan may hold) makes a packet that
// would cross the gateway through it undecided
// ([TGWAttachmentStateUnknown]); the walk goes on. An attachment to anything
// else (VPN, Direct Connect, Connect, peering) is undecided.
package reach
