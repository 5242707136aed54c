package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// withEndpointType is the sample's model with its one firewall
// endpoint's subnet mapping of IP address type typ.
func withEndpointType(t *testing.T, typ string) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	d.Firewalls[0].Endpoints[0].IPAddressType = typ
	return build(t, d)
}

// TestFirewallEndpointIPType: a flow routed to a firewall endpoint whose
// subnet mapping's IP address type does not serve its family (IPv6 to
// an IPV4 endpoint, IPv4 to an IPV6 one) is not inspected as if it were
// served: its hop is undecided, FIREWALL_ENDPOINT_IP_TYPE_MISMATCH,
// naming the endpoint and its type (AWS documents the type, not what the
// endpoint does with the other family), and a certain block beyond it
// still decides. A DUALSTACK endpoint keeps the answers of before. One
// whose type the input does not give, in a dual-stack subnet, may be
// IPV4 or DUALSTACK: IPv4 is inspected, IPv6 undecided there (it was
// taken to serve both). Before, the firewall judged every flow whatever
// the endpoint's type.
func TestFirewallEndpointIPType(t *testing.T) {
	in6, in4 := tcp("2606:4700::1", "web-1", 443), tcp("93.184.216.34", "web-1", 443)
	ssh6 := tcp("2606:4700::1", "web-1", 22)
	out6, out4 := tcp("web-1", "2606:4700::1", 443), tcp("app-1", "93.184.216.34", 443)
	tests := []struct {
		typ      string
		q        reach.Query
		outcome  reach.Outcome
		mismatch bool
	}{
		// unknown in a dual-stack subnet (IPV4 or DUALSTACK): IPv4
		// inspected; IPv6 undecided at the endpoint, unless a certain
		// block beyond it decides
		{"", in6, reach.Indeterminate, true},
		{"", in4, reach.Reachable, false},
		{"", ssh6, reach.Unreachable, true},
		{"DUALSTACK", in6, reach.Reachable, false},
		{"DUALSTACK", in4, reach.Reachable, false},
		{"DUALSTACK", out6, reach.Indeterminate, false}, // the policy's own doubt (FIREWALL_INDETERMINATE)
		// IPv4-only: IPv6 undecided at the endpoint, IPv4 inspected
		{"IPV4", in6, reach.Indeterminate, true},
		{"IPV4", out6, reach.Indeterminate, true},
		{"IPV4", ssh6, reach.Unreachable, true}, // web-1's group drops it whatever the endpoint does
		{"IPV4", in4, reach.Reachable, false},
		// IPv6-only: IPv4 undecided at the endpoint (after the NAT gateway for app-1), IPv6 inspected
		{"IPV6", in4, reach.Indeterminate, true},
		{"IPV6", out4, reach.Indeterminate, true},
		{"IPV6", in6, reach.Reachable, false},
		{"IPV6", ssh6, reach.Unreachable, false},
	}
	models := map[string]*reach.Model{}
	for _, tc := range tests {
		m := models[tc.typ]
		if m == nil {
			m = withEndpointType(t, tc.typ)
			models[tc.typ] = m
		}
		name := tc.typ + " " + tc.q.From + " -> " + tc.q.To
		r := check(t, m, tc.q)
		assert.Equal(t, tc.outcome, r.Outcome, "%s: %s", name, r.Text())
		v, err := m.Verdict(tc.q)
		require.NoError(t, err)
		assert.Equal(t, tc.outcome, v, "%s: Verdict agrees with Check", name)
		mismatch := slices.Contains(r.Codes(), reach.FirewallEndpointIPType) || slices.Contains(r.Codes(), reach.FirewallEndpointIPType.OnLeg(reach.Return))
		assert.Equal(t, tc.mismatch, mismatch, "%s: %v", name, r.Codes())
		if !tc.mismatch {
			continue
		}
		for _, hops := range [][]reach.Hop{r.Forward, r.Return} {
			for _, h := range hops {
				if h.Kind != reach.KindFirewall {
					continue
				}
				assert.Equal(t, flow.Indeterminate, h.Verdict, name)
				assert.Equal(t, reach.FirewallEndpointIPType.OnLeg(h.Leg), h.Code, name)
				assert.Contains(t, h.Reason(), "firewall endpoint vpce-fw", name)
				if tc.typ == "" {
					assert.Contains(t, h.Reason(), "whose subnet mapping's IP address type the input does not give", name)
					assert.Contains(t, h.Missing, "the IP address type of fw-demo's subnet mapping of subnet-fw (endpoint vpce-fw): IPV4 or DUALSTACK", name)
				} else {
					assert.Contains(t, h.Reason(), "IP address type is "+tc.typ, name)
					assert.Contains(t, h.Missing, "IPAddressType "+tc.typ, name)
				}
				assert.Empty(t, h.Rule, "%s: no rule of the policy judged it", name)
			}
		}
	}
}

