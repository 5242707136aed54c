package aws

// The members of the EC2 API shapes (the AWS CLI's output) that the
// loader does not read, by shape: embedded in the element types, they make
// those keys known, so that any other key is a warning (unknownkeys.go).
// Each lists the shape's members in the EC2 API Reference that its type
// does not read.

// vpcUnread: API_Vpc.
type vpcUnread struct {
	OwnerId, InstanceTenancy, IsDefault, State, DhcpOptionsId, EncryptionControl unread
}

// subnetUnread: API_Subnet.
type subnetUnread struct {
	AvailableIpAddressCount, DefaultForAz, EnableLniAtDeviceIndex, MapPublicIpOnLaunch,
	MapCustomerOwnedIpOnLaunch, CustomerOwnedIpv4Pool, State, AssignIpv6AddressOnCreation, SubnetArn,
	OutpostArn, EnableDns64, Ipv6Native, PrivateDnsNameOptionsOnLaunch, BlockPublicAccessStates, Type unread
}

// cidrAssocUnread: API_VpcCidrBlockAssociation; ipv6AssocUnread:
// API_VpcIpv6CidrBlockAssociation and API_SubnetIpv6CidrBlockAssociation.
type (
	cidrAssocUnread struct{ AssociationId unread }
	ipv6AssocUnread struct {
		AssociationId, Ipv6Pool, NetworkBorderGroup unread
	}
)

// blockStateJSON is a CidrBlockState, an Ipv6CidrBlockState
// (API_VpcCidrBlockState, API_SubnetCidrBlockState) or a route table
// association's AssociationState (API_RouteTableAssociationState).
type blockStateJSON struct {
	StatusMessage unread
	State         string
}

// eniUnread: API_NetworkInterface, and
// API_InstanceNetworkInterface (describe-instances).
type eniUnread struct {
	AvailabilityZone, AvailabilityZoneId, ConnectionTrackingConfiguration, MacAddress, OutpostArn, OwnerId,
	PrivateDnsName, PublicDnsName, PublicIpDnsNameOptions, RequesterId, RequesterManaged, Ipv6Native, Ipv6Address,
	Operator, AssociatedSubnets, AssociatedSubnetIds unread
}

// eniAssocJSON is an Association of an interface or of one of its
// private addresses (API_NetworkInterfaceAssociation,
// API_InstanceNetworkInterfaceAssociation).
type eniAssocJSON struct {
	AllocationId, AssociationId, IpOwnerId, PublicDnsName, CarrierIp, CustomerOwnedIp unread
	PublicIp                                                                          string
}

// eniIPv6JSON is one of an interface's Ipv6Addresses
// (API_NetworkInterfaceIpv6Address, API_InstanceIpv6Address).
type eniIPv6JSON struct {
	PublicIpv6DnsName unread
	Ipv6Address       string
	IsPrimaryIpv6     bool
}

// eniAttachJSON is an interface's Attachment
// (API_NetworkInterfaceAttachment, API_InstanceNetworkInterfaceAttachment).
type eniAttachJSON struct {
	AttachTime, AttachmentId, DeleteOnTermination, InstanceOwnerId, NetworkCardIndex, EnaSrdSpecification,
	EnaQueueCount unread
	InstanceId  string
	DeviceIndex *int
	Status      string
}

// instanceUnread: API_Instance.
type instanceUnread struct {
	AmiLaunchIndex, ImageId, InstanceType, KernelId, KeyName, LaunchTime, Monitoring, Placement, PrivateDnsName,
	PrivateIpAddress, ProductCodes, PublicDnsName, RamdiskId, StateTransitionReason, SubnetId, VpcId, Architecture,
	BlockDeviceMappings, ClientToken, EbsOptimized, EnaSupport, Hypervisor, IamInstanceProfile, InstanceLifecycle,
	ElasticGpuAssociations, ElasticInferenceAcceleratorAssociations, OutpostArn, RootDeviceName, RootDeviceType,
	SecurityGroups, SpotInstanceRequestId, SriovNetSupport, StateReason, VirtualizationType, CpuOptions,
	CapacityBlockId, CapacityReservationId, CapacityReservationSpecification, HibernationOptions, Licenses,
	EnclaveOptions, BootMode, UsageOperation, UsageOperationUpdateTime, PrivateDnsNameOptions, Ipv6Address,
	TpmSupport, MaintenanceOptions, CurrentInstanceBootMode, NetworkPerformanceOptions, Operator unread
}

