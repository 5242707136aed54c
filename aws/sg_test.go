package aws_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// Tiny constructors for the rules the parsers should produce. They follow
// the parsers' conventions: Ports only for TCP and UDP, ICMPType/ICMPCode -1
// unless the rule is ICMP with a type.

// parsedRule builds a rule from "tcp 22", "udp 1024-65535", "icmp 8/-1",
// "icmpv6" (all types), "all" or a protocol number such as "50".
func parsedRule(dir flow.Direction, traffic string, peer sg.Peer, desc string) sg.Rule {
	r := sg.Rule{Direction: dir, ICMPType: -1, ICMPCode: -1, Peer: peer, Description: desc}
	proto, rest, _ := strings.Cut(traffic, " ")
	r.Protocol = flow.MustParseProtocol(proto)
	switch {
	case r.Protocol.HasPorts():
		ports, err := flow.ParseRange[uint16](rest)
		if err != nil {
			panic(err)
		}
		r.Ports = ports
	case r.Protocol.IsICMP() && rest != "":
		t, c, _ := strings.Cut(rest, "/")
		r.ICMPType, r.ICMPCode = int16(mustAtoi(t)), int16(mustAtoi(c))
	}
	return r
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func inbound(traffic string, peer sg.Peer, desc string) sg.Rule {
	return parsedRule(flow.Inbound, traffic, peer, desc)
}

func outbound(traffic string, peer sg.Peer, desc string) sg.Rule {
	return parsedRule(flow.Outbound, traffic, peer, desc)
}

// ruleID sets a rule's ID.
func ruleID(id string, r sg.Rule) sg.Rule { r.ID = id; return r }

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/sg", name))
	require.NoError(t, err)
	return data
}

// referenceResolver knows exactly the given groups and every group and
// prefix list their rules reference, and nothing else.
func referenceResolver(groups ...sg.Group) sg.StaticResolver {
	res := sg.StaticResolver{Members: map[string][]netip.Addr{}, PrefixLists: map[string][]netip.Prefix{}}
	for _, g := range groups {
		res.Members[g.ID] = nil
		for _, r := range g.Rules {
			switch r.Peer.Kind {
			case sg.PeerGroup:
				res.Members[r.Peer.Group] = nil
			case sg.PeerPrefixList:
				res.PrefixLists[r.Peer.PrefixList] = []netip.Prefix{netip.MustParsePrefix("198.18.0.0/15")}
			}
		}
	}
	return res
}

func TestParseSecurityGroupsReadsTheCLIExample(t *testing.T) {
	groups, err := aws.ParseSecurityGroups(readTestdata(t, "describe-security-groups-cli-example.json"))
	require.NoError(t, err)
	want := []sg.Group{{
		ID:          "sg-903004f8",
		Name:        "MySecurityGroup",
		Description: "My security group",
		VPCID:       "vpc-1a2b3c4d",
		OwnerID:     "123456789012",
		Flavour:     sg.AWS,
		Rules: []sg.Rule{
			inbound("all", sg.GroupRef("sg-903004f8"), ""),
			inbound("tcp 22", sg.CIDR("203.0.113.0/24"), "Access from NY office"),
			outbound("all", sg.AnyIPv4, ""),
		},
	}}
	assert.Equal(t, want, groups)
}

