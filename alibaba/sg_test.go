package alibaba_test

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

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// Tiny constructors for the rules the parser should produce. They follow
// the parser's conventions: Ports only for TCP and UDP, ICMPType/ICMPCode -1.

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

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
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

// aliRule sets a rule's ID, action and priority, as Alibaba rules have.
func aliRule(id string, a flow.Action, prio int, r sg.Rule) sg.Rule {
	r.ID, r.Action, r.Priority = id, a, prio
	return r
}

// withSourcePorts restricts a rule's source ports.
func withSourcePorts(lo, hi uint16, r sg.Rule) sg.Rule {
	r.SourcePorts = flow.PortRange{Lo: lo, Hi: hi}
	return r
}

func TestParseAlibabaSecurityGroupReadsABasicGroup(t *testing.T) {
	g, err := alibaba.ParseSecurityGroup(readTestdata(t, "basic.json"), sg.AlibabaBasic)
	require.NoError(t, err)
	assert.Equal(t, "sg-bp1fg655nh68xyz9i4u1", g.ID)
	assert.Equal(t, "web-basic", g.Name)
	assert.Equal(t, "web servers (basic group)", g.Description)
	assert.Equal(t, "vpc-bp1opxu1zkhn00gzv3yz1", g.VPCID)
	assert.Equal(t, "", g.OwnerID)
	assert.Equal(t, sg.AlibabaBasic, g.Flavour)
	assert.False(t, g.InnerAccessDrop, "InnerAccessPolicy Accept")
	assert.Equal(t, []sg.Rule{
		aliRule("sgr-bp1000000000000001", flow.Pass, 1, inbound("tcp 22", sg.CIDR("203.0.113.0/24"), "SSH from the office")),
		aliRule("sgr-bp1000000000000002", flow.Drop, 100, inbound("tcp 22", sg.AnyIPv4, "no SSH from elsewhere")),
		aliRule("sgr-bp1000000000000003", flow.Pass, 1, inbound("icmp", sg.CIDR("10.0.0.0/8"), "")),
		aliRule("sgr-bp1000000000000004", flow.Pass, 10, inbound("tcp 443", sg.CIDR("2001:db8:1234:1a00::/56"), "HTTPS over IPv6")),
		aliRule("sgr-bp1000000000000005", flow.Pass, 5, inbound("tcp 80", sg.GroupRef("sg-bp67acfmxazb4ph0ab12"), "HTTP from the load balancers")),
		withSourcePorts(1024, 65535, aliRule("sgr-bp1000000000000006", flow.Pass, 2, inbound("udp 53", sg.CIDR("10.0.0.0/8"), "DNS from high ports"))),
		aliRule("sgr-bp1000000000000007", flow.Pass, 50, inbound("all", sg.PrefixList("pl-x1j1k5ykzqlixdcy"), "")),
		aliRule("sgr-bp1000000000000008", flow.Drop, 1, outbound("tcp 25", sg.AnyIPv4, "no SMTP")),
		aliRule("sgr-bp1000000000000009", flow.Pass, 100, outbound("all", sg.AnyIPv4, "")),
		aliRule("sgr-bp1000000000000010", flow.Pass, 100, outbound("icmpv6", sg.AnyIPv6, "")),
		aliRule("sgr-bp1000000000000011", flow.Pass, 20, outbound("gre", sg.CIDR("192.0.2.0/24"), "GRE tunnel")),
	}, g.Rules)
}

