package aws_test

import (
	"encoding/json"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachsim/reachsim/aws"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// loadQueries are the questions the sample dump must answer exactly as
// the sample design in Go does: internet to web on 443 and 22 (IPv4 and
// IPv6), web to db, app to db (with the ephemeral-port pitfall and
// without), app to the internet with and without an allowed domain, NAT
// inbound, ICMP inside the VPC and from outside, DNS out.
func loadQueries() []reach.Query {
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	withDomain := func(q reach.Query, d string) reach.Query { q.Domain = d; return q }
	lowPort := tcp("app-1", "db-1", 5432)
	lowPort.SrcPort = 30000
	return []reach.Query{
		tcp("198.51.100.7", "web-1", 443),
		tcp("198.51.100.7", "203.0.113.10", 443),
		tcp("198.51.100.7", "web-1", 22),
		tcp("2001:db8:ff::7", "web-1", 443),
		tcp("2001:db8:ff::7", "web-1", 22),
		tcp("web-1", "db-1", 5432),
		tcp("web-1", "app-1", 8080),
		tcp("app-1", "db-1", 5432),
		lowPort,
		tcp("app-1", "93.184.216.34", 443),
		withDomain(tcp("app-1", "93.184.216.34", 443), "www.example.com"),
		withDomain(tcp("app-1", "140.82.112.3", 443), "api.github.com"),
		withDomain(tcp("app-1", "140.82.112.3", 443), "evil.example.net"),
		tcp("web-1", "8.8.8.8", 443),
		tcp("198.51.100.7", "203.0.113.100", 443),
		{From: "app-1", To: "web-1", Protocol: flow.ICMP},
		{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP},
		{From: "app-1", To: "8.8.8.8", Protocol: flow.UDP, Port: 53},
		{From: "i-web1", To: "eni-app1", Protocol: flow.TCP, Port: 8080},
		{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080, IPv6: false},
	}
}

// loadRender answers every query on m, rendered as text and JSON.
func loadRender(t testing.TB, m *reach.Model, qs []reach.Query) []string {
	t.Helper()
	out := make([]string, 0, 2*len(qs))
	for _, q := range qs {
		r, err := m.Check(q)
		require.NoError(t, err, "%+v", q)
		j, err := r.JSON()
		require.NoError(t, err)
		out = append(out, r.Text(), string(j))
	}
	return out
}

// loadSampleFS copies the embedded sample into a MapFS under "aws/", for
// tests to edit.
func loadSampleFS(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(sample.AWSDump, "aws")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := fs.ReadFile(sample.AWSDump, "aws/"+e.Name())
		require.NoError(t, err)
		fsys["aws/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// loadEdit decodes one JSON file of fsys, lets edit change it, and writes
// it back.
func loadEdit(t testing.TB, fsys fstest.MapFS, name string, edit func(doc map[string]any)) {
	t.Helper()
	f, ok := fsys[name]
	require.True(t, ok, "no file %s", name)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(f.Data, &doc))
	edit(doc)
	data, err := json.MarshalIndent(doc, "", "    ")
	require.NoError(t, err)
	fsys[name] = &fstest.MapFile{Data: data}
}

// loadAt walks doc along keys (string for objects, int for lists).
func loadAt(doc any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			doc = doc.(map[string]any)[k]
		case int:
			doc = doc.([]any)[k]
		}
	}
	return doc
}

// loadObj is loadAt for an object.
func loadObj(doc any, keys ...any) map[string]any { return loadAt(doc, keys...).(map[string]any) }

// loadAppend appends v to the list at keys.
func loadAppend(doc map[string]any, v any, keys ...any) {
	parent := loadObj(doc, keys[:len(keys)-1]...)
	last := keys[len(keys)-1].(string)
	parent[last] = append(parent[last].([]any), v)
}

// loadRemove removes the elements of the list at keys that keep rejects.
func loadRemove(doc map[string]any, drop func(map[string]any) bool, keys ...any) {
	parent := loadObj(doc, keys[:len(keys)-1]...)
	last := keys[len(keys)-1].(string)
	parent[last] = slices.DeleteFunc(parent[last].([]any), func(v any) bool { return drop(v.(map[string]any)) })
}

