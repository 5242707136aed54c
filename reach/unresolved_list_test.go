package reach_test

import (
	"cmp"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// withAPI is open's design with one more interface, api (public IP
// 198.51.100.40), whose group admits tcp/5432 from prefix list pl-shared,
// whose entries the input does not hold, and tcp/22 from the VPC.
func withAPI(routes ...reach.Route) *reach.Builder {
	api := sg.Group{ID: "sg-api", Rules: []sg.Rule{
		{ID: "sgr-shared", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.PrefixList("pl-shared")},
		{ID: "sgr-vpc", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("10.0.0.0/16")},
		{ID: "sgr-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}}
	return open(routes...).AddSecurityGroup(api).AddUnresolvedPrefixList("pl-shared").
		AddInterface(reach.Interface{ID: "eni-api", Name: "api", Subnet: "subnet-o", Groups: []string{"sg-api"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.40")}, PublicIP: netip.MustParseAddr("198.51.100.40")})
}

// TestUnresolvedPrefixListInARule: a security group rule by a prefix list
// whose entries the input does not hold may match any address. It allows
// nothing for certain, so where nothing else allows the session the
// answer is indeterminate, and the trace says which list to add.
func TestUnresolvedPrefixListInARule(t *testing.T) {
	m, err := withAPI().Build()
	require.NoError(t, err)
	assert.Equal(t, []string{"pl-shared"}, m.UnresolvedPrefixLists())
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"from the internet to the list's port: indeterminate", tcp("203.0.113.9", "api", 5432), reach.Indeterminate, []reach.Code{reach.SGIndeterminate}},
		{"from an interface of the design too: the list may hold its address", tcp("db", "api", 5432), reach.Indeterminate, []reach.Code{reach.SGIndeterminate}},
		{"another rule allows it: reachable", tcp("db", "api", 22), reach.Reachable, []reach.Code{}},
		{"a port no rule names: unreachable", tcp("203.0.113.9", "api", 80), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes())
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "the verdict-only walk agrees")
			if tt.outcome != reach.Indeterminate {
				return
			}
			u := r.Undecided()
			require.Len(t, u, 1)
			assert.Equal(t, "sg-api sgr-shared allows tcp/5432 from pl-shared", u[0].Rule)
			assert.Contains(t, u[0].Missing, "the entries of prefix list pl-shared, which the input does not hold: whether "+u[0].Packet.Src.Addr().String()+
				" is in the list is unknown (rule: sg-api sgr-shared allows tcp/5432 from pl-shared)")
			assert.Contains(t, u[0].Fix, "aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-shared")
		})
	}

	t.Run("Ports: the list's port is undecided, the rest closed", func(t *testing.T) {
		p, err := m.Ports(reach.PortsQuery{From: "203.0.113.9", To: "api", Protocol: flow.TCP})
		require.NoError(t, err)
		assert.Equal(t, "none", p.Open.String())
		assert.Equal(t, "5432", p.Indeterminate.String())
	})
	t.Run("Sources: every internet address is left open, none reaches for certain", func(t *testing.T) {
		s, err := m.Sources(reach.SourcesQuery{To: "api", Protocol: flow.TCP, Port: 5432})
		require.NoError(t, err)
		assert.Empty(t, s.Internet)
		assert.NotEmpty(t, s.InternetIndeterminate)
		for _, a := range []string{"8.8.8.8", "203.0.113.9", "2.3.4.5"} {
			assert.True(t, slices.ContainsFunc(s.InternetIndeterminate, func(p netip.Prefix) bool { return p.Contains(netip.MustParseAddr(a)) }),
				"%s may be in the list", a)
		}
		var db *reach.SourceInterface
		for i := range s.Interfaces {
			if s.Interfaces[i].ID == "eni-db" {
				db = &s.Interfaces[i]
			}
		}
		require.NotNil(t, db, "db might be in the list")
		assert.Equal(t, reach.Indeterminate, db.Outcome)
	})
	t.Run("Audit: a rule by such a list may open PostgreSQL to the internet", func(t *testing.T) {
		a, err := m.Audit(reach.AuditOptions{})
		require.NoError(t, err)
		var found *reach.Finding
		for i := range a.Findings {
			if f := &a.Findings[i]; f.Interface == "eni-api" && f.Ports.Contains(5432) {
				found = f
			}
		}
		require.NotNil(t, found, "%+v", a.Findings)
		assert.Equal(t, reach.Undecided, found.Exposure)
		assert.Equal(t, []string{"sg-api rule sgr-shared (tcp/5432 from pl-shared)"}, found.OpenedBy)
	})
	t.Run("Lint names the list and says what it does", func(t *testing.T) {
		l, err := m.Lint(reach.LintOptions{Only: []string{reach.LintRefMissingPrefixList}})
		require.NoError(t, err)
		require.Len(t, l.Findings, 1)
		assert.Equal(t, "sg-api", l.Findings[0].Resource)
		assert.Contains(t, l.Findings[0].Message, "whose entries are not in the input: queries only it could allow are indeterminate")
	})
	t.Run("a list the design holds with its entries unknown answers alike", func(t *testing.T) {
		described, err := withAPI().AddPrefixList(reach.PrefixList{ID: "pl-other", MaxEntries: 5, EntriesUnknown: true}).
			AddSecurityGroup(sg.Group{ID: "sg-other", Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](8080), Peer: sg.PrefixList("pl-other")}}}).
			AddInterface(reach.Interface{ID: "eni-other", Subnet: "subnet-o", Groups: []string{"sg-other"}, PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.70")}}).Build()
		require.NoError(t, err)
		assert.Equal(t, []string{"pl-other", "pl-shared"}, described.UnresolvedPrefixLists())
		assert.Equal(t, reach.Indeterminate, check(t, described, tcp("db", "eni-other", 8080)).Outcome)
		again, err := reach.Rebuilt(described)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, check(t, again, tcp("db", "eni-other", 8080)).Outcome)
	})
	t.Run("the design round trip keeps the list unresolved", func(t *testing.T) {
		again, err := reach.Rebuilt(m)
		require.NoError(t, err)
		assert.Equal(t, []string{"pl-shared"}, again.UnresolvedPrefixLists())
		r := check(t, again, tcp("203.0.113.9", "api", 5432))
		assert.Equal(t, reach.Indeterminate, r.Outcome)
	})
}

