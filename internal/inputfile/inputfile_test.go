package inputfile_test

import (
	"errors"
	"io/fs"
	"math"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/inputfile"
)

func TestFormatSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{1023, "1023 bytes"},
		{1024, "1 KiB"},
		{5284, "5284 bytes (5.1 KiB)"},
		{1 << 30, "1 GiB"},
		{3<<20 + 1, "3145729 bytes (3.0 MiB)"},
	} {
		assert.Equal(t, tc.want, inputfile.FormatSize(tc.n))
	}
}

func TestReadLimited(t *testing.T) {
	errBig, errBad := errors.New("too big"), errors.New("bad input")
	fsys := inputfile.FS{FS: fstest.MapFS{"a.json": {Data: []byte("{}")}, "big.json": {Data: make([]byte, 2048)}, "d": {Mode: 1 << 31}}}
	lim := inputfile.Limits{Max: 1024, Invalid: errBad, TooLarge: errBig, Raise: "--max"}
	data, err := inputfile.ReadLimited(fsys, "a.json", lim)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(data))
	_, err = inputfile.ReadLimited(fsys, "big.json", lim)
	require.ErrorIs(t, err, errBig)
	assert.ErrorContains(t, err, "big.json: too big: the file is 2 KiB, more than the limit of 1 KiB (raise it with --max)")
	lim.Max = math.MaxInt64 // the largest limit: no overflow, the whole file
	data, err = inputfile.ReadLimited(fsys, "big.json", lim)
	require.NoError(t, err)
	assert.Len(t, data, 2048)
	_, err = inputfile.ReadLimited(fsys, "d", lim)
	require.ErrorIs(t, err, errBad)
	assert.ErrorContains(t, err, "a directory, not a regular file")
}

// liar is an fs.FS whose files report the size it says, whatever they
// hold (a faulty or hostile file system).
type liar struct {
	fstest.MapFS
	size int64
}

func (l liar) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return liarFile{f, l.size}, nil
}

func (l liar) Stat(name string) (fs.FileInfo, error) {
	info, err := l.MapFS.Stat(name)
	if err != nil {
		return nil, err
	}
	return liarInfo{info, l.size}, nil
}

type liarFile struct {
	fs.File
	size int64
}

func (f liarFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return liarInfo{info, f.size}, nil
}

type liarInfo struct {
	fs.FileInfo
	size int64
}

func (i liarInfo) Size() int64 { return i.size }

// TestReadLimitedDoesNotTrustTheReportedSize: a file system that reports a
// size below zero, or the largest there is, for a short file: the file
// is read whole, no panic (audit hostile20 finding 2).
func TestReadLimitedDoesNotTrustTheReportedSize(t *testing.T) {
	for _, size := range []int64{-2, 0, 1, 1 << 40, math.MaxInt64} {
		fsys := inputfile.FS{FS: liar{fstest.MapFS{"a.json": {Data: []byte(`{"a": 1}`)}}, size}}
		lim := inputfile.Limits{Max: math.MaxInt64, Invalid: errors.New("bad"), TooLarge: errors.New("big"), Raise: "--max"}
		var data []byte
		var err error
		require.NotPanics(t, func() { data, err = inputfile.ReadLimited(fsys, "a.json", lim) }, "size %d", size)
		require.NoError(t, err, "size %d", size)
		assert.Equal(t, `{"a": 1}`, string(data), "size %d", size)
	}
}
