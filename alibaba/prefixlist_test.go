package alibaba_test

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

func TestParsePrefixList(t *testing.T) {
	pl, err := alibaba.ParsePrefixList(readTestdata(t, "prefixlist.json"))
	require.NoError(t, err)
	assert.Equal(t, reach.PrefixList{ID: "pl-x1j1k5ykzqlixdcy1", Name: "office", MaxEntries: 10, AddressFamily: "IPv4",
		Entries: []netip.Prefix{netip.MustParsePrefix("192.168.1.0/24"), netip.MustParsePrefix("198.51.100.7/32")}}, pl)

	v6, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-6", "AddressFamily": "ipv6",
	  "Entries": {"Entry": [{"Cidr": "2001:DB8:0:0::1/32"}, {"Cidr": "2001:db8:ff::1"}]}}`))
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("2001:db8:ff::1/128")}, v6.Entries,
		"host bits cleared, a plain address its /128, as Alibaba Cloud stores them")

	empty, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-e", "AddressFamily": "IPv4", "MaxEntries": 5}`))
	require.NoError(t, err)
	assert.Empty(t, empty.Entries, "a list without entries holds none")
	assert.Equal(t, "IPv6", v6.AddressFamily, "the family spelt as AWS and reach spell it")
}

func TestParsePrefixListErrors(t *testing.T) {
	base := string(readTestdata(t, "prefixlist.json"))
	tests := []struct{ name, old, new, path, text, err string }{
		{"no ID", `"PrefixListId": "pl-x1j1k5ykzqlixdcy1",`, ``, "PrefixListId", "", "the prefix list ID is missing"},
		{"no family", `"AddressFamily": "IPv4",`, ``, "AddressFamily", "", "want IPv4 or IPv6"},
		{"an unknown family", `"IPv4"`, `"IPv5"`, "AddressFamily", "IPv5", "want IPv4 or IPv6"},
		{"an IPv6 block in an IPv4 list", `"192.168.1.0/24"`, `"2001:db8::/32"`, "Entries.Entry[0].Cidr", "2001:db8::/32", "an IPv6 block where an IPv4 block belongs"},
		{"not a block", `"198.51.100.7"`, `"198.51.100.0/33"`, "Entries.Entry[1].Cidr", "198.51.100.0/33", "not a CIDR block"},
		{"a missing block", `"198.51.100.7"`, `""`, "Entries.Entry[1].Cidr", "", "the CIDR block is missing"},
		{"a block twice", `"198.51.100.7"`, `"192.168.1.9/24"`, "Entries.Entry[1].Cidr", "192.168.1.9/24", "the block is listed twice"},
		{"a negative maximum", `"MaxEntries": 10`, `"MaxEntries": -1`, "MaxEntries", "", "a negative maximum"},
		{"a key twice in another case", `"PrefixListName": "office",`, `"PrefixListName": "office", "prefixlistname": "other",`, "prefixlistname", "prefixlistname", "differ only in case"},
		{"not JSON", `"Entries": {`, `"Entries": {{`, "", "*", "malformed JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, base, tt.old)
			_, err := alibaba.ParsePrefixList([]byte(strings.Replace(base, tt.old, tt.new, 1)))
			require.Error(t, err)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.True(t, errors.Is(err, alibaba.ErrInvalidPrefixList) || errors.Is(err, flow.ErrJSON), "%v", err)
			if tt.path != "" {
				assert.Equal(t, tt.path, ie.Path)
			}
			if tt.text != "*" {
				assert.Equal(t, tt.text, ie.Text)
			}
			assert.ErrorContains(t, err, tt.err)
		})
	}
}

// TestPrefixListInAModel: a group rule by an Alibaba Cloud prefix list
// admits exactly the list's blocks once the list is added to the model.
func TestPrefixListInAModel(t *testing.T) {
	pl, err := alibaba.ParsePrefixList(readTestdata(t, "prefixlist.json"))
	require.NoError(t, err)
	ev, err := compileWithList(t, pl)
	require.NoError(t, err)
	for _, tc := range []struct {
		src  string
		want flow.Verdict
	}{
		{"192.168.1.77", flow.Allow},
		{"198.51.100.7", flow.Allow},
		{"198.51.100.8", flow.Deny},
	} {
		d := ev.Evaluate(flow.MustParse("tcp "+tc.src+":40000 -> 10.0.0.5:22"), flow.Inbound)
		assert.Equal(t, tc.want, d.Verdict, "%s: %s", tc.src, d)
	}
}

func FuzzParsePrefixList(f *testing.F) {
	data := readTestdata(f, "prefixlist.json")
	f.Add(data)
	f.Add(data[:len(data)/2])
	for _, e := range [][2]string{{`"IPv4"`, `"IPv6"`}, {`"192.168.1.0/24"`, `"::/0"`}, {`"198.51.100.7"`, `"198.51.100.7%eth0"`}, {`"Entry": [`, `"Entry": [1,`}} {
		f.Add(bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := alibaba.ParsePrefixList(data)
		if err != nil {
			var ie *flow.InputError
			if !errors.As(err, &ie) || !(errors.Is(err, alibaba.ErrInvalidPrefixList) || errors.Is(err, flow.ErrJSON)) {
				t.Fatalf("error %v (%T) is not an InputError wrapping a known sentinel", err, err)
			}
			return
		}
		if pl.ID == "" {
			t.Fatal("a list without an ID")
		}
		for _, p := range pl.Entries {
			if !p.IsValid() || p != p.Masked() || p.Addr().Is6() != pl.Entries[0].Addr().Is6() {
				t.Fatalf("entry %v: invalid, unmasked, or of another family than the first", p)
			}
		}
	})
}