// TestUnresolvedPrefixListInARoute: a route by a prefix list whose
// entries the input does not hold could be the longest match for any
// destination, so a lookup it could send elsewhere is undecided; the set
// questions refuse such a design.
func TestUnresolvedPrefixListInARoute(t *testing.T) {
	m, err := withAPI(reach.Route{PrefixList: "pl-shared", Target: reach.TargetBlackhole, TargetID: "nat-gone"}).Build()
	require.NoError(t, err)
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"to the internet, which 0.0.0.0/0 sends to the internet gateway: indeterminate", tcp("web", "203.0.113.9", 443), reach.Indeterminate, []reach.Code{reach.RouteIndeterminate}},
		{"inside the subnet, no lookup: decided", tcp("api", "db", 5432), reach.Reachable, []reach.Code{}},
		{"a certain block before the lookup decides", tcp("locked", "203.0.113.9", 443), reach.Unreachable, []reach.Code{reach.SGNoAllow, reach.RouteIndeterminate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes())
			if tt.outcome != reach.Indeterminate {
				return
			}
			u := r.Undecided()
			require.Len(t, u, 1)
			assert.Equal(t, reach.KindRouteTable, u[0].Kind)
			assert.Equal(t, "the entries of prefix list pl-shared, which the input does not hold: whether that route is the longest match depends on them", u[0].Missing)
			assert.Contains(t, r.Text(), "by prefix list pl-shared, whose entries the input does not hold, could match 203.0.113.9 and send it to nat-gone")
		})
	}
	t.Run("a static host route decides: no list entry is longer, and at equal length static wins", func(t *testing.T) {
		m, err := withAPI(reach.Route{Destination: netip.MustParsePrefix("203.0.113.9/32"), Target: reach.TargetInternetGateway, TargetID: "igw-o"},
			reach.Route{PrefixList: "pl-shared", Target: reach.TargetBlackhole, TargetID: "nat-gone"}).Build()
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, check(t, m, tcp("web", "203.0.113.9", 443)).Outcome)
		assert.Equal(t, reach.Indeterminate, check(t, m, tcp("web", "203.0.113.10", 443)).Outcome, "a neighbour the host route does not hold")
	})
	t.Run("a route to the same target as the match changes nothing", func(t *testing.T) {
		m, err := withAPI(reach.Route{PrefixList: "pl-shared", Target: reach.TargetInternetGateway, TargetID: "igw-o"}).Build()
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, check(t, m, tcp("web", "203.0.113.9", 443)).Outcome)
	})
	t.Run("the set questions answer it, the lookups it could change undecided", func(t *testing.T) {
		p, err := m.Ports(reach.PortsQuery{From: "web", To: "203.0.113.9", Protocol: flow.TCP})
		require.NoError(t, err)
		assert.True(t, p.Open.IsEmpty())
		assert.Equal(t, "1-65535", p.Indeterminate.String(), "every port: the lookup decides nothing")
		brute.CheckSetAnswers(t, m, brute.Options{
			Ports:   []reach.PortsQuery{{From: "web", To: "203.0.113.9", Protocol: flow.TCP}, {From: "api", To: "db", Protocol: flow.TCP}},
			Sources: []reach.SourcesQuery{{To: "api", Protocol: flow.TCP, Port: 5432}, {To: "web", Protocol: flow.TCP, Port: 443}},
			Few:     true,
		})
	})
}

