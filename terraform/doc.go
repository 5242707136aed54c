// Package terraform reads a Terraform plan, as terraform show -json
// prints it, into a [reach.Model]: the network the plan would leave
// behind, to test before it is applied.
//
//	terraform plan -out plan.out && terraform show -json plan.out > plan.json
//	m, report, err := terraform.Load("plan.json")
//
// It reads the planned values of VPCs (aws_vpc with its
// enable_dns_support, which turns the VPC's Amazon DNS server off when
// false and leaves it on, AWS's default, when left out or known only
// after apply, with a warning; aws_vpc_ipv4_cidr_block_association;
// aws_vpc_ipv6_cidr_block_association, whose block, when Amazon or a pool
// assigns it at apply, is left out with a warning, as a VPC's own
// generated IPv6 block is), subnets (aws_subnet), internet
// gateways (aws_internet_gateway, attached by its vpc_id or an
// aws_internet_gateway_attachment) and egress-only internet gateways, NAT gateways and Elastic IPs
// (aws_nat_gateway, aws_nat_gateway_eip_association, aws_eip, aws_eip_association), route tables
// (aws_route_table with its inline routes, aws_default_route_table,
// aws_route, aws_route_table_association,
// aws_main_route_table_association; route propagation from a virtual private
// gateway, propagating_vgws and aws_vpn_gateway_route_propagation, see below;
// a route whose gateway_id is a virtual private gateway, vgw-… or an
// aws_vpn_gateway, goes to a target reachsim does not model,
// UNMODELLED_TARGET, as is one whose vpc_endpoint_id names no firewall's
// endpoint; one whose gateway_id names a NAT gateway, nat-… or an
// aws_nat_gateway, which AWS accepts, goes to that NAT gateway; a route's
// network_interface_id may name an aws_network_interface or an instance's
// primary interface, its primary_network_interface_id known or by reference,
// as may an aws_eip_association's network_interface_id and an aws_eip's
// network_interface: a reference there must read a network interface's ID,
// aws_network_interface.NAME.id or
// aws_instance.NAME.primary_network_interface_id; one that reads another
// attribute (aws_instance.NAME.id, .private_ip), or a known i-… ID of an
// instance, is an error wrapping [ErrInvalidPlan] naming the address, the
// attribute and what it reads, as AWS refuses the value, and one that reads
// none (a splat, aws_network_interface.NAME[*].id, which Terraform writes as
// the bare resource) is unresolved, an error wrapping [ErrUnknownValue], but
// beside count.index or each.key (aws_network_interface.NAME[count.index].id:
// Terraform writes no attribute after such an index) an aws_network_interface
// is paired by key (Links by reference), its id being the only attribute AWS
// takes there), gateway VPC endpoints (aws_vpc_endpoint whose
// vpc_endpoint_type is Gateway, with its ip_address_type and policy, and
// aws_vpc_endpoint_route_table_association; see endpoints.go: AWS adds to
// each of its route tables a route by the service's prefix list, whose
// entries are a data source's of the plan, else the endpoint's
// cidr_blocks, else unknown, so that a packet the list may hold is
// undecided, as an ipv6 or dualstack endpoint's IPv6 list; an
// ip_address_type the configuration sets and that is known only after
// apply is an error wrapping [ErrUnknownValue]; an interface or Gateway
// Load Balancer endpoint is not modelled, counted in [Report.Unmodelled]),
// VPC Block Public Access (aws_vpc_block_public_access_options for the
// VPCs of its Region, aws_vpc_block_public_access_exclusion by vpc_id or
// subnet_id; a mode or target known only after apply is an error wrapping
// [ErrUnknownValue]; see bpa.go), security groups (aws_security_group
// with its inline ingress and egress blocks, aws_default_security_group,
// aws_security_group_rule, aws_vpc_security_group_ingress_rule and
// _egress_rule, whose from_port and to_port, an ICMP rule's type and
// code, are Optional: an icmp or icmpv6 rule that sets one without the
// other, or an icmp rule that sets neither, is refused with an error
// wrapping [ErrInvalidPlan] naming the attribute it lacks, since AWS
// requires both, -1 meaning all types or all codes, and refuses it
// (AuthorizeSecurityGroupIngress); an icmpv6 rule that sets neither
// allows every type and code), network ACLs (aws_network_acl with its inline entries,
// aws_default_network_acl, aws_network_acl_rule, whose icmp_type and
// icmp_code left out are 0 as the provider sends them, type -1 needing -1,
// aws_network_acl_association), instances (aws_instance, as its primary
// network interface, which it makes itself: one launched with an
// aws_network_interface as its own, network_interface or
// primary_network_interface blocks in its configuration, is refused
// with an error wrapping [ErrInvalidPlan]; its public IPv4 address is public_ip when the plan
// knows it, an instance that exists keeping what it has but for the
// address of an Elastic IP the plan releases (an aws_eip_association or
// aws_eip whose public_ip it is deleted or replaced: only the
// configuration's associate_public_ip_address, not the refreshed one,
// which says the interface has an association, tells whether it was
// launched with an address of its own, which AWS then picks anew, but
// not where more than one network interface is attached (EC2 User
// Guide, public IPv4 addresses: an aws_network_interface_attachment, or
// an aws_network_interface's attachment, that the plan keeps names the
// instance; one it creates or deletes, unordered against the release, is
// an error wrapping [ErrUnknownValue]); with a warning), and otherwise
// one AWS picks at launch when associate_public_ip_address says so or,
// known only after apply, when its subnet (aws_subnet or data.aws_subnet)
// has map_public_ip_on_launch; an instance launched from an
// aws_launch_template (its launch_template block) takes from the
// template what its configuration leaves out (RunInstances: the
// request's parameters override the template's): its groups, where
// vpc_security_group_ids and security_groups are left out (the
// template's vpc_security_group_ids, or the security_groups of its
// network_interfaces block of device_index 0; where it names none, the
// VPC's default group), and whether it gets a public address, where
// associate_public_ip_address is left out (that block's
// associate_public_ip_address, else its subnet's); the template's planned
// values count where the version the instance names
// (launch_template.version, $Default when left out) is the one they show
// (any version a template the plan creates has, $Latest, $Default where
// the plan leaves the template as it is or its update sets
// update_default_version, a number equal to an unchanged template's
// latest_version); otherwise, and for a template the plan does not
// hold, its groups are known only after apply
// ([reach.Interface.GroupsUnknown]), never the VPC's default group, and
// whether it gets a public address, left to the template, is an error
// wrapping [ErrUnknownValue]; where its configuration leaves subnet_id
// out (known only after apply), its subnet is the subnet_id of the
// template's network_interfaces block of device_index 0, known or by
// reference, and, where the plan does not show it (no subnet there, so
// that AWS picks a default subnet of the default VPC; a reference the
// plan does not resolve; a template or version it does not show), an
// error wrapping [ErrUnknownValue] naming the instance's subnet_id and
// what is missing, never another subnet; a network_interface_id in that
// block (a network interface of its own) is refused as the instance's
// network_interface blocks are, naming the template's attribute; an
// Elastic IP on its primary private
// address (an aws_eip's instance or network_interface, an
// aws_eip_association) is its public IPv4 address in place of that one,
// which AWS releases (EC2 User Guide, Elastic IP addresses; with a
// warning naming the address released), and a new Elastic IP, whose
// address the plan knows only after apply, makes it one known only
// later, [reach.Interface.PublicIPUnknown] ("aws_eip.web: public_ip"), so
// that the answers it decides are indeterminate; an Elastic IP on a
// secondary address is one of [reach.Interface.PublicIPs], a new one
// there an error wrapping [ErrUnknownValue]; two Elastic IPs of the plan
// on one private address are an error wrapping [ErrInvalidPlan], as AWS
// keeps the one associated last; an aws_eip whose configuration sets
// neither instance nor network_interface (Optional and Computed) shows
// the association AWS holds, which counts only where no
// aws_eip_association of the plan names the Elastic IP (one the plan
// keeps or creates decides where it sits, one it deletes takes it away)
// and the interface is the plan's (a NAT gateway's is outside the model;
// another's is left out with a warning); its ipv6_addresses), network interfaces
// (aws_network_interface with its private_ip, private_ips,
// private_ip_list when private_ip_list_enabled, ipv6_addresses and
// ipv6_address_list, its attachments and group attachments; secondary
// private IPv4 addresses AWS picks from the subnet, when
// private_ips_count asks for more than the plan shows or private_ips or
// private_ip_list is set and known only after apply, are as prefixes
// delegated at launch: [reach.Interface.IPv4PrefixesUnknown]
// ("aws_network_interface.pods: private_ips"), with a warning, so a query
// to a free address of the subnet is indeterminate, never a certain
// UNKNOWN_DESTINATION; its
// delegated prefixes, ipv4_prefixes and ipv6_prefixes, are
// [reach.Interface.DelegatedPrefixes], whose addresses are the
// interface's, and, known only after apply while ipv4_prefix_count or
// ipv6_prefix_count asks for some, [reach.Interface.IPv4PrefixesUnknown]
// or IPv6PrefixesUnknown ("aws_network_interface.pods: ipv4_prefixes"),
// with a warning: a query to a free address of the subnet, which such a
// prefix may hold, is then indeterminate, and the IPv6 placeholder below
// stands for the IPv6 prefix's addresses; for both, source_dest_check: false is
// [reach.Interface.SourceDestCheckDisabled], a value known only after
// apply [reach.Interface.SourceDestCheckUnknown] ("aws_instance.fw:
// source_dest_check"), and true or absent AWS's default, the check on,
// with which an appliance a route targets drops what it would forward),
// managed prefix lists and their
// entries, VPC peering connections (active once applied when the plan
// creates them with auto_accept, or when it updates one pending
// acceptance in place with auto_accept set, whose update accepts it
// (with a peer_region too, undecided), or when an
// aws_vpc_peering_connection_accepter the plan creates or updates with
// auto_accept accepts one of the plan pending acceptance or created by
// it, as the provider does; an accepter without auto_accept leaves the
// status as the plan shows it, and one whose auto_accept, or whose
// connection, is known only after apply makes it undecided,
// PEERING_STATUS_UNKNOWN; a connection the plan creates with auto_accept
// and peer_region, which the provider refuses, is an error wrapping
// [ErrInvalidPlan]; auto_accept accepts a connection only within one
// account, so one whose peer_owner_id is another than the requester's
// account as the plan shows it (the requester VPC's owner_id, or a
// data.aws_caller_identity of the connection's provider configuration:
// see accounts.go) is an error wrapping [ErrInvalidPlan] naming the
// connection and auto_accept, as its apply fails, and where the plan
// shows no account, or peer_owner_id only after apply, its status is
// undecided, PEERING_STATUS_UNKNOWN, which an accepter of the plan does
// not change; AWS does not support a security group reference across an
// inter-region peering, so a rule referencing a group of a VPC that a
// connection joins to the rule's across Regions (its peer_region is not the
// requester's Region the plan shows: the connection's region, or a
// data.aws_region of its provider configuration), or perhaps across Regions
// (peer_region set, or known only after apply, and the requester's Region not
// shown), has an unknown match, with a warning naming it: a query only it
// could allow is indeterminate, SG_INDETERMINATE) and transit gateways (the
// gateway and the default route table AWS makes for it, VPC attachments with
// their appliance_mode_support and ipv6_support (without which, AWS's default,
// the VPC's IPv6 blocks are not propagated),
// security_group_referencing_support on the gateway (unset: disable) and on
// VPC attachments (unset: enable; known only after apply: unknown, and a group
// reference it would decide indeterminate); a route's blackhole, an
// attachment's transit_gateway_default_route_table_association and
// _propagation, and the gateway's default_route_table_association and
// _propagation (when an attachment of the plan takes that default) known only
// after apply are errors wrapping [ErrUnknownValue] naming the address and
// attribute, as the model holds no route or table membership that may or may
// not be; route tables, routes, associations and propagations, which name a
// new gateway's default route table by a reference to its
// association_default_route_table_id or propagation_default_route_table_id; an
// existing gateway's default tables are those these IDs name, apart when they
// differ: an attachment keeping
// transit_gateway_default_route_table_propagation on propagates to the
// propagation default, a table of the plan or one outside the model;
// aws_ec2_transit_gateway_default_route_table_association and _propagation,
// which change a default, are refused (ErrInvalidPlan, naming them and why
// each attachment takes that default) when an attachment of the plan takes it
// (its own transit_gateway_default_route_table_association or _propagation on,
// or its accepter's, or none: a VPN or Direct Connect gateway attachment,
// which has no such setting) and the gateway's values do not already name the
// new table, since AWS applies a default when it makes an attachment, before
// or after the change; a route table's routes are resources of their own, so
// one that exists, and an existing gateway's default table, may hold routes
// the plan does not show, of other stacks, the console or attachments outside
// the plan: what it routes is undecided ([reach.TGWRouteTable.Missing],
// TGW_ROUTES_UNKNOWN, naming what the plan shows of it), while a table the
// plan creates holds the plan's routes only, unless an
// aws_ec2_transit_gateway_prefix_list_reference, not modelled, names it;
// attachments other than a VPC's: an aws_vpn_connection to a gateway of the
// plan (a "vpn" attachment, which takes the gateway's defaults; over BGP,
// static_routes_only not true, it propagates what its customer gateway
// advertises, which no plan holds, so a lookup one of those routes could
// decide is undecided, as for a VPN attachment of an AWS dump; with static
// routes only it propagates nothing, its routes being the gateway's
// aws_ec2_transit_gateway_route to it), an aws_dx_gateway_association with a
// gateway of the plan (directly or by the proposal it accepts) and an
// aws_ec2_transit_gateway_connect, which propagate what lies beyond them
// likewise, undecided, and what the gateway sends to any of them goes where
// the model does not follow (UNMODELLED_TARGET), as does what it sends to an
// aws_ec2_transit_gateway_peering_attachment or its _accepter (tgw_peering.go:
// each gateway of the plan on either side has its own side, which propagates
// nothing and takes no default table); a route, association or propagation
// names one by a reference to the resource or by its known attachment ID; a
// VPN connection or Direct Connect gateway association whose gateway the plan
// does not resolve may propagate to the default propagation table of any
// gateway of the plan, undecided; an
// aws_ec2_transit_gateway_vpc_attachment_accepter, whose default association
// and propagation settings are those AWS applies to the attachment of a shared
// gateway in place of the attachment's own, and which, for an attachment the
// plan does not hold, is a VPC attachment whose VPC the model lacks (what it
// propagates undecided); a VPC attachment of another account than its
// gateway's waits for the
// owner's acceptance unless the gateway's auto_accept_shared_attachments
// is enable. The attachment is of its gateway's account where the plan
// shows both accounts (the attachment's vpc_owner_id, its VPC's owner_id
// or its provider configuration's caller; the gateway's owner_id or its
// provider configuration's caller) equal, or, where it shows fewer
// (either only after apply, or not at all), where the two are resources
// of one provider configuration (provider_config_key): the
// single-account plan. Otherwise (the accounts shown apart; or not both
// shown, and two provider configurations, or configurations the plan does
// not name) one the gateway does not auto-accept and no accepter of the
// plan accepts has an unknown state, [reach.TGWAttachment.StateUnknown]
// with a warning naming what is missing, so what crosses the gateway
// through it is undecided, TGW_ATTACHMENT_STATE_UNKNOWN, never certain
// either way: the owner may accept it outside the plan; see
// tgw_attachments.go) and AWS Network Firewall
// (aws_networkfirewall_rule_group with rules_string, stateful_rule,
// rules_source_list, stateless_rules_and_custom_actions,
// rule_variables and reference_sets, whose reference_arn naming a managed
// prefix list of the plan, by its ARN or, known only after apply, by a
// reference (the block paired by its key), stands for that list's
// entries; aws_networkfirewall_firewall_policy, whose
// tls_inspection_configuration_arn, known or known only after apply, is
// kept with a warning and leaves TCP sessions through it indeterminate
// as package firewall says;
// aws_networkfirewall_firewall, whose subnet_mapping ip_address_type is
// its endpoint's [reach.FirewallEndpointSpec].IPAddressType (unknown when
// AWS picks it at apply; see firewall.go, also for how a route finds a new firewall's endpoint); a rule group whose configuration sets the
// top-level rules is read from them, not from rule_group, Optional and
// Computed, which the plan keeps as the provider last read it while an
// update sends rules; a rule group's or policy's value known only after
// apply that decides what the rules match, such as a HOME_NET or other
// IP set variable, a rules string, a stateful_rule's header, a stateless
// rule's match_attributes or a domain list's targets, is an error
// wrapping [ErrUnknownValue] naming the address and attribute
// ("aws_networkfirewall_rule_group.web:
// rule_group[0].rules_source[0].rules_string"), never read as absent;
// a policy reference's resource_arn known only after apply resolves by
// reference (the planned block paired with its configuration by
// priority, by place when the blocks have none, or, when a priority comes
// from a variable, by elimination: the one such block and the one
// reference to a rule group of the plan); a stateful_rule_group_reference whose resource_arn is known
// and names no rule group of the plan, an AWS managed group (an ARN with
// ":aws-managed:", whose rules AWS does not publish) or a customer group
// that exists outside the plan, is an opaque group
// (RuleGroup.Opaque of package firewall/stateful) with a warning: its rules may pass, drop
// or alert anything, so what it could decide is Indeterminate, the hop's
// Missing naming the group, while under STRICT_ORDER a group of higher
// priority that decides first keeps its answer; the stateful package doc
// has the details; a firewall whose firewall_policy_arn is a known ARN of
// no policy of the plan, one that exists outside it, gets a policy whose
// stateless engine forwards everything to one such opaque group, with a
// warning: what crosses it is Indeterminate). [Modelled] lists them. Every other resource
// type, and every data source, is counted in [Report.Unmodelled], never an
// error. The security groups such a resource names (an aws_lb's
// security_groups, an aws_db_instance's vpc_security_group_ids, a Lambda
// function's vpc_config, an interface endpoint's security_group_ids: any
// attribute whose name holds "security_group", nested blocks included,
// by planned ID or, known only after apply, by the configuration's
// reference) are declared [reach.UnmodelledGroupUse] of its address:
// lint calls none of them unused and none of their rules implied (see
// groupuses.go). The data sources the plan read (prior_state) that describe
// what exists are read too: data.aws_vpc, data.aws_subnet,
// data.aws_internet_gateway, data.aws_ec2_managed_prefix_list,
// data.aws_prefix_list and data.aws_route_table (its routes and associations); a rule that names a
// data.aws_security_group, whose rules no data source gives, is as a rule
// naming a group the input does not hold (see data.go); an instance or
// interface in such a group, or in an sg-… group no resource or data
// source of the plan holds, has its groups known only in part
// ([reach.Interface.GroupsUnknown]), with a warning: what that group
// could allow is indeterminate, and what its other groups allow is
// decided.
// data.aws_caller_identity and data.aws_region, which add nothing to the
// model (counted in [Report.Unmodelled]), tell the account and Region of
// the resources of their provider configuration (provider_config_key),
// and of no other (accounts.go). A data source
// whose read Terraform defers to apply (its resource_changes entry's
// action is "read": its configuration depends on a value or change of
// the plan) is read with a warning, its values known only after apply
// (after_unknown) unknown as a managed resource's are: a prefix list's
// entries make a list whose entries are unknown (of its address_family
// when known), a subnet's map_public_ip_on_launch and
// assign_ipv6_address_on_creation decide as a new subnet's do, and what
// the model cannot hold as unknown (a VPC's cidr_block, ipv6_cidr_block
// or cidr_block_associations, a subnet's vpc_id or, where a VPC has IPv6,
// ipv6_cidr_block, a route table's routes or associations, an internet
// gateway's attachments) is an error wrapping [ErrUnknownValue] naming
// the address and attribute ("data.aws_route_table.main: routes"),
// never read as absent. A prefix list
// that a rule, a route or a firewall's IP set reference names by ID and
// that the plan neither manages nor reads with a data source is
// unresolved ([reach.Builder.AddUnresolvedPrefixList]), with a warning:
// it may hold any block, so the queries only it could decide are
// indeterminate; so is such a list an aws_ec2_managed_prefix_list_entry
// adds to. An aws_ec2_managed_prefix_list whose configuration leaves its
// entry blocks out keeps the entries its planned values show (entry is
// Optional and Computed). A list the plan holds (the resource or the data
// source) keeps its address_family ([reach.PrefixList.AddressFamily];
// IPv4 or IPv6, anything else is an error): one whose entries are known
// only after apply may hold any block of its family, none of the other,
// so it leaves the other family's answers certain.
//
// # What the model holds
//
//   - The resources the plan leaves: planned_values, with what each
//     resource_changes entry says is known only after apply (after_unknown,
//     a list's elements too: null in the values). A deleted one is not there;
//     naming it in a query is an error like naming any other unknown
//     name. A resource the plan forgets (a removed block with lifecycle
//     { destroy = false }: its resource_changes entry's actions
//     ["forget"], not in planned_values) leaves the state "without
//     changing the underlying infrastructure": AWS keeps it as it is, and
//     so does the model (its before values; a warning says so), as a
//     resource that exists and whose configuration sets none of its
//     values: a forgotten route table, security group or network ACL
//     keeps the routes, rules and entries AWS holds (below), less those of
//     standalone resources the plan deletes or replaces (which AWS
//     deletes), and holds those of standalone resources the plan keeps or
//     forgets too once (a removed block on a whole module forgets a table
//     and its aws_route resources together). A forget
//     beside a create (["create", "forget"]: a replacement that keeps the
//     object that exists) or of a deposed object leaves two objects of one
//     address in AWS, which the model cannot hold: an error wrapping
//     [ErrInvalidPlan]. A deposed object's entry (its "deposed" key, a
//     create_before_destroy whose destroy failed) shares the current
//     object's address and says nothing of it: the plan deletes the
//     deposed object, which is gone at apply as a deleted resource is; a
//     deposed object the plan keeps is refused likewise.
//   - Every resource is named by its address, as resource_changes writes
//     it (aws_instance.db, module.app.aws_instance.web[0],
//     aws_instance.worker["blue"]): the model's IDs are the addresses, so
//     queries and traces use them. A model ID holds no spaces, and a
//     for_each key may: a space in a key is written \u0020, HCL's escape
//     for it, which spells the same address (aws_subnet.s["web tier"] is
//     aws_subnet.s["web\u0020tier"] in the model, traces and errors; a
//     query may write either), with a warning naming both. An instance is its primary interface:
//     a query may name it by address, by its Name tag, or by its i- ID
//     when the plan knows it.
//     An instance's metadata_options http_endpoint and http_protocol_ipv6
//     ("enabled" or "disabled"; another value is an error wrapping
//     [ErrInvalidPlan]) are [reach.Interface.MetadataEndpoint] and
//     MetadataIPv6, which decide the instance metadata service; the block
//     or an attribute known only after apply (as for a new instance that
//     leaves the block out) is [reach.Interface.MetadataUnknown]
//     ("aws_instance.web: metadata_options, known only after apply"): a
//     request it decides is undecided. An aws_network_interface attached
//     to an instance (aws_network_interface_attachment, or its attachment block) carries the
//     instance's options too and is one of its interfaces (Instance: its
//     ID, or its address while the plan does not know the ID).
//     A plan does not say an instance's operating system (aws_instance
//     has no platform attribute): [reach.Interface.Platform] stays empty,
//     so Windows activation (169.254.169.250, tcp port 1688) is
//     undecided from every instance of a plan.
//   - A VPC the plan creates has a main route table with its local routes
//     only, a default network ACL that allows everything and a default
//     security group whose members reach each other and which lets
//     everything out (an interface without groups gets it), unless the
//     plan manages them (aws_default_route_table, aws_default_network_acl,
//     aws_main_route_table_association, aws_default_security_group). A
//     rule, association or interface names that default group or ACL by
//     a reference to the VPC's default_security_group_id or
//     default_network_acl_id (see Links by reference). The main route table and default
//     ACL of a VPC that exists already are in the plan only when it
//     manages them (an aws_main_route_table_association that the plan
//     keeps or creates, naming a route table of the plan, makes that
//     table the main one); a subnet that would use them otherwise is an
//     error (their routes and entries are not in the plan).
//   - A route table the plan creates, or an aws_default_route_table it
//     adopts (creates: the provider removes every route the table holds,
//     see below), whose configuration leaves its inline routes out (no
//     route expression) holds only the standalone routes this apply
//     creates after it. One that exists keeps
//     the routes AWS holds, which its planned route shows (route is
//     Optional and Computed, in attribute-as-blocks mode: leaving it out
//     ignores the routes, only route = [] removes them), or, where the
//     planned value is null, the prior state's, less those an aws_route
//     the plan deletes or replaces had; an aws_route of the plan counts
//     once (a table holds one route per destination). Such a route is
//     AWS's, and its target need not be the configuration's: a target
//     the plan deletes or replaces is gone after apply, and AWS keeps the
//     route as a blackhole ([reach.TargetBlackhole]; EC2 Route.State),
//     the primary network interface of an aws_instance the plan deletes
//     or replaces among them (its before values'
//     primary_network_interface_id: terminating the instance deletes it,
//     and a replacing instance launches with a new one; an interface the
//     instance was launched with, a network_interface or
//     primary_network_interface block whose delete_on_termination is
//     false, outlives it, detached, and is taken as one the plan does not
//     hold), and a target the plan does not hold (a transit gateway,
//     peering connection or network interface of another stack) is one
//     the model does not hold ([reach.TargetUnmodelled]): the queries it
//     routes are indeterminate, as the aws loader has it; both with a
//     warning. So is a new route to a transit gateway or peering
//     connection the plan does not hold (one shared from another
//     account); an attachment to such a gateway is left out, with a
//     warning (outside_targets.go). A route to a target the plan deletes
//     or replaces is refused. An instance that exists and whose planned
//     primary_network_interface_id is known only after apply keeps the
//     one of the prior state (a primary interface cannot be detached);
//     without one, the warning of a kept route to an interface the plan
//     does not hold names the instance as its possible owner. Where the plan
//     shows none (the planned route is known only after apply, or neither
//     it nor the prior state holds one), the table holds a route of
//     unknown destination ([reach.Route.Unknown]): the lookups the routes
//     could change are indeterminate, and a warning says so. A security
//     group or aws_network_acl that exists and whose configuration leaves
//     its inline blocks of a direction out (no ingress or egress
//     expression) keeps the rules AWS holds, which its planned values
//     show (ingress and egress are Optional and Computed: only
//     ingress = [] removes them), less those a standalone rule resource (aws_security_group_rule,
//     aws_vpc_security_group_ingress_rule or _egress_rule,
//     aws_network_acl_rule) the plan deletes or replaces had (an entry
//     of an aws_network_acl_rule replaced with create_before_destroy by
//     one whose rule number or direction is known only after apply may
//     stay, as below: an entry whose match is unknown); a
//     standalone rule of the plan counts once (an ACL entry by its rule
//     number and direction: the rule's values are those after apply);
//     where its planned ingress or egress is itself known only after
//     apply, the rules AWS keeps are not in the plan, an error wrapping
//     [ErrUnknownValue] naming the attribute. Terraform removes the allow-all outbound rule AWS gives a new group,
//     so a new group holds only the rules the plan gives it, and so does
//     an aws_default_security_group or aws_default_network_acl the plan
//     adopts (creates), as the provider revokes what it held. An
//     aws_default_network_acl's ingress and egress are not Computed (the
//     provider: "We want explicit management of Rules here"): left out,
//     they are planned empty, its entries are those it plans, and its
//     update deletes the entries AWS holds that they lack, an
//     aws_network_acl_rule's included (below).
//   - A standalone rule resource (aws_security_group_rule,
//     aws_vpc_security_group_ingress_rule or _egress_rule,
//     aws_network_acl_rule) or aws_route the plan deletes (and does not
//     create again), or replaces by one that does not hold the same
//     (whether it deletes first or is create_before_destroy: the delete
//     of the old object runs either way, and the create adds the new
//     object's only), removes its permission, entry (its rule number and
//     direction) or route (its destination) from AWS, whoever else
//     writes it: the configured inline blocks of a group, ACL or route
//     table that exists, or a rule resource or aws_route that exists (one
//     imported for it without a removed block for the old): nothing adds
//     it back until the next apply, so it is left out, with a warning.
//     An owner updated in place writes only what its blocks change, its
//     blocks before (the change's before values) against after: a group
//     revokes and authorizes the rules (one per source) only one side
//     holds, alike in ports, protocol, source and description; an ACL
//     deletes and creates the entries only one side holds, alike in
//     every value; a route table creates, replaces or deletes a route
//     whose destination only one side holds or whose target changed.
//     Where every block of before and after naming the permission
//     (entry number, destination) holds it alike, the update leaves it
//     and the delete removes it, whatever their order: it is left out,
//     a warning saying so. An ACL update that deletes that entry too (a
//     block of before with its number that after lacks) is refused
//     (ErrInvalidPlan): Terraform deletes the rule first, as it depends
//     on the ACL, and the provider's update fails on the missing entry
//     (InvalidNetworkAclEntry.NotFound), leaving the rest of the update
//     unmade. When the owner's update may write it again
//     (after holds it and before does not, or not alike), or its planned
//     blocks hold a value known only after apply, or a rule resource or
//     aws_route updated in place names it, in no set order with the
//     delete, it is a rule, entry or route whose match is unknown, so
//     the queries it could decide are indeterminate. A replacement whose
//     new object holds it puts it back (the create runs after the
//     delete; with create_before_destroy the apply fails: race.go,
//     routemix.go). An aws_network_acl_rule or aws_route so replaced
//     keeping its rule number and direction (destination) deletes the one
//     entry (route) AWS holds, the inline blocks' too, and the create adds
//     the new object's values: one entry (route), the new one's, also
//     beside an owner update that leaves it (above); where the owner's
//     update may write it, in no set order with the replacement, which
//     values it holds is unknown, so the queries it could decide are
//     indeterminate.
//   - A standalone rule on a group or ACL whose configuration writes
//     inline blocks of its direction (or on an aws_default_network_acl,
//     whatever its configuration writes), or an aws_route on a route
//     table whose configuration writes its route blocks, is the mix the
//     provider documents as a conflict, and a warning says so. The update
//     of a group, ACL or route table that exists revokes what its
//     configured blocks lack, so a rule resource or aws_route that exists
//     (the plan does not create it after the update) and that the
//     update's planned blocks lack is left out, with a warning; when
//     those blocks hold a value known only after apply, it is a rule,
//     entry or route whose match is unknown ("aws_security_group_rule.ssh
//     (whether the update of aws_security_group.web keeps it ...)"), so
//     the queries it could decide are indeterminate.
//   - A standalone security group rule the plan creates with the
//     permission (group, direction, protocol, ports, peer) of another
//     rule resource the plan deletes, replaces or updates in place races
//     with it: nothing orders the two, Terraform runs them in parallel,
//     and where the create goes first AWS refuses it
//     (InvalidPermission.Duplicate) and the other change then revokes the
//     permission. The new rule is one whose match is unknown, so the
//     queries it could decide are indeterminate, with a warning naming
//     both resources (race.go). A replacement of one resource (delete,
//     then create) is ordered.
//   - An aws_default_security_group or aws_default_network_acl the plan
//     adopts (creates) removes every rule or entry it does not list, so a
//     standalone rule or entry the plan creates on it survives the apply
//     only when Terraform creates it after the adoption. One that names
//     it otherwise than by the aws_default_* resource (a reference or
//     depends_on), by the VPC's default_security_group_id or
//     default_network_acl_id or by the literal sg- or acl- ID, is created
//     in no set order with it: it is
//     a rule or entry whose match is unknown (adoption.go), so the
//     queries it could decide are indeterminate, with a warning. An
//     aws_default_route_table the plan adopts (creates) "immediately
//     removes all defined routes" and then creates those of its
//     configuration (the provider's aws_default_route_table docs): an
//     aws_route on it that exists and that this apply does not make again
//     is gone after apply (Terraform adds it back on the next apply), with
//     a warning; a new one that names the table otherwise than by the
//     aws_default_route_table (a reference or depends_on), by the VPC's
//     default_route_table_id or a literal ID, is created in no set order
//     with it: a route whose destination is unknown ([reach.Route.Unknown]),
//     so the lookups it could change are indeterminate, with a warning.
//     Inside a module, what names the aws_default_* resource or the VPC's
//     default is read through the module's variables and outputs (a
//     variable is the module call's expression for it) and the depends_on
//     of the module calls it is in, as Terraform orders resources by them.
//     A reference to a module's output (module.net.sg_id) orders after
//     what the output's expression references only, not after the
//     module's other resources: the "module.net" Terraform's JSON writes
//     after it is a part of it, not depends_on = [module.net], which
//     alone orders after every resource of the module; a reference to a
//     module call's whole value orders after every one of its outputs.
//   - Protocols are read as users write them: "tcp", "TCP", "6", "-1",
//     "all", and, for a network ACL entry, the IANA keywords the provider
//     takes ("ipv6-icmp", "ospfigp"); an ACL entry's action in any case
//     ("Allow").
//
// # Links by reference
//
// A plan that creates resources knows none of their IDs, so an attribute that
// names another resource (vpc_id, subnet_id, security_group_id,
// vpc_security_group_ids) is resolved from the configuration's references
// (configuration...expressions.<attribute>.references) where its value is
// unknown: a reference to a resource of the wanted type ("aws_vpc.main.id", or
// "aws_subnet.a[0]" with its index, a key read as Terraform quotes it, its
// dots, brackets and escaped quotes its own) names it, module-relative
// addresses inside modules; the parts of a reference Terraform writes after it
// (every step of its traversal, then the resource without its key or the
// module call without its output: "aws_subnet.a[0].id", "aws_subnet.a[0]",
// "aws_subnet.a") add nothing to it; any other reference to a counted or
// for_each resource without an index is taken to name the instance of the same
// key as the referring instance when the references also hold count.index or
// each.key, and names every instance otherwise (a splat). The pairing is a
// reading of the common form, aws_subnet.a[count.index].id, not something the
// plan shows: the references hold no index expression, so
// aws_subnet.a[(count.index + 1) % 2].id reads the same and is paired the
// same, wrongly. Beside each.value (aws_subnet.a[each.value].id), which
// nothing in the plan ties to a key, it is unresolved. A reference to a VPC's
// default_security_group_id or default_network_acl_id (security_group_id =
// aws_vpc.main.default_security_group_id on a rule, network_acl_id =
// aws_vpc.main.default_network_acl_id on an aws_network_acl_rule or
// aws_network_acl_association, an instance's vpc_security_group_ids) names the
// aws_default_security_group (by its vpc_id) or aws_default_network_acl (by
// its default_network_acl_id) of the plan that manages it, else, for a VPC the
// plan creates, the default group or ACL the model makes for it
// (aws_vpc.main.default_security_group, aws_vpc.main.default_network_acl), to
// which the rule is added; for a VPC that exists, whose default the plan does
// not manage, it is unresolved. A known value names the resource of the plan
// whose id it is; a security group reference written "account/sg-…"
// ([sg.SplitGroupRef], the form AWS and the provider give a group of another
// account, in security_groups, source_security_group_id or
// referenced_security_group_id) names the group of that ID, as the aws loader
// reads a UserIdGroupPairs entry by its GroupId (group IDs are unique across
// accounts), and is an error wrapping [ErrInvalidPlan] naming the path and the
// text where the plan shows that group in another account (its owner_id, or
// its provider configuration's data.aws_caller_identity); one the plan does
// not hold is unresolved, with a warning, as in an AWS dump. A module's
// variable (var.NAME inside the module) is followed to the module call's
// expression for it, read in the calling module for that module instance (its
// count.index or each.key is the module instance's key, paired as above: sg_id
// = aws_security_group.g[each.key].id in the call gives module.app["a"] the
// group g["a"]), and a module's output (module.NAME.OUTPUT,
// module.NAME[KEY].OUTPUT) to the output's expression inside that module
// instance. One element of a variable or output, taken by an index after it
// (module.sgs.ids[0], var.subnet_ids["a"]) or by count.index or each.key
// beside it (module.vpc.private_subnets[count.index]), is the one resource the
// expression names; where it names several, the plan shows which, not how the
// value is built from them (aws_subnet.private[*].id or its reverse), so which
// one the element is stays unresolved, and the error or the unknown groups
// name the reference and the resources it could be. A reference to a module's
// whole value (module.NAME, module.NAME[KEY], as a for expression over a
// module reads it), or to anything else (a root variable, a local, a data
// source, each.value) leaves an unknown value unresolved. Since Terraform 1.1
// the inline blocks of one attribute (the ingress blocks of a group) share one
// references list; a block's unknown group list (security_groups) or prefix
// list list (prefix_list_ids) is resolved from that list where it names one
// resource of the type; where it names several, the plan does not say which of
// them are the block's, and the rule's peer is known only after apply (it
// could match anyone: SG_INDETERMINATE where only it could allow the packet),
// while a block whose list is known is read as it is. Where the block is the
// only one whose list is unknown and no other value of the blocks is, a
// resource of the list whose ID no known list holds (a new one's) is surely
// the block's, and a peer of it; only the others stay unknown. An attribute
// the provider computes and the configuration does not set
// (source_security_group_id on a CIDR rule) is not a link.
//
// A link attribute that is Optional and Computed and that the
// configuration of a resource that exists leaves out is planned as AWS
// had it at refresh, with what other resources gave it: an
// aws_network_acl's subnet_ids (its aws_network_acl_association
// resources' subnets), an aws_instance's vpc_security_group_ids and an
// aws_network_interface's security_groups (their
// aws_network_interface_sg_attachment resources' groups). What a
// resource the plan deletes or replaces gave (its resource_changes
// entry's before values) is taken away: a deleted association's subnet
// goes back to its VPC's default ACL, a replaced one's to the new ACL,
// and a subnet the plan's configuration associates with an ACL leaves
// the one whose computed subnet_ids list it; any other subnet two ACLs
// claim is an error naming both. A deleted association whose before
// values do not name its subnet and ACL is an error. An instance whose
// primary_network_interface_id the plan does not know, with a group
// that a deleted attachment on an interface the plan does not name
// detached, has that group known only after apply
// ([reach.Interface.GroupsUnknown]). An aws_network_interface_sg_attachment
// on an interface whose groups the configuration writes inline (an
// aws_instance's vpc_security_group_ids for its primary interface, an
// aws_network_interface's security_groups) without the attached group is
// the mix the provider documents as undefined (an update of the instance
// or interface sets its groups to exactly its list, dropping the attached
// one): the attached group is undecided, the interface's groups known
// only in part ([reach.Interface.GroupsUnknown]), with a warning naming
// both resources.
//
// # What is refused
//
// A plan that cannot be trusted to hold the whole network is refused with
// an error wrapping [ErrUntrusted]: "errored": true (terraform-json's
// Plan has no such field; the loader reads it itself), "complete": false
// (a targeted plan, or one with deferred changes), or a format_version
// whose major version is not 1. Terraform writes "complete" since v1.8
// (hashicorp/terraform#34642); a plan without it whose prior_state holds
// a managed resource that has no resource_changes entry (a plan of the
// whole configuration has one for each, a no-op included) is a plan with
// -target, refused likewise, the error naming those resources. A plan whose JSON gives a key twice in one
// object, or two keys that differ only in case where terraform-json reads
// them into one field ("type" and "Type" in a resource change; a resource's
// values and tags keep such keys apart), is refused with an error wrapping
// [flow.ErrJSON] naming the path and the keys: the decoder would keep one
// of the two values without a word.
//
// A plan whose apply fails is refused with an error wrapping
// [ErrInvalidPlan] naming the resource, as the model would show what the
// apply does not make: an aws_vpc_peering_connection created with
// auto_accept and peer_region; an aws_network_acl_rule replaced with
// create_before_destroy keeping its network ACL, rule number and
// direction (AWS refuses the new entry while the old one stands:
// NetworkAclEntryAlreadyExists); an aws_route replaced with
// create_before_destroy keeping its route table and destination (AWS
// refuses the new route while the old one stands: RouteAlreadyExists);
// a security group rule replaced with
// create_before_destroy whose new rule holds a permission of the old one
// (InvalidPermission.Duplicate); and an aws_security_group replaced
// with create_before_destroy keeping its name and VPC (AWS refuses the
// new group while the old one stands: InvalidGroup.Duplicate), or
// deleted first while a resource the plan keeps still uses it when the
// delete runs, one the plan leaves as it is or one whose configuration
// refers to the group, whose update waits for the new group (an
// instance's vpc_security_group_ids, an interface's security_groups,
// another group's or a rule's reference, as before apply: AWS refuses to
// delete a group in use, DependencyViolation, after the provider's
// retries; hashicorp/terraform#3341). A kept resource whose update does
// not wait for the group races with its delete and is not refused.
//
// # Values known only after apply
//
// An ID is resolved by reference (above). An address AWS picks when it
// creates the resource (an instance's or an interface's private_ip, the
// public_ip an instance gets at launch or a new Elastic IP has, a NAT
// gateway's addresses, and the IPv6 address an instance or interface
// gets when its ipv6_addresses are known only after apply and it asks
// for some, ipv6_address_count or an interface's ipv6_prefix_count, or
// its subnet has assign_ipv6_address_on_creation, which known only after
// apply is an error) becomes [reach.Interface.AddressUnknown],
// [reach.Interface.IPv6Unknown], [reach.Interface.PublicIPUnknown] or the NAT gateway's
// PrivateIPUnknown and PublicIPUnknown (its secondary addresses,
// secondary_private_ip_addresses and the Elastic IPs of
// secondary_allocation_ids, [reach.NATGateway.Secondary], are known only
// later where the configuration asks for some the plan does not show:
// SecondaryUnknown): the model gives it a placeholder,
// and an answer is exact when no CIDR block of the design tells apart the
// addresses it could take, and indeterminate (exit status 3 on the
// command line, the trace's "unknown:" line naming aws_instance.x:
// private_ip) when one does. A security group rule's CIDR blocks known
// only after apply make it a rule whose match is unknown
// ([reach.Builder.AddUnknownPeer]), and so do its ports (an ICMP rule's
// from_port and to_port, its type and code), for the
// addresses of its CIDR block: a query only such a rule could allow is
// indeterminate, its trace's "missing:" line naming the address and
// attribute; any other query keeps its answer. A rule whose self is known
// only after apply may or may not name its own group: its peer is one
// whose match is unknown, so is each query it alone could allow. A
// network ACL entry's CIDR
// block, ports or ICMP type and code known only after apply make it an entry whose match is
// unknown ([reach.UnknownACLEntry]): a hop is undecided (ACL_INDETERMINATE)
// only where the entry comes before the one that decides, could match,
// and acts otherwise; an aws_network_acl_rule whose egress is known only
// after apply is such an entry in each direction, and takes away no entry
// of its number that the ACL keeps (AWS's, which its configuration
// leaves out) in either: that entry stays, and decides before it (in its
// direction AWS refuses the rule: NetworkAclEntryAlreadyExists); one
// whose rule_number is known only after apply, and likewise an inline
// ingress or egress block of an aws_network_acl or
// aws_default_network_acl whose rule_no is, is an entry whose place is
// unknown, so its match too: it may come before any entry (it is number
// 1 among the unknown ones) or decide nothing; the queries it could
// decide otherwise than the known entries are indeterminate, the rest
// answered. An entry whose protocol is known only after apply may match
// any protocol, port and ICMP type, one whose action (rule_action,
// action) is may allow or deny: undecided likewise (ACL_INDETERMINATE
// where it could match and act otherwise), not refused. A rule or aws_route
// replaced by one whose number or direction (table or destination) is
// known only after apply removes the old entry (route); with
// create_before_destroy, where the new one turns out to be the old one's,
// AWS refuses it and the old one stays, so whether it does is unknown.
// An IPv6 block known only after apply, in a design
// none of whose VPCs has IPv6 in the model, decides nothing and is left
// out with a warning. A route's destination known only after apply makes
// it a route that could match anything ([reach.Route.Unknown]): a lookup
// is undecided (ROUTE_INDETERMINATE) only where the route would send the
// packet elsewhere. The routes a virtual private gateway propagates into
// a table (propagating_vgws, aws_vpn_gateway_route_propagation) are
// learned at run time and no plan holds them: each propagating gateway
// is such a route (propagated, to the gateway, which is not modelled),
// with a warning, so every lookup in the table that does not already go
// to the gateway is undecided. data.aws_route_table does not say whether
// a table propagates, nor list propagated routes, nor (the provider leaves
// them out) the routes of gateway endpoints: a table read from it is
// taken as it lists its routes, with those of the plan's endpoints. A rule whose ports are known only after apply and
// whose peer is a group or a prefix list may match any port from the
// group's members or the list's addresses, and no other address
// ([reach.Builder.AddUnknownPortsOf]); a rule whose peer group or prefix
// list no reference resolves could match any address. An instance or
// interface whose security groups no reference resolves (a list computed
// from a variable, groups named by name, an attachment's group) has
// groups known only after apply ([reach.Interface.GroupsUnknown]): its
// groups are undecided wherever those that are known do not allow, and
// it may be a member of any group. Any other ID the model needs that
// Terraform knows only after apply and no reference resolves (a subnet,
// a route table, a gateway) is an error wrapping [ErrUnknownValue]
// naming the resource address and the attribute; so is a subnet's
// ipv6_cidr_block that its configuration sets and that is known only
// after apply, when a VPC of the model has an IPv6 block (with none, the subnet is modelled without IPv6, with a
// warning).
//
// Errors are *[flow.InputError] naming the file and, in Path, the
// resource address and the attribute path ("aws_subnet.db: cidr_block"),
// with the offending text, joined when there are several; they wrap
// [ErrInvalidPlan], [ErrUnknownValue], [ErrUntrusted], [ErrFileTooLarge],
// [flow.ErrJSON] or [reach.ErrTopology]. A topology error (the model
// refusing an address outside its subnet or one AWS reserves, say) names
// the attribute whose value is the offending text
// ("aws_nat_gateway.main: secondary_private_ip_addresses[0]"), or the
// resource address alone when no single attribute holds it. Only regular
// files are read, up to [Options.MaxFileSize] bytes, and never a read
// that waits: the plan is read as package aws reads a dump's files (a
// named pipe, a device or a file of the kernel's pseudo file systems such
// as /proc is an error; see aws's "How the input is read"). The nested
// blocks of one expression of the plan's configuration may nest at most
// [MaxBlockDepth] (32) levels, far past the AWS provider's deepest: the
// decoder reads each level again, so a deeper plan, which only a
// hand-made or hostile file holds, is refused at once (naming the path),
// not decoded for minutes.
package terraform
