package sample_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// The sample's known issue: the database subnet's ACL returns replies to
// client ports 1024-32767 only, so app-1 reaches db-1 from port 30000 but
// not from the default 50000.
func ExampleThreeTier() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	for _, src := range []uint16{30000, 50000} {
		r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: src})
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Flow, r.Reachable, r.Codes())
	}
	// Output:
	// tcp 10.0.2.20:30000 -> 10.0.3.30:5432 true []
	// tcp 10.0.2.20:50000 -> 10.0.3.30:5432 false [RETURN_ACL_DEFAULT_DENY]
}
