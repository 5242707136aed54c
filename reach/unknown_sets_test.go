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

// A security group rule matches its prefix list's union: entries that
// touch or overlap make no edge between them, so an interface whose
// address is known only later, in a subnet the union covers whole, gets
// a certain answer. Entries that leave part of the subnet out still tell
// its possible addresses apart (indeterminate), and so do entries whose
// gap holds an address it may get.
func TestUnknownAddressPrefixListIsOneSet(t *testing.T) {
	pfx := netip.MustParsePrefix
	tests := []struct {
		name    string
		entries []netip.Prefix
		want    reach.Outcome
	}{
		{"two halves", []netip.Prefix{pfx("10.0.2.0/25"), pfx("10.0.2.128/25")}, reach.Reachable},
		{"four quarters, unordered", []netip.Prefix{pfx("10.0.2.192/26"), pfx("10.0.2.0/26"), pfx("10.0.2.128/26"), pfx("10.0.2.64/26")}, reach.Reachable},
		{"overlapping", []netip.Prefix{pfx("10.0.2.0/24"), pfx("10.0.2.0/25")}, reach.Reachable},
		{"half", []netip.Prefix{pfx("10.0.2.0/25")}, reach.Indeterminate},
		{"a gap of free addresses", []netip.Prefix{pfx("10.0.2.0/26"), pfx("10.0.2.128/25")}, reach.Indeterminate},
	}
	q := reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			for i := range d.Groups {
				if d.Groups[i].ID == "sg-db" {
					d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-list", Direction: flow.Inbound, Protocol: flow.TCP,
						Ports: flow.Single(uint16(5432)), ICMPType: -1, ICMPCode: -1, Peer: sg.PrefixList("pl-app")})
				}
			}
			d.Groups = append(d.Groups, sg.Group{ID: "sg-other", Name: "other", VPCID: "vpc-demo", Rules: []sg.Rule{
				{ID: "sgr-other-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
			d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
				Groups: []string{"sg-other"}, AddressUnknown: "aws_instance.app2: private_ip"})
			b := d.Builder()
			b.AddPrefixList(reach.PrefixList{ID: "pl-app", Name: "app", Entries: tt.entries})
			m, err := b.Build()
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v, "Verdict agrees with Check")
		})
	}
}