func TestParseSecurityGroupsExpandsARichDump(t *testing.T) {
	groups, err := aws.ParseSecurityGroups(readTestdata(t, "describe-security-groups.json"))
	require.NoError(t, err)
	require.Len(t, groups, 3)

	web := groups[0]
	assert.Equal(t, "sg-0a1b2c3d4e5f60001", web.ID)
	assert.Equal(t, "web", web.Name)
	assert.Equal(t, "Public web tier", web.Description)
	assert.Equal(t, "vpc-0123456789abcdef0", web.VPCID)
	assert.Equal(t, "111122223333", web.OwnerID)
	assert.Equal(t, sg.AWS, web.Flavour)
	assert.Equal(t, []sg.Rule{
		// One permission, an IPv4 and an IPv6 peer.
		inbound("tcp 443", sg.AnyIPv4, "HTTPS from anywhere"),
		inbound("tcp 443", sg.AnyIPv6, "HTTPS from anywhere (IPv6)"),
		// One permission, five peers of four kinds: IpRanges, Ipv6Ranges,
		// PrefixListIds, UserIdGroupPairs, whatever order the keys come in.
		inbound("tcp 22", sg.CIDR("203.0.113.0/24"), "NY office"),
		inbound("tcp 22", sg.CIDR("198.51.100.17/32"), ""),
		inbound("tcp 22", sg.CIDR("2001:db8::/32"), "office IPv6"),
		inbound("tcp 22", sg.PrefixList("pl-0a1b2c3d4e5f60718"), "corporate VPN"),
		inbound("tcp 22", sg.GroupRef("sg-0a1b2c3d4e5f60003"), "bastion"),
		inbound("icmp 8/-1", sg.CIDR("10.0.0.0/16"), "ping from the VPC"),
		inbound("icmp 3/4", sg.AnyIPv4, "path MTU discovery"),
		inbound("icmpv6 128/0", sg.CIDR("2001:db8::/32"), "ping6 from the office"),
		inbound("icmpv6", sg.CIDR("2001:db8:1234::/48"), "all ICMPv6 from the VPC"),
		inbound("50", sg.CIDR("192.0.2.10/32"), "IPsec peer (ESP)"),
		// Another account's group: the plain group ID.
		inbound("tcp 8080-8090", sg.GroupRef("sg-0fedcba9876543210"), "partner app tier"),
		// The udp/53 permission has no peer and yields no rule.
		outbound("all", sg.AnyIPv4, ""),
		outbound("all", sg.AnyIPv6, ""),
		outbound("tcp 5432", sg.GroupRef("sg-0a1b2c3d4e5f60002"), "to the database"),
	}, web.Rules)

	db := groups[1]
	assert.Equal(t, "sg-0a1b2c3d4e5f60002", db.ID)
	assert.Equal(t, []sg.Rule{
		inbound("tcp 5432", sg.GroupRef("sg-0a1b2c3d4e5f60001"), "from web"),
		inbound("all", sg.GroupRef("sg-0a1b2c3d4e5f60002"), ""),
	}, db.Rules, "null and missing peer lists are empty; IpPermissionsEgress [] gives no outbound rule")

	bastion := groups[2]
	assert.Equal(t, "sg-0a1b2c3d4e5f60003", bastion.ID)
	assert.Equal(t, []sg.Rule{inbound("tcp 22", sg.CIDR("203.0.113.0/24"), "NY office")}, bastion.Rules,
		"a group without IpPermissionsEgress has no outbound rule")
}

func TestParseSecurityGroupRulesGroupsRulesByGroupInFirstAppearanceOrder(t *testing.T) {
	groups, err := aws.ParseSecurityGroupRules(readTestdata(t, "describe-security-group-rules.json"))
	require.NoError(t, err)
	want := []sg.Group{
		{
			ID:      "sg-1234567890abcdef0",
			OwnerID: "111122223333",
			Rules: []sg.Rule{
				// The example element from the CLI docs: -1 with ports -1/-1.
				ruleID("sgr-abcdef01234567890", inbound("all", sg.GroupRef("sg-1234567890abcdef0"), "")),
				ruleID("sgr-0a11111111111111a", inbound("tcp 22", sg.CIDR("203.0.113.0/24"), "SSH from the NY office")),
				ruleID("sgr-0a33333333333333c", inbound("icmpv6 -1/-1", sg.CIDR("2001:db8::/32"), "")),
				ruleID("sgr-0a44444444444444d", inbound("icmp 8/-1", sg.CIDR("10.0.0.0/16"), "ping")),
				ruleID("sgr-0a55555555555555e", outbound("all", sg.AnyIPv4, "")),
				ruleID("sgr-0a66666666666666f", outbound("tcp 443", sg.PrefixList("pl-63a5400a"), "HTTPS to S3")),
			},
		},
		{
			ID:      "sg-0fedcba9876543210",
			OwnerID: "444455556666",
			Rules: []sg.Rule{
				ruleID("sgr-0b22222222222222b", inbound("tcp 8080-8090", sg.GroupRef("sg-1234567890abcdef0"), "app tier of the partner account")),
				ruleID("sgr-0b777777777777770", outbound("50", sg.CIDR("192.0.2.10/32"), "IPsec ESP to the peer")),
				ruleID("sgr-0b888888888888881", outbound("udp 1024-65535", sg.AnyIPv6, "")),
			},
		},
	}
	assert.Equal(t, want, groups)
}

