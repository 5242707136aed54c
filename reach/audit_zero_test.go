package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestAuditZeroOptionsEveryClientPort: the zero AuditOptions asks what
// `reachsim audit`, Lint and reachtest.AssertNotExposed ask, from every
// client port. SSH behind a network ACL that lets replies out only to
// client ports 1024-32767 is closed to a client on port 50000 but open
// to one on port 30000, which any client may pick: a Go caller of
// m.Audit(reach.AuditOptions{}) is told it is exposed, as the CLI and
// Lint say, not closed (what the audit from port 50000 alone says).
// SrcPort asks from one client port: 30000 gets in, 50000 does not.
func TestAuditZeroOptionsEveryClientPort(t *testing.T) {
	lowReplies := []string{"100 allow tcp 22 from 0.0.0.0/0", "100 allow tcp 1024-32767 to 0.0.0.0/0",
		"101 allow tcp 22 from ::/0", "101 allow tcp 1024-32767 to ::/0"}
	m := clientPortDesign(t, sg.AnyIPv4, sg.AnyIPv6, lowReplies, nil)
	lint, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	var lintIDs []string
	for _, f := range lint.Findings {
		if f.Rule == "sgr-ssh4" {
			lintIDs = append(lintIDs, f.ID)
		}
	}
	require.Equal(t, []string{reach.LintExposedRisky}, lintIDs, "lint, from every client port")
	for _, tt := range []struct {
		name string
		o    reach.AuditOptions
	}{
		{"IPv4, zero options", reach.AuditOptions{}},
		{"IPv6, zero options but the family", reach.AuditOptions{IPv6: true}},
	} {
		a, err := m.Audit(tt.o)
		require.NoError(t, err, tt.name)
		var ssh []reach.Finding
		for _, f := range a.Findings {
			if f.Service == "SSH" {
				ssh = append(ssh, f)
			}
		}
		require.NotEmpty(t, ssh, "%s:\n%s", tt.name, a.Text())
		for _, f := range ssh {
			assert.Equal(t, reach.Exposed, f.Exposure, "%s at %s:\n%s", tt.name, f.Address, a.Text())
			assert.NotEmpty(t, f.Sources, "%s at %s", tt.name, f.Address)
			assert.Empty(t, f.ClosedBy, "%s at %s", tt.name, f.Address)
		}
	}
}
