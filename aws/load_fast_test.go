package aws

import (
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/sample"
)

// readBoth reads files (name -> bytes) with readFile's fast path and with
// its slow path alone, assembles both, and requires the loaders to be
// equal: the same records, locations, warnings and errors.
func readBoth(t *testing.T, files map[string][]byte) (ok bool) {
	t.Helper()
	names := slices.Sorted(maps.Keys(files))
	read := func(slow bool) *loader {
		slowPath = slow
		defer func() { slowPath = false }()
		l := newLoader()
		for _, n := range names {
			l.readFile(n, files[n])
		}
		if len(l.errs) == 0 {
			l.assemble()
		}
		return l
	}
	fast, slow := read(false), read(true)
	require.Equal(t, slow.errs, fast.errs)
	require.Equal(t, slow, fast)
	return len(fast.errs) == 0
}

// seedDumps are the dumps of the sample and of testdata, by name.
func seedDumps(t *testing.T) map[string]map[string][]byte {
	t.Helper()
	dumps := map[string]map[string][]byte{}
	add := func(name string, fsys fs.FS, dir string) {
		entries, err := fs.ReadDir(fsys, dir)
		require.NoError(t, err)
		files := map[string][]byte{}
		for _, e := range entries {
			if e.IsDir() || path.Ext(e.Name()) != ".json" {
				continue
			}
			data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			require.NoError(t, err)
			files[path.Join(dir, e.Name())] = data
		}
		if len(files) > 0 {
			dumps[name] = files
		}
	}
	add("sample", sample.AWSDump, "aws")
	testdata := os.DirFS("testdata")
	entries, err := fs.ReadDir(testdata, ".")
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			add(e.Name(), testdata, e.Name())
		}
	}
	return dumps
}

// TestFastReadAgreesWithSlow: the single-pass decoding of readFile
// (jsonloc.Top, the big lists decoded typed) gives exactly what decoding
// every key's text does, on the sample and test dumps and on random
// mutations of them: values of other types, nulls, keys given twice,
// bytes cut out.
func TestFastReadAgreesWithSlow(t *testing.T) {
	dumps := seedDumps(t)
	require.NotEmpty(t, dumps)
	mutations := []string{`null`, `1`, `-1`, `"x"`, `"10.0.0.0/33"`, `[]`, `{}`, `[null]`, `true`, `"GroupId": "sg-1", "GroupId"`, `}`, ``}
	for k, name := range slices.Sorted(maps.Keys(dumps)) {
		if raceOn && k%2 == 1 && name != "sample" {
			continue // every other dump under -race, whose runs are slow
		}
		files := dumps[name]
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(12, uint64(len(name))))
			whole := readBoth(t, files)
			names := slices.Sorted(maps.Keys(files))
			loaded, failed := 0, 0
			for i := range 150 {
				f := names[r.IntN(len(names))]
				data := files[f]
				if len(data) < 2 {
					continue
				}
				// Replace a random stretch that starts at a value or a key.
				at := r.IntN(len(data) - 1)
				for at > 0 && !slices.Contains([]byte(`:[,`), data[at-1]) {
					at--
				}
				end := min(len(data), at+r.IntN(40))
				mutated := slices.Concat(data[:at], []byte(mutations[r.IntN(len(mutations))]), data[end:])
				t.Run(fmt.Sprint(i), func(t *testing.T) {
					dump := maps.Clone(files)
					dump[f] = mutated
					if readBoth(t, dump) {
						loaded++
					} else {
						failed++
					}
				})
			}
			if whole {
				require.Positive(t, loaded, "some mutations still load")
			}
			require.Positive(t, failed, "and some fail")
		})
	}
}

// TestFastReadAgreesWithSlowOnUnknownKeys: a key no element type reads
// or declares, in each big list the fast path decodes typed (where its
// strict decode refuses the file) and in a list decoded from its text,
// gives the same warnings on both paths.
func TestFastReadAgreesWithSlowOnUnknownKeys(t *testing.T) {
	for _, tc := range []struct{ file, old, new string }{
		{"aws/security-groups.json", `"IpRanges"`, `"Ip_Ranges"`},
		{"aws/security-group-rules.json", `"CidrIpv4"`, `"Bogus": 1, "CidrIpv4"`},
		{"aws/network-acls.json", `"RuleNumber"`, `"Bogus": 1, "RuleNumber"`},
		{"aws/network-interfaces.json", `"MacAddress"`, `"Bogus": 1, "MacAddress"`},
		{"aws/instances.json", `"ImageId"`, `"Bogus": 1, "ImageId"`},
		{"aws/subnets.json", `"SubnetId"`, `"Bogus": 1, "SubnetId"`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			files := seedDumps(t)["sample"]
			data := string(files[tc.file])
			require.Contains(t, data, tc.old)
			files[tc.file] = []byte(strings.Replace(data, tc.old, tc.new, 1))
			l := newLoader()
			l.readFile(tc.file, files[tc.file])
			require.Empty(t, l.errs)
			require.NotEmpty(t, l.report.Warnings, "the unknown key is named")
			assert.Contains(t, l.report.Warnings[0], "unknown key")
			readBoth(t, files)
		})
	}
}
