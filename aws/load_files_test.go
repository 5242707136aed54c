package aws_test

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
)

// TestLoadRefusesWhatIsNotARegularFile: a directory named *.json, found in
// a directory or named itself, is an error naming it and what it is.
func TestLoadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "x.json"), 0o755))

	_, _, err := aws.Load(dir)
	require.ErrorIs(t, err, aws.ErrInvalidDump)
	faults := loadFaults(t, err)
	require.Len(t, faults, 1, "%v", err)
	assert.Equal(t, filepath.Join(dir, "x.json"), faults[0].File)
	assert.Contains(t, err.Error(), "a directory, not a regular file")

	// A directory named *.json is read as a directory when named.
	_, _, err = aws.Load(filepath.Join(dir, "x.json"))
	assert.ErrorContains(t, err, "the directory holds no *.json file")
}

// writeSample writes the sample dump's files into dir.
func writeSample(t *testing.T, dir string) {
	t.Helper()
	fsys := loadSampleFS(t)
	for name, f := range fsys {
		if strings.HasPrefix(name, "aws/") && !f.Mode.IsDir() {
			require.NoError(t, os.WriteFile(filepath.Join(dir, strings.TrimPrefix(name, "aws/")), f.Data, 0o644))
		}
	}
}

func TestLoadSizeLimit(t *testing.T) {
	fsys := loadSampleFS(t)
	largest := int64(0)
	for name, f := range fsys {
		if strings.HasPrefix(name, "aws/") {
			largest = max(largest, int64(len(f.Data)))
		}
	}
	t.Run("files up to the limit are read", func(t *testing.T) {
		_, _, err := aws.LoadFSWith(fsys, aws.Options{MaxFileSize: largest}, "aws")
		require.NoError(t, err)
	})
	t.Run("a file past the limit is an error naming it", func(t *testing.T) {
		_, _, err := aws.LoadFSWith(fsys, aws.Options{MaxFileSize: largest - 1}, "aws")
		require.ErrorIs(t, err, aws.ErrFileTooLarge)
		faults := loadFaults(t, err)
		require.Len(t, faults, 1)
		assert.True(t, strings.HasPrefix(faults[0].File, "aws/"))
		assert.Contains(t, err.Error(), "more than the limit of")
	})
	t.Run("the limit is told in binary units", func(t *testing.T) {
		big := fstest.MapFS{"x.json": {Data: bytes.Repeat([]byte(" "), 3<<10)}}
		_, _, err := aws.LoadFSWith(big, aws.Options{MaxFileSize: 2 << 10}, "x.json")
		assert.EqualError(t, err, "x.json: file too large: the file is 3 KiB, more than the limit of 2 KiB (raise it with --max-file-size, or aws.Options.MaxFileSize)")
	})
	t.Run("a file that says it is small but never ends is cut at the limit", func(t *testing.T) {
		_, _, err := aws.LoadFSWith(endlessFS{}, aws.Options{MaxFileSize: 1 << 20}, "x.json")
		require.ErrorIs(t, err, aws.ErrFileTooLarge)
		assert.ErrorContains(t, err, "x.json: file too large: the file holds more than it said when it was opened, more than the limit of 1 MiB")
	})
	t.Run("zero means the default", func(t *testing.T) {
		_, _, err := aws.LoadFSWith(fsys, aws.Options{}, "aws")
		require.NoError(t, err)
		assert.Equal(t, int64(1<<30), int64(aws.DefaultMaxFileSize))
	})
}

// endlessFS holds one regular file, x.json, whose Stat says it is empty
// and whose content never ends: a file that grows as it is read.
type endlessFS struct{}

func (endlessFS) Open(name string) (fs.File, error) {
	if name != "x.json" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return endlessFile{}, nil
}

type endlessFile struct{}

func (endlessFile) Stat() (fs.FileInfo, error) { return endlessInfo{}, nil }
func (endlessFile) Close() error               { return nil }
func (endlessFile) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

type endlessInfo struct{}

