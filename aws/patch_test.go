package aws_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestWritePatched: a fix made on the sample dump, written as a patched
// copy and loaded again, gives the wanted answer, and the same model as
// Apply makes; the input is left as it was.
func TestWritePatched(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	tcp := func(from, to string, port, src uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port, SrcPort: src}
	}
	tests := []struct {
		name     string
		q        reach.Query
		want     reach.Outcome
		commands []string
	}{
		{"an ACL entry for the client's port", tcp("app-1", "db-1", 5432, 50000), reach.Reachable,
			[]string{"aws ec2 create-network-acl-entry --network-acl-id acl-db --egress --rule-number 110 --protocol 6 --port-range From=50000,To=50000 --cidr-block 10.0.2.20/32 --rule-action allow"}},
		{"a group's rule and two ACL entries", tcp("web-1", "db-1", 5432, 30000), reach.Reachable,
			[]string{"aws ec2 create-network-acl-entry --network-acl-id acl-db --ingress --rule-number 110 --protocol 6 --port-range From=5432,To=5432 --cidr-block 10.0.1.10/32 --rule-action allow",
				`aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.1.10/32,Description="reachsim fix"}]'`,
				"aws ec2 create-network-acl-entry --network-acl-id acl-db --egress --rule-number 110 --protocol 6 --port-range From=30000,To=30000 --cidr-block 10.0.1.10/32 --rule-action allow"}},
		{"closed by a deny entry", tcp("app-1", "db-1", 5432, 30000), reach.Unreachable,
			[]string{"aws ec2 create-network-acl-entry --network-acl-id acl-app --egress --rule-number 99 --protocol 6 --port-range From=5432,To=5432 --cidr-block 10.0.3.30/32 --rule-action deny"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx, err := m.Fix(tt.q, tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.commands, aws.Commands(fx.Changes))
			out := filepath.Join(t.TempDir(), "patched")
			written, err := aws.WritePatched(out, fx.Changes, in)
			require.NoError(t, err)
			entries, err := os.ReadDir(in)
			require.NoError(t, err)
			assert.Len(t, written, len(entries), "every file of the dump, in the same layout")
			patched, rep, err := aws.Load(out)
			require.NoError(t, err)
			assert.Empty(t, rep.Warnings)
			r, err := patched.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			d, err := reach.Diff(fx.Patched, patched, reach.DiffOptions{})
			require.NoError(t, err)
			assert.Empty(t, d.Changes, "the patched dump is the model Fix verified")
			_, err = aws.WritePatched(out, fx.Changes, in)
			require.ErrorIs(t, err, aws.ErrPatch, "never over a directory that holds files")
		})
	}
	again, _, err := aws.Load(in)
	require.NoError(t, err)
	d, err := reach.Diff(m, again, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Empty(t, d.Changes, "the input is untouched")
}

// TestPatchNewGroup: a group made for an interface whose groups are all
// shared is added to the dump's groups and attached to the interface.
func TestPatchNewGroup(t *testing.T) {
	rule := reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-reachsim-eni-app1", NewGroup: true, VPC: "vpc-demo"}
	r := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1,
		Peer: sg.CIDR("198.51.100.7/32")}
	rule.Rule = &r
	attach := reach.Change{Action: reach.ChangeReplace, Kind: reach.ResourceInterface, Resource: "eni-app1", Groups: []string{"sg-app", "sg-reachsim-eni-app1"}}
	files := map[string][]byte{}
	for _, n := range []string{"security-groups.json", "network-interfaces.json"} {
		b, err := os.ReadFile(filepath.Join("..", "sample", "aws", n))
		require.NoError(t, err)
		files[n] = b
	}
	out, err := aws.Patch(files, []reach.Change{rule, attach})
	require.NoError(t, err)
	assert.Contains(t, string(out["security-groups.json"]), `"GroupId": "sg-reachsim-eni-app1"`)
	assert.Contains(t, string(out["network-interfaces.json"]), `"GroupId": "sg-reachsim-eni-app1"`)
	assert.Contains(t, string(out["security-groups.json"]), `"GroupName": "reachsim-eni-app1"`)
	assert.Contains(t, string(out["network-interfaces.json"]), `"GroupName": "reachsim-eni-app1"`, "the interface lists the group by the name it has")
	cmds := aws.Commands([]reach.Change{rule, attach})
	require.Len(t, cmds, 3)
	assert.True(t, strings.HasPrefix(cmds[0], "SG_1=$(aws ec2 create-security-group --group-name reachsim-eni-app1 "), cmds[0],
		"AWS refuses a group name that starts with sg-")
	assert.Contains(t, cmds[1], `--group-id "$SG_1"`)
	assert.Equal(t, `aws ec2 modify-network-interface-attribute --network-interface-id eni-app1 --groups sg-app "$SG_1"`, cmds[2])
	entry := nacl.MustParseEntry("100 allow tcp 22 from 10.0.0.0/8")
	_, err = aws.Patch(files, []reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-nowhere", Entry: &entry}})
	require.ErrorIs(t, err, aws.ErrPatch)
	require.ErrorContains(t, err, "acl-nowhere")
}

