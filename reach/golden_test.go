package reach_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenQueries are the demo's showcase questions: a pass, a security
// group block, an ACL return-path block, a firewall drop, a domain
// allowlist pass and drop, IPv6, NAT inbound.
var goldenQueries = []struct {
	name string
	q    reach.Query
}{
	{"internet-to-web-https", tcp("198.51.100.7", "web-1", 443)},
	{"web-to-db-sg-block", tcp("web-1", "db-1", 5432)},
	{"app-to-db-return-acl", tcp("app-1", "db-1", 5432)},
	{"office-ssh-firewall-drop", tcp("198.51.100.7", "web-1", 22)},
	{"app-egress-allowed-domain", reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}},
	{"app-egress-no-domain", tcp("app-1", "93.184.216.34", 443)},
	{"ipv6-to-web", tcp("2001:db8:ff::7", "web-1", 443)},
	{"internet-to-nat", tcp("198.51.100.7", "203.0.113.100", 443)},
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./reach -run TestGolden -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; if the change is intended, run go test ./reach -run TestGolden -update", path)
}

func TestGoldenRenderings(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	for _, g := range goldenQueries {
		t.Run(g.name, func(t *testing.T) {
			r, err := m.Check(g.q)
			require.NoError(t, err)
			golden(t, g.name+".txt", []byte(r.Text()))
			js, err := r.JSON()
			require.NoError(t, err)
			golden(t, g.name+".json", js)
		})
	}
}
