package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestQuotaPrefixListWeight: a rule or route by a prefix list counts as
// AWS counts it: a customer-managed list as its MaxEntries, an
// AWS-managed one as its documented weight (not its entries); where the
// input lacks what decides the count, the count is the least it can be,
// reported only when that is above the quota, and the warning names
// what is missing.
func TestQuotaPrefixListWeight(t *testing.T) {
	entries := func(n int, v6 bool) []netip.Prefix {
		ps := make([]netip.Prefix, n)
		for i := range ps {
			ps[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 18, byte(i), 0}), 24)
			if v6 {
				ps[i] = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 48)
			}
		}
		return ps
	}
	byList := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.AllPorts, Peer: sg.Peer{Kind: sg.PeerPrefixList, PrefixList: "pl-x"}}
	rules := func(d *sample.Design, n int, v6 bool) {
		d.Groups[0].Rules = append(cidrRules(flow.Inbound, n, v6), byList)
	}
	tests := []struct {
		name    string
		list    reach.PrefixList
		change  func(d *sample.Design)
		want    []quotaRow
		missing string // the warning's Missing
	}{
		{"the S3 list weighs 1, whatever its entries", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.eu-west-1.s3", Entries: entries(3, false)},
			func(d *sample.Design) { rules(d, 59, false) }, []quotaRow{}, ""},
		{"the CloudFront origin-facing list weighs 55", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.global.cloudfront.origin-facing", AddressFamily: "IPv4", EntriesUnknown: true},
			func(d *sample.Design) { rules(d, 6, false) }, []quotaRow{{"security group", "sg-open", "inbound IPv4 rules", 61, 60}}, ""},
		{"the IPv6 CloudFront list weighs 55 in IPv6", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.global.ipv6.cloudfront.origin-facing", EntriesUnknown: true},
			func(d *sample.Design) { rules(d, 6, true) }, []quotaRow{{"security group", "sg-open", "inbound IPv6 rules", 61, 60}}, ""},
		{"an AWS-managed list weighs its weight, not its MaxEntries", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.eu-west-1.dynamodb", MaxEntries: 100, AWSManaged: true, Entries: entries(2, false)},
			func(d *sample.Design) { rules(d, 59, false) }, []quotaRow{}, ""},
		{"a customer-managed list weighs its MaxEntries", reach.PrefixList{ID: "pl-x", Name: "office", MaxEntries: 10, Entries: entries(2, false)},
			func(d *sample.Design) { rules(d, 51, false) }, []quotaRow{{"security group", "sg-open", "inbound IPv4 rules", 61, 60}}, ""},
		{"a route by the CloudFront list weighs 55", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.global.cloudfront.origin-facing", Entries: entries(2, false)},
			func(d *sample.Design) {
				d.RouteTables[0].Routes = append(d.RouteTables[0].Routes, reach.Route{PrefixList: "pl-x", Target: reach.TargetInternetGateway, TargetID: "igw-s"})
			}, []quotaRow{{"route table", "rtb-main", "IPv4 routes", 55, 50}}, ""},
		{"no MaxEntries: at least the entries, and said", reach.PrefixList{ID: "pl-x", Name: "office", Entries: entries(3, false)},
			func(d *sample.Design) { rules(d, 58, false) }, []quotaRow{{"security group", "sg-open", "inbound IPv4 rules", 61, 60}},
			"prefix list pl-x's MaxEntries is not in the input (counted as its 3 entries)"},
		{"no MaxEntries, the least within the quota: no warning", reach.PrefixList{ID: "pl-x", Name: "office", Entries: entries(3, false)},
			func(d *sample.Design) { rules(d, 50, false) }, []quotaRow{}, ""},
		{"an AWS-managed list the table lacks: at least 1, and said", reach.PrefixList{ID: "pl-x", Name: "com.amazonaws.eu-west-1.newservice", EntriesUnknown: true, AddressFamily: "IPv4"},
			func(d *sample.Design) { rules(d, 60, false) }, []quotaRow{{"security group", "sg-open", "inbound IPv4 rules", 61, 60}},
			`prefix list pl-x ("com.amazonaws.eu-west-1.newservice") is AWS-managed and its weight is not in the table reachsim holds (counted as 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := small()
			tt.change(d)
			m, err := d.Builder().AddPrefixList(tt.list).Build()
			require.NoError(t, err)
			ws := m.QuotaWarnings()
			assert.Equal(t, tt.want, quotaRows(ws))
			if len(ws) == 1 {
				assert.Equal(t, tt.missing, ws[0].Missing)
				if tt.missing != "" {
					assert.Contains(t, ws[0].String(), ": at least ")
					assert.Contains(t, ws[0].String(), tt.missing)
				}
			}
		})
	}
}

func TestAWSListWeight(t *testing.T) {
	for _, tt := range []struct {
		name string
		want int
		ok   bool
	}{
		{"com.amazonaws.us-east-1.s3", 1, true},
		{"com.amazonaws.global.cloudfront.origin-facing", 55, true},
		{"com.amazonaws.eu-west-1.ipv6.route53-healthchecks", 25, true},
		{"com.amazonaws.global.groundstation", 5, true},
		{"com.amazonaws.eu-west-1.s3express", 6, true},
		{"com.amazonaws.eu-west-1.unknown", 0, false},
		{"com.amazonaws.", 0, false},
		{"office", 0, false},
	} {
		n, ok := reach.AWSListWeight(tt.name)
		assert.Equal(t, tt.want, n, tt.name)
		assert.Equal(t, tt.ok, ok, tt.name)
	}
}
