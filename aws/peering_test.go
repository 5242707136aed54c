package aws_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// peeringFS is testdata/peering: VPCs a (10.1/16), b (10.2/16, an internet
// gateway, b at 198.51.100.20) and c (10.3/16); pcx-ab and pcx-bc active,
// pcx-ac pending acceptance, pcx-ax active toward vpc-x of another account,
// which is not in the input. rtb-a routes b, c, vpc-x and 0.0.0.0/0 to
// peerings; rtb-b2 (subnet-b2, where b2 is) has no route back to a. sg-b
// admits tcp/5432 from sg-a (a UserIdGroupPairs entry with VpcId, UserId
// and VpcPeeringConnectionId) and tcp/6379 from sg-0remote of vpc-x.
func peeringFS(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/peering")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/peering", e.Name()))
		require.NoError(t, err)
		fsys["peering/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func TestLoadPeeringDump(t *testing.T) {
	m, rep, err := aws.LoadFS(peeringFS(t), "peering")
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Counts["vpc-peering-connections"], "pcx-ax joins a VPC that is not in the input")
	assert.Equal(t, []string{
		`peering/route-tables.json: RouteTables[0].Routes[3]: route 10.9.0.0/16 -> pcx-ax (VPC peering connection) of rtb-a: the peering connection joins a VPC that is not in the input (vpc-a and vpc-x); queries it routes are indeterminate (check, ports and sources exit 3)`,
		`peering/security-groups.json: SecurityGroups[2]: security group sg-0remote (referenced by sg-b rule #2 allows tcp/6379 from sg-0remote) is not in the input (a group in a peered VPC or another account?): queries only its rules could allow are indeterminate (check, ports and sources exit 3); add it with aws ec2 describe-security-groups --group-ids sg-0remote where it lives`,
		`peering/vpc-peering-connections.json: VpcPeeringConnections[3]: peering connection pcx-ax joins vpc-a and vpc-x, but vpc-x (account 444455556666) 10.9.0.0/16 is not in the input (a VPC of another account or Region?): routes to pcx-ax are kept as unmodelled and queries they route are indeterminate (check, ports and sources exit 3); add the VPC's describe-vpcs, describe-subnets, ... output to follow them`,
	}, rep.Warnings)
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	tests := []struct {
		name    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"peered VPCs reach each other by private address", tcp("a", "b", 22), reach.Reachable, []reach.Code{}},
		{"a group reference across the peering matches a's private address", tcp("a", "b", 5432), reach.Reachable, []reach.Code{}},
		{"c is no member of sg-a", tcp("c", "b", 5432), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
		{"a peering pending acceptance carries nothing", tcp("a", "c", 22), reach.Unreachable,
			[]reach.Code{reach.PeeringNotActive, reach.PeeringAddressOutsideVPC.OnLeg(reach.Return)}},
		{"c cannot reach a through b: peering is not transitive", tcp("c", "a", 22), reach.Unreachable, []reach.Code{reach.PeeringAddressOutsideVPC}},
		{"a cannot use b's internet gateway: no edge-to-edge routing", tcp("a", "8.8.8.8", 443), reach.Unreachable, []reach.Code{reach.PeeringAddressOutsideVPC}},
		// The reply takes b2's default route to the internet gateway, which
		// drops a private destination at once (one fault, one code).
		{"b2's subnet has no route back to a", tcp("a", "b2", 22), reach.Unreachable,
			[]reach.Code{reach.PrivateAddressOnInternet.OnLeg(reach.Return)}},
		{"a peering toward a VPC not in the input is undecided", tcp("a", "10.9.1.5", 22), reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}},
		// an address the input does not hold may be a member, but from the
		// internet, which carries no group identity, no reference matches
		{"a group not in the input: no match from the internet", tcp("203.0.113.7", "b", 6379), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
		{"a group not in the input: no member among the design's addresses", tcp("a", "b", 6379), reach.Unreachable, []reach.Code{reach.SGNoAllow}},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			r, err := m.Check(c.q)
			require.NoError(t, err)
			assert.Equal(t, c.outcome, r.Outcome, r.Text())
			assert.Equal(t, c.codes, r.Codes(), r.Text())
		})
	}
}

