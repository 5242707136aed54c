package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A public NAT gateway always has an Elastic IP (CreateNatGateway requires
// an allocation ID for connectivity type public, the default): a dump
// whose available public NAT gateway lists no PublicIp was trimmed. Its
// public address is unknown, not absent: the internet is reached through
// it, and a destination that admits one public address only is
// undecided, never a certain NO_PUBLIC_IP.
func TestPublicNATWithoutPublicIpHasAnUnknownAddress(t *testing.T) {
	for _, ct := range []string{`"ConnectivityType": "public",`, ``} {
		for _, tt := range []struct {
			name    string
			allowed string // the CIDR web admits on tcp/443
			to      string
			want    reach.Outcome
		}{
			{"to an internet host", "0.0.0.0/0", "93.184.216.34", reach.Reachable},
			{"to a public address that admits one address only", "198.51.100.5/32", "203.0.113.20", reach.Indeterminate},
		} {
			t.Run("connectivity "+ct+" "+tt.name, func(t *testing.T) {
				fsys := gwFS(t, nil)
				gwFSEdit(t, fsys, "gateways.json", `"ConnectivityType": "private",`, ct)
				gwFSEdit(t, fsys, "network-interfaces.json", `"NetworkInterfaces": [`, `"NetworkInterfaces": [
    {"NetworkInterfaceId": "eni-0web", "SubnetId": "subnet-0db", "VpcId": "vpc-0g", "Status": "in-use", "InterfaceType": "interface",
      "Attachment": {"Status": "attached", "DeviceIndex": 0, "InstanceId": "i-0web"}, "Groups": [{"GroupId": "sg-0web", "GroupName": "web"}],
      "PrivateIpAddress": "10.3.3.20", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.3.3.20", "Association": {"PublicIp": "203.0.113.20"}}],
      "Association": {"PublicIp": "203.0.113.20"}, "TagSet": [{"Key": "Name", "Value": "web"}]},`)
				gwFSEdit(t, fsys, "security-groups.json", `"SecurityGroups": [`, `"SecurityGroups": [
    {"GroupId": "sg-0web", "GroupName": "web", "VpcId": "vpc-0g", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "`+tt.allowed+`"}]}],
      "IpPermissionsEgress": []},`)
				m, rep, err := aws.LoadFS(fsys, "gw")
				require.NoError(t, err)
				require.Len(t, rep.Warnings, 1)
				assert.Contains(t, rep.Warnings[0], "gw/gateways.json: NatGateways[0].NatGatewayAddresses[0]: NAT gateway nat-0priv is public, but its address lists no PublicIp")
				r, err := m.Check(reach.Query{From: "app", To: tt.to, Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, tt.want, r.Outcome, "%s", r.Text())
				assert.NotContains(t, r.Codes(), reach.NoPublicIP, "%s", r.Text())
				if tt.want == reach.Indeterminate {
					assert.Contains(t, r.Text(), "NatGateways[0].NatGatewayAddresses[0]: PublicIp (not in the input)")
				}
			})
		}
	}
	t.Run("a private NAT gateway has no public address, and no warning", func(t *testing.T) {
		m, rep, err := aws.LoadFS(gwFS(t, nil), "gw")
		require.NoError(t, err)
		assert.Empty(t, rep.Warnings)
		r, err := m.Check(reach.Query{From: "app", To: "93.184.216.34", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Contains(t, r.Codes(), reach.NoPublicIP, "%s", r.Text())
	})
}
