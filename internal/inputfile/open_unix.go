//go:build unix

package inputfile

import (
	"errors"
	"os"
	"syscall"
)

// openFile opens name to read, without waiting: O_NONBLOCK makes the open
// of a named pipe return at once (a plain open waits for a writer) so the
// check of the open file can refuse it. Reads of a regular file on a disk
// ignore the flag.
func openFile(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// wouldBlock reports whether err says a read of a file opened with
// O_NONBLOCK would have waited: the file streams, it does not end.
func wouldBlock(err error) bool { return errors.Is(err, syscall.EAGAIN) }
