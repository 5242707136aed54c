package reach_test

import (
	"encoding/json"
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

// open is a one-subnet design with open network ACLs and a route table
// given by the caller: web (public IP 198.51.100.10) and db in subnet-o,
// locked (a group with no outbound rule), and a second VPC, vpc-far,
// with no interface at all.
func open(routes ...reach.Route) *reach.Builder {
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	web := sg.Group{ID: "sg-web", Rules: []sg.Rule{
		{ID: "sgr-peer-8443", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8443), Peer: sg.GroupRef("sg-peer")},
		{ID: "sgr-peer-443", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.GroupRef("sg-peer")},
		{ID: "sgr-any-443", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.AnyIPv4},
		all(flow.Outbound),
	}}
	rt := reach.RouteTable{ID: "rtb-o", VPC: "vpc-o", Routes: append([]reach.Route{
		{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-o"}}, routes...)}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-o", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-o", DefaultACL: "acl-o"},
			reach.VPC{ID: "vpc-far", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.5.0.0/16")}}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-o", VPC: "vpc-o"}).
		AddRouteTable(rt).
		AddNetworkACL(nacl.NewDefault("acl-o", "vpc-o", false)).
		AddSubnet(reach.Subnet{ID: "subnet-o", VPC: "vpc-o", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
		AddSecurityGroup(web, sg.Group{ID: "sg-all", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}, sg.Group{ID: "sg-locked"}).
		AddUnresolvedGroup("sg-peer").
		AddInterface(
			reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-o", Groups: []string{"sg-web"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}, PublicIP: netip.MustParseAddr("198.51.100.10")},
			reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-o", Groups: []string{"sg-all"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.20")}},
			reach.Interface{ID: "eni-locked", Name: "locked", Subnet: "subnet-o", Groups: []string{"sg-locked"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.30")}, PublicIP: netip.MustParseAddr("198.51.100.30")})
}

func unmodelled(dest, id, what string) reach.Route {
	return reach.Route{Destination: netip.MustParsePrefix(dest), Target: reach.TargetUnmodelled, TargetID: id, TargetType: what}
}

func check(t *testing.T, m *reach.Model, q reach.Query) *reach.Result {
	t.Helper()
	r, err := m.Check(q)
	require.NoError(t, err)
	require.Equal(t, r.Outcome == reach.Reachable, r.Reachable, "Reachable is true only for the outcome Reachable")
	return r
}

func TestUnmodelledRouteTargetIsIndeterminate(t *testing.T) {
	m, err := open(unmodelled("203.0.113.0/24", "vgw-1", "virtual private gateway"),
		unmodelled("10.9.0.0/16", "tgw-1", "transit gateway")).Build()
	require.NoError(t, err)
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
		missing string // in the headline, when indeterminate
	}{
		{"a more specific route to a VPN gateway beside 0.0.0.0/0 via the internet gateway: indeterminate, not reachable through the internet gateway",
			tcp("web", "203.0.113.9", 443), reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, "missing: what lies beyond vgw-1 (virtual private gateway)"},
		{"a transit gateway route is indeterminate too", tcp("db", "10.9.0.5", 5432), reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}, "missing: what lies beyond tgw-1 (transit gateway)"},
		{"an address outside the unmodelled routes goes to the internet", tcp("web", "192.0.2.9", 443), reach.Reachable, []reach.Code{}, ""},
		{"a certain block before the undecided route decides: unreachable", tcp("locked", "203.0.113.9", 443), reach.Unreachable,
			[]reach.Code{reach.SGNoAllow, reach.UnmodelledTarget}, ""},
		{"the reply to the public address routed to the VPN gateway: indeterminate", tcp("203.0.113.9", "198.51.100.10", 443), reach.Indeterminate,
			[]reach.Code{reach.UnmodelledTarget.OnLeg(reach.Return)}, "missing: what lies beyond vgw-1"},
		{"named by ID, a source whose way back is the VPN gateway comes in by it, privately: indeterminate", tcp("203.0.113.9", "web", 443), reach.Indeterminate,
			[]reach.Code{reach.UnmodelledTarget}, "missing: whether 203.0.113.9 sends through vgw-1 (virtual private gateway)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes())
			if tt.outcome == reach.Reachable {
				return
			}
			undecided := r.Undecided()
			require.Len(t, undecided, 1)
			u := undecided[0]
			assert.Equal(t, reach.KindUnmodelled, u.Kind)
			assert.Equal(t, flow.Indeterminate, u.Verdict)
			assert.NotEmpty(t, u.Missing)
			leg := r.Forward
			if u.Leg == reach.Return {
				leg = r.Return
			}
			if u.Leg == reach.Forward {
				leg = withoutACLs(leg) // a private way in meets the subnet's ACL
			}
			last := leg[len(leg)-1]
			if u.Leg == reach.Forward && len(leg) == 2 && last.Kind == reach.KindSecurityGroups && last.Direction == flow.Inbound {
				// a request that may have come in privately: the
				// destination's groups judge it (private_entry.go)
				last = leg[0]
			}
			assert.Equal(t, u, last, "the leg ends at the undecided hop: no fallback to a less specific route")
			if u.Leg == reach.Forward {
				assert.NotContains(t, kinds(r.Forward), reach.KindInternetGateway)
				assert.Empty(t, withoutACLs(r.Return), "the reply is not traced (but the subnet's outbound ACL)")
			}
			text := r.Text()
			if tt.missing != "" {
				assert.Contains(t, text, "\nINDETERMINATE: no hop blocks for certain, but 1 hop cannot decide")
				assert.Contains(t, text, "\n"+tt.missing)
				assert.Contains(t, text, "? unmodelled-target")
				assert.Contains(t, text, "to decide: ")
			} else {
				assert.Contains(t, text, "\nNOT REACHABLE: 1 blocking point (and 1 undecided hop)\n")
			}
			var j map[string]any
			b, err := r.JSON()
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &j))
			assert.Equal(t, tt.outcome.String(), j["outcome"])
		})
	}
}

