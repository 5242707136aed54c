package aws_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// A directory's entries that are not *.json files, and its
// subdirectories, are passed over with a warning naming them: a dump
// saved as *.txt, or split into subdirectories, is otherwise read in part
// without a word (audit cli26, finding 5).
func TestLoadDirectoryNamesWhatItPassesOver(t *testing.T) {
	sample, err := os.ReadDir(filepath.Join("..", "sample", "aws"))
	require.NoError(t, err)
	copyTo := func(t *testing.T, dir string) {
		for _, e := range sample {
			b, err := os.ReadFile(filepath.Join("..", "sample", "aws", e.Name()))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600))
		}
	}
	for _, tt := range []struct {
		name  string
		extra []string // entries made beside the sample's files (a trailing / makes a directory)
		want  string   // a warning holding this, "" for none
	}{
		{"only *.json files: no warning", nil, ""},
		{"a text file", []string{"notes.txt"}, "passed over 1 entry that is not a *.json file (notes.txt): only the *.json files directly in a directory are read"},
		{"a subdirectory and a file", []string{"fw/", "security-groups.out"}, "passed over 2 entries that are not *.json files (fw/, security-groups.out)"},
		{"many", []string{"a", "b", "c", "d", "e", "f", "g/"}, "passed over 7 entries that are not *.json files (a, b, c, d, e, and 2 more)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTo(t, dir)
			for _, x := range tt.extra {
				if d, ok := strings.CutSuffix(x, "/"); ok {
					require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o700))
					continue
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, x), []byte("{}"), 0o600))
			}
			_, rep, err := aws.Load(dir)
			require.NoError(t, err)
			var got []string
			for _, w := range rep.Warnings {
				if strings.Contains(w, "passed over") {
					got = append(got, w)
				}
			}
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1, rep.Warnings)
			assert.Contains(t, got[0], tt.want)
			assert.True(t, strings.HasPrefix(got[0], dir+": "), got[0])
		})
	}
}