// TestPatchRemovesARule: a rule removed goes from both listings of it.
func TestPatchRemovesARule(t *testing.T) {
	in := filepath.Join("..", "sample", "aws")
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	rule := sg.Rule{ID: "sgr-web-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1,
		Peer: sg.CIDR("198.51.100.0/24")}
	change := reach.Change{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule}
	out := filepath.Join(t.TempDir(), "patched")
	_, err = aws.WritePatched(out, []reach.Change{change}, in)
	require.NoError(t, err)
	for _, n := range []string{"security-groups.json", "security-group-rules.json"} {
		b, err := os.ReadFile(filepath.Join(out, n))
		require.NoError(t, err)
		assert.NotContains(t, string(b), "198.51.100.0/24", n)
	}
	patched, rep, err := aws.Load(out)
	require.NoError(t, err)
	assert.Empty(t, rep.Warnings, "the two listings agree")
	d, err := reach.Diff(m, patched, reach.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, d.Resources, 1)
	assert.Equal(t, "sg-web", d.Resources[0].ID)
	assert.Equal(t, []string{"aws ec2 revoke-security-group-ingress --group-id sg-web --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=198.51.100.0/24}]'"},
		aws.Commands([]reach.Change{change}))
}

// FuzzPatch: a patch of any file content returns an error or the patched
// files, never panics, and leaves the input bytes as they were.
func FuzzPatch(f *testing.F) {
	for _, n := range []string{"security-groups.json", "security-group-rules.json", "network-acls.json", "route-tables.json", "network-interfaces.json"} {
		b, err := os.ReadFile(filepath.Join("..", "sample", "aws", n))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"SecurityGroups": [1, null, {"GroupId": 7}], "NetworkAcls": {"x": 1}, "RouteTables": null}`))
	f.Add([]byte(`{"SecurityGroupRules": [{"GroupId": "sg-web", "IsEgress": "no", "FromPort": "22"}]}`))
	rule := sg.Rule{ID: "sgr-web-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("198.51.100.0/24")}
	entry := nacl.MustParseEntry("110 allow tcp 50000 to 10.0.2.20/32")
	route := reach.Route{Destination: netip.MustParsePrefix("198.51.100.7/32"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"}
	changes := []reach.Change{
		{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule},
		{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule},
		{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-db", Entry: &entry},
		{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-public", Route: &route},
		{Action: reach.ChangeReplace, Kind: reach.ResourceInterface, Resource: "eni-app1", Groups: []string{"sg-app"}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		for _, c := range changes {
			out, err := aws.Patch(map[string][]byte{"f.json": data}, []reach.Change{c})
			if err != nil {
				require.ErrorIs(t, err, aws.ErrPatch)
				continue
			}
			for _, b := range out {
				require.True(t, json.Valid(b), "a patched file is JSON")
			}
		}
		require.Equal(t, in, data, "the input is not written")
	})
}

// editedSample copies the sample dump to a temp dir, letting edit change
// the decoded JSON of a file by name, and returns the copy's path.
func editedSample(t *testing.T, edit map[string]func(map[string]any)) string {
	t.Helper()
	in := filepath.Join("..", "sample", "aws")
	out := filepath.Join(t.TempDir(), "dump")
	require.NoError(t, os.MkdirAll(out, 0o755))
	ents, err := os.ReadDir(in)
	require.NoError(t, err)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(in, e.Name()))
		require.NoError(t, err)
		if f := edit[e.Name()]; f != nil {
			var doc map[string]any
			require.NoError(t, json.Unmarshal(b, &doc))
			f(doc)
			b, err = json.MarshalIndent(doc, "", " ")
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(out, e.Name()), b, 0o644))
	}
	return out
}

// TestCommandsNewGroupName: the group Fix makes for an interface whose
// groups are all shared is created under a name AWS takes: a GroupName
// cannot start with "sg-" (EC2 API reference, CreateSecurityGroup), and
// the patched dump lists it under that name.
func TestCommandsNewGroupName(t *testing.T) {
	shareDB := func(d map[string]any) {
		for _, ni := range d["NetworkInterfaces"].([]any) {
			if ni := ni.(map[string]any); ni["NetworkInterfaceId"] == "eni-app1" {
				ni["Groups"] = append(ni["Groups"].([]any), map[string]any{"GroupId": "sg-db", "GroupName": "db"})
			}
		}
	}
	in := editedSample(t, map[string]func(map[string]any){
		"network-interfaces.json": shareDB,
		"instances.json": func(d map[string]any) {
			for _, r := range d["Reservations"].([]any) {
				shareDB(map[string]any{"NetworkInterfaces": r.(map[string]any)["Instances"].([]any)[0].(map[string]any)["NetworkInterfaces"]})
			}
		},
	})
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	fx, err := m.Fix(reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.Reachable)
	require.NoError(t, err)
	var names []string
	for _, c := range aws.Commands(fx.Changes) {
		if _, rest, ok := strings.Cut(c, "--group-name "); ok {
			names = append(names, strings.Trim(strings.Fields(rest)[0], "'"))
		}
	}
	require.Equal(t, []string{"reachsim-eni-db1"}, names, "sg-db is shared with app-1: one group is made for db-1")
	cmds := aws.Commands(fx.Changes)
	i := slices.IndexFunc(cmds, func(c string) bool { return strings.HasPrefix(c, "SG_1=$(") })
	require.GreaterOrEqual(t, i, 0, cmds)
	require.Greater(t, len(cmds), i+4, cmds)
	assert.Equal(t, []string{
		`aws ec2 authorize-security-group-ingress --group-id "$SG_1" --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.1.10/32,Description="reachsim fix"}]'`,
		`aws ec2 revoke-security-group-egress --group-id "$SG_1" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'`,
		`aws ec2 revoke-security-group-egress --group-id "$SG_1" --ip-permissions 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'`,
		`aws ec2 modify-network-interface-attribute --network-interface-id eni-db1 --groups sg-db "$SG_1"`,
	}, cmds[i+1:i+5], "the outbound rules AWS gives a new group are revoked before it is attached")
	out := filepath.Join(t.TempDir(), "patched")
	_, err = aws.WritePatched(out, fx.Changes, in)
	require.NoError(t, err)
	patched, _, err := aws.Load(out)
	require.NoError(t, err)
	d, err := reach.Diff(fx.Patched, patched, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Empty(t, d.Resources, "the patched dump is the model Fix verified, the group's name and rules too")
	b, err := os.ReadFile(filepath.Join(out, "security-groups.json"))
	require.NoError(t, err)
	var doc struct{ SecurityGroups []map[string]any }
	require.NoError(t, json.Unmarshal(b, &doc))
	i = slices.IndexFunc(doc.SecurityGroups, func(g map[string]any) bool { return g["GroupId"] == "sg-reachsim-eni-db1" })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, []any{}, doc.SecurityGroups[i]["IpPermissionsEgress"], "AWS's outbound rules, revoked")
}

