package alibaba_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

func ExampleParseSecurityGroup() {
	// A DescribeSecurityGroupAttribute response, trimmed. The response does
	// not say whether the group is basic or enterprise, so the caller does.
	data := []byte(`{"SecurityGroupId": "sg-bp1fg655nh68xyz9i4u1", "VpcId": "vpc-bp1opxu1zkhn00gzv3yz1",
	  "InnerAccessPolicy": "Accept",
	  "Permissions": {"Permission": [
	    {"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "Policy": "Accept", "Priority": 1,
	     "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "203.0.113.0/24"},
	    {"SecurityGroupRuleId": "sgr-2", "Direction": "ingress", "Policy": "Drop", "Priority": "100",
	     "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0"},
	    {"SecurityGroupRuleId": "sgr-3", "Direction": "egress", "Policy": "Accept", "Priority": 100,
	     "IpProtocol": "ALL", "PortRange": "-1/-1", "DestCidrIp": "0.0.0.0/0"}]}}`)
	g, err := alibaba.ParseSecurityGroup(data, sg.AlibabaBasic)
	if err != nil {
		panic(err)
	}
	fmt.Println(g.ID, g.Flavour, len(g.Rules), "rules")
	ev, err := sg.Compile([]sg.Group{g}, sg.StaticResolver{Members: map[string][]netip.Addr{g.ID: {netip.MustParseAddr("10.0.0.5")}}})
	if err != nil {
		panic(err)
	}
	for _, f := range []string{"tcp 203.0.113.5:40000 -> 10.0.0.5:22", "tcp 198.51.100.1:40000 -> 10.0.0.5:22"} {
		fmt.Println(ev.Evaluate(flow.MustParse(f), flow.Inbound))
	}

	_, err = alibaba.ParseSecurityGroup([]byte(`{"SecurityGroupId": "sg-a", "Permissions": {"Permission": [
	    {"SecurityGroupRuleId": "sgr-9", "Direction": "ingress", "Policy": "Accept", "Priority": 1, "IpProtocol": "TCP", "PortRange": "80/22", "SourceCidrIp": "10.0.0.0/8"}]}}`),
		sg.AlibabaBasic)
	fmt.Println(err)
	// Output:
	// sg-bp1fg655nh68xyz9i4u1 alibaba-basic 3 rules
	// allowed by sg-bp1fg655nh68xyz9i4u1 rule sgr-1 allows tcp/22 from 203.0.113.0/24 (priority 1)
	// denied by sg-bp1fg655nh68xyz9i4u1 rule sgr-2 drops tcp/22 from 0.0.0.0/0 (priority 100)
	// Permissions.Permission[0].PortRange (sg-a rule sgr-9): "80/22": invalid security group rule: the range starts above its end
}

func ExampleParsePrefixList() {
	// A DescribePrefixListAttributes response, trimmed.
	pl, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-office", "PrefixListName": "office",
	  "AddressFamily": "IPv4", "MaxEntries": 10,
	  "Entries": {"Entry": [{"Cidr": "192.168.1.0/24"}, {"Cidr": "198.51.100.7"}]}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(pl.ID, pl.Name, pl.Entries)
	_, err = alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-office", "AddressFamily": "IPv4",
	  "Entries": {"Entry": [{"Cidr": "2001:db8::/32"}]}}`))
	fmt.Println(err)
	// Output:
	// pl-office office [192.168.1.0/24 198.51.100.7/32]
	// Entries.Entry[0].Cidr (pl-office): "2001:db8::/32": invalid prefix list: an IPv6 block where an IPv4 block belongs
}
