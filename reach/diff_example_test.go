package reach_test

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// What a change opens: the sample design, and a copy whose app group
// also lets the web tier in on tcp 9000. Only web-1 -> app-1 changes, and
// the group is its cause.
func ExampleDiff() {
	before, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-app" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-app-metrics", Direction: flow.Inbound,
				Protocol: flow.TCP, Ports: flow.Single[uint16](9000), Peer: sg.GroupRef("sg-web")})
		}
	}
	after, err := d.Builder().Build()
	if err != nil {
		panic(err)
	}
	diff, err := reach.Diff(before, after, reach.DiffOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Print(diff.Text())
	// Output:
	// groups (round trip, from client port 50000):
	//   G1: web-1 (eni-web1) 10.0.1.10 [C1 -> C1]
	//   G2: app-1 (eni-app1) 10.0.2.20 [C2 -> C2]
	// changes (a pair not listed carries what it did):
	//   G1 -> G2: gained tcp 9000
	//     cause: security-group sg-app (on the path before and after): rule added: inbound sgr-app-metrics allows tcp/9000 from sg-web
	// resources changed:
	//   security-group sg-app changed
	//     rule added: inbound sgr-app-metrics allows tcp/9000 from sg-web
}
