package readmecheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// block is a fenced block of the README.
type block struct {
	lang   string // what follows the opening fence: go, text, sh
	text   string
	line   int    // the line of the opening fence, from 1
	output string // the command an "<!-- output: … -->" line just above names
}

// outputMarker marks a text block as what a command prints.
var outputMarker = regexp.MustCompile(`^<!-- output: (.+) -->$`)

// blocks returns the fenced blocks of the markdown text.
func blocks(md string) []block {
	var out []block
	lines := strings.Split(md, "\n")
	marker := ""
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if m := outputMarker.FindStringSubmatch(l); m != nil {
			marker = m[1]
			continue
		}
		if !strings.HasPrefix(l, "```") {
			if l != "" {
				marker = ""
			}
			continue
		}
		b := block{lang: strings.TrimPrefix(l, "```"), line: i + 1, output: marker}
		marker = ""
		var sb strings.Builder
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			sb.WriteString(lines[i])
			sb.WriteByte('\n')
		}
		b.text = sb.String()
		out = append(out, b)
	}
	return out
}

func readme(t *testing.T) []block {
	t.Helper()
	md, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	return blocks(string(md))
}

// isProgram and isTest tell the Go blocks that are whole files.
func isProgram(b block) bool { return b.lang == "go" && strings.HasPrefix(b.text, "package main\n") }

func isTest(b block) bool {
	return b.lang == "go" && strings.HasPrefix(b.text, "package ") && strings.Contains(b.text, "func Test")
}

// goCommand runs the go command in the module's root.
func goCommand(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	return out
}

// writeDir writes a file into a new directory of the module whose name
// starts with "_": inside the module (so it imports reachsim) but outside
// ./... patterns. It returns the directory relative to the module root.
func writeDir(t *testing.T, name, text string) string {
	t.Helper()
	dir, err := os.MkdirTemp("../..", "_readme")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	return "./" + filepath.Base(dir)
}

// Every Go program in the README compiles and passes go vet; every test
// file in it passes go test. None imports an internal package, so each can
// be copied into a user's own module.
func TestReadmeGoBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	var progs, tests int
	for _, b := range readme(t) {
		if b.lang != "go" {
			continue
		}
		assert.NotContains(t, b.text, "reachsim/internal/", "README line %d: a user cannot import internal packages", b.line)
		switch {
		case isProgram(b):
			progs++
			goCommand(t, "vet", writeDir(t, "main.go", b.text))
		case isTest(b):
			tests++
			goCommand(t, "test", "-count=1", writeDir(t, "design_test.go", b.text))
		}
	}
	assert.GreaterOrEqual(t, progs, 2, "README.md shows at least the security group and the reach programs")
	assert.GreaterOrEqual(t, tests, 1, "README.md shows a reachtest test file")
}

// Every output the README shows, marked "<!-- output: COMMAND -->" on the
// line above its text block, is what COMMAND prints: "go run PKG ARGS…"
// (run from the module's root) or "the program above" (the Go program of
// the block before). A block with "..." lines is an excerpt: the parts
// between them appear in the output in that order, each on consecutive
// lines; a block without is the whole output.
func TestReadmeOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	bins := t.TempDir()
	built := map[string]string{}
	build := func(pkg string) string {
		if bin, ok := built[pkg]; ok {
			return bin
		}
		bin := filepath.Join(bins, fmt.Sprintf("bin%d", len(built)))
		goCommand(t, "build", "-o", bin, pkg)
		built[pkg] = bin
		return bin
	}
	bs := readme(t)
	checked := 0
	for i, b := range bs {
		if b.output == "" {
			continue
		}
		checked++
		var bin string
		var args []string
		switch words := strings.Fields(b.output); {
		case b.output == "the program above":
			require.True(t, i > 0 && isProgram(bs[i-1]), "README line %d: no program above the output", b.line)
			bin = build(writeDir(t, "main.go", bs[i-1].text))
		case len(words) >= 3 && words[0] == "go" && words[1] == "run":
			bin, args = build(words[2]), words[3:]
		default:
			t.Fatalf("README line %d: output of %q: want \"go run PKG ARGS\" or \"the program above\"", b.line, b.output)
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = "../.."
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		var exit *exec.ExitError
		if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
			t.Fatalf("README line %d: %s: %v", b.line, b.output, err)
		}
		assert.NoError(t, matchExcerpt(b.text, stdout.String()), "README line %d: the output of %s", b.line, b.output)
	}
	assert.GreaterOrEqual(t, checked, 4, "README.md marks its outputs")
}

// matchExcerpt reports how shown differs from out (see TestReadmeOutputs).
func matchExcerpt(shown, out string) error {
	var parts [][]string
	cur := []string{}
	lines := strings.Split(strings.TrimSuffix(shown, "\n"), "\n")
	for _, l := range lines {
		if t := strings.TrimSpace(l); t == "..." || t == "…" {
			parts, cur = append(parts, cur), []string{}
			continue
		}
		cur = append(cur, l)
	}
	parts = append(parts, cur)
	outLines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(parts) == 1 {
		if shown != out {
			return errors.New("the README shows:\n" + shown + "\nthe program prints:\n" + out)
		}
		return nil
	}
	at := 0
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		found := -1
		for j := at; j+len(p) <= len(outLines); j++ {
			if slices.Equal(outLines[j:j+len(p)], p) {
				found = j
				break
			}
		}
		if found < 0 {
			return errors.New("this part of the README's excerpt is not in the output (in order):\n" + strings.Join(p, "\n") + "\nthe program prints:\n" + out)
		}
		at = found + len(p)
	}
	return nil
}

func TestMatchExcerpt(t *testing.T) {
	out := "a\nb\nc\nd\n"
	tests := []struct {
		name, shown string
		ok          bool
	}{
		{"the whole output", out, true},
		{"a different whole output", "a\nb\n", false},
		{"an excerpt with a gap", "a\n...\nc\nd\n", true},
		{"an excerpt from the middle", "...\nb\nc\n...\n", true},
		{"an excerpt out of order", "c\n...\na\n", false},
		{"an excerpt whose part is not consecutive", "...\na\nc\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := matchExcerpt(tt.shown, out)
			assert.Equal(t, tt.ok, err == nil, "%v", err)
		})
	}
}
