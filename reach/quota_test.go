package reach_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// quotaRow is a warning as the tests compare it.
type quotaRow struct {
	kind, id, what string
	count, limit   int
}

func quotaRows(ws []reach.QuotaWarning) []quotaRow {
	out := []quotaRow{}
	for _, w := range ws {
		out = append(out, quotaRow{w.Kind, w.Resource, w.What, w.Count, w.Limit})
	}
	return out
}

// cidrRules returns n rules of direction d to distinct /32s of family v6.
func cidrRules(d flow.Direction, n int, v6 bool) []sg.Rule {
	rs := make([]sg.Rule, n)
	for i := range rs {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, byte(i >> 8), byte(i)}), 32)
		if v6 {
			p = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)}), 128)
		}
		rs[i] = sg.Rule{Direction: d, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: p}}
	}
	return rs
}

func aclEntries(d flow.Direction, n int) []nacl.Entry {
	es := make([]nacl.Entry, n)
	for i := range es {
		es[i] = nacl.Entry{Number: 100 + i, Action: flow.Pass, Direction: d, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
	}
	return es
}

func routes(n int, v6 bool) []reach.Route {
	rs := make([]reach.Route, n)
	for i := range rs {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, byte(i), 0}), 24)
		if v6 {
			p = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0xff, byte(i)}), 48)
		}
		rs[i] = reach.Route{Destination: p, Target: reach.TargetInternetGateway, TargetID: "igw-s"}
	}
	return rs
}

func TestQuotaWarnings(t *testing.T) {
	list := func(max, n int) reach.PrefixList {
		l := reach.PrefixList{ID: "pl-big", MaxEntries: max}
		for i := range n {
			l.Entries = append(l.Entries, netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 18, byte(i), 0}), 24))
		}
		return l
	}
	for _, tt := range []struct {
		name   string
		change func(d *sample.Design) []reach.PrefixList
		want   []quotaRow
	}{
		{"a design within every quota has no warning", func(*sample.Design) []reach.PrefixList { return nil }, []quotaRow{}},
		{"60 inbound IPv4 rules are within the quota, 61 are not", func(d *sample.Design) []reach.PrefixList {
			d.Groups[0].Rules = append(cidrRules(flow.Inbound, 60, false), cidrRules(flow.Outbound, 61, false)...)
			return nil
		}, []quotaRow{{"security group", "sg-open", "outbound IPv4 rules", 61, 60}}},
		{"IPv4 and IPv6 rules are counted apart", func(d *sample.Design) []reach.PrefixList {
			d.Groups[0].Rules = append(cidrRules(flow.Inbound, 60, false), cidrRules(flow.Inbound, 62, true)...)
			return nil
		}, []quotaRow{{"security group", "sg-open", "inbound IPv6 rules", 62, 60}}},
		{"a prefix list counts as its MaxEntries", func(d *sample.Design) []reach.PrefixList {
			d.Groups[0].Rules = append(cidrRules(flow.Inbound, 20, false),
				sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.AllPorts, Peer: sg.Peer{Kind: sg.PeerPrefixList, PrefixList: "pl-big"}})
			return []reach.PrefixList{list(45, 3)}
		}, []quotaRow{{"security group", "sg-open", "inbound IPv4 rules", 65, 60}}},
		{"a prefix list above its MaxEntries", func(d *sample.Design) []reach.PrefixList {
			return []reach.PrefixList{list(2, 3)}
		}, []quotaRow{{"prefix list", "pl-big", "entries", 3, 2}}},
		{"six security groups on one interface", func(d *sample.Design) []reach.PrefixList {
			for i := range 5 {
				d.Groups = append(d.Groups, sg.Group{ID: fmt.Sprintf("sg-%d", i)})
				d.Interfaces[1].Groups = append(d.Interfaces[1].Groups, fmt.Sprintf("sg-%d", i))
			}
			return nil
		}, []quotaRow{{"network interface", "eni-b", "security groups", 6, 5}}},
		{"21 inbound network ACL rules", func(d *sample.Design) []reach.PrefixList {
			d.ACLs[1].Entries = append(aclEntries(flow.Inbound, 21), aclEntries(flow.Outbound, 20)...)
			return nil
		}, []quotaRow{{"network ACL", "acl-open", "inbound rules", 21, 20}}},
		{"51 IPv4 routes, local routes not counted", func(d *sample.Design) []reach.PrefixList {
			d.RouteTables[0].Routes = append(routes(51, false), routes(50, true)...)
			d.RouteTables[0].Routes = append(d.RouteTables[0].Routes, reach.Route{Destination: netip.MustParsePrefix("10.1.0.0/16"), Target: reach.TargetLocal})
			return nil
		}, []quotaRow{{"route table", "rtb-main", "IPv4 routes", 51, 50}}},
		{"propagated routes are not counted", func(d *sample.Design) []reach.PrefixList {
			d.RouteTables[0].Routes = routes(50, false)
			for _, r := range routes(5, false) {
				r.Target, r.TargetID, r.Propagated = reach.TargetUnmodelled, "vgw-1", true
				d.RouteTables[0].Routes = append(d.RouteTables[0].Routes, r)
			}
			return nil
		}, []quotaRow{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := small()
			lists := tt.change(d)
			m, err := d.Builder().AddPrefixList(lists...).Build()
			require.NoError(t, err)
			assert.Equal(t, tt.want, quotaRows(m.QuotaWarnings()))
		})
	}
}