// TestUnresolvedPrefixListBuildErrors: a list is either held or declared
// unresolved, and a reference to a list that is neither stays an error.
func TestUnresolvedPrefixListBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		b    *reach.Builder
		want string
	}{
		{"declared unresolved but held", withAPI().AddPrefixList(reach.PrefixList{ID: "pl-shared"}), "declared unresolved, but the design holds the list"},
		{"no ID", withAPI().AddUnresolvedPrefixList(""), "an unresolved prefix list needs its ID"},
		{"entries unknown, and entries listed", withAPI().AddPrefixList(reach.PrefixList{ID: "pl-other", EntriesUnknown: true, Entries: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}),
			"a list whose entries are unknown has none listed"},
		{"a rule by a list neither held nor declared", open().AddSecurityGroup(sg.Group{ID: "sg-x", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](1), Peer: sg.PrefixList("pl-nowhere")}}}).
			AddInterface(reach.Interface{ID: "eni-x", Subnet: "subnet-o", Groups: []string{"sg-x"}, PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.50")}}),
			"prefix list pl-nowhere is not in the design"},
		{"an Alibaba Cloud rule by such a list", withAPI().AddSecurityGroup(sg.Group{ID: "sg-ali", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](1), Priority: 1, Action: flow.Drop, Peer: sg.PrefixList("pl-shared")}}}).
			AddInterface(reach.Interface{ID: "eni-ali", Subnet: "subnet-o", Groups: []string{"sg-ali"}, PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.60")}}),
			"a reference to a prefix list whose entries are unknown cannot be judged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.b.Build()
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestUnresolvedPrefixListInAFirewall: a firewall rule whose IP set
// reference names a prefix list whose entries the input does not hold is
// undecidable where those entries could decide, and the hop says which
// list to add.
func TestUnresolvedPrefixListInAFirewall(t *testing.T) {
	const arn = "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-partners"
	d := sample.ThreeTierDesign()
	g := &d.Firewalls[0].Policy.Stateful.Groups[0].Group
	g.IPSetReferences = map[string]string{"PARTNERS": arn}
	g.RulesString = "drop tcp @PARTNERS any -> 10.0.1.0/24 443 (sid:5;)\n" + g.RulesString
	m, err := d.Builder().AddUnresolvedPrefixList("pl-partners").Build()
	require.NoError(t, err)
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
	}{
		{"from the internet to the web tier: the list may hold the client", tcp("203.0.113.9", "web-1", 443), reach.Indeterminate},
		{"a port the rule does not name: decided", tcp("203.0.113.9", "web-1", 22), reach.Unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, m, tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v)
			if tt.outcome != reach.Indeterminate {
				return
			}
			u := r.Undecided()
			require.Len(t, u, 1)
			assert.Equal(t, reach.FirewallIndeterminate, u[0].Code)
			assert.Equal(t, "the entries of IP set reference @PARTNERS ("+arn+"), which the input does not hold: whether the rule matches depends on them", u[0].Missing)
			assert.Contains(t, u[0].Fix, "get-managed-prefix-list-entries")
		})
	}
	t.Run("without the declaration the reference is an error", func(t *testing.T) {
		_, err := d.Builder().Build()
		assert.ErrorContains(t, err, "prefix list pl-partners is not in the design")
	})
	t.Run("a list of the other family certainly holds no client: decided as without the rule", func(t *testing.T) {
		v6, err := d.Builder().AddPrefixList(reach.PrefixList{ID: "pl-partners", EntriesUnknown: true, AddressFamily: sg.FamilyIPv6}).Build()
		require.NoError(t, err)
		r := check(t, v6, tcp("203.0.113.9", "web-1", 443))
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		v4, err := d.Builder().AddPrefixList(reach.PrefixList{ID: "pl-partners", EntriesUnknown: true, AddressFamily: sg.FamilyIPv4}).Build()
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, check(t, v4, tcp("203.0.113.9", "web-1", 443)).Outcome, "a list of the client's family may hold it")
	})
}