func (endlessInfo) Name() string       { return "x.json" }
func (endlessInfo) Size() int64        { return 0 }
func (endlessInfo) Mode() fs.FileMode  { return 0o644 }
func (endlessInfo) ModTime() time.Time { return time.Time{} }
func (endlessInfo) IsDir() bool        { return false }
func (endlessInfo) Sys() any           { return nil }

var _ io.Reader = endlessFile{}

func TestLoadDocumentShapes(t *testing.T) {
	tests := []struct {
		name     string
		edit     sampleEdit
		sentinel error
		want     string // the error, or "" for none
		warning  string // a warning expected, or ""
	}{
		{"a byte order mark is accepted", func(t testing.TB, fsys fstest.MapFS) {
			f := fsys["aws/vpcs.json"]
			f.Data = append([]byte("\xEF\xBB\xBF"), f.Data...)
		}, nil, "", ""},
		{"a null document is an error", setFile("aws/vpcs.json", "null"), aws.ErrInvalidDump,
			`aws/vpcs.json: "null": invalid AWS CLI output: the document is null, not an object`, ""},
		{"a null list is a warning", setFile("aws/extra.json", `{"Vpcs": null}`), nil, "", "aws/extra.json: Vpcs: null where a list belongs: nothing read"},
		{"an association with nothing is an error", editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"Main": false, "RouteTableAssociationId": "rtbassoc-x", "AssociationState": {"State": "associated"}}`), "RouteTables", 1, "Associations")
		}), aws.ErrInvalidDump, `aws/route-tables.json: RouteTables[1].Associations[1] (rtb-private): invalid AWS CLI output: the association names no subnet (SubnetId), no gateway (GatewayId) and is not the main one (Main)`, ""},
		{"a NextToken that is no string is an error", setFile("aws/extra.json", `{"Vpcs": [], "NextToken": 5}`), flow.ErrJSON,
			`aws/extra.json: NextToken: "5": malformed JSON: a JSON number where a string was expected`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			tt.edit(t, fsys)
			_, rep, err := aws.LoadFS(fsys, "aws")
			if tt.sentinel == nil {
				require.NoError(t, err)
				if tt.warning != "" {
					assert.Contains(t, rep.Warnings, tt.warning)
				}
				return
			}
			require.ErrorIs(t, err, tt.sentinel)
			faults := loadFaults(t, err)
			require.Len(t, faults, 1, "%v", err)
			assert.True(t, strings.HasPrefix(faults[0].Error(), tt.want), "got  %s\nwant %s…", faults[0].Error(), tt.want)
		})
	}
}

func TestLoadDuplicateKey(t *testing.T) {
	doc := `{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"},
		{"SubnetId": "subnet-2", "VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "a"}, {"Key": "Name", "Value": "b", "Value": "c"}]}]}`
	_, _, err := aws.LoadFS(fstest.MapFS{"s.json": {Data: []byte(doc)}}, "s.json")
	require.ErrorIs(t, err, flow.ErrJSON)
	assert.EqualError(t, err, `s.json: Subnets[1].Tags[1].Value: malformed JSON: the key "Value" appears twice in one object, and only one of its values would count`)
}

// TestLoadReportsProgress: Options.Progress hears of every file, the ones
// that fail too, from 0 to the number of files, in order.
func TestLoadReportsProgress(t *testing.T) {
	type call struct{ done, total int }
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		want  []call
		fails bool
	}{
		{"each file read", fstest.MapFS{
			"d/a.json": {Data: []byte(`{"Vpcs": []}`)},
			"d/b.json": {Data: []byte(`{"Subnets": []}`)},
		}, []call{{0, 2}, {1, 2}, {2, 2}}, false},
		{"a file too large counts as done", fstest.MapFS{
			"d/a.json": {Data: bytes.Repeat([]byte(" "), 5000)},
			"d/b.json": {Data: []byte(`{"Subnets": []}`)},
		}, []call{{0, 2}, {1, 2}, {2, 2}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []call
			opts := aws.Options{MaxFileSize: 4096, Progress: func(done, total int) { got = append(got, call{done, total}) }}
			_, _, err := aws.LoadFSWith(tt.fsys, opts, "d")
			assert.Equal(t, tt.fails, err != nil, "%v", err)
			assert.Equal(t, tt.want, got)
		})
	}
}
