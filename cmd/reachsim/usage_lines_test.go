package main

import (
	"flag"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// usageLines returns the usage lines of a command's help: the lines
// between "Usage:" and the first blank line, a line continued (indented
// past "  reachsim") joined to the one it continues.
func usageLines(t *testing.T, usage string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(usage, "Usage:\n")
	require.True(t, ok, "no Usage: in %q", usage)
	block, _, _ := strings.Cut(rest, "\n\n")
	var out []string
	for _, line := range strings.Split(block, "\n") {
		switch {
		case strings.HasPrefix(line, "  reachsim "):
			out = append(out, strings.TrimSpace(line))
		case len(out) > 0 && strings.HasPrefix(line, "   "):
			out[len(out)-1] += " " + strings.TrimSpace(line)
		default:
			t.Fatalf("not a usage line: %q", line)
		}
	}
	return out
}

var flagName = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)

// flagsOf returns the flags a usage line names.
func flagsOf(line string) []string {
	var out []string
	for _, m := range flagName.FindAllStringSubmatch(line, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// definedFlags returns the flags fs defines, sorted.
func definedFlags(fs *flag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) { out = append(out, f.Name) })
	slices.Sort(out)
	return out
}

// Each usage line of reachsim diff names every flag that form takes: its
// two inputs, --vpc with two dumps (it chooses VPCs of --aws dumps only),
// and --max-file-size, --ipv6, --no-internet and --json with either; the
// lines together name every flag diff defines. The second line lacked
// --ipv6 and --no-internet, and both lacked --vpc and --max-file-size.
func TestDiffUsageLines(t *testing.T) {
	lines := usageLines(t, diffUsage)
	common := []string{"ipv6", "json", "max-file-size", "no-internet"}
	want := [][]string{
		append([]string{"after", "before", "vpc"}, common...),
		append([]string{"after-terraform", "before-terraform"}, common...),
	}
	require.Len(t, lines, len(want), "%q", lines)
	named := map[string]bool{}
	for i, line := range lines {
		w := slices.Clone(want[i])
		slices.Sort(w)
		assert.Equal(t, w, flagsOf(line), "usage line %q", line)
		for _, f := range flagsOf(line) {
			named[f] = true
		}
	}
	assert.Equal(t, definedFlags(diffFlags(&diffOptions{})), slices.Sorted(maps.Keys(named)), "the usage lines together name every flag diff defines")
}

// The usage lines of every command name every flag it defines, but where
// a line says "[flags]" (the flags listed below it) and the input flags,
// which "[--aws PATH]..." stands for (the Flags section lists them:
// --terraform, --demo, --vpc, --max-file-size).
func TestUsageLinesNameEveryFlag(t *testing.T) {
	for _, c := range commandFlags() {
		t.Run(c.name, func(t *testing.T) {
			assertLinesNameFlags(t, c.name, usageLines(t, c.usage), c.fs)
		})
	}
}

// commandFlags returns each command with its flags and its help.
func commandFlags() []struct {
	name  string
	fs    *flag.FlagSet
	usage string
} {
	return []struct {
		name  string
		fs    *flag.FlagSet
		usage string
	}{
		{"check", checkFlags(&checkOptions{}), checkUsage},
		{"ports", portsFlags(&portsOptions{}), portsUsage},
		{"sources", sourcesFlags(&sourcesOptions{}), sourcesUsage},
		{"matrix", matrixFlags(&matrixOptions{}), matrixUsage},
		{"audit", auditFlags(&auditOptions{}), auditUsage},
		{"diff", diffFlags(&diffOptions{}), diffUsage},
		{"fix", fixFlags(&fixOptions{}), fixUsage},
		{"lint", lintFlags(&lintOptions{}), lintUsage},
	}
}

// assertLinesNameFlags holds the usage lines of command name to its
// flags fs: each flag a line names is one fs defines, and the lines
// together name every flag fs defines, but where a line says "[flags]"
// (the flags its help lists) and the input flags, which "[--aws
// PATH]..." stands for (the Flags section lists them: --terraform,
// --demo, --vpc, --max-file-size).
func assertLinesNameFlags(t *testing.T, name string, lines []string, fs *flag.FlagSet) {
	t.Helper()
	input := definedFlags(func() *flag.FlagSet {
		fs := newFlagSet("input")
		(&inputOptions{}).define(fs)
		return fs
	}())
	defined := definedFlags(fs)
	named, rest := map[string]bool{}, false
	for _, line := range lines {
		for _, f := range flagsOf(line) {
			assert.Contains(t, defined, f, "usage line %q names a flag %s does not define", line, name)
			named[f] = true
		}
		rest = rest || strings.Contains(line, "[flags]")
		if named["aws"] {
			for _, f := range input {
				named[f] = true
			}
		}
	}
	if rest {
		return
	}
	for _, f := range defined {
		assert.True(t, named[f], "no usage line of %s names --%s", name, f)
	}
}

// The overview (reachsim --help) gives each command's usage lines by the
// same rule as its own help: every flag, or "[flags]" for those its help
// lists. The lines for diff and fix named some flags and not others
// (fix: no --port, --json...; diff: no Terraform form, --vpc), and so did
// ports and sources, as if those were all.
func TestOverviewUsageLinesNameEveryFlag(t *testing.T) {
	lines := usageLines(t, usage)
	for _, c := range commandFlags() {
		t.Run(c.name, func(t *testing.T) {
			var mine []string
			for _, line := range lines {
				if strings.HasPrefix(line, "reachsim "+c.name+" ") {
					mine = append(mine, line)
				}
			}
			require.NotEmpty(t, mine, "the overview gives no usage line of %s", c.name)
			assertLinesNameFlags(t, c.name, mine, c.fs)
		})
	}
}
