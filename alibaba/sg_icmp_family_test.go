package alibaba_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// TestParseSecurityGroupRefusesICMPOfTheOtherFamily: an ICMP rule whose
// peer is an IPv6 block, or an ICMPv6 rule whose peer is an IPv4 block,
// has no documented meaning on Alibaba Cloud (the console offers "All
// ICMP (IPv4)" and "All ICMP (IPv6)" apart, and no page says ICMP beside
// Ipv6SourceCidrIp means ICMPv6). Read as written it would match no
// packet, a certain answer the input does not decide, so it is refused,
// naming IpProtocol and its text. The matching pairs, and ICMP toward a
// group, stay accepted.
func TestParseSecurityGroupRefusesICMPOfTheOtherFamily(t *testing.T) {
	for _, c := range []struct {
		name, perm string
		refused    bool
		text       string
	}{
		{"ICMP from an IPv6 block",
			`{"Direction":"ingress","Policy":"Accept","IpProtocol":"ICMP","PortRange":"-1/-1","Ipv6SourceCidrIp":"::/0","NicType":"intranet"}`, true, "ICMP"},
		{"ICMPv6 from an IPv4 block",
			`{"Direction":"ingress","Policy":"Accept","IpProtocol":"ICMPv6","PortRange":"-1/-1","SourceCidrIp":"0.0.0.0/0","NicType":"intranet"}`, true, "ICMPv6"},
		{"protocol 1 to an IPv6 block",
			`{"Direction":"egress","Policy":"Drop","IpProtocol":"1","PortRange":"-1/-1","Ipv6DestCidrIp":"2001:db8::/32","NicType":"intranet"}`, true, "1"},
		{"protocol 58 to an IPv4 block",
			`{"Direction":"egress","Policy":"Drop","IpProtocol":"58","PortRange":"-1/-1","DestCidrIp":"10.0.0.0/8","NicType":"intranet"}`, true, "58"},
		{"ICMP from an IPv4 block",
			`{"Direction":"ingress","Policy":"Accept","IpProtocol":"ICMP","PortRange":"-1/-1","SourceCidrIp":"0.0.0.0/0","NicType":"intranet"}`, false, ""},
		{"ICMPv6 from an IPv6 block",
			`{"Direction":"ingress","Policy":"Accept","IpProtocol":"ICMPv6","PortRange":"-1/-1","Ipv6SourceCidrIp":"::/0","NicType":"intranet"}`, false, ""},
		{"ICMP from a prefix list",
			`{"Direction":"ingress","Policy":"Accept","IpProtocol":"ICMP","PortRange":"-1/-1","SourcePrefixListId":"pl-1","NicType":"intranet"}`, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := `{"SecurityGroupId":"sg-ent","VpcId":"vpc-1","InnerAccessPolicy":"Drop","Permissions":{"Permission":[` + c.perm + `]}}`
			g, err := alibaba.ParseSecurityGroup([]byte(data), sg.AlibabaEnterprise)
			if !c.refused {
				require.NoError(t, err)
				_, err = sg.Compile([]sg.Group{g}, sg.StaticResolver{PrefixLists: map[string][]netip.Prefix{"pl-1": {netip.MustParsePrefix("10.0.0.0/8")}}})
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, sg.ErrInvalidRule)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "Permissions.Permission[0].IpProtocol", ie.Path)
			assert.Equal(t, "sg-ent", ie.Resource)
			assert.Equal(t, c.text, ie.Text)
			assert.Contains(t, err.Error(), "Alibaba Cloud documents no meaning for the pair")
		})
	}
}
