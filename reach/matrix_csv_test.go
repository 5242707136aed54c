package reach_test

import (
	"encoding/csv"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// csvRows writes mx as CSV and reads it back with encoding/csv.
func csvRows(t *testing.T, mx *reach.Matrix) [][]string {
	t.Helper()
	var sb strings.Builder
	require.NoError(t, mx.CSV(&sb))
	rows, err := csv.NewReader(strings.NewReader(sb.String())).ReadAll()
	require.NoError(t, err, sb.String())
	return rows
}

// The members of a class in the CSV split at ";" into exactly the class's
// members, whatever ";" their names and IDs hold (audit matrix21 finding
// 3: a Name tag "web; db-1 (eni-db1)" read as two members, one forged).
func TestMatrixCSVMemberSeparator(t *testing.T) {
	a := netip.MustParseAddr
	for _, tt := range []struct {
		name    string
		members []reach.ClassMember
		want    string
	}{
		{name: "a Name tag that forges a member",
			members: []reach.ClassMember{{ID: "eni-a1", Name: "web; db-1 (eni-db1)", Address: a("10.0.1.10")}, {ID: "eni-a2", Name: "app", Address: a("10.0.1.11")}},
			want:    `web\x3b db-1 (eni-db1) (eni-a1); app (eni-a2)`},
		{name: "a bare semicolon in a name",
			members: []reach.ClassMember{{ID: "eni-a1", Name: "a;b", Address: a("10.0.1.10")}, {ID: "eni-a2", Address: a("10.0.1.11")}},
			want:    `a\x3bb (eni-a1); eni-a2`},
		{name: "a semicolon in an ID",
			members: []reach.ClassMember{{ID: "eni-a1; eni-x", Address: a("10.0.1.10")}, {ID: "eni-a2", Address: a("10.0.1.11")}},
			want:    `eni-a1\x3b eni-x; eni-a2`},
		{name: "a formula after the escape",
			members: []reach.ClassMember{{ID: "eni-a1", Name: "=1;2", Address: a("10.0.1.10")}, {ID: "eni-a2", Address: a("10.0.1.11")}},
			want:    `'=1\x3b2 (eni-a1); eni-a2`},
		{name: "no semicolon: unchanged",
			members: []reach.ClassMember{{ID: "eni-a1", Name: "web-1", Address: a("10.0.1.10")}, {ID: "eni-a2", Address: a("10.0.1.11")}},
			want:    `web-1 (eni-a1); eni-a2`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mx := &reach.Matrix{
				Classes: []reach.Class{{Name: "C1", Members: tt.members}},
				Cells:   []reach.Cell{{From: "C1", To: "C1", Allowed: reach.Traffic{TCP: flow.SetOf(flow.Single[uint16](22))}}},
			}
			rows := csvRows(t, mx)
			require.Len(t, rows, 2)
			assert.Equal(t, tt.want, rows[1][7])
			assert.Equal(t, tt.want, rows[1][8])
			assert.Len(t, strings.Split(rows[1][7], ";"), len(tt.members), "from_members %q", rows[1][7])
		})
	}
}

// The CSV carries the matrix's notes in its last column, on every row, or
// on a row of its own when no pair carries anything (audit matrix21
// finding 4: --csv dropped the delegated-prefix and NAT64 notes).
func TestMatrixCSVNotes(t *testing.T) {
	a := netip.MustParseAddr
	one := []reach.Class{{Name: "C1", Members: []reach.ClassMember{{ID: "eni-a1", Address: a("10.0.1.10")}, {ID: "eni-a2", Address: a("10.0.1.11")}}}}
	tcp22 := reach.Traffic{TCP: flow.SetOf(flow.Single[uint16](22))}
	header := []string{"from", "to", "tcp", "udp", "icmp", "other", "indeterminate", "from_members", "to_members", "notes"}
	for _, tt := range []struct {
		name string
		mx   *reach.Matrix
		want [][]string
	}{
		{name: "no note: an empty column",
			mx:   &reach.Matrix{Classes: one, Cells: []reach.Cell{{From: "C1", To: "C1", Allowed: tcp22}}},
			want: [][]string{header, {"C1", "C1", "22", "none", "none", "none", "none", "eni-a1; eni-a2", "eni-a1; eni-a2", ""}}},
		{name: "two notes, one a line, on every row",
			mx: &reach.Matrix{Classes: append(one, reach.Class{Name: reach.InternetNode, Members: []reach.ClassMember{}}),
				Cells: []reach.Cell{{From: "C1", To: "C1", Allowed: tcp22}, {From: reach.InternetNode, To: "C1", Allowed: tcp22}},
				Notes: []string{"note one; with a semicolon", "note\ntwo"}},
			want: [][]string{header,
				{"C1", "C1", "22", "none", "none", "none", "none", "eni-a1; eni-a2", "eni-a1; eni-a2", "note one; with a semicolon\nnote\\ntwo"},
				{"internet", "C1", "22", "none", "none", "none", "none", "", "eni-a1; eni-a2", "note one; with a semicolon\nnote\\ntwo"}}},
		{name: "no cell: a row of its own",
			mx:   &reach.Matrix{Classes: one, Notes: []string{"=a note"}},
			want: [][]string{header, {"", "", "none", "none", "none", "none", "none", "", "", "'=a note"}}},
		{name: "no cell, no note: the header alone",
			mx:   &reach.Matrix{Classes: one},
			want: [][]string{header}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, csvRows(t, tt.mx))
		})
	}
}

// A model's own notes reach the CSV: the delegated-prefix note of a
// design that delegates a prefix to an interface.
func TestMatrixCSVKeepsModelNotes(t *testing.T) {
	m, err := opACLDesign([]string{"100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"}, "10.0.1.10", "10.0.2.10", "10.0.2.11").
		AddInterface(reach.Interface{ID: "eni-pods", Subnet: "subnet-b", Groups: []string{"sg-open"}, PrivateIPs: opAddrs("10.0.2.12"),
			DelegatedPrefixes: opPrefixes("10.0.2.32/28")}).
		Build()
	require.NoError(t, err)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	require.Len(t, mx.Notes, 1)
	require.Contains(t, mx.Notes[0], "delegated to eni-pods")
	rows := csvRows(t, mx)
	require.Greater(t, len(rows), 1)
	for _, r := range rows[1:] {
		assert.Equal(t, mx.Notes[0], r[9], "row %v", r)
	}
}
