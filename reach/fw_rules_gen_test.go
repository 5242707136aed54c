package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sample"
)

// engineRules are Network Firewall rules of the features the stateful
// engine reads beyond addresses and ports, for fwSpice to add: flow:
// keywords (to_server, to_client, established, not_established: packet
// scope passes among them), itype and icode (packet keywords, ICMP code
// cuts), the ports whose server speaks first (21, 25, 110, 143, 5900) and
// SSH's 22, application protocols, and TLS and HTTP domain rules (asked
// of without a domain, their doubt), and payload rules on a few ports
// (undecided there: the input holds no payload). Each is a rule's text up
// to its sid.
var engineRules = []string{
	"pass tcp any any -> any 443 (flow:to_server; ",
	"pass tcp any any -> any any (flow:established; ",
	"pass tcp $HOME_NET any -> $EXTERNAL_NET any (flow:not_established; ",
	"drop tcp $HOME_NET any -> $EXTERNAL_NET any (flow:not_established, to_server; ",
	"pass tcp any any -> any any (flow:to_client; ",
	"pass udp any any -> any 53 (flow:to_server; ",
	"pass icmp any any -> any any (itype:3; icode:4; ",
	"drop icmp any any -> any any (itype:8; ",
	"pass icmp any any -> any any (itype:0; ",
	"pass icmp any any -> any any (itype:>10; ",
	"drop icmp any any -> any any (icode:>2; ",
	"pass icmp any any -> any any (icode:0; ",
	"drop icmp any any -> any any (itype:3; icode:1; ",
	"pass tcp any any -> any [21,25,110,143,5900] (",
	"pass tcp any any -> any 21 (flow:to_server; ",
	"pass tcp any any -> any [25,110,143] (flow:to_server, established; ",
	"pass tcp any any -> any 5900 (flow:not_established; ",
	"pass tcp any any -> any 22 (flow:to_server; ",
	"pass tcp any any -> any 22 (",
	"pass ssh any any -> any any (",
	"pass ftp any any -> any any (",
	"pass smtp any any -> any any (",
	`pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"example.com"; endswith; `,
	`pass http $HOME_NET any -> $EXTERNAL_NET 80 (http.host; content:"www.example.com"; `,
	`drop tls any any -> any any (tls.sni; content:"evil.test"; `,
	`reject http any any -> any any (http.host; content:"evil.test"; `,
	"pass tls any any -> any any (",
	`drop tcp any any -> any [22,3306,5800:5900] (content:"quit"; `,
	`pass tcp any any -> any [1433,3389,8000:8100] (content:"hello"; `,
	`drop udp any any -> any [53,161,11211] (content:"x"; `,
}

// fwSpice widens the firewalls of a generated design with what the
// engine's newer semantics read, a small share of each: rules of
// engineRules put among the first rule group's, stateful defaults under
// strict order that drop established sessions (aws:drop_established,
// aws:drop_established_app_layer and its to_server variant, so that
// server-first ports and SSH hang on which side speaks first), and now
// and then an opaque rule group (one whose rules the input does not hold:
// everything it may match is Indeterminate).
func fwSpice(rng *rand.Rand, d *sample.Design) {
	for i := range d.Firewalls {
		p := &d.Firewalls[i].Policy.Stateful
		if rng.IntN(2) == 0 {
			for k := range p.Groups {
				g := &p.Groups[k].Group
				if g.RulesString == "" {
					continue
				}
				lines := strings.Split(strings.TrimSpace(g.RulesString), "\n")
				for n := range 1 + rng.IntN(2) {
					r := engineRules[rng.IntN(len(engineRules))] + fmt.Sprintf("sid:%d;)", 900+n)
					at := rng.IntN(len(lines) + 1)
					lines = append(lines[:at], append([]string{r}, lines[at:]...)...)
				}
				g.RulesString = strings.Join(lines, "\n") + "\n"
				break
			}
		}
		if p.Order == stateful.StrictOrder && rng.IntN(4) == 0 {
			switch rng.IntN(3) {
			case 0:
				p.Defaults = stateful.Defaults{DropEstablished: true}
			case 1:
				p.Defaults = stateful.Defaults{DropEstablishedAppLayer: true, AlertEstablishedAppLayer: rng.IntN(2) == 0}
			default:
				p.Defaults = stateful.Defaults{DropEstablishedAppLayerToServer: true}
			}
		}
		if rng.IntN(16) == 0 {
			p.Groups = append(p.Groups, stateful.GroupRef{Priority: []int{5, 15, 40}[rng.IntN(3)], Group: stateful.RuleGroup{
				Name: "managed-threats", RuleOrder: p.Order, Opaque: "the rules of managed-threats, an AWS managed group the input does not hold"}})
		}
	}
}

// icmpCodeEntries puts, in about half of d's network ACLs that allow
// everything first (rule 100, as AWS's default), an entry ahead naming
// one ICMP code: AWS's usual path-MTU entry (allow type 3 code 4), a
// denied redirect (type 5 code 1), or a denied query or reply type (echo
// request 8, every code; timestamp reply 14 code 0). Each cuts the ICMP code space, which
// the set answers must keep whole per type (a Matrix cell lost every code
// run of a type but the last: audit sets19).
func icmpCodeEntries(rng *rand.Rand, d *sample.Design) {
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if len(a.Entries) == 0 || a.Entries[0].Number != 100 || a.Entries[0].Protocol != flow.AllProtocols || rng.IntN(2) == 0 {
			continue
		}
		e := nacl.Entry{Number: 50, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: 3, ICMPCode: 4, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
		switch rng.IntN(6) {
		case 0, 1:
			e.Action, e.ICMPType, e.ICMPCode = flow.Drop, 5, 1
		case 2: // a query type, as a reply carries it too (Matrix replays these)
			e.Action, e.ICMPType, e.ICMPCode = flow.Drop, 8, -1
		case 3:
			e.Action, e.ICMPType, e.ICMPCode = flow.Drop, 14, 0
		}
		if rng.IntN(2) == 0 {
			e.Direction = flow.Outbound
		}
		a.Entries = append([]nacl.Entry{e}, a.Entries...)
	}
}