func TestParseAlibabaSecurityGroupReadsAnEnterpriseGroup(t *testing.T) {
	data := readTestdata(t, "enterprise.json")
	want := sg.Group{
		ID:              "sg-uf6d2mxhgqa8bmvq7lz3",
		Name:            "app-enterprise",
		Description:     "application servers (enterprise group)",
		VPCID:           "vpc-uf6f7l4fg90oxcv8bo5x2",
		Flavour:         sg.AlibabaEnterprise,
		InnerAccessDrop: true,
		Rules: []sg.Rule{
			aliRule("sgr-uf6000000000000001", flow.Pass, 1, inbound("tcp 8080", sg.CIDR("172.16.0.0/12"), "app port")),
			aliRule("sgr-uf6000000000000002", flow.Drop, 1, inbound("tcp 8080", sg.CIDR("172.16.99.0/24"), "quarantined subnet")),
			aliRule("sgr-uf6000000000000003", flow.Pass, 1, outbound("tcp 443", sg.PrefixList("pl-uf6bwgl9hxnr8hzc9m3e"), "")),
			// A plain address is a /32.
			aliRule("sgr-uf6000000000000004", flow.Pass, 1, outbound("udp 123", sg.CIDR("203.0.113.123/32"), "")),
		},
	}
	for _, kind := range []sg.Flavour{sg.AWS, sg.AlibabaEnterprise} {
		t.Run("kind "+kind.String()+" reads it as enterprise", func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup(data, kind)
			require.NoError(t, err)
			assert.Equal(t, want, g)
		})
	}
	t.Run("kind basic contradicts SecurityGroupType", func(t *testing.T) {
		_, err := alibaba.ParseSecurityGroup(data, sg.AlibabaBasic)
		require.ErrorIs(t, err, sg.ErrInvalidGroup)
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "SecurityGroupType", ie.Path)
		assert.Equal(t, "enterprise", ie.Text)
	})
}

func TestParseAlibabaSecurityGroupTypeAndInnerPolicy(t *testing.T) {
	doc := func(typ, policy string) []byte {
		s := `{"SecurityGroupId":"sg-a"`
		if typ != "" {
			s += `,"SecurityGroupType":"` + typ + `"`
		}
		if policy != "" {
			s += `,"InnerAccessPolicy":"` + policy + `"`
		}
		return []byte(s + `}`)
	}
	tests := []struct {
		name         string
		typ, policy  string
		kind         sg.Flavour
		wantFlavour  sg.Flavour
		wantDrop     bool
		wantErrField string
	}{
		{"a basic group without a policy lets members reach each other", "", "", sg.AlibabaBasic, sg.AlibabaBasic, false, ""},
		{"a basic group with policy drop isolates members", "", "drop", sg.AlibabaBasic, sg.AlibabaBasic, true, ""},
		{"SecurityGroupType normal means basic", "normal", "Accept", sg.AWS, sg.AlibabaBasic, false, ""},
		{"SecurityGroupType is read in any letter case", "Enterprise", "", sg.AWS, sg.AlibabaEnterprise, true, ""},
		{"an enterprise group without a policy isolates members", "", "", sg.AlibabaEnterprise, sg.AlibabaEnterprise, true, ""},
		{"an enterprise group with policy Drop is fine", "", "Drop", sg.AlibabaEnterprise, sg.AlibabaEnterprise, true, ""},
		{"an enterprise group isolates members even with policy Accept", "", "Accept", sg.AlibabaEnterprise, sg.AlibabaEnterprise, true, ""},
		{"an unknown policy is an error", "", "Allow", sg.AlibabaBasic, 0, false, "InnerAccessPolicy"},
		{"no kind and no SecurityGroupType is an error", "", "Accept", sg.AWS, 0, false, "SecurityGroupType"},
		{"an unknown SecurityGroupType is an error", "advanced", "", sg.AWS, 0, false, "SecurityGroupType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup(doc(tt.typ, tt.policy), tt.kind)
			if tt.wantErrField != "" {
				require.ErrorIs(t, err, sg.ErrInvalidGroup)
				var ie *flow.InputError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, tt.wantErrField, ie.Path)
				assert.Equal(t, "sg-a", ie.Resource)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantFlavour, g.Flavour)
			assert.Equal(t, tt.wantDrop, g.InnerAccessDrop)
			assert.Empty(t, g.Rules)
		})
	}
	t.Run("a kind that is no flavour is an error", func(t *testing.T) {
		_, err := alibaba.ParseSecurityGroup(doc("normal", ""), sg.Flavour(7))
		require.ErrorIs(t, err, sg.ErrInvalidGroup)
	})
}

