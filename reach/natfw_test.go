package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// natFirewallDesign is the sample design, whose app-1 (10.0.2.20)
// reaches the internet through nat-demo (in subnet-public), then the
// firewall endpoint vpce-fw, then the internet gateway (and the reply
// back the same way), with acl-app letting everything in and the
// firewall's policy stateless only: it passes tcp and udp whose source
// port is within ports from the VPC (the request beyond nat-demo), or
// whose destination port is within ports to the VPC (the reply to it),
// and drops the rest.
func natFirewallDesign(ports flow.PortRange) func() (*reach.Model, error) {
	return natFirewallDesignEdited(ports, nil)
}

// natFirewallDesignEdited is natFirewallDesign with edit applied to the
// design before it is built.
func natFirewallDesignEdited(ports flow.PortRange, edit func(*sample.Design)) func() (*reach.Model, error) {
	d := sample.ThreeTierDesign()
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-app" {
			d.ACLs[i].Entries = nil
			for _, l := range openACL {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry(l))
			}
		}
	}
	tcpUDP := []flow.Protocol{flow.TCP, flow.UDP}
	vpc := []netip.Prefix{bp("10.0.0.0/16")}
	drop := stateless.DefaultAction{Action: flow.Drop}
	d.Firewalls[0].Policy = firewall.Policy{Name: "nat-ports",
		Stateless: stateless.Config{Default: drop, FragmentDefault: drop, Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{
			Name: "ports", Capacity: 10, Rules: []stateless.Rule{
				{Priority: 10, Protocols: tcpUDP, Sources: vpc, SourcePorts: []flow.PortRange{ports}, Action: flow.Pass},
				{Priority: 20, Protocols: tcpUDP, Destinations: vpc, DestinationPorts: []flow.PortRange{ports}, Action: flow.Pass},
			}}}}}}
	if edit != nil {
		edit(d)
	}
	return d.Builder().Build
}

// A firewall endpoint beyond a NAT gateway sees the port the gateway
// picked (any of 1024-65535, which the input does not say) as the
// request's source port and the reply's destination port: it judges the
// whole range, whatever the client's own port. Passing all of it is
// Reachable, none of it Unreachable, part of it undecided
// (NAT_PORT_UNKNOWN on both crossings, naming the gateway and the
// firewall). Check, Verdict and the slow reference walk agree.
func TestNATGatewayPickedPortAtFirewall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ports flow.PortRange
		want  reach.Outcome
		codes []reach.Code // of the blocks, in path order
	}{
		{name: "the firewall passes 32768-65535 only", ports: flow.PortRange{Lo: 32768, Hi: 65535},
			want: reach.Indeterminate, codes: []reach.Code{reach.NATPortUnknown, "RETURN_" + reach.NATPortUnknown}},
		{name: "the firewall passes 1024-65535", ports: flow.PortRange{Lo: 1024, Hi: 65535}, want: reach.Reachable},
		{name: "the firewall passes 1-1023 only, none the gateway picks", ports: flow.PortRange{Lo: 1, Hi: 1023},
			want: reach.Unreachable, codes: []reach.Code{reach.FirewallDrop, "RETURN_" + reach.FirewallDrop}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := natFirewallDesign(tc.ports)
			m, err := build()
			require.NoError(t, err)
			ref := buildReference(t, build)
			for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
				for _, port := range []uint16{50000, 1000, 1024, 2000, 40000} {
					q := reach.Query{From: "app-1", To: "8.8.8.8", Protocol: proto, Port: 443, SrcPort: port}
					msg := func(r *reach.Result) string { return fmt.Sprintf("%s, client port %d:\n%s", proto, port, r.Text()) }
					r := check(t, m, q)
					require.Equal(t, tc.want, r.Outcome, msg(r))
					v, err := m.Verdict(q)
					require.NoError(t, err)
					assert.Equal(t, tc.want, v, "Verdict: %s", msg(r))
					want, err := ref.Check(q)
					require.NoError(t, err)
					assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk: %s", msg(r))
					var codes []reach.Code
					for _, b := range r.Blocks {
						codes = append(codes, b.Code)
						assert.Equal(t, "vpce-fw", b.ID, msg(r))
					}
					require.Equal(t, tc.codes, codes, msg(r))
					if tc.want != reach.Indeterminate {
						continue
					}
					for _, b := range r.Blocks {
						h := [][]reach.Hop{r.Forward, r.Return}[b.Leg][b.Hop-1]
						assert.Contains(t, h.Missing, "the source port NAT gateway nat-demo picks for the session (1024-65535): firewall demo-firewall passes", msg(r))
						assert.Contains(t, h.Missing, "for 32768-65535 only", msg(r))
						assert.Contains(t, h.Fix, "1024-65535", msg(r))
						assert.Contains(t, h.Reason(), "ports 1024-32767: deny; ports 32768-65535: allow", msg(r))
					}
				}
			}
			// web-1 reaches the internet through the firewall without a
			// NAT gateway: its own port is judged.
			r := check(t, m, reach.Query{From: "web-1", To: "8.8.8.8", Protocol: flow.TCP, Port: 443, SrcPort: 40000})
			wantWeb := reach.Reachable
			if !tc.ports.Contains(40000) {
				wantWeb = reach.Unreachable
			}
			assert.Equal(t, wantWeb, r.Outcome, r.Text())
		})
	}
}