// instanceStateJSON is an instance's State (API_InstanceState).
type instanceStateJSON struct {
	Code unread
	Name string
}

// reservationUnread: API_Reservation.
type reservationUnread struct {
	Groups, OwnerId, RequesterId, ReservationId unread
}

// metadataUnread: API_InstanceMetadataOptionsResponse.
type metadataUnread struct {
	HttpTokens, HttpPutResponseHopLimit, InstanceMetadataTags, ManagedBy, ManagedExceptionMessage unread
}

// routeTableUnread: API_RouteTable; routeAssocUnread:
// API_RouteTableAssociation.
type (
	routeTableUnread struct{ OwnerId, PropagatingVgws unread }
	routeAssocUnread struct {
		RouteTableAssociationId, RouteTableId, PublicIpv4Pool unread
	}
)

// igwUnread: API_InternetGateway.
type igwUnread struct{ OwnerId, Tags unread }

// natUnread: API_NatGateway; natAddressUnread: API_NatGatewayAddress.
type (
	natUnread struct {
		CreateTime, DeleteTime, FailureCode, FailureMessage, ProvisionedBandwidth, AutoScalingIps, AutoProvisionZones,
		RouteTableId unread
	}
	natAddressUnread struct {
		AllocationId, AssociationId, FailureMessage, AvailabilityZone, AvailabilityZoneId unread
	}
)

// groupUnread: API_SecurityGroup; groupPairUnread: API_UserIdGroupPair;
// ruleUnread: API_SecurityGroupRule; refGroupUnread:
// API_ReferencedSecurityGroup.
type (
	groupUnread     struct{ SecurityGroupArn, Tags unread }
	groupPairUnread struct {
		UserId, GroupName, VpcId, VpcPeeringConnectionId, PeeringStatus unread
	}
	ruleUnread     struct{ SecurityGroupRuleArn, Tags unread }
	refGroupUnread struct {
		PeeringStatus, UserId, VpcId, VpcPeeringConnectionId unread
	}
)

// aclUnread: API_NetworkAcl; aclAssocUnread: API_NetworkAclAssociation.
type (
	aclUnread      struct{ OwnerId, Tags unread }
	aclAssocUnread struct{ NetworkAclAssociationId unread }
)

// vpceUnread: API_VpcEndpoint. (API_EgressOnlyInternetGateway and its
// API_InternetGatewayAttachment have no member eigwJSON does not read.)
type vpceUnread struct {
	SubnetIds, Groups, DnsOptions, PrivateDnsEnabled, RequesterManaged, DnsEntries, CreationTimestamp, OwnerId,
	LastError, Ipv4Prefixes, Ipv6Prefixes, FailureReason, ServiceNetworkArn, ResourceConfigurationArn,
	ServiceRegion unread
}

// peeringUnread: API_VpcPeeringConnection; peerVPCUnread:
// API_VpcPeeringConnectionVpcInfo.
type (
	peeringUnread struct{ ExpirationTime unread }
	peerVPCUnread struct{ PeeringOptions unread }
)

// addressUnread: API_Address.
type addressUnread struct {
	Domain, NetworkInterfaceOwnerId, Tags, PublicIpv4Pool, NetworkBorderGroup, CustomerOwnedIp,
	CustomerOwnedIpv4Pool, CarrierIp, SubnetId, ServiceManaged unread
}

// prefixListUnread: API_ManagedPrefixList (describe-managed-prefix-lists;
// API_PrefixList, of describe-prefix-lists, has no member listJSON does
// not read); prefixEntryUnread: API_PrefixListEntry.
type (
	prefixListUnread struct {
		State, StateMessage, PrefixListArn, Version, Tags, IpamPrefixListResolverTargetId,
		IpamPrefixListResolverSyncEnabled unread
	}
	prefixEntryUnread struct{ Description unread }
)

// bpaOptionsUnread: API_VpcBlockPublicAccessOptions; bpaExclusionUnread:
// API_VpcBlockPublicAccessExclusion.
type (
	bpaOptionsUnread struct {
		AwsAccountId, Reason, LastUpdateTimestamp, ManagedBy, ExclusionsAllowed unread
	}
	bpaExclusionUnread struct {
		Reason, CreationTimestamp, LastUpdateTimestamp, DeletionTimestamp, Tags unread
	}
)

