package alibaba_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
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
			`{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"ICMP","PortRange":"-1/-1","Ipv6SourceCidrIp":"::/0","NicType":"intranet"}`, true, "ICMP"},
		{"ICMPv6 from an IPv4 block",
			`{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"ICMPv6","PortRange":"-1/-1","SourceCidrIp":"0.0.0.0/0","NicType":"intranet"}`, true, "ICMPv6"},
		{"protocol 1 to an IPv6 block",
			`{"Direction":"egress","Policy":"Drop","Priority":1,"IpProtocol":"1","PortRange":"-1/-1","Ipv6DestCidrIp":"2001:db8::/32","NicType":"intranet"}`, true, "1"},
		{"protocol 58 to an IPv4 block",
			`{"Direction":"egress","Policy":"Drop","Priority":1,"IpProtocol":"58","PortRange":"-1/-1","DestCidrIp":"10.0.0.0/8","NicType":"intranet"}`, true, "58"},
		{"ICMP from an IPv4 block",
			`{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"ICMP","PortRange":"-1/-1","SourceCidrIp":"0.0.0.0/0","NicType":"intranet"}`, false, ""},
		{"ICMPv6 from an IPv6 block",
			`{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"ICMPv6","PortRange":"-1/-1","Ipv6SourceCidrIp":"::/0","NicType":"intranet"}`, false, ""},
		{"ICMP from a prefix list",
			`{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"ICMP","PortRange":"-1/-1","SourcePrefixListId":"pl-1","NicType":"intranet"}`, false, ""},
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

// TestICMPByAPrefixListOfTheOtherFamily: an ICMP rule whose
// SourcePrefixListId names an IPv6 list (or ICMPv6 with an IPv4 list)
// has no documented meaning either, but the reader cannot see the list's
// family: the model built with the list matched no packet by the rule,
// so a drop rule dropped no ping and an accept rule allowed none, in
// silence. Now the build is refused, naming the group, the rule
// (SecurityGroupRuleId) and the list; the pairs of one family build.
func TestICMPByAPrefixListOfTheOtherFamily(t *testing.T) {
	v4, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-4", "AddressFamily": "IPv4", "Entries": {"Entry": [{"Cidr": "198.51.100.0/24"}]}}`))
	require.NoError(t, err)
	v6, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-6", "AddressFamily": "IPv6", "Entries": {"Entry": [{"Cidr": "2001:db8::/32"}]}}`))
	require.NoError(t, err)
	for _, c := range []struct {
		proto, list string
		refused     bool
	}{
		{"ICMP", "pl-6", true},
		{"ICMPv6", "pl-4", true},
		{"1", "pl-6", true},
		{"ICMP", "pl-4", false},
		{"ICMPv6", "pl-6", false},
	} {
		t.Run(c.proto+" "+c.list, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup([]byte(`{"SecurityGroupId": "sg-a", "VpcId": "vpc-a", "Permissions": {"Permission": [
			    {"SecurityGroupRuleId": "sgr-ping", "Direction": "ingress", "Policy": "Drop", "Priority": 1,
			     "IpProtocol": "`+c.proto+`", "PortRange": "-1/-1", "SourcePrefixListId": "`+c.list+`", "NicType": "intranet"}]}}`), sg.AlibabaBasic)
			require.NoError(t, err, "the reader cannot see the list's family")
			p, a := netip.MustParsePrefix, netip.MustParseAddr
			_, err = reach.NewBuilder().
				AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
				AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a"}).
				AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
				AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
				AddSecurityGroup(g).
				AddPrefixList(v4, v6).
				AddInterface(reach.Interface{ID: "eni-ecs", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.0.1.5")}, Groups: []string{g.ID}}).
				Build()
			if !c.refused {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorIs(t, err, sg.ErrInvalidRule)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "sg-a", ie.Resource)
			assert.ErrorContains(t, err, "groups[0]")
			assert.ErrorContains(t, err, "sgr-ping")
			assert.ErrorContains(t, err, "peer prefix list "+c.list)
			assert.ErrorContains(t, err, "Alibaba Cloud documents no meaning for the pair")
		})
	}
}
