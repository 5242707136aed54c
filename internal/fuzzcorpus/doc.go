// Package fuzzcorpus holds no code, only a test: every fuzz target of
// reachsim (a func FuzzXxx in a _test.go file) keeps a seed corpus in its
// package's testdata/fuzz/FuzzXxx directory, in Go's corpus file format,
// so that go test runs the seeds and go test -fuzz starts from realistic
// inputs.
package fuzzcorpus
