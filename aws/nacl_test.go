package aws_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// cliExample is the describe-network-acls example of the AWS CLI docs
// (semantics B.8): the default ACL of an IPv6 VPC, egress listed first.
const cliExample = `{"NetworkAcls": [{"NetworkAclId": "acl-0e2a78e4e2EXAMPLE", "VpcId": "vpc-03914afb3eEXAMPLE", "IsDefault": true,
  "Associations": [], "Tags": [], "OwnerId": "111122223333",
  "Entries": [
    {"CidrBlock": "0.0.0.0/0", "Egress": true,  "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
    {"Ipv6CidrBlock": "::/0",  "Egress": true,  "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
    {"CidrBlock": "0.0.0.0/0", "Egress": true,  "Protocol": "-1", "RuleAction": "deny",  "RuleNumber": 32767},
    {"Ipv6CidrBlock": "::/0",  "Egress": true,  "Protocol": "-1", "RuleAction": "deny",  "RuleNumber": 32768},
    {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}]}`

// customDump is a realistic custom ACL of a public web subnet, with the
// entries in no particular order, as AWS may print them.
const customDump = `{
  "NetworkAcls": [
    {
      "Associations": [
        {"NetworkAclAssociationId": "aclassoc-0a1b2c3d", "NetworkAclId": "acl-0web", "SubnetId": "subnet-0pub1"},
        {"NetworkAclAssociationId": "aclassoc-0a1b2c3e", "NetworkAclId": "acl-0web", "SubnetId": "subnet-0pub2"}
      ],
      "Entries": [
        {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "6", "PortRange": {"From": 1024, "To": 65535}, "RuleAction": "allow", "RuleNumber": 120},
        {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "6", "PortRange": {"From": 443, "To": 443}, "RuleAction": "allow", "RuleNumber": 110},
        {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
        {"CidrBlock": "198.51.100.7/24", "Egress": false, "Protocol": "6", "PortRange": {"From": 22, "To": 22}, "RuleAction": "allow", "RuleNumber": 100},
        {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "6", "PortRange": {"From": 1024, "To": 65535}, "RuleAction": "allow", "RuleNumber": 140},
        {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "1", "IcmpTypeCode": {"Code": 4, "Type": 3}, "RuleAction": "allow", "RuleNumber": 130},
        {"Ipv6CidrBlock": "::/0", "Egress": false, "Protocol": "58", "IcmpTypeCode": {"Code": -1, "Type": 2}, "RuleAction": "allow", "RuleNumber": 131},
        {"Ipv6CidrBlock": "2001:db8::/32", "Egress": false, "Protocol": "17", "PortRange": {"From": 53, "To": 53}, "RuleAction": "deny", "RuleNumber": 90},
        {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "58", "IcmpTypeCode": {"Code": 0, "Type": 128}, "RuleAction": "allow", "RuleNumber": 150},
        {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "47", "PortRange": {"From": 1, "To": 2}, "RuleAction": "allow", "RuleNumber": 160},
        {"Ipv6CidrBlock": "::/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768},
        {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "6", "PortRange": {"From": 443, "To": 443}, "RuleAction": "allow", "RuleNumber": 100},
        {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}
      ],
      "IsDefault": false,
      "NetworkAclId": "acl-0web",
      "Tags": [{"Key": "Name", "Value": "public-web"}],
      "VpcId": "vpc-0main",
      "OwnerId": "111122223333"
    },
    {"NetworkAclId": "acl-0empty", "VpcId": "vpc-0main", "IsDefault": false, "Associations": [],
     "Entries": [
        {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
        {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}]}
  ]
}`

func entryStrings(es []nacl.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.String())
	}
	return out
}

