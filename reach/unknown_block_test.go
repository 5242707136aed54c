package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// dbDropsUpperApp is an edit of withUnknownApp's design: acl-db's entry
// 50 drops everything from the upper half of the app subnet, so the
// design tells apart addresses app-2 could get.
func dbDropsUpperApp(d *sample.Design) {
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-db" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 50, Action: flow.Drop, Direction: flow.Inbound,
				Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.128/25"), ICMPType: -1, ICMPCode: -1})
		}
	}
}

// webDropsToUpperApp is an edit of withUnknownApp's design: acl-public's
// entry 40 drops everything to the upper half of the app subnet.
func webDropsToUpperApp(d *sample.Design) {
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-public" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.Entry{Number: 40, Action: flow.Drop, Direction: flow.Outbound,
				Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.0.2.128/25"), ICMPType: -1, ICMPCode: -1})
		}
	}
}

// A hop that blocks every address an interface could get decides,
// whichever AWS gives it; one that blocks some of them only does not.
func TestCertainBlockWhicheverAddress(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *sample.Design)
		q    reach.Query
		want reach.Outcome
		hop  string // in the warning, when the block stands
	}{
		{"the database's groups admit no one on 22", dbDropsUpperApp,
			reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 22, SrcPort: 30000}, reach.Unreachable,
			"the request's hop 4 (network-acl acl-db)"},
		{"the upper half is dropped, the lower half gets through", dbDropsUpperApp,
			reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}, reach.Indeterminate, ""},
		{"the reply to client port 50000 is dropped for everyone", dbDropsUpperApp,
			reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 50000}, reach.Unreachable,
			"the reply's hop 3 (network-acl acl-db)"},
		{"to app-2 on a port its groups do not open", webDropsToUpperApp,
			reach.Query{From: "web-1", To: "app-2", Protocol: flow.TCP, Port: 9000}, reach.Unreachable,
			"the request's hop 5 (security-groups sg-app)"},
		{"to app-2 on the port its groups open", webDropsToUpperApp,
			reach.Query{From: "web-1", To: "app-2", Protocol: flow.TCP, Port: 8080}, reach.Indeterminate, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := withUnknownApp(t, tc.edit)
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict is Check's outcome")
			if tc.want == reach.Indeterminate {
				require.NotEmpty(t, r.Unknowns)
				return
			}
			assert.Empty(t, r.Unknowns)
			assert.Contains(t, r.Text(), "blocks every one of them, so the answer is unreachable whichever it gives")
			assert.Contains(t, r.Text(), tc.hop)
			// the brute force: every address app-2 could get, each a
			// design of its own
			for _, a := range []string{"10.0.2.4", "10.0.2.100", "10.0.2.127", "10.0.2.128", "10.0.2.200", "10.0.2.254"} {
				m, err := withUnknownApp(t, func(d *sample.Design) {
					tc.edit(d)
					for i := range d.Interfaces {
						if d.Interfaces[i].ID == "aws_instance.app2" {
							d.Interfaces[i].AddressUnknown = ""
							d.Interfaces[i].PrivateIPs = []netip.Addr{netip.MustParseAddr(a)}
						}
					}
				})
				require.NoError(t, err)
				r, err := m.Check(tc.q)
				require.NoError(t, err)
				assert.Equal(t, reach.Unreachable, r.Outcome, "app-2 at %s: %s", a, r.Text())
			}
		})
	}
}

// A security group rule that references a group the input does not hold
// matches no address the design holds: whichever address app-2 gets, it
// is one (its groups are known), so the block stands; judged at the
// address tried as an address the design does not hold, it would not.
func TestCertainBlockWhicheverAddressKnownNonMember(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app",
		Groups: []string{"sg-app"}, AddressUnknown: "aws_instance.app2: private_ip"})
	dbDropsUpperApp(d)
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-elsewhere", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.GroupRef("sg-elsewhere"), ICMPType: -1, ICMPCode: -1})
		}
	}
	m, err := d.Builder().AddUnresolvedGroup("sg-elsewhere").Build()
	require.NoError(t, err)
	q := reach.Query{From: "app-2", To: "db-1", Protocol: flow.TCP, Port: 22, SrcPort: 30000}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	// a known address outside the design's blocks is no member either
	r, err = m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 22, SrcPort: 30000})
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
}
