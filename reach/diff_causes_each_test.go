package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// Regression tests of audit diff21: the causes Diff names. Each diff is
// first held to DiffReference and to two whole matrices (dcDiff).

// dcDiff builds both designs, runs Diff and holds it to the reference
// and to two whole matrices compared pair by pair; with internet, its
// internet changes to single checks too (checkInternetChanges, which
// needs every interface in both models).
func dcDiff(t *testing.T, before, after *sample.Design, internet bool) *reach.DiffResult {
	t.Helper()
	a, err := before.Builder().Build()
	require.NoError(t, err)
	b, err := after.Builder().Build()
	require.NoError(t, err)
	d, err := reach.Diff(a, b, reach.DiffOptions{})
	require.NoError(t, err)
	ref, err := reach.DiffReference(a, b, reach.DiffOptions{})
	require.NoError(t, err)
	requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, d), "diff vs reference")
	requireSameAddressChanges(t, ref, d, "diff vs reference addresses")
	requireSameDeltas(t, expectedDiff(t, a, b, reach.MatrixOptions{}), diffByPair(t, d), "diff vs matrices")
	if internet {
		checkInternetChanges(t, a, b, d, "causes")
	}
	return d
}

func dcGroup(d *sample.Design, id string) *sg.Group {
	for i := range d.Groups {
		if d.Groups[i].ID == id {
			return &d.Groups[i]
		}
	}
	panic(id)
}

func dcACL(d *sample.Design, id string) *nacl.ACL {
	for i := range d.ACLs {
		if d.ACLs[i].ID == id {
			return &d.ACLs[i]
		}
	}
	panic(id)
}

func dcIface(d *sample.Design, id string) *reach.Interface {
	for i := range d.Interfaces {
		if d.Interfaces[i].ID == id {
			return &d.Interfaces[i]
		}
	}
	panic(id)
}

func dcTCP(id string, port uint16, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: peer}
}

// dcChange returns the change from the group of interface from to that
// of to (or the internet); nil when none.
func dcChange(d *reach.DiffResult, from, to string) *reach.PairChange {
	group := func(id string) string {
		if id == reach.InternetNode {
			return id
		}
		for _, g := range d.Groups {
			for _, m := range g.Members {
				if m.ID == id {
					return g.Name
				}
			}
		}
		return "?"
	}
	for i, c := range d.Changes {
		if c.From == group(from) && c.To == group(to) {
			return &d.Changes[i]
		}
	}
	return nil
}

func dcCauses(c *reach.PairChange) []string {
	var out []string
	for _, cs := range c.Causes {
		out = append(out, cs.ID)
	}
	return out
}

// dcNoFW is the sample design with the firewall off the path: the public
// subnet routes straight to the internet gateway.
func dcNoFW() *sample.Design {
	d := sample.ThreeTierDesign()
	for i := range d.RouteTables {
		switch rt := &d.RouteTables[i]; rt.ID {
		case "rtb-edge":
			rt.Routes = nil
		case "rtb-public":
			for j := range rt.Routes {
				rt.Routes[j].Target, rt.Routes[j].TargetID = reach.TargetInternetGateway, "igw-demo"
			}
		}
	}
	return d
}

