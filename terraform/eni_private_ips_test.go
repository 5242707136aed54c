package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestENISecondaryPrivateIPs: an aws_network_interface's secondary
// private IPv4 addresses. Those the plan knows (private_ips, or
// private_ip_list when private_ip_list_enabled) are the interface's;
// those AWS picks from the subnet (private_ips_count asks for more than
// the plan shows: CreateNetworkInterface's
// SecondaryPrivateIpAddressCount, AssignPrivateIpAddresses) make a free
// address of the subnet maybe the interface's, so a query to one is
// indeterminate, naming private_ips, never a certain "nothing has it".
// existingPublicNet's subnet-1 is 10.1.1.0/24 and sg-1 allows all.
func TestENISecondaryPrivateIPs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		values  map[string]any
		unknown map[string]any
		exprs   map[string]any
		dst     string
		want    reach.Outcome
		code    reach.Code
		warn    bool // the load warns that AWS picks secondary addresses
	}{
		{name: "create: private_ips given, private_ips_count asks for two more",
			values: map[string]any{"subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ips": []any{"10.1.1.50"}, "private_ips_count": 2},
			unknown: map[string]any{"id": true, "private_ip": true, "private_ip_list": true},
			exprs:   map[string]any{"private_ips": []any{"10.1.1.50"}, "private_ips_count": 2},
			dst:     "10.1.1.100", want: reach.Indeterminate, code: reach.DelegatedPrefixesUnknown, warn: true},
		{name: "create: the address private_ips gives is the interface's",
			values: map[string]any{"subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ips": []any{"10.1.1.50"}, "private_ips_count": 2},
			unknown: map[string]any{"id": true, "private_ip": true, "private_ip_list": true},
			exprs:   map[string]any{"private_ips": []any{"10.1.1.50"}, "private_ips_count": 2},
			dst:     "10.1.1.50", want: reach.Reachable, warn: true},
		{name: "update: private_ips_count raised, private_ips known after apply (the provider's ComputedIf)",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50", "private_ips_count": 2},
			unknown: map[string]any{"private_ips": true, "private_ip_list": true},
			exprs:   map[string]any{"private_ips_count": 2},
			dst:     "10.1.1.100", want: reach.Indeterminate, code: reach.DelegatedPrefixesUnknown, warn: true},
		{name: "private_ips_count from a value known only after apply",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50"},
			unknown: map[string]any{"private_ips": true, "private_ips_count": true},
			exprs:   map[string]any{"private_ips_count": []string{"var.pods"}},
			dst:     "10.1.1.100", want: reach.Indeterminate, code: reach.DelegatedPrefixesUnknown, warn: true},
		{name: "update: private_ip_list (private_ip_list_enabled) gains 10.1.1.100, private_ips known after apply",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50", "private_ip_list_enabled": true, "private_ip_list": []any{"10.1.1.50", "10.1.1.100"}},
			unknown: map[string]any{"private_ips": true, "private_ips_count": true},
			exprs:   map[string]any{"private_ip_list_enabled": true, "private_ip_list": []any{"10.1.1.50", "10.1.1.100"}},
			dst:     "10.1.1.100", want: reach.Reachable},
		{name: "private_ip_list leaves 10.1.1.100 out: nothing has it",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50", "private_ip_list_enabled": true, "private_ip_list": []any{"10.1.1.50", "10.1.1.60"}},
			unknown: map[string]any{"private_ips": true, "private_ips_count": true},
			exprs:   map[string]any{"private_ip_list_enabled": true, "private_ip_list": []any{"10.1.1.50", "10.1.1.60"}},
			dst:     "10.1.1.100", want: reach.Unreachable, code: reach.UnknownDestination},
		{name: "an interface that exists with all its addresses known: nothing else has 10.1.1.100",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50", "private_ips": []any{"10.1.1.50", "10.1.1.60"}, "private_ips_count": 1},
			dst: "10.1.1.100", want: reach.Unreachable, code: reach.UnknownDestination},
		{name: "an interface that exists: its secondary address",
			values: map[string]any{"id": "eni-5", "subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": true,
				"private_ip": "10.1.1.50", "private_ips": []any{"10.1.1.50", "10.1.1.60"}, "private_ips_count": 1},
			dst: "10.1.1.60", want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false), publicWeb(),
				planRes{typ: "aws_network_interface", name: "pods", values: tc.values, unknown: tc.unknown, exprs: tc.exprs})...), rep)
			require.NoError(t, err)
			assert.Equal(t, tc.warn, containsPrefix(rep.Warnings, "aws_network_interface.pods: private_ips: AWS picks secondary private IPv4 addresses"), "%q", rep.Warnings)
			r, err := m.Check(tcp("aws_instance.web", tc.dst, 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), "aws_network_interface.pods: private_ips, known only later")
			}
		})
	}
}
