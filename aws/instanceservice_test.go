package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// editWeb1 edits i-web1's element of describe-instances (the sample's
// Reservations[1].Instances[0]).
func editWeb1(edit func(in map[string]any)) sampleEdit {
	return editFile("aws/instances.json", func(doc map[string]any) {
		edit(loadObj(doc, "Reservations", 1, "Instances", 0))
	})
}

// checkSample loads the sample with edits and checks q.
func checkSample(t *testing.T, q reach.Query, edits ...sampleEdit) *reach.Result {
	t.Helper()
	fsys := loadSampleFS(t)
	for _, e := range edits {
		e(t, fsys)
	}
	m, _, err := aws.LoadFS(fsys, "aws")
	require.NoError(t, err)
	r, err := m.Check(q)
	require.NoError(t, err)
	return r
}

// describe-instances' Platform ("windows" for Windows instances) and
// PlatformDetails ("Linux/UNIX", "Windows", ...) say whether Windows
// activation (AWS's KMS servers at 169.254.169.250 and .251, tcp 1688)
// answers the instance: aws.Load reads them into
// reach.Interface.Platform. A Windows instance reaches it; any other is
// undecided, its hop naming the platform the dump gives; a dump without
// either field is undecided too, never taken for Linux.
func TestLoadPlatformDecidesWindowsActivation(t *testing.T) {
	q := reach.Query{From: "web-1", To: "169.254.169.250", Protocol: flow.TCP, Port: 1688}
	for _, tc := range []struct {
		name    string
		edit    func(in map[string]any)
		want    reach.Outcome
		missing string
	}{
		{"the sample: PlatformDetails Linux/UNIX", nil, reach.Indeterminate, `"Linux/UNIX"`},
		{"Platform windows", func(in map[string]any) { in["Platform"] = "windows"; in["PlatformDetails"] = "Windows" }, reach.Reachable, ""},
		{"PlatformDetails alone says Windows", func(in map[string]any) { in["PlatformDetails"] = "Windows with SQL Server Web" }, reach.Reachable, ""},
		{"neither printed", func(in map[string]any) { delete(in, "PlatformDetails") }, reach.Indeterminate, "which the input does not hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var edits []sampleEdit
			if tc.edit != nil {
				edits = append(edits, editWeb1(tc.edit))
			}
			r := checkSample(t, q, edits...)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			require.Equal(t, reach.KindInstanceService, r.Forward[0].Kind, r.Text())
			if tc.missing != "" {
				assert.Contains(t, r.Forward[0].Missing, tc.missing, r.Text())
			}
		})
	}
}

// describe-instances prints each instance's MetadataOptions, and the
// sample holds them (web-1: HttpEndpoint "enabled", HttpProtocolIpv6
// "disabled"). AWS answers the metadata service at 169.254.169.254 only
// when HttpEndpoint is enabled, and at fd00:ec2::254 only when
// HttpProtocolIpv6 is enabled too, on a Nitro instance (EC2 User Guide,
// "Configure the Instance Metadata Service options"). aws.Load used to
// drop them: every such query was Indeterminate, its hop saying the input
// did not hold what it held (audit p6merge finding 2).
func TestLoadMetadataOptionsDecideIMDS(t *testing.T) {
	imds4 := reach.Query{From: "web-1", To: "169.254.169.254", Protocol: flow.TCP, Port: 80}
	imds6 := reach.Query{From: "web-1", To: "fd00:ec2::254", Protocol: flow.TCP, Port: 80, IPv6: true}
	meta := func(k string, v any) sampleEdit {
		return editWeb1(func(in map[string]any) { in["MetadataOptions"].(map[string]any)[k] = v })
	}
	for _, tc := range []struct {
		name    string
		edit    sampleEdit
		q       reach.Query
		want    reach.Outcome
		code    reach.Code
		missing string // in the hop's Missing, or its Fix when blocked
	}{
		{"the sample: HttpEndpoint enabled", nil, imds4, reach.Reachable, "", ""},
		{"the sample: HttpProtocolIpv6 disabled", nil, imds6, reach.Unreachable, reach.InstanceServiceDisabled, "http-protocol-ipv6 enabled"},
		{"HttpEndpoint disabled", meta("HttpEndpoint", "disabled"), imds4, reach.Unreachable, reach.InstanceServiceDisabled, "enable the instance metadata service of web-1"},
		{"HttpEndpoint disabled, over IPv6", meta("HttpEndpoint", "disabled"), imds6, reach.Unreachable, reach.InstanceServiceDisabled, "enable the instance metadata service"},
		{"HttpProtocolIpv6 enabled: the Nitro System decides", meta("HttpProtocolIpv6", "enabled"), imds6, reach.Indeterminate, reach.InstanceServiceIndeterminate, "Nitro System"},
		{"MetadataOptions not printed", editWeb1(func(in map[string]any) { delete(in, "MetadataOptions") }), imds4, reach.Indeterminate, reach.InstanceServiceIndeterminate,
			"HttpEndpoint, enabled by default), which the input does not hold"},
		{"a change pending", meta("State", "pending"), imds4, reach.Indeterminate, reach.InstanceServiceIndeterminate, "MetadataOptions.State: pending"},
		{"neither enabled nor disabled", meta("HttpEndpoint", "on"), imds4, reach.Indeterminate, reach.InstanceServiceIndeterminate, `HttpEndpoint: "on"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var edits []sampleEdit
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			r := checkSample(t, tc.q, edits...)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			require.Equal(t, reach.KindInstanceService, r.Forward[0].Kind, r.Text())
			if tc.code != "" {
				assert.Equal(t, []reach.Code{tc.code}, r.Codes(), r.Text())
			} else {
				assert.Empty(t, r.Codes(), r.Text())
			}
			if tc.missing != "" {
				assert.Contains(t, r.Forward[0].Missing+r.Forward[0].Fix, tc.missing, r.Text())
			}
			if tc.edit == nil {
				for _, h := range r.Forward {
					assert.NotContains(t, h.Missing, "input does not hold", "the dump holds MetadataOptions\n%s", r.Text())
				}
			}
		})
	}
}

// A value of MetadataOptions that is neither enabled nor disabled is
// warned of, naming where it is.
func TestLoadMetadataOptionsOddValueWarns(t *testing.T) {
	fsys := loadSampleFS(t)
	editWeb1(func(in map[string]any) { in["MetadataOptions"].(map[string]any)["HttpProtocolIpv6"] = "maybe" })(t, fsys)
	_, rep, err := aws.LoadFS(fsys, "aws")
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), `aws/instances.json: Reservations[1].Instances[0].MetadataOptions.HttpProtocolIpv6: "maybe" is neither enabled nor disabled`)
}
