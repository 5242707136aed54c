package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runWithin runs the command in-process and reports done false when it
// has not returned within d (the goroutine is left blocked: the test
// binary still exits).
func runWithin(d time.Duration, args ...string) (code int, stdout, stderr string, done bool) {
	type res struct {
		code int
		o, e string
	}
	ch := make(chan res, 1)
	go func() {
		c, o, e := runArgs(args...)
		ch <- res{c, o, e}
	}()
	select {
	case r := <-ch:
		return r.code, r.o, r.e, true
	case <-time.After(d):
		return 0, "", "", false
	}
}

// A *.json entry of an --aws directory that links to a regular file of
// the kernel's (procfs: /proc/kmsg, whose read waits for kernel messages;
// /proc/self/status, which any user can open) is refused naming it, exit
// 2, never read (aws/doc.go, "How the input is read": never a read that
// waits or never ends). /proc/kmsg needs root or CAP_SYSLOG and is skipped
// without; nothing is read from it, so no kernel message is consumed.
func TestAWSRefusesAKernelFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the kernel's pseudo file systems are told apart on linux")
	}
	for _, target := range []string{"/proc/kmsg", "/proc/self/status"} {
		t.Run(target, func(t *testing.T) {
			f, err := os.Open(target)
			if err != nil {
				t.Skip(target, " cannot be opened here: ", err)
			}
			f.Close()
			dir := copyDump(t)
			require.NoError(t, os.Symlink(target, filepath.Join(dir, "kernel.json")))
			code, stdout, stderr, done := runWithin(10*time.Second,
				"check", "--aws", dir, "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432")
			require.True(t, done, "reachsim check --aws DIR still waits after 10 s on kernel.json -> %s", target)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "kernel.json: invalid AWS CLI output: a symbolic link to a file of the kernel's procfs, whose reads may wait or never end")
		})
	}
}
