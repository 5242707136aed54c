package aws

import (
	"slices"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// FirewallEndpoint is one firewall endpoint: its Availability Zone, subnet
// and endpoint ID (the vpce-… that routes name), and the IP address type
// of its subnet's mapping.
type FirewallEndpoint struct {
	AvailabilityZone string
	SubnetID         string
	EndpointID       string
	Status           string
	// IPAddressType is the IPAddressType of the subnet mapping of
	// SubnetID (IPV4, IPV6 or DUALSTACK), "" when the output has none
	// (an older CLI's): see [reach.FirewallEndpointSpec.IPAddressType].
	IPAddressType string
}

// FirewallSpec is a firewall as `aws network-firewall describe-firewall`
// prints it.
type FirewallSpec struct {
	Name, ARN, PolicyARN, VPCID string
	Subnets                     []string // SubnetMappings
	Endpoints                   []FirewallEndpoint
}

// ParseFirewall reads `aws network-firewall describe-firewall` output: the
// firewall's name, ARN, policy ARN, VPC and subnet mappings, and from
// FirewallStatus.SyncStates each Availability Zone's endpoint (sorted by
// zone), with the IPAddressType of its subnet's mapping (IPV4, IPV6 or
// DUALSTACK; absent in older output, when the endpoint's is unknown; any
// other value is an error). FirewallPolicyArn and VpcId are required (transit
// gateway-attached firewalls, which have no VPC, are not supported). A
// subnet mapping without an endpoint in the sync states is an error:
// routes need the endpoint ID.
//
// Errors are *[flow.InputError] values with the JSON path, the firewall's
// name (or ARN) as Resource and the offending text, wrapping
// [firewall.ErrInvalidPolicy] or [flow.ErrJSON].
func ParseFirewall(data []byte) (FirewallSpec, error) {
	var doc struct {
		Firewall *struct {
			FirewallName, FirewallArn, FirewallPolicyArn, VpcId string
			SubnetMappings                                      []struct{ SubnetId, IPAddressType string }
		}
		FirewallStatus *struct {
			SyncStates map[string]struct {
				Attachment *struct {
					SubnetId, EndpointId, Status string
				}
			}
		}
	}
	var s FirewallSpec
	if err := jsonloc.Document(data, &doc); err != nil {
		return s, err
	}
	l := jsonloc.Loc{Path: "Firewall"}
	if doc.Firewall == nil {
		return s, l.Fail("", firewall.ErrInvalidPolicy, "missing: not the output of aws network-firewall describe-firewall")
	}
	f := doc.Firewall
	s.Name, s.ARN, s.PolicyARN, s.VPCID = f.FirewallName, f.FirewallArn, f.FirewallPolicyArn, f.VpcId
	l.Resource = nameOrARN(s.Name, s.ARN)
	for _, req := range [...]struct{ field, v string }{{"FirewallPolicyArn", s.PolicyARN}, {"VpcId", s.VPCID}} {
		if req.v == "" {
			return s, l.Field(req.field).Fail("", firewall.ErrInvalidPolicy, "missing")
		}
	}
	ml := l.Field("SubnetMappings")
	types := map[string]string{} // subnet ID -> its mapping's IPAddressType
	for i, m := range f.SubnetMappings {
		if m.SubnetId == "" {
			return s, ml.Index(i).Field("SubnetId").Fail("", firewall.ErrInvalidPolicy, "missing")
		}
		switch m.IPAddressType {
		case "", "IPV4", "IPV6", "DUALSTACK":
		default:
			return s, ml.Index(i).Field("IPAddressType").Fail(m.IPAddressType, firewall.ErrInvalidPolicy, "unknown IP address type of subnet %s's mapping (AWS's are IPV4, IPV6 and DUALSTACK)", m.SubnetId)
		}
		s.Subnets = append(s.Subnets, m.SubnetId)
		types[m.SubnetId] = m.IPAddressType
	}
	if doc.FirewallStatus != nil {
		sl := jsonloc.Loc{Path: "FirewallStatus.SyncStates", Resource: l.Resource}
		for _, az := range sortedKeys(doc.FirewallStatus.SyncStates) {
			a := doc.FirewallStatus.SyncStates[az].Attachment
			al := sl.Key(az).Field("Attachment")
			if a == nil {
				return s, al.Fail("", firewall.ErrInvalidPolicy, "missing: the zone's sync state has no attachment, so no endpoint")
			}
			switch {
			case a.SubnetId == "":
				return s, al.Field("SubnetId").Fail("", firewall.ErrInvalidPolicy, "missing")
			case a.EndpointId == "":
				return s, al.Field("EndpointId").Fail(a.SubnetId, firewall.ErrInvalidPolicy, "the attachment in subnet %s has no endpoint (status %q)", a.SubnetId, a.Status)
			}
			s.Endpoints = append(s.Endpoints, FirewallEndpoint{AvailabilityZone: az, SubnetID: a.SubnetId, EndpointID: a.EndpointId, Status: a.Status, IPAddressType: types[a.SubnetId]})
		}
	}
	for i, sub := range s.Subnets {
		if !slices.ContainsFunc(s.Endpoints, func(e FirewallEndpoint) bool { return e.SubnetID == sub }) {
			return s, ml.Index(i).Field("SubnetId").Fail(sub, firewall.ErrInvalidPolicy, "no endpoint for this subnet in FirewallStatus.SyncStates")
		}
	}
	return s, nil
}
