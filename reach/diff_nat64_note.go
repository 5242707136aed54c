package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/addrset"
)

// designNAT64Note is the note of a Diff whose internet addresses (of a
// pair with the internet) hold addresses of the NAT64 prefix that stand
// for IPv4 addresses the design holds (64:ff9b::a00:a for 10.0.0.10):
// Diff answers those addresses exactly (a session to one goes through a
// NAT gateway's NAT64, judged as the IPv4 session to the address it
// holds), but counts them as internet addresses, though the session
// reaches an interface of the design. The note names them and how to ask
// about the design's own sessions; "" when there are none.
func designNAT64Note(d *DiffResult, models ...*Model) string {
	held := map[netip.Addr]string{}
	for _, m := range models {
		for a, owner := range m.owners {
			if a.Is4() {
				held[nat64Address(a)] = owner
			}
		}
	}
	if len(held) == 0 {
		return ""
	}
	seen := map[netip.Addr]bool{}
	var found []string
	for _, pc := range d.Changes {
		for _, ac := range pc.Addresses {
			set := addrset.Of(ac.Addresses...)
			for a, owner := range held {
				if !seen[a] && set.Contains(a) {
					seen[a] = true
					found = append(found, fmt.Sprintf("%s (%s, %s)", a, nat64Embedded(a), owner))
				}
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	return "the internet addresses of pairs with the internet include NAT64 addresses (64:ff9b::/96) of the design's own IPv4 addresses, " +
		strings.Join(found, ", ") + ": a session to one goes through a NAT gateway's NAT64 to that interface of the design, not to the internet; " +
		"Sources over IPv4 to the address lists the interfaces that reach it through NAT64"
}
