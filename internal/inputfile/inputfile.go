// Package inputfile reads the files a loader is given, safely: only
// regular files (a named pipe would wait for a writer forever, a device
// such as /dev/zero would never end), of at most a given size even when
// the file grows while it is read, from the operating system's files or
// an fs.FS. Errors are *flow.InputError naming the file.
//
// A path is checked twice: stat'ed, then opened and its open file
// checked again, since the path may change in between. The operating
// system's files are opened without waiting (O_NONBLOCK on unix), so a
// path that became a named pipe after its stat is refused, not waited on
// in open(2); an fs.FS opens its files as it does.
//
// Some files are regular by stat and still never end, or wait in a read:
// the kernel's interfaces (/proc/kmsg waits for kernel messages, tracefs's
// trace_pipe for events). Two guards keep them from hanging a load. On
// linux, a file on one of the kernel's pseudo file systems (procfs, sysfs,
// tracefs, debugfs, securityfs, configfs, cgroupfs, bpffs, efivarfs,
// pstorefs, told by the open file's fstatfs magic) is refused before any
// read: no input lives there. And wherever the system can wait on a file
// with a deadline (a file it can poll: never one on a disk), each read
// that waits more than [Limits.Wait] (10 s unless set) is an error, as is
// a read that would wait on a file opened non-blocking (EAGAIN).
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	slashpath "path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/reachsim/reachsim/flow"
)

// Source is a file system to read input from.
type Source interface {
	Stat(name string) (fs.FileInfo, error) // follows symbolic links
	IsLink(name string) bool               // whether name itself is a symbolic link
	ReadDir(name string) ([]fs.DirEntry, error)
	Open(name string) (fs.File, error)
	Join(dir, name string) string
	Clean(name string) string
}

// OS is the operating system's files.
type OS struct{}

