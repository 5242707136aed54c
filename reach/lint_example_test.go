package reach_test

import (
	"fmt"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// Lint the sample three-tier design: the database subnet's ACL lets
// replies out only to ports 1024-32767, so Linux and Windows clients
// never get their answers; an ACL entry of the app subnet changes
// nothing; and web-1's SSH rule relies on the firewall to stay closed.
func ExampleModel_Lint() {
	m, err := sample.ThreeTier().Build()
	if err != nil {
		panic(err)
	}
	res, err := m.Lint(reach.LintOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s %s %s %s %s\n  fix: %s\n", f.Severity, f.ID, f.Kind, f.Resource, f.Rule, f.Fix)
	}
	fmt.Println("fail at medium:", res.AtLeast(reach.Medium) > 0)
	// Output:
	// medium ACL_CUTS_REPLIES network-acl acl-db outbound *
	//   fix: add an outbound allow entry for tcp 32768-65535 to 10.0.2.0/24, before any deny entry that matches them
	// low ACL_REDUNDANT network-acl acl-app inbound 100
	//   fix: remove inbound entry 100
	// low EXPOSED_RISKY_CLOSED security-group sg-web sgr-web-ssh
	//   fix: restrict sg-web rule sgr-web-ssh to the addresses that need SSH, or remove it: today only another layer keeps it closed
	// fail at medium: true
}