// TestFixNamesSessionsThatWereUndecided: a fix that closes a session whose
// answer was indeterminate (a rule by an unresolved list might admit the
// client) alters it, and says so: "other sessions changed" is not none.
func TestFixNamesSessionsThatWereUndecided(t *testing.T) {
	m, err := withAPI().AddInterface(reach.Interface{ID: "eni-api2", Name: "api2", Subnet: "subnet-o", Groups: []string{"sg-api"},
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.41")}, PublicIP: netip.MustParseAddr("198.51.100.41")}).Build()
	require.NoError(t, err)
	q, other := tcp("203.0.113.9", "api", 5432), tcp("203.0.113.9", "api2", 5432)
	require.Equal(t, reach.Indeterminate, check(t, m, other).Outcome)
	fx, err := m.Fix(q, reach.Unreachable)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, check(t, fx.Patched, other).Outcome, "the fix closes api2's session too")
	var found *reach.SessionChange
	for i := range fx.AlsoChanged {
		if sc := &fx.AlsoChanged[i]; sc.To == "eni-api2" || sc.To == "api2" {
			found = sc
		}
	}
	require.NotNil(t, found, "%+v", fx.AlsoChanged)
	assert.True(t, found.IndeterminateLost.Contains(5432), "%+v", *found)
	assert.True(t, found.Gained.IsEmpty())
}

// TestResourceGroupIPSet: an IP set reference to a resource group, whose
// members' addresses the input never holds, makes the rules that use it
// undecidable where they could decide, and says so.
func TestResourceGroupIPSet(t *testing.T) {
	const arn = "arn:aws:resource-groups:us-east-1:111122223333:group/partners"
	d := sample.ThreeTierDesign()
	g := &d.Firewalls[0].Policy.Stateful.Groups[0].Group
	g.IPSetReferences = map[string]string{"PARTNERS": arn}
	g.RulesString = "drop tcp @PARTNERS any -> 10.0.1.0/24 443 (sid:5;)\n" + g.RulesString
	m, err := d.Builder().Build()
	require.NoError(t, err, "no declaration needed: a resource group is never in the input")
	r := check(t, m, tcp("203.0.113.9", "web-1", 443))
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	u := r.Undecided()
	require.Len(t, u, 1)
	assert.Equal(t, "the members of the resource group of IP set reference @PARTNERS ("+arn+"), whose addresses the input does not hold: whether the rule matches depends on them", u[0].Missing)
	assert.Contains(t, u[0].Fix, "aws resource-groups list-group-resources")
}

// dualAPI is a dual-stack design: vpc-d (10.7.0.0/16, 2001:db8:70::/56),
// whose main table routes 0.0.0.0/0 and ::/0 to its internet gateway
// (and routes too), and subnet-d (10.7.1.0/24, 2001:db8:70:1::/64),
// holding api (10.7.1.40, 2001:db8:70:1::40, public 198.51.100.70),
// whose group admits tcp/5432 from prefix list pl-fam, whose entries the
// input does not hold and whose address family is fam, and web
// (10.7.1.10, 2001:db8:70:1::10, public 198.51.100.71), open both ways.
func dualAPI(fam string, routes ...reach.Route) *reach.Builder {
	outAll := func(p sg.Peer) sg.Rule {
		return sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: p}
	}
	inAll := outAll(sg.AnyIPv4)
	inAll.Direction = flow.Inbound
	inAll6 := outAll(sg.AnyIPv6)
	inAll6.Direction = flow.Inbound
	api := sg.Group{ID: "sg-api", Rules: []sg.Rule{
		{ID: "sgr-fam", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.PrefixList("pl-fam")},
		outAll(sg.AnyIPv4), outAll(sg.AnyIPv6),
	}}
	web := sg.Group{ID: "sg-web", Rules: []sg.Rule{inAll, inAll6, outAll(sg.AnyIPv4), outAll(sg.AnyIPv6)}}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-d", CIDRs: []netip.Prefix{bp("10.7.0.0/16"), bp("2001:db8:70::/56")}, MainRouteTable: "rtb-d", DefaultACL: "acl-d"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-d", VPC: "vpc-d"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-d", VPC: "vpc-d", Routes: append([]reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-d"},
			{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-d"}}, routes...)}).
		AddNetworkACL(nacl.NewDefault("acl-d", "vpc-d", true)).
		AddSubnet(reach.Subnet{ID: "subnet-d", VPC: "vpc-d", CIDRs: []netip.Prefix{bp("10.7.1.0/24"), bp("2001:db8:70:1::/64")}}).
		AddPrefixList(reach.PrefixList{ID: "pl-fam", MaxEntries: 10, EntriesUnknown: true, AddressFamily: fam}).
		AddSecurityGroup(api, web).
		AddInterface(
			reach.Interface{ID: "eni-api", Name: "api", Subnet: "subnet-d", Groups: []string{"sg-api"},
				PrivateIPs: []netip.Addr{ba("10.7.1.40"), ba("2001:db8:70:1::40")}, PublicIP: ba("198.51.100.70")},
			reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-d", Groups: []string{"sg-web"},
				PrivateIPs: []netip.Addr{ba("10.7.1.10"), ba("2001:db8:70:1::10")}, PublicIP: ba("198.51.100.71")})
}