func TestParseAlibabaPeerPrecedence(t *testing.T) {
	perm := func(fields string) []byte {
		return []byte(`{"SecurityGroupId":"sg-a","Permissions":{"Permission":[{"Direction":"ingress","Policy":"Accept","Priority":1,"IpProtocol":"TCP","PortRange":"22/22",` + fields + `}]}}`)
	}
	tests := []struct {
		name   string
		fields string
		want   sg.Peer
	}{
		{"a CIDR beats a group", `"SourceCidrIp":"10.0.0.0/8","SourceGroupId":"sg-b"`, sg.CIDR("10.0.0.0/8")},
		{"an IPv6 CIDR beats a group", `"Ipv6SourceCidrIp":"2001:db8::/32","SourceGroupId":"sg-b"`, sg.CIDR("2001:db8::/32")},
		{"a CIDR beats a prefix list", `"SourceCidrIp":"10.0.0.0/8","SourcePrefixListId":"pl-1"`, sg.CIDR("10.0.0.0/8")},
		{"a group beats a prefix list", `"SourceGroupId":"sg-b","SourcePrefixListId":"pl-1"`, sg.GroupRef("sg-b")},
		{"a prefix list alone is the peer", `"SourcePrefixListId":"pl-1","SourceCidrIp":""`, sg.PrefixList("pl-1")},
		{"a CIDR with host bits is masked", `"SourceCidrIp":"10.1.2.3/8"`, sg.CIDR("10.0.0.0/8")},
		{"a plain IPv6 address is a /128", `"Ipv6SourceCidrIp":"2001:db8::1"`, sg.CIDR("2001:db8::1/128")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup(perm(tt.fields), sg.AlibabaBasic)
			require.NoError(t, err)
			require.Len(t, g.Rules, 1)
			assert.Equal(t, tt.want, g.Rules[0].Peer)
			assert.Equal(t, 1, g.Rules[0].Priority)
			assert.Equal(t, flow.Pass, g.Rules[0].Action)
		})
	}
}

func TestParsedTestdataCompiles(t *testing.T) {
	kinds := map[string]sg.Flavour{"basic.json": sg.AlibabaBasic, "enterprise.json": sg.AWS}
	for name, kind := range kinds {
		t.Run(name+" passes Compile with a resolver that knows its references", func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup(readTestdata(t, name), kind)
			require.NoError(t, err)
			_, err = sg.Compile([]sg.Group{g}, referenceResolver(g))
			require.NoError(t, err)
		})
	}
}

