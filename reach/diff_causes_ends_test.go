package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// TestDiffCausesAtEveryInternetEnd: Diff compares the internet's cells
// at every address the internet meets an interface at (da9ce2a, and
// every IPv6 address), but traced the internet only to (or from) the
// interface's ID, its first address or that address's public IP: a
// change at a secondary private address's Elastic IP, or at a second
// IPv6 address, found no witness, and the firewall that changed on the
// path was not named ("no internet address traced shows the change").
// PairChange.Causes promises "the resources that changed and lie on the
// pair's path"; the trace now tries each of those addresses.
func TestDiffCausesAtEveryInternetEnd(t *testing.T) {
	multi := reach.Interface{ID: "eni-m", Name: "multi", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.7.1.10"), ba("10.7.1.11")}, Groups: []string{"sg-v"},
		PublicIP: ba("203.0.113.70"), PublicIPs: []reach.PublicIP{{Private: ba("10.7.1.11"), Public: ba("203.0.113.71")}}}
	multi6 := reach.Interface{ID: "eni-m", Name: "multi", Subnet: "subnet-pub", Groups: []string{"sg-v"},
		PrivateIPs: []netip.Addr{ba("10.7.1.10"), ba("2600:1f18:7:1::10"), ba("2600:1f18:7:1::11")}}
	tests := []struct {
		name          string
		in            reach.Interface
		before, after string
		v6, outbound  bool
	}{
		{"SSH opened at the secondary's Elastic IP", multi,
			"drop tcp any any -> 10.7.1.0/24 22 (sid:1;)\npass tcp any any -> any any (sid:9;)\n",
			"drop tcp any any -> 10.7.1.10 22 (sid:1;)\npass tcp any any -> any any (sid:9;)\n", false, false},
		{"HTTPS out opened from the secondary", multi,
			"drop tcp 10.7.1.0/24 any -> any 443 (sid:1;)\npass tcp any any -> any any (sid:9;)\n",
			"drop tcp 10.7.1.10 any -> any 443 (sid:1;)\npass tcp any any -> any any (sid:9;)\n", false, true},
		{"SSH opened at the second IPv6 address", multi6,
			"drop tcp any any -> 2600:1f18:7:1::/64 22 (sid:1;)\npass tcp any any -> any any (sid:9;)\n",
			"drop tcp any any -> 2600:1f18:7:1::10 22 (sid:1;)\npass tcp any any -> any any (sid:9;)\n", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := edgeFWDesign(t, tt.before, tt.in), edgeFWDesign(t, tt.after, tt.in)
			d, err := reach.Diff(before, after, reach.DiffOptions{IPv6: tt.v6})
			require.NoError(t, err)
			var got *reach.PairChange
			for i, c := range d.Changes {
				if (c.From == reach.InternetNode) != tt.outbound {
					got = &d.Changes[i]
				}
			}
			require.NotNil(t, got, d.Text())
			assert.False(t, got.Gained.IsEmpty(), d.Text())
			assert.Empty(t, got.Note, d.Text())
			assert.True(t, slices.ContainsFunc(got.Causes, func(c reach.Cause) bool { return c.ID == "fw-v" }),
				"the firewall that changed is on the path:\n%s", d.Text())
		})
	}
}
