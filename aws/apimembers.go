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
		RouteTableAssociationId, RouteTableId unread
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
