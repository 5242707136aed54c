package aws_test

import (
	"io/fs"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// changingFS serves fsys, except that every reading of name after the
// first gets its bytes with a space added: a file written to while it is
// loaded.
type changingFS struct {
	fstest.MapFS
	name  string
	reads atomic.Int32
}

func (c *changingFS) Open(name string) (fs.File, error) {
	if name == c.name && c.reads.Add(1) > 1 {
		f := *c.MapFS[name]
		f.Data = append(append([]byte(nil), f.Data...), ' ')
		return fstest.MapFS{name: &f}.Open(name)
	}
	return c.MapFS.Open(name)
}

// TestBuildErrorPlaced: the load lets its records go while the model is
// built, so a fault only Build finds is placed by reading the input a
// second time. Placed in the file and JSON path of the resource at fault
// when the input reads the same; when a file changed in between, the
// error says so and names no place it could get wrong.
func TestBuildErrorPlaced(t *testing.T) {
	tests := []struct {
		name     string
		changing bool
		want     []string
		not      []string
	}{
		{"the same input", false,
			[]string{`peering/network-interfaces.json: NetworkInterfaces[4].PrivateIpAddresses[0].PrivateIpAddress (eni-d): "10.1.1.10": `, "model them one at a time"},
			[]string{"changed while it was read"}},
		{"a file changed since read", true,
			[]string{"aws: the input changed while it was read: where each fault is in it is not said", "model them one at a time"},
			[]string{"network-interfaces.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fsys fs.FS = twinFS(t)
			if tt.changing {
				fsys = &changingFS{MapFS: fsys.(fstest.MapFS), name: "peering/vpcs.json"}
			}
			_, rep, err := aws.LoadFS(fsys, "peering")
			require.Error(t, err)
			assert.ErrorIs(t, err, reach.ErrSharedAddress)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			for _, w := range tt.not {
				assert.NotContains(t, err.Error(), w)
			}
			assert.NotEmpty(t, rep.Files, "the report of the first reading")
		})
	}
}
