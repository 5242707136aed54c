package reach_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// ExampleModel_Fix: the smallest change that makes app-1 reach the
// database, checked on a patched copy. The query names no client port,
// so the reply entry lets every client port through (the ACL let
// 1024-32767 through already): app-1 picks a new one for each
// connection.
func ExampleModel_Fix() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	fx, err := m.Fix(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.Reachable)
	if err != nil {
		panic(err)
	}
	fmt.Println(fx.Before, "->", fx.After)
	for _, c := range fx.Changes {
		fmt.Println(c.Text)
	}
	fmt.Println("other sessions changed:", len(fx.AlsoChanged))
	// Output:
	// unreachable -> reachable
	// add to acl-db the outbound entry 110 allow tcp 32768-65535 to 10.0.2.20/32 (replies go to the client's ephemeral port, picked anew for each connection: the ACL then lets them through to all of 1024-65535, which covers every client, as AWS advises)
	// other sessions changed: 0
}