func loadJSON(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

// loadFaults returns the top-level errors of err (a join), each of which
// must be a *flow.InputError.
func loadFaults(t testing.TB, err error) []*flow.InputError {
	t.Helper()
	require.Error(t, err)
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]*flow.InputError, len(errs))
	for i, e := range errs {
		ie, ok := e.(*flow.InputError)
		require.True(t, ok, "%T is not a *flow.InputError: %v", e, e)
		out[i] = ie
	}
	return out
}

func TestLoadSampleAnswersLikeTheDemoDesign(t *testing.T) {
	m, rep, err := aws.LoadFS(sample.AWSDump, "aws")
	require.NoError(t, err)
	want, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	qs := loadQueries()
	got, wantOut := loadRender(t, m, qs), loadRender(t, want, qs)
	for i, q := range qs {
		t.Run(q.From+" to "+q.To+" "+q.Protocol.String(), func(t *testing.T) {
			assert.Equal(t, wantOut[2*i], got[2*i], "text")
			assert.JSONEq(t, wantOut[2*i+1], got[2*i+1], "JSON")
		})
	}
	t.Run("the report lists every file, no warning and what was loaded", func(t *testing.T) {
		assert.Len(t, rep.Files, 13)
		assert.Empty(t, rep.Warnings, "the sample is clean: the NAT gateway's and firewall endpoint's interfaces are left out silently")
		assert.Equal(t, map[string]int{
			"vpcs": 1, "subnets": 4, "instances": 3, "network-interfaces": 3, "security-groups": 3, "security-group-rules": 9,
			"network-acls": 4, "route-tables": 4, "routes": 15, "internet-gateways": 1, "nat-gateways": 1, "prefix-lists": 0,
			"firewalls": 1, "firewall-policies": 1, "rule-groups": 2, "vpc-peering-connections": 0, "egress-only-internet-gateways": 0, "gateway-endpoints": 0,
			"transit-gateways": 0, "transit-gateway-route-tables": 0, "transit-gateway-attachments": 0,
		}, rep.Counts)
	})
}

func TestLoadReadsFilesInAnyOrderAndMergedKeys(t *testing.T) {
	ref, refRep, err := aws.LoadFS(sample.AWSDump, "aws")
	require.NoError(t, err)
	want := loadRender(t, ref, loadQueries())
	fsys := loadSampleFS(t)
	names := slices.Sorted(maps.Keys(fsys))
	rng := rand.New(rand.NewPCG(6, 6))
	for round := range 5 {
		order := slices.Clone(names)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		t.Run("shuffled order "+string(rune('A'+round)), func(t *testing.T) {
			m, rep, err := aws.LoadFS(fsys, order...)
			require.NoError(t, err)
			assert.Equal(t, order, rep.Files, "files are read in the order given")
			assert.Equal(t, refRep.Counts, rep.Counts)
			assert.Equal(t, want, loadRender(t, m, loadQueries()))
		})
	}
	t.Run("every EC2 key merged into one file", func(t *testing.T) {
		merged := map[string]json.RawMessage{}
		split := fstest.MapFS{}
		for _, n := range names {
			var top map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(fsys[n].Data, &top))
			if _, nfw := top["UpdateToken"]; nfw {
				split[n] = fsys[n] // network-firewall files: one object each
				continue
			}
			for k, v := range top {
				merged[k] = v
			}
		}
		data, err := json.Marshal(merged)
		require.NoError(t, err)
		split["aws/all.json"] = &fstest.MapFile{Data: data}
		m, rep, err := aws.LoadFS(split, "aws")
		require.NoError(t, err)
		assert.Len(t, rep.Files, 5, "all.json and the four network-firewall files")
		assert.Empty(t, rep.Warnings)
		assert.Equal(t, want, loadRender(t, m, loadQueries()))
	})
}