func TestBothAWSFormatsGiveTheSameRules(t *testing.T) {
	groups := `{"SecurityGroups":[{"GroupId":"sg-1","OwnerId":"111122223333",
		"IpPermissions":[{"IpProtocol":"tcp","FromPort":80,"ToPort":81,
			"IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"a"}],"Ipv6Ranges":[{"CidrIpv6":"fd00::/8"}],
			"PrefixListIds":[{"PrefixListId":"pl-1"}],"UserIdGroupPairs":[{"GroupId":"sg-2","UserId":"111122223333"}]}],
		"IpPermissionsEgress":[{"IpProtocol":"icmp","FromPort":0,"ToPort":-1,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}`
	rules := `{"SecurityGroupRules":[
		{"SecurityGroupRuleId":"sgr-5","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":true,"IpProtocol":"icmp","FromPort":0,"ToPort":-1,"CidrIpv4":"0.0.0.0/0"},
		{"SecurityGroupRuleId":"sgr-4","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":false,"IpProtocol":"tcp","FromPort":80,"ToPort":81,"ReferencedGroupInfo":{"GroupId":"sg-2","UserId":"111122223333"}},
		{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":false,"IpProtocol":"tcp","FromPort":80,"ToPort":81,"CidrIpv4":"10.0.0.0/8","Description":"a"},
		{"SecurityGroupRuleId":"sgr-3","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":false,"IpProtocol":"tcp","FromPort":80,"ToPort":81,"PrefixListId":"pl-1"},
		{"SecurityGroupRuleId":"sgr-2","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":false,"IpProtocol":"tcp","FromPort":80,"ToPort":81,"CidrIpv6":"fd00::/8"}]}`
	fromGroups, err := aws.ParseSecurityGroups([]byte(groups))
	require.NoError(t, err)
	fromRules, err := aws.ParseSecurityGroupRules([]byte(rules))
	require.NoError(t, err)
	require.Len(t, fromGroups, 1)
	require.Len(t, fromRules, 1)
	assert.Equal(t, fromGroups[0].OwnerID, fromRules[0].OwnerID)
	withoutIDs := make([]sg.Rule, len(fromRules[0].Rules))
	for i, r := range fromRules[0].Rules {
		r.ID = ""
		withoutIDs[i] = r
	}
	assert.ElementsMatch(t, fromGroups[0].Rules, withoutIDs)
}

func TestParseSecurityGroupsCanonicalisesCIDRs(t *testing.T) {
	groups, err := aws.ParseSecurityGroups([]byte(`{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[
		{"IpProtocol":"udp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"100.68.0.18/18"}],"Ipv6Ranges":[{"CidrIpv6":"2001:db8::1/64"}]}]}]}`))
	require.NoError(t, err)
	require.Len(t, groups, 1)
	assert.Equal(t, []sg.Rule{
		inbound("udp 0-65535", sg.CIDR("100.68.0.0/18"), ""),
		inbound("udp 0-65535", sg.CIDR("2001:db8::/64"), ""),
	}, groups[0].Rules)
}

func TestParseSecurityGroupsReadsPortZeroAlone(t *testing.T) {
	doc := `{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-0","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":0,"ToPort":0,"CidrIpv4":"0.0.0.0/0"}]}`
	groups, err := aws.ParseSecurityGroupRules([]byte(doc))
	require.NoError(t, err)
	require.Len(t, groups, 1)
	r := groups[0].Rules[0]
	assert.True(t, r.PortZero, "FromPort 0 ToPort 0 is port 0 alone")
	assert.Equal(t, flow.PortRange{}, r.Ports)
	assert.Equal(t, "sgr-0 allows tcp/0 from 0.0.0.0/0", r.String())
	e := sg.MustCompile(groups, nil)
	assert.True(t, e.Evaluate(flow.MustParse("tcp 1.2.3.4:1 -> 10.0.0.1:0"), flow.Inbound).Allowed())
	assert.False(t, e.Evaluate(flow.MustParse("tcp 1.2.3.4:1 -> 10.0.0.1:22"), flow.Inbound).Allowed())
}

func TestParseSecurityGroupsAcceptsEmptyInput(t *testing.T) {
	groups, err := aws.ParseSecurityGroups([]byte(`{"SecurityGroups":[],"NextToken":"abc"}`))
	require.NoError(t, err)
	assert.Empty(t, groups)
	groups, err = aws.ParseSecurityGroupRules([]byte(`{"SecurityGroupRules":[]}`))
	require.NoError(t, err)
	assert.Empty(t, groups)
}