func TestLoadPeeringErrors(t *testing.T) {
	pcx := func(edit func(pcs []any)) sampleEdit {
		return editFile("peering/vpc-peering-connections.json", func(doc map[string]any) { edit(doc["VpcPeeringConnections"].([]any)) })
	}
	at := func(pcs []any, i int) map[string]any { return pcs[i].(map[string]any) }
	tests := []struct {
		name     string
		edit     sampleEdit
		sentinel error
		want     []string
	}{
		{"no ID", pcx(func(pcs []any) { delete(at(pcs, 0), "VpcPeeringConnectionId") }), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[0].VpcPeeringConnectionId: invalid AWS CLI output: VpcPeeringConnectionId is missing`}},
		{"no accepter VPC", pcx(func(pcs []any) { delete(at(pcs, 1)["AccepterVpcInfo"].(map[string]any), "VpcId") }), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[1].AccepterVpcInfo.VpcId (pcx-bc): invalid AWS CLI output: VpcId is missing`}},
		{"no requester at all", pcx(func(pcs []any) { delete(at(pcs, 1), "RequesterVpcInfo") }), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[1].RequesterVpcInfo (pcx-bc): invalid AWS CLI output: RequesterVpcInfo is missing`}},
		{"no status", pcx(func(pcs []any) { delete(at(pcs, 2), "Status") }), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[2].Status.Code (pcx-ac): invalid AWS CLI output: Status.Code is missing: want the connection's status (active, pending-acceptance, ...)`}},
		{"a CIDR block that is none", pcx(func(pcs []any) {
			at(pcs, 0)["AccepterVpcInfo"].(map[string]any)["CidrBlockSet"] = []any{map[string]any{"CidrBlock": "10.2.0.0/33"}}
		}), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[0].AccepterVpcInfo.CidrBlockSet[0].CidrBlock (pcx-ab): "10.2.0.0/33": invalid AWS CLI output: not a CIDR block`}},
		{"an IPv4 block among the IPv6 ones", pcx(func(pcs []any) {
			at(pcs, 0)["AccepterVpcInfo"].(map[string]any)["Ipv6CidrBlockSet"] = []any{map[string]any{"Ipv6CidrBlock": "10.2.0.0/16"}}
		}), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[0].AccepterVpcInfo.Ipv6CidrBlockSet[0].Ipv6CidrBlock (pcx-ab): "10.2.0.0/16": invalid AWS CLI output: not an IPv6 CIDR block`}},
		{"listed twice", pcx(func(pcs []any) { at(pcs, 1)["VpcPeeringConnectionId"] = "pcx-ab" }), aws.ErrInvalidDump, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[1].VpcPeeringConnectionId (pcx-ab): "pcx-ab": invalid AWS CLI output: peering connection pcx-ab is listed twice (first at peering/vpc-peering-connections.json: VpcPeeringConnections[0].VpcPeeringConnectionId)`}},
		{"a VPC peered with itself", pcx(func(pcs []any) { at(pcs, 1)["AccepterVpcInfo"].(map[string]any)["VpcId"] = "vpc-c" }), reach.ErrTopology, []string{
			`peering/vpc-peering-connections.json: VpcPeeringConnections[1].AccepterVpcInfo.VpcId (pcx-bc): "vpc-c": invalid topology: a peering connection joins two different VPCs`}},
		{"a route to a peering of two other VPCs", editFile("peering/route-tables.json", func(doc map[string]any) {
			routes := doc["RouteTables"].([]any)[3].(map[string]any)["Routes"].([]any)
			routes[1].(map[string]any)["VpcPeeringConnectionId"] = "pcx-ab"
		}), reach.ErrTopology, []string{
			`peering/route-tables.json: RouteTables[3].Routes[1].VpcPeeringConnectionId (rtb-c): "pcx-ab": invalid topology: peering connection pcx-ab joins vpc-a and vpc-b, not vpc-c`}},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			fsys := peeringFS(t)
			c.edit(t, fsys)
			_, _, err := aws.LoadFS(fsys, "peering")
			require.ErrorIs(t, err, c.sentinel)
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ie *flow.InputError
				require.True(t, errors.As(e, &ie), "%T", e)
				got = append(got, e.Error())
			}
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("a CIDR block the VPC does not have is a warning", func(t *testing.T) {
		fsys := peeringFS(t)
		pcx(func(pcs []any) {
			at(pcs, 0)["AccepterVpcInfo"].(map[string]any)["CidrBlockSet"] = []any{map[string]any{"CidrBlock": "10.2.0.0/16"}, map[string]any{"CidrBlock": "10.20.0.0/16"}}
		})(t, fsys)
		_, rep, err := aws.LoadFS(fsys, "peering")
		require.NoError(t, err)
		assert.Contains(t, rep.Warnings, `peering/vpc-peering-connections.json: VpcPeeringConnections[0].AccepterVpcInfo.CidrBlockSet[1].CidrBlock: peering connection pcx-ab lists 10.20.0.0/16 for vpc-b, which describe-vpcs does not give it: the VPC's own blocks (10.2.0.0/16) are used`)
	})
}
