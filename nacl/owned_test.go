package nacl_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/scramble"
	"github.com/reachsim/reachsim/nacl"
)

// What an Evaluator returns is the caller's own: scrambling its ACL and
// every decision changes no later answer.
func TestReturnedValuesDoNotAliasTheEvaluator(t *testing.T) {
	acl := nacl.NewCustom("acl-1", "vpc-1")
	acl.Subnets = []string{"subnet-1"}
	acl.Entries = append(acl.Entries, nacl.MustParseEntry("100 allow tcp 443 from 0.0.0.0/0"),
		nacl.MustParseEntry("110 deny tcp 22 from 192.0.2.0/24"), nacl.MustParseEntry("120 allow tcp 1024-65535 to 0.0.0.0/0"))
	e := nacl.MustCompile(acl)
	flows := []string{"tcp 192.0.2.7:50000 -> 10.0.1.5:443", "tcp 192.0.2.7:50000 -> 10.0.1.5:22", "udp 10.0.1.5:5 -> 8.8.8.8:53"}
	snapshot := func() string {
		s := fmt.Sprintf("%#v %q\n", e.ACL(), e.ID())
		for _, f := range flows {
			for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
				s += fmt.Sprintf("%#v %#v %v\n", e.Evaluate(flow.MustParse(f), dir), e.Explain(flow.MustParse(f), dir), e.AllowedPorts(flow.MustParse(f), dir))
			}
		}
		return s
	}
	want := snapshot()
	a := e.ACL()
	scramble.All(&a)
	scramble.All(&acl) // the input was copied at Compile
	for _, f := range flows {
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			for _, d := range []nacl.Decision{e.Evaluate(flow.MustParse(f), dir), e.Explain(flow.MustParse(f), dir)} {
				scramble.All(&d)
			}
			ps := e.AllowedPorts(flow.MustParse(f), dir)
			scramble.All(&ps)
		}
	}
	assert.Equal(t, want, snapshot())
}
