// Package readmecheck holds the tests that keep README.md honest: every
// Go program in it (a fenced go block that starts with "package main")
// compiles and passes go vet, every test file in it passes go test, no
// block imports an internal package, and every output it shows (a text
// block marked "<!-- output: go run PKG ARGS -->" or "<!-- output: the
// program above -->") is what that command prints, whole or as an excerpt
// with "..." lines for what it leaves out.
package readmecheck
