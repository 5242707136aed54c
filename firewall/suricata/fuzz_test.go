package suricata_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// fuzzSeeds returns the rule texts of the tables and the AWS examples file.
func fuzzSeeds(f *testing.F) (rules []string, file string) {
	for _, tt := range validRules {
		rules = append(rules, tt.text)
	}
	for _, tt := range invalidRules {
		rules = append(rules, tt.text)
	}
	file = readExamples(f)
	for _, line := range strings.Split(file, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules, file
}

// checkError checks the shape of every error the parsers return.
func checkError(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, suricata.ErrSyntax)
	var ie *flow.InputError
	require.True(t, errors.As(err, &ie), "error is a *flow.InputError: %v", err)
	require.Contains(t, ie.Error(), "column ")
}

func FuzzParse(f *testing.F) {
	rules, _ := fuzzSeeds(f)
	for _, s := range rules {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := suricata.Parse(s)
		if err != nil {
			checkError(t, err)
			return
		}
		require.Positive(t, r.Sid())
		roundTrip(t, r)
	})
}

func FuzzParseRules(f *testing.F) {
	// Small seeds keep the fuzzer fast: it minimizes every input that
	// finds new coverage, and a whole file takes long to minimize.
	rules, file := fuzzSeeds(f)
	lines := strings.Split(file, "\n")
	for i := 0; i < len(lines); i += 6 {
		f.Add(strings.Join(lines[i:min(i+6, len(lines))], "\n"))
	}
	for i := 0; i+1 < len(rules); i += 2 {
		f.Add(rules[i] + "\n" + rules[i+1])
	}
	f.Add("# c\n\npass tcp any any -> any any ( \\\n sid:1;)\r\ndrop ip any any <> any any (sid:1;)\n")
	f.Add("pass tcp any any -> any any (sid:1;)\\")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := suricata.ParseRules(s)
		if err != nil {
			require.Nil(t, got)
			checkError(t, err)
			return
		}
		sids := map[int]bool{}
		line := 0
		for _, r := range got {
			require.Greater(t, r.Line, line, "rules keep their order")
			line = r.Line
			require.False(t, sids[r.Sid()], "sid %d is unique", r.Sid())
			sids[r.Sid()] = true
			roundTrip(t, r)
		}
	})
}
