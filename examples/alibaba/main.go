// Command alibaba shows how Alibaba Cloud ECS security groups decide,
// and where they differ from AWS's, with package sg:
//
//  1. Priorities. Rules accept or drop, with a priority from 1 (first) to
//     100; the order they are listed in does not matter.
//  2. Ties. At equal priority a drop beats an accept, across the groups of
//     one interface too.
//  3. Defaults. A basic group lets outbound traffic out when no rule
//     matches; an enterprise group denies both directions.
//  4. Inner access policy. Members of a basic group reach each other
//     (policy Accept), and that beats every rule, drops included; with
//     policy Drop they are isolated: the lowest priority, and inbound
//     only, so a member's inbound packet meets the rules and then is
//     denied, while outbound the basic group's open default still lets
//     packets out to members. Enterprise groups always isolate their
//     members: only rules let them reach each other.
//  5. Platform rules, with package reach. Alibaba Cloud blocks outbound
//     TCP to port 25 toward the internet from an ECS instance until the
//     account has it unblocked (reach.Interface.Port25Unblocked), whatever
//     the groups allow; and some carriers block high-risk ports (25, 135,
//     139, 444, 445, 5800, 5900), which a check reports as a warning.
//
// In parts 1 to 4 every packet is judged on the interface of 10.0.0.5, a
// member of each group, with 10.0.0.6 as another member.
//
//	go run ./examples/alibaba
package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// rule builds an Alibaba rule: tcp to ports, from (inbound) or to
// (outbound) peer, with an action and a priority.
func rule(id string, dir flow.Direction, action flow.Action, prio int, ports flow.PortRange, peer string) sg.Rule {
	return sg.Rule{ID: id, Direction: dir, Action: action, Priority: prio, Protocol: flow.TCP, Ports: ports,
		ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(peer)}
}

var (
	ssh   = flow.Single[uint16](22)
	https = flow.Single[uint16](443)
	mysql = flow.Single[uint16](3306)
	pg    = flow.Single[uint16](5432)
)

// The groups. Each is attached to the interface 10.0.0.5 (and to 10.0.0.6,
// for the inner access policy).
var (
	// Priorities: the drop is listed first, but the accept has the lower
	// number, so it is tried first.
	sshPolicy = sg.Group{ID: "sg-ssh", Name: "ssh", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
		rule("sgr-ssh-drop-all", flow.Inbound, flow.Drop, 10, ssh, "0.0.0.0/0"),
		rule("sgr-ssh-vpn", flow.Inbound, flow.Pass, 1, ssh, "10.0.0.0/8"),
	}}
	// Ties: two groups on one interface, one priority.
	webOpen = sg.Group{ID: "sg-web-open", Name: "web-open", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		rule("sgr-https-all", flow.Inbound, flow.Pass, 5, https, "0.0.0.0/0"),
	}}
	webBlock = sg.Group{ID: "sg-web-block", Name: "web-block", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		rule("sgr-https-bad", flow.Inbound, flow.Drop, 5, https, "192.0.2.0/24"),
	}}
	// Defaults: the same single inbound rule, two group types.
	basic = sg.Group{ID: "sg-basic", Name: "basic", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		rule("sgr-basic-https", flow.Inbound, flow.Pass, 1, https, "0.0.0.0/0"),
	}}
	enterprise = sg.Group{ID: "sg-enterprise", Name: "enterprise", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
		rule("sgr-ent-https", flow.Inbound, flow.Pass, 1, https, "0.0.0.0/0"),
	}}
	// Inner access policy: a basic group with Accept (and a drop rule that
	// would stop MySQL from the whole VPC), a basic group with Drop (and a
	// rule that lets PostgreSQL in from the VPC), and an enterprise group.
	innerAccept = sg.Group{ID: "sg-inner-accept", Name: "inner-accept", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		rule("sgr-no-mysql", flow.Inbound, flow.Drop, 1, mysql, "10.0.0.0/16"),
	}}
	innerDrop = sg.Group{ID: "sg-inner-drop", Name: "inner-drop", Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: []sg.Rule{
		rule("sgr-pg-vpc", flow.Inbound, flow.Pass, 1, pg, "10.0.0.0/16"),
	}}
	innerEnterprise = sg.Group{ID: "sg-inner-ent", Name: "inner-enterprise", Flavour: sg.AlibabaEnterprise}
)

// members answers group membership for the inner access policies: both
// interfaces are in every group.
var members = func() sg.StaticResolver {
	both := []netip.Addr{netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("10.0.0.6")}
	r := sg.StaticResolver{Members: map[string][]netip.Addr{}}
	for _, g := range []sg.Group{sshPolicy, webOpen, webBlock, basic, enterprise, innerAccept, innerDrop, innerEnterprise} {
		r.Members[g.ID] = both
	}
	return r
}()

// question is one packet crossing the interface of 10.0.0.5 with the
// given groups attached.
type question struct {
	part   int
	about  string
	groups []sg.Group
	flow   string
	dir    flow.Direction
}

