package inputfile_test

import (
	"errors"
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
