package reach_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

func TestPortsResultString(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	tests := []struct {
		name string
		q    reach.PortsQuery
		want string
	}{
		{"the internet to the web tier: one port, two cuts", reach.PortsQuery{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP}, `tcp 198.51.100.7 -> 203.0.113.10: the destination ports that work, request and reply
from internet host 198.51.100.7
  to web-1 (eni-web1)
open from client port 50000: 443
by client-port range:
  Linux (kernel default) 32768-60999: 443
  Linux (AWS docs) 32768-61000: 443
  Windows Server 2008+ 49152-65535: 443
  Windows Server 2003 and earlier 1025-5000: 443
  NAT gateway, ELB, Lambda 1024-65535: 443
cuts from client port 50000:
  request hop 4, network-firewall vpce-fw (demo-firewall): FIREWALL_DROP: 1-442,444-65535
  request hop 8, security-groups sg-web (web-1 (eni-web1)): SG_NO_ALLOW: 1-21,23-442,444-65535
`},
		{"the database: open from some client ranges only, cut on the reply", reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP}, `tcp 10.0.2.20 -> 10.0.3.30: the destination ports that work, request and reply
from app-1 (eni-app1)
  to db-1 (eni-db1)
open from client port 50000: none
by client-port range:
  Linux (kernel default) 32768-60999: none
  Linux (AWS docs) 32768-61000: none
  Windows Server 2008+ 49152-65535: none
  Windows Server 2003 and earlier 1025-5000: 5432
  NAT gateway, ELB, Lambda 1024-65535: none; from some client ports: 5432
cuts from client port 50000:
  request hop 4, network-acl acl-db (subnet-db): ACL_DEFAULT_DENY: 1-5431,5433-65535
  request hop 5, security-groups sg-db (db-1 (eni-db1)): SG_NO_ALLOW: 1-5431,5433-65535
  reply hop 3, network-acl acl-db (subnet-db): RETURN_ACL_DEFAULT_DENY: 1-65535
`},
		{"icmp: types grouped by their codes", reach.PortsQuery{From: "app-1", To: "web-1", Protocol: flow.ICMP}, `icmp 10.0.2.20 -> 10.0.1.10: the types and codes that work, request and reply
from app-1 (eni-app1)
  to web-1 (eni-web1)
open: none
cuts:
  request hop 5, security-groups sg-web (web-1 (eni-web1)): SG_NO_ALLOW: 0-7,9-255 (all codes)
  reply hop 4, network-acl acl-app (subnet-app): RETURN_ACL_DEFAULT_DENY: 0-2,6-10,13-255 (all codes)
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Ports(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.String())
		})
	}
}

// A result made by hand shows every part of the text: ICMP codes in the
// compact form, indeterminate sets and undecided cuts.
func TestPortsResultStringParts(t *testing.T) {
	codes := func(s string) flow.Set[uint8] {
		c, err := flow.ParseSet[uint8](s)
		require.NoError(t, err)
		return c
	}
	ports := func(s string) flow.PortSet {
		p, err := flow.ParsePortSet(s)
		require.NoError(t, err)
		return p
	}
	tests := []struct {
		name string
		r    reach.PortsResult
		want []string
	}{
		{"icmp types with the same codes together, groups in type order", reach.PortsResult{Protocol: flow.ICMP,
			ICMP:              []reach.ICMPCodes{{Type: 0, Codes: codes("0")}, {Type: 3, Codes: codes("0-4")}, {Type: 8, Codes: codes("0-255")}, {Type: 11, Codes: codes("0-4")}, {Type: 12, Codes: codes("0,2")}},
			ICMPIndeterminate: []reach.ICMPCodes{{Type: 13, Codes: codes("0")}}},
			[]string{"open: 0 (code 0), 3,11 (codes 0-4), 8 (all codes), 12 (codes 0,2)\n", "indeterminate: 13 (code 0)\n", "cuts: none\n"}},
		{"indeterminate ports and an undecided cut", reach.PortsResult{Protocol: flow.TCP, ClientPort: 50000, Open: ports("22"), Indeterminate: ports("https"),
			Cuts: []reach.Cut{{Leg: reach.Return, Hop: 2, Kind: reach.KindNetworkACL, ID: "acl-1", Code: "RETURN_ACL_DENY", Ports: ports("443"), Indeterminate: true}}},
			[]string{"open from client port 50000: 22\n", "indeterminate from client port 50000: 443\n", "  reply hop 2, network-acl acl-1: RETURN_ACL_DENY (undecided): 443\n"}},
		{"nothing open", reach.PortsResult{Protocol: flow.UDP, ClientPort: 50000}, []string{"open from client port 50000: none\n", "cuts: none\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.r.String()
			for _, w := range tt.want {
				assert.Contains(t, s, w)
			}
			assert.NotContains(t, s, "by client-port range", "no ranges asked, none printed")
		})
	}
}

// Names in the design cannot forge a line of the set answers' text.
func TestSetTextsEscapeNames(t *testing.T) {
	const evil, escaped = "web-1\n  request hop 1\x1b[31m\u202e", `web-1\n  request hop 1\x1b[31m\u202e`
	d := sample.ThreeTierDesign()
	for i := range d.Interfaces {
		if d.Interfaces[i].Name == "web-1" {
			d.Interfaces[i].Name = evil
		}
	}
	for i := range d.Groups {
		d.Groups[i].Name += evil
	}
	d.Firewalls[0].Name += evil
	m, err := d.Builder().Build()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "198.51.100.7", To: evil, Protocol: flow.TCP, ClientPorts: []nacl.NamedRange{{Name: "odd\nrange", Ports: flow.PortRange{Lo: 1024, Hi: 65535}}}})
	require.NoError(t, err)
	s, err := m.Sources(reach.SourcesQuery{To: evil, Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	for _, text := range []string{p.String(), s.String()} {
		for _, line := range strings.Split(text, "\n") {
			assert.True(t, textsafe.IsClean(line), "raw control or bidi character in %q", line)
			assert.False(t, strings.HasPrefix(line, "  request hop 1"), "a forged line: %q", line)
		}
		assert.Contains(t, text, escaped, "the escaped name still names the resource")
	}
	assert.Contains(t, p.String(), `odd\nrange 1024-65535: 443`)
}

func TestSourcesResultString(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	r, err := m.Sources(reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	s := r.String()
	assert.Contains(t, s, "who reaches web-1 (eni-web1) over tcp port 443:\n  interfaces:\n    app-1 (eni-app1) 10.0.2.20\n")
	assert.Contains(t, s, "  internet: every IPv4 address but 0.0.0.0/8, 10.0.0.0/8, ")
	assert.Less(t, len(s), 1000, "the complement is the shorter form:\n%s", s)

	// The short form is the same set: its complement is the answer.
	hand := &reach.SourcesResult{To: "x", Protocol: flow.TCP, Port: 22, Internet: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/1"), netip.MustParsePrefix("128.0.0.0/2"), netip.MustParsePrefix("192.0.0.0/3")}}
	assert.Contains(t, hand.String(), "internet: every IPv4 address but 224.0.0.0/3\n")
	hand.Internet = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
	assert.Contains(t, hand.String(), "internet: 198.51.100.0/24\n")
	hand.Internet = []netip.Prefix{netip.MustParsePrefix("::/1")}
	assert.Contains(t, hand.String(), "internet: ::/1\n", "as short either way: as it is")
	hand.Internet = []netip.Prefix{netip.MustParsePrefix("::/1"), netip.MustParsePrefix("8000::/2"), netip.MustParsePrefix("c000::/3")}
	assert.Contains(t, hand.String(), "internet: every IPv6 address but e000::/3\n")
	hand.Internet, hand.InternetIndeterminate = nil, []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	assert.Contains(t, hand.String(), "interfaces: none\n  internet: none\n  internet, indeterminate: 192.0.2.0/24\n")
}

// TestPortsClientRangesTellIndeterminate: a client-port range's answer
// names the ports the input leaves open from it (the demo's HTTPS egress
// without a domain) apart from those cut, in Go, in the text and in the
// JSON schema's "indeterminate" per range, so "none" open does not read as
// nothing working (audit sets19 finding 2).
func TestPortsClientRangesTellIndeterminate(t *testing.T) {
	m, err := sample.ThreeTierDesign().Builder().Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		from, to  string
		open, und string // from every common range
	}{
		{"web-1", "93.184.216.34", "none", "80,443,465,636,993,995,8000,8080,8443"}, // left open by the domain allowlist
		{"198.51.100.7", "web-1", "443", "none"},                                    // every port decided
	} {
		p, err := m.Ports(reach.PortsQuery{From: tc.from, To: tc.to, Protocol: flow.TCP})
		require.NoError(t, err)
		require.Len(t, p.Clients, len(nacl.EphemeralRanges()))
		text := p.String()
		assert.Contains(t, text, "by client-port range:\n", text)
		for _, c := range p.Clients {
			assert.Equal(t, tc.open, c.Open.String(), "%s: %s", tc.from, c.Name)
			assert.Equal(t, tc.und, c.Indeterminate.String(), "%s: %s", tc.from, c.Name)
			assert.True(t, c.Partly.IsEmpty(), "%s: %s", tc.from, c.Name)
			line := fmt.Sprintf("  %s %s: %s\n", c.Name, c.Ports, tc.open)
			if tc.und != "none" {
				line = fmt.Sprintf("  %s %s: %s; indeterminate: %s\n", c.Name, c.Ports, tc.open, tc.und)
			}
			assert.Contains(t, text, line)
		}
		js, err := json.Marshal(p.Clients[0])
		require.NoError(t, err)
		assert.Contains(t, string(js), fmt.Sprintf(`"indeterminate":"%s"`, tc.und))
	}
}