// A firewall endpoint that only one leg of a session through a NAT
// gateway crosses still judges the port the gateway picked: the request
// alone (the internet gateway's edge route table sends the reply for the
// public subnet straight to the gateway) sees it as the source port, the
// reply alone (the public subnet routes straight to the internet gateway)
// as the destination port. Passing part of the range leaves that leg
// undecided whatever the client's own port; passing all of it decides.
func TestNATGatewayPickedPortAtFirewallOneWay(t *testing.T) {
	requestOnly := func(d *sample.Design) {
		for i := range d.RouteTables {
			if d.RouteTables[i].ID == "rtb-edge" {
				d.RouteTables[i].Routes = d.RouteTables[i].Routes[1:] // the reply to 10.0.1.0/24 goes straight in
			}
		}
	}
	replyOnly := func(d *sample.Design) {
		for i := range d.RouteTables {
			if d.RouteTables[i].ID == "rtb-public" {
				d.RouteTables[i].Routes[0].Target, d.RouteTables[i].Routes[0].TargetID = reach.TargetInternetGateway, "igw-demo"
			}
		}
	}
	// the request forwarded to the stateful engine (which passes it by
	// default), the reply passed by the stateless engine itself
	replyOnlyPassed := func(d *sample.Design) {
		replyOnly(d)
		g := &d.Firewalls[0].Policy.Stateless.Groups[0].Group
		g.Rules[0].Action = flow.Forward
		g.Rules[0].SourcePorts = nil
		g.Rules[1].DestinationPorts = nil
	}
	const passes, drops = "it passes the stateless engine, which forwards it to no stateful engine", "its stateless engine drops the reply itself"
	for _, tc := range []struct {
		name   string
		edit   func(*sample.Design)
		ports  flow.PortRange
		want   reach.Outcome
		codes  []reach.Code
		legs   []reach.Leg // the legs that cross the firewall
		reason string      // in the firewall hop's
	}{
		{"the request alone crosses, part passed", requestOnly, flow.PortRange{Lo: 32768, Hi: 65535}, reach.Indeterminate,
			[]reach.Code{reach.AsymmetricRoute}, []reach.Leg{reach.Forward}, "decides it differently for different ports"},
		{"the request alone crosses, all passed", requestOnly, flow.PortRange{Lo: 1024, Hi: 65535}, reach.Reachable, nil, []reach.Leg{reach.Forward}, passes},
		{"the reply alone crosses, part passed", replyOnly, flow.PortRange{Lo: 32768, Hi: 65535}, reach.Indeterminate,
			[]reach.Code{reach.AsymmetricRoute}, []reach.Leg{reach.Return}, "decides it differently for different ports"},
		{"the reply alone crosses, none passed", replyOnly, flow.PortRange{Lo: 1, Hi: 1023}, reach.Unreachable,
			[]reach.Code{reach.AsymmetricRoute}, []reach.Leg{reach.Return}, drops},
		{"the reply alone crosses, passed while requests are forwarded", replyOnlyPassed, flow.PortRange{Lo: 1, Hi: 1023}, reach.Reachable,
			nil, []reach.Leg{reach.Return}, passes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := natFirewallDesignEdited(tc.ports, tc.edit)
			m, err := build()
			require.NoError(t, err)
			ref := buildReference(t, build)
			for _, port := range []uint16{50000, 2000} { // inside the passed part and outside it
				q := reach.Query{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 443, SrcPort: port}
				r := check(t, m, q)
				msg := fmt.Sprintf("client port %d:\n%s", port, r.Text())
				require.Equal(t, tc.want, r.Outcome, msg)
				var legs []reach.Leg
				for leg, hops := range [][]reach.Hop{r.Forward, r.Return} {
					for _, h := range hops {
						if h.Kind == reach.KindFirewall {
							assert.Contains(t, h.Reason(), tc.reason, msg)
							legs = append(legs, reach.Leg(leg))
						}
					}
				}
				require.Equal(t, tc.legs, legs, "the legs crossing the firewall: %s", msg)
				var codes []reach.Code
				for _, b := range r.Blocks {
					codes = append(codes, b.Code)
				}
				assert.Equal(t, tc.codes, codes, msg)
				for _, b := range r.Blocks {
					if h := [][]reach.Hop{r.Forward, r.Return}[b.Leg][b.Hop-1]; tc.want == reach.Indeterminate {
						assert.Equal(t, "the source port NAT gateway nat-demo picks for the session (1024-65535)", h.Missing, msg)
						assert.Contains(t, h.Reason(), "decides it differently for different ports NAT gateway nat-demo may pick (1024-65535)", msg)
					}
				}
				v, err := m.Verdict(q)
				require.NoError(t, err)
				assert.Equal(t, tc.want, v, "Verdict: %s", msg)
				want, err := ref.Check(q)
				require.NoError(t, err)
				assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk: %s", msg)
			}
			brute.CheckSetAnswers(t, m, brute.Options{Ports: []reach.PortsQuery{{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP}}, Step: 997, Few: true})
		})
	}
}

