package aws_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
)

const gwDir = "testdata/gateways/"

// TestLoadGatewayTargets loads a dump with an egress-only internet
// gateway, a gateway endpoint for S3 (with describe-prefix-lists) and a
// private NAT gateway, and asks each fact both ways.
func TestLoadGatewayTargets(t *testing.T) {
	m, rep, err := aws.Load(gwDir)
	require.NoError(t, err)
	assert.Empty(t, rep.Warnings)
	assert.Equal(t, 1, rep.Counts["egress-only-internet-gateways"])
	assert.Equal(t, 1, rep.Counts["gateway-endpoints"])
	assert.Equal(t, 2, rep.Counts["prefix-lists"])
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	t.Run("IPv6 leaves through the egress-only internet gateway and its reply comes back", func(t *testing.T) {
		q := tcp("app", "2001:db8:ff::7", 443)
		reachtest.AssertReachable(t, m, q)
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.KindEgressOnlyInternetGateway, r.Return[0].Kind)
		assert.Equal(t, "eigw-0g", r.Return[0].ID)
	})
	t.Run("the internet opens nothing through it", func(t *testing.T) {
		// vpc-0g has an internet gateway too: IPv6 from the internet comes in
		// through it, and the reply, routed to the egress-only one, which
		// did not carry the connection out, is dropped there
		// (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html;
		// this asserted Reachable before).
		reachtest.AssertReplyBlocked(t, m, tcp("2001:db8:ff::7", "app", 443), reach.EgressOnlyNoInbound)
		fsys := fstest.MapFS{}
		entries, err := os.ReadDir(gwDir)
		require.NoError(t, err)
		for _, e := range entries {
			data, err := os.ReadFile(gwDir + e.Name())
			require.NoError(t, err)
			fsys["gw/"+e.Name()] = &fstest.MapFile{Data: data}
		}
		gws := strings.Replace(string(fsys["gw/gateways.json"].Data), `"InternetGateways": [`, `"InternetGateways": [], "Unused": [`, 1)
		fsys["gw/gateways.json"] = &fstest.MapFile{Data: []byte(gws)}
		rts := strings.Replace(string(fsys["gw/route-tables.json"].Data), `"GatewayId": "igw-0g"`, `"NatGatewayId": "nat-0priv"`, 1)
		fsys["gw/route-tables.json"] = &fstest.MapFile{Data: []byte(rts)}
		m, _, err := aws.LoadFS(fsys, "gw")
		require.NoError(t, err)
		reachtest.AssertNotReachable(t, m, tcp("2001:db8:ff::7", "app", 443), reach.EgressOnlyNoInbound)
		reachtest.AssertReachable(t, m, tcp("app", "2001:db8:ff::7", 443))
	})
	t.Run("IPv4 does not use it", func(t *testing.T) {
		r, err := m.Check(tcp("app", "2001:db8:ff::7", 443))
		require.NoError(t, err)
		assert.NotContains(t, kindsOf(r.Forward), reach.KindNATGateway)
		r, err = m.Check(tcp("app", "93.184.216.34", 443))
		require.NoError(t, err)
		assert.NotContains(t, kindsOf(r.Forward), reach.KindEgressOnlyInternetGateway)
	})
	t.Run("S3 through the gateway endpoint, by describe-prefix-lists' CIDRs", func(t *testing.T) {
		q := tcp("app", "54.231.7.7", 443)
		reachtest.AssertReachable(t, m, q)
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Contains(t, kindsOf(r.Forward), reach.KindGatewayEndpoint)
		assert.Equal(t, reach.KindGatewayEndpoint, r.Return[0].Kind)
	})
	t.Run("an address outside the prefix list goes the default way", func(t *testing.T) {
		r, err := m.Check(tcp("app", "93.184.216.34", 443))
		require.NoError(t, err)
		assert.NotContains(t, kindsOf(r.Forward), reach.KindGatewayEndpoint)
	})
	t.Run("the private NAT gateway translates to its private address", func(t *testing.T) {
		reachtest.AssertReachable(t, m, tcp("app", "db", 5432), "db admits the NAT gateway's subnet only")
	})
	t.Run("the private NAT gateway never reaches the internet", func(t *testing.T) {
		reachtest.AssertNotReachable(t, m, tcp("app", "93.184.216.34", 443), reach.NoPublicIP)
	})
}

