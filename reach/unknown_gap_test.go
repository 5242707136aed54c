package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// gapDesign is the sample three-tier design where sg-db also admits
// tcp 5432 from block, app-2 (sg-other, outbound all) has an address
// known only later in subnet-app, and, when held is valid, a new
// interface app-3 holds held there: a gap of the addresses AWS may give
// app-2.
func gapDesign(t *testing.T, block string, held netip.Addr) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-extra", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single(uint16(5432)), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(block)})
		}
	}
	d.Groups = append(d.Groups, sg.Group{ID: "sg-other", Name: "other", VPCID: "vpc-demo", Rules: []sg.Rule{
		{ID: "sgr-other-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	if held.IsValid() {
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-app3", Name: "app-3", Subnet: "subnet-app",
			PrivateIPs: []netip.Addr{held}, Groups: []string{"sg-other"}})
	}
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
		Groups: []string{"sg-other"}, AddressUnknown: "aws_instance.app2: private_ip"})
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// A filter's block on the path of an interface whose address is known
// only later counts when it holds some of the addresses AWS may give and
// not all, wherever its ends fall: also at an address another interface
// holds (a gap of them). The placeholder's walk (10.0.2.254) is then no
// certain answer, and a certain block is claimed only when every piece
// of the addresses, the free runs on either side of a gap apart, is
// blocked (eachAddress).
func TestPathBlockEdgeInAGapOfUnknownAddresses(t *testing.T) {
	app3 := netip.MustParseAddr("10.0.2.16")
	tests := []struct {
		name  string
		block string
		held  netip.Addr
		want  reach.Outcome
	}{
		// holds 10.0.2.4-15 and none after the gap at .16: 10.0.2.5 is
		// admitted, 10.0.2.200 is not
		{"block ends at a gap", "10.0.2.0/28", app3, reach.Indeterminate},
		{"block ends inside free addresses", "10.0.2.0/28", netip.Addr{}, reach.Indeterminate},
		// starts at the held .16: 10.0.2.17-31 admitted, the free run
		// before the gap not
		{"block starts at a gap", "10.0.2.16/28", app3, reach.Indeterminate},
		// holds only app-3's address, none AWS may give app-2
		{"block holds only a held address", "10.0.2.16/32", app3, reach.Unreachable},
		// holds every address AWS may give app-2
		{"block holds all", "10.0.2.0/24", app3, reach.Reachable},
	}
	q := reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := gapDesign(t, tt.block, tt.held).Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			if tt.want == reach.Indeterminate {
				assert.NotEmpty(t, r.Unknowns, r.Text())
			}
		})
	}
}
