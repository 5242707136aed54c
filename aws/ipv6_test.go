package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// gwFSEdit edits file name of the gateway dump fsys: old, which must be
// there, replaced by new.
func gwFSEdit(t *testing.T, fsys fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(fsys["gw/"+name].Data)
	require.Contains(t, s, old)
	fsys["gw/"+name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

// appViaIGW routes subnet-0app's IPv6 traffic (::/0) to the internet
// gateway igw-0g instead of the egress-only one: the internet can then
// open connections to app (through eigw-0g the reply of such a
// connection is dropped: TestLoadDenyAllIgwTraffic).
func appViaIGW(t *testing.T, fsys fstest.MapFS) {
	t.Helper()
	gwFSEdit(t, fsys, "route-tables.json", `"EgressOnlyInternetGatewayId": "eigw-0g"`, `"GatewayId": "igw-0g"`)
}

// v6Check loads the gateway dump after edit and checks tcp/443 from the
// IPv6 internet host 2001:db8:ff::7 to to.
func v6Check(t *testing.T, edit func(fstest.MapFS), from, to string) (*reach.Result, *aws.Report) {
	t.Helper()
	fsys := gwFS(t, nil)
	if edit != nil {
		edit(fsys)
	}
	m, rep, err := aws.LoadFS(fsys, "gw")
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	return r, rep
}

// TestLoadIpv6Prefixes: eni-0app (subnet-0app, 2001:db8:30:1::/64) has
// the IPv6 prefix 2001:db8:30:1:a::/80 and the IPv4 prefix 10.3.1.32/28
// delegated to it (describe-network-interfaces' Ipv6Prefixes and
// Ipv4Prefixes). AWS delivers every address of a delegated prefix to the
// interface (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html):
// its addresses are the interface's, reached as its own IPv6 address is
// (subnet-0app's ::/0 routed to the internet gateway: appViaIGW),
// with no warning at load; outside the prefix nothing holds the address.
func TestLoadIpv6Prefixes(t *testing.T) {
	edit := func(fsys fstest.MapFS) {
		appViaIGW(t, fsys)
		gwFSEdit(t, fsys, "network-interfaces.json", `"NetworkInterfaceId": "eni-0app",`, `"NetworkInterfaceId": "eni-0app",
      "Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8:30:1:a::/80"}],
      "Ipv4Prefixes": [{"Ipv4Prefix": "10.3.1.32/28"}],`)
	}
	own, _ := v6Check(t, edit, "2001:db8:ff::7", "2001:db8:30:1::10")
	require.Equal(t, reach.Reachable, own.Outcome, own.Text())
	r, rep := v6Check(t, edit, "2001:db8:ff::7", "2001:db8:30:1:a::5")
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, r.To, "eni-0app")
	var details []string
	for _, h := range r.Forward {
		details = append(details, h.Details()...)
	}
	assert.Contains(t, strings.Join(details, "\n"), "2001:db8:30:1:a::/80", "the trace names the prefix")
	for _, w := range rep.Warnings {
		assert.NotContains(t, w, "delegated", "no warning: the prefixes are modelled")
	}
	outside, _ := v6Check(t, edit, "2001:db8:ff::7", "2001:db8:30:1:b::5")
	assert.Equal(t, reach.Unreachable, outside.Outcome, "outside the prefix nothing holds the address: %s", outside.Text())
}

// TestLoadDenyAllIgwTraffic: describe-network-interfaces says
// "DenyAllIgwTraffic": true for eni-0app. API_NetworkInterface: "If the
// value is true, inbound traffic from the internet is dropped"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html).
// Without the flag, with subnet-0app's ::/0 routed to the internet
// gateway, the same dump answers internet -> app over IPv6 reachable.
// As the dump stands, ::/0 goes to the egress-only internet gateway
// eigw-0g, and the reply of the internet's connection, which came in
// through igw-0g, is dropped there: an egress-only internet gateway
// keeps the internet from opening connections to the subnets that route
// to it
// (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html).
// (This test asserted Reachable for that flow until the reply through
// the egress-only gateway was checked against the connection it carried
// out.)
func TestLoadDenyAllIgwTraffic(t *testing.T) {
	deny := func(t *testing.T, fsys fstest.MapFS) {
		gwFSEdit(t, fsys, "network-interfaces.json", `"NetworkInterfaceId": "eni-0app",`, `"NetworkInterfaceId": "eni-0app",
      "DenyAllIgwTraffic": true,`)
	}
	for _, tc := range []struct {
		name      string
		viaIGW    bool // subnet-0app's ::/0 to igw-0g (else eigw-0g)
		denyAll   bool
		want      reach.Outcome
		code      reach.Code
		replyCode bool // the code is on the reply
	}{
		{"::/0 to the egress-only gateway", false, false, reach.Unreachable, reach.EgressOnlyNoInbound, true},
		{"::/0 to the internet gateway", true, false, reach.Reachable, "", false},
		{"::/0 to the internet gateway, DenyAllIgwTraffic", true, true, reach.Unreachable, reach.DenyAllIGWTraffic, false},
		{"::/0 to the egress-only gateway, DenyAllIgwTraffic", false, true, reach.Unreachable, reach.DenyAllIGWTraffic, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := v6Check(t, func(fsys fstest.MapFS) {
				if tc.viaIGW {
					appViaIGW(t, fsys)
				}
				if tc.denyAll {
					deny(t, fsys)
				}
			}, "2001:db8:ff::7", "2001:db8:30:1::10")
			require.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code == "" {
				return
			}
			leg := reach.Forward
			if tc.replyCode {
				leg = reach.Return
			}
			assert.Contains(t, r.Codes(), tc.code.OnLeg(leg), r.Text())
		})
	}
}

