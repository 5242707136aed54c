package reach_test

import (
	"net/netip"
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

// TestAuditByPortKeepsAnswersApart: with ByPort, ports of one service
// share a finding only when they answer alike. On the sample design, with
// a firewall that passes everything but leaves undecided a session to
// port 5900 (its data may hold a word a rule drops): one rule opens 5800
// and 5900 to every address, so both name the same sources, one Exposed
// and one Undecided; ports 6001 and 6002 are open to every address and
// each denied by a network ACL of its own on the request's path
// (acl-default of the firewall subnet, acl-public of web-1's), the same
// code on different hops.
func TestAuditByPortKeepsAnswersApart(t *testing.T) {
	d := sample.ThreeTierDesign()
	// passes what no rule drops; drops a session to 5900 whose data
	// holds "quit", which the input cannot say
	d.Firewalls[0].Policy.Stateful = stateful.Config{Order: stateful.StrictOrder, Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{
		Name: "by-payload", RuleOrder: stateful.StrictOrder, RulesString: `drop tcp any any -> any 5900 (content:"quit"; sid:5;)` + "\n"}}}}
	web := dcGroup(d, "sg-web")
	web.Rules = append(web.Rules,
		sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 5800, Hi: 5900}, Peer: sg.AnyIPv4},
		sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 6001, Hi: 6002}, Peer: sg.AnyIPv4})
	deny := func(id string, port uint16) {
		acl := dcACL(d, id)
		acl.Entries = append([]nacl.Entry{{Number: 50, Action: flow.Drop, Direction: flow.Inbound, Protocol: flow.TCP,
			CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: flow.Single(port)}}, acl.Entries...)
	}
	deny("acl-default", 6001)
	deny("acl-public", 6002)
	m, err := d.Builder().Build()
	require.NoError(t, err)

	a, err := m.Audit(reach.AuditOptions{ByPort: true, Catalogue: []reach.Risk{
		{Service: "remote", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](5800), flow.Single[uint16](5900)), Severity: reach.High},
		{Service: "denied", Protocol: flow.TCP, Ports: flow.SetOf(flow.PortRange{Lo: 6001, Hi: 6002}), Severity: reach.High},
	}})
	require.NoError(t, err)
	type answer struct {
		exposure reach.Exposure
		closedBy []string // kind id code
	}
	got := map[string]answer{}
	var sources [2][]netip.Prefix
	for _, f := range a.Findings {
		if f.Interface != "eni-web1" {
			continue
		}
		var by []string
		for _, b := range f.ClosedBy {
			by = append(by, string(b.Kind)+" "+b.ID+" "+string(b.Code))
		}
		got[f.Service+" "+f.Ports.String()] = answer{f.Exposure, by}
		switch f.Ports.String() {
		case "5800":
			sources[0] = f.Sources
		case "5900":
			sources[1] = f.Sources
		}
	}
	assert.Equal(t, map[string]answer{
		"remote 5800": {reach.Exposed, nil},
		"remote 5900": {reach.Undecided, nil},
		"denied 6001": {reach.Closed, []string{"network-acl acl-default ACL_DENY"}},
		"denied 6002": {reach.Closed, []string{"network-acl acl-public ACL_DENY"}},
	}, got)
	assert.Equal(t, sources[0], sources[1], "both name every internet address")
}
