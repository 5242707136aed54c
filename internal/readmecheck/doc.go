// Package readmecheck holds a test that keeps README.md honest: every Go
// program in it (a fenced go block that starts with "package main") must
// compile and pass go vet.
package readmecheck
