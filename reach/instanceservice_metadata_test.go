package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// An instance's metadata options (Interface.MetadataEndpoint,
// MetadataIPv6: describe-instances' MetadataOptions.HttpEndpoint and
// HttpProtocolIpv6) decide the Instance Metadata Service (EC2 User Guide,
// "Configure the Instance Metadata Service options"): HttpEndpoint
// enabled answers at 169.254.169.254, disabled nowhere
// (INSTANCE_SERVICE_DISABLED, with a fix that enables it); fd00:ec2::254
// needs HttpProtocolIpv6 enabled too, and a Nitro instance, which the
// input does not say. An option left unset is undecided, and the hop's
// Missing says the input does not hold it, or names the value known only
// later (MetadataUnknown) instead.
func TestInstanceMetadataOptions(t *testing.T) {
	v4 := reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}
	v6 := reach.Query{From: "app", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80, IPv6: true}
	for _, tc := range []struct {
		name          string
		endpoint, ip6 reach.Option
		unknown       string
		q             reach.Query
		want          reach.Outcome
		code          reach.Code
		text          string // in the hop's Missing or Fix
		notText       string // not in its Missing
	}{
		{"enabled", reach.OptionEnabled, reach.OptionUnset, "", v4, reach.Reachable, "", "", ""},
		{"disabled", reach.OptionDisabled, reach.OptionUnset, "", v4, reach.Unreachable, reach.InstanceServiceDisabled, "enable the instance metadata service of app", ""},
		{"unset", reach.OptionUnset, reach.OptionUnset, "", v4, reach.Indeterminate, reach.InstanceServiceIndeterminate, "which the input does not hold", ""},
		{"known only later", reach.OptionUnset, reach.OptionUnset, "aws_instance.app: metadata_options, known only after apply", v4, reach.Indeterminate, reach.InstanceServiceIndeterminate,
			"aws_instance.app: metadata_options, known only after apply", "input does not hold"},
		{"IPv6 endpoint disabled", reach.OptionEnabled, reach.OptionDisabled, "", v6, reach.Unreachable, reach.InstanceServiceDisabled, "http-protocol-ipv6 enabled", ""},
		{"IPv6 endpoint disabled, HttpEndpoint unset", reach.OptionUnset, reach.OptionDisabled, "", v6, reach.Unreachable, reach.InstanceServiceDisabled, "over IPv4 (169.254.169.254)", ""},
		{"HttpEndpoint disabled, over IPv6", reach.OptionDisabled, reach.OptionEnabled, "", v6, reach.Unreachable, reach.InstanceServiceDisabled, "--http-endpoint enabled", ""},
		{"IPv6 endpoint enabled: Nitro undecided", reach.OptionEnabled, reach.OptionEnabled, "", v6, reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro System", "input does not hold"},
		{"IPv6 endpoint unset", reach.OptionEnabled, reach.OptionUnset, "", v6, reach.Indeterminate, reach.InstanceServiceIndeterminate, "HttpProtocolIpv6", ""},
		{"other traffic still blocked", reach.OptionEnabled, reach.OptionEnabled, "", reach.Query{From: "app", To: "169.254.169.254", Protocol: flow.TCP, Port: 443},
			reach.Unreachable, reach.InstanceServiceOtherTraffic, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			design := hostServiceDesignWith(true, func(in *reach.Interface) {
				in.Instance, in.MetadataEndpoint, in.MetadataIPv6, in.MetadataUnknown = "i-app", tc.endpoint, tc.ip6, tc.unknown
			})
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
			h := r.Forward[0]
			require.Equal(t, reach.KindInstanceService, h.Kind, r.Text())
			if tc.text != "" {
				assert.Contains(t, h.Missing+" | "+h.Fix, tc.text, r.Text())
			}
			if tc.notText != "" {
				assert.NotContains(t, h.Missing, tc.notText, r.Text())
			}
			if tc.code == reach.InstanceServiceDisabled {
				assert.Contains(t, h.Fix, "--instance-id i-app", r.Text())
				_, err := m.Fix(tc.q, reach.Reachable)
				require.ErrorIs(t, err, reach.ErrNoFix, "no rule to change: by hand")
			}
		})
	}
}

// Ports agrees: an instance whose metadata service is enabled reaches it
// on tcp port 80 alone, one whose service is disabled on none.
func TestInstanceMetadataOptionsPorts(t *testing.T) {
	for _, tc := range []struct {
		opt  reach.Option
		open string
	}{{reach.OptionEnabled, "80"}, {reach.OptionDisabled, "none"}} {
		m, err := hostServiceDesignWith(true, func(in *reach.Interface) { in.MetadataEndpoint = tc.opt })()
		require.NoError(t, err)
		p, err := m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.254", Protocol: flow.TCP})
		require.NoError(t, err)
		assert.Equal(t, tc.open, p.Open.String(), tc.opt.String())
		assert.True(t, p.Indeterminate.IsEmpty(), p.Indeterminate.String())
	}
}

// Build refuses an Option that is none of the three.
func TestInstanceMetadataOptionsInvalid(t *testing.T) {
	_, err := hostServiceDesignWith(true, func(in *reach.Interface) { in.MetadataIPv6 = 7 })()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "interfaces[0].MetadataIPv6")
	assert.Equal(t, "enabled", reach.OptionEnabled.String())
	o, ok := reach.ParseOption("disabled")
	assert.True(t, ok)
	assert.Equal(t, reach.OptionDisabled, o)
	_, ok = reach.ParseOption("Enabled")
	assert.False(t, ok, "AWS prints lower case")
}