func TestLoadReadsDirectoriesAndFilesOfTheOSFileSystem(t *testing.T) {
	dir := t.TempDir()
	fsys := loadSampleFS(t)
	for name, f := range fsys {
		require.NoError(t, os.WriteFile(filepath.Join(dir, strings.TrimPrefix(name, "aws/")), f.Data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not JSON"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "old"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old", "broken.json"), []byte("{"), 0o644))
	ref, _, err := aws.LoadFS(sample.AWSDump, "aws")
	require.NoError(t, err)
	want := loadRender(t, ref, loadQueries())

	t.Run("a directory: its *.json files, not its subdirectories", func(t *testing.T) {
		m, rep, err := aws.Load(dir)
		require.NoError(t, err)
		assert.Len(t, rep.Files, 13)
		assert.Equal(t, filepath.Join(dir, "firewall-policy.json"), rep.Files[0], "in name order, as paths")
		assert.Equal(t, want, loadRender(t, m, loadQueries()))
	})
	t.Run("files one by one, and a file named twice is read once", func(t *testing.T) {
		var files []string
		for name := range fsys {
			files = append(files, filepath.Join(dir, strings.TrimPrefix(name, "aws/")))
		}
		files = append(files, files[0])
		m, rep, err := aws.Load(files...)
		require.NoError(t, err)
		assert.Len(t, rep.Files, 13)
		assert.Equal(t, want, loadRender(t, m, loadQueries()))
	})
	t.Run("one directory by two paths: through a symbolic link, and relative", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "link")
		require.NoError(t, os.Symlink(dir, link))
		wd, err := os.Getwd()
		require.NoError(t, err)
		rel, err := filepath.Rel(wd, dir)
		require.NoError(t, err)
		for _, paths := range [][]string{
			{dir, link},
			{dir, rel},
			{dir, filepath.Join(link, "vpcs.json")},
		} {
			m, rep, err := aws.Load(paths...)
			require.NoError(t, err, "%q", paths)
			assert.Len(t, rep.Files, 13, "%q", paths)
			assert.Equal(t, want, loadRender(t, m, loadQueries()))
		}
	})
	t.Run("a path that does not exist", func(t *testing.T) {
		_, _, err := aws.Load(dir, filepath.Join(dir, "nope"))
		require.ErrorIs(t, err, fs.ErrNotExist)
		assert.Equal(t, filepath.Join(dir, "nope"), loadFaults(t, err)[0].File)
	})
	t.Run("a directory without JSON", func(t *testing.T) {
		empty := t.TempDir()
		_, _, err := aws.Load(empty)
		require.ErrorIs(t, err, aws.ErrInvalidDump)
		assert.Equal(t, empty+": invalid AWS CLI output: the directory holds no *.json file", err.Error())
	})
	t.Run("no path at all", func(t *testing.T) {
		_, rep, err := aws.Load()
		require.ErrorIs(t, err, aws.ErrInvalidDump)
		assert.NotNil(t, rep, "the report comes back even when the load fails")
	})
}

