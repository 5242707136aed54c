package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// withNLB is open's design with 10.0.1.99 (subnet-o) and 10.5.0.9
// (vpc-far) held by interfaces of a Network Load Balancer the design
// does not model.
func withNLB(t *testing.T) *reach.Model {
	t.Helper()
	m, err := open().AddUnmodelledAddress(
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.99"), Owner: "eni-nlb", What: "network interface of a Network Load Balancer"},
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.5.0.9"), Owner: "eni-far"}).Build()
	require.NoError(t, err)
	return m
}

// An address a load balancer (or anything else the design does not
// model) holds is where AWS delivers the packet: the answer is undecided
// there and names the holder, never a certain unknown destination; a
// certain block on the way still decides.
func TestUnmodelledAddressIsAnUndecidedDestination(t *testing.T) {
	m := withNLB(t)
	for _, tt := range []struct {
		name, from, to, label string
		outcome               reach.Outcome
		codes                 []reach.Code
	}{
		{"inside the source's VPC", "web", "10.0.1.99", "10.0.1.99 of eni-nlb in vpc-o (not modelled)", reach.Indeterminate, []reach.Code{reach.UnmodelledDestination}},
		// the internet cannot address a private address, whatever holds
		// it: the internet gateway's certain drop, as for a modelled
		// interface's (audit new26, finding 3)
		{"from the internet", "203.0.113.9", "10.0.1.99", "10.0.1.99 of eni-nlb in vpc-o (not modelled)", reach.Unreachable, []reach.Code{reach.NoPublicIP}},
		{"a certain block before it still decides", "locked", "10.0.1.99", "10.0.1.99 of eni-nlb in vpc-o (not modelled)", reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.UnmodelledDestination}},
		// sent through the internet gateway, a private address dies on
		// the internet, held or not
		{"a private address of another VPC through the internet gateway", "web", "10.5.0.9", "10.5.0.9 of eni-far in vpc-far (not modelled)", reach.Unreachable, []reach.Code{reach.PrivateAddressOnInternet}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tcp(tt.from, tt.to, 443))
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			assert.Equal(t, tt.label, r.To)
			assert.NotContains(t, r.Text(), string(reach.UnknownDestination))
			v, err := m.Verdict(tcp(tt.from, tt.to, 443))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict agrees with Check")
		})
	}
	t.Run("the hop names the holder and what to check", func(t *testing.T) {
		r := check(t, m, tcp("web", "10.0.1.99", 443))
		u := r.Undecided()
		require.Len(t, u, 1, r.Text())
		assert.Equal(t, reach.KindUnmodelled, u[0].Kind)
		assert.Equal(t, "eni-nlb", u[0].ID)
		assert.Contains(t, u[0].Missing, "eni-nlb (network interface of a Network Load Balancer)")
		assert.Contains(t, u[0].Fix, "check by hand whether eni-nlb accepts the packet")
		assert.Contains(t, u[0].Reason(), "10.0.1.99 is the address of eni-nlb")
	})
	t.Run("What defaults to words", func(t *testing.T) {
		r := check(t, m, tcp("203.0.113.9", "10.5.0.9", 443))
		require.Len(t, r.Undecided(), 1, r.Text())
		assert.Contains(t, r.Undecided()[0].Missing, "eni-far (resource reachsim does not model)")
	})
	t.Run("Owner reports the holder", func(t *testing.T) {
		o, ok := m.Owner(netip.MustParseAddr("10.0.1.99"))
		assert.True(t, ok)
		assert.Equal(t, "eni-nlb", o)
	})
	t.Run("nothing sends from it", func(t *testing.T) {
		_, err := m.Check(tcp("10.0.1.99", "web", 443))
		require.ErrorIs(t, err, reach.ErrQuery)
		assert.ErrorContains(t, err, "10.0.1.99 is the address of eni-nlb, which reachsim does not model")
	})
	t.Run("copies, kept by a patched model", func(t *testing.T) {
		got := m.UnmodelledAddresses()
		require.Len(t, got, 2)
		assert.Equal(t, "eni-nlb", got[0].Owner)
		got[0].Owner = "changed"
		assert.Equal(t, "eni-nlb", m.UnmodelledAddresses()[0].Owner)
		next, err := m.Apply(nil)
		require.NoError(t, err)
		assert.Equal(t, m.UnmodelledAddresses(), next.UnmodelledAddresses())
		assert.Equal(t, reach.Indeterminate, check(t, next, tcp("web", "10.0.1.99", 443)).Outcome)
	})
}

func TestUnmodelledAddressBuildErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		u    reach.UnmodelledAddress
		want string
	}{
		{"outside every VPC", reach.UnmodelledAddress{Address: netip.MustParseAddr("192.168.0.1"), Owner: "eni-x"}, "outside every VPC of the design"},
		{"an interface's address", reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.20"), Owner: "eni-x"}, "address already used by eni-db"},
		{"no owner", reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.99")}, "needs the ID of what holds it"},
		{"no address", reach.UnmodelledAddress{Owner: "eni-x"}, "not a plain IPv4 or IPv6 address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := open().AddUnmodelledAddress(tt.u).Build()
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// The set questions answer an unmodelled destination as Check does.
func TestUnmodelledAddressSetAnswers(t *testing.T) {
	m := withNLB(t)
	r, err := m.Ports(reach.PortsQuery{From: "web", To: "10.0.1.99", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, r.Open.IsEmpty(), "no port is open for certain")
	s, err := m.Sources(reach.SourcesQuery{To: "10.0.1.99", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.NotEmpty(t, s.Interfaces, "web and db would reach it, were it an interface")
	for _, si := range s.Interfaces {
		assert.Equal(t, reach.Indeterminate, si.Outcome, si.ID)
	}
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports: []reach.PortsQuery{
			{From: "web", To: "10.0.1.99", Protocol: flow.TCP},
			{From: "locked", To: "10.0.1.99", Protocol: flow.UDP},
			{From: "db", To: "10.0.1.99", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "10.0.1.99", Protocol: flow.TCP, Port: 443},
			{To: "10.5.0.9", Protocol: flow.UDP, Port: 53},
		}})
}