// TestUnresolvedPrefixListOfOneFamily: a list holds blocks of its address
// family only, so one whose entries the input lacks but whose family it
// gives leaves the answers for the other family certain: its rules
// certainly match no address of that family, its routes route none, and
// the set questions agree with Check.
func TestUnresolvedPrefixListOfOneFamily(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	const (
		client4 = "203.0.113.9"
		client6 = "2a05:d018::9"
	)
	tests := []struct {
		fam            string
		from4, from6   reach.Outcome // internet clients to api, tcp/5432
		route4, route6 reach.Outcome // web to the internet, with a route by the list to a blackhole
	}{
		{sg.FamilyIPv4, reach.Indeterminate, reach.Unreachable, reach.Indeterminate, reach.Reachable},
		{sg.FamilyIPv6, reach.Unreachable, reach.Indeterminate, reach.Reachable, reach.Indeterminate},
		{"", reach.Indeterminate, reach.Indeterminate, reach.Indeterminate, reach.Indeterminate},
	}
	for _, tt := range tests {
		t.Run("family "+cmp.Or(tt.fam, "unknown"), func(t *testing.T) {
			m, err := dualAPI(tt.fam).Build()
			require.NoError(t, err)
			assert.Equal(t, []string{"pl-fam"}, m.UnresolvedPrefixLists())
			for _, c := range []struct {
				q    reach.Query
				want reach.Outcome
			}{
				{tcp(client4, "198.51.100.70", 5432), tt.from4},
				{tcp(client6, "2001:db8:70:1::40", 5432), tt.from6},
				{tcp("web", "10.7.1.40", 5432), tt.from4},
				{tcp("2001:db8:70:1::10", "2001:db8:70:1::40", 5432), tt.from6},
			} {
				r := check(t, m, c.q)
				assert.Equal(t, c.want, r.Outcome, "%s -> %s: %s", c.q.From, c.q.To, r.Text())
				v, err := m.Verdict(c.q)
				require.NoError(t, err)
				assert.Equal(t, c.want, v, "the verdict-only walk agrees")
			}
			p, err := m.Ports(reach.PortsQuery{From: client6, To: "2001:db8:70:1::40", Protocol: flow.TCP})
			require.NoError(t, err)
			assert.Equal(t, tt.from6 == reach.Indeterminate, p.Indeterminate.Contains(5432), "Ports over IPv6: %s", p.Indeterminate)
			for _, a := range []string{client4, client6} {
				v6 := ba(a).Is6()
				want := tt.from4
				if v6 {
					want = tt.from6
				}
				s, err := m.Sources(reach.SourcesQuery{To: "api", Protocol: flow.TCP, Port: 5432, IPv6: v6})
				require.NoError(t, err)
				assert.Empty(t, s.Internet)
				assert.Equal(t, want == reach.Indeterminate, slices.ContainsFunc(s.InternetIndeterminate, func(p netip.Prefix) bool { return p.Contains(ba(a)) }),
					"Sources: %s may be in the list", a)
			}
			var opened, want []string
			for _, v6 := range []bool{false, true} {
				a, err := m.Audit(reach.AuditOptions{IPv6: v6})
				require.NoError(t, err)
				for _, f := range a.Findings {
					if f.Interface == "eni-api" && f.Ports.Contains(5432) {
						assert.Equal(t, reach.Undecided, f.Exposure)
						opened = append(opened, f.Address.String())
					}
				}
			}
			if tt.from4 == reach.Indeterminate {
				want = append(want, "198.51.100.70")
			}
			if tt.from6 == reach.Indeterminate {
				want = append(want, "2001:db8:70:1::40")
			}
			assert.ElementsMatch(t, want, opened, "Audit: the list opens PostgreSQL to the internet addresses of its family only")
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports: []reach.PortsQuery{{From: client6, To: "2001:db8:70:1::40", Protocol: flow.TCP}, {From: client4, To: "198.51.100.70", Protocol: flow.TCP},
					{From: "2001:db8:70:1::10", To: "2001:db8:70:1::40", Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "api", Protocol: flow.TCP, Port: 5432}, {To: "api", Protocol: flow.TCP, Port: 5432, IPv6: true}},
				IPv6:    true,
				Few:     true,
			})
		})
		t.Run("family "+cmp.Or(tt.fam, "unknown")+": a route by the list", func(t *testing.T) {
			m, err := dualAPI(tt.fam, reach.Route{PrefixList: "pl-fam", Target: reach.TargetBlackhole, TargetID: "nat-gone"}).Build()
			require.NoError(t, err)
			for _, c := range []struct {
				q    reach.Query
				want reach.Outcome
			}{
				{tcp("web", client4, 443), tt.route4},
				{tcp("2001:db8:70:1::10", client6, 443), tt.route6},
			} {
				r := check(t, m, c.q)
				assert.Equal(t, c.want, r.Outcome, "%s -> %s: %s", c.q.From, c.q.To, r.Text())
				if c.want == reach.Indeterminate {
					assert.Equal(t, []reach.Code{reach.RouteIndeterminate}, r.Codes())
				}
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "2001:db8:70:1::10", To: client6, Protocol: flow.TCP}, {From: "web", To: client4, Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "web", Protocol: flow.TCP, Port: 443}, {To: "web", Protocol: flow.TCP, Port: 443, IPv6: true}},
				IPv6:    true,
				Few:     true,
			})
		})
	}
	t.Run("the design round trip and Diff keep the family", func(t *testing.T) {
		m, err := dualAPI(sg.FamilyIPv4).Build()
		require.NoError(t, err)
		again, err := reach.Rebuilt(m)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, check(t, again, tcp(client6, "2001:db8:70:1::40", 5432)).Outcome)
		assert.Equal(t, reach.Indeterminate, check(t, again, tcp(client4, "198.51.100.70", 5432)).Outcome)
		anyFam, err := dualAPI("").Build()
		require.NoError(t, err)
		d, err := reach.Diff(m, anyFam, reach.DiffOptions{})
		require.NoError(t, err)
		var details []string
		for _, rc := range d.Resources {
			if rc.ID == "pl-fam" {
				details = append(details, rc.Details...)
			}
		}
		assert.Contains(t, details, "AddressFamily: IPv4 -> unknown")
	})
}

// TestPrefixListAddressFamilyErrors: an address family is IPv4 or IPv6,
// and a list holds blocks of its family only.
func TestPrefixListAddressFamilyErrors(t *testing.T) {
	tests := []struct {
		name string
		l    reach.PrefixList
		want string
	}{
		{"another spelling", reach.PrefixList{ID: "pl-x", EntriesUnknown: true, AddressFamily: "ipv4"},
			`prefixLists[0].AddressFamily`},
		{"an entry of the other family", reach.PrefixList{ID: "pl-x", AddressFamily: sg.FamilyIPv4, Entries: []netip.Prefix{bp("2001:db8::/32")}},
			"not a block of the list's address family, IPv4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reach.NewBuilder().AddPrefixList(tt.l).Build()
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := reach.NewBuilder().AddPrefixList(reach.PrefixList{ID: "pl-x", AddressFamily: sg.FamilyIPv6, Entries: []netip.Prefix{bp("2001:db8::/32")}}).Build()
	assert.NoError(t, err, "an IPv6 list of IPv6 blocks")
}
