package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestFixGroupUsedOutside: a security group something the model does not
// hold also wears (Builder.AddUnmodelledGroupUse: an RDS instance, a load
// balancer) is shared. AWS applies a group's rules to every network
// interface that wears it, so Fix never adds, widens or removes a rule
// there: opening goes into a group the interface alone uses, or a new
// group made for it (whose text names the outside user); closing takes a
// deny entry in a network ACL on the path, or no fix, naming the outside
// user, where no ACL is on it. A group nothing outside uses is still
// edited in place.
func TestFixGroupUsedOutside(t *testing.T) {
	rds := reach.UnmodelledGroupUse{Owner: "db-rds", What: "RDS instance", Groups: []string{"sg-db"}}
	rule := func(id string, port uint16, cidr string) sg.Rule {
		return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(cidr)}
	}
	setDB := func(rules ...sg.Rule) func(d *sample.Design) {
		return func(d *sample.Design) {
			for i := range d.Groups {
				if d.Groups[i].ID == "sg-db" {
					d.Groups[i].Rules = rules
				}
			}
		}
	}
	// db-2 (10.0.3.31) beside db-1 in subnet-db, in a group of its own:
	// no network ACL judges db-2 -> db-1
	withDB2 := func(d *sample.Design) {
		d.Groups = append(d.Groups, sg.Group{ID: "sg-db2", Name: "db2", VPCID: "vpc-demo", Rules: []sg.Rule{
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-db2", Name: "db-2", Subnet: "subnet-db",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.3.31")}, Groups: []string{"sg-db2"}})
	}
	// db-3 (10.0.3.32) beside db-1, its groups known only later (a
	// Terraform plan's): it may wear sg-db
	withDB3 := func(d *sample.Design) {
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-db3", Name: "db-3", Subnet: "subnet-db",
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.3.32")}, GroupsUnknown: "aws_instance.db3: vpc_security_group_ids"})
	}
	open := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	closeQ := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	tests := []struct {
		name string
		edit func(d *sample.Design)
		uses []reach.UnmodelledGroupUse
		q    reach.Query
		want reach.Outcome
		// sg are the security group and interface changes, "action
		// resource spec"; acl the network ACL ones, "resource direction spec"
		sg, acl []string
		text    string // in some change's text
		noFix   string // in the error, wrapping ErrNoFix, when no fix
	}{
		{name: "open: sg-db used by db-1 alone gets the rule in place", q: open, want: reach.Reachable,
			sg:   []string{"add sg-db tcp 5432 from 10.0.1.10/32"},
			text: "add to sg-db (used by db-1 (eni-db1) alone) the inbound rule tcp 5432 from 10.0.1.10/32"},
		{name: "open: an RDS instance wears sg-db too: a new group for db-1", q: open, want: reach.Reachable, uses: []reach.UnmodelledGroupUse{rds},
			sg: []string{"add sg-reachsim-eni-db1 tcp 5432 from 10.0.1.10/32", "remove sg-reachsim-eni-db1 all to 0.0.0.0/0",
				"remove sg-reachsim-eni-db1 all to ::/0", "replace eni-db1 sg-db,sg-reachsim-eni-db1"},
			text: "(every group of db-1 (eni-db1) is shared; db-rds (RDS instance) uses sg-db too, outside the model)"},
		{name: "open: db-3's groups are known only later (it may wear sg-db): a new group for db-1", q: open, want: reach.Reachable, edit: withDB3,
			sg: []string{"add sg-reachsim-eni-db1 tcp 5432 from 10.0.1.10/32", "remove sg-reachsim-eni-db1 all to 0.0.0.0/0",
				"remove sg-reachsim-eni-db1 all to ::/0", "replace eni-db1 sg-db,sg-reachsim-eni-db1"},
			text: "db-3 (eni-db3)'s groups are known only later (aws_instance.db3: vpc_security_group_ids): it may wear any of them"},
		{name: "close: db-3's groups are known only later: a deny entry in an ACL on the path instead", q: closeQ, want: reach.Unreachable,
			edit: func(d *sample.Design) { withDB3(d); setDB(rule("sgr-db-app1", 5432, "10.0.2.20/32"))(d) },
			acl:  []string{"acl-app outbound 99 deny tcp 5432 to 10.0.3.30/32"}},
		{name: "open: sg-db's adjacent rule is not widened when an RDS instance wears it", q: open, want: reach.Reachable, uses: []reach.UnmodelledGroupUse{rds},
			edit: setDB(rule("sgr-db-5433", 5433, "10.0.1.10/32")),
			sg: []string{"add sg-reachsim-eni-db1 tcp 5432 from 10.0.1.10/32", "remove sg-reachsim-eni-db1 all to 0.0.0.0/0",
				"remove sg-reachsim-eni-db1 all to ::/0", "replace eni-db1 sg-db,sg-reachsim-eni-db1"}},
		{name: "open: sg-db's adjacent rule is widened when db-1 alone uses it", q: open, want: reach.Reachable,
			edit: setDB(rule("sgr-db-5433", 5433, "10.0.1.10/32")),
			sg:   []string{"replace sg-db tcp 5432-5433 from 10.0.1.10/32"}},
		{name: "open: db-1's other group, its own, takes the rule", q: open, want: reach.Reachable, uses: []reach.UnmodelledGroupUse{rds},
			edit: func(d *sample.Design) {
				d.Groups = append(d.Groups, sg.Group{ID: "sg-db1-own", Name: "db1-own", VPCID: "vpc-demo"})
				for i := range d.Interfaces {
					if d.Interfaces[i].ID == "eni-db1" {
						d.Interfaces[i].Groups = append(d.Interfaces[i].Groups, "sg-db1-own")
					}
				}
			},
			sg:   []string{"add sg-db1-own tcp 5432 from 10.0.1.10/32"},
			text: "add to sg-db1-own (used by db-1 (eni-db1) alone)"},
		{name: "close: the narrow rule of sg-db, used by db-1 alone, is removed", q: closeQ, want: reach.Unreachable,
			edit: setDB(rule("sgr-db-app1", 5432, "10.0.2.20/32")),
			sg:   []string{"remove sg-db tcp 5432 from 10.0.2.20/32"}},
		{name: "close: an RDS instance wears sg-db: a deny entry in an ACL on the path instead", q: closeQ, want: reach.Unreachable, uses: []reach.UnmodelledGroupUse{rds},
			edit: setDB(rule("sgr-db-app1", 5432, "10.0.2.20/32")),
			acl:  []string{"acl-app outbound 99 deny tcp 5432 to 10.0.3.30/32"}},
		{name: "close: no ACL on the path and an RDS instance wears sg-db: no fix, naming it", uses: []reach.UnmodelledGroupUse{rds},
			q: reach.Query{From: "db-2", To: "db-1", Protocol: flow.TCP, Port: 5432}, want: reach.Unreachable,
			edit:  func(d *sample.Design) { withDB2(d); setDB(rule("sgr-db-db2", 5432, "10.0.3.31/32"))(d) },
			noFix: "sg-db's rule tcp 5432 from 10.0.3.31/32 admits it, but db-rds (RDS instance) uses sg-db too, outside the model: removing the rule would close the same traffic to that as well"},
		{name: "close: no ACL on the path, sg-db used by db-1 alone: its rule removed",
			q: reach.Query{From: "db-2", To: "db-1", Protocol: flow.TCP, Port: 5432}, want: reach.Unreachable,
			edit: func(d *sample.Design) { withDB2(d); setDB(rule("sgr-db-db2", 5432, "10.0.3.31/32"))(d) },
			sg:   []string{"remove sg-db tcp 5432 from 10.0.3.31/32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			if tt.edit != nil {
				tt.edit(d)
			}
			m, err := d.Builder().AddUnmodelledGroupUse(tt.uses...).Build()
			require.NoError(t, err)
			fx, err := m.Fix(tt.q, tt.want)
			if tt.noFix != "" {
				require.ErrorIs(t, err, reach.ErrNoFix)
				assert.Contains(t, err.Error(), tt.noFix)
				return
			}
			require.NoError(t, err)
			var sgs, acls, texts []string
			for _, c := range fx.Changes {
				texts = append(texts, c.Text)
				switch c.Kind {
				case reach.ResourceSecurityGroup, reach.ResourceInterface:
					sgs = append(sgs, string(c.Action)+" "+c.Resource+" "+c.Spec)
				case reach.ResourceNetworkACL:
					if tt.want == reach.Unreachable {
						acls = append(acls, c.Resource+" "+c.Direction.String()+" "+c.Spec)
					}
				}
				for _, u := range tt.uses {
					for _, g := range u.Groups {
						assert.NotEqual(t, g, c.Resource, "%s is worn by %s too: the change %q reaches it, unlisted", g, u.Owner, c.Text)
					}
				}
			}
			assert.Equal(t, tt.sg, sgs, "security group changes: %q", texts)
			assert.Equal(t, tt.acl, acls, "network ACL changes: %q", texts)
			if tt.text != "" {
				assert.Contains(t, strings.Join(texts, "\n"), tt.text)
			}
			assert.Equal(t, tt.want, fx.After)
			r, err := fx.Patched.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			for _, c := range fx.AlsoChanged {
				// db-3, whose groups are known only later, is the one other
				// interface a change may reach (it may wear any group)
				assert.Contains(t, []string{c.From, c.To}, "eni-db3", "as narrow as the query: %+v", c)
			}
			requireAlsoChanged(t, m, fx, tt.q)
		})
	}
}