// The shop dump is a second realistic account: prefix lists (an
// Entries-only file named by the list, a file merging a list with its
// entries, an AWS-managed list), a proxy appliance that routes use, an RDS
// interface without instance, a stopped instance, routes to a transit
// gateway, a peering connection, an egress-only internet gateway, an S3
// gateway endpoint and a vanished interface, a pending NAT gateway, an
// unattached internet gateway and interface, a load balancer's interface,
// groups from describe-security-groups alone, and a stray sts file.
func TestLoadShopDump(t *testing.T) {
	m, rep, err := aws.Load("testdata/shop")
	require.NoError(t, err)
	const dir = "testdata/shop/"
	assert.Equal(t, []string{
		dir + `instances.json: Reservations[1].Instances[1]: instance i-0d3e4f5a6b7c8d9e0 (batch-1) is stopped: left out (only running instances are modelled)`,
		dir + `internet-gateways.json: InternetGateways[1]: internet gateway igw-0spare0000000000a is not attached to a VPC: left out`,
		dir + `nat-gateways.json: NatGateways[1]: NAT gateway nat-0aa11bb22cc33dd44 is "pending", not available: left out`,
		dir + `network-interfaces.json: NetworkInterfaces[4]: network interface eni-06f7a8b9c0d1e2f35 of a Network Load Balancer left out: reachsim does not model it`,
		dir + `network-interfaces.json: NetworkInterfaces[5]: network interface eni-07a8b9c0d1e2f3a46 is not attached to anything: left out`,
		dir + `route-tables.json: RouteTables[0].Routes[3]: route ::/0 -> eigw-0a1b2c3d4e5f6a7b8 (egress-only internet gateway) of rtb-0a9b8c7d6e5f40312: it is not in the input (add aws ec2 describe-egress-only-internet-gateways); queries it routes are indeterminate (check, ports and sources exit 3)`,
		dir + `route-tables.json: RouteTables[0].Routes[4]: route 172.16.0.0/12 -> tgw-0f1e2d3c4b5a6f7e8 (transit gateway) of rtb-0a9b8c7d6e5f40312: transit gateway tgw-0f1e2d3c4b5a6f7e8 is not in the input (add the output of aws ec2 describe-transit-gateways, aws ec2 describe-transit-gateway-attachments, aws ec2 describe-transit-gateway-vpc-attachments, aws ec2 describe-transit-gateway-route-tables and each route table's routes); queries it routes are indeterminate (check, ports and sources exit 3)`,
		dir + `route-tables.json: RouteTables[0].Routes[7]: route pl-6da54004 -> vpce-0123456789abcdef0 (VPC endpoint) of rtb-0a9b8c7d6e5f40312: it is no Network Firewall endpoint of a firewall in the input, nor a gateway endpoint in the input (a Gateway Load Balancer endpoint? a gateway endpoint for S3 or DynamoDB, then add aws ec2 describe-vpc-endpoints and describe-prefix-lists; a firewall's, then add its aws network-firewall describe-firewall output); queries it routes are indeterminate (check, ports and sources exit 3)`,
		dir + `route-tables.json: RouteTables[2].Routes[2]: route 192.168.0.0/16 -> pcx-0a1b2c3d4e5f6a7b8 (VPC peering connection) of rtb-0c7d6e5f4a3b20110: the peering connection is not in the input (add the output of aws ec2 describe-vpc-peering-connections); queries it routes are indeterminate (check, ports and sources exit 3)`,
		dir + `whoami.json: ignored: no top-level key reachsim reads (only "Account", "Arn", "UserId"): is this the output of an aws describe command?`,
	}, rep.Warnings)
	assert.Equal(t, map[string]int{
		"vpcs": 1, "subnets": 3, "instances": 3, "network-interfaces": 4, "security-groups": 4, "security-group-rules": 13,
		"network-acls": 2, "route-tables": 3, "routes": 15, "internet-gateways": 1, "nat-gateways": 1, "prefix-lists": 3,
		"firewalls": 0, "firewall-policies": 0, "rule-groups": 0, "vpc-peering-connections": 0, "egress-only-internet-gateways": 0, "gateway-endpoints": 0,
		"transit-gateways": 0, "transit-gateway-route-tables": 0, "transit-gateway-attachments": 0,
	}, rep.Counts)

	check := func(t *testing.T, q reach.Query) *reach.Result {
		t.Helper()
		r, err := m.Check(q)
		require.NoError(t, err)
		return r
	}
	hop := func(t *testing.T, hops []reach.Hop, kind reach.Kind) reach.Hop {
		t.Helper()
		i := slices.IndexFunc(hops, func(h reach.Hop) bool { return h.Kind == kind })
		require.GreaterOrEqual(t, i, 0, "no %s hop", kind)
		return hops[i]
	}
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	t.Run("SSH from an office address in the merged prefix-list file", func(t *testing.T) {
		r := check(t, tcp("203.0.113.5", "web-1", 22))
		assert.True(t, r.Reachable, r.Text())
		assert.Contains(t, hop(t, r.Forward, reach.KindSecurityGroups).Reason(), "from pl-0f9e8d7c6b5a43210")
	})
	t.Run("SSH from elsewhere", func(t *testing.T) {
		r := check(t, tcp("192.0.2.200", "web-1", 22))
		assert.Equal(t, []reach.Code{reach.SGNoAllow}, r.Codes(), r.Text())
	})
	t.Run("HTTPS over IPv6 from the internet", func(t *testing.T) {
		r := check(t, tcp("2001:db8:ff::1", "web-1", 443))
		assert.True(t, r.Reachable, r.Text())
	})
	t.Run("an RDS interface, without instance, by its ID", func(t *testing.T) {
		r := check(t, tcp("api-1", "eni-05e6f7a8b9c0d1e24", 5432))
		assert.True(t, r.Reachable, r.Text())
	})
	t.Run("a partner address in the Entries-only prefix list routes through the proxy", func(t *testing.T) {
		r := check(t, tcp("api-1", "192.0.2.10", 443))
		assert.Equal(t, "pl-0a1b2c3d4e5f60789 (192.0.2.0/24) via eni-03c4d5e6f7a8b9c02", hop(t, r.Forward, reach.KindRouteTable).Rule)
		assert.True(t, slices.ContainsFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindInterface && h.ID == "eni-03c4d5e6f7a8b9c02" }),
			"the proxy forwards it: %s", r.Text())
	})
	t.Run("a blackhole route", func(t *testing.T) {
		r := check(t, tcp("api-1", "10.99.0.5", 443))
		assert.Equal(t, []reach.Code{reach.BlackholeRoute}, r.Codes(), r.Text())
	})
	t.Run("IPv6 out through the egress-only gateway is indeterminate", func(t *testing.T) {
		r := check(t, tcp("api-1", "2001:db8:ff::1", 443))
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes(), r.Text())
	})
	t.Run("the transit gateway's addresses are indeterminate, never answered by the default route", func(t *testing.T) {
		r := check(t, tcp("api-1", "172.16.0.1", 443))
		assert.Equal(t, "172.16.0.0/12 via tgw-0f1e2d3c4b5a6f7e8", hop(t, r.Forward, reach.KindRouteTable).Rule)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		u := hop(t, r.Forward, reach.KindUnmodelled)
		assert.Equal(t, "tgw-0f1e2d3c4b5a6f7e8", u.ID)
		assert.Equal(t, "transit gateway", u.Name)
	})
	t.Run("the stopped instance and its interface are not modelled", func(t *testing.T) {
		r := check(t, tcp("api-1", "10.20.1.40", 443))
		assert.Contains(t, r.To, "unknown address 10.20.1.40 in", "its address belongs to nothing in the model, yet is inside the VPC")
		assert.Equal(t, []reach.Code{reach.UnknownDestination}, r.Codes(), r.Text())
		for _, name := range []string{"batch-1", "i-0d3e4f5a6b7c8d9e0", "eni-04d5e6f7a8b9c0d13"} {
			// named, they get the answer of its address (reach.LeftOutNames)
			assert.Equal(t, r.Text(), check(t, tcp("api-1", name, 443)).Text(), name)
		}
	})
	t.Run("an instance's secondary private address", func(t *testing.T) {
		r := check(t, tcp("web-1", "10.20.1.21", 8443))
		assert.Contains(t, r.To, "api-1")
		assert.True(t, r.Reachable, r.Text())
	})
}

