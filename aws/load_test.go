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
	"github.com/reachsim/reachsim/firewall/suricata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
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
		dir + `route-tables.json: RouteTables[0].Routes[3]: route ::/0 -> eigw-0a1b2c3d4e5f6a7b8 (egress-only internet gateway) of rtb-0a9b8c7d6e5f40312: it is not in the input (add aws ec2 describe-egress-only-internet-gateways); queries it routes are indeterminate (exit status 3)`,
		dir + `route-tables.json: RouteTables[0].Routes[4]: route 172.16.0.0/12 -> tgw-0f1e2d3c4b5a6f7e8 (transit gateway) of rtb-0a9b8c7d6e5f40312: transit gateway tgw-0f1e2d3c4b5a6f7e8 is not in the input (add the output of aws ec2 describe-transit-gateways, aws ec2 describe-transit-gateway-attachments, aws ec2 describe-transit-gateway-vpc-attachments, aws ec2 describe-transit-gateway-route-tables and each route table's routes); queries it routes are indeterminate (exit status 3)`,
		dir + `route-tables.json: RouteTables[0].Routes[7]: route pl-6da54004 -> vpce-0123456789abcdef0 (VPC endpoint) of rtb-0a9b8c7d6e5f40312: it is no Network Firewall endpoint of a firewall in the input, nor a gateway endpoint in the input (a Gateway Load Balancer endpoint? a gateway endpoint for S3 or DynamoDB, then add aws ec2 describe-vpc-endpoints and describe-prefix-lists; a firewall's, then add its aws network-firewall describe-firewall output); queries it routes are indeterminate (exit status 3)`,
		dir + `route-tables.json: RouteTables[2].Routes[2]: route 192.168.0.0/16 -> pcx-0a1b2c3d4e5f6a7b8 (VPC peering connection) of rtb-0c7d6e5f4a3b20110: the peering connection is not in the input (add the output of aws ec2 describe-vpc-peering-connections); queries it routes are indeterminate (exit status 3)`,
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
		for _, name := range []string{"batch-1", "i-0d3e4f5a6b7c8d9e0", "eni-04d5e6f7a8b9c0d13"} {
			_, err := m.Check(tcp("api-1", name, 443))
			assert.ErrorIs(t, err, reach.ErrQuery, name)
		}
		r := check(t, tcp("api-1", "10.20.1.40", 443))
		assert.Contains(t, r.To, "unknown address 10.20.1.40 in", "its address belongs to nothing in the model, yet is inside the VPC")
		assert.Equal(t, []reach.Code{reach.UnknownDestination}, r.Codes(), r.Text())
	})
	t.Run("an instance's secondary private address", func(t *testing.T) {
		r := check(t, tcp("web-1", "10.20.1.21", 8443))
		assert.Contains(t, r.To, "api-1")
		assert.True(t, r.Reachable, r.Text())
	})
}

// sampleEdit is a change to the sample dump.
type sampleEdit func(t testing.TB, fsys fstest.MapFS)

func editFile(name string, edit func(doc map[string]any)) sampleEdit {
	return func(t testing.TB, fsys fstest.MapFS) { loadEdit(t, fsys, name, edit) }
}

func setFile(name, content string) sampleEdit {
	return func(_ testing.TB, fsys fstest.MapFS) { fsys[name] = &fstest.MapFile{Data: []byte(content)} }
}

func removeFile(name string) sampleEdit {
	return func(_ testing.TB, fsys fstest.MapFS) { delete(fsys, name) }
}