// TestFirewallEndpointIPTypeSetsAgree: Ports, Sources, the Matrix and the
// Audit (IPv4 and IPv6) agree with Check where an endpoint serves one
// family only, or may (its type unknown in a dual-stack subnet).
func TestFirewallEndpointIPTypeSetsAgree(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, typ := range []string{"IPV4", "IPV6", ""} {
		t.Run(typ, func(t *testing.T) {
			m := withEndpointType(t, typ)
			brute.CheckSetAnswers(t, m, brute.Options{Few: true, Seed: 24, IPv6: true,
				Ports: []reach.PortsQuery{
					{From: "2606:4700::1", To: "web-1", Protocol: flow.TCP},
					{From: "93.184.216.34", To: "web-1", Protocol: flow.TCP},
					{From: "web-1", To: "2606:4700::1", Protocol: flow.TCP},
					{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP},
					{From: "web-1", To: "2606:4700::1", Protocol: flow.ICMPv6},
				},
				Sources: []reach.SourcesQuery{
					{To: "web-1", Protocol: flow.TCP, Port: 443},
					{To: "web-1", Protocol: flow.TCP, Port: 22},
					{To: "web-1", Protocol: flow.TCP, Port: 443, IPv6: true},
					{To: "web-1", Protocol: flow.TCP, Port: 22, IPv6: true},
				}})
		})
	}
}

// TestFirewallEndpointIPTypeInvalid: an IP address type AWS does not
// give a subnet mapping is refused, naming the field and the value.
func TestFirewallEndpointIPTypeInvalid(t *testing.T) {
	for _, typ := range []string{"ipv4", "IPv6", "DUAL"} {
		d := sample.ThreeTierDesign()
		d.Firewalls[0].Endpoints[0].IPAddressType = typ
		_, err := d.Builder().Build()
		require.Error(t, err, typ)
		assert.Contains(t, err.Error(), "firewalls[0].Endpoints[0].IPAddressType", typ)
		assert.Contains(t, err.Error(), typ)
		assert.Contains(t, err.Error(), "unknown IP address type", typ)
	}
}

// TestFirewallEndpointIPTypeDiff: recreating the endpoint IPv4-only
// changes the IPv6 traffic through it from certain to undecided, and the
// diff names the firewall as the resource that changed, on the pairs'
// paths.
func TestFirewallEndpointIPTypeDiff(t *testing.T) {
	before, after := withEndpointType(t, "DUALSTACK"), withEndpointType(t, "IPV4")
	d, err := reach.Diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	require.NotEmpty(t, d.Changes)
	var res []string
	for _, r := range d.Resources {
		res = append(res, r.Kind+" "+r.ID+" "+r.Change)
	}
	assert.Equal(t, []string{"network-firewall fw-demo changed"}, res)
	caused := false
	for _, c := range d.Changes {
		for _, cause := range c.Causes {
			caused = caused || cause.ID == "fw-demo"
		}
	}
	assert.True(t, caused, "%+v", d.Changes)
	v4, err := reach.Diff(before, after, reach.DiffOptions{Workers: 1})
	require.NoError(t, err)
	assert.Empty(t, v4.Changes, "IPv4 traffic is inspected alike")
}
