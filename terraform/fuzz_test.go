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
	create, err := os.ReadFile("../examples/terraform/plan.json") // a create plan: values known only after apply
	if err != nil {
		f.Fatal(err)
	}
	f.Add(create)
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

// FuzzPlanQueries reads plans, as FuzzParse does, and asks every plan
// that reads a few questions (askAll): what a plan holds, values known
// only after apply included, never makes a question panic or the answers
// disagree. Kept apart from FuzzParse, which it would slow down about a
// hundredfold.
func FuzzPlanQueries(f *testing.F) {
	for _, name := range []string{"testdata/change.json", "../examples/terraform/plan.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := terraform.Parse("plan.json", data, nil); err == nil {
			askAll(t, m)
		}
	})
}

// askAll asks a model read from a plan about its first interfaces and an
// internet host: Verdict agrees with Check, a fix found gives its answer,
// and lint answers.
func askAll(t *testing.T, m *reach.Model) {
	ends := []string{"198.51.100.7"}
	for _, in := range m.Interfaces() {
		if len(ends) == 5 {
			break
		}
		ends = append(ends, in.ID)
	}
	for _, from := range ends {
		for _, to := range ends {
			q := reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 5432}
			r, err := m.Check(q)
			v, verr := m.Verdict(q)
			if err != nil {
				if verr == nil {
					t.Fatalf("%+v: Check fails (%v), Verdict does not", q, err)
				}
				continue
			}
			if verr != nil || v != r.Outcome {
				t.Fatalf("%+v: Verdict %v (%v), Check %v", q, v, verr, r.Outcome)
			}
			if fx, err := m.Fix(q, reach.Reachable); err == nil {
				if got, err := fx.Patched.Check(q); err != nil || got.Outcome != reach.Reachable {
					t.Fatalf("%+v: the fix %+v gives %v (%v)", q, fx.Changes, got, err)
				}
			}
		}
	}
	if _, err := m.Lint(reach.LintOptions{Workers: 1}); err != nil {
		t.Fatalf("lint: %v", err)
	}
}
