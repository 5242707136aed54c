package terraform_test

import (
	"errors"
	"os"
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// FuzzParse holds the loader to its contract on any input: a model, or an
// error wrapping one of the documented sentinels; never a panic.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("testdata/change.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"format_version": "1.2", "planned_values": {"root_module": {}}}`))
	f.Add([]byte(`{"format_version": "1.2", "errored": true}`))
	f.Add([]byte(`{"format_version": "0.1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := terraform.Parse("plan.json", data, nil)
		if err == nil {
			if m == nil {
				t.Fatal("no model and no error")
			}
			return
		}
		for _, s := range []error{terraform.ErrInvalidPlan, terraform.ErrUnknownValue, terraform.ErrUntrusted, flow.ErrJSON, reach.ErrTopology} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error wraps no documented sentinel: %v", err)
	})
}
