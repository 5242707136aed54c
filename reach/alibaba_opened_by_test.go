package reach_test

// Audit and lint name an Alibaba Cloud 5-tuple rule's source ports in
// their "opened by" label, as the trace does (audit alisets23 finding 1).

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// aliSetsPerm is one Permission of a DescribeSecurityGroupAttribute
// response.
func aliSetsPerm(id, dir, policy string, prio int, proto, ports string, peer map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"SecurityGroupRuleId": %q, "Direction": %q, "Policy": %q, "Priority": %d, "IpProtocol": %q, "PortRange": %q, "NicType": "intranet"`,
		id, dir, policy, prio, proto, ports)
	for k, v := range peer {
		fmt.Fprintf(&b, `, %q: %q`, k, v)
	}
	b.WriteString("}")
	return b.String()
}

// aliSetsGroup parses a basic group of vpc-a from its permissions.
func aliSetsGroup(t *testing.T, id, inner string, perms ...string) sg.Group {
	t.Helper()
	doc := fmt.Sprintf(`{"SecurityGroupId": %q, "VpcId": "vpc-a", "SecurityGroupType": "normal", "InnerAccessPolicy": %q, "Permissions": {"Permission": [%s]}}`,
		id, inner, strings.Join(perms, ","))
	g, err := alibaba.ParseSecurityGroup([]byte(doc), 0)
	require.NoError(t, err, doc)
	return g
}

// aliSourcePortsDesign: one VPC with an internet gateway; iso1
// (47.97.0.10) in sg-iso, whose i3 accepts tcp/443 from anywhere but
// only from source ports 1-1023 (i4 drops the rest), and whose i6
// accepts tcp/8000-8999 from source ports 40000-65535; open1
// (47.97.0.20) in sg-open, whose o4 accepts ssh from any source port.
func aliSourcePortsDesign(t *testing.T) *reach.Model {
	t.Helper()
	srcPorts := func(c, sp string) map[string]string {
		m := map[string]string{"SourceCidrIp": c}
		if sp != "" {
			m["SourcePortRange"] = sp
		}
		return m
	}
	iso := aliSetsGroup(t, "sg-iso", "Drop",
		aliSetsPerm("i3", "ingress", "Accept", 1, "TCP", "443/443", srcPorts("0.0.0.0/0", "1/1023")),
		aliSetsPerm("i4", "ingress", "Drop", 2, "TCP", "443/443", srcPorts("0.0.0.0/0", "")),
		aliSetsPerm("i6", "ingress", "Accept", 30, "TCP", "8000/8999", srcPorts("0.0.0.0/0", "40000/65535")),
	)
	open := aliSetsGroup(t, "sg-open", "Accept",
		aliSetsPerm("o4", "ingress", "Accept", 50, "TCP", "22/22", srcPorts("0.0.0.0/0", "-1/-1")),
	)
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.3.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-1", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.3.1.0/24")}}).
		AddSecurityGroup(iso, open).
		AddInterface(
			reach.Interface{ID: "eni-iso1", Name: "iso1", Subnet: "vsw-1", PrivateIPs: []netip.Addr{a("10.3.1.10")}, PublicIP: a("47.97.0.10"), Groups: []string{"sg-iso"}},
			reach.Interface{ID: "eni-open1", Name: "open1", Subnet: "vsw-1", PrivateIPs: []netip.Addr{a("10.3.1.20")}, PublicIP: a("47.97.0.20"), Groups: []string{"sg-open"}},
		).Build()
	require.NoError(t, err)
	return m
}

func TestAliOpenedByNamesSourcePorts(t *testing.T) {
	m := aliSourcePortsDesign(t)
	risk := func(svc string, port uint16) reach.Risk {
		return reach.Risk{Service: svc, Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](port)), Severity: reach.High}
	}
	cases := []struct {
		name      string
		risk      reach.Risk
		anyClient bool
		iface     string
		exposure  reach.Exposure
		opened    string
	}{
		{"closed at the default client port", risk("https", 443), false, "eni-iso1", reach.Closed,
			"sg-iso rule i3 (tcp/443 from 0.0.0.0/0 from source ports 1-1023)"},
		{"exposed from some client port", risk("https", 443), true, "eni-iso1", reach.Exposed,
			"sg-iso rule i3 (tcp/443 from 0.0.0.0/0 from source ports 1-1023)"},
		{"high source ports", risk("web-alt", 8500), true, "eni-iso1", reach.Exposed,
			"sg-iso rule i6 (tcp/8000-8999 from 0.0.0.0/0 from source ports 40000-65535)"},
		{"any source port (-1/-1) says none", risk("ssh", 22), false, "eni-open1", reach.Exposed,
			"sg-open rule o4 (tcp/22 from 0.0.0.0/0)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := reach.AuditOptions{Catalogue: []reach.Risk{tc.risk}} // every client port
			if !tc.anyClient {
				o.SrcPort = reach.DefaultSourcePort
			}
			a, err := m.Audit(o)
			require.NoError(t, err)
			var got []reach.Finding
			for _, f := range a.Findings {
				if f.Interface == tc.iface {
					got = append(got, f)
				}
			}
			require.Len(t, got, 1, "%+v", a.Findings)
			assert.Equal(t, tc.exposure, got[0].Exposure)
			assert.Equal(t, []string{tc.opened}, got[0].OpenedBy)
			assert.Contains(t, a.Text(), "opened by "+tc.opened+"\n")
		})
	}
}

func TestAliLintOpenedByNamesSourcePorts(t *testing.T) {
	m := aliSourcePortsDesign(t)
	cases := []struct {
		id, rule, opened string
	}{
		{reach.LintExposedRisky, "i6", "opened by sg-iso rule i6 (tcp/8000-8999 from 0.0.0.0/0 from source ports 40000-65535)"},
		{reach.LintExposedRisky, "i3", "opened by sg-iso rule i3 (tcp/443 from 0.0.0.0/0 from source ports 1-1023)"},
	}
	res, err := m.Lint(reach.LintOptions{Catalogue: []reach.Risk{
		{Service: "https", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](443)), Severity: reach.High},
		{Service: "web-alt", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](8500)), Severity: reach.High},
	}})
	require.NoError(t, err)
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			var hit *reach.LintFinding
			for i, f := range res.Findings {
				if f.ID == tc.id && f.Resource == "sg-iso" && f.Rule == tc.rule {
					hit = &res.Findings[i]
				}
			}
			require.NotNil(t, hit, "%+v", res.Findings)
			assert.Contains(t, hit.Message, tc.opened)
		})
	}
}
