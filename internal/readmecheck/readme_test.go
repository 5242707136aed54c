package readmecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// programs returns the Go programs fenced in the markdown text.
func programs(md string) []string {
	var out []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		var b strings.Builder
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.WriteString(lines[i])
			b.WriteByte('\n')
		}
		if strings.HasPrefix(b.String(), "package main") {
			out = append(out, b.String())
		}
	}
	return out
}

func TestReadmeProgramsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	md, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	progs := programs(string(md))
	require.GreaterOrEqual(t, len(progs), 2, "README.md shows at least the security group and the reach programs")
	for i, p := range progs {
		// Directories starting with "_" are inside the module (so the
		// programs import reachsim) but outside ./... patterns.
		dir, err := os.MkdirTemp(".", "_readme")
		require.NoError(t, err)
		t.Cleanup(func() { os.RemoveAll(dir) })
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(p), 0o644))
		out, err := exec.Command("go", "vet", "./"+dir).CombinedOutput()
		require.NoError(t, err, "README program %d does not compile:\n%s\n%s", i+1, out, p)
	}
}