func TestQuotaWarningsOfFirewallPolicies(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	d := sample.ThreeTierDesign()
	m, err := d.Builder().Build()
	require.NoError(t, err)
	assert.Empty(t, m.QuotaWarnings(), "the sample is within every quota")

	var rules strings.Builder
	for i := range 30001 {
		fmt.Fprintf(&rules, "pass tcp any any -> 10.0.1.0/24 %d (sid:%d;)\n", i%65535+1, i+1)
	}
	pol := &d.Firewalls[0].Policy.Stateful
	pol.Groups = append(pol.Groups, stateful.GroupRef{Priority: 30, Group: stateful.RuleGroup{Name: "huge", RulesString: rules.String(), RuleOrder: stateful.StrictOrder}})
	for i := range 18 {
		pol.Groups = append(pol.Groups, stateful.GroupRef{Priority: 100 + i, Group: stateful.RuleGroup{Name: fmt.Sprintf("g%d", i), RulesString: "pass tcp any any -> any 80 (sid:1;)", RuleOrder: stateful.StrictOrder}})
	}
	m, err = d.Builder().Build()
	require.NoError(t, err)
	ws := m.QuotaWarnings()
	assert.Equal(t, []quotaRow{
		{"firewall", "fw-demo", "stateful rule groups in its policy", 21, 20},
		{"firewall", "fw-demo", "stateful rules in its policy", 30001 + 3 + 6 + 18, 30000},
		{"stateful rule group", "huge", "rules", 30001, 30000},
	}, quotaRows(ws))
	assert.Contains(t, ws[0].String(), "firewall fw-demo: 21 stateful rule groups in its policy, above the quota of 20 (Maximum number of stateful rule groups per firewall policy, AWS Network Firewall quotas; not adjustable)")
}

func TestQuotaWarningString(t *testing.T) {
	q := reach.Quotas()[0]
	w := reach.QuotaWarning{Quota: q, Kind: "security group", Resource: "sg-1", What: "inbound IPv4 rules", Count: 61, Limit: 60}
	assert.Equal(t, "security group sg-1: 61 inbound IPv4 rules, above the quota of 60 (Inbound or outbound rules per security group, Amazon VPC quotas; adjustable up to 1000)", w.String())
	w.Count = 1200
	assert.Equal(t, "security group sg-1: 1200 inbound IPv4 rules, above the quota of 60 (Inbound or outbound rules per security group, Amazon VPC quotas; above its maximum of 1000 too)", w.String())
	for _, q := range reach.Quotas() {
		assert.NotEmpty(t, q.Name)
		assert.NotEmpty(t, q.Doc)
		if q.Max != 0 { // 0: the documentation does not say how far it can be raised
			assert.GreaterOrEqual(t, q.Max, q.Default)
		}
	}
}