func TestParseJSON(t *testing.T) {
	t.Run("the CLI example loads as a default ACL without its star rules", func(t *testing.T) {
		acls, err := aws.ParseNetworkACLs([]byte(cliExample))
		require.NoError(t, err)
		require.Len(t, acls, 1)
		a := acls[0]
		assert.Equal(t, "acl-0e2a78e4e2EXAMPLE", a.ID)
		assert.Equal(t, "vpc-03914afb3eEXAMPLE", a.VPCID)
		assert.True(t, a.IsDefault)
		assert.Empty(t, a.Subnets)
		assert.Equal(t, []string{
			"100 allow all from 0.0.0.0/0",
			"100 allow all to 0.0.0.0/0",
			"101 allow all to ::/0",
		}, entryStrings(a.Entries))
		ev := compile(t, a)
		assert.Equal(t, "denied by rule * (deny all from ::/0) on acl-0e2a78e4e2EXAMPLE",
			ev.Evaluate(fl("tcp [2001:db8::1]:50000 -> [2001:db8::2]:443"), flow.Inbound).String(),
			"inbound IPv6 has no entry in the example, so * decides")
	})

	t.Run("a custom ACL's entries come sorted, IPv6 and ICMP kept, CIDRs masked", func(t *testing.T) {
		acls, err := aws.ParseNetworkACLs([]byte(customDump))
		require.NoError(t, err)
		require.Len(t, acls, 2)
		a := acls[0]
		assert.Equal(t, "acl-0web", a.ID)
		assert.Equal(t, []string{"subnet-0pub1", "subnet-0pub2"}, a.Subnets)
		assert.False(t, a.IsDefault)
		assert.Equal(t, []string{
			"90 deny udp 53 from 2001:db8::/32",
			"100 allow tcp 22 from 198.51.100.0/24",
			"110 allow tcp 443 from 0.0.0.0/0",
			"130 allow icmp type 3 code 4 from 0.0.0.0/0",
			"131 allow icmpv6 type 2 from ::/0",
			"140 allow tcp 1024-65535 from 0.0.0.0/0",
			"150 allow icmpv6 from 10.0.0.0/8",
			"160 allow gre from 10.0.0.0/8",
			"100 allow tcp 443 to 0.0.0.0/0",
			"120 allow tcp 1024-65535 to 0.0.0.0/0",
		}, entryStrings(a.Entries))
		icmpv6on4 := a.Entries[6]
		assert.Equal(t, [2]int16{-1, -1}, [2]int16{icmpv6on4.ICMPType, icmpv6on4.ICMPCode}, "protocol 58 with an IPv4 CIDR: type and code ignored")
		assert.Equal(t, flow.PortRange{}, a.Entries[7].Ports, "ports of gre are ignored")

		assert.Equal(t, "acl-0empty", acls[1].ID)
		assert.Empty(t, acls[1].Entries, "an ACL with only the star rules has no entries")
		for _, a := range acls {
			compile(t, a)
		}
	})

	t.Run("rule numbers and ports written as strings are read", func(t *testing.T) {
		acls, err := aws.ParseNetworkACLs([]byte(doc(`{"RuleNumber":"100","Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":"443","To":"443"}}`)))
		require.NoError(t, err)
		assert.Equal(t, []string{"100 allow tcp 443 from 0.0.0.0/0"}, entryStrings(acls[0].Entries))
	})

	t.Run("PortRange From 0 To 0 is port 0 alone", func(t *testing.T) {
		acls, err := aws.ParseNetworkACLs([]byte(doc(`{"RuleNumber":100,"Protocol":"17","RuleAction":"deny","Egress":true,"CidrBlock":"0.0.0.0/0","PortRange":{"From":0,"To":0}}`)))
		require.NoError(t, err)
		require.Len(t, acls[0].Entries, 1)
		e := acls[0].Entries[0]
		assert.True(t, e.PortZero)
		assert.Equal(t, flow.PortRange{}, e.Ports)
		assert.Equal(t, "100 deny udp 0 to 0.0.0.0/0", e.String())
		ev := compile(t, acls[0])
		assert.Equal(t, flow.Deny, ev.Evaluate(flow.MustParse("udp 10.0.0.1:5 -> 10.0.0.2:0"), flow.Outbound).Verdict)
		assert.Equal(t, 100, ev.Evaluate(flow.MustParse("udp 10.0.0.1:5 -> 10.0.0.2:0"), flow.Outbound).Entry.Number)
		assert.True(t, ev.Evaluate(flow.MustParse("udp 10.0.0.1:5 -> 10.0.0.2:1"), flow.Outbound).Default)
	})

	t.Run("an empty list is no ACLs and no error", func(t *testing.T) {
		acls, err := aws.ParseNetworkACLs([]byte(`{"NetworkAcls": [], "NextToken": null}`))
		require.NoError(t, err)
		assert.Empty(t, acls)
	})
}

// doc wraps entries (JSON objects) in a describe-network-acls document with
// one ACL, acl-1.
func doc(entries ...string) string {
	return `{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":false,"Associations":[],"Entries":[` + strings.Join(entries, ",") + `]}]}`
}

