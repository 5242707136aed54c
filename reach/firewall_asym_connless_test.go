package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

const asymARN = "arn:aws:network-firewall:us-east-1:111122223333:"

// asymPolicy parses a STRICT_ORDER policy that forwards everything to one
// stateful group of rules, with more policy fields (StatefulEngineOptions
// among them replaces the default STRICT_ORDER ones).
func asymPolicy(t *testing.T, policyFields, rules string) firewall.Policy {
	t.Helper()
	if !strings.Contains(policyFields, `"StatefulEngineOptions"`) {
		policyFields = `,"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER"}` + policyFields
	}
	spec, err := aws.ParseFirewallPolicy([]byte(`{"FirewallPolicyResponse":{"FirewallPolicyName":"p","FirewallPolicyArn":"` + asymARN + `firewall-policy/p"},
	 "FirewallPolicy":{"StatelessDefaultActions":["aws:forward_to_sfe"],"StatelessFragmentDefaultActions":["aws:forward_to_sfe"],
	 "StatefulRuleGroupReferences":[{"ResourceArn":"` + asymARN + `stateful-rulegroup/sf","Priority":1}]` + policyFields + `}}`))
	require.NoError(t, err)
	g, err := aws.ParseRuleGroup([]byte(`{"RuleGroupResponse":{"RuleGroupName":"sf","RuleGroupArn":"` + asymARN + `stateful-rulegroup/sf","Type":"STATEFUL","Capacity":100},
	 "RuleGroup":{"RulesSource":{"RulesString":` + rules + `},"StatefulRuleOptions":{"RuleOrder":"STRICT_ORDER"}}}`))
	require.NoError(t, err)
	p, err := spec.Build([]aws.RuleGroup{g})
	require.NoError(t, err)
	return p
}

