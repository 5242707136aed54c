package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// TestSourcesProbeIsAnInternetAddress: the set questions stand for the
// internet by one address of it, the documentation address 198.51.100.1
// (2001:db8:ffff::1) when that is one. A design may hold it (a public
// IP) or a VPC block may contain it (AWS accepts VPC blocks outside RFC
// 1918, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html):
// Sources then answered from an interface of the design ("internet:
// none") or refused the question, naming an address it was never given.
// Sources, the matrix and the audit must agree with Verdict from every
// internet address, as they do on any design.
func TestSourcesProbeIsAnInternetAddress(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	tests := []struct {
		name   string
		change func(d *sample.Design)
		v6     bool
		// reaches is an internet address that reaches web-1 on 443 (sg-web,
		// the firewall and acl-public pass it from anywhere); the sample
		// firewall passes IPv6 to web-1's own address alone.
		reaches string
		// noMatrix: the brute-force matrix check sends from 198.51.100.7,
		// which a VPC block holds here.
		noMatrix bool
	}{
		{"web-1's public address is 198.51.100.1", func(d *sample.Design) {
			d.Interfaces[0].PublicIP = ba("198.51.100.1")
		}, false, "198.51.100.7", false},
		{"a VPC block holds 198.51.100.1", func(d *sample.Design) {
			d.VPCs[0].CIDRs = append(d.VPCs[0].CIDRs, bp("198.51.100.0/24"))
		}, false, "8.8.8.8", true},
		{"a VPC block holds 2001:db8:ffff::1", func(d *sample.Design) {
			d.VPCs[0].CIDRs = append(d.VPCs[0].CIDRs, bp("2001:db8:ffff::/48"))
		}, true, "", false},
		{"web-1's IPv6 address is 2001:db8:ffff::1", func(d *sample.Design) {
			d.VPCs[0].CIDRs[1] = bp("2001:db8:ff00::/40")
			d.Subnets[0].CIDRs[1] = bp("2001:db8:ff00::/64") // subnet-fw
			// a /44 block, so that 2001:db8:ffff::1 is none of the first
			// four addresses AWS reserves in a subnet block
			d.Subnets[1].CIDRs[1] = bp("2001:db8:fff0::/44") // subnet-public
			d.RouteTables[0].Routes[1].Destination = bp("2001:db8:fff0::/44")
			d.Interfaces[0].PrivateIPs[1] = ba("2001:db8:ffff::1")
		}, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			require.Equal(t, "eni-web1", d.Interfaces[0].ID)
			require.Equal(t, "subnet-public", d.Subnets[1].ID)
			require.Equal(t, "rtb-edge", d.RouteTables[0].ID)
			tt.change(d)
			m, err := d.Builder().Build()
			require.NoError(t, err)
			var qs []reach.SourcesQuery
			for _, port := range []uint16{22, 443} {
				qs = append(qs, reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: port, IPv6: tt.v6})
			}
			for _, q := range qs {
				r, err := m.Sources(q)
				require.NoError(t, err, "%+v", q)
				if q.Port == 443 && tt.reaches != "" {
					a := ba(tt.reaches)
					assert.True(t, slices.ContainsFunc(r.Internet, func(p netip.Prefix) bool { return p.Contains(a) }),
						"%s reaches web-1 on 443: %v", a, r.Internet)
				}
			}
			brute.CheckSetAnswers(t, m, brute.Options{Sources: qs, IPv6: tt.v6, Few: true, NoMatrix: tt.noMatrix})
		})
	}
}

// TestSourcesAddressOfTheOtherFamily: an address of the family the
// question does not ask for is refused, naming that address rather
// than the internet's stand-in.
func TestSourcesAddressOfTheOtherFamily(t *testing.T) {
	m, err := sample.ThreeTierDesign().Builder().Build()
	require.NoError(t, err)
	for _, q := range []reach.SourcesQuery{
		{To: "203.0.113.10", Protocol: flow.TCP, Port: 443, IPv6: true},
		{To: "2001:db8:10:1::10", Protocol: flow.TCP, Port: 443},
	} {
		_, err := m.Sources(q)
		require.ErrorIs(t, err, reach.ErrQuery, "%+v", q)
		assert.Contains(t, err.Error(), q.To)
		assert.NotContains(t, err.Error(), "198.51.100.1")
		assert.NotContains(t, err.Error(), "2001:db8:ffff::1")
	}
}
