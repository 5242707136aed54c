package reach_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/reachsim/reachsim/reach"
)

func TestTmpMatrixLarge(t *testing.T) {
	m := mustLargeModel(t)
	t0 := time.Now()
	mx, err := m.Matrix(reach.MatrixOptions{NoInternet: true})
	fmt.Println(err, time.Since(t0), len(mx.Classes), len(mx.Cells), mx.Walks)
}
