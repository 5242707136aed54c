package aws_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// TestLoadAlibabaJSON: Alibaba Cloud JSON among AWS CLI output is named
// for what it is, with the library function that reads it: a security
// group (DescribeSecurityGroupAttribute) is ignored with a warning, as
// before, the rest of the dump loads; a prefix list
// (DescribePrefixListAttributes) stays an error. Audit alilint25,
// finding 5.
func TestLoadAlibabaJSON(t *testing.T) {
	tests := []struct {
		name, src string
		warning   string // the file's warning, "" for none
		err       string // in the error, "" for none
	}{
		{name: "security group", src: "../alibaba/testdata/basic.json",
			warning: `ali.json: ignored: Alibaba Cloud JSON (DescribeSecurityGroupAttribute of "sg-bp1fg655nh68xyz9i4u1": SecurityGroupId and Permissions.Permission), which the reachsim CLI does not read: it reads the output of AWS CLI describe commands; Alibaba Cloud JSON is read by the Go library, alibaba.ParseSecurityGroup`},
		{name: "enterprise security group", src: "../alibaba/testdata/enterprise.json",
			warning: `Alibaba Cloud JSON (DescribeSecurityGroupAttribute of`},
		{name: "prefix list", src: "../alibaba/testdata/prefixlist.json",
			err: `ali.json: (pl-x1j1k5ykzqlixdcy1): "PrefixListId": invalid AWS CLI output: Alibaba Cloud JSON (DescribePrefixListAttributes of "pl-x1j1k5ykzqlixdcy1": PrefixListId and Entries.Entry), which the reachsim CLI does not read: it reads the output of AWS CLI describe commands; Alibaba Cloud JSON is read by the Go library, alibaba.ParsePrefixList`},
	}
	shop, err := filepath.Glob("testdata/shop/*.json")
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range append(shop, tc.src) {
				data, err := os.ReadFile(f)
				require.NoError(t, err)
				name := filepath.Base(f)
				if f == tc.src {
					name = "ali.json"
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
			}
			m, rep, err := aws.Load(dir)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, m)
			var got []string
			for _, w := range rep.Warnings {
				if strings.HasPrefix(w, filepath.Join(dir, "ali.json")+":") {
					got = append(got, w)
				}
			}
			require.Len(t, got, 1, "%v", rep.Warnings)
			assert.Contains(t, got[0], tc.warning)
			assert.NotContains(t, got[0], "is this the output of an aws describe command")
		})
	}
}