func TestParsedTestdataCompiles(t *testing.T) {
	parse := map[string]func([]byte) ([]sg.Group, error){
		"describe-security-groups-cli-example.json": aws.ParseSecurityGroups,
		"describe-security-groups.json":             aws.ParseSecurityGroups,
		"describe-security-group-rules.json":        aws.ParseSecurityGroupRules,
	}
	for name, f := range parse {
		t.Run(name+" passes Compile with a resolver that knows its references", func(t *testing.T) {
			groups, err := f(readTestdata(t, name))
			require.NoError(t, err)
			_, err = sg.Compile(groups, referenceResolver(groups...))
			require.NoError(t, err)
		})
	}
}

func TestParsedGroupsDecideLikeTheirJSONSays(t *testing.T) {
	awsGroups, err := aws.ParseSecurityGroups(readTestdata(t, "describe-security-groups.json"))
	require.NoError(t, err)
	web := awsGroups[0]

	tests := []struct {
		name    string
		group   sg.Group
		flow    string
		dir     flow.Direction
		allowed bool
		ruleID  string
	}{
		{"AWS web allows ping6 from the office", web, "icmpv6 2001:db8::1 -> 2001:db8:1234::5 type 128 code 0", flow.Inbound, true, ""},
		{"AWS web allows ESP from its IPsec peer", web, "esp 192.0.2.10 -> 10.0.0.5", flow.Inbound, true, ""},
		{"AWS web has no rule for DNS: its permission had no peer", web, "udp 10.0.0.9:5353 -> 10.0.0.5:53", flow.Inbound, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := sg.Compile([]sg.Group{tt.group}, referenceResolver(tt.group))
			require.NoError(t, err)
			d := ev.Evaluate(flow.MustParse(tt.flow), tt.dir)
			assert.Equal(t, tt.allowed, d.Allowed(), d.String())
			if tt.ruleID != "" {
				assert.Equal(t, tt.ruleID, d.Rule.ID, d.String())
			}
		})
	}
}

// Inputs for the error table. Each puts one good element before the bad
// one, so that the expected paths show the index is counted.

func awsPermission(perm string) []byte {
	return []byte(`{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]},` + perm + `]}]}`)
}

func awsRule(rule string) []byte {
	return []byte(`{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-0","GroupId":"sg-1","IsEgress":true,"IpProtocol":"-1","CidrIpv4":"0.0.0.0/0"},` + rule + `]}`)
}

