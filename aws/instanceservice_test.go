package aws_test

import (
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
