package inputfile_test

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/inputfile"
)

// waitingFile is a regular file by stat whose reads wait for data that
// never comes, as /proc/kmsg's do, on a file the system can poll: each
// read waits until the deadline last set, then fails as an *os.File's
// does.
type waitingFile struct {
	fs.File
	mu       sync.Mutex
	deadline time.Time
}

func (f *waitingFile) SetReadDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deadline = t
	return nil
}

func (f *waitingFile) Read([]byte) (int, error) {
	f.mu.Lock()
	d := f.deadline
	f.mu.Unlock()
	if d.IsZero() {
		select {} // no deadline: waits forever
	}
	time.Sleep(time.Until(d))
	return 0, os.ErrDeadlineExceeded
}

// openAs is an fs.FS whose files open as open makes them.
type openAs struct {
	fstest.MapFS
	open func(fs.File) fs.File
}

func (o openAs) Open(name string) (fs.File, error) {
	f, err := o.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return o.open(f), nil
}

// A regular file whose read waits (a kernel interface: /proc/kmsg,
// tracefs's trace_pipe) is an error naming it, never a hang: on linux a
// file of the kernel's pseudo file systems is refused before any read,
// and wherever the system can poll a file, a read that waits more than
// Limits.Wait is an error.
func TestReadLimitedNeverWaitsOnAFileThatStreams(t *testing.T) {
	invalid := errors.New("invalid")
	lim := inputfile.Limits{Max: 1 << 20, Invalid: invalid, TooLarge: errors.New("too large"), Raise: "--max", Wait: 50 * time.Millisecond}
	type tc struct {
		name, path string
		src        inputfile.Source
		want       string
	}
	cases := []tc{{
		name: "a read that waits past the deadline",
		path: "kmsg.json",
		src: inputfile.FS{FS: openAs{fstest.MapFS{"kmsg.json": {}},
			func(f fs.File) fs.File { return &waitingFile{File: f} }}},
		want: "kmsg.json: invalid: a file whose read waited more than 50ms: only regular files that end are read",
	}}
	if runtime.GOOS == "linux" {
		cases = append(cases,
			tc{name: "a file of procfs", path: "/proc/self/status", src: inputfile.OS{},
				want: "/proc/self/status: invalid: a file of the kernel's procfs, whose reads may wait or never end"},
			tc{name: "a file of sysfs", path: "/sys/kernel/mm/transparent_hugepage/enabled", src: inputfile.OS{},
				want: "a file of the kernel's sysfs"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.src.Stat(tc.path); err != nil {
				t.Skip(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := inputfile.ReadLimited(tc.src, tc.path, lim)
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, invalid)
				assert.ErrorContains(t, err, tc.want)
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadLimited still waits after 5 s on %s", tc.path)
			}
		})
	}
}
