package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// zoneIDResources is tgwResources with a second subnet in aws_vpc.b,
// aws_subnet.b2 (eu-west-1b, routed by the VPC's main table), also in
// attachment b, and with the subnets' availability_zone_id set from ids
// (left unknown, known only after apply, when absent). The gateway
// auto-accepts shared attachments.
func zoneIDResources(ids map[string]any) []planRes {
	rs := tgwResources(map[string]any{"auto_accept_shared_attachments": "enable"}, nil)
	vpcRef := []string{"aws_vpc.b.id", "aws_vpc.b"}
	rs = append(rs, planRes{typ: "aws_subnet", name: "b2", values: map[string]any{"cidr_block": "10.2.2.0/24", "availability_zone": "eu-west-1b"},
		unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}})
	for i := range rs {
		switch r := &rs[i]; {
		case r.typ == "aws_subnet":
			if id, ok := ids[r.name]; ok {
				r.values["availability_zone_id"] = id
			} else {
				r.unknown["availability_zone_id"] = true
			}
		case r.typ == "aws_ec2_transit_gateway_vpc_attachment" && r.name == "b":
			r.exprs["subnet_ids"] = []string{"aws_subnet.b.id", "aws_subnet.b", "aws_subnet.b2.id", "aws_subnet.b2"}
		}
	}
	return rs
}

// Zone names map to physical zones per account; a transit gateway keeps
// a packet in its physical zone (AWS Regions and Availability Zones, "AZ
// IDs"). aws_instance.a's subnet and aws_subnet.b are both eu-west-1a by
// name. Of one provider configuration (one account) the names decide; of
// two whose accounts the plan does not show, only availability_zone_id
// decides, and where it is known only after apply the exit is undecided.
func TestTGWZoneIDsPlan(t *testing.T) {
	spoke := map[string]string{}
	for _, a := range []string{"aws_vpc.b", "aws_subnet.b", "aws_subnet.b2", "aws_ec2_transit_gateway_vpc_attachment.b", "aws_route_table.b",
		"aws_route_table_association.b", "aws_security_group.b", "aws_instance.b"} {
		spoke[a] = "aws.spoke"
	}
	tests := []struct {
		name string
		ids  map[string]any
		keys map[string]string
		data []providerData
		want reach.Outcome
		// forked: the input does not decide the subnet the packet leaves
		// by, so the walk tries each (here each delivers)
		forked bool
		// shows is the attachment subnet the trace leaves by, when decided
		shows string
	}{
		{"one provider configuration, AZ IDs unknown: names decide", nil, nil, nil, reach.Reachable, false, ""},
		{"two configurations, AZ IDs unknown: undecided, each subnet walked", nil, spoke, nil, reach.Reachable, true, ""},
		{"two configurations, AZ IDs known: they decide", map[string]any{"a": "euw1-az1", "b": "euw1-az1", "b2": "euw1-az2"}, spoke, nil, reach.Reachable, false, "6 ✓ security-groups aws_security_group.b (aws_instance.b) inbound"},
		{"two configurations, AZ IDs known, b2 the zone", map[string]any{"a": "euw1-az2", "b": "euw1-az1", "b2": "euw1-az2"}, spoke, nil, reach.Reachable, false, "(aws_subnet.b2) outbound"},
		{"two configurations of one account shown: names decide", nil, spoke,
			[]providerData{callerOf("hub", "aws", "111122223333"), callerOf("spoke", "aws.spoke", "111122223333")}, reach.Reachable, false, ""},
		{"two configurations of two accounts shown: undecided, each subnet walked", nil, spoke,
			[]providerData{callerOf("hub", "aws", "111122223333"), callerOf("spoke", "aws.spoke", "222233334444")}, reach.Reachable, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := withProviders(t, planOf(t, zoneIDResources(tt.ids)...), tt.keys, tt.data...)
			m, err := terraform.Parse("plan.json", plan, &terraform.Report{})
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			assert.NotContains(t, r.Codes(), reach.TGWExitZoneUnknown, r.Text())
			var details []string
			for _, h := range r.Forward {
				if h.Kind == reach.KindTransitGateway {
					details = append(details, h.Details()...)
				}
			}
			const walked = "every subnet the transit gateway may take gives the answer this trace gives"
			if tt.forked {
				assert.Contains(t, strings.Join(details, "\n"), walked, r.Text())
			} else {
				assert.NotContains(t, strings.Join(details, "\n"), walked, r.Text())
			}
			assert.Contains(t, r.Text(), tt.shows)
		})
	}
}

// availability_zone_id of another type than a string is an error naming
// the resource and the attribute.
func TestTGWZoneIDsPlanWrongType(t *testing.T) {
	_, err := terraform.Parse("plan.json", planOf(t, zoneIDResources(map[string]any{"a": 7})...), &terraform.Report{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aws_subnet.a: availability_zone_id")
	assert.Contains(t, err.Error(), "not a string")
}