// compileWithList compiles a basic group whose one rule admits tcp/22
// from prefix list pl, resolved by its entries.
func compileWithList(t *testing.T, pl reach.PrefixList) (*sg.Evaluator, error) {
	t.Helper()
	g, err := alibaba.ParseSecurityGroup([]byte(`{"SecurityGroupId": "sg-a", "VpcId": "vpc-a", "Permissions": {"Permission": [
	    {"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "Policy": "Accept", "Priority": 1,
	     "IpProtocol": "TCP", "PortRange": "22/22", "SourcePrefixListId": "`+pl.ID+`"}]}}`), sg.AlibabaBasic)
	require.NoError(t, err)
	return sg.Compile([]sg.Group{g}, sg.StaticResolver{
		Members:     map[string][]netip.Addr{g.ID: {netip.MustParseAddr("10.0.0.5")}},
		PrefixLists: map[string][]netip.Prefix{pl.ID: pl.Entries},
	})
}

// TestPrefixListInAReachModel: a model whose Alibaba Cloud group names a
// prefix list builds only with the list; with it, the internet address
// the list holds reaches the instance and its neighbour does not.
func TestPrefixListInAReachModel(t *testing.T) {
	pl, err := alibaba.ParsePrefixList(readTestdata(t, "prefixlist.json"))
	require.NoError(t, err)
	g, err := alibaba.ParseSecurityGroup([]byte(`{"SecurityGroupId": "sg-a", "VpcId": "vpc-a", "Permissions": {"Permission": [
	    {"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "Policy": "Accept", "Priority": 1,
	     "IpProtocol": "TCP", "PortRange": "22/22", "SourcePrefixListId": "`+pl.ID+`"},
	    {"SecurityGroupRuleId": "sgr-2", "Direction": "egress", "Policy": "Accept", "Priority": 1,
	     "IpProtocol": "ALL", "PortRange": "-1/-1", "DestCidrIp": "0.0.0.0/0"}]}}`), sg.AlibabaBasic)
	require.NoError(t, err)
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	build := func(lists ...reach.PrefixList) (*reach.Model, error) {
		return reach.NewBuilder().
			AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
			AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
			AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}}).
			AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
			AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
			AddSecurityGroup(g).
			AddPrefixList(lists...).
			AddInterface(reach.Interface{ID: "eni-ecs", Name: "ecs", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.0.1.5")}, PublicIP: a("203.0.113.5"), Groups: []string{g.ID}}).
			Build()
	}
	_, err = build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, pl.ID)
	m, err := build(pl)
	require.NoError(t, err)
	for _, tc := range []struct {
		from string
		want reach.Outcome
	}{
		{"198.51.100.7", reach.Reachable},
		{"198.51.100.8", reach.Unreachable},
	} {
		v, err := m.Verdict(reach.Query{From: tc.from, To: "ecs", Protocol: flow.TCP, Port: 22})
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, tc.from)
	}
}

// TestPrefixListAboveItsMaxEntries: a list with more entries than its
// MaxEntries (Alibaba Cloud refuses such a list: CreatePrefixList) is
// read with its entries, and the model an Alibaba group references it in
// warns of it under Alibaba Cloud's rule, as the AWS reader's lists are
// flagged under AWS's quota; a list within its MaxEntries, or with none
// given, is not.
func TestPrefixListAboveItsMaxEntries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxEntries string
		warn       bool
	}{
		{"more entries than its MaxEntries", `"MaxEntries": 1,`, true},
		{"as many entries as its MaxEntries", `"MaxEntries": 2,`, false},
		{"no MaxEntries", ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := alibaba.ParsePrefixList([]byte(`{"PrefixListId": "pl-1", "AddressFamily": "IPv4", ` + tc.maxEntries + `
			  "Entries": {"Entry": [{"Cidr": "10.9.0.0/16"}, {"Cidr": "192.0.2.0/24"}]}}`))
			require.NoError(t, err)
			require.Len(t, pl.Entries, 2, "the entries are read as given")
			g, err := alibaba.ParseSecurityGroup([]byte(`{"SecurityGroupId": "sg-a", "VpcId": "vpc-a", "Permissions": {"Permission": [
			    {"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "Policy": "Accept", "Priority": 1,
			     "IpProtocol": "TCP", "PortRange": "22/22", "SourcePrefixListId": "pl-1"}]}}`), sg.AlibabaBasic)
			require.NoError(t, err)
			p, a := netip.MustParsePrefix, netip.MustParseAddr
			m, err := reach.NewBuilder().
				AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
				AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a"}).
				AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
				AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
				AddSecurityGroup(g).
				AddPrefixList(pl).
				AddInterface(reach.Interface{ID: "eni-ecs", Name: "ecs", Subnet: "vsw-a", PrivateIPs: []netip.Addr{a("10.0.1.5")}, Groups: []string{g.ID}}).
				Build()
			require.NoError(t, err)
			ws := m.QuotaWarnings()
			if !tc.warn {
				assert.Empty(t, ws)
				return
			}
			require.Len(t, ws, 1)
			assert.Equal(t, "prefix list pl-1: 2 entries, above the quota of 1 (Maximum number of entries of a prefix list (its MaxEntries), Alibaba Cloud ECS, CreatePrefixList)", ws[0].String())
			lint, err := m.Lint(reach.LintOptions{})
			require.NoError(t, err)
			var codes []string
			for _, f := range lint.Findings {
				codes = append(codes, f.ID)
			}
			assert.Contains(t, codes, reach.LintQuotaPrefixList)
		})
	}
}