// Ports, Sources, the matrix and the audit agree with a Check of every
// value through a NAT gateway and then a firewall that passes part of, all
// of, or none of the ports the gateway picks; Ports gives one answer
// whatever the client's port.
func TestNATGatewayPickedPortAtFirewallSetAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ports flow.PortRange
		want  reach.Outcome
	}{
		{"part", flow.PortRange{Lo: 32768, Hi: 65535}, reach.Indeterminate},
		{"all", flow.PortRange{Lo: 1024, Hi: 65535}, reach.Reachable},
		{"none", flow.PortRange{Lo: 1, Hi: 1023}, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := natFirewallDesign(tc.ports)()
			require.NoError(t, err)
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: "app-1", To: "8.8.8.8", Protocol: flow.TCP},
					{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP}},
				Step:    499,
				Sources: []reach.SourcesQuery{{To: "web-1", Protocol: flow.TCP, Port: 443}},
				Few:     true,
			})
			for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
				p, err := m.Ports(reach.PortsQuery{From: "app-1", To: "8.8.8.8", Protocol: proto})
				require.NoError(t, err)
				all := flow.SetOf(flow.PortRange{Lo: 1, Hi: 65535})
				switch tc.want {
				case reach.Reachable:
					assert.Equal(t, all, p.Open, "%s", proto)
				case reach.Indeterminate:
					assert.Equal(t, all, p.Indeterminate, "%s", proto)
				default:
					assert.True(t, p.Open.IsEmpty() && p.Indeterminate.IsEmpty(), "%s: %s / %s", proto, p.Open, p.Indeterminate)
				}
				for _, c := range p.Clients {
					assert.True(t, c.Partly.IsEmpty(), "%s: %s: %s: no client port decides", proto, c.Name, c.Partly)
					assert.Equal(t, p.Open, c.Open, "%s: %s", proto, c.Name)
				}
			}
		})
	}
}

// Where a firewall beyond a NAT gateway passes every port the gateway may
// pick, but by different rules across them, the crossing names the rule
// of the ports that hold the client's own port (which stands for the
// gateway's pick in the trace), else the rule of the first ports.
func TestNATGatewayPickedPortRuleNamed(t *testing.T) {
	m, err := natFirewallDesignEdited(flow.PortRange{}, natPasses(
		natPass(10, true, flow.PortRange{Lo: 1024, Hi: 30000}), natPass(15, true, flow.PortRange{Lo: 30001, Hi: 65535}),
		natPass(20, false, flow.PortRange{Lo: 1024, Hi: 65535})))()
	require.NoError(t, err)
	const low, high = "ports priority 10: aws:pass proto tcp,udp src 10.0.0.0/16 sport 1024-30000", "ports priority 15: aws:pass proto tcp,udp src 10.0.0.0/16 sport 30001-65535"
	for _, tc := range []struct {
		client uint16
		rule   string
	}{{50000, high}, {2000, low}, {30001, high}, {80, low}} {
		r := check(t, m, reach.Query{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 443, SrcPort: tc.client})
		require.Equal(t, reach.Reachable, r.Outcome, r.Text())
		i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })
		require.GreaterOrEqual(t, i, 0, r.Text())
		assert.Equal(t, tc.rule, r.Forward[i].Rule, "client port %d: %s", tc.client, r.Text())
	}
}