func TestUnresolvedGroupReferenceIsIndeterminateOnlyWhereItCouldDecide(t *testing.T) {
	m, err := open().Build()
	require.NoError(t, err)
	assert.Equal(t, []string{"sg-peer"}, m.UnresolvedGroups())
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		// from the internet, which carries no group identity, no
		// reference matches, whatever the absent group holds
		{"only the rule referencing the absent group could allow, but the packet crossed the internet: unreachable", tcp("203.0.113.9", "web", 8443), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
		{"another rule allows it: reachable", tcp("203.0.113.9", "web", 443), reach.Reachable, []reach.Code{}},
		{"no rule could allow it: unreachable", tcp("203.0.113.9", "web", 22), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
		{"an interface of the design is no member of a group the design does not hold: unreachable", tcp("db", "web", 8443), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes())
			if tt.outcome == reach.Indeterminate {
				u := r.Undecided()
				require.Len(t, u, 1)
				assert.Equal(t, "sg-web sgr-peer-8443 allows tcp/8443 from sg-peer", u[0].Rule)
				assert.Contains(t, u[0].Missing, "security group sg-peer")
				assert.Contains(t, r.Text(), "missing: security group sg-peer, which rule sg-web sgr-peer-8443")
			}
		})
	}
	t.Run("a reference to a group neither held nor declared unresolved is still an error", func(t *testing.T) {
		_, err := open().AddSecurityGroup(sg.Group{ID: "sg-typo", Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.AllProtocols,
			ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-nowhere")}}}).Build()
		require.ErrorIs(t, err, sg.ErrUnresolved)
	})
	t.Run("a group of the design cannot be declared unresolved", func(t *testing.T) {
		_, err := open().AddUnresolvedGroup("sg-all").Build()
		require.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorContains(t, err, "declared unresolved, but the design holds the group")
	})
	t.Run("an interface cannot have an unresolved group", func(t *testing.T) {
		_, err := open().AddInterface(reach.Interface{ID: "eni-x", Subnet: "subnet-o", Groups: []string{"sg-peer"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.40")}}).Build()
		assert.ErrorContains(t, err, `"sg-peer": invalid topology: unknown security group`)
	})
}

func TestPayloadFirewallRuleIsIndeterminate(t *testing.T) {
	d := sample.ThreeTierDesign()
	pol := sample.Policy()
	// geoip depends on more than a flow shows, at every stage of the session.
	pol.Stateful.Groups[0].Group.RulesString = `drop tcp any any -> 10.0.1.0/24 443 (geoip:src,RU; sid:5;)` + "\n" + sample.InboundRules
	d.Firewalls[0].Policy = pol
	m := build(t, d)
	r := check(t, m, tcp("198.51.100.7", "web-1", 443))
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.NotEmpty(t, r.Undecided())
	assert.Equal(t, reach.FirewallIndeterminate, r.Undecided()[0].Code)
	assert.Contains(t, r.Text(), "missing: what the firewall's rule depends on beyond the flow")
	b, ok := r.First()
	require.True(t, ok)
	assert.True(t, b.Indeterminate)

	r = check(t, m, tcp("198.51.100.7", "web-1", 22))
	assert.Equal(t, reach.Unreachable, r.Outcome, "a certain drop does not depend on the payload: %s", r.Text())
}

func TestAddressInsideAVPCThatNothingHoldsIsAnUnknownDestination(t *testing.T) {
	m, err := open().Build()
	require.NoError(t, err)
	for _, tt := range []struct {
		name, from, to, label string
		code                  reach.Code
	}{
		{"inside the source's own subnet", "web", "10.0.1.99", "unknown address 10.0.1.99 in vpc-o (no interface holds it)", reach.UnknownDestination},
		// A private address sent out through the internet gateway dies on
		// the internet, held or not: the more exact code wins.
		{"inside another VPC of the design, sent through the internet gateway", "web", "10.5.0.9", "unknown address 10.5.0.9 in vpc-far (no interface holds it)", reach.PrivateAddressOnInternet},
		{"from the internet", "203.0.113.9", "10.0.1.99", "unknown address 10.0.1.99 in vpc-o (no interface holds it)", reach.UnknownDestination},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tcp(tt.from, tt.to, 443))
			assert.Equal(t, reach.Unreachable, r.Outcome)
			assert.Equal(t, []reach.Code{tt.code}, r.Codes(), r.Text())
			assert.Equal(t, tt.label, r.To)
			assert.NotContains(t, r.Text(), "internet host "+tt.to)
			assert.NotContains(t, r.Text(), "delivered to")
		})
	}
	t.Run("nothing sends from it", func(t *testing.T) {
		_, err := m.Check(tcp("10.0.1.99", "web", 443))
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, "10.0.1.99 is inside vpc-o, but no interface of the design holds it")
	})
}

func TestOutcomeText(t *testing.T) {
	for _, o := range []reach.Outcome{reach.Unreachable, reach.Reachable, reach.Indeterminate} {
		b, err := o.MarshalText()
		require.NoError(t, err)
		var back reach.Outcome
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, o, back)
		assert.Equal(t, o.String(), string(b))
	}
	assert.Equal(t, "unreachable", reach.Outcome(0).String(), "the zero outcome is Unreachable, as a zero Result's Reachable is false")
	_, err := reach.Outcome(9).MarshalText()
	assert.Error(t, err)
	var o reach.Outcome
	assert.Error(t, o.UnmarshalText([]byte("maybe")))
	assert.True(t, strings.HasPrefix(reach.Outcome(9).String(), "Outcome("))
}
