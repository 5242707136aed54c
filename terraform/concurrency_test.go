package terraform_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestConcurrentQueriesOnAPlan: the first questions about values known
// only later compute what the design tells apart once, whichever
// goroutine asks first; every goroutine gets the same answers (run with
// -race).
func TestConcurrentQueriesOnAPlan(t *testing.T) {
	plan := firewallPlan(t)
	m1 := mustParse(t, plan)
	want, err := m1.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	m := mustParse(t, plan)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, port := range []uint16{22, 443} {
				r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", port))
				if assert.NoError(t, err) && port == 22 {
					assert.Equal(t, want.Codes(), r.Codes())
				}
				_, err = m.Verdict(tcp("aws_instance.web", "198.51.100.7", port))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
}

func mustParse(t *testing.T, plan []byte) *reach.Model {
	t.Helper()
	m, err := parse(plan)
	require.NoError(t, err)
	return m
}

func parse(plan []byte) (*reach.Model, error) { return terraform.Parse("plan.json", plan, nil) }
