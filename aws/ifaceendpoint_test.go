package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// vpceENI is the network interface of interface endpoint vpce-0sqs (in
// the gateways dump's vpc-endpoints.json) as describe-network-interfaces
// prints it: InterfaceType vpc_endpoint, requester-managed.
func vpceENI(desc string) string {
	return `{"NetworkInterfaces": [{
		"NetworkInterfaceId": "eni-0vpce", "SubnetId": "subnet-0app", "VpcId": "vpc-0g", "Status": "in-use",
		"InterfaceType": "vpc_endpoint", "RequesterManaged": true, "RequesterId": "727180483921",
		"Description": "` + desc + `",
		"Groups": [{"GroupId": "sg-0open", "GroupName": "open"}],
		"PrivateIpAddress": "10.3.1.50", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.3.1.50"}],
		"SourceDestCheck": true}]}`
}

// An interface endpoint's network interface is a destination only (AWS
// PrivateLink Guide: the endpoint carries the sessions resources open
// towards the service; the service cannot open one through it): a query
// from it is refused, one to it over TCP is judged by its groups, one of
// another protocol is undecided; Sources and Matrix take it for no
// source. The endpoint is named from describe-vpc-endpoints'
// NetworkInterfaceIds, else from the interface's Description.
func TestLoadInterfaceEndpointENI(t *testing.T) {
	for _, tc := range []struct {
		name, desc, listed, want string
	}{
		{"listed by the endpoint", "", `"NetworkInterfaceIds": ["eni-0vpce"],`, "vpce-0sqs"},
		{"named by its Description", "VPC Endpoint Interface vpce-0other", "", "vpce-0other"},
		{"named nowhere", "", "", "unnamed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := gwFS(t, map[string]string{"vpce-eni.json": vpceENI(tc.desc)})
			if tc.listed != "" {
				gwFSEdit(t, fsys, "vpc-endpoints.json", `"PrivateDnsEnabled": true`, tc.listed+` "PrivateDnsEnabled": true`)
			}
			m, _, err := aws.LoadFS(fsys, "gw")
			require.NoError(t, err)
			var got string
			for _, in := range m.Interfaces() {
				if in.ID == "eni-0vpce" {
					got = in.InterfaceEndpoint
				}
			}
			assert.Contains(t, got, tc.want)

			for _, from := range []string{"eni-0vpce", "10.3.1.50"} {
				_, err = m.Check(reach.Query{From: from, To: "app", Protocol: flow.TCP, Port: 22})
				require.ErrorIs(t, err, reach.ErrQuery, "the endpoint opens no session")
			}
			for _, q := range []struct {
				q    reach.Query
				want reach.Outcome
			}{
				{reach.Query{From: "app", To: "10.3.1.50", Protocol: flow.TCP, Port: 443}, reach.Reachable},
				{reach.Query{From: "app", To: "eni-0vpce", Protocol: flow.UDP, Port: 53}, reach.Indeterminate},
			} {
				r, err := m.Check(q.q)
				require.NoError(t, err)
				assert.Equal(t, q.want, r.Outcome, "%v", q.q)
			}

			s, err := m.Sources(reach.SourcesQuery{To: "app", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			for _, si := range s.Interfaces {
				assert.NotEqual(t, "eni-0vpce", si.ID, "the endpoint is no source")
			}
			mx, err := m.Matrix(reach.MatrixOptions{Workers: 1, NoInternet: true})
			require.NoError(t, err)
			var ep string
			for _, c := range mx.Classes {
				for _, mb := range c.Members {
					if mb.ID == "eni-0vpce" {
						ep = c.Name
						assert.Len(t, c.Members, 1, "the endpoint's interface shares its class with no host")
					}
				}
			}
			require.NotEmpty(t, ep)
			for _, c := range mx.Cells {
				assert.NotEqual(t, ep, c.From, "no cell from the endpoint: %+v", c)
			}
		})
	}
}