func TestParsedGroupsDecideLikeTheirJSONSays(t *testing.T) {
	basic, err := alibaba.ParseSecurityGroup(readTestdata(t, "basic.json"), sg.AlibabaBasic)
	require.NoError(t, err)

	tests := []struct {
		name    string
		group   sg.Group
		flow    string
		dir     flow.Direction
		allowed bool
		ruleID  string
	}{
		{"it accepts SSH from the office at priority 1", basic, "tcp 203.0.113.5:40000 -> 10.0.0.5:22", flow.Inbound, true, "sgr-bp1000000000000001"},
		{"it drops SSH from elsewhere at priority 100", basic, "tcp 198.51.100.1:40000 -> 10.0.0.5:22", flow.Inbound, false, "sgr-bp1000000000000002"},
		{"it drops outbound SMTP", basic, "tcp 10.0.0.5:40000 -> 198.51.100.1:25", flow.Outbound, false, "sgr-bp1000000000000008"},
		{"it needs a high source port for DNS", basic, "udp 10.1.1.1:53 -> 10.0.0.5:53", flow.Inbound, false, ""},
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

// Inputs for the error table put one good permission before the bad one,
// so that the expected paths show the index is counted.
func aliPermission(perm string) []byte {
	return aliPermissionIn("", perm)
}

// aliPermissionIn is aliPermission with more group fields (`"VpcId":"vpc-1"`).
// perm, one Permission object, gets "Policy":"Accept" and "Priority":1,
// as every listed rule has them, unless it gives them itself.
func aliPermissionIn(fields, perm string) []byte {
	if fields != "" {
		fields += ","
	}
	if !strings.Contains(perm, `"Priority"`) {
		perm = `{"Priority":1,` + strings.TrimPrefix(perm, "{")
	}
	if !strings.Contains(perm, `"Policy"`) {
		perm = `{"Policy":"Accept",` + strings.TrimPrefix(perm, "{")
	}
	return []byte(`{"SecurityGroupId":"sg-a",` + fields + `"Permissions":{"Permission":[{"Direction":"egress","Policy":"Accept","Priority":100,"IpProtocol":"ALL","PortRange":"-1/-1","DestCidrIp":"0.0.0.0/0"},` + perm + `]}}`)
}

// A VPC group's rules carry NicType "intranet" and apply to all its
// traffic; a group without NicType or VpcId is read as a VPC group.
func TestParseAlibabaNicTypeOfAVPCGroup(t *testing.T) {
	for _, in := range [][]byte{
		aliPermissionIn(`"VpcId":"vpc-1"`, `{"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"10.0.0.0/8","NicType":"intranet"}`),
		aliPermissionIn(`"VpcId":"vpc-1"`, `{"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"10.0.0.0/8","NicType":""}`),
		aliPermission(`{"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"10.0.0.0/8"}`),
	} {
		g, err := alibaba.ParseSecurityGroup(in, sg.AlibabaBasic)
		require.NoError(t, err, string(in))
		require.Len(t, g.Rules, 2)
		assert.Equal(t, aliRule("", flow.Pass, 1, inbound("tcp 22", sg.CIDR("10.0.0.0/8"), "")), g.Rules[1])
	}
}

func TestParseErrors(t *testing.T) {
	parseBasic := func(b []byte) error { _, err := alibaba.ParseSecurityGroup(b, sg.AlibabaBasic); return err }
	parseEnterprise := func(b []byte) error { _, err := alibaba.ParseSecurityGroup(b, sg.AlibabaEnterprise); return err }
	const (
		ali1 = "Permissions.Permission[1]"
		ali  = `"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22"`
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
		{"an Alibaba range 200/1 is rejected", parseBasic, aliPermission(`{` + `"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"TCP","PortRange":"200/1","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".PortRange", "200/1", "sg-a", "sgr-a1"},
		{"an Alibaba TCP port 0 is rejected", parseBasic, aliPermission(`{` + `"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"TCP","PortRange":"0/80","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".PortRange", "0/80", "sg-a", "sgr-a1"},
		{"an Alibaba TCP rule without a port range is rejected", parseBasic, aliPermission(`{"Direction":"ingress","IpProtocol":"tcp","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".PortRange", "", "sg-a", ""},
		{"an Alibaba ICMP type is rejected", parseBasic, aliPermission(`{` + `"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"ICMP","PortRange":"8/0","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".PortRange", "8/0", "sg-a", "sgr-a1"},
		{"priority 0 is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Priority":0}`),
			sg.ErrInvalidRule, ali1 + ".Priority", "0", "sg-a", "sgr-a1"},
		{"priority 101 is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Priority":"101"}`),
			sg.ErrInvalidRule, ali1 + ".Priority", "101", "sg-a", "sgr-a1"},
		{"priority abc is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Priority":"abc"}`),
			sg.ErrInvalidRule, ali1 + ".Priority", "abc", "sg-a", "sgr-a1"},
		{"priority true is the wrong JSON type", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Priority":true}`),
			flow.ErrJSON, ali1 + ".Priority", "true", "sg-a", "sgr-a1"},
		{"policy maybe is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Policy":"maybe"}`),
			sg.ErrInvalidRule, ali1 + ".Policy", "maybe", "sg-a", "sgr-a1"},
		{"direction inbound is not Alibaba's word", parseBasic, aliPermission(`{"SecurityGroupRuleId":"sgr-a1","Direction":"inbound","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".Direction", "inbound", "sg-a", "sgr-a1"},
		{"protocol ESP is not an Alibaba protocol", parseBasic, aliPermission(`{"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"ESP","PortRange":"-1/-1","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".IpProtocol", "ESP", "sg-a", "sgr-a1"},
		{"a source port range on ICMP is rejected", parseBasic, aliPermission(`{"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"ICMP","PortRange":"-1/-1","SourcePortRange":"1/2","SourceCidrIp":"10.0.0.0/8"}`),
			sg.ErrInvalidRule, ali1 + ".SourcePortRange", "1/2", "sg-a", "sgr-a1"},
		{"a group reference in an enterprise group is rejected", parseEnterprise, aliPermission(`{` + ali + `,"SourceGroupId":"sg-other"}`),
			sg.ErrInvalidRule, ali1 + ".SourceGroupId", "sg-other", "sg-a", "sgr-a1"},
		{"an Alibaba rule with no peer is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"","SourceGroupId":"","SourcePrefixListId":""}`),
			sg.ErrInvalidRule, ali1, "", "sg-a", "sgr-a1"},
		{"an Alibaba rule with both an IPv4 and an IPv6 CIDR is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","Ipv6SourceCidrIp":"::/0"}`),
			sg.ErrInvalidRule, ali1 + ".Ipv6SourceCidrIp", "::/0", "sg-a", "sgr-a1"},
		{"an IPv6 block in SourceCidrIp is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"2001:db8::/32"}`),
			sg.ErrInvalidRule, ali1 + ".SourceCidrIp", "2001:db8::/32", "sg-a", "sgr-a1"},
		{"an ingress rule restricting the local address is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","DestCidrIp":"192.168.0.5"}`),
			sg.ErrInvalidRule, ali1 + ".DestCidrIp", "192.168.0.5", "sg-a", "sgr-a1"},
		{"an Alibaba rule using a port list is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","PortRangeListId":"prl-2ze9932e4ab1"}`),
			sg.ErrInvalidRule, ali1 + ".PortRangeListId", "prl-2ze9932e4ab1", "sg-a", "sgr-a1"},
		{"a classic-network internet-NIC rule is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"0.0.0.0/0","NicType":"internet"}`),
			sg.ErrInvalidRule, ali1 + ".NicType", "internet", "sg-a", "sgr-a1"},
		{"an internet-NIC rule is rejected in a group with a VpcId too", parseBasic, aliPermissionIn(`"VpcId":"vpc-1"`, `{`+ali+`,"SourceCidrIp":"0.0.0.0/0","NicType":"Internet"}`),
			sg.ErrInvalidRule, ali1 + ".NicType", "Internet", "sg-a", "sgr-a1"},
		{"an intranet rule of a group without VpcId (a classic group) is rejected", parseBasic, aliPermission(`{` + ali + `,"SourceCidrIp":"10.0.0.0/8","NicType":"intranet"}`),
			sg.ErrInvalidRule, ali1 + ".NicType", "intranet", "sg-a", "sgr-a1"},
		{"an unknown NicType is rejected", parseBasic, aliPermissionIn(`"VpcId":"vpc-1"`, `{`+ali+`,"SourceCidrIp":"10.0.0.0/8","NicType":"public"}`),
			sg.ErrInvalidRule, ali1 + ".NicType", "public", "sg-a", "sgr-a1"},
		{"an Alibaba group without an ID is rejected", parseBasic, []byte(`{"SecurityGroupName":"x","Permissions":{"Permission":[]}}`),
			sg.ErrInvalidGroup, "SecurityGroupId", "", "", ""},
		{"Permission as an object is the wrong JSON type", parseBasic, []byte(`{"SecurityGroupId":"sg-a","Permissions":{"Permission":{"Direction":"ingress"}}}`),
			flow.ErrJSON, "Permissions.Permission", `{"Direction":"ingress"}`, "sg-a", ""},
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
	_, err := alibaba.ParseSecurityGroup(aliPermission(`{"SecurityGroupRuleId":"sgr-a1","Direction":"ingress","IpProtocol":"TCP","PortRange":"200/1","SourceCidrIp":"10.0.0.0/8"}`), sg.AlibabaBasic)
	require.Error(t, err)
	assert.Equal(t, `Permissions.Permission[1].PortRange (sg-a rule sgr-a1): "200/1": invalid security group rule: the range starts above its end`, err.Error())
	assert.True(t, errors.Is(err, sg.ErrInvalidRule))
}

// TestCaseVariantKeys: "SourceCidrIp" and "sourceCidrIp" in one
// permission name one field: an error naming both, never the last one
// winning.
func TestCaseVariantKeys(t *testing.T) {
	data := []byte(`{"SecurityGroupId":"sg-1","VpcId":"vpc-1","SecurityGroupType":"normal","Permissions":{"Permission":[
	 {"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"192.0.2.0/24","sourceCidrIp":"0.0.0.0/0","Policy":"Accept"}]}}`)
	_, err := alibaba.ParseSecurityGroup(data, sg.AlibabaBasic)
	require.ErrorIs(t, err, flow.ErrJSON)
	assert.ErrorContains(t, err, `the keys "SourceCidrIp" and "sourceCidrIp" differ only in case`)
}