// TestDiffCausesOfEveryChange: every resource whose change alone
// decides part of a pair's changed traffic is a cause (audit diff21
// findings 1 and 2: only the lowest port was traced, and an internet
// pair was traced only at an address showing every kind of change at
// once), and a group whose change matches none of the pair's changed
// sessions is not (finding 5: the interface's list of groups changed, or
// a referenced group's members).
func TestDiffCausesOfEveryChange(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	tests := []struct {
		name     string
		base     func() *sample.Design
		both     func(d *sample.Design) // applied before and after
		edit     func(d *sample.Design) // applied after
		from, to string
		gained   string // the pair's gained TCP ports, when checked
		want     []string
		exactly  bool // the causes are want, no more
		notWant  []string
	}{
		{name: "SG rule opens 9000, ACL entry opens 22", base: sample.ThreeTierDesign,
			both: func(d *sample.Design) {
				g := dcGroup(d, "sg-app")
				g.Rules = append(g.Rules, dcTCP("sgr-app-ssh", 22, sg.GroupRef("sg-web")))
			},
			edit: func(d *sample.Design) {
				g := dcGroup(d, "sg-app")
				g.Rules = append(g.Rules, dcTCP("sgr-app-9000", 9000, sg.GroupRef("sg-web")))
				a := dcACL(d, "acl-app")
				a.Entries = append(a.Entries, nacl.MustParseEntry("90 allow tcp 22 from 10.0.1.0/24"))
			},
			from: "eni-web1", to: "eni-app1", gained: "22,9000", want: []string{"acl-app", "sg-app"}, exactly: true},
		// 20-29 opens by the ACL entry alone, 30-31 needs both: one range
		{name: "SG and ACL open one range, the SG only its top", base: sample.ThreeTierDesign,
			both: func(d *sample.Design) {
				g := dcGroup(d, "sg-app")
				g.Rules = append(g.Rules, sg.Rule{ID: "sgr-app-range", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.PortRange{Lo: 20, Hi: 29}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-web")})
			},
			edit: func(d *sample.Design) {
				g := dcGroup(d, "sg-app")
				g.Rules = append(g.Rules, sg.Rule{ID: "sgr-app-30", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.PortRange{Lo: 30, Hi: 31}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-web")})
				a := dcACL(d, "acl-app")
				a.Entries = append(a.Entries, nacl.MustParseEntry("90 allow tcp 20-31 from 10.0.1.0/24"))
			},
			from: "eni-web1", to: "eni-app1", gained: "20-31", want: []string{"acl-app", "sg-app"}, exactly: true},
		{name: "internet: ACL denies 443 at some addresses, SG allows ping at others", base: dcNoFW,
			edit: func(d *sample.Design) {
				g := dcGroup(d, "sg-web")
				g.Rules = append(g.Rules, sg.Rule{ID: "sgr-web-ping-net", Direction: flow.Inbound, Protocol: flow.ICMP,
					ICMPType: 8, ICMPCode: -1, Peer: sg.CIDR("198.51.100.0/24")})
				a := dcACL(d, "acl-public")
				a.Entries = append(a.Entries, nacl.MustParseEntry("90 deny tcp 443 from 8.8.8.0/24"))
			},
			from: reach.InternetNode, to: "eni-web1", want: []string{"acl-public", "sg-web"}, exactly: true},
		{name: "interface joins a group, its own group gains an unrelated rule", base: sample.ThreeTierDesign,
			both: dcAddApp2, edit: dcApp2JoinsWebAppGainsUDP,
			from: "eni-app2", to: "eni-app1", gained: "8080", want: []string{"eni-app2"}, exactly: true},
		{name: "the reverse pair: the new group's rules, not the unrelated rule", base: sample.ThreeTierDesign,
			both: dcAddApp2, edit: dcApp2JoinsWebAppGainsUDP,
			from: "eni-app1", to: "eni-app2", want: []string{"eni-app2"}, notWant: []string{"sg-app"}},
		{name: "a related rule of the group is still a cause", base: sample.ThreeTierDesign,
			both: func(d *sample.Design) {
				d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-app2", Name: "app-2", Subnet: "subnet-app",
					PrivateIPs: []netip.Addr{ba("10.0.2.21")}, Groups: []string{"sg-app"}})
			},
			edit: func(d *sample.Design) {
				in := dcIface(d, "eni-app2")
				in.Groups = append(in.Groups, "sg-web")
				g := dcGroup(d, "sg-app")
				g.Rules = append(g.Rules, dcTCP("sgr-app-9100", 9100, sg.GroupRef("sg-web")))
			},
			from: "eni-app2", to: "eni-app1", gained: "8080,9100", want: []string{"eni-app2", "sg-app"}, exactly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := tt.base(), tt.base()
			if tt.both != nil {
				tt.both(before)
				tt.both(after)
			}
			tt.edit(after)
			d := dcDiff(t, before, after, true)
			c := dcChange(d, tt.from, tt.to)
			require.NotNil(t, c, d.Text())
			if tt.gained != "" {
				assert.Equal(t, tt.gained, c.Gained.TCP.String(), d.Text())
			}
			assert.Empty(t, c.Note, d.Text())
			if tt.exactly {
				assert.ElementsMatch(t, tt.want, dcCauses(c), d.Text())
			}
			for _, id := range tt.want {
				assert.Contains(t, dcCauses(c), id, d.Text())
			}
			for _, id := range tt.notWant {
				assert.NotContains(t, dcCauses(c), id, d.Text())
			}
		})
	}
}

// TestDiffCausesOfAddedInterface: an interface in one model only is a
// cause of its internet pairs too (audit diff21 finding 3: the model
// lacking it could not trace them, and the note said no address showed
// the change), and it is on the path of the model that holds it only
// (finding 4: "before and after").
func TestDiffCausesOfAddedInterface(t *testing.T) {
	without := dcNoFW()
	with := dcNoFW()
	with.Interfaces = append(with.Interfaces, reach.Interface{ID: "eni-web2", Name: "web-2", Subnet: "subnet-public",
		PrivateIPs: []netip.Addr{ba("10.0.1.11")}, PublicIP: ba("203.0.113.11"), Groups: []string{"sg-web"}})
	tests := []struct {
		name          string
		before, after *sample.Design
		onPath        string
	}{
		{"added", without, with, "after"},
		{"removed", with, without, "before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dcDiff(t, tt.before, tt.after, false)
			for _, p := range [][2]string{{reach.InternetNode, "eni-web2"}, {"eni-web2", reach.InternetNode}} {
				c := dcChange(d, p[0], p[1])
				require.NotNil(t, c, d.Text())
				assert.Empty(t, c.Note, "%s -> %s:\n%s", p[0], p[1], d.Text())
				assert.Contains(t, dcCauses(c), "eni-web2", "%s -> %s:\n%s", p[0], p[1], d.Text())
			}
			n := 0
			for _, c := range d.Changes {
				for _, cs := range c.Causes {
					if cs.ID == "eni-web2" {
						n++
						assert.Equal(t, tt.onPath, cs.OnPath, "%s -> %s:\n%s", c.From, c.To, d.Text())
					}
				}
			}
			assert.Positive(t, n, d.Text())
		})
	}
}

