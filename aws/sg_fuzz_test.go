package aws_test

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// knowsAllResolver knows every group (with no members) and every prefix
// list (two small blocks), so Compile only checks the rules themselves.
type knowsAllResolver struct{}

func (knowsAllResolver) GroupMembers(string) ([]netip.Addr, error) { return nil, nil }

func (knowsAllResolver) PrefixList(string) ([]netip.Prefix, error) {
	return []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::/32")}, nil
}

// addParseSeeds adds the testdata files, truncated and edited copies of
// them, and the extra inputs.
func addParseSeeds(f *testing.F, files []string, edits [][2]string, extra ...string) {
	for _, name := range files {
		data := readTestdata(f, name)
		f.Add(data)
		f.Add(data[:len(data)/2])
		for _, e := range edits {
			f.Add(bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1))
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkParseError fails the test unless err is a *flow.InputError wrapping
// one of the package's sentinels (or the JSON one).
func checkParseError(t *testing.T, err error) {
	t.Helper()
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not a *flow.InputError", err, err)
	}
	if !errors.Is(err, sg.ErrInvalidRule) && !errors.Is(err, sg.ErrInvalidGroup) && !errors.Is(err, flow.ErrJSON) {
		t.Fatalf("error %v wraps no known sentinel", err)
	}
}

func FuzzParseSecurityGroups(f *testing.F) {
	addParseSeeds(f,
		[]string{"describe-security-groups-cli-example.json", "describe-security-groups.json"},
		[][2]string{
			{`"tcp"`, `"icmp"`},
			{`"icmpv6"`, `"icmp"`},
			{`22`, `70000`},
			{`"0.0.0.0/0"`, `"::/0"`},
			{`"::/0"`, `"0.0.0.0/0"`},
			{`"-1"`, `"all"`},
			{`"GroupId"`, `"GroupID"`},
			{`[]`, `null`},
			{`"FromPort": 8`, `"FromPort": -1`},
		},
		`{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"icmp","FromPort":-1,"ToPort":3}]}]}`,
		`{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"6","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"::ffff:10.0.0.0/104"}]}]}]}`,
		`{"SecurityGroups":[{"GroupId":"sg-1","IpPermissionsEgress":[null,{"IpProtocol":"58","Ipv6Ranges":[{"CidrIpv6":"fe80::%eth0/64"}]}]}]}`,
		`{"SecurityGroups":null}`,
		`[]`,
		``,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := aws.ParseSecurityGroups(data)
		if err != nil {
			checkParseError(t, err)
			return
		}
		if _, err := sg.Compile(groups, knowsAllResolver{}); err != nil {
			t.Fatalf("parsed groups do not compile: %v", err)
		}
	})
}

func FuzzParseSecurityGroupRules(f *testing.F) {
	addParseSeeds(f,
		[]string{"describe-security-group-rules.json"},
		[][2]string{
			{`"IsEgress": false`, `"IsEgress": null`},
			{`"CidrIpv4": "203.0.113.0/24"`, `"CidrIpv4": "203.0.113.0/24", "PrefixListId": "pl-1"`},
			{`"CidrIpv6": "2001:db8::/32"`, `"CidrIpv6": "2001:db8::/129"`},
			{`"ToPort": -1`, `"ToPort": 3`},
			{`"IpProtocol": "icmpv6"`, `"IpProtocol": "icmp"`},
			{`"GroupId": "sg-1234567890abcdef0"`, `"GroupId": ""`},
			{`"sgr-0a11111111111111a"`, `"sgr-abcdef01234567890"`},
		},
		`{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"-1","ReferencedGroupInfo":{}}]}`,
		`{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":true,"IpProtocol":"icmpv6","CidrIpv6":"::/0"}]}`,
		`{"SecurityGroupRules":[1,"x",null]}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := aws.ParseSecurityGroupRules(data)
		if err != nil {
			checkParseError(t, err)
			return
		}
		if _, err := sg.Compile(groups, knowsAllResolver{}); err != nil {
			t.Fatalf("parsed groups do not compile: %v", err)
		}
	})
}