// tgwUnread: API_TransitGateway; tgwOptionsUnread:
// API_TransitGatewayOptions.
type (
	tgwUnread        struct{ TransitGatewayArn, OwnerId, Description, CreationTime unread }
	tgwOptionsUnread struct {
		AmazonSideAsn, TransitGatewayCidrBlocks, AutoAcceptSharedAttachments, DefaultRouteTableAssociation,
		AssociationDefaultRouteTableId, DefaultRouteTablePropagation, PropagationDefaultRouteTableId, VpnEcmpSupport,
		DnsSupport, MulticastSupport, EncryptionSupport unread
	}
)

// tgwAttUnread: API_TransitGatewayAttachment (its Association,
// API_TransitGatewayAttachmentAssociation, is read whole);
// tgwVpcAttUnread: API_TransitGatewayVpcAttachment; tgwVpcAttOptionsUnread:
// API_TransitGatewayVpcAttachmentOptions.
type (
	tgwAttUnread           struct{ TransitGatewayOwnerId, ResourceOwnerId, CreationTime unread }
	tgwVpcAttUnread        struct{ VpcOwnerId, CreationTime, Tags unread }
	tgwVpcAttOptionsUnread struct{ DnsSupport unread }
)

// tgwRTUnread: API_TransitGatewayRouteTable; tgwRouteUnread:
// API_TransitGatewayRoute (its API_TransitGatewayRouteAttachment is read
// whole); tgwMemberUnread: API_TransitGatewayRouteTablePropagation (an
// API_TransitGatewayRouteTableAssociation has no other member).
type (
	tgwRTUnread     struct{ DefaultAssociationRouteTable, DefaultPropagationRouteTable, CreationTime unread }
	tgwRouteUnread  struct{ TransitGatewayRouteTableAnnouncementId unread }
	tgwMemberUnread struct{ TransitGatewayRouteTableAnnouncementId unread }
)

// The Network Firewall API Reference's shapes (describe-firewall,
// describe-firewall-policy, describe-rule-group; nfwkeys.go).
// fwUnread: API_Firewall; fwStatusUnread: API_FirewallStatus;
// syncStateUnread: API_SyncState; fwAttachmentUnread: API_Attachment.
type (
	fwUnread struct {
		DeleteProtection, SubnetChangeProtection, FirewallPolicyChangeProtection, Description, FirewallId, Tags,
		EncryptionConfiguration, NumberOfAssociations, EnabledAnalysisTypes, TransitGatewayId,
		TransitGatewayOwnerAccountId, AvailabilityZoneMappings, AvailabilityZoneChangeProtection unread
	}
	fwStatusUnread struct {
		Status, ConfigurationSyncStateSummary, CapacityUsageSummary, TransitGatewayAttachmentSyncState unread
	}
	syncStateUnread    struct{ Config unread }
	fwAttachmentUnread struct{ StatusMessage unread }
)

// policyResponseUnread: API_FirewallPolicyResponse; policyUnread:
// API_FirewallPolicy; statefulRefUnread: API_StatefulRuleGroupReference;
// engineOptionsUnread: API_StatefulEngineOptions.
type (
	policyResponseUnread struct {
		FirewallPolicyId, Description, FirewallPolicyStatus, Tags, ConsumedStatelessRuleCapacity,
		ConsumedStatefulRuleCapacity, ConsumedStatefulDomainCapacity, NumberOfAssociations, EncryptionConfiguration,
		LastModifiedTime unread
	}
	policyUnread        struct{ EnableTLSSessionHolding unread }
	statefulRefUnread   struct{ DeepThreatInspection unread }
	engineOptionsUnread struct{ FlowTimeouts unread }
)

// ruleGroupResponseUnread: API_RuleGroupResponse. (API_RuleGroup,
// API_RulesSource and the rules' shapes have no member the parsers do
// not read.)
type ruleGroupResponseUnread struct {
	RuleGroupId, Description, RuleGroupStatus, Tags, ConsumedCapacity, NumberOfAssociations, EncryptionConfiguration, SourceMetadata,
	SnsTopic, LastModifiedTime, AnalysisResults, SummaryConfiguration unread
}
