package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// withLeftOut26 is open's design with interfaces a loader left out:
// instance i-two (pending) with eni-two-b at device 1 (10.0.1.71),
// declared first, and eni-two-a at device 0 (10.0.1.70, public
// 198.51.100.70); eni-old of instance i-old (stopped, Name db as the
// modelled eni-db, Elastic IP 198.51.100.50) at 10.0.1.50; eni-x and
// eni-y (stopped, both Name twin).
func withLeftOut26(t *testing.T, bpa bool) *reach.Model {
	t.Helper()
	pending := "network interface of instance i-two, which is pending"
	stopped := "network interface of instance i-old, which is stopped"
	old := reach.LeftOutNames{Interface: "eni-old", Instance: "i-old", Name: "db"}
	b := open().AddUnmodelledAddress(
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.71"), Owner: "eni-two-b", What: pending, LeftOutNames: reach.LeftOutNames{Interface: "eni-two-b", Instance: "i-two", Device: 1}},
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.70"), Owner: "eni-two-a", What: pending, LeftOutNames: reach.LeftOutNames{Interface: "eni-two-a", Instance: "i-two"}},
		reach.UnmodelledAddress{Address: netip.MustParseAddr("198.51.100.70"), Owner: "eni-two-a", What: pending, LeftOutNames: reach.LeftOutNames{Interface: "eni-two-a", Instance: "i-two"}}).
		AddHostlessAddress(
			reach.HostlessAddress{Address: netip.MustParseAddr("10.0.1.50"), Owner: "eni-old", What: stopped, LeftOutNames: old},
			reach.HostlessAddress{Address: netip.MustParseAddr("198.51.100.50"), Owner: "eni-old", What: stopped, LeftOutNames: old},
			reach.HostlessAddress{Address: netip.MustParseAddr("10.0.1.80"), Owner: "eni-x", What: "stopped", LeftOutNames: reach.LeftOutNames{Interface: "eni-x", Name: "twin"}},
			reach.HostlessAddress{Address: netip.MustParseAddr("10.0.1.81"), Owner: "eni-y", What: "stopped", LeftOutNames: reach.LeftOutNames{Interface: "eni-y", Name: "twin"}})
	if bpa {
		b.SetBlockPublicAccess(reach.BlockPublicAccess{Mode: reach.BlockBidirectional})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// Names and addresses of left-out interfaces (audit new26, findings 1
// to 5): a modelled interface's Name tag wins; an instance ID names its
// device-0 interface; the internet cannot address a private address;
// the internet gateway and Block Public Access judge an unmodelled
// public address; a stopped instance's Elastic IP is its certain drop.
func TestLeftOutNamesAndAddresses26(t *testing.T) {
	for _, tt := range []struct {
		name, from, to string
		bpa            bool
		dst            string
		outcome        reach.Outcome
		code           reach.Code
	}{
		{"a modelled Name tag wins over a stopped one", "web", "db", false, "10.0.1.20", reach.Reachable, ""},
		{"an instance ID names its device-0 interface", "203.0.113.9", "i-two", false, "198.51.100.70", reach.Indeterminate, reach.UnmodelledDestination},
		{"an instance ID names its device-0 interface, privately", "web", "i-two", false, "10.0.1.70", reach.Indeterminate, reach.UnmodelledDestination},
		{"the internet to an unmodelled private address", "203.0.113.9", "10.0.1.71", false, "10.0.1.71", reach.Unreachable, reach.NoPublicIP},
		{"the internet to an unmodelled public address", "203.0.113.9", "198.51.100.70", false, "198.51.100.70", reach.Indeterminate, reach.UnmodelledDestination},
		{"the internet to an unmodelled public address under BPA", "203.0.113.9", "198.51.100.70", true, "198.51.100.70", reach.Unreachable, reach.VPCBlockPublicAccess},
		{"the internet to a modelled public address under BPA", "203.0.113.9", "web", true, "198.51.100.10", reach.Unreachable, reach.VPCBlockPublicAccess},
		{"the internet to a stopped instance's Elastic IP", "203.0.113.9", "198.51.100.50", false, "198.51.100.50", reach.Unreachable, reach.UnknownDestination},
		{"the internet to a stopped instance by ID", "203.0.113.9", "i-old", false, "198.51.100.50", reach.Unreachable, reach.UnknownDestination},
		{"a VPC's interface to a stopped instance's Elastic IP", "web", "198.51.100.50", false, "198.51.100.50", reach.Unreachable, reach.UnknownDestination},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := withLeftOut26(t, tt.bpa)
			q := tcp(tt.from, tt.to, 443)
			r := check(t, m, q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.dst, r.Flow.Dst.Addr().String(), r.Text())
			if tt.code != "" {
				assert.Contains(t, r.Codes(), tt.code, r.Text())
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict agrees with Check")
		})
	}
	t.Run("a Name tag only on several left-out interfaces is ambiguous", func(t *testing.T) {
		_, err := withLeftOut26(t, false).Check(tcp("web", "twin", 443))
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, `name "twin" is on several interfaces (eni-x (left out), eni-y (left out)); use an ID`)
	})
	t.Run("a stopped instance's Elastic IP is no source", func(t *testing.T) {
		_, err := withLeftOut26(t, false).Check(tcp("198.51.100.50", "web", 443))
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, "eni-old")
	})
}
