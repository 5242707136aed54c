package terraform

import (
	"slices"

	"github.com/reachsim/reachsim/reach"
)

// readers maps each resource type the loader models to its reader, in the
// order of the passes: a resource is read after every type it links to.
var passes = [][]string{
	{"aws_vpc", "data.aws_vpc", "aws_ec2_managed_prefix_list", "data.aws_ec2_managed_prefix_list", "data.aws_prefix_list", "aws_ec2_transit_gateway",
		"aws_networkfirewall_rule_group", "aws_vpc_block_public_access_options"},
	{"aws_vpc_ipv4_cidr_block_association", "aws_vpc_ipv6_cidr_block_association", "aws_subnet", "data.aws_subnet", "aws_internet_gateway", "data.aws_internet_gateway",
		"aws_egress_only_internet_gateway",
		"aws_route_table", "aws_default_route_table", "aws_security_group", "aws_default_security_group",
		"aws_network_acl", "aws_default_network_acl", "aws_vpc_peering_connection", "aws_ec2_managed_prefix_list_entry",
		"aws_ec2_transit_gateway_route_table", "aws_networkfirewall_firewall_policy"},
	{"aws_networkfirewall_firewall"},
	{"data.aws_route_table", "aws_route", "aws_vpn_gateway_route_propagation", "aws_internet_gateway_attachment", "aws_route_table_association", "aws_main_route_table_association", "aws_security_group_rule",
		"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_network_acl_rule",
		"aws_network_acl_association", "aws_instance", "aws_network_interface", "aws_nat_gateway",
		"aws_ec2_transit_gateway_vpc_attachment", "aws_vpc_endpoint", "aws_ec2_transit_gateway_peering_attachment",
		"aws_vpc_block_public_access_exclusion"},
	{"aws_ec2_transit_gateway_vpc_attachment_accepter", "aws_vpn_connection", "aws_dx_gateway_association", "aws_ec2_transit_gateway_connect",
		"aws_vpc_peering_connection_accepter", "aws_ec2_transit_gateway_peering_attachment_accepter"},
	{"aws_eip", "aws_eip_association", "aws_nat_gateway_eip_association", "aws_network_interface_sg_attachment", "aws_network_interface_attachment",
		"aws_ec2_transit_gateway_route", "aws_ec2_transit_gateway_route_table_association", "aws_ec2_transit_gateway_route_table_propagation",
		"aws_ec2_transit_gateway_default_route_table_association", "aws_ec2_transit_gateway_default_route_table_propagation",
		"aws_vpc_endpoint_route_table_association", "aws_ec2_transit_gateway_prefix_list_reference"},
}

func (r *reader) readerOf(typ string) func(*instance) {
	switch typ {
	case "aws_vpc":
		return r.readVPC
	case "data.aws_vpc":
		return r.readDataVPC
	case "data.aws_subnet":
		return r.readSubnet
	case "data.aws_internet_gateway":
		return r.readDataIGW
	case "data.aws_ec2_managed_prefix_list":
		return r.readDataPrefixList
	case "data.aws_route_table":
		return r.readDataRouteTable
	case "data.aws_prefix_list":
		return r.readDataAWSPrefixList
	case "aws_vpc_endpoint":
		return r.readVPCEndpoint
	case "aws_vpc_block_public_access_options":
		return r.readBPAOptions // bpa.go
	case "aws_vpc_block_public_access_exclusion":
		return r.readBPAExclusion
	case "aws_vpc_endpoint_route_table_association":
		return r.readVPCEndpointRTAssociation
	case "aws_vpc_ipv4_cidr_block_association":
		return r.readCIDRAssociation
	case "aws_vpc_ipv6_cidr_block_association":
		return r.readIPv6CIDRAssociation
	case "aws_subnet":
		return r.readSubnet
	case "aws_internet_gateway":
		return r.readIGW
	case "aws_route_table", "aws_default_route_table":
		return r.readRouteTable
	case "aws_security_group", "aws_default_security_group":
		return r.readGroup
	case "aws_network_acl", "aws_default_network_acl":
		return r.readACL
	case "aws_route":
		return r.readRoute
	case "aws_internet_gateway_attachment":
		return r.readIGWAttachment
	case "aws_vpn_gateway_route_propagation":
		return r.readVGWPropagation
	case "aws_route_table_association":
		return r.readRTAssociation
	case "aws_main_route_table_association":
		return r.readMainAssociation
	case "aws_security_group_rule":
		return r.readGroupRule
	case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		return r.readVPCGroupRule
	case "aws_network_acl_rule":
		return r.readACLRule
	case "aws_network_acl_association":
		return r.readACLAssociation
	case "aws_instance":
		return r.readInstance
	case "aws_network_interface":
		return r.readENI
	case "aws_egress_only_internet_gateway":
		return r.readEIGW
	case "aws_nat_gateway":
		return r.readNAT
	case "aws_eip":
		return r.readEIP
	case "aws_eip_association":
		return r.readEIPAssociation
	case "aws_nat_gateway_eip_association":
		return r.readNATEIPAssociation
	case "aws_ec2_managed_prefix_list":
		return r.readPrefixList
	case "aws_ec2_managed_prefix_list_entry":
		return r.readPrefixListEntry
	case "aws_vpc_peering_connection":
		return r.readPeering
	case "aws_network_interface_sg_attachment":
		return r.readSGAttachment
	case "aws_network_interface_attachment":
		return r.readENIAttachment
	case "aws_networkfirewall_rule_group":
		return r.readFWRuleGroup
	case "aws_networkfirewall_firewall_policy":
		return r.readFWPolicy
	case "aws_networkfirewall_firewall":
		return r.readFirewall
	case "aws_ec2_transit_gateway":
		return r.readTGW
	case "aws_ec2_transit_gateway_vpc_attachment":
		return r.readTGWAttachment
	case "aws_ec2_transit_gateway_route_table":
		return r.readTGWRouteTable
	case "aws_ec2_transit_gateway_route":
		return r.readTGWRoute
	case "aws_ec2_transit_gateway_route_table_association":
		return r.readTGWAssociation
	case "aws_ec2_transit_gateway_route_table_propagation":
		return r.readTGWPropagation
	case "aws_ec2_transit_gateway_default_route_table_association", "aws_ec2_transit_gateway_default_route_table_propagation":
		return r.readTGWDefaultChange
	case "aws_ec2_transit_gateway_vpc_attachment_accepter":
		return r.readTGWAttachmentAccepter
	case "aws_vpn_connection":
		return r.readVPNConnection
	case "aws_dx_gateway_association":
		return r.readDXGatewayAssociation
	case "aws_ec2_transit_gateway_connect":
		return r.readTGWConnect
	case "aws_ec2_transit_gateway_prefix_list_reference":
		return r.readTGWPrefixListReference
	case "aws_vpc_peering_connection_accepter":
		return r.readPeeringAccepter
	case "aws_ec2_transit_gateway_peering_attachment":
		return r.readTGWPeering
	case "aws_ec2_transit_gateway_peering_attachment_accepter":
		return r.readTGWPeeringAccepter
	}
	return nil
}

