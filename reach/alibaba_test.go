package reach_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sg"
)

// alibabaDesign is one VPC with an internet gateway: in the public
// subnet three Alibaba ECS interfaces (ecs-web, ecs-mail with port 25
// unblocked, ecs-peer) and an AWS one (aws-web), all with public IPs and
// open groups; in the private subnet ecs-priv, which reaches the internet
// through a NAT gateway.
func alibabaDesign(t *testing.T) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	open := func(id string, fl sg.Flavour) sg.Group {
		g := sg.Group{ID: id, Name: id, Flavour: fl}
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			r := sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
			if fl.IsAlibaba() {
				r.Action, r.Priority = flow.Pass, 1
			}
			g.Rules = append(g.Rules, r)
		}
		return g
	}
	iface := func(id, subnet, private, public, group string) reach.Interface {
		i := reach.Interface{ID: "eni-" + id, Name: id, Subnet: subnet, PrivateIPs: []netip.Addr{a(private)}, Groups: []string{group}}
		if public != "" {
			i.PublicIP = a(public)
		}
		return i
	}
	mail := iface("ecs-mail", "vsw-pub", "10.2.1.11", "198.51.100.11", "sg-ali")
	mail.Port25Unblocked = true
	awsWeb := iface("aws-web", "vsw-pub", "10.2.1.20", "198.51.100.20", "sg-aws")
	awsWeb.Port25Unblocked = true // ignored: an AWS interface has no such block to lift
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-a"}}},
		).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(
			reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}},
			reach.Subnet{ID: "vsw-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, RouteTable: "rtb-priv"},
		).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "vsw-pub", PrivateIP: a("10.2.1.100"), PublicIP: a("198.51.100.100")}).
		AddSecurityGroup(open("sg-ali", sg.AlibabaBasic), open("sg-ali-ent", sg.AlibabaEnterprise), open("sg-aws", sg.AWS)).
		AddInterface(
			iface("ecs-web", "vsw-pub", "10.2.1.10", "198.51.100.10", "sg-ali"),
			mail,
			iface("ecs-peer", "vsw-pub", "10.2.1.12", "198.51.100.12", "sg-ali-ent"),
			awsWeb,
			iface("ecs-priv", "vsw-priv", "10.2.2.10", "", "sg-ali"),
		)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

func TestAlibabaBlocksOutboundPort25ByDefault(t *testing.T) {
	m := alibabaDesign(t)
	for _, from := range []string{"ecs-web", "ecs-peer", "ecs-priv"} {
		t.Run(from+" to a mail server on the internet is blocked by the platform", func(t *testing.T) {
			q := tcp(from, "203.0.113.25", 25)
			reachtest.AssertNotReachable(t, m, q, reach.AlibabaPort25Blocked)
			r := check(t, m, q)
			require.Len(t, r.Blocks, 1, "only the platform blocks: the groups, ACLs and routes all pass")
			b := r.Blocks[0]
			assert.Equal(t, reach.Forward, b.Leg)
			assert.Equal(t, reach.KindPlatform, b.Kind)
			assert.Equal(t, "alibaba-cloud", b.ID)
			assert.Contains(t, b.Fix, "unblock")
			assert.Contains(t, b.Fix, "465")
			h := r.Forward[b.Hop-1]
			assert.Equal(t, flow.Deny, h.Verdict)
			assert.Contains(t, h.Name, from)
			assert.Contains(t, h.Reason(), "by default")
			assert.Equal(t, reach.KindInternetGateway, r.Forward[b.Hop-2].Kind, "the block sits where the request leaves for the internet")
			assert.Equal(t, reach.KindInternet, r.Forward[len(r.Forward)-1].Kind, "the walk goes on past the block to the mail server")
			assert.NotEmpty(t, r.Return, "and the reply is traced as if the block were lifted")
			assert.Contains(t, r.Text(), "ALIBABA_PORT_25_BLOCKED")
		})
	}
	t.Run("to another instance's public address: that is the internet too", func(t *testing.T) {
		reachtest.AssertNotReachable(t, m, tcp("ecs-web", "198.51.100.20", 25), reach.AlibabaPort25Blocked)
	})
}

