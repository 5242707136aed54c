package main

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/sample"
)

// TestInputSize: the size the load's memory bound is twice of counts the
// files the load reads, as aws.Load chooses them, and nothing else.
func TestInputSize(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, make([]byte, n), 0o644))
		return p
	}
	write("dump/a.json", 100)
	write("dump/B.JSON", 20)
	write("dump/notes.txt", 1000)
	write("dump/sub/c.json", 5000)
	one := write("one.json", 7)
	tests := []struct {
		name  string
		paths []string
		want  int64
	}{
		{"a directory's *.json entries, not its subdirectories", []string{filepath.Join(dir, "dump")}, 120},
		{"a file named", []string{one}, 7},
		{"both", []string{filepath.Join(dir, "dump"), one}, 127},
		{"what cannot be read counts nothing", []string{filepath.Join(dir, "missing"), one}, 7},
		{"nothing", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, inputSize(tt.paths))
		})
	}
}

// TestLoadRestoresMemoryLimit: a command that loads an AWS dump leaves
// the process's soft memory limit as it found it (none, or the user's).
func TestLoadRestoresMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, mustSub(t, sample.AWSDump, "aws")))
	for _, limit := range []int64{math.MaxInt64, 1 << 40} {
		debug.SetMemoryLimit(limit)
		code, _, stderr := runArgs("check", "--aws", dir, "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "8080")
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, limit, debug.SetMemoryLimit(-1))
	}
}

func mustSub(t *testing.T, fsys fs.FS, dir string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(fsys, dir)
	require.NoError(t, err)
	return sub
}