// Stat implements [Source].
func (OS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// IsLink implements [Source].
func (OS) IsLink(name string) bool {
	info, err := os.Lstat(name)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

// ReadDir implements [Source].
func (OS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// Open implements [Source]. It never waits: on unix it opens with
// O_NONBLOCK, so that a path that became a named pipe after its Stat
// opens at once and the check of the open file refuses it (a plain open
// of a named pipe waits for a writer).
func (OS) Open(name string) (fs.File, error) {
	f, err := openFile(name)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil fs.File
	}
	return f, nil
}

// Join implements [Source].
func (OS) Join(dir, name string) string { return filepath.Join(dir, name) }

// Clean implements [Source].
func (OS) Clean(name string) string { return filepath.Clean(name) }

// FS is an fs.FS: slash-separated paths relative to its root.
type FS struct{ FS fs.FS }

// Stat implements [Source].
func (s FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(s.FS, name) }

// IsLink implements [Source].
func (s FS) IsLink(name string) bool {
	info, err := fs.Lstat(s.FS, name)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

// ReadDir implements [Source].
func (s FS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.FS, name) }

// Open implements [Source].
func (s FS) Open(name string) (fs.File, error) { return s.FS.Open(name) }

// Join implements [Source].
func (FS) Join(dir, name string) string { return slashpath.Join(dir, name) }

// Clean implements [Source].
func (FS) Clean(name string) string { return slashpath.Clean(name) }

// NotRegular returns the error for name, which is no regular file (after
// following symbolic links) but what mode says, wrapping sentinel.
func NotRegular(src Source, name string, mode fs.FileMode, sentinel error) error {
	what := "not a regular file"
	switch {
	case mode.IsDir():
		what = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeCharDevice != 0:
		what = "a character device"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	case mode&fs.ModeIrregular != 0:
		what = "an irregular file"
	}
	if src.IsLink(name) {
		what = "a symbolic link to " + what
	}
	return &flow.InputError{File: name, Err: fmt.Errorf("%w: %s, not a regular file: only regular files are read", sentinel, what)}
}

// Limits says how [ReadLimited] reads and what its errors say.
type Limits struct {
	Max int64 // the largest size read, in bytes
	// Invalid is wrapped by the error for a file that is not regular;
	// TooLarge by the error for one larger than Max
	Invalid, TooLarge error
	// Raise says how a user raises Max ("--max-file-size, or
	// aws.Options.MaxFileSize"), for the error of a file too large
	Raise string
	// Wait is how long one read may wait for data on a file the system
	// can wait on with a deadline (a pollable one, never a file on a
	// disk); 0 is [DefaultWait]. A read that waits longer is an error
	// wrapping Invalid.
	Wait time.Duration
}

// DefaultWait is how long one read may wait when [Limits.Wait] is 0.
const DefaultWait = 10 * time.Second

// readDeadliner is a file whose reads can wait with a deadline: an
// *os.File the runtime polls.
type readDeadliner interface {
	SetReadDeadline(t time.Time) error
}

// ReadLimited reads the regular file name, of at most lim.Max bytes. It
// opens it without waiting and checks the open file again (the path may
// have changed since the stat), refuses a file of the kernel's pseudo
// file systems (linux), gives each read that can wait a deadline
// (lim.Wait) and reads at most one byte past the limit whatever the file
// holds: see the package doc.
func ReadLimited(src Source, name string, lim Limits) ([]byte, error) {
	info, err := src.Stat(name)
	if err != nil {
		return nil, &flow.InputError{File: name, Err: err}
	}
	if !info.Mode().IsRegular() {
		return nil, NotRegular(src, name, info.Mode(), lim.Invalid)
	}
	tooLarge := func(what string) error {
		return &flow.InputError{File: name, Err: fmt.Errorf("%w: %s, more than the limit of %s (raise it with %s)", lim.TooLarge, what, FormatSize(lim.Max), lim.Raise)}
	}
	if info.Size() > lim.Max {
		return nil, tooLarge("the file is " + FormatSize(info.Size()))
	}
	f, err := src.Open(name)
	if err != nil {
		return nil, &flow.InputError{File: name, Err: err}
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && !info.Mode().IsRegular() {
		return nil, NotRegular(src, name, info.Mode(), lim.Invalid)
	}
	streams := func(what string) error {
		if src.IsLink(name) {
			what = "a symbolic link to " + what
		}
		return &flow.InputError{File: name, Err: fmt.Errorf("%w: %s: only regular files that end are read", lim.Invalid, what)}
	}
	if kind := pseudoFile(f); kind != "" {
		return nil, streams("a file of the kernel's " + kind + ", whose reads may wait or never end")
	}
	wait := lim.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	dl, _ := f.(readDeadliner)
	r := io.LimitReader(f, lim.Max+b2i64(lim.Max < math.MaxInt64)) // one byte more tells a larger file, short of overflow
	// room for the size the file system reports, within the limit and
	// maxPrealloc (a larger file grows the buffer as it is read), and the
	// one byte more; a size below zero (a faulty fs.FS) is none
	data := make([]byte, 0, max(min(info.Size(), lim.Max, maxPrealloc), 0)+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grow
		}
		if dl != nil && dl.SetReadDeadline(time.Now().Add(wait)) != nil {
			dl = nil // a file the system cannot poll: one on a disk
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		switch {
		case err == io.EOF:
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, streams("a file whose read waited more than " + wait.String())
		case wouldBlock(err):
			return nil, streams("a file whose read would wait")
		case err != nil:
			return nil, &flow.InputError{File: name, Err: err}
		default:
			continue
		}
		break
	}
	if int64(len(data)) > lim.Max {
		return nil, tooLarge("the file holds more than it said when it was opened")
	}
	return data, nil
}

// FormatSize writes a size in bytes as the largest binary unit that
// divides it ("512 MiB", "1 GiB"), or in bytes, with the size in the
// largest unit it reaches, rounded down, when that is KiB or more ("5284
// bytes (5.1 KiB)").
func FormatSize(n int64) string {
	units := []struct {
		name  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}}
	for _, u := range units {
		if n > 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + " " + u.name
		}
	}
	s := strconv.FormatInt(n, 10) + " bytes"
	if n == 1 {
		s = "1 byte"
	}
	for _, u := range units {
		if n >= 1<<u.shift {
			tenths := n>>u.shift*10 + (n%(1<<u.shift)*10)>>u.shift
			return fmt.Sprintf("%s (%d.%d %s)", s, tenths/10, tenths%10, u.name)
		}
	}
	return s
}

// maxPrealloc is the most ReadLimited sets aside before reading, whatever
// size the file system reports: a faulty or hostile fs.FS that reports a
// huge size for a short file costs no more.
const maxPrealloc = 1 << 30

// b2i64 is 1 for true, 0 for false.
func b2i64(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