// TestLoadPrivateIpv6Block: the VPC's or the subnet's IPv6 block is
// private ("Ipv6AddressAttribute": "private", "IpSource": "none").
// API_SubnetIpv6CidrBlockAssociation: "Private IP addresses are not and
// cannot be advertised on the internet from AWS"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SubnetIpv6CidrBlockAssociation.html).
// So a host on the internet cannot reach 2001:db8:30:1::10; the same dump
// with public blocks answers reachable (subnet-0app's ::/0 routed to the
// internet gateway: appViaIGW).
func TestLoadPrivateIpv6Block(t *testing.T) {
	vpc := func(attr string) func(fstest.MapFS) {
		return func(fsys fstest.MapFS) {
			gwFSEdit(t, fsys, "vpcs.json", `"Ipv6CidrBlock": "2001:db8:30::/56",`, `"Ipv6CidrBlock": "2001:db8:30::/56",`+attr)
		}
	}
	subnet := func(attr string) func(fstest.MapFS) {
		return func(fsys fstest.MapFS) {
			gwFSEdit(t, fsys, "subnets.json", `"Ipv6CidrBlock": "2001:db8:30:1::/64",`, `"Ipv6CidrBlock": "2001:db8:30:1::/64",`+attr)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(fstest.MapFS)
		want reach.Outcome
	}{
		{"public blocks", nil, reach.Reachable},
		{"explicitly public", vpc(`"Ipv6AddressAttribute": "public", "IpSource": "amazon",`), reach.Reachable},
		{"the VPC's block private", vpc(`"Ipv6AddressAttribute": "private", "IpSource": "none",`), reach.Unreachable},
		{"the subnet's block private", subnet(`"Ipv6AddressAttribute": "private",`), reach.Unreachable},
		{"IpSource none alone", subnet(`"IpSource": "none",`), reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := v6Check(t, func(fsys fstest.MapFS) {
				appViaIGW(t, fsys) // the internet may open connections to app
				if tc.edit != nil {
					tc.edit(fsys)
				}
			}, "2001:db8:ff::7", "2001:db8:30:1::10")
			require.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Unreachable {
				assert.Contains(t, r.Text(), string(reach.PrivateAddressOnInternet))
			}
		})
	}
}
