//go:build !linux

package inputfile

import "io/fs"

// pseudoFile returns "": outside linux, the kernel's pseudo file systems
// are not told apart, and the read's deadline alone guards against a file
// whose read waits.
func pseudoFile(fs.File) string { return "" }
