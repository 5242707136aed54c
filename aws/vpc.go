package aws

import (
	"encoding/json"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// VPCs and subnets: describe-vpcs and describe-subnets.

type vpcRec struct {
	vpc      reach.VPC
	at       jsonloc.Loc
	cidrAt   []jsonloc.Loc
	mainAt   jsonloc.Loc // the Main association in the route tables
	defACLAt jsonloc.Loc // the default ACL in the network ACLs
	bpaState string      // BlockPublicAccessStates.InternetGatewayBlockMode
	bpaAt    jsonloc.Loc
	privAt   []jsonloc.Loc // where each of vpc.PrivateIPv6 was read
}

type cidrAssocJSON struct {
	cidrAssocUnread
	CidrBlock      string
	CidrBlockState *blockStateJSON
}

type ipv6AssocJSON struct {
	ipv6AssocUnread
	Ipv6CidrBlock      string
	Ipv6CidrBlockState *blockStateJSON
	// Ipv6AddressAttribute "private" (or IpSource "none") is a private
	// IPv6 block, not advertised on the internet
	Ipv6AddressAttribute string
	IpSource             string
}

// private reports whether the block is private IPv6 space.
func (a ipv6AssocJSON) private() bool {
	return a.Ipv6AddressAttribute == "private" || a.IpSource == "none"
}

// associated reports whether a CIDR block association state counts.
func associated(st *blockStateJSON) bool {
	return st == nil || st.State == "" || st.State == "associated"
}

type vpcJSON struct {
	vpcUnread
	VpcId                       string
	CidrBlock                   string
	CidrBlockAssociationSet     []cidrAssocJSON
	Ipv6CidrBlockAssociationSet []ipv6AssocJSON
	Tags                        []tagJSON
	BlockPublicAccessStates     *struct{ InternetGatewayBlockMode string }
}

func (l *loader) readVPCs(o jsonloc.Loc, raw json.RawMessage) {
	vpcs, _ := decodeCheckedList[vpcJSON](l, o, raw)
	for i, v := range vpcs {
		at := o.Index(i)
		if !l.require(at, "", "VpcId", v.VpcId) || !l.claim("VPC", v.VpcId, at.Field("VpcId")) {
			continue
		}
		r := &vpcRec{vpc: reach.VPC{ID: v.VpcId, Name: nameTag(v.Tags)}, at: at}
		if s := v.BlockPublicAccessStates; s != nil {
			r.bpaState, r.bpaAt = s.InternetGatewayBlockMode, at.Field("BlockPublicAccessStates").Field("InternetGatewayBlockMode")
		}
		add := func(o jsonloc.Loc, s string, fam family) (netip.Prefix, bool) {
			p, ok := l.prefix(o, v.VpcId, s, fam)
			if ok && !slices.Contains(r.vpc.CIDRs, p) {
				r.vpc.CIDRs = append(r.vpc.CIDRs, p)
				r.cidrAt = append(r.cidrAt, o)
			}
			return p, ok
		}
		if v.CidrBlock != "" {
			add(at.Field("CidrBlock"), v.CidrBlock, fam4)
		}
		for j, a := range v.CidrBlockAssociationSet {
			ao := at.Field("CidrBlockAssociationSet").Index(j)
			if !associated(a.CidrBlockState) {
				l.warn(ao, "CIDR block %s of %s is %s: left out", a.CidrBlock, v.VpcId, a.CidrBlockState.State)
				continue
			}
			add(ao.Field("CidrBlock"), a.CidrBlock, fam4)
		}
		for j, a := range v.Ipv6CidrBlockAssociationSet {
			ao := at.Field("Ipv6CidrBlockAssociationSet").Index(j)
			if !associated(a.Ipv6CidrBlockState) {
				l.warn(ao, "IPv6 CIDR block %s of %s is %s: left out", a.Ipv6CidrBlock, v.VpcId, a.Ipv6CidrBlockState.State)
				continue
			}
			if p, ok := add(ao.Field("Ipv6CidrBlock"), a.Ipv6CidrBlock, fam6); ok && a.private() {
				r.vpc.PrivateIPv6 = append(r.vpc.PrivateIPv6, p)
				r.privAt = append(r.privAt, ao.Field("Ipv6CidrBlock"))
			}
		}
		l.vpcs = append(l.vpcs, r)
	}
}

type subnetRec struct {
	subnet reach.Subnet
	at     jsonloc.Loc
	cidrAt []jsonloc.Loc
	// maybeAt are where the associations of subnet.RouteTablesMaybe,
	// in transition, were read; why says what each is
	maybeAt []jsonloc.Loc
	why     []string
	// privateV6 are the subnet's private IPv6 blocks, read at privAt:
	// they join its VPC's (reach.VPC.PrivateIPv6) at assembly
	privateV6 []netip.Prefix
	privAt    []jsonloc.Loc
	rtAt      jsonloc.Loc
	aclAt     jsonloc.Loc
}

type subnetJSON struct {
	subnetUnread
	SubnetId, VpcId, CidrBlock, AvailabilityZone string
	AvailabilityZoneId, OwnerId                  string
	Ipv6CidrBlockAssociationSet                  []ipv6AssocJSON
	Tags                                         []tagJSON
}

func (l *loader) readSubnets(o jsonloc.Loc, raw json.RawMessage) {
	subnets, _ := decodeCheckedList[subnetJSON](l, o, raw)
	for i, s := range subnets {
		at := o.Index(i)
		if !l.require(at, "", "SubnetId", s.SubnetId) || !l.require(at, s.SubnetId, "VpcId", s.VpcId) ||
			!l.claim("subnet", s.SubnetId, at.Field("SubnetId")) {
			continue
		}
		r := &subnetRec{subnet: reach.Subnet{ID: s.SubnetId, Name: nameTag(s.Tags), VPC: s.VpcId, AvailabilityZone: s.AvailabilityZone,
			AvailabilityZoneID: s.AvailabilityZoneId, OwnerID: s.OwnerId}, at: at}
		if s.CidrBlock != "" {
			if p, ok := l.block(at.Field("CidrBlock"), s.SubnetId, s.CidrBlock, fam4); ok {
				r.subnet.CIDRs = append(r.subnet.CIDRs, p)
				r.cidrAt = append(r.cidrAt, at.Field("CidrBlock"))
			}
		}
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			ao := at.Field("Ipv6CidrBlockAssociationSet").Index(j)
			if !associated(a.Ipv6CidrBlockState) {
				l.warn(ao, "IPv6 CIDR block %s of %s is %s: left out", a.Ipv6CidrBlock, s.SubnetId, a.Ipv6CidrBlockState.State)
				continue
			}
			if p, ok := l.block(ao.Field("Ipv6CidrBlock"), s.SubnetId, a.Ipv6CidrBlock, fam6); ok {
				r.subnet.CIDRs = append(r.subnet.CIDRs, p)
				r.cidrAt = append(r.cidrAt, ao.Field("Ipv6CidrBlock"))
				if a.private() {
					r.privateV6 = append(r.privateV6, p)
					r.privAt = append(r.privAt, ao.Field("Ipv6CidrBlock"))
				}
			}
		}
		l.subnets = append(l.subnets, r)
	}
}
