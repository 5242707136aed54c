package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Route table associations in transition (associating, disassociating):
// AWS may or may not route the subnet by the table yet, so an answer the
// tables tell apart is indeterminate, naming the association, and one
// they agree on stays certain (doc.go, Route tables).

// assocTable adds rtb-priv (local routes only, and 10.9.0.0/16 to a
// blackhole) to dualFS, with assoc as its association, and gives eni-a a
// public IP.
func assocTable(assoc string) func(f map[string]string) {
	return func(f map[string]string) {
		dualPublicA(f)
		f["route-tables.json"] = strings.Replace(f["route-tables.json"], `]}]}`, `]},
		{"RouteTableId": "rtb-priv", "VpcId": "vpc-1", "Associations": [`+assoc+`], "Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "10.9.0.0/16", "NatGatewayId": "nat-gone", "Origin": "CreateRoute", "State": "blackhole"}]}]}`, 1)
	}
}

func subnetAssoc(state string) string {
	return `{"Main": false, "SubnetId": "subnet-a", "RouteTableId": "rtb-priv", "RouteTableAssociationId": "rtbassoc-1", "AssociationState": {"State": "` + state + `"}}`
}

func TestRouteTableAssociationInTransition(t *testing.T) {
	internet := reach.Query{From: "eni-a", To: "93.184.216.34", Protocol: flow.TCP, Port: 443}
	inside := reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 22}
	blackhole := reach.Query{From: "eni-a", To: "10.9.0.1", Protocol: flow.TCP, Port: 22}
	for _, tc := range []struct {
		name, assoc string
		q           reach.Query
		want        reach.Outcome
		missing     string // in the answer's unknowns
	}{
		{"associated: the table routes the subnet", subnetAssoc("associated"), internet, reach.Unreachable, ""},
		{"disassociated: the main table does", subnetAssoc("disassociated"), internet, reach.Reachable, ""},
		{"associating: the tables differ", subnetAssoc("associating"), internet, reach.Indeterminate, "the association of rtb-priv with subnet-a is associating"},
		{"disassociating: the tables differ", subnetAssoc("disassociating"), internet, reach.Indeterminate, "the association of rtb-priv with subnet-a is disassociating"},
		{"associating: a blackhole in one, none in the other", subnetAssoc("associating"), blackhole, reach.Indeterminate, "the association of rtb-priv with subnet-a is associating"},
		{"associating: both route the VPC locally", subnetAssoc("associating"), inside, reach.Reachable, ""},
		// a main association in transition: the subnets on the main table
		// may be routed by rtb-priv instead
		{"main associating", `{"Main": true, "RouteTableAssociationId": "rtbassoc-2", "AssociationState": {"State": "associating"}}`, internet, reach.Indeterminate,
			"the main association of rtb-priv is associating"},
		{"main associating, alike inside", `{"Main": true, "RouteTableAssociationId": "rtbassoc-2", "AssociationState": {"State": "associating"}}`, inside, reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := dualCheck(t, dualFS(assocTable(tc.assoc)), tc.q)
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings: %v", r.Text(), w)
			if tc.missing != "" {
				assert.Contains(t, r.Text(), "missing: which of rtb-main, rtb-priv routes subnet subnet-a: "+tc.missing, r.Text())
				und := r.Undecided()
				if assert.NotEmpty(t, und) {
					assert.Equal(t, reach.RouteIndeterminate, und[0].Code, r.Text())
				}
			}
		})
	}
}

// The other subnet, on the main table, is not concerned by an explicit
// association of subnet-a in transition.
func TestRouteTableAssociationInTransitionOtherSubnet(t *testing.T) {
	fsys := dualFS(func(f map[string]string) {
		assocTable(subnetAssoc("associating"))(f)
		f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", "") + `,` +
			dualENI("eni-b", "subnet-b", "10.0.2.10", `"Association": {"PublicIp": "198.51.100.20", "IpOwnerId": "amazon"}`) + `]}`
	})
	r, w := dualCheck(t, fsys, reach.Query{From: "eni-b", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
	assert.Equal(t, reach.Reachable, r.Outcome, "%s\nwarnings: %v", r.Text(), w)
	assert.Contains(t, strings.Join(w, "\n"), "which route table routes subnet-a is undecided")
}

// An edge association with the internet gateway in transition: what
// enters through the gateway may be routed by the table (here to an
// appliance, eni-b) or delivered by the local route.
func TestEdgeAssociationInTransition(t *testing.T) {
	edge := func(state string) func(f map[string]string) {
		return func(f map[string]string) {
			dualPublicA(f)
			f["route-tables.json"] = strings.Replace(f["route-tables.json"], `]}]}`, `]},
			{"RouteTableId": "rtb-edge", "VpcId": "vpc-1", "Associations": [{"Main": false, "GatewayId": "igw-1", "RouteTableAssociationId": "rtbassoc-9",
			  "AssociationState": {"State": "`+state+`"}}], "Routes": [
				{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
				{"DestinationCidrBlock": "10.0.1.0/24", "NetworkInterfaceId": "eni-gone", "Origin": "CreateRoute", "State": "blackhole"}]}]}`, 1)
		}
	}
	for _, tc := range []struct {
		state string
		to    string
		want  reach.Outcome
	}{
		{"associated", "198.51.100.10", reach.Unreachable}, // the blackhole
		{"disassociated", "198.51.100.10", reach.Reachable},
		{"associating", "198.51.100.10", reach.Indeterminate},
		{"disassociating", "198.51.100.10", reach.Indeterminate},
	} {
		t.Run(tc.state, func(t *testing.T) {
			r, w := dualCheck(t, dualFS(edge(tc.state)), reach.Query{From: "203.0.113.7", To: tc.to, Protocol: flow.TCP, Port: 443})
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings: %v", r.Text(), w)
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), "whether the edge association of rtb-edge with igw-1 applies: the edge association of rtb-edge with igw-1 is "+tc.state)
			}
		})
	}
}