// TestWritePatchedRuleIDsUnique: a fix that adds a rule to one group and
// then widens another (a removal, then an addition) writes rules whose
// SecurityGroupRuleIds differ, so the patched dump loads and gives the
// wanted answer.
func TestWritePatchedRuleIDsUnique(t *testing.T) {
	in := editedSample(t, map[string]func(map[string]any){
		"security-groups.json": func(d map[string]any) {
			for _, g := range d["SecurityGroups"].([]any) {
				if g := g.(map[string]any); g["GroupId"] == "sg-web" {
					g["IpPermissions"] = append(g["IpPermissions"].([]any), map[string]any{"IpProtocol": "tcp", "FromPort": 5434, "ToPort": 5434,
						"UserIdGroupPairs": []any{}, "IpRanges": []any{map[string]any{"CidrIp": "10.0.3.30/32"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}})
				}
			}
		},
		"security-group-rules.json": func(d map[string]any) {
			d["SecurityGroupRules"] = append(d["SecurityGroupRules"].([]any), map[string]any{"SecurityGroupRuleId": "sgr-web-5434", "GroupId": "sg-web",
				"GroupOwnerId": "111122223333", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 5434, "ToPort": 5434, "CidrIpv4": "10.0.3.30/32"})
		},
	})
	m, _, err := aws.Load(in)
	require.NoError(t, err)
	q := reach.Query{From: "db-1", To: "web-1", Protocol: flow.TCP, Port: 5433}
	fx, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	var actions []reach.ChangeAction
	for _, c := range fx.Changes {
		if c.Kind == reach.ResourceSecurityGroup {
			actions = append(actions, c.Action)
		}
	}
	require.Equal(t, []reach.ChangeAction{reach.ChangeAdd, reach.ChangeReplace}, actions, "a rule added to sg-db, then sg-web's 5434 widened")
	out := filepath.Join(t.TempDir(), "patched")
	_, err = aws.WritePatched(out, fx.Changes, in)
	require.NoError(t, err)
	patched, rep, err := aws.Load(out)
	require.NoError(t, err, "the patched dump loads")
	assert.Empty(t, rep.Warnings, "the two listings agree")
	r, err := patched.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	d, err := reach.Diff(fx.Patched, patched, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Empty(t, d.Changes, "the patched dump is the model Fix verified")
}