// asymV6Model: a dual-stack VPC whose internet gateway's edge route table
// sends only the IPv4 block to the firewall endpoint, while the subnet
// sends everything to it: an IPv6 session from the internet reaches
// eni-a1 directly and only its reply crosses the endpoint.
func asymV6Model(t *testing.T, pol firewall.Policy) *reach.Model {
	t.Helper()
	r := func(d string, tgt reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: netip.MustParsePrefix(d), Target: tgt, TargetID: id}
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: opPrefixes("10.0.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-fw", DefaultACL: "acl-def"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-edge", VPC: "vpc-1", Gateways: []string{"igw-1"}, Routes: []reach.Route{
				r("10.0.1.0/24", reach.TargetFirewallEndpoint, "vpce-fw")}},
			reach.RouteTable{ID: "rtb-fw", VPC: "vpc-1", Routes: []reach.Route{
				r("0.0.0.0/0", reach.TargetInternetGateway, "igw-1"), r("::/0", reach.TargetInternetGateway, "igw-1")}},
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-1", Routes: []reach.Route{
				r("0.0.0.0/0", reach.TargetFirewallEndpoint, "vpce-fw"), r("::/0", reach.TargetFirewallEndpoint, "vpce-fw")}}).
		AddNetworkACL(nacl.NewDefault("acl-def", "vpc-1", true)).
		AddSubnet(reach.Subnet{ID: "subnet-fw", VPC: "vpc-1", CIDRs: opPrefixes("10.0.0.0/24", "2001:db8:1::/64")},
			reach.Subnet{ID: "subnet-a", VPC: "vpc-1", CIDRs: opPrefixes("10.0.1.0/24", "2001:db8:1:1::/64"), RouteTable: "rtb-a"}).
		AddSecurityGroup(opOpen("sg-open")).
		AddInterface(reach.Interface{ID: "eni-a1", Subnet: "subnet-a", Groups: []string{"sg-open"}, PrivateIPs: opAddrs("10.0.1.10", "2001:db8:1:1::10")}).
		AddFirewall(reach.Firewall{ID: "fw-1", VPC: "vpc-1", Policy: pol, Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-fw", Subnet: "subnet-fw", IPAddressType: "DUALSTACK"}}}).
		Build()
	require.NoError(t, err)
	return m
}

// A session that crosses a firewall endpoint on its reply only: TCP is a
// certain drop (the stateful engine has no state for a midstream
// SYN-ACK); a connectionless reply (ICMPv6, UDP) opens a flow of its own,
// and gets the firewall's verdict on it: passed where no rule or default
// drops it, dropped where one does, undecided where the rules read the
// flow's state or direction, which differ between the reply of the
// session and a flow of its own. Check, Ports and Sources agree.
func TestAsymmetricConnectionlessCrossing(t *testing.T) {
	const from, to = "2001:db8:ff::7", "2001:db8:1:1::10"
	for _, c := range []struct {
		name, fields, rules string
		proto               flow.Protocol
		want                reach.Outcome
		words               string // in the firewall hop's reason
	}{
		{"icmpv6 no rule", ``, `"drop tcp any any -> any 1 (sid:1;)"`, flow.ICMPv6, reach.Reachable, "opens a flow of its own"},
		{"icmpv6 echo reply dropped", ``, `"drop icmp any any -> any any (itype:129; sid:1;)"`, flow.ICMPv6, reach.Unreachable, "sid:1"},
		{"icmpv6 drop_strict", `,"StatefulDefaultActions":["aws:drop_strict"]`, `"drop tcp any any -> any 1 (sid:1;)"`, flow.ICMPv6, reach.Unreachable, "drop_strict"},
		{"icmpv6 drop_established", `,"StatefulDefaultActions":["aws:drop_established"]`, `"drop tcp any any -> any 1 (sid:1;)"`, flow.ICMPv6, reach.Unreachable, "drop_established"},
		{"udp no rule", ``, `"drop tcp any any -> any 1 (sid:1;)"`, flow.UDP, reach.Reachable, "opens a flow of its own"},
		{"udp reply source dropped", ``, `"drop udp 2001:db8:1:1::/64 any -> any any (sid:1;)"`, flow.UDP, reach.Unreachable, "sid:1"},
		{"udp flow:established", ``, `"drop udp any any -> any any (flow:established; sid:1;)"`, flow.UDP, reach.Indeterminate, "never established"},
		{"udp flow:to_server", ``, `"drop udp any any -> any any (flow:to_server; sid:1;)"`, flow.UDP, reach.Indeterminate, "never established"},
		{"tcp", ``, `"drop tcp any any -> any 1 (sid:1;)"`, flow.TCP, reach.Unreachable, "drops what it has no state for"},
		// under CONTINUE the engine inspects what it has no state for
		// without the flow's context, rather than dropping it
		{"tcp continue", `,"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER","StreamExceptionPolicy":"CONTINUE"}`, `"drop tcp any any -> any 1 (sid:1;)"`, flow.TCP, reach.Indeterminate, "stream exception policy CONTINUE"},
		{"tcp continue, drop_strict and a pass rule for another port", `,"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER","StreamExceptionPolicy":"CONTINUE"},"StatefulDefaultActions":["aws:drop_strict"]`,
			`"pass tcp any any -> any 80 (sid:1;)"`, flow.TCP, reach.Unreachable, "drop_strict, which still matches"},
		{"tcp continue, drop_strict and a pass rule for the port", `,"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER","StreamExceptionPolicy":"CONTINUE"},"StatefulDefaultActions":["aws:drop_strict"]`,
			`"pass tcp any any -> any 53 (sid:1;)"`, flow.TCP, reach.Indeterminate, "stream exception policy CONTINUE"},
		{"tcp reject", `,"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER","StreamExceptionPolicy":"REJECT"}`, `"drop tcp any any -> any 1 (sid:1;)"`, flow.TCP, reach.Unreachable, "drops what it has no state for"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := asymV6Model(t, asymPolicy(t, c.fields, c.rules))
			q := reach.Query{From: from, To: to, Protocol: c.proto}
			if c.proto != flow.ICMPv6 {
				q.Port = 53
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, c.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), c.words)

			pq := reach.PortsQuery{From: from, To: to, Protocol: c.proto}
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			if c.proto == flow.ICMPv6 {
				assert.Equal(t, c.want == reach.Reachable, asymICMPOpen(pr.ICMP, 128), "Ports: %+v", pr.ICMP)
				assert.Equal(t, c.want == reach.Indeterminate, asymICMPOpen(pr.ICMPIndeterminate, 128), "Ports: %+v", pr.ICMPIndeterminate)
			} else {
				assert.Equal(t, c.want == reach.Reachable, pr.Open.Contains(53), "Ports open: %v", pr.Open)
				assert.Equal(t, c.want == reach.Indeterminate, pr.Indeterminate.Contains(53), "Ports undecided: %v", pr.Indeterminate)
			}

			sq := reach.SourcesQuery{To: "eni-a1", Protocol: c.proto, IPv6: true}
			if c.proto != flow.ICMPv6 {
				sq.Port = 53
			}
			src, err := m.Sources(sq)
			require.NoError(t, err)
			assert.Equal(t, c.want == reach.Reachable, asymHas(src.Internet, from), "Sources: %v", src.Internet)
			assert.Equal(t, c.want == reach.Indeterminate, asymHas(src.InternetIndeterminate, from), "Sources undecided: %v", src.InternetIndeterminate)
		})
	}
}

func asymHas(ps []netip.Prefix, a string) bool {
	ad := netip.MustParseAddr(a)
	for _, p := range ps {
		if p.Contains(ad) {
			return true
		}
	}
	return false
}

func asymICMPOpen(cs []reach.ICMPCodes, typ uint8) bool {
	for _, c := range cs {
		if c.Type == typ && c.Codes.Contains(0) {
			return true
		}
	}
	return false
}