// Modelled lists the resource types the loader reads into the model.
func Modelled() []string {
	var out []string
	for _, p := range passes {
		out = append(out, p...)
	}
	slices.Sort(out)
	return out
}

// translate reads every modelled instance, pass by pass, and gives the
// network to the builder.
func (r *reader) translate() {
	modelled := map[string]bool{}
	for _, p := range passes {
		for _, t := range p {
			modelled[t] = true
		}
	}
	for _, in := range r.insts {
		if modelled[in.typ] {
			r.rep.Modelled[in.typ]++
		} else {
			r.rep.Unmodelled[in.typ]++
			r.outside = append(r.outside, in)
		}
	}
	for _, p := range passes {
		for _, in := range r.insts {
			if slices.Contains(p, in.typ) {
				r.readerOf(in.typ)(in)
			}
		}
	}
	r.finishEndpoints()  // endpoints.go
	r.outsideGroupUses() // groupuses.go
	r.settleGroups()     // computed.go
	r.settleACLs()
	r.settleRoutes()        // keptroutes.go
	r.outsideRouteTargets() // outside_targets.go
	r.bindFirewallRoutes()
	r.vpcDefaults()
	r.assignACLs()
	r.checkDefaults()
	r.finishACLs()
	r.finishNetwork()
	r.finishGroups()
	r.finishInterfaces()
	r.finishExtras()
	r.finishBPA() // bpa.go
	r.finishTGWs()
	r.finishFirewalls()
	r.finishLists() // gateways.go
	r.setOrigins()
	slices.Sort(r.rep.Warnings)
}

// originKinds maps the resource types whose instances become filters or
// interfaces of the model to the model's kind for them.
var originKinds = map[string]string{
	"aws_security_group": reach.ResourceSecurityGroup, "aws_default_security_group": reach.ResourceSecurityGroup,
	"aws_network_acl": reach.ResourceNetworkACL, "aws_default_network_acl": reach.ResourceNetworkACL,
	"aws_route_table": reach.ResourceRouteTable, "aws_default_route_table": reach.ResourceRouteTable,
	"aws_instance": reach.ResourceInterface, "aws_network_interface": reach.ResourceInterface,
	"aws_ec2_managed_prefix_list": reach.ResourcePrefixList,
}

// setOrigins tells the builder where each group, ACL, route table,
// interface and prefix list came from (reach.Model.Origin): the plan's
// file and the resource's address, for lint findings.
func (r *reader) setOrigins() {
	for _, in := range r.insts {
		if kind, ok := originKinds[in.typ]; ok {
			r.b.SetOrigin(kind, in.id, reach.Origin{File: r.file, Path: in.addr})
		}
	}
}
