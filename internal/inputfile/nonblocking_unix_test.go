//go:build unix

package inputfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/inputfile"
)

// staleStat is the operating system's files, but its Stat answers for the
// path as it was a moment ago: a regular file. It stands for the race
// ReadLimited guards against: the path is replaced by a named pipe
// between the Stat and the Open.
type staleStat struct {
	inputfile.OS
	was fs.FileInfo
}

func (s staleStat) Stat(string) (fs.FileInfo, error) { return s.was, nil }

// A path that is, or has become since its stat, a named pipe is refused
// as not regular, at once: the open does not wait for a writer (O_NONBLOCK)
// and the open file is checked again.
func TestReadLimitedNeverWaitsOnANamedPipe(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular.json")
	require.NoError(t, os.WriteFile(regular, []byte("{}"), 0o644))
	was, err := os.Stat(regular)
	require.NoError(t, err)
	fifo := filepath.Join(dir, "vpcs.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	invalid, tooLarge := errors.New("invalid"), errors.New("too large")
	lim := inputfile.Limits{Max: 1 << 20, Invalid: invalid, TooLarge: tooLarge, Raise: "--max-file-size"}

	for _, tc := range []struct {
		name string
		src  inputfile.Source
	}{
		{"a named pipe", inputfile.OS{}},
		{"swapped for a named pipe after its stat", staleStat{was: was}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := inputfile.ReadLimited(tc.src, fifo, lim)
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, invalid)
				assert.ErrorContains(t, err, "vpcs.json: invalid: a named pipe (FIFO), not a regular file")
			case <-time.After(5 * time.Second):
				// unblock the open so that the goroutine ends
				if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				t.Fatal("ReadLimited still waits after 5 s on a path that is a named pipe")
			}
		})
	}
}

// eagainFile is a regular file by stat, opened non-blocking, whose read
// would wait: the read fails with EAGAIN at once.
type eagainFile struct{ fs.File }

func (eagainFile) Read([]byte) (int, error) { return 0, syscall.EAGAIN }

// A read of a file opened non-blocking that would wait (EAGAIN: a file
// the system cannot poll, streaming) is refused as a file that does not
// end, naming it.
func TestReadLimitedRefusesAReadThatWouldWait(t *testing.T) {
	invalid := errors.New("invalid")
	src := inputfile.FS{FS: openAs{fstest.MapFS{"trace.json": {}}, func(f fs.File) fs.File { return eagainFile{f} }}}
	_, err := inputfile.ReadLimited(src, "trace.json", inputfile.Limits{Max: 1 << 20, Invalid: invalid, TooLarge: errors.New("too large"), Raise: "--max"})
	require.ErrorIs(t, err, invalid)
	assert.ErrorContains(t, err, "trace.json: invalid: a file whose read would wait: only regular files that end are read")
}
