package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fullWriter is standard output on a full disk, or a closed pipe whose
// SIGPIPE is ignored.
type fullWriter struct{}

func (fullWriter) Write(p []byte) (int, error) { return 0, os.ErrClosed }

// TestWriteErrorIsReported: an answer that cannot be written is no
// answer: exit status 2, and the error on stderr, whatever the command
// and its output form.
func TestWriteErrorIsReported(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--demo", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"},
		{"check", "--demo", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443", "--json"},
		{"lint", "--demo"},
		{"audit", "--demo"},
		{"audit", "--demo", "--json"},
		{"matrix", "--demo"},
		{"ports", "--demo", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp"},
		{"--version"},
	} {
		var e strings.Builder
		code := run(args, fullWriter{}, &e)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Contains(t, e.String(), "file already closed", "%v", args)
		assert.Equal(t, 1, strings.Count(e.String(), "file already closed"), "%v: reported once: %q", args, e.String())
	}
}
