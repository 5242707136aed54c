package readmecheck

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeText is README.md as one string.
func readmeText(t *testing.T) string {
	t.Helper()
	md, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	return string(md)
}

// fuzzCommand finds a "go test … -fuzz …" command the README shows in
// backquotes or in a code block.
var fuzzCommand = regexp.MustCompile("go test [^`\n]*-fuzz[^`\n]*")

// shellWords splits a command the README shows into its words, taking
// off the single quotes around a word ('^FuzzParse$').
func shellWords(cmd string) []string {
	words := strings.Fields(cmd)
	for i, w := range words {
		if len(w) >= 2 && w[0] == '\'' && w[len(w)-1] == '\'' {
			words[i] = w[1 : len(w)-1]
		}
	}
	return words
}

// Every fuzz command the README shows works as written: go test refuses
// to fuzz when -fuzz matches more than one fuzz target of the package (a
// regular expression, so "FuzzParse" alone also matches FuzzParseSet and
// nine more targets in flow), and -run, which runs the matching tests
// first, matches no test, so that the command only fuzzes. The targets
// are listed with go test -list, not fuzzed.
func TestReadmeFuzzCommandsNameOneTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("lists tests with the go command")
	}
	cmds := fuzzCommand.FindAllString(readmeText(t), -1)
	require.NotEmpty(t, cmds, "README.md shows how to run a fuzz test")
	for _, cmd := range cmds {
		t.Run(cmd, func(t *testing.T) {
			words := shellWords(cmd)
			var pkg, fuzz, runPat string
			for i := 2; i < len(words); i++ {
				switch w := words[i]; {
				case (w == "-fuzz" || w == "-run") && i+1 < len(words):
					if w == "-fuzz" {
						fuzz = words[i+1]
					} else {
						runPat = words[i+1]
					}
					i++
				case strings.HasPrefix(w, "./"):
					pkg = w
				}
			}
			require.NotEmpty(t, pkg, "%s: names no package (./…)", cmd)
			require.NotEmpty(t, fuzz, "%s: no -fuzz pattern", cmd)
			fuzzRE, err := regexp.Compile(fuzz)
			require.NoError(t, err, "%s: -fuzz", cmd)
			var targets, tests []string
			for _, name := range strings.Fields(string(goCommand(t, "test", "-list", ".", pkg))) {
				switch {
				case strings.HasPrefix(name, "Fuzz"):
					targets = append(targets, name)
				case strings.HasPrefix(name, "Test"):
					tests = append(tests, name)
				}
			}
			matched := slices.DeleteFunc(slices.Clone(targets), func(s string) bool { return !fuzzRE.MatchString(s) })
			assert.Len(t, matched, 1, "%s: -fuzz %s must match exactly one fuzz target of %s; it matches %v", cmd, fuzz, pkg, matched)
			if runPat != "" {
				runRE, err := regexp.Compile(runPat)
				require.NoError(t, err, "%s: -run", cmd)
				ran := slices.DeleteFunc(tests, func(s string) bool { return !runRE.MatchString(s) })
				assert.Empty(t, ran, "%s: -run %s runs these tests before fuzzing", cmd, runPat)
			}
		})
	}
}

// appTransports finds the README's sentence that lists the application
// protocols by transport: "(`flow.App.RunsOver`): `tls`, … with tcp only,
// `quic`, … with udp only, `dns`, … with either;".
var (
	appSentence = regexp.MustCompile("\\(`flow\\.App\\.RunsOver`\\): ([^;]*);")
	appGroup    = regexp.MustCompile("((?:`[a-z0-9-]+`(?:, | and )?)+) with (tcp only|udp only|either)")
	appName     = regexp.MustCompile("`([a-z0-9-]+)`")
)

// The README's lists of the application protocols that run over tcp only,
// udp only and either are flow.App's transport table (flow.App.Transports),
// whole: every protocol flow.ParseApp reads but none is in exactly the list
// of its transports. The udp list left out bittorrent-dht.
func TestReadmeAppTransports(t *testing.T) {
	text := strings.Join(strings.Fields(readmeText(t)), " ")
	m := appSentence.FindStringSubmatch(text)
	require.NotNil(t, m, "README.md lists the application protocols by transport after (`flow.App.RunsOver`):")
	readme := map[string][]string{}
	for _, g := range appGroup.FindAllStringSubmatch(m[1], -1) {
		for _, n := range appName.FindAllStringSubmatch(g[1], -1) {
			readme[g[2]] = append(readme[g[2]], n[1])
		}
	}
	code := map[string][]string{}
	for _, name := range flow.Apps() {
		a, err := flow.ParseApp(name)
		require.NoError(t, err)
		if a == flow.AppNone {
			continue
		}
		over := map[string]string{"tcp": "tcp only", "udp": "udp only", "tcp or udp": "either"}[a.TransportWords()]
		require.NotEmpty(t, over, "%s runs over %q", name, a.TransportWords())
		code[over] = append(code[over], name)
	}
	for _, over := range []string{"tcp only", "udp only", "either"} {
		assert.ElementsMatch(t, code[over], readme[over], "README.md's protocols with %s (first: the code's, flow/app.go appOver)", over)
	}
}

// The flows the README's "Flows" section shows are read by flow.Parse and
// printed back by Flow.String as written (a line's "# …" is a comment),
// and they show every optional word of the syntax flow.Parse documents:
// type, code, app and domain. The section left out the app word.
func TestReadmeFlowsParseAndPrintBack(t *testing.T) {
	text := readmeText(t)
	at := strings.Index(text, "\n## Flows\n")
	require.GreaterOrEqual(t, at, 0, "README.md has a Flows section")
	rest := text[at:]
	start := strings.Index(rest, "```text\n")
	require.GreaterOrEqual(t, start, 0, "the Flows section shows flows in a text block")
	rest = rest[start+len("```text\n"):]
	end := strings.Index(rest, "```")
	require.GreaterOrEqual(t, end, 0)
	words := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(rest[:end], "\n"), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		f, err := flow.Parse(line)
		if !assert.NoError(t, err, "README.md's Flows section: %q", line) {
			continue
		}
		assert.Equal(t, line, f.String(), "README.md's Flows section: %q prints back otherwise", line)
		for _, w := range strings.Fields(line) {
			words[w] = true
		}
	}
	for _, w := range []string{"type", "code", "app", "domain"} {
		assert.True(t, words[w], "README.md's Flows section shows no flow with the word %q (flow.Parse)", w)
	}
}