func TestParseJSONRejects(t *testing.T) {
	const (
		tcp443 = `{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":443,"To":443}}`
		all110 = `{"RuleNumber":110,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`
		e0     = "NetworkAcls[0].Entries[0]"
	)
	tests := []struct {
		name  string
		json  string
		errIs error
		path  string
		rule  string
		text  string // the offending text, when there is one
		msg   string // a part of the message
	}{
		{"text that is not JSON", `{"NetworkAcls": [`, flow.ErrJSON, "NetworkAcls", "", "", "malformed JSON: unexpected end of JSON input (line 1, column 18)"},
		{"a document without NetworkAcls", `{"SecurityGroups": []}`, nacl.ErrInvalidACL, "NetworkAcls", "", "", "not the output of aws ec2 describe-network-acls"},
		{"a null document", `null`, nacl.ErrInvalidACL, "NetworkAcls", "", "", "no NetworkAcls"},
		{"NetworkAcls that is not a list", `{"NetworkAcls": {}}`, flow.ErrJSON, "NetworkAcls", "", "", "a list"},
		{"an ACL without ID", `{"NetworkAcls":[{"VpcId":"vpc-1"}]}`, nacl.ErrInvalidACL, "NetworkAcls[0].NetworkAclId", "", "", "missing NetworkAclId"},
		{"an ACL listed twice", `{"NetworkAcls":[{"NetworkAclId":"acl-1"},{"NetworkAclId":"acl-1"}]}`, nacl.ErrInvalidACL, "NetworkAcls[1].NetworkAclId", "", "acl-1", "at NetworkAcls[0] and NetworkAcls[1]"},
		{"an association without subnet", `{"NetworkAcls":[{"NetworkAclId":"acl-1","Associations":[{"NetworkAclId":"acl-1"}]}]}`, nacl.ErrInvalidACL, "NetworkAcls[0].Associations[0].SubnetId", "", "", "without SubnetId"},
		{"an association of another ACL", `{"NetworkAcls":[{"NetworkAclId":"acl-1","Associations":[{"NetworkAclId":"acl-2","SubnetId":"subnet-1"}]}]}`, nacl.ErrInvalidACL, "NetworkAcls[0].Associations[0].NetworkAclId", "", "acl-2", "names ACL acl-2 inside ACL acl-1"},
		{"an entry that is not an object", doc(`[1]`), flow.ErrJSON, e0, "", "", "an object"},
		{"two inbound entries numbered 100, naming both paths", doc(tcp443, all110, `{"RuleNumber":100,"Protocol":"-1","RuleAction":"deny","Egress":false,"Ipv6CidrBlock":"::/0"}`),
			nacl.ErrDuplicateRule, "NetworkAcls[0].Entries[2].RuleNumber", "100", "100", "inbound rule 100 is both NetworkAcls[0].Entries[0] and NetworkAcls[0].Entries[2]"},
		{"two IPv4 outbound star rules", doc(`{"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":true,"CidrBlock":"0.0.0.0/0"}`, `{"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":true,"CidrBlock":"0.0.0.0/0"}`),
			nacl.ErrDuplicateRule, "NetworkAcls[0].Entries[1].RuleNumber", "32767", "32767", "outbound rule 32767"},
		{"a missing rule number", doc(`{"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "", "", "missing RuleNumber"},
		{"rule number zero", doc(`{"RuleNumber":0,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "", "0", "want 1 to 32766"},
		{"a reserved rule number", doc(`{"RuleNumber":40000,"Protocol":"-1","RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "", "40000", "want 1 to 32766"},
		{"a rule number that is not a number", doc(`{"RuleNumber":"abc","Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), flow.ErrJSON, e0 + ".RuleNumber", "", `"abc"`, "not an integer"},
		{"a fractional rule number", doc(`{"RuleNumber":100.5,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), flow.ErrJSON, e0 + ".RuleNumber", "", "100.5", "not an integer"},
		{"a missing Egress", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".Egress", "100", "", "missing Egress"},
		{"Egress as a string", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":"true","CidrBlock":"0.0.0.0/0"}`), flow.ErrJSON, e0 + ".Egress", "", "", "true or false"},
		{"an unknown action", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"permit","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleAction", "100", "permit", "want allow or deny"},
		{"reject, a Network Firewall action, is no ACL action", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"reject","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleAction", "100", "reject", "want allow or deny"},
		{"a missing action", doc(`{"RuleNumber":100,"Protocol":"-1","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleAction", "100", "", "missing RuleAction"},
		{"a missing protocol", doc(`{"RuleNumber":100,"RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".Protocol", "100", "", "missing Protocol"},
		{"a protocol above 255", doc(`{"RuleNumber":100,"Protocol":"300","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".Protocol", "100", "300", "invalid protocol"},
		{"both CidrBlock and Ipv6CidrBlock", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","Ipv6CidrBlock":"::/0"}`), nacl.ErrInvalidEntry, e0 + ".Ipv6CidrBlock", "100", "0.0.0.0/0 ::/0", "both CidrBlock and Ipv6CidrBlock"},
		{"neither CidrBlock nor Ipv6CidrBlock", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false}`), nacl.ErrInvalidEntry, e0 + ".CidrBlock", "100", "", "neither CidrBlock nor Ipv6CidrBlock"},
		{"an IPv6 CIDR in CidrBlock", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"::/0"}`), nacl.ErrInvalidEntry, e0 + ".CidrBlock", "100", "::/0", "belongs in Ipv6CidrBlock"},
		{"an IPv4 CIDR in Ipv6CidrBlock", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"Ipv6CidrBlock":"10.0.0.0/8"}`), nacl.ErrInvalidEntry, e0 + ".Ipv6CidrBlock", "100", "10.0.0.0/8", "belongs in CidrBlock"},
		{"an IPv4-mapped CIDR in Ipv6CidrBlock", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"Ipv6CidrBlock":"::ffff:10.0.0.0/104"}`), nacl.ErrInvalidEntry, e0 + ".Ipv6CidrBlock", "100", "::ffff:10.0.0.0/104", "IPv4-mapped"},
		{"a prefix length out of range", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/33"}`), nacl.ErrInvalidEntry, e0 + ".CidrBlock", "100", "10.0.0.0/33", "not a CIDR"},
		{"a bare address", doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.1"}`), nacl.ErrInvalidEntry, e0 + ".CidrBlock", "100", "10.0.0.1", "not a CIDR"},
		{"tcp without PortRange", doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".PortRange", "100", "", "needs a PortRange"},
		{"udp without PortRange.To", doc(`{"RuleNumber":100,"Protocol":"17","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":53}}`), nacl.ErrInvalidEntry, e0 + ".PortRange.To", "100", "", "missing PortRange.To"},
		{"a port above 65535", doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":1,"To":70000}}`), nacl.ErrInvalidEntry, e0 + ".PortRange.To", "100", "70000", "want 0 to 65535"},
		{"a negative port", doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":-1,"To":-1}}`), nacl.ErrInvalidEntry, e0 + ".PortRange.From", "100", "-1", "want 0 to 65535"},
		{"a reversed port range", doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":443,"To":80}}`), nacl.ErrInvalidEntry, e0 + ".PortRange", "100", "443-80", "From is above To"},
		{"a port range one port backwards", doc(`{"RuleNumber":100,"Protocol":"17","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":80,"To":79}}`), nacl.ErrInvalidEntry, e0 + ".PortRange", "100", "80-79", "From is above To"},
		{"a port that is not a number", doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":true,"To":80}}`), flow.ErrJSON, e0 + ".PortRange.From", "100", "true", "not an integer"},
		{"icmp without IcmpTypeCode", doc(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".IcmpTypeCode", "100", "", "needs an IcmpTypeCode"},
		{"icmpv6 on IPv6 without IcmpTypeCode", doc(`{"RuleNumber":100,"Protocol":"58","RuleAction":"allow","Egress":false,"Ipv6CidrBlock":"::/0"}`), nacl.ErrInvalidEntry, e0 + ".IcmpTypeCode", "100", "", "needs an IcmpTypeCode"},
		{"icmp without a code", doc(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","IcmpTypeCode":{"Type":8}}`), nacl.ErrInvalidEntry, e0 + ".IcmpTypeCode.Code", "100", "", "missing IcmpTypeCode.Code"},
		{"an icmp type above 255", doc(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","IcmpTypeCode":{"Type":300,"Code":0}}`), nacl.ErrInvalidEntry, e0 + ".IcmpTypeCode.Type", "100", "300", "ICMP type 300"},
		{"an icmp code under all types", doc(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","IcmpTypeCode":{"Type":-1,"Code":4}}`), nacl.ErrInvalidEntry, e0 + ".IcmpTypeCode.Code", "100", "4", "a code needs a type"},
		{"a star rule that allows", doc(`{"RuleNumber":32767,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "32767", "32767", `must be "deny all from 0.0.0.0/0"`},
		{"an IPv4 star rule with an IPv6 CIDR", doc(`{"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":true,"Ipv6CidrBlock":"::/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "32767", "32767", `must be "deny all to 0.0.0.0/0"`},
		{"an IPv6 star rule with an IPv4 CIDR", doc(`{"RuleNumber":32768,"Protocol":"-1","RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0"}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "32768", "32768", `must be "deny all from ::/0"`},
		{"a star rule for one protocol only", doc(`{"RuleNumber":32767,"Protocol":"6","RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":0,"To":65535}}`), nacl.ErrInvalidEntry, e0 + ".RuleNumber", "32767", "32767", "implicit * rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acls, err := aws.ParseNetworkACLs([]byte(tt.json))
			require.Error(t, err)
			assert.Nil(t, acls)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
			assert.ErrorIs(t, err, tt.errIs)
			assert.Equal(t, tt.path, ie.Path)
			if tt.rule != "" {
				assert.Equal(t, tt.rule, ie.Rule)
			}
			if strings.Contains(tt.json, `"NetworkAclId":"acl-1"`) && strings.HasPrefix(tt.path, "NetworkAcls[0].Entries") {
				assert.Equal(t, "acl-1", ie.Resource)
			}
			if tt.text != "" {
				assert.Contains(t, ie.Text, tt.text)
			}
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}