func TestLoadWarnsAboutWhatItLeavesOut(t *testing.T) {
	tests := []struct {
		name  string
		edits []sampleEdit
		warn  string
		check func(t *testing.T, m *reach.Model)
	}{
		{"an unknown top-level key", []sampleEdit{editFile("aws/vpcs.json", func(doc map[string]any) {
			doc["ResponseMetadata"] = map[string]any{"RequestId": "0e9f"}
		})}, `aws/vpcs.json: unknown top-level key(s) "ResponseMetadata" ignored`, nil},
		{"a NextToken: a page is missing", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			doc["NextToken"] = "eyJ2IjoxfQ=="
		})}, `aws/subnets.json: NextToken: NextToken is set: this is one page`, nil},
		{"a stopped instance", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 0)["State"] = map[string]any{"Code": 80, "Name": "stopped"}
		})}, `aws/instances.json: Reservations[0].Instances[0]: instance i-db1 (db-1) is stopped: left out (only running instances are modelled)`,
			func(t *testing.T, m *reach.Model) {
				_, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
				assert.ErrorIs(t, err, reach.ErrQuery, "db-1 is not modelled, though describe-network-interfaces lists its interface")
			}},
		{"a route to a transit gateway", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})}, `aws/route-tables.json: RouteTables[1].Routes[3]: route 172.16.0.0/12 -> tgw-0a1b2c3d4e5f60718 (transit gateway) of rtb-private: transit gateway tgw-0a1b2c3d4e5f60718 is not in the input (add the output of aws ec2 describe-transit-gateways,`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "172.16.0.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, "172.16.0.0/12 via tgw-0a1b2c3d4e5f60718", r.Forward[1].Rule)
				assert.Equal(t, reach.Indeterminate, r.Outcome)
			}},
		{"a route to a virtual private gateway beside the default route", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "198.51.100.0/24", "GatewayId": "vgw-0a1b", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})}, `aws/route-tables.json: RouteTables[1].Routes[3]: route 198.51.100.0/24 -> vgw-0a1b (virtual private gateway) of rtb-private: reachsim does not model VPN; queries it routes are indeterminate`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "198.51.100.7", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, reach.Indeterminate, r.Outcome, "not reachable through the NAT gateway: %s", r.Text())
				assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes())
			}},
		{"a rule referencing a group in a peered VPC", []sampleEdit{editFile("aws/security-group-rules.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"SecurityGroupRuleId": "sgr-db-peer", "GroupId": "sg-db", "GroupOwnerId": "111122223333", "IsEgress": false,
				"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "ReferencedGroupInfo": {"GroupId": "sg-0peer", "UserId": "444455556666", "VpcId": "vpc-peer", "VpcPeeringConnectionId": "pcx-1"}}`),
				"SecurityGroupRules")
		}), editFile("aws/security-groups.json", func(doc map[string]any) {
			for _, g := range doc["SecurityGroups"].([]any) {
				if g := g.(map[string]any); g["GroupId"] == "sg-db" {
					g["IpPermissions"] = append(g["IpPermissions"].([]any), loadJSON(`{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
						"UserIdGroupPairs": [{"GroupId": "sg-0peer", "UserId": "444455556666", "VpcId": "vpc-peer", "VpcPeeringConnectionId": "pcx-1"}], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}`))
				}
			}
		})}, `aws/security-group-rules.json: SecurityGroupRules[9]: security group sg-0peer (referenced by sg-db rule sgr-db-peer allows tcp/5432 from sg-0peer) is not in the input`,
			func(t *testing.T, m *reach.Model) {
				assert.Equal(t, []string{"sg-0peer"}, m.UnresolvedGroups())
				r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
				require.NoError(t, err)
				assert.True(t, r.Reachable, "another rule allows app-1, a member of the design: %s", r.Text())
			}},
		{"a blackhole route to a transit gateway is kept as a blackhole", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "Origin": "CreateRoute", "State": "blackhole"}`),
				"RouteTables", 1, "Routes")
		})}, ``,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "172.16.0.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, []reach.Code{reach.BlackholeRoute}, r.Codes())
			}},
		{"a NAT gateway that is not available", []sampleEdit{
			editFile("aws/gateways.json", func(doc map[string]any) { loadObj(doc, "NatGateways", 0)["State"] = "deleting" }),
			editFile("aws/route-tables.json", func(doc map[string]any) {
				loadRemove(doc, func(r map[string]any) bool { return r["NatGatewayId"] != nil }, "RouteTables", 1, "Routes")
			})}, `aws/gateways.json: NatGateways[0]: NAT gateway nat-demo is "deleting", not available: left out`, nil},
		{"a VPC endpoint route by a prefix list in the input", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-0s3gateway", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		}), func(t testing.TB, fsys fstest.MapFS) {
			fsys["aws/pl-63a5400a.json"] = &fstest.MapFile{Data: []byte(`{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4", "MaxEntries": 1, "State": "create-complete"}], "Entries": [{"Cidr": "52.216.0.0/15"}]}`)}
		}}, `aws/route-tables.json: RouteTables[1].Routes[3]: route pl-63a5400a -> vpce-0s3gateway (VPC endpoint) of rtb-private: it is no Network Firewall endpoint`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "52.216.1.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, reach.Indeterminate, r.Outcome, "S3 through a gateway endpoint, never through the NAT gateway: %s", r.Text())
			}},
		{"an edge association with a virtual private gateway", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"Main": false, "RouteTableAssociationId": "rtbassoc-0vgw", "RouteTableId": "rtb-edge", "GatewayId": "vgw-0a1b", "AssociationState": {"State": "associated"}}`),
				"RouteTables", 2, "Associations")
		})}, `aws/route-tables.json: RouteTables[2].Associations[1]: edge association of rtb-edge with vgw-0a1b left out`, nil},
		{"the two security group files disagree", []sampleEdit{editFile("aws/security-group-rules.json", func(doc map[string]any) {
			loadRemove(doc, func(r map[string]any) bool { return r["SecurityGroupRuleId"] == "sgr-web-ping" }, "SecurityGroupRules")
		})}, `aws/security-groups.json: SecurityGroups[1]: security group sg-web: describe-security-groups lists 6 rules, describe-security-group-rules 5; using the latter`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP})
				require.NoError(t, err)
				assert.Contains(t, r.Codes(), reach.SGNoAllow, "sgr-web-ping is gone")
			}},
		{"the two interface files disagree", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0, "Groups", 0)["GroupId"] = "sg-web"
		})}, `aws/network-interfaces.json: NetworkInterfaces[0]: network interface eni-app1: the security groups differs from aws/instances.json: Reservations[0].Instances[1].NetworkInterfaces[0]; using describe-network-interfaces`, nil},
		{"a detached internet gateway", []sampleEdit{editFile("aws/gateways.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"Attachments": [{"State": "detached", "VpcId": "vpc-demo"}], "InternetGatewayId": "igw-old"}`), "InternetGateways")
		})}, `aws/gateways.json: InternetGateways[1].Attachments[0]: internet gateway igw-old is detached to vpc-demo: left out`, nil},
		{"a firewall policy no firewall uses", []sampleEdit{func(t testing.TB, fsys fstest.MapFS) {
			fsys["aws/old-policy.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(fsys["aws/firewall-policy.json"].Data), "demo-policy", "old-policy"))}
		}}, `aws/old-policy.json: FirewallPolicy: firewall policy old-policy is used by no firewall in the input: left out`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			for _, e := range tt.edits {
				e(t, fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			if tt.warn == "" {
				assert.Empty(t, rep.Warnings)
			} else {
				require.Len(t, rep.Warnings, 1, "%q", rep.Warnings)
				assert.True(t, strings.HasPrefix(rep.Warnings[0], tt.warn), "got  %s\nwant %s…", rep.Warnings[0], tt.warn)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestLoadErrorsNameTheFileAndPath(t *testing.T) {
	dropGroup := func(id string) []sampleEdit {
		return []sampleEdit{
			editFile("aws/security-groups.json", func(doc map[string]any) {
				loadRemove(doc, func(g map[string]any) bool { return g["GroupId"] == id }, "SecurityGroups")
			}),
			editFile("aws/security-group-rules.json", func(doc map[string]any) {
				loadRemove(doc, func(r map[string]any) bool { return r["GroupId"] == id }, "SecurityGroupRules")
			}),
		}
	}
	tests := []struct {
		name     string
		edits    []sampleEdit
		sentinel error
		want     []string // every error, in order
	}{
		{"an interface's security group is not in the input", dropGroup("sg-db"), reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[4].Groups[0].GroupId (eni-db1): "sg-db": invalid topology: unknown security group`,
		}},
		{"an interface's group that rules reference is not in the input: only the interface's reference is an error", dropGroup("sg-web"), reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[2].Groups[0].GroupId (eni-web1): "sg-web": invalid topology: unknown security group`,
		}},
		{"subnets whose VPC is not in the input", []sampleEdit{removeFile("aws/vpcs.json"), removeFile("aws/route-tables.json"),
			removeFile("aws/network-acls.json"), removeFile("aws/security-groups.json"), removeFile("aws/gateways.json"),
			removeFile("aws/firewall.json")}, reach.ErrTopology, []string{
			`aws/subnets.json: Subnets[0].VpcId (subnet-app): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[2].VpcId (subnet-db): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[3].VpcId (subnet-fw): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[1].VpcId (subnet-public): "vpc-demo": invalid topology: unknown VPC`,
			`aws/network-interfaces.json: NetworkInterfaces[0].SubnetId (eni-app1): "subnet-app": invalid topology: unknown subnet`,
			`aws/network-interfaces.json: NetworkInterfaces[4].SubnetId (eni-db1): "subnet-db": invalid topology: unknown subnet`,
			`aws/network-interfaces.json: NetworkInterfaces[2].SubnetId (eni-web1): "subnet-public": invalid topology: unknown subnet`,
		}},
		{"a route to a NAT gateway that is not in the input", []sampleEdit{editFile("aws/gateways.json", func(doc map[string]any) {
			delete(doc, "NatGateways")
		})}, reach.ErrTopology, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].NatGatewayId (rtb-private): "nat-demo": invalid topology: no NAT gateway nat-demo in vpc-demo`,
		}},
		{"a route table associated with a subnet that is not in the input", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			loadRemove(doc, func(s map[string]any) bool { return s["SubnetId"] == "subnet-fw" }, "Subnets")
		}), removeFile("aws/firewall.json"), removeFile("aws/firewall-policy.json"), removeFile("aws/rule-group-inbound-web.json"),
			removeFile("aws/rule-group-egress-domains.json"), editFile("aws/route-tables.json", func(doc map[string]any) {
				for i := range 4 {
					loadRemove(doc, func(r map[string]any) bool { g, _ := r["GatewayId"].(string); return strings.HasPrefix(g, "vpce-") }, "RouteTables", i, "Routes")
				}
			})}, reach.ErrTopology, []string{
			`aws/route-tables.json: RouteTables[3].Associations[0].SubnetId (rtb-fw): "subnet-fw": invalid topology: unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)`,
			`aws/network-acls.json: NetworkAcls[1].Associations[0].SubnetId (acl-default): "subnet-fw": invalid topology: unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)`,
		}},
		{"the firewall's policy is not in the input", []sampleEdit{removeFile("aws/firewall-policy.json")}, firewall.ErrUnresolved, []string{
			`aws/firewall.json: Firewall.FirewallPolicyArn (demo-firewall): "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/demo-policy": unresolved reference: the firewall's policy is not in the input (add aws network-firewall describe-firewall-policy --firewall-policy-arn arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/demo-policy --output json)`,
		}},
		{"a rule group of the policy is not in the input", []sampleEdit{removeFile("aws/rule-group-egress-domains.json")}, firewall.ErrUnresolved, []string{
			`aws/firewall-policy.json: FirewallPolicy.StatefulRuleGroupReferences[1].ResourceArn (demo-policy): "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/egress-domains": unresolved reference: no stateful rule group with this ARN was loaded`,
		}},
		{"malformed JSON", []sampleEdit{setFile("aws/vpcs.json", `{"Vpcs": [{"VpcId": "vpc-demo", "CidrBlock": "10.0.0.0/16"`)}, flow.ErrJSON, []string{
			`aws/vpcs.json: Vpcs[0]: ": \"vpc-demo\", \"CidrBlock\": \"10.0.0.0/16\"": malformed JSON: unexpected end of JSON input (line 1, column 59)`,
		}},
		{"a string where a list belongs", []sampleEdit{setFile("aws/vpcs.json", `{"Vpcs": "vpc-demo"}`)}, flow.ErrJSON, []string{
			`aws/vpcs.json: Vpcs: "\"vpc-demo\"": malformed JSON: a JSON string where a list was expected`,
		}},
		{"a number where an ID belongs", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			loadObj(doc, "Subnets", 2)["VpcId"] = 7
		})}, flow.ErrJSON, []string{
			`aws/subnets.json: Subnets[2].VpcId: "7": malformed JSON: a JSON number where a string was expected`,
		}},
		{"a bad address", []sampleEdit{editFile("aws/network-interfaces.json", func(doc map[string]any) {
			loadObj(doc, "NetworkInterfaces", 2, "Ipv6Addresses", 0)["Ipv6Address"] = "2001:db8:10:1::g"
		})}, aws.ErrInvalidDump, []string{
			`aws/network-interfaces.json: NetworkInterfaces[2].Ipv6Addresses[0].Ipv6Address (eni-web1): "2001:db8:10:1::g": invalid AWS CLI output: not an IP address`,
		}},
		{"a missing required field", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			delete(loadObj(doc, "RouteTables", 2), "VpcId")
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[2].VpcId (rtb-edge): invalid AWS CLI output: VpcId is missing`,
		}},
		{"a fault the security group parser finds", []sampleEdit{editFile("aws/security-group-rules.json", func(doc map[string]any) {
			loadObj(doc, "SecurityGroupRules", 5)["FromPort"] = 70000
		})}, nil, []string{
			`aws/security-group-rules.json: SecurityGroupRules[5].FromPort (sg-web rule sgr-web-ssh): "70000"`,
		}},
		{"a fault the network ACL parser finds", []sampleEdit{editFile("aws/network-acls.json", func(doc map[string]any) {
			loadObj(doc, "NetworkAcls", 2, "Entries", 0)["RuleAction"] = "maybe"
		})}, nil, []string{
			`aws/network-acls.json: NetworkAcls[2].Entries[0].RuleAction (acl-db rule 100): "maybe": invalid network ACL entry: action "maybe": want allow or deny`,
		}},
		{"a malformed value deep inside describe-instances", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0)["SubnetId"] = false
		})}, flow.ErrJSON, []string{
			`aws/instances.json: Reservations[0].Instances[1].NetworkInterfaces[0].SubnetId: `,
		}},
		{"a malformed route", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 1, "Routes", 2)["DestinationCidrBlock"] = []any{"0.0.0.0/0"}
		})}, flow.ErrJSON, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].DestinationCidrBlock: `,
		}},
		{"a route's CIDR that is not one", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 1, "Routes", 2)["DestinationCidrBlock"] = "0.0.0.0/33"
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].DestinationCidrBlock (rtb-private): "0.0.0.0/33": invalid AWS CLI output: not a CIDR block`,
		}},
		{"an address outside the interface's subnet", []sampleEdit{
			editFile("aws/network-interfaces.json", func(doc map[string]any) {
				loadObj(doc, "NetworkInterfaces", 0, "PrivateIpAddresses", 0)["PrivateIpAddress"] = "10.0.9.9"
			}),
			editFile("aws/instances.json", func(doc map[string]any) {
				loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0, "PrivateIpAddresses", 0)["PrivateIpAddress"] = "10.0.9.9"
			})}, reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress (eni-app1): "10.0.9.9": invalid topology: outside subnet subnet-app (10.0.2.0/24)`,
		}},
		{"an interface without addresses", []sampleEdit{
			editFile("aws/network-interfaces.json", func(doc map[string]any) {
				loadObj(doc, "NetworkInterfaces", 4)["PrivateIpAddresses"] = []any{}
				delete(loadObj(doc, "NetworkInterfaces", 4), "PrivateIpAddress")
			}),
			editFile("aws/instances.json", func(doc map[string]any) {
				loadObj(doc, "Reservations", 0, "Instances", 0, "NetworkInterfaces", 0)["PrivateIpAddresses"] = []any{}
				delete(loadObj(doc, "Reservations", 0, "Instances", 0, "NetworkInterfaces", 0), "PrivateIpAddress")
			})}, reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[4] (eni-db1): invalid topology: an interface needs a private address`,
		}},
		{"a Suricata rule the firewall parser rejects", []sampleEdit{editFile("aws/rule-group-inbound-web.json", func(doc map[string]any) {
			loadObj(doc, "RuleGroup", "RulesSource")["RulesString"] = "pass tcp any any -> nowhere 443 (sid:10;)"
		})}, suricata.ErrSyntax, []string{
			`aws/rule-group-inbound-web.json: RuleGroup.RulesSource.RulesString`,
		}},
		{"a resource listed in two files", []sampleEdit{func(_ testing.TB, fsys fstest.MapFS) {
			fsys["aws/vpcs-again.json"] = fsys["aws/vpcs.json"]
		}}, aws.ErrInvalidDump, []string{
			`aws/vpcs.json: Vpcs[0].VpcId (vpc-demo): "vpc-demo": invalid AWS CLI output: VPC vpc-demo is listed twice (first at aws/vpcs-again.json: Vpcs[0].VpcId)`,
		}},
		{"two main route tables", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 0, "Associations", 0)["Main"] = true
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[1].Associations[0].Main (rtb-private): "rtb-private": invalid AWS CLI output: vpc-demo has two main route tables, rtb-public (aws/route-tables.json: RouteTables[0].Associations[0].Main) and rtb-private`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			for _, e := range tt.edits {
				e(t, fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.Error(t, err)
			assert.Nil(t, m)
			assert.NotNil(t, rep)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			faults := loadFaults(t, err)
			require.Len(t, faults, len(tt.want), "%v", err)
			for i, f := range faults {
				assert.True(t, strings.HasPrefix(f.Error(), tt.want[i]), "got  %s\nwant %s…", f.Error(), tt.want[i])
				assert.NotEmpty(t, f.File)
			}
		})
	}
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
			"aws/prefix-lists.json: PrefixLists[0]: prefix list pl-0a1b2c3d4e5f60789 is used but its entries are not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (exit status 3); add aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0a1b2c3d4e5f60789", "", 1},
		{"an empty list: it matches nothing", map[string]string{"aws/web-hosts.json": strings.TrimSuffix(described, "}") + `, "Entries": []}`}, false, reach.SGNoAllow, "", "", 1},
		{"an Entries file that names no list", map[string]string{"aws/entries.json": entries}, false, "", "",
			`aws/entries.json: Entries: invalid AWS CLI output: Entries of an unknown prefix list: get-managed-prefix-list-entries does not print the list's ID`, 0},
		{"the list not in the input at all: a warning at the first rule that uses it", map[string]string{}, false, reach.SGIndeterminate,
			`aws/security-group-rules.json: SecurityGroupRules[9]: prefix list pl-0a1b2c3d4e5f60789 (used by sg-db rule sgr-db-pl allows tcp/5432 from pl-0a1b2c3d4e5f60789) is not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (exit status 3); add aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-0a1b2c3d4e5f60789 and get-managed-prefix-list-entries`, "", 0},
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
		assert.Equal(t, "aws/route-tables.json: RouteTables[1].Routes[3].DestinationPrefixListId: prefix list pl-0a1b2c3d4e5f60789 (used by a route of rtb-private) is not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (exit status 3); add aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-0a1b2c3d4e5f60789 and get-managed-prefix-list-entries --prefix-list-id pl-0a1b2c3d4e5f60789 --output json > pl-0a1b2c3d4e5f60789.json", rep.Warnings[0])
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
