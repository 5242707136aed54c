package fuzzcorpus_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w*)\(\w+ \*testing\.F\)`)

func TestEveryFuzzTargetHasASeedCorpus(t *testing.T) {
	targets := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(src), -1) {
			targets++
			dir := filepath.Join(filepath.Dir(path), "testdata", "fuzz", m[1])
			entries, err := os.ReadDir(dir)
			if !assert.NoError(t, err, "%s: %s has no seed corpus in %s", path, m[1], dir) {
				continue
			}
			assert.NotEmpty(t, entries, "%s is empty", dir)
			for _, e := range entries {
				f, err := os.Open(filepath.Join(dir, e.Name()))
				require.NoError(t, err)
				line, _ := bufio.NewReader(f).ReadString('\n')
				f.Close()
				assert.Equal(t, "go test fuzz v1\n", line, "%s/%s is in Go's corpus format", dir, e.Name())
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, targets, 20, "the walk finds the fuzz targets")
}
