package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Progress on stderr for work that takes a while (loading a large dump):
// shown only when stderr is a terminal, so never in a file, a pipe or a
// test, and never on stdout, so --json output stays clean; and only once
// the work has run for progressDelay, so that quick runs print nothing.

// progressDelay is how long work runs before its progress is shown.
var progressDelay = time.Second

// progressEvery is how often the shown line is refreshed.
const progressEvery = 250 * time.Millisecond

// isTerminal reports whether w is a terminal (a character device), as a
// progress line needs; stderr in tests and in redirected runs is not.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progress is a line on stderr saying what runs, how far it has got and
// for how long ("reachsim: loading the AWS dump: 3/9 files, 2.1 s"),
// redrawn in place and cleared when the work ends. A nil *progress does
// nothing, so callers need not check.
type progress struct {
	w     io.Writer
	what  string
	start time.Time

	mu          sync.Mutex
	done, total int
	shown       bool
	stopped     bool
	stop        chan struct{}
	finished    chan struct{}
}

// startProgress starts a progress line for what on stderr, or returns nil
// when stderr is not a terminal.
func startProgress(stderr io.Writer, what string) *progress {
	if !isTerminal(stderr) {
		return nil
	}
	p := &progress{w: stderr, what: what, start: time.Now(), stop: make(chan struct{}), finished: make(chan struct{})}
	go p.run()
	return p
}

func (p *progress) run() {
	defer close(p.finished)
	select {
	case <-p.stop:
		return
	case <-time.After(progressDelay):
	}
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	line := fmt.Sprintf("reachsim: %s", p.what)
	if p.total > 0 {
		line += fmt.Sprintf(": %d/%d files", p.done, p.total)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s, %.1f s", line, time.Since(p.start).Seconds())
	p.shown = true
}

// set records how far the work has got: done of total files. Its
// signature is that of aws.Options.Progress.
func (p *progress) set(done, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.done, p.total = done, total
	p.mu.Unlock()
}

// end stops the line and clears it if it was shown.
func (p *progress) end() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.finished
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
