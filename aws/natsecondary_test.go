package aws_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestLoadNATSecondaryAddresses: the private NAT gateway nat-0priv
// (10.3.2.5) with a secondary address 10.3.2.200 from describe-nat-gateways'
// NatGatewayAddresses: db admits the NAT subnet, so either address gets
// the same answer; where db admits the primary alone, the answer depends
// on the address the gateway takes.
func TestLoadNATSecondaryAddresses(t *testing.T) {
	addSecondary := func(fsys fstest.MapFS) {
		gwFSEdit(t, fsys, "gateways.json", `"IsPrimary": true,`, `"IsPrimary": true, "Status": "succeeded"}, {"PrivateIp": "10.3.2.200", "IsPrimary": false, "Status": "succeeded",`)
	}
	for _, tc := range []struct {
		name    string
		edit    func(fstest.MapFS)
		want    reach.Outcome
		unknown string
	}{
		{"the primary alone", nil, reach.Reachable, ""},
		{"a secondary address the subnet's rule admits too", addSecondary, reach.Reachable, ""},
		{"db admits the primary alone", func(fsys fstest.MapFS) {
			addSecondary(fsys)
			gwFSEdit(t, fsys, "security-groups.json", `"CidrIp": "10.3.2.0/24"`, `"CidrIp": "10.3.2.5/32"`)
		}, reach.Indeterminate, "NAT gateway nat-0priv sends each connection from one of its private addresses (10.3.2.5, 10.3.2.200)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := gwFS(t, nil)
			if tc.edit != nil {
				tc.edit(fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "gw")
			require.NoError(t, err)
			for _, w := range rep.Warnings {
				assert.NotContains(t, w, "secondary", "no address is left out")
			}
			r, err := m.Check(reach.Query{From: "app", To: "db", Protocol: flow.TCP, Port: 5432})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.unknown != "" {
				require.NotEmpty(t, r.Unknowns)
				assert.Contains(t, r.Unknowns[0], tc.unknown)
			}
		})
	}
}