var questions = []question{
	{1, "SSH from the VPN: the accept at priority 1 comes first", []sg.Group{sshPolicy},
		"tcp 10.1.2.3:40000 -> 10.0.0.5:22", flow.Inbound},
	{1, "SSH from the internet: only the drop at priority 10 matches", []sg.Group{sshPolicy},
		"tcp 198.51.100.7:40000 -> 10.0.0.5:22", flow.Inbound},
	{2, "HTTPS from anywhere: the accept", []sg.Group{webOpen, webBlock},
		"tcp 198.51.100.7:40000 -> 10.0.0.5:443", flow.Inbound},
	{2, "HTTPS from 192.0.2.9: accept and drop at priority 5, the drop wins", []sg.Group{webOpen, webBlock},
		"tcp 192.0.2.9:40000 -> 10.0.0.5:443", flow.Inbound},
	{3, "basic group, outbound, no rule: let out", []sg.Group{basic},
		"tcp 10.0.0.5:40000 -> 198.51.100.7:443", flow.Outbound},
	{3, "enterprise group, outbound, no rule: denied", []sg.Group{enterprise},
		"tcp 10.0.0.5:40000 -> 198.51.100.7:443", flow.Outbound},
	{3, "basic group, inbound, no rule: denied", []sg.Group{basic},
		"tcp 198.51.100.7:40000 -> 10.0.0.5:8080", flow.Inbound},
	{4, "basic group, policy Accept: a member gets in despite the drop rule", []sg.Group{innerAccept},
		"tcp 10.0.0.6:40000 -> 10.0.0.5:3306", flow.Inbound},
	{4, "basic group, policy Accept: a non-member meets the drop rule", []sg.Group{innerAccept},
		"tcp 10.0.9.9:40000 -> 10.0.0.5:3306", flow.Inbound},
	{4, "basic group, policy Drop: a member is isolated", []sg.Group{innerDrop},
		"tcp 10.0.0.6:40000 -> 10.0.0.5:22", flow.Inbound},
	{4, "basic group, policy Drop: a rule still lets a member in", []sg.Group{innerDrop},
		"tcp 10.0.0.6:40000 -> 10.0.0.5:5432", flow.Inbound},
	{4, "basic group, policy Drop: isolation is inbound only, the open default lets a packet out to a member", []sg.Group{innerDrop},
		"tcp 10.0.0.5:40000 -> 10.0.0.6:22", flow.Outbound},
	{4, "enterprise group: no inner access, a member is denied like anyone", []sg.Group{innerEnterprise},
		"tcp 10.0.0.6:40000 -> 10.0.0.5:22", flow.Inbound},
}

var parts = map[int]string{
	1: "priorities: lowest number first, whatever the order",
	2: "ties: drop beats accept, across groups too",
	3: "defaults: basic versus enterprise groups",
	4: "inner access policy: members of one group",
}

// answer is a question with the groups' decision.
type answer struct {
	question
	decision sg.Decision
}

// run asks every question and writes the answers to w.
func run(w io.Writer) ([]answer, error) {
	var out []answer
	part := 0
	for _, q := range questions {
		if q.part != part {
			if part != 0 {
				fmt.Fprintln(w)
			}
			part = q.part
			fmt.Fprintf(w, "##### %d. %s\n", part, parts[part])
		}
		e, err := sg.Compile(q.groups, members)
		if err != nil {
			return nil, err
		}
		f, err := flow.Parse(q.flow)
		if err != nil {
			return nil, err
		}
		d := e.Evaluate(f, q.dir)
		out = append(out, answer{q, d})
		fmt.Fprintf(w, "%s\n  %s %s\n  %s [%s]\n", q.about, q.dir, q.flow, d, d.Basis)
	}
	return out, nil
}

// platformModel is one VPC with an internet gateway and two ECS
// instances in a basic group that lets everything out and HTTPS and SMB
// in: mail-1, whose account had port 25 unblocked, and web-1, whose did
// not.
func platformModel() (*reach.Model, error) {
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	out := sg.Group{ID: "sg-ecs", Name: "ecs", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		rule("sgr-https-in", flow.Inbound, flow.Pass, 1, https, "0.0.0.0/0"),
		rule("sgr-smb-in", flow.Inbound, flow.Pass, 1, flow.Single[uint16](445), "0.0.0.0/0"),
	}}
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "vtb-1", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "vtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "vsw-1", VPC: "vpc-1", CIDRs: []netip.Prefix{p("10.0.0.0/24")}}).
		AddSecurityGroup(out).
		AddInterface(
			reach.Interface{ID: "eni-web", Name: "web-1", Subnet: "vsw-1", PrivateIPs: []netip.Addr{a("10.0.0.5")},
				PublicIP: a("198.51.100.5"), Groups: []string{"sg-ecs"}},
			reach.Interface{ID: "eni-mail", Name: "mail-1", Subnet: "vsw-1", PrivateIPs: []netip.Addr{a("10.0.0.6")},
				PublicIP: a("198.51.100.6"), Groups: []string{"sg-ecs"}, Port25Unblocked: true},
		).Build()
}

// platformQueries are part 5's questions.
var platformQueries = []reach.Query{
	{From: "web-1", To: "203.0.113.25", Protocol: flow.TCP, Port: 25},
	{From: "mail-1", To: "203.0.113.25", Protocol: flow.TCP, Port: 25},
	{From: "web-1", To: "203.0.113.25", Protocol: flow.TCP, Port: 465},
	{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP, Port: 445},
}

// platform checks part 5's questions and writes each verdict, its
// blocking codes and its warnings to w.
func platform(w io.Writer) ([]*reach.Result, error) {
	m, err := platformModel()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "##### 5. platform rules: port 25 and high-risk ports")
	var out []*reach.Result
	for _, q := range platformQueries {
		r, err := m.Check(q)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		verdict := "reachable"
		if !r.Reachable {
			verdict = fmt.Sprintf("not reachable %v", r.Codes())
		}
		fmt.Fprintf(w, "%s %s -> %s:%d\n  %s\n", q.Protocol, q.From, q.To, q.Port, verdict)
		for _, b := range r.Blocks {
			fmt.Fprintf(w, "  fix: %s\n", b.Fix)
		}
		for _, warn := range r.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", warn)
		}
	}
	return out, nil
}

func main() {
	_, err := run(os.Stdout)
	if err == nil {
		fmt.Println()
		_, err = platform(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "alibaba:", err)
		os.Exit(1)
	}
}
