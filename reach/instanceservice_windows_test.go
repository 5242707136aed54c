package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Windows instances activate their license against AWS's KMS servers at
// the link-local 169.254.169.250 and 169.254.169.251 (fd00:ec2::250 over
// IPv6), tcp port 1688 (EC2 User Guide, EC2Config: "These addresses are
// used by Windows Activation and when you access instance metadata"), and
// network ACLs (and security groups) do not filter Windows license
// activation (semantics.md B.5). The walk used to route such a packet as
// any other: behind app's closed group and ACL, a certain Unreachable
// decided by SG_NO_ALLOW, ACL_DEFAULT_DENY and PRIVATE_ADDRESS_ON_INTERNET
// (audit p6merge finding 1). The instance's host answers it now: a
// Windows instance (Interface.Platform) reaches it over IPv4, any other
// request is undecided (the platform not given, not Windows, or IPv6 and
// the Nitro System not in the input), never a certain block by a filter.
func TestWindowsActivation(t *testing.T) {
	kms := func(to string) reach.Query {
		return reach.Query{From: "app", To: to, Protocol: flow.TCP, Port: 1688, IPv6: to == "fd00:ec2::250"}
	}
	for _, tc := range []struct {
		name     string
		platform string
		q        reach.Query
		want     reach.Outcome
		code     reach.Code
		missing  string // in the undecided hop's Missing
	}{
		{"platform not in the input, .250", "", kms("169.254.169.250"), reach.Indeterminate, reach.InstanceServiceIndeterminate, "Platform or PlatformDetails"},
		{"platform not in the input, .251", "", kms("169.254.169.251"), reach.Indeterminate, reach.InstanceServiceIndeterminate, "which the input does not hold"},
		{"platform not in the input, IPv6", "", kms("fd00:ec2::250"), reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro"},
		{"Windows instance, .250", "Windows", kms("169.254.169.250"), reach.Reachable, "", ""},
		{"Windows instance (describe-instances Platform), .251", "windows", kms("169.254.169.251"), reach.Reachable, "", ""},
		{"Windows with SQL Server", "Windows with SQL Server Standard", kms("169.254.169.250"), reach.Reachable, "", ""},
		{"Windows instance over IPv6: Nitro only", "Windows", kms("fd00:ec2::250"), reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro System"},
		{"a Linux instance: undecided, not guessed", "Linux/UNIX", kms("169.254.169.250"), reach.Indeterminate, reach.InstanceServiceIndeterminate, `"Linux/UNIX"`},
		{"KMS answers tcp 1688 only", "Windows", reach.Query{From: "app", To: "169.254.169.250", Protocol: flow.TCP, Port: 443}, reach.Unreachable, reach.InstanceServiceOtherTraffic, ""},
		{"no udp", "", reach.Query{From: "app", To: "169.254.169.251", Protocol: flow.UDP, Port: 1688}, reach.Unreachable, reach.InstanceServiceOtherTraffic, ""},
		{"from the internet", "Windows", reach.Query{From: "203.0.113.9", To: "169.254.169.250", Protocol: flow.TCP, Port: 1688}, reach.Unreachable, reach.InstanceServiceOutside, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			design := hostServiceDesignWith(true, func(in *reach.Interface) { in.Platform = tc.platform })
			m, err := design()
			require.NoError(t, err)
			r := check(t, m, tc.q)
			want, err := buildReference(t, design).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk")
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			if tc.code != "" {
				assert.Equal(t, []reach.Code{tc.code}, r.Codes(), r.Text())
			} else {
				assert.Empty(t, r.Codes(), r.Text())
			}
			for _, c := range r.Codes() {
				assert.NotContains(t, []reach.Code{reach.SGNoAllow, reach.ACLDefaultDeny, reach.ACLDeny, reach.NoRoute, reach.PrivateAddressOnInternet}, c,
					"security groups, network ACLs, route tables and the internet gateway do not decide Windows activation traffic\n%s", r.Text())
			}
			if tc.missing != "" {
				require.Len(t, r.Undecided(), 1, r.Text())
				assert.Contains(t, r.Forward[0].Missing, tc.missing, r.Text())
			}
			if tc.q.From == "app" && tc.code != reach.InstanceServiceOtherTraffic {
				require.Len(t, r.Forward, 1, r.Text())
				assert.Equal(t, reach.KindInstanceService, r.Forward[0].Kind)
				assert.Contains(t, r.To, "Windows activation", r.Text())
			}
		})
	}
}

// Ports and Sources agree: a Windows instance reaches KMS on tcp port
// 1688 alone.
func TestWindowsActivationSetQuestions(t *testing.T) {
	m, err := hostServiceDesignWith(true, func(in *reach.Interface) { in.Platform = "Windows" })()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.251", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "1688", p.Open.String())
	assert.True(t, p.Indeterminate.IsEmpty(), p.Indeterminate.String())
	s, err := m.Sources(reach.SourcesQuery{To: "169.254.169.250", Protocol: flow.TCP, Port: 1688})
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1)
	assert.Equal(t, "eni-app", s.Interfaces[0].ID)
	assert.Equal(t, reach.Reachable, s.Interfaces[0].Outcome)
	assert.Empty(t, s.Internet)
}
