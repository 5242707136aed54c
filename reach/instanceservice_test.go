package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// hostServiceDesign is vpc-a (10.0.0.0/16, 2001:db8:1::/56) with an
// internet gateway and, when withDefault, default routes to it; app
// (10.0.1.10, 2001:db8:1:1::10, public 198.51.100.10) in a subnet whose
// ACL denies everything and whose group allows nothing, and ecs, an
// Alibaba Cloud instance (10.0.1.20) in an open group of that flavour.
func hostServiceDesign(withDefault bool) func() (*reach.Model, error) {
	return hostServiceDesignWith(withDefault, nil)
}

// hostServiceDesignWith is hostServiceDesign with app edited by edit
// (nil: as it is).
func hostServiceDesignWith(withDefault bool, edit func(*reach.Interface)) func() (*reach.Model, error) {
	return func() (*reach.Model, error) {
		var routes []reach.Route
		if withDefault {
			routes = []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
				{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}
		}
		b := reach.NewBuilder()
		oneSubnetVPC(b, "a", []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:1::/56")}, []netip.Prefix{bp("10.0.1.0/24"), bp("2001:db8:1:1::/64")}, routes...)
		closed := nacl.NewDefault("acl-closed", "vpc-a", true)
		closed.Entries = nil
		b.AddNetworkACL(closed)
		b.AddSubnet(reach.Subnet{ID: "subnet-app", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2001:db8:1:2::/64")}, ACL: "acl-closed"})
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
		ali := openGroup("sg-ali")
		ali.Flavour = sg.AlibabaBasic
		for i := range ali.Rules {
			ali.Rules[i].Action, ali.Rules[i].Priority = flow.Pass, 1
		}
		b.AddSecurityGroup(sg.Group{ID: "sg-shut", Name: "shut", VPCID: "vpc-a"}, ali)
		app := reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2001:db8:1:2::10")},
			PublicIP: ba("198.51.100.10"), Groups: []string{"sg-shut"}}
		if edit != nil {
			edit(&app)
		}
		b.AddInterface(app,
			reach.Interface{ID: "eni-ecs", Name: "ecs", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.0.1.20")}, Groups: []string{"sg-ali"}})
		return b.Build()
	}
}

// The Instance Metadata Service (169.254.169.254, fd00:ec2::254) and the
// Amazon Time Sync Service (169.254.169.123, fd00:ec2::123) are answered
// by the instance's own host, past security groups, network ACLs and
// route tables (EC2 User Guide, "Retrieve instance metadata" and "Set
// the time"; VPC User Guide, security group rules and network ACL
// basics; semantics.md B.5). Time Sync over IPv4 is reachable; IMDS is
// undecided (enabled per instance, which the input does not hold), as is
// every IPv6 endpoint (Nitro only, IMDS's off by default); other traffic
// to them, and packets from the internet, are blocked. HTTP to an agent's
// endpoint on the host (the ECS task metadata endpoint 169.254.170.2, the
// EKS Pod Identity Agent 169.254.170.23 and fd00:ec2::23) is undecided:
// the agent is software the input does not hold. The walk used to
// route such a packet as any other: a certain PRIVATE_ADDRESS_ON_INTERNET
// at the internet gateway, or NO_ROUTE.
func TestInstanceHostServices(t *testing.T) {
	for _, tc := range []struct {
		name        string
		withDefault bool
		q           reach.Query
		want        reach.Outcome
		code        reach.Code
	}{
		{"IMDS, with a default route to the internet gateway", true, reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"IMDS, without a default route", false, reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"Time Sync, with a default route to the internet gateway", true, reach.Query{From: "app", To: "169.254.169.123", Protocol: flow.UDP, Port: 123}, reach.Reachable, ""},
		{"Time Sync, without a default route", false, reach.Query{From: "app", To: "169.254.169.123", Protocol: flow.UDP, Port: 123}, reach.Reachable, ""},
		{"IMDS over IPv6", true, reach.Query{From: "app", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"Time Sync over IPv6, Nitro only", true, reach.Query{From: "app", To: "fd00:ec2::123", Protocol: flow.UDP, Port: 123}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"IMDS answers HTTP only", true, reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 443}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"IMDS answers no udp", true, reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.UDP, Port: 80}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"Time Sync answers NTP only", true, reach.Query{From: "app", To: "169.254.169.123", Protocol: flow.TCP, Port: 123}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"no ping", true, reach.Query{From: "app", To: "169.254.169.123", Protocol: flow.ICMP}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"IMDS from the internet", true, reach.Query{From: "203.0.113.9", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.InstanceServiceOutside},
		{"Time Sync from a host outside the design", true, reach.Query{From: "192.168.7.7", To: "169.254.169.123", Protocol: flow.UDP, Port: 123}, reach.Unreachable, reach.InstanceServiceOutside},
		{"the ECS task metadata endpoint, answered by an agent the input does not hold", true, reach.Query{From: "app", To: "169.254.170.2", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the ECS task metadata endpoint, without a default route", false, reach.Query{From: "app", To: "169.254.170.2", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the ECS task metadata endpoint answers HTTP only", true, reach.Query{From: "app", To: "169.254.170.2", Protocol: flow.TCP, Port: 22}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"the EKS Pod Identity Agent", true, reach.Query{From: "app", To: "169.254.170.23", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the EKS Pod Identity Agent over IPv6", true, reach.Query{From: "app", To: "fd00:ec2::23", Protocol: flow.TCP, Port: 80}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the EKS Pod Identity Agent's second port", true, reach.Query{From: "app", To: "169.254.170.23", Protocol: flow.TCP, Port: 2703}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the EKS Pod Identity Agent's second port over IPv6", true, reach.Query{From: "app", To: "fd00:ec2::23", Protocol: flow.TCP, Port: 2703}, reach.Indeterminate, reach.InstanceServiceIndeterminate},
		{"the EKS Pod Identity Agent answers its two tcp ports only", true, reach.Query{From: "app", To: "169.254.170.23", Protocol: flow.TCP, Port: 443}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"the EKS Pod Identity Agent answers no udp", true, reach.Query{From: "app", To: "fd00:ec2::23", Protocol: flow.UDP, Port: 2703}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"the ECS task metadata endpoint does not answer the EKS agent's second port", true, reach.Query{From: "app", To: "169.254.170.2", Protocol: flow.TCP, Port: 2703}, reach.Unreachable, reach.InstanceServiceOtherTraffic},
		{"the ECS task metadata endpoint from the internet", true, reach.Query{From: "203.0.113.9", To: "169.254.170.2", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.InstanceServiceOutside},
		{"IMDS over IPv6 from the internet", true, reach.Query{From: "2001:db8:ffff::9", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.InstanceServiceOutside},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := hostServiceDesign(tc.withDefault)()
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			want, err := buildReference(t, hostServiceDesign(tc.withDefault)).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk")
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			if tc.code != "" {
				assert.Equal(t, []reach.Code{tc.code}, r.Codes(), r.Text())
			} else {
				assert.Empty(t, r.Codes(), r.Text())
			}
			for _, blk := range r.Blocks {
				assert.NotContains(t, []reach.Kind{reach.KindInternetGateway, reach.KindRouteTable, reach.KindNetworkACL, reach.KindSecurityGroups}, blk.Kind,
					"the packet never meets a route table, a filter or the internet gateway\n%s", r.Text())
			}
			if tc.code == reach.InstanceServiceIndeterminate {
				require.Len(t, r.Undecided(), 1, r.Text())
				assert.Contains(t, r.Forward[0].Missing, "the input", r.Text())
			}
			if tc.q.From == "app" && tc.code != reach.InstanceServiceOtherTraffic {
				require.Len(t, r.Forward, 1, r.Text())
				require.Len(t, r.Return, 1, r.Text())
				for _, h := range append(r.Forward, r.Return...) {
					assert.Equal(t, reach.KindInstanceService, h.Kind)
					assert.Equal(t, "eni-app", h.ID)
				}
				assert.Contains(t, r.To, "on the sending instance's own host")
			}
		})
	}
}

// The IMDS hop says what the input lacks, and an Alibaba Cloud instance
// (whose metadata service is 100.100.100.200) is walked as before.
func TestInstanceHostServicesDetails(t *testing.T) {
	m, err := hostServiceDesign(true)()
	require.NoError(t, err)
	r := check(t, m, reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 80})
	assert.Contains(t, r.Forward[0].Missing, "MetadataOptions.HttpEndpoint")
	assert.Contains(t, r.Text(), "Instance Metadata Service")
	r6 := check(t, m, reach.Query{From: "app", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80})
	assert.Contains(t, r6.Forward[0].Missing, "HttpProtocolIpv6")
	assert.Contains(t, r6.Forward[0].Missing, "Nitro")

	ecs := check(t, m, reach.Query{From: "ecs", To: "169.254.169.254", Protocol: flow.TCP, Port: 80})
	assert.NotEqual(t, reach.KindInstanceService, ecs.Forward[0].Kind, ecs.Text())

	_, err = m.Check(reach.Query{From: "169.254.169.254", To: "app", Protocol: flow.TCP, Port: 80})
	require.ErrorIs(t, err, reach.ErrQuery, "the service opens no sessions")

	cf, err := m.CheckFlow(flow.MustParse("udp 10.0.2.10:50000 -> 169.254.169.123:123"))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, cf.Outcome, cf.Text())
}

// Ports and Sources agree with single checks: IMDS is undecided on tcp
// port 80 alone, Time Sync open on udp port 123 alone; every instance but
// the Alibaba one reaches its own host's services, the internet none.
func TestInstanceHostServicesSetQuestions(t *testing.T) {
	m, err := hostServiceDesign(true)()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.254", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, p.Open.IsEmpty(), p.Open.String())
	assert.Equal(t, "80", p.Indeterminate.String())
	for _, agent := range []struct{ addr, ports string }{
		{"169.254.170.2", "80"},       // the ECS task metadata endpoint
		{"169.254.170.23", "80,2703"}, // the EKS Pod Identity Agent
		{"fd00:ec2::23", "80,2703"},   // and over IPv6
	} {
		p, err = m.Ports(reach.PortsQuery{From: "app", To: agent.addr, Protocol: flow.TCP})
		require.NoError(t, err)
		assert.True(t, p.Open.IsEmpty(), "%s: %s", agent.addr, p.Open.String())
		assert.Equal(t, agent.ports, p.Indeterminate.String(), agent.addr)
		s, err := m.Sources(reach.SourcesQuery{To: agent.addr, Protocol: flow.TCP, Port: 2703, IPv6: netip.MustParseAddr(agent.addr).Is6()})
		require.NoError(t, err)
		if agent.ports == "80" {
			assert.Empty(t, s.Interfaces, "%s tcp/2703 in Sources, as in Ports", agent.addr)
			continue
		}
		require.Len(t, s.Interfaces, 1, agent.addr)
		assert.Equal(t, "eni-app", s.Interfaces[0].ID)
		assert.Equal(t, reach.Indeterminate, s.Interfaces[0].Outcome, "%s tcp/2703 in Sources, as in Ports", agent.addr)
	}
	p, err = m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.123", Protocol: flow.UDP})
	require.NoError(t, err)
	assert.Equal(t, "123", p.Open.String())
	assert.True(t, p.Indeterminate.IsEmpty())
	p, err = m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.123", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, p.Open.IsEmpty())
	require.NotEmpty(t, p.Cuts)
	assert.Equal(t, reach.InstanceServiceOtherTraffic, p.Cuts[0].Code)

	s, err := m.Sources(reach.SourcesQuery{To: "169.254.169.123", Protocol: flow.UDP, Port: 123})
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1, "ecs, an Alibaba Cloud instance, is walked as before (no route there)")
	assert.Equal(t, "eni-app", s.Interfaces[0].ID)
	assert.Equal(t, reach.Reachable, s.Interfaces[0].Outcome)
	assert.Empty(t, s.Internet)
	assert.Empty(t, s.InternetIndeterminate)
}

// TestPodIdentityAgentPorts: the EKS Pod Identity Agent uses the node's
// host network and tcp ports 80 and 2703 on its link-local address,
// 169.254.170.23 and [fd00:ec2::23] (Amazon EKS User Guide, "Learn how
// EKS Pod Identity grants pods access to AWS services",
// https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html).
// Both ports are as undecided as each other: whether the agent runs on
// the node is not in the input. tcp/2703 used to be a certain
// INSTANCE_SERVICE_OTHER_TRAFFIC ("nothing else listens there").
func TestPodIdentityAgentPorts(t *testing.T) {
	m := dualStackDesign(t)
	for _, tc := range []struct {
		to   string
		port uint16
	}{
		{"169.254.170.23", 80},
		{"169.254.170.23", 2703},
		{"fd00:ec2::23", 80},
		{"fd00:ec2::23", 2703},
	} {
		q := reach.Query{From: "app", To: tc.to, Protocol: flow.TCP, Port: tc.port, IPv6: netip.MustParseAddr(tc.to).Is6()}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, "%s port %d\n%s", tc.to, tc.port, r.Text())
		assert.Equal(t, []reach.Code{reach.InstanceServiceIndeterminate}, r.Codes(), "%s port %d", tc.to, tc.port)
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, v, "%s port %d: Verdict", tc.to, tc.port)
	}
}
