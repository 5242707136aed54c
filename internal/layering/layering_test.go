package layering_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/reachsim/reachsim"

// floor returns the floor of a package (its path inside the module) and
// the packages of the same floor it may import. Packages of a lower floor
// may always be imported; internal/ packages import only flow and each
// other.
func floor(pkg string) (int, []string) {
	switch {
	case pkg == "flow":
		return 0, nil
	case strings.HasPrefix(pkg, "internal/"):
		return 0, nil // checked apart
	case pkg == "firewall/suricata":
		return 1, nil
	case pkg == "firewall/stateless":
		return 1, nil
	case pkg == "firewall/stateful":
		return 2, []string{"firewall/suricata"}
	case pkg == "sg", pkg == "nacl":
		return 1, nil
	case pkg == "firewall":
		return 3, nil
	case pkg == "reach":
		return 4, nil
	case pkg == "reach/reachtest":
		return 5, []string{"terraform"} // LoadPlan: a plan in one line of a test
	case pkg == "terraform":
		return 5, []string{"aws"} // a plan's Network Firewall resources mirror the AWS API's shapes, which aws reads
	case pkg == "aws", pkg == "alibaba", pkg == "reach/reachtest/brute", pkg == "sample":
		return 5, nil
	case pkg == "cmd/reachsim", strings.HasPrefix(pkg, "examples/"):
		return 6, nil
	}
	return -1, nil
}

// imports maps each package of the module (path inside it) to the module
// packages its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// The go tool ignores testdata and names starting with . or _
		// (internal/readmecheck builds the README's programs in _readme…
		// directories while the tests run).
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel("../..", filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, im := range f.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			if rest, ok := strings.CutPrefix(p, module+"/"); ok && !slices.Contains(out[pkg], rest) {
				out[pkg] = append(out[pkg], rest)
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestImportsRunOneWay(t *testing.T) {
	all := imports(t)
	require.Contains(t, all, "reach", "the walk found the module's packages")
	for pkg, ims := range all {
		if pkg == "." || pkg == "internal/layering" {
			continue
		}
		f, sideways := floor(pkg)
		if !assert.GreaterOrEqual(t, f, 0, "package %s has no floor: add it to floor()", pkg) {
			continue
		}
		for _, im := range ims {
			if strings.HasPrefix(pkg, "internal/") {
				assert.True(t, im == "flow" || strings.HasPrefix(im, "internal/"), "%s serves the floors and may import only flow and internal/, not %s", pkg, im)
				continue
			}
			if strings.HasPrefix(im, "internal/") {
				continue
			}
			g, _ := floor(im)
			assert.True(t, g < f || slices.Contains(sideways, im), "%s (floor %d) imports %s (floor %d): arrows run down only", pkg, f, im, g)
		}
	}
}
