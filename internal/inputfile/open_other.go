//go:build !unix

package inputfile

import "os"

// openFile opens name to read. Outside unix no open waits for a writer
// (Windows has no named pipe in the file system's directories).
func openFile(name string) (*os.File, error) { return os.Open(name) }

// wouldBlock reports false: outside unix no file is opened non-blocking.
func wouldBlock(error) bool { return false }