func TestAlibabaPort25PassesWhereItDoesNotApply(t *testing.T) {
	m := alibabaDesign(t)
	cases := []struct {
		name string
		q    reach.Query
	}{
		{"an instance whose port 25 is unblocked sends mail", tcp("ecs-mail", "203.0.113.25", 25)},
		{"an AWS interface is not an ECS instance", tcp("aws-web", "203.0.113.25", 25)},
		{"private traffic inside the VPC", tcp("ecs-web", "ecs-peer", 25)},
		{"private traffic from the NAT'd subnet inside the VPC", tcp("ecs-priv", "ecs-web", 25)},
		{"submission on port 587", tcp("ecs-web", "203.0.113.25", 587)},
		{"SMTP over TLS on port 465", tcp("ecs-web", "203.0.113.25", 465)},
		{"udp to port 25", reach.Query{From: "ecs-web", To: "203.0.113.25", Protocol: flow.UDP, Port: 25}},
		{"mail coming in from the internet (the block is outbound)", tcp("203.0.113.25", "ecs-web", 25)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reachtest.AssertReachable(t, m, c.q)
			r := check(t, m, c.q)
			assert.NotContains(t, kinds(r.Forward), reach.KindPlatform)
			assert.NotContains(t, kinds(r.Return), reach.KindPlatform)
		})
	}
}

// TestAlibabaCarrierHighRiskPortsWarn: each port some carriers block as
// high-risk gives a warning (never a block) on a path between an Alibaba
// interface and the internet, either way.
func TestAlibabaCarrierHighRiskPortsWarn(t *testing.T) {
	m := alibabaDesign(t)
	for _, port := range []uint16{25, 135, 139, 444, 445, 5800, 5900} {
		for _, q := range []reach.Query{
			tcp("ecs-mail", "203.0.113.7", port),
			tcp("203.0.113.7", "ecs-web", port),
			tcp("ecs-priv", "203.0.113.7", port),
			{From: "ecs-web", To: "203.0.113.7", Protocol: flow.UDP, Port: port},
			{From: "203.0.113.7", To: "ecs-peer", Protocol: flow.UDP, Port: port},
		} {
			t.Run(fmt.Sprintf("%s %s to %s port %d", q.Protocol, q.From, q.To, port), func(t *testing.T) {
				r := check(t, m, q)
				require.Len(t, r.Warnings, 1, strings.Join(r.Warnings, "\n"))
				w := r.Warnings[0]
				assert.Contains(t, w, fmt.Sprintf("%s/%d", q.Protocol, port))
				assert.Contains(t, w, "carrier")
				assert.Contains(t, w, "Alibaba Cloud")
				assert.Contains(t, r.Text(), "warning: "+w)
				if port != 25 || q.Protocol != flow.TCP || q.From == "203.0.113.7" || q.From == "ecs-mail" {
					assert.True(t, r.Reachable, "a warning, not a block:\n%s", r.Text())
				}
			})
		}
	}
}

func TestAlibabaCarrierWarningOnlyWhereItApplies(t *testing.T) {
	m := alibabaDesign(t)
	cases := []struct {
		name string
		q    reach.Query
	}{
		{"another port (443)", tcp("ecs-web", "203.0.113.7", 443)},
		{"another port (5901)", tcp("203.0.113.7", "ecs-web", 5901)},
		{"another port (24)", tcp("ecs-web", "203.0.113.7", 24)},
		{"an AWS interface, out", tcp("aws-web", "203.0.113.7", 445)},
		{"an AWS interface, in", tcp("203.0.113.7", "aws-web", 445)},
		{"private traffic between Alibaba instances", tcp("ecs-web", "ecs-peer", 445)},
		{"private traffic from the NAT'd subnet", tcp("ecs-priv", "ecs-web", 135)},
		{"icmp", reach.Query{From: "ecs-web", To: "203.0.113.7", Protocol: flow.ICMP}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := check(t, m, c.q)
			assert.Empty(t, r.Warnings)
			assert.True(t, r.Reachable, r.Text())
		})
	}
}

func TestAlibabaPort25BlockedIsAListedCode(t *testing.T) {
	assert.Contains(t, reach.Codes, reach.AlibabaPort25Blocked)
	assert.Equal(t, reach.Code("RETURN_ALIBABA_PORT_25_BLOCKED"), reach.AlibabaPort25Blocked.OnLeg(reach.Return))
}