func kindsOf(hops []reach.Hop) []reach.Kind {
	out := make([]reach.Kind, len(hops))
	for i, h := range hops {
		out[i] = h.Kind
	}
	return out
}

// gwFS is the gateways dump with files replaced or added.
func gwFS(t *testing.T, files map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir(gwDir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(gwDir + e.Name())
		require.NoError(t, err)
		fsys["gw/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	for name, data := range files {
		fsys["gw/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// TestLoadGatewayEndpointIPAddressType: a gateway endpoint's
// IpAddressType decides whether IPv6 to S3, routed to it by S3's IPv6
// prefix list (as AWS routes a dualstack endpoint), passes: dualstack
// and ipv6 carry it, ipv4 drops it, and without the field it is
// undecided; IPv4 passes but through an ipv6 one.
func TestLoadGatewayEndpointIPAddressType(t *testing.T) {
	s3v6 := reach.Query{From: "app", To: "2600:1f68:8000::10", Protocol: flow.TCP, Port: 443}
	s3v4 := reach.Query{From: "app", To: "54.231.7.7", Protocol: flow.TCP, Port: 443}
	routes, err := os.ReadFile(gwDir + "route-tables.json")
	require.NoError(t, err)
	v6Route := `{"Origin": "CreateRoute", "State": "active", "DestinationPrefixListId": "pl-0s3v6", "GatewayId": "vpce-0s3"},
        {
          "Origin": "CreateRoute",
          "State": "active",
          "DestinationPrefixListId": "pl-63a5400a",`
	rts := strings.Replace(string(routes), `{
          "Origin": "CreateRoute",
          "State": "active",
          "DestinationPrefixListId": "pl-63a5400a",`, v6Route, 1)
	require.NotEqual(t, string(routes), rts)
	lists := `{"PrefixLists": [
		{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"]},
		{"PrefixListId": "pl-0s3v6", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["2600:1f68:8000::/39"]}]}`
	for _, c := range []struct {
		typ    string // "-": no IpAddressType
		v6, v4 reach.Outcome
	}{
		{"dualstack", reach.Reachable, reach.Reachable},
		{"ipv6", reach.Reachable, reach.Unreachable},
		{"ipv4", reach.Unreachable, reach.Reachable},
		{"-", reach.Indeterminate, reach.Reachable},
	} {
		t.Run(c.typ, func(t *testing.T) {
			ep := `{"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-0g", "ServiceName": "com.amazonaws.us-east-1.s3", "State": "available"`
			if c.typ != "-" {
				ep += `, "IpAddressType": "` + c.typ + `"`
			}
			m, _, err := aws.LoadFS(gwFS(t, map[string]string{"vpc-endpoints.json": `{"VpcEndpoints": [` + ep + `}]}`, "route-tables.json": rts, "prefix-lists.json": lists}), "gw")
			require.NoError(t, err)
			for q, want := range map[reach.Query]reach.Outcome{s3v6: c.v6, s3v4: c.v4} {
				r, err := m.Check(q)
				require.NoError(t, err)
				require.Equal(t, want, r.Outcome, r.Text())
				i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindGatewayEndpoint })
				require.GreaterOrEqual(t, i, 0, "routed to the endpoint: %s", r.Text())
				if want == reach.Indeterminate {
					assert.Equal(t, reach.GatewayEndpointIPTypeUnknown, r.Forward[i].Code)
				}
			}
		})
	}
}

func TestLoadGatewayTargetsErrorsAndWarnings(t *testing.T) {
	s3 := `{"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-0g", "ServiceName": "com.amazonaws.us-east-1.s3", "State": "available"`
	cases := []struct {
		name, file, doc string
		err, warning    string // substrings
	}{
		{name: "a NAT gateway's connectivity type is public or private", file: "gateways.json",
			doc: `{"NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "secret", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.5"}]}]}`,
			err: `gw/gateways.json: NatGateways[0].ConnectivityType (nat-0priv): "secret": invalid AWS CLI output: a NAT gateway's connectivity type is public or private`},
		{name: "a private NAT gateway with a public address", file: "gateways.json",
			doc: `{"InternetGateways": [{"InternetGatewayId": "igw-0g", "Attachments": [{"State": "available", "VpcId": "vpc-0g"}]}], "NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.5", "PublicIp": "198.51.100.5"}]}]}`,
			err: `gw/gateways.json: NatGateways[0].NatGatewayAddresses[0].PublicIp (nat-0priv): "198.51.100.5": invalid topology: a private NAT gateway has no public address`},
		{name: "a NAT gateway's secondary address outside its subnet", file: "gateways.json",
			doc: `{"NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.5", "IsPrimary": true}, {"PrivateIp": "10.3.1.77", "IsPrimary": false, "Status": "succeeded"}]}]}`,
			err: `gw/gateways.json: NatGateways[0].NatGatewayAddresses[1].PrivateIp (nat-0priv): "10.3.1.77": invalid topology: a NAT gateway's secondary address is a private IPv4 address inside subnet subnet-0nat`},
		{name: "a private NAT gateway's secondary address with a public one", file: "gateways.json",
			doc: `{"NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.6", "IsPrimary": false}, {"PrivateIp": "10.3.2.5", "IsPrimary": true}, {"PrivateIp": "10.3.2.7", "PublicIp": "198.51.100.7"}]}]}`,
			err: `gw/gateways.json: NatGateways[0].NatGatewayAddresses[2].PublicIp (nat-0priv): "198.51.100.7": invalid topology: a private NAT gateway has no public address`},
		{name: "a NAT gateway's secondary address that is not an address", file: "gateways.json",
			doc: `{"NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.5", "IsPrimary": true}, {"PrivateIp": "10.3.2.x"}]}]}`,
			err: `gw/gateways.json: NatGateways[0].NatGatewayAddresses[1].PrivateIp (nat-0priv): "10.3.2.x"`},
		{name: "a NAT gateway's secondary address that failed is left out", file: "gateways.json",
			doc:     `{"InternetGateways": [{"InternetGatewayId": "igw-0g", "Attachments": [{"State": "available", "VpcId": "vpc-0g"}]}], "NatGateways": [{"NatGatewayId": "nat-0priv", "SubnetId": "subnet-0nat", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.3.2.5", "IsPrimary": true}, {"PrivateIp": "10.3.2.9", "Status": "failed"}]}]}`,
			warning: `gw/gateways.json: NatGateways[0].NatGatewayAddresses[1]: NAT gateway nat-0priv: secondary address 10.3.2.9 failed to be assigned: left out`},
		{name: "an egress-only gateway without its ID", file: "egress-only-internet-gateways.json",
			doc: `{"EgressOnlyInternetGateways": [{"Attachments": [{"State": "attached", "VpcId": "vpc-0g"}]}]}`,
			err: `gw/egress-only-internet-gateways.json: EgressOnlyInternetGateways[0].EgressOnlyInternetGatewayId: invalid AWS CLI output: EgressOnlyInternetGatewayId is missing`},
		{name: "an egress-only gateway of an unknown VPC", file: "egress-only-internet-gateways.json",
			doc: `{"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-0g", "Attachments": [{"State": "attached", "VpcId": "vpc-0zz"}]}]}`,
			err: `gw/egress-only-internet-gateways.json: EgressOnlyInternetGateways[0].Attachments[0].VpcId (eigw-0g): "vpc-0zz": invalid topology: unknown VPC`},
		{name: "routes to an egress-only gateway not in the input are unmodelled", file: "egress-only-internet-gateways.json",
			doc:     `{"EgressOnlyInternetGateways": []}`,
			warning: `gw/route-tables.json: RouteTables[0].Routes[2]: route ::/0 -> eigw-0g (egress-only internet gateway) of rtb-0app: it is not in the input (add aws ec2 describe-egress-only-internet-gateways)`},
		{name: "a gateway endpoint without its service", file: "vpc-endpoints.json",
			doc: `{"VpcEndpoints": [{"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-0g", "State": "available"}]}`,
			err: `gw/vpc-endpoints.json: VpcEndpoints[0].ServiceName (vpce-0s3): invalid AWS CLI output: ServiceName is missing`},
		{name: "a custom endpoint policy is a warning", file: "vpc-endpoints.json",
			doc:     `{"VpcEndpoints": [` + s3 + `, "PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my-bucket/*\"}]}"}]}`,
			warning: `gw/vpc-endpoints.json: VpcEndpoints[0].PolicyDocument: gateway endpoint vpce-0s3 has a policy that is not the full-access default: reachsim does not evaluate it`},
		{name: "an interface endpoint in a route is left out", file: "vpc-endpoints.json",
			doc:     `{"VpcEndpoints": [{"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Interface", "VpcId": "vpc-0g", "ServiceName": "com.amazonaws.us-east-1.s3", "State": "available"}]}`,
			warning: `gw/route-tables.json: RouteTables[0].Routes[3]: route pl-63a5400a -> vpce-0s3 of rtb-0app left out: vpce-0s3 is an interface endpoint, which is no route target`},
		{name: "a gateway endpoint route whose prefix list is not in the input is kept, unmodelled", file: "prefix-lists.json",
			doc:     `{"PrefixLists": []}`,
			warning: `gw/route-tables.json: RouteTables[0].Routes[3]: route pl-63a5400a -> vpce-0s3 (gateway endpoint for com.amazonaws.us-east-1.s3) of rtb-0app: its prefix list pl-63a5400a is not in the input, so which addresses it covers is unknown (add aws ec2 describe-prefix-lists); queries it routes are indeterminate (check, ports and sources exit 3)`},
		{name: "and the list is declared unresolved", file: "prefix-lists.json",
			doc:     `{"PrefixLists": []}`,
			warning: `gw/route-tables.json: RouteTables[0].Routes[3].DestinationPrefixListId: prefix list pl-63a5400a (used by a route of rtb-0app) is not in the input: which addresses it holds is unknown`},
		{name: "a gateway endpoint's IP address type is one AWS has", file: "vpc-endpoints.json",
			doc: `{"VpcEndpoints": [` + s3 + `, "IpAddressType": "ipv5"}]}`,
			err: `gw/vpc-endpoints.json: VpcEndpoints[0].IpAddressType (vpce-0s3): "ipv5": invalid AWS CLI output: not an IP address type of a gateway endpoint (ipv4, ipv6 or dualstack)`},
		{name: "a gateway endpoint route by another service's list", file: "vpc-endpoints.json",
			doc: `{"VpcEndpoints": [{"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-0g", "ServiceName": "com.amazonaws.us-east-1.dynamodb", "State": "available"}]}`,
			err: `gw/route-tables.json: RouteTables[0].Routes[3].DestinationPrefixListId (rtb-0app): "pl-63a5400a": invalid topology: gateway endpoint vpce-0s3 serves com.amazonaws.us-east-1.dynamodb, whose prefix list is pl-02cd2c6b`},
		{name: "a prefix list's CIDRs that are not a CIDR", file: "prefix-lists.json",
			doc: `{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["52.216.0.0/33"]}]}`,
			err: `gw/prefix-lists.json: PrefixLists[0].Cidrs[0] (pl-63a5400a): "52.216.0.0/33": invalid AWS CLI output: not a CIDR block`},
		{name: "a prefix list's CIDRs and entries disagree", file: "pl-63a5400a.json",
			doc: `{"Entries": [{"Cidr": "52.216.0.0/15"}]}`,
			err: `the CIDRs of prefix list pl-63a5400a differ from its entries at gw/pl-63a5400a.json`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, rep, err := aws.LoadFS(gwFS(t, map[string]string{c.file: c.doc}), "gw")
			if c.err != "" {
				require.Error(t, err)
				assert.Nil(t, m)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			found := false
			for _, w := range rep.Warnings {
				found = found || strings.Contains(w, c.warning)
			}
			assert.True(t, found, "want %s\ngot %q", c.warning, rep.Warnings)
		})
	}
}
