package aws_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/stretchr/testify/require"
)

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		cliExample,
		customDump,
		doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":443,"To":443}}`),
		doc(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","Egress":true,"CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":3,"Code":4}}`),
		doc(`{"RuleNumber":100,"Protocol":"58","RuleAction":"allow","Egress":true,"CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":-1,"Code":-1}}`),
		doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","Ipv6CidrBlock":"::/0"}`),
		doc(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"deny","Egress":false,"CidrBlock":"::/0"}`),
		doc(`{"RuleNumber":"7","Protocol":"17","RuleAction":"deny","Egress":false,"Ipv6CidrBlock":"2001:db8::1/32","PortRange":{"From":"53","To":53}}`),
		doc(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":443,"To":80}}`,
			`{"RuleNumber":100,"Protocol":"47","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}`),
		`{"NetworkAcls":[{"NetworkAclId":"acl-1","Associations":[{"NetworkAclId":"acl-1","SubnetId":"subnet-1"}]},{"NetworkAclId":"acl-1"}]}`,
		`{"NetworkAcls":[],"NextToken":"abc"}`,
		`{"NetworkAcls":null}`,
		`[]`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	sentinels := []error{nacl.ErrInvalidEntry, nacl.ErrDuplicateRule, nacl.ErrInvalidACL, flow.ErrJSON}
	f.Fuzz(func(t *testing.T, data []byte) {
		acls, err := aws.ParseNetworkACLs(data)
		if err != nil {
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
			require.True(t, slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }), "error %v wraps no sentinel", err)
			require.Nil(t, acls)
			return
		}
		for _, a := range acls {
			ev, err := nacl.Compile(a)
			require.NoError(t, err, "every parsed ACL compiles")
			// Parsed entries are already canonical and sorted: compiling
			// changes nothing.
			require.Equal(t, a.Entries, ev.ACL().Entries)
			for _, e := range a.Entries {
				require.False(t, e.IsDefaultRule())
				require.Equal(t, e.CIDR.Masked(), e.CIDR)
				back, err := nacl.ParseEntry(e.String())
				require.NoError(t, err, "%q", e.String())
				require.Equal(t, e, back)
			}
		}
	})
}
