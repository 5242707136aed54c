package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// withFirewallSubnet is the sample's design with subnet-fw's blocks
// cidrs and its endpoint's subnet mapping of IP address type typ.
func withFirewallSubnet(typ string, cidrs ...string) *sample.Design {
	d := sample.ThreeTierDesign()
	i := slices.IndexFunc(d.Subnets, func(s reach.Subnet) bool { return s.ID == "subnet-fw" })
	d.Subnets[i].CIDRs = nil
	for _, c := range cidrs {
		d.Subnets[i].CIDRs = append(d.Subnets[i].CIDRs, netip.MustParsePrefix(c))
	}
	d.Firewalls[0].Endpoints[0].IPAddressType = typ
	return d
}

// An endpoint whose type the input does not give has its subnet's type
// (API reference, SubnetMapping: "The subnet's IP address type"): in a
// subnet without an IPv6 block it is IPV4, in one without an IPv4 block
// IPV6, and the other family is undecided there
// (FIREWALL_ENDPOINT_IP_TYPE_MISMATCH, saying the type is the subnet's).
// It was taken to serve both: the firewall's pass rule judged an IPv6
// packet at an endpoint that can only be IPv4, a certain Reachable.
func TestFirewallEndpointIPTypeFromSubnet(t *testing.T) {
	in6, in4 := tcp("2606:4700::1", "web-1", 443), tcp("93.184.216.34", "web-1", 443)
	v4only, v6only := []string{"10.0.0.0/24"}, []string{"2001:db8:10::/64"}
	tests := []struct {
		name     string
		cidrs    []string
		q        reach.Query
		outcome  reach.Outcome
		mismatch string // a part of the firewall hop's reason, when undecided there
	}{
		{"no IPv6 block: IPv6 undecided", v4only, in6, reach.Indeterminate, "IP address type is IPV4 (the input does not give it: a mapping's type is its subnet's, and subnet-fw has no IPv6 block)"},
		{"no IPv6 block: IPv4 inspected", v4only, in4, reach.Reachable, ""},
		{"no IPv4 block: IPv4 undecided", v6only, in4, reach.Indeterminate, "IP address type is IPV6 (the input does not give it: a mapping's type is its subnet's, and subnet-fw has no IPv4 block)"},
		{"no IPv4 block: IPv6 inspected", v6only, in6, reach.Reachable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, withFirewallSubnet("", tt.cidrs...))
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict agrees with Check")
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })
			require.GreaterOrEqual(t, i, 0, r.Text())
			h := r.Forward[i]
			if tt.mismatch == "" {
				assert.Empty(t, h.Code, r.Text())
				return
			}
			assert.Equal(t, reach.FirewallEndpointIPType, h.Code)
			assert.Equal(t, flow.Indeterminate, h.Verdict)
			assert.Contains(t, h.Reason(), tt.mismatch)
			assert.Empty(t, h.Rule, "no rule of the policy judged it")
		})
	}
}

// A mapping whose declared type names a family its subnet has no block
// of is one AWS cannot create (a mapping's type is its subnet's): Build
// refuses it, naming the firewall, the endpoint, the subnet and the
// field.
func TestFirewallEndpointIPTypeAgainstSubnet(t *testing.T) {
	tests := []struct {
		typ   string
		cidrs []string
		want  string
	}{
		{"DUALSTACK", []string{"10.0.0.0/24"}, "subnet subnet-fw has no IPv6 block, so its mapping cannot be DUALSTACK"},
		{"IPV6", []string{"10.0.0.0/24"}, "subnet subnet-fw has no IPv6 block, so its mapping cannot be IPV6"},
		{"IPV4", []string{"2001:db8:10::/64"}, "subnet subnet-fw has no IPv4 block, so its mapping cannot be IPV4"},
		{"DUALSTACK", []string{"2001:db8:10::/64"}, "subnet subnet-fw has no IPv4 block, so its mapping cannot be DUALSTACK"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" in "+tt.cidrs[0], func(t *testing.T) {
			_, err := withFirewallSubnet(tt.typ, tt.cidrs...).Builder().Build()
			require.Error(t, err)
			for _, s := range []string{"fw-demo", "firewalls[0].Endpoints[0].IPAddressType", "endpoint vpce-fw", tt.want} {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	for _, typ := range []string{"", "IPV4"} {
		_, err := withFirewallSubnet(typ, "10.0.0.0/24").Builder().Build()
		assert.NoError(t, err, "%q in an IPv4-only subnet", typ)
	}
	for _, typ := range []string{"", "IPV6"} {
		_, err := withFirewallSubnet(typ, "2001:db8:10::/64").Builder().Build()
		assert.NoError(t, err, "%q in an IPv6-only subnet", typ)
	}
}
