package aws_test

import (
	"fmt"
	"net/netip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// The loader declares the addresses of an interface it leaves out with
// the names a query may give it (reach.LeftOutNames): its ID, its
// instance's, and its Name tag (its instance's, for a primary interface
// without one of its own). A query naming it gets its address's answer:
// undecided while the instance is pending or stopping (or its State is
// not printed), the certain drop naming it once stopped (audit cli26,
// finding 3).
func TestLoadLeftOutInstanceNames(t *testing.T) {
	names := reach.LeftOutNames{Interface: "eni-b", Instance: "i-b", Name: "b-host"}
	for _, tt := range []struct {
		state    string // "" leaves State out
		outcome  reach.Outcome
		hostless bool
	}{
		{"stopping", reach.Indeterminate, false},
		{"pending", reach.Indeterminate, false},
		{"", reach.Indeterminate, false},
		{"stopped", reach.Unreachable, true},
	} {
		t.Run(tt.state, func(t *testing.T) {
			fsys := auditFS(`{"NetworkInterfaceId": "eni-b", "SubnetId": "subnet-a", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "interface",
				"Attachment": {"InstanceId": "i-b", "DeviceIndex": 0, "Status": "attached"}, "SourceDestCheck": true,
				"PrivateIpAddress": "10.0.1.20", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.20"}],
				"Groups": [{"GroupId": "sg-open", "GroupName": "open"}]}`)
			state := ""
			if tt.state != "" {
				state = fmt.Sprintf(`"State": {"Name": %q},`, tt.state)
			}
			fsys["d/instances.json"] = &fstest.MapFile{Data: []byte(`{"Reservations": [{"Instances": [
				{"InstanceId": "i-a", "State": {"Name": "running"}},
				{"InstanceId": "i-b", ` + state + ` "Tags": [{"Key": "Name", "Value": "b-host"}]}]}]}`)}
			m, _, err := aws.LoadFS(fsys, "d")
			require.NoError(t, err)
			a := netip.MustParseAddr("10.0.1.20")
			if tt.hostless {
				require.Len(t, m.HostlessAddresses(), 1)
				assert.Equal(t, names, m.HostlessAddresses()[0].LeftOutNames)
			} else {
				require.Len(t, m.UnmodelledAddresses(), 1)
				assert.Equal(t, a, m.UnmodelledAddresses()[0].Address)
				assert.Equal(t, names, m.UnmodelledAddresses()[0].LeftOutNames)
			}
			q := reach.Query{From: "eni-a", To: a.String(), Protocol: flow.TCP, Port: 22}
			want, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, want.Outcome, want.Text())
			for _, n := range []string{"eni-b", "i-b", "b-host"} {
				q.To = n
				got, err := m.Check(q)
				require.NoError(t, err, n)
				assert.Equal(t, want.Text(), got.Text(), "to %s", n)
			}
			_, err = m.Check(reach.Query{From: "b-host", To: "eni-a", Protocol: flow.TCP, Port: 22})
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, `"b-host" is eni-b, which reachsim leaves out of the model`)
		})
	}
}
