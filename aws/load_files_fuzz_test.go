package aws_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// fuzzFileQueries are the questions FuzzLoadFiles asks: the sample's
// endpoints by name, ID and address, the internet, and addresses nobody
// owns, over every kind of protocol.
var fuzzFileQueries = func() []reach.Query {
	ends := []string{"web-1", "app-1", "db-1", "203.0.113.10", "10.0.2.20", "2001:db8:10:1::10", "198.51.100.7", "203.0.113.100", "10.9.9.9"}
	var qs []reach.Query
	for i, from := range ends {
		for j, to := range ends {
			q := reach.Query{From: from, To: to}
			switch (i + j) % 4 {
			case 0:
				q.Protocol, q.Port = flow.TCP, 443
			case 1:
				q.Protocol, q.Port, q.Domain = flow.TCP, 443, "api.github.com"
			case 2:
				q.Protocol, q.Port = flow.UDP, 53
			default:
				q.Protocol = flow.ICMP
			}
			qs = append(qs, q)
		}
	}
	return qs
}()

// fuzzLoad loads fsys and answers qs in order: the load's error, its
// warnings and the answers (errors, or text and JSON traces) as strings.
func fuzzLoad(fsys fs.FS, qs []reach.Query) (string, []string, []string) {
	m, rep, err := aws.LoadFS(fsys, "aws")
	if err != nil {
		return err.Error(), rep.Warnings, nil
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		r, err := m.Check(q)
		if err != nil {
			out[i] = "error: " + err.Error()
			continue
		}
		j, err := r.JSON()
		if err != nil {
			out[i] = "JSON error: " + err.Error()
			continue
		}
		out[i] = r.Text() + "\n" + string(j)
	}
	return "", rep.Warnings, out
}

// FuzzLoadFiles loads the sample dump with one of its files replaced (pick
// chooses which) and a second file added, then asks questions chosen by
// the bytes of qsel: no input may panic, and two loads of the same bytes
// give the same error or the same warnings, and the same answers
// whichever order the questions come in, byte for byte.
func FuzzLoadFiles(f *testing.F) {
	entries, err := fs.ReadDir(sample.AWSDump, "aws")
	if err != nil {
		f.Fatal(err)
	}
	var names []string
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := fs.ReadFile(sample.AWSDump, "aws/"+e.Name())
		if err != nil {
			f.Fatal(err)
		}
		names = append(names, e.Name())
		files[e.Name()] = data
	}
	for i, n := range names {
		f.Add(uint8(i), files[n], []byte(`{}`), []byte{0, 10, 20, 30, 40})
		f.Add(uint8(i), files[names[(i+1)%len(names)]], files[n], []byte{byte(i)})
	}
	f.Add(uint8(0), []byte(`{"Vpcs": []}`), []byte(`{"Unknown": 1}`), []byte{1, 2, 3})
	f.Add(uint8(1), []byte(`null`), []byte(`[]`), []byte{})
	f.Add(uint8(2), []byte(`{"Subnets": [{"SubnetId": "subnet-x", "VpcId": "vpc-demo", "CidrBlock": "10.0.9.0/24"}]}`), []byte(`{"RouteTables": []}`), []byte{5, 6})
	// A second VPC peered with the sample's.
	f.Add(uint8(0), files[names[0]], []byte(`{"Vpcs": [{"VpcId": "vpc-p", "CidrBlock": "10.8.0.0/16"}], "VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1",
		"RequesterVpcInfo": {"VpcId": "vpc-demo", "CidrBlock": "10.0.0.0/16"}, "AccepterVpcInfo": {"VpcId": "vpc-p", "CidrBlockSet": [{"CidrBlock": "10.8.0.0/16"}]},
		"Status": {"Code": "active"}}]}`), []byte{1, 2})
	f.Fuzz(func(t *testing.T, pick uint8, data, extra, qsel []byte) {
		fsys := fstest.MapFS{}
		for _, n := range names {
			fsys["aws/"+n] = &fstest.MapFile{Data: files[n]}
		}
		fsys["aws/"+names[int(pick)%len(names)]] = &fstest.MapFile{Data: data}
		fsys["aws/zz-extra.json"] = &fstest.MapFile{Data: extra}
		var qs []reach.Query
		for _, b := range qsel[:min(len(qsel), 12)] {
			qs = append(qs, fuzzFileQueries[int(b)%len(fuzzFileQueries)])
		}
		err1, warn1, ans1 := fuzzLoad(fsys, qs)
		rev := make([]reach.Query, len(qs))
		for i, q := range qs {
			rev[len(qs)-1-i] = q
		}
		err2, warn2, ans2 := fuzzLoad(fsys, rev)
		require.Equal(t, err1, err2, "the same bytes fail the same way")
		require.Equal(t, warn1, warn2, "the same bytes warn the same way")
		require.Len(t, ans2, len(ans1))
		for i := range ans1 {
			require.Equal(t, ans1[i], ans2[len(ans2)-1-i], "query %+v: the same answer from a fresh model, asked in another order", qs[i])
		}
	})
}
