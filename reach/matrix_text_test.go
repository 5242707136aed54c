package reach_test

import (
	"bytes"
	"encoding/csv"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// handMatrix is a matrix with what the sample lacks: a class of two,
// a cell within a class, indeterminate traffic, ICMP and other protocols,
// and names that need escaping or look like spreadsheet formulas.
func handMatrix(t *testing.T) *reach.Matrix {
	t.Helper()
	ports := func(s string) flow.PortSet {
		ps, err := flow.ParsePortSet(s)
		require.NoError(t, err)
		return ps
	}
	a := netip.MustParseAddr
	return &reach.Matrix{
		Classes: []reach.Class{
			{Name: "C1", Members: []reach.ClassMember{{ID: "eni-a", Name: "=cmd()", Address: a("10.0.1.10")}}},
			{Name: "C2", Members: []reach.ClassMember{
				{ID: "eni-b", Name: "app\x1b[31m", Address: a("10.0.2.20")},
				{ID: "eni-c", Address: a("10.0.2.21")},
			}},
			{Name: reach.InternetNode, Members: []reach.ClassMember{}},
		},
		Cells: []reach.Cell{
			{From: "C1", To: "C2", Allowed: reach.Traffic{TCP: ports("8080"), ICMP: []reach.ICMPCodes{{Type: 8, Codes: flow.FullSet[uint8]()}},
				Other: flow.SetOf(flow.Single[uint8](47))}},
			{From: "C2", To: "C2", Allowed: reach.Traffic{TCP: ports("22,8000-8100")}, Indeterminate: reach.Traffic{UDP: ports("53")}},
			{From: "C2", To: reach.InternetNode, Indeterminate: reach.Traffic{TCP: ports("1-65535")}},
		},
	}
}

func TestMatrixText(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	empty := &reach.Matrix{Classes: []reach.Class{{Name: "C1", Members: []reach.ClassMember{{ID: "eni-a", Address: netip.MustParseAddr("10.0.0.1")}}}}}
	for _, tt := range []struct {
		name string
		m    *reach.Matrix
		want string
	}{
		{"the sample", mx, `classes (round trip, from client port 50000):
  C1: web-1 (eni-web1) 10.0.1.10
  C2: app-1 (eni-app1) 10.0.2.20
  C3: db-1 (eni-db1) 10.0.3.30
  internet: every internet address
cells (a pair not listed carries nothing):
  C1 -> C2: tcp 8080
  C1 -> internet: none; indeterminate: tcp 80,443,465,636,993,995,8000,8080,8443
  C2 -> C1: tcp 443
  C2 -> internet: none; indeterminate: tcp 80,443,465,636,993,995,8000,8080,8443
  internet -> C1: tcp 443
`},
		{"a class of two, indeterminate traffic, names escaped", handMatrix(t), `classes (round trip, from client port 50000):
  C1: =cmd() (eni-a) 10.0.1.10
  C2: 2 interfaces
    app\x1b[31m (eni-b) 10.0.2.20
    eni-c 10.0.2.21
  internet: every internet address
cells (a pair not listed carries nothing):
  C1 -> C2: tcp 8080; icmp 8 (all codes); other 47
  C2 -> C2: tcp 22,8000-8100; indeterminate: udp 53
  C2 -> internet: none; indeterminate: tcp 1-65535
`},
		{"no cell", empty, `classes (round trip, from client port 50000):
  C1: eni-a 10.0.0.1
cells: none (no pair carries anything)
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.Text())
		})
	}
}

// The CSV is one table that encoding/csv reads back: a header, one row a
// cell, members named, formulas defused.
func TestMatrixCSV(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, handMatrix(t).CSV(&b))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err, b.String())
	assert.Equal(t, [][]string{
		{"from", "to", "tcp", "udp", "icmp", "other", "indeterminate", "from_members", "to_members", "notes"},
		{"C1", "C2", "8080", "none", "8 (all codes)", "47", "none", "'=cmd() (eni-a)", `app\x1b[31m (eni-b); eni-c`, ""},
		{"C2", "C2", "22,8000-8100", "none", "none", "none", "udp 53", `app\x1b[31m (eni-b); eni-c`, `app\x1b[31m (eni-b); eni-c`, ""},
		{"C2", "internet", "none", "none", "none", "none", "tcp 1-65535", `app\x1b[31m (eni-b); eni-c`, "", ""},
	}, rows)
}
