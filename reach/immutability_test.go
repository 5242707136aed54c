package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/scramble"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

const clientsARN = "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-clients"

// ownedDesign is small() with a prefix list that routing, a security group
// and a firewall's IP set reference all read: web-a's subnet reaches the
// internet only through a route to pl-clients, and only its clients may
// open HTTPS to web-a.
func ownedDesign(t *testing.T) *reach.Model {
	t.Helper()
	d := small()
	d.RouteTables[1].Routes = []reach.Route{{PrefixList: "pl-clients", Target: reach.TargetInternetGateway, TargetID: "igw-s"}}
	d.Groups = append(d.Groups, sg.Group{ID: "sg-pl", Name: "clients", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.PrefixList("pl-clients")},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}})
	d.Interfaces[0].Groups = []string{"sg-pl"}
	d.Subnets[0].ACL = "acl-open"
	pass := stateless.DefaultAction{Action: flow.Forward}
	d.Firewalls = []reach.Firewall{{ID: "fw-s", VPC: "vpc-s", Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-s", Subnet: "subnet-priv"}},
		Policy: firewall.Policy{Name: "p", Stateless: stateless.Config{Default: pass, FragmentDefault: pass},
			Stateful: stateful.Config{Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "g",
				RulesString:     "pass tcp @CLIENTS any -> any 443 (sid:1;)",
				IPSetReferences: map[string]string{"CLIENTS": clientsARN}}}}}}}}
	m, err := d.Builder().AddPrefixList(reach.PrefixList{ID: "pl-clients", Entries: []netip.Prefix{bp("192.0.2.0/24")}}).Build()
	require.NoError(t, err)
	return m
}

var ownedQueries = []reach.Query{
	tcp("192.0.2.7", "web-a", 443), tcp("192.0.2.7", "web-a", 22), tcp("198.51.100.7", "web-a", 443),
	tcp("web-a", "web-b", 80), tcp("worker", "192.0.2.7", 443), {From: "web-a", To: "192.0.2.7", Protocol: flow.ICMP},
}

// answers renders every query's result as JSON: the exact content of the
// results, to compare before and after.
func answers(t *testing.T, m *reach.Model) []string {
	out := make([]string, len(ownedQueries))
	for i, q := range ownedQueries {
		r, err := m.Check(q)
		if err != nil {
			t.Errorf("%+v: %v", q, err)
			return nil
		}
		b, err := r.JSON()
		if err != nil {
			t.Errorf("%+v: %v", q, err)
			return nil
		}
		out[i] = string(b)
	}
	return out
}

// Everything the public API of a Model returns is the caller's own:
// changing all of it — every element, every field, every entry — while
// other goroutines check changes no later answer. Run it with -race.
func TestModelOwnsItsData(t *testing.T) {
	m := ownedDesign(t)
	want := answers(t, m)
	r, err := m.Check(ownedQueries[0])
	require.NoError(t, err)
	require.True(t, r.Reachable, "the prefix-list route carries the reply: the test proves something\n%s", r.Text())

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got := answers(t, m); !assert.Equal(t, want, got) {
					return
				}
			}
		})
	}
	for range 20 {
		ps, err := m.PrefixList("pl-clients")
		require.NoError(t, err)
		scramble.All(ps)
		for _, ref := range []string{clientsARN, "pl-clients"} {
			ps, err := m.IPSet(ref)
			require.NoError(t, err)
			scramble.All(ps)
		}
		for _, g := range []string{"sg-pl", "sg-open"} {
			as, err := m.GroupMembers(g)
			require.NoError(t, err)
			scramble.All(as)
		}
		for _, q := range ownedQueries {
			r, err := m.Check(q)
			require.NoError(t, err)
			scramble.All(r)
			f, err := m.CheckFlow(flow.MustParse("tcp 192.0.2.7:50000 -> 198.51.100.10:443"))
			require.NoError(t, err)
			scramble.All(f)
		}
	}
	close(stop)
	wg.Wait()
	assert.Equal(t, want, answers(t, m), "the model answers as before")
	ps, err := m.PrefixList("pl-clients")
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{bp("192.0.2.0/24")}, ps)
	ps, err = m.IPSet(clientsARN)
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{bp("192.0.2.0/24")}, ps)
	as, err := m.GroupMembers("sg-pl")
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{ba("10.1.1.10")}, as)
}

// Model.Interfaces returns copies: scrambling every field of what it
// returned, delegated prefixes and public addresses included, changes
// nothing the model returns next.
func TestInterfacesAreCopies(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Interfaces {
		if d.Interfaces[i].ID == "eni-app1" {
			d.Interfaces[i].DelegatedPrefixes = []netip.Prefix{bp("10.0.2.64/28")}
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	first := m.Interfaces()
	require.True(t, slices.ContainsFunc(first, func(in reach.Interface) bool { return len(in.DelegatedPrefixes) == 1 }))
	want := fmt.Sprintf("%+v", first) // a snapshot: first itself may share the model's arrays
	got := m.Interfaces()
	scramble.All(got)
	for _, in := range got { // netip values have no fields scramble reaches
		for i := range in.DelegatedPrefixes {
			in.DelegatedPrefixes[i] = bp("192.0.2.0/28")
		}
		for i := range in.PrivateIPs {
			in.PrivateIPs[i] = ba("192.0.2.1")
		}
	}
	assert.Equal(t, want, fmt.Sprintf("%+v", m.Interfaces()))
}
