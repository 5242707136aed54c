package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Queries naming, or addressing, network interfaces the loader leaves out
// (audit new26, findings 1 to 5). testdata/names26: web-1 (i-web,
// running, 54.1.2.3) and i-old (stopped, also tagged Name=web-1, Elastic
// IP 54.1.2.50). testdata/names26-pend: i-pend (pending, Name web-3),
// eni-0zzz at device 0 (10.0.1.60, public 54.1.2.60) and eni-0aaa at
// device 1 (10.0.2.61); -bpa adds VPC Block Public Access
// block-bidirectional, no exclusion.
func TestLeftOutNamesAndAddressesFromInternet(t *testing.T) {
	tests := []struct {
		name, dir, to string
		want          reach.Outcome
		code          reach.Code // the last hop's code, "" for any
		dst           string     // the flow's destination, "" for any
	}{
		// 1: a stopped instance's Name tag does not make the running
		// one's ambiguous
		{"name shared with a stopped instance", "names26", "web-1", reach.Reachable, "", "54.1.2.3"},
		// 5: a stopped instance's Elastic IP is the stopped instance's:
		// a certain drop naming it, by address or by its ID
		{"stopped instance's Elastic IP", "names26", "54.1.2.50", reach.Unreachable, reach.UnknownDestination, "54.1.2.50"},
		{"stopped instance by ID", "names26", "i-old", reach.Unreachable, reach.UnknownDestination, "54.1.2.50"},
		{"stopped instance by interface ID", "names26", "eni-old", reach.Unreachable, reach.UnknownDestination, "54.1.2.50"},
		// 2: a left-out instance's ID names its primary interface
		{"pending instance by ID", "names26-pend", "i-pend", reach.Indeterminate, reach.UnmodelledDestination, "54.1.2.60"},
		{"pending instance by Name tag", "names26-pend", "web-3", reach.Indeterminate, reach.UnmodelledDestination, "54.1.2.60"},
		// 3: the internet cannot address a private address
		{"unmodelled private address", "names26-pend", "10.0.2.61", reach.Unreachable, reach.NoPublicIP, "10.0.2.61"},
		{"pending interface without a public address", "names26-pend", "eni-0aaa", reach.Unreachable, reach.NoPublicIP, "10.0.2.61"},
		// 4: Block Public Access drops what comes from the internet,
		// whatever holds the address
		{"modelled public address under BPA", "names26-pend-bpa", "web-1", reach.Unreachable, reach.VPCBlockPublicAccess, ""},
		{"unmodelled public address under BPA", "names26-pend-bpa", "54.1.2.60", reach.Unreachable, reach.VPCBlockPublicAccess, "54.1.2.60"},
		{"pending instance by name under BPA", "names26-pend-bpa", "web-3", reach.Unreachable, reach.VPCBlockPublicAccess, "54.1.2.60"},
		{"unmodelled private address under BPA", "names26-pend-bpa", "10.0.2.61", reach.Unreachable, "", "10.0.2.61"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, err := aws.Load("testdata/" + tt.dir)
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "198.51.100.7", To: tt.to, Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			if tt.dst != "" {
				assert.Equal(t, tt.dst, r.Flow.Dst.Addr().String(), r.Text())
			}
			if tt.code != "" {
				require.NotEmpty(t, r.Forward, r.Text())
				assert.Equal(t, tt.code, r.Forward[len(r.Forward)-1].Code, r.Text())
			}
		})
	}
}

// A Name tag held only by several left-out interfaces is still
// ambiguous; one on a modelled interface wins (finding 1).
func TestLeftOutNameTagAmbiguity(t *testing.T) {
	m, _, err := aws.Load("testdata/names26")
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "app-1", To: "web-1", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, "10.0.1.10", r.Flow.Dst.Addr().String(), r.Text())
}

// Sources naming a left-out instance says what was asked: the name, the
// interface, and the addresses the questions use, never the heading of a
// question to one address (finding 6).
func TestLeftOutSourcesHeading(t *testing.T) {
	m, _, err := aws.Load("testdata/names26-pend-noroute")
	require.NoError(t, err)
	tests := []struct{ to, want string }{
		{"web-3", "web-3"},
		{"i-pend", "i-pend"},
		{"eni-0zzz", "eni-0zzz"},
	}
	byAddr, err := m.Sources(reach.SourcesQuery{To: "54.1.2.60", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			r, err := m.Sources(reach.SourcesQuery{To: tt.to, Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.NotEqual(t, byAddr.To, r.To)
			assert.Contains(t, r.To, tt.want)
			assert.Contains(t, r.To, "54.1.2.60")
			assert.Contains(t, r.To, "10.0.1.60")
		})
	}
}
