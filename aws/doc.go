// Package aws reads the JSON that the AWS CLI prints (describe-vpcs,
// describe-subnets, describe-instances, describe-network-interfaces,
// describe-security-groups, describe-security-group-rules,
// describe-network-acls, describe-route-tables, describe-internet-gateways,
// describe-nat-gateways, describe-egress-only-internet-gateways,
// describe-vpc-endpoints, describe-prefix-lists,
// describe-vpc-peering-connections, describe-managed-prefix-lists,
// get-managed-prefix-list-entries, the transit gateway commands, and
// network-firewall describe-firewall,
// describe-firewall-policy and describe-rule-group) into a [reach.Model]:
//
//	m, report, err := aws.Load("dump/")
//
// [Load] reads files and directories of the OS file system, [LoadFS] an
// [fs.FS]; both return a [Report] of what was read and left out. The
// per-kind parsers ([ParseSecurityGroups], [ParseSecurityGroupRules],
// [ParseNetworkACLs], [ParseRuleGroup], [ParseStatelessRuleGroup],
// [ParseFirewallPolicy], [ParseFirewall]) read one command's output into
// the filter packages' plain data; [LoadWith] and [LoadFSWith] take
// [Options]: a limit on the size of a file, a callback told of each
// file read (Options.Progress), for a progress display, and the VPCs to
// model (Options.VPCs).
//
// # Choosing VPCs
//
// A design is one address space, and many accounts hold VPCs on the same
// block whose resources hold the same private addresses: [reach.Builder]
// refuses such a design, naming both VPCs. Options.VPCs (reachsim --vpc)
// models the VPCs it names and leaves every other out, as if the input
// did not hold it: its subnets, interfaces (with their instances and
// Elastic IPs), security groups and their rules, network ACLs, route
// tables, internet, egress-only and NAT gateways, gateway endpoints and
// firewalls. What leads to a VPC left out stays and says so: a route to a
// peering connection or transit gateway whose other side is left out is
// unmodelled (the queries it routes are indeterminate, naming the VPC
// "not among the VPCs chosen"), and a rule referencing a group of a VPC
// left out is an unresolved reference (only the queries it could decide
// are indeterminate), declared a [reach.LeftOutGroup] so that lint does
// not call it missing. The addresses of what is left out stay known: each
// public IPv4 address of its interfaces, Elastic IPs and NAT gateways is
// declared a [reach.UnmodelledAddress], and each of its CIDR blocks, IPv4
// (private or not) and IPv6, a [reach.UnmodelledBlock] (but for what a VPC
// chosen holds too; a part several VPCs left out share is declared for
// each, and named by all: "vpc-a or vpc-e"), so a packet the internet
// carries there is undecided (naming what holds it), never a delivery to
// an internet host, and no
// query starts there: what a VPC left out sends, and by which way, is not
// modelled (a private address of a peered VPC left out is not taken for
// an internet host). A record is
// left out by its VpcId where it prints one, or else by its subnet, so
// describe-subnets may list the chosen VPCs only. Prefix lists, firewall policies and rule groups are
// the Region's and stay; the Region's Block Public Access mode is read from
// every VPC's record, chosen or not. A VPC the input does not hold is an
// error, unless Options.VPCsMayBeAbsent lets it pass (reachsim diff, whose
// one list names the VPCs of two inputs). Check VPCs that hold the same addresses one at a time, each with
// the VPCs it reaches that do not collide with it.
//
// # What to run
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
//	aws ec2 describe-vpc-peering-connections --output json > vpc-peering-connections.json
//	aws ec2 describe-egress-only-internet-gateways --output json > egress-only-internet-gateways.json
//	# gateway endpoints for S3 and DynamoDB, and the services' prefix lists with their CIDRs
//	aws ec2 describe-vpc-endpoints        --output json > vpc-endpoints.json
//	aws ec2 describe-prefix-lists         --output json > prefix-lists-aws.json
//	# prefix lists that rules or routes use: the lists, then each list's entries
//	aws ec2 describe-managed-prefix-lists --output json > prefix-lists.json
//	aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0123456789abcdef0 --output json > pl-0123456789abcdef0.json
//	# AWS Network Firewall: the firewall, its policy, each rule group the policy names
//	aws network-firewall describe-firewall        --firewall-name NAME --output json > firewall.json
//	aws network-firewall describe-firewall-policy --firewall-policy-arn ARN --output json > firewall-policy.json
//	aws network-firewall describe-rule-group      --rule-group-arn ARN --output json > rule-group-NAME.json
//	# transit gateways; then, per route table, its routes, associations and propagations with
//	# the table's ID added (the CLI prints none there), in one file or several
//	aws ec2 describe-transit-gateways                 --output json > transit-gateways.json
//	aws ec2 describe-transit-gateway-attachments      --output json > transit-gateway-attachments.json
//	aws ec2 describe-transit-gateway-vpc-attachments  --output json > transit-gateway-vpc-attachments.json
//	aws ec2 describe-transit-gateway-route-tables     --output json > transit-gateway-route-tables.json
//	aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id tgw-rtb-… --filters Name=state,Values=active,blackhole --output json |
//	  jq '. + {TransitGatewayRouteTableId: "tgw-rtb-…"}' > tgw-rtb-…-routes.json
//	# likewise get-transit-gateway-route-table-associations and -propagations
//
// and run [Load] on the directory. Skip the commands for what the account
// does not use; describe-instances and describe-network-interfaces each
// suffice for the interfaces, describe-security-groups and
// describe-security-group-rules each for the groups (both are best: the
// first has the groups' names and VPCs, the second the rules' sgr- IDs,
// which traces show).
//
// # How the input is read
//
//   - Only regular files are read (a symbolic link is followed to one). A
//     path that names something else, or a *.json entry of a named
//     directory that is something else (a directory, a named pipe, a
//     device such as /dev/zero, a socket), is an error naming the path and
//     what it is, never a read that waits or never ends: an entry named
//     *.json is meant as input, and leaving it out would model part of the
//     network. Other entries of a directory, and its subdirectories, are
//     not input and are passed over, named in a warning. A path is opened without waiting
//     (O_NONBLOCK on unix) and the open file checked again, so one swapped
//     for a named pipe after its stat is refused too. Some files are
//     regular by stat and still wait in a read or never end: the kernel's
//     (/proc/kmsg, tracefs's trace_pipe). On linux a file of the kernel's
//     pseudo file systems (procfs, sysfs, tracefs, debugfs, cgroupfs and
//     the like, told by fstatfs) is an error before any read; and where
//     the system can poll a file (never one on a disk), a read that waits
//     more than 10 s, or that would wait on the file opened non-blocking,
//     is an error naming it. Each file is read up to
//     [Options.MaxFileSize] bytes (1 GiB unless set; reachsim check
//     --max-file-size), through a reader that stops one byte past it, so a
//     file larger than the limit, or one that grows as it is read, is an
//     error wrapping [ErrFileTooLarge] and memory stays bounded.
//   - Each file is decoded in one streaming pass over its bytes
//     (internal/jsonloc.Top): the big lists (SecurityGroups,
//     SecurityGroupRules, NetworkAcls, NetworkInterfaces, Reservations)
//     straight into their typed elements, the other keys kept as slices of
//     the file. A file that pass refuses (any fault of its JSON) is
//     decoded again key by key and element by element, which names the
//     exact file, path and text at fault (for a syntax error, the path of
//     the value at fault and the line and column of the offending byte):
//     errors are the same either way.
//     The next file is decoded on another goroutine while the current one
//     is taken in, so at most two files are in memory at once; files are
//     read, and Options.Progress called, in order on the calling goroutine.
//   - A file starts with a UTF-8 byte order mark or not. A key that appears
//     twice in one JSON object is an error naming the key and its path,
//     not "the last one wins". A document that is null is an error; one
//     that is an object with no key reachsim reads, and a resource list
//     that is null, are warnings. Alibaba Cloud JSON, which package
//     alibaba reads, is named for what it is: a security group
//     (DescribeSecurityGroupAttribute: SecurityGroupId with
//     Permissions.Permission) is ignored with a warning naming
//     alibaba.ParseSecurityGroup, a prefix list
//     (DescribePrefixListAttributes: PrefixListId with Entries.Entry) is
//     an error naming alibaba.ParsePrefixList.
//   - A key inside an element of Vpcs, Subnets, NetworkInterfaces,
//     Reservations, SecurityGroups, SecurityGroupRules, NetworkAcls,
//     RouteTables, InternetGateways, NatGateways,
//     EgressOnlyInternetGateways, VpcEndpoints, VpcPeeringConnections,
//     Addresses, PrefixLists, Entries, VpcBlockPublicAccessOptions,
//     VpcBlockPublicAccessExclusions, TransitGateways,
//     TransitGatewayAttachments, TransitGatewayVpcAttachments,
//     TransitGatewayRouteTables, a route table's Routes, Associations and
//     TransitGatewayRouteTablePropagations, or of the Network Firewall
//     documents (Firewall, FirewallStatus, FirewallPolicy,
//     FirewallPolicyResponse, RuleGroup, RuleGroupResponse), at any depth
//     the loader decodes, that the API shape (EC2, Network Firewall) does
//     not have (a misspelled "Ip_Ranges", an edited dump) is a warning
//     naming the file, the object's JSON path and the key, once per key
//     and kind of element; the members the loader does not read are
//     declared, and silent. A rule group's content (its RulesString, the
//     names of its IP sets and port sets) is a value or a map key, never
//     checked as a member.
//   - Each file is recognised by its top-level keys, not its name; one file
//     may merge the keys of several commands (jq -s add). The keys read are
//     Vpcs, Subnets, NetworkInterfaces, Reservations, SecurityGroups,
//     SecurityGroupRules, NetworkAcls, RouteTables, InternetGateways,
//     NatGateways, EgressOnlyInternetGateways, VpcEndpoints, PrefixLists,
//     Entries, RuleGroup with RuleGroupResponse,
//     FirewallPolicy with FirewallPolicyResponse, Firewall with
//     FirewallStatus, VpcPeeringConnections, Addresses (describe-addresses: Elastic IPs, also on
//     secondary private addresses, as PrivateIpAddresses[].Association
//     gives them too; one on an interface the model does not hold is its
//     holder's: a NAT gateway's, an interface's left out whose addresses
//     are declared unmodelled, else declared a [reach.UnmodelledAddress] of
//     that interface, with a warning, never an internet host; one
//     associated with nothing, which nothing modelled holds either, is
//     declared a [reach.UnmodelledAddress] of its allocation: the account
//     holds it, so a query to it is undecided, never one to an internet
//     host),
//     VpcBlockPublicAccessOptions and
//     VpcBlockPublicAccessExclusions (VPC Block Public Access; without the
//     options, the VPCs' BlockPublicAccessStates give the mode; exclusions
//     being deleted, or of VPCs and subnets not in the input, are left out
//     with a warning), TransitGateways, TransitGatewayAttachments,
//     TransitGatewayVpcAttachments (with Options.ApplianceModeSupport,
//     Ipv6Support and SecurityGroupReferencingSupport; the latter, also
//     read on TransitGateways, is unknown when absent, as in a dump from
//     before September 2024, with a warning, and a security group
//     reference it would decide is then indeterminate; a gateway or an
//     attachment carries traffic when available or modifying: in another
//     State in either attachment listing it is left out, with a warning,
//     and what goes to it is indeterminate; the warnings and answers about
//     what names it give its state, or the gateway it was left out with,
//     never that the input lacks it), TransitGatewayRouteTables, and
//     TransitGatewayRouteTableId with Routes (and AdditionalRoutesAvailable),
//     Associations or TransitGatewayRouteTablePropagations (Routes and the
//     others without TransitGatewayRouteTableId are an error). NextToken and UpdateToken are ignored (a NextToken
//     that is set is a warning: a page of the listing is missing). Any other
//     key is a warning, not a failure. Files may come in any order.
//   - A VPC's blocks are CidrBlock (its primary block, first: its base
//     plus two is the VPC's Amazon DNS server) then the associated
//     CidrBlockAssociationSet and Ipv6CidrBlockAssociationSet entries.
//     An IPv6 block (the VPC's or a subnet's) whose Ipv6AddressAttribute
//     is "private" or whose IpSource is "none" is private IPv6 space
//     (reach.VPC.PrivateIPv6; a subnet's joins its VPC's): AWS does not
//     advertise it on the internet, so nothing from the internet reaches
//     its addresses and nothing they send reaches the internet.
//     enableDnsSupport is not in describe-vpcs: DNS support is taken to
//     be on, AWS's default (reach.VPC.DNSSupportDisabled stays false).
//     An instance's MetadataOptions.HttpEndpoint and HttpProtocolIpv6
//     ("enabled" or "disabled": whether its metadata service, and that
//     service's IPv6 endpoint, answer) are reach.Interface.MetadataEndpoint
//     and MetadataIPv6 of each of its interfaces; another value is left
//     unset with a warning, and options AWS is still applying (State
//     pending) are left unset, naming it (reach.Interface.MetadataUnknown).
//     An instance that prints no MetadataOptions (a trimmed input) leaves
//     a request to the metadata service undecided
//     (reach.InstanceServiceIndeterminate). An instance's Platform
//     ("windows"), else its PlatformDetails ("Linux/UNIX", "Windows with
//     SQL Server Standard"), is reach.Interface.Platform of each of its
//     interfaces: Windows activation (169.254.169.250, tcp port 1688)
//     answers a Windows instance; any other, and an instance that prints
//     neither field (a trimmed input, never taken for Linux), is
//     undecided.
//   - Only running instances are modelled: the interfaces of any other
//     instance are left out, with a warning. Those of a stopped or
//     terminated one answer nothing: a packet for their addresses is a
//     certain drop (reach.UnknownDestination), whose hop names the
//     interface (reach.HostlessAddress). Those of a pending, stopping or
//     shutting-down one (a transition), or of one whose State the input
//     does not print (the CLI always prints it: a trimmed input, and the
//     instance may be running), may answer or not: their addresses are
//     declared reach.UnmodelledAddress (Owner the interface, What the
//     instance and its state), so a packet for one is undecided. An
//     interface attached (Attachment.InstanceId) to an instance that
//     describe-instances, when the input holds it, does not list (a
//     listing filtered to running instances leaves out the stopped ones,
//     whose interfaces stay in-use) is left out likewise, undecided, with
//     a warning naming the instance and saying describe-instances lacks it.
//     An interface attaching or detaching (its Status, or its
//     Attachment's) holds its addresses for certain, but whether a host
//     answers on it is undecided: it is left out, its addresses declared
//     unmodelled, with a warning naming the state. An interface's
//     addresses and groups come from
//     describe-network-interfaces and from the NetworkInterfaces of
//     describe-instances, merged by interface ID (when both list an
//     interface and disagree, describe-network-interfaces wins, with a
//     warning). Without describe-instances every in-use interface is
//     modelled (describe-instances given but lacking an interface's
//     instance: see above). Private addresses are PrivateIpAddresses (primary first)
//     then Ipv6Addresses; the public IPv4 address is Association.PublicIp,
//     else, for an instance's primary interface whose element does not
//     print it (a trimmed input), the instance's PublicIpAddress (the two
//     differing is an error naming both).
//     DenyAllIgwTraffic is reach.Interface.DenyAllIGWTraffic (the
//     internet gateway drops what the internet opens to the interface).
//     SourceDestCheck false is reach.Interface.SourceDestCheckDisabled:
//     an appliance a route targets forwards only with the check off, and
//     drops with it on (reach.SourceDestCheck). It is read from
//     describe-network-interfaces, else from the interface's element of
//     describe-instances' NetworkInterfaces, else from the instance's own
//     SourceDestCheck (for its primary interface); the files disagreeing
//     is warned of. The CLI always prints it, so an interface a route
//     targets without it anywhere comes from a trimmed input: its check
//     is unknown (reach.Interface.SourceDestCheckUnknown, naming where it
//     is missing; traffic through it is undecided), with a warning; other
//     interfaces keep AWS's default, the check on.
//     Ipv4Prefixes[].Ipv4Prefix and Ipv6Prefixes[].Ipv6Prefix, the
//     prefixes delegated to the interface, are
//     reach.Interface.DelegatedPrefixes: their addresses are the
//     interface's (EKS pods in prefix mode), judged by its groups and its
//     subnet's network ACL.
//     An interface's Name tag names it; an instance's Name tag names its
//     primary interface (device index 0) when that has none. Interfaces of
//     NAT gateways and Gateway Load Balancer (firewall) endpoints are left
//     out silently, being modelled as what they serve (a NAT gateway's
//     interface is told by NatGatewayAddresses[].NetworkInterfaceId, else
//     by a private address of the gateway in the interface's subnet).
//     The interface of an interface VPC endpoint (InterfaceType
//     vpc_endpoint) is modelled as a destination only
//     (reach.Interface.InterfaceEndpoint, naming the endpoint whose
//     NetworkInterfaceIds in describe-vpc-endpoints list it, else the one
//     its Description names): TCP to it as its groups and network ACL say,
//     another protocol undecided, and no query or set question starts from
//     it (AWS PrivateLink carries only the sessions resources open towards
//     the service). Interfaces of load
//     balancers, transit gateways and other managed services, of Lambda
//     functions (InterfaceType lambda, or an older one's Description
//     "AWS Lambda VPC ENI…": Lambda reaches the VPC through it, and
//     nothing listens there for connections the VPC opens), of an
//     InterfaceType the reader does not know (one AWS added after it;
//     it knows interface, efa, trunk and branch as hosts' types, and a
//     requester-managed interface of type interface, an RDS instance's
//     say, is a host), interfaces that are not attached and interfaces
//     without security groups are left out with a warning. The addresses
//     of one not attached (Status available) answer nothing: a packet for
//     them is a certain drop whose hop names the interface
//     (reach.HostlessAddress). An EFA-only interface (InterfaceType
//     efa-only), which has no IP address, is left out with a warning.
//     The private and IPv6 addresses of an in-use interface left out
//     (those of a NAT gateway the loader models excepted, which its
//     gateway holds) are still its: AWS delivers a packet for one to the
//     load balancer, endpoint, NAT gateway or service behind it, so they
//     are declared reach.UnmodelledAddress (Owner the interface, What its
//     kind and InterfaceType; for the interface of a NAT gateway the
//     loader leaves out, regional or not available, Owner the gateway and
//     What its kind and the interface; for one whose gateway the input
//     does not list, Owner the interface), and a packet to one is
//     undecided (reach.UnmodelledDestination), not an unknown destination.
//     The security groups of every interface left out (a load balancer's,
//     a managed service's, an EFA-only one, one attached to nothing, one
//     of an instance that is not running) are declared
//     reach.UnmodelledGroupUse (Owner the interface, What its kind and
//     InterfaceType): AWS applies them there, so lint calls none of
//     them unused and none of their rules implied.
//   - Security groups from both describe-security-groups and
//     describe-security-group-rules take their rules from the second and
//     their names and VPC from the first. The two must list the same
//     rules (compared as sets, without rule IDs and descriptions): when
//     they differ, the load is refused with an error naming the group,
//     both files and a rule one lists and the other does not, since which
//     dump holds is unknown (a warning says when they agree as sets but
//     not in the number of rules: a rule listed twice).
//   - A route's State is active or blackhole (absent reads as active), a
//     network interface's Status available, associated, attaching, in-use
//     or detaching, its Attachment's Status attaching, attached,
//     detaching or detached: any other value is an error naming its
//     place and text. So is a route with two targets (InstanceId beside
//     NetworkInterfaceId excepted, as the AWS CLI prints a route to an
//     instance), a subnet's or a route's block with host bits set
//     ("10.0.1.5/24"), and an interface's PrivateIpAddress that is no
//     IPv4 address or none of its PrivateIpAddresses.
//   - Route tables: an association with Main true makes the table its
//     VPC's main table, one with a SubnetId the subnet's table, one with an
//     internet gateway's GatewayId an edge association (one with none of
//     the three is an error). An association in transition
//     (AssociationState associating or disassociating) may or may not
//     apply yet: a subnet's adds its table to the subnet's
//     reach.Subnet.RouteTablesMaybe, a main one to that of each subnet of
//     the VPC without a table of its own (or, in a VPC with no other main
//     table, makes it the main table), an internet gateway's edge one to
//     the table's reach.RouteTable.GatewaysMaybe, each naming the
//     association and its state, with a warning: a packet the tables
//     concerned route differently is undecided (reach.RouteIndeterminate),
//     one they route alike certain. One disassociated or failed is left
//     out, with a warning. Routes to local,
//     igw-…, vpce-… (a Network Firewall endpoint of a firewall in the input,
//     or a gateway endpoint in describe-vpc-endpoints), eigw-… (in
//     describe-egress-only-internet-gateways), nat-… and eni-… are
//     modelled, and pcx-… and tgw-… when the peering connection or transit
//     gateway is in the input with what it joins; a route in state
//     blackhole becomes a [reach.TargetBlackhole] route, whatever target it
//     names or none (API_Route's fields are all optional, and a blackhole
//     drops what it matches whatever its target was; one without a
//     target has an empty TargetID). A route to an
//     interface endpoint (which AWS does not accept as a target) is left out
//     with a warning. A route to a gateway endpoint by a prefix list the
//     input does not hold is kept as unmodelled (add describe-prefix-lists).
//     A gateway endpoint's IpAddressType (ipv4, ipv6 or dualstack) is
//     its [reach.GatewayEndpoint.IPAddressType]: the address families it
//     carries; without it IPv6 through the endpoint is undecided
//     ([reach.GatewayEndpointIPTypeUnknown]), and any other value is an
//     error naming its place. Routes to an ipv6 or dualstack endpoint,
//     or to one whose service names several lists, may be by any prefix
//     list (the service's IPv6 list beside its IPv4 one).
//     Routes to
//     anything else (virtual private gateways, Gateway Load Balancer
//     endpoints that are not a firewall's, peering connections, transit
//     gateways, eigw-… and gateway endpoints the input does not hold,
//     gateway endpoints that are not available, NAT
//     gateways it leaves out: regional ones, ones not available; the next
//     hop of a route VPC Route Server propagated, IpAddress; a target in a
//     field the reader does not read, one AWS adds later, which holds a
//     string: a key holding false, a number, a list or an object is no
//     target ID and is passed over...)
//     are kept as
//     [reach.TargetUnmodelled] routes, with a warning: longest prefix match
//     selects them as AWS would, and a query they route is indeterminate
//     ([reach.UnmodelledTarget]), never answered by a less specific route.
//     A route that is null, or has no destination, or has no target and is
//     not a blackhole, is an error naming its place (and the keys it has
//     that hold no string): it cannot be kept (where an active route
//     without a target leads is unknown), and leaving it out could let a
//     less specific route answer what it routes.
//     Such a route by a prefix list that is not in the input is kept too
//     (the list is unresolved, below). A route's Origin says how it got there: CreateRouteTable (local) and
//     CreateRoute are static, EnableVgwRoutePropagation makes it a
//     propagated route ([reach.Route.Propagated]: among routes of the same
//     prefix a static route, then a prefix-list route, then a propagated
//     one carries the packet, as in AWS, so a table may hold a static and
//     a propagated route of one CIDR); a missing Origin reads as static,
//     any other value is an error naming the file and the JSON path.
//   - Transit gateways: a route to tgw-… is a [reach.TargetTransitGateway]
//     route when the gateway, its VPC attachment to the table's VPC (from
//     describe-transit-gateway-attachments or an Associations file, and
//     describe-transit-gateway-vpc-attachments for its subnets) are in the
//     input; otherwise it stays unmodelled (indeterminate) with a warning
//     naming the commands to run. An attachment's association is
//     TransitGatewayAttachments[].Association, or a route table's
//     Associations (which wins, with a warning, when they disagree); its
//     propagations the tables' TransitGatewayRouteTablePropagations. A
//     table's Routes are its whole list ([reach.TGWRouteTable.Listed]):
//     the propagations add no route to it (AWS does not propagate the
//     block of a VPC that overlaps one attached before it, and lists
//     every route it did propagate), except where the input shows the
//     listing is not whole (search-transit-gateway-routes requires
//     --filters, and one such as type=static leaves routes out): when it
//     lacks the block of a VPC whose attachment propagates to the table
//     (enabled) and no listed route a VPC attachment propagated overlaps
//     that block, the propagations are added as for a table not listed,
//     with a warning, or, when another attachment propagating to it has
//     a VPC the input does not hold, the table's routes are missing
//     (indeterminate). Such a partial listing leaves out the routes a
//     VPN, Direct Connect gateway or Connect attachment propagates to it
//     too (what its peer advertises, which no dump shows otherwise): a
//     lookup one of them could decide (no route listed, or one a longer
//     or earlier-ranked propagated route could beat) is then undecided
//     (TGW_ROUTES_UNKNOWN, naming the attachment), as
//     [reach.TGWAttachment.Propagations] says, and the warning says so. A VPC
//     attachment's Options.ApplianceModeSupport and Options.Ipv6Support
//     ("enable" or "disable"; absent: disable, any other value an error
//     naming the JSON path) are [reach.TGWAttachment.ApplianceMode] and
//     [reach.TGWAttachment.IPv6Support] (which propagates the VPC's IPv6
//     blocks, and without which IPv6 across the attachment is undecided);
//     its other options are not read.
//     A route with PrefixListId (an entry of a prefix list the table
//     references, which AWS lists as propagated) is
//     [reach.TGWRoute.PrefixList]: it ranks after a static route and
//     before every propagated one of its CIDR. A route table whose Routes
//     are missing, or were cut short (AdditionalRoutesAvailable), or hold
//     a route with no DestinationCidrBlock or over several VPC
//     attachments (ECMP), makes what it routes indeterminate, with a
//     warning. Route tables and attachments of a gateway the input
//     lacks are left out, and a VPC attachment whose VPC or subnets it
//     lacks (another account's) is indeterminate to reach, with a warning.
//     Only available (or modifying) gateways and attachments, available
//     tables, and active or blackhole routes are read; the others are a
//     warning.
//   - Network ACLs: IsDefault makes an ACL its VPC's default; Associations
//     give each subnet its ACL. The "*" entries (32767, 32768) are implicit.
//   - VPC peering connections (describe-vpc-peering-connections): each
//     needs VpcPeeringConnectionId, RequesterVpcInfo.VpcId,
//     AccepterVpcInfo.VpcId and Status.Code; CidrBlock, CidrBlockSet and
//     Ipv6CidrBlockSet are checked, but the VPCs' own blocks (describe-vpcs)
//     decide, with a warning where the connection lists one its VPC lacks.
//     Every status is kept ([reach.Peering]: only active carries traffic),
//     a failed connection between VPCs whose blocks overlap too (AWS
//     creates one for such a request and lists it for a while).
//     A connection one of whose VPCs is not in the input (another account's,
//     say) is a warning, and routes to it stay unmodelled. A rule's
//     UserIdGroupPairs entry that names a peered VPC (VpcId, UserId,
//     VpcPeeringConnectionId) references the group by GroupId alone: a
//     group of the peer VPC in the input matches its members' private
//     addresses, one that is not is unresolved (below).
//   - NAT gateways in state available are modelled with their primary
//     address (PrivateIp, PublicIp; the entry with IsPrimary, else the
//     first), their other addresses ([reach.NATGateway.Secondary]: the
//     gateway may send a connection from any of them, so an answer whose
//     path crosses it is indeterminate where the design tells them apart;
//     an address whose Status is failed is a warning and left out) and
//     their ConnectivityType (public, the default, or private:
//     [reach.NATGateway.Private]). Others are left out with a warning:
//     those in another state, and regional NAT gateways
//     (AvailabilityMode regional, which have no SubnetId: reachsim models
//     NAT gateways in a subnet; one without a SubnetId is taken for
//     one). A route to a NAT gateway left out so, still active, is kept as
//     a [reach.TargetUnmodelled] route naming the gateway, with a warning:
//     what it routes is indeterminate (a route to a NAT gateway the input
//     does not list at all is an error). Every address of a NAT gateway
//     left out so (NatGatewayAddresses[].PublicIp, and each PrivateIp
//     inside a block of its VPC when the model holds it) is declared a
//     [reach.UnmodelledAddress] in the gateway's name (What its kind and
//     why it is left out), whether or not describe-network-interfaces
//     lists its interface, unless something modelled holds it: AWS
//     delivers a packet for it to the gateway, so a query to it is
//     undecided, never one to an internet host. A public NAT gateway always has an Elastic IP, so one whose
//     primary address lists no PublicIp comes from a trimmed input: its
//     public address is unknown ([reach.NATGateway.PublicIPUnknown],
//     naming the missing PublicIp), with a warning, and an answer that
//     depends on it is indeterminate, never a certain NO_PUBLIC_IP.
//   - Egress-only internet gateways attached to a VPC are modelled; one
//     attached to none is a warning.
//   - VPC endpoints: those of type Gateway (S3, DynamoDB) in state
//     available are modelled ([reach.GatewayEndpoint]), with the prefix
//     list named after their ServiceName as the list their routes use. One
//     in another state (pending, deleting...) is left out with a warning,
//     and an active route to it is kept as a [reach.TargetUnmodelled]
//     route, with a warning: whether an endpoint in transition carries
//     traffic is unknown, so what the route carries is indeterminate,
//     never answered by a less specific route (a route AWS shows as
//     blackhole, its endpoint gone, is a blackhole). Their
//     PolicyDocument is not evaluated: one that is not the full-access
//     default (one statement allowing "*" to "*" on "*", no condition) is
//     a warning, and so is the result of every query whose path crosses
//     the endpoint. Other endpoints matter only where a route names them.
//   - describe-prefix-lists' Cidrs are the entries of an AWS-managed
//     service list; given with get-managed-prefix-list-entries as well,
//     both must hold the same blocks.
//   - A security group rule that references a group no file holds (a group
//     in a peered VPC or another account) is a warning, once per group, and
//     the group is declared unresolved ([reach.Builder.AddUnresolvedGroup]):
//     a query only such a rule could allow is indeterminate
//     ([reach.SGIndeterminate]); nothing else changes.
//   - Prefix lists: a file with both PrefixLists (one list) and Entries, or
//     an Entries-only file whose name holds the list's ID (pl-….json). A list
//     that security group rules, routes or firewall IP set references use
//     but whose entries are not in the input (a list another account
//     shares, or one not dumped), or that is not in the input at all, is
//     declared unresolved ([reach.Builder.AddUnresolvedPrefixList]), with a
//     warning naming the command that fetches it: it may hold any block,
//     so what only it could decide is indeterminate, never answered as if
//     the list were empty. Its routes are kept. A described list keeps its
//     MaxEntries for the quotas ([reach.PrefixList.EntriesUnknown]) and
//     its AddressFamily ([reach.PrefixList.AddressFamily]; IPv4 or IPv6,
//     anything else is an error): a list holds blocks of its family
//     only, so one without its entries leaves the other family's answers
//     certain (an IPv4 list, as the AWS-managed service lists are, decides
//     nothing IPv6). A list named but not described may hold either.
//     Entries that are one page of get-managed-prefix-list-entries (its
//     NextToken is set) are as missing: the other pages are not in the
//     input (a second file of entries for the list is an error).
//   - AWS Network Firewall: each endpoint gets the IPAddressType of its
//     subnet's mapping (Firewall.SubnetMappings[].IPAddressType: IPV4,
//     IPV6 or DUALSTACK, another value an error; absent in older output,
//     when the endpoint has its subnet's type, unknown in a dual-stack
//     subnet: IPv6 through it is then indeterminate), see
//     [reach.FirewallEndpointSpec].IPAddressType. A firewall's FirewallPolicyArn must name a
//     policy in the input, and the policy's rule group ARNs rule groups in
//     the input (an error naming the describe-rule-group command to add
//     otherwise), but for an AWS managed stateful rule group (an ARN with
//     ":aws-managed:", as the threat signature, domain-and-IP and active
//     threat defense groups): AWS does not publish the rules of its
//     managed threat signature groups, so no dump can hold them, and one
//     the input does not hold is an opaque group
//     ([stateful.RuleGroup].Opaque, [OpaqueManagedGroup]) whose rules may
//     pass, drop or alert anything. A connection it could decide is
//     Indeterminate, its hop's Missing "the rules of AWS managed rule group
//     ARN, which AWS does not publish"; under STRICT_ORDER a group of
//     higher priority that decides first keeps its answer, and a
//     DROP_TO_ALERT override and the drop defaults apply as for any group
//     (the stateful package doc, Opaque rule groups). A describe-rule-group
//     output of a managed group, where one is given, is read as usual. The
//     firewall's ID is its ARN, its name FirewallName, and its endpoints
//     those of FirewallStatus.SyncStates.
//   - AWS quotas are lint: every place the loaded design is above one (more
//     than 60 inbound IPv4 rules in a security group, more than 20 rules
//     per direction in a network ACL, a prefix list with more entries than
//     its MaxEntries, ...; the table is [reach.Quotas]) is a warning naming
//     the file, the JSON path, the number counted and the quota, as
//     [reach.Model.QuotaWarnings] finds them (a group whose rules
//     describe-security-group-rules lists is placed at its first rule
//     there, the rules counted; lint findings about one such rule name
//     its element, [reach.Builder.SetRuleOrigins]). A rule or route by a
//     prefix list counts as its MaxEntries, or, for an AWS-managed list
//     (OwnerId "AWS", named com.amazonaws.…, or from describe-prefix-lists;
//     [reach.PrefixList.AWSManaged]), its weight ([reach.AWSListWeight]);
//     where the input lacks it the warning says "at least" and what is
//     missing. The design is loaded all the same.
//
// # Errors
//
// Errors come in two rounds, each reported whole, joined with errors.Join,
// each error a *[flow.InputError] whose File is the file the faulty
// resource came from and whose Path is its JSON path there
// (SecurityGroupRules[7], NetworkInterfaces[2].Groups[0].GroupId), every
// list index and map key included (FirewallStatus.SyncStates["us-east-1a"].Attachment.Status:
// keys that are not identifiers are written in brackets). A number out of
// range says the range it wanted ("an integer from 0 to 65535"); an
// integer written with an exponent or a fraction part (1e3), which the
// AWS CLI never prints, is an error giving its plain digits. An
// address or CIDR block of the wrong family in a field the CLI prints in
// one family only (CidrBlock, PrivateIpAddress, PublicIp, PrivateIp,
// Ipv4Prefix and DestinationCidrBlock hold IPv4; Ipv6CidrBlock,
// Ipv6Address, Ipv6Prefix and DestinationIpv6CidrBlock IPv6) is an error
// quoting it ("an IPv6 block where an IPv4 block belongs"), never a guess;
// the destination of a transit gateway route and a prefix list's entries
// may be of either. First
// what the loader finds: malformed JSON, a missing required field, a
// resource listed twice, a reference the loader resolves itself that is not
// in the input (a route table or network ACL associated with an unknown
// subnet, a firewall policy or rule group ARN). When there are none, every
// fault [reach.Builder.Build] finds: a subnet whose VPC, an interface whose
// security group, a route whose NAT gateway is not in the input, and the
// rest. A fault found when a firewall's policy is compiled (two stateless
// references with one Priority, a stateful group whose
// StatefulRuleOptions.RuleOrder differs from the policy's
// StatefulEngineOptions.RuleOrder, a rule naming an unknown variable) is
// placed in the policy's file (FirewallPolicy.StatelessRuleGroupReferences[1].Priority)
// or, when the rule group is at fault, in the group's
// (RuleGroup.StatefulRuleOptions.RuleOrder, RuleGroup.RulesSource), its
// Resource the policy's ARN. Build's sentinels ([reach.ErrTopology], the
// packages' own) stay reachable with errors.Is. The report is returned even
// when the load fails.
//
// The per-kind parsers read a document the same way (a byte order mark
// accepted, a key given twice an error) and report errors the same way,
// without a File: each is
// a *[flow.InputError] naming the JSON path, the resource, the rule and the
// offending text, and wrapping [flow.ErrJSON] or a filter package's
// sentinel.
package aws
