//go:build unix

package aws_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// TestLoadNeverWaitsOnAFIFONorReadsADevice: a named pipe would block the
// read forever, /dev/zero would never end; both are errors naming the path
// and what it is, whether found in a directory or named.
func TestLoadNeverWaitsOnAFIFONorReadsADevice(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	fifo := filepath.Join(dir, "x.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	zero := filepath.Join(dir, "zero.json")
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	require.NoError(t, os.Symlink("/dev/zero", zero))

	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"found in a directory", []string{dir}, []string{
			fifo + ": invalid AWS CLI output: a named pipe (FIFO), not a regular file: only regular files are read",
			zero + ": invalid AWS CLI output: a symbolic link to a character device, not a regular file: only regular files are read",
		}},
		{"a FIFO named", []string{fifo}, []string{
			fifo + ": invalid AWS CLI output: a named pipe (FIFO), not a regular file: only regular files are read",
		}},
		{"a symbolic link to /dev/zero named", []string{zero}, []string{
			zero + ": invalid AWS CLI output: a symbolic link to a character device, not a regular file: only regular files are read",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := aws.LoadWith(aws.Options{MaxFileSize: 1 << 20}, tt.paths...)
			require.ErrorIs(t, err, aws.ErrInvalidDump)
			faults := loadFaults(t, err)
			require.Len(t, faults, len(tt.want), "%v", err)
			for i, f := range faults {
				assert.Equal(t, tt.want[i], f.Error())
			}
		})
	}
}

// TestLoadReadsASymlinkToARegularFile: a symbolic link is followed to a
// regular file.
func TestLoadReadsASymlinkToARegularFile(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	writeSample(t, other)
	entries, err := os.ReadDir(other)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.Symlink(filepath.Join(other, e.Name()), filepath.Join(dir, e.Name())))
	}
	m, rep, err := aws.Load(dir)
	require.NoError(t, err)
	assert.NotNil(t, m)
	assert.Len(t, rep.Files, len(entries))
}
