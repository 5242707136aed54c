package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// --vpc chooses VPCs of an --aws dump: the sample holds vpc-demo only.
func TestVPCFlag(t *testing.T) {
	dump := filepath.Join("..", "..", "sample", "aws")
	q := []string{"--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of it
	}{
		{"the sample's VPC", []string{"--aws", dump, "--vpc", "vpc-demo"}, 0, ""},
		{"repeated and listed", []string{"--aws", dump, "--vpc", "vpc-demo,vpc-demo", "--vpc", " vpc-demo"}, 0, ""},
		{"a VPC the dump does not hold", []string{"--aws", dump, "--vpc", "vpc-demo,vpc-other"}, 2, `reachsim check: --vpc: "vpc-other" is not in the input (it holds vpc-demo)` + "\n"},
		{"an empty ID", []string{"--aws", dump, "--vpc", "vpc-demo,"}, 2, `empty ID in "vpc-demo,"`},
		{"a control character", []string{"--aws", dump, "--vpc", "vpc-\x1b[2J"}, 2, `control character in ID "vpc-\x1b[2J"`},
		{"no dump", []string{"--vpc", "vpc-demo"}, 2, "--vpc chooses VPCs of an --aws dump: give one"},
		{"the embedded sample", []string{"--demo", "--vpc", "vpc-demo"}, 2, "--vpc chooses VPCs of an --aws dump"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(append(append([]string{"check"}, tt.args...), q...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.stderr)
			assert.NotContains(t, stderr, "invalid AWS CLI output", "a wrong flag is no bad dump")
			assert.NotContains(t, stderr, "Options.VPCs", "the CLI names its flag")
			if tt.code == 0 {
				assert.Contains(t, stdout, "REACHABLE")
			}
		})
	}
}