func TestLoadPrefixLists(t *testing.T) {
	// sg-db also admits PostgreSQL from the hosts of a prefix list.
	withListRule := func(t testing.TB, fsys fstest.MapFS) {
		loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"SecurityGroupRuleId": "sgr-db-pl", "GroupId": "sg-db", "GroupOwnerId": "111122223333", "IsEgress": false,
				"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "PrefixListId": "pl-0a1b2c3d4e5f60789"}`), "SecurityGroupRules")
		})
		loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [], "IpRanges": [],
				"Ipv6Ranges": [], "PrefixListIds": [{"PrefixListId": "pl-0a1b2c3d4e5f60789"}]}`), "SecurityGroups", 0, "IpPermissions")
		})
	}
	const described = `{"PrefixLists": [{"PrefixListId": "pl-0a1b2c3d4e5f60789", "AddressFamily": "IPv4", "State": "create-complete",
		"PrefixListName": "web-hosts", "MaxEntries": 5, "Version": 1, "OwnerId": "111122223333"}]}`
	const entries = `{"Entries": [{"Cidr": "10.0.1.10/32", "Description": "web-1"}]}`
	both := strings.TrimSuffix(described, "}") + `, "Entries": [{"Cidr": "10.0.1.10/32"}]}`
	webToDB := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	dbGroupHop := func(t *testing.T, m *reach.Model) reach.Hop {
		r, err := m.Check(webToDB)
		require.NoError(t, err)
		i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindSecurityGroups && h.ID == "sg-db" })
		require.GreaterOrEqual(t, i, 0, r.Text())
		return r.Forward[i]
	}
	tests := []struct {
		name    string
		files   map[string]string
		allowed bool       // the prefix list admits web-1 at sg-db
		code    reach.Code // otherwise, the code of sg-db's hop
		warn    string     // the only warning, if any
		err     string     // the only error, if any
		lists   int        // the lists read
	}{
		{"an Entries-only file named by the list", map[string]string{"aws/pl-0a1b2c3d4e5f60789.json": entries}, true, "", "", "", 1},
		{"the list's description and an Entries-only file named by it", map[string]string{
			"aws/prefix-lists.json": described, "aws/entries-pl-0a1b2c3d4e5f60789-v1.json": entries}, true, "", "", "", 1},
		{"one file with the list and its entries", map[string]string{"aws/web-hosts.json": both}, true, "", "", "", 1},
		{"the list described in two files, with entries in one", map[string]string{"aws/prefix-lists.json": described, "aws/web-hosts.json": both}, true, "", "", "", 1},
		{"entries nowhere: the list may hold web-1, or not", map[string]string{"aws/prefix-lists.json": described}, false, reach.SGIndeterminate,
			"aws/prefix-lists.json: PrefixLists[0]: prefix list pl-0a1b2c3d4e5f60789 is used but its entries are not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (check, ports and sources exit 3); add aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0a1b2c3d4e5f60789", "", 1},
		{"an empty list: it matches nothing", map[string]string{"aws/web-hosts.json": strings.TrimSuffix(described, "}") + `, "Entries": []}`}, false, reach.SGNoAllow, "", "", 1},
		{"an Entries file that names no list", map[string]string{"aws/entries.json": entries}, false, "", "",
			`aws/entries.json: Entries: invalid AWS CLI output: Entries of an unknown prefix list: get-managed-prefix-list-entries does not print the list's ID`, 0},
		{"the list not in the input at all: a warning at the first rule that uses it", map[string]string{}, false, reach.SGIndeterminate,
			`aws/security-group-rules.json: SecurityGroupRules[9]: prefix list pl-0a1b2c3d4e5f60789 (used by sg-db rule sgr-db-pl allows tcp/5432 from pl-0a1b2c3d4e5f60789) is not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (check, ports and sources exit 3); add aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-0a1b2c3d4e5f60789 and get-managed-prefix-list-entries`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			withListRule(t, fsys)
			for name, content := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(content)}
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			if tt.err != "" {
				faults := loadFaults(t, err)
				require.Len(t, faults, 1, "%v", err)
				assert.True(t, strings.HasPrefix(faults[0].Error(), tt.err), "got  %s\nwant %s…", faults[0].Error(), tt.err)
				return
			}
			require.NoError(t, err)
			if tt.warn != "" {
				require.Len(t, rep.Warnings, 1, "%q", rep.Warnings)
				assert.True(t, strings.HasPrefix(rep.Warnings[0], tt.warn), "got  %s\nwant %s…", rep.Warnings[0], tt.warn)
			} else {
				assert.Empty(t, rep.Warnings)
			}
			assert.Equal(t, tt.lists, rep.Counts["prefix-lists"])
			h := dbGroupHop(t, m)
			if tt.allowed {
				assert.Equal(t, flow.Allow, h.Verdict, h.Reason())
				assert.Contains(t, h.Rule, "sgr-db-pl")
			} else {
				assert.Equal(t, tt.code, h.Code, h.Reason())
			}
		})
	}
	t.Run("entries of two lists in one file", func(t *testing.T) {
		fsys := loadSampleFS(t)
		two := strings.Replace(described, `}]}`, `}, {"PrefixListId": "pl-0ffff", "PrefixListName": "other"}]}`, 1)
		fsys["aws/lists.json"] = &fstest.MapFile{Data: []byte(strings.TrimSuffix(two, "}") + `, "Entries": []}`)}
		_, _, err := aws.LoadFS(fsys, "aws")
		require.ErrorIs(t, err, aws.ErrInvalidDump)
		assert.Contains(t, err.Error(), "aws/lists.json: Entries: invalid AWS CLI output: Entries cannot be told apart")
	})
	t.Run("a route by a list whose entries are not in the input: kept, and lookups it could change are undecided", func(t *testing.T) {
		fsys := loadSampleFS(t)
		loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationPrefixListId": "pl-0a1b2c3d4e5f60789", "NetworkInterfaceId": "eni-web1", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})
		delete(fsys, "aws/security-group-rules.json") // no rule uses the list: the route alone
		m, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		require.Len(t, rep.Warnings, 1, "%q", rep.Warnings)
		assert.Equal(t, "aws/route-tables.json: RouteTables[1].Routes[3].DestinationPrefixListId: prefix list pl-0a1b2c3d4e5f60789 (used by a route of rtb-private) is not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (check, ports and sources exit 3); add aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-0a1b2c3d4e5f60789 and get-managed-prefix-list-entries --prefix-list-id pl-0a1b2c3d4e5f60789 --output json > pl-0a1b2c3d4e5f60789.json", rep.Warnings[0])
		assert.Equal(t, []string{"pl-0a1b2c3d4e5f60789"}, m.UnresolvedPrefixLists())
		r, err := m.Check(reach.Query{From: "app-1", To: "192.0.2.9", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		assert.Equal(t, []reach.Code{reach.RouteIndeterminate}, r.Codes())
	})
	t.Run("a route to a prefix list", func(t *testing.T) {
		fsys := loadSampleFS(t)
		fsys["aws/pl-0a1b2c3d4e5f60789.json"] = &fstest.MapFile{Data: []byte(`{"Entries": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "2001:db8:2::/48"}]}`)}
		loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationPrefixListId": "pl-0a1b2c3d4e5f60789", "NetworkInterfaceId": "eni-web1", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})
		m, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		assert.Empty(t, rep.Warnings)
		r, err := m.Check(reach.Query{From: "app-1", To: "192.0.2.9", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Equal(t, "pl-0a1b2c3d4e5f60789 (192.0.2.0/24) via eni-web1", r.Forward[1].Rule)
	})
}

func TestLoadMergesInterfaceSources(t *testing.T) {
	t.Run("describe-instances alone", func(t *testing.T) {
		fsys := loadSampleFS(t)
		delete(fsys, "aws/network-interfaces.json")
		m, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		assert.Empty(t, rep.Warnings)
		ref, _, err := aws.LoadFS(sample.AWSDump, "aws")
		require.NoError(t, err)
		assert.Equal(t, loadRender(t, ref, loadQueries()), loadRender(t, m, loadQueries()))
	})
	t.Run("describe-network-interfaces alone: every in-use interface, named by its Name tag", func(t *testing.T) {
		fsys := loadSampleFS(t)
		delete(fsys, "aws/instances.json")
		loadEdit(t, fsys, "aws/network-interfaces.json", func(doc map[string]any) {
			for i, name := range map[int]string{0: "app-1", 2: "web-1", 4: "db-1"} {
				loadObj(doc, "NetworkInterfaces", i)["TagSet"] = []any{map[string]any{"Key": "Name", "Value": name}}
			}
		})
		m, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		assert.Empty(t, rep.Warnings)
		assert.Equal(t, 0, rep.Counts["instances"], "no instance is described")
		assert.Equal(t, 3, rep.Counts["network-interfaces"])
		r, err := m.Check(reach.Query{From: "i-app1", To: "db-1", Protocol: flow.TCP, Port: 5432})
		require.NoError(t, err, "the attachment still names the instance")
		assert.Contains(t, r.From, "app-1")
	})
	t.Run("an instance's Name tag names its primary interface only", func(t *testing.T) {
		fsys := loadSampleFS(t)
		loadEdit(t, fsys, "aws/instances.json", func(doc map[string]any) {
			in := loadObj(doc, "Reservations", 0, "Instances", 1) // app-1
			second := loadJSON(`{"Attachment": {"DeviceIndex": 1, "Status": "attached"}, "Groups": [{"GroupId": "sg-app"}], "NetworkInterfaceId": "eni-app1b",
				"PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.2.21"}], "SubnetId": "subnet-app", "Status": "in-use"}`)
			in["NetworkInterfaces"] = append([]any{second}, in["NetworkInterfaces"].([]any)...)
		})
		m, _, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		for _, from := range []string{"app-1", "i-app1"} {
			r, err := m.Check(reach.Query{From: from, To: "db-1", Protocol: flow.TCP, Port: 5432})
			require.NoError(t, err)
			assert.Equal(t, "10.0.2.20", r.Flow.Src.Addr().String(), "%s is the primary interface (device index 0)", from)
		}
		r, err := m.Check(reach.Query{From: "eni-app1b", To: "db-1", Protocol: flow.TCP, Port: 5432})
		require.NoError(t, err)
		assert.Equal(t, "eni-app1b", r.From, "the secondary interface has no name of its own")
	})
}