func TestParseErrors(t *testing.T) {
	parseAWS := func(b []byte) error { _, err := aws.ParseSecurityGroups(b); return err }
	parseRules := func(b []byte) error { _, err := aws.ParseSecurityGroupRules(b); return err }
	const (
		perm1 = "SecurityGroups[0].IpPermissions[1]"
		rule1 = "SecurityGroupRules[1]"
		tcp22 = `"IpProtocol":"tcp","FromPort":22,"ToPort":22`
		rule  = `"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22`
	)
	tests := []struct {
		name     string
		parse    func([]byte) error
		input    []byte
		sentinel error
		path     string
		text     string // compared exactly; for JSON faults, a substring
		resource string
		rule     string
	}{
		// describe-security-groups
		{"a CIDR with a /33 is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"IpRanges":[{"CidrIp":"10.0.0.0/33"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpRanges[0].CidrIp", "10.0.0.0/33", "sg-1", ""},
		{"an IPv6 block in CidrIp is rejected, not guessed", parseAWS, awsPermission(`{` + tcp22 + `,"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"2001:db8::/32"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpRanges[1].CidrIp", "2001:db8::/32", "sg-1", ""},
		{"an IPv4 block in CidrIpv6 is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"Ipv6Ranges":[{"CidrIpv6":"10.0.0.0/8"}]}`),
			sg.ErrInvalidRule, perm1 + ".Ipv6Ranges[0].CidrIpv6", "10.0.0.0/8", "sg-1", ""},
		{"a bare address in CidrIp is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"IpRanges":[{"CidrIp":"10.0.0.1"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpRanges[0].CidrIp", "10.0.0.1", "sg-1", ""},
		{"an IpRanges entry without CidrIp is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"IpRanges":[{"Description":"x"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpRanges[0].CidrIp", "", "sg-1", ""},
		{"an unknown protocol is rejected", parseAWS, awsPermission(`{"IpProtocol":"tcpp","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpProtocol", "tcpp", "sg-1", ""},
		{"a protocol name AWS does not print is rejected", parseAWS, awsPermission(`{"IpProtocol":"all","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpProtocol", "all", "sg-1", ""},
		{"a protocol number above 255 is rejected", parseAWS, awsPermission(`{"IpProtocol":"256"}`),
			sg.ErrInvalidRule, perm1 + ".IpProtocol", "256", "sg-1", ""},
		{"a missing protocol is rejected", parseAWS, awsPermission(`{"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}`),
			sg.ErrInvalidRule, perm1 + ".IpProtocol", "", "sg-1", ""},
		{"tcp without ports is rejected", parseAWS, awsPermission(`{"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}`),
			sg.ErrInvalidRule, perm1 + ".FromPort", "", "sg-1", ""},
		{"udp with FromPort above ToPort is rejected", parseAWS, awsPermission(`{"IpProtocol":"udp","FromPort":80,"ToPort":22}`),
			sg.ErrInvalidRule, perm1 + ".ToPort", "22", "sg-1", ""},
		{"tcp with ToPort one below FromPort is rejected", parseAWS, awsPermission(`{"IpProtocol":"tcp","FromPort":80,"ToPort":79}`),
			sg.ErrInvalidRule, perm1 + ".ToPort", "79", "sg-1", ""},
		{"port 70000 is rejected", parseAWS, awsPermission(`{"IpProtocol":"tcp","FromPort":22,"ToPort":70000}`),
			sg.ErrInvalidRule, perm1 + ".ToPort", "70000", "sg-1", ""},
		{"a negative tcp port is rejected", parseAWS, awsPermission(`{"IpProtocol":"tcp","FromPort":-1,"ToPort":-1}`),
			sg.ErrInvalidRule, perm1 + ".FromPort", "-1", "sg-1", ""},
		{"icmp type -1 with code 3 is rejected", parseAWS, awsPermission(`{"IpProtocol":"icmp","FromPort":-1,"ToPort":3}`),
			sg.ErrInvalidRule, perm1 + ".ToPort", "3", "sg-1", ""},
		{"icmp without type and code is rejected", parseAWS, awsPermission(`{"IpProtocol":"icmp"}`),
			sg.ErrInvalidRule, perm1 + ".FromPort", "", "sg-1", ""},
		{"icmpv6 with a type but no code is rejected", parseAWS, awsPermission(`{"IpProtocol":"icmpv6","FromPort":128}`),
			sg.ErrInvalidRule, perm1 + ".ToPort", "", "sg-1", ""},
		{"an ICMP type above 255 is rejected", parseAWS, awsPermission(`{"IpProtocol":"icmp","FromPort":256,"ToPort":0}`),
			sg.ErrInvalidRule, perm1 + ".FromPort", "256", "sg-1", ""},
		{"a group pair without GroupId is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"UserIdGroupPairs":[{"UserId":"1","GroupName":"web"}]}`),
			sg.ErrInvalidRule, perm1 + ".UserIdGroupPairs[0].GroupId", "", "sg-1", ""},
		{"a prefix list entry without ID is rejected", parseAWS, awsPermission(`{` + tcp22 + `,"PrefixListIds":[{}]}`),
			sg.ErrInvalidRule, perm1 + ".PrefixListIds[0].PrefixListId", "", "sg-1", ""},
		{"a group without GroupId is rejected", parseAWS, []byte(`{"SecurityGroups":[{"GroupName":"web"}]}`),
			sg.ErrInvalidGroup, "SecurityGroups[0].GroupId", "", "", ""},
		{"a group listed twice is rejected", parseAWS, []byte(`{"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-1"}]}`),
			sg.ErrInvalidGroup, "SecurityGroups[1].GroupId", "sg-1", "sg-1", ""},
		{"rules output given to the groups parser is rejected", parseAWS, []byte(`{"SecurityGroupRules":[]}`),
			sg.ErrInvalidGroup, "SecurityGroups", "", "", ""},
		{"malformed JSON is rejected", parseAWS, []byte(`{"SecurityGroups":[{"GroupId":"sg-1",}]}`),
			flow.ErrJSON, "SecurityGroups[0]", `"sg-1",}`, "", ""},
		{"a port written as a string is the wrong JSON type", parseAWS, awsPermission(`{"IpProtocol":"tcp","FromPort":"22","ToPort":22}`),
			flow.ErrJSON, perm1 + ".FromPort", `"22"`, "sg-1", ""},
		{"IpRanges as an object is the wrong JSON type", parseAWS, awsPermission(`{"IpProtocol":"-1","IpRanges":{"CidrIp":"10.0.0.0/8"}}`),
			flow.ErrJSON, perm1 + ".IpRanges", `{"CidrIp":"10.0.0.0/8"}`, "sg-1", ""},
		{"a list where a group belongs names the group when it can", parseAWS, []byte(`{"SecurityGroups":[{"GroupId":"sg-9","VpcId":["vpc-1"]}]}`),
			flow.ErrJSON, "SecurityGroups[0].VpcId", `["vpc-1"]`, "sg-9", ""},

		// describe-security-group-rules
		{"a rule with two peers is rejected", parseRules, awsRule(`{` + rule + `,"CidrIpv4":"10.0.0.0/8","PrefixListId":"pl-1"}`),
			sg.ErrInvalidRule, rule1 + ".PrefixListId", "pl-1", "sg-1", "sgr-1"},
		{"a rule with a CIDR and a group is rejected", parseRules, awsRule(`{` + rule + `,"CidrIpv6":"::/0","ReferencedGroupInfo":{"GroupId":"sg-2"}}`),
			sg.ErrInvalidRule, rule1 + ".ReferencedGroupInfo.GroupId", "sg-2", "sg-1", "sgr-1"},
		{"a rule with no peer is rejected", parseRules, awsRule(`{` + rule + `,"CidrIpv4":""}`),
			sg.ErrInvalidRule, rule1, "", "sg-1", "sgr-1"},
		{"a rule without IsEgress is rejected", parseRules, awsRule(`{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, rule1 + ".IsEgress", "", "sg-1", "sgr-1"},
		{"IsEgress as a string is the wrong JSON type", parseRules, awsRule(`{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":"false","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`),
			flow.ErrJSON, rule1 + ".IsEgress", `"false"`, "sg-1", "sgr-1"},
		{"a rule without an ID is rejected", parseRules, awsRule(`{"GroupId":"sg-1","IsEgress":false,"IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, rule1 + ".SecurityGroupRuleId", "", "sg-1", ""},
		{"a rule listed twice is rejected", parseRules, awsRule(`{"SecurityGroupRuleId":"sgr-0","GroupId":"sg-1","IsEgress":true,"IpProtocol":"-1","CidrIpv4":"0.0.0.0/0"}`),
			sg.ErrInvalidRule, rule1 + ".SecurityGroupRuleId", "sgr-0", "sg-1", "sgr-0"},
		{"an IPv4 block in CidrIpv6 of a rule is rejected", parseRules, awsRule(`{` + rule + `,"CidrIpv6":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, rule1 + ".CidrIpv6", "10.0.0.0/8", "sg-1", "sgr-1"},
		{"two owners for one group are rejected", parseRules, []byte(`{"SecurityGroupRules":[
			{"SecurityGroupRuleId":"sgr-0","GroupId":"sg-1","GroupOwnerId":"111","IsEgress":true,"IpProtocol":"-1","CidrIpv4":"0.0.0.0/0"},
			{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","GroupOwnerId":"222","IsEgress":true,"IpProtocol":"-1","CidrIpv4":"0.0.0.0/0"}]}`),
			sg.ErrInvalidGroup, rule1 + ".GroupOwnerId", "222", "sg-1", "sgr-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.input)
			require.Error(t, err)
			require.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.path, ie.Path)
			if tt.sentinel == flow.ErrJSON {
				assert.Contains(t, ie.Text, tt.text)
			} else {
				assert.Equal(t, tt.text, ie.Text)
			}
			assert.Equal(t, tt.resource, ie.Resource)
			assert.Equal(t, tt.rule, ie.Rule)
			for _, other := range []error{sg.ErrInvalidRule, sg.ErrInvalidGroup, flow.ErrJSON} {
				if other != tt.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
		})
	}
}

func TestParseErrorMessagesNameThePlace(t *testing.T) {
	_, err := aws.ParseSecurityGroups(awsPermission(`{"IpProtocol":"tcp","FromPort":80,"ToPort":22}`))
	require.Error(t, err)
	assert.Equal(t, `SecurityGroups[0].IpPermissions[1].ToPort (sg-1): "22": invalid security group rule: ToPort is below FromPort 80`, err.Error())
	assert.True(t, errors.Is(err, sg.ErrInvalidRule))
}