// TestDiffResourceDetailsWordRoutesAndRules: a transit gateway route
// table's change names the route, a firewall's the stateful rule (audit
// diff21 finding 6: "Routes changed", "Policy changed").
func TestDiffResourceDetailsWordRoutesAndRules(t *testing.T) {
	tests := []struct {
		name string
		diff func(t *testing.T) *reach.DiffResult
		want []string
	}{
		{"transit gateway route added", func(t *testing.T) *reach.DiffResult {
			before, after := newTGWDesign(), newTGWDesign()
			after.tgwRTs[0].Routes = append(after.tgwRTs[0].Routes, reach.TGWRoute{Destination: pfx("10.2.2.0/24"), Blackhole: true})
			d, err := reach.Diff(before.build(t), after.build(t), reach.DiffOptions{})
			require.NoError(t, err)
			return d
		}, []string{"route added: 10.2.2.0/24 via blackhole"}},
		{"firewall stateful rule changed", func(t *testing.T) *reach.DiffResult {
			before, after := sample.ThreeTierDesign(), sample.ThreeTierDesign()
			pol := sample.Policy()
			pol.Stateful.Groups[0].Group.RulesString = strings.Replace(sample.InboundRules, "drop tcp any any -> $HOME_NET 22", "pass tcp any any -> $HOME_NET 22", 1)
			after.Firewalls[0].Policy = pol
			return dcDiff(t, before, after, true)
		}, []string{
			"stateful rule group inbound-web: rule removed: drop tcp any any -> $HOME_NET 22",
			"stateful rule group inbound-web: rule added: pass tcp any any -> $HOME_NET 22",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.diff(t)
			require.Len(t, d.Resources, 1, d.Text())
			details := strings.Join(d.Resources[0].Details, "\n")
			for _, w := range tt.want {
				assert.Contains(t, details, w, d.Text())
			}
			assert.NotContains(t, details, "changed", d.Text())
		})
	}
}

// dcAddApp2 adds app-2 (eni-app2, 10.0.2.21) to subnet-app, in sg-app.
func dcAddApp2(d *sample.Design) {
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-app2", Name: "app-2", Subnet: "subnet-app",
		PrivateIPs: []netip.Addr{ba("10.0.2.21")}, Groups: []string{"sg-app"}})
}

// dcApp2JoinsWebAppGainsUDP puts eni-app2 in sg-web too and gives sg-app
// a rule for udp/5000 from 192.0.2.0/24, which no tcp session uses.
func dcApp2JoinsWebAppGainsUDP(d *sample.Design) {
	in := dcIface(d, "eni-app2")
	in.Groups = append(in.Groups, "sg-web")
	g := dcGroup(d, "sg-app")
	g.Rules = append(g.Rules, sg.Rule{ID: "sgr-app-udp", Direction: flow.Inbound, Protocol: flow.UDP,
		Ports: flow.Single(uint16(5000)), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("192.0.2.0/24")})
}