// Where a firewall beyond a NAT gateway decides each leg differently
// across the ports the gateway may pick, each crossing words its own
// leg's verdicts: the request's and the reply's passed ports differ.
func TestNATGatewayPickedPortLegsDiffer(t *testing.T) {
	m, err := natFirewallDesignEdited(flow.PortRange{}, natPasses(
		natPass(10, true, flow.PortRange{Lo: 32768, Hi: 65535}), natPass(20, false, flow.PortRange{Lo: 40000, Hi: 65535})))()
	require.NoError(t, err)
	r := check(t, m, reach.Query{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 443})
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	want := map[reach.Leg][2]string{
		reach.Forward: {"passes the request for 32768-65535 only", "ports 1024-32767: deny; ports 32768-39999: allow; ports 40000-65535: allow"},
		reach.Return:  {"passes the reply for 40000-65535 only", "ports 1024-32767: deny; ports 32768-39999: deny; ports 40000-65535: allow"},
	}
	require.Len(t, r.Blocks, 2, r.Text())
	for _, b := range r.Blocks {
		h := [][]reach.Hop{r.Forward, r.Return}[b.Leg][b.Hop-1]
		assert.Equal(t, reach.NATPortUnknown.OnLeg(b.Leg), h.Code, r.Text())
		assert.Contains(t, h.Missing, want[b.Leg][0], r.Text())
		assert.Contains(t, h.Reason(), want[b.Leg][1], r.Text())
	}
}

// natPass is a stateless rule at priority that passes tcp and udp from
// the VPC with a source port in ports (request), or else to the VPC with
// a destination port in ports (reply).
func natPass(priority int, request bool, ports flow.PortRange) stateless.Rule {
	r := stateless.Rule{Priority: priority, Protocols: []flow.Protocol{flow.TCP, flow.UDP}, Action: flow.Pass}
	vpc := []netip.Prefix{bp("10.0.0.0/16")}
	if request {
		r.Sources, r.SourcePorts = vpc, []flow.PortRange{ports}
	} else {
		r.Destinations, r.DestinationPorts = vpc, []flow.PortRange{ports}
	}
	return r
}

// natPasses is an edit of natFirewallDesign giving the firewall a
// stateless policy of rules alone, dropping the rest.
func natPasses(rules ...stateless.Rule) func(*sample.Design) {
	return func(d *sample.Design) {
		drop := stateless.DefaultAction{Action: flow.Drop}
		d.Firewalls[0].Policy = firewall.Policy{Name: "nat-ports",
			Stateless: stateless.Config{Default: drop, FragmentDefault: drop, Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{
				Name: "ports", Capacity: 10, Rules: rules}}}}}
	}
}

// A one-way crossing over a NAT gateway's ports is undecided where some
// run of the ports is undecided for a reason of its own, even when the
// runs before it were decided: here the stateless engine passes the
// gateway's low ports itself and forwards the high ones to a stateful
// engine whose rules read flow state, which a flow seen one way never
// reaches.
func TestNATGatewayPickedPortOneWayPartlyUndecided(t *testing.T) {
	m, err := natFirewallDesignEdited(flow.PortRange{}, func(d *sample.Design) {
		for i := range d.RouteTables {
			if d.RouteTables[i].ID == "rtb-edge" {
				d.RouteTables[i].Routes = d.RouteTables[i].Routes[1:] // the reply goes straight in: the request alone crosses
			}
		}
		fwd := natPass(20, true, flow.PortRange{Lo: 30001, Hi: 65535})
		fwd.Action = flow.Forward
		natPasses(natPass(10, true, flow.PortRange{Lo: 1024, Hi: 30000}), fwd)(d)
		d.Firewalls[0].Policy.Stateful = stateful.Config{Groups: []stateful.GroupRef{{Group: stateful.RuleGroup{Name: "established",
			RulesString: `pass udp any any -> any 443 (flow:established; sid:1;)`}}}}
	})()
	require.NoError(t, err)
	for _, client := range []uint16{2000, 50000} {
		r := check(t, m, reach.Query{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 443, SrcPort: client})
		require.Equal(t, reach.Indeterminate, r.Outcome, "client port %d: %s", client, r.Text())
		assert.Equal(t, []reach.Code{reach.AsymmetricRoute}, r.Codes(), r.Text())
	}
}
