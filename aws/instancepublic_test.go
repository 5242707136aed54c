package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// describe-instances' PublicIpAddress is the primary interface's public
// address; when the interface element does not print its Association (a
// --query trimmed it), the instance's own field still says the address,
// and when both say one they must agree.
func TestInstancePublicIpAddress(t *testing.T) {
	for _, tt := range []struct {
		name, instance, association string
		want                        reach.Outcome
		err                         string
	}{
		{name: "the instance's field alone", instance: `"PublicIpAddress": "203.0.113.7",`, want: reach.Reachable},
		{name: "both, agreeing", instance: `"PublicIpAddress": "203.0.113.7",`, association: `"Association": {"PublicIp": "203.0.113.7"},`, want: reach.Reachable},
		{name: "the interface's alone", association: `"Association": {"PublicIp": "203.0.113.7"},`, want: reach.Reachable},
		{name: "neither: no public address", want: reach.Unreachable},
		{name: "both, disagreeing", instance: `"PublicIpAddress": "203.0.113.8",`, association: `"Association": {"PublicIp": "203.0.113.7"},`,
			err: `d/instances.json: Reservations[0].Instances[0].PublicIpAddress (eni-a): "203.0.113.8": invalid AWS CLI output: the instance's PublicIpAddress is not 203.0.113.7, the public IP of its primary interface eni-a (at d/instances.json: Reservations[0].Instances[0].NetworkInterfaces[0].Association.PublicIp)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := auditFS()
			delete(fsys, "d/network-interfaces.json")
			fsys["d/instances.json"] = &fstest.MapFile{Data: []byte(`{"Reservations": [{"Instances": [{"InstanceId": "i-a", "State": {"Name": "running"},
				` + tt.instance + ` "PrivateIpAddress": "10.0.1.10", "SubnetId": "subnet-a", "SourceDestCheck": true,
				"NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-a", "Status": "in-use", "InterfaceType": "interface",
					"Attachment": {"DeviceIndex": 0, "Status": "attached"}, "SourceDestCheck": true, ` + tt.association + `
					"PrivateIpAddress": "10.0.1.10", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}],
					"Groups": [{"GroupId": "sg-open", "GroupName": "open"}]}]}]}]}`)}
			fsys["d/igw.json"] = &fstest.MapFile{Data: []byte(`{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}`)}
			rt := string(fsys["d/route-tables.json"].Data)
			rt = strings.Replace(rt, `"State": "active"}]`, `"State": "active"}, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}]`, 1)
			fsys["d/route-tables.json"] = &fstest.MapFile{Data: []byte(rt)}
			m, _, err := aws.LoadFS(fsys, "d")
			if tt.err != "" {
				require.ErrorIs(t, err, aws.ErrInvalidDump)
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "198.51.100.9", To: "eni-a", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, "%s", r.Text())
			if tt.want == reach.Reachable {
				assert.Equal(t, "203.0.113.7", m.Interfaces()[0].PublicIP.String())
			}
		})
	}
}
