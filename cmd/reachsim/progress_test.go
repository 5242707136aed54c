package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the progress goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestIsTerminal(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "err.txt"))
	require.NoError(t, err)
	defer file.Close()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]io.Writer{"a buffer": &bytes.Buffer{}, "a regular file": file, "a pipe": w} {
		t.Run(name+" is no terminal", func(t *testing.T) {
			assert.False(t, isTerminal(out))
		})
	}
}

// setProgress makes progress show at once, on stderr taken as a terminal
// when terminal is true, for one test.
func setProgress(t *testing.T, terminal bool) {
	delay, is := progressDelay, isTerminal
	t.Cleanup(func() { progressDelay, isTerminal = delay, is })
	progressDelay = 0
	if terminal {
		isTerminal = func(w io.Writer) bool { _, ok := w.(*lockedBuffer); return ok }
	}
}

// No progress when stderr is not a terminal: a check on a dump, however
// slow, writes nothing of the kind to stderr or stdout, --json or not.
func TestNoProgressWhenNotATerminal(t *testing.T) {
	setProgress(t, false)
	dir := copyDump(t)
	for _, extra := range [][]string{nil, {"--json"}} {
		args := append([]string{"check", "--aws", dir, "--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443"}, extra...)
		code, stdout, stderr := runArgs(args...)
		assert.Equal(t, 0, code, stderr)
		for _, out := range []string{stdout, stderr} {
			assert.NotContains(t, out, "loading")
			assert.NotContains(t, out, "\r")
		}
	}
	assert.Nil(t, startProgress(&bytes.Buffer{}, "loading"), "no progress line for a buffer")
}

// On a terminal the line goes to stderr only, says how far the load has
// got, and is cleared at the end.
func TestProgressOnATerminal(t *testing.T) {
	setProgress(t, true)
	var stderr lockedBuffer
	p := startProgress(&stderr, "loading the AWS dump")
	require.NotNil(t, p)
	p.set(3, 9)
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "3/9 files") }, 5*time.Second, time.Millisecond)
	p.end()
	out := stderr.String()
	assert.Contains(t, out, "\r\x1b[Kreachsim: loading the AWS dump: 3/9 files, ")
	assert.True(t, strings.HasSuffix(out, "\r\x1b[K"), "the line is cleared: %q", out)
	var nilProgress *progress
	assert.NotPanics(t, func() { nilProgress.set(1, 2); nilProgress.end() })

	// A run whose stderr is a terminal shows no line on stdout.
	dir := copyDump(t)
	var stdout lockedBuffer
	stderr = lockedBuffer{}
	code := run([]string{"check", "--json", "--aws", dir, "--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443"}, &stdout, &stderr)
	assert.Equal(t, 0, code, stderr.String())
	assert.NotContains(t, stdout.String(), "\r")
	assert.True(t, strings.HasPrefix(stdout.String(), "{"), stdout.String())
}
