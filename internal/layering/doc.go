// Package layering holds no code, only a test: the import graph of
// reachsim runs one way, from the vocabulary up to the programs.
//
//	flow → sg | nacl | firewall/… → reach → aws | alibaba | reach/reachtest | sample → cmd/reachsim, examples/
//
// with internal/ serving every floor. The test reads the imports of every
// non-test Go file and fails on an arrow that runs up or sideways.
package layering
